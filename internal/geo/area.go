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
// WGS84 ellipsoid, and measures there. Centred on the geometry, the
// projection keeps edges nearly as straight as the geodesics PostGIS's
// geography measures along: shares agree with PostGIS to about 1e-7. Each
// polygon counts as the absolute shoelace area of its exterior ring less
// those of its holes, which for a valid geometry is its true area; for an
// invalid one see Repair.
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

// authalicQ is Snyder's q(φ) over (1-e²) (eq. 3-12), from sin φ.
func authalicQ(sinPhi float64) float64 {
	e := wgs84E
	return sinPhi/(1-e*e*sinPhi*sinPhi) - math.Log((1-e*sinPhi)/(1+e*sinPhi))/(2*e)
}

// equalAreaProjection returns a function projecting longitude/latitude to
// metres in the ellipsoidal Lambert azimuthal equal-area projection centred
// on b (Snyder 1987, "Map Projections: A Working Manual", eqs. 24-11 to
// 24-20, oblique aspect). The constants are worked out once here rather
// than per point: measuring areas is a large part of a crosswalk's time.
// Centring on the geometry keeps shape distortion small, which matters for
// the precision of the planar measure, not for its area.
func equalAreaProjection(b orb.Bound) func(orb.Point) orb.Point {
	e2 := wgs84E * wgs84E
	c := b.Center()
	lon0 := c[0]
	phi1 := math.Max(-89, math.Min(89, c[1])) * math.Pi / 180 // the constants divide by cos φ1
	qp := authalicQ(1)
	sinB1 := authalicQ(math.Sin(phi1)) / qp
	cosB1 := math.Sqrt(1 - sinB1*sinB1)
	rq := wgs84A * math.Sqrt((1-e2)*qp/2)
	m1 := math.Cos(phi1) / math.Sqrt(1-e2*math.Sin(phi1)*math.Sin(phi1))
	d := wgs84A * m1 / (rq * cosB1)
	return func(p orb.Point) orb.Point {
		sinB := authalicQ(math.Sin(p[1]*math.Pi/180)) / qp
		cosB := math.Sqrt(math.Max(0, 1-sinB*sinB))
		sinL, cosL := math.Sincos((p[0] - lon0) * math.Pi / 180)
		bb := rq * math.Sqrt(2/(1+sinB1*sinB+cosB1*cosB*cosL))
		return orb.Point{bb * d * cosB * sinL, bb / d * (cosB1*sinB - sinB1*cosB*cosL)}
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
