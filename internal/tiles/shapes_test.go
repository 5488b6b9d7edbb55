package tiles

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

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
	st, r := keptDemo(t)
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
			got, _ := x.features(set, q)
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
	if fs, _ := x.features(set, store.ShapeQuery{BBox: orb.Bound{Min: orb.Point{10, 10}, Max: orb.Point{11, 11}}}); len(fs) != 0 {
		t.Error("areas far from the set's")
	}
}

// TestUndrawnReadsWaitLonger: shapes read again before any tile drew the
// ones kept wait twice as long each time (up to shapeIdleMax); a draw in
// between sets the wait back; assets too big for the memory allowed are
// asked again only after shapeIdleMax.
func TestUndrawnReadsWaitLonger(t *testing.T) {
	ctx := context.Background()
	st, r := keptDemo(t)
	k := r.shapes
	const set = "lsoa-2011"
	idle := func() time.Duration {
		k.mu.RLock()
		defer k.mu.RUnlock()
		return k.state[set].idle
	}
	var last time.Duration
	for i := range 4 {
		if ok, err := r.PrepareShapes(set); err != nil || !ok {
			t.Fatalf("read %d: %v %v", i, ok, err)
		}
		if got := idle(); i > 0 && (got <= last || got > shapeIdleMax) {
			t.Fatalf("read %d after none drawn: wait %v, want more than %v", i, got, last)
		} else {
			last = got
		}
	}
	k.mu.RLock()
	x := k.sets[set]
	k.mu.RUnlock()
	if k.at(set, x.version) != x {
		t.Fatal("kept shapes not drawn at their version")
	}
	if _, err := r.PrepareShapes(set); err != nil || idle() != 0 {
		t.Errorf("after a draw: wait %v (%v), want 0", idle(), err)
	}

	// Assets past the memory allowed: seldom worth reading again.
	small := NewRenderer(st, 0)
	small.KeepShapes(ctx, st, 1<<10)
	if ok, err := small.PrepareShapes(AssetsLayer); err != nil || ok {
		t.Fatalf("assets past 1 KiB: kept %v (%v)", ok, err)
	}
	small.shapes.mu.RLock()
	wait := time.Until(small.shapes.state[keptAssetsKey].notBefore)
	small.shapes.mu.RUnlock()
	if wait < shapeIdleMax-time.Second {
		t.Errorf("assets too big to keep asked again in %v, want about %v", wait, shapeIdleMax)
	}
}

// TestReadsWaitForTheVersionToSettle: a newer version asked for starts no
// read until it has been the newest for shapeSettle.
func TestReadsWaitForTheVersionToSettle(t *testing.T) {
	_, r := keptDemo(t)
	k := r.shapes
	const set = "lsoa-2011"
	if ok, err := r.PrepareShapes(set); err != nil || !ok {
		t.Fatal(ok, err)
	}
	reads := k.reads.Load()
	newer := k.sets[set].version + 1
	for range 5 {
		if k.at(set, newer) != nil {
			t.Fatal("shapes of an older version drawn")
		}
		k.want(set, newer)
	}
	time.Sleep(50 * time.Millisecond)
	if k.reads.Load() != reads {
		t.Fatal("a read started at once for a new version")
	}
	start := time.Now()
	for deadline := start.Add(5 * time.Second); k.reads.Load() == reads; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no read once the version settled")
		}
		k.want(set, newer)
	}
	if took := time.Since(start) + 50*time.Millisecond; took < shapeSettle {
		t.Errorf("read after %v, before the version settled (%v)", took, shapeSettle)
	}
}

// keptDemo is the demo store and a renderer keeping its shapes.
func keptDemo(t *testing.T) (*store.DB, *Renderer) {
	t.Helper()
	st := demoStore(t)
	r := NewRenderer(st, 0)
	r.KeepShapes(context.Background(), st, 1<<30)
	return st, r
}

// TestUnknownLayersLeaveNothing: tiles of layers that do not exist (any
// name a client sends) are not found and leave no state behind.
func TestUnknownLayersLeaveNothing(t *testing.T) {
	_, r := keptDemo(t)
	tl := maptile.At(orb.Point{-1.47, 53.38}, 12)
	for i := range 50 {
		if _, err := r.Render(context.Background(), fmt.Sprintf("no-such-set-%d", i), tl, MVT); place.ErrorCode(err) != place.ENOTFOUND {
			t.Fatalf("unknown layer: %v, want ENOTFOUND", err)
		}
		if _, err := r.RenderLabels(context.Background(), "x", fmt.Sprintf("no-such-set-%d", i), tl); place.ErrorCode(err) != place.ENOTFOUND {
			t.Fatalf("labels of an unknown layer: %v, want ENOTFOUND", err)
		}
	}
	r.shapes.mu.RLock()
	defer r.shapes.mu.RUnlock()
	if n := len(r.shapes.state); n != 0 {
		t.Errorf("%d layers' state kept after requests for unknown layers", n)
	}
}

// TestDrawnAreas: kept shapes hold their areas drawn for z8-z9 tiles once
// read, within the memory allowed, and z6-z7 ones once a tile drew them;
// MVT tiles drawn from them, over and over, are the store's bytes, whether
// the tile cuts an area (drawn anew) or holds it whole (moved), and with
// memory for none of them.
func TestDrawnAreas(t *testing.T) {
	ctx := context.Background()
	st, r := keptDemo(t)
	const set = "oa-2011"
	if ok, err := r.PrepareShapes(set); err != nil || !ok {
		t.Fatal(ok, err)
	}
	x := r.shapes.sets[set]
	for z := predrawFrom; z <= memoMaxZoom; z++ {
		n := 0
		drawn := x.drawnAt(z)
		for i := range drawn {
			if drawn[i].Load() != nil {
				n++
			}
		}
		if n == 0 {
			t.Errorf("z%d: no area drawn once kept", z)
		}
	}
	tight := NewRenderer(st, 0)
	tight.KeepShapes(ctx, st, x.bytes+2000)
	if ok, err := tight.PrepareShapes(set); err != nil || !ok {
		t.Fatal(ok, err)
	}
	if _, used, _, _ := tight.ShapeStats(); used > x.bytes+2000 {
		t.Errorf("%d bytes kept in %d", used, x.bytes+2000)
	}
	plain := NewRenderer(st, 0)
	var tls []maptile.Tile
	for z := maptile.Zoom(6); z <= memoMaxZoom+1; z++ {
		tls = append(tls, around(orb.Point{-1.47, 53.38}, z)...)
	}
	for pass := range 2 {
		for _, tl := range tls {
			want, err := plain.Render(ctx, set, tl, MVT)
			if err != nil {
				t.Fatal(err)
			}
			for name, kept := range map[string]*Renderer{"kept": r, "tight": tight} {
				got, err := kept.Render(ctx, set, tl, MVT)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got.Data, want.Data) {
					t.Errorf("pass %d, %s: tile %d/%d/%d is %d bytes, want %d", pass, name, tl.Z, tl.X, tl.Y, len(got.Data), len(want.Data))
				}
			}
		}
	}
	if x.drawn[7].areas.Load() == nil || x.drawnBytes.Load() == 0 {
		t.Error("z7 tiles kept no area drawn")
	}
}

// around is the 3×3 block of tiles centred on the one holding p.
func around(p orb.Point, z maptile.Zoom) []maptile.Tile {
	c := maptile.At(p, z)
	var out []maptile.Tile
	for dy := -1; dy <= 1; dy++ {
		for dx := -1; dx <= 1; dx++ {
			out = append(out, maptile.New(uint32(int(c.X)+dx), uint32(int(c.Y)+dy), z))
		}
	}
	return out
}

// TestDrawnAreasGiveWay: the areas drawn from one set give way to another
// set's shapes; no set is dropped while drawn areas take the memory.
func TestDrawnAreasGiveWay(t *testing.T) {
	ctx := context.Background()
	st, r := keptDemo(t)
	size := map[string]int64{}
	for _, set := range []string{"oa-2011", "lsoa-2011"} {
		if ok, err := r.PrepareShapes(set); err != nil || !ok {
			t.Fatal(ok, err)
		}
		size[set] = r.shapes.sets[set].bytes
	}
	budget := size["oa-2011"] + size["lsoa-2011"] + 1000
	tight := NewRenderer(st, 0)
	tight.KeepShapes(ctx, st, budget)
	if ok, err := tight.PrepareShapes("oa-2011"); err != nil || !ok {
		t.Fatal(ok, err)
	}
	oa := tight.shapes.sets["oa-2011"]
	if oa.drawnBytes.Load() < size["lsoa-2011"] {
		t.Fatalf("fixture: oa-2011's drawn areas take %d bytes, want the %d lsoa-2011 needs", oa.drawnBytes.Load(), size["lsoa-2011"])
	}
	if ok, err := tight.PrepareShapes("lsoa-2011"); err != nil || !ok {
		t.Fatal(ok, err)
	}
	sets, used, _, drops := tight.ShapeStats()
	if sets != 2 || drops != 0 || used > budget {
		t.Errorf("%d sets kept, %d dropped, %d bytes of %d; want both kept, none dropped", sets, drops, used, budget)
	}
}
