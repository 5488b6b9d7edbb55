package geo

import (
	"fmt"
	"math"
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
	g := newPlanarGraph()
	addLines(g, noded)
	return g.faces(), nil
}

// addLines adds every segment of the linework g to the graph.
func addLines(g *planarGraph, lw geom.Geometry) {
	switch lw.Type() {
	case geom.TypeLineString:
		pts := fromSFSequence(lw.MustAsLineString().Coordinates())
		for i := 1; i < len(pts); i++ {
			g.add(pts[i-1], pts[i])
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

// planarGraph is noded linework: vertices, and for each its outgoing
// half-edges in counter-clockwise order.
type planarGraph struct {
	index map[orb.Point]int
	pts   []orb.Point
	out   [][]int // per vertex, the vertices its half-edges lead to
	seen  map[[2]int]bool
}

func newPlanarGraph() *planarGraph {
	return &planarGraph{index: map[orb.Point]int{}, seen: map[[2]int]bool{}}
}

func (g *planarGraph) vertex(p orb.Point) int {
	if i, ok := g.index[p]; ok {
		return i
	}
	g.index[p] = len(g.pts)
	g.pts = append(g.pts, p)
	g.out = append(g.out, nil)
	return len(g.pts) - 1
}

func (g *planarGraph) add(a, b orb.Point) {
	u, v := g.vertex(a), g.vertex(b)
	if u == v || g.seen[[2]int{u, v}] {
		return
	}
	g.seen[[2]int{u, v}], g.seen[[2]int{v, u}] = true, true
	g.out[u] = append(g.out[u], v)
	g.out[v] = append(g.out[v], u)
}

// faces traces every face of the graph and returns the bounded ones with
// their holes.
func (g *planarGraph) faces() []orb.Polygon {
	pos := make([]map[int]int, len(g.pts)) // per vertex, a neighbour's place in out
	for u, nb := range g.out {
		p := g.pts[u]
		sort.Slice(nb, func(i, j int) bool {
			a, b := g.pts[nb[i]], g.pts[nb[j]]
			return math.Atan2(a[1]-p[1], a[0]-p[0]) < math.Atan2(b[1]-p[1], b[0]-p[0])
		})
		pos[u] = make(map[int]int, len(nb))
		for i, v := range nb {
			pos[u][v] = i
		}
	}
	used := make(map[[2]int]bool)
	var shells, rest []orb.Ring
	for u, nb := range g.out {
		for _, v := range nb {
			if used[[2]int{u, v}] {
				continue
			}
			var walk []int
			for a, b := u, v; !used[[2]int{a, b}]; {
				used[[2]int{a, b}] = true
				walk = append(walk, a)
				// The face on the left goes on by the half-edge at b
				// next clockwise from the way back.
				k := len(g.out[b])
				a, b = b, g.out[b][(pos[b][a]-1+k)%k]
			}
			for _, loop := range simpleLoops(walk) {
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
	}
	return withHoles(shells, rest)
}

// simpleLoops cuts a closed walk of vertices, which may pass a vertex
// more than once (faces that touch at a point), into simple loops.
func simpleLoops(walk []int) [][]int {
	var out [][]int
	var stack []int
	at := map[int]int{}
	for _, v := range walk {
		if i, ok := at[v]; ok {
			loop := append([]int(nil), stack[i:]...)
			out = append(out, loop)
			for _, w := range stack[i+1:] {
				delete(at, w)
			}
			stack = stack[:i+1]
			continue
		}
		at[v] = len(stack)
		stack = append(stack, v)
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
