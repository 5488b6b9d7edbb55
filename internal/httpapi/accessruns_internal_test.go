package httpapi

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/access"
	"github.com/placemap/placemap/internal/auth"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/gpkg"
	"github.com/placemap/placemap/internal/store/storetest"
)

// oneNetwork is a NetworkStore keeping a walking network (its report
// only), for tests of the HTTP layer around access runs.
type oneNetwork struct{}

func (oneNetwork) Network(ctx context.Context, mode string) (store.Network, error) {
	return oneNetwork{}.NetworkInfo(ctx, mode)
}

func (oneNetwork) NetworkInfo(ctx context.Context, mode string) (store.Network, error) {
	if mode != "walk" {
		return store.Network{}, store.NoNetwork(mode)
	}
	return store.Network{Mode: "walk", Source: "grid.osm", BuiltAt: time.Date(2026, 12, 6, 1, 0, 0, 0, time.UTC), Report: json.RawMessage(`{"ways":4}`)}, nil
}

// fakeRun is an access run the test steps through: it reports progress,
// says it started, and ends when told (or when its context is cancelled).
type fakeRun struct {
	started chan struct{}
	end     chan error
}

func newFakeRun() *fakeRun {
	return &fakeRun{started: make(chan struct{}, 1), end: make(chan error, 1)}
}

func (f *fakeRun) run(ctx context.Context, p access.Params, progress access.Progress) (*access.Result, error) {
	progress("origins", 0, 4)
	progress("search", 5, 10)
	f.started <- struct{}{}
	select {
	case err := <-f.end:
		if err != nil {
			return nil, err
		}
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	sq := storetest.Square(-1.5, 53.25, 0.01)
	res := &access.Result{Params: p, Summary: access.Summary{Origins: 1, Population: 100, Reached: 1, Thresholds: access.Thresholds,
		Within: map[string]float64{"5": 0, "10": 1, "15": 1, "20": 1}, Method: "fake"},
		Origins: []access.Origin{{Code: "A1", Name: "Area A1", Point: orb.Point{-1.45, 53.3}, Population: 100,
			Walk: access.Walk{Reached: true, Metres: 640, Minutes: 8, Nearest: "lib", NearestName: "Library"}}}}
	for _, m := range []int{5, 20, 10, 15} {
		res.Isochrones = append(res.Isochrones, access.Band{Minutes: m, Geometry: sq})
	}
	if p.Scenario() {
		res.Scenario = &access.Change{MovedBeyond: map[string]float64{"15": 100}, MovedWithin: map[string]float64{}}
	}
	return res, nil
}

var eight = 8.0

func (f *fakeRun) view(ctx context.Context, r *access.Result, set string) (*access.SetView, error) {
	return &access.SetView{Set: set, Method: "fake", Areas: []access.AreaAccess{{Code: "A1", Name: "Area A1", Population: 100,
		BeyondResidents: 0, ShareBeyond: 0, MeanMinutes: &eight}}}, nil
}

// accessServer serves a GeoPackage with the grid set, a library and an
// admin (API token "token-admin"), access runs stepped through fake.
func accessServer(t *testing.T, st *store.DB, fake *fakeRun) *Server {
	t.Helper()
	roles := rolesOf(st)
	roles.Access, roles.Networks = st, oneNetwork{}
	s := New(roles, fstest.MapFS{}, Config{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	s.runAccess, s.viewAccess = fake.run, fake.view
	t.Cleanup(func() { s.Close() })
	return s
}

func accessFixture(t *testing.T) *store.DB {
	t.Helper()
	ctx := context.Background()
	st, err := gpkg.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.ImportSet(ctx, place.BoundarySet{Slug: "grid", Title: "Grid", Kind: place.Statistical}, storetest.Grid()); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddAssets(ctx, []place.Asset{{ID: "lib", Name: "Library", Category: "library", Status: place.Open, Geometry: orb.Point{-1.45, 53.3}, Source: "test"},
		{ID: "hall", Name: "Hall", Category: "community_hall", Status: place.Open, Geometry: orb.Point{-1.44, 53.3}, Source: "test"}}); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateUser(ctx, auth.User{ID: "u-admin", Email: "admin@example.org", Role: auth.Admin, CreatedAt: time.Now().UTC()}); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateToken(ctx, auth.Token{Hash: auth.HashSecret("token-admin"), UserID: "u-admin", CreatedAt: time.Now().UTC()}); err != nil {
		t.Fatal(err)
	}
	return st
}

func send(s *Server, method, path, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer token-admin")
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	return w
}

// TestAccessRunInBackground: a run answers 202 at once and runs on; its
// progress is readable while it runs; a second run while it runs is 503
// with Retry-After; once done its summary, isochrones (largest first),
// origins and set views are served.
func TestAccessRunInBackground(t *testing.T) {
	fake := newFakeRun()
	s := accessServer(t, accessFixture(t), fake)
	w := send(s, "POST", "/api/access", `{"category":"library","from":"grid"}`)
	var started struct{ ID, Status, URL string }
	if w.Code != http.StatusAccepted || json.Unmarshal(w.Body.Bytes(), &started) != nil || started.Status != "running" ||
		started.URL != "/api/access/runs/"+started.ID || w.Header().Get("Location") != started.URL {
		t.Fatalf("POST /api/access: %d %s", w.Code, w.Body)
	}
	<-fake.started
	var run accessRunJSON
	if w := get(s, started.URL); w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &run) != nil ||
		run.Status != "running" || run.Stage != "search" || run.Done != 5 || run.Total != 10 || run.Summary != nil {
		t.Errorf("running: %d %s", w.Code, w.Body)
	}
	if w := send(s, "POST", "/api/access", `{"category":"library","from":"grid"}`); w.Code != http.StatusServiceUnavailable ||
		w.Header().Get("Retry-After") == "" || !strings.Contains(w.Body.String(), "one runs at a time") {
		t.Errorf("second run while one runs: %d %v %s", w.Code, w.Header(), w.Body)
	}
	for _, path := range []string{"/isochrones", "/origins", "/sets/grid"} {
		if w := get(s, started.URL+path); w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), "running") {
			t.Errorf("%s while running: %d %s", path, w.Code, w.Body)
		}
	}
	fake.end <- nil
	s.jobs.wg.Wait()
	w = get(s, started.URL)
	if json.Unmarshal(w.Body.Bytes(), &run) != nil || run.Status != "done" || run.Summary == nil || run.Summary.Population != 100 ||
		run.Finished == nil || run.Scenario != nil || !strings.Contains(string(run.Params), `"speed_kmh":4.8`) {
		t.Errorf("done: %d %s", w.Code, w.Body)
	}
	w = get(s, started.URL+"/isochrones")
	var fc struct {
		Type     string
		Features []struct {
			Properties struct{ Minutes int }
			Geometry   struct{ Type string }
		}
	}
	if w.Code != 200 || w.Header().Get("Content-Type") != "application/geo+json" || json.Unmarshal(w.Body.Bytes(), &fc) != nil ||
		fc.Type != "FeatureCollection" || len(fc.Features) != 4 || fc.Features[0].Properties.Minutes != 20 || fc.Features[3].Properties.Minutes != 5 ||
		fc.Features[0].Geometry.Type != "MultiPolygon" {
		t.Errorf("isochrones: %d %s", w.Code, w.Body)
	}
	if w := get(s, started.URL+"/origins"); w.Code != 200 || !strings.Contains(w.Body.String(), `"minutes":8`) || !strings.Contains(w.Body.String(), `"code":"A1"`) {
		t.Errorf("origins: %d %s", w.Code, w.Body)
	}
	if w := get(s, started.URL+"/sets/grid"); w.Code != 200 || !strings.Contains(w.Body.String(), `"mean_minutes":8`) {
		t.Errorf("set view: %d %s", w.Code, w.Body)
	}
	if w := get(s, started.URL+"/sets/nope"); w.Code != 404 {
		t.Errorf("view from no set: %d %s", w.Code, w.Body)
	}
	if w := get(s, "/api/sets/grid/areas/A1/access"); w.Code != 200 || !strings.Contains(w.Body.String(), `"category":"library","run":"`+started.ID) {
		t.Errorf("area access: %d %s", w.Code, w.Body)
	}
	if w := get(s, "/api/access/runs"); w.Code != 200 || !strings.Contains(w.Body.String(), `[{"id":"`+started.ID+`","status":"done"`) {
		t.Errorf("runs: %d %s", w.Code, w.Body)
	}
	accessScenarioAndFailure(t, s, fake, started.ID)
}

// accessScenarioAndFailure: a scenario names the baseline it compares
// with; a run that fails says why.
func accessScenarioAndFailure(t *testing.T, s *Server, fake *fakeRun, baseline string) {
	w := send(s, "POST", "/api/access", `{"category":"library","from":"grid","close":["lib"],"open":[[-1.4,53.3]]}`)
	if w.Code != http.StatusAccepted {
		t.Fatalf("scenario: %d %s", w.Code, w.Body)
	}
	<-fake.started
	fake.end <- nil
	s.jobs.wg.Wait()
	var started struct{ URL string }
	_ = json.Unmarshal(w.Body.Bytes(), &started)
	if w := get(s, started.URL); !strings.Contains(w.Body.String(), `"scenario":{"baseline":"`+baseline+`"`) {
		t.Errorf("scenario run: %s", w.Body)
	}
	w = send(s, "POST", "/api/access", `{"category":"library","from":"grid"}`)
	<-fake.started
	fake.end <- place.Errorf(place.EINVALID, "no library within reach")
	s.jobs.wg.Wait()
	_ = json.Unmarshal(w.Body.Bytes(), &started)
	if w := get(s, started.URL); !strings.Contains(w.Body.String(), `"status":"failed"`) || !strings.Contains(w.Body.String(), `"error":"no library within reach"`) {
		t.Errorf("failed run: %s", w.Body)
	}
}

// TestAccessRunStoppedAndInterrupted: a run under way when the server
// closes is recorded as stopped, and the server takes no new one; a run a
// stopped process left running is failed when a server starts.
func TestAccessRunStoppedAndInterrupted(t *testing.T) {
	st := accessFixture(t)
	fake := newFakeRun()
	s := accessServer(t, st, fake)
	w := send(s, "POST", "/api/access", `{"category":"library","from":"grid"}`)
	var started struct{ ID string }
	if w.Code != http.StatusAccepted || json.Unmarshal(w.Body.Bytes(), &started) != nil {
		t.Fatalf("POST: %d %s", w.Code, w.Body)
	}
	<-fake.started
	s.Close()
	run, err := st.AccessRun(context.Background(), started.ID)
	if err != nil || run.Status != store.RunFailed || !strings.Contains(run.Error, "shut down") {
		t.Errorf("run stopped by Close: %+v %v", run, err)
	}
	if w := send(s, "POST", "/api/access", `{"category":"library","from":"grid"}`); w.Code != http.StatusServiceUnavailable {
		t.Errorf("POST after Close: %d %s", w.Code, w.Body)
	}
	ctx := context.Background()
	for _, id := range []string{"old", "fresh"} {
		at := store.Now()
		if id == "old" {
			at = at.Add(-time.Hour)
		}
		if err := st.CreateAccessRun(ctx, store.AccessRun{ID: id, CreatedAt: at, Category: "library", From: "grid", Params: json.RawMessage(`{}`)}); err != nil {
			t.Fatal(err)
		}
	}
	accessServer(t, st, newFakeRun())
	for id, want := range map[string]string{"old": store.RunFailed, "fresh": store.RunRunning} {
		if run, err := st.AccessRun(ctx, id); err != nil || run.Status != want || (want == store.RunFailed && run.Error != interruptedReason) {
			t.Errorf("%s after a restart: %+v %v, want %s", id, run, err, want)
		}
	}
}

// TestAccessParamsChecked: a bad body is 400 naming its field, and starts
// nothing.
func TestAccessParamsChecked(t *testing.T) {
	s := accessServer(t, accessFixture(t), newFakeRun())
	for _, tc := range []struct{ body, want string }{
		{`{"from":"grid"}`, "category: name"},
		{`{"category":"bookshop","from":"grid"}`, `category \"bookshop\" is not in the list`},
		{`{"category":"library"}`, "from: name"},
		{`{"category":"library","from":"nope"}`, `from: no boundary set \"nope\"`},
		{`{"category":"library","from":"grid","speed_kmh":0}`, "speed_kmh 0: want 1 to 30 km/h"},
		{`{"category":"library","from":"grid","speed_kmh":31}`, "speed_kmh 31"},
		{`{"category":"library","from":"grid","max_minutes":181}`, "max_minutes 181: want 1 to 180 minutes"},
		{`{"category":"library","from":"grid","max_minutes":0.5}`, "max_minutes 0.5"},
		{`{"category":"library","from":"grid","open":[[200,53]]}`, "open[0]: want [longitude, latitude]"},
		{`{"category":"library","from":"grid","open":[[-1.4]]}`, "open[0]"},
		{`{"category":"library","from":"grid","close":["zzz"]}`, `close[0]: no asset \"zzz\"`},
		{`{"category":"library","from":"grid","close":["hall"]}`, `close[0]: asset \"hall\" is a community_hall, not a library`},
		{`{"category":"library","from":"grid","status":"shut"}`, `status \"shut\" is not one of`},
		{`{"category":"library","from":"grid","status":7}`, `status: want a status`},
		{`{"category":"library","from":"grid","mode":"drive"}`, `mode \"drive\": want walk or cycle`},
		{`{"category":"library","from":"grid","mode":"cycle"}`, `no cycle network`},
		{`{"category":"library","from":"grid","speed":4}`, `unknown field \"speed\"`},
		{`[1]`, `request body`},
	} {
		w := send(s, "POST", "/api/access", tc.body)
		if w.Code/100 != 4 || !strings.Contains(w.Body.String(), tc.want) {
			t.Errorf("%s: %d %s, want 4xx saying %s", tc.body, w.Code, w.Body, tc.want)
		}
	}
	if runs, err := s.accessRuns.AccessRuns(context.Background(), 0); err != nil || len(runs) != 0 {
		t.Errorf("refused bodies kept runs: %v %v", runs, err)
	}
	if w := send(s, "POST", "/api/access", `{"category":"library","from":"grid","status":["open","at_risk"],"speed_kmh":5,"max_minutes":30}`); w.Code != http.StatusAccepted {
		t.Errorf("good body: %d %s", w.Code, w.Body)
	}
}

// TestAccessScopedEditor: an editor whose writes are limited to an area may
// ask for a scenario, never a baseline (it writes indicators on a whole
// set).
func TestAccessScopedEditor(t *testing.T) {
	st := accessFixture(t)
	ctx := context.Background()
	if err := st.CreateUser(ctx, auth.User{ID: "u-scoped", Email: "scoped@example.org", Role: auth.Editor, Scopes: []string{"grid:A1"}, CreatedAt: time.Now().UTC()}); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateToken(ctx, auth.Token{Hash: auth.HashSecret("token-scoped"), UserID: "u-scoped", CreatedAt: time.Now().UTC()}); err != nil {
		t.Fatal(err)
	}
	fake := newFakeRun()
	s := accessServer(t, st, fake)
	post := func(body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", "/api/access", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer token-scoped")
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		return w
	}
	if w := post(`{"category":"library","from":"grid"}`); w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), "scenario") {
		t.Errorf("scoped baseline: %d %s", w.Code, w.Body)
	}
	if w := post(`{"category":"library","from":"grid","open":[[-1.44,53.31]]}`); w.Code != http.StatusAccepted {
		t.Errorf("scoped scenario: %d %s", w.Code, w.Body)
	}
}
