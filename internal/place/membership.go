package place

import (
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// Candidate is an area that might hold a point: the result of a bounding-box
// search in a store.
type Candidate struct {
	Code     string
	Name     string
	Geometry orb.MultiPolygon
}

// Locate returns the area of one boundary set that holds pt. An area holds a
// point inside it or on its boundary; when several do (a point on a shared
// edge or vertex, or overlapping areas as in community-drawn sets) the one
// with the smallest code wins, so every store and every run places the point
// in exactly one area. ok is false when no candidate holds pt.
func Locate(pt orb.Point, candidates []Candidate) (c Candidate, ok bool) {
	for _, cand := range candidates {
		if ok && cand.Code >= c.Code {
			continue
		}
		if !cand.Geometry.Bound().Contains(pt) {
			continue
		}
		if planar.MultiPolygonContains(cand.Geometry, pt) {
			c, ok = cand, true
		}
	}
	return c, ok
}
