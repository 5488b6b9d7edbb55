package storetest

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// Detailed is a one-polygon MultiPolygon of n points round a circle of
// radius r degrees about c, each pushed out or in by up to wobble of r:
// a boundary drawn in much more detail than a low-zoom tile shows.
func Detailed(c orb.Point, r float64, n int, wobble float64) orb.MultiPolygon {
	ring := make(orb.Ring, 0, n+1)
	for i := 0; i < n; i++ {
		a := 2 * math.Pi * float64(i) / float64(n)
		k := r * (1 + wobble*math.Sin(float64(i)*1.7)*math.Cos(float64(i)*0.31))
		ring = append(ring, orb.Point{c[0] + k*math.Cos(a), c[1] + k*math.Sin(a)})
	}
	ring = append(ring, ring[0])
	return orb.MultiPolygon{{ring}}
}

// bandAreas are detailed areas (bands pay) and a plain square (they do
// not).
func bandAreas() []place.Area {
	return []place.Area{
		{Code: "D1", Name: "Detailed 1", Geometry: Detailed(orb.Point{-1.45, 53.38}, 0.02, 4000, 0.01)},
		{Code: "D2", Name: "Detailed 2", Geometry: Detailed(orb.Point{-1.40, 53.38}, 0.01, 2000, 0.02)},
		{Code: "SQ", Name: "Square", Geometry: Square(-1.5, 53.3, 0.01)},
	}
}

// zoomBandsInStep: after an import, an area's addition, redrawing and
// deletion, and the fill after the migration, area_bands holds exactly
// store.Generalise of every area's geometry, and nothing of areas gone;
// area tiles read a band's geometry at its zooms and the full one past
// them, the same areas either way.
func zoomBandsInStep(t *testing.T, st *store.DB) {
	ctx := context.Background()
	if _, err := st.ImportSet(ctx, testSet("banded"), bandAreas()); err != nil {
		t.Fatal(err)
	}
	if n := CheckBands(t, st); n < 4 {
		t.Fatalf("import: %d band rows, want some for each detailed area", n)
	}
	add := place.Area{Set: "banded", Code: "D3", Name: "Detailed 3", Geometry: Detailed(orb.Point{-1.35, 53.38}, 0.01, 3000, 0.01)}
	if err := st.AddArea(ctx, add); err != nil {
		t.Fatal(err)
	}
	CheckBands(t, st)
	add.Geometry = Detailed(orb.Point{-1.35, 53.40}, 0.015, 2500, 0.02)
	if _, err := st.UpdateArea(ctx, add, 1); err != nil {
		t.Fatal(err)
	}
	CheckBands(t, st)
	add.Geometry = Square(-1.35, 53.40, 0.01) // a band no longer pays
	if _, err := st.UpdateArea(ctx, add, 2); err != nil {
		t.Fatal(err)
	}
	CheckBands(t, st)
	if err := st.DeleteArea(ctx, "banded", "D2", 1); err != nil {
		t.Fatal(err)
	}
	n := CheckBands(t, st)
	// The fill after the migration: bands of areas already in the store.
	execAll(t, st, `DELETE FROM area_bands`, `INSERT INTO settings (key, value) VALUES ('area_bands', 'fill')`)
	v0, err := st.TileVersions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.FillBands(ctx); err != nil {
		t.Fatal(err)
	}
	if got := CheckBands(t, st); got != n {
		t.Errorf("fill wrote %d band rows, want %d", got, n)
	}
	var pending int
	if err := st.Dialect().Conns.Reads().QueryRow(ctx, `SELECT count(*) FROM settings WHERE key = 'area_bands'`).Scan(&pending); err != nil || pending != 0 {
		t.Errorf("after the fill: %d settings 'area_bands' (%v), want 0", pending, err)
	}
	if v1, err := st.TileVersions(ctx); err != nil || v1.Of(store.SetTiles("banded")) == v0.Of(store.SetTiles("banded")) {
		t.Errorf("fill left the set's tile version at %d (%v)", v0.Of(store.SetTiles("banded")), err)
	}
	if err := st.FillBands(ctx); err != nil { // nothing to do: no write
		t.Fatal(err)
	}
	bandShapes(t, st)
}

// bandShapes: AreaShapes answers a tile of a band's zoom with the band's
// geometry, and past the bands or without Generalised with the full one.
func bandShapes(t *testing.T, st *store.DB) {
	ctx := context.Background()
	all := orb.Bound{Min: orb.Point{-2, 53}, Max: orb.Point{-1, 54}}
	full, err := st.AreaShapes(ctx, "banded", store.ShapeQuery{BBox: all})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		zoom   int
		banded bool
	}{{0, true}, {8, true}, {9, true}, {11, true}, {13, true}, {14, false}, {18, false}} {
		got, err := st.AreaShapes(ctx, "banded", store.ShapeQuery{BBox: all, Generalised: true, Zoom: c.zoom})
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(codes(got)) != fmt.Sprint(codes(full)) {
			t.Fatalf("z%d: areas %v, want %v", c.zoom, codes(got), codes(full))
		}
		for i, a := range got {
			want := full[i].Geometry
			if c.banded {
				for _, b := range store.Generalise(want) {
					if b.Top >= c.zoom {
						want = b.Geometry
					}
				}
			}
			if !orb.Equal(a.Geometry, want) {
				t.Errorf("z%d area %s: %d points, want %d", c.zoom, a.Code, len(a.Geometry[0][0]), len(want[0][0]))
			}
		}
	}
}

// CheckBands fails t unless area_bands holds exactly the bands of every
// area, and returns how many rows it holds.
func CheckBands(t *testing.T, st *store.DB) int {
	t.Helper()
	ctx := context.Background()
	g := st.Dialect().Geometry
	want := map[string][]byte{}
	rows, err := st.Dialect().Conns.Reads().Query(ctx, `SELECT fid, `+g.Out("geom")+` FROM areas`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var fid int64
		var blob []byte
		if err := rows.Scan(&fid, &blob); err != nil {
			t.Fatal(err)
		}
		geom, err := g.Decode(blob)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range store.Generalise(geom.(orb.MultiPolygon)) {
			enc, err := g.Encode(b.Geometry)
			if err != nil {
				t.Fatal(err)
			}
			want[fmt.Sprintf("%d/z%d", fid, b.Top)] = enc
		}
	}
	rows.Close()
	rows, err = st.Dialect().Conns.Reads().Query(ctx, `SELECT fid, band, geom FROM area_bands`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var fid, band int64
		var blob []byte
		if err := rows.Scan(&fid, &band, &blob); err != nil {
			t.Fatal(err)
		}
		n++
		k := fmt.Sprintf("%d/z%d", fid, band)
		w, ok := want[k]
		switch {
		case !ok:
			t.Errorf("band row %s: no such area or band", k)
		case !bytes.Equal(w, blob):
			t.Errorf("band row %s: not the area's geometry generalised", k)
		}
		delete(want, k)
	}
	for k := range want {
		t.Errorf("band row %s missing", k)
	}
	return n
}

// BandsMigration: a store migrated to zoom bands with areas in it fills
// their bands when it opens. open opens the same store each time; undo
// are the statements taking it back to before the migration.
func BandsMigration(t *testing.T, open func() *store.DB, undo ...string) {
	ctx := context.Background()
	st := open()
	if _, err := st.ImportSet(ctx, testSet("banded"), bandAreas()); err != nil {
		t.Fatal(err)
	}
	n := CheckBands(t, st)
	execAll(t, st, undo...)
	st.Close()
	st = open()
	defer st.Close()
	if got := CheckBands(t, st); got != n {
		t.Errorf("after the migration: %d band rows, want %d", got, n)
	}
}
