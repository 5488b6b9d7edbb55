package geo

import (
	"encoding/csv"
	"math"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
	"github.com/wroge/wgs84"

	"github.com/placemap/placemap/internal/place"
)

const (
	oaFile     = "../../geodata/sheffield/ons/statistical__eng__oa_by_lad__E08000019.json"
	lsoaFile   = "../../geodata/sheffield/ons/statistical__eng__lsoa_by_lad__E08000019.json"
	wards2019  = "../../geodata/sheffield/ons-2019/sheffield_wards_2019.geojson"
	oaLSOAFile = "../../geodata/sheffield/indicators/OA11_LSOA11_MSOA11_LAD17_OAC11__Sheffield_E08000019.csv"
)

func TestFromBNG(t *testing.T) {
	// Expected figures from PROJ 9.1 (cs2cs -f %.9f EPSG:27700 EPSG:4326,
	// which uses the same OS Helmert parameters) unless said otherwise.
	// The points far east and west of the central meridian (2°W) catch
	// wgs84 v1.1.7's transverse Mercator inverse, 10 m out there.
	tests := []struct {
		name              string
		easting, northing float64
		lon, lat          float64
		tol               float64 // degrees
	}{
		// Sheffield Town Hall's published position; its grid reference
		// from PROJ's inverse. (E 435260 N 387200, sometimes quoted for
		// it, lies 93 m west: the next case.)
		{"Sheffield Town Hall", 435353, 387214, -1.4700, 53.3806, 1e-4},
		{"Sheffield city centre", 435260, 387200, -1.471402826, 53.380479951, 1e-7},
		// Greenwich, by the prime meridian; bng_latlon gives the same
		// (-0.0014017, 51.4777954).
		{"Greenwich", 538890, 177320, -0.001401647, 51.477795567, 1e-7},
		{"Edinburgh", 326000, 674000, -3.186654049, 55.953305066, 1e-7},
		{"Ben Nevis", 216666, 771288, -5.003696042, 56.796903685, 1e-7},
		{"Lowestoft", 654000, 293000, 1.738817600, 52.475770598, 1e-7},
		{"Land's End", 134000, 25000, -5.718349786, 50.065489470, 1e-7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FromBNG(tt.easting, tt.northing)
			if math.Abs(got[0]-tt.lon) > tt.tol || math.Abs(got[1]-tt.lat) > tt.tol {
				t.Errorf("FromBNG(%v, %v) = %v, want (%v, %v) ±%g°", tt.easting, tt.northing, got, tt.lon, tt.lat, tt.tol)
			}
		})
	}
}

// TestNationalGrid checks the projection alone against the worked example
// of Ordnance Survey's "A guide to coordinate systems in Great Britain"
// (annex C): OSGB36 52°39′27.2531″N 1°43′4.5177″E is E 651409.903
// N 313177.270.
func TestNationalGrid(t *testing.T) {
	lat := 52 + 39.0/60 + 27.2531/3600
	lon := 1 + 43.0/60 + 4.5177/3600
	e, n := nationalGrid{}.FromLonLat(lon, lat, wgs84.OSGB36())
	if math.Abs(e-651409.903) > 0.001 || math.Abs(n-313177.270) > 0.001 {
		t.Errorf("FromLonLat = %.3f, %.3f; want 651409.903, 313177.270", e, n)
	}
	gotLon, gotLat := nationalGrid{}.ToLonLat(651409.903, 313177.270, wgs84.OSGB36())
	// 1e-8° is about 1 mm.
	if math.Abs(gotLon-lon) > 1e-8 || math.Abs(gotLat-lat) > 1e-8 {
		t.Errorf("ToLonLat = %.9f, %.9f; want %.9f, %.9f", gotLon, gotLat, lon, lat)
	}
}

func TestLooksLikeBNG(t *testing.T) {
	tests := []struct {
		p    orb.Point
		want bool
	}{
		{orb.Point{435260, 387200}, true},  // Sheffield
		{orb.Point{-1.47, 53.38}, false},   // Sheffield in lon/lat
		{orb.Point{53.38, -1.47}, false},   // swapped lon/lat is still degrees
		{orb.Point{150, 80}, false},        // could be lon/lat; never guess
		{orb.Point{700001, 387200}, false}, // east of the grid
		{orb.Point{435260, 1300001}, false},
		{orb.Point{-5, 387200}, false},
		{orb.Point{-164000, 7050000}, false}, // Web Mercator Sheffield
	}
	for _, tt := range tests {
		if got := LooksLikeBNG(tt.p); got != tt.want {
			t.Errorf("LooksLikeBNG(%v) = %v, want %v", tt.p, got, tt.want)
		}
	}
}

func TestLooksSwapped(t *testing.T) {
	tests := []struct {
		name string
		b    orb.Bound
		want bool
	}{
		{"sheffield lat/lon", orb.Bound{Min: orb.Point{53.30, -1.80}, Max: orb.Point{53.50, -1.32}}, true},
		{"sheffield lon/lat", orb.Bound{Min: orb.Point{-1.80, 53.30}, Max: orb.Point{-1.32, 53.50}}, false},
		{"norwich lat/lon", orb.Bound{Min: orb.Point{52.6, 1.2}, Max: orb.Point{52.7, 1.35}}, true},
		{"partly outside", orb.Bound{Min: orb.Point{48, -1}, Max: orb.Point{53, 0}}, false},
		{"point", orb.Point{51.5, -0.12}.Bound(), true},
	}
	for _, tt := range tests {
		if got := LooksSwapped(tt.b); got != tt.want {
			t.Errorf("%s: LooksSwapped(%v) = %v, want %v", tt.name, tt.b, got, tt.want)
		}
	}
}

// quadrangleArea is the exact area of the WGS84 ellipsoid between two
// meridians and two parallels (the authalic formula), independent of any
// projection.
func quadrangleArea(lon0, lat0, lon1, lat1 float64) float64 {
	const a, f = 6378137.0, 1 / 298.257223563
	e2 := f * (2 - f)
	e := math.Sqrt(e2)
	q := func(lat float64) float64 {
		s := math.Sin(lat * math.Pi / 180)
		return s/(1-e2*s*s) + math.Log((1+e*s)/(1-e*s))/(2*e)
	}
	b2 := a * a * (1 - e2)
	return b2 / 2 * (lon1 - lon0) * math.Pi / 180 * (q(lat1) - q(lat0))
}

func square(lon, lat, size float64) orb.Polygon {
	return orb.Polygon{{{lon, lat}, {lon + size, lat}, {lon + size, lat + size}, {lon, lat + size}, {lon, lat}}}
}

func TestAreaM2(t *testing.T) {
	sq := orb.MultiPolygon{square(-1.48, 53.38, 0.01)}
	got := AreaM2(sq)

	exact := quadrangleArea(-1.48, 53.38, -1.47, 53.39)
	if d := math.Abs(got-exact) / exact; d > 1e-5 {
		t.Errorf("AreaM2(0.01° square at 53.38N) = %.1f m², exact ellipsoidal %.1f m² (off by %.2g)", got, exact, d)
	}
	// The spherical rule of thumb: 1113.2 m per 0.01° of arc.
	rough := 1113.2 * 1113.2 * math.Cos(53.385*math.Pi/180)
	if d := math.Abs(got-rough) / rough; d > 0.005 {
		t.Errorf("AreaM2 = %.1f m², rule of thumb %.1f m² (off by %.2g)", got, rough, d)
	}

	// A hole is subtracted, and orientation does not matter.
	holed := orb.MultiPolygon{{
		square(-1.48, 53.38, 0.01)[0],
		orb.Ring(reversed(square(-1.478, 53.382, 0.002)[0])),
	}}
	hole := quadrangleArea(-1.478, 53.382, -1.476, 53.384)
	if got := AreaM2(holed); math.Abs(got-(exact-hole))/exact > 1e-5 {
		t.Errorf("AreaM2(square with hole) = %.1f, want %.1f", got, exact-hole)
	}
	if got := AreaM2(orb.MultiPolygon{{reversed(sq[0][0])}}); math.Abs(got-exact)/exact > 1e-5 {
		t.Errorf("AreaM2(clockwise square) = %.1f, want %.1f", got, exact)
	}
	if got := AreaM2(nil); got != 0 {
		t.Errorf("AreaM2(nil) = %v, want 0", got)
	}
}

// TestAreaM2Wards checks a real city: the 28 Sheffield wards of 2019
// measure 368.13 km² geodesically (pyproj, see the file's SOURCE.txt).
func TestAreaM2Wards(t *testing.T) {
	fc := readFC(t, wards2019)
	var total float64
	for _, f := range fc.Features {
		mp, err := ToMultiPolygon(f.Geometry)
		if err != nil {
			t.Fatal(err)
		}
		total += AreaM2(mp)
	}
	if want := 368.13e6; math.Abs(total-want)/want > 0.0005 {
		t.Errorf("wards total %.2f km², want %.2f km²", total/1e6, want/1e6)
	}
}

// sameBits compares coordinates bit for bit, so that NaN equals NaN.
func sameBits(a, b orb.MultiPolygon) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if len(a[i][j]) != len(b[i][j]) {
				return false
			}
			for k := range a[i][j] {
				for d := range 2 {
					if math.Float64bits(a[i][j][k][d]) != math.Float64bits(b[i][j][k][d]) {
						return false
					}
				}
			}
		}
	}
	return true
}

func reversed(r orb.Ring) orb.Ring {
	out := make(orb.Ring, len(r))
	for i, p := range r {
		out[len(r)-1-i] = p
	}
	return out
}

func readFC(t *testing.T, path string) *geojson.FeatureCollection {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return fc
}

func featureByCode(t *testing.T, fc *geojson.FeatureCollection, key, code string) orb.MultiPolygon {
	t.Helper()
	for _, f := range fc.Features {
		if f.Properties[key] == code {
			mp, err := ToMultiPolygon(f.Geometry)
			if err != nil {
				t.Fatal(err)
			}
			return mp
		}
	}
	t.Fatalf("no feature with %s %s", key, code)
	return nil
}

func TestRepair(t *testing.T) {
	valid := orb.MultiPolygon{square(-1.48, 53.38, 0.01)}
	open := orb.MultiPolygon{{square(-1.48, 53.38, 0.01)[0][:4]}}

	// A square whose last edge overshoots the corner, leaving a tiny lobe
	// wound the other way: a bow-tie whose small lobe is 5e-7 of the area.
	tinyLobe := orb.MultiPolygon{{{
		{-1.48, 53.38}, {-1.47, 53.38}, {-1.47, 53.39}, {-1.48001, 53.39}, {-1.48, 53.39001}, {-1.48, 53.38},
	}}}
	// A symmetric bow-tie: the lobes cancel, shoelace area 0.
	bowtie := orb.MultiPolygon{{{{-1.48, 53.38}, {-1.47, 53.39}, {-1.47, 53.38}, {-1.48, 53.39}, {-1.48, 53.38}}}}
	// Edges crossing at (-1.48, 53.39) make lobes of 1 and 4 units:
	// shoelace 3, and a repair gives 1, 4 or 5.
	uneven := orb.MultiPolygon{{{{-1.49, 53.38}, {-1.46, 53.41}, {-1.46, 53.37}, {-1.49, 53.40}, {-1.49, 53.38}}}}
	// Two squares sharing an edge: valid parts, invalid MultiPolygon.
	sharing := orb.MultiPolygon{square(-1.48, 53.38, 0.01), square(-1.47, 53.38, 0.01)}

	tests := []struct {
		name         string
		in           orb.MultiPolygon
		want         orb.MultiPolygon // nil: do not compare
		wantRepaired bool
		wantErr      []string // substrings of the error; nil: no error
	}{
		{"valid is untouched", valid, valid, false, nil},
		{"open ring is closed, not repaired", open, valid, false, nil},
		{"tiny lobe is repaired", tinyLobe, nil, true, nil},
		{"shared edge is dissolved", sharing, nil, true, nil},
		{"symmetric bow-tie is refused", bowtie, nil, false, []string{"not simple", "self-intersects at (-1.4750000, 53.3850000), where two of its edges cross", "unbounded"}},
		{"uneven bow-tie is refused", uneven, nil, false, []string{"not simple", "self-intersects at", "would change the area by", "more than the 0.1% allowed"}},
		{"empty", orb.MultiPolygon{}, nil, false, []string{"empty"}},
		{"NaN", orb.MultiPolygon{{{{math.NaN(), 0}, {1, 0}, {1, 1}, {math.NaN(), 0}}}}, nil, false, []string{"not a finite number"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in.Clone()
			out, repaired, err := Repair(tt.in, 0.001)
			if !sameBits(tt.in, in) {
				t.Errorf("Repair modified its input")
			}
			if tt.wantErr != nil {
				if err == nil {
					t.Fatalf("Repair = %v, nil; want an error", out)
				}
				if place.ErrorCode(err) != place.EINVALID {
					t.Errorf("error code %q, want %q", place.ErrorCode(err), place.EINVALID)
				}
				for _, s := range tt.wantErr {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("error %q does not contain %q", err, s)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("Repair: %v", err)
			}
			if repaired != tt.wantRepaired {
				t.Errorf("repaired = %v, want %v", repaired, tt.wantRepaired)
			}
			if tt.want != nil && !reflect.DeepEqual(out, tt.want) {
				t.Errorf("Repair = %v, want %v", out, tt.want)
			}
			if err := toSFMultiPolygon(out).Validate(); err != nil {
				t.Errorf("result is invalid: %v", err)
			}
			if d := relativeChange(AreaM2(tt.in), AreaM2(out)); d > 0.001 {
				t.Errorf("area changed by %v", d)
			}
		})
	}
}

// TestRepairE00040635 checks the real defect in the ONS Output Area file:
// the ring of E00040635 returns to one of its vertices, pinching off a loop
// wound the other way that is meant as a hole.
func TestRepairE00040635(t *testing.T) {
	mp := featureByCode(t, readFC(t, oaFile), "OA11CD", "E00040635")

	verr := toSFMultiPolygon(mp).Validate()
	if verr == nil {
		t.Fatal("E00040635 validates; the test no longer exercises repair")
	}
	msg := describeInvalid(verr, mp)
	if want := "self-intersects at (-1.3643669, 53.3271574), where it passes twice through the same point"; !strings.Contains(msg, want) {
		t.Errorf("describeInvalid = %q, want it to contain %q", msg, want)
	}

	out, repaired, err := Repair(mp, 0.001)
	if err != nil {
		t.Fatalf("Repair: %v", err)
	}
	if !repaired {
		t.Fatal("repaired = false, want true")
	}
	if len(out) != 1 || len(out[0]) != 2 {
		t.Fatalf("repaired shape has %d polygons, first with %d rings; want 1 polygon with a shell and a hole", len(out), len(out[0]))
	}
	before, after := AreaM2(mp), AreaM2(out)
	if d := relativeChange(before, after); d > 1e-9 {
		t.Errorf("area %.3f m² became %.3f m² (change %.2g)", before, after, d)
	}
	// The hole is the loop: 41,695 m², 7% of the shell.
	hole := AreaM2(orb.MultiPolygon{{out[0][1]}})
	if math.Abs(hole-41695) > 1 {
		t.Errorf("hole measures %.0f m², want 41,695", hole)
	}
	t.Logf("E00040635: %.1f m², hole %.1f m², area change %.2g", after, hole, relativeChange(before, after))
}

func TestDissolve(t *testing.T) {
	a, b := square(-1.48, 53.38, 0.01), square(-1.47, 53.38, 0.01)
	overlapping := square(-1.475, 53.38, 0.01)

	tests := []struct {
		name      string
		parts     []orb.MultiPolygon
		polygons  int
		wantArea  float64
		wantError string
	}{
		{"adjacent", []orb.MultiPolygon{{a}, {b}}, 1, AreaM2(orb.MultiPolygon{square(-1.48, 53.38, 0.01)}) * 2, ""},
		{"overlapping", []orb.MultiPolygon{{a}, {overlapping}}, 1, AreaM2(orb.MultiPolygon{{{{-1.48, 53.38}, {-1.465, 53.38}, {-1.465, 53.39}, {-1.48, 53.39}, {-1.48, 53.38}}}}), ""},
		{"apart", []orb.MultiPolygon{{a}, {square(-1.40, 53.38, 0.01)}}, 2, AreaM2(orb.MultiPolygon{a}) * 2, ""},
		{"none", nil, 0, 0, ""},
		{"invalid part", []orb.MultiPolygon{{a}, {{{{-1.48, 53.38}, {-1.47, 53.39}, {-1.47, 53.38}, {-1.48, 53.39}, {-1.48, 53.38}}}}}, 0, 0, "part 1 is invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Dissolve(tt.parts)
			if tt.wantError != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantError) || place.ErrorCode(err) != place.EINVALID {
					t.Fatalf("Dissolve error = %v, want EINVALID containing %q", err, tt.wantError)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tt.polygons {
				t.Errorf("%d polygons, want %d", len(got), tt.polygons)
			}
			if d := relativeChange(tt.wantArea, AreaM2(got)); d > 1e-6 {
				t.Errorf("area %.1f, want %.1f", AreaM2(got), tt.wantArea)
			}
		})
	}
}

// TestDissolveLSOA rebuilds a real LSOA from its Output Areas, as a
// boundary set is built from a lookup: the union of the OAs must cover the
// same ground as the ONS LSOA polygon.
func TestDissolveLSOA(t *testing.T) {
	const lsoa = "E01007823"
	f, err := os.Open(oaLSOAFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	oas := map[string]bool{}
	for _, r := range rows[1:] {
		if r[col["LSOA11CD"]] == lsoa {
			oas[r[col["OA11CD"]]] = true
		}
	}
	if len(oas) < 3 {
		t.Fatalf("%d OAs in %s, want several", len(oas), lsoa)
	}
	var parts []orb.MultiPolygon
	for _, feat := range readFC(t, oaFile).Features {
		if code, _ := feat.Properties["OA11CD"].(string); oas[code] {
			mp, err := ToMultiPolygon(feat.Geometry)
			if err != nil {
				t.Fatal(err)
			}
			parts = append(parts, mp)
		}
	}
	if len(parts) != len(oas) {
		t.Fatalf("found %d of %d OA polygons", len(parts), len(oas))
	}
	got, err := Dissolve(parts)
	if err != nil {
		t.Fatal(err)
	}
	want := featureByCode(t, readFC(t, lsoaFile), "LSOA11CD", lsoa)
	if d := relativeChange(AreaM2(want), AreaM2(got)); d > 0.01 {
		t.Errorf("dissolved %s measures %.0f m², ONS polygon %.0f m² (%.2g apart)", lsoa, AreaM2(got), AreaM2(want), d)
	}
	if len(got) != 1 || len(got[0]) != 1 {
		t.Errorf("dissolved %s has %d polygons; want one without holes, as the LSOA", lsoa, len(got))
	}
}

func TestPointOnSurface(t *testing.T) {
	// A U shape whose centroid lies in the gap between the arms.
	u := orb.Polygon{{{0, 0}, {3, 0}, {3, 3}, {2, 3}, {2, 1}, {1, 1}, {1, 3}, {0, 3}, {0, 0}}}
	if c, _ := planar.CentroidArea(u); planar.PolygonContains(u, c) {
		t.Fatalf("test shape's centroid %v lies inside it; choose a shape where it does not", c)
	}
	repaired, _, err := Repair(featureByCode(t, readFC(t, oaFile), "OA11CD", "E00040635"), 0.001)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		g    orb.Geometry
	}{
		{"U polygon", u},
		{"U multipolygon", orb.MultiPolygon{u, square(10, 10, 1)}},
		{"open ring", orb.Polygon{u[0][:len(u[0])-1]}},
		{"holed OA", repaired},
	} {
		p := PointOnSurface(tt.g)
		mp, _ := ToMultiPolygon(tt.g)
		if !planar.MultiPolygonContains(closeRings(mp), p) {
			t.Errorf("%s: PointOnSurface = %v, not inside", tt.name, p)
		}
	}
	if p := PointOnSurface(orb.Point{-1.47, 53.38}); p != (orb.Point{-1.47, 53.38}) {
		t.Errorf("PointOnSurface(point) = %v", p)
	}
	if p := PointOnSurface(nil); p != (orb.Point{}) {
		t.Errorf("PointOnSurface(nil) = %v, want zero", p)
	}
}

func TestToMultiPolygon(t *testing.T) {
	sq := square(0, 0, 1)
	tests := []struct {
		g       orb.Geometry
		want    orb.MultiPolygon
		wantErr string
	}{
		{sq, orb.MultiPolygon{sq}, ""},
		{orb.MultiPolygon{sq, sq}, orb.MultiPolygon{sq, sq}, ""},
		{orb.Point{1, 2}, nil, "geometry is a Point"},
		{orb.LineString{{1, 2}, {3, 4}}, nil, "geometry is a LineString"},
		{nil, nil, "missing"},
	}
	for _, tt := range tests {
		got, err := ToMultiPolygon(tt.g)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || place.ErrorCode(err) != place.EINVALID {
				t.Errorf("ToMultiPolygon(%v) error = %v, want EINVALID containing %q", tt.g, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ToMultiPolygon(%v) = %v, %v; want %v", tt.g, got, err, tt.want)
		}
	}
}

func TestSelfIntersection(t *testing.T) {
	tests := []struct {
		name string
		r    orb.Ring
		want orb.Point
		ok   bool
	}{
		{"square", square(0, 0, 1)[0], orb.Point{}, false},
		{"square with repeated vertex", orb.Ring{{0, 0}, {1, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}, orb.Point{}, false},
		{"bow-tie", orb.Ring{{0, 0}, {2, 2}, {2, 0}, {0, 2}, {0, 0}}, orb.Point{1, 1}, true},
		{"touches at a vertex", orb.Ring{{0, 0}, {4, 0}, {4, 4}, {2, 0}, {0, 4}, {0, 0}}, orb.Point{2, 0}, true},
		{"spike folds back", orb.Ring{{0, 0}, {4, 0}, {4, 4}, {4, 6}, {4, 5}, {0, 4}, {0, 0}}, orb.Point{4, 5}, true},
	}
	for _, tt := range tests {
		got, ok := selfIntersection(tt.r)
		if ok != tt.ok || got != tt.want {
			t.Errorf("%s: selfIntersection = %v, %v; want %v, %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
}
