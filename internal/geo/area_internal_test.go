package geo

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/wroge/wgs84"
)

// TestEqualAreaProjectionMatchesWGS84: the projection with its constants
// worked out once gives wgs84's Lambert azimuthal equal-area coordinates
// to a micrometre, near its centre and 3° away.
func TestEqualAreaProjectionMatchesWGS84(t *testing.T) {
	for _, b := range []orb.Bound{
		{Min: orb.Point{-1.8, 53.3}, Max: orb.Point{-1.3, 53.5}}, // Sheffield
		{Min: orb.Point{-5.7, 50.0}, Max: orb.Point{1.8, 55.8}},  // England
		{Min: orb.Point{151.1, -34}, Max: orb.Point{151.3, -33.8}},
	} {
		proj := equalAreaProjection(b)
		c := b.Center()
		crs := wgs84.WGS84().LambertAzimuthalEqualArea(c[0], c[1], 0, 0)
		for _, p := range []orb.Point{b.Min, b.Max, c, {b.Min[0], b.Max[1]}, {c[0] + 3, c[1] - 3}} {
			x, y := crs.Projection.FromLonLat(p[0], p[1], crs.Datum)
			if q := proj(p); math.Abs(q[0]-x) > 1e-6 || math.Abs(q[1]-y) > 1e-6 {
				t.Errorf("centre %v, %v: (%.6f, %.6f), wgs84 says (%.6f, %.6f)", c, p, q[0], q[1], x, y)
			}
		}
	}
}
