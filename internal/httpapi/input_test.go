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
