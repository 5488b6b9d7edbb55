package geo

import (
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/peterstace/simplefeatures/geom"
)

// Arrangement returns the bounded faces of the planar arrangement of the
// boundaries of mps: the pieces the plane is cut into by every ring of
// every MultiPolygon, each a Polygon (an outer ring, counter-clockwise,
// and its holes, clockwise). Every piece lies wholly inside or wholly
// outside each of mps, so one interior point tells which cover it. The
// boundaries are noded once, by the overlay engine, and the faces traced
// from the noded lines: far fewer overlay operations than cutting the
// pieces one MultiPolygon at a time. mps must be valid.
func Arrangement(mps []orb.MultiPolygon) ([]orb.Polygon, error) {
	var lines []geom.LineString
	for _, mp := range mps {
		for _, p := range normalise(mp) {
			for _, r := range p {
				if len(r) >= 4 {
					lines = append(lines, geom.NewLineString(toSFSequence(r)))
				}
			}
		}
	}
	if len(lines) == 0 {
		return nil, nil
	}
	noded, err := safely(func() (geom.Geometry, error) {
		return nodeLines(geom.NewMultiLineString(lines).AsGeometry())
	})
	if err != nil {
		return nil, fmt.Errorf("node %d rings: %w", len(lines), err)
	}
	g := &planarGraph{index: map[orb.Point]int32{}}
	addLines(g, noded)
	return g.faces(), nil
}

// addLines adds every segment of the linework lw to the graph.
func addLines(g *planarGraph, lw geom.Geometry) {
	switch lw.Type() {
	case geom.TypeLineString:
		seq := lw.MustAsLineString().Coordinates()
		for i := 1; i < seq.Length(); i++ {
			a, b := seq.GetXY(i-1), seq.GetXY(i)
			g.add(orb.Point{a.X, a.Y}, orb.Point{b.X, b.Y})
		}
	case geom.TypeMultiLineString:
		m := lw.MustAsMultiLineString()
		for i := range m.NumLineStrings() {
			addLines(g, m.LineStringN(i).AsGeometry())
		}
	case geom.TypeGeometryCollection:
		c := lw.MustAsGeometryCollection()
		for i := range c.NumGeometries() {
			addLines(g, c.GeometryN(i))
		}
	}
}

// planarGraph is noded linework: its vertices and segments. Half-edge 2e
// runs along segment e from its first vertex, 2e+1 back.
type planarGraph struct {
	index map[orb.Point]int32
	pts   []orb.Point
	segs  [][2]int32
}

func (g *planarGraph) vertex(p orb.Point) int32 {
	if i, ok := g.index[p]; ok {
		return i
	}
	i := int32(len(g.pts))
	g.index[p] = i
	g.pts = append(g.pts, p)
	return i
}

func (g *planarGraph) add(a, b orb.Point) {
	u, v := g.vertex(a), g.vertex(b)
	if u == v {
		return
	}
	if u > v {
		u, v = v, u
	}
	g.segs = append(g.segs, [2]int32{u, v})
}

// from and to are where half-edge h starts and ends.
func (g *planarGraph) from(h int32) int32 { return g.segs[h/2][h%2] }
func (g *planarGraph) to(h int32) int32   { return g.segs[h/2][1-h%2] }

// faces traces every face of the graph and returns the bounded ones with
// their holes.
func (g *planarGraph) faces() []orb.Polygon {
	sort.Slice(g.segs, func(i, j int) bool {
		a, b := g.segs[i], g.segs[j]
		return a[0] < b[0] || (a[0] == b[0] && a[1] < b[1])
	})
	g.segs = slices.Compact(g.segs) // the same segment from two lines
	// Each vertex's outgoing half-edges, counter-clockwise.
	start := make([]int32, len(g.pts)+1)
	for h := range int32(2 * len(g.segs)) {
		start[g.from(h)+1]++
	}
	for i := 1; i < len(start); i++ {
		start[i] += start[i-1]
	}
	out := make([]int32, 2*len(g.segs))
	fill := append([]int32(nil), start[:len(g.pts)]...)
	for h := range int32(2 * len(g.segs)) {
		u := g.from(h)
		out[fill[u]] = h
		fill[u]++
	}
	angle := func(h int32) float64 {
		p, q := g.pts[g.from(h)], g.pts[g.to(h)]
		return math.Atan2(q[1]-p[1], q[0]-p[0])
	}
	pos := make([]int32, len(out)) // a half-edge's place among its vertex's
	for u := range len(g.pts) {
		around := out[start[u]:start[u+1]]
		sort.Slice(around, func(i, j int) bool { return angle(around[i]) < angle(around[j]) })
		for i, h := range around {
			pos[h] = int32(i)
		}
	}
	// The face on the left of half-edge h goes on by the half-edge at its
	// end next clockwise from the way back (h's twin, h^1).
	next := func(h int32) int32 {
		t := h ^ 1
		v := g.from(t)
		k := start[v+1] - start[v]
		return out[start[v]+(pos[t]-1+k)%k]
	}
	return g.trace(next)
}

// trace walks every face by next, cuts each walk into simple loops and
// makes polygons of them.
func (g *planarGraph) trace(next func(int32) int32) []orb.Polygon {
	used := make([]bool, 2*len(g.segs))
	at := make([]int32, len(g.pts)) // a vertex's place in the walk, +1
	var shells, rest []orb.Ring
	var walk []int32
	for h0 := range int32(len(used)) {
		if used[h0] {
			continue
		}
		walk = walk[:0]
		for h := h0; !used[h]; h = next(h) {
			used[h] = true
			walk = append(walk, g.from(h))
		}
		for _, loop := range simpleLoops(walk, at) {
			r := make(orb.Ring, 0, len(loop)+1)
			for _, i := range loop {
				r = append(r, g.pts[i])
			}
			r = append(r, r[0])
			if len(r) < 4 {
				continue
			}
			if ringArea(r) > 0 {
				shells = append(shells, r)
			} else {
				rest = append(rest, r)
			}
		}
	}
	return withHoles(shells, rest)
}

// simpleLoops cuts a closed walk of vertices, which may pass a vertex
// more than once (faces that touch at a point), into simple loops. at is
// scratch, all zero, left all zero.
func simpleLoops(walk []int32, at []int32) [][]int32 {
	var out [][]int32
	stack := make([]int32, 0, len(walk))
	for _, v := range walk {
		if i := at[v]; i > 0 {
			loop := append([]int32(nil), stack[i-1:]...)
			out = append(out, loop)
			for _, w := range stack[i:] {
				at[w] = 0
			}
			stack = stack[:i]
			continue
		}
		stack = append(stack, v)
		at[v] = int32(len(stack))
	}
	for _, w := range stack {
		at[w] = 0
	}
	if len(stack) > 0 {
		out = append(out, stack)
	}
	return out
}

// ringArea is twice the signed planar area of r: positive when it runs
// counter-clockwise.
func ringArea(r orb.Ring) float64 {
	s := 0.0
	for i := 1; i < len(r); i++ {
		s += r[i-1][0]*r[i][1] - r[i][0]*r[i-1][1]
	}
	return s
}

// withHoles makes a polygon of each counter-clockwise shell, with the
// clockwise loops that lie inside it and in no smaller shell as its holes;
// loops in no shell bound the unbounded face and are dropped.
func withHoles(shells, loops []orb.Ring) []orb.Polygon {
	polys := make([]orb.Polygon, len(shells))
	areas := make([]float64, len(shells))
	bounds := make([]orb.Bound, len(shells))
	for i, s := range shells {
		polys[i], areas[i], bounds[i] = orb.Polygon{s}, ringArea(s), s.Bound()
	}
	idx := NewIndex(bounds)
	for _, l := range loops {
		pt := leftOf(l[0], l[1])
		best := -1
		idx.Search(orb.Bound{Min: pt, Max: pt}, func(i int) {
			if (best < 0 || areas[i] < areas[best]) && planar.RingContains(shells[i], pt) {
				best = i
			}
		})
		if best >= 0 {
			polys[best] = append(polys[best], l)
		}
	}
	return polys
}

// leftOf is a point just left of the middle of segment a→b: inside the
// face a clockwise loop bounds from outside.
func leftOf(a, b orb.Point) orb.Point {
	mx, my := (a[0]+b[0])/2, (a[1]+b[1])/2
	dx, dy := b[0]-a[0], b[1]-a[1]
	const eps = 1e-7
	return orb.Point{mx - dy*eps, my + dx*eps}
}

// Contains tells whether points lie in one MultiPolygon, many times over:
// the bounds of its polygons worked out once (planar.MultiPolygonContains
// works them out at every call).
type Contains struct {
	polys  []orb.Polygon
	bounds []orb.Bound
}

// NewContains prepares mp for point tests.
func NewContains(mp orb.MultiPolygon) Contains {
	c := Contains{polys: mp, bounds: make([]orb.Bound, len(mp))}
	for i, p := range mp {
		c.bounds[i] = p.Bound()
	}
	return c
}

// Point reports whether pt lies inside the MultiPolygon: in a polygon's
// outer ring and in none of its holes, by the even-odd rule. A point on a
// ring may be counted either way: ask for points inside pieces of an
// Arrangement of mp, which lie on no ring.
func (c Contains) Point(pt orb.Point) bool {
	for i, p := range c.polys {
		if len(p) == 0 || !c.bounds[i].Contains(pt) || !inRing(p[0], pt) {
			continue
		}
		inHole := false
		for _, h := range p[1:] {
			if inRing(h, pt) {
				inHole = true
				break
			}
		}
		if !inHole {
			return true
		}
	}
	return false
}

// inRing is the even-odd rule.
func inRing(r orb.Ring, pt orb.Point) bool {
	in := false
	for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
		a, b := r[j], r[i]
		if (a[1] > pt[1]) != (b[1] > pt[1]) && pt[0] < (b[0]-a[0])*(pt[1]-a[1])/(b[1]-a[1])+a[0] {
			in = !in
		}
	}
	return in
}
