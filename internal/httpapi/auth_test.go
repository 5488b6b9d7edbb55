package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/placemap/placemap/internal/auth"
	"github.com/placemap/placemap/internal/httpapi"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/gpkg"
	"github.com/placemap/placemap/internal/store/postgis"
	"github.com/placemap/placemap/internal/store/storetest"
	"github.com/placemap/placemap/internal/testkit"
)

// stores runs a test on each store.
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

// roles serves every part of the API from st.
func roles(st *store.DB) httpapi.Stores {
	return httpapi.Stores{Areas: st, Assets: st, Releases: st, Places: st, Accounts: st, Basemap: st,
		History: st, Suggestions: st, Conflations: st, Health: st, Search: st, Proposals: st, Postcodes: st, Networks: st, Access: st}
}

const password = "a long enough password"

// writeServer serves st with one user of each role, each with an API token
// "token-<role>".
func writeServer(t *testing.T, st *store.DB) *httptest.Server {
	t.Helper()
	return writeServerWith(t, st, nil)
}

// writeServerWith is writeServer with the store's roles changed by edit
// (nil: none changed) before the server is made.
func writeServerWith(t *testing.T, st *store.DB, edit func(*httpapi.Stores)) *httptest.Server {
	t.Helper()
	return writeServerConfig(t, st, edit, httpapi.Config{MaxRequestBody: 64 << 10})
}

// writeServerConfig is writeServerWith with its configuration.
func writeServerConfig(t *testing.T, st *store.DB, edit func(*httpapi.Stores), cfg httpapi.Config) *httptest.Server {
	t.Helper()
	ctx := context.Background()
	if _, err := st.ImportSet(ctx, place.BoundarySet{Slug: "grid", Title: "Grid", Kind: place.Statistical}, storetest.Grid()); err != nil {
		t.Fatal(err)
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range auth.Roles {
		u := auth.User{ID: "u-" + string(r), Email: string(r) + "@example.org", Role: r, PasswordHash: hash, CreatedAt: time.Now().UTC()}
		if err := st.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if err := st.CreateToken(ctx, auth.Token{Hash: auth.HashSecret("token-" + string(r)), UserID: u.ID, CreatedAt: time.Now().UTC()}); err != nil {
			t.Fatal(err)
		}
	}
	web := fstest.MapFS{"index.html": {Data: []byte("<!doctype html>")}}
	rs := roles(st)
	if edit != nil {
		edit(&rs)
	}
	srv := httptest.NewServer(httpapi.New(rs, web, cfg, slog.New(slog.NewTextHandler(io.Discard, nil))))
	t.Cleanup(srv.Close)
	return srv
}

type call struct {
	method, path, body string
	header             map[string]string
}

func do(t *testing.T, c *http.Client, base string, k call) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(k.method, base+k.path, strings.NewReader(k.body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for h, v := range k.header {
		req.Header.Set(h, v)
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(b)
}

func feature(name, extra string) string {
	return `{"type":"Feature","properties":{"name":` + mustJSON(name) + `,"category":"community_centre"` + extra + `},"geometry":{"type":"Point","coordinates":[-1.45,53.3]}}`
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func bearer(role string) map[string]string {
	if role == "" {
		return nil
	}
	return map[string]string{"Authorization": "Bearer token-" + role}
}

var nextArea = 0

func newArea(code string) string {
	nextArea++
	x := -1.49 + 0.001*float64(nextArea%100)
	return fmt.Sprintf(`{"type":"Feature","properties":{"code":"%s-%d","name":"New"},"geometry":{"type":"Polygon","coordinates":[[[%g,53.26],[%g,53.26],[%g,53.261],[%g,53.26]]]}}`,
		code, nextArea, x, x+0.0005, x+0.0005, x)
}

// freshArea adds an area to the grid set (as the admin) and returns its code.
func freshArea(t *testing.T, c *http.Client, base string) string {
	t.Helper()
	body := newArea("F")
	var a struct{ Properties struct{ Code string } }
	code, _, out := do(t, c, base, call{"POST", "/api/sets/grid/areas", body, bearer("admin")})
	if code != 201 {
		t.Fatalf("add area: %d %s", code, out)
	}
	_ = json.Unmarshal([]byte(body), &a)
	return a.Properties.Code
}

func renamedArea(code string) string {
	return `{"type":"Feature","properties":{"code":"` + code + `","name":"Renamed"},"geometry":{"type":"Polygon","coordinates":[[[-1.49,53.26],[-1.48,53.26],[-1.48,53.27],[-1.49,53.26]]]}}`
}

var nextSuggestion = 0

// freshSuggestion sends a contributor's suggestion of a new place (each
// one 130 m from the last, so none is a likely duplicate of another) and
// returns its id.
func freshSuggestion(t *testing.T, c *http.Client, base string) string {
	t.Helper()
	nextSuggestion++
	f := fmt.Sprintf(`{"type":"Feature","properties":{"name":"Suggested %d","category":"community_centre"},"geometry":{"type":"Point","coordinates":[%g,%g]}}`,
		nextSuggestion, -1.49+0.002*float64(nextSuggestion%50), 53.26+0.002*float64(nextSuggestion/50%50))
	code, _, body := do(t, c, base, call{"POST", "/api/suggestions", `{"kind":"new","feature":` + f + `}`, bearer("contributor")})
	var sg struct{ ID string }
	if err := json.Unmarshal([]byte(body), &sg); err != nil || code != 202 || sg.ID == "" {
		t.Fatalf("suggest: %d %s", code, body)
	}
	return sg.ID
}

// firstRevision returns the seq of an asset's first revision.
func firstRevision(t *testing.T, c *http.Client, base, id string) int64 {
	t.Helper()
	var h struct{ Revisions []struct{ Seq int64 } }
	_, _, body := do(t, c, base, call{"GET", "/api/assets/" + id + "/history", "", nil})
	if err := json.Unmarshal([]byte(body), &h); err != nil || len(h.Revisions) == 0 {
		t.Fatalf("history of %s: %s", id, body)
	}
	return h.Revisions[0].Seq
}

// oneLibraryOSM is an OSM file of one library.
const oneLibraryOSM = `<osm version="0.6"><node id="77" version="1" lat="53.3" lon="-1.45"><tag k="amenity" v="library"/><tag k="name" v="Node Library"/></node></osm>`

var nextNode = 1000

// freshProposal conflates a file of one new library (as the admin) and
// returns the id of the pending proposal it leaves.
func freshProposal(t *testing.T, c *http.Client, base string) string {
	t.Helper()
	nextNode++
	file := strings.NewReplacer(`id="77"`, fmt.Sprintf(`id="%d"`, nextNode), `lon="-1.45"`, fmt.Sprintf(`lon="%.2f"`, -1.45+0.01*float64(nextNode-1000)),
		"Node Library", fmt.Sprintf("Library %d", nextNode)).Replace(oneLibraryOSM)
	if code, _, body := do(t, c, base, call{"POST", "/api/conflations?file=one.osm", file, bearer("admin")}); code != 201 {
		t.Fatalf("conflate: %d %s", code, body)
	}
	_, _, body := do(t, c, base, call{"GET", "/api/conflations/proposals?status=pending&outcome=only_osm", "", bearer("admin")})
	// Earlier files' lines stay pending: each file covers only its node.
	var out struct {
		Proposals []struct {
			ID     string
			OSMRef string `json:"osm_ref"`
		}
	}
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatalf("pending proposals: %s", body)
	}
	for _, p := range out.Proposals {
		if p.OSMRef == fmt.Sprintf("osm:node/%d", nextNode) {
			return p.ID
		}
	}
	t.Fatalf("no pending proposal for node %d: %s", nextNode, body)
	return ""
}

// TestRoleTable walks who may do what (the table in README) over every
// write route, on both stores.
func TestRoleTable(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		srv := writeServer(t, st)
		c := srv.Client()
		// fresh makes an asset (as the admin) for a role to update or delete.
		fresh := func() (id, version string) {
			code, h, body := do(t, c, srv.URL, call{"POST", "/api/assets", feature("Seed Hall", ""), bearer("admin")})
			if code != http.StatusCreated {
				t.Fatalf("admin create: %d %s", code, body)
			}
			var a struct{ ID string }
			_ = json.Unmarshal([]byte(body), &a)
			return a.ID, h.Get("ETag")
		}
		withVersion := func(role, v string) map[string]string {
			h := bearer(role)
			if h == nil {
				h = map[string]string{}
			}
			h["If-Match"] = v
			return h
		}
		routes := []struct {
			name string
			call func(role string) call
			min  auth.Role
			ok   int
		}{
			{"POST /api/assets", func(role string) call {
				return call{"POST", "/api/assets", feature("Hall by "+role, ""), bearer(role)}
			}, auth.Editor, 201},
			{"PUT /api/assets/{id}", func(role string) call {
				id, v := fresh()
				return call{"PUT", "/api/assets/" + id, feature("Renamed by "+role, ""), withVersion(role, v)}
			}, auth.Editor, 200},
			{"DELETE /api/assets/{id}", func(role string) call {
				id, v := fresh()
				return call{"DELETE", "/api/assets/" + id, "", withVersion(role, v)}
			}, auth.Editor, 204},
			{"POST /api/conflations", func(role string) call {
				return call{"POST", "/api/conflations?file=one.osm", oneLibraryOSM, bearer(role)}
			}, auth.Editor, 201},
			{"POST /api/conflations/proposals/{id}/accept", func(role string) call {
				return call{"POST", "/api/conflations/proposals/" + freshProposal(t, c, srv.URL) + "/accept", "", bearer(role)}
			}, auth.Editor, 200},
			{"POST /api/conflations/proposals/{id}/reject", func(role string) call {
				return call{"POST", "/api/conflations/proposals/" + freshProposal(t, c, srv.URL) + "/reject", `{"reason":"not here"}`, bearer(role)}
			}, auth.Editor, 200},
			{"POST /api/assets/{id}/restore", func(role string) call {
				id, v := fresh()
				seq := firstRevision(t, c, srv.URL, id)
				return call{"POST", "/api/assets/" + id + "/restore", fmt.Sprintf(`{"revision":%d}`, seq), withVersion(role, v)}
			}, auth.Editor, 200},
			{"POST /api/assets/{id}/reviewed", func(role string) call {
				id, v := fresh()
				return call{"POST", "/api/assets/" + id + "/reviewed", "", withVersion(role, v)}
			}, auth.Editor, 200},
			{"POST /api/sets/{slug}/areas", func(role string) call {
				return call{"POST", "/api/sets/grid/areas", newArea("Z" + role), bearer(role)}
			}, auth.Editor, 201},
			{"PUT /api/sets/{slug}/areas/{code}", func(role string) call {
				code := freshArea(t, c, srv.URL)
				return call{"PUT", "/api/sets/grid/areas/" + code, renamedArea(code), withVersion(role, `"1"`)}
			}, auth.Editor, 200},
			{"DELETE /api/sets/{slug}/areas/{code}", func(role string) call {
				code := freshArea(t, c, srv.URL)
				return call{"DELETE", "/api/sets/grid/areas/" + code, "", withVersion(role, `"1"`)}
			}, auth.Editor, 204},
			{"POST /api/suggestions/{id}/accept", func(role string) call {
				return call{"POST", "/api/suggestions/" + freshSuggestion(t, c, srv.URL) + "/accept", "", bearer(role)}
			}, auth.Moderator, 200},
			{"POST /api/suggestions/{id}/reject", func(role string) call {
				return call{"POST", "/api/suggestions/" + freshSuggestion(t, c, srv.URL) + "/reject", `{"reason":"no"}`, bearer(role)}
			}, auth.Moderator, 200},
			{"DELETE /api/tokens/{id}", func(role string) call {
				if role == "" {
					return call{"DELETE", "/api/tokens/0000", "", nil}
				}
				_, _, body := do(t, c, srv.URL, call{"POST", "/api/tokens", `{"name":"x"}`, bearer("admin")})
				if auth.Role(role).AtLeast(auth.Contributor) {
					_, _, body = do(t, c, srv.URL, call{"POST", "/api/tokens", `{"name":"x"}`, bearer(role)})
				}
				var tk struct{ ID string }
				_ = json.Unmarshal([]byte(body), &tk)
				return call{"DELETE", "/api/tokens/" + tk.ID, "", bearer(role)}
			}, auth.Contributor, 204},
			{"POST /api/tokens", func(role string) call {
				return call{"POST", "/api/tokens", `{"name":"script"}`, bearer(role)}
			}, auth.Contributor, 201},
			{"POST /api/logout", func(role string) call {
				return call{"POST", "/api/logout", "", bearer(role)}
			}, auth.Contributor, 204},
		}
		for _, rt := range routes {
			for _, role := range []string{"", "contributor", "editor", "moderator", "admin"} {
				want := rt.ok
				switch {
				case role == "":
					want = http.StatusUnauthorized
				case !auth.Role(role).AtLeast(rt.min):
					want = http.StatusForbidden
				}
				if code, _, body := do(t, c, srv.URL, rt.call(role)); code != want {
					t.Errorf("%s as %q: %d, want %d: %s", rt.name, role, code, want, body)
				}
			}
		}
		// A stale version is refused with the current one.
		id, v := fresh()
		if code, _, _ := do(t, c, srv.URL, call{"PUT", "/api/assets/" + id, feature("First", ""), withVersion("editor", v)}); code != 200 {
			t.Fatalf("first update: %d", code)
		}
		code, h, body := do(t, c, srv.URL, call{"PUT", "/api/assets/" + id, feature("Stale", ""), withVersion("editor", v)})
		if code != http.StatusConflict || !strings.Contains(body, `"current_version":2`) || h.Get("ETag") != `"2"` {
			t.Errorf("stale update: %d %v %s", code, h.Get("ETag"), body)
		}
	})
}

// TestSessionsAndCSRF: a browser signs in, gets a session cookie, and
// may write only with the CSRF token; signing out ends the session.
func TestSessionsAndCSRF(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		srv := writeServer(t, st)
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar}
		code, _, body := do(t, c, srv.URL, call{"GET", "/api/me", "", nil})
		if code != http.StatusUnauthorized {
			t.Errorf("me signed out: %d", code)
		}
		code, h, body := do(t, c, srv.URL, call{"POST", "/api/login", `{"email":"Editor@example.org","password":"` + password + `"}`, nil})
		if code != 200 || !strings.Contains(h.Get("Set-Cookie"), "HttpOnly") || !strings.Contains(h.Get("Set-Cookie"), "SameSite=Lax") {
			t.Fatalf("login: %d %v %s", code, h, body)
		}
		var me struct {
			Role string
			CSRF string `json:"csrf_token"`
		}
		_ = json.Unmarshal([]byte(body), &me)
		if me.Role != "editor" || len(me.CSRF) < 20 {
			t.Fatalf("login body %s", body)
		}
		if code, _, body := do(t, c, srv.URL, call{"POST", "/api/assets", feature("No token", ""), nil}); code != http.StatusForbidden || !strings.Contains(body, "CSRF") {
			t.Errorf("cookie write without CSRF: %d %s", code, body)
		}
		if code, _, _ := do(t, c, srv.URL, call{"POST", "/api/assets", feature("Wrong token", ""), map[string]string{"X-CSRF-Token": "nope"}}); code != http.StatusForbidden {
			t.Errorf("cookie write with a wrong CSRF token: %d", code)
		}
		if code, _, body := do(t, c, srv.URL, call{"POST", "/api/assets", feature("With token", ""), map[string]string{"X-CSRF-Token": me.CSRF}}); code != http.StatusCreated {
			t.Errorf("cookie write with CSRF: %d %s", code, body)
		}
		if code, _, _ := do(t, c, srv.URL, call{"POST", "/api/logout", "", map[string]string{"X-CSRF-Token": me.CSRF}}); code != http.StatusNoContent {
			t.Errorf("logout: %d", code)
		}
		if code, _, _ := do(t, c, srv.URL, call{"GET", "/api/me", "", nil}); code != http.StatusUnauthorized {
			t.Errorf("me after logout: %d", code)
		}
		if code, _, _ := do(t, c, srv.URL, call{"POST", "/api/login", `{"email":"editor@example.org","password":"wrong password!"}`, nil}); code != http.StatusUnauthorized {
			t.Errorf("wrong password: %d", code)
		}
	})
}

func TestLoginRateLimited(t *testing.T) {
	st, err := gpkg.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv := writeServer(t, st)
	codes := []int{}
	for i := 0; i < 7; i++ {
		// A forged X-Forwarded-For does not buy fresh attempts.
		hd := map[string]string{"X-Forwarded-For": fmt.Sprintf("10.0.0.%d", i)}
		code, h, _ := do(t, srv.Client(), srv.URL, call{"POST", "/api/login", `{"email":"admin` + fmt.Sprint(i%2) + `@example.org","password":"guess number ` + fmt.Sprint(i) + `"}`, hd})
		codes = append(codes, code)
		if code == http.StatusTooManyRequests && h.Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
	}
	if fmt.Sprint(codes) != "[401 401 401 401 401 429 429]" {
		t.Errorf("login attempts answered %v, want five 401 then 429", codes)
	}
}

// TestWritesAreSafe: stale and unversioned writes, concurrent edits,
// oversized bodies, and text that looks like HTML or SQL.
func TestWritesAreSafe(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		srv := writeServer(t, st)
		c := srv.Client()
		nasty := `<img src=x onerror=alert(1)> '; DROP TABLE assets; -- "quoted" \ %_`
		fields := []string{"address", "postcode", "opening_hours", "phone", "email", "website", "operator", "licence", "attribution", "source"}
		extra := ""
		for _, f := range fields {
			extra += `,"` + f + `":` + mustJSON(nasty+" "+f)
		}
		extra += `,"tags":{"note":` + mustJSON(nasty) + `}`
		code, h, body := do(t, c, srv.URL, call{"POST", "/api/assets", feature(nasty, extra), bearer("editor")})
		if code != 201 {
			t.Fatalf("create: %d %s", code, body)
		}
		var a struct {
			ID         string
			Properties map[string]any
		}
		_ = json.Unmarshal([]byte(body), &a)
		if a.Properties["name"] != nasty {
			t.Errorf("name did not round-trip: %v", a.Properties["name"])
		}
		for _, f := range fields {
			if a.Properties[f] != nasty+" "+f {
				t.Errorf("%s did not round-trip: %v", f, a.Properties[f])
			}
		}
		if tags, _ := a.Properties["tags"].(map[string]any); tags["note"] != nasty {
			t.Errorf("tag did not round-trip: %v", a.Properties["tags"])
		}
		// And it is found by a search for its odd characters, taken literally.
		if _, _, body := do(t, c, srv.URL, call{"GET", "/api/assets?q=" + url.QueryEscape("%_"), "", nil}); !strings.Contains(body, `"numberMatched":1`) {
			t.Errorf("search for %%_: %.300s", body)
		}
		if strings.Contains(body, "<img") {
			t.Errorf("raw HTML in JSON: %s", body)
		}
		v1 := h.Get("ETag")
		if code, _, _ := do(t, c, srv.URL, call{"PUT", "/api/assets/" + a.ID, feature("No version", ""), bearer("editor")}); code != http.StatusPreconditionRequired {
			t.Errorf("update without If-Match: %d, want 428", code)
		}
		// Two editors read v1 and both save: one wins, one gets 409.
		var wg sync.WaitGroup
		codes := make(chan int, 2)
		for _, who := range []string{"editor", "moderator"} {
			wg.Add(1)
			go func(who string) {
				defer wg.Done()
				hd := bearer(who)
				hd["If-Match"] = v1
				code, _, _ := do(t, c, srv.URL, call{"PUT", "/api/assets/" + a.ID, feature("Saved by "+who, ""), hd})
				codes <- code
			}(who)
		}
		wg.Wait()
		close(codes)
		got := map[int]int{}
		for c := range codes {
			got[c]++
		}
		if got[200] != 1 || got[409] != 1 {
			t.Errorf("concurrent edits answered %v, want one 200 and one 409", got)
		}
		big := feature(strings.Repeat("x", 70<<10), "")
		if code, _, body := do(t, c, srv.URL, call{"POST", "/api/assets", big, bearer("editor")}); code != http.StatusRequestEntityTooLarge {
			t.Errorf("oversized body: %d %.200s", code, body)
		}
		if code, _, body := do(t, c, srv.URL, call{"POST", "/api/assets", feature("Bad", `,"status":"shut"`), bearer("editor")}); code != 400 || !strings.Contains(body, "status") {
			t.Errorf("invalid asset: %d %s", code, body)
		}
	})
}

// TestHistoryAndRestore: create, correct, and the history shows both with
// readable diffs; restoring the first is itself a revision; deletion shows
// in the change feed as a tombstone, and a deleted asset can be restored.
func TestHistoryAndRestore(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		srv := writeServer(t, st)
		c := srv.Client()
		code, h, body := do(t, c, srv.URL, call{"POST", "/api/assets", feature("Heeley Hub", `,"opening_hours":"Mo 09:00-12:00"`), bearer("editor")})
		if code != 201 {
			t.Fatalf("create: %d %s", code, body)
		}
		var a struct{ ID string }
		_ = json.Unmarshal([]byte(body), &a)
		hd := bearer("editor")
		hd["If-Match"], hd["X-Placemap-Comment"] = h.Get("ETag"), "new hours from the noticeboard"
		code, h, body = do(t, c, srv.URL, call{"PUT", "/api/assets/" + a.ID, feature("Heeley Hub", `,"opening_hours":"Mo-Fr 09:00-17:00"`), hd})
		if code != 200 {
			t.Fatalf("update: %d %s", code, body)
		}
		var hist struct {
			Revisions []struct {
				Seq        int64
				Action     string
				Author     string
				AuthorName string `json:"author_name"`
				Comment    string
				Changes    []struct{ Field, From, To string }
			}
		}
		_, _, body = do(t, c, srv.URL, call{"GET", "/api/assets/" + a.ID + "/history", "", nil})
		if err := json.Unmarshal([]byte(body), &hist); err != nil || len(hist.Revisions) != 2 {
			t.Fatalf("history: %v %s", err, body)
		}
		second := hist.Revisions[1]
		if second.Author != "" || second.AuthorName != "an editor" || second.Comment != "new hours from the noticeboard" || len(second.Changes) != 1 {
			t.Errorf("second revision = %+v", second)
		}
		found := false
		for _, ch := range second.Changes {
			found = found || (ch.Field == "opening_hours" && ch.From == "Mo 09:00-12:00" && ch.To == "Mo-Fr 09:00-17:00")
		}
		if !found {
			t.Errorf("diff lacks the hours: %+v", second.Changes)
		}
		// Restore the first revision.
		hd = bearer("editor")
		hd["If-Match"] = h.Get("ETag")
		code, h, body = do(t, c, srv.URL, call{"POST", "/api/assets/" + a.ID + "/restore", fmt.Sprintf(`{"revision":%d}`, hist.Revisions[0].Seq), hd})
		if code != 200 || !strings.Contains(body, `"opening_hours":"Mo 09:00-12:00"`) || h.Get("ETag") != `"3"` {
			t.Fatalf("restore: %d %s %s", code, h.Get("ETag"), body)
		}
		_, _, body = do(t, c, srv.URL, call{"GET", "/api/assets/" + a.ID + "/history", "", nil})
		_ = json.Unmarshal([]byte(body), &hist)
		if len(hist.Revisions) != 3 || !strings.HasPrefix(hist.Revisions[2].Comment, "restore revision") {
			t.Errorf("history after restore: %s", body)
		}
		if code, _, _ := do(t, c, srv.URL, call{"POST", "/api/assets/" + a.ID + "/restore", `{"revision":1}`, bearer("contributor")}); code != http.StatusForbidden {
			t.Errorf("contributor restore: %d", code)
		}
		// Delete, see the tombstone, bring it back.
		hd = bearer("editor")
		hd["If-Match"] = h.Get("ETag")
		if code, _, _ := do(t, c, srv.URL, call{"DELETE", "/api/assets/" + a.ID, "", hd}); code != 204 {
			t.Fatalf("delete: %d", code)
		}
		var feed struct {
			Items []struct {
				ID, Kind, State string
				Modified        int64
			}
			Next string
		}
		_, _, body = do(t, c, srv.URL, call{"GET", "/api/changes?since=0", "", nil})
		if err := json.Unmarshal([]byte(body), &feed); err != nil || len(feed.Items) == 0 {
			t.Fatalf("changes: %v %s", err, body)
		}
		last := feed.Items[len(feed.Items)-1]
		if last.ID != a.ID || last.State != "deleted" || !strings.Contains(feed.Next, fmt.Sprintf("since=%d", last.Modified)) {
			t.Errorf("last change = %+v, next %s", last, feed.Next)
		}
		code, _, body = do(t, c, srv.URL, call{"POST", "/api/assets/" + a.ID + "/restore", fmt.Sprintf(`{"revision":%d}`, hist.Revisions[1].Seq), bearer("editor")})
		if code != 200 || !strings.Contains(body, "Mo-Fr 09:00-17:00") {
			t.Errorf("restore after delete: %d %s", code, body)
		}
	})
}

// TestSuggestionToHistory is the people story end to end, on both stores:
// an anonymous visitor suggests a new community centre, a moderator
// accepts it from the queue, an editor corrects its hours, the history
// shows the revisions with diffs, restoring the first works, and two
// concurrent edits end with one 409.
func TestSuggestionToHistory(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		srv := writeServer(t, st)
		c := srv.Client()
		suggestion := `{"kind":"new","comment":"opened in May","feature":` + feature("Heeley Community Centre", `,"opening_hours":"Mo 09:00-12:00"`) + `}`
		code, _, body := do(t, c, srv.URL, call{"POST", "/api/suggestions", suggestion, nil})
		if code != http.StatusAccepted {
			t.Fatalf("anonymous suggestion: %d %s", code, body)
		}
		// Bots fill the hidden field: answered alike, never stored.
		bot := `{"kind":"new","website_url":"http://spam.example","feature":` + feature("Spam", "") + `}`
		if code, _, _ := do(t, c, srv.URL, call{"POST", "/api/suggestions", bot, nil}); code != http.StatusAccepted {
			t.Errorf("honeypot: %d", code)
		}
		if code, _, body := do(t, c, srv.URL, call{"GET", "/api/assets?q=Heeley", "", nil}); code != 200 || !strings.Contains(body, `"numberMatched":0`) {
			t.Errorf("a pending suggestion is live: %s", body)
		}
		if code, _, _ := do(t, c, srv.URL, call{"GET", "/api/suggestions?status=pending", "", bearer("editor")}); code != http.StatusForbidden {
			t.Errorf("editor reads the moderation queue: %d", code)
		}
		var queue struct {
			Suggestions []struct {
				ID         string
				Author     string
				AuthorName string `json:"author_name"`
				Changes    []struct{ Field, From, To string }
				Proposed   struct{ Properties map[string]any }
			}
		}
		_, _, body = do(t, c, srv.URL, call{"GET", "/api/suggestions?status=pending", "", bearer("moderator")})
		if err := json.Unmarshal([]byte(body), &queue); err != nil || len(queue.Suggestions) != 1 {
			t.Fatalf("queue: %v %s", err, body)
		}
		sg := queue.Suggestions[0]
		if sg.Author != "" || sg.AuthorName != "anonymous" || len(sg.Changes) == 0 || sg.Proposed.Properties["name"] != "Heeley Community Centre" {
			t.Errorf("queued suggestion = %+v", sg)
		}
		if code, _, body := do(t, c, srv.URL, call{"POST", "/api/suggestions/" + sg.ID + "/reject", `{}`, bearer("moderator")}); code != 400 {
			t.Errorf("reject without a reason: %d %s", code, body)
		}
		if code, _, body := do(t, c, srv.URL, call{"POST", "/api/suggestions/" + sg.ID + "/accept", "", bearer("moderator")}); code != 200 || !strings.Contains(body, `"status":"accepted"`) {
			t.Fatalf("accept: %d %s", code, body)
		}
		var found struct {
			Features []struct{ ID string }
		}
		_, _, body = do(t, c, srv.URL, call{"GET", "/api/assets?q=Heeley", "", nil})
		_ = json.Unmarshal([]byte(body), &found)
		if len(found.Features) != 1 {
			t.Fatalf("accepted asset not live: %s", body)
		}
		id := found.Features[0].ID
		// The editor corrects the hours, then adds a phone number.
		version := `"1"`
		for _, extra := range []string{`,"opening_hours":"Mo-Fr 09:00-17:00"`, `,"opening_hours":"Mo-Fr 09:00-17:00","phone":"0114 000 0000"`} {
			hd := bearer("editor")
			hd["If-Match"] = version
			code, h, body := do(t, c, srv.URL, call{"PUT", "/api/assets/" + id, feature("Heeley Community Centre", extra), hd})
			if code != 200 {
				t.Fatalf("editor update: %d %s", code, body)
			}
			version = h.Get("ETag")
		}
		var hist struct {
			Revisions []struct {
				Seq        int64
				Author     string
				AuthorName string `json:"author_name"`
				Changes    []struct{ Field string }
			}
		}
		_, _, body = do(t, c, srv.URL, call{"GET", "/api/assets/" + id + "/history", "", nil})
		_ = json.Unmarshal([]byte(body), &hist)
		if len(hist.Revisions) != 3 || hist.Revisions[0].AuthorName != "a moderator" || hist.Revisions[1].AuthorName != "an editor" || hist.Revisions[0].Author != "" ||
			len(hist.Revisions[1].Changes) != 1 || hist.Revisions[1].Changes[0].Field != "opening_hours" || hist.Revisions[2].Changes[0].Field != "phone" {
			t.Fatalf("history: %s", body)
		}
		hd := bearer("editor")
		hd["If-Match"] = version
		code, h, body := do(t, c, srv.URL, call{"POST", "/api/assets/" + id + "/restore", fmt.Sprintf(`{"revision":%d}`, hist.Revisions[0].Seq), hd})
		if code != 200 || !strings.Contains(body, `"opening_hours":"Mo 09:00-12:00"`) || strings.Contains(body, `"phone"`) {
			t.Fatalf("restore the first: %d %s", code, body)
		}
		version = h.Get("ETag")
		var wg sync.WaitGroup
		codes := make(chan int, 2)
		for _, who := range []string{"editor", "admin"} {
			wg.Add(1)
			go func(who string) {
				defer wg.Done()
				hd := bearer(who)
				hd["If-Match"] = version
				code, _, _ := do(t, c, srv.URL, call{"PUT", "/api/assets/" + id, feature("Heeley CC by "+who, ""), hd})
				codes <- code
			}(who)
		}
		wg.Wait()
		close(codes)
		n := map[int]int{}
		for code := range codes {
			n[code]++
		}
		if n[200] != 1 || n[409] != 1 {
			t.Errorf("concurrent edits: %v, want one 200 and one 409", n)
		}
	})
}

func TestNeedsReview(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		srv := writeServer(t, st)
		c := srv.Client()
		_, h, body := do(t, c, srv.URL, call{"POST", "/api/assets", feature("Checked Hall", ""), bearer("editor")})
		var a struct{ ID string }
		_ = json.Unmarshal([]byte(body), &a)
		do(t, c, srv.URL, call{"POST", "/api/assets", feature("Forgotten Hall", ""), bearer("editor")})
		hd := bearer("editor")
		hd["If-Match"] = h.Get("ETag")
		code, _, body := do(t, c, srv.URL, call{"POST", "/api/assets/" + a.ID + "/reviewed", "", hd})
		if code != 200 || !strings.Contains(body, `"last_reviewed"`) {
			t.Fatalf("mark reviewed: %d %s", code, body)
		}
		_, _, body = do(t, c, srv.URL, call{"GET", "/api/assets?needs_review=true", "", nil})
		if !strings.Contains(body, "Forgotten Hall") || strings.Contains(body, "Checked Hall") {
			t.Errorf("needs review: %s", body)
		}
		if code, _, _ := do(t, c, srv.URL, call{"POST", "/api/assets/" + a.ID + "/reviewed", "", bearer("contributor")}); code != 403 {
			t.Errorf("contributor marks reviewed: %d", code)
		}
	})
}

// TestScopedEditor: an editor scoped to one area writes there and nowhere
// else ("editor for Heeley").
func TestScopedEditor(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		srv := writeServer(t, st)
		ctx := context.Background()
		hash, _ := auth.HashPassword(password)
		if err := st.CreateUser(ctx, auth.User{ID: "u-a1", Email: "a1@example.org", Role: auth.Editor, PasswordHash: hash,
			Scopes: []string{"grid:A1"}, CreatedAt: time.Now().UTC()}); err != nil {
			t.Fatal(err)
		}
		if err := st.CreateToken(ctx, auth.Token{Hash: auth.HashSecret("token-a1"), UserID: "u-a1", CreatedAt: time.Now().UTC()}); err != nil {
			t.Fatal(err)
		}
		c := srv.Client()
		inA1 := feature("In A1", "")                                                                                                                    // at -1.45, 53.3: in A1
		inB2 := `{"type":"Feature","properties":{"name":"In B2","category":"community_centre"},"geometry":{"type":"Point","coordinates":[-1.3,53.45]}}` // in B2
		tok := map[string]string{"Authorization": "Bearer token-a1"}
		code, h, body := do(t, c, srv.URL, call{"POST", "/api/assets", inA1, tok})
		if code != 201 {
			t.Fatalf("scoped create inside: %d %s", code, body)
		}
		var a struct{ ID string }
		_ = json.Unmarshal([]byte(body), &a)
		if code, _, body := do(t, c, srv.URL, call{"POST", "/api/assets", inB2, tok}); code != 403 || !strings.Contains(body, "grid:A1") {
			t.Errorf("scoped create outside: %d %s", code, body)
		}
		// Moving it out of the scope is refused too.
		hd := map[string]string{"Authorization": "Bearer token-a1", "If-Match": h.Get("ETag")}
		if code, _, _ := do(t, c, srv.URL, call{"PUT", "/api/assets/" + a.ID, inB2, hd}); code != 403 {
			t.Errorf("scoped move outside: %d", code)
		}
		if code, _, body := do(t, c, srv.URL, call{"PUT", "/api/assets/" + a.ID, feature("Renamed in A1", ""), hd}); code != 200 {
			t.Errorf("scoped update inside: %d %s", code, body)
		}
	})
}

// TestUpdateArea: an editor redraws an area with If-Match; a stale
// version gets 409; a contributor may not; the area's history has it.
func TestUpdateArea(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		srv := writeServer(t, st)
		c := srv.Client()
		code, h, body := do(t, c, srv.URL, call{"GET", "/api/sets/grid/areas/A1", "", nil})
		if code != 200 || h.Get("ETag") != `"1"` || !strings.Contains(body, `"version":1`) {
			t.Fatalf("area: %d %s %s", code, h.Get("ETag"), body)
		}
		redraw := `{"type":"Feature","properties":{"name":"Heeley (as residents draw it)"},"geometry":{"type":"Polygon","coordinates":[[[-1.5,53.25],[-1.4,53.25],[-1.4,53.37],[-1.5,53.37],[-1.5,53.25]]]}}`
		if code, _, _ := do(t, c, srv.URL, call{"PUT", "/api/sets/grid/areas/A1", redraw, map[string]string{"Authorization": "Bearer token-contributor", "If-Match": `"1"`}}); code != 403 {
			t.Errorf("contributor redraws: %d", code)
		}
		hd := map[string]string{"Authorization": "Bearer token-editor", "If-Match": `"1"`}
		code, h, body = do(t, c, srv.URL, call{"PUT", "/api/sets/grid/areas/A1", redraw, hd})
		if code != 200 || h.Get("ETag") != `"2"` || !strings.Contains(body, "Heeley (as residents draw it)") {
			t.Fatalf("redraw: %d %s %s", code, h.Get("ETag"), body)
		}
		if code, _, body := do(t, c, srv.URL, call{"PUT", "/api/sets/grid/areas/A1", redraw, hd}); code != 409 || !strings.Contains(body, `"current_version":2`) {
			t.Errorf("stale redraw: %d %s", code, body)
		}
		bow := `{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[-1.5,53.25],[-1.4,53.3],[-1.4,53.25],[-1.5,53.3],[-1.5,53.25]]]}}`
		hd["If-Match"] = `"2"`
		if code, _, _ := do(t, c, srv.URL, call{"PUT", "/api/sets/grid/areas/A1", bow, hd}); code != 400 {
			t.Errorf("self-crossing outline: %d, want 400", code)
		}
	})
}

// TestAddAndDeleteArea: an editor adds a neighbourhood to a set and
// removes it; the role table holds for both routes.
func TestAddAndDeleteArea(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		srv := writeServer(t, st)
		c := srv.Client()
		heeley := `{"type":"Feature","properties":{"name":"Heeley Bottom"},"geometry":{"type":"Polygon","coordinates":[[[-1.3,53.26],[-1.26,53.26],[-1.26,53.3],[-1.3,53.3],[-1.3,53.26]]]}}`
		if code, _, _ := do(t, c, srv.URL, call{"POST", "/api/sets/grid/areas", heeley, bearer("contributor")}); code != 403 {
			t.Errorf("contributor adds an area: %d", code)
		}
		code, h, body := do(t, c, srv.URL, call{"POST", "/api/sets/grid/areas", heeley, bearer("editor")})
		if code != 201 || h.Get("ETag") != `"1"` || !strings.Contains(body, `"code":"heeley-bottom"`) || !strings.Contains(h.Get("Location"), "/api/sets/grid/areas/heeley-bottom") {
			t.Fatalf("add area: %d %v %s", code, h, body)
		}
		if code, _, _ := do(t, c, srv.URL, call{"POST", "/api/sets/grid/areas", heeley, bearer("editor")}); code != 409 {
			t.Errorf("the same code again: %d", code)
		}
		if code, _, body := do(t, c, srv.URL, call{"GET", "/api/sets/grid", "", nil}); code != 200 || !strings.Contains(body, `"area_count":5`) {
			t.Errorf("set after adding: %s", body)
		}
		hd := bearer("editor")
		hd["If-Match"] = `"1"`
		if code, _, body := do(t, c, srv.URL, call{"DELETE", "/api/sets/grid/areas/heeley-bottom", "", hd}); code != 204 {
			t.Errorf("delete area: %d %s", code, body)
		}
		if code, _, _ := do(t, c, srv.URL, call{"GET", "/api/sets/grid/areas/heeley-bottom", "", nil}); code != 404 {
			t.Errorf("deleted area: %d", code)
		}
	})
}
