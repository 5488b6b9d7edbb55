package geo

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/wroge/wgs84"
)

// AreaM2 returns the area of mp in square metres, mp being in WGS84
// longitude/latitude.
//
// It projects mp with the ellipsoidal Lambert cylindrical equal-area
// projection, with its standard parallel through the middle of mp's bound,
// in which planar area equals area on the WGS84 ellipsoid, and measures
// there. Each polygon counts as the absolute shoelace area of its exterior
// ring less those of its holes, which for a valid geometry is its true area;
// for an invalid one see Repair.
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

// WGS84's semi-major axis (m) and first eccentricity, from its flattening.
var (
	wgs84A = wgs84.WGS84().A()
	wgs84F = 1 / wgs84.WGS84().Fi()
	wgs84E = math.Sqrt(wgs84F * (2 - wgs84F))
)

// equalAreaProjection returns a function projecting longitude/latitude to
// metres in the ellipsoidal Lambert cylindrical equal-area projection
// (Snyder 1987, "Map Projections: A Working Manual", §10, eqs 10-13, 10-14)
// with its standard parallel through the middle of b: x = a·k0·λ,
// y = a·q(φ)/(2·k0). Equal-area holds everywhere; the standard parallel
// only keeps shapes near b undistorted, which helps the precision of the
// planar measure. Per point it costs a sine and a logarithm, and every
// constant is worked out once here: measuring areas is a large part of a
// crosswalk's time.
func equalAreaProjection(b orb.Bound) func(orb.Point) orb.Point {
	e := wgs84E
	e2 := e * e
	phi0 := math.Max(-89, math.Min(89, b.Center()[1])) * math.Pi / 180
	s0 := math.Sin(phi0)
	k0 := math.Cos(phi0) / math.Sqrt(1-e2*s0*s0)
	lon0 := b.Center()[0]
	kx := wgs84A * k0 * math.Pi / 180
	ky := wgs84A * (1 - e2) / (2 * k0)
	return func(p orb.Point) orb.Point {
		s := math.Sin(p[1] * math.Pi / 180)
		// q(φ)/(1-e²), Snyder eq. 3-12.
		q := s/(1-e2*s*s) - math.Log((1-e*s)/(1+e*s))/(2*e)
		return orb.Point{kx * (p[0] - lon0), ky * q}
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
