package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/placemap/placemap/internal/httpapi"
	"github.com/placemap/placemap/internal/testkit"
	"github.com/placemap/placemap/web"
)

// TestStoresAnswerAlike copies the Sheffield demo GeoPackage into PostGIS
// and back into a second GeoPackage with `placemap copy`, serves all three,
// and asks each the same API and tile requests: every answer must be the
// same bytes.
func TestStoresAnswerAlike(t *testing.T) {
	dbURL := testkit.PostGISDatabaseURL(t)
	ctx := context.Background()
	a, b := t.TempDir(), t.TempDir()
	if err := loadDemoIfEmpty(ctx, a, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := cli(t, "copy", "--from", a, "--to", dbURL); code != 0 || !strings.Contains(out, "copied 11 sets, 1 series, 2577 areas, 29 assets") {
		t.Fatalf("copy gpkg → postgis: %d %q %q", code, out, errs)
	}
	if code, out, errs := cli(t, "copy", "--from", dbURL, "--to", b); code != 0 {
		t.Fatalf("copy postgis → gpkg: %d %q %q", code, out, errs)
	}
	if code, _, errs := cli(t, "copy", "--from", a, "--to", dbURL); code == 0 || !strings.Contains(errs, "already holds") {
		t.Errorf("copy into a full store: %d %q", code, errs)
	}
	// The demo loaded straight into PostGIS, through the importers.
	demoURL := testkit.PostGISDatabaseURL(t)
	if code, out, errs := cli(t, "demo", "--db", demoURL); code != 0 {
		t.Fatalf("demo --db: %d %q %q", code, out, errs)
	}

	serve := func(loc string) *httptest.Server {
		st, err := openLocation(ctx, loc, 0)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		srv := httptest.NewServer(httpapi.New(apiStores(st), web.FS, httpapi.Config{TileCacheBytes: 0}, slog.New(slog.NewTextHandler(io.Discard, nil))))
		t.Cleanup(srv.Close)
		return srv
	}
	servers := map[string]*httptest.Server{"gpkg": serve(a), "postgis": serve(dbURL), "gpkg-roundtrip": serve(b), "postgis-demo": serve(demoURL)}
	// Loaded separately, the demo differs from the GeoPackage one only in
	// when it was loaded.
	stamps := regexp.MustCompile(`"(created_at|updated_at)":"[^"]*"`)
	dataVersion := regexp.MustCompile(`\?v=\d+`)
	get := func(name, path string) []byte {
		srv := servers[name]
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		req.Header.Set("Accept-Encoding", "identity")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != 200 {
			t.Fatalf("%s GET %s: %d %s", name, path, res.StatusCode, body)
		}
		body = bytes.ReplaceAll(body, []byte(srv.URL), []byte("BASE"))
		// Each store counts its own writes: tile URLs carry that count.
		body = dataVersion.ReplaceAll(body, []byte("?v=N"))
		if name == "postgis-demo" {
			body = stamps.ReplaceAll(body, []byte(`"$1":"T"`))
		}
		return body
	}

	// The requests: every set, its areas and some of them; every asset;
	// searches (api/search too) and filters; TileJSON and tiles of every layer at z8-z14.
	paths := []string{"/api/sets", "/api/assets?limit=1000", "/api/places", "/api/places/broomhill",
		"/api/sets/oa-2011/indicators/population", "/api/sets/lsoa-2011/indicators", "/api/sets/wards-2013/indicators/assets_library",
		"/api/crosswalks/lsoa-2011/wards-2013?format=csv", "/api/crosswalks/wards-2013/community-neighbourhoods?weight=population",
		"/api/sets/community-neighbourhoods/indicators/imd_score?from=lsoa-2011", "/api/places/broomhill/agreement", "/api/assets?q=library&limit=5", "/api/assets?q=PARK",
		"/api/assets?bbox=-1.50,53.36,-1.45,53.40", "/api/assets?category=library&limit=3&offset=3", "/tiles/assets.json",
		"/api/series", "/api/sets/wards-2013/changes", "/api/sets/wards-2013/changes?format=csv&table=assets", "/api/sets/wards-2019/areas/E05010860/predecessors",
		"/api/search?q=heeley", "/api/search?q=broom&limit=50", "/api/search?q=library&limit=50", "/api/search?q=E05010862",
		"/api/search?q=s&limit=50", "/api/search?q=sheffield+central&limit=50"}
	var sets struct {
		Sets []struct{ Slug string } `json:"sets"`
	}
	if err := json.Unmarshal(get("gpkg", "/api/sets"), &sets); err != nil {
		t.Fatal(err)
	}
	layers := []string{"assets"}
	for _, s := range sets.Sets {
		layers = append(layers, s.Slug)
		paths = append(paths, "/api/sets/"+s.Slug, "/api/sets/"+s.Slug+"/areas?limit=10000",
			"/api/sets/"+s.Slug+"/areas?bbox=-1.50,53.36,-1.45,53.40", "/tiles/"+s.Slug+".json")
		var areas struct {
			Features []struct {
				ID string `json:"id"`
			} `json:"features"`
		}
		if err := json.Unmarshal(get("gpkg", "/api/sets/"+s.Slug+"/areas?limit=3"), &areas); err != nil {
			t.Fatal(err)
		}
		for _, f := range areas.Features {
			paths = append(paths, "/api/sets/"+s.Slug+"/areas/"+url.PathEscape(f.ID))
			paths = append(paths, "/api/assets?in="+url.QueryEscape(s.Slug+":"+f.ID))
		}
	}
	var assets struct {
		Features []struct {
			ID string `json:"id"`
		} `json:"features"`
	}
	if err := json.Unmarshal(get("gpkg", "/api/assets?limit=1000"), &assets); err != nil {
		t.Fatal(err)
	}
	for _, f := range assets.Features {
		paths = append(paths, "/api/assets/"+f.ID)
	}
	tilesCompared := 0
	for _, layer := range layers {
		for z := maptile.Zoom(8); z <= 14; z++ {
			for _, p := range []orb.Point{{-1.47, 53.38}, {-1.40, 53.35}, {-1.55, 53.42}} {
				tl := maptile.At(p, z)
				for _, ext := range []string{"mvt", "geojson"} {
					paths = append(paths, fmt.Sprintf("/tiles/%s/%d/%d/%d.%s", layer, tl.Z, tl.X, tl.Y, ext))
					tilesCompared++
				}
			}
		}
	}
	differ := 0
	for _, p := range paths {
		want := get("gpkg", p)
		for _, name := range []string{"postgis", "gpkg-roundtrip", "postgis-demo"} {
			got := get(name, p)
			if name == "postgis-demo" {
				want = stamps.ReplaceAll(want, []byte(`"$1":"T"`))
			}
			if !bytes.Equal(got, want) {
				differ++
				if differ <= 8 {
					i := 0
					for i < len(got) && i < len(want) && got[i] == want[i] {
						i++
					}
					from := max(0, i-80)
					t.Errorf("%s answers %s differently at byte %d:\n gpkg: …%s\n %s: …%s", name, p, i,
						want[from:min(len(want), i+80)], name, got[from:min(len(got), i+80)])
				}
			}
		}
	}
	if differ > 0 {
		t.Errorf("%d of %d answers differ", differ, 3*len(paths))
	}
	t.Logf("compared %d requests (%d tiles) across gpkg, its copy in postgis, the round trip back, and the demo loaded into postgis", len(paths), tilesCompared)
}
