package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/storetest"
)

// proposalServer is writeServer with storetest.ProposalFixture's blocks
// and halves.
func proposalServer(t *testing.T, st *store.DB) *httptest.Server {
	t.Helper()
	if err := storetest.ProposalFixture(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	return writeServer(t, st)
}

const newProposal = `{"blocks":"blocks","fit":["halves"],"population":"population","seed":1,"slug":"shared","title":"Shared","kind":"community"}`

type proposalOut struct {
	Slug       string
	Version    int64
	Status     string
	Dirty      bool
	Published  []string
	Areas      int
	Assignment map[string]string
	Names      map[string]string
	Report     struct {
		Overall float64
		Areas   []struct{ Code, Name string }
	}
}

func readProposal(t *testing.T, c *http.Client, base string) proposalOut {
	t.Helper()
	code, _, body := do(t, c, base, call{"GET", "/api/proposals/shared", "", nil})
	var p proposalOut
	if err := json.Unmarshal([]byte(body), &p); code != 200 || err != nil {
		t.Fatalf("get proposal: %d %s", code, body)
	}
	return p
}

// TestProposalFlow: an editor proposes a set from the blocks (published at
// once as the first release of its series), moves a block (scores change),
// is refused a move that would split an area and a move at a stale
// version, renames an area and publishes the draft as the next release,
// with successor links from the first.
func TestProposalFlow(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		srv := proposalServer(t, st)
		c := srv.Client()
		code, h, body := do(t, c, srv.URL, call{"POST", "/api/proposals/sets", newProposal, bearer("editor")})
		if code != http.StatusCreated || h.Get("Location") != "/api/proposals/shared" {
			t.Fatalf("create: %d %s", code, body)
		}
		p := readProposal(t, c, srv.URL)
		west, east := p.Assignment["c0r0"], p.Assignment["c3r3"]
		if p.Version != 1 || p.Dirty || !slices.Equal(p.Published, []string{"shared"}) || len(p.Assignment) != 16 || p.Areas != 2 ||
			west == east || p.Assignment["c1r3"] != west || p.Assignment["c2r0"] != east || p.Report.Overall < 0.99 {
			t.Fatalf("created proposal = %+v", p)
		}
		if code, _, body := do(t, c, srv.URL, call{"POST", "/api/proposals/sets", newProposal, bearer("editor")}); code != http.StatusConflict {
			t.Errorf("create again: %d %s", code, body)
		}
		if code, _, body := do(t, c, srv.URL, call{"GET", "/api/sets/shared", "", nil}); code != 200 || !strings.Contains(body, `"area_count":2`) {
			t.Errorf("the published set: %d %s", code, body)
		}
		code, _, body = do(t, c, srv.URL, call{"GET", "/api/proposals", "", nil})
		if code != 200 || !strings.Contains(body, `"slug":"shared"`) || !strings.Contains(body, `"areas":2`) {
			t.Errorf("list: %d %s", code, body)
		}
		proposalAreasDrawn(t, c, srv.URL, 2)
		proposalMoves(t, c, srv.URL, west, east)
		proposalBlocks(t, c, srv.URL, west, east)
		proposalPublish(t, c, srv.URL, west, east)
	})
}

// proposalAreasDrawn: the draft's areas as GeoJSON, with their figures.
func proposalAreasDrawn(t *testing.T, c *http.Client, base string, want int) {
	t.Helper()
	code, _, body := do(t, c, base, call{"GET", "/api/proposals/shared/areas", "", nil})
	var fc struct {
		Features []struct {
			Properties struct {
				Code       string
				Population float64
				Blocks     int
				Contiguous bool
			}
		}
	}
	if err := json.Unmarshal([]byte(body), &fc); code != 200 || err != nil || len(fc.Features) != want {
		t.Fatalf("areas: %d %s", code, place.Truncate(body, 300))
	}
	total := 0
	for _, f := range fc.Features {
		total += f.Properties.Blocks
		if !f.Properties.Contiguous || f.Properties.Population != 100*float64(f.Properties.Blocks) {
			t.Errorf("area %+v", f.Properties)
		}
	}
	if total != 16 {
		t.Errorf("areas hold %d blocks, want 16", total)
	}
}

// proposalMoves: c1r1 moves from the west to the east; then c0r1 may not
// (the west would be cut in two), nor may any move at version 1.
func proposalMoves(t *testing.T, c *http.Client, base, west, east string) {
	t.Helper()
	code, _, body := do(t, c, base, call{"POST", "/api/proposals/shared/moves", `{"block":"c1r1","to":"` + east + `","version":1}`, bearer("editor")})
	var m struct {
		Version int64
		Report  struct{ Overall float64 }
		Areas   struct{ Features []json.RawMessage }
		Moved   struct{ Block, From, To string }
	}
	if err := json.Unmarshal([]byte(body), &m); code != 200 || err != nil {
		t.Fatalf("move: %d %s", code, body)
	}
	if m.Version != 2 || m.Report.Overall >= 0.99 || m.Report.Overall <= 0 || len(m.Areas.Features) != 2 || m.Moved.From != west || m.Moved.To != east {
		t.Errorf("move answer = %+v", m)
	}
	code, _, body = do(t, c, base, call{"POST", "/api/proposals/shared/moves", `{"block":"c0r1","to":"` + east + `","version":2}`, bearer("editor")})
	if code != http.StatusConflict && code != http.StatusBadRequest || !strings.Contains(body, "split") || strings.Contains(body, `"stale":true`) {
		t.Errorf("move that splits the west: %d %s", code, body)
	}
	code, h, body := do(t, c, base, call{"POST", "/api/proposals/shared/moves", `{"block":"c1r2","to":"` + east + `","version":1}`, bearer("editor")})
	if code != http.StatusConflict || !strings.Contains(body, `"stale":true`) || !strings.Contains(body, `"current_version":2`) || h.Get("ETag") != `"2"` {
		t.Errorf("stale move: %d %v %s", code, h, body)
	}
	p := readProposal(t, c, base)
	if p.Version != 2 || !p.Dirty || p.Assignment["c1r1"] != east || p.Assignment["c0r1"] != west || p.Assignment["c1r2"] != west {
		t.Errorf("after the moves = %+v", p)
	}
	proposalAreasDrawn(t, c, base, 2)
}

// proposalBlocks: a block's area and the moves open to it, each tried
// against the rules: c0r1 cannot leave the west without splitting it,
// c1r2 can join the east.
func proposalBlocks(t *testing.T, c *http.Client, base, west, east string) {
	t.Helper()
	type blockMoves struct {
		Block, Area string
		Version     int64
		Neighbours  []string
		Moves       []struct {
			To, Reason string
			OK         bool
		}
	}
	for _, tc := range []struct {
		block, reason string
		ok            bool
	}{{"c0r1", "split", false}, {"c1r2", "", true}} {
		code, _, body := do(t, c, base, call{"GET", "/api/proposals/shared/blocks/" + tc.block, "", nil})
		var b blockMoves
		if err := json.Unmarshal([]byte(body), &b); code != 200 || err != nil {
			t.Fatalf("block %s: %d %s", tc.block, code, body)
		}
		if b.Area != west || b.Version != 2 || !slices.Equal(b.Neighbours, []string{east}) || len(b.Moves) != 1 ||
			b.Moves[0].To != east || b.Moves[0].OK != tc.ok || !strings.Contains(b.Moves[0].Reason, tc.reason) {
			t.Errorf("block %s = %+v", tc.block, b)
		}
	}
	if code, _, body := do(t, c, base, call{"GET", "/api/proposals/shared/blocks/nowhere", "", nil}); code != 404 {
		t.Errorf("no such block: %d %s", code, body)
	}
}

// proposalPublish: the west is renamed and the draft published as the
// series' second release.
func proposalPublish(t *testing.T, c *http.Client, base, west, east string) {
	t.Helper()
	code, _, body := do(t, c, base, call{"PATCH", "/api/proposals/shared/areas/" + west, `{"name":"Heeley","version":2}`, bearer("editor")})
	if code != 200 || !strings.Contains(body, `"version":3`) {
		t.Fatalf("rename: %d %s", code, body)
	}
	if code, _, body := do(t, c, base, call{"PATCH", "/api/proposals/shared/areas/nowhere", `{"name":"X","version":3}`, bearer("editor")}); code != 404 {
		t.Errorf("rename no area: %d %s", code, body)
	}
	// Releases of one day are ordered by slug: one sorting before the
	// newest would not be the next release.
	if code, _, body := do(t, c, base, call{"POST", "/api/proposals/shared/publish", `{"slug":"earlier"}`, bearer("editor")}); code != http.StatusBadRequest || !strings.Contains(body, "sorts after shared") {
		t.Errorf("publish to a slug sorting first: %d %s", code, body)
	}
	if code, _, body := do(t, c, base, call{"POST", "/api/proposals/shared/publish", `{"slug":"shared"}`, bearer("editor")}); code != http.StatusConflict {
		t.Errorf("publish to a taken slug: %d %s", code, body)
	}
	code, h, body := do(t, c, base, call{"POST", "/api/proposals/shared/publish", `{"slug":"shared-2","title":"Shared, refined"}`, bearer("editor")})
	if code != http.StatusCreated || !strings.Contains(body, `"set":"shared-2"`) || !strings.Contains(body, `"series":"shared"`) || h.Get("Location") != "/api/sets/shared-2" {
		t.Fatalf("publish: %d %s", code, body)
	}
	code, _, body = do(t, c, base, call{"GET", "/api/sets/shared-2/areas/" + west, "", nil})
	if code != 200 || !strings.Contains(body, `"name":"Heeley"`) {
		t.Errorf("published west: %d %s", code, place.Truncate(body, 300))
	}
	code, _, body = do(t, c, base, call{"GET", "/api/series/shared", "", nil})
	if code != 200 || !strings.Contains(body, `"current":"shared-2"`) {
		t.Errorf("series: %d %s", code, body)
	}
	code, _, body = do(t, c, base, call{"GET", "/api/sets/shared/areas/" + west + "/successors", "", nil})
	if code != 200 || !strings.Contains(body, `"new_set":"shared-2"`) || !strings.Contains(body, `"new_code":"`+east+`"`) {
		t.Errorf("successors of the first west: %d %s", code, body)
	}
	p := readProposal(t, c, base)
	if p.Version != 4 || p.Dirty || !slices.Equal(p.Published, []string{"shared", "shared-2"}) || p.Names[west] != "Heeley" {
		t.Errorf("after publishing = %+v", p)
	}
	if !slices.ContainsFunc(p.Report.Areas, func(a struct{ Code, Name string }) bool { return a.Code == west && a.Name == "Heeley" }) {
		t.Errorf("the report's areas after the rename: %+v", p.Report.Areas)
	}
	if code, _, body := do(t, c, base, call{"POST", "/api/proposals/shared/publish", `{}`, bearer("editor")}); code != http.StatusConflict || !strings.Contains(body, "not changed") {
		t.Errorf("publish with nothing changed: %d %s", code, body)
	}
}

// TestProposalRefusals: writes need an editor (401 signed out, 403 for a
// contributor) and, with a session, the CSRF token; bad parameters are 400.
func TestProposalRefusals(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		srv := proposalServer(t, st)
		c := srv.Client()
		for _, k := range []struct {
			role, path, body string
			want             int
		}{
			{"", "/api/proposals/sets", newProposal, http.StatusUnauthorized},
			{"contributor", "/api/proposals/sets", newProposal, http.StatusForbidden},
			{"editor", "/api/proposals/sets", `{"blocks":"blocks","fit":["nothing"],"slug":"x","title":"X"}`, http.StatusBadRequest},
			{"editor", "/api/proposals/sets", `{"blocks":"blocks","fit":[],"slug":"x","title":"X"}`, http.StatusBadRequest},
			{"editor", "/api/proposals/sets", `{"blocks":"blocks","fit":["halves"],"slug":"x","title":"X","kind":"statutory"}`, http.StatusBadRequest},
			{"editor", "/api/proposals/sets", `{"blocks":"blocks","fit":["halves"],"slug":"blocks","title":"X"}`, http.StatusConflict},
			{"editor", "/api/proposals/sets", `{"blocks":"blocks","fit":["halves"],"slug":"x","title":"X","extra":1}`, http.StatusBadRequest},
			{"editor", "/api/proposals/sets", newProposal, http.StatusCreated},
			{"", "/api/proposals/shared/moves", `{"block":"c1r1","to":"x","version":1}`, http.StatusUnauthorized},
			{"contributor", "/api/proposals/shared/moves", `{"block":"c1r1","to":"x","version":1}`, http.StatusForbidden},
			{"contributor", "/api/proposals/shared/publish", `{}`, http.StatusForbidden},
			{"editor", "/api/proposals/shared/moves", `{"block":"nothing","to":"x","version":1}`, http.StatusBadRequest},
			{"editor", "/api/proposals/nothing/moves", `{"block":"c1r1","to":"x","version":1}`, http.StatusNotFound},
		} {
			if code, _, body := do(t, c, srv.URL, call{"POST", k.path, k.body, bearer(k.role)}); code != k.want {
				t.Errorf("%s %s %s: %d %s, want %d", k.role, k.path, k.body, code, body, k.want)
			}
		}
		if code, _, _ := do(t, c, srv.URL, call{"GET", "/api/proposals/x", "", nil}); code != 404 {
			t.Errorf("refused proposal x: %d, want 404", code)
		}
		jar, _ := cookiejar.New(nil)
		bc := &http.Client{Jar: jar}
		code, _, body := do(t, bc, srv.URL, call{"POST", "/api/login", `{"email":"editor@example.org","password":"` + password + `"}`, nil})
		var me struct {
			CSRF string `json:"csrf_token"`
		}
		if err := json.Unmarshal([]byte(body), &me); code != 200 || err != nil {
			t.Fatalf("login: %d %s", code, body)
		}
		p := readProposal(t, c, srv.URL)
		var from, to string
		for b, a := range p.Assignment {
			if b == "c1r1" {
				from = a
			}
			if b == "c2r1" {
				to = a
			}
		}
		move := `{"block":"c1r1","to":"` + to + `","version":1}`
		if code, _, body := do(t, bc, srv.URL, call{"POST", "/api/proposals/shared/moves", move, nil}); code != http.StatusForbidden || !strings.Contains(body, "CSRF") {
			t.Errorf("move without CSRF: %d %s", code, body)
		}
		if code, _, body := do(t, bc, srv.URL, call{"POST", "/api/proposals/shared/moves", move, map[string]string{"X-CSRF-Token": me.CSRF}}); code != 200 || from == to {
			t.Errorf("move with CSRF: %d %s", code, body)
		}
	})
}
