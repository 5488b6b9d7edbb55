package osm

import (
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/placemap/placemap/internal/geo"
)

// Assemble builds a multipolygon from the member ways of a multipolygon or
// boundary relation: outer holds the ways with role outer (or no role),
// inner those with role inner, each as the positions of its nodes.
//
// Ways are joined end to end into closed rings, reversed where they run
// the other way, in whatever order they come; outer and inner ways are
// joined apart. Whether a ring is a shell or a hole then follows from how
// the rings nest, as osmium decides it, not from the roles, which many
// relations leave empty or get wrong (TIGER's US boundaries have no
// roles): a ring inside an odd number of others is a hole of the smallest
// ring around it, so that an island in a lake in a park is a polygon of
// its own. Shells wind counter-clockwise and holes clockwise (RFC 7946).
//
// It fails when a chain of ways does not close, naming where it stops:
// the relation lacks a way (an extract cut it) or the mapping has a gap.
// The rings share no memory with the input.
func Assemble(outer, inner [][]orb.Point) (orb.MultiPolygon, error) {
	outers, err := joinRings(outer)
	if err != nil {
		return nil, fmt.Errorf("outer: %w", err)
	}
	inners, err := joinRings(inner)
	if err != nil {
		return nil, fmt.Errorf("inner: %w", err)
	}
	rings := append(outers, inners...)
	if len(rings) == 0 {
		return nil, fmt.Errorf("no rings: the relation has no outer ways")
	}
	type nest struct {
		bound  orb.Bound
		area   float64
		inside orb.Point // a point inside the ring
		depth  int       // how many rings contain this one
		parent int       // the smallest of them, -1 if none
		holes  []orb.Ring
	}
	ns := make([]nest, len(rings))
	for i, r := range rings {
		ns[i] = nest{bound: r.Bound(), area: math.Abs(planar.Area(r)), inside: interiorPoint(r), parent: -1}
	}
	for i := range rings {
		for j, r := range rings {
			// Only a larger ring can contain this one; the test point of a
			// ring with an island may lie on the island.
			if j == i || ns[j].area <= ns[i].area || !boundCovers(ns[j].bound, ns[i].bound) || !planar.RingContains(r, ns[i].inside) {
				continue
			}
			ns[i].depth++
			if p := ns[i].parent; p < 0 || ns[j].area < ns[p].area {
				ns[i].parent = j
			}
		}
	}
	shell := func(i int) bool { return ns[i].depth%2 == 0 || ns[i].parent < 0 || ns[ns[i].parent].depth%2 != 0 }
	for i, r := range rings {
		if !shell(i) {
			ns[ns[i].parent].holes = append(ns[ns[i].parent].holes, r)
		}
	}
	var mp orb.MultiPolygon
	for i, r := range rings {
		if !shell(i) {
			continue
		}
		orient(r, orb.CCW)
		p := orb.Polygon{r}
		for _, h := range ns[i].holes {
			orient(h, orb.CW)
			p = append(p, h)
		}
		mp = append(mp, p)
	}
	return mp, nil
}

// joinRings joins ways into closed rings. A ring needs at least four
// positions (three distinct); shorter closed chains have no area and are
// dropped.
func joinRings(ways [][]orb.Point) ([]orb.Ring, error) {
	// Index the open ways by their two ends.
	ends := map[orb.Point][]int{}
	used := make([]bool, len(ways))
	var rings []orb.Ring
	for i, w := range ways {
		switch {
		case len(w) < 2:
			used[i] = true
		case w[0] == w[len(w)-1]:
			used[i] = true
			if len(w) >= 4 {
				rings = append(rings, orb.Ring(slices.Clone(w)))
			}
		default:
			ends[w[0]] = append(ends[w[0]], i)
			ends[w[len(w)-1]] = append(ends[w[len(w)-1]], i)
		}
	}
	for i, w := range ways {
		if used[i] {
			continue
		}
		used[i] = true
		chain := slices.Clone(w)
		joined := 1
		for chain[0] != chain[len(chain)-1] {
			end := chain[len(chain)-1]
			next := -1
			for _, j := range ends[end] {
				if !used[j] {
					next = j
					break
				}
			}
			if next < 0 {
				return nil, fmt.Errorf("a chain of %d ways does not close: it stops at %s, away from its start at %s",
					joined, fmtPoint(end), fmtPoint(chain[0]))
			}
			used[next] = true
			joined++
			nw := ways[next]
			if nw[0] == end {
				chain = append(chain, nw[1:]...)
			} else { // it runs the other way
				for k := len(nw) - 2; k >= 0; k-- {
					chain = append(chain, nw[k])
				}
			}
		}
		if len(chain) >= 4 {
			rings = append(rings, orb.Ring(chain))
		}
	}
	return rings, nil
}

func fmtPoint(p orb.Point) string { return fmt.Sprintf("(%.7f, %.7f)", p[0], p[1]) }

// orient makes r wind as o, in place.
func orient(r orb.Ring, o orb.Orientation) {
	if r.Orientation() != o {
		r.Reverse()
	}
}

func boundCovers(outer, inner orb.Bound) bool {
	return outer.Min[0] <= inner.Min[0] && outer.Min[1] <= inner.Min[1] &&
		outer.Max[0] >= inner.Max[0] && outer.Max[1] >= inner.Max[1]
}

// interiorPoint returns a point strictly inside r when r is a simple ring,
// so that testing it against another ring does not depend on the vertices
// the two may share.
func interiorPoint(r orb.Ring) orb.Point {
	return center(orb.Polygon{r})
}

// center returns a point on g's surface (geo.PointOnSurface), falling back
// on the middle of its bound for geometry too broken to have one.
func center(g orb.Geometry) (p orb.Point) {
	if g == nil {
		return orb.Point{}
	}
	defer func() {
		if recover() != nil {
			p = g.Bound().Center()
		}
	}()
	p = geo.PointOnSurface(g)
	if p == (orb.Point{}) || math.IsNaN(p[0]) || math.IsNaN(p[1]) {
		b := g.Bound()
		if b.Min != (orb.Point{}) || b.Max != (orb.Point{}) {
			return b.Center()
		}
	}
	return p
}
