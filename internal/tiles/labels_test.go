package tiles_test

import (
	"context"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/planar"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store/storetest"
	"github.com/placemap/placemap/internal/tiles"
)

// TestLabelsOncePerArea renders every label tile over the grid at a zoom
// where its areas are big enough to name: each area's label appears in
// exactly one tile, inside the area, with its code and name. At a zoom
// where the areas are small on screen there are none.
func TestLabelsOncePerArea(t *testing.T) {
	st := fixture(t)
	ctx := context.Background()
	r := tiles.NewRenderer(st, 1<<20)
	shapes := map[string]orb.Geometry{}
	for _, a := range storetest.Grid() {
		shapes[a.Code] = a.Geometry
	}
	grid := orb.Bound{Min: orb.Point{-1.5, 53.25}, Max: orb.Point{-1.25, 53.5}}
	count := func(z maptile.Zoom) map[string]int {
		seen := map[string]int{}
		lo, hi := maptile.At(orb.Point{grid.Min[0], grid.Max[1]}, z), maptile.At(orb.Point{grid.Max[0], grid.Min[1]}, z)
		for x := lo.X; x <= hi.X; x++ {
			for y := lo.Y; y <= hi.Y; y++ {
				tl := maptile.New(x, y, z)
				got, err := r.RenderLabels(ctx, "grid", "grid", tl)
				if err != nil {
					t.Fatal(err)
				}
				layers, err := mvt.Unmarshal(got.Data)
				if err != nil {
					t.Fatal(err)
				}
				layers.ProjectToWGS84(tl)
				for _, l := range layers {
					if l.Name != tiles.LabelsLayer {
						t.Errorf("layer %q, want %q", l.Name, tiles.LabelsLayer)
					}
					for _, f := range l.Features {
						code, _ := f.Properties["code"].(string)
						seen[code]++
						p, ok := f.Geometry.(orb.Point)
						if !ok {
							t.Fatalf("label %s is a %T, want a point", code, f.Geometry)
						}
						if !planar.MultiPolygonContains(shapes[code].(orb.MultiPolygon), p) {
							t.Errorf("z%d label %s at %v is outside the area", z, code, p)
						}
						if f.Properties["name"] != "Area "+code || f.Properties["set"] != "grid" {
							t.Errorf("label properties %v", f.Properties)
						}
					}
				}
			}
		}
		return seen
	}
	for _, z := range []maptile.Zoom{10, 12, 14} {
		seen := count(z)
		if len(seen) != 4 {
			t.Errorf("z%d labels %v, want A1 A2 B1 B2", z, seen)
		}
		for code, n := range seen {
			if n != 1 {
				t.Errorf("z%d: area %s labelled %d times, want once", z, code, n)
			}
		}
	}
	if seen := count(7); len(seen) != 0 {
		t.Errorf("z7: labels %v where the areas are a few pixels across, want none", seen)
	}

	if _, err := r.RenderLabels(ctx, "nope", "nope", maptile.New(0, 0, 0)); place.ErrorCode(err) != place.ENOTFOUND {
		t.Errorf("labels of an unknown set: %v, want not found", err)
	}
	if _, err := r.RenderLabels(ctx, "assets", "assets", maptile.New(0, 0, 0)); place.ErrorCode(err) != place.ENOTFOUND {
		t.Errorf("labels of assets: %v, want not found", err)
	}
}

// TestLabelPointInsideConcaveArea: a U-shaped area's centroid lies in the
// gap between its arms; its label goes inside it.
func TestLabelPointInsideConcaveArea(t *testing.T) {
	u := orb.Polygon{{{0, 0}, {3, 0}, {3, 3}, {2, 3}, {2, 1}, {1, 1}, {1, 3}, {0, 3}, {0, 0}}}
	if c, _ := planar.CentroidArea(u); planar.PolygonContains(u, c) {
		t.Fatalf("fixture: centroid %v is inside the U", c)
	}
	if p := tiles.LabelPoint(u); !planar.PolygonContains(u, p) {
		t.Errorf("label point %v is outside the U", p)
	}
	sq := orb.Polygon{{{0, 0}, {2, 0}, {2, 2}, {0, 2}, {0, 0}}}
	small := orb.Polygon{{{10, 10}, {10.5, 10}, {10.5, 10.5}, {10, 10.5}, {10, 10}}}
	if p := tiles.LabelPoint(orb.MultiPolygon{small, sq}); p != (orb.Point{1, 1}) {
		t.Errorf("label point of two squares %v, want the larger's centre (1 1)", p)
	}
}
