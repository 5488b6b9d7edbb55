package access_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/access"
	"github.com/placemap/placemap/internal/geo"
	"github.com/placemap/placemap/internal/network"
	"github.com/placemap/placemap/internal/osm"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/reconcile"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/gpkg"
	"github.com/placemap/placemap/internal/store/postgis"
	"github.com/placemap/placemap/internal/testkit"
)

// The world of these tests lies on the equator, where the walk along the
// street that follows it measures a × Δλ on the WGS84 ellipsoid exactly:
// a street grid every 0.001° from -0.003° to 0.027° east and -0.006° to
// 0.006° north; four OAs in a row along the equator, each 0.006° wide,
// whose points lie on the equator street 0.003°, 0.009°, 0.015° and
// 0.021° east; a fifth OA north of the grid, 0.007° from it (far); wards
// W1 (OA1, OA2), W2 (OA3, OA4) and W3 (OA5). Libraries L1 at 0° and L2 at
// 0.024° on the equator street, L3 far south of the grid.

const (
	wgs84A = 6378137.0
	step   = 0.001
)

// eq is the walk along the equator across d degrees of longitude.
func eq(d float64) float64 { return wgs84A * d * math.Pi / 180 }

var pops = map[string]float64{"OA1": 100, "OA2": 300, "OA3": 200, "OA4": 400, "OA5": 50}

// gridOSM writes the street grid as OSM XML and returns its path.
func gridOSM(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<osm version=\"0.6\" generator=\"access_test\">\n")
	const nx, ny = 31, 13 // lon -0.003..0.027, lat -0.006..0.006
	id := func(i, j int) int { return 1 + i*ny + j }
	for i := 0; i < nx; i++ {
		for j := 0; j < ny; j++ {
			fmt.Fprintf(&b, " <node id=\"%d\" lat=\"%.7f\" lon=\"%.7f\"/>\n", id(i, j), -0.006+float64(j)*step, -0.003+float64(i)*step)
		}
	}
	way := 1
	for j := 0; j < ny; j++ {
		fmt.Fprintf(&b, " <way id=\"%d\">", way)
		for i := 0; i < nx; i++ {
			fmt.Fprintf(&b, "<nd ref=\"%d\"/>", id(i, j))
		}
		b.WriteString("<tag k=\"highway\" v=\"residential\"/></way>\n")
		way++
	}
	for i := 0; i < nx; i++ {
		fmt.Fprintf(&b, " <way id=\"%d\">", way)
		for j := 0; j < ny; j++ {
			fmt.Fprintf(&b, "<nd ref=\"%d\"/>", id(i, j))
		}
		b.WriteString("<tag k=\"highway\" v=\"footway\"/></way>\n")
		way++
	}
	b.WriteString("</osm>\n")
	path := filepath.Join(dir, "grid.osm")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func rect(x0, y0, x1, y1 float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}}
}

func set(slug string) place.BoundarySet {
	return place.BoundarySet{Slug: slug, Title: slug, Kind: place.Statistical, Licence: "OGL-UK-3.0", Attribution: "test"}
}

func library(id, name string, st place.Status, p orb.Point) place.Asset {
	return place.Asset{ID: id, Name: name, Category: "library", Status: st, Geometry: p, Source: "test"}
}

// world fills st with the sets, population, assets and network above.
func world(t *testing.T, st *store.DB) { t.Helper(); worldWith(t, st, true) }

// worldWith is world, with no population when pop is false.
func worldWith(t *testing.T, st *store.DB, pop bool) {
	t.Helper()
	ctx := context.Background()
	var oas []place.Area
	for i := 0; i < 4; i++ {
		x := 0.006 * float64(i)
		oas = append(oas, place.Area{Code: fmt.Sprintf("OA%d", i+1), Name: fmt.Sprintf("Output area %d", i+1), Geometry: rect(x, -0.003, x+0.006, 0.003)})
	}
	oas = append(oas, place.Area{Code: "OA5", Name: "Output area 5", Geometry: rect(0, 0.010, 0.006, 0.016)})
	wards := []place.Area{
		{Code: "W1", Name: "West ward", Geometry: rect(0, -0.003, 0.012, 0.003)},
		{Code: "W2", Name: "East ward", Geometry: rect(0.012, -0.003, 0.024, 0.003)},
		{Code: "W3", Name: "North ward", Geometry: rect(0, 0.010, 0.006, 0.016)},
	}
	for _, s := range []struct {
		set   place.BoundarySet
		areas []place.Area
	}{{set("oa"), oas}, {set("wards"), wards}} {
		if _, err := st.ImportSet(ctx, s.set, s.areas); err != nil {
			t.Fatal(err)
		}
	}
	if pop {
		if err := st.ImportIndicators(ctx, "oa", []place.Indicator{{Name: "population", Title: "Residents", Kind: "count"}},
			map[string]map[string]float64{"population": pops}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.AddAssets(ctx, []place.Asset{
		library("l1", "West Library", place.Open, orb.Point{0, 0}),
		library("l2", "East Library", place.AtRisk, orb.Point{0.024, 0}),
		library("l3", "Farm Library", place.Open, orb.Point{0.012, -0.02}),
		library("lc", "Old Library", place.Closed, orb.Point{0.012, 0}),
		{ID: "h1", Name: "Hall", Category: "community_centre", Status: place.Open, Geometry: orb.Point{0.012, 0}, Source: "test"},
	}); err != nil {
		t.Fatal(err)
	}
	rep, err := access.ImportNetwork(ctx, st, osm.File(gridOSM(t, t.TempDir())), "grid.osm", network.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Ways != 44 || rep.LargestComponentShare != 1 {
		t.Fatalf("network report = %+v", rep)
	}
}

// stores runs fn on a GeoPackage and on PostGIS.
func stores(t *testing.T, fn func(t *testing.T, st *store.DB)) {
	t.Run("gpkg", func(t *testing.T) {
		st, err := gpkg.Open(context.Background(), t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		fn(t, st)
	})
	t.Run("postgis", func(t *testing.T) {
		st, err := postgis.Open(context.Background(), testkit.PostGISDatabaseURL(t), postgis.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		fn(t, st)
	})
}

func near(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

func origin(t *testing.T, r *access.Result, code string) access.Origin {
	t.Helper()
	for _, o := range r.Origins {
		if o.Code == code {
			return o
		}
	}
	t.Fatalf("no origin %s", code)
	return access.Origin{}
}

// meridian is the walk north from the equator to lat degrees: the
// meridian arc, a(1−e²)∫(1−e²sin²φ)^(−3/2)dφ, by Simpson's rule.
func meridian(lat float64) float64 {
	const e2 = 0.00669437999014
	f := func(phi float64) float64 { return math.Pow(1-e2*math.Sin(phi)*math.Sin(phi), -1.5) }
	b, n := lat*math.Pi/180, 100
	h, sum := b/float64(n), f(0)+f(b)
	for i := 1; i < n; i++ {
		sum += float64(2+2*(i%2)) * f(float64(i)*h)
	}
	return wgs84A * (1 - e2) * sum * h / 3
}

const speed = 4.8 * 1000 / 60 // metres a minute

func TestBaseline(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		ctx := context.Background()
		world(t, st)
		rec := reconcile.NewService(st, 8)
		svc := access.NewService(st, rec)
		var stages []string
		r, err := svc.Run(ctx, access.Params{Category: "library", From: "oa"}, func(stage string, _, _ int) { stages = append(stages, stage) })
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(strings.Join(stages, " "), "network assets origins snap search isochrones indicators done") {
			t.Errorf("stages = %v", stages)
		}
		want := map[string]struct {
			metres  float64
			nearest string
		}{
			"OA1": {eq(0.003), "l1"}, "OA2": {eq(0.009), "l1"}, "OA3": {eq(0.009), "l2"}, "OA4": {eq(0.003), "l2"},
			"OA5": {meridian(0.013) - meridian(0.006) + meridian(0.006) + eq(0.003), "l1"},
		}
		for code, w := range want {
			o := origin(t, r, code)
			if !o.Reached || !near(o.Metres, w.metres, 0.05) || o.Nearest != w.nearest || !near(o.Minutes, o.Metres/speed, 1e-9) || o.Population != pops[code] {
				t.Errorf("%s = %+v, want %.2f m to %s", code, o, w.metres, w.nearest)
			}
		}
		if o := origin(t, r, "OA1"); o.Point != (orb.Point{0.003, 0}) || o.Weighted || o.Far || o.SnapMetres > 1e-6 {
			t.Errorf("OA1 = %+v, want its point inside at 0.003,0 on the street", o)
		}
		s := r.Summary
		if len(s.Far) != 2 || s.Far[0].Kind != "asset" || s.Far[0].ID != "l3" || !near(s.Far[0].Metres, meridian(0.014), 0.05) ||
			s.Far[1].Kind != "origin" || s.Far[1].ID != "OA5" || !near(s.Far[1].Metres, meridian(0.013)-meridian(0.006), 0.05) {
			t.Errorf("far = %+v", s.Far)
		}
		if s.Origins != 5 || s.Population != 1050 || s.Reached != 5 || len(s.Assets) != 3 || s.BeyondResidents != 50 {
			t.Errorf("summary = %+v", s)
		}
		for k, v := range map[string]float64{"5": 500.0 / 1050, "10": 500.0 / 1050, "15": 1000.0 / 1050, "20": 1000.0 / 1050} {
			if !near(s.Within[k], v, 1e-12) {
				t.Errorf("within %s = %v, want %v", k, s.Within[k], v)
			}
		}
		mean := (100*eq(0.003) + 300*eq(0.009) + 200*eq(0.009) + 400*eq(0.003) + 50*want["OA5"].metres) / 1050 / speed
		if s.MeanMinutes == nil || !near(*s.MeanMinutes, mean, 1e-3) {
			t.Errorf("mean minutes = %v, want %v", s.MeanMinutes, mean)
		}
		if !strings.Contains(s.Method, "walking network from grid.osm (OSM, ODbL), 4.8 km/h") || !strings.Contains(s.Method, "nearest of 3 open or at risk libraries") {
			t.Errorf("method = %q", s.Method)
		}
		indicatorsWritten(t, st, rec, r)
		// A second baseline replaces the first.
		if _, err := svc.Run(ctx, access.Params{Category: "library", From: "oa"}, nil); err != nil {
			t.Fatal(err)
		}
	})
}

// indicatorsWritten checks the baseline's indicators on oa, read and
// moved as any indicator is.
func indicatorsWritten(t *testing.T, st *store.DB, rec *reconcile.Service, r *access.Result) {
	t.Helper()
	ctx := context.Background()
	inds, err := st.Indicators(ctx, "oa")
	if err != nil || len(inds) != 8 {
		t.Fatalf("indicators of oa = %+v, %v", inds, err)
	}
	for _, ind := range inds {
		if ind.Name != "population" && (ind.Source != r.Summary.Method || ind.Licence != "ODbL-1.0") {
			t.Errorf("indicator %+v", ind)
		}
	}
	v, _ := st.IndicatorValues(ctx, "oa", "walk_metres_to_library")
	if !near(v["OA4"], eq(0.003), 0.05) || len(v) != 5 {
		t.Errorf("walk_metres_to_library = %v", v)
	}
	v, _ = st.IndicatorValues(ctx, "oa", "walk_within_15_minutes_to_library")
	if v["OA2"] != 1 || v["OA5"] != 0 || len(v) != 5 {
		t.Errorf("walk_within_15_minutes_to_library = %v", v)
	}
	f, err := rec.Figures(ctx, reconcile.FigureQuery{Set: "oa", Name: "nearest_library"})
	if err != nil || f.Kind != "asset" || f.Assets["OA1"].ID != "l1" || f.Assets["OA3"].Name != "East Library" {
		t.Errorf("nearest_library figures = %+v, %v", f, err)
	}
	_, err = rec.Move(ctx, "oa", "nearest_library", "wards", reconcile.ByPopulation)
	if place.ErrorCode(err) != place.EINVALID || !strings.Contains(err.Error(), "cannot be moved") {
		t.Errorf("moving nearest_library: %v", err)
	}
	m, err := rec.Move(ctx, "oa", "walk_within_5_minutes_to_library", "wards", reconcile.ByPopulation)
	if err != nil || !near(m.Values["W1"], 100.0/400, 1e-12) || !near(m.Values["W2"], 400.0/600, 1e-12) || m.Values["W3"] != 0 {
		t.Errorf("share of residents within 5 minutes by ward = %v, %v", m.Values, err)
	}
}

func TestWeightedPoints(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		ctx := context.Background()
		world(t, st)
		svc := access.NewService(st, reconcile.NewService(st, 8))
		r, err := svc.Run(ctx, access.Params{Category: "library", From: "wards"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		w1, w2, w3 := origin(t, r, "W1"), origin(t, r, "W2"), origin(t, r, "W3")
		if !w1.Weighted || !near(w1.Point[0], (100*0.003+300*0.009)/400, 1e-12) || w1.Point[1] != 0 || w1.Population != 400 {
			t.Errorf("W1 = %+v, want the population-weighted point 0.0075,0 of 400", w1)
		}
		if !near(w1.Metres, eq(0.0075), 0.05) || !near(w2.Metres, eq(0.005), 0.05) || w2.Nearest != "l2" || w2.Population != 600 {
			t.Errorf("W1 = %+v, W2 = %+v", w1, w2)
		}
		if !w3.Weighted || !near(w3.Point[0], 0.003, 1e-12) || !near(w3.Point[1], 0.013, 1e-12) || !w3.Far || w3.Population != 50 {
			t.Errorf("W3 = %+v", w3)
		}
		if r.Summary.WeightedOrigins != 3 || !strings.Contains(r.Summary.Method, "population-weighted points (from oa) of wards") {
			t.Errorf("summary = %+v", r.Summary)
		}
		if v, err := st.IndicatorValues(ctx, "wards", "walk_within_15_minutes_to_library"); err != nil || v["W2"] != 1 || v["W1"] != 1 || v["W3"] != 0 {
			t.Errorf("wards within 15 = %v, %v", v, err)
		}
		// S1 is OA1 and OA4, apart: their weighted mean lies in OA3, outside
		// S1, so S1 falls back to a point inside it.
		s1 := append(rect(0, -0.003, 0.006, 0.003), rect(0.018, -0.003, 0.024, 0.003)...)
		if _, err := st.ImportSet(ctx, set("split"), []place.Area{{Code: "S1", Name: "Ends", Geometry: s1},
			{Code: "S2", Name: "Middle", Geometry: rect(0.006, -0.003, 0.018, 0.003)}}); err != nil {
			t.Fatal(err)
		}
		r, err = svc.Run(ctx, access.Params{Category: "library", From: "split"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		ends, middle := origin(t, r, "S1"), origin(t, r, "S2")
		if ends.Weighted || !geo.NewContains(s1).Point(ends.Point) || ends.Population != 500 {
			t.Errorf("S1 = %+v, want a point inside it, not the weighted mean", ends)
		}
		if !middle.Weighted || !near(middle.Point[0], (300*0.009+200*0.015)/500.0, 1e-12) {
			t.Errorf("S2 = %+v", middle)
		}
	})
}

func TestScenario(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		ctx := context.Background()
		world(t, st)
		svc := access.NewService(st, reconcile.NewService(st, 8))
		if _, err := svc.Run(ctx, access.Params{Category: "library", From: "oa"}, nil); err != nil {
			t.Fatal(err)
		}
		r, err := svc.Run(ctx, access.Params{Category: "library", From: "oa", Close: []string{"l2"}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if o := origin(t, r, "OA4"); !near(o.Metres, eq(0.021), 0.05) || o.Base == nil || !near(o.Base.Metres, eq(0.003), 0.05) || o.Base.Nearest != "l2" {
			t.Errorf("OA4 = %+v (base %+v)", o, o.Base)
		}
		wantMoved(t, "close l2", r.Scenario, map[string]float64{"5": 400, "10": 400, "15": 600, "20": 600}, map[string]float64{"5": 0, "10": 0, "15": 0, "20": 0})
		if b := r.Scenario.Before; b == nil || b.BeyondResidents != 50 || r.Summary.BeyondResidents != 650 || !near(b.Within["5"], 500.0/1050, 1e-12) {
			t.Errorf("before = %+v, after %+v", b, r.Summary)
		}
		var back access.Result
		if b, err := json.Marshal(r); err != nil || json.Unmarshal(b, &back) != nil || back.Scenario.MovedBeyond["15"] != 600 ||
			origin(t, &back, "OA4").Base.Nearest != "l2" || len(back.Isochrones) != 4 || len(back.Isochrones[0].Geometry) == 0 {
			t.Errorf("the result does not survive JSON: %v", err)
		}
		if v, _ := st.IndicatorValues(ctx, "oa", "walk_metres_to_library"); !near(v["OA4"], eq(0.003), 0.05) {
			t.Errorf("a scenario overwrote the baseline indicators: %v", v)
		}
		view, err := svc.View(ctx, r, "wards")
		if err != nil {
			t.Fatal(err)
		}
		if len(view.Areas) != 3 || view.Areas[0].Code != "W2" || view.Areas[0].Change.MovedBeyond["15"] != 600 || view.Areas[1].Change.MovedBeyond["15"] != 0 ||
			view.Total.MovedBeyond["15"] != 600 || !near(view.Areas[0].BeyondResidents, 600, 1e-9) {
			t.Errorf("view = %+v", view)
		}
		r, err = svc.Run(ctx, access.Params{Category: "library", From: "oa", Close: []string{"l2"}, Open: []orb.Point{{0.012, 0}}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		wantMoved(t, "close l2, open at 0.012,0", r.Scenario, map[string]float64{"5": 400, "10": 400, "15": 0, "20": 0}, map[string]float64{"5": 500, "10": 500, "15": 0, "20": 0})
		if o := origin(t, r, "OA3"); o.Nearest != "new:1" || o.NearestName != "new library at 0.012000,0.000000" {
			t.Errorf("OA3 = %+v", o)
		}
		r, err = svc.Run(ctx, access.Params{Category: "library", From: "oa", Close: []string{"l2"}, MaxMinutes: 20}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if o := origin(t, r, "OA3"); o.Reached || !o.Base.Reached || r.Summary.Reached != 2 {
			t.Errorf("OA3 beyond 20 minutes = %+v, reached %d", o, r.Summary.Reached)
		}
	})
}

func wantMoved(t *testing.T, what string, c *access.Change, beyond, within map[string]float64) {
	t.Helper()
	if c == nil {
		t.Fatalf("%s: no change", what)
	}
	for k, v := range beyond {
		if c.MovedBeyond[k] != v || c.MovedWithin[k] != within[k] {
			t.Errorf("%s: moved beyond %v within %v, want %v and %v", what, c.MovedBeyond, c.MovedWithin, beyond, within)
			return
		}
	}
}

func TestViewThroughCrosswalk(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		ctx := context.Background()
		world(t, st)
		svc := access.NewService(st, reconcile.NewService(st, 8))
		r, err := svc.Run(ctx, access.Params{Category: "library", From: "oa"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		v, err := svc.View(ctx, r, "wards")
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Areas) != 3 || v.Areas[0].Code != "W1" || v.Areas[2].Code != "W3" || v.Total != nil {
			t.Fatalf("view = %+v", v)
		}
		w1, w3 := v.Areas[0], v.Areas[2]
		mean := (100*eq(0.003) + 300*eq(0.009)) / 400 / speed
		if !near(w1.Population, 400, 1e-9) || !near(w1.Within["5"], 0.25, 1e-12) || w1.Within["15"] != 1 || w1.BeyondResidents != 0 || w1.MeanMinutes == nil || !near(*w1.MeanMinutes, mean, 1e-6) {
			t.Errorf("W1 = %+v", w1)
		}
		if !near(w3.Population, 50, 1e-9) || !near(w3.BeyondResidents, 50, 1e-9) || !near(w3.ShareBeyond, 1, 1e-12) || w3.Name != "North ward" {
			t.Errorf("W3 = %+v", w3)
		}
		own, err := svc.View(ctx, r, "oa")
		if err != nil || len(own.Areas) != 5 || own.Areas[3].Within["5"] != 1 || own.Areas[4].BeyondResidents != 50 {
			t.Errorf("own view = %+v, %v", own, err)
		}
		_, err = svc.View(ctx, r, "nope")
		if place.ErrorCode(err) != place.ENOTFOUND {
			t.Errorf("unknown set: %v", err)
		}
	})
}

func TestBadInput(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		ctx := context.Background()
		world(t, st)
		svc := access.NewService(st, reconcile.NewService(st, 8))
		for _, c := range []struct {
			name string
			p    access.Params
			code string
			want string
		}{
			{"unknown asset", access.Params{Category: "library", From: "oa", Close: []string{"nope"}}, place.EINVALID, `no asset "nope"`},
			{"another category", access.Params{Category: "library", From: "oa", Close: []string{"h1"}}, place.EINVALID, "community_centre, not a library"},
			{"a closed asset", access.Params{Category: "library", From: "oa", Close: []string{"lc"}}, place.EINVALID, "is closed"},
			{"no assets", access.Params{Category: "arts_centre", From: "oa"}, place.EINVALID, "no open or at risk arts_centre assets"},
			{"unknown category", access.Params{Category: "castle", From: "oa"}, place.EINVALID, "castle"},
			{"unknown set", access.Params{Category: "library", From: "nope"}, place.ENOTFOUND, "nope"},
			{"no network", access.Params{Category: "library", From: "oa", Mode: "cycle"}, place.ENOTFOUND, "placemap import network"},
			{"bad point", access.Params{Category: "library", From: "oa", Open: []orb.Point{{200, 0}}}, place.EINVALID, "longitude"},
		} {
			_, err := svc.Run(ctx, c.p, nil)
			if place.ErrorCode(err) != c.code || err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: %v, want %s saying %q", c.name, err, c.code, c.want)
			}
		}
		if inds, _ := st.Indicators(ctx, "oa"); len(inds) != 1 {
			t.Errorf("refused runs wrote %d indicators", len(inds)-1)
		}
		empty := filepath.Join(t.TempDir(), "empty.osm")
		if err := os.WriteFile(empty, []byte(`<osm version="0.6"><node id="1" lat="0" lon="0"/><way id="1"><nd ref="1"/><tag k="highway" v="motorway"/></way></osm>`), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := access.ImportNetwork(ctx, st, osm.File(empty), "empty.osm", network.Options{})
		if place.ErrorCode(err) != place.EINVALID || !strings.Contains(err.Error(), "empty.osm") {
			t.Errorf("no walkable way: %v", err)
		}
		if n, err := st.NetworkInfo(ctx, "walk"); err != nil || n.Source != "grid.osm" {
			t.Errorf("a refused import replaced the network: %+v, %v", n, err)
		}
	})
}

// TestIsochrones: the bands come largest first, nested, each holding the
// equator street as far as it is walked within its minutes and not past it.
func TestIsochrones(t *testing.T) {
	st, err := gpkg.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	world(t, st)
	r, err := access.NewService(st, reconcile.NewService(st, 8)).Run(context.Background(), access.Params{Category: "library", From: "oa", Close: []string{"l2"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Isochrones) != 4 || r.Isochrones[0].Minutes != 20 || r.Isochrones[3].Minutes != 5 {
		t.Fatalf("bands = %d", len(r.Isochrones))
	}
	for _, b := range r.Isochrones {
		reach := float64(b.Minutes) * speed * 180 / math.Pi / wgs84A // degrees along the equator from l1 at 0
		in := geo.NewContains(b.Geometry)
		if !in.Point(orb.Point{reach - 0.0003, 0}) || in.Point(orb.Point{reach + 0.0008, 0}) || !in.Point(orb.Point{0, 0}) {
			t.Errorf("%d-minute band does not end %.4f° along the street", b.Minutes, reach)
		}
		if b.Minutes < 20 && geo.AreaM2(b.Geometry) >= geo.AreaM2(r.Isochrones[0].Geometry) {
			t.Errorf("%d-minute band is not smaller than the 20-minute one", b.Minutes)
		}
	}
}

// TestNoPopulation: with no population anywhere each origin counts as one,
// and views weigh by area.
func TestNoPopulation(t *testing.T) {
	st, err := gpkg.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	worldWith(t, st, false)
	svc := access.NewService(st, reconcile.NewService(st, 8))
	r, err := svc.Run(context.Background(), access.Params{Category: "library", From: "wards"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := r.Summary
	if s.Population != 3 || s.PopulationSource != access.NoPopulation || s.WeightedOrigins != 0 || s.BeyondResidents != 1 || !near(s.Within["15"], 2.0/3, 1e-12) {
		t.Errorf("summary = %+v", s)
	}
	v, err := svc.View(context.Background(), r, "oa")
	if err != nil || len(v.Areas) != 5 || !strings.Contains(v.Method, "area") {
		t.Errorf("view = %+v, %v", v, err)
	}
}
