package network

import (
	"context"
	"fmt"
	"math"
)

// checkEvery is how many vertices the search settles between looks at ctx.
const checkEvery = 4096

// Tree is what Nearest found: for every vertex reached, the network
// distance to its nearest source and which source that is.
type Tree struct {
	g       *Graph
	max     float64   // +Inf when unlimited
	dist    []float64 // per vertex, +Inf when unreached
	src     []int32   // per vertex, the source index, -1 when unreached
	sources []Snap
	onEdge  map[int][]int // edge → indices of the sources on it
}

// Nearest runs ONE multi-source shortest-path search (Dijkstra with a
// binary heap) from every source at once, up to maxMetres (0 = no limit),
// the sources' connectors included. Each source is seeded at both ends of
// its edge, its connector plus the offset along the edge away.
//
// The distances are those of the trip from a point to a source (origin →
// asset). Walking is undirected. Cycling honours oneway, so the search,
// which runs outward from the sources, follows edges backwards: from a
// vertex v it reaches u over an edge that may be ridden from u to v.
func (g *Graph) Nearest(ctx context.Context, sources []Snap, maxMetres float64) (*Tree, error) {
	if maxMetres < 0 || math.IsNaN(maxMetres) {
		return nil, fmt.Errorf("nearest: maxMetres %v is negative", maxMetres)
	}
	if maxMetres == 0 {
		maxMetres = math.Inf(1)
	}
	t := &Tree{g: g, max: maxMetres, dist: make([]float64, len(g.vx)), src: make([]int32, len(g.vx)),
		sources: sources, onEdge: map[int][]int{}}
	for i := range t.dist {
		t.dist[i], t.src[i] = math.Inf(1), -1
	}
	var h heap
	for i, s := range sources {
		e := s.edge()
		if e < 0 || e >= len(g.efrom) {
			return nil, fmt.Errorf("nearest: source %d was not snapped on this graph", i)
		}
		t.onEdge[e] = append(t.onEdge[e], i)
		fl := g.eflags[e]
		if fl&fwd != 0 { // ride from efrom along the edge to the source
			t.seed(&h, g.efrom[e], s.Metres+s.offset, i)
		}
		if fl&bwd != 0 {
			t.seed(&h, g.eto[e], s.Metres+g.emetres[e]-s.offset, i)
		}
	}
	for pops := 1; h.len() > 0; pops++ {
		if pops%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("nearest: %w", err)
			}
		}
		it := h.pop()
		if it.d > t.dist[it.v] {
			continue // settled already, at a shorter distance
		}
		t.relax(&h, it)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("nearest: %w", err)
	}
	return t, nil
}

// seed puts source i at vertex v, d metres away, when that is shorter.
func (t *Tree) seed(h *heap, v uint32, d float64, i int) {
	if d <= t.max && d < t.dist[v] {
		t.dist[v], t.src[v] = d, int32(i)
		h.push(item{d: d, v: v})
	}
}

// relax looks at every edge by which a traveller at a neighbour could come
// to it.v.
func (t *Tree) relax(h *heap, it item) {
	g := t.g
	for _, he := range g.adj[g.adjOff[it.v]:g.adjOff[it.v+1]] {
		e := he >> 1
		var u uint32
		var need uint8
		if he&1 == 0 { // it.v is efrom: the traveller comes from eto, backwards
			u, need = g.eto[e], bwd
		} else {
			u, need = g.efrom[e], fwd
		}
		if g.eflags[e]&need == 0 {
			continue
		}
		if d := it.d + g.emetres[e]; d <= t.max && d < t.dist[u] {
			t.dist[u], t.src[u] = d, t.src[it.v]
			h.push(item{d: d, v: u})
		}
	}
}

// To is the trip from s to its nearest source: the connector of s, the
// network, the connector of the source. An origin on the same edge as a
// source may take the direct way along the edge. ok is false when no
// source is within the search's maxMetres.
func (t *Tree) To(s Snap) (metres float64, source int, ok bool) {
	g := t.g
	e := s.edge()
	if e < 0 || e >= len(g.efrom) {
		return 0, -1, false
	}
	best, src := t.along(e, s.offset)
	if best += s.Metres; best > t.max || src < 0 {
		return 0, -1, false
	}
	return best, src, true
}

// along is the network distance from the point x metres along edge e to
// its nearest source (connectors of the source included, not the point's),
// and which source; +Inf and -1 when none is reached.
func (t *Tree) along(e int, x float64) (float64, int) {
	g := t.g
	fl, L := g.eflags[e], g.emetres[e]
	best, src := math.Inf(1), -1
	if a := g.efrom[e]; fl&bwd != 0 && t.src[a] >= 0 { // back along the edge to efrom
		best, src = t.dist[a]+x, int(t.src[a])
	}
	if b := g.eto[e]; fl&fwd != 0 && t.src[b] >= 0 && t.dist[b]+L-x < best {
		best, src = t.dist[b]+L-x, int(t.src[b])
	}
	for _, i := range t.onEdge[e] {
		s := t.sources[i]
		var d float64
		switch {
		case s.offset >= x && fl&fwd != 0:
			d = s.offset - x
		case s.offset <= x && fl&bwd != 0:
			d = x - s.offset
		default:
			continue
		}
		if d += s.Metres; d < best || (d == best && i < src) {
			best, src = d, i
		}
	}
	return best, src
}
