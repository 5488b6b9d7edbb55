package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/placemap/placemap/internal/store"
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
	stores(t, func(t *testing.T, st store.Store) {
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
	stores(t, func(t *testing.T, st store.Store) {
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

// pointFeature is an asset Feature whose Point has the given coordinates.
func pointFeature(coords string) string {
	return `{"type":"Feature","properties":{"name":"Somewhere","category":"library"},"geometry":{"type":"Point","coordinates":` + coords + `}}`
}

// TestNullIslandRefused sends Points with fewer than two coordinates
// ([-1.5], [], null, none), which encoding/json would read as (-1.5, 0)
// or (0, 0), and polygons with such positions, through every route that
// takes geometry: each is a 400 naming the position, on both stores, and
// nothing is written.
func TestNullIslandRefused(t *testing.T) {
	stores(t, func(t *testing.T, st store.Store) {
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
			{call{"POST", "/api/assets", pointFeature(`[-1.5]`), admin}, "1 coordinate"},
			{call{"POST", "/api/assets", pointFeature(`[]`), admin}, "0 coordinates"},
			{call{"POST", "/api/assets", pointFeature(`null`), admin}, `coordinates\" is missing`},
			{call{"POST", "/api/assets", `{"type":"Feature","properties":{"name":"X","category":"library"},"geometry":{"type":"Point"}}`, admin}, `coordinates\" is missing`},
			{call{"POST", "/api/assets", pointFeature(`[0,0]`), admin}, "Null Island"},
			{call{"POST", "/api/assets", `{"type":"Feature","properties":{"name":"X","category":"library"},"geometry":{"type":"Polygon","coordinates":[[[-1.49,53.26],[-1.48,53.26],[-1.48],[-1.49,53.26]]]}}`, admin}, "ring 0, position 2 has 1 coordinate"},
			{call{"PUT", "/api/assets/" + id, pointFeature(`[-1.5]`), put}, "1 coordinate"},
			{call{"POST", "/api/suggestions", `{"kind":"new","feature":` + pointFeature(`[-1.5]`) + `}`, bearer("contributor")}, "1 coordinate"},
			{call{"POST", "/api/suggestions", `{"kind":"correction","asset_id":"` + id + `","feature":` + pointFeature(`[]`) + `}`, bearer("contributor")}, "0 coordinates"},
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
