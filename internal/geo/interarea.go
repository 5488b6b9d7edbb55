package geo

import (
	"math"
	"slices"
	"sort"
	"sync"

	"github.com/paulmach/orb"
	"github.com/peterstace/simplefeatures/geom"
)

// IntersectionArea returns the equal-area measure (m²) of a ∩ b without
// building the intersection: the boundary of a ∩ b is made of the parts of
// a's boundary inside b and of b's inside a (an edge both share, running
// the same way, once), so the shoelace sum over those parts, each directed
// with the interior on its left, is the intersection's area. That needs
// only segment crossings and point-in-polygon tests, against an edge index
// each shape builds once and keeps for every pair it is in.
//
// The parts are measured in the equal-area projection centred on their
// bound, which is the bound of a ∩ b, as Intersect's Shape is measured:
// the two agree to rounding. Where a vertex of one lies on an edge of the
// other, or edges overlap without sharing both ends, or a sign cannot be
// told in floating point, it falls back to Intersect, so the answer is
// always the overlay's.
func IntersectionArea(a, b Shape) (float64, error) {
	if area, ok := intersectionArea(a.prepared(), b.prepared()); ok {
		return area, nil
	}
	s, err := IntersectNear(a, b)
	if err != nil {
		return 0, err
	}
	return s.Area, nil
}

// edge is a directed edge with the shape's interior on its left.
type edge struct {
	p, q orb.Point
	b    orb.Bound
	band int32 // the first band it lies in
}

// preparedShape is a shape's edges, directed with the interior on their
// left, in horizontal bands for point-in-polygon and crossing queries.
type preparedShape struct {
	edges  []edge
	bound  orb.Bound
	area   float64 // the Shape's
	y0, dy float64
	bands  [][]int32
}

// prep builds a Shape's preparedShape once, on first use, for every
// goroutine that shares the Shape.
type prep struct {
	once  sync.Once
	ps    *preparedShape
	bound orb.Bound
	area  float64
	gOnce sync.Once
	g     geom.Geometry
}

func (s Shape) prepared() *preparedShape {
	if s.prep == nil {
		return prepare(s.MP, s.MP.Bound(), s.Area)
	}
	s.prep.once.Do(func() { s.prep.ps = prepare(s.MP, s.prep.bound, s.prep.area) })
	return s.prep.ps
}

func prepare(mp orb.MultiPolygon, bound orb.Bound, area float64) *preparedShape {
	ps := &preparedShape{bound: bound, area: area, edges: make([]edge, 0, vertices(mp))}
	for _, poly := range mp {
		for k, r := range poly {
			ccw := ringSign(r) > 0
			flip := ccw != (k == 0) // exteriors anticlockwise, holes clockwise
			for i := 0; i+1 < len(r); i++ {
				p, q := r[i], r[i+1]
				if p == q {
					continue
				}
				if flip {
					p, q = q, p
				}
				ps.edges = append(ps.edges, edge{p: p, q: q, b: orb.Bound{Min: p, Max: p}.Extend(q)})
			}
		}
	}
	n := max(1, len(ps.edges)/4)
	ps.y0 = ps.bound.Min[1]
	ps.dy = (ps.bound.Max[1] - ps.bound.Min[1]) / float64(n)
	if !(ps.dy > 0) {
		ps.dy, n = 1, 1
	}
	ps.bands = make([][]int32, n)
	for i := range ps.edges {
		e := &ps.edges[i]
		lo, hi := ps.band(e.b.Min[1]), ps.band(e.b.Max[1])
		e.band = int32(lo)
		for k := lo; k <= hi; k++ {
			ps.bands[k] = append(ps.bands[k], int32(i))
		}
	}
	return ps
}

func ringSign(r orb.Ring) float64 {
	var s float64
	o := r[0]
	for i := 0; i+1 < len(r); i++ {
		s += (r[i][0]-o[0])*(r[i+1][1]-o[1]) - (r[i+1][0]-o[0])*(r[i][1]-o[1])
	}
	return s
}

func (ps *preparedShape) band(y float64) int {
	k := int((y - ps.y0) / ps.dy)
	return max(0, min(len(ps.bands)-1, k))
}

// contains reports whether pt lies inside ps (crossings of a ray to +x,
// edges taken half-open in y). Points on the boundary may go either way:
// callers ask only about points off it.
func (ps *preparedShape) contains(pt orb.Point) bool {
	if !ps.bound.Contains(pt) {
		return false
	}
	in := false
	for _, i := range ps.bands[ps.band(pt[1])] {
		e := &ps.edges[i]
		if (e.p[1] > pt[1]) == (e.q[1] > pt[1]) || e.b.Max[0] < pt[0] {
			continue
		}
		// The edge spans pt's y: does it pass to the right of pt?
		d := orient(e.p, e.q, pt)
		if (e.q[1] > e.p[1]) == (d > 0) {
			in = !in
		}
	}
	return in
}

// orientSure is orient with a sign that can be trusted: ok is false when
// rounding could have changed the sign. Zero is exact only where c equals
// a or b (then both products are the same floats).
func orientSure(a, b, c orb.Point) (float64, bool) {
	if c == a || c == b {
		return 0, true
	}
	l := (b[0] - a[0]) * (c[1] - a[1])
	r := (b[1] - a[1]) * (c[0] - a[0])
	d := l - r
	// Shewchuk's first error bound for orient2d, on coordinates taken
	// relative to a (the subtractions are rounded too: widened a little).
	if math.Abs(d) > 4e-16*(math.Abs(l)+math.Abs(r)) {
		return d, true
	}
	return 0, false
}

// split is a point where another shape's boundary meets an edge, at
// parameter t along it.
type split struct {
	t  float64
	pt orb.Point
}

// pairWork is one pair's crossings and shared edges, by edge.
type pairWork struct {
	splits [2]map[int32][]split
	shared [2]map[int32]int8 // +1 same direction, -1 opposite
}

// intersectionArea works out area(a ∩ b); ok is false where a degenerate
// meeting needs the overlay.
func intersectionArea(a, b *preparedShape) (float64, bool) {
	box, ok := intersectBounds(a.bound, b.bound)
	if !ok {
		return 0, true
	}
	candA, candB := a.edgesIn(box), b.edgesIn(box)
	// No edge of one near the other's box: one lies wholly inside the
	// other, or they are apart, and one vertex tells which.
	if len(candB) == 0 && box == a.bound {
		return inOrOut(b, a), true
	}
	if len(candA) == 0 && box == b.bound {
		return inOrOut(a, b), true
	}
	w := pairWork{} // maps made on first use: most pairs share no edge
	if !w.crossAll(a, b, candA, candB) {
		return 0, false
	}
	var pieces [][2]orb.Point
	pieces = collectPieces(pieces, a, b, candA, w.splits[0], w.shared[0], true)
	pieces = collectPieces(pieces, b, a, candB, w.splits[1], w.shared[1], false)
	area := measurePieces(pieces)
	return area, area >= 0
}

// measurePieces is the shoelace sum over directed pieces of boundary, in the
// equal-area projection centred on their bound (0 for none; negative where
// the pieces were not a boundary run with the interior on its left).
func measurePieces(pieces [][2]orb.Point) float64 {
	if len(pieces) == 0 {
		return 0
	}
	pb := orb.Bound{Min: pieces[0][0], Max: pieces[0][0]}
	for _, pc := range pieces {
		pb = pb.Extend(pc[0]).Extend(pc[1])
	}
	proj := equalAreaProjection(pb)
	o := proj(pb.Center())
	var sum float64
	var lastIn, lastOut orb.Point
	haveLast := false
	for _, pc := range pieces {
		var p orb.Point
		if haveLast && pc[0] == lastIn {
			p = lastOut
		} else {
			p = proj(pc[0])
		}
		q := proj(pc[1])
		lastIn, lastOut, haveLast = pc[1], q, true
		sum += (p[0]-o[0])*(q[1]-o[1]) - (q[0]-o[0])*(p[1]-o[1])
	}
	return sum / 2
}

// inOrOut is inner's area if it lies inside outer, else 0, for inner whose
// boundary is nowhere near outer's.
func inOrOut(outer, inner *preparedShape) float64 {
	if len(inner.edges) == 0 || !outer.contains(inner.edges[0].p) {
		return 0
	}
	return inner.area
}

func intersectBounds(a, b orb.Bound) (orb.Bound, bool) {
	if !a.Intersects(b) {
		return orb.Bound{}, false
	}
	return orb.Bound{
		Min: orb.Point{max(a.Min[0], b.Min[0]), max(a.Min[1], b.Min[1])},
		Max: orb.Point{min(a.Max[0], b.Max[0]), min(a.Max[1], b.Max[1])},
	}, true
}

// edgesIn lists, once each, the edges whose boxes meet box.
func (ps *preparedShape) edgesIn(box orb.Bound) []int32 {
	var out []int32
	lo, hi := ps.band(box.Min[1]), ps.band(box.Max[1])
	for k := lo; k <= hi; k++ {
		for _, i := range ps.bands[k] {
			e := &ps.edges[i]
			if max(lo, int(e.band)) != k || !boxesMeet(e.b, box) {
				continue
			}
			out = append(out, i)
		}
	}
	return out
}

// crossAll finds where candidate edges of a meet candidate edges of b,
// recording the splits on both and the edges they share, by a sweep in x
// over the two lists. It returns false where a meeting is degenerate in a
// way only the overlay handles.
func (w *pairWork) crossAll(a, b *preparedShape, candA, candB []int32) bool {
	byMinX := func(ps *preparedShape) func(i, j int32) int {
		return func(i, j int32) int { return cmpFloat(ps.edges[i].b.Min[0], ps.edges[j].b.Min[0]) }
	}
	candA, candB = slices.Clone(candA), slices.Clone(candB) // the callers keep ring order
	slices.SortFunc(candA, byMinX(a))
	slices.SortFunc(candB, byMinX(b))
	var activeA, activeB []int32
	i, j := 0, 0
	for i < len(candA) || j < len(candB) {
		if j == len(candB) || (i < len(candA) && a.edges[candA[i]].b.Min[0] <= b.edges[candB[j]].b.Min[0]) {
			e := &a.edges[candA[i]]
			activeB = prune(activeB, b, e.b.Min[0])
			for _, f := range activeB {
				if fe := &b.edges[f]; fe.b.Min[1] <= e.b.Max[1] && fe.b.Max[1] >= e.b.Min[1] && !w.meet(e, fe, candA[i], f) {
					return false
				}
			}
			activeA = append(activeA, candA[i])
			i++
			continue
		}
		f := &b.edges[candB[j]]
		activeA = prune(activeA, a, f.b.Min[0])
		for _, e := range activeA {
			if ee := &a.edges[e]; ee.b.Min[1] <= f.b.Max[1] && ee.b.Max[1] >= f.b.Min[1] && !w.meet(ee, f, e, candB[j]) {
				return false
			}
		}
		activeB = append(activeB, candB[j])
		j++
	}
	return true
}

// prune drops the edges that end left of x.
func prune(active []int32, ps *preparedShape, x float64) []int32 {
	out := active[:0]
	for _, i := range active {
		if ps.edges[i].b.Max[0] >= x {
			out = append(out, i)
		}
	}
	return out
}

func cmpFloat(x, y float64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

func boxesMeet(a, b orb.Bound) bool {
	return a.Min[0] <= b.Max[0] && a.Max[0] >= b.Min[0] && a.Min[1] <= b.Max[1] && a.Max[1] >= b.Min[1]
}

// meet classifies how edges e (of a, number i) and f (of b, number j) meet.
func (w *pairWork) meet(e, f *edge, i, j int32) bool {
	d1, ok1 := orientSure(e.p, e.q, f.p)
	d2, ok2 := orientSure(e.p, e.q, f.q)
	if !ok1 || !ok2 {
		return false
	}
	switch {
	case d1 == 0 && d2 == 0: // the same edge, one way or the other
		dir := int8(1)
		if f.p != e.p {
			dir = -1
		}
		if w.shared[0] == nil {
			w.shared = [2]map[int32]int8{{}, {}}
		}
		w.shared[0][i], w.shared[1][j] = dir, dir
		return true
	case d1 == 0 || d2 == 0: // a shared vertex: already an end of both
		return true
	case (d1 > 0) == (d2 > 0):
		return true
	}
	d3, ok3 := orientSure(f.p, f.q, e.p)
	d4, ok4 := orientSure(f.p, f.q, e.q)
	if !ok3 || !ok4 || d3 == 0 || d4 == 0 {
		return false
	}
	if (d3 > 0) == (d4 > 0) {
		return true
	}
	t := d3 / (d3 - d4)
	pt := orb.Point{e.p[0] + t*(e.q[0]-e.p[0]), e.p[1] + t*(e.q[1]-e.p[1])}
	u := d1 / (d1 - d2)
	if w.splits[0] == nil {
		w.splits = [2]map[int32][]split{{}, {}}
	}
	w.splits[0][i] = append(w.splits[0][i], split{t, pt})
	w.splits[1][j] = append(w.splits[1][j], split{u, pt})
	return true
}

// collectPieces appends the parts of x's candidate edges that lie on the
// boundary of x ∩ y: inside y, or shared with y running the same way (taken
// from a only, so once).
func collectPieces(out [][2]orb.Point, x, y *preparedShape, cands []int32, splits map[int32][]split, shared map[int32]int8, isA bool) [][2]orb.Point {
	for _, i := range cands {
		e := &x.edges[i]
		if dir, ok := shared[i]; ok {
			if isA && dir > 0 {
				out = append(out, [2]orb.Point{e.p, e.q})
			}
			continue
		}
		ss := splits[i]
		if len(ss) == 0 {
			if y.contains(mid(e.p, e.q)) {
				out = append(out, [2]orb.Point{e.p, e.q})
			}
			continue
		}
		sort.Slice(ss, func(a, b int) bool { return ss[a].t < ss[b].t })
		p := e.p
		for k := 0; k <= len(ss); k++ {
			q := e.q
			if k < len(ss) {
				q = ss[k].pt
			}
			if p != q && y.contains(mid(p, q)) {
				out = append(out, [2]orb.Point{p, q})
			}
			p = q
		}
	}
	return out
}

func mid(p, q orb.Point) orb.Point { return orb.Point{(p[0] + q[0]) / 2, (p[1] + q[1]) / 2} }

// CoveredArea returns the equal-area measure (m²) of the part of a that
// lies in any of bs, which may overlap each other, without building the
// pieces or their union: the boundary of a ∩ (b₁ ∪ … ∪ bₙ) is a's boundary
// inside any b, and each b's boundary inside a and inside no other b. Where
// two of the shapes share an edge, or a meeting is degenerate, it falls
// back to building each piece with the overlay and merging them.
func CoveredArea(a Shape, bs []Shape) (float64, error) {
	pb := make([]*preparedShape, len(bs))
	for k := range bs {
		pb[k] = bs[k].prepared()
	}
	if area, ok := coveredArea(a.prepared(), pb); ok {
		return area, nil
	}
	var u Shape
	for k, b := range bs {
		piece, err := IntersectNear(a, b)
		if err != nil {
			return 0, err
		}
		if k == 0 {
			u = piece
			continue
		}
		if u, err = Merge(u, piece); err != nil {
			return 0, err
		}
	}
	return u.Area, nil
}

// side is one shape's crossings and shared edges with the others.
type side struct {
	ps     *preparedShape
	cands  []int32
	splits map[int32][]split
	shared map[int32][]sharer
}

// sharer is another side with the same edge, running the same way (dir
// +1) or the other (-1).
type sharer struct {
	side int
	dir  int8
}

func coveredArea(a *preparedShape, bs []*preparedShape) (float64, bool) {
	sides := []*side{{ps: a, cands: a.edgesIn(a.bound)}}
	for _, b := range bs {
		box, ok := intersectBounds(a.bound, b.bound)
		if !ok {
			continue
		}
		sides = append(sides, &side{ps: b, cands: b.edgesIn(box)})
	}
	for _, s := range sides {
		s.splits, s.shared = map[int32][]split{}, map[int32][]sharer{}
	}
	for x := range sides {
		for y := x + 1; y < len(sides); y++ {
			sx, sy := sides[x], sides[y]
			box, ok := intersectBounds(sx.ps.bound, sy.ps.bound)
			if !ok {
				continue
			}
			w := pairWork{splits: [2]map[int32][]split{sx.splits, sy.splits}}
			if !w.crossAll(sx.ps, sy.ps, inBox(sx, box), inBox(sy, box)) {
				return 0, false
			}
			for i, dir := range w.shared[0] {
				sx.shared[i] = append(sx.shared[i], sharer{y, dir})
			}
			for j, dir := range w.shared[1] {
				sy.shared[j] = append(sy.shared[j], sharer{x, dir})
			}
		}
	}
	var pieces [][2]orb.Point
	for x, s := range sides {
		for _, i := range s.cands {
			e := &s.ps.edges[i]
			ss := s.splits[i]
			sh := s.shared[i]
			sort.Slice(ss, func(a, b int) bool { return ss[a].t < ss[b].t })
			p, prevIn := e.p, false
			for k := 0; k <= len(ss); k++ {
				q := e.q
				if k < len(ss) {
					q = ss[k].pt
				}
				if p == q {
					continue
				}
				in, ok := true, true
				if len(sh) > 0 { // splits here are where a third boundary crosses the shared edge
					in, ok = sharedOnCover(sides, x, sh, mid(p, q))
				} else {
					in = onCoverBoundary(sides, x, mid(p, q))
				}
				if !ok {
					return 0, false
				}
				if in {
					// A run along one edge is one piece: a point where a third
					// boundary crosses is no vertex of the covered part.
					if n := len(pieces); k > 0 && prevIn && pieces[n-1][1] == p {
						pieces[n-1][1] = q
					} else {
						pieces = append(pieces, [2]orb.Point{p, q})
					}
				}
				prevIn = in
				p = q
			}
		}
	}
	area := measurePieces(pieces)
	return area, area >= 0
}

// inBox lists s's candidate edges whose boxes meet box.
func inBox(s *side, box orb.Bound) []int32 {
	var out []int32
	for _, i := range s.cands {
		if boxesMeet(s.ps.edges[i].b, box) {
			out = append(out, i)
		}
	}
	return out
}

// sharedOnCover says whether an edge of side x that other sides share
// (sh) lies on the boundary of a ∩ ∪b, pt its midpoint; ok is false for a
// sharing this does not sort out.
func sharedOnCover(sides []*side, x int, sh []sharer, pt orb.Point) (in, ok bool) {
	same, opposite, withA := false, false, false
	for _, s := range sh {
		same, opposite, withA = same || s.dir > 0, opposite || s.dir < 0, withA || s.side == 0
	}
	others := func(from int) bool { // pt inside a b that is not x and does not share the edge
		for y := from; y < len(sides); y++ {
			if y == x || slices.ContainsFunc(sh, func(s sharer) bool { return s.side == y }) {
				continue
			}
			if sides[y].ps.contains(pt) {
				return true
			}
		}
		return false
	}
	switch {
	case x == 0 && same: // a's interior and a b's on the same side
		return true, true
	case x == 0: // the b's lie across it: on the boundary if another b covers a's side
		return others(1), true
	case withA: // counted from a
		return false, true
	case same && opposite:
		return false, false
	case opposite: // b's on both sides: inside the union
		return false, true
	}
	for _, s := range sh { // b's on the same side: counted once, from the first
		if s.side < x {
			return false, true
		}
	}
	return sides[0].ps.contains(pt) && !others(1), true
}

// onCoverBoundary says whether a point of side x's boundary (off every
// other boundary) lies on the boundary of a ∩ ∪b: for a (side 0), inside
// some b; for a b, inside a and inside no other b.
func onCoverBoundary(sides []*side, x int, pt orb.Point) bool {
	if x == 0 {
		for _, s := range sides[1:] {
			if s.ps.contains(pt) {
				return true
			}
		}
		return false
	}
	if !sides[0].ps.contains(pt) {
		return false
	}
	for y, s := range sides[1:] {
		if y+1 != x && s.ps.contains(pt) {
			return false
		}
	}
	return true
}
