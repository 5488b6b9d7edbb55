package httpapi_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// TestOGCAPI walks the OGC API – Features on both stores: landing page,
// conformance, collections, items with paging, filters, bbox and the
// datetime Part 1 requires, one item, HTML with text escaped, and errors.
func TestOGCAPI(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		srv := writeServer(t, st)
		c := srv.Client()
		ctx := context.Background()
		var assets []place.Asset
		for i, n := range []string{"<b>Bold</b> Library", "Heeley Hub", "Meersbrook Hall", "Old Library"} {
			cat, status := "community_centre", place.Open
			if strings.Contains(n, "Library") {
				cat = "library"
			}
			if i == 3 {
				status = place.Closed
			}
			assets = append(assets, place.Asset{ID: "a" + string(rune('0'+i)), Name: n, Category: cat, Status: status,
				Geometry: orb.Point{-1.49 + 0.1*float64(i), 53.26 + 0.01*float64(i)}})
		}
		if _, err := st.AddAssets(ctx, assets); err != nil {
			t.Fatal(err)
		}
		get := func(path string, v any) (int, string) {
			code, h, body := do(t, c, srv.URL, call{"GET", path, "", nil})
			if v != nil && code == 200 {
				if err := json.Unmarshal([]byte(body), v); err != nil {
					t.Fatalf("%s: %v", path, err)
				}
			}
			return code, h.Get("Content-Type") + " " + body
		}
		var landing struct{ Links []struct{ Rel, Href string } }
		get("/ogc", &landing)
		rels := map[string]bool{}
		for _, l := range landing.Links {
			rels[l.Rel] = true
		}
		for _, r := range []string{"self", "alternate", "service-desc", "service-doc", "conformance", "data"} {
			if !rels[r] {
				t.Errorf("landing page lacks a %s link: %+v", r, landing.Links)
			}
		}
		var conf struct{ ConformsTo []string }
		get("/ogc/conformance", &conf)
		if !strings.Contains(strings.Join(conf.ConformsTo, " "), "ogcapi-features-1/1.0/conf/core") {
			t.Errorf("conformance: %v", conf.ConformsTo)
		}
		var cols struct {
			Collections []struct {
				ID               string
				NumberOfFeatures int
				Extent           struct{ Spatial struct{ Bbox [][]float64 } }
			}
		}
		get("/ogc/collections", &cols)
		if len(cols.Collections) != 2 || cols.Collections[0].ID != "assets" || cols.Collections[0].NumberOfFeatures != 4 ||
			cols.Collections[1].ID != "grid" || cols.Collections[1].NumberOfFeatures != 4 || len(cols.Collections[1].Extent.Spatial.Bbox) != 1 {
			t.Errorf("collections: %+v", cols)
		}
		type page struct {
			Features []struct {
				ID         string
				Properties map[string]any
			}
			NumberMatched, NumberReturned int
			Links                         []struct{ Rel, Href, Type string }
		}
		var p page
		code, body := get("/ogc/collections/assets/items?limit=3", &p)
		if code != 200 || !strings.HasPrefix(body, "application/geo+json") || p.NumberMatched != 4 || p.NumberReturned != 3 {
			t.Fatalf("items: %d %.300s", code, body)
		}
		next := ""
		for _, l := range p.Links {
			if l.Rel == "next" {
				next = l.Href
			}
		}
		if !strings.Contains(next, "offset=3") {
			t.Errorf("next link %q", next)
		}
		for _, tc := range []struct {
			query string
			want  int
		}{
			{"category=library", 2}, {"status=closed", 1}, {"name=heeley%20hub", 1}, {"category=library&status=open", 1},
			{"bbox=-1.5,53.25,-1.35,53.28", 2}, {"datetime=2024-01-01T00:00:00Z/..", 4},
		} {
			var p page
			if code, body := get("/ogc/collections/assets/items?"+tc.query, &p); code != 200 || p.NumberMatched != tc.want {
				t.Errorf("?%s: %d, %d matched, want %d: %.200s", tc.query, code, p.NumberMatched, tc.want, body)
			}
		}
		var areas page
		get("/ogc/collections/grid/items?code=B2", &areas)
		if areas.NumberMatched != 1 || areas.Features[0].ID != "B2" || areas.Features[0].Properties["name"] != "Area B2" {
			t.Errorf("grid?code=B2: %+v", areas)
		}
		get("/ogc/collections/grid/items?bbox=-1.36,53.30,-1.30,53.40", &areas)
		if areas.NumberMatched != 2 {
			t.Errorf("grid bbox in column B: %d areas, want 2", areas.NumberMatched)
		}
		var one struct {
			ID         string
			Properties map[string]any
		}
		if code, _ := get("/ogc/collections/assets/items/a1", &one); code != 200 || one.ID != "a1" || one.Properties["name"] != "Heeley Hub" {
			t.Errorf("one item: %d %+v", code, one)
		}
		for _, tc := range []struct {
			path string
			code int
		}{
			{"/ogc/collections/nope/items", 404}, {"/ogc/collections/assets/items/nope", 404}, {"/ogc/collections/assets/items?limit=0", 400},
			{"/ogc/collections/assets/items?foo=1", 400}, {"/ogc/collections/assets/items?datetime=yesterday", 400}, {"/ogc?f=xml", 400},
			{"/ogc/collections/grid/items?category=library", 400}, {"/ogc/collections/assets/items?bbox=1,2,3", 400},
		} {
			if code, body := get(tc.path, nil); code != tc.code {
				t.Errorf("%s: %d, want %d: %.200s", tc.path, code, tc.code, body)
			}
		}
		var huge page
		get("/ogc/collections/assets/items?limit=50000", &huge)
		if huge.NumberReturned != 4 {
			t.Errorf("limit past the cap is served as the cap: %d returned", huge.NumberReturned)
		}
		code, body = get("/ogc/collections/assets/items?f=html", nil)
		if code != 200 || !strings.HasPrefix(body, "text/html") || strings.Contains(body, "<b>Bold</b>") || !strings.Contains(body, "&lt;b&gt;Bold&lt;/b&gt; Library") {
			t.Errorf("HTML items: %d, text not escaped or missing", code)
		}
		var api struct {
			OpenAPI string
			Paths   map[string]any
		}
		if code, body := get("/ogc/api", &api); code != 200 || api.OpenAPI != "3.0.3" || len(api.Paths) != 7 || !strings.HasPrefix(body, "application/vnd.oai.openapi+json") {
			t.Errorf("OpenAPI: %d %s %d paths", code, api.OpenAPI, len(api.Paths))
		}
	})
}
