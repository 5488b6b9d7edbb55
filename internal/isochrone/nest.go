package isochrone

import (
	"fmt"

	"github.com/paulmach/orb"
	"github.com/peterstace/simplefeatures/geom"
)

// nest clips each band to the next larger one, largest first. The rasters
// nest exactly, but each band's crossings are placed and simplified on
// their own, which can move a shared stretch of boundary by a fraction of
// a cell; the clip makes band k lie within band k+1 exactly, as a
// cumulative band must.
// A band the topology engine cannot clip is left as it is (a fraction of
// a cell out at most), counted in the result, rather than losing the run.
func nest(bands []orb.MultiPolygon) (unclipped int) {
	for k := len(bands) - 2; k >= 0; k-- {
		if len(bands[k]) == 0 {
			continue
		}
		in, err := clip(bands[k], bands[k+1])
		if err != nil || validate(in) != nil {
			unclipped++
			continue
		}
		bands[k] = in
	}
	return unclipped
}

// clip returns the part of a within b, oriented per RFC 7946.
func clip(a, b orb.MultiPolygon) (out orb.MultiPolygon, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("topology engine: %v", r)
		}
	}()
	g, err := geom.Intersection(toSF(a).AsGeometry(), toSF(b).AsGeometry())
	if err != nil {
		return nil, err
	}
	out = orb.MultiPolygon{}
	for _, part := range g.Dump() {
		p, ok := part.AsPolygon()
		if !ok || p.IsEmpty() {
			continue // a touching edge or point: no area
		}
		p = p.ForceCCW()
		rings := make(orb.Polygon, 0, 1+p.NumInteriorRings())
		rings = append(rings, fromSFRing(p.ExteriorRing()))
		for i := range p.NumInteriorRings() {
			rings = append(rings, fromSFRing(p.InteriorRingN(i)))
		}
		out = append(out, rings)
	}
	return out, nil
}

func fromSFRing(l geom.LineString) orb.Ring {
	seq := l.Coordinates()
	r := make(orb.Ring, seq.Length())
	for i := range r {
		xy := seq.GetXY(i)
		r[i] = orb.Point{xy.X, xy.Y}
	}
	return r
}

func toSF(mp orb.MultiPolygon) geom.MultiPolygon {
	polys := make([]geom.Polygon, len(mp))
	for i, p := range mp {
		rs := make([]geom.LineString, len(p))
		for j, r := range p {
			c := make([]float64, 0, 2*len(r))
			for _, q := range r {
				c = append(c, q[0], q[1])
			}
			rs[j] = geom.NewLineString(geom.NewSequence(c, geom.DimXY))
		}
		polys[i] = geom.NewPolygon(rs)
	}
	return geom.NewMultiPolygon(polys)
}
