package httpapi_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/placemap/placemap/internal/httpapi"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store/gpkg"
	"github.com/placemap/placemap/internal/store/storetest"
)

func server(t *testing.T) *httptest.Server {
	t.Helper()
	srv, _ := serverIn(t)
	return srv
}

// serverIn is server, and the data directory of its GeoPackage.
func serverIn(t *testing.T) (*httptest.Server, string) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := gpkg.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	areas := storetest.Grid()
	if _, err := st.ImportSet(ctx, place.BoundarySet{Slug: "grid", Title: "Grid", Kind: place.Statistical, Licence: "OGL-UK-3.0"}, areas); err != nil {
		t.Fatal(err)
	}
	// A detailed shape, so its tiles are big enough to be worth gzipping.
	var ring orb.Ring
	for i := 0; i <= 512; i++ {
		a := 2 * math.Pi * float64(i%512) / 512
		r := 1 + 0.2*math.Sin(128*a)
		ring = append(ring, orb.Point{-1.4 + 0.1*r*math.Cos(a), 53.4 + 0.06*r*math.Sin(a)})
	}
	if _, err := st.ImportSet(ctx, place.BoundarySet{Slug: "round", Title: "Round", Kind: place.Community}, []place.Area{{Code: "R", Name: "Round", Geometry: orb.MultiPolygon{{ring}}}}); err != nil {
		t.Fatal(err)
	}
	var assets []place.Asset
	for i, n := range []string{"Broomhill Library", "Burngreave Library", "Heeley Hall", `<img src=x onerror=alert(1)> Hub`} {
		cat := map[int]string{0: "library", 1: "library", 2: "community_hall", 3: "family_hub"}[i]
		assets = append(assets, place.Asset{ID: string(rune('a' + i)), Name: n, Category: cat, Status: place.Open,
			Geometry: orb.Point{-1.49 + 0.01*float64(i), 53.26}, Attribution: "DCMS"})
	}
	if _, err := st.AddAssets(ctx, assets); err != nil {
		t.Fatal(err)
	}
	web := fstest.MapFS{"index.html": {Data: []byte("<!doctype html><title>placemap</title>")}}
	srv := httptest.NewServer(httpapi.New(roles(st), web, httpapi.Config{TileCacheBytes: 1 << 20}, slog.New(slog.NewTextHandler(io.Discard, nil))))
	t.Cleanup(srv.Close)
	return srv, dir
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func get(t *testing.T, url string, header ...string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{res.StatusCode, res.Header, b}
}

func TestRoutes(t *testing.T) {
	srv := server(t)
	for _, tc := range []struct {
		path   string
		status int
		want   []string // substrings of the body
		ctype  string
	}{
		{"/healthz", 200, []string{`"ok"`}, "application/json"},
		{"/readyz", 200, []string{`"ready"`}, "application/json"},
		{"/api/sets", 200, []string{`"slug":"round"`, `"slug":"grid"`, `"area_count":4`, `"bbox":[-1.5,53.25,-1.25,53.5]`, `"licence":"OGL-UK-3.0"`, `"attributions":["DCMS"]`}, "application/json"},
		{"/api/sets/grid", 200, []string{`"area_count":4`, `/tiles/grid.json`}, "application/json"},
		{"/api/sets/nope", 404, []string{`"code":"not_found"`, `no boundary set \"nope\"`}, "application/json"},
		{"/api/sets/grid/areas", 200, []string{`"FeatureCollection"`, `"code":"A1"`, `"code":"B2"`, `"numberReturned":4`}, "application/geo+json"},
		{"/api/sets/grid/areas?bbox=-1.49,53.26,-1.45,53.45", 200, []string{`"numberReturned":2`, `"code":"A2"`}, "application/geo+json"},
		{"/api/sets/grid/areas?limit=1", 200, []string{`"numberReturned":1`, `"rel":"next"`, `offset=1`}, "application/geo+json"},
		{"/api/sets/grid/areas?bbox=1,2,3", 400, []string{`"code":"invalid"`, `bbox`}, "application/json"},
		{"/api/sets/grid/areas?bbox=10,0,5,1", 400, []string{`minimum is greater`}, "application/json"},
		{"/api/sets/grid/areas?bbox=a,0,5,1", 400, []string{`not a number`}, "application/json"},
		{"/api/sets/grid/areas?bbbox=1", 400, []string{`unknown query parameter \"bbbox\"`}, "application/json"},
		{"/api/sets/nope/areas", 404, []string{`not_found`}, "application/json"},
		{"/api/sets/grid/areas/A1", 200, []string{`"name":"Area A1"`, `"asset_count":4`, `"Broomhill Library"`, `"set_title":"Grid"`}, "application/geo+json"},
		{"/api/sets/grid/areas/Z9", 404, []string{`no area \"Z9\"`}, "application/json"},
		{"/api/assets", 200, []string{`"numberMatched":4`, `"Broomhill Library"`}, "application/geo+json"},
		{"/api/assets?category=library", 200, []string{`"numberMatched":2`}, "application/geo+json"},
		{"/api/assets?category=bookshop", 400, []string{`category \"bookshop\" is not one of`}, "application/json"},
		{"/api/assets?q=heeley", 200, []string{`"numberMatched":1`, `Heeley Hall`}, "application/geo+json"},
		{"/api/assets?in=grid:A1&category=library", 200, []string{`"numberMatched":2`}, "application/geo+json"},
		{"/api/assets?in=grid:B2", 200, []string{`"numberMatched":0`}, "application/geo+json"},
		{"/api/assets?in=grid", 400, []string{`want SET:CODE`}, "application/json"},
		{"/api/assets?in=nope:A1", 400, []string{`no boundary set \"nope\"`}, "application/json"},
		{"/api/assets?limit=0", 400, []string{`limit`}, "application/json"},
		{"/api/assets?limit=2", 200, []string{`"numberReturned":2`, `"rel":"next"`}, "application/geo+json"},
		{"/api/assets?limit=2&offset=2", 200, []string{`"numberReturned":2`, `"rel":"prev"`}, "application/geo+json"},
		{"/api/assets?limit=100000", 200, []string{`"numberReturned":4`, `limit=1000`}, "application/geo+json"},
		{"/api/assets?bbox=-1.5,53.25,-1.485,53.27", 200, []string{`"numberMatched":1`}, "application/geo+json"},
		{"/api/assets/a", 200, []string{`"lies_in":[{`, `"set":"grid"`, `"code":"A1"`, `"name":"Area A1"`, `"set_title":"Grid"`}, "application/geo+json"},
		{"/api/assets/zzz", 404, []string{`no asset \"zzz\"`}, "application/json"},
		{"/api/nope", 404, []string{`no API route`}, "application/json"},
		{"/tiles/grid.json", 200, []string{`"tilejson":"3.0.0"`, `/tiles/grid/{z}/{x}/{y}.mvt`}, "application/json"},
		{"/tiles/nope.json", 404, []string{`no tile layer`}, "application/json"},
		{"/tiles/grid/10/1024/0.mvt", 400, []string{`tile x`}, "application/json"},
		{"/tiles/grid/23/0/0.mvt", 400, []string{`tile zoom`}, "application/json"},
		{"/tiles/grid/10/0/0.png", 400, []string{`tile format`}, "application/json"},
		{"/tiles/nope/10/0/0.mvt", 404, []string{`not_found`}, "application/json"},
		{"/tiles/grid/10/507/333.geojson", 200, []string{`"FeatureCollection"`}, "application/geo+json"},
		{"/", 200, []string{`<title>placemap</title>`}, "text/html; charset=utf-8"},
		{"/api/export/osmchange", 200, []string{`<osmChange version="0.6"`, `</osmChange>`}, "application/xml"},
		{"/api/export/josm", 200, []string{`<osm version="0.6"`, `upload="true"`}, "application/xml"},
	} {
		res := get(t, srv.URL+tc.path)
		if res.status != tc.status {
			t.Errorf("GET %s = %d, want %d: %s", tc.path, res.status, tc.status, res.body)
			continue
		}
		if ct := res.header.Get("Content-Type"); ct != tc.ctype {
			t.Errorf("GET %s Content-Type %q, want %q", tc.path, ct, tc.ctype)
		}
		for _, w := range tc.want {
			if !strings.Contains(string(res.body), w) {
				t.Errorf("GET %s body lacks %s:\n%.600s", tc.path, w, res.body)
			}
		}
		if res.header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(res.header.Get("Content-Security-Policy"), "default-src 'self'") {
			t.Errorf("GET %s lacks security headers: %v", tc.path, res.header)
		}
	}
}

func TestTileCaching(t *testing.T) {
	srv := server(t)
	url := srv.URL + "/tiles/assets/10/507/333.mvt"
	first := get(t, url)
	if first.status != 200 || first.header.Get("Content-Type") != "application/vnd.mapbox-vector-tile" {
		t.Fatalf("tile: %d %v", first.status, first.header)
	}
	etag := first.header.Get("ETag")
	if etag == "" || !strings.Contains(first.header.Get("Cache-Control"), "max-age") {
		t.Fatalf("tile lacks ETag/Cache-Control: %v", first.header)
	}
	if len(first.body) == 0 {
		t.Fatal("tile over the assets is empty")
	}
	if res := get(t, url, "If-None-Match", etag); res.status != http.StatusNotModified || len(res.body) != 0 {
		t.Errorf("If-None-Match: %d with %d bytes, want 304 and none", res.status, len(res.body))
	}
	// A URL naming the current data version (as TileJSON gives it) may be
	// kept for good.
	var tj struct{ Tiles []string }
	if err := json.Unmarshal(get(t, srv.URL+"/tiles/assets.json").body, &tj); err != nil || len(tj.Tiles) != 1 {
		t.Fatalf("tilejson: %v", err)
	}
	_, v, _ := strings.Cut(tj.Tiles[0], "?v=")
	if res := get(t, url+"?v="+v); !strings.Contains(res.header.Get("Cache-Control"), "immutable") {
		t.Errorf("versioned tile (v=%s) Cache-Control %q", v, res.header.Get("Cache-Control"))
	}
	if res := get(t, url+"?v=1"); strings.Contains(res.header.Get("Cache-Control"), "immutable") {
		t.Errorf("stale-versioned tile is immutable: %q", res.header.Get("Cache-Control"))
	}
	if res := get(t, url, "If-None-Match", `"other"`); res.status != 200 {
		t.Errorf("If-None-Match other: %d, want 200", res.status)
	}
	// A client that asks for gzip gets the tile (past tiles.GzipAbove) gzipped once at render,
	// under its own validator; one that does not gets it plain.
	rt := maptile.At(orb.Point{-1.4, 53.4}, 10)
	big := fmt.Sprintf("%s/tiles/round/%d/%d/%d.mvt", srv.URL, rt.Z, rt.X, rt.Y)
	plain := get(t, big, "Accept-Encoding", "identity")
	gz := get(t, big, "Accept-Encoding", "gzip")
	if plain.header.Get("Content-Encoding") != "" || gz.header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("encodings: plain %q, gzip %q (%d, %d bytes)", plain.header.Get("Content-Encoding"), gz.header.Get("Content-Encoding"), len(plain.body), len(gz.body))
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz.body))
	if err != nil {
		t.Fatal(err)
	}
	unzipped, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(unzipped, plain.body) {
		t.Errorf("gzipped tile does not unzip to the plain one: %v", err)
	}
	if gz.header.Get("ETag") == plain.header.Get("ETag") {
		t.Errorf("gzip and plain tiles share the ETag %s", gz.header.Get("ETag"))
	}
	if res := get(t, big, "Accept-Encoding", "gzip", "If-None-Match", gz.header.Get("ETag")); res.status != http.StatusNotModified {
		t.Errorf("If-None-Match with the gzip ETag: %d", res.status)
	}
}

// TestNoHTMLInjection: asset text travels as JSON with HTML escaped, never
// as HTML; the web map renders it with textContent (checked in the browser
// test).
func TestNoHTMLInjection(t *testing.T) {
	srv := server(t)
	res := get(t, srv.URL+"/api/assets?q=Hub")
	if strings.Contains(string(res.body), "<img") {
		t.Errorf("raw HTML in API output: %s", res.body)
	}
	var fc struct {
		Features []struct {
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(res.body, &fc); err != nil || len(fc.Features) != 1 {
		t.Fatalf("decode: %v %s", err, res.body)
	}
	if got := fc.Features[0].Properties["name"]; got != `<img src=x onerror=alert(1)> Hub` {
		t.Errorf("name round trip = %v", got)
	}
}

func TestAnonymousWriteRefused(t *testing.T) {
	srv := server(t)
	res, err := http.Post(srv.URL+"/api/assets", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("anonymous POST /api/assets = %d, want 401", res.StatusCode)
	}
}
