package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/gpkg"
	"github.com/placemap/placemap/internal/testkit"
)

// TestImportBasemapAndorra imports the Andorra extract (.osm.bz2) as the
// basemap and reads tiles back through @mapbox/vector-tile: a z16 tile of
// Andorra la Vella has its roads, buildings and the Avinguda Meritxell by
// name; a z8 tile the main roads without the buildings.
func TestImportBasemapAndorra(t *testing.T) {
	node := testkit.Need(t, "node", "nodejs")
	testkit.NeedNodeModules(t, "@mapbox/vector-tile")
	data := t.TempDir()
	file := filepath.Join(testkit.RepoRoot(t), "geodata/osm/andorra-latest.osm.bz2")
	code, out, errs := cli(t, "import", "basemap", file, "--data", data)
	if code != 0 || !strings.Contains(out, "names: ") {
		t.Fatalf("import basemap: %d\n%s\n%s", code, out, errs)
	}
	names := basemapNames(t, data)
	if !hasStreet(names, "Avinguda Meritxell") || !hasPlace(names, "Andorra la Vella") {
		t.Errorf("basemap_names lack Avinguda Meritxell or Andorra la Vella (%d rows)", len(names))
	}
	base := serveData(t, data)
	street := decodeBasemapTile(t, node, base, maptile.At(orb.Point{1.5314, 42.5082}, 16))
	for _, l := range []string{"roads", "buildings"} {
		if len(street[l]) == 0 {
			t.Errorf("z16 tile: no %s (layers %v)", l, keys(street))
		}
	}
	if !tileHasName(street["roads"], "Avinguda Meritxell") {
		t.Errorf("z16 tile: no road named Avinguda Meritxell")
	}
	wide := decodeBasemapTile(t, node, base, maptile.At(orb.Point{1.5314, 42.5082}, 8))
	if len(wide["roads"]) == 0 || len(wide["buildings"]) != 0 {
		t.Errorf("z8 tile: %d roads, %d buildings: want roads and no buildings", len(wide["roads"]), len(wide["buildings"]))
	}
}

// TestImportBasemapRefusals: on both stores, a truncated file, an empty
// one and a bbox with no streets are refused with an error naming the
// file and what is wrong, and the basemap imported before stays whole; a
// bad --bbox is a usage error.
func TestImportBasemapRefusals(t *testing.T) {
	for _, kind := range []string{"gpkg", "postgis"} {
		t.Run(kind, func(t *testing.T) {
			loc := t.TempDir()
			if kind == "postgis" {
				loc = testkit.PostGISDatabaseURL(t)
			}
			basemapRefusals(t, loc)
		})
	}
}

func basemapRefusals(t *testing.T, loc string) {
	where := []string{"--data", loc}
	if strings.HasPrefix(loc, "postgres://") {
		where = []string{"--db", loc}
	}
	dir := t.TempDir()
	leeds := filepath.Join(testkit.RepoRoot(t), "geodata/osm/uk-clips/leeds_cycleway.osm")
	if code, out, errs := cli(t, append([]string{"import", "basemap", leeds}, where...)...); code != 0 {
		t.Fatalf("import basemap: %d\n%s\n%s", code, out, errs)
	}
	before := basemapState(t, loc)
	whole, err := os.ReadFile(leeds)
	if err != nil {
		t.Fatal(err)
	}
	truncated := write(t, dir, "cut.osm", string(whole[:len(whole)/2]))
	empty := write(t, dir, "empty.osm", "")
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{truncated}, 1, "cut.osm: the XML ends early"},
		{[]string{empty}, 1, "empty.osm: the file is empty"},
		{[]string{leeds, "--bbox", "0,0,0.1,0.1"}, 1, "leeds_cycleway.osm: no streets (highway=* ways) in --bbox 0,0,0.1,0.1"},
		{[]string{leeds, "--bbox", "0,0,0.1"}, 2, "--bbox \"0,0,0.1\": want minlon,minlat,maxlon,maxlat"},
		{[]string{leeds, "--bbox", "2,0,1,1"}, 2, "--bbox"},
	} {
		code, _, errs := cli(t, append(append([]string{"import", "basemap"}, where...), tc.args...)...)
		if code != tc.code || !strings.Contains(errs, tc.want) {
			t.Errorf("import basemap %v: %d %q, want %d and %q", tc.args, code, errs, tc.code, tc.want)
		}
		if after := basemapState(t, loc); after != before {
			t.Errorf("import basemap %v changed the basemap:\n%s\nwas\n%s", tc.args, after, before)
		}
	}
}

// basemapState describes the stored basemap, to show a refusal left it.
func basemapState(t *testing.T, loc string) string {
	t.Helper()
	ctx := context.Background()
	st, err := openLocation(ctx, loc, 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	info, err := st.Basemap(ctx)
	if err != nil {
		t.Fatal(err)
	}
	names, err := st.BasemapNames(ctx)
	if err != nil {
		t.Fatal(err)
	}
	all := orb.Bound{Min: orb.Point{-180, -85}, Max: orb.Point{180, 85}}
	fs, err := st.BasemapFeatures(ctx, store.BasemapQuery{Band: 3, Zoom: 16, BBox: all})
	if err != nil {
		t.Fatal(err)
	}
	return info.Source + " " + strconv.Itoa(info.Features) + " features, " + strconv.Itoa(len(fs)) + " in band 3, " + strconv.Itoa(len(names)) + " names"
}

func basemapNames(t *testing.T, data string) []store.BasemapName {
	t.Helper()
	st, err := gpkg.Open(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	names, err := st.BasemapNames(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func hasStreet(names []store.BasemapName, name string) bool {
	for _, n := range names {
		if n.Kind == "street" && n.Name == name && n.BBox.Contains(n.Point) {
			return true
		}
	}
	return false
}

func hasPlace(names []store.BasemapName, name string) bool {
	for _, n := range names {
		if n.Kind == "place" && n.Name == name {
			return true
		}
	}
	return false
}

type decodedFeature struct {
	Type       string         `json:"type"`
	Properties map[string]any `json:"properties"`
}

// decodeBasemapTile fetches a basemap tile and decodes it with
// test/js/decode-tile.mjs: its features by layer.
func decodeBasemapTile(t *testing.T, node, base string, tl maptile.Tile) map[string][]decodedFeature {
	t.Helper()
	z, x, y := strconv.Itoa(int(tl.Z)), strconv.Itoa(int(tl.X)), strconv.Itoa(int(tl.Y))
	res, err := http.Get(base + "/tiles/basemap/" + z + "/" + x + "/" + y + ".mvt")
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("basemap tile %v: %d %v %s", tl, res.StatusCode, err, body)
	}
	file := filepath.Join(t.TempDir(), "tile.mvt")
	if err := os.WriteFile(file, body, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, filepath.Join(testkit.RepoRoot(t), "test/js/decode-tile.mjs"), z, x, y, file)
	cmd.Dir = testkit.RepoRoot(t)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("decode-tile.mjs: %v", err)
	}
	var d struct {
		Layers map[string]struct {
			Features []decodedFeature `json:"features"`
		} `json:"layers"`
	}
	if err := json.Unmarshal(out, &d); err != nil {
		t.Fatal(err)
	}
	layers := map[string][]decodedFeature{}
	for name, l := range d.Layers {
		layers[name] = l.Features
	}
	return layers
}

func tileHasName(fs []decodedFeature, name string) bool {
	for _, f := range fs {
		if f.Properties["name"] == name {
			return true
		}
	}
	return false
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestSetCannotBeCalledBasemap: "basemap" names the street basemap's
// tiles, so a boundary set of that name is refused, saying why.
func TestSetCannotBeCalledBasemap(t *testing.T) {
	data, dir := t.TempDir(), t.TempDir()
	code, _, errs := cli(t, "import", "set", write(t, dir, "wards.geojson", wardsOK), "--slug", "basemap", "--title", "Wards", "--data", data)
	if code != 1 || !strings.Contains(errs, `slug "basemap" is reserved for the street basemap`) {
		t.Errorf("import set --slug basemap: %d %q", code, errs)
	}
}
