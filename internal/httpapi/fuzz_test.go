package httpapi_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/auth"
	"github.com/placemap/placemap/internal/httpapi"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store/gpkg"
	"github.com/placemap/placemap/internal/store/storetest"
)

// fuzzServer is a handler over a small GeoPackage store (a grid set, two
// assets, an admin token), called in-process.
func fuzzServer(f *testing.F) http.Handler {
	f.Helper()
	ctx := context.Background()
	st, err := gpkg.Open(ctx, f.TempDir())
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	if _, err := st.ImportSet(ctx, place.BoundarySet{Slug: "grid", Title: "Grid", Kind: place.Community}, storetest.Grid()); err != nil {
		f.Fatal(err)
	}
	// A second release of the grid, so the release routes have work to do.
	if err := st.AddRelease(ctx, "grid", place.Release{Series: "grids"}); err != nil {
		f.Fatal(err)
	}
	var links []place.Successor
	for _, a := range storetest.Grid() {
		links = append(links, place.Successor{OldSet: "grid", OldCode: a.Code, NewSet: "grid2", NewCode: a.Code, ShareOfOld: 1, ShareOfNew: 1, IoU: 1, Status: place.LinkComputed})
	}
	if _, err := st.ImportRelease(ctx, place.BoundarySet{Slug: "grid2", Title: "Grid 2", Kind: place.Community, ReleaseDate: "2030"}, storetest.Grid(),
		place.Release{Series: "grids", Current: true, Successors: links}); err != nil {
		f.Fatal(err)
	}
	if _, err := st.AddAssets(ctx, []place.Asset{
		{ID: "a1", Name: "Hall", Category: "community_centre", Status: place.Open, Geometry: orb.Point{-1.45, 53.3}},
		{ID: "a2", Name: "Library", Category: "library", Status: place.Open, Geometry: orb.Point{-1.3, 53.4}},
	}); err != nil {
		f.Fatal(err)
	}
	u := auth.User{ID: "u1", Email: "admin@example.org", Role: auth.Admin, CreatedAt: time.Now().UTC()}
	if err := st.CreateUser(ctx, u); err != nil {
		f.Fatal(err)
	}
	if err := st.CreateToken(ctx, auth.Token{Hash: auth.HashSecret("token-admin"), UserID: u.ID, CreatedAt: time.Now().UTC()}); err != nil {
		f.Fatal(err)
	}
	return httpapi.New(roles(st), fstest.MapFS{"index.html": {Data: []byte("x")}}, httpapi.Config{MaxRequestBody: 64 << 10},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// serve answers one request in-process; a 5xx or a panic fails the test.
func serve(t *testing.T, h http.Handler, method, target, body string) {
	t.Helper()
	req := httptest.NewRequest(method, "http://placemap.test/", strings.NewReader(body))
	u, err := url.Parse(target)
	if err != nil {
		return
	}
	req.URL.Path, req.URL.RawPath, req.URL.RawQuery = u.Path, u.RawPath, u.RawQuery
	req.Header.Set("Authorization", "Bearer token-admin")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("If-Match", `"1"`)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code >= 500 && w.Code != http.StatusServiceUnavailable {
		t.Fatalf("%s %s → %d: %s", method, target, w.Code, w.Body.String())
	}
}

// FuzzQueryParameters sends fuzzed query strings (bbox, tile coordinates,
// paging, filters) to every read route: any answer but a 5xx will do.
func FuzzQueryParameters(f *testing.F) {
	h := fuzzServer(f)
	for _, q := range []string{"bbox=-1.5,53.25,-1.25,53.5", "bbox=1,2,3", "bbox=NaN,0,1,1", "bbox=-181,0,0,0&limit=-1",
		"limit=100000&offset=99999999999999999999", "category=library&q=%25_%27;--", "in=grid:A1", "in=:",
		"weight=population&format=lookup", "threshold=0.5", "f=html&datetime=2020-01-01T00:00:00Z/..", "code=A1&name=Area%20A1",
		"status=closed", "needs_review=true", "page=0&per_page=100000", "csv_geometry=lonlat"} {
		f.Add("/api/assets", q)
		f.Add("/ogc/collections/grid/items", q)
	}
	f.Add("/tiles/grid/12/2021/1300.mvt", "")
	f.Add("/tiles/assets/31/99999999999/-1.geojson", "")
	f.Add("/api/crosswalks/grid/grid", "format=csv")
	f.Add("/api/export/sets/grid.kml", "csv_geometry=wkt")
	f.Add("/api/sets/grid/changes", "to=grid2&format=csv&table=assets")
	f.Add("/api/sets/grids/areas/A1/successors", "")
	f.Add("/api/sets/grid/features/1", "")
	f.Add("/api/series/grids", "")
	f.Add("/api/sets", "current=false")
	f.Add("/api/oruk/taxonomy_terms", "page=2&per_page=3")
	f.Add("/api/oruk/service_at_locations", "search=hub&taxonomy_term_id=x")
	f.Fuzz(func(t *testing.T, path, query string) {
		if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \n\r\t#?") {
			return
		}
		for _, p := range []string{path, "/api/assets", "/api/sets/grid/areas", "/ogc/collections/assets/items", "/api/oruk/services", "/api/oruk/service_at_locations"} {
			serve(t, h, http.MethodGet, p+"?"+query, "")
		}
	})
}

// FuzzWriteBodies sends fuzzed JSON bodies to the write routes as an
// admin: refusals are 4xx with a message, never a 5xx or a panic.
func FuzzWriteBodies(f *testing.F) {
	h := fuzzServer(f)
	feature := `{"type":"Feature","properties":{"name":"Hall","category":"community_centre"},"geometry":{"type":"Point","coordinates":[-1.45,53.3]}}`
	area := `{"type":"Feature","properties":{"code":"Z9","name":"Zed"},"geometry":{"type":"Polygon","coordinates":[[[-1.5,53.25],[-1.4,53.25],[-1.4,53.3],[-1.5,53.25]]]}}`
	for _, b := range []string{feature, area, `{}`, `[]`, `null`, `{"type":"Feature"}`,
		`{"type":"Feature","properties":{"name":"<img src=x onerror=alert(1)>","category":"library"},"geometry":{"type":"Point","coordinates":[1e308,-1e308]}}`,
		`{"kind":"area","set":"grid","feature":` + area + `}`, `{"kind":"new","feature":` + feature + `,"website_url":""}`,
		`{"reason":"x","take":["name"],"partner":"y"}`, `{"revision":1}`, `{"name":"t"}`, `{"email":"a@b","password":"x"}`,
		`{"to":"grid2","keep":["A1","B2"],"note":"x"}`, `{"to":"grid","keep":[""]}`} {
		f.Add(uint8(0), b)
	}
	routes := []struct{ method, path string }{
		{"POST", "/api/assets"}, {"PUT", "/api/assets/a1"}, {"POST", "/api/suggestions"}, {"POST", "/api/sets/grid/areas"},
		{"PUT", "/api/sets/grid/areas/A1"}, {"POST", "/api/assets/a2/restore"}, {"POST", "/api/tokens"}, {"POST", "/api/login"},
		{"POST", "/api/suggestions/nope/accept"}, {"POST", "/api/conflations/proposals/nope/accept"}, {"POST", "/api/conflations"},
		{"PUT", "/api/sets/grid/areas/A1/successors"},
	}
	f.Fuzz(func(t *testing.T, route uint8, body string) {
		r := routes[int(route)%len(routes)]
		serve(t, h, r.method, r.path, body)
	})
}
