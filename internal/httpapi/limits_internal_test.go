package httpapi

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/gpkg"
	"github.com/placemap/placemap/internal/store/storetest"
)

func limitServer(t *testing.T, cfg Config) (*Server, *store.DB) {
	t.Helper()
	st, err := gpkg.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.ImportSet(context.Background(), place.BoundarySet{Slug: "grid", Title: "Grid", Kind: place.Statistical}, storetest.Grid()); err != nil {
		t.Fatal(err)
	}
	return New(rolesOf(st), fstest.MapFS{}, cfg, slog.New(slog.NewTextHandler(io.Discard, nil))), st
}

// rolesOf serves every part of the API from st.
func rolesOf(st *store.DB) Stores {
	return Stores{Areas: st, Assets: st, Releases: st, Places: st, Accounts: st,
		History: st, Suggestions: st, Conflations: st, Health: st, Search: st, Proposals: st, Postcodes: st}
}

func get(s *Server, path string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
	return w
}

// TestExpensiveWorkIsCapped: with every place for expensive work taken, a
// crosswalk waits ExpensiveWait, then gets 503 with Retry-After.
func TestExpensiveWorkIsCapped(t *testing.T) {
	s, _ := limitServer(t, Config{MaxExpensive: 1, ExpensiveWait: 50 * time.Millisecond})
	s.heavy <- struct{}{}
	start := time.Now()
	w := get(s, "/api/crosswalks/grid/grid")
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" || !strings.Contains(w.Body.String(), "busy") {
		t.Errorf("crosswalk with no place free: %d %v %s", w.Code, w.Header(), w.Body.String())
	}
	if waited := time.Since(start); waited < 50*time.Millisecond {
		t.Errorf("answered after %v, before the wait was over", waited)
	}
	for _, p := range []string{"/api/export/sets/grid.gpkg", "/api/export/crosswalks/grid/grid.csv"} {
		if w := get(s, p); w.Code != http.StatusServiceUnavailable {
			t.Errorf("%s with no place free: %d", p, w.Code)
		}
	}
	<-s.heavy
	if w := get(s, "/api/crosswalks/grid/grid"); w.Code != http.StatusOK {
		t.Errorf("crosswalk once a place is free: %d %s", w.Code, w.Body.String())
	}
}

// TestOGCBBoxCandidatesAreCapped: a bbox that would weigh more areas than
// the cap is refused with a message, not computed.
func TestOGCBBoxCandidatesAreCapped(t *testing.T) {
	s, _ := limitServer(t, Config{})
	s.ogcMaxInBBox = 3
	w := get(s, "/ogc/collections/grid/items?bbox=-1.6,53.2,-1.2,53.6")
	if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "more than 3 areas") {
		t.Errorf("bbox over 4 areas with a cap of 3: %d %s", w.Code, w.Body.String())
	}
	if w := get(s, "/ogc/collections/grid/items?bbox=-1.49,53.26,-1.48,53.27"); w.Code != http.StatusOK {
		t.Errorf("bbox over one area: %d", w.Code)
	}
}

// TestPageSizesAreCapped: no client asks for more than the server's page.
func TestPageSizesAreCapped(t *testing.T) {
	for _, tc := range []struct {
		q         string
		def, max  int
		wantLimit int
		wantErr   bool
	}{
		{"", 100, 1000, 100, false},
		{"limit=50", 100, 1000, 50, false},
		{"limit=999999999", 100, 1000, 1000, false},
		{"limit=0", 100, 1000, 0, true},
		{"limit=-5", 100, 1000, 0, true},
		{"limit=1e9", 100, 1000, 0, true},
		{"offset=-1", 100, 1000, 0, true},
	} {
		q, _ := url.ParseQuery(tc.q)
		limit, _, err := parsePage(q, tc.def, tc.max)
		if (err != nil) != tc.wantErr || (!tc.wantErr && limit != tc.wantLimit) {
			t.Errorf("%q: limit %d, err %v; want %d, error %v", tc.q, limit, err, tc.wantLimit, tc.wantErr)
		}
	}
	s, _ := limitServer(t, Config{})
	var page struct {
		Links []struct{ Rel, Href string }
	}
	w := get(s, "/api/sets/grid/areas?limit=999999")
	if err := json.Unmarshal(w.Body.Bytes(), &page); err != nil || w.Code != 200 {
		t.Fatalf("areas?limit=999999: %d %v", w.Code, err)
	}
	for _, l := range page.Links {
		if l.Rel == "self" && strings.Contains(l.Href, "999999") {
			t.Errorf("the page says it holds the limit asked, not the server's: %s", l.Href)
		}
	}
}
