// Package rfc7946 winds polygons as RFC 7946 §3.1.6 says GeoJSON polygons
// are: exterior rings anticlockwise, holes clockwise.
package rfc7946

import "github.com/paulmach/orb"

// Orient returns g with its polygons wound as RFC 7946 §3.1.6 says GeoJSON
// polygons are: exterior rings anticlockwise, holes clockwise, by the sign
// of their area in longitude/latitude. Every GeoJSON placemap writes (API
// answers, OGC API items, exports, crosswalk and agreement surfaces,
// revision records, field diffs) passes its geometry through it; tiles are
// wound on their own grid (package tiles). It is a package of its own so
// that the domain (package place) can use it too.
//
// g is never modified, since geometries are shared and cached: a ring that
// must turn is copied, and rings already wound right are shared with g.
// Rings of zero area have no winding and are left as they are. Points and
// lines are returned as they are; a Collection's members are wound in turn.
func Orient(g orb.Geometry) orb.Geometry {
	switch g := g.(type) {
	case orb.Polygon:
		return rfc7946Polygon(g)
	case orb.MultiPolygon:
		var out orb.MultiPolygon
		for i, p := range g {
			q := rfc7946Polygon(p)
			if out == nil && !samePolygon(p, q) {
				out = make(orb.MultiPolygon, len(g))
				copy(out, g[:i])
			}
			if out != nil {
				out[i] = q
			}
		}
		if out == nil {
			return g
		}
		return out
	case orb.Collection:
		out := make(orb.Collection, len(g))
		for i, m := range g {
			out[i] = Orient(m)
		}
		return out
	}
	return g
}

// rfc7946Polygon winds one polygon, sharing p when it is wound right.
func rfc7946Polygon(p orb.Polygon) orb.Polygon {
	var out orb.Polygon
	for i, r := range p {
		want := orb.CCW
		if i > 0 {
			want = orb.CW
		}
		turn := len(r) >= 3 && r.Orientation() == -want // zero area: no orientation, left alone
		if turn && out == nil {
			out = make(orb.Polygon, len(p))
			copy(out, p[:i])
		}
		switch {
		case turn:
			c := make(orb.Ring, len(r))
			copy(c, r)
			c.Reverse()
			out[i] = c
		case out != nil:
			out[i] = r
		}
	}
	if out == nil {
		return p
	}
	return out
}

func samePolygon(a, b orb.Polygon) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}
