package storetest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// streamAreas are squares of many sizes side by side and detailed areas
// (zoom bands pay for them): enough areas for a limit to cut.
func streamAreas() []place.Area {
	var out []place.Area
	for i := range 12 {
		side := 0.002 * float64(i+1)
		out = append(out, place.Area{Code: fmt.Sprintf("Q%02d", i), Name: "Square", Geometry: Square(-1.9+0.05*float64(i), 53.1, side)})
	}
	return append(out, bandAreas()...)
}

// streamed is what EachAreaShape handed over: the areas after the last
// restart, and how many restarts.
type streamed struct {
	areas    []place.Area
	restarts int
}

func eachAreaShape(ctx context.Context, st *store.DB, set string, q store.ShapeQuery) (streamed, error) {
	var s streamed
	err := st.EachAreaShape(ctx, set, q, func(a place.Area) error {
		s.areas = append(s.areas, a)
		return nil
	}, func() { s.areas, s.restarts = nil, s.restarts+1 })
	return s, err
}

// areaShapesStreamed: EachAreaShape hands over exactly the areas
// AreaShapes returns (same areas, order and geometry) for boxes, spans,
// limits and zoom bands, each the one the rule wants (in the box, as wide
// as the span, the largest past the limit, the band's geometry at its
// zooms); it restarts only past the limit; it stops when the consumer
// stops or the context ends, and gives its connection back: the store
// still reads and writes after many such stops, more than its pool holds.
func areaShapesStreamed(t *testing.T, st *store.DB) {
	ctx := context.Background()
	if _, err := st.ImportSet(ctx, testSet("streamed"), streamAreas()); err != nil {
		t.Fatal(err)
	}
	full, err := st.Areas(ctx, "streamed", store.AreaQuery{})
	if err != nil {
		t.Fatal(err)
	}
	all := orb.Bound{Min: orb.Point{-2, 53}, Max: orb.Point{-1, 54}}
	west := orb.Bound{Min: orb.Point{-2, 53}, Max: orb.Point{-1.62, 53.2}}
	for _, c := range []struct {
		name string
		q    store.ShapeQuery
	}{
		{"all", store.ShapeQuery{BBox: all}},
		{"west", store.ShapeQuery{BBox: west}},
		{"span", store.ShapeQuery{BBox: all, MinSpan: 0.011}},
		{"limit", store.ShapeQuery{BBox: all, Limit: 5}},
		{"limit all", store.ShapeQuery{BBox: all, Limit: 15}},
		{"band z8", store.ShapeQuery{BBox: all, Generalised: true, Zoom: 8}},
		{"band z12 limit", store.ShapeQuery{BBox: all, Generalised: true, Zoom: 12, Limit: 4}},
		{"past bands", store.ShapeQuery{BBox: all, Generalised: true, Zoom: 16}},
	} {
		t.Run(c.name, func(t *testing.T) {
			want, err := st.AreaShapes(ctx, "streamed", c.q)
			if err != nil {
				t.Fatal(err)
			}
			got, err := eachAreaShape(ctx, st, "streamed", c.q)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(codes(got.areas)) != fmt.Sprint(codes(want)) {
				t.Fatalf("streamed %v, AreaShapes %v", codes(got.areas), codes(want))
			}
			for i, a := range got.areas {
				if a.ID != want[i].ID || a.Name != want[i].Name || a.Set != "streamed" || !orb.Equal(a.Geometry, want[i].Geometry) {
					t.Errorf("area %s streamed differs from AreaShapes'", a.Code)
				}
			}
			rule := shapesByRule(full, c.q)
			if fmt.Sprint(sortedCodes(got.areas)) != fmt.Sprint(codes(rule)) {
				t.Errorf("streamed %v, want %v", sortedCodes(got.areas), codes(rule))
			}
			for _, a := range got.areas {
				if i := slices.IndexFunc(rule, func(r place.Area) bool { return r.Code == a.Code }); i >= 0 && !orb.Equal(a.Geometry, rule[i].Geometry) {
					t.Errorf("area %s: not the geometry of zoom %d", a.Code, c.q.Zoom)
				}
			}
			limit, _ := store.Page(c.q.Limit, 0)
			if wantRestarts := min(1, len(shapesByRule(full, store.ShapeQuery{BBox: c.q.BBox, MinSpan: c.q.MinSpan}))/(limit+1)); got.restarts != wantRestarts {
				t.Errorf("%d restarts, want %d", got.restarts, wantRestarts)
			}
		})
	}
	t.Run("unknown set", func(t *testing.T) {
		_, err := eachAreaShape(ctx, st, "nope", store.ShapeQuery{BBox: all})
		wantCode(t, err, place.ENOTFOUND)
	})
	t.Run("stops", func(t *testing.T) { streamStops(t, st, all) })
}

// streamStops: a consumer's error and an ended context stop the read,
// many more times than the store has connections, and the store then
// still reads and writes.
func streamStops(t *testing.T, st *store.DB, all orb.Bound) {
	stop := errors.New("enough")
	deadline, cancelAll := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancelAll()
	for i := range 40 {
		// The consumer's stops run on a context that does not end before
		// the test fails: a store must give the connection back itself
		// (database/sql would on a context's end), else a read waits for
		// one until the deadline.
		ctx, cancel := deadline, func() {}
		if i%2 == 1 {
			ctx, cancel = context.WithCancel(ctx)
		}
		n := 0
		err := st.EachAreaShape(ctx, "streamed", store.ShapeQuery{BBox: all}, func(place.Area) error {
			n++
			if i%2 == 1 {
				cancel()
				return nil
			}
			return stop
		}, func() {})
		cancel()
		if n != 1 || (i%2 == 0 && !errors.Is(err, stop)) || (i%2 == 1 && !errors.Is(err, context.Canceled)) {
			t.Fatalf("stop %d: %d areas read, error %v; want one, then %s", i, n, err, map[bool]string{true: "the context's", false: "the consumer's"}[i%2 == 1])
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if shapes, err := st.AreaShapes(ctx, "streamed", store.ShapeQuery{BBox: all}); err != nil || len(shapes) != len(streamAreas()) {
		t.Fatalf("read after the stops: %d areas, %v", len(shapes), err)
	}
	if err := st.AddArea(ctx, place.Area{Set: "streamed", Code: "Z1", Name: "After", Geometry: Square(-1.2, 53.1, 0.01)}); err != nil {
		t.Fatalf("write after the stops: %v", err)
	}
}

// shapesByRule is what AreaShapes should answer from the areas of a set
// (full geometry), by code: those whose bounding box meets the box and is
// as wide or tall as the span, the largest past the limit, with the
// geometry of the zoom's band when generalised.
func shapesByRule(full []place.Area, q store.ShapeQuery) []place.Area {
	span := func(a place.Area) float64 {
		b := a.Geometry.Bound()
		return max(b.Max[0]-b.Min[0], b.Max[1]-b.Min[1])
	}
	var out []place.Area
	for _, a := range full {
		if a.Geometry.Bound().Intersects(q.BBox) && span(a) >= q.MinSpan {
			out = append(out, a)
		}
	}
	if limit, _ := store.Page(q.Limit, 0); len(out) > limit {
		slices.SortStableFunc(out, func(x, y place.Area) int { return cmp.Compare(span(y), span(x)) })
		out = out[:limit]
	}
	for i, a := range out {
		if !q.Generalised {
			break
		}
		for _, band := range store.Generalise(a.Geometry) {
			if band.Top >= q.Zoom {
				out[i].Geometry = band.Geometry
			}
		}
	}
	slices.SortFunc(out, func(x, y place.Area) int { return cmp.Compare(x.Code, y.Code) })
	return out
}

func sortedCodes(as []place.Area) []string {
	c := codes(as)
	slices.Sort(c)
	return c
}
