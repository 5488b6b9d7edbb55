package basemap

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/simplify"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// Band is a range of zooms served from one simplification of the data.
type Band struct{ Min, Max int }

// Bands are the zoom bands, shallowest first. The last one keeps the
// geometry as the file gives it and serves every deeper zoom.
var Bands = []Band{{0, 8}, {9, 11}, {12, 13}, {14, 16}}

// MaxZoom is the deepest zoom the basemap's tiles are made for; clients
// overzoom beyond.
const MaxZoom = 16

// BandOf is the band that serves zoom z.
func BandOf(z int) int {
	for i, b := range Bands {
		if z <= b.Max {
			return i
		}
	}
	return len(Bands) - 1
}

// tolerance is half a pixel of a 512-pixel tile at zoom z, in degrees of
// longitude: detail finer than that cannot be seen.
func tolerance(z int) float64 { return 360 / (512 * math.Exp2(float64(z))) / 2 }

// Features makes the stored features of one object of kind k, one per
// band it shows in, each simplified for its band's deepest zoom; what is
// too small to see in a band is left out of it. It returns nil for a
// geometry that does not fit the kind (a line for an area, an area for a
// place).
func Features(k Kind, name, ref string, g orb.Geometry) []store.BasemapFeature {
	g = shape(k, g)
	if g == nil {
		return nil
	}
	var out []store.BasemapFeature
	for i, b := range Bands {
		if k.MinZoom > b.Max {
			continue
		}
		bg := g
		if i < len(Bands)-1 && k.Layer != Places {
			tol := tolerance(b.Max)
			if span(g.Bound()) < 2*tol {
				continue // under a pixel across at the band's deepest zoom
			}
			if bg = clean(simplify.DouglasPeucker(tol).Simplify(orb.Clone(g))); bg == nil {
				continue
			}
		}
		if n := len(out); n > 0 && out[n-1].LastBand == i-1 && place.Vertices(out[n-1].Geometry) == place.Vertices(bg) {
			// Simplifying only drops points: as many is the same shape.
			out[n-1].LastBand = i
			continue
		}
		out = append(out, store.BasemapFeature{Band: i, LastBand: i, MinZoom: max(k.MinZoom, b.Min), Layer: k.Layer, Class: k.Class,
			Name: name, Ref: ref, Geometry: bg})
	}
	return out
}

// shape is g as kind k draws it: the rings of a closed way for lines, the
// point for places, polygons for areas; nil when it does not fit.
func shape(k Kind, g orb.Geometry) orb.Geometry {
	if g = clean(g); g == nil {
		return nil
	}
	switch {
	case k.Layer == Places:
		if p, ok := g.(orb.Point); ok {
			return p
		}
		return nil
	case k.Area:
		switch g.(type) {
		case orb.Polygon, orb.MultiPolygon:
			return g
		}
		return nil
	}
	switch v := g.(type) {
	case orb.LineString:
		if len(v) >= 2 {
			return v
		}
	case orb.Polygon: // a closed way: a roundabout, a ring road
		if len(v) > 0 && len(v[0]) >= 2 {
			return orb.LineString(v[0])
		}
	}
	return nil
}

func span(b orb.Bound) float64 { return math.Max(b.Max[0]-b.Min[0], b.Max[1]-b.Min[1]) }

// clean is g without what has no shape left: rings of fewer than four
// points (a closed way of two nodes, a hole simplified away), polygons
// whose outer ring is such, lines of fewer than two points. nil when
// nothing is left. (PostGIS refuses such rings; tiles could not draw them.)
func clean(g orb.Geometry) orb.Geometry {
	switch v := g.(type) {
	case orb.Point:
		return v
	case orb.LineString:
		if len(v) >= 2 {
			return v
		}
	case orb.Polygon:
		if p := cleanPolygon(v); p != nil {
			return p
		}
	case orb.MultiPolygon:
		var mp orb.MultiPolygon
		for _, p := range v {
			if p = cleanPolygon(p); p != nil {
				mp = append(mp, p)
			}
		}
		if len(mp) > 0 {
			return mp
		}
	}
	return nil
}

func cleanPolygon(p orb.Polygon) orb.Polygon {
	if len(p) == 0 || len(p[0]) < 4 {
		return nil
	}
	out := orb.Polygon{p[0]}
	for _, r := range p[1:] {
		if len(r) >= 4 {
			out = append(out, r)
		}
	}
	return out
}
