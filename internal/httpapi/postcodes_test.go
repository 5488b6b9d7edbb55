package httpapi_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/importer"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// postcodeFile is a small ONSPD-layout file: S8 0AB live in grid A1 (writeServer's set),
// S8 0AD terminated in December 2000.
const postcodeFile = `pcd,pcds,dointr,doterm,usertype,oseast1m,osnrth1m,osgrdind,lat,long
S8  0AB,S8 0AB,198001,,0,,,1,53.300000,-1.450000
S8  0AD,S8 0AD,198001,200012,1,,,1,53.301000,-1.451000
`

func TestPostcodesAPI(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		ctx := context.Background()
		srv := writeServer(t, st)
		if res := get(t, srv.URL+"/api/postcodes/S80AB"); res.status != 404 {
			t.Fatalf("before any import: %d %s", res.status, res.body)
		}
		if _, err := importer.Postcodes(ctx, st, strings.NewReader(postcodeFile), "onspd.csv", importer.PostcodeOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.AddAssets(ctx, []place.Asset{
			{ID: "far", Name: "Far Library", Category: "library", Status: place.Open, Geometry: orb.Point{-1.40, 53.3}, Source: "test"},
			{ID: "near", Name: "Near Library", Category: "library", Status: place.Open, Geometry: orb.Point{-1.449, 53.3}, Source: "test"},
			{ID: "hall", Name: "Hall", Category: "community_hall", Status: place.Open, Geometry: orb.Point{-1.45, 53.3}, Source: "test"},
		}); err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/api/postcodes/s80ab", "/api/postcodes/S8%200AB", "/api/postcodes/s8%20%200ab"} {
			res := get(t, srv.URL+path)
			var got struct {
				Postcode   string
				Point      []float64
				Terminated *string
				Areas      []store.PostcodeArea
			}
			if res.status != 200 || json.Unmarshal(res.body, &got) != nil {
				t.Fatalf("%s: %d %s", path, res.status, res.body)
			}
			if got.Postcode != "S8 0AB" || got.Terminated != nil || len(got.Point) != 2 || got.Point[0] != -1.45 ||
				len(got.Areas) != 1 || got.Areas[0] != (store.PostcodeArea{Set: "grid", Code: "A1", Name: "Area A1", Current: true}) {
				t.Errorf("%s: %s", path, res.body)
			}
		}
		res := get(t, srv.URL+"/api/postcodes/S80AD")
		if res.status != 200 || !strings.Contains(string(res.body), `"terminated":"2000-12"`) {
			t.Errorf("terminated: %d %s", res.status, res.body)
		}
		if res := get(t, srv.URL+"/api/postcodes/S99ZZ"); res.status != 404 {
			t.Errorf("unknown: %d %s", res.status, res.body)
		}
		if res := get(t, srv.URL+"/api/postcodes/NOTAPOSTCODE"); res.status != 400 || !strings.Contains(string(res.body), "S8 0AB") {
			t.Errorf("malformed: %d %s", res.status, res.body)
		}
		res = get(t, srv.URL+"/api/postcodes/s80ab/nearest?category=library&limit=3")
		var near struct {
			Assets []struct {
				ID      string
				Metres  int  `json:"distance_m"`
				Walking *int `json:"walking"`
			}
			Note string
		}
		if res.status != 200 || json.Unmarshal(res.body, &near) != nil {
			t.Fatalf("nearest: %d %s", res.status, res.body)
		}
		if len(near.Assets) != 2 || near.Assets[0].ID != "near" || near.Assets[1].ID != "far" || near.Assets[0].Metres < 60 || near.Assets[0].Metres > 70 ||
			near.Assets[0].Walking != nil || !strings.Contains(string(res.body), `"walking":null`) || near.Note == "" {
			t.Errorf("nearest: %s", res.body)
		}
		res = get(t, srv.URL+"/api/search?q=S8%200")
		var found searchAnswer
		if res.status != 200 || json.Unmarshal(res.body, &found) != nil || len(found.Results) < 2 {
			t.Fatalf("search S8 0: %d %s", res.status, res.body)
		}
		if r := found.Results[0]; r.Kind != "postcode" || r.Name != "S8 0" || len(r.Point) != 2 || len(r.BBox) != 4 || found.Results[1].Name != "S8 0AB" {
			t.Errorf("search S8 0: %s", res.body)
		}
		if res := get(t, srv.URL+"/api/postcodes/s80ab/nearest?category=nonsense"); res.status != 400 {
			t.Errorf("nearest, bad category: %d %s", res.status, res.body)
		}
	})
}
