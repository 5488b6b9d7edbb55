package geo

import (
	"math"
	"sort"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// TestArrangement: the pieces the boundaries cut the plane into, with
// their holes, each a valid polygon, and every piece inside or outside
// each input as a whole.
func TestArrangement(t *testing.T) {
	for _, tc := range []struct {
		name  string
		in    []orb.MultiPolygon
		areas []float64 // planar areas of the pieces, sorted
		holes int
	}{
		{"two overlapping", []orb.MultiPolygon{box(0, 0, 2), box(1, 1, 2)}, []float64{1, 3, 3}, 0},
		{"nested", []orb.MultiPolygon{box(0, 0, 4), box(1, 1, 1)}, []float64{1, 15}, 1},
		{"corner to corner", []orb.MultiPolygon{box(0, 0, 1), box(1, 1, 1)}, []float64{1, 1}, 0},
		{"a ring around a hole", []orb.MultiPolygon{{{{{0, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 0}}, {{1, 1}, {1, 3}, {3, 3}, {3, 1}, {1, 1}}}}}, []float64{4, 12}, 1},
		{"one vertex shared by a hole", []orb.MultiPolygon{box(0, 0, 4), {{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}}}, []float64{0.5, 15.5}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pieces, err := Arrangement(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			var areas []float64
			holes := 0
			for _, p := range pieces {
				areas = append(areas, math.Abs(planar.Area(p)))
				holes += len(p) - 1
				if _, err := NewShape(orb.MultiPolygon{p}); err != nil {
					t.Errorf("piece %v is invalid: %v", p, err)
				}
				pt := PointOnSurface(p)
				for k, mp := range tc.in {
					if NewContains(mp).Point(pt) != planar.MultiPolygonContains(mp, pt) {
						t.Errorf("Contains disagrees with orb for input %d at %v", k, pt)
					}
				}
			}
			sort.Float64s(areas)
			if len(areas) != len(tc.areas) || holes != tc.holes {
				t.Fatalf("areas %v holes %d, want %v and %d", areas, holes, tc.areas, tc.holes)
			}
			for i := range areas {
				if math.Abs(areas[i]-tc.areas[i]) > 1e-9 {
					t.Errorf("areas %v, want %v", areas, tc.areas)
				}
			}
		})
	}
}
