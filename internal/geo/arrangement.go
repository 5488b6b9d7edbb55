package geo

import (
	"fmt"
	"math"
	"math/big"
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
// makes polygons of them: each counter-clockwise loop the outer ring of a
// piece, each clockwise loop a hole in the piece around it.
func (g *planarGraph) trace(next func(int32) int32) []orb.Polygon {
	used := make([]bool, 2*len(g.segs))
	at := make([]int32, len(g.pts))   // a vertex's place in the walk, +1
	owner := make([]int32, len(used)) // the shell a half-edge bounds, or -1
	var shells []orb.Ring
	var holes [][]int32
	var walk []int32
	for h0 := range int32(len(used)) {
		if used[h0] {
			continue
		}
		walk = walk[:0]
		for h := h0; !used[h]; h = next(h) {
			used[h] = true
			walk = append(walk, h)
		}
		for _, loop := range g.simpleLoops(walk, at) {
			for _, h := range loop {
				owner[h] = -1
			}
			switch g.turn(loop) {
			case 1:
				for _, h := range loop {
					owner[h] = int32(len(shells))
				}
				shells = append(shells, g.ring(loop))
			case -1:
				holes = append(holes, loop)
			}
		}
	}
	return g.withHoles(shells, holes, owner)
}

// ring is the closed ring through the starts of the half-edges of loop.
func (g *planarGraph) ring(loop []int32) orb.Ring {
	r := make(orb.Ring, 0, len(loop)+1)
	for _, h := range loop {
		r = append(r, g.pts[g.from(h)])
	}
	return append(r, r[0])
}

// turn is 1 if the simple loop of half-edges runs counter-clockwise, -1
// if clockwise, and 0 if it encloses nothing (fewer than three edges). It
// is decided at the loop's lowest (then leftmost) corner, which is
// convex, by an exact orientation test: the loop's summed area, in
// floating point, gets the sign of loops a few ulps across wrong.
func (g *planarGraph) turn(loop []int32) int {
	if len(loop) < 3 {
		return 0
	}
	low := 0
	for i, h := range loop {
		p, q := g.pts[g.from(h)], g.pts[g.from(loop[low])]
		if p[1] < q[1] || (p[1] == q[1] && p[0] < q[0]) {
			low = i
		}
	}
	prev := g.pts[g.from(loop[(low+len(loop)-1)%len(loop)])]
	return orientSign(prev, g.pts[g.from(loop[low])], g.pts[g.to(loop[low])])
}

// orientSign is the sign of orient(a, b, c), exact: in floating point
// when that is clearly right, else in rational arithmetic.
func orientSign(a, b, c orb.Point) int {
	l := (b[0] - a[0]) * (c[1] - a[1])
	r := (b[1] - a[1]) * (c[0] - a[0])
	det := l - r
	if bound := 1e-14 * (math.Abs(l) + math.Abs(r)); det > bound || -det > bound {
		if det > 0 {
			return 1
		}
		return -1
	}
	x := func(v float64) *big.Rat { return new(big.Rat).SetFloat64(v) }
	d := func(u, v float64) *big.Rat { return new(big.Rat).Sub(x(u), x(v)) }
	lr := new(big.Rat).Mul(d(b[0], a[0]), d(c[1], a[1]))
	rr := new(big.Rat).Mul(d(b[1], a[1]), d(c[0], a[0]))
	return lr.Cmp(rr)
}

// simpleLoops cuts a closed walk of half-edges, which may pass a vertex
// more than once (faces that touch at a point), into loops that pass no
// vertex twice. at is scratch, all zero, left all zero.
func (g *planarGraph) simpleLoops(walk []int32, at []int32) [][]int32 {
	var out [][]int32
	stack := make([]int32, 0, len(walk))
	for _, h := range walk {
		v := g.from(h)
		if i := at[v]; i > 0 {
			out = append(out, append([]int32(nil), stack[i-1:]...))
			for _, e := range stack[i-1:] {
				at[g.from(e)] = 0
			}
			stack = stack[:i-1]
		}
		stack = append(stack, h)
		at[v] = int32(len(stack))
	}
	for _, e := range stack {
		at[g.from(e)] = 0
	}
	if len(stack) > 0 {
		out = append(out, stack)
	}
	return out
}

// ringArea is twice the signed planar area of r: positive when it runs
// counter-clockwise. It is summed about r[0], so that small rings far
// from the origin keep their digits.
func ringArea(r orb.Ring) float64 {
	s := 0.0
	o := r[0]
	for i := 2; i < len(r); i++ {
		s += (r[i-1][0]-o[0])*(r[i][1]-o[1]) - (r[i][0]-o[0])*(r[i-1][1]-o[1])
	}
	return s
}

// withHoles makes a polygon of each counter-clockwise shell, with the
// clockwise loops that lie inside it and in no smaller shell as its holes;
// loops in no shell bound the unbounded face and are dropped. A loop is
// placed by the middle of its longest edge, which lies on the loop and on
// the shell of the piece just inside it (owner of the edge's twin): that
// shell is passed over, and the smallest other shell around the point is
// the piece the loop is a hole of.
func (g *planarGraph) withHoles(shells []orb.Ring, holes [][]int32, owner []int32) []orb.Polygon {
	polys := make([]orb.Polygon, len(shells))
	areas := make([]float64, len(shells))
	bounds := make([]orb.Bound, len(shells))
	for i, s := range shells {
		polys[i], areas[i], bounds[i] = orb.Polygon{s}, ringArea(s), s.Bound()
	}
	idx := NewIndex(bounds)
	for _, loop := range holes {
		e, best := loop[0], 0.0
		for _, h := range loop {
			p, q := g.pts[g.from(h)], g.pts[g.to(h)]
			if d := math.Hypot(q[0]-p[0], q[1]-p[1]); d > best {
				e, best = h, d
			}
		}
		p, q := g.pts[g.from(e)], g.pts[g.to(e)]
		pt := orb.Point{(p[0] + q[0]) / 2, (p[1] + q[1]) / 2}
		inner, in := int(owner[e^1]), -1
		idx.Search(orb.Bound{Min: pt, Max: pt}, func(i int) {
			if i != inner && (in < 0 || areas[i] < areas[in]) && planar.RingContains(shells[i], pt) {
				in = i
			}
		})
		if in >= 0 {
			polys[in] = append(polys[in], g.ring(loop))
		}
	}
	return polys
}

// Contains tells whether points lie in one MultiPolygon, many times over:
// the bounds of its polygons worked out once (planar.MultiPolygonContains
// works them out at every call), and each ring's edges filed by the
// horizontal bands they cross, so that a point is tested against the few
// edges level with it rather than all of them.
type Contains struct {
	polys  [][]bandedRing
	bounds []orb.Bound
}

// NewContains prepares mp for point tests.
func NewContains(mp orb.MultiPolygon) Contains {
	c := Contains{polys: make([][]bandedRing, len(mp)), bounds: make([]orb.Bound, len(mp))}
	for i, p := range mp {
		c.bounds[i] = p.Bound()
		for _, r := range p {
			c.polys[i] = append(c.polys[i], newBandedRing(r))
		}
	}
	return c
}

// Point reports whether pt lies inside the MultiPolygon: in a polygon's
// outer ring and in none of its holes, by the even-odd rule. A point on a
// ring may be counted either way: ask for points inside pieces of an
// Arrangement of mp, which lie on no ring.
func (c Contains) Point(pt orb.Point) bool {
	for i, p := range c.polys {
		if len(p) == 0 || !c.bounds[i].Contains(pt) || !p[0].contains(pt) {
			continue
		}
		inHole := false
		for _, h := range p[1:] {
			if h.contains(pt) {
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

// bandedRing is a ring with its edges filed by band of latitude: edge e
// (from r[e-1], or from the last point for e = 0, to r[e]) is listed in
// every band its y-range meets.
type bandedRing struct {
	r          orb.Ring
	y0, perY   float64
	start      []int32 // band b's edges are edges[start[b]:start[b+1]]
	edges      []int32
	minY, maxY float64
}

func newBandedRing(r orb.Ring) bandedRing {
	br := bandedRing{r: r, minY: math.Inf(1), maxY: math.Inf(-1)}
	for _, p := range r {
		br.minY, br.maxY = math.Min(br.minY, p[1]), math.Max(br.maxY, p[1])
	}
	n := min(max(len(r)/2, 1), 4096)
	if !(br.maxY > br.minY) {
		n = 1
	}
	br.y0, br.perY = br.minY, float64(n)/(br.maxY-br.minY)
	br.start = make([]int32, n+1)
	span := func(e int) (int, int) {
		a, b := r[(e+len(r)-1)%len(r)], r[e]
		return br.band(math.Min(a[1], b[1])), br.band(math.Max(a[1], b[1]))
	}
	for e := range r {
		lo, hi := span(e)
		for b := lo; b <= hi; b++ {
			br.start[b+1]++
		}
	}
	for b := 1; b <= n; b++ {
		br.start[b] += br.start[b-1]
	}
	br.edges = make([]int32, br.start[n])
	fill := append([]int32(nil), br.start[:n]...)
	for e := range r {
		lo, hi := span(e)
		for b := lo; b <= hi; b++ {
			br.edges[fill[b]] = int32(e)
			fill[b]++
		}
	}
	return br
}

// band is the band y falls in; it never decreases as y grows, so a point
// level with an edge falls in one of the edge's bands.
func (br *bandedRing) band(y float64) int {
	n := len(br.start) - 1
	if n == 1 {
		return 0
	}
	return min(max(int((y-br.y0)*br.perY), 0), n-1)
}

// contains is the even-odd rule over the edges level with pt.
func (br *bandedRing) contains(pt orb.Point) bool {
	if len(br.r) == 0 || pt[1] < br.minY || pt[1] > br.maxY {
		return false
	}
	b := br.band(pt[1])
	in := false
	for _, e := range br.edges[br.start[b]:br.start[b+1]] {
		a, c := br.r[(int(e)+len(br.r)-1)%len(br.r)], br.r[e]
		if crosses(a, c, pt) {
			in = !in
		}
	}
	return in
}

// crosses reports whether a ray from pt towards +x crosses edge a→b (the
// even-odd rule's test).
func crosses(a, b, pt orb.Point) bool {
	return (a[1] > pt[1]) != (b[1] > pt[1]) && pt[0] < (b[0]-a[0])*(pt[1]-a[1])/(b[1]-a[1])+a[0]
}

// InteriorPoint returns a point inside the valid polygon p, well clear of
// its rings: the middle of the widest stretch of p along a horizontal
// line midway up one of the bands between its vertices' heights (the 32
// tallest), scored by the smaller of the stretch's width and the band's
// height. PointOnSurface looks on one line only, halfway up the bounds,
// and there an arrangement piece may be nothing but a spike a few ulps
// wide (left where the noding found two nearly collinear edges crossing
// far along them), whose middle lies on an input's ring and is counted
// either way.
func InteriorPoint(p orb.Polygon) orb.Point {
	var ys []float64
	for _, r := range p {
		for _, pt := range r {
			ys = append(ys, pt[1])
		}
	}
	slices.Sort(ys)
	ys = slices.Compact(ys)
	bands := make([]int, 0, len(ys))
	for i := 1; i < len(ys); i++ {
		bands = append(bands, i)
	}
	sort.SliceStable(bands, func(a, b int) bool {
		return ys[bands[a]]-ys[bands[a]-1] > ys[bands[b]]-ys[bands[b]-1]
	})
	best, score := orb.Point{}, -1.0
	var xs []float64
	for _, i := range bands[:min(len(bands), 32)] {
		y, h := (ys[i-1]+ys[i])/2, ys[i]-ys[i-1]
		xs = xs[:0]
		for _, r := range p {
			for j := 1; j < len(r); j++ {
				a, b := r[j-1], r[j]
				if (a[1] > y) != (b[1] > y) {
					xs = append(xs, a[0]+(y-a[1])*(b[0]-a[0])/(b[1]-a[1]))
				}
			}
		}
		slices.Sort(xs)
		for j := 1; j < len(xs); j += 2 {
			if s := min(xs[j]-xs[j-1], h); s > score {
				best, score = orb.Point{(xs[j-1] + xs[j]) / 2, y}, s
			}
		}
	}
	if score <= 0 {
		return PointOnSurface(p)
	}
	return best
}
