package network

import (
	"sync"

	"github.com/paulmach/orb"
)

// Edge flags: the directions an edge may be travelled.
const (
	fwd uint8 = 1 << iota // from efrom to eto
	bwd                   // from eto to efrom
)

// Graph is the routing graph: vertices (1e-7 degree positions), undirected
// edges with their length and shape, and a CSR adjacency (adjOff[v] ..
// adjOff[v+1] index adj, whose entries are half-edges: edge<<1, with the
// low bit set when leaving v against the edge's direction, at its eto end).
// Snap, Nearest and a Tree's methods may be called from several goroutines
// at once; UnmarshalBinary may not run beside them.
type Graph struct {
	mode   Mode
	report Report

	vx, vy   []int32   // vertex positions
	efrom    []uint32  // edge start vertex
	eto      []uint32  // edge end vertex
	emetres  []float64 // edge length, ellipsoidal metres
	eflags   []uint8   // fwd, bwd
	shapeOff []uint32  // edge e's shape is points shapeOff[e] .. shapeOff[e+1]
	shape    []int32   // lon, lat pairs, 1e-7 degrees, ends included

	adjOff []uint32
	adj    []uint32

	comp    []uint32 // vertex → component root
	largest uint32   // the root of the largest component

	gridOnce sync.Once
	grid     *grid
}

// Report tells what the graph holds.
func (g *Graph) Report() Report {
	r := g.report
	if r.Skipped == nil {
		r.Skipped = map[string]int{}
	}
	return r
}

// Mode is who the graph is for.
func (g *Graph) Mode() Mode { return g.mode }

// finish builds the adjacency and the components and completes the
// report's counts.
func (g *Graph) finish() {
	nv, ne := len(g.vx), len(g.efrom)
	g.adjOff = make([]uint32, nv+1)
	for e := 0; e < ne; e++ {
		g.adjOff[g.efrom[e]+1]++
		g.adjOff[g.eto[e]+1]++
	}
	for v := 0; v < nv; v++ {
		g.adjOff[v+1] += g.adjOff[v]
	}
	g.adj = make([]uint32, 2*ne)
	next := make([]uint32, nv)
	copy(next, g.adjOff[:nv])
	for e := 0; e < ne; e++ {
		u, v := g.efrom[e], g.eto[e]
		g.adj[next[u]] = uint32(e) << 1
		next[u]++
		g.adj[next[v]] = uint32(e)<<1 | 1
		next[v]++
	}
	g.components()
	g.report.Mode = g.mode
	g.report.Nodes, g.report.Edges = nv, ne
	g.report.Bounds = g.bounds()
}

// components finds the connected components (union-find, edges taken as
// undirected) and the largest by length.
func (g *Graph) components() {
	parent := make([]uint32, len(g.vx))
	for i := range parent {
		parent[i] = uint32(i)
	}
	find := func(x uint32) uint32 {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	for e := range g.efrom {
		a, b := find(g.efrom[e]), find(g.eto[e])
		if a != b {
			parent[a] = b
		}
	}
	for i := range parent {
		parent[i] = find(uint32(i))
	}
	g.comp = parent
	length := map[uint32]float64{}
	total := 0.0
	for e, m := range g.emetres {
		length[parent[g.efrom[e]]] += m
		total += m
	}
	best, bestLen := uint32(0), -1.0
	for root, l := range length {
		if l > bestLen || (l == bestLen && root < best) {
			best, bestLen = root, l
		}
	}
	g.largest = best
	g.report.Components = len(length)
	g.report.Metres = total
	if total > 0 {
		g.report.LargestComponentShare = bestLen / total
	}
}

func (g *Graph) bounds() orb.Bound {
	if len(g.shape) == 0 {
		return orb.Bound{}
	}
	b := orb.Bound{Min: g.point(0), Max: g.point(0)}
	for i := 0; i < len(g.shape)/2; i++ {
		b = b.Extend(g.point(i))
	}
	return b
}

// point is shape point i.
func (g *Graph) point(i int) orb.Point {
	return orb.Point{unfix(g.shape[2*i]), unfix(g.shape[2*i+1])}
}

// inLargest reports whether edge e is in the largest component.
func (g *Graph) inLargest(e int) bool { return g.comp[g.efrom[e]] == g.largest }
