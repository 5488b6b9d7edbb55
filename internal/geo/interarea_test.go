package geo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/placemap/placemap/internal/testkit"
)

// sheffieldSet reads a boundary file of geodata/sheffield as shapes,
// repaired as an importer repairs them.
func sheffieldSet(t testing.TB, file string) []Shape {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../../geodata/sheffield", file))
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		t.Fatal(err)
	}
	var out []Shape
	for _, f := range fc.Features {
		mp, err := ToMultiPolygon(f.Geometry)
		if err != nil {
			t.Fatal(err)
		}
		mp, _, err = Repair(mp, 0.01)
		if err != nil {
			t.Fatalf("%v: %v", f.Properties, err)
		}
		s, err := NewShape(mp)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

var sheffieldFiles = map[string]string{
	"oa":         "ons/statistical__eng__oa_by_lad__E08000019.json",
	"lsoa":       "ons/statistical__eng__lsoa_by_lad__E08000019.json",
	"wards-2013": "ons/electoral__eng__wards_by_lad__E08000019.json",
	"wards-2019": "ons-2019/sheffield_wards_2019.geojson",
	"community":  "community/data_neighbourhoods.geojson",
}

// TestIntersectionAreaSheffield checks IntersectionArea against the
// overlay's area on every pair of Sheffield areas whose boxes meet, in
// crosswalks that cross (OAs × community areas), nest with shared edges
// (OAs × LSOAs) and redraw (wards 2013 × 2019).
func TestIntersectionAreaSheffield(t *testing.T) {
	if testing.Short() {
		t.Skip("overlays thousands of pairs (skipped with -short)")
	}
	sets := map[string][]Shape{}
	for k, f := range sheffieldFiles {
		sets[k] = sheffieldSet(t, f)
	}
	for _, tc := range [][2]string{{"oa", "community"}, {"lsoa", "wards-2013"}, {"lsoa", "wards-2019"}, {"wards-2013", "wards-2019"}, {"oa", "lsoa"}, {"community", "community"}} {
		t.Run(tc[0]+"×"+tc[1], func(t *testing.T) {
			a, b := sets[tc[0]], sets[tc[1]]
			pairs, fallbacks, worst, worstShare := 0, 0, 0.0, 0.0
			for i := range a {
				for j := range b {
					if !a[i].Bound.Intersects(b[j].Bound) {
						continue
					}
					pairs++
					got, err := IntersectionArea(a[i], b[j])
					if err != nil {
						t.Fatal(err)
					}
					if _, ok := intersectionArea(a[i].prepared(), b[j].prepared()); !ok {
						fallbacks++
					}
					want, err := IntersectNear(a[i], b[j])
					if err != nil {
						t.Fatal(err)
					}
					d := math.Abs(got - want.Area)
					worstShare = math.Max(worstShare, d/math.Min(a[i].Area, b[j].Area))
					if want.Area > 1e-6*math.Min(a[i].Area, b[j].Area) {
						worst = math.Max(worst, d/want.Area)
					}
					if d > 1e-9*math.Min(a[i].Area, b[j].Area) {
						t.Errorf("%s %d × %s %d: area %.9g, overlay %.9g", tc[0], i, tc[1], j, got, want.Area)
					}
				}
			}
			t.Logf("%d pairs, %d fell back to the overlay; largest difference %.2g of the intersection, %.2g of the smaller area", pairs, fallbacks, worst, worstShare)
		})
	}
}

// cells is the union of the cells of a 6 × 6 grid whose bits are set in
// mask, each 0.001° square, from (x0, y0): shapes with holes, parts that
// touch at a corner, and edges shared with other such shapes.
func cells(t testing.TB, mask uint64, x0, y0 float64) (Shape, bool) {
	t.Helper()
	const size = 0.001
	var parts []orb.MultiPolygon
	for k := range 36 {
		if mask&(1<<k) == 0 {
			continue
		}
		x, y := x0+float64(k%6)*size, y0+float64(k/6)*size
		parts = append(parts, orb.MultiPolygon{{{{x, y}, {x + size, y}, {x + size, y + size}, {x, y + size}, {x, y}}}})
	}
	if len(parts) == 0 {
		return Shape{}, false
	}
	mp, err := Dissolve(parts)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewShape(mp)
	if err != nil {
		t.Fatal(err)
	}
	return s, true
}

// noReference ends a check whose reference, the overlay, could not be
// built: nothing is left to compare against. Under CI that is a failure
// (a skip there would hide every check after it), elsewhere a skip that
// says so.
func noReference(t testing.TB, err error) {
	t.Helper()
	if testkit.InCI() {
		t.Fatalf("the reference overlay failed: %v", err)
	}
	t.Skipf("SKIP: the reference overlay failed: %v", err)
}

// checkIntersectionArea compares IntersectionArea with the overlay's area,
// both ways round, to 1e-9 of the smaller area.
func checkIntersectionArea(t *testing.T, a, b Shape) {
	t.Helper()
	want, err := Intersect(a, b)
	if err != nil {
		noReference(t, err)
	}
	for _, ab := range [][2]Shape{{a, b}, {b, a}} {
		got, err := IntersectionArea(ab[0], ab[1])
		if err != nil {
			t.Fatal(err)
		}
		if d := math.Abs(got - want.Area); d > 1e-9*math.Min(a.Area, b.Area)+1e-9 {
			t.Fatalf("area %.12g m², overlay %.12g m² (a %v, b %v)", got, want.Area, ab[0].MP, ab[1].MP)
		}
	}
}

func TestIntersectionAreaCases(t *testing.T) {
	sq := func(x, y, w, h float64) Shape {
		s, err := NewShape(orb.MultiPolygon{{{{x, y}, {x + w, y}, {x + w, y + h}, {x, y + h}, {x, y}}}})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	ring := func(x, y, w, h, hx, hy, hw, hh float64) Shape { // a square with a square hole, the hole clockwise
		s, err := NewShape(orb.MultiPolygon{{
			{{x, y}, {x + w, y}, {x + w, y + h}, {x, y + h}, {x, y}},
			{{hx, hy}, {hx, hy + hh}, {hx + hw, hy + hh}, {hx + hw, hy}, {hx, hy}},
		}})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	cw, err := NewShape(orb.MultiPolygon{{{{-1.5, 53.4}, {-1.5, 53.41}, {-1.49, 53.41}, {-1.49, 53.4}, {-1.5, 53.4}}}}) // clockwise exterior
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		a, b Shape
	}{
		{"the same square", sq(-1.5, 53.4, 0.01, 0.01), sq(-1.5, 53.4, 0.01, 0.01)},
		{"the same square, drawn clockwise", sq(-1.5, 53.4, 0.01, 0.01), cw},
		{"side by side (an edge shared, running opposite ways)", sq(-1.5, 53.4, 0.01, 0.01), sq(-1.49, 53.4, 0.01, 0.01)},
		{"corner to corner", sq(-1.5, 53.4, 0.01, 0.01), sq(-1.49, 53.41, 0.01, 0.01)},
		{"half of it, two edges shared", sq(-1.5, 53.4, 0.01, 0.01), sq(-1.5, 53.4, 0.005, 0.01)},
		{"inside, no edge near", sq(-1.5, 53.4, 0.01, 0.01), sq(-1.497, 53.403, 0.002, 0.002)},
		{"crossing", sq(-1.5, 53.4, 0.01, 0.01), sq(-1.495, 53.395, 0.01, 0.01)},
		{"a plus sign", sq(-1.5, 53.403, 0.01, 0.004), sq(-1.497, 53.4, 0.004, 0.01)},
		{"in the hole", ring(-1.5, 53.4, 0.01, 0.01, -1.497, 53.403, 0.004, 0.004), sq(-1.496, 53.404, 0.001, 0.001)},
		{"filling the hole exactly", ring(-1.5, 53.4, 0.01, 0.01, -1.497, 53.403, 0.004, 0.004), sq(-1.497, 53.403, 0.004, 0.004)},
		{"across the hole", ring(-1.5, 53.4, 0.01, 0.01, -1.497, 53.403, 0.004, 0.004), sq(-1.502, 53.404, 0.014, 0.001)},
		{"rings crossing rings", ring(-1.5, 53.4, 0.01, 0.01, -1.497, 53.403, 0.004, 0.004), ring(-1.496, 53.401, 0.01, 0.01, -1.494, 53.404, 0.002, 0.004)},
		{"apart", sq(-1.5, 53.4, 0.01, 0.01), sq(-1.3, 53.4, 0.01, 0.01)},
		{"a T junction (a vertex on an edge)", sq(-1.5, 53.4, 0.01, 0.01), sq(-1.495, 53.41, 0.01, 0.01)},
	} {
		t.Run(tc.name, func(t *testing.T) { checkIntersectionArea(t, tc.a, tc.b) })
	}
}

// TestIntersectionAreaGrids runs FuzzIntersectionArea's check on fixed
// random grids, so that plain go test covers shared edges, holes and
// corners.
func TestIntersectionAreaGrids(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for k := range 300 {
		a, b, dx, dy := r.Uint64(), r.Uint64(), int8(r.IntN(256)-128), int8(r.IntN(256)-128)
		if k%3 == 0 {
			dx, dy = 0, 0 // on the same grid: many edges shared
		}
		t.Run(fmt.Sprint(k), func(t *testing.T) { fuzzIntersectionArea(t, a, b, dx, dy) })
	}
}

// FuzzIntersectionArea compares IntersectionArea with the overlay on two
// unions of grid cells, the second shifted by (dx, dy) 128ths of a cell:
// zero keeps both on one grid (shared edges, shared corners), multiples of
// 32 make edges overlap in part and vertices lie on edges, anything else
// makes boundaries cross.
func FuzzIntersectionArea(f *testing.F) {
	f.Add(uint64(0b111111), uint64(0b111111000000), int8(0), int8(0))
	f.Add(uint64(0x7f3cf), uint64(0xfffffffff), int8(0), int8(0))
	f.Add(uint64(0x5a5a5a5a5), uint64(0xa5a5a5a5a), int8(0), int8(0))
	f.Add(uint64(0x3ffffffff), uint64(0x1e1e1e), int8(64), int8(32))
	f.Add(uint64(0x108421), uint64(0xfedcba987), int8(13), int8(-77))
	f.Fuzz(fuzzIntersectionArea)
}

func fuzzIntersectionArea(t *testing.T, ma, mb uint64, dx, dy int8) {
	a, ok := cells(t, ma, -1.5, 53.4)
	if !ok {
		return
	}
	b, ok := cells(t, mb, -1.5+float64(dx)/128*0.001, 53.4+float64(dy)/128*0.001)
	if !ok {
		return
	}
	checkIntersectionArea(t, a, b)
}

// mergedArea is CoveredArea's answer the slow way: each piece built and
// the pieces merged.
func mergedArea(t testing.TB, a Shape, bs []Shape) float64 {
	t.Helper()
	var u Shape
	for k, b := range bs {
		piece, err := Intersect(a, b)
		if err != nil {
			noReference(t, err)
		}
		if k == 0 {
			u = piece
			continue
		}
		if u, err = Merge(u, piece); err != nil {
			noReference(t, err)
		}
	}
	return u.Area
}

// TestCoveredAreaSheffield checks CoveredArea against merging the built
// pieces, for every Sheffield area under which areas of the other set
// overlap each other (the generalised 2019 wards, the community areas).
func TestCoveredAreaSheffield(t *testing.T) {
	if testing.Short() {
		t.Skip("overlays the Sheffield sets (skipped with -short)")
	}
	for _, tc := range [][2]string{{"wards-2013", "wards-2019"}, {"lsoa", "wards-2019"}, {"oa", "community"}, {"community", "community"}} {
		t.Run(tc[0]+"×"+tc[1], func(t *testing.T) {
			a, b := sheffieldSet(t, sheffieldFiles[tc[0]]), sheffieldSet(t, sheffieldFiles[tc[1]])
			cases, fallbacks, worst := 0, 0, 0.0
			for i := range a {
				var bs []*preparedShape
				var shapes []Shape
				sum := 0.0
				for j := range b {
					if ar, _ := IntersectionArea(a[i], b[j]); ar > 0 {
						shapes, bs = append(shapes, b[j]), append(bs, b[j].prepared())
						sum += ar
					}
				}
				if len(shapes) < 2 || sum <= a[i].Area*(1+1e-9) {
					continue
				}
				cases++
				if _, ok := coveredArea(a[i].prepared(), bs); !ok {
					fallbacks++
				}
				got, err := CoveredArea(a[i], shapes)
				if err != nil {
					t.Fatal(err)
				}
				// As a crosswalk uses them, no more than the area itself: the
				// merged pieces keep a vertex wherever a third boundary crossed
				// an edge, and projected, those bend the edge (up to 2e-6 of a
				// ward's area here); CoveredArea keeps the edge whole.
				want := math.Min(mergedArea(t, a[i], shapes), a[i].Area)
				worst = math.Max(worst, math.Abs(math.Min(got, a[i].Area)-want)/a[i].Area)
				if math.Abs(math.Min(got, a[i].Area)-want) > 2e-6*a[i].Area {
					t.Errorf("%s %d: covered %.9g m², merged pieces %.9g, area %.9g", tc[0], i, got, want, a[i].Area)
				}
			}
			t.Logf("%d areas whose pieces overlap, %d fell back to merging; largest difference %.2g of the area", cases, fallbacks, worst)
		})
	}
}

// TestCoveredAreaGrids checks CoveredArea on an area and three others on
// grids shifted from it and from each other.
func TestCoveredAreaGrids(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for k := range 150 {
		t.Run(fmt.Sprint(k), func(t *testing.T) {
			a, ok := cells(t, r.Uint64(), -1.5, 53.4)
			var bs []Shape
			for range 3 {
				dx, dy := float64(r.IntN(256)-128), float64(r.IntN(256)-128)
				if k%4 == 0 {
					dx, dy = 0, 0
				}
				if b, ok := cells(t, r.Uint64()&r.Uint64(), -1.5+dx/128*0.001, 53.4+dy/128*0.001); ok {
					bs = append(bs, b)
				}
			}
			if !ok || len(bs) == 0 {
				return
			}
			got, err := CoveredArea(a, bs)
			if err != nil {
				t.Fatal(err)
			}
			// To 2e-6 of the area: the merged pieces keep a vertex wherever
			// a boundary crossed an edge that stays whole (see above).
			if want := mergedArea(t, a, bs); math.Abs(got-want) > 2e-6*a.Area+1e-9 {
				t.Fatalf("covered %.12g m², merged pieces %.12g", got, want)
			}
		})
	}
}
