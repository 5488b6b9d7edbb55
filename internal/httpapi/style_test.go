package httpapi_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"github.com/placemap/placemap/internal/testkit"
)

// TestStyleValidates fetches /style.json and validates it with
// @maplibre/maplibre-gl-style-spec under node, the validator MapLibre
// uses; then checks it names placemap's own fonts and tiles.
func TestStyleValidates(t *testing.T) {
	node := testkit.Need(t, "node", "nodejs")
	testkit.NeedNodeModules(t, "@maplibre/maplibre-gl-style-spec")
	srv := server(t)
	res := get(t, srv.URL+"/style.json")
	if res.status != 200 || !strings.HasPrefix(res.header.Get("Content-Type"), "application/json") {
		t.Fatalf("GET /style.json: %d %s\n%s", res.status, res.header.Get("Content-Type"), res.body)
	}
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
		Glyphs  string `json:"glyphs"`
		Sources map[string]struct {
			URL   string   `json:"url"`
			Tiles []string `json:"tiles"`
		} `json:"sources"`
		Layers []struct {
			ID     string         `json:"id"`
			Type   string         `json:"type"`
			Source string         `json:"source"`
			Layout map[string]any `json:"layout"`
		} `json:"layers"`
	}
	if err := json.Unmarshal(res.body, &style); err != nil {
		t.Fatal(err)
	}
	if style.Glyphs != srv.URL+"/fonts/{fontstack}/{range}.pbf" {
		t.Errorf("glyphs = %q, want placemap's own /fonts", style.Glyphs)
	}
	if style.Sources["grid"].URL != srv.URL+"/tiles/grid.json" || style.Sources["assets"].URL != srv.URL+"/tiles/assets.json" {
		t.Errorf("sources %+v", style.Sources)
	}
	if l := style.Sources["labels:grid"].Tiles; len(l) != 1 || !strings.HasPrefix(l[0], srv.URL+"/tiles/grid/labels/{z}/{x}/{y}.mvt?v=") {
		t.Errorf("label source of grid: %v", l)
	}
	symbols := map[string]bool{}
	for _, l := range style.Layers {
		if l.Type == "symbol" {
			symbols[l.Source] = true
			if f, _ := l.Layout["text-font"].([]any); len(f) != 1 || !strings.HasPrefix(f[0].(string), "DejaVu Sans") {
				t.Errorf("layer %s font %v", l.ID, l.Layout["text-font"])
			}
		}
	}
	if !symbols["labels:grid"] || !symbols["labels:round"] || !symbols["assets"] {
		t.Errorf("symbol layers over %v, want the labels of grid and round and the assets", symbols)
	}
}

// TestLabelTiles: /tiles/{set}/labels/… serves the set's label points.
func TestLabelTiles(t *testing.T) {
	srv := server(t)
	tl := maptile.At(orb.Point{-1.4, 53.4}, 10) // round's middle
	res := get(t, srv.URL+fmt.Sprintf("/tiles/round/labels/%d/%d/%d.mvt", tl.Z, tl.X, tl.Y))
	if res.status != 200 || res.header.Get("Content-Type") != "application/vnd.mapbox-vector-tile" {
		t.Fatalf("label tile: %d %s %s", res.status, res.header.Get("Content-Type"), res.body)
	}
	layers, err := mvt.Unmarshal(res.body)
	if err != nil {
		t.Fatal(err)
	}
	if len(layers) != 1 || layers[0].Name != "labels" || len(layers[0].Features) != 1 || layers[0].Features[0].Properties["name"] != "Round" {
		t.Errorf("label tile layers %v", layers)
	}
	for path, status := range map[string]int{
		"/tiles/nope/labels/10/507/333.mvt":   404,
		"/tiles/assets/labels/10/507/333.mvt": 404,
		"/tiles/grid/labels/10/507/333.png":   400,
		"/tiles/grid/labels/23/0/0.mvt":       400,
	} {
		if res := get(t, srv.URL+path); res.status != status {
			t.Errorf("GET %s: %d, want %d", path, res.status, status)
		}
	}
}

// TestLabelTilesVersioned: the style's label tiles carry the version of
// their set's data (?v=), the one the set's TileJSON names, and a label
// tile fetched at it is kept for good, as the set's own tiles are.
func TestLabelTilesVersioned(t *testing.T) {
	srv := server(t)
	var style struct {
		Sources map[string]struct {
			Tiles []string `json:"tiles"`
		} `json:"sources"`
	}
	if err := json.Unmarshal(get(t, srv.URL+"/style.json").body, &style); err != nil {
		t.Fatal(err)
	}
	var tj struct {
		Tiles []string `json:"tiles"`
	}
	if err := json.Unmarshal(get(t, srv.URL+"/tiles/round.json").body, &tj); err != nil || len(tj.Tiles) != 1 {
		t.Fatalf("round's TileJSON: %v %v", tj, err)
	}
	_, v, ok := strings.Cut(tj.Tiles[0], "?v=")
	if !ok {
		t.Fatalf("round's TileJSON has no version: %s", tj.Tiles[0])
	}
	labels := style.Sources["labels:round"].Tiles
	if len(labels) != 1 || labels[0] != srv.URL+"/tiles/round/labels/{z}/{x}/{y}.mvt?v="+v {
		t.Fatalf("label tiles of round %v, want at round's version %s", labels, v)
	}
	tl := maptile.At(orb.Point{-1.4, 53.4}, 10)
	u := strings.NewReplacer("{z}", fmt.Sprint(tl.Z), "{x}", fmt.Sprint(tl.X), "{y}", fmt.Sprint(tl.Y)).Replace(labels[0])
	if res := get(t, u); res.status != 200 || !strings.Contains(res.header.Get("Cache-Control"), "immutable") {
		t.Errorf("GET %s: %d, Cache-Control %q: want a versioned tile kept for good", u, res.status, res.header.Get("Cache-Control"))
	}
}
