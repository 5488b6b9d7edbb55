// Package geo provides geometry helpers: validation and repair, reprojection, equal-area measure.
//
// Geometries enter and leave as orb types, the project's common geometry
// vocabulary. simplefeatures does the topology (validity, union, repair) and
// is converted to and from only inside this package, so no other package
// depends on it.
package geo

import (
	"fmt"

	"github.com/paulmach/orb"
	"github.com/peterstace/simplefeatures/geom"

	"github.com/placemap/placemap/internal/place"
)

// ToMultiPolygon returns g as a MultiPolygon. It accepts an orb.Polygon or
// orb.MultiPolygon and fails with EINVALID for any other type. The result
// shares memory with g.
func ToMultiPolygon(g orb.Geometry) (orb.MultiPolygon, error) {
	switch g := g.(type) {
	case orb.Polygon:
		return orb.MultiPolygon{g}, nil
	case orb.MultiPolygon:
		return g, nil
	case nil:
		return nil, place.Errorf(place.EINVALID, "geometry is missing, want Polygon or MultiPolygon")
	default:
		return nil, place.Errorf(place.EINVALID, "geometry is a %s, want Polygon or MultiPolygon", g.GeoJSONType())
	}
}

// closeRings returns a copy of mp in which every ring ends where it starts.
// GeoJSON requires closed rings but hand-made files often omit the last
// position, and simplefeatures rejects an open ring outright.
func closeRings(mp orb.MultiPolygon) orb.MultiPolygon {
	out := mp.Clone()
	for _, p := range out {
		for i, r := range p {
			if len(r) > 0 && !r.Closed() {
				p[i] = append(r, r[0])
			}
		}
	}
	return out
}

func toSFSequence(pts []orb.Point) geom.Sequence {
	flat := make([]float64, 0, 2*len(pts))
	for _, p := range pts {
		flat = append(flat, p[0], p[1])
	}
	return geom.NewSequence(flat, geom.DimXY)
}

func toSFPolygon(p orb.Polygon) geom.Polygon {
	rings := make([]geom.LineString, len(p))
	for i, r := range p {
		rings[i] = geom.NewLineString(toSFSequence(r))
	}
	return geom.NewPolygon(rings)
}

// toSFMultiPolygon converts without validating: validation is the caller's
// decision, made once, so that an invalid input can still be repaired.
func toSFMultiPolygon(mp orb.MultiPolygon) geom.MultiPolygon {
	polys := make([]geom.Polygon, len(mp))
	for i, p := range mp {
		polys[i] = toSFPolygon(p)
	}
	return geom.NewMultiPolygon(polys)
}

// toSF converts any orb geometry to a simplefeatures one, without
// validating it.
func toSF(g orb.Geometry) (geom.Geometry, error) {
	switch g := g.(type) {
	case orb.Point:
		return geom.NewPointXY(g[0], g[1]).AsGeometry(), nil
	case orb.MultiPoint:
		pts := make([]geom.Point, len(g))
		for i, p := range g {
			pts[i] = geom.NewPointXY(p[0], p[1])
		}
		return geom.NewMultiPoint(pts).AsGeometry(), nil
	case orb.LineString:
		return geom.NewLineString(toSFSequence(g)).AsGeometry(), nil
	case orb.MultiLineString:
		lines := make([]geom.LineString, len(g))
		for i, l := range g {
			lines[i] = geom.NewLineString(toSFSequence(l))
		}
		return geom.NewMultiLineString(lines).AsGeometry(), nil
	case orb.Ring:
		return toSFPolygon(orb.Polygon{g}).AsGeometry(), nil
	case orb.Polygon:
		return toSFPolygon(g).AsGeometry(), nil
	case orb.MultiPolygon:
		return toSFMultiPolygon(g).AsGeometry(), nil
	case orb.Bound:
		return toSFPolygon(g.ToPolygon()).AsGeometry(), nil
	case orb.Collection:
		gs := make([]geom.Geometry, len(g))
		for i, c := range g {
			sg, err := toSF(c)
			if err != nil {
				return geom.Geometry{}, err
			}
			gs[i] = sg
		}
		return geom.NewGeometryCollection(gs).AsGeometry(), nil
	case nil:
		return geom.Geometry{}, place.Errorf(place.EINVALID, "geometry is missing")
	default:
		return geom.Geometry{}, fmt.Errorf("geo: unsupported geometry type %T", g)
	}
}

func fromSFSequence(s geom.Sequence) []orb.Point {
	n := s.Length()
	pts := make([]orb.Point, n)
	for i := range n {
		xy := s.GetXY(i)
		pts[i] = orb.Point{xy.X, xy.Y}
	}
	return pts
}

func fromSFPolygon(p geom.Polygon) orb.Polygon {
	out := make(orb.Polygon, 0, p.NumRings())
	out = append(out, orb.Ring(fromSFSequence(p.ExteriorRing().Coordinates())))
	for i := range p.NumInteriorRings() {
		out = append(out, orb.Ring(fromSFSequence(p.InteriorRingN(i).Coordinates())))
	}
	return out
}

// polygonal returns the areal part of g as an orb.MultiPolygon. Overlay
// operations may return a GeometryCollection holding zero-area leftovers
// (points, lines) beside the polygons; those carry no area and are dropped.
func polygonal(g geom.Geometry) orb.MultiPolygon {
	var out orb.MultiPolygon
	switch g.Type() {
	case geom.TypePolygon:
		if p := g.MustAsPolygon(); !p.IsEmpty() {
			out = append(out, fromSFPolygon(p))
		}
	case geom.TypeMultiPolygon:
		mp := g.MustAsMultiPolygon()
		for i := range mp.NumPolygons() {
			if p := mp.PolygonN(i); !p.IsEmpty() {
				out = append(out, fromSFPolygon(p))
			}
		}
	case geom.TypeGeometryCollection:
		gc := g.MustAsGeometryCollection()
		for i := range gc.NumGeometries() {
			out = append(out, polygonal(gc.GeometryN(i))...)
		}
	}
	return out
}
