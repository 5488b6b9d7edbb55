package geo

import (
	"testing"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/place"
)

// FuzzRepair feeds Repair arbitrary five-vertex rings, the smallest that
// can pinch, cross and fold: it must not panic, must refuse with EINVALID,
// and what it accepts must be valid and keep the area.
func FuzzRepair(f *testing.F) {
	f.Add(0.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.5, 0.5) // square with a vertex inside
	f.Add(0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0) // bow-tie
	f.Add(0.0, 0.0, 4.0, 0.0, 4.0, 4.0, 2.0, 0.0, 0.0, 4.0) // touches itself
	f.Add(0.0, 0.0, 4.0, 0.0, 4.0, 6.0, 4.0, 5.0, 0.0, 4.0) // spike
	f.Fuzz(func(t *testing.T, x0, y0, x1, y1, x2, y2, x3, y3, x4, y4 float64) {
		ring := orb.Ring{{x0, y0}, {x1, y1}, {x2, y2}, {x3, y3}, {x4, y4}, {x0, y0}}
		for _, p := range ring {
			// Stay within longitude/latitude, where AreaM2 is defined.
			if !(p[0] >= -180 && p[0] <= 180 && p[1] >= -85 && p[1] <= 85) {
				return
			}
		}
		in := orb.MultiPolygon{{ring}}
		out, _, err := Repair(in, 0.001)
		if err != nil {
			if place.ErrorCode(err) != place.EINVALID {
				t.Fatalf("error code %q: %v", place.ErrorCode(err), err)
			}
			return
		}
		if err := toSFMultiPolygon(out).Validate(); err != nil {
			t.Fatalf("accepted an invalid result: %v", err)
		}
		if d := relativeChange(AreaM2(in), AreaM2(out)); d > 0.001 {
			t.Fatalf("accepted an area change of %v", d)
		}
	})
}
