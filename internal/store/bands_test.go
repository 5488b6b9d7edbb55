package store

import (
	"go/ast"
	"math"
	"regexp"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// areaWrite is a statement adding, redrawing or removing areas.
var areaWrite = regexp.MustCompile(`(?i)\b(INSERT INTO\s+areas\b|UPDATE\s+areas\s+SET\b[^;]*\bgeom\b|DELETE FROM\s+areas\b)`)

// TestAreaWritesKeepBands: every function of the store whose SQL adds,
// redraws or removes areas writes their zoom bands in the same function
// (putBands, putSetBands or dropBands), so no write leaves area_bands out
// of step with the areas; and only bands.go writes area_bands itself.
func TestAreaWritesKeepBands(t *testing.T) {
	fset, files := parseSource(t, ".")
	bandWrite := regexp.MustCompile(`(?i)\b(INSERT INTO|UPDATE|DELETE FROM)\s+area_bands\b`)
	found := 0
	eachFunc(files, func(f string, fn *ast.FuncDecl) {
		var writing string
		keeps := false
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.BasicLit:
				s := unquote(n.Value)
				if m := areaWrite.FindString(s); m != "" && writing == "" {
					writing = m
				}
				if bandWrite.MatchString(s) && f != "bands.go" {
					t.Errorf("%s: %s writes area_bands outside bands.go", fset.Position(n.Pos()), fn.Name.Name)
				}
			case *ast.CallExpr:
				if id, ok := n.Fun.(*ast.Ident); ok && (id.Name == "putBands" || id.Name == "putSetBands" || id.Name == "dropBands") {
					keeps = true
				}
			}
			return true
		})
		if writing == "" {
			return
		}
		found++
		if !keeps {
			t.Errorf("%s: %s writes areas (%s) without writing their zoom bands", fset.Position(fn.Pos()), fn.Name.Name, writing)
		}
	})
	if found < 4 {
		t.Errorf("found %d functions writing areas: the check has lost them", found)
	}
}

// wobbly is a ring of n points round a circle of radius r degrees about
// c, wobbling by a ten-thousandth of r.
func wobbly(c orb.Point, r float64, n int) orb.Ring {
	ring := make(orb.Ring, 0, n+1)
	for i := 0; i < n; i++ {
		a := 2 * math.Pi * float64(i) / float64(n)
		k := r * (1 + 1e-4*math.Sin(float64(i)*1.7))
		ring = append(ring, orb.Point{c[0] + k*math.Cos(a), c[1] + k*math.Sin(a)})
	}
	return append(ring, ring[0])
}

// TestGeneralise: bands keep fewer of the area's own points, within the
// band's tolerance of the full geometry on the Mercator plane, where that
// pays and not where it does not; rings never shrink below a triangle;
// the input is not changed.
func TestGeneralise(t *testing.T) {
	square := orb.Ring{{-1.5, 53.3}, {-1.49, 53.3}, {-1.49, 53.31}, {-1.5, 53.31}, {-1.5, 53.3}}
	speck := orb.Ring{{-1.45, 53.38}, {-1.45 + 1e-9, 53.38}, {-1.45, 53.38 + 1e-9}, {-1.45, 53.38}}
	for _, c := range []struct {
		name  string
		mp    orb.MultiPolygon
		bands []int
	}{
		{"detailed", orb.MultiPolygon{{wobbly(orb.Point{-1.45, 53.38}, 0.02, 2000)}}, []int{13, 11, 9}},
		{"detailed with a hole", orb.MultiPolygon{{wobbly(orb.Point{-1.45, 53.38}, 0.02, 2000), wobbly(orb.Point{-1.45, 53.38}, 0.005, 1000)}}, []int{13, 11, 9}},
		{"square", orb.MultiPolygon{{square}}, nil},
		{"detailed beside a speck", orb.MultiPolygon{{wobbly(orb.Point{-1.45, 53.38}, 0.02, 2000)}, {speck}}, []int{13, 11, 9}},
		{"empty", orb.MultiPolygon{}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := orb.Clone(c.mp)
			bands := Generalise(c.mp)
			if !orb.Equal(before, c.mp) {
				t.Fatal("Generalise changed its input")
			}
			var tops []int
			for _, b := range bands {
				tops = append(tops, b.Top)
				checkBand(t, c.mp, b)
			}
			if len(tops) != len(c.bands) || (len(tops) > 0 && tops[0] != c.bands[0]) {
				t.Errorf("bands %v, want %v", tops, c.bands)
			}
		})
	}
}

// checkBand fails t unless b has no more points than mp ring by ring,
// each of them mp's own, each ring at least a triangle, and every point
// of mp within the band's tolerance of b on the Mercator plane.
func checkBand(t *testing.T, mp orb.MultiPolygon, b AreaBand) {
	t.Helper()
	tol := BandTolerance * 360 / (tileExtent * math.Exp2(float64(b.Top)))
	if vertices(b.Geometry) > int(bandKeep*float64(vertices(mp))) {
		t.Errorf("z%d: %d points of %d: does not pay", b.Top, vertices(b.Geometry), vertices(mp))
	}
	merc := func(r orb.Ring) orb.LineString {
		out := make(orb.LineString, len(r))
		for i, p := range r {
			out[i] = orb.Point{p[0], mercatorY(p[1])}
		}
		return out
	}
	for i, p := range mp {
		for j, r := range p {
			s := b.Geometry[i][j]
			if len(s) < 4 {
				t.Fatalf("z%d ring %d/%d: %d points", b.Top, i, j, len(s))
			}
			own := map[orb.Point]bool{}
			for _, q := range r {
				own[q] = true
			}
			for _, q := range s {
				if !own[q] {
					t.Fatalf("z%d ring %d/%d: point %v is not the area's", b.Top, i, j, q)
				}
			}
			ls := merc(s)
			worst := 0.0
			for _, q := range merc(r) {
				worst = math.Max(worst, planar.DistanceFrom(ls, q))
			}
			if worst > tol*1.000001 {
				t.Errorf("z%d ring %d/%d: a point %.3g units off, want ≤ %v", b.Top, i, j, worst/tol*BandTolerance, BandTolerance)
			}
		}
	}
}

func TestBandFor(t *testing.T) {
	for _, c := range []struct {
		z    int
		top  int
		band bool
	}{{0, 9, true}, {8, 9, true}, {9, 9, true}, {10, 11, true}, {11, 11, true}, {12, 13, true}, {13, 13, true}, {14, 0, false}, {22, 0, false}, {-1, 0, false}} {
		if top, ok := BandFor(c.z); top != c.top || ok != c.band {
			t.Errorf("BandFor(%d) = %d, %v; want %d, %v", c.z, top, ok, c.top, c.band)
		}
	}
}
