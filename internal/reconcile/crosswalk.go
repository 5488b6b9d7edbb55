// Package reconcile measures how definitions of place line up: crosswalks
// between boundary sets, population weights, indicator transfer, and the
// agreement between a place's definitions.
package reconcile

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sort"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/placemap/placemap/internal/geo"
	"github.com/placemap/placemap/internal/place"
)

// Thresholds that classify pairs, fixed and stated in every output.
const (
	// SliverShare: a pair whose overlap is under this share of both areas
	// is a sliver (boundary noise between differently drawn lines) and is
	// left out of pairs, classes and best fits, though its area still
	// counts towards how much of A lies inside B.
	SliverShare = 0.01
	// EquivalentIoU: a pair at or above this intersection-over-union is
	// the same area drawn twice.
	EquivalentIoU = 0.9
	// WithinShare: a lies within b when at least this share of a is in b
	// (boundaries generalised differently never nest exactly).
	WithinShare = 0.95
)

// Class says how two areas relate.
type Class string

// The classes of a pair.
const (
	Equivalent Class = "equivalent"
	AWithinB   Class = "a_within_b"
	BWithinA   Class = "b_within_a"
	Partial    Class = "partial"
)

// Classes in the order they are reported.
var Classes = []Class{Equivalent, AWithinB, BWithinA, Partial}

// Pair is the overlap of one area of A with one area of B.
type Pair struct {
	A, B      int     // positions in the input slices
	InterM2   float64 `json:"inter_m2"`
	ShareAInB float64 `json:"share_a_in_b"` // of a's area, the part in b
	ShareBInA float64 `json:"share_b_in_a"`
	IoU       float64 `json:"iou"`
	Class     Class   `json:"class"`
	Sliver    bool    `json:"-"`
	PopAInB   float64 `json:"pop_share_a_in_b,omitempty"`
	PopBInA   float64 `json:"pop_share_b_in_a,omitempty"`
	Face      orb.MultiPolygon
	hasPop    bool
	popInter  float64
	AreaA     float64 `json:"-"`
	AreaB     float64 `json:"-"`
}

// Summary sums up a crosswalk.
type Summary struct {
	Pairs            int           `json:"pairs"`
	Classes          map[Class]int `json:"classes"`
	SliversIgnored   int           `json:"slivers_ignored"`
	MedianIoU        float64       `json:"median_iou"`
	AWithout         []string      `json:"a_without_counterpart"`
	ShareOfAOutsideB float64       `json:"share_of_a_outside_b"`
}

// Crosswalk is the overlay of two boundary sets.
type Crosswalk struct {
	A, B    []place.Area
	AreaA   []float64 // m², equal-area
	AreaB   []float64
	Pairs   []Pair // slivers excluded, ordered by a code then b code
	Slivers []Pair // the overlaps left out as slivers, same order
	BestFit []int  // for each a, the index into Pairs of its best fit, or -1
	Summary Summary
}

// Overlay computes the crosswalk of sets a and b. Every area must be a
// valid MultiPolygon (the importers repair or refuse on the way in);
// invalid input fails with EINVALID naming the area. Work is spread over
// the machine's cores.
func Overlay(ctx context.Context, a, b []place.Area) (*Crosswalk, error) {
	sa, err := shapes(a, "A")
	if err != nil {
		return nil, err
	}
	sb, err := shapes(b, "B")
	if err != nil {
		return nil, err
	}
	return overlay(ctx, a, b, sa, sb, true)
}

// OverlayStored is Overlay for areas read from a store, which checked every
// area's validity (repairing or refusing it) on import; it does not check
// them again.
func OverlayStored(ctx context.Context, a, b []place.Area) (*Crosswalk, error) {
	return overlay(ctx, a, b, trustedShapes(a), trustedShapes(b), true)
}

// OverlayStoredAreas is OverlayStored without the faces (every Pair's Face
// is nil): each pair's intersection is measured from the two boundaries
// (geo.IntersectionArea) instead of being built, which is most of a
// crosswalk's time. Figures are the same as OverlayStored's to rounding.
func OverlayStoredAreas(ctx context.Context, a, b []place.Area) (*Crosswalk, error) {
	return overlay(ctx, a, b, trustedShapes(a), trustedShapes(b), false)
}

// FacesOf returns the faces of pairs of cw, in their order: each pair's Face
// where the crosswalk was built with faces, else the intersection built now
// (OverlayStoredAreas measures without building it). Work is spread over
// the machine's cores; cw is not changed.
func (cw *Crosswalk) FacesOf(ctx context.Context, pairs []Pair) ([]orb.MultiPolygon, error) {
	out := make([]orb.MultiPolygon, len(pairs))
	errs := make([]error, len(pairs))
	work := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range work {
				p := pairs[k]
				if p.Face != nil {
					out[k] = p.Face
					continue
				}
				s, err := intersect(geo.NewValidShape(cw.A[p.A].Geometry), geo.NewValidShape(cw.B[p.B].Geometry))
				if err != nil {
					errs[k] = fmt.Errorf("face of %s × %s: %w", cw.A[p.A].Code, cw.B[p.B].Code, err)
				}
				out[k] = s.MP
			}
		}()
	}
	for k := range pairs {
		if ctx.Err() != nil {
			break
		}
		work <- k
	}
	close(work)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func trustedShapes(areas []place.Area) []geo.Shape {
	out := make([]geo.Shape, len(areas))
	for i, a := range areas {
		out[i] = geo.NewValidShape(a.Geometry)
	}
	return out
}

func overlay(ctx context.Context, a, b []place.Area, sa, sb []geo.Shape, faces bool) (*Crosswalk, error) {
	bounds := make([]orb.Bound, len(b))
	for i := range b {
		bounds[i] = b[i].Geometry.Bound()
	}
	index := geo.NewIndex(bounds)

	cw := &Crosswalk{A: a, B: b, AreaA: make([]float64, len(a)), AreaB: make([]float64, len(b))}
	for i := range sa {
		cw.AreaA[i] = sa[i].Area
	}
	for j := range sb {
		cw.AreaB[j] = sb[j].Area
	}
	perA := make([][]Pair, len(a))
	covered := make([]float64, len(a)) // area of a inside any b
	var firstErr error
	var mu sync.Mutex
	work := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				pairs, cov, err := overlayOne(i, sa, sb, index, faces)
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = fmt.Errorf("overlay A area %s: %w", a[i].Code, err)
					}
					mu.Unlock()
					continue
				}
				perA[i], covered[i] = pairs, cov
			}
		}()
	}
	for i := range a {
		if ctx.Err() != nil {
			break
		}
		work <- i
	}
	close(work)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if firstErr != nil {
		return nil, firstErr
	}
	cw.summarise(perA, covered)
	return cw, nil
}

func shapes(areas []place.Area, which string) ([]geo.Shape, error) {
	out := make([]geo.Shape, len(areas))
	for i, a := range areas {
		s, err := geo.NewShape(a.Geometry)
		if err != nil {
			return nil, place.Errorf(place.EINVALID, "set %s %s: area %s is not a valid polygon, so it cannot be overlaid: %v", which, a.Set, a.Code, err)
		}
		out[i] = s
	}
	return out, nil
}

// overlayOne intersects area i of A with every area of B whose box meets
// it. It returns the pairs (slivers marked) and how much of a lies in B.
// Without faces, each intersection is measured, not built, unless B's areas
// overlap under a and the pieces are needed for their union.
func overlayOne(i int, sa, sb []geo.Shape, index geo.Index, faces bool) ([]Pair, float64, error) {
	var cands []int
	index.Search(sa[i].Bound, func(j int) { cands = append(cands, j) })
	sort.Ints(cands)
	if !faces {
		pairs, sum, err := measureOne(i, sa, sb, cands)
		if err != nil || len(pairs) < 2 || sum <= sa[i].Area*(1+unionSlack) {
			return pairs, math.Min(sum, sa[i].Area), err
		}
		// B's areas overlap under a: measure how much of a their union
		// covers, again without building it.
		bs := make([]geo.Shape, len(pairs))
		for k, p := range pairs {
			bs[k] = sb[p.B]
		}
		covered, err := geo.CoveredArea(sa[i], bs)
		if err != nil {
			return nil, 0, err
		}
		return pairs, math.Min(covered, sa[i].Area), nil
	}
	var pairs []Pair
	var pieces []geo.Shape
	sum := 0.0
	for _, j := range cands {
		inter, err := intersect(sa[i], sb[j])
		if err != nil {
			return nil, 0, err
		}
		if inter.Area <= 0 {
			continue
		}
		p := newPair(i, j, inter.Area, sa, sb)
		if faces {
			p.Face = inter.MP
		}
		pairs = append(pairs, p)
		pieces = append(pieces, inter)
		sum += inter.Area
	}
	// Where B's areas overlap each other (residents' drawings do), the
	// pieces overlap too: measure their union instead of their sum. Pieces
	// of a partition can add up to a hair over the whole, each measured on
	// its own; overlaps under a millionth of the area are not worth a union.
	covered := sum
	if len(pieces) > 1 && sum > sa[i].Area*(1+unionSlack) {
		u := pieces[0]
		for _, p := range pieces[1:] {
			var err error
			if u, err = geo.Merge(u, p); err != nil {
				return nil, 0, err
			}
		}
		covered = u.Area
	}
	return pairs, math.Min(covered, sa[i].Area), nil
}

// unionSlack is how far over an area the sum of its pieces may go before
// the pieces are unioned to measure how much of it is covered.
const unionSlack = 1e-6

// measureOne is overlayOne's pairs without faces, and the sum of their areas.
func measureOne(i int, sa, sb []geo.Shape, cands []int) ([]Pair, float64, error) {
	var pairs []Pair
	sum := 0.0
	for _, j := range cands {
		area, err := geo.IntersectionArea(sa[i], sb[j])
		if err != nil {
			return nil, 0, err
		}
		if area <= 0 {
			continue
		}
		pairs = append(pairs, newPair(i, j, area, sa, sb))
		sum += area
	}
	return pairs, sum, nil
}

func newPair(i, j int, inter float64, sa, sb []geo.Shape) Pair {
	p := Pair{A: i, B: j, InterM2: inter, AreaA: sa[i].Area, AreaB: sb[j].Area}
	p.ShareAInB = clamp01(inter / sa[i].Area)
	p.ShareBInA = clamp01(inter / sb[j].Area)
	p.IoU = clamp01(inter / (sa[i].Area + sb[j].Area - inter))
	p.Sliver = p.ShareAInB < SliverShare && p.ShareBInA < SliverShare
	p.Class = classify(p)
	return p
}

// intersect overlays two shapes, skipping the overlay where one lies wholly
// inside the other or they are apart: when no edge of b touches a's box,
// a is inside b or outside it, and one vertex of a says which (and the
// same the other way round). Most small areas lie wholly inside a larger
// one, so most pairs never need the full overlay.
func intersect(a, b geo.Shape) (geo.Shape, error) {
	ab, bb := a.Bound, b.Bound
	if !geo.BoundaryMeetsBox(b.MP, ab) {
		if planar.MultiPolygonContains(b.MP, a.MP[0][0][0]) {
			return a, nil
		}
		return geo.Shape{}, nil
	}
	if !geo.BoundaryMeetsBox(a.MP, bb) {
		if planar.MultiPolygonContains(a.MP, b.MP[0][0][0]) {
			return b, nil
		}
		return geo.Shape{}, nil
	}
	return geo.IntersectNear(a, b)
}

func classify(p Pair) Class {
	switch {
	case p.IoU >= EquivalentIoU:
		return Equivalent
	case p.ShareAInB >= WithinShare:
		return AWithinB
	case p.ShareBInA >= WithinShare:
		return BWithinA
	}
	return Partial
}

func clamp01(x float64) float64 { return math.Max(0, math.Min(1, x)) }

func (cw *Crosswalk) summarise(perA [][]Pair, covered []float64) {
	s := Summary{Classes: map[Class]int{}}
	for _, c := range Classes {
		s.Classes[c] = 0
	}
	order := make([]int, len(cw.A))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(x, y int) bool { return cw.A[order[x]].Code < cw.A[order[y]].Code })
	cw.BestFit = make([]int, len(cw.A))
	var ious []float64
	totalA, totalCovered := 0.0, 0.0
	for _, i := range order {
		pairs := perA[i]
		sort.SliceStable(pairs, func(x, y int) bool { return cw.B[pairs[x].B].Code < cw.B[pairs[y].B].Code })
		best := -1
		for _, p := range pairs {
			if p.Sliver {
				s.SliversIgnored++
				cw.Slivers = append(cw.Slivers, p)
				continue
			}
			cw.Pairs = append(cw.Pairs, p)
			s.Classes[p.Class]++
			k := len(cw.Pairs) - 1
			if best < 0 || p.ShareAInB > cw.Pairs[best].ShareAInB {
				best = k
			}
		}
		cw.BestFit[i] = best
		if best < 0 {
			s.AWithout = append(s.AWithout, cw.A[i].Code)
		} else {
			ious = append(ious, cw.Pairs[best].IoU)
		}
		totalA += cw.AreaA[i]
		totalCovered += covered[i]
	}
	s.Pairs = len(cw.Pairs)
	s.MedianIoU = median(ious)
	if totalA > 0 {
		s.ShareOfAOutsideB = clamp01(1 - totalCovered/totalA)
	}
	if s.AWithout == nil {
		s.AWithout = []string{}
	}
	cw.Summary = s
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
