package reconcile

import (
	"fmt"
	"math"
	"math/rand"
	"testing"

	"github.com/paulmach/orb"
)

// drawnOutlines are n residents' drawings of one neighbourhood: irregular
// 24-cornered outlines around much the same middle (about 1 km across),
// each shifted and stretched a little, as people draw the same place
// differently. Deterministic.
func drawnOutlines(n int) []orb.MultiPolygon {
	rng := rand.New(rand.NewSource(18))
	out := make([]orb.MultiPolygon, n)
	for i := range out {
		cx, cy := -1.47+rng.Float64()*0.004, 53.355+rng.Float64()*0.003
		r := orb.Ring{}
		for k := 0; k < 24; k++ {
			a := 2 * math.Pi * float64(k) / 24
			rad := 0.006 * (0.8 + 0.4*rng.Float64())
			r = append(r, orb.Point{cx + rad*math.Cos(a)*1.6, cy + rad*math.Sin(a)})
		}
		r = append(r, r[0])
		out[i] = orb.MultiPolygon{{r}}
	}
	return out
}

// BenchmarkDrawingsAgreement times the agreement surface of 10, 50 and
// 200 overlapping drawings of one place (GET
// /api/places/{slug}/drawings/surface, uncached): by the arrangement
// (Agreement), and by cutting one drawing at a time as before (too slow
// past 50: run it with -bench 'cutting/drawings=(10|50)$').
func BenchmarkDrawingsAgreement(b *testing.B) {
	for _, how := range []struct {
		name string
		fn   func([]orb.MultiPolygon) ([]Face, error)
	}{{"arrangement", Agreement}, {"cutting", agreementByCutting}} {
		for _, n := range []int{10, 50, 200} {
			benchAgreement(b, how.name, how.fn, n)
		}
	}
}

func benchAgreement(b *testing.B, name string, fn func([]orb.MultiPolygon) ([]Face, error), n int) {
	defs := drawnOutlines(n)
	b.Run(fmt.Sprintf("%s/drawings=%d", name, n), func(b *testing.B) {
		var faces int
		for i := 0; i < b.N; i++ {
			f, err := fn(defs)
			if err != nil {
				b.Fatal(err)
			}
			faces = len(f)
		}
		b.ReportMetric(float64(faces), "faces")
	})
}

// BenchmarkDrawingsByCount times merging the faces of 10, 50 and 200
// drawings by how many cover them (the drawings surface's faces).
func BenchmarkDrawingsByCount(b *testing.B) {
	for _, n := range []int{10, 50, 200} {
		b.Run(fmt.Sprintf("drawings=%d", n), func(b *testing.B) {
			faces, err := Agreement(drawnOutlines(n))
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := ByCount(faces); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
