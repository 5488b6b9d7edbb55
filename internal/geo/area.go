package geo

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/wroge/wgs84"
)

// AreaM2 returns the area of mp in square metres, mp being in WGS84
// longitude/latitude.
//
// It projects mp with an ellipsoidal Lambert azimuthal equal-area
// projection centred on mp's bound, in which planar area equals area on the
// WGS84 ellipsoid, and measures there. Each polygon counts as the absolute
// shoelace area of its exterior ring less those of its holes, which for a
// valid geometry is its true area; for an invalid one see Repair.
func AreaM2(mp orb.MultiPolygon) float64 {
	if len(mp) == 0 {
		return 0
	}
	proj := equalAreaProjection(mp.Bound())
	var total float64
	for _, p := range mp {
		total += polygonAreaM2(p, proj)
	}
	return total
}

// equalAreaProjection returns a function projecting longitude/latitude to
// metres in a Lambert azimuthal equal-area projection centred on b. Centring
// on the geometry keeps the projection's shape distortion small, which
// matters for the numerical precision of the planar measure, not for its
// area (equal-area holds everywhere).
func equalAreaProjection(b orb.Bound) func(orb.Point) orb.Point {
	c := b.Center()
	// The projection's constants divide by cos(latitude of origin).
	lat0 := math.Max(-89, math.Min(89, c[1]))
	crs := wgs84.WGS84().LambertAzimuthalEqualArea(c[0], lat0, 0, 0)
	return func(p orb.Point) orb.Point {
		// Straight from the projection, skipping the geocentric round
		// trip that wgs84's Transform makes for a datum change there is
		// none of.
		x, y := crs.Projection.FromLonLat(p[0], p[1], crs.Datum)
		return orb.Point{x, y}
	}
}

func polygonAreaM2(p orb.Polygon, proj func(orb.Point) orb.Point) float64 {
	var a float64
	for i, r := range p {
		ra := math.Abs(signedRingArea(r, proj))
		if i == 0 {
			a += ra
		} else {
			a -= ra
		}
	}
	return a
}

// signedRingArea is the shoelace area of r after proj, positive when r runs
// anticlockwise. An unclosed ring is measured as if closed. Coordinates are
// taken relative to the first vertex to keep the products small.
func signedRingArea(r orb.Ring, proj func(orb.Point) orb.Point) float64 {
	if len(r) < 3 {
		return 0
	}
	pts := make([]orb.Point, len(r))
	for i, p := range r {
		pts[i] = proj(p)
	}
	o := pts[0]
	var sum float64
	for i := range pts {
		a, b := pts[i], pts[(i+1)%len(pts)]
		sum += (a[0]-o[0])*(b[1]-o[1]) - (b[0]-o[0])*(a[1]-o[1])
	}
	return sum / 2
}
