package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

type searchAnswer struct {
	Query   string `json:"query"`
	Results []struct {
		Kind     string `json:"kind"`
		Name     string `json:"name"`
		ID       string `json:"id"`
		Code     string `json:"code"`
		Set      *struct{ Slug, Title string }
		Current  *bool     `json:"current"`
		Category string    `json:"category"`
		Point    []float64 `json:"point"`
		BBox     []float64 `json:"bbox"`
		Score    int       `json:"score"`
	} `json:"results"`
}

func TestSearch(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		srv := writeServer(t, st)
		ctx := context.Background()
		var assets []place.Asset
		for i, n := range []string{"Broomhill Library", "Café Nova", "Area Hall"} {
			assets = append(assets, place.Asset{ID: fmt.Sprint("s", i), Name: n, Category: []string{"library", "social_centre", "community_hall"}[i],
				Status: place.Open, Geometry: orb.Point{-1.49 + 0.01*float64(i), 53.26}, Source: "test"})
		}
		for i := range 12 {
			assets = append(assets, place.Asset{ID: fmt.Sprint("lib", i), Name: fmt.Sprintf("Library %02d", i), Category: "library",
				Status: place.Open, Geometry: orb.Point{-1.4, 53.3}, Source: "test"})
		}
		if _, err := st.AddAssets(ctx, assets); err != nil {
			t.Fatal(err)
		}
		if err := st.SavePlace(ctx, place.Place{Slug: "heeley", Name: "Area Heeley", Links: []place.PlaceLink{{Set: "grid", Code: "A1"}}}); err != nil {
			t.Fatal(err)
		}
		find := func(query string) searchAnswer {
			t.Helper()
			res := get(t, srv.URL+"/api/search?"+query)
			if res.status != 200 {
				t.Fatalf("%s: %d %s", query, res.status, res.body)
			}
			var a searchAnswer
			if err := json.Unmarshal(res.body, &a); err != nil {
				t.Fatal(err)
			}
			return a
		}

		a := find("q=" + url.QueryEscape("  area "))
		if a.Query != "area" || len(a.Results) != 6 {
			t.Fatalf("area: %+v, want the query trimmed and 4 areas, a place, an asset", a)
		}
		var kinds []string
		for _, r := range a.Results {
			kinds = append(kinds, r.Kind+":"+r.Name)
		}
		if got := strings.Join(kinds, ", "); got != "area:Area A1, area:Area A2, area:Area B1, area:Area B2, asset:Area Hall, place:Area Heeley" {
			t.Errorf("area: %s", got)
		}
		r0 := a.Results[0]
		if r0.Code != "A1" || r0.Set == nil || r0.Set.Slug != "grid" || r0.Set.Title != "Grid" || r0.Current == nil || !*r0.Current ||
			fmt.Sprint(r0.BBox) != "[-1.5 53.25 -1.375 53.375]" || fmt.Sprint(r0.Point) != "[-1.4375 53.3125]" || r0.Score <= 0 {
			t.Errorf("area A1: %+v", r0)
		}
		if h := a.Results[4]; h.ID != "s2" || h.Category != "community_hall" || fmt.Sprint(h.Point) != "[-1.47 53.26]" || h.BBox != nil {
			t.Errorf("asset Area Hall: %+v, want its id, category and point, no bbox", h)
		}
		if p := a.Results[5]; p.ID != "heeley" || fmt.Sprint(p.BBox) != "[-1.5 53.25 -1.375 53.375]" {
			t.Errorf("place Area Heeley: %+v, want its slug and the box of its area", p)
		}
		if a := find("q=cafe"); len(a.Results) != 1 || a.Results[0].Name != "Café Nova" {
			t.Errorf("cafe: %+v", a)
		}
		if a := find("q=library"); len(a.Results) != 10 || a.Results[0].Name != "Library 00" {
			t.Errorf("library: %d results, first %+v; want the default 10, Library 00 first", len(a.Results), a.Results)
		}
		if a := find("q=library&limit=50"); len(a.Results) != 13 {
			t.Errorf("library, limit 50: %d results, want 13", len(a.Results))
		}
		if a := find("q=library&limit=2"); len(a.Results) != 2 {
			t.Errorf("library, limit 2: %d results", len(a.Results))
		}
		if a := find("q=nothing+here"); a.Results == nil || len(a.Results) != 0 {
			t.Errorf("nothing: %+v, want an empty list", a)
		}
	})
}

func TestSearchRefusesBadQueries(t *testing.T) {
	srv := server(t)
	for _, c := range []struct{ query, want string }{
		{"", "q is missing"},
		{"q=", "q is empty"},
		{"q=+++", "q is empty"},
		{"q=" + strings.Repeat("a", 101), "at most 100"},
		{"q=%2A%2A", "no letter or digit"},
		{"q=a&limit=0", "limit"},
		{"q=a&limit=51", "limit 51"},
		{"q=a&limit=ten", "limit"},
		{"q=a&q=b", "given 2 times"},
		{"q=a&page=2", "page"},
	} {
		res := get(t, srv.URL+"/api/search?"+c.query)
		if res.status != 400 || !strings.Contains(string(res.body), c.want) {
			t.Errorf("?%s: %d %s, want 400 saying %q", c.query, res.status, res.body, c.want)
		}
	}
	if res := get(t, srv.URL+"/api/search?q="+strings.Repeat("é", 100)); res.status != 200 {
		t.Errorf("100 accented letters: %d %s", res.status, res.body)
	}
}
