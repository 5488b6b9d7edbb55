package httpapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/placemap/placemap/internal/auth"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store/storetest"
)

// TestExpensiveWritesAreCapped (issue 15, item 3): writes that overlay or
// place many assets take a place for expensive work like crosswalks do:
// with none free they wait, then answer 503 with Retry-After, writing
// nothing.
func TestExpensiveWritesAreCapped(t *testing.T) {
	s, st := limitServer(t, Config{MaxExpensive: 1, ExpensiveWait: 20 * time.Millisecond})
	ctx := context.Background()
	if err := st.CreateUser(ctx, auth.User{ID: "u-admin", Email: "admin@example.org", Role: auth.Admin, CreatedAt: time.Now().UTC()}); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateToken(ctx, auth.Token{Hash: auth.HashSecret("token-admin"), UserID: "u-admin", CreatedAt: time.Now().UTC()}); err != nil {
		t.Fatal(err)
	}
	if err := st.AddRelease(ctx, "grid", place.Release{Series: "grids"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ImportRelease(ctx, place.BoundarySet{Slug: "grid2", Title: "Grid 2", Kind: place.Statistical}, storetest.Grid(), place.Release{Series: "grids", Current: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ImportSet(ctx, place.BoundarySet{Slug: "drawn", Title: "Drawn", Kind: place.Community}, storetest.Grid()[:1]); err != nil {
		t.Fatal(err)
	}
	if err := st.SavePlace(ctx, place.Place{Slug: "heeley", Name: "Heeley"}); err != nil {
		t.Fatal(err)
	}
	drawing := place.Drawing{ID: "d1", Name: "Mine", Source: "import: test", Geometry: storetest.Square(-1.45, 53.3, 0.01)}
	if _, err := st.ImportDrawings(ctx, "heeley", []place.Drawing{drawing}); err != nil {
		t.Fatal(err)
	}
	square := `{"type":"Feature","properties":{"code":"sq","name":"Square"},"geometry":{"type":"Polygon","coordinates":[[[-1.45,53.3],[-1.44,53.3],[-1.44,53.31],[-1.45,53.3]]]}}`
	send := func(method, path, body, ifMatch string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer token-admin")
		if ifMatch != "" {
			req.Header.Set("If-Match", ifMatch)
		}
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		return w
	}
	writes := []struct {
		name                     string
		method, path, held, body string // held: the path asked while no place is free
		ifMatch                  string
		ok                       int
	}{
		{"successor decision", "PUT", "/api/sets/grid/areas/B2/successors", "", `{"to":"grid2","keep":["B2"]}`, "", 200},
		{"adopt a consensus", "POST", "/api/places/heeley/drawings/adopt", "", `{"set":"drawn","code":"heeley-residents","name":"Heeley"}`, "", 201},
		{"add an area", "POST", "/api/sets/grid/areas", "", square, "", 201},
		{"redraw an area", "PUT", "/api/sets/grid/areas/sq", "/api/sets/grid/areas/A2", square, `"1"`, 200},
		{"delete an area", "DELETE", "/api/sets/grid/areas/sq", "/api/sets/grid/areas/A2", "", `"2"`, 204},
	}
	s.heavy <- struct{}{}
	for _, wr := range writes {
		path, v := wr.path, wr.ifMatch
		if wr.held != "" {
			path, v = wr.held, `"1"`
		}
		w := send(wr.method, path, wr.body, v)
		if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" {
			t.Errorf("%s with no place free: %d %s", wr.name, w.Code, w.Body.String())
		}
	}
	if sum, _ := st.Set(ctx, "drawn"); sum.AreaCount != 1 {
		t.Errorf("a refused adoption added an area: %d areas", sum.AreaCount)
	}
	if v, _ := st.AreaVersion(ctx, "grid", "A2"); v != 1 {
		t.Errorf("a refused redraw wrote: A2 at version %d", v)
	}
	<-s.heavy
	for _, wr := range writes {
		if w := send(wr.method, wr.path, wr.body, wr.ifMatch); w.Code != wr.ok {
			t.Errorf("%s once a place is free: %d %s", wr.name, w.Code, w.Body.String())
		}
	}
}
