package isochrone

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
)

// benchNet is a lattice of about 100 000 street pieces 50 m long
// (224 × 224 vertices, 11 km square, each piece with a midpoint vertex)
// with distances from sources 1.6 km apart: every piece is reached
// within 20 minutes at 4.8 km/h.
func benchNet() Reached {
	const n, s, src = 224, 50.0, 1600.0
	dist := func(x, y float64) float64 {
		dx := math.Abs(math.Mod(x+src/2, src) - src/2)
		dy := math.Abs(math.Mod(y+src/2, src) - src/2)
		return dx + dy
	}
	pl := testPlane()
	var lines []orb.LineString
	var metres [][]float64
	add := func(x0, y0, x1, y1 float64) {
		mx, my := (x0+x1)/2, (y0+y1)/2
		lines = append(lines, orb.LineString{pl.inv(x0, y0), pl.inv(mx, my), pl.inv(x1, y1)})
		metres = append(metres, []float64{dist(x0, y0), dist(mx, my), dist(x1, y1)})
	}
	for i := range n {
		for j := range n {
			x, y := float64(i)*s, float64(j)*s
			if i+1 < n {
				add(x, y, x+s, y)
			}
			if j+1 < n {
				add(x, y, x, y+s)
			}
		}
	}
	return func(fn func(orb.LineString, []float64)) {
		for i, l := range lines {
			fn(l, metres[i])
		}
	}
}

// BenchmarkBands100k: go test -run '^$' -bench Bands -benchmem ./internal/isochrone
func BenchmarkBands100k(b *testing.B) {
	net := benchNet()
	limits := []float64{400, 800, 1200, 1600}
	pieces := 0
	net(func(orb.LineString, []float64) { pieces++ })
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		bands, rep, err := BandsReport(net, limits, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if rep.Pieces != pieces || len(bands[3]) == 0 {
			b.Fatalf("%d of %d pieces, %d polygons", rep.Pieces, pieces, len(bands[3]))
		}
	}
	b.ReportMetric(float64(pieces), "pieces")
}
