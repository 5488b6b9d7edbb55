package tiles_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
	"github.com/peterstace/simplefeatures/geom"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store/gpkg"
	"github.com/placemap/placemap/internal/tiles"
)

// TestTilesDrawValidPolygons renders areas made to trip a tile pipeline —
// a U whose base lies outside the tile, a comb along the tile's edge, a
// sliver thinner than a tile unit, a hole a fraction of a unit inside its
// shell, a shell given clockwise — as MVT and GeoJSON, and checks every
// polygon is valid (OGC), with rings of four positions or more and an
// area, MVT exteriors of positive area in tile coordinates and GeoJSON
// rings wound as RFC 7946 says. Areas that cover ground in the tile are
// all drawn.
func TestTilesDrawValidPolygons(t *testing.T) {
	ctx := context.Background()
	tile := maptile.At(orb.Point{-1.47, 53.38}, 14)
	b := tile.Bound()
	w, h := b.Max[0]-b.Min[0], b.Max[1]-b.Min[1]
	unit := w / tiles.Extent
	// at maps a position in the tile (0-1 across, 0-1 up) to lon/lat.
	at := func(x, y float64) orb.Point { return orb.Point{b.Min[0] + x*w, b.Min[1] + y*h} }
	ring := func(pts ...[2]float64) orb.Ring {
		r := make(orb.Ring, 0, len(pts)+1)
		for _, p := range pts {
			r = append(r, at(p[0], p[1]))
		}
		return append(r, r[0])
	}
	areas := []place.Area{
		{Code: "U", Name: "U across the bottom edge", Geometry: orb.MultiPolygon{{ring(
			[2]float64{0.1, -0.5}, [2]float64{0.9, -0.5}, [2]float64{0.9, 0.8}, [2]float64{0.7, 0.8},
			[2]float64{0.7, -0.2}, [2]float64{0.3, -0.2}, [2]float64{0.3, 0.8}, [2]float64{0.1, 0.8})}}},
		{Code: "COMB", Name: "comb along the left edge", Geometry: orb.MultiPolygon{{ring(
			[2]float64{-0.3, 0}, [2]float64{0.4, 0}, [2]float64{0.4, 0.1}, [2]float64{-0.1, 0.1},
			[2]float64{-0.1, 0.2}, [2]float64{0.4, 0.2}, [2]float64{0.4, 0.3}, [2]float64{-0.1, 0.3},
			[2]float64{-0.1, 0.4}, [2]float64{0.4, 0.4}, [2]float64{0.4, 0.5}, [2]float64{-0.3, 0.5})}}},
		{Code: "SLIVER", Name: "a triangle a third of a unit high", Geometry: orb.MultiPolygon{{orb.Ring{
			at(0.2, 0.9), at(0.8, 0.9), {at(0.5, 0.9)[0], at(0.5, 0.9)[1] + unit/3}, at(0.2, 0.9)}}}},
		{Code: "HOLE", Name: "hole a fraction of a unit inside its shell", Geometry: orb.MultiPolygon{{
			ring([2]float64{0.45, 0.45}, [2]float64{0.65, 0.4502}, [2]float64{0.65, 0.6}, [2]float64{0.45, 0.6}),
			ring([2]float64{0.55, 0.4501 + 0.4*unit/h}, [2]float64{0.5, 0.55}, [2]float64{0.6, 0.55}),
		}}},
		{Code: "CW", Name: "shell given clockwise", Geometry: orb.MultiPolygon{{ring(
			[2]float64{0.75, 0.1}, [2]float64{0.75, 0.3}, [2]float64{0.95, 0.3}, [2]float64{0.95, 0.1})}}},
	}
	st, err := gpkg.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.ImportSet(ctx, place.BoundarySet{Slug: "edges", Title: "Edges", Kind: place.Statistical}, areas); err != nil {
		t.Fatal(err)
	}
	r := tiles.NewRenderer(st, 0)
	drawn := []string{"U", "COMB", "HOLE", "CW"} // the sliver has no area on the grid

	mt, err := r.Render(ctx, "edges", tile, tiles.MVT)
	if err != nil {
		t.Fatal(err)
	}
	layers, err := mvt.Unmarshal(mt.Data)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, f := range layers[0].Features {
		code := f.Properties["code"].(string)
		codes = append(codes, code)
		var mp orb.MultiPolygon
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			mp = orb.MultiPolygon{g}
		case orb.MultiPolygon:
			mp = g
		default:
			t.Errorf("MVT %s: %T", code, g)
			continue
		}
		// Tile coordinates, y down, where MVT says exteriors have positive
		// area.
		checkPolygons(t, "MVT "+code, mp, func(p orb.Point) orb.Point { return p }, false)
	}
	if fmt.Sprint(codes) != fmt.Sprint(drawn) {
		t.Errorf("MVT features %v, want %v", codes, drawn)
	}

	gt, err := r.Render(ctx, "edges", tile, tiles.GeoJSON)
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Features []struct {
			Properties map[string]any `json:"properties"`
			Geometry   struct {
				Type        string          `json:"type"`
				Coordinates json.RawMessage `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(gt.Data, &fc); err != nil {
		t.Fatal(err)
	}
	codes = nil
	for _, f := range fc.Features {
		code := f.Properties["code"].(string)
		codes = append(codes, code)
		var mp orb.MultiPolygon
		if f.Geometry.Type == "Polygon" {
			var p orb.Polygon
			err = json.Unmarshal(f.Geometry.Coordinates, &p)
			mp = orb.MultiPolygon{p}
		} else {
			err = json.Unmarshal(f.Geometry.Coordinates, &mp)
		}
		if err != nil {
			t.Fatalf("GeoJSON %s: %v", code, err)
		}
		checkPolygons(t, "GeoJSON "+code, mp, func(p orb.Point) orb.Point { return p }, true)
	}
	if fmt.Sprint(codes) != fmt.Sprint(drawn) {
		t.Errorf("GeoJSON features %v, want %v", codes, drawn)
	}
}

// checkPolygons checks mp is valid and its rings well formed; proj maps to
// the plane where shells must have positive area (for RFC 7946, lon/lat
// itself, anticlockwise).
func checkPolygons(t *testing.T, what string, mp orb.MultiPolygon, proj orb.Projection, rfc7946 bool) {
	t.Helper()
	polys := make([]geom.Polygon, 0, len(mp))
	for i, p := range mp {
		rings := make([]geom.LineString, 0, len(p))
		for j, r := range p {
			pr := make([][2]float64, len(r))
			flat := make([]float64, 0, 2*len(r))
			for k, q := range r {
				pq := proj(q)
				pr[k] = [2]float64{pq[0], pq[1]}
				flat = append(flat, q[0], q[1])
			}
			a := signedArea(pr)
			switch {
			case len(r) < 4 || r[0] != r[len(r)-1]:
				t.Errorf("%s: polygon %d ring %d: %d positions, closed %v", what, i, j, len(r), len(r) > 0 && r[0] == r[len(r)-1])
			case a == 0:
				t.Errorf("%s: polygon %d ring %d has zero area", what, i, j)
			case j == 0 && a < 0:
				t.Errorf("%s: polygon %d exterior ring wound the wrong way (rfc7946 %v)", what, i, rfc7946)
			case j > 0 && a > 0:
				t.Errorf("%s: polygon %d hole %d wound the wrong way (rfc7946 %v)", what, i, j, rfc7946)
			}
			rings = append(rings, geom.NewLineString(geom.NewSequence(flat, geom.DimXY)))
		}
		polys = append(polys, geom.NewPolygon(rings))
	}
	if err := geom.NewMultiPolygon(polys).Validate(); err != nil {
		t.Errorf("%s: invalid: %v", what, err)
	}
}
