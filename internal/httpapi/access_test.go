package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/placemap/placemap/internal/auth"
	"github.com/placemap/placemap/internal/httpapi"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/storetest"
)

// addScoped adds an account with scopes and an API token "token-<id>".
func addScoped(t *testing.T, st *store.DB, id string, role auth.Role, scopes ...string) map[string]string {
	t.Helper()
	ctx := context.Background()
	hash, err := auth.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CreateUser(ctx, auth.User{ID: id, Email: id + "@example.org", Role: role, PasswordHash: hash,
		Scopes: scopes, CreatedAt: time.Now().UTC()}); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateToken(ctx, auth.Token{Hash: auth.HashSecret("token-" + id), UserID: id, CreatedAt: time.Now().UTC()}); err != nil {
		t.Fatal(err)
	}
	return map[string]string{"Authorization": "Bearer token-" + id}
}

func with(h map[string]string, kv ...string) map[string]string {
	out := map[string]string{}
	for k, v := range h {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// pointFeature is an asset at lon, lat.
func pointFeature(name string, lon, lat float64) string {
	return fmt.Sprintf(`{"type":"Feature","properties":{"name":%q,"category":"community_centre"},"geometry":{"type":"Point","coordinates":[%g,%g]}}`, name, lon, lat)
}

// The grid: A1 is [-1.5,-1.375]×[53.25,53.375], B2 is [-1.375,-1.25]×[53.375,53.5].
const (
	a1Lon, a1Lat = -1.45, 53.3
	b2Lon, b2Lat = -1.3, 53.45
)

// createAt makes an asset (as who) and returns its id and ETag.
func createAt(t *testing.T, c *http.Client, base string, who map[string]string, name string, lon, lat float64) (string, string) {
	t.Helper()
	code, h, body := do(t, c, base, call{"POST", "/api/assets", pointFeature(name, lon, lat), who})
	if code != http.StatusCreated {
		t.Fatalf("create %s: %d %s", name, code, body)
	}
	var a struct{ ID string }
	_ = json.Unmarshal([]byte(body), &a)
	return a.ID, h.Get("ETag")
}

func historySeqs(t *testing.T, c *http.Client, base, id string) []int64 {
	t.Helper()
	code, _, body := do(t, c, base, call{"GET", "/api/assets/" + id + "/history", "", nil})
	var h struct{ Revisions []struct{ Seq int64 } }
	if err := json.Unmarshal([]byte(body), &h); err != nil || code != 200 {
		t.Fatalf("history of %s: %d %s", id, code, body)
	}
	out := make([]int64, len(h.Revisions))
	for i, r := range h.Revisions {
		out[i] = r.Seq
	}
	return out
}

// TestScopeIsAFixedGrant: an editor scoped to grid:A1 cannot widen their
// scope by redrawing A1 over the city (then editing anywhere), nor delete
// it; renaming is fine. Nobody but an admin changes the ground of an area
// that defines a scope, and a set-wide scope's set takes no new areas.
func TestScopeIsAFixedGrant(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		srv := writeServer(t, st)
		c := srv.Client()
		a1 := addScoped(t, st, "a1", auth.Editor, "grid:A1")
		everywhere := `{"type":"Feature","properties":{"name":"Area A1"},"geometry":{"type":"Polygon","coordinates":[[[-2,53],[-1,53],[-1,54],[-2,54],[-2,53]]]}}`
		code, _, body := do(t, c, srv.URL, call{"PUT", "/api/sets/grid/areas/A1", everywhere, with(a1, "If-Match", `"1"`)})
		if code != http.StatusForbidden || !strings.Contains(body, "defines an account's scope (grid:A1)") {
			t.Errorf("scoped editor redraws their scope over the city: %d %s", code, body)
		}
		if code, h, body := do(t, c, srv.URL, call{"GET", "/api/sets/grid/areas/A1", "", nil}); h.Get("ETag") != `"1"` || !strings.Contains(body, `"bbox":[-1.5,53.25,-1.375,53.375]`) {
			t.Errorf("A1 after the refused redraw: %d %s %.300s", code, h.Get("ETag"), body)
		}
		if code, _, body := do(t, c, srv.URL, call{"POST", "/api/assets", pointFeature("Far away", b2Lon, b2Lat), a1}); code != http.StatusForbidden {
			t.Errorf("scoped create outside after the redraw attempt: %d %s", code, body)
		}
		// Renaming changes no ground: with no geometry, or the same outline
		// sent back (another start vertex, the other winding).
		rename := `{"type":"Feature","properties":{"name":"Heeley"},"geometry":null}`
		if code, h, body := do(t, c, srv.URL, call{"PUT", "/api/sets/grid/areas/A1", rename, with(a1, "If-Match", `"1"`)}); code != 200 || h.Get("ETag") != `"2"` || !strings.Contains(body, `"name":"Heeley"`) {
			t.Errorf("scoped editor renames A1: %d %s", code, body)
		}
		same := `{"type":"Feature","properties":{"name":"Heeley Bottom"},"geometry":{"type":"Polygon","coordinates":[[[-1.375,53.25],[-1.5,53.25],[-1.5,53.375],[-1.375,53.375],[-1.375,53.25]]]}}`
		if code, _, body := do(t, c, srv.URL, call{"PUT", "/api/sets/grid/areas/A1", same, with(a1, "If-Match", `"2"`)}); code != 200 || !strings.Contains(body, "Heeley Bottom") {
			t.Errorf("scoped editor renames A1 sending its outline back: %d %s", code, body)
		}
		if code, _, body := do(t, c, srv.URL, call{"DELETE", "/api/sets/grid/areas/A1", "", with(a1, "If-Match", `"3"`)}); code != http.StatusForbidden || !strings.Contains(body, "cannot delete") {
			t.Errorf("scoped editor deletes their scope's area: %d %s", code, body)
		}
		// Nor may an unscoped editor or a moderator redraw or delete it.
		for _, who := range []string{"editor", "moderator"} {
			if code, _, body := do(t, c, srv.URL, call{"PUT", "/api/sets/grid/areas/A1", everywhere, with(bearer(who), "If-Match", `"3"`)}); code != http.StatusForbidden || !strings.Contains(body, "only an admin") {
				t.Errorf("%s redraws an area defining a scope: %d %s", who, code, body)
			}
			if code, _, body := do(t, c, srv.URL, call{"DELETE", "/api/sets/grid/areas/A1", "", with(bearer(who), "If-Match", `"3"`)}); code != http.StatusForbidden {
				t.Errorf("%s deletes an area defining a scope: %d %s", who, code, body)
			}
		}
		// Areas no scope names are the editors' as before.
		smaller := `{"type":"Feature","properties":{"name":"Area B1"},"geometry":{"type":"Polygon","coordinates":[[[-1.375,53.25],[-1.3,53.25],[-1.3,53.375],[-1.375,53.375],[-1.375,53.25]]]}}`
		if code, _, body := do(t, c, srv.URL, call{"PUT", "/api/sets/grid/areas/B1", smaller, with(bearer("editor"), "If-Match", `"1"`)}); code != 200 {
			t.Errorf("editor redraws an area no scope names: %d %s", code, body)
		}
		// The admin, who grants scopes, may redraw it.
		adminRedraw := strings.Replace(everywhere, `[-2,53],[-1,53],[-1,54],[-2,54],[-2,53]`, `[-1.5,53.25],[-1.4,53.25],[-1.4,53.375],[-1.5,53.375],[-1.5,53.25]`, 1)
		if code, _, body := do(t, c, srv.URL, call{"PUT", "/api/sets/grid/areas/A1", adminRedraw, with(bearer("admin"), "If-Match", `"3"`)}); code != 200 {
			t.Errorf("admin redraws an area defining a scope: %d %s", code, body)
		}
		// A set-wide scope is defined by every area of its set: no new area
		// may join the set but by an admin, its holder included.
		grid := addScoped(t, st, "gridmod", auth.Moderator, "grid")
		for name, who := range map[string]map[string]string{"set-wide moderator": grid, "unscoped editor": bearer("editor")} {
			if code, _, body := do(t, c, srv.URL, call{"POST", "/api/sets/grid/areas", newArea("W"), who}); code != http.StatusForbidden || !strings.Contains(body, "every area of grid") {
				t.Errorf("%s adds an area to a set-wide scope's set: %d %s", name, code, body)
			}
		}
		if code, _, body := do(t, c, srv.URL, call{"PUT", "/api/sets/grid/areas/B2", rename, with(grid, "If-Match", `"1"`)}); code != 200 {
			t.Errorf("set-wide moderator renames an area of their set: %d %s", code, body)
		}
		if code, _, body := do(t, c, srv.URL, call{"POST", "/api/sets/grid/areas", newArea("W"), bearer("admin")}); code != http.StatusCreated {
			t.Errorf("admin adds an area: %d %s", code, body)
		}
	})
}

// TestRestoreAndReviewedRespectScope: restoring, undeleting and marking
// reviewed are writes like any other: a scoped editor may do them only
// where the asset is now and where the restore puts it lie in scope.
func TestRestoreAndReviewedRespectScope(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		srv := writeServer(t, st)
		c := srv.Client()
		a1 := addScoped(t, st, "a1", auth.Editor, "grid:A1")
		admin := bearer("admin")

		// An asset outside the scope.
		out, v := createAt(t, c, srv.URL, admin, "Outside", b2Lon, b2Lat)
		if code, _, body := do(t, c, srv.URL, call{"POST", "/api/assets/" + out + "/reviewed", "", with(a1, "If-Match", v)}); code != http.StatusForbidden || !strings.Contains(body, "outside your scope") {
			t.Errorf("mark reviewed outside the scope: %d %s", code, body)
		}
		seqs := historySeqs(t, c, srv.URL, out)
		if code, _, body := do(t, c, srv.URL, call{"POST", "/api/assets/" + out + "/restore", fmt.Sprintf(`{"revision":%d}`, seqs[0]), with(a1, "If-Match", v)}); code != http.StatusForbidden {
			t.Errorf("restore outside the scope: %d %s", code, body)
		}
		if _, h, _ := do(t, c, srv.URL, call{"GET", "/api/assets/" + out, "", nil}); h.Get("ETag") != v {
			t.Errorf("a refused write changed the asset: ETag %s, was %s", h.Get("ETag"), v)
		}

		// Pulled into scope by a restore: now in B2, once in A1.
		moved, v := createAt(t, c, srv.URL, admin, "Moved out", a1Lon, a1Lat)
		code, h, body := do(t, c, srv.URL, call{"PUT", "/api/assets/" + moved, pointFeature("Moved out", b2Lon, b2Lat), with(admin, "If-Match", v)})
		if code != 200 {
			t.Fatalf("move: %d %s", code, body)
		}
		seqs = historySeqs(t, c, srv.URL, moved)
		if code, _, body := do(t, c, srv.URL, call{"POST", "/api/assets/" + moved + "/restore", fmt.Sprintf(`{"revision":%d}`, seqs[0]), with(a1, "If-Match", h.Get("ETag"))}); code != http.StatusForbidden {
			t.Errorf("restore into scope of an asset now outside it: %d %s", code, body)
		}

		// Pushed out of scope by a restore: now in A1, once in B2.
		in, v := createAt(t, c, srv.URL, admin, "Moved in", b2Lon, b2Lat)
		code, h, body = do(t, c, srv.URL, call{"PUT", "/api/assets/" + in, pointFeature("Moved in", a1Lon, a1Lat), with(admin, "If-Match", v)})
		if code != 200 {
			t.Fatalf("move: %d %s", code, body)
		}
		seqs = historySeqs(t, c, srv.URL, in)
		if code, _, body := do(t, c, srv.URL, call{"POST", "/api/assets/" + in + "/restore", fmt.Sprintf(`{"revision":%d}`, seqs[0]), with(a1, "If-Match", h.Get("ETag"))}); code != http.StatusForbidden {
			t.Errorf("restore out of scope of an asset now inside it: %d %s", code, body)
		}

		// Undeleting an asset that was outside.
		gone, v := createAt(t, c, srv.URL, admin, "Gone", b2Lon, b2Lat)
		if code, _, _ := do(t, c, srv.URL, call{"DELETE", "/api/assets/" + gone, "", with(admin, "If-Match", v)}); code != 204 {
			t.Fatalf("delete: %d", code)
		}
		seqs = historySeqs(t, c, srv.URL, gone)
		for _, seq := range seqs {
			if code, _, body := do(t, c, srv.URL, call{"POST", "/api/assets/" + gone + "/restore", fmt.Sprintf(`{"revision":%d}`, seq), a1}); code != http.StatusForbidden {
				t.Errorf("undelete (revision %d) outside the scope: %d %s", seq, code, body)
			}
		}
		if code, _, _ := do(t, c, srv.URL, call{"GET", "/api/assets/" + gone, "", nil}); code != 404 {
			t.Errorf("a refused undelete brought the asset back: %d", code)
		}

		// Inside the scope, all of it works.
		mine, v := createAt(t, c, srv.URL, a1, "Mine", a1Lon, a1Lat)
		code, h, body = do(t, c, srv.URL, call{"POST", "/api/assets/" + mine + "/reviewed", "", with(a1, "If-Match", v)})
		if code != 200 {
			t.Fatalf("mark reviewed inside: %d %s", code, body)
		}
		seqs = historySeqs(t, c, srv.URL, mine)
		code, h, body = do(t, c, srv.URL, call{"POST", "/api/assets/" + mine + "/restore", fmt.Sprintf(`{"revision":%d}`, seqs[0]), with(a1, "If-Match", h.Get("ETag"))})
		if code != 200 {
			t.Fatalf("restore inside: %d %s", code, body)
		}
		if code, _, _ := do(t, c, srv.URL, call{"DELETE", "/api/assets/" + mine, "", with(a1, "If-Match", h.Get("ETag"))}); code != 204 {
			t.Fatalf("delete inside: %d", code)
		}
		if code, _, body := do(t, c, srv.URL, call{"POST", "/api/assets/" + mine + "/restore", fmt.Sprintf(`{"revision":%d}`, seqs[0]), a1}); code != 200 {
			t.Errorf("undelete inside: %d %s", code, body)
		}
	})
}

// TestDeletedAssetHistory: a deleted asset's history reads (it answered
// 500), shows the deletion, and restoring the deletion brings the asset
// back as it was deleted.
func TestDeletedAssetHistory(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		srv := writeServer(t, st)
		c := srv.Client()
		ed := bearer("editor")
		id, v := createAt(t, c, srv.URL, ed, "Heeley Hall", a1Lon, a1Lat)
		code, h, body := do(t, c, srv.URL, call{"PUT", "/api/assets/" + id, pointFeature("Heeley Village Hall", a1Lon+0.01, a1Lat), with(ed, "If-Match", v)})
		if code != 200 {
			t.Fatalf("update: %d %s", code, body)
		}
		if code, _, _ := do(t, c, srv.URL, call{"DELETE", "/api/assets/" + id, "", with(ed, "If-Match", h.Get("ETag"), "X-Placemap-Comment", "closed for good")}); code != 204 {
			t.Fatalf("delete: %d", code)
		}
		type history struct {
			Deleted   bool
			Revisions []struct {
				Seq        int64
				Action     string
				AuthorName string `json:"author_name"`
				Comment    string
				Version    int64
				Changes    []struct{ Field, From, To string }
			}
		}
		var hist history
		code, _, body = do(t, c, srv.URL, call{"GET", "/api/assets/" + id + "/history", "", nil})
		if err := json.Unmarshal([]byte(body), &hist); code != 200 || err != nil || len(hist.Revisions) != 3 {
			t.Fatalf("history of a deleted asset: %d %s", code, body)
		}
		del := hist.Revisions[2]
		if !hist.Deleted || del.Action != "delete" || del.Version != 2 || del.Comment != "closed for good" || del.AuthorName != "an editor" || len(del.Changes) != 0 {
			t.Errorf("deletion in the history = %+v (deleted %v)", del, hist.Deleted)
		}
		// Restoring the deletion brings back the asset as it was deleted.
		code, _, body = do(t, c, srv.URL, call{"POST", "/api/assets/" + id + "/restore", fmt.Sprintf(`{"revision":%d}`, del.Seq), ed})
		if code != 200 || !strings.Contains(body, "Heeley Village Hall") {
			t.Fatalf("restore the deletion: %d %s", code, body)
		}
		hist = history{}
		code, _, body = do(t, c, srv.URL, call{"GET", "/api/assets/" + id + "/history", "", nil})
		if err := json.Unmarshal([]byte(body), &hist); code != 200 || err != nil || len(hist.Revisions) != 4 || hist.Deleted ||
			hist.Revisions[3].Action != "create" || !strings.HasPrefix(hist.Revisions[3].Comment, "restore revision") {
			t.Errorf("history after the undelete: %d %s", code, body)
		}
	})
}

// TestStaffArePrivate: the public sees who changed what by display name
// (or role), never by e-mail; admins see e-mails too. An account sets its
// display name with PUT /api/me.
func TestStaffArePrivate(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		srv := writeServer(t, st)
		c := srv.Client()
		ed := bearer("editor")
		// Changes by the editor, the moderator (accepting a contributor's
		// suggestion) and the admin.
		id, v := createAt(t, c, srv.URL, ed, "Heeley Hall", a1Lon, a1Lat)
		if code, _, _ := do(t, c, srv.URL, call{"PUT", "/api/assets/" + id, pointFeature("Heeley Village Hall", a1Lon, a1Lat), with(bearer("admin"), "If-Match", v)}); code != 200 {
			t.Fatal("admin update")
		}
		sg := freshSuggestion(t, c, srv.URL)
		if code, _, body := do(t, c, srv.URL, call{"POST", "/api/suggestions/" + sg + "/accept", "", bearer("moderator")}); code != 200 {
			t.Fatalf("accept: %d %s", code, body)
		}
		if code, _, body := do(t, c, srv.URL, call{"POST", "/api/suggestions/" + freshSuggestion(t, c, srv.URL) + "/reject", `{"reason":"no"}`, bearer("moderator")}); code != 200 {
			t.Fatalf("reject: %d %s", code, body)
		}
		if code, _, body := do(t, c, srv.URL, call{"POST", "/api/conflations/proposals/" + freshProposal(t, c, srv.URL) + "/reject", `{"reason":"not here"}`, ed}); code != 200 {
			t.Fatalf("reject proposal: %d %s", code, body)
		}
		// Nobody but an admin sees an address: not the public, not an
		// editor, not a moderator.
		public := []string{"/api/changes?since=0", "/api/assets/" + id + "/history", "/api/changes?since=0&limit=2"}
		for _, who := range []string{"", "contributor", "editor", "moderator"} {
			paths := public
			if who == "editor" || who == "moderator" {
				paths = append(paths, "/api/conflations/proposals")
			}
			if who == "moderator" {
				paths = append(paths, "/api/suggestions")
			}
			for _, p := range paths {
				code, _, body := do(t, c, srv.URL, call{"GET", p, "", bearer(who)})
				if code != 200 || strings.Contains(body, "@example.org") {
					t.Errorf("GET %s as %q: %d, shows an e-mail: %.600s", p, who, code, body)
				}
			}
		}
		for _, bad := range []struct{ body, want string }{
			{`{"display_name":"editor@example.org"}`, "@"},
			{`{"display_name":"` + strings.Repeat("x", auth.MaxDisplayName+1) + `"}`, "at most"},
			{`{"display_name":"Ann\u0000"}`, "control"},
			{`{"display_name":"Ann\u202e"}`, "invisible"},
			{`{"display_name":"An Admin"}`, "reserved"},
			{`{}`, "display_name"},
		} {
			if code, _, body := do(t, c, srv.URL, call{"PUT", "/api/me", bad.body, ed}); code != 400 || !strings.Contains(body, bad.want) {
				t.Errorf("display name %s: %d %s", bad.body, code, body)
			}
		}
		if code, _, _ := do(t, c, srv.URL, call{"PUT", "/api/me", `{"display_name":"Ann"}`, nil}); code != 401 {
			t.Errorf("a visitor sets a display name: %d", code)
		}
		// The editor chooses a name; it shows on their past changes too.
		code, _, body := do(t, c, srv.URL, call{"PUT", "/api/me", `{"display_name":"  Heeley <b>volunteers</b> "}`, ed})
		if code != 200 || !strings.Contains(body, `"display_name":"Heeley \u003cb\u003evolunteers\u003c/b\u003e"`) {
			t.Fatalf("set display name: %d %s", code, body)
		}
		var hist struct {
			Revisions []struct {
				Author     string
				AuthorName string `json:"author_name"`
			}
		}
		_, _, body = do(t, c, srv.URL, call{"GET", "/api/assets/" + id + "/history", "", nil})
		_ = json.Unmarshal([]byte(body), &hist)
		if len(hist.Revisions) != 2 || hist.Revisions[0].AuthorName != "Heeley <b>volunteers</b>" || hist.Revisions[1].AuthorName != "an admin" || hist.Revisions[0].Author != "" {
			t.Errorf("public history: %s", body)
		}
		_, _, body = do(t, c, srv.URL, call{"GET", "/api/suggestions", "", bearer("moderator")})
		if !strings.Contains(body, `"author_name":"a contributor"`) || !strings.Contains(body, `"decided_by_name":"a moderator"`) {
			t.Errorf("moderation queue names: %.600s", body)
		}
		_, _, body = do(t, c, srv.URL, call{"GET", "/api/conflations/proposals", "", ed})
		if !strings.Contains(body, `"decided_by_name":"Heeley \u003cb\u003evolunteers\u003c/b\u003e"`) {
			t.Errorf("proposal decider: %.600s", body)
		}
		// Admins see the addresses, under the keys that always held them.
		hist.Revisions = nil
		_, _, body = do(t, c, srv.URL, call{"GET", "/api/assets/" + id + "/history", "", bearer("admin")})
		_ = json.Unmarshal([]byte(body), &hist)
		if len(hist.Revisions) != 2 || hist.Revisions[0].Author != "editor@example.org" || hist.Revisions[0].AuthorName != "Heeley <b>volunteers</b>" {
			t.Errorf("admin's history: %s", body)
		}
		for _, p := range []string{"/api/changes?since=0", "/api/suggestions", "/api/conflations/proposals"} {
			if _, _, body := do(t, c, srv.URL, call{"GET", p, "", bearer("admin")}); !strings.Contains(body, "@example.org") {
				t.Errorf("admin's %s lacks the e-mails: %.300s", p, body)
			}
		}
	})
}

// TestLockoutLeavesTheOwnerIn: a stranger guessing an account's password
// from one address is stopped there; the owner, from their own address,
// still signs in.
func TestLockoutLeavesTheOwnerIn(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		plain := writeServer(t, st) // made the accounts
		plain.Close()
		h := httpapi.New(roles(st), fstest.MapFS{}, httpapi.Config{TrustProxyHeaders: true}, slog.New(slog.NewTextHandler(io.Discard, nil)))
		srv := httptest.NewServer(h)
		defer srv.Close()
		c := srv.Client()
		login := func(addr, pw string) (int, string) {
			code, _, body := do(t, c, srv.URL, call{"POST", "/api/login", `{"email":"editor@example.org","password":"` + pw + `"}`, map[string]string{"X-Forwarded-For": addr}})
			return code, body
		}
		var codes []int
		for i := 0; i < 7; i++ {
			code, _ := login("203.0.113.9", fmt.Sprintf("guess number %d", i))
			codes = append(codes, code)
		}
		if fmt.Sprint(codes) != "[401 401 401 401 401 429 429]" {
			t.Errorf("stranger's guesses answered %v, want five 401 then 429", codes)
		}
		if code, body := login("198.51.100.7", password); code != 200 {
			t.Errorf("the owner, from their own address, after a stranger's guesses: %d %s", code, body)
		}
		// Unknown and known addresses are answered alike.
		code, _, unknown := do(t, c, srv.URL, call{"POST", "/api/login", `{"email":"nobody@example.org","password":"guess"}`, map[string]string{"X-Forwarded-For": "192.0.2.1"}})
		code2, known := login("192.0.2.2", "wrong password")
		if code != 401 || code2 != 401 || unknown != known {
			t.Errorf("unknown address %d %s; known %d %s", code, unknown, code2, known)
		}
	})
}

// TestAdoptingCannotWidenAScope: publishing a drawing changes no set, so
// a drawing of the whole city changes no one's scope; adopting a
// consensus writes an area, so it may not widen the scope a set-wide
// moderator holds (every area of the set defines it): only an admin may.
func TestAdoptingCannotWidenAScope(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		srv := writeServer(t, st)
		c := srv.Client()
		ctx := context.Background()
		community := place.BoundarySet{Slug: "drawn", Title: "Drawn by residents", Kind: place.Community, Licence: "CC0-1.0", Attribution: "residents"}
		if _, err := st.ImportSet(ctx, community, storetest.Grid()[:1]); err != nil {
			t.Fatal(err)
		}
		if err := st.SavePlace(ctx, place.Place{Slug: "city", Name: "The city"}); err != nil {
			t.Fatal(err)
		}
		setMod := addScoped(t, st, "drawnmod", auth.Moderator, "drawn")
		body := `{"kind":"area","set":"drawn","place":"city","feature":{"type":"Feature","properties":{"name":"The whole city"},
			"geometry":{"type":"Polygon","coordinates":[[[-1.49,53.26],[-1.26,53.26],[-1.26,53.49],[-1.49,53.49],[-1.49,53.26]]]}}}`
		code, _, out := do(t, c, srv.URL, call{"POST", "/api/suggestions", body, bearer("contributor")})
		var sg struct{ ID string }
		if err := json.Unmarshal([]byte(out), &sg); err != nil || code != http.StatusAccepted {
			t.Fatalf("suggest: %d %s", code, out)
		}
		if code, _, body := do(t, c, srv.URL, call{"POST", "/api/suggestions/" + sg.ID + "/accept", "", bearer("moderator")}); code != 200 {
			t.Fatalf("an unscoped moderator publishes a drawing: %d %s", code, body)
		}
		adopt := `{"set":"drawn","code":"city","name":"The city","threshold":0.5}`
		for name, who := range map[string]map[string]string{"the set's own moderator": setMod, "an unscoped moderator": bearer("moderator")} {
			if code, _, body := do(t, c, srv.URL, call{"POST", "/api/places/city/drawings/adopt", adopt, who}); code != http.StatusForbidden || !strings.Contains(body, "every area of drawn") {
				t.Errorf("%s adopts a consensus into a set-wide scope's set: %d %s", name, code, body)
			}
		}
		if sum, _ := st.Set(ctx, "drawn"); sum.AreaCount != 1 {
			t.Errorf("a refused adoption added an area: %d areas", sum.AreaCount)
		}
		if code, _, body := do(t, c, srv.URL, call{"POST", "/api/places/city/drawings/adopt", adopt, bearer("admin")}); code != http.StatusCreated {
			t.Errorf("admin adopts a consensus: %d %s", code, body)
		}
	})
}

// TestForgedForwardedForBuysNoAttempts: behind a proxy that appends the
// client's address to X-Forwarded-For, the client controls every entry to
// the left of it; naming a new one each time must not buy fresh login
// attempts (chi's RealIP took the leftmost entry and did).
func TestForgedForwardedForBuysNoAttempts(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		plain := writeServer(t, st) // made the accounts
		plain.Close()
		h := httpapi.New(roles(st), fstest.MapFS{}, httpapi.Config{TrustProxyHeaders: true}, slog.New(slog.NewTextHandler(io.Discard, nil)))
		srv := httptest.NewServer(h)
		defer srv.Close()
		var codes []int
		for i := 0; i < 7; i++ {
			xff := fmt.Sprintf("10.9.8.%d, 203.0.113.50", i) // forged, then what the proxy appended
			code, _, _ := do(t, srv.Client(), srv.URL, call{"POST", "/api/login", `{"email":"editor@example.org","password":"guess ` + fmt.Sprint(i) + `"}`,
				map[string]string{"X-Forwarded-For": xff}})
			codes = append(codes, code)
		}
		if fmt.Sprint(codes) != "[401 401 401 401 401 429 429]" {
			t.Errorf("guesses behind forged X-Forwarded-For entries answered %v, want five 401 then 429", codes)
		}
	})
}
