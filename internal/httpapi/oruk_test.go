package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/placemap/placemap/internal/oruk"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// TestORUKRoutes reads the ORUK API over both stores: the root, paging,
// the search and taxonomy filters, each item by id, and what it refuses.
func TestORUKRoutes(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		srv := writeServer(t, st)
		c := srv.Client()
		admin := bearer("admin")
		hub, _ := createAt(t, c, srv.URL, admin, "Heeley Hub", a1Lon, a1Lat)
		createAt(t, c, srv.URL, admin, "Meersbrook Hall", b2Lon, b2Lat)
		lib := `{"type":"Feature","properties":{"name":"Heeley Library","category":"library"},"geometry":{"type":"Point","coordinates":[-1.46,53.31]}}`
		if code, _, body := do(t, c, srv.URL, call{"POST", "/api/assets", lib, admin}); code != http.StatusCreated {
			t.Fatalf("create library: %d %s", code, body)
		}
		libTerm, _ := oruk.TermByCategory("library")
		hubService := oruk.FromAsset(mustAsset(t, st, hub))
		type page struct {
			TotalItems int  `json:"total_items"`
			TotalPages int  `json:"total_pages"`
			PageNumber int  `json:"page_number"`
			Size       int  `json:"size"`
			FirstPage  bool `json:"first_page"`
			LastPage   bool `json:"last_page"`
			Empty      bool `json:"empty"`
		}
		for _, tc := range []struct {
			path string
			code int
			want *page // when not nil, the page's fields
			id   string
		}{
			{"/api/oruk/services?per_page=2", 200, &page{3, 2, 1, 2, true, false, false}, ""},
			{"/api/oruk/services?per_page=2&page=2", 200, &page{3, 2, 2, 1, false, true, false}, ""},
			{"/api/oruk/services?per_page=2&page=3", 200, &page{3, 2, 3, 0, false, true, true}, ""},
			{"/api/oruk/services?search=heeley", 200, &page{2, 1, 1, 2, true, true, false}, ""},
			{"/api/oruk/services?search=nothing+like+it", 200, &page{0, 1, 1, 0, true, true, true}, ""},
			{"/api/oruk/services?taxonomy_term_id=" + libTerm.ID, 200, &page{1, 1, 1, 1, true, true, false}, ""},
			{"/api/oruk/services?taxonomy_id=" + oruk.TaxonomyID + "&search=hall", 200, &page{1, 1, 1, 1, true, true, false}, ""},
			{"/api/oruk/service_at_locations?per_page=1&page=3", 200, &page{3, 3, 3, 1, false, true, false}, ""},
			{"/api/oruk/taxonomies", 200, &page{1, 1, 1, 1, true, true, false}, ""},
			{"/api/oruk/taxonomy_terms?per_page=5&page=4", 200, &page{20, 4, 4, 5, false, true, false}, ""},
			{"/api/oruk/services/" + hubService.ID, 200, nil, hubService.ID},
			{"/api/oruk/service_at_locations/" + hubService.ServiceAtLocations[0].ID, 200, nil, hubService.ServiceAtLocations[0].ID},
			{"/api/oruk/taxonomies/" + oruk.TaxonomyID, 200, nil, oruk.TaxonomyID},
			{"/api/oruk/taxonomy_terms/" + libTerm.ID, 200, nil, libTerm.ID},
			{"/api/oruk/services/nope", 404, nil, ""},
			{"/api/oruk/service_at_locations/" + hubService.ID, 404, nil, ""},
			{"/api/oruk/taxonomies/nope", 404, nil, ""},
			{"/api/oruk/taxonomy_terms/" + oruk.TaxonomyID, 404, nil, ""},
			{"/api/oruk/services?taxonomy_term_id=nope", 400, nil, ""},
			{"/api/oruk/services?taxonomy_id=nope", 400, nil, ""},
			{"/api/oruk/services?postcode=S8", 400, nil, ""},
			{"/api/oruk/service_at_locations?page=0", 400, nil, ""},
			{"/api/oruk/taxonomy_terms?search=library", 400, nil, ""},
			{"/api/oruk/taxonomies?per_page=1001", 400, nil, ""},
			{"/api/oruk/?x=1", 400, nil, ""},
		} {
			code, h, body := do(t, c, srv.URL, call{"GET", tc.path, "", nil})
			if h.Get("Access-Control-Allow-Origin") != "*" {
				t.Errorf("GET %s: not open to other origins", tc.path)
			}
			if code != tc.code {
				t.Errorf("GET %s: %d, want %d: %.300s", tc.path, code, tc.code, body)
				continue
			}
			if tc.want != nil {
				var got page
				if err := json.Unmarshal([]byte(body), &got); err != nil {
					t.Fatalf("GET %s: %v", tc.path, err)
				}
				var items struct{ Contents []json.RawMessage }
				if json.Unmarshal([]byte(body), &items); len(items.Contents) != got.Size || items.Contents == nil {
					t.Errorf("GET %s: size %d, %d items", tc.path, got.Size, len(items.Contents))
				}
				if got != *tc.want {
					t.Errorf("GET %s: %+v, want %+v", tc.path, got, *tc.want)
				}
			}
			if tc.id != "" {
				var got struct{ ID string }
				if json.Unmarshal([]byte(body), &got); got.ID != tc.id {
					t.Errorf("GET %s: id %s", tc.path, got.ID)
				}
			}
		}
		var root oruk.Root
		_, _, body := do(t, c, srv.URL, call{"GET", "/api/oruk/", "", nil})
		if json.Unmarshal([]byte(body), &root); root.Version != "3.0" || root.OpenAPIURL != srv.URL+"/api/oruk/openapi.json" {
			t.Errorf("GET /api/oruk/: %s", body)
		}
		if code, _, body := do(t, c, srv.URL, call{"GET", "/api/oruk/openapi.json", "", nil}); code != 200 || !json.Valid([]byte(body)) {
			t.Errorf("GET openapi.json: %d %.200s", code, body)
		}
	})
}

func mustAsset(t *testing.T, st *store.DB, id string) place.Asset {
	t.Helper()
	a, err := st.Asset(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
