package geo

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// AdjacencyOptions tunes EdgeAdjacency. Zero values take the defaults.
type AdjacencyOptions struct {
	// Grid is the snapping grid of the shared-segment method, in degrees
	// (default 1e-7, about a centimetre).
	Grid float64
	// Tolerance is how far apart two boundaries may run and still count as
	// one shared edge, in metres (default 0.5).
	Tolerance float64
	// MinShared is the least length of shared boundary, in metres, that
	// makes two polygons neighbours by the tolerance method (default 4×
	// Tolerance): two polygons meeting at a point run within the tolerance
	// of each other for about a tolerance either side of it, which is not
	// an edge.
	MinShared float64
}

// AdjacencyStats says what each method of EdgeAdjacency found.
type AdjacencyStats struct {
	Candidates    int `json:"candidates"`     // pairs whose bounding boxes meet
	SharedSegment int `json:"shared_segment"` // pairs sharing a segment after snapping
	Tolerance     int `json:"tolerance"`      // further pairs whose boundaries run together within the tolerance
	NotNeighbours int `json:"not_neighbours"` // candidate pairs apart or meeting only at points
}

// EdgeAdjacency returns, for each polygon, the ascending positions of the
// polygons sharing a boundary of positive length with it (rook, not queen,
// contiguity); polygons are WGS84 longitude/latitude.
//
// Two methods are used, in turn. First, vertices are snapped to a small
// grid and polygons sharing a segment are neighbours: exact where the
// boundaries were cut from one topology, as ONS output areas are. Then, for
// every other pair whose bounding boxes meet (within the tolerance), the
// length of one's boundary lying within Tolerance metres of the other's is
// measured, and at least MinShared metres make them neighbours: this finds
// edges digitised with different vertices. Polygons meeting at a point are
// never neighbours.
func EdgeAdjacency(mps []orb.MultiPolygon, opt AdjacencyOptions) ([][]int32, AdjacencyStats) {
	if opt.Grid <= 0 {
		opt.Grid = 1e-7
	}
	if opt.Tolerance <= 0 {
		opt.Tolerance = 0.5
	}
	if opt.MinShared <= 0 {
		opt.MinShared = 4 * opt.Tolerance
	}
	var stats AdjacencyStats
	sets := make([]map[int32]bool, len(mps))
	for i := range sets {
		sets[i] = map[int32]bool{}
	}
	add := func(i, j int) {
		sets[i][int32(j)], sets[j][int32(i)] = true, true
	}
	for _, pr := range sharedSegments(mps, opt.Grid) {
		add(pr[0], pr[1])
		stats.SharedSegment++
	}
	proj := localMetres(mps)
	rings := make([][][]orb.Point, len(mps))
	bounds := make([]orb.Bound, len(mps))
	for i, mp := range mps {
		rings[i] = projectRings(mp, proj)
		bounds[i] = boundOf(rings[i]).Pad(opt.Tolerance)
	}
	index := NewIndex(bounds)
	for i := range mps {
		var cands []int
		index.Search(bounds[i], func(j int) {
			if j > i {
				cands = append(cands, j)
			}
		})
		slices.Sort(cands)
		for _, j := range cands {
			stats.Candidates++
			if sets[i][int32(j)] {
				continue
			}
			box := orb.Bound{Min: orb.Point{max(bounds[i].Min[0], bounds[j].Min[0]), max(bounds[i].Min[1], bounds[j].Min[1])},
				Max: orb.Point{min(bounds[i].Max[0], bounds[j].Max[0]), min(bounds[i].Max[1], bounds[j].Max[1])}}
			if sharedLength(rings[i], rings[j], box, opt.Tolerance) >= opt.MinShared {
				add(i, j)
				stats.Tolerance++
			} else {
				stats.NotNeighbours++
			}
		}
	}
	adj := make([][]int32, len(mps))
	for i, s := range sets {
		adj[i] = make([]int32, 0, len(s))
		for j := range s {
			adj[i] = append(adj[i], j)
		}
		slices.Sort(adj[i])
	}
	return adj, stats
}

// sharedSegments returns the pairs (i < j, ascending) of polygons that
// share at least one segment once vertices are snapped to the grid.
func sharedSegments(mps []orb.MultiPolygon, grid float64) [][2]int {
	type pt struct{ x, y int64 }
	type seg struct{ a, b pt }
	owner := map[seg]int{}
	pairs := map[[2]int]bool{}
	snap := func(p orb.Point) pt {
		return pt{int64(math.Round(p[0] / grid)), int64(math.Round(p[1] / grid))}
	}
	for i, mp := range mps {
		for _, poly := range mp {
			for _, r := range poly {
				for k := 0; k+1 < len(r); k++ {
					a, b := snap(r[k]), snap(r[k+1])
					if a == b {
						continue
					}
					if b.x < a.x || (b.x == a.x && b.y < a.y) {
						a, b = b, a
					}
					s := seg{a, b}
					j, ok := owner[s]
					switch {
					case !ok:
						owner[s] = i
					case j != i:
						pairs[[2]int{min(i, j), max(i, j)}] = true
					}
				}
			}
		}
	}
	out := make([][2]int, 0, len(pairs))
	for p := range pairs {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b [2]int) int {
		if a[0] != b[0] {
			return a[0] - b[0]
		}
		return a[1] - b[1]
	})
	return out
}

// localMetres returns a projection of longitude/latitude to metres,
// equirectangular about the middle of mps: good to a fraction of a percent
// over a city, which is all a tolerance of half a metre needs.
func localMetres(mps []orb.MultiPolygon) func(orb.Point) orb.Point {
	var b orb.Bound
	for i, mp := range mps {
		if i == 0 {
			b = mp.Bound()
		} else {
			b = b.Union(mp.Bound())
		}
	}
	lat0 := b.Center()[1] * math.Pi / 180
	const mPerDeg = 6371008.8 * math.Pi / 180
	kx := mPerDeg * math.Cos(lat0)
	return func(p orb.Point) orb.Point { return orb.Point{p[0] * kx, p[1] * mPerDeg} }
}

func projectRings(mp orb.MultiPolygon, proj func(orb.Point) orb.Point) [][]orb.Point {
	var out [][]orb.Point
	for _, poly := range mp {
		for _, r := range poly {
			pts := make([]orb.Point, len(r))
			for k, p := range r {
				pts[k] = proj(p)
			}
			out = append(out, pts)
		}
	}
	return out
}

func boundOf(rings [][]orb.Point) orb.Bound {
	b := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	for _, r := range rings {
		for _, p := range r {
			b = b.Extend(p)
		}
	}
	return b
}

// sharedLength measures how much of a's boundary, within box, lies within
// tol of b's boundary (planar metres).
func sharedLength(a, b [][]orb.Point, box orb.Bound, tol float64) float64 {
	var segsB [][2]orb.Point
	for _, r := range b {
		for k := 0; k+1 < len(r); k++ {
			if segBound(r[k], r[k+1]).Intersects(box) {
				segsB = append(segsB, [2]orb.Point{r[k], r[k+1]})
			}
		}
	}
	if len(segsB) == 0 {
		return 0
	}
	total := 0.0
	var spans [][2]float64
	for _, r := range a {
		for k := 0; k+1 < len(r); k++ {
			p, q := r[k], r[k+1]
			sb := segBound(p, q)
			if !sb.Intersects(box) {
				continue
			}
			spans = spans[:0]
			for _, s := range segsB {
				if !segBound(s[0], s[1]).Pad(tol).Intersects(sb) {
					continue
				}
				if lo, hi, ok := nearSpan(p, q, s[0], s[1], tol); ok {
					spans = append(spans, [2]float64{lo, hi})
				}
			}
			total += spanLength(spans) * math.Hypot(q[0]-p[0], q[1]-p[1])
		}
	}
	return total
}

func segBound(p, q orb.Point) orb.Bound {
	return orb.Bound{Min: orb.Point{min(p[0], q[0]), min(p[1], q[1])}, Max: orb.Point{max(p[0], q[0]), max(p[1], q[1])}}
}

// nearSpan returns the interval [lo, hi] of t in [0, 1] where p + t(q-p)
// lies within tol of segment rs. The distance to a segment is convex along
// a line, so the set is one interval: found by a golden-section search for
// the nearest point and bisection either side of it.
func nearSpan(p, q, r, s orb.Point, tol float64) (float64, float64, bool) {
	d := func(t float64) float64 {
		x := orb.Point{p[0] + t*(q[0]-p[0]), p[1] + t*(q[1]-p[1])}
		return pointSegmentDistance(x, r, s)
	}
	lo, hi := 0.0, 1.0
	const g = 0.6180339887498949
	for range 60 {
		m1, m2 := hi-g*(hi-lo), lo+g*(hi-lo)
		if d(m1) <= d(m2) {
			hi = m2
		} else {
			lo = m1
		}
	}
	tm := (lo + hi) / 2
	if d(tm) > tol {
		return 0, 0, false
	}
	edge := func(in, out float64) float64 {
		if d(out) <= tol {
			return out
		}
		for range 40 {
			mid := (in + out) / 2
			if d(mid) <= tol {
				in = mid
			} else {
				out = mid
			}
		}
		return in
	}
	return edge(tm, 0), edge(tm, 1), true
}

func pointSegmentDistance(x, r, s orb.Point) float64 {
	dx, dy := s[0]-r[0], s[1]-r[1]
	l2 := dx*dx + dy*dy
	t := 0.0
	if l2 > 0 {
		t = math.Max(0, math.Min(1, ((x[0]-r[0])*dx+(x[1]-r[1])*dy)/l2))
	}
	return math.Hypot(x[0]-r[0]-t*dx, x[1]-r[1]-t*dy)
}

// spanLength returns the length of the union of intervals (it sorts them).
func spanLength(spans [][2]float64) float64 {
	if len(spans) == 0 {
		return 0
	}
	slices.SortFunc(spans, func(a, b [2]float64) int {
		switch {
		case a[0] < b[0]:
			return -1
		case a[0] > b[0]:
			return 1
		}
		return 0
	})
	total := 0.0
	cur := spans[0]
	for _, s := range spans[1:] {
		if s[0] > cur[1] {
			total += cur[1] - cur[0]
			cur = s
			continue
		}
		cur[1] = max(cur[1], s[1])
	}
	return total + cur[1] - cur[0]
}
