package network

import (
	"math"
	"slices"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/osm"
)

// builder collects the kept ways and splits them into edges.
type builder struct {
	mode    Mode
	ways    []keptWay
	skipped map[string]int
}

type keptWay struct {
	nodes []int64
	pts   []int32 // lon, lat pairs in 1e-7 degrees
	dir   travel
}

func newBuilder(mode Mode) *builder { return &builder{mode: mode, skipped: map[string]int{}} }

// add is osm.Read's callback: it keeps the ways the filter allows.
func (b *builder) add(o osm.Object) error {
	if o.Type != osm.Way {
		return nil
	}
	dir, why := filter(b.mode, o.Tags)
	if why != "" {
		b.skipped[why]++
		return nil
	}
	line, ok := o.Geometry.(orb.LineString)
	if !ok || len(line) != len(o.Nodes) || len(line) < 2 {
		b.skipped["incomplete"]++ // nodes cut off by the extract's edge
		return nil
	}
	w := keptWay{dir: dir, nodes: make([]int64, 0, len(line)), pts: make([]int32, 0, 2*len(line))}
	for i, p := range line {
		if i > 0 && o.Nodes[i] == o.Nodes[i-1] {
			continue // a node repeated in a row
		}
		w.nodes = append(w.nodes, o.Nodes[i])
		w.pts = append(w.pts, fix(p[0]), fix(p[1]))
	}
	if len(w.nodes) < 2 {
		b.skipped["incomplete"]++
		return nil
	}
	b.ways = append(b.ways, w)
	return nil
}

// fix turns degrees into 1e-7 degrees, as OSM stores them.
func fix(d float64) int32 { return int32(math.Round(d * 1e7)) }

func unfix(v int32) float64 { return float64(v) / 1e7 }

// vertexIDs returns, sorted, the node ids that become vertices: those used
// more than once (by two ways, or twice by one) and the ends of every way.
func (b *builder) vertexIDs() []int64 {
	n := 0
	for _, w := range b.ways {
		n += len(w.nodes)
	}
	all := make([]int64, 0, n)
	for _, w := range b.ways {
		all = append(all, w.nodes...)
	}
	slices.Sort(all)
	var ids []int64
	for i := 0; i < len(all); {
		j := i + 1
		for j < len(all) && all[j] == all[i] {
			j++
		}
		if j-i > 1 {
			ids = append(ids, all[i])
		}
		i = j
	}
	all = nil
	for _, w := range b.ways {
		ids = append(ids, w.nodes[0], w.nodes[len(w.nodes)-1])
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// graph splits the ways at their vertices into edges and packs them.
func (b *builder) graph() *Graph {
	ids := b.vertexIDs()
	g := &Graph{mode: b.mode, vx: make([]int32, len(ids)), vy: make([]int32, len(ids))}
	g.shapeOff = append(g.shapeOff, 0)
	for i := range b.ways {
		w := &b.ways[i]
		start := 0
		for k := 1; k < len(w.nodes); k++ {
			v, ok := slices.BinarySearch(ids, w.nodes[k])
			if !ok {
				continue
			}
			u, _ := slices.BinarySearch(ids, w.nodes[start])
			g.vx[u], g.vy[u] = w.pts[2*start], w.pts[2*start+1]
			g.vx[v], g.vy[v] = w.pts[2*k], w.pts[2*k+1]
			g.addEdge(uint32(u), uint32(v), w.pts[2*start:2*k+2], w.dir)
			start = k
		}
		*w = keptWay{}
	}
	g.report = Report{Mode: b.mode, Ways: len(b.ways), Skipped: b.skipped}
	b.ways = nil
	g.finish()
	return g
}

func (g *Graph) addEdge(u, v uint32, pts []int32, dir travel) {
	m := 0.0
	for i := 2; i < len(pts); i += 2 {
		m += metresBetween(unfix(pts[i-2]), unfix(pts[i-1]), unfix(pts[i]), unfix(pts[i+1]))
	}
	var f uint8
	if dir.forward {
		f |= fwd
	}
	if dir.backward {
		f |= bwd
	}
	g.efrom = append(g.efrom, u)
	g.eto = append(g.eto, v)
	g.emetres = append(g.emetres, m)
	g.eflags = append(g.eflags, f)
	g.shape = append(g.shape, pts...)
	g.shapeOff = append(g.shapeOff, uint32(len(g.shape)/2))
}
