package isochrone

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
	"github.com/placemap/placemap/internal/testkit"
)

// randomPieces makes n reached pieces in a 3 km square: polylines of one
// to four vertices with the distance growing along each from a random
// start, as a search would leave them.
func randomPieces(n int, seed uint64) []piece {
	r := rand.New(rand.NewPCG(seed, 7))
	ps := make([]piece, n)
	for i := range ps {
		x, y := r.Float64()*3000, r.Float64()*3000
		m := r.Float64() * 1800
		p := piece{xy: [][2]float64{{x, y}}, metres: []float64{m}}
		for range r.IntN(4) {
			a, l := r.Float64()*2*math.Pi, 20+r.Float64()*180
			x, y, m = x+l*math.Cos(a), y+l*math.Sin(a), m+l
			p.xy = append(p.xy, [2]float64{x, y})
			p.metres = append(p.metres, m)
		}
		ps[i] = p
	}
	return ps
}

// TestBandsAgainstPostGIS compares each band with PostGIS's union of the
// geography buffers of the same pieces cut at the limit.
func TestBandsAgainstPostGIS(t *testing.T) {
	conn := testkit.PostGISDatabase(t)
	ps := randomPieces(300, 1)
	// The traced boundary follows the true one between grid lines as
	// chords and simplified by a tenth of a cell: the symmetric difference
	// shrinks with the cell (measured: about 2% at 20 m, 0.9% at 10 m).
	tests := []struct {
		cell, maxSym float64
	}{
		{20, 0.04},
		{10, 0.02},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("cell %.0f m", tt.cell), func(t *testing.T) {
			comparePostGIS(t, conn, ps, tt.cell, tt.maxSym)
		})
	}
}

func comparePostGIS(t *testing.T, conn *pgx.Conn, ps []piece, cell, maxSym float64) {
	const width = 50.0
	limits := []float64{400, 800, 1200, 1600}
	bands, err := Bands(walker(ps), limits, Options{Width: width, Cell: cell})
	if err != nil {
		t.Fatal(err)
	}
	pl := testPlane()
	for k, band := range bands {
		var parts orb.Collection
		for _, p := range ps {
			for _, part := range cut(p, limits[k]) {
				ls := make(orb.LineString, len(part))
				for i, q := range part {
					ls[i] = pl.inv(q[0], q[1])
				}
				if len(ls) == 1 {
					parts = append(parts, ls[0])
				} else {
					parts = append(parts, ls)
				}
			}
		}
		var want, got, sym float64
		var valid bool
		err := conn.QueryRow(context.Background(), `
			WITH p AS (SELECT (ST_Dump(ST_GeomFromText($1, 4326))).geom AS g),
			     u AS (SELECT ST_Union(ST_Buffer(g::geography, $2, 'quad_segs=32')::geometry) AS g FROM p),
			     b AS (SELECT ST_GeomFromText($3, 4326) AS g)
			SELECT ST_Area(u.g::geography), ST_Area(b.g::geography),
			       ST_Area(ST_SymDifference(u.g, b.g)::geography), ST_IsValid(b.g)
			FROM u, b`, wkt.MarshalString(parts), width, wkt.MarshalString(band)).Scan(&want, &got, &sym, &valid)
		if err != nil {
			t.Fatalf("band %d: %v", k, err)
		}
		t.Logf("band %d (%.0f m): %d parts; area %.0f m², PostGIS %.0f m² (%+.2f%%); symmetric difference %.2f%% of PostGIS's",
			k, limits[k], len(parts), got, want, 100*(got-want)/want, 100*sym/want)
		if !valid {
			t.Errorf("band %d: PostGIS finds it invalid", k)
		}
		if math.Abs(got-want)/want > 0.03 {
			t.Errorf("band %d: area %.0f m², PostGIS %.0f m²: more than 3%% apart", k, got, want)
		}
		if sym/want > maxSym {
			t.Errorf("band %d: symmetric difference %.1f%% of the area, want under %.0f%%", k, 100*sym/want, 100*maxSym)
		}
	}
}
