package network

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// Reached calls fn for every reached piece of edge as a polyline with the
// network distance to the nearest source at each of its points (the
// source's connector included), cut where that distance passes the
// search's maxMetres: the input of isochrones. An edge reached from both
// ends is one piece when the whole of it is within reach, else two.
func (t *Tree) Reached(fn func(line orb.LineString, metres []float64)) {
	g := t.g
	for e := range g.efrom {
		if t.src[g.efrom[e]] < 0 && t.src[g.eto[e]] < 0 && len(t.onEdge[e]) == 0 {
			continue
		}
		t.reachedEdge(e, fn)
	}
}

// reachedEdge emits the reached pieces of edge e. The distance along it is
// the least of a few linear terms; it is linear between the positions
// listed (shape points, sources, where a rising and a falling term cross),
// so pieces are cut between them by interpolation.
func (t *Tree) reachedEdge(e int, fn func(orb.LineString, []float64)) {
	g := t.g
	lo, hi := int(g.shapeOff[e]), int(g.shapeOff[e+1])
	cum := make([]float64, hi-lo)
	for i := lo + 1; i < hi; i++ {
		cum[i-lo] = cum[i-lo-1] + g.segMetres(i-1)
	}
	xs := slices.Clone(cum)
	xs = append(xs, t.crossings(e)...)
	slices.Sort(xs)
	xs = slices.Compact(xs)
	fs := make([]float64, len(xs))
	for i, x := range xs {
		fs[i], _ = t.along(e, x)
	}
	var line orb.LineString
	var ms []float64
	flush := func() {
		if len(line) >= 2 {
			fn(line, ms)
		}
		line, ms = nil, nil
	}
	for i, x := range xs {
		in := fs[i] <= t.max
		if i > 0 && !math.IsInf(fs[i], 1) && !math.IsInf(fs[i-1], 1) && (fs[i-1] <= t.max) != in {
			// The distance passes max between xs[i-1] and x: cut there.
			c := xs[i-1] + (t.max-fs[i-1])*(x-xs[i-1])/(fs[i]-fs[i-1])
			line, ms = append(line, g.at(e, cum, c)), append(ms, t.max)
		}
		if !in {
			flush()
			continue
		}
		line, ms = append(line, g.at(e, cum, x)), append(ms, fs[i])
	}
	flush()
}

// crossings lists the positions along edge e where a term of the distance
// starts (a source) or where a rising term meets a falling one.
func (t *Tree) crossings(e int) []float64 {
	g := t.g
	fl, L := g.eflags[e], g.emetres[e]
	var rise, fall, out []float64 // rising terms c+x, falling terms c-x
	if a := g.efrom[e]; fl&bwd != 0 && t.src[a] >= 0 {
		rise = append(rise, t.dist[a])
	}
	if b := g.eto[e]; fl&fwd != 0 && t.src[b] >= 0 {
		fall = append(fall, t.dist[b]+L)
	}
	for _, i := range t.onEdge[e] {
		s := t.sources[i]
		out = append(out, s.offset)
		if fl&bwd != 0 {
			rise = append(rise, s.Metres-s.offset)
		}
		if fl&fwd != 0 {
			fall = append(fall, s.Metres+s.offset)
		}
	}
	for _, r := range rise {
		for _, f := range fall {
			if x := (f - r) / 2; x > 0 && x < L {
				out = append(out, x)
			}
		}
	}
	return out
}

// at is the point x metres along edge e, cum being its shape points'
// distances from its start.
func (g *Graph) at(e int, cum []float64, x float64) orb.Point {
	lo := int(g.shapeOff[e])
	k, _ := slices.BinarySearch(cum, x)
	switch {
	case k == 0:
		return g.point(lo)
	case k >= len(cum):
		return g.point(lo + len(cum) - 1)
	}
	a, b := g.point(lo+k-1), g.point(lo+k)
	f := 0.0
	if d := cum[k] - cum[k-1]; d > 0 {
		f = (x - cum[k-1]) / d
	}
	return orb.Point{a[0] + f*(b[0]-a[0]), a[1] + f*(b[1]-a[1])}
}
