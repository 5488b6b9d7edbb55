package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/placemap/placemap/internal/auth"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/storetest"
)

// TestSuccessorDecisions: editors confirm or correct where an area went in
// a later release; others cannot; a wrong code is refused; the decision
// shows in the area's successors and the change report, on both stores.
func TestSuccessorDecisions(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		srv := writeServer(t, st)
		c := srv.Client()
		ctx := context.Background()
		if err := st.AddRelease(ctx, "grid", place.Release{Series: "grids"}); err != nil {
			t.Fatal(err)
		}
		// The second release: A1 and A2 merged into one column, B1, B2 kept.
		second := storetest.Grid()
		var areas []place.Area
		for _, a := range second {
			if a.Code == "A2" {
				continue
			}
			if a.Code == "A1" {
				a.Code, a.Name = "A", "Column A"
				a.Geometry = storetest.Square(-1.5, 53.25, 0.125)
				a.Geometry[0][0] = append(a.Geometry[0][0][:2], [2]float64{-1.375, 53.5}, [2]float64{-1.5, 53.5}, [2]float64{-1.5, 53.25})
			}
			areas = append(areas, a)
		}
		l := func(old, new string, s float64) place.Successor {
			return place.Successor{OldSet: "grid", OldCode: old, NewSet: "grid2", NewCode: new, ShareOfOld: 1, ShareOfNew: s, IoU: s, Status: place.LinkComputed}
		}
		if _, err := st.ImportRelease(ctx, place.BoundarySet{Slug: "grid2", Title: "Grid 2", Kind: place.Statistical, ReleaseDate: "2030"}, areas,
			place.Release{Series: "grids", Current: true, Successors: []place.Successor{l("A1", "A", 0.5), l("A2", "A", 0.5), l("B1", "B1", 1), l("B2", "B2", 1)}}); err != nil {
			t.Fatal(err)
		}
		put := func(role, body string) (int, string) {
			code, _, b := do(t, c, srv.URL, call{"PUT", "/api/sets/grid/areas/B2/successors", body, bearer(role)})
			return code, b
		}
		if code, _ := put("", `{"to":"grid2","keep":["B2"]}`); code != http.StatusUnauthorized {
			t.Errorf("anonymous decision: %d, want 401", code)
		}
		if code, _ := put("contributor", `{"to":"grid2","keep":["B2"]}`); code != http.StatusForbidden {
			t.Errorf("contributor's decision: %d, want 403", code)
		}
		if code, body := put("editor", `{"to":"grid2","keep":["NOPE"]}`); code != http.StatusBadRequest || !strings.Contains(body, "NOPE") {
			t.Errorf("unknown code: %d %s", code, body)
		}
		if code, body := put("editor", `{"keep":["B2"]}`); code != http.StatusBadRequest || !strings.Contains(body, "to") {
			t.Errorf("no release named: %d %s", code, body)
		}
		// An editor scoped to A1 of the old release decides for A1 only.
		hash, _ := auth.HashPassword(password)
		if err := st.CreateUser(ctx, auth.User{ID: "u-a1", Email: "a1@example.org", Role: auth.Editor, PasswordHash: hash,
			Scopes: []string{"grid:A1"}, CreatedAt: time.Now().UTC()}); err != nil {
			t.Fatal(err)
		}
		if err := st.CreateToken(ctx, auth.Token{Hash: auth.HashSecret("token-a1"), UserID: "u-a1", CreatedAt: time.Now().UTC()}); err != nil {
			t.Fatal(err)
		}
		scoped := map[string]string{"Authorization": "Bearer token-a1"}
		if code, _, body := do(t, c, srv.URL, call{"PUT", "/api/sets/grid/areas/B2/successors", `{"to":"grid2","keep":["B2"]}`, scoped}); code != http.StatusForbidden {
			t.Errorf("scoped editor outside their area: %d %s", code, body)
		}
		if code, _, body := do(t, c, srv.URL, call{"PUT", "/api/sets/grid/areas/A1/successors", `{"to":"grid2","keep":["A"]}`, scoped}); code != http.StatusOK {
			t.Errorf("scoped editor inside their area: %d %s", code, body)
		}
		// B2 went to B2 and, says the editor, partly to B1 as well.
		code, body := put("editor", `{"to":"grid2","keep":["B2","B1"],"note":"the <b>new</b> line runs along the old street"}`)
		if code != http.StatusOK {
			t.Fatalf("editor's decision: %d %s", code, body)
		}
		var got struct {
			Successors []struct {
				NewCode   string `json:"new_code"`
				NewName   string `json:"new_name"`
				Status    string
				DecidedBy string `json:"decided_by"`
				ByName    string `json:"decided_by_name"`
				Note      string
				IoU       float64
			}
		}
		if err := json.Unmarshal([]byte(body), &got); err != nil {
			t.Fatal(err)
		}
		status := map[string]string{}
		// Who decided shows by display name (the editor's role); the
		// e-mail only to admins.
		for _, s := range got.Successors {
			status[s.NewCode] = s.Status
			if s.DecidedBy != "" || s.ByName != "an editor" || !strings.Contains(s.Note, "<b>new</b>") {
				t.Errorf("decided link %+v", s)
			}
		}
		if status["B2"] != "confirmed" || status["B1"] != "corrected" {
			t.Errorf("after the decision: %v, want B2 confirmed and B1 corrected", status)
		}
		// The area's own address carries the decision, and the old release
		// says it is not current.
		var area struct {
			Properties struct {
				Current    bool
				Successors []struct {
					NewCode string `json:"new_code"`
					Status  string
				}
			}
		}
		_, _, body = do(t, c, srv.URL, call{"GET", "/api/sets/grid/areas/B2", "", nil})
		_ = json.Unmarshal([]byte(body), &area)
		if area.Properties.Current || len(area.Properties.Successors) != 2 {
			t.Errorf("GET area: %s", body)
		}
		// The change report reads A1 and A2 as merged into A.
		var rep struct {
			Changes []struct{ Code, Change string }
		}
		code, _, body = do(t, c, srv.URL, call{"GET", "/api/sets/grid/changes?to=grid2", "", nil})
		if code != 200 {
			t.Fatalf("changes: %d %s", code, body)
		}
		_ = json.Unmarshal([]byte(body), &rep)
		change := map[string]string{}
		for _, ch := range rep.Changes {
			change[ch.Code] = ch.Change
		}
		if change["A1"] != "merged" || change["A2"] != "merged" {
			t.Errorf("changes: %v, want A1 and A2 merged", change)
		}
		// Who decided shows by role everywhere the public looks; the
		// e-mail only to admins.
		if !strings.Contains(body, `"decided_by_name":"an editor"`) {
			t.Errorf("change report lacks the decider's name: %.400s", body)
		}
		for _, p := range []string{"/api/sets/grid/changes?to=grid2", "/api/sets/grid/changes?to=grid2&format=csv", "/api/sets/grid2/areas/B1",
			"/api/sets/grid/areas/B2/successors", "/api/sets/grid2/areas/B2/predecessors", "/api/changes?since=0&limit=1000"} {
			for _, who := range []string{"", "editor", "moderator"} {
				if code, _, body := do(t, c, srv.URL, call{"GET", p, "", bearer(who)}); code != 200 || strings.Contains(body, "@example.org") {
					t.Errorf("GET %s as %q: %d, shows an e-mail: %.400s", p, who, code, body)
				}
			}
		}
		if _, _, body := do(t, c, srv.URL, call{"GET", "/api/sets/grid/changes?to=grid2&format=csv", "", nil}); !strings.Contains(body, ",an editor,") {
			t.Errorf("change report CSV lacks the decider's name: %s", body)
		}
		for _, p := range []string{"/api/sets/grid/changes?to=grid2", "/api/sets/grid/changes?to=grid2&format=csv", "/api/sets/grid/areas/B2/successors", "/api/changes?since=0&limit=1000"} {
			if _, _, body := do(t, c, srv.URL, call{"GET", p, "", bearer("admin")}); !strings.Contains(body, "editor@example.org") {
				t.Errorf("admin's %s lacks the e-mail: %.300s", p, body)
			}
		}
		if code, _, body := do(t, c, srv.URL, call{"GET", "/api/sets/grid/changes?to=grid", "", nil}); code != http.StatusBadRequest {
			t.Errorf("a release compared with itself: %d %s", code, body)
		}
		if code, _, _ := do(t, c, srv.URL, call{"GET", "/api/sets/grid/changes?format=xml", "", nil}); code != http.StatusBadRequest {
			t.Errorf("format=xml: %d", code)
		}
		noFollow := *c
		noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		if code, h, _ := do(t, &noFollow, srv.URL, call{"GET", "/api/sets/grids/areas", "", nil}); code != http.StatusTemporaryRedirect || h.Get("Location") != "/api/sets/grid2/areas" {
			t.Errorf("series slug: %d %q", code, h.Get("Location"))
		}
		if code, _, _ := do(t, c, srv.URL, call{"GET", "/api/series/nope", "", nil}); code != http.StatusNotFound {
			t.Errorf("unknown series: %d", code)
		}
	})
}
