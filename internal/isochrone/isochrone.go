// Package isochrone turns the reached part of a walking network into
// walking-time bands: for each distance limit, the ground within a set
// width of the streets reached within it, as polygons built from the
// network, not circles.
//
// Method. The pieces are projected to a local plane (equirectangular at
// the data's mid-latitude with the WGS84 ellipsoid's meridional and
// prime-vertical radii there: scale error about 0.2% across a city 20 km
// tall, about 3% at the edges of a region 4° of latitude tall), and a
// grid of Options.Cell metres is laid over them. A cell belongs to band k
// when its centre lies within Options.Width of a point of a piece whose
// network distance is at most limit k (the distance is linear along each
// segment, so a segment crossing the limit is cut where it reaches it):
// rasterising and widening by a disc in one exact step. The cells of each
// band are traced into rings by marching squares through cell centres
// (saddles join diagonal cells), each crossing placed where the band's
// true edge meets the line between the two centres (bisection against
// the pieces, through a bucket index), holes go to their outer ring
// through the 8-connected components of the band's cells, rings are
// simplified by Douglas–Peucker at 0.1 of a cell and dropped when they
// collapse, and projected back to lon/lat; each band is then clipped to
// the next larger one (with simplefeatures), because simplifying each on
// its own can move a shared boundary by a fraction of a cell. Outer rings
// run counter-clockwise and holes clockwise (RFC 7946).
//
// Accuracy (TestBandsAgainstPostGIS, 300 random pieces, 50 m width):
// areas within 1.7% of PostGIS's union of geography buffers and a
// symmetric difference of about 2% of the area at 20 m cells, 0.9% at
// 10 m.
//
// Grids are bounded: when the extent would need more than MaxCells cells
// the cell is coarsened until it fits, and the Report says so. The width
// used is at least 1.5 cells (Report.Width), so that every reached point
// lies inside its band however coarse the grid.
package isochrone

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/placemap/placemap/internal/place"
)

// Options sets the width of the band around each street and the raster
// cell. Zero values take the defaults.
type Options struct {
	Width float64 // metres each side of a reached street; default 50
	Cell  float64 // raster cell in metres; default 20
	// MaxCells bounds the grid; default DefaultMaxCells. Mostly for tests.
	MaxCells int
}

// Defaults.
const (
	DefaultWidth    = 50.0
	DefaultCell     = 20.0
	DefaultMaxCells = 40_000_000
	maxLimits       = 250 // band levels are kept in one byte per cell
	// minWidthCells is the least width in cells: √2 reaches the four
	// centres about any point, and the rest covers simplification.
	minWidthCells = 1.5
)

// Report says how the bands were made.
type Report struct {
	Pieces     int     // reached pieces within the largest limit
	Cell       float64 // the cell used, metres
	Width      float64 // the width used, metres: Options.Width, or 1.5 cells if more
	Cols, Rows int     // the grid
	Coarsened  bool    // the cell was widened to keep the grid within MaxCells
	// Unsimplified counts bands left unsimplified because simplifying
	// made them invalid (not expected; the traced rings are kept instead).
	Unsimplified int
	// Unclipped counts bands the topology engine could not clip to the
	// next larger one (not seen in tests); they may stick out of it by a
	// fraction of a cell.
	Unclipped int
	Note      string // a sentence for people when the cell or width was changed
}

// Reached is the shape of the network's reached-pieces walker: it calls fn
// for every reached piece of street with the network distance in metres at
// each vertex.
type Reached func(fn func(line orb.LineString, metres []float64))

// Bands turns the reached network into walking-time areas: for each limit
// (metres, ascending) the ground within reach (the reached street pieces
// with distance ≤ limit, widened by opts.Width metres each side), as a
// MultiPolygon, valid, WGS84. Built from the network, not circles. The
// bands are cumulative: band k+1 contains band k. No reached piece gives
// empty MultiPolygons and no error. Limits not strictly ascending, not
// positive or more than 250 of them, and bad options are EINVALID.
func Bands(reached func(fn func(line orb.LineString, metres []float64)), limits []float64, opts Options) ([]orb.MultiPolygon, error) {
	bands, _, err := BandsReport(reached, limits, opts)
	return bands, err
}

// BandsReport is Bands that also reports the grid it used.
func BandsReport(reached Reached, limits []float64, opts Options) ([]orb.MultiPolygon, Report, error) {
	opts, err := checkInput(limits, opts)
	if err != nil {
		return nil, Report{}, err
	}
	ps, err := collect(reached, limits[len(limits)-1])
	if err != nil {
		return nil, Report{}, err
	}
	out := make([]orb.MultiPolygon, len(limits))
	rep := Report{Pieces: ps.count(), Cell: opts.Cell, Width: opts.Width}
	if ps.count() == 0 {
		for i := range out {
			out[i] = orb.MultiPolygon{}
		}
		return out, rep, nil
	}
	g := newGrid(ps, opts)
	rep.Cell, rep.Width, rep.Cols, rep.Rows = g.cell, g.width, g.cols, g.rows
	if g.cell > opts.Cell {
		rep.Coarsened = true
		rep.Note = fmt.Sprintf("the reached network spans %.0f × %.0f km: isochrones use %.0f m cells instead of %.0f m (and reach %.0f m each side) to keep the grid within %d cells",
			float64(g.cols)*g.cell/1000, float64(g.rows)*g.cell/1000, g.cell, opts.Cell, g.width, opts.MaxCells)
	} else if g.width > opts.Width {
		rep.Note = fmt.Sprintf("isochrones reach %.0f m each side, not %.0f m: at least 1.5 cells of %.0f m", g.width, opts.Width, g.cell)
	}
	g.paint(ps, limits)
	for k := range limits {
		mp, simplified, err := g.band(uint8(len(limits) - k))
		if !simplified {
			rep.Unsimplified++
		}
		if err != nil {
			return nil, rep, fmt.Errorf("isochrone band %d (%.0f m): %w", k, limits[k], err)
		}
		out[k] = mp
	}
	rep.Unclipped = nest(out)
	return out, rep, nil
}

func checkInput(limits []float64, opts Options) (Options, error) {
	if len(limits) == 0 {
		return opts, place.Errorf(place.EINVALID, "isochrone: no limits given")
	}
	if len(limits) > maxLimits {
		return opts, place.Errorf(place.EINVALID, "isochrone: %d limits given, at most %d", len(limits), maxLimits)
	}
	for i, l := range limits {
		if !(l > 0) || math.IsInf(l, 0) {
			return opts, place.Errorf(place.EINVALID, "isochrone: limit %d is %v; limits must be positive metres", i, l)
		}
		if i > 0 && l <= limits[i-1] {
			return opts, place.Errorf(place.EINVALID, "isochrone: limits must ascend: limit %d (%v) follows %v", i, l, limits[i-1])
		}
	}
	if opts.Width == 0 {
		opts.Width = DefaultWidth
	}
	if opts.Cell == 0 {
		opts.Cell = DefaultCell
	}
	if opts.MaxCells == 0 {
		opts.MaxCells = DefaultMaxCells
	}
	if !(opts.Width > 0) || math.IsInf(opts.Width, 0) || opts.Width > 10_000 {
		return opts, place.Errorf(place.EINVALID, "isochrone: width %v must be between 0 and 10000 metres", opts.Width)
	}
	if !(opts.Cell > 0) || math.IsInf(opts.Cell, 0) || opts.Cell > 10_000 {
		return opts, place.Errorf(place.EINVALID, "isochrone: cell %v must be between 0 and 10000 metres", opts.Cell)
	}
	if opts.MaxCells < 16 {
		return opts, place.Errorf(place.EINVALID, "isochrone: max cells %d is too few", opts.MaxCells)
	}
	return opts, nil
}

// pieces holds the reached pieces flat: vertex i of piece p is at index
// start[p]+i of pts and metres.
type pieces struct {
	pts    []orb.Point
	metres []float64
	start  []int // len = count+1
	bound  orb.Bound
}

func (ps *pieces) count() int { return len(ps.start) - 1 }

// collect copies the pieces reached within max (the walker may reuse its
// slices), checking that each has a distance per vertex.
func collect(reached Reached, max float64) (*pieces, error) {
	ps := &pieces{start: []int{0}}
	var err error
	n := 0
	reached(func(line orb.LineString, metres []float64) {
		n++
		if err != nil || len(line) == 0 {
			return
		}
		if len(metres) != len(line) {
			err = place.Errorf(place.EINVALID, "isochrone: reached piece %d has %d vertices and %d distances", n, len(line), len(metres))
			return
		}
		lo := math.Inf(1)
		for i, m := range metres {
			p := line[i]
			if math.IsNaN(m) || m < 0 || !finite(p[0]) || !finite(p[1]) || math.Abs(p[1]) > 89 {
				err = place.Errorf(place.EINVALID, "isochrone: reached piece %d vertex %d: bad point %v or distance %v", n, i, p, m)
				return
			}
			lo = math.Min(lo, m)
		}
		if lo > max {
			return
		}
		if len(ps.pts) == 0 {
			ps.bound = orb.Bound{Min: line[0], Max: line[0]}
		}
		for _, p := range line {
			ps.bound = ps.bound.Extend(p)
		}
		ps.pts = append(ps.pts, line...)
		ps.metres = append(ps.metres, metres...)
		ps.start = append(ps.start, len(ps.pts))
	})
	return ps, err
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }
