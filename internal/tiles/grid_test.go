package tiles

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/planar"
	"github.com/peterstace/simplefeatures/geom"
)

func identity(p orb.Point) orb.Point { return p }

// checkGridValid fails unless g is nil or a Polygon or MultiPolygon that is
// valid in the OGC sense (simplefeatures' validation, a port of what GEOS
// checks), every ring closed with at least four positions, on the integer
// grid, of non-zero area, shells of positive area and holes negative.
func checkGridValid(t *testing.T, what string, g orb.Geometry) orb.MultiPolygon {
	t.Helper()
	var mp orb.MultiPolygon
	switch g := g.(type) {
	case nil:
		return nil
	case orb.Polygon:
		mp = orb.MultiPolygon{g}
	case orb.MultiPolygon:
		if len(g) < 2 {
			t.Errorf("%s: a MultiPolygon of %d parts, want a Polygon for one", what, len(g))
		}
		mp = g
	default:
		t.Fatalf("%s: got %T", what, g)
	}
	polys := make([]geom.Polygon, 0, len(mp))
	for i, p := range mp {
		rings := make([]geom.LineString, 0, len(p))
		for j, r := range p {
			a := ringArea(r)
			switch {
			case len(r) < 4:
				t.Errorf("%s: polygon %d ring %d has %d positions", what, i, j, len(r))
			case r[0] != r[len(r)-1]:
				t.Errorf("%s: polygon %d ring %d is not closed", what, i, j)
			case a == 0:
				t.Errorf("%s: polygon %d ring %d has zero area", what, i, j)
			case j == 0 && a < 0:
				t.Errorf("%s: polygon %d shell has negative area %g", what, i, a)
			case j > 0 && a > 0:
				t.Errorf("%s: polygon %d hole %d has positive area %g", what, i, j, a)
			}
			flat := make([]float64, 0, 2*len(r))
			for _, q := range r {
				if q[0] != math.Round(q[0]) || q[1] != math.Round(q[1]) {
					t.Errorf("%s: point %v is off the grid", what, q)
				}
				flat = append(flat, q[0], q[1])
			}
			rings = append(rings, geom.NewLineString(geom.NewSequence(flat, geom.DimXY)))
		}
		polys = append(polys, geom.NewPolygon(rings))
	}
	if err := geom.NewMultiPolygon(polys).Validate(); err != nil {
		t.Errorf("%s: invalid: %v\n%v", what, err, mp)
	}
	checkClearance(t, what, mp)
	return mp
}

// checkClearance fails if a vertex lies in the pixel of an edge it is not
// an end of: then bending the edges slightly, as decoding to
// longitude/latitude does, could make them cross. (Small inputs only: it
// tries every pair.)
func checkClearance(t *testing.T, what string, mp orb.MultiPolygon) {
	t.Helper()
	var verts []gridPoint
	var segs []gridSeg
	for _, p := range mp {
		for _, r := range p {
			for k := 0; k+1 < len(r); k++ {
				a := gridPoint{int64(r[k][0]), int64(r[k][1])}
				b := gridPoint{int64(r[k+1][0]), int64(r[k+1][1])}
				verts = append(verts, a)
				segs = append(segs, newSeg(a, b, -1, -1))
			}
		}
	}
	if len(verts) > 600 {
		return
	}
	for _, s := range segs {
		for _, v := range verts {
			if v != s.a && v != s.b && v.x >= s.minx && v.x <= s.maxx && v.y >= s.miny && v.y <= s.maxy && passes(s, v) {
				t.Errorf("%s: vertex %v lies in the pixel of edge %v-%v", what, v, s.a, s.b)
				return
			}
		}
	}
}

func area(mp orb.MultiPolygon) float64 {
	if mp == nil {
		return 0
	}
	return planar.Area(mp)
}

func TestValidPolygons(t *testing.T) {
	box := orb.Bound{Max: orb.Point{100, 100}}
	for _, tc := range []struct {
		name  string
		in    orb.Geometry
		box   orb.Bound
		parts int     // polygons out
		holes int     // holes out, in all
		area  float64 // area out
		slack float64 // area may differ by this
	}{
		{
			// A U whose base lies below the tile: the clipped ring runs
			// along the clip edge from one leg to the other and back.
			name: "ring doubling back along a clip edge",
			in:   orb.Polygon{{{10, -50}, {90, -50}, {90, 80}, {70, 80}, {70, -20}, {30, -20}, {30, 80}, {10, 80}, {10, -50}}},
			box:  box, parts: 2, area: 2 * 20 * 80,
		},
		{
			// The same with a comb: one ring, many teeth, every gap
			// between them run out and back along the edge.
			name: "comb along a clip edge",
			in: orb.Polygon{{{0, -10}, {100, -10}, {100, 50}, {90, 50}, {90, -5}, {70, -5}, {70, 50}, {60, 50}, {60, -5},
				{40, -5}, {40, 50}, {30, 50}, {30, -5}, {10, -5}, {10, 50}, {0, 50}, {0, -10}}},
			box: orb.Bound{Min: orb.Point{-1, 0}, Max: orb.Point{101, 100}}, parts: 4, area: 4 * 10 * 50,
		},
		{
			// A hole that crosses the clip edge: the shell and the hole
			// both run along the edge.
			name: "hole across a clip edge",
			in: orb.Polygon{{{-50, -50}, {50, -50}, {50, 50}, {-50, 50}, {-50, -50}},
				{{20, -10}, {20, 10}, {30, 10}, {30, -10}, {20, -10}}},
			box: box, parts: 1, area: 50*50 - 10*10,
		},
		{
			name: "ring collapsing to zero area under quantisation",
			in:   orb.Polygon{{{10, 10.1}, {60, 10.2}, {90, 10.1}, {60, 10.4}, {10, 10.1}}},
			box:  box, parts: 0,
		},
		{
			// A square with a sliver spike: the spike rounds to a line
			// out and back, which goes; the square stays.
			name: "spike collapsing under quantisation",
			in:   orb.Polygon{{{10, 10}, {40, 10}, {40, 40}, {25.2, 40}, {25.3, 90}, {24.9, 40}, {10, 40}, {10, 10}}},
			box:  box, parts: 1, area: 30 * 30, slack: 15,
		},
		{
			name: "part collapsing under quantisation",
			in: orb.MultiPolygon{
				{{{10, 10}, {40, 10}, {40, 40}, {10, 40}, {10, 10}}},
				{{{50, 50.1}, {90, 50.2}, {90, 50.3}, {50, 50.1}}},
			},
			box: box, parts: 1, area: 30 * 30,
		},
		{
			// A vertex just above a sloping edge rounds to below it: the
			// ring crosses itself after rounding.
			name: "self-intersection from snapping",
			in:   orb.Polygon{{{0, 0.6}, {20, 0.4}, {20, 5}, {10.6, 0.495}, {0, 5}, {0, 0.6}}},
			box:  box, parts: 2, area: 50, slack: 12,
		},
		{
			// A hole just inside a sloping shell edge rounds to poke out
			// of it.
			name: "hole crossing its shell after snapping",
			in: orb.Polygon{{{0, 10.2}, {100, 10.6}, {100, 100}, {0, 100}, {0, 10.2}},
				{{50.4, 10.45}, {40, 30}, {60, 30}, {50.4, 10.45}}},
			box: orb.Bound{Min: orb.Point{-1, -1}, Max: orb.Point{101, 101}}, parts: 1, holes: 1,
			area: 100*89.6 - 196, slack: 60,
		},
		{
			// A vertex rounds onto the opposite edge: the ring would
			// touch itself, so it becomes two rings meeting at a point.
			name: "ring pinched by snapping",
			in:   orb.Polygon{{{0, 0.4}, {20, 0.4}, {20, 10}, {10, 0.45}, {0, 10}, {0, 0.4}}},
			box:  box, parts: 2, area: 100,
		},
		{
			// Lobes of equal size cancel: the ring has no orientation to
			// say which is meant, so neither is drawn.
			name: "figure of eight",
			in:   orb.Polygon{{{0, 0}, {10, 10}, {10, 0}, {0, 10}, {0, 0}}},
			box:  box, parts: 0,
		},
		{
			// The larger lobe gives the ring its orientation; the lobe
			// wound the other way goes.
			name: "lopsided figure of eight",
			in:   orb.Polygon{{{0, 0}, {20, 20}, {20, 0}, {0, 4}, {0, 0}}},
			box:  box, parts: 1, area: 500.0 / 3, slack: 8,
		},
		{
			name: "overlapping parts are merged",
			in: orb.MultiPolygon{
				{{{0, 0}, {20, 0}, {20, 20}, {0, 20}, {0, 0}}},
				{{{10, 10}, {30, 10}, {30, 30}, {10, 30}, {10, 10}}},
			},
			box: box, parts: 1, area: 700,
		},
		{
			name: "parts sharing an edge are merged",
			in: orb.MultiPolygon{
				{{{0, 0}, {20, 0}, {20, 20}, {0, 20}, {0, 0}}},
				{{{20, 0}, {40, 0}, {40, 20}, {20, 20}, {20, 0}}},
			},
			box: box, parts: 1, area: 800,
		},
		{
			name: "parts meeting at a corner stay apart",
			in: orb.MultiPolygon{
				{{{0, 0}, {20, 0}, {20, 20}, {0, 20}, {0, 0}}},
				{{{20, 20}, {40, 20}, {40, 40}, {20, 40}, {20, 20}}},
			},
			box: box, parts: 2, area: 800,
		},
		{
			// A C whose tips meet: one shell and a hole touching it.
			name: "C with touching tips",
			in:   orb.Polygon{{{0, 0}, {30, 0}, {30, 10}, {10, 10}, {10, 20}, {30, 10}, {30, 30}, {0, 30}, {0, 0}}},
			box:  box, parts: 1, holes: 1, area: 900 - 100,
		},
		{
			name: "hole touching its shell",
			in: orb.Polygon{{{0, 0}, {40, 0}, {40, 40}, {0, 40}, {0, 0}},
				{{0, 20}, {20, 10}, {20, 30}, {0, 20}}},
			box: box, parts: 1, holes: 1, area: 1600 - 200,
		},
		{
			name: "island in a lake",
			in: orb.MultiPolygon{
				{{{0, 0}, {90, 0}, {90, 90}, {0, 90}, {0, 0}}, {{10, 10}, {10, 80}, {80, 80}, {80, 10}, {10, 10}}},
				{{{20, 20}, {70, 20}, {70, 70}, {20, 70}, {20, 20}}},
			},
			box: box, parts: 2, holes: 1, area: 8100 - 4900 + 2500,
		},
		{
			name: "shell given clockwise",
			in:   orb.Polygon{{{10, 10}, {10, 40}, {40, 40}, {40, 10}, {10, 10}}},
			box:  box, parts: 1, area: 900,
		},
		{
			name: "outside the tile",
			in:   orb.Polygon{{{200, 200}, {300, 200}, {300, 300}, {200, 300}, {200, 200}}},
			box:  box, parts: 0,
		},
		{
			name: "along the clip edge only",
			in:   orb.Polygon{{{-50, 10}, {0, 10}, {0, 40}, {-50, 40}, {-50, 10}}},
			box:  box, parts: 0,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := orb.Clone(tc.in)
			g := validPolygons(tc.in, identity, tc.box, nil)
			if !orb.Equal(in, tc.in) {
				t.Error("validPolygons modified its input")
			}
			mp := checkGridValid(t, tc.name, g)
			holes := 0
			for _, p := range mp {
				holes += len(p) - 1
			}
			if len(mp) != tc.parts || holes != tc.holes {
				t.Errorf("%d polygons with %d holes, want %d with %d: %v", len(mp), holes, tc.parts, tc.holes, mp)
			}
			if a := area(mp); math.Abs(a-tc.area) > tc.slack {
				t.Errorf("area %g, want %g ± %g: %v", a, tc.area, tc.slack, mp)
			}
		})
	}
}

// TestGridPolygonsRandom rebuilds random polygons, with holes, many small
// enough or close enough that rounding collapses or crosses them, and
// random clips. Every result must be valid, and cover what the input
// covered within the rounding of its boundary.
func TestGridPolygonsRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 17))
	n := 3000
	if testing.Short() {
		n = 300
	}
	for i := range n {
		scale := []float64{3, 8, 30, 200, 2000}[rng.IntN(5)]
		parts := 1 + rng.IntN(3)
		if i%10 == 0 {
			// Many parts: enough edges for rays to file them in rows.
			parts, scale = 40+rng.IntN(80), []float64{3, 8, 30}[rng.IntN(3)]
		}
		var mp orb.MultiPolygon
		for range parts {
			c := orb.Point{rng.Float64() * 100, rng.Float64() * 100}
			p := orb.Polygon{starRing(rng, c, scale, 3+rng.IntN(40), false)}
			for range rng.IntN(3) {
				hc := orb.Point{c[0] + (rng.Float64()-0.5)*scale*0.5, c[1] + (rng.Float64()-0.5)*scale*0.5}
				p = append(p, starRing(rng, hc, scale*0.2, 3+rng.IntN(12), true))
			}
			mp = append(mp, p)
		}
		box := orb.Bound{Min: orb.Point{rng.Float64() * 50, rng.Float64() * 50}}
		box.Max = orb.Point{box.Min[0] + 5 + rng.Float64()*200, box.Min[1] + 5 + rng.Float64()*200}
		name := fmt.Sprintf("case %d", i)
		g := validPolygons(mp, identity, box, nil)
		got := checkGridValid(t, name, g)
		if t.Failed() {
			t.Fatalf("%s: input %v, box %v", name, mp, box)
		}
		// The input's own rings may cross (random holes), so compare with
		// the area of the positively wound ground only when they do not.
		if checkFloatValid(mp) {
			clipped := clip.MultiPolygon(box, orb.Clone(mp).(orb.MultiPolygon))
			want := 0.0
			perimeter := 0.0
			if clipped != nil {
				want = planar.Area(clipped)
				perimeter = planar.Length(clipped)
			}
			if got := area(got); math.Abs(got-want) > 1.5*perimeter+4 {
				t.Fatalf("%s: area %g, want %g (perimeter %g): input %v, box %v, got %v", name, got, want, perimeter, mp, box, g)
			}
		}
	}
}

// starRing is a random star-shaped ring about c, anticlockwise (clockwise
// for a hole).
func starRing(rng *rand.Rand, c orb.Point, r float64, n int, hole bool) orb.Ring {
	ring := make(orb.Ring, 0, n+1)
	for k := range n {
		a := 2 * math.Pi * float64(k) / float64(n)
		d := r * (0.2 + rng.Float64())
		ring = append(ring, orb.Point{c[0] + d*math.Cos(a), c[1] + d*math.Sin(a)})
	}
	ring = append(ring, ring[0])
	if hole {
		ring.Reverse()
	}
	return ring
}

// checkFloatValid reports whether mp is valid before rounding.
func checkFloatValid(mp orb.MultiPolygon) bool {
	polys := make([]geom.Polygon, 0, len(mp))
	for _, p := range mp {
		rings := make([]geom.LineString, 0, len(p))
		for _, r := range p {
			flat := make([]float64, 0, 2*len(r))
			for _, q := range r {
				flat = append(flat, q[0], q[1])
			}
			rings = append(rings, geom.NewLineString(geom.NewSequence(flat, geom.DimXY)))
		}
		polys = append(polys, geom.NewPolygon(rings))
	}
	return geom.NewMultiPolygon(polys).Validate() == nil
}

// FuzzGridPolygons feeds gridPolygons rings of arbitrary small grid
// points: whatever they are, the result is valid.
func FuzzGridPolygons(f *testing.F) {
	f.Add([]byte{0, 0, 10, 0, 10, 10, 0, 10, 255, 2, 2, 2, 8, 8, 8})
	f.Add([]byte{0, 0, 10, 10, 10, 0, 0, 10})
	f.Add([]byte{0, 0, 9, 0, 9, 9, 5, 0, 0, 9})
	f.Fuzz(func(t *testing.T, b []byte) {
		var rings [][]gridPoint
		var r []gridPoint
		for i := 0; i+1 < len(b) && len(rings) < 8; i += 2 {
			if b[i] == 255 {
				rings = append(rings, r)
				r = nil
				i--
				continue
			}
			r = append(r, gridPoint{int64(b[i] % 64), int64(b[i+1] % 64)})
		}
		rings = append(rings, r)
		polys := gridPolygons(rings)
		mp := make(orb.MultiPolygon, len(polys))
		for i, p := range polys {
			for _, r := range p {
				or := make(orb.Ring, 0, len(r)+1)
				for _, q := range r {
					or = append(or, orb.Point{float64(q.x), float64(q.y)})
				}
				mp[i] = append(mp[i], append(or, or[0]))
			}
		}
		var g orb.Geometry = mp
		if len(mp) == 1 {
			g = mp[0]
		} else if len(mp) == 0 {
			g = nil
		}
		checkGridValid(t, fmt.Sprint(rings), g)
	})
}

// TestGridPolygonsManyIslands rebuilds a part of thousands of islands, two
// of which rounding makes overlap, so the whole part goes through the
// arrangement: each island is a component whose winding is asked once.
func TestGridPolygonsManyIslands(t *testing.T) {
	var rings [][]gridPoint
	for i := range 80 {
		for j := range 80 {
			x, y := int64(i*50), int64(j*50)
			rings = append(rings, []gridPoint{{x, y}, {x + 20, y}, {x + 20, y + 20}, {x, y + 20}})
		}
	}
	rings = append(rings, []gridPoint{{10, 10}, {30, 10}, {30, 30}, {10, 30}}) // overlaps the first
	polys := gridPolygons(rings)
	if len(polys) != 80*80 {
		t.Fatalf("%d polygons, want %d", len(polys), 80*80)
	}
	var a int64
	for _, p := range polys {
		a += ringArea2(p[0])
	}
	if want := int64(2 * (80*80*400 + 400 - 100)); a != want {
		t.Errorf("doubled area %d, want %d", a, want)
	}
}
