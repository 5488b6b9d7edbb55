package tiles

import (
	"cmp"
	"slices"
	"sort"
)

// This file makes polygons valid on a tile's integer grid. Clipping a
// polygon to a tile leaves rings that run out and back along the clip edge,
// simplification can make a ring cross itself or another, and rounding to
// the grid can collapse a ring or make two edges cross. gridPolygons takes
// the rings as they are after all three and builds polygons that are valid
// in the OGC sense (simple rings of at least three distinct points and an
// area, holes inside their shell, interiors connected, parts meeting at
// points only), with every coordinate on the grid, by:
//
//  1. snap rounding: every pixel holding a vertex or a crossing of two edges
//     is "hot", and every edge is routed through the centre of each hot
//     pixel it passes, so edges meet only at grid points; repeated until no
//     edges cross or touch inside each other;
//  2. counting each remaining edge by how many rings run along it, each way
//     (an edge run out and back, as along a clip edge, counts nothing);
//  3. the winding number of each face of that planar graph, and keeping
//     what winds positively (shells are given anticlockwise, holes
//     clockwise, so a valid polygon's interior winds 1, a loop that
//     rounding turned inside out winds -1 and is dropped, and parts that
//     rounding made overlap are merged);
//  4. walking the edges between kept and other faces with the kept side on
//     the left, splitting each walk where it meets itself, so a pinch
//     makes two rings touching at a point rather than one ring touching
//     itself; and giving each hole to the smallest shell around it.
//
// A polygon that is already valid on the grid (no edges that cross, touch
// or overlap) skips steps 1-2 and keeps its rings as they are.

// gridPoint is a point of the integer grid.
type gridPoint struct{ x, y int64 }

func (p gridPoint) less(q gridPoint) bool { return p.x < q.x || p.x == q.x && p.y < q.y }

// orient is twice the signed area of triangle abc: positive when c lies to
// the left of a→b (anticlockwise with y up).
func orient(a, b, c gridPoint) int64 {
	return (b.x-a.x)*(c.y-a.y) - (b.y-a.y)*(c.x-a.x)
}

// ringArea2 is twice the signed area of a ring (open: no repeated last
// point), positive when it runs anticlockwise with y up.
func ringArea2(r []gridPoint) int64 {
	var s int64
	for i := range r {
		j := i + 1
		if j == len(r) {
			j = 0
		}
		s += r[i].x*r[j].y - r[j].x*r[i].y
	}
	return s
}

// gridSeg is a directed edge; ring and idx place it in its input ring (-1
// after noding), to tell a ring's consecutive edges from other touches.
type gridSeg struct {
	a, b                   gridPoint
	minx, maxx, miny, maxy int64
	ring, idx              int32
}

func newSeg(a, b gridPoint, ring, idx int32) gridSeg {
	return gridSeg{a: a, b: b, ring: ring, idx: idx,
		minx: min(a.x, b.x), maxx: max(a.x, b.x), miny: min(a.y, b.y), maxy: max(a.y, b.y)}
}

// gridPolygons builds valid polygons from rings on the grid. Each ring
// comes open or closed; a polygon's shell must come with positive area
// (anticlockwise with y up) and its holes negative, as they were before
// rounding. It returns polygons with the shell first, positive, and its
// holes after it, negative, each ring open (the first point not repeated)
// with at least three points. The input is not modified.
func gridPolygons(rings [][]gridPoint) [][][]gridPoint {
	var sc gridScratch
	return sc.polygons(rings)
}

// gridScratch holds gridPolygons' buffers from one call to the next, so
// the polygons of a tile reuse them. What polygons returns may point into
// them: use it before the next call.
type gridScratch struct {
	pts   []gridPoint // the deduplicated rings, end to end
	clean [][]gridPoint
	segs  []gridSeg
}

// polygons is gridPolygons using sc's buffers.
func (sc *gridScratch) polygons(rings [][]gridPoint) [][][]gridPoint {
	sc.pts, sc.clean = sc.pts[:0], sc.clean[:0]
	n := 0
	for _, r := range rings {
		start := len(sc.pts)
		// Rings made earlier keep the array they were cut from if pts
		// grows: they are never written again.
		if sc.pts = appendDeduped(sc.pts, r); len(sc.pts)-start >= 3 {
			sc.clean = append(sc.clean, sc.pts[start:len(sc.pts):len(sc.pts)])
			n += len(sc.pts) - start
		} else {
			sc.pts = sc.pts[:start]
		}
	}
	clean := sc.clean
	if len(clean) == 0 {
		return nil
	}
	segs := slices.Grow(sc.segs[:0], n)
	defer func() { sc.segs = segs[:0] }()
	for ri, r := range clean {
		for i := range r {
			j := i + 1
			if j == len(r) {
				j = 0
			}
			segs = append(segs, newSeg(r[i], r[j], int32(ri), int32(i)))
		}
	}
	split, touch, crossings := scan(segs, clean)
	if !split && !touch {
		// Simple rings that meet nowhere, with no vertex in the pixel of
		// an edge it is not on.
		if len(clean) == 1 {
			// A simple ring alone: a shell is kept, a hole has no shell.
			if ringArea2(clean[0]) > 0 {
				return [][][]gridPoint{{clean[0]}}
			}
			return nil
		}
		return simpleRings(clean, segs)
	}
	// Snap until no edges cross and none passes the pixel of a vertex it
	// does not end at, so that every vertex keeps at least half a unit
	// from the edges it is not on: then decoding to longitude/latitude,
	// which bends straight tile edges slightly, cannot make them cross.
	segs = snap(segs, crossings)
	for round := 0; ; round++ {
		if round == maxSnapRounds {
			// Snap rounding settles in one or two rounds; a polygon that
			// does not is left out rather than written invalid.
			return nil
		}
		split, _, crossings = scan(segs, nil)
		next := snap(segs, crossings)
		if !split && len(next) == len(segs) {
			break
		}
		segs = next
	}
	return arrange(segs)
}

const maxSnapRounds = 16

// appendDeduped appends r to dst without repeated consecutive points or
// the closing point.
func appendDeduped(dst, r []gridPoint) []gridPoint {
	start := len(dst)
	for _, p := range r {
		if len(dst) == start || dst[len(dst)-1] != p {
			dst = append(dst, p)
		}
	}
	for len(dst)-start > 1 && dst[len(dst)-1] == dst[start] {
		dst = dst[:len(dst)-1]
	}
	return dst
}

// scan finds where edges meet other than at the point two consecutive
// edges of a ring share. split: two edges cross, overlap, or one ends
// inside the other, so edges must be noded; touch: two edges share an end
// point otherwise (a ring meeting itself or another ring at a vertex), or
// an edge passes the pixel of a vertex it does not end at.
// crossings are the grid points nearest proper crossings. rings, when not
// nil, are the rings segs were made from, to know which edges are
// consecutive; after noding there are none.
func scan(segs []gridSeg, rings [][]gridPoint) (split, touch bool, crossings []gridPoint) {
	if len(segs) <= 32 {
		// Few edges: every pair, without sorting.
		for i := range segs {
			s := &segs[i]
			for j := i + 1; j < len(segs); j++ {
				t := &segs[j]
				if t.maxx < s.minx || t.minx > s.maxx || t.maxy < s.miny || t.miny > s.maxy {
					continue
				}
				sp, tc, cross, ok := meet(s, t, rings)
				split = split || sp
				touch = touch || tc
				if ok {
					crossings = append(crossings, cross)
				}
			}
		}
		return split, touch, crossings
	}
	order := make([]int32, len(segs))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(i, j int32) int { return cmp.Compare(segs[i].minx, segs[j].minx) })
	active := make([]int32, 0, 64)
	for _, i := range order {
		s := &segs[i]
		kept := active[:0]
		for _, j := range active {
			t := &segs[j]
			if t.maxx < s.minx {
				continue
			}
			kept = append(kept, j)
			if t.maxy < s.miny || t.miny > s.maxy {
				continue
			}
			sp, tc, cross, ok := meet(s, t, rings)
			split = split || sp
			touch = touch || tc
			if ok {
				crossings = append(crossings, cross)
			}
		}
		active = append(kept, i)
	}
	return split, touch, crossings
}

// consecutive reports whether s and t are consecutive edges of one ring
// and returns the point they share.
func consecutive(s, t *gridSeg, rings [][]gridPoint) (gridPoint, bool) {
	if rings == nil || s.ring < 0 || s.ring != t.ring {
		return gridPoint{}, false
	}
	n := int32(len(rings[s.ring]))
	switch {
	case (s.idx+1)%n == t.idx:
		return s.b, true
	case (t.idx+1)%n == s.idx:
		return t.b, true
	}
	return gridPoint{}, false
}

// meet classifies how two edges meet (see scan); ok says cross holds the
// grid point nearest their proper crossing.
func meet(s, t *gridSeg, rings [][]gridPoint) (split, touch bool, cross gridPoint, ok bool) {
	o1, o2 := orient(s.a, s.b, t.a), orient(s.a, s.b, t.b)
	o3, o4 := orient(t.a, t.b, s.a), orient(t.a, t.b, s.b)
	shared, isConsecutive := consecutive(s, t, rings)
	if o1 == 0 && o2 == 0 {
		// Collinear: the same edge (either way: counted later, not noded),
		// overlapping, meeting at an end, or apart.
		if s.a == t.a && s.b == t.b || s.a == t.b && s.b == t.a {
			return false, true, gridPoint{}, false
		}
		lo1, hi1 := along(s, s.a), along(s, s.b)
		lo2, hi2 := along(s, t.a), along(s, t.b)
		if lo1 > hi1 {
			lo1, hi1 = hi1, lo1
		}
		if lo2 > hi2 {
			lo2, hi2 = hi2, lo2
		}
		switch {
		case max(lo1, lo2) < min(hi1, hi2):
			return true, false, gridPoint{}, false
		case max(lo1, lo2) == min(hi1, hi2):
			// One point in common, an end of both.
			return false, !isConsecutive, gridPoint{}, false
		}
		return false, false, gridPoint{}, false
	}
	if (o1 > 0 && o2 < 0 || o1 < 0 && o2 > 0) && (o3 > 0 && o4 < 0 || o3 < 0 && o4 > 0) {
		den := o3 - o4
		return true, false, gridPoint{
			x: roundDiv(s.a.x*den+(s.b.x-s.a.x)*o3, den),
			y: roundDiv(s.a.y*den+(s.b.y-s.a.y)*o3, den),
		}, true
	}
	// An end of one on the other: inside it (split) or at its end (touch).
	for _, c := range [...]struct {
		o    int64
		p    gridPoint
		on   *gridSeg
		ends [2]gridPoint
	}{{o1, t.a, s, [2]gridPoint{s.a, s.b}}, {o2, t.b, s, [2]gridPoint{s.a, s.b}},
		{o3, s.a, t, [2]gridPoint{t.a, t.b}}, {o4, s.b, t, [2]gridPoint{t.a, t.b}}} {
		if c.o != 0 || c.p.x < c.on.minx || c.p.x > c.on.maxx || c.p.y < c.on.miny || c.p.y > c.on.maxy {
			continue
		}
		if c.p != c.ends[0] && c.p != c.ends[1] {
			split = true
		} else if !isConsecutive || c.p != shared {
			touch = true
		}
	}
	if !split && !touch {
		// A vertex in the pixel of an edge it is not on: they do not
		// meet, but the edge must be routed through it (see gridPolygons).
		for _, c := range [...]struct {
			p  gridPoint
			on *gridSeg
		}{{t.a, s}, {t.b, s}, {s.a, t}, {s.b, t}} {
			if c.p != c.on.a && c.p != c.on.b && c.p.x >= c.on.minx && c.p.x <= c.on.maxx &&
				c.p.y >= c.on.miny && c.p.y <= c.on.maxy && passes(*c.on, c.p) {
				touch = true
				break
			}
		}
	}
	return split, touch, gridPoint{}, false
}

// along is p's position along s's direction (a dot product), to order
// collinear points.
func along(s *gridSeg, p gridPoint) int64 {
	return (p.x-s.a.x)*(s.b.x-s.a.x) + (p.y-s.a.y)*(s.b.y-s.a.y)
}

// roundDiv is n/d rounded to the nearest integer, halves up.
func roundDiv(n, d int64) int64 {
	if d < 0 {
		n, d = -n, -d
	}
	return floorDiv(2*n+d, 2*d)
}

func floorDiv(n, d int64) int64 {
	q := n / d
	if (n%d != 0) && (n < 0) != (d < 0) {
		q--
	}
	return q
}

// snap routes every edge through the centre of each hot pixel it passes:
// the pixels of all edge ends and of the given crossings. A pixel is the
// closed square of side 1 around its grid point.
func snap(segs []gridSeg, crossings []gridPoint) []gridSeg {
	hot := make([]gridPoint, 0, 2*len(segs)+len(crossings))
	for _, s := range segs {
		hot = append(hot, s.a, s.b)
	}
	hot = append(hot, crossings...)
	slices.SortFunc(hot, func(p, q gridPoint) int {
		switch {
		case p.less(q):
			return -1
		case q.less(p):
			return 1
		}
		return 0
	})
	hot = slices.Compact(hot)
	out := make([]gridSeg, 0, len(segs))
	type stop struct {
		p       gridPoint
		at, off int64
	}
	var stops []stop
	for _, s := range segs {
		stops = stops[:0]
		first := sort.Search(len(hot), func(i int) bool { return hot[i].x >= s.minx })
		for _, p := range hot[first:] {
			if p.x > s.maxx {
				break
			}
			if p.y < s.miny || p.y > s.maxy || p == s.a || p == s.b || !passes(s, p) {
				continue
			}
			stops = append(stops, stop{p, along(&s, p), orient(s.a, s.b, p)})
		}
		if len(stops) == 0 {
			out = append(out, s)
			continue
		}
		sort.Slice(stops, func(i, j int) bool {
			if stops[i].at != stops[j].at {
				return stops[i].at < stops[j].at
			}
			return stops[i].off < stops[j].off
		})
		prev := s.a
		for _, st := range stops {
			out = append(out, newSeg(prev, st.p, -1, -1))
			prev = st.p
		}
		out = append(out, newSeg(prev, s.b, -1, -1))
	}
	return out
}

// passes reports whether edge s meets the pixel of p: the half-open square
// [x-½, x+½) × [y-½, y+½), so each point of the plane lies in one pixel,
// the one a crossing rounds to. In doubled coordinates the pixel's sides
// lie on odd lines and s's ends on even ones, so s cannot end on a side or
// run along one: it meets the pixel when it passes through the open
// square, or through the one corner the pixel holds, its lower left. The
// bounding boxes of s and the pixel's closure are known to meet.
func passes(s gridSeg, p gridPoint) bool {
	a := gridPoint{2 * s.a.x, 2 * s.a.y}
	b := gridPoint{2 * s.b.x, 2 * s.b.y}
	x0, y0, x1, y1 := 2*p.x-1, 2*p.y-1, 2*p.x+1, 2*p.y+1
	if orient(a, b, gridPoint{x0, y0}) == 0 {
		// s's line passes the held corner; s does if it spans it (s
		// slopes, as no axis-parallel line through even points meets an
		// odd corner).
		return min(a.x, b.x) < x0 && x0 < max(a.x, b.x) && min(a.y, b.y) < y0 && y0 < max(a.y, b.y)
	}
	if min(a.x, b.x) >= x1 || max(a.x, b.x) <= x0 || min(a.y, b.y) >= y1 || max(a.y, b.y) <= y0 {
		return false
	}
	pos, neg := false, false
	for _, c := range [...]gridPoint{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}} {
		switch o := orient(a, b, c); {
		case o > 0:
			pos = true
		case o < 0:
			neg = true
		}
	}
	return pos && neg
}

// rays answers winding numbers about points of a set of edges. With many
// edges it files them in rows by the y they span, so that a ray meets
// only its row's edges: a polygon of thousands of islands asks once per
// island, and each answer must not read every edge.
type rays struct {
	edges      []gridEdge
	y0, height int64     // rows start at y0 (doubled) and are height tall
	rows       [][]int32 // edge indices by row; nil: read every edge
}

func newRays(edges []gridEdge) *rays {
	r := &rays{edges: edges}
	if len(edges) < 256 {
		return r
	}
	lo, hi := 2*edges[0].p.y, 2*edges[0].p.y
	for _, e := range edges {
		lo, hi = min(lo, 2*e.p.y, 2*e.q.y), max(hi, 2*e.p.y, 2*e.q.y)
	}
	n := int64(min(len(edges)/8, 4096))
	r.y0, r.height = lo, (hi-lo)/n+1
	r.rows = make([][]int32, n)
	for i, e := range edges {
		a, b := (2*min(e.p.y, e.q.y)-lo)/r.height, (2*max(e.p.y, e.q.y)-lo)/r.height
		for k := a; k <= b && k < n; k++ {
			r.rows[k] = append(r.rows[k], int32(i))
		}
	}
	return r
}

// windingAt is the winding number, about the point m given in doubled
// coordinates, of the edges (each counted c times from a to b), leaving out
// edge skip. m must lie on no edge but skip. Edges are counted where they
// cross the ray from m towards +x, half-open at their ends, which is the
// winding number of a point an infinitesimal step above m.
func (r *rays) windingAt(m gridPoint, skip int) int {
	w := 0
	count := func(i int) {
		e := &r.edges[i]
		if i == skip || e.c == 0 {
			return
		}
		ay, by := 2*e.p.y, 2*e.q.y
		if ay <= m.y && m.y < by {
			if orient(gridPoint{2 * e.p.x, ay}, gridPoint{2 * e.q.x, by}, m) > 0 {
				w += e.c
			}
		} else if by <= m.y && m.y < ay {
			if orient(gridPoint{2 * e.p.x, ay}, gridPoint{2 * e.q.x, by}, m) < 0 {
				w -= e.c
			}
		}
	}
	if r.rows == nil {
		for i := range r.edges {
			count(i)
		}
		return w
	}
	if k := (m.y - r.y0) / r.height; m.y >= r.y0 && k < int64(len(r.rows)) {
		for _, i := range r.rows[k] {
			count(int(i))
		}
	}
	return w
}

// leftWinding is the winding number just left of edge k (which must not be
// horizontal), run from p to q.
func (r *rays) leftWinding(k int) int {
	e := &r.edges[k]
	m := gridPoint{e.p.x + e.q.x, e.p.y + e.q.y}
	w := r.windingAt(m, k)
	if e.p.y < e.q.y {
		// Upward: the ray from a point on its left crosses it.
		w += e.c
	}
	return w
}

// gridEdge is an edge counted c times from p to q (negative: from q to p).
type gridEdge struct {
	p, q gridPoint
	c    int
}

// simpleRings handles rings that are each simple and meet no other ring:
// a ring is kept when the winding just to its left is 1 (so its left side
// is kept and its right is not), as it runs.
func simpleRings(rings [][]gridPoint, segs []gridSeg) [][][]gridPoint {
	edges := make([]gridEdge, len(segs))
	for i, s := range segs {
		edges[i] = gridEdge{s.a, s.b, 1}
	}
	rs := newRays(edges)
	var kept [][]gridPoint
	k := 0
	for _, r := range rings {
		probe := -1
		for i := range r {
			if edges[k+i].p.y != edges[k+i].q.y {
				probe = k + i
				break
			}
		}
		if probe >= 0 && rs.leftWinding(probe) == 1 {
			kept = append(kept, r)
		}
		k += len(r)
	}
	return assemble(kept)
}

// arrange builds polygons from noded edges: edges meet only at their ends
// and do not overlap.
func arrange(segs []gridSeg) [][][]gridPoint {
	edges := countEdges(segs)
	if len(edges) == 0 {
		return nil
	}
	// The slices the steps fill are made here rather than in the steps, so
	// that a small graph's can stay on the stack: this runs per polygon.
	origin := make([]int32, 2*len(edges))
	// Each vertex meets two edges or more, so there are at most len(edges).
	verts := numberVertices(edges, origin, make([]gridPoint, 0, len(edges)),
		make(map[gridPoint]int32, len(edges)))
	g := planarGraph{edges: edges, verts: verts, origin: origin,
		out: make([][]int32, len(verts)), pos: make([]int32, len(origin))}
	g.orderAround()
	cycle := make([]int32, len(g.origin))
	// A connected graph has E-V+2 faces.
	cycles := g.faces(cycle, make([][]int32, 0, len(edges)-len(g.verts)+2))
	winding := make([]int, len(cycles))
	g.windings(newRays(edges), cycle, cycles, winding)
	return assemble(g.boundaryRings(cycle, winding))
}

// countEdges counts each undirected edge both ways and drops those that
// cancel, as an edge run out and back does. It sorts and marks segs.
func countEdges(segs []gridSeg) []gridEdge {
	for i := range segs {
		if segs[i].b.less(segs[i].a) {
			segs[i].a, segs[i].b = segs[i].b, segs[i].a
			segs[i].ring = -2 // marks a reversed edge, counted -1
		}
	}
	sort.Slice(segs, func(i, j int) bool {
		if segs[i].a != segs[j].a {
			return segs[i].a.less(segs[j].a)
		}
		return segs[i].b.less(segs[j].b)
	})
	var edges []gridEdge
	for _, s := range segs {
		if s.a == s.b {
			continue
		}
		c := 1
		if s.ring == -2 {
			c = -1
		}
		if n := len(edges); n > 0 && edges[n-1].p == s.a && edges[n-1].q == s.b {
			edges[n-1].c += c
			continue
		}
		edges = append(edges, gridEdge{s.a, s.b, c})
	}
	n := 0
	for _, e := range edges {
		if e.c != 0 {
			edges[n] = e
			n++
		}
	}
	return edges[:n]
}

// planarGraph is the planar graph of counted edges: half-edge 2k runs p→q
// of edge k, 2k+1 back.
type planarGraph struct {
	edges  []gridEdge
	verts  []gridPoint
	origin []int32   // the vertex a half-edge starts at
	out    [][]int32 // outgoing half-edges by vertex, by angle, anticlockwise
	pos    []int32   // a half-edge's place in its origin's list
}

// numberVertices numbers the edges' ends, appending each new one to verts
// and its number to vindex, and sets origin[h] to the number of the vertex
// half-edge h starts at. It returns verts.
func numberVertices(edges []gridEdge, origin []int32, verts []gridPoint, vindex map[gridPoint]int32) []gridPoint {
	for k, e := range edges {
		for j, p := range [2]gridPoint{e.p, e.q} {
			i, ok := vindex[p]
			if !ok {
				i = int32(len(verts))
				vindex[p] = i
				verts = append(verts, p)
			}
			origin[2*k+j] = i
		}
	}
	return verts
}

// orderAround fills out, each vertex's outgoing half-edges sorted by
// angle, and pos.
func (g *planarGraph) orderAround() {
	for h := range g.origin {
		g.out[g.origin[h]] = append(g.out[g.origin[h]], int32(h))
	}
	for v, hs := range g.out {
		o := g.verts[v]
		sort.Slice(hs, func(i, j int) bool { return angleLess(o, g.head(hs[i]), g.head(hs[j])) })
		for i, h := range hs {
			g.pos[h] = int32(i)
		}
	}
}

// head is the vertex half-edge h runs to.
func (g *planarGraph) head(h int32) gridPoint {
	e := &g.edges[h/2]
	if h%2 == 0 {
		return e.q
	}
	return e.p
}

// next is the half-edge after h around the face on h's left: at h's head,
// the one just clockwise of h's twin.
func (g *planarGraph) next(h int32) int32 {
	tw := h ^ 1
	hs := g.out[g.origin[tw]]
	i := g.pos[tw] - 1
	if i < 0 {
		i = int32(len(hs) - 1)
	}
	return hs[i]
}

// count is the times h is run along its direction.
func (g *planarGraph) count(h int32) int {
	if h%2 == 0 {
		return g.edges[h/2].c
	}
	return -g.edges[h/2].c
}

// faces appends to cycles the faces as half-edge cycles, and sets cycle[h]
// to the face on h's left.
func (g *planarGraph) faces(cycle []int32, cycles [][]int32) [][]int32 {
	for i := range cycle {
		cycle[i] = -1
	}
	for h := range g.origin {
		if cycle[h] >= 0 {
			continue
		}
		id := int32(len(cycles))
		var c []int32
		for e := int32(h); cycle[e] < 0; e = g.next(e) {
			cycle[e] = id
			c = append(c, e)
		}
		cycles = append(cycles, c)
	}
	return cycles
}

// unknownWinding marks a face whose winding number is not known.
const unknownWinding = int(^uint(0) >> 1)

// windings sets the winding number of each face: one ray (rs, over the
// graph's edges) per connected part of the graph, then across each edge
// the winding changes by its count.
func (g *planarGraph) windings(rs *rays, cycle []int32, cycles [][]int32, winding []int) {
	for i := range winding {
		winding[i] = unknownWinding
	}
	var queue []int32
	for id, c := range cycles {
		if winding[id] != unknownWinding {
			continue
		}
		probe := int32(-1)
		for _, h := range c {
			if e := &g.edges[h/2]; e.p.y != e.q.y {
				probe = h
				break
			}
		}
		if probe < 0 {
			continue // cannot happen: every face of a closed arrangement has a sloping edge
		}
		w := rs.leftWinding(int(probe / 2))
		if probe%2 == 1 {
			w -= g.edges[probe/2].c // probe runs q→p: its left is edge k's right
		}
		winding[id] = w
		queue = append(queue[:0], int32(id))
		for len(queue) > 0 {
			cid := queue[len(queue)-1]
			queue = queue[:len(queue)-1]
			for _, h := range cycles[cid] {
				d := cycle[h^1]
				if winding[d] == unknownWinding {
					winding[d] = winding[cid] - g.count(h)
					queue = append(queue, d)
				}
			}
		}
	}
}

// boundaryRings walks the boundary, the half-edges with a kept face on the
// left and none on the right, with the kept side on the left, and cuts
// each walk into simple rings.
func (g *planarGraph) boundaryRings(cycle []int32, winding []int) [][]gridPoint {
	keep := make([]bool, len(g.origin))
	degree := make([]int, len(g.verts))
	for h := range g.origin {
		wl := winding[cycle[h]]
		if wl != unknownWinding && wl > 0 && wl-g.count(int32(h)) <= 0 {
			keep[h] = true
			degree[g.origin[h]]++
		}
	}
	var rings [][]gridPoint
	seen := make([]bool, len(g.origin))
	var walk []int32
	for h := range g.origin {
		if !keep[h] || seen[h] {
			continue
		}
		walk = walk[:0]
		closed := true
		for e := int32(h); !seen[e]; {
			seen[e] = true
			walk = append(walk, g.origin[e])
			next, found := g.nextKept(e, keep)
			if !found {
				closed = false
				break
			}
			e = next
		}
		if closed {
			rings = append(rings, splitWalk(walk, g.verts, degree)...)
		}
	}
	return rings
}

// nextKept turns clockwise from h's twin to the next kept half-edge. Kept
// half-edges enter and leave each vertex in pairs, so there is one; should
// the windings disagree, found is false, and the walk is dropped rather
// than left to run on.
func (g *planarGraph) nextKept(h int32, keep []bool) (next int32, found bool) {
	tw := h ^ 1
	hs := g.out[g.origin[tw]]
	i := g.pos[tw]
	for range hs {
		if i--; i < 0 {
			i = int32(len(hs) - 1)
		}
		if keep[hs[i]] {
			return hs[i], true
		}
	}
	return 0, false
}

// splitWalk cuts a closed walk (vertex indices) into simple rings where it
// passes a vertex twice, and drops vertices where a ring runs straight on
// and nothing else meets.
func splitWalk(walk []int32, verts []gridPoint, degree []int) [][]gridPoint {
	var rings [][]gridPoint
	at := map[int32]int{}
	stack := make([]int32, 0, len(walk))
	emit := func(loop []int32) {
		r := make([]gridPoint, 0, len(loop))
		for _, v := range loop {
			r = append(r, verts[v])
		}
		r = straighten(r, loop, degree)
		if len(r) >= 3 && ringArea2(r) != 0 {
			rings = append(rings, r)
		}
	}
	for _, v := range append(walk, walk[0]) {
		if i, ok := at[v]; ok {
			emit(stack[i:])
			for _, u := range stack[i+1:] {
				delete(at, u)
			}
			stack = stack[:i+1]
			continue
		}
		at[v] = len(stack)
		stack = append(stack, v)
	}
	return rings
}

// straighten drops the points of r where it runs straight on through a
// vertex no other boundary edge meets (ids are r's vertex numbers).
func straighten(r []gridPoint, ids []int32, degree []int) []gridPoint {
	n := len(r)
	out := make([]gridPoint, 0, n)
	for i := range n {
		prev, next := r[(i+n-1)%n], r[(i+1)%n]
		if degree[ids[i]] == 1 && orient(prev, r[i], next) == 0 &&
			(r[i].x-prev.x)*(next.x-r[i].x)+(r[i].y-prev.y)*(next.y-r[i].y) > 0 {
			continue
		}
		out = append(out, r[i])
	}
	return out
}

// angleLess orders directions from o anticlockwise, starting along +x.
func angleLess(o, p, q gridPoint) bool {
	dp := gridPoint{p.x - o.x, p.y - o.y}
	dq := gridPoint{q.x - o.x, q.y - o.y}
	hp, hq := half(dp), half(dq)
	if hp != hq {
		return hp < hq
	}
	return dp.x*dq.y-dp.y*dq.x > 0
}

// half is 0 for directions in [0°, 180°) and 1 for [180°, 360°).
func half(d gridPoint) int {
	if d.y > 0 || d.y == 0 && d.x > 0 {
		return 0
	}
	return 1
}

// assemble gives each hole (negative ring) to the smallest shell (positive
// ring) around it. Rings meet at most at points, and a hole's edge midpoint
// lies on no shell, so one point of each hole places it.
func assemble(rings [][]gridPoint) [][][]gridPoint {
	type shell struct {
		ring   []gridPoint
		area   int64
		bound  [4]int64
		holes  [][]gridPoint
		origin int
	}
	var shells []*shell
	var holes [][]gridPoint
	for i, r := range rings {
		a := ringArea2(r)
		switch {
		case a > 0:
			shells = append(shells, &shell{ring: r, area: a, bound: ringBound(r), origin: i})
		case a < 0:
			holes = append(holes, r)
		}
	}
	bySize := slices.Clone(shells)
	sort.SliceStable(bySize, func(i, j int) bool { return bySize[i].area < bySize[j].area })
	for _, h := range holes {
		m := gridPoint{h[0].x + h[1].x, h[0].y + h[1].y} // doubled
		for _, s := range bySize {
			if m.x < 2*s.bound[0] || m.x > 2*s.bound[2] || m.y < 2*s.bound[1] || m.y > 2*s.bound[3] {
				continue
			}
			if ringWinding(m, s.ring) != 0 {
				s.holes = append(s.holes, h)
				break
			}
		}
	}
	out := make([][][]gridPoint, 0, len(shells))
	for _, s := range shells {
		out = append(out, append([][]gridPoint{s.ring}, s.holes...))
	}
	return out
}

func ringBound(r []gridPoint) [4]int64 {
	b := [4]int64{r[0].x, r[0].y, r[0].x, r[0].y}
	for _, p := range r[1:] {
		b[0], b[1] = min(b[0], p.x), min(b[1], p.y)
		b[2], b[3] = max(b[2], p.x), max(b[3], p.y)
	}
	return b
}

// ringWinding is the winding number of ring r about m, given in doubled
// coordinates and lying on no edge of r.
func ringWinding(m gridPoint, r []gridPoint) int {
	w := 0
	for i := range r {
		j := i + 1
		if j == len(r) {
			j = 0
		}
		a := gridPoint{2 * r[i].x, 2 * r[i].y}
		b := gridPoint{2 * r[j].x, 2 * r[j].y}
		if a.y <= m.y && m.y < b.y && orient(a, b, m) > 0 {
			w++
		} else if b.y <= m.y && m.y < a.y && orient(a, b, m) < 0 {
			w--
		}
	}
	return w
}
