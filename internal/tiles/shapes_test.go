package tiles

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// TestKeptShapesAnswerAsTheStore: the areas kept shapes answer a query
// with are the store's AreaShapes answer (the same areas, the largest
// past a limit, each with the geometry of the query's zoom band), in id
// order, for boxes, least spans, limits and zooms.
func TestKeptShapesAnswerAsTheStore(t *testing.T) {
	ctx := context.Background()
	st := demoStore(t)
	r := NewRenderer(st, 0)
	r.KeepShapes(ctx, st, 1<<30)
	const set = "oa-2011"
	if ok, err := r.PrepareShapes(set); err != nil || !ok {
		t.Fatalf("PrepareShapes: %v %v", ok, err)
	}
	x := r.shapes.sets[set]
	centre := orb.Point{-1.47, 53.38}
	var qs []store.ShapeQuery
	for _, z := range []maptile.Zoom{8, 10, 12, 13, 14, 16} {
		q := areaQuery(maptile.At(centre, z))
		qs = append(qs, q)
		for _, limit := range []int{1, 7, 40} {
			l := q
			l.Limit = limit
			qs = append(qs, l)
		}
		full := q
		full.Generalised = false
		qs = append(qs, full)
	}
	qs = append(qs, store.ShapeQuery{BBox: orb.Bound{Min: orb.Point{-1.5, 53.3}, Max: orb.Point{-1.4, 53.4}}, MinSpan: 0.01, Limit: 25})
	for i, q := range qs {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			want, err := st.AreaShapes(ctx, set, q)
			if err != nil {
				t.Fatal(err)
			}
			slices.SortFunc(want, func(a, b place.Area) int { return int(a.ID - b.ID) })
			got := x.features(set, q)
			if len(got) != len(want) {
				t.Fatalf("%+v: %d areas, want %d", q, len(got), len(want))
			}
			for j, f := range got {
				w := areaFeature(want[j])
				if f.ID != w.ID || !orb.Equal(f.Geometry, w.Geometry) || fmt.Sprint(f.Properties) != fmt.Sprint(w.Properties) {
					t.Fatalf("%+v: feature %d is %v %v, want %v %v", q, j, f.ID, f.Properties, w.ID, w.Properties)
				}
			}
		})
	}
	if len(x.features(set, store.ShapeQuery{BBox: orb.Bound{Min: orb.Point{10, 10}, Max: orb.Point{11, 11}}})) != 0 {
		t.Error("areas far from the set's")
	}
}
