package tiles

import (
	"context"
	"math"
	"slices"
	"sync/atomic"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/placemap/placemap/internal/store"
)

// An area is drawn on a tile's grid in a frame of its own: its points are
// placed on the grid of the whole world at the tile's zoom, less a whole
// number of units near its first point (its anchor), then clipped,
// simplified and rounded there, and moved onto the tile's grid by whole
// units at the end. The moves are exact in floating point, so every tile
// that does not cut the area draws the same rings, only moved: the kept
// shapes draw each area once per low zoom (drawnArea) and every tile after
// that moves it. The store's tiles are drawn the same way, so both give
// the same bytes.

// memoMaxZoom is the deepest zoom whose drawn areas the kept shapes keep:
// at z8-z9 a tile draws thousands of areas, and drawing them was nearly
// all of its time; deeper tiles draw few.
const memoMaxZoom = 9

// anchor is the whole units of the world grid at or below the first point
// of g (a Polygon or MultiPolygon); false when g has no point.
func (p tileProjection) anchor(g orb.Geometry) (orb.Point, bool) {
	var first orb.Point
	found := false
	eachPoint(g, func(q orb.Point) bool {
		first, found = q, true
		return false
	})
	if !found {
		return orb.Point{}, false
	}
	w := p.world(first)
	return orb.Point{math.Floor(w[0]), math.Floor(w[1])}, true
}

// in places a point in the frame anchored at a: its place on the world
// grid less a, exact.
func (p tileProjection) in(a orb.Point) orb.Projection {
	return func(q orb.Point) orb.Point {
		w := p.world(q)
		return orb.Point{w[0] - a[0], w[1] - a[1]}
	}
}

// areaOnTile draws a Polygon or MultiPolygon for an MVT tile in its own
// frame (validPolygons within box, the tile's buffered grid), returning it
// on the tile's grid; nil when nothing is left.
func (sc *polyScratch) areaOnTile(g orb.Geometry, p tileProjection, box orb.Bound) orb.Geometry {
	a, ok := p.anchor(g)
	if !ok {
		return nil
	}
	// The tile's origin in the area's frame.
	dx, dy := p.x0-a[0], p.y0-a[1]
	lbox := orb.Bound{Min: orb.Point{box.Min[0] + dx, box.Min[1] + dy}, Max: orb.Point{box.Max[0] + dx, box.Max[1] + dy}}
	return move(sc.polygons(g, p.in(a), lbox, nil), -dx, -dy)
}

// move moves a drawn Polygon or MultiPolygon by whole units, in place.
func move(g orb.Geometry, dx, dy float64) orb.Geometry {
	for _, p := range polygonsOf(g) {
		for _, r := range p {
			for i := range r {
				r[i] = orb.Point{r[i][0] + dx, r[i][1] + dy}
			}
		}
	}
	return g
}

// polygonsOf is a Polygon's or MultiPolygon's polygons; nil for any other
// geometry.
func polygonsOf(g orb.Geometry) []orb.Polygon {
	switch g := g.(type) {
	case orb.Polygon:
		return []orb.Polygon{g}
	case orb.MultiPolygon:
		return g
	}
	return nil
}

// drawnArea is an area drawn in its own frame at one zoom, uncut: what
// every tile of that zoom whose buffered grid holds all of it draws, moved.
// Its rings are kept as whole units in 32 bits (a zoom's world is 2^21
// units across at memoMaxZoom), packed in one slice: the number of
// polygons, then each polygon's number of rings, and each ring's number
// of points followed by their x and y.
type drawnArea struct {
	anchor orb.Point
	bound  orb.Bound // of its points placed in its frame, before simplifying
	packed []int32   // nil when nothing is left
}

// bytes is about the memory d takes.
func (d *drawnArea) bytes() int64 { return 96 + 4*int64(len(d.packed)) }

// pack packs a drawn Polygon or MultiPolygon (drawnArea.packed).
func pack(g orb.Geometry) []int32 {
	polys := polygonsOf(g)
	if polys == nil {
		return nil
	}
	out := []int32{int32(len(polys))}
	for _, p := range polys {
		out = append(out, int32(len(p)))
		for _, r := range p {
			out = append(out, int32(len(r)))
			for _, q := range r {
				out = append(out, int32(q[0]), int32(q[1]))
			}
		}
	}
	return slices.Clip(out)
}

// unpack is the packed geometry moved by whole units: a Polygon when it
// is one, a MultiPolygon otherwise, its rings cut from sc's slab.
func unpack(sc *polyScratch, packed []int32, dx, dy float64) orb.Geometry {
	i := 0
	next := func() int { i++; return int(packed[i-1]) }
	mp := make(orb.MultiPolygon, next())
	for j := range mp {
		mp[j] = make(orb.Polygon, next())
		for k := range mp[j] {
			r := sc.cut(next())
			for n := range r {
				r[n] = orb.Point{float64(packed[i]) + dx, float64(packed[i+1]) + dy}
				i += 2
			}
			mp[j][k] = r
		}
	}
	if len(mp) == 1 {
		return mp[0]
	}
	return mp
}

// drawnAreas are the areas of a set drawn at one zoom, by their index in
// setShapes.shapes, as tiles drew them: nil until a tile of the zoom asks.
type drawnAreas struct {
	areas atomic.Pointer[[]atomic.Pointer[drawnArea]]
}

// drawKept draws area i of x (geometry g, of the zoom band of tile t) for
// an MVT tile: from the area drawn at t's zoom before when the tile's
// buffered grid holds all of it, else anew; room says whether a newly
// drawn area may be kept (the memory allowed has room for bytes more).
func (x *setShapes) drawKept(sc *polyScratch, i int, g orb.Geometry, t tileDraw, room func(bytes int64) bool) orb.Geometry {
	if int(t.z) > memoMaxZoom {
		return sc.areaOnTile(g, t.pr, t.box)
	}
	slot := x.drawnAt(t.z)
	d := slot[i].Load()
	if d == nil {
		var ok bool
		if d, ok = drawUncut(sc, g, t.pr); !ok {
			return nil
		}
		if room(d.bytes()) {
			if slot[i].CompareAndSwap(nil, d) {
				x.drawnBytes.Add(d.bytes())
			}
		}
	}
	dx, dy := t.pr.x0-d.anchor[0], t.pr.y0-d.anchor[1]
	if in := (orb.Bound{Min: orb.Point{t.box.Min[0] + dx, t.box.Min[1] + dy}, Max: orb.Point{t.box.Max[0] + dx, t.box.Max[1] + dy}}); !in.Contains(d.bound.Min) || !in.Contains(d.bound.Max) {
		return sc.areaOnTile(g, t.pr, t.box) // the tile cuts it
	}
	if d.packed == nil {
		return nil
	}
	return unpack(sc, d.packed, -dx, -dy)
}

// tileDraw is what drawKept needs of a tile.
type tileDraw struct {
	z   int
	pr  tileProjection
	box orb.Bound
}

// drawnAt are the areas drawn at zoom z (at most memoMaxZoom).
func (x *setShapes) drawnAt(z int) []atomic.Pointer[drawnArea] {
	d := &x.drawn[z]
	if p := d.areas.Load(); p != nil {
		return *p
	}
	fresh := make([]atomic.Pointer[drawnArea], len(x.shapes))
	if d.areas.CompareAndSwap(nil, &fresh) {
		return fresh
	}
	return *d.areas.Load()
}

// dropDrawn drops the areas drawn from x (keep makes room with them); a
// tile that draws one again may keep it again.
func (x *setShapes) dropDrawn() {
	for z := range x.drawn {
		p := x.drawn[z].areas.Load()
		if p == nil {
			continue
		}
		for i := range *p {
			if a := (*p)[i].Swap(nil); a != nil {
				x.drawnBytes.Add(-a.bytes())
			}
		}
	}
}

// predrawFrom is the first zoom whose areas a set's shapes draw once kept
// (predraw); shallower ones are drawn as their tiles ask.
const predrawFrom = 8

// predraw draws the areas for MVT tiles of zooms predrawFrom to
// memoMaxZoom, each where it spans enough to be drawn (areaQuery's
// MinSpan), while the memory allowed has room (room) and ctx lasts: the
// first tiles of those zooms are drawn from them too.
func (x *setShapes) predraw(ctx context.Context, room func(bytes int64) bool) {
	var sc polyScratch
	for z := predrawFrom; z <= memoMaxZoom; z++ {
		t := maptile.New(0, 0, maptile.Zoom(z))
		band := bandSlot(store.ShapeQuery{Generalised: true, Zoom: z})
		minSpan, pr := MinSpanUnits*tileUnit(t), newTileProjection(t)
		drawn := x.drawnAt(z)
		for i := range x.shapes {
			if i%1024 == 0 && ctx.Err() != nil {
				return
			}
			a := &x.shapes[i]
			if a.span < minSpan || drawn[i].Load() != nil {
				continue
			}
			d, ok := drawUncut(&sc, a.geom[band], pr)
			if !ok {
				continue
			}
			if !room(d.bytes()) {
				return
			}
			if drawn[i].CompareAndSwap(nil, d) {
				x.drawnBytes.Add(d.bytes())
			}
		}
	}
}

// drawUncut draws g in its own frame at p's zoom with nothing cut, with
// sc's buffers.
func drawUncut(sc *polyScratch, g orb.Geometry, p tileProjection) (*drawnArea, bool) {
	a, ok := p.anchor(g)
	if !ok {
		return nil, false
	}
	d := &drawnArea{anchor: a, bound: orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}}
	local := p.in(a)
	eachPoint(g, func(q orb.Point) bool {
		d.bound = d.bound.Extend(local(q))
		return true
	})
	all := orb.Bound{Min: orb.Point{math.Inf(-1), math.Inf(-1)}, Max: orb.Point{math.Inf(1), math.Inf(1)}}
	d.packed = pack(sc.polygons(g, local, all, nil))
	return d, true
}

// eachPoint calls fn with every point of a Polygon or MultiPolygon, until
// fn returns false.
func eachPoint(g orb.Geometry, fn func(orb.Point) bool) {
	for _, p := range polygonsOf(g) {
		for _, r := range p {
			for _, q := range r {
				if !fn(q) {
					return
				}
			}
		}
	}
}
