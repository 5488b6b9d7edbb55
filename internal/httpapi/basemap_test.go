package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"github.com/placemap/placemap/internal/basemap"
	"github.com/placemap/placemap/internal/httpapi"
	"github.com/placemap/placemap/internal/osm"
	"github.com/placemap/placemap/internal/store/gpkg"
	"github.com/placemap/placemap/internal/testkit"
)

// importLeeds imports the Leeds clip as the basemap of the store in dir.
func importLeeds(t *testing.T, dir string) {
	t.Helper()
	ctx := context.Background()
	st, err := gpkg.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	file := filepath.Join(testkit.RepoRoot(t), "geodata/osm/uk-clips/leeds_cycleway.osm")
	if _, err := basemap.Import(ctx, st, osm.File(file), "leeds_cycleway.osm", basemap.Options{}); err != nil {
		t.Fatal(err)
	}
}

// TestBasemapServed: with no basemap, its TileJSON and tiles are 404 and
// api/config names none; once imported, the TileJSON credits OSM, tiles
// carry the streets with their names, api/config names the TileJSON, and
// /style.json draws it under the sets and still validates.
func TestBasemapServed(t *testing.T) {
	srv, dir := serverIn(t)
	for _, path := range []string{"/tiles/basemap.json", "/tiles/basemap/14/8117/5287.mvt"} {
		if res := get(t, srv.URL+path); res.status != 404 {
			t.Errorf("GET %s with no basemap: %d, want 404", path, res.status)
		}
	}
	var cfg map[string]any
	if err := json.Unmarshal(get(t, srv.URL+"/api/config").body, &cfg); err != nil || cfg["basemap_tiles"] != "" {
		t.Errorf("config with no basemap: %v %v", cfg, err)
	}
	importLeeds(t, dir)
	res := get(t, srv.URL+"/tiles/basemap.json")
	var tj struct {
		Attribution string    `json:"attribution"`
		Tiles       []string  `json:"tiles"`
		MaxZoom     int       `json:"maxzoom"`
		Bounds      []float64 `json:"bounds"`
	}
	if err := json.Unmarshal(res.body, &tj); err != nil || res.status != 200 {
		t.Fatalf("TileJSON: %d %s", res.status, res.body)
	}
	if tj.Attribution != "© OpenStreetMap contributors" || len(tj.Tiles) != 1 || !strings.Contains(tj.Tiles[0], "/tiles/basemap/{z}/{x}/{y}.mvt?v=") ||
		tj.MaxZoom != basemap.MaxZoom || len(tj.Bounds) != 4 || tj.Bounds[0] > -1.53 || tj.Bounds[2] < -1.53 {
		t.Errorf("TileJSON %s", res.body)
	}
	tl := maptile.At(orb.Point{-1.5336, 53.7966}, 15) // York Street, Leeds
	res = get(t, srv.URL+"/tiles/basemap/15/"+strconv.Itoa(int(tl.X))+"/"+strconv.Itoa(int(tl.Y))+".mvt")
	layers, err := mvt.Unmarshal(res.body)
	if res.status != 200 || err != nil {
		t.Fatalf("tile: %d %v", res.status, err)
	}
	if !hasName(layers, basemap.Roads, "York Street") {
		t.Errorf("tile %v has no road named York Street", tl)
	}
	versioned := strings.NewReplacer("{z}", "15", "{x}", strconv.Itoa(int(tl.X)), "{y}", strconv.Itoa(int(tl.Y))).Replace(tj.Tiles[0])
	if res := get(t, versioned); res.status != 200 || !strings.Contains(res.header.Get("Cache-Control"), "immutable") {
		t.Errorf("GET %s: %d, Cache-Control %q: want a versioned tile kept for good", versioned, res.status, res.header.Get("Cache-Control"))
	}
	if res := get(t, srv.URL+"/tiles/basemap/15/0/0.mvt"); res.status != 200 || len(res.body) != 0 {
		t.Errorf("a basemap tile with nothing in it: %d, %d bytes; want 200 and empty, as other layers' tiles", res.status, len(res.body))
	}
	if res := get(t, srv.URL+"/tiles/basemap/15/1/1.geojson"); res.status != 400 {
		t.Errorf("basemap .geojson: %d, want 400", res.status)
	}
	if err := json.Unmarshal(get(t, srv.URL+"/api/config").body, &cfg); err != nil || cfg["basemap_tiles"] != "tiles/basemap.json" {
		t.Errorf("config with a basemap: %v %v", cfg, err)
	}
	styleHasBasemap(t, srv.URL)
}

// styleHasBasemap checks /style.json validates and draws the basemap
// first, with street names along the streets.
func styleHasBasemap(t *testing.T, base string) {
	node := testkit.Need(t, "node", "nodejs")
	testkit.NeedNodeModules(t, "@maplibre/maplibre-gl-style-spec")
	res := get(t, base+"/style.json")
	file := filepath.Join(t.TempDir(), "style.json")
	if err := os.WriteFile(file, res.body, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, filepath.Join(testkit.RepoRoot(t), "test/js/validate-style.mjs"), file)
	cmd.Dir = testkit.RepoRoot(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("style does not validate: %v\n%s\n%s", err, out, res.body)
	}
	var style struct {
		Sources map[string]struct {
			Attribution string `json:"attribution"`
		} `json:"sources"`
		Layers []struct {
			ID     string         `json:"id"`
			Source string         `json:"source"`
			Layout map[string]any `json:"layout"`
		} `json:"layers"`
	}
	if err := json.Unmarshal(res.body, &style); err != nil {
		t.Fatal(err)
	}
	if style.Sources["basemap"].Attribution != "© OpenStreetMap contributors" {
		t.Errorf("basemap source %+v", style.Sources["basemap"])
	}
	firstSet, lastBasemap, streets := -1, -1, false
	for i, l := range style.Layers {
		switch {
		case l.Source == "basemap":
			lastBasemap = i
			streets = streets || l.ID == "basemap-street-names" && l.Layout["symbol-placement"] == "line"
		case l.Source == "grid" && firstSet < 0:
			firstSet = i
		}
	}
	if lastBasemap < 0 || firstSet < lastBasemap || !streets {
		t.Errorf("basemap layers end at %d, sets start at %d, street names along lines %v", lastBasemap, firstSet, streets)
	}
}

func hasName(layers mvt.Layers, layer, name string) bool {
	for _, l := range layers {
		for _, f := range l.Features {
			if l.Name == layer && f.Properties["name"] == name {
				return true
			}
		}
	}
	return false
}

// TestBasemapStyleURLWins: with --basemap-style-url set, the web map uses
// that style as before: api/config names no basemap tiles of placemap's
// own, though they are still served.
func TestBasemapStyleURLWins(t *testing.T) {
	dir := t.TempDir()
	importLeeds(t, dir)
	st, err := gpkg.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	web := fstest.MapFS{"index.html": {Data: []byte("<!doctype html><title>placemap</title>")}}
	cfg := httpapi.Config{BasemapStyleURL: "https://tiles.example.org/style.json"}
	srv := httptest.NewServer(httpapi.New(roles(st), web, cfg, slog.New(slog.NewTextHandler(io.Discard, nil))))
	defer srv.Close()
	var got map[string]any
	if err := json.Unmarshal(get(t, srv.URL+"/api/config").body, &got); err != nil || got["basemap_tiles"] != "" || got["basemap_style_url"] != cfg.BasemapStyleURL {
		t.Errorf("config %v %v", got, err)
	}
	if res := get(t, srv.URL+"/tiles/basemap.json"); res.status != 200 {
		t.Errorf("basemap TileJSON: %d", res.status)
	}
}
