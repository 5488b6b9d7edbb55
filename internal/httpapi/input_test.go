package httpapi_test

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
	"unicode/utf8"

	"github.com/placemap/placemap/internal/httpapi"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/gpkg"
	"github.com/placemap/placemap/internal/store/storetest"
)

// assetCount is how many assets the API lists.
func assetCount(t *testing.T, base string) int {
	t.Helper()
	_, _, body := do(t, http.DefaultClient, base, call{"GET", "/api/assets?limit=1", "", nil})
	var out struct {
		NumberMatched int `json:"numberMatched"`
	}
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatalf("assets: %v %s", err, body)
	}
	return out.NumberMatched
}

// createdAsset adds an asset as the admin and returns its id.
func createdAsset(t *testing.T, base, name string) string {
	t.Helper()
	code, _, body := do(t, http.DefaultClient, base, call{"POST", "/api/assets", feature(name, ""), bearer("admin")})
	var f struct{ ID string }
	if err := json.Unmarshal([]byte(body), &f); code != http.StatusCreated || err != nil {
		t.Fatalf("create %s: %d %s", name, code, body)
	}
	return f.ID
}

// TestNULBytesAreBadRequests sends a NUL byte (and bytes that are not
// UTF-8) in paths, queries, JSON bodies, the sign-in e-mail and an
// uploaded OSM file: every one is a 400 naming the fault, on both stores
// (PostgreSQL refuses NUL in text, and answered 500), and nothing is
// written.
func TestNULBytesAreBadRequests(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		srv := writeServer(t, st)
		id := createdAsset(t, srv.URL, "Before")
		before := assetCount(t, srv.URL)
		nul := `\u0000`
		overpass := `{"elements":[{"type":"node","id":1,"lat":53.3,"lon":-1.45,"tags":{"amenity":"library","name":"Lib` + nul + `rary"}}]}`
		for _, k := range []call{
			{"GET", "/api/sets/%00", "", nil},
			{"GET", "/api/sets/%00/areas", "", nil},
			{"GET", "/api/sets/grid/areas/%00", "", nil},
			{"GET", "/api/sets/grid/areas/A%001", "", nil},
			{"GET", "/api/sets/%FF%FE", "", nil},
			{"GET", "/api/assets/%00", "", nil},
			{"GET", "/api/assets/%00/history", "", nil},
			{"GET", "/api/assets?q=%00", "", nil},
			{"GET", "/api/assets?q=lib%00rary", "", nil},
			{"GET", "/api/assets?q=%C0%AF", "", nil},
			{"GET", "/api/assets?in=grid:%00", "", nil},
			{"GET", "/api/assets?in=%00:A1", "", nil},
			{"GET", "/api/assets?%00=1", "", nil},
			{"GET", "/api/crosswalks/grid/%00", "", nil},
			{"GET", "/api/places/%00", "", nil},
			{"GET", "/api/series/%00", "", nil},
			{"GET", "/api/sets/grid/indicators/%00", "", nil},
			{"GET", "/ogc/collections/%00", "", nil},
			{"GET", "/ogc/collections/grid/items?name=%00", "", nil},
			{"GET", "/ogc/collections/grid/items/%00", "", nil},
			{"GET", "/tiles/%00.json", "", nil},
			{"GET", "/tiles/%00/1/1/1.mvt", "", nil},
			{"GET", "/api/export/sets/%00.csv", "", nil},
			{"POST", "/api/login", `{"email":"editor@example.org` + nul + `","password":"` + password + `"}`, nil},
			{"POST", "/api/login", `{"email":"` + nul + `","password":"x"}`, nil},
			{"POST", "/api/assets", feature("Bad"+"\x00"+"name", ""), bearer("admin")},
			{"POST", "/api/assets", feature("Good name", `,"address":"1 High St`+nul+`"`), bearer("admin")},
			{"POST", "/api/assets", feature("Good name", `,"tags":{"no`+nul+`te":"x"}`), bearer("admin")},
			{"PUT", "/api/assets/" + id, feature("Renamed"+"\x00", ""), map[string]string{"Authorization": "Bearer token-admin", "If-Match": `"1"`}},
			{"POST", "/api/suggestions", `{"kind":"new","feature":` + feature("New\x00", "") + `}`, nil},
			{"POST", "/api/suggestions", `{"kind":"new","comment":"hello` + nul + `","feature":` + feature("New", "") + `}`, bearer("contributor")},
			{"POST", "/api/sets/grid/areas", strings.Replace(newArea("N"), `"name":"New"`, `"name":"N`+nul+`w"`, 1), bearer("admin")},
			{"POST", "/api/tokens", `{"name":"laptop` + nul + `"}`, bearer("contributor")},
			{"POST", "/api/conflations?file=a%00.osm", oneLibraryOSM, bearer("admin")},
			{"POST", "/api/conflations?file=overpass.json", overpass, bearer("admin")},
		} {
			code, _, body := do(t, http.DefaultClient, srv.URL, k)
			if code != http.StatusBadRequest || !strings.Contains(body, `"invalid"`) {
				t.Errorf("%s %s %.60q: %d %s, want 400 invalid", k.method, k.path, k.body, code, body)
			}
		}
		if after := assetCount(t, srv.URL); after != before {
			t.Errorf("assets %d before, %d after refused writes", before, after)
		}
		_, _, body := do(t, http.DefaultClient, srv.URL, call{"GET", "/api/assets/" + id, "", nil})
		if !strings.Contains(body, `"Before"`) {
			t.Errorf("asset changed by a refused write: %s", body)
		}
		if code, _, body := do(t, http.DefaultClient, srv.URL, call{"GET", "/api/conflations/proposals", "", bearer("admin")}); code != 200 || strings.Contains(body, "Lib") {
			t.Errorf("proposals after a refused upload: %d %s", code, body)
		}
	})
}

// TestCommentCutOnCharacterBoundary sends an X-Placemap-Comment longer
// than the 500-byte limit whose 500th byte falls inside a character, and
// one with bytes that are not UTF-8: the revision keeps valid UTF-8, cut
// on a character boundary, on both stores.
func TestCommentCutOnCharacterBoundary(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		srv := writeServer(t, st)
		long := "a" + strings.Repeat("é", 300) // the 500-byte cut falls inside an é
		for _, c := range []struct{ comment, want string }{
			{long, "a" + strings.Repeat("é", 249)},
			{"caf\xe9 \xff ok", "caf\uFFFD \uFFFD ok"},
		} {
			h := map[string]string{"Authorization": "Bearer token-admin", "X-Placemap-Comment": c.comment}
			code, _, body := do(t, http.DefaultClient, srv.URL, call{"POST", "/api/assets", feature("Commented", ""), h})
			var f struct{ ID string }
			if err := json.Unmarshal([]byte(body), &f); code != http.StatusCreated || err != nil {
				t.Fatalf("create with comment: %d %s", code, body)
			}
			_, _, hist := do(t, http.DefaultClient, srv.URL, call{"GET", "/api/assets/" + f.ID + "/history", "", nil})
			var out struct{ Revisions []struct{ Comment string } }
			if err := json.Unmarshal([]byte(hist), &out); err != nil || len(out.Revisions) == 0 {
				t.Fatalf("history: %v %s", err, hist)
			}
			got := out.Revisions[0].Comment
			if !utf8.ValidString(got) || got != c.want {
				t.Errorf("comment stored as %q (%d bytes), want %q", got, len(got), c.want)
			}
		}
	})
}

// shortPointFeature is an asset Feature whose Point has the given coordinates.
func shortPointFeature(coords string) string {
	return `{"type":"Feature","properties":{"name":"Somewhere","category":"library"},"geometry":{"type":"Point","coordinates":` + coords + `}}`
}

// TestNullIslandRefused sends Points with fewer than two coordinates
// ([-1.5], [], null, none), which encoding/json would read as (-1.5, 0)
// or (0, 0), and polygons with such positions, through every route that
// takes geometry: each is a 400 naming the position, on both stores, and
// nothing is written.
func TestNullIslandRefused(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		srv := writeServer(t, st)
		id := createdAsset(t, srv.URL, "Placed")
		before := assetCount(t, srv.URL)
		admin := bearer("admin")
		put := map[string]string{"Authorization": "Bearer token-admin", "If-Match": `"1"`}
		badRing := `{"type":"Feature","properties":{"code":"NI","name":"Null"},"geometry":{"type":"Polygon","coordinates":[[[-1.49,53.26],[-1.48],[-1.48,53.27],[-1.49,53.26]]]}}`
		for _, k := range []struct {
			call
			want string
		}{
			{call{"POST", "/api/assets", shortPointFeature(`[-1.5]`), admin}, "1 coordinate"},
			{call{"POST", "/api/assets", shortPointFeature(`[]`), admin}, "0 coordinates"},
			{call{"POST", "/api/assets", shortPointFeature(`null`), admin}, `coordinates\" is missing`},
			{call{"POST", "/api/assets", `{"type":"Feature","properties":{"name":"X","category":"library"},"geometry":{"type":"Point"}}`, admin}, `coordinates\" is missing`},
			{call{"POST", "/api/assets", `{"type":"Feature","properties":{"name":"X","category":"library"},"geometry":{"type":"Polygon","coordinates":[[[-1.49,53.26],[-1.48,53.26],[-1.48],[-1.49,53.26]]]}}`, admin}, "ring 0, position 2 has 1 coordinate"},
			{call{"PUT", "/api/assets/" + id, shortPointFeature(`[-1.5]`), put}, "1 coordinate"},
			{call{"POST", "/api/suggestions", `{"kind":"new","feature":` + shortPointFeature(`[-1.5]`) + `}`, bearer("contributor")}, "1 coordinate"},
			{call{"POST", "/api/suggestions", `{"kind":"correction","asset_id":"` + id + `","feature":` + shortPointFeature(`[]`) + `}`, bearer("contributor")}, "0 coordinates"},
			{call{"POST", "/api/sets/grid/areas", badRing, admin}, "ring 0, position 1 has 1 coordinate"},
			{call{"PUT", "/api/sets/grid/areas/A1", badRing, put}, "ring 0, position 1 has 1 coordinate"},
		} {
			code, _, body := do(t, http.DefaultClient, srv.URL, k.call)
			if code != http.StatusBadRequest || !strings.Contains(body, k.want) {
				t.Errorf("%s %s %s: %d %s, want 400 saying %q", k.method, k.path, k.body, code, body, k.want)
			}
		}
		if after := assetCount(t, srv.URL); after != before {
			t.Errorf("assets %d before, %d after refused writes", before, after)
		}
		_, _, body := do(t, http.DefaultClient, srv.URL, call{"GET", "/api/assets/" + id, "", nil})
		if !strings.Contains(body, `"coordinates":[-1.45,53.3]`) {
			t.Errorf("asset moved by a refused write: %s", body)
		}
	})
}

// TestNotFoundAnswers: a path nothing serves is a 404 in a form the
// asker reads: JSON for API-like paths (the API, OGC, tiles, fonts, any
// .json) and for programs, a small HTML page with a link home for
// browsers; a method a route does not take is a JSON 405.
func TestNotFoundAnswers(t *testing.T) {
	srv := server(t)
	const browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
	for _, c := range []struct {
		method, path, accept string
		status               int
		html                 bool
	}{
		{"GET", "/api/nope", browserAccept, 404, false},
		{"GET", "/ogc/nope", "", 404, false},
		{"GET", "/ogc/nope", browserAccept, 404, true},
		{"GET", "/tiles/grid/1/2", "", 404, false},
		{"GET", "/tiles/grid/1/2", browserAccept, 404, false},
		// Issue 17: placemap serves glyphs, any fontstack falling back to its own.
		{"GET", "/fonts/Noto%20Sans/0-255.pbf", browserAccept, 200, false},
		{"GET", "/fonts/Noto%20Sans/0-255.json", browserAccept, 404, false},
		{"GET", "/fonts/Noto%20Sans", browserAccept, 404, false},
		{"GET", "/nostyle.json", browserAccept, 404, false}, // any .json nothing serves (/style.json is the map style now)
		{"GET", "/data/places.geojson", "", 404, false},
		{"GET", "/nope", "", 404, false},
		{"GET", "/nope", browserAccept, 404, true},
		{"GET", "/vendor/", browserAccept, 404, true}, // no listing of a folder without index.html
		{"GET", "/%3Cscript%3Ealert(1)%3C/script%3E", browserAccept, 404, true},
		{"POST", "/ogc/collections", "", 404, false}, // the catch-all takes every method: no such resource
		{"GET", "/", browserAccept, 200, true},
	} {
		res := get(t, srv.URL+c.path, "Accept", c.accept)
		if c.method != "GET" {
			req, _ := http.NewRequest(c.method, srv.URL+c.path, nil)
			r, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			r.Body.Close()
			res = response{status: r.StatusCode, header: r.Header}
			if ct := r.Header.Get("Content-Type"); c.status != r.StatusCode || !strings.HasPrefix(ct, "application/json") {
				t.Errorf("%s %s: %d %s, want %d JSON", c.method, c.path, r.StatusCode, ct, c.status)
			}
			continue
		}
		ct := res.header.Get("Content-Type")
		if res.status != c.status {
			t.Errorf("%s %s (Accept %q): %d, want %d", c.method, c.path, c.accept, res.status, c.status)
		}
		if c.status != 404 {
			continue
		}
		if c.html {
			if !strings.HasPrefix(ct, "text/html") || !strings.Contains(string(res.body), `<a href="/">`) || !strings.Contains(string(res.body), "Page not found") {
				t.Errorf("%s (browser): %s %s, want an HTML page with a link home", c.path, ct, res.body)
			}
			if strings.Contains(string(res.body), "<script>") {
				t.Errorf("%s: the path is put in the page unescaped: %s", c.path, res.body)
			}
		} else {
			var e struct {
				Error struct{ Code, Message string }
			}
			if !strings.HasPrefix(ct, "application/json") || json.Unmarshal(res.body, &e) != nil || e.Error.Code != "not_found" {
				t.Errorf("%s (Accept %q): %s %s, want a JSON not_found error", c.path, c.accept, ct, res.body)
			}
		}
	}
}

// TestErrorsEchoLittleInput: an error about a long input quotes at most a
// few hundred characters of it.
func TestErrorsEchoLittleInput(t *testing.T) {
	st, err := gpkg.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	srv := writeServer(t, st)
	long := strings.Repeat("x", 20000)
	for _, k := range []call{
		{"GET", "/api/assets?bbox=" + long, "", nil},
		{"GET", "/api/assets?bbox=1,2,3," + long, "", nil},
		{"GET", "/api/assets?category=" + long, "", nil},
		{"GET", "/api/assets?in=" + long, "", nil},
		{"GET", "/api/assets?limit=" + long, "", nil},
		{"GET", "/api/assets?" + long + "=1", "", nil},
		{"GET", "/api/sets/" + long, "", nil},
		{"GET", "/api/sets/grid/areas/" + long, "", nil},
		{"GET", "/api/" + long, "", nil},
		{"GET", "/" + long, "", nil},
		{"GET", "/" + long, "", map[string]string{"Accept": "text/html"}},
		{"GET", "/tiles/" + long + ".json", "", nil},
		{"GET", "/ogc/collections/grid/items?f=" + long, "", nil},
		{"POST", "/api/login", `{"` + long + `":1}`, nil},
		{"POST", "/api/assets", feature(long, ""), bearer("admin")},
		{"POST", "/api/assets", `{"type":"Feature","properties":{"name":"A","category":"` + long + `"},"geometry":{"type":"Point","coordinates":[-1.45,53.3]}}`, bearer("admin")},
		{"PUT", "/api/assets/x", feature("A", ""), map[string]string{"Authorization": "Bearer token-admin", "If-Match": long}},
	} {
		code, _, body := do(t, http.DefaultClient, srv.URL, k)
		if code < 400 || len(body) > 1200 || strings.Contains(body, strings.Repeat("x", place.MaxEcho+1)) {
			t.Errorf("%s %.80s: %d, %d bytes echoing the input: %.300s", k.method, k.path, code, len(body), body)
		}
	}
}

// TestTileJSONHostileHost: without --public-url, TileJSON's tile URLs are
// made from the request's Host header, which a client chooses; so it is
// never marked for shared caches (a poisoned copy would send every map to
// the attacker's host). With --public-url the Host header is ignored and
// the document is public.
func TestTileJSONHostileHost(t *testing.T) {
	for _, public := range []string{"", "https://maps.example.org"} {
		st, err := gpkg.Open(context.Background(), t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		if _, err := st.ImportSet(context.Background(), place.BoundarySet{Slug: "grid", Title: "Grid", Kind: place.Statistical}, storetest.Grid()); err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(httpapi.New(roles(st), fstest.MapFS{}, httpapi.Config{PublicURL: public}, slog.New(slog.NewTextHandler(io.Discard, nil))))
		t.Cleanup(srv.Close)
		for _, layer := range []string{"grid", "assets"} {
			req, _ := http.NewRequest("GET", srv.URL+"/tiles/"+layer+".json", nil)
			req.Host = "evil.example"
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var tj struct{ Tiles []string }
			err = json.NewDecoder(res.Body).Decode(&tj)
			res.Body.Close()
			if err != nil || res.StatusCode != 200 || len(tj.Tiles) == 0 {
				t.Fatalf("TileJSON %s: %d %v", layer, res.StatusCode, err)
			}
			cc := res.Header.Get("Cache-Control")
			hostile := strings.Contains(tj.Tiles[0], "evil.example")
			switch {
			case public == "" && (strings.Contains(cc, "public") || !strings.Contains(cc, "private")):
				t.Errorf("%s without --public-url: Cache-Control %q with tiles %v; want private", layer, cc, tj.Tiles)
			case public != "" && (hostile || !strings.HasPrefix(tj.Tiles[0], public+"/tiles/") || !strings.Contains(cc, "public")):
				t.Errorf("%s with --public-url: Cache-Control %q with tiles %v; want public, at %s", layer, cc, tj.Tiles, public)
			}
		}
	}
}
