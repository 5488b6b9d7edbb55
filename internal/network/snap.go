package network

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// Snap is a point's place on the network: the nearest point of an edge in
// the largest component.
type Snap struct {
	Point  orb.Point // the point given
	On     orb.Point // nearest point on the network
	Metres float64   // ellipsoidal distance Point→On (the connector walked in a straight line)

	edge1  int     // the edge On lies on, plus one: 0 in a Snap not made by Graph.Snap
	offset float64 // metres along the edge from its start (efrom) to On
}

// edge is the index of the edge s lies on, -1 for a zero Snap.
func (s Snap) edge() int { return s.edge1 - 1 }

// Snap places p on the nearest edge of the largest connected component,
// so that every snapped point can reach every other: a point nearer a
// fragment cut off from the rest (a footway inside a private estate, a
// piece cut by the extract's edge) is placed on the main network instead.
// It is false only when the graph is empty.
func (g *Graph) Snap(p orb.Point) (Snap, bool) {
	if len(g.efrom) == 0 {
		return Snap{}, false
	}
	g.gridOnce.Do(func() { g.grid = newGrid(g) })
	gr := g.grid
	kx, ky := scale(p[1])
	best := cand{d2: math.Inf(1)}
	cx, cy := gr.cell(p)
	for ring := 0; ; ring++ {
		// A segment in several cells is looked at again: cheaper than
		// remembering which were.
		gr.ring(cx, cy, ring, func(c int) {
			for _, i := range gr.segments(c) {
				if t, d2 := g.nearestOnSegment(int(i), p, kx, ky); d2 < best.d2 {
					best = cand{seg: int(i), t: t, d2: d2}
				}
			}
		})
		// Every cell beyond this ring lies further than ring cells away.
		reach := float64(ring) * math.Min(gr.size*kx, gr.size*ky)
		if best.d2 <= reach*reach || ring > gr.nx+gr.ny {
			break
		}
	}
	return g.snapAt(p, best), true
}

// cand is a candidate nearest point: the segment from shape point seg to
// seg+1, the fraction t along it, the squared planar distance.
type cand struct {
	seg   int
	t, d2 float64
}

// nearestOnSegment is the fraction along the segment from shape point i
// to i+1 of its nearest point to p, and the squared distance, in the local
// plane (kx, ky metres per degree).
func (g *Graph) nearestOnSegment(i int, p orb.Point, kx, ky float64) (t, d2 float64) {
	a, b := g.point(i), g.point(i+1)
	ax, ay := (a[0]-p[0])*kx, (a[1]-p[1])*ky
	bx, by := (b[0]-p[0])*kx, (b[1]-p[1])*ky
	dx, dy := bx-ax, by-ay
	if l2 := dx*dx + dy*dy; l2 > 0 {
		t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l2))
	}
	x, y := ax+t*dx, ay+t*dy
	return t, x*x + y*y
}

// snapAt turns the best candidate into a Snap: the point, its ellipsoidal
// distance and its offset along the edge.
func (g *Graph) snapAt(p orb.Point, c cand) Snap {
	// The edge whose shape holds the segment: shapeOff[e] <= seg < shapeOff[e+1]-1.
	e, _ := slices.BinarySearch(g.shapeOff, uint32(c.seg)+1)
	e--
	lo := int(g.shapeOff[e])
	off := 0.0
	for i := lo; i < c.seg; i++ {
		off += g.segMetres(i)
	}
	a, b := g.point(c.seg), g.point(c.seg+1)
	on := orb.Point{a[0] + c.t*(b[0]-a[0]), a[1] + c.t*(b[1]-a[1])}
	off += metresBetween(a[0], a[1], on[0], on[1])
	off = math.Min(off, g.emetres[e])
	return Snap{Point: p, On: on, Metres: metresBetween(p[0], p[1], on[0], on[1]), edge1: e + 1, offset: off}
}

// segMetres is the length of the segment from shape point i to i+1.
func (g *Graph) segMetres(i int) float64 {
	a, b := g.point(i), g.point(i+1)
	return metresBetween(a[0], a[1], b[0], b[1])
}

// grid is a spatial index of the largest component's edges: a regular
// grid over the graph's bounds, each cell listing the segments (by their
// first shape point) whose boxes touch it (CSR: cellOff, cellSegs).
type grid struct {
	minX, minY float64
	size       float64 // cell side, degrees
	nx, ny     int
	cellOff    []uint32
	cellSegs   []uint32
}

func newGrid(g *Graph) *grid {
	b := g.report.Bounds
	segs := len(g.shape)/2 - len(g.efrom)
	cells := math.Max(1, math.Min(2*float64(segs), 4<<20))
	area := math.Max((b.Max[0]-b.Min[0])*(b.Max[1]-b.Min[1]), 1e-12)
	size := math.Max(math.Sqrt(area/cells), 1e-5)
	// No more than 2048 cells a side, whatever the shape of the bounds.
	size = math.Max(size, math.Max(b.Max[0]-b.Min[0], b.Max[1]-b.Min[1])/2048)
	gr := &grid{minX: b.Min[0], minY: b.Min[1], size: size}
	gr.nx = int((b.Max[0]-b.Min[0])/gr.size) + 1
	gr.ny = int((b.Max[1]-b.Min[1])/gr.size) + 1
	count := make([]uint32, gr.nx*gr.ny+1)
	gr.eachCell(g, func(c int, _ uint32) { count[c+1]++ })
	for i := 1; i < len(count); i++ {
		count[i] += count[i-1]
	}
	gr.cellOff = count
	gr.cellSegs = make([]uint32, count[len(count)-1])
	next := make([]uint32, gr.nx*gr.ny)
	copy(next, count)
	gr.eachCell(g, func(c int, i uint32) { gr.cellSegs[next[c]] = i; next[c]++ })
	return gr
}

// eachCell calls fn once for every (cell, segment) pair of the largest
// component's edges.
func (gr *grid) eachCell(g *Graph, fn func(c int, seg uint32)) {
	for e := range g.efrom {
		if !g.inLargest(e) {
			continue
		}
		for i := int(g.shapeOff[e]); i+1 < int(g.shapeOff[e+1]); i++ {
			a, b := g.point(i), g.point(i+1)
			x0, y0 := gr.cell(orb.Point{math.Min(a[0], b[0]), math.Min(a[1], b[1])})
			x1, y1 := gr.cell(orb.Point{math.Max(a[0], b[0]), math.Max(a[1], b[1])})
			for x := x0; x <= x1; x++ {
				for y := y0; y <= y1; y++ {
					fn(y*gr.nx+x, uint32(i))
				}
			}
		}
	}
}

// cell is the cell holding p, clamped to the grid.
func (gr *grid) cell(p orb.Point) (int, int) {
	x := int(math.Floor((p[0] - gr.minX) / gr.size))
	y := int(math.Floor((p[1] - gr.minY) / gr.size))
	return min(max(x, 0), gr.nx-1), min(max(y, 0), gr.ny-1)
}

// ring calls fn for the cells at Chebyshev distance r from (cx, cy).
func (gr *grid) ring(cx, cy, r int, fn func(c int)) {
	add := func(x, y int) {
		if x >= 0 && y >= 0 && x < gr.nx && y < gr.ny {
			fn(y*gr.nx + x)
		}
	}
	if r == 0 {
		add(cx, cy)
		return
	}
	for x := cx - r; x <= cx+r; x++ {
		add(x, cy-r)
		add(x, cy+r)
	}
	for y := cy - r + 1; y <= cy+r-1; y++ {
		add(cx-r, y)
		add(cx+r, y)
	}
}

func (gr *grid) segments(c int) []uint32 { return gr.cellSegs[gr.cellOff[c]:gr.cellOff[c+1]] }
