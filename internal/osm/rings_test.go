package osm

import (
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// square returns the corners of a square, counter-clockwise from its
// south-west corner, not closed.
func square(x, y, size float64) []orb.Point {
	return []orb.Point{{x, y}, {x + size, y}, {x + size, y + size}, {x, y + size}}
}

func closed(pts []orb.Point) []orb.Point { return append(append([]orb.Point{}, pts...), pts[0]) }

func reversedPts(pts []orb.Point) []orb.Point {
	out := make([]orb.Point, len(pts))
	for i, p := range pts {
		out[len(pts)-1-i] = p
	}
	return out
}

// split cuts a closed ring into ways of n segments each.
func split(ring []orb.Point, n int) [][]orb.Point {
	var ways [][]orb.Point
	for i := 0; i < len(ring)-1; i += n {
		j := min(i+n, len(ring)-1)
		ways = append(ways, append([]orb.Point{}, ring[i:j+1]...))
	}
	return ways
}

func TestAssemble(t *testing.T) {
	outer := closed(square(0, 0, 10))        // 4 segments
	bigOuter := closed(square(-10, -10, 40)) // contains everything below
	hole := closed(square(2, 2, 6))
	island := closed(square(3, 3, 2))
	islandHole := closed(square(3.5, 3.5, 1))
	far := closed(square(100, 100, 1))
	fine := closed([]orb.Point{{0, 0}, {1, 0}, {2, 0}, {3, 0}, {3, 1}, {3, 2}, {3, 3}, {2, 3}, {1, 3}, {0, 3}, {0, 2}, {0, 1}})
	fineWays := split(fine, 2) // 6 ways of 2 segments

	for _, tc := range []struct {
		name         string
		outer, inner [][]orb.Point
		polygons     int
		holes        []int // holes per polygon, in output order
		area         float64
		err          string
	}{
		{name: "one closed way", outer: [][]orb.Point{outer}, polygons: 1, holes: []int{0}, area: 100},
		{name: "closed way given clockwise", outer: [][]orb.Point{reversedPts(outer)}, polygons: 1, holes: []int{0}, area: 100},
		{name: "four ways in order", outer: split(outer, 1), polygons: 1, holes: []int{0}, area: 100},
		{name: "ways out of order and reversed",
			outer:    [][]orb.Point{fineWays[3], reversedPts(fineWays[0]), fineWays[5], reversedPts(fineWays[2]), fineWays[1], reversedPts(fineWays[4])},
			polygons: 1, holes: []int{0}, area: 9},
		{name: "outer and inner", outer: [][]orb.Point{outer}, inner: [][]orb.Point{hole}, polygons: 1, holes: []int{1}, area: 100 - 36},
		{name: "inner split and reversed", outer: split(outer, 2), inner: [][]orb.Point{reversedPts(split(hole, 3)[1]), split(hole, 3)[0]},
			polygons: 1, holes: []int{1}, area: 64},
		{name: "inner goes to the outer that contains it", outer: [][]orb.Point{far, outer}, inner: [][]orb.Point{hole},
			polygons: 2, holes: []int{0, 1}, area: 1 + 64},
		{name: "nested: island in a lake in a park, with a pond",
			outer: [][]orb.Point{bigOuter, island}, inner: [][]orb.Point{islandHole, hole},
			polygons: 2, holes: []int{1, 1}, area: 1600 - 36 + 4 - 1},
		{name: "rings without roles nest", outer: [][]orb.Point{outer, hole, far}, polygons: 2, holes: []int{1, 0}, area: 64 + 1},
		{name: "inner with no outer is taken for an outer", outer: [][]orb.Point{far}, inner: [][]orb.Point{hole},
			polygons: 2, holes: []int{0, 0}, area: 1 + 36},
		{name: "degenerate closed way dropped", outer: [][]orb.Point{outer, {{5, 5}, {6, 6}, {5, 5}}}, polygons: 1, holes: []int{0}, area: 100},
		{name: "gap", outer: split(outer, 1)[:3], err: "outer: a chain of 3 ways does not close: it stops at (0.0000000, 10.0000000), away from its start at (0.0000000, 0.0000000)"},
		{name: "inner gap", outer: [][]orb.Point{outer}, inner: split(hole, 1)[1:], err: "inner: a chain of 3 ways does not close"},
		{name: "nothing", err: "no rings"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mp, err := Assemble(tc.outer, tc.inner)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(mp) != tc.polygons {
				t.Fatalf("%d polygons, want %d: %v", len(mp), tc.polygons, mp)
			}
			for i, p := range mp {
				if got := len(p) - 1; got != tc.holes[i] {
					t.Errorf("polygon %d has %d holes, want %d", i, got, tc.holes[i])
				}
				for j, r := range p {
					if !r.Closed() || len(r) < 4 {
						t.Errorf("polygon %d ring %d is not a closed ring: %v", i, j, r)
					}
					want := orb.CCW
					if j > 0 {
						want = orb.CW
					}
					if o := r.Orientation(); o != want {
						t.Errorf("polygon %d ring %d winds %v, want %v", i, j, o, want)
					}
				}
			}
			if a := planar.Area(mp); math.Abs(a-tc.area) > 1e-9 {
				t.Errorf("area %g, want %g", a, tc.area)
			}
		})
	}
}

func TestAssembleDoesNotShareInput(t *testing.T) {
	ring := closed(square(0, 0, 1))
	ring = reversedPts(ring) // clockwise: Assemble must reverse its copy
	before := append([]orb.Point{}, ring...)
	if _, err := Assemble([][]orb.Point{ring}, nil); err != nil {
		t.Fatal(err)
	}
	for i := range ring {
		if ring[i] != before[i] {
			t.Fatalf("Assemble changed its input: %v, was %v", ring, before)
		}
	}
}
