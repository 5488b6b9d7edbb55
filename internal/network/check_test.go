package network

import (
	stdheap "container/heap"
	"context"
	"math"
	"testing"
)

// forward is an independent check of Nearest: a plain single-source
// Dijkstra (container/heap) from the origin along the edges in the
// direction they may be travelled, then the best of the sources reached.
func forward(g *Graph, o Snap, srcs []Snap) (float64, int) {
	dist := make([]float64, len(g.vx))
	for i := range dist {
		dist[i] = math.Inf(1)
	}
	q := &pq{}
	start := func(v uint32, d float64) {
		if d < dist[v] {
			dist[v] = d
			stdheap.Push(q, item{d: d, v: v})
		}
	}
	e, L := o.edge(), g.emetres[o.edge()]
	if g.eflags[e]&bwd != 0 {
		start(g.efrom[e], o.offset)
	}
	if g.eflags[e]&fwd != 0 {
		start(g.eto[e], L-o.offset)
	}
	for q.Len() > 0 {
		it := stdheap.Pop(q).(item)
		if it.d > dist[it.v] {
			continue
		}
		for k := g.adjOff[it.v]; k < g.adjOff[it.v+1]; k++ {
			he := g.adj[k]
			e := he >> 1
			if he&1 == 0 && g.eflags[e]&fwd != 0 { // leave by efrom, along the edge
				start(g.eto[e], it.d+g.emetres[e])
			}
			if he&1 == 1 && g.eflags[e]&bwd != 0 {
				start(g.efrom[e], it.d+g.emetres[e])
			}
		}
	}
	best, which := math.Inf(1), -1
	for i, s := range srcs {
		se := s.edge()
		f, L := g.eflags[se], g.emetres[se]
		d := math.Inf(1)
		if f&fwd != 0 {
			d = dist[g.efrom[se]] + s.offset
		}
		if f&bwd != 0 {
			d = math.Min(d, dist[g.eto[se]]+L-s.offset)
		}
		if se == e && ((s.offset >= o.offset && f&fwd != 0) || (s.offset <= o.offset && f&bwd != 0)) {
			d = math.Min(d, math.Abs(s.offset-o.offset))
		}
		if d += s.Metres + o.Metres; d < best {
			best, which = d, i
		}
	}
	return best, which
}

type pq []item

func (q pq) Len() int           { return len(q) }
func (q pq) Less(i, j int) bool { return q[i].d < q[j].d }
func (q pq) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *pq) Push(x any)        { *q = append(*q, x.(item)) }
func (q *pq) Pop() any          { old := *q; it := old[len(old)-1]; *q = old[:len(old)-1]; return it }

// TestNearestAgainstForward compares the multi-source search (run from
// the sources, backwards for cycling) with a forward search from each
// origin on the Delaware extract, both modes.
func TestNearestAgainstForward(t *testing.T) {
	if testing.Short() {
		t.Skip("SKIP: -short: builds the Delaware networks")
	}
	for _, mode := range []Mode{Walk, Cycle} {
		t.Run(string(mode), func(t *testing.T) {
			g, _, err := Build(context.Background(), delaware(t), "delaware", Options{Mode: mode})
			if err != nil {
				t.Fatal(err)
			}
			srcs := randomSnaps(g, 35, 11)
			tree, err := g.Nearest(context.Background(), srcs, 0)
			if err != nil {
				t.Fatal(err)
			}
			unreached := 0
			for _, o := range randomSnaps(g, 25, 12) {
				want, wi := forward(g, o, srcs)
				got, gi, ok := tree.To(o)
				if math.IsInf(want, 1) {
					unreached++
					if ok {
						t.Errorf("%v: reached at %.1f m; the forward search reaches no source", o.Point, got)
					}
					continue
				}
				if !ok || math.Abs(got-want) > 1e-6*want || (gi != wi && math.Abs(got-want) > 1e-9) {
					t.Errorf("%v: To = %.3f m (source %d, %v), forward search %.3f m (source %d)", o.Point, got, gi, ok, want, wi)
				}
			}
			t.Logf("%s: %d of 25 origins reach no source (one-way streets)", mode, unreached)
		})
	}
}
