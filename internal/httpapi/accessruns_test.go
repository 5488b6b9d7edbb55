package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/storetest"
)

// accessFixture adds to writeServer's store the streets of the walking
// tests, a block set over them (7 × 2 squares of 0.01°, inside grid A1)
// with a population of 100 a block, and two libraries.
func accessFixture(t *testing.T, st *store.DB) {
	t.Helper()
	ctx := context.Background()
	importNetwork(t, st, gridOSM(streetX0, streetY0, streetStep, streetCols, streetRows), "grid.osm", store.Now())
	var blocks []place.Area
	pop := map[string]float64{}
	for i := 0; i < 7; i++ {
		for j := 0; j < 2; j++ {
			code := fmt.Sprintf("B%d%d", i, j)
			blocks = append(blocks, place.Area{Code: code, Name: "Block " + code, Geometry: storetest.Square(-1.46+0.01*float64(i), 53.29+0.01*float64(j), 0.01)})
			pop[code] = 100
		}
	}
	if _, err := st.ImportSet(ctx, place.BoundarySet{Slug: "blocks", Title: "Blocks", Kind: place.Statistical}, blocks); err != nil {
		t.Fatal(err)
	}
	if err := st.ImportIndicators(ctx, "blocks", []place.Indicator{{Name: "population", Title: "Population", Kind: "count", Source: "test"}},
		map[string]map[string]float64{"population": pop}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddAssets(ctx, []place.Asset{
		{ID: "west", Name: "West Library", Category: "library", Status: place.Open, Geometry: orb.Point{-1.455, 53.295}, Source: "test"},
		{ID: "east", Name: "East Library", Category: "library", Status: place.Open, Geometry: orb.Point{-1.395, 53.305}, Source: "test"},
	}); err != nil {
		t.Fatal(err)
	}
}

// runSummary is what the tests read of GET /api/access/runs/{id}.
type runSummary struct {
	ID, Status, Stage, Error string
	Summary                  *struct {
		Origins    int
		Population float64
		Reached    int
		Thresholds []int
		Within     map[string]float64
		Beyond     float64 `json:"beyond_15_residents"`
		Method     string
		Assets     []struct{ ID string }
	}
	Scenario *struct {
		Baseline    string
		MovedBeyond map[string]float64 `json:"moved_beyond"`
	}
}

// startRun posts a run as the editor and follows it until it ends.
func startRun(t *testing.T, base, body string) runSummary {
	t.Helper()
	code, h, out := do(t, http.DefaultClient, base, call{"POST", "/api/access", body, bearer("editor")})
	var started struct{ ID, Status, URL string }
	if code != http.StatusAccepted || json.Unmarshal([]byte(out), &started) != nil || started.Status != "running" || h.Get("Location") != started.URL {
		t.Fatalf("POST /api/access %s: %d %s", body, code, out)
	}
	var run runSummary
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(50 * time.Millisecond) {
		res := get(t, base+started.URL)
		if res.status != 200 || json.Unmarshal(res.body, &run) != nil {
			t.Fatalf("GET %s: %d %s", started.URL, res.status, res.body)
		}
		if run.Status != "running" {
			return run
		}
		if time.Now().After(deadline) {
			t.Fatalf("run %s still running after 2 minutes: %s", run.ID, res.body)
		}
	}
}

// TestAccessRunEndToEnd: an editor's run over the walking network of a
// generated street grid ends done, with its summary, its view from the
// blocks and from a coarser set, four isochrones wound as RFC 7946 asks,
// its origins and each area's access; a scenario closing a library names
// its baseline and the residents it moves.
func TestAccessRunEndToEnd(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		srv := writeServer(t, st)
		accessFixture(t, st)
		run := startRun(t, srv.URL, `{"category":"library","from":"blocks"}`)
		if s := run.Summary; run.Status != "done" || s == nil || s.Origins != 14 || s.Population != 1400 || s.Reached != 14 ||
			len(s.Thresholds) != 4 || s.Within["20"] <= 0 || len(s.Assets) != 2 || s.Method == "" {
			t.Fatalf("run: %+v %+v", run, run.Summary)
		}
		base := srv.URL + "/api/access/runs/" + run.ID
		var view struct {
			Set   string
			Areas []struct {
				Code       string
				Population float64
			}
		}
		if res := get(t, base+"/sets/grid"); res.status != 200 || json.Unmarshal(res.body, &view) != nil || view.Set != "grid" ||
			len(view.Areas) == 0 || view.Areas[0].Code != "A1" || view.Areas[0].Population != 1400 {
			t.Errorf("view from grid: %d %s", res.status, res.body)
		}
		if res := get(t, base+"/sets/blocks"); res.status != 200 || json.Unmarshal(res.body, &view) != nil || len(view.Areas) != 14 {
			t.Errorf("view from blocks: %d %.400s", res.status, res.body)
		}
		isochronesChecked(t, base)
		originsChecked(t, base)
		res := get(t, srv.URL+"/api/sets/grid/areas/A1/access")
		if res.status != 200 || !strings.Contains(string(res.body), `"category":"library","run":"`+run.ID+`"`) || !strings.Contains(string(res.body), `"population":1400`) {
			t.Errorf("area access: %d %s", res.status, res.body)
		}
		if res := get(t, srv.URL+"/api/sets/grid/areas/Z9/access"); res.status != 404 {
			t.Errorf("access of no area: %d %s", res.status, res.body)
		}
		scenario := startRun(t, srv.URL, `{"category":"library","from":"blocks","close":["east"]}`)
		if scenario.Status != "done" || scenario.Scenario == nil || scenario.Scenario.Baseline != run.ID || scenario.Scenario.MovedBeyond["15"] <= 0 {
			t.Errorf("scenario: %+v %+v", scenario, scenario.Scenario)
		}
		res = get(t, srv.URL+"/api/access/runs")
		var runs []struct {
			ID       string
			Scenario bool
		}
		if res.status != 200 || json.Unmarshal(res.body, &runs) != nil || len(runs) != 2 || runs[0].ID != scenario.ID || !runs[0].Scenario || runs[1].Scenario {
			t.Errorf("runs: %d %s", res.status, res.body)
		}
	})
}

func isochronesChecked(t *testing.T, base string) {
	t.Helper()
	res := get(t, base+"/isochrones")
	var fc struct {
		Type     string
		Features []struct {
			Type       string
			Properties struct{ Minutes int }
			Geometry   map[string]any
		}
	}
	if res.status != 200 || res.header.Get("Content-Type") != "application/geo+json" || json.Unmarshal(res.body, &fc) != nil ||
		fc.Type != "FeatureCollection" || len(fc.Features) != 4 {
		t.Fatalf("isochrones: %d %.300s", res.status, res.body)
	}
	for i, want := range []int{20, 15, 10, 5} {
		f := fc.Features[i]
		n, faults := windings(f.Geometry)
		if f.Type != "Feature" || f.Properties.Minutes != want || n == 0 || len(faults) > 0 {
			t.Errorf("isochrone %d: minutes %d, %d polygons, faults %v", i, f.Properties.Minutes, n, faults)
		}
	}
}

func originsChecked(t *testing.T, base string) {
	t.Helper()
	res := get(t, base+"/origins")
	var fc struct {
		Features []struct {
			Geometry   struct{ Type string }
			Properties struct {
				Code    string
				Metres  *float64
				Minutes *float64
				Nearest *string
				Far     bool
			}
		}
	}
	if res.status != 200 || json.Unmarshal(res.body, &fc) != nil || len(fc.Features) != 14 {
		t.Fatalf("origins: %d %.300s", res.status, res.body)
	}
	for _, f := range fc.Features {
		p := f.Properties
		if f.Geometry.Type != "Point" || p.Code == "" || p.Metres == nil || p.Minutes == nil || p.Nearest == nil || p.Far ||
			*p.Minutes < *p.Metres/80-0.1 || *p.Minutes > *p.Metres/80+0.1 {
			t.Errorf("origin %+v", p)
		}
	}
}

// TestAccessRunNeedsAnEditor: anonymous runs are 401, a contributor's
// 403, a signed-in editor's without the CSRF token 403; nothing starts.
func TestAccessRunNeedsAnEditor(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		srv := writeServer(t, st)
		body := `{"category":"library","from":"grid"}`
		for _, tc := range []struct {
			who  map[string]string
			want int
		}{{nil, 401}, {bearer("contributor"), 403}} {
			if code, _, out := do(t, http.DefaultClient, srv.URL, call{"POST", "/api/access", body, tc.who}); code != tc.want {
				t.Errorf("POST as %v: %d %s, want %d", tc.who, code, out, tc.want)
			}
		}
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar}
		if code, _, out := do(t, c, srv.URL, call{"POST", "/api/login", `{"email":"editor@example.org","password":"` + password + `"}`, nil}); code != 200 {
			t.Fatalf("login: %d %s", code, out)
		}
		if code, _, out := do(t, c, srv.URL, call{"POST", "/api/access", body, nil}); code != 403 || !strings.Contains(out, "CSRF") {
			t.Errorf("cookie POST without CSRF: %d %s", code, out)
		}
		if res := get(t, srv.URL+"/api/access/runs"); res.status != 200 || string(res.body) != "[]\n" {
			t.Errorf("runs after refusals: %d %s", res.status, res.body)
		}
		if res := get(t, srv.URL+"/api/access/runs/nope"); res.status != 404 {
			t.Errorf("no such run: %d %s", res.status, res.body)
		}
	})
}
