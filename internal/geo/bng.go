package geo

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/wroge/wgs84"
)

// FromBNG converts a British National Grid (EPSG:27700) easting and northing
// in metres to a WGS84 longitude/latitude point.
//
// It uses the OSGB36 seven-parameter Helmert transformation that Ordnance
// Survey publishes for approximate work (EPSG's "OSGB36 to WGS 84 (6)"),
// not the OSTN15 grid, so results are within a few metres of the definitive
// position: ample for placing civic assets and boundaries, not for
// surveying. It agrees with PROJ's cs2cs EPSG:27700 EPSG:4326 to 1 mm.
func FromBNG(easting, northing float64) orb.Point {
	// wgs84 does the datum shift; the grid's projection is ours, because
	// wgs84 v1.1.7's transverse Mercator inverse raises to the power 3/2
	// in integer arithmetic (1), putting latitudes up to 10 m out at the
	// edges of Great Britain. Built per call: a few small structs, and no
	// package state.
	grid := wgs84.ProjectedReferenceSystem{Datum: wgs84.OSGB36(), Projection: nationalGrid{}}
	lon, lat, _ := grid.To(wgs84.LonLat())(easting, northing, 0)
	return orb.Point{lon, lat}
}

// nationalGrid is the transverse Mercator projection of the British
// National Grid, with the formulas of Ordnance Survey's "A guide to
// coordinate systems in Great Britain" (annex C), which are accurate to
// 1 mm across the grid. It implements wgs84.Projection for the Airy 1830
// spheroid it is given.
type nationalGrid struct{}

const (
	ngScale    = 0.9996012717       // F0, scale on the central meridian
	ngLat0     = 49 * math.Pi / 180 // φ0, true origin
	ngLon0     = -2 * math.Pi / 180 // λ0, central meridian
	ngEasting  = 400000.0           // E0 of the true origin
	ngNorthing = -100000.0          // N0 of the true origin
)

// meridionalArc is M, the distance along the meridian from the origin's
// latitude to φ, scaled by F0.
func meridionalArc(phi, b, n float64) float64 {
	n2, n3 := n*n, n*n*n
	d, s := phi-ngLat0, phi+ngLat0
	return b * ngScale * ((1+n+5.0/4*n2+5.0/4*n3)*d -
		(3*n+3*n2+21.0/8*n3)*math.Sin(d)*math.Cos(s) +
		(15.0/8*n2+15.0/8*n3)*math.Sin(2*d)*math.Cos(2*s) -
		35.0/24*n3*math.Sin(3*d)*math.Cos(3*s))
}

// spheroidTerms returns b, n and e² of the spheroid s, and ν, ρ and η² at
// latitude φ, ν and ρ scaled by F0.
func spheroidTerms(s wgs84.Spheroid, phi float64) (b, n, e2, nu, rho, eta2 float64) {
	a := s.A()
	b = a * (1 - 1/s.Fi())
	n = (a - b) / (a + b)
	e2 = (a*a - b*b) / (a * a)
	sin := math.Sin(phi)
	nu = a * ngScale / math.Sqrt(1-e2*sin*sin)
	rho = a * ngScale * (1 - e2) / math.Pow(1-e2*sin*sin, 1.5)
	return b, n, e2, nu, rho, nu/rho - 1
}

// ToLonLat converts grid metres to longitude/latitude in degrees on s.
func (nationalGrid) ToLonLat(east, north float64, s wgs84.Spheroid) (lon, lat float64) {
	a := s.A()
	b, n, _, _, _, _ := spheroidTerms(s, ngLat0)
	phi := (north-ngNorthing)/(a*ngScale) + ngLat0
	for range 20 { // converges in 3 or 4 steps
		m := meridionalArc(phi, b, n)
		if math.Abs(north-ngNorthing-m) < 1e-5 {
			break
		}
		phi += (north - ngNorthing - m) / (a * ngScale)
	}
	_, _, _, nu, rho, eta2 := spheroidTerms(s, phi)
	t := math.Tan(phi)
	t2, t4, t6 := t*t, t*t*t*t, t*t*t*t*t*t
	sec := 1 / math.Cos(phi)
	vii := t / (2 * rho * nu)
	viii := t / (24 * rho * math.Pow(nu, 3)) * (5 + 3*t2 + eta2 - 9*t2*eta2)
	ix := t / (720 * rho * math.Pow(nu, 5)) * (61 + 90*t2 + 45*t4)
	x := sec / nu
	xi := sec / (6 * math.Pow(nu, 3)) * (nu/rho + 2*t2)
	xii := sec / (120 * math.Pow(nu, 5)) * (5 + 28*t2 + 24*t4)
	xiia := sec / (5040 * math.Pow(nu, 7)) * (61 + 662*t2 + 1320*t4 + 720*t6)
	de := east - ngEasting
	phi = phi - vii*de*de + viii*math.Pow(de, 4) - ix*math.Pow(de, 6)
	lam := ngLon0 + x*de - xi*math.Pow(de, 3) + xii*math.Pow(de, 5) - xiia*math.Pow(de, 7)
	return lam * 180 / math.Pi, phi * 180 / math.Pi
}

// FromLonLat converts longitude/latitude in degrees on s to grid metres.
func (nationalGrid) FromLonLat(lon, lat float64, s wgs84.Spheroid) (east, north float64) {
	phi, lam := lat*math.Pi/180, lon*math.Pi/180
	b, n, _, nu, rho, eta2 := spheroidTerms(s, phi)
	sin, cos, t := math.Sin(phi), math.Cos(phi), math.Tan(phi)
	t2, t4 := t*t, t*t*t*t
	i := meridionalArc(phi, b, n) + ngNorthing
	ii := nu / 2 * sin * cos
	iii := nu / 24 * sin * math.Pow(cos, 3) * (5 - t2 + 9*eta2)
	iiia := nu / 720 * sin * math.Pow(cos, 5) * (61 - 58*t2 + t4)
	iv := nu * cos
	v := nu / 6 * math.Pow(cos, 3) * (nu/rho - t2)
	vi := nu / 120 * math.Pow(cos, 5) * (5 - 18*t2 + t4 + 14*eta2 - 58*t2*eta2)
	dl := lam - ngLon0
	north = i + ii*dl*dl + iii*math.Pow(dl, 4) + iiia*math.Pow(dl, 6)
	east = ngEasting + iv*dl + v*math.Pow(dl, 3) + vi*math.Pow(dl, 5)
	return east, north
}

// plausibleLonLat reports whether p could be a longitude/latitude.
func plausibleLonLat(p orb.Point) bool {
	return math.Abs(p[0]) <= 180 && math.Abs(p[1]) <= 90
}

// LooksLikeBNG reports whether p looks like a British National Grid
// easting/northing rather than a longitude/latitude: it lies inside the
// grid's extent (0–700 km east, 0–1300 km north) but cannot be a
// longitude/latitude. The test targets Great Britain; it is a guess used to
// explain a wrong CRS, never to reproject silently.
func LooksLikeBNG(p orb.Point) bool {
	return p[0] >= 0 && p[0] <= 700000 &&
		p[1] >= 0 && p[1] <= 1300000 &&
		!plausibleLonLat(p)
}

// LooksSwapped reports whether b looks like Great Britain with latitude and
// longitude exchanged: x within 49..61 and y within -9..3, which is where
// Britain's latitudes and longitudes fall. The heuristic targets Great
// Britain; genuine data from that part of the Indian Ocean (Seychelles)
// would be misjudged, which placemap accepts as it serves UK data.
func LooksSwapped(b orb.Bound) bool {
	return b.Min[0] >= 49 && b.Max[0] <= 61 &&
		b.Min[1] >= -9 && b.Max[1] <= 3
}
