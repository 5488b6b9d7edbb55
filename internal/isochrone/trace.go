package isochrone

import (
	"errors"
	"fmt"
	"slices"

	"github.com/paulmach/orb"
)

// tolerance is the Douglas–Peucker tolerance in cells. Two traced rings
// (or two parts of one) are at least √2/2 ≈ 0.71 cell apart, and each
// simplified ring stays within the tolerance of its original, so at 0.3
// they cannot meet.
const tolerance = 0.1

// xy is a point in grid units: cell (x, y) spans [x, x+1] × [y, y+1].
type xy struct{ x, y float64 }

// ring is a traced ring (not closed) and the 8-connected component of
// band cells it bounds.
type ring struct {
	pts  []xy
	comp int32
	area float64 // signed: > 0 counter-clockwise (an outer ring)
}

// band traces the cells with level ≥ thr into a valid MultiPolygon;
// simplified is false when simplification had to be given up.
func (g *grid) band(thr uint8) (mp orb.MultiPolygon, simplified bool, err error) {
	lab := g.label(thr)
	rings := g.trace(thr, lab)
	mp = g.assemble(rings, true)
	if validate(mp) == nil {
		return mp, true, nil
	}
	// Not seen in tests (see tolerance); the traced rings are valid by
	// construction: each crossing lies strictly inside its own edge
	// between two centres, and the segments within a square never cross.
	mp = g.assemble(rings, false)
	if err := validate(mp); err != nil {
		return nil, false, fmt.Errorf("traced rings invalid: %w", err)
	}
	return mp, false, nil
}

func (g *grid) in(x, y int, thr uint8) bool { return g.level[y*g.cols+x] >= thr }

// crossing ids: h(x, y) is the crossing between the centres of cells
// (x, y) and (x+1, y); v(x, y) between (x, y) and (x, y+1).
func (g *grid) h(x, y int) int { return 2 * (y*g.cols + x) }
func (g *grid) v(x, y int) int { return 2*(y*g.cols+x) + 1 }

// insideCell is the band cell beside crossing id.
func (g *grid) insideCell(id int, thr uint8) (x, y int) {
	c := id / 2
	x, y = c%g.cols, c/g.cols
	if g.in(x, y, thr) {
		return x, y
	}
	if id%2 == 0 {
		return x + 1, y
	}
	return x, y + 1
}

type seg struct{ from, to int }

// trace runs marching squares over cell centres, with the band on the
// left of every directed segment (so outer rings run counter-clockwise
// and holes clockwise), joining diagonal band cells at saddles, and links
// the segments into rings.
func (g *grid) trace(thr uint8, lab *labels) []ring {
	var segs []seg
	var s [4]bool
	var e [4]int
	for y := 0; y+1 < g.rows; y++ {
		if len(lab.row(y)) == 0 && len(lab.row(y+1)) == 0 {
			continue
		}
		for x := 0; x+1 < g.cols; x++ {
			s = [4]bool{g.in(x, y, thr), g.in(x+1, y, thr), g.in(x+1, y+1, thr), g.in(x, y+1, thr)}
			if s == [4]bool{} || s == [4]bool{true, true, true, true} {
				continue
			}
			// Square edges counter-clockwise: corner i to corner i+1.
			e = [4]int{g.h(x, y), g.v(x+1, y), g.h(x, y+1), g.v(x, y)}
			for i := range 4 {
				if !s[i] || s[(i+1)%4] {
					continue // not leaving the band here
				}
				for j := 1; j < 4; j++ { // the next entry counter-clockwise
					k := (i + j) % 4
					if !s[k] && s[(k+1)%4] {
						segs = append(segs, seg{e[i], e[k]})
						break
					}
				}
			}
		}
	}
	slices.SortFunc(segs, func(a, b seg) int { return a.from - b.from })
	return g.link(segs, thr, lab)
}

func (g *grid) link(segs []seg, thr uint8, lab *labels) []ring {
	used := make([]bool, len(segs))
	next := func(from int) int {
		i, _ := slices.BinarySearchFunc(segs, from, func(s seg, t int) int { return s.from - t })
		return i
	}
	var rings []ring
	for i := range segs {
		if used[i] {
			continue
		}
		var pts []xy
		for j := i; !used[j]; j = next(segs[j].to) {
			used[j] = true
			pts = append(pts, g.cross(segs[j].from, thr))
		}
		x, y := g.insideCell(segs[i].from, thr)
		rings = append(rings, ring{pts: pts, comp: lab.comp(x, y), area: signedArea(pts)})
	}
	return rings
}

func signedArea(pts []xy) float64 {
	a := 0.0
	for i, p := range pts {
		q := pts[(i+1)%len(pts)]
		a += p.x*q.y - q.x*p.y
	}
	return a / 2
}

// assemble makes polygons: one per outer ring, with the holes of its
// component; rings that collapse under simplification are dropped.
func (g *grid) assemble(rings []ring, simplify bool) orb.MultiPolygon {
	poly := map[int32]int{}
	mp := orb.MultiPolygon{}
	for _, r := range rings {
		if r.area <= 0 {
			continue
		}
		if o, ok := g.outRing(r, simplify); ok {
			poly[r.comp] = len(mp)
			mp = append(mp, orb.Polygon{o})
		}
	}
	for _, r := range rings {
		if r.area >= 0 {
			continue
		}
		i, ok := poly[r.comp]
		if !ok {
			continue // its outer ring collapsed
		}
		if o, ok := g.outRing(r, simplify); ok {
			mp[i] = append(mp[i], o)
		}
	}
	return mp
}

// outRing simplifies r and projects it to lon/lat, closed; ok is false
// when it collapses (fewer than three corners, or its turn reversed).
func (g *grid) outRing(r ring, simplify bool) (orb.Ring, bool) {
	pts := r.pts
	if simplify {
		pts = simplifyRing(pts, tolerance)
	}
	if len(pts) < 3 {
		return nil, false
	}
	if a := signedArea(pts); a*r.area <= 0 {
		return nil, false
	}
	out := make(orb.Ring, 0, len(pts)+1)
	for _, p := range pts {
		out = append(out, g.pl.inv(g.x0+p.x*g.cell, g.y0+p.y*g.cell))
	}
	return append(out, out[0]), true
}

// validate checks mp with simplefeatures, whose validation can panic on
// nearly degenerate rings: taken as invalid.
func validate(mp orb.MultiPolygon) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("validation panicked: %v", r)
		}
	}()
	if err := toSF(mp).Validate(); err != nil {
		return errors.Join(errors.New("invalid multipolygon"), err)
	}
	return nil
}
