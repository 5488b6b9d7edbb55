package isochrone

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/peterstace/simplefeatures/geom"
	"github.com/placemap/placemap/internal/place"
)

// Sheffield: the synthetic networks are laid out in metres about it.
var origin = orb.Point{-1.47, 53.38}

// piece is a reached piece in local metres with its distances.
type piece struct {
	xy     [][2]float64
	metres []float64
}

// testPlane converts local metres to lon/lat about origin.
func testPlane() plane { return newPlane(orb.Bound{Min: origin, Max: origin}) }

func walker(ps []piece) Reached {
	pl := testPlane()
	return func(fn func(orb.LineString, []float64)) {
		for _, p := range ps {
			ls := make(orb.LineString, len(p.xy))
			for i, q := range p.xy {
				ls[i] = pl.inv(q[0], q[1])
			}
			fn(ls, p.metres)
		}
	}
}

// street is a straight piece from a to b with distances ma at a and mb at b.
func street(a, b [2]float64, ma, mb float64) piece {
	return piece{xy: [][2]float64{a, b}, metres: []float64{ma, mb}}
}

// gridNet is a lattice of n×n vertices at spacing s metres with the
// Manhattan distance from the corner (0, 0).
func gridNet(n int, s float64) []piece {
	var ps []piece
	for i := range n {
		for j := range n {
			x, y := float64(i)*s, float64(j)*s
			if i+1 < n {
				ps = append(ps, street([2]float64{x, y}, [2]float64{x + s, y}, x+y, x+y+s))
			}
			if j+1 < n {
				ps = append(ps, street([2]float64{x, y}, [2]float64{x, y + s}, x+y, x+y+s))
			}
		}
	}
	return ps
}

// cut returns the parts of p with distance ≤ limit, in local metres;
// a part of one point stands for a point.
func cut(p piece, limit float64) [][][2]float64 {
	var parts [][][2]float64
	var cur [][2]float64
	at := func(i int, t float64) [2]float64 {
		a, b := p.xy[i], p.xy[i+1]
		return [2]float64{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}
	}
	flush := func() {
		if len(cur) > 0 {
			parts = append(parts, cur)
		}
		cur = nil
	}
	if len(p.xy) == 1 {
		if p.metres[0] <= limit {
			return [][][2]float64{{p.xy[0]}}
		}
		return nil
	}
	for i := 0; i+1 < len(p.xy); i++ {
		m0, m1 := p.metres[i], p.metres[i+1]
		switch {
		case m0 <= limit && m1 <= limit:
			if len(cur) == 0 {
				cur = append(cur, p.xy[i])
			}
			cur = append(cur, p.xy[i+1])
		case m0 <= limit: // leaves the band
			if len(cur) == 0 {
				cur = append(cur, p.xy[i])
			}
			cur = append(cur, at(i, (limit-m0)/(m1-m0)))
			flush()
		case m1 <= limit: // enters it
			flush()
			cur = append(cur, at(i, (m0-limit)/(m0-m1)), p.xy[i+1])
		default:
			flush()
		}
	}
	flush()
	return parts
}

// sfBuffer is the union of the width-buffers of the parts of ps within
// limit, by simplefeatures, in local metres.
func sfBuffer(t *testing.T, ps []piece, limit, width float64) geom.Geometry {
	t.Helper()
	var lines []geom.LineString
	var pts []geom.Point
	for _, p := range ps {
		for _, part := range cut(p, limit) {
			if len(part) == 1 {
				pts = append(pts, geom.NewPointXY(part[0][0], part[0][1]))
				continue
			}
			var c []float64
			for _, q := range part {
				c = append(c, q[0], q[1])
			}
			lines = append(lines, geom.NewLineString(geom.NewSequence(c, geom.DimXY)))
		}
	}
	coll := []geom.Geometry{geom.NewMultiLineString(lines).AsGeometry()}
	if len(pts) > 0 {
		coll = append(coll, geom.NewMultiPoint(pts).AsGeometry())
	}
	b, err := geom.Buffer(geom.NewGeometryCollection(coll).AsGeometry(), width, geom.BufferQuadSegments(32))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// local converts a band to simplefeatures in local metres.
func local(mp orb.MultiPolygon) geom.Geometry {
	pl := testPlane()
	polys := make([]geom.Polygon, len(mp))
	for i, p := range mp {
		rs := make([]geom.LineString, len(p))
		for j, r := range p {
			var c []float64
			for _, q := range r {
				x, y := pl.fwd(q)
				c = append(c, x, y)
			}
			rs[j] = geom.NewLineString(geom.NewSequence(c, geom.DimXY))
		}
		polys[i] = geom.NewPolygon(rs)
	}
	return geom.NewMultiPolygon(polys).AsGeometry()
}

func TestBands(t *testing.T) {
	const w = 50.0
	capsule := func(l float64) float64 { return l*2*w + math.Pi*w*w }
	cross := func(a float64) float64 { return 2*capsule(2*a) - 4*w*w }
	tests := []struct {
		name   string
		ps     []piece
		limits []float64
		want   []float64 // analytic areas, m²; nil: simplefeatures' buffer
	}{
		{"straight street", []piece{street([2]float64{0, 0}, [2]float64{1000, 0}, 0, 1000)},
			[]float64{300, 600, 1000}, []float64{capsule(300), capsule(600), capsule(1000)}},
		{"diagonal street", []piece{street([2]float64{0, 0}, [2]float64{700, 700}, 0, 990)},
			[]float64{300, 990}, []float64{capsule(300), capsule(990)}},
		{"cross", []piece{
			street([2]float64{0, 0}, [2]float64{500, 0}, 0, 500), street([2]float64{0, 0}, [2]float64{-500, 0}, 0, 500),
			street([2]float64{0, 0}, [2]float64{0, 500}, 0, 500), street([2]float64{0, 0}, [2]float64{0, -500}, 0, 500),
		}, []float64{200, 400}, []float64{cross(200), cross(400)}},
		{"single point", []piece{{xy: [][2]float64{{0, 0}}, metres: []float64{0}}},
			[]float64{100}, []float64{math.Pi * w * w}},
		{"grid from a corner", gridNet(6, 200), []float64{400, 800, 1200, 2000}, nil},
		{"street reached from both ends", []piece{{xy: [][2]float64{{0, 0}, {300, 0}, {600, 0}}, metres: []float64{0, 300, 50}}},
			[]float64{100, 200, 400}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bands, rep, err := BandsReport(walker(tt.ps), tt.limits, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Coarsened {
				t.Fatalf("coarsened: %s", rep.Note)
			}
			for k, b := range bands {
				g := local(b)
				if err := g.Validate(); err != nil {
					t.Fatalf("band %d invalid: %v", k, err)
				}
				checkOrientation(t, b)
				want := 0.0
				if tt.want != nil {
					want = tt.want[k]
				} else {
					want = sfBuffer(t, tt.ps, tt.limits[k], w).Area()
				}
				got := g.Area()
				tol := 0.03
				if tt.name == "single point" {
					tol = 0.08 // a disc of 20 cells
				}
				t.Logf("band %d (%.0f m): area %.0f m², expected %.0f m² (%+.2f%%), %d polygons", k, tt.limits[k], got, want, 100*(got-want)/want, len(b))
				if math.Abs(got-want)/want > tol {
					t.Errorf("band %d: area %.0f, want %.0f within %.0f%%", k, got, want, 100*tol)
				}
				// The buffer of the pieces by simplefeatures: the traced
				// boundary follows it closely.
				exact := sfBuffer(t, tt.ps, tt.limits[k], w)
				sym, err := geom.SymmetricDifference(g, exact)
				if err != nil {
					t.Fatal(err)
				}
				t.Logf("band %d: symmetric difference with simplefeatures' buffer %.2f%% of its area", k, 100*sym.Area()/exact.Area())
				if sym.Area() > 0.05*exact.Area() {
					t.Errorf("band %d: symmetric difference %.0f m² of %.0f m²", k, sym.Area(), exact.Area())
				}
				if k > 0 {
					checkNested(t, bands[k-1], b)
				}
				checkVertices(t, tt.ps, tt.limits[k], b)
			}
			checkFar(t, tt.ps, bands[len(bands)-1], 3*w)
			if tt.name == "grid from a corner" && len(bands[3][0]) < 2 {
				t.Errorf("the grid's blocks are not holes: %d rings", len(bands[3][0]))
			}
		})
	}
}

func checkOrientation(t *testing.T, mp orb.MultiPolygon) {
	t.Helper()
	for i, p := range mp {
		for j, r := range p {
			ccw := planar.Area(r) > 0 // planar.Area is signed for rings
			if r.Orientation() == orb.CCW != (j == 0) {
				t.Fatalf("polygon %d ring %d: orientation %v (signed area positive %v); outer rings must be counter-clockwise, holes clockwise", i, j, r.Orientation(), ccw)
			}
		}
	}
}

// checkNested checks that inner lies within outer: the area of
// inner − outer is nothing but rounding.
func checkNested(t *testing.T, inner, outer orb.MultiPolygon) {
	t.Helper()
	a, b := local(inner), local(outer)
	d, err := geom.Difference(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if d.Area() > 1e-9*a.Area() {
		t.Errorf("band not within the next: %g m² of %.0f m² outside", d.Area(), a.Area())
	}
}

func checkVertices(t *testing.T, ps []piece, limit float64, band orb.MultiPolygon) {
	t.Helper()
	pl := testPlane()
	for i, p := range ps {
		for j, q := range p.xy {
			if p.metres[j] <= limit && !planar.MultiPolygonContains(band, pl.inv(q[0], q[1])) {
				t.Errorf("piece %d vertex %d (%.0f m) outside the %.0f m band", i, j, p.metres[j], limit)
			}
		}
	}
}

// checkFar checks that points at least d from every piece lie outside.
func checkFar(t *testing.T, ps []piece, band orb.MultiPolygon, d float64) {
	t.Helper()
	pl := testPlane()
	r := rand.New(rand.NewPCG(1, 2))
	lo, hi := [2]float64{math.Inf(1), math.Inf(1)}, [2]float64{math.Inf(-1), math.Inf(-1)}
	for _, p := range ps {
		for _, q := range p.xy {
			lo = [2]float64{math.Min(lo[0], q[0]), math.Min(lo[1], q[1])}
			hi = [2]float64{math.Max(hi[0], q[0]), math.Max(hi[1], q[1])}
		}
	}
	tried := 0
	for range 2000 {
		q := [2]float64{lo[0] - 2*d + r.Float64()*(hi[0]-lo[0]+4*d), lo[1] - 2*d + r.Float64()*(hi[1]-lo[1]+4*d)}
		if nearest(ps, q) < d {
			continue
		}
		tried++
		if planar.MultiPolygonContains(band, pl.inv(q[0], q[1])) {
			t.Fatalf("point %v, %.0f m from every piece, inside the band", q, nearest(ps, q))
		}
	}
	if tried == 0 {
		t.Fatal("no far point tried")
	}
}

func nearest(ps []piece, q [2]float64) float64 {
	best := math.Inf(1)
	for _, p := range ps {
		for i := range p.xy {
			b := p.xy[min(i+1, len(p.xy)-1)]
			best = math.Min(best, segDist(xy{q[0], q[1]}, xy{p.xy[i][0], p.xy[i][1]}, xy{b[0], b[1]}))
		}
	}
	return best
}

func TestBandsEmpty(t *testing.T) {
	bands, err := Bands(func(func(orb.LineString, []float64)) {}, []float64{400, 800}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(bands) != 2 || len(bands[0]) != 0 || len(bands[1]) != 0 || bands[0] == nil {
		t.Fatalf("got %v, want two empty MultiPolygons", bands)
	}
	// Pieces all beyond the limits reach nothing either.
	bands, err = Bands(walker([]piece{street([2]float64{0, 0}, [2]float64{100, 0}, 900, 1000)}), []float64{400}, Options{})
	if err != nil || len(bands[0]) != 0 {
		t.Fatalf("beyond the limit: %v, %v", bands, err)
	}
}

func TestBandsBadInput(t *testing.T) {
	ok := []piece{street([2]float64{0, 0}, [2]float64{100, 0}, 0, 100)}
	tests := []struct {
		name   string
		ps     Reached
		limits []float64
		opts   Options
	}{
		{"no limits", walker(ok), nil, Options{}},
		{"descending", walker(ok), []float64{800, 400}, Options{}},
		{"repeated", walker(ok), []float64{400, 400}, Options{}},
		{"negative", walker(ok), []float64{-1, 400}, Options{}},
		{"NaN", walker(ok), []float64{math.NaN()}, Options{}},
		{"too many", walker(ok), make([]float64, 300), Options{}},
		{"negative width", walker(ok), []float64{400}, Options{Width: -5}},
		{"infinite cell", walker(ok), []float64{400}, Options{Cell: math.Inf(1)}},
		{"distances short", func(fn func(orb.LineString, []float64)) {
			fn(orb.LineString{origin, {origin[0] + 0.001, origin[1]}}, []float64{0})
		}, []float64{400}, Options{}},
		{"NaN distance", func(fn func(orb.LineString, []float64)) {
			fn(orb.LineString{origin}, []float64{math.NaN()})
		}, []float64{400}, Options{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := BandsReport(tt.ps, tt.limits, tt.opts)
			if place.ErrorCode(err) != place.EINVALID {
				t.Fatalf("got %v, want %s", err, place.EINVALID)
			}
		})
	}
}

// TestBandsCoarsened: two streets 300 km apart would need 1.5e8 cells
// of 20 m; the grid is bounded and the bands still hold both.
func TestBandsCoarsened(t *testing.T) {
	ps := []piece{
		street([2]float64{0, 0}, [2]float64{1000, 0}, 0, 1000),
		street([2]float64{300_000, 100_000}, [2]float64{300_000, 101_000}, 0, 1000),
	}
	bands, rep, err := BandsReport(walker(ps), []float64{500, 1000}, Options{MaxCells: 1_000_000})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Coarsened || rep.Note == "" || rep.Cols*rep.Rows > 1_000_000 || rep.Cell <= DefaultCell {
		t.Fatalf("report %+v: want a coarsened grid within 1e6 cells", rep)
	}
	t.Logf("%s", rep.Note)
	for k, b := range bands {
		if err := local(b).Validate(); err != nil {
			t.Fatalf("band %d invalid: %v", k, err)
		}
		checkVertices(t, ps, []float64{500, 1000}[k], b)
		if len(b) != 2 {
			t.Errorf("band %d: %d polygons, want 2", k, len(b))
		}
	}
}

// TestBandsRandom: random networks at fine and coarse cells give valid,
// nested, simplified bands holding every reached vertex.
func TestBandsRandom(t *testing.T) {
	limits := []float64{300, 700, 1100, 1600}
	for _, tt := range []struct {
		seed        uint64
		n           int
		cell, width float64
		wantCoarse  bool
		maxCells    int
	}{
		{1, 200, 20, 50, false, 0},
		{2, 500, 20, 50, false, 0},
		{3, 500, 7, 25, false, 0},
		{4, 300, 35, 40, false, 0},
		{5, 500, 20, 50, true, 20_000},
	} {
		t.Run(fmt.Sprintf("seed %d", tt.seed), func(t *testing.T) {
			ps := randomPieces(tt.n, tt.seed)
			bands, rep, err := BandsReport(walker(ps), limits, Options{Cell: tt.cell, Width: tt.width, MaxCells: tt.maxCells})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Unsimplified != 0 || rep.Unclipped != 0 || rep.Coarsened != tt.wantCoarse {
				t.Fatalf("report %+v", rep)
			}
			holes := 0
			for k, b := range bands {
				if err := local(b).Validate(); err != nil {
					t.Fatalf("band %d invalid: %v", k, err)
				}
				checkOrientation(t, b)
				checkVertices(t, ps, limits[k], b)
				if k > 0 {
					checkNested(t, bands[k-1], b)
				}
				for _, p := range b {
					holes += len(p) - 1
				}
			}
			t.Logf("%d polygons and %d holes in all bands; cell %.0f m, width %.0f m", len(bands[3]), holes, rep.Cell, rep.Width)
		})
	}
}

// TestBandsNarrow: a width under 1.5 cells is raised, and said so.
func TestBandsNarrow(t *testing.T) {
	ps := []piece{street([2]float64{0, 0}, [2]float64{500, 300}, 0, 583)}
	bands, rep, err := BandsReport(walker(ps), []float64{300, 600}, Options{Width: 10, Cell: 20})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Width != 30 || rep.Note == "" || rep.Coarsened {
		t.Fatalf("report %+v: want the width raised to 30 m and a note", rep)
	}
	for k, b := range bands {
		checkVertices(t, ps, []float64{300, 600}[k], b)
	}
}

// FuzzBands: any random network, cell and width gives valid, oriented,
// nested bands holding every reached vertex, simplified and clipped.
// go test -fuzz FuzzBands ./internal/isochrone (300 seeds ran clean).
func FuzzBands(f *testing.F) {
	f.Add(uint64(1), uint8(40), 20.0, 50.0)
	f.Add(uint64(2), uint8(5), 5.0, 15.0)
	f.Add(uint64(3), uint8(200), 50.0, 80.0)
	limits := []float64{300, 700, 1100, 1600}
	f.Fuzz(func(t *testing.T, seed uint64, n uint8, cell, width float64) {
		if !(cell >= 2 && cell <= 100 && width >= 1 && width <= 300) {
			t.Skip()
		}
		ps := randomPieces(int(n), seed)
		bands, rep, err := BandsReport(walker(ps), limits, Options{Cell: cell, Width: width})
		if err != nil || rep.Unsimplified != 0 || rep.Unclipped != 0 {
			t.Fatalf("%v %+v", err, rep)
		}
		for k, b := range bands {
			if err := local(b).Validate(); err != nil {
				t.Fatalf("band %d invalid: %v", k, err)
			}
			checkOrientation(t, b)
			checkVertices(t, ps, limits[k], b)
			if k > 0 {
				checkNested(t, bands[k-1], b)
			}
		}
	})
}
