//go:build geos

package geo

import (
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// TestGEOSEngine: built with -tags geos, overlay runs through GEOS and
// gives the same areas as the Go port would.
func TestGEOSEngine(t *testing.T) {
	if !strings.Contains(Engine, "GEOS") {
		t.Fatalf("Engine = %q with -tags geos", Engine)
	}
	sq := func(x, y, d float64) Shape {
		return NewValidShape(orb.MultiPolygon{{{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}}}})
	}
	a, b := sq(-1.5, 53.3, 0.02), sq(-1.49, 53.3, 0.02)
	in, err := Intersect(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if want := AreaM2(orb.MultiPolygon{{{{-1.49, 53.3}, {-1.48, 53.3}, {-1.48, 53.32}, {-1.49, 53.32}, {-1.49, 53.3}}}}); math.Abs(in.Area-want)/want > 1e-6 {
		t.Errorf("intersection %.1f m², want %.1f", in.Area, want)
	}
	u, err := Merge(a, b)
	if err != nil {
		t.Fatal(err)
	}
	d, err := Subtract(a, b)
	if err != nil {
		t.Fatal(err)
	}
	// Each piece is measured in a projection centred on itself: sums agree
	// to rounding, about 1e-8 here.
	if math.Abs(u.Area-(a.Area+b.Area-in.Area))/u.Area > 1e-6 || math.Abs(d.Area-(a.Area-in.Area))/a.Area > 1e-6 {
		t.Errorf("union %.1f, difference %.1f: do not add up with %.1f, %.1f, %.1f", u.Area, d.Area, a.Area, b.Area, in.Area)
	}
}
