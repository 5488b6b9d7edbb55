package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/httpapi"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/reconcile"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/gpkg"
	"github.com/placemap/placemap/internal/store/postgis"
	"github.com/placemap/placemap/internal/testkit"
	"github.com/placemap/placemap/web"
)

// accessGrid is a street along the equator from -0.003° to 0.027° east,
// with cross streets every 0.003°, as OSM XML.
func accessGrid() string {
	var b strings.Builder
	b.WriteString("<osm version=\"0.6\" generator=\"access_test\">\n")
	for i := 0; i <= 30; i++ {
		fmt.Fprintf(&b, "<node id=\"%d\" lat=\"0\" lon=\"%.4f\"/>\n", i+1, -0.003+0.001*float64(i))
	}
	b.WriteString("<way id=\"1\">")
	for i := 0; i <= 30; i++ {
		fmt.Fprintf(&b, "<nd ref=\"%d\"/>", i+1)
	}
	b.WriteString("<tag k=\"highway\" v=\"residential\"/><tag k=\"name\" v=\"Equator Road\"/></way>\n")
	for i := 0; i <= 30; i += 3 {
		fmt.Fprintf(&b, "<node id=\"%d\" lat=\"0.002\" lon=\"%.4f\"/>\n", 100+i, -0.003+0.001*float64(i))
		fmt.Fprintf(&b, "<way id=\"%d\"><nd ref=\"%d\"/><nd ref=\"%d\"/><tag k=\"highway\" v=\"footway\"/></way>\n", 100+i, i+1, 100+i)
	}
	b.WriteString("<node id=\"900\" lat=\"0.01\" lon=\"0\"/><node id=\"901\" lat=\"0.01\" lon=\"0.01\"/>\n")
	b.WriteString("<way id=\"900\"><nd ref=\"900\"/><nd ref=\"901\"/><tag k=\"highway\" v=\"motorway\"/></way>\n")
	b.WriteString("</osm>\n")
	return b.String()
}

func accessRect(x0, y0, x1, y1 float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}}
}

// accessWorld stores four OAs along the street (residents 100, 300, 200,
// 400), two wards of two OAs each, libraries l1 at 0° and l2 at 0.024°,
// and a hall; one more library was added and deleted.
func accessWorld(t *testing.T, st *store.DB) {
	t.Helper()
	ctx := context.Background()
	var oas []place.Area
	for i := 0; i < 4; i++ {
		x := 0.006 * float64(i)
		oas = append(oas, place.Area{Code: fmt.Sprintf("OA%d", i+1), Name: fmt.Sprintf("Output area %d", i+1), Geometry: accessRect(x, -0.003, x+0.006, 0.003)})
	}
	wards := []place.Area{{Code: "W1", Name: "West ward", Geometry: accessRect(0, -0.003, 0.012, 0.003)},
		{Code: "W2", Name: "East ward", Geometry: accessRect(0.012, -0.003, 0.024, 0.003)}}
	for slug, areas := range map[string][]place.Area{"oa": oas, "wards": wards} {
		if _, err := st.ImportSet(ctx, place.BoundarySet{Slug: slug, Title: slug, Kind: place.Statistical}, areas); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.ImportIndicators(ctx, "oa", []place.Indicator{{Name: "population", Title: "Residents", Kind: "count"}},
		map[string]map[string]float64{"population": {"OA1": 100, "OA2": 300, "OA3": 200, "OA4": 400}}); err != nil {
		t.Fatal(err)
	}
	lib := func(id, name string, x float64) place.Asset {
		return place.Asset{ID: id, Name: name, Category: "library", Status: place.Open, Geometry: orb.Point{x, 0}, Source: "test"}
	}
	hall := place.Asset{ID: "h1", Name: "Hall", Category: "community_centre", Status: place.Open, Geometry: orb.Point{0.012, 0}, Source: "test"}
	// An asset added and deleted first leaves a gap in the FIDs, which a
	// copy closes: nearest_library's FIDs must follow.
	if _, err := st.AddAssets(ctx, []place.Asset{lib("x0", "Gone", 0.5)}); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteAsset(ctx, "x0", 1); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddAssets(ctx, []place.Asset{lib("l1", "West Library", 0), lib("l2", "East Library", 0.024), hall}); err != nil {
		t.Fatal(err)
	}
}

// TestAccessCommands: import network refuses an extract with no walkable
// way (nothing stored; access then says to import one) and keeps the old
// network when a later one is refused; access prints the baseline and
// writes its indicators; a closure prints the residents moved and the
// wards most affected and writes a report; bad input exits non-zero and
// stores nothing; on both stores.
func TestAccessCommands(t *testing.T) {
	for _, kind := range []string{"gpkg", "postgis"} {
		t.Run(kind, func(t *testing.T) {
			ctx := context.Background()
			var loc []string
			var st *store.DB
			var err error
			if kind == "gpkg" {
				dir := t.TempDir()
				loc = []string{"--data", dir}
				st, err = gpkg.Open(ctx, dir)
			} else {
				url := testkit.PostGISDatabaseURL(t)
				loc = []string{"--db", url}
				st, err = postgis.Open(ctx, url, postgis.Options{})
			}
			if err != nil {
				t.Fatal(err)
			}
			accessWorld(t, st)
			accessCommands(t, loc)
			accessIndicatorsServed(t, st)
			st.Close()
			if kind == "gpkg" {
				accessCopied(t, loc[1])
			}
		})
	}
}

func accessCommands(t *testing.T, loc []string) {
	dir := t.TempDir()
	empty := write(t, dir, "motorway.osm", `<osm version="0.6"><node id="1" lat="0" lon="0"/><node id="2" lat="0" lon="0.01"/>`+
		`<way id="1"><nd ref="1"/><nd ref="2"/><tag k="highway" v="motorway"/></way></osm>`)
	grid := write(t, dir, "grid.osm", accessGrid())
	run := func(args ...string) (int, string, string) { return cli(t, append(args, loc...)...) }
	baseline := []string{"access", "--category", "library", "--from", "oa"}
	if code, out, errs := run("import", "network", empty); code != exitFailed || !strings.Contains(errs, "motorway.osm") {
		t.Fatalf("no walkable way: %d %q %q", code, out, errs)
	}
	if code, out, errs := run(baseline...); code != exitNotFound || !strings.Contains(errs, "placemap import network") {
		t.Fatalf("access without a network: %d %q %q", code, out, errs)
	}
	code, out, errs := run("import", "network", grid)
	if code != 0 || !strings.Contains(out, "walk network from grid.osm: 12 ways") || !strings.Contains(out, "largest connected component: 100.0%") ||
		!strings.Contains(out, "motorway 1") {
		t.Fatalf("import network: %d %q %q", code, out, errs)
	}
	if code, out, errs := run("import", "network", empty); code != exitFailed {
		t.Fatalf("refused import: %d %q %q", code, out, errs)
	}
	if code, out, errs := run("import", "network", grid, "--mode", "bus"); code != exitUsage {
		t.Fatalf("--mode bus: %d %q %q", code, out, errs)
	}
	code, out, errs = run(baseline...)
	if code != 0 || !strings.Contains(out, "origins: 4 (0 at population-weighted points), 4 reached") || !strings.Contains(out, "residents: 1000") ||
		!strings.Contains(out, "within  5 minutes:  50.0% of residents") || !strings.Contains(out, "within 15 minutes: 100.0% of residents") ||
		!strings.Contains(out, "indicators written on oa: nearest_library, walk_metres_to_library") || !strings.Contains(out, "network from grid.osm") {
		t.Fatalf("baseline: %d %q %q", code, out, errs)
	}
	report := filepath.Join(dir, "report.json")
	code, out, errs = run(append(baseline, "--close", "l2", "--by", "wards", "--by", "oa", "--report", report)...)
	if code != 0 || !strings.Contains(out, "moved beyond 15 minutes: 600 residents") || !strings.Contains(out, "residents beyond 15 minutes: 600 (baseline 0)") || !strings.Contains(out, "moved beyond  5 minutes: 400 residents") ||
		!strings.Contains(out, "wards: the 1 areas most affected (residents moved beyond 15 minutes first), of 1 affected\n  W2 ") || strings.Contains(out, "  W1 ") ||
		!strings.Contains(out, "oa: the 2 areas most affected (residents moved beyond 15 minutes first), of 2 affected\n  OA4 ") {
		t.Fatalf("closure: %d %q %q", code, out, errs)
	}
	var rep struct {
		Result struct {
			Scenario struct {
				MovedBeyond map[string]float64 `json:"moved_beyond"`
			} `json:"scenario"`
		} `json:"result"`
		Views map[string]struct {
			Areas []struct {
				Code string `json:"code"`
			} `json:"areas"`
		} `json:"views"`
	}
	if b, err := os.ReadFile(report); err != nil || json.Unmarshal(b, &rep) != nil || rep.Result.Scenario.MovedBeyond["20"] != 600 || rep.Views["wards"].Areas[0].Code != "W2" {
		t.Fatalf("report = %+v, %v", rep, err)
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--open", "east"}, exitUsage, "LON,LAT"},
		{[]string{"--open", "200,0"}, exitFailed, "longitude"},
		{[]string{"--close", "nope"}, exitFailed, `no asset "nope"`},
		{[]string{"--close", "h1"}, exitFailed, "community_centre"},
		{[]string{"--by", "nope"}, exitNotFound, "nope"},
		{[]string{"--status", "gone"}, exitFailed, "status"},
	} {
		if code, out, errs := run(append(baseline, c.args...)...); code != c.code || !strings.Contains(errs, c.want) {
			t.Errorf("%v: %d %q %q, want %d saying %q", c.args, code, out, errs, c.code, c.want)
		}
	}
	for _, args := range [][]string{{"access", "--category", "arts_centre", "--from", "oa"}, {"access", "--category", "library", "--from", "nope"}, {"access", "--from", "oa"}} {
		if code, out, errs := run(args...); code == 0 {
			t.Errorf("%v: %d %q %q", args, code, out, errs)
		}
	}
}

// accessIndicatorsServed: the baseline's indicators read as any other:
// nearest_library names its asset, a within share moved by population is
// the share of residents, and nearest_library is not moved.
func accessIndicatorsServed(t *testing.T, st *store.DB) {
	srv := httptest.NewServer(httpapi.New(apiStores(st), web.FS, httpapi.Config{}, quietLog()))
	defer srv.Close()
	var nearest struct {
		Kind   string                    `json:"kind"`
		Values map[string]float64        `json:"values"`
		Assets map[string]map[string]any `json:"assets"`
	}
	getAccessJSON(t, srv.URL+"/api/sets/oa/indicators/nearest_library", http.StatusOK, &nearest)
	if nearest.Kind != "asset" || nearest.Assets["OA1"]["id"] != "l1" || nearest.Assets["OA4"]["name"] != "East Library" || nearest.Values["OA1"] != nearest.Assets["OA1"]["fid"] {
		t.Errorf("nearest_library = %+v", nearest)
	}
	var moved struct {
		Values map[string]float64 `json:"values"`
	}
	getAccessJSON(t, srv.URL+"/api/sets/wards/indicators/walk_within_5_minutes_to_library?from=oa&weight=population", http.StatusOK, &moved)
	if math.Abs(moved.Values["W1"]-0.25) > 1e-12 || math.Abs(moved.Values["W2"]-400.0/600) > 1e-12 {
		t.Errorf("share of residents within 5 minutes by ward = %v, want W1 0.25, W2 0.667", moved.Values)
	}
	var refused map[string]any
	getAccessJSON(t, srv.URL+"/api/sets/wards/indicators/nearest_library?from=oa&weight=population", http.StatusBadRequest, &refused)
}

func getAccessJSON(t *testing.T, url string, status int, v any) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != status || json.Unmarshal(b, v) != nil {
		t.Fatalf("GET %s: %d %s, want %d", url, res.StatusCode, b, status)
	}
}

// accessCopied: copy carries nearest_library over to the FIDs the copy
// gives the same assets.
func accessCopied(t *testing.T, from string) {
	to := t.TempDir()
	if code, out, errs := cli(t, "copy", "--from", from, "--to", to); code != 0 {
		t.Fatalf("copy: %d %q %q", code, out, errs)
	}
	st, err := gpkg.Open(context.Background(), to)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	f, err := reconcile.NewService(st, 2).Figures(context.Background(), reconcile.FigureQuery{Set: "oa", Name: "nearest_library"})
	if err != nil || f.Assets["OA1"].ID != "l1" || f.Assets["OA4"].ID != "l2" {
		t.Errorf("copied nearest_library = %+v, %v", f.Assets, err)
	}
}
