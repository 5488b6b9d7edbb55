package geo

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/peterstace/simplefeatures/geom"
	"github.com/peterstace/simplefeatures/rtree"

	"github.com/placemap/placemap/internal/place"
)

// Repair checks that mp is a valid MultiPolygon in the OGC sense (simple
// rings, holes inside their shell, parts that do not overlap) and, when it is
// not, tries to repair it without changing what it covers.
//
// A valid mp is returned with repaired false, normalised only: open rings
// closed and polygons without rings dropped. An invalid one is rebuilt by
// the topology engine (buffer by zero, then union with itself; the one that
// changes the area least wins) and the result is accepted only when it is
// valid and its area differs from mp's by at most maxAreaChange, a fraction
// (0.001 is 0.1%). Otherwise Repair fails with EINVALID, saying what is wrong
// and what area change the repair would have caused.
//
// The area mp is compared with is the shoelace area of each ring, taken
// absolute, shells less holes (what AreaM2 measures). For a self-intersecting
// ring the shoelace sums the area it encloses weighted by winding number, so
// a ring that pinches off a loop running the other way, the usual defect in
// generalised boundaries and meant as a hole, already measures with the hole
// removed, and a repair that makes the hole real keeps the area. A
// figure-of-eight ring has lobes of opposite winding that cancel: no repair
// keeps that measure, so such a ring is refused, rightly, since whether the
// author meant one lobe or both cannot be known.
//
// Repair does not modify mp, and out shares no memory with it.
func Repair(mp orb.MultiPolygon, maxAreaChange float64) (out orb.MultiPolygon, repaired bool, err error) {
	mp = normalise(mp)
	if len(mp) == 0 {
		return nil, false, place.Errorf(place.EINVALID, "geometry is empty")
	}
	if p, ok := nonFinite(mp); ok {
		// No repair can place a coordinate that is not a number.
		return nil, false, place.Errorf(place.EINVALID, "geometry has a coordinate that is not a finite number (%g, %g)", p[0], p[1])
	}
	verr := validate(mp)
	if verr == nil {
		return mp, false, nil
	}
	problem := describeInvalid(verr, mp)

	before := AreaM2(mp)
	var (
		best       orb.MultiPolygon // nil until a repair gives a valid result
		bestMethod string
		bestChange float64
		failures   []string
	)
	for _, r := range repairs() {
		got, err := r.apply(toSFMultiPolygon(mp).AsGeometry())
		if err != nil {
			failures = append(failures, fmt.Sprintf("%s failed: %v", r.name, err))
			continue
		}
		cand := polygonal(got)
		if len(cand) == 0 {
			failures = append(failures, r.name+" leaves nothing")
			continue
		}
		if err := validate(cand); err != nil {
			failures = append(failures, fmt.Sprintf("%s gives an invalid geometry: %v", r.name, err))
			continue
		}
		if change := relativeChange(before, AreaM2(cand)); best == nil || change < bestChange {
			best, bestMethod, bestChange = cand, r.name, change
		}
	}
	if best == nil {
		return nil, false, place.Errorf(place.EINVALID, "invalid geometry: %s; no repair gives a valid polygon (%s)", problem, strings.Join(failures, "; "))
	}
	if bestChange > maxAreaChange {
		return nil, false, place.Errorf(place.EINVALID,
			"invalid geometry: %s; repair (%s) would change the area by %s (from %.0f m² to %.0f m²), more than the %s allowed",
			problem, bestMethod, percent(bestChange), before, AreaM2(best), percent(maxAreaChange))
	}
	return best, true, nil
}

type repair struct {
	name  string
	apply func(geom.Geometry) (geom.Geometry, error)
}

// repairs returns the topology operations Repair tries. Buffering by zero
// rebuilds the polygon from its boundary's winding, which turns pinched-off
// loops into holes; a union of the geometry with itself nodes crossing
// edges and merges overlapping or edge-sharing parts.
func repairs() []repair {
	return []repair{
		{"buffer 0", func(g geom.Geometry) (geom.Geometry, error) {
			return safely(func() (geom.Geometry, error) { return geom.Buffer(g, 0) })
		}},
		{"self-union", func(g geom.Geometry) (geom.Geometry, error) {
			return safely(func() (geom.Geometry, error) { return geom.Union(g, g) })
		}},
	}
}

// validate checks mp with simplefeatures. Its validation can panic on
// rings that are nearly degenerate (found by FuzzRepair), which is taken as
// invalid rather than allowed to take the importer down.
func validate(mp orb.MultiPolygon) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("validation failed: %v", r)
		}
	}()
	return toSFMultiPolygon(mp).Validate()
}

// safely runs a topology operation on invalid input, which its engine
// documents as undefined; a panic there must not take the importer down.
func safely(fn func() (geom.Geometry, error)) (g geom.Geometry, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("topology engine: %v", r)
		}
	}()
	return fn()
}

func relativeChange(before, after float64) float64 {
	if before == 0 {
		if after == 0 {
			return 0
		}
		return math.Inf(1)
	}
	return math.Abs(after-before) / before
}

// percent formats a fraction as a percentage with up to three significant
// digits: 0.001 → "0.1%".
func percent(f float64) string {
	if math.IsInf(f, 1) {
		return "an unbounded amount"
	}
	return strconv.FormatFloat(f*100, 'g', 3, 64) + "%"
}

// normalise returns a copy of mp with its rings closed and ringless
// polygons, which cover nothing, dropped.
func normalise(mp orb.MultiPolygon) orb.MultiPolygon {
	out := make(orb.MultiPolygon, 0, len(mp))
	for _, p := range closeRings(mp) {
		if len(p) > 0 {
			out = append(out, p)
		}
	}
	return out
}

func nonFinite(mp orb.MultiPolygon) (orb.Point, bool) {
	for _, p := range mp {
		for _, r := range p {
			for _, pt := range r {
				if math.IsNaN(pt[0]) || math.IsNaN(pt[1]) || math.IsInf(pt[0], 0) || math.IsInf(pt[1], 0) {
					return pt, true
				}
			}
		}
	}
	return orb.Point{}, false
}

// describeInvalid returns simplefeatures' validation message, adding where
// a ring crosses or touches itself: simplefeatures reports a non-simple ring
// "at or near" the ring's first vertex, which sends a person looking at the
// wrong place.
func describeInvalid(verr error, mp orb.MultiPolygon) string {
	msg := verr.Error()
	if !strings.Contains(msg, "not simple") {
		return msg
	}
	for pi, p := range mp {
		for ri, r := range p {
			if pt, ok := selfIntersection(r); ok {
				how := "two of its edges cross"
				if slices.Contains(r, pt) {
					how = "it passes twice through the same point"
				}
				return fmt.Sprintf("%s; ring %d of polygon %d self-intersects at (%.7f, %.7f), where %s", msg, ri, pi, pt[0], pt[1], how)
			}
		}
	}
	return msg
}

// selfIntersection returns a point where the closed ring r crosses or
// touches itself, other than where consecutive edges meet.
func selfIntersection(r orb.Ring) (orb.Point, bool) {
	// Repeated consecutive vertices make zero-length edges that would meet
	// their neighbours' neighbours; they are not what is wrong.
	pts := make([]orb.Point, 0, len(r))
	for _, p := range r {
		if len(pts) == 0 || p != pts[len(pts)-1] {
			pts = append(pts, p)
		}
	}
	n := len(pts) - 1 // edges; pts is closed
	if n < 3 {
		return orb.Point{}, false
	}
	boxes := make([]rtree.Box, n)
	items := make([]rtree.BulkItem, n)
	for i := range n {
		a, b := pts[i], pts[i+1]
		boxes[i] = rtree.Box{MinX: min(a[0], b[0]), MinY: min(a[1], b[1]), MaxX: max(a[0], b[0]), MaxY: max(a[1], b[1])}
		items[i] = rtree.BulkItem{Box: boxes[i], RecordID: i}
	}
	tree := rtree.BulkLoad(items) // reorders items, hence boxes
	errFound := errors.New("found")
	var at orb.Point
	for i := range n {
		err := tree.RangeSearch(boxes[i], func(j int) error {
			if j <= i {
				return nil
			}
			adjacent := j == i+1 || (i == 0 && j == n-1)
			if p, ok := edgesMeet(pts[i], pts[i+1], pts[j], pts[j+1], adjacent); ok {
				at = p
				return errFound
			}
			return nil
		})
		if err != nil {
			return at, true
		}
	}
	return orb.Point{}, false
}

// edgesMeet reports where edges ab and cd share a point. Adjacent edges
// always share their common vertex; for them only a fold back along the
// same line counts.
func edgesMeet(a, b, c, d orb.Point, adjacent bool) (orb.Point, bool) {
	o1, o2 := orient(a, b, c), orient(a, b, d)
	o3, o4 := orient(c, d, a), orient(c, d, b)
	if o1 == 0 && o2 == 0 { // collinear
		for _, p := range [...]orb.Point{c, d, a, b} {
			if adjacent && (p == sharedVertex(a, b, c, d)) {
				continue
			}
			if onSegment(a, b, p) && onSegment(c, d, p) {
				return p, true
			}
		}
		return orb.Point{}, false
	}
	if adjacent {
		return orb.Point{}, false
	}
	if o1*o2 > 0 || o3*o4 > 0 {
		return orb.Point{}, false
	}
	switch {
	case o1 == 0:
		return c, true
	case o2 == 0:
		return d, true
	case o3 == 0:
		return a, true
	case o4 == 0:
		return b, true
	}
	// Proper crossing: solve a + t(b-a) on cd.
	t := o3 / (o3 - o4)
	return orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}, true
}

func sharedVertex(a, b, c, d orb.Point) orb.Point {
	if b == c || b == d {
		return b
	}
	return a
}

// orient is twice the signed area of triangle abc: positive when c lies
// left of ab.
func orient(a, b, c orb.Point) float64 {
	return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
}

// onSegment reports whether p, known to be collinear with ab, lies on it.
func onSegment(a, b, p orb.Point) bool {
	return p[0] >= min(a[0], b[0]) && p[0] <= max(a[0], b[0]) &&
		p[1] >= min(a[1], b[1]) && p[1] <= max(a[1], b[1])
}

// Dissolve returns the union of parts as one MultiPolygon: shared edges
// disappear and overlaps count once. Every part must be valid (run Repair
// first); an invalid part fails with EINVALID naming its index, since union
// of invalid input is undefined. No parts give an empty MultiPolygon.
func Dissolve(parts []orb.MultiPolygon) (orb.MultiPolygon, error) {
	gs := make([]geom.Geometry, 0, len(parts))
	for i, p := range parts {
		p = normalise(p)
		if err := validate(p); err != nil {
			return nil, place.Errorf(place.EINVALID, "dissolve: part %d is invalid (repair it first): %v", i, err)
		}
		gs = append(gs, toSFMultiPolygon(p).AsGeometry())
	}
	if len(gs) == 0 {
		return orb.MultiPolygon{}, nil
	}
	u, err := safely(func() (geom.Geometry, error) { return geom.UnionMany(gs) })
	if err != nil {
		return nil, fmt.Errorf("dissolve %d parts: %w", len(parts), err)
	}
	out := polygonal(u)
	if err := validate(out); err != nil {
		return nil, fmt.Errorf("dissolve %d parts: union is invalid: %w", len(parts), err)
	}
	return out, nil
}

// PointOnSurface returns a point on g: a Point itself, and for a valid
// Polygon or MultiPolygon a point guaranteed to lie inside it (unlike the
// centroid, which can fall in a hole or outside a crescent). Other geometry
// types get a point on them too. An empty or nil geometry gives the zero
// Point; for an invalid polygon the point may lie outside.
func PointOnSurface(g orb.Geometry) orb.Point {
	switch t := g.(type) {
	case orb.Point:
		return t
	case orb.Polygon:
		g = closeRings(orb.MultiPolygon{t})
	case orb.MultiPolygon:
		g = closeRings(t)
	}
	sg, err := toSF(g)
	if err != nil {
		return orb.Point{}
	}
	xy, ok := sg.PointOnSurface().XY()
	if !ok {
		return orb.Point{}
	}
	return orb.Point{xy.X, xy.Y}
}
