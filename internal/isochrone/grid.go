package isochrone

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// WGS84 ellipsoid.
const (
	wgsA  = 6378137.0
	wgsF  = 1 / 298.257223563
	wgsE2 = wgsF * (2 - wgsF)
)

// plane is an equirectangular projection about (lon0, lat0) scaled by the
// ellipsoid's radii of curvature there: x east, y north, metres.
type plane struct {
	lon0, lat0 float64
	kx, ky     float64 // metres per degree
}

func newPlane(b orb.Bound) plane {
	lat0 := (b.Min[1] + b.Max[1]) / 2
	s := math.Sin(lat0 * math.Pi / 180)
	w := 1 - wgsE2*s*s
	n := wgsA / math.Sqrt(w)                     // prime vertical
	m := wgsA * (1 - wgsE2) / (w * math.Sqrt(w)) // meridian
	rad := math.Pi / 180
	return plane{
		lon0: (b.Min[0] + b.Max[0]) / 2, lat0: lat0,
		kx: n * math.Cos(lat0*rad) * rad, ky: m * rad,
	}
}

func (pl plane) fwd(p orb.Point) (x, y float64) {
	return (p[0] - pl.lon0) * pl.kx, (p[1] - pl.lat0) * pl.ky
}

func (pl plane) inv(x, y float64) orb.Point {
	return orb.Point{pl.lon0 + x/pl.kx, pl.lat0 + y/pl.ky}
}

// grid is the raster: level[y*cols+x] is, for the cell whose centre is
// (x0+(x+.5)cell, y0+(y+.5)cell), n-k for the smallest band k that holds
// it (n limits), 0 for none; so band k is the cells with level ≥ n-k.
type grid struct {
	pl         plane
	x0, y0     float64
	cell       float64
	width      float64
	cols, rows int
	level      []uint8
	limits     []float64
	caps       []capsule // the painted segments
	idx        bucketIndex
}

func newGrid(ps *pieces, opts Options) *grid {
	pl := newPlane(ps.bound)
	minx, miny := pl.fwd(ps.bound.Min)
	maxx, maxy := pl.fwd(ps.bound.Max)
	g := &grid{pl: pl, cell: opts.Cell, width: opts.Width}
	for {
		// Two empty cells beyond the widest reach on every side keep the
		// traced rings off the grid's edge.
		pad := math.Max(opts.Width, minWidthCells*g.cell) + 2*g.cell
		g.x0, g.y0 = minx-pad, miny-pad
		g.cols = int(math.Ceil((maxx-minx+2*pad)/g.cell)) + 1
		g.rows = int(math.Ceil((maxy-miny+2*pad)/g.cell)) + 1
		if float64(g.cols)*float64(g.rows) <= float64(opts.MaxCells) {
			break
		}
		g.cell *= math.Max(1.05, math.Sqrt(float64(g.cols)*float64(g.rows)/float64(opts.MaxCells)))
	}
	// A coarse cell can be wider than the band: reach far enough that
	// the four cell centres around any reached point are in, so that every
	// reached point lies inside its band however coarse the grid.
	g.width = math.Max(g.width, minWidthCells*g.cell)
	g.level = make([]uint8, g.cols*g.rows)
	return g
}

// paint sets every cell's level from the pieces.
func (g *grid) paint(ps *pieces, limits []float64) {
	g.limits = limits
	defer g.index()
	// Long segments are cut so that each part's bounding box stays close
	// to its capsule (a long diagonal would otherwise scan a big square).
	chunk := math.Max(2*g.width, 8*g.cell)
	for p := 0; p < ps.count(); p++ {
		a, b := ps.start[p], ps.start[p+1]
		x0, y0 := g.pl.fwd(ps.pts[a])
		m0 := ps.metres[a]
		if b-a == 1 {
			g.segment(x0, y0, m0, x0, y0, m0, limits)
			continue
		}
		for i := a + 1; i < b; i++ {
			x1, y1 := g.pl.fwd(ps.pts[i])
			m1 := ps.metres[i]
			n := math.Max(1, math.Ceil(math.Hypot(x1-x0, y1-y0)/chunk))
			for j := 0.0; j < n; j++ {
				t0, t1 := j/n, (j+1)/n
				g.segment(x0+t0*(x1-x0), y0+t0*(y1-y0), m0+t0*(m1-m0),
					x0+t1*(x1-x0), y0+t1*(y1-y0), m0+t1*(m1-m0), limits)
			}
			x0, y0, m0 = x1, y1, m1
		}
	}
}

// capsule is a painted segment, in plane metres, with its distances.
type capsule struct{ ax, ay, am, bx, by, bm float64 }

// reachAt is the least network distance on c within w (w2 = w²) of the
// point (px, py); ok is false when c is further than w. The distance is
// linear along the segment, so the least is at one end of the part of
// the segment inside the disc about the point.
func reachAt(c *capsule, px, py, w2 float64) (m float64, ok bool) {
	cx, cy := px-c.ax, py-c.ay
	dx, dy := c.bx-c.ax, c.by-c.ay
	l2 := dx*dx + dy*dy
	d2 := cx*cx + cy*cy
	if l2 == 0 {
		return math.Min(c.am, c.bm), d2 <= w2
	}
	t := (cx*dx + cy*dy) / l2
	h2 := d2 - t*t*l2
	if h2 > w2 {
		return 0, false
	}
	dt := math.Sqrt((w2 - max(h2, 0)) / l2)
	t0, t1 := max(0, t-dt), min(1, t+dt)
	if t0 > t1 {
		return 0, false
	}
	return math.Min(c.am+t0*(c.bm-c.am), c.am+t1*(c.bm-c.am)), true
}

// segment raises the level of every cell whose centre lies within the
// width of the segment to that of the least distance within the width of
// the centre, and keeps the segment for refining crossings.
func (g *grid) segment(ax, ay, am, bx, by, bm float64, limits []float64) {
	last := limits[len(limits)-1]
	if am > last && bm > last {
		return
	}
	c := capsule{ax, ay, am, bx, by, bm}
	g.caps = append(g.caps, c)
	w := g.width
	w2 := w * w
	c0 := max(0, int(math.Floor((math.Min(ax, bx)-w-g.x0)/g.cell-0.5)))
	c1 := min(g.cols-1, int(math.Ceil((math.Max(ax, bx)+w-g.x0)/g.cell-0.5)))
	r0 := max(0, int(math.Floor((math.Min(ay, by)-w-g.y0)/g.cell-0.5)))
	r1 := min(g.rows-1, int(math.Ceil((math.Max(ay, by)+w-g.y0)/g.cell-0.5)))
	n := len(limits)
	for r := r0; r <= r1; r++ {
		py := g.y0 + (float64(r)+0.5)*g.cell
		row := g.level[r*g.cols : (r+1)*g.cols]
		for col := c0; col <= c1; col++ {
			m, ok := reachAt(&c, g.x0+(float64(col)+0.5)*g.cell, py, w2)
			if !ok || m > last {
				continue
			}
			k, _ := slices.BinarySearch(limits, m) // first limit ≥ m
			if v := uint8(n - k); v > row[col] {
				row[col] = v
			}
		}
	}
}
