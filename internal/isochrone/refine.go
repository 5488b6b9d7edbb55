package isochrone

import "math"

// bucketIndex finds the painted segments near a point: square buckets,
// each listing the segments whose box widened by the width meets it.
type bucketIndex struct {
	size       float64
	cols, rows int
	start      []int32 // bucket b's segments: items[start[b]:start[b+1]]
	items      []int32
}

func (g *grid) index() {
	ix := bucketIndex{size: math.Max(g.width, 4*g.cell)}
	ix.cols = int(float64(g.cols)*g.cell/ix.size) + 1
	ix.rows = int(float64(g.rows)*g.cell/ix.size) + 1
	ix.start = make([]int32, ix.cols*ix.rows+1)
	each := func(c *capsule, fn func(b int)) {
		w := g.width
		b0 := max(0, int((math.Min(c.ax, c.bx)-w-g.x0)/ix.size))
		b1 := min(ix.cols-1, int((math.Max(c.ax, c.bx)+w-g.x0)/ix.size))
		r0 := max(0, int((math.Min(c.ay, c.by)-w-g.y0)/ix.size))
		r1 := min(ix.rows-1, int((math.Max(c.ay, c.by)+w-g.y0)/ix.size))
		for r := r0; r <= r1; r++ {
			for b := b0; b <= b1; b++ {
				fn(r*ix.cols + b)
			}
		}
	}
	for i := range g.caps {
		each(&g.caps[i], func(b int) { ix.start[b+1]++ })
	}
	for b := 1; b < len(ix.start); b++ {
		ix.start[b] += ix.start[b-1]
	}
	ix.items = make([]int32, ix.start[len(ix.start)-1])
	fill := make([]int32, len(ix.start)-1)
	for i := range g.caps {
		each(&g.caps[i], func(b int) {
			ix.items[ix.start[b]+fill[b]] = int32(i)
			fill[b]++
		})
	}
	g.idx = ix
}

// reach is the least network distance within the width of the plane
// point (x, y), +Inf when no reached street is that near.
func (g *grid) reach(x, y float64) float64 {
	ix := &g.idx
	c, r := int((x-g.x0)/ix.size), int((y-g.y0)/ix.size)
	best := math.Inf(1)
	if c < 0 || r < 0 || c >= ix.cols || r >= ix.rows {
		return best
	}
	b := r*ix.cols + c
	w2 := g.width * g.width
	for _, i := range ix.items[ix.start[b]:ix.start[b+1]] {
		if m, ok := reachAt(&g.caps[i], x, y, w2); ok && m < best {
			best = m
		}
	}
	return best
}

// cross places crossing id of band thr where the band's edge meets the
// line between the two cell centres, by bisection (to 1/64 cell), instead
// of halfway: the traced boundary then follows the true one closely.
func (g *grid) cross(id int, thr uint8) xy {
	limit := g.limits[len(g.limits)-int(thr)]
	x, y := g.insideCell(id, thr)
	ax, ay := float64(x)+0.5, float64(y)+0.5
	bx, by := ax, ay
	c := id / 2
	ox, oy := c%g.cols, c/g.cols
	if ox != x || oy != y { // the inside cell is the second: out is (ox, oy)
		bx, by = float64(ox)+0.5, float64(oy)+0.5
	} else if id%2 == 0 {
		bx++
	} else {
		by++
	}
	lo, hi := 0.0, 1.0
	for range 6 {
		t := (lo + hi) / 2
		px, py := ax+t*(bx-ax), ay+t*(by-ay)
		if g.reach(g.x0+px*g.cell, g.y0+py*g.cell) <= limit {
			lo = t
		} else {
			hi = t
		}
	}
	t := (lo + hi) / 2
	return xy{ax + t*(bx-ax), ay + t*(by-ay)}
}
