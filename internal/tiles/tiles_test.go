package tiles_test

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/gpkg"
	"github.com/placemap/placemap/internal/store/storetest"
	"github.com/placemap/placemap/internal/testkit"
	"github.com/placemap/placemap/internal/tiles"
)

// fixture is a store with a 2×2 grid set "grid" and two assets.
func fixture(t *testing.T) *store.DB {
	t.Helper()
	ctx := context.Background()
	st, err := gpkg.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	areas := storetest.Grid()
	if _, err := st.ImportSet(ctx, place.BoundarySet{Slug: "grid", Title: "Grid", Kind: place.Statistical, Attribution: "Grid makers"}, areas); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddAssets(ctx, []place.Asset{
		{ID: "lib", Name: "Broomhill Library", Category: "library", Status: place.Open, Geometry: orb.Point{-1.4375, 53.3125}, Attribution: "DCMS"},
		{ID: "hall", Name: "Heeley Hall", Category: "community_hall", Status: place.AtRisk, Geometry: orb.Point{-1.3125, 53.4375}, Attribution: "DCMS"},
	}); err != nil {
		t.Fatal(err)
	}
	return st
}

// covering returns the deepest tile (z ≤ 12) that holds all of b.
func covering(b orb.Bound) maptile.Tile {
	for z := maptile.Zoom(12); ; z-- {
		t := maptile.At(b.Center(), z)
		tb := t.Bound()
		if tb.Contains(b.Min) && tb.Contains(b.Max) {
			return t
		}
	}
}

func TestCoord(t *testing.T) {
	for _, tc := range []struct {
		z, x, y string
		ok      bool
	}{
		{"0", "0", "0", true},
		{"10", "1023", "1023", true},
		{"22", "0", "4194303", true},
		{"10", "1024", "0", false},
		{"10", "0", "1024", false},
		{"23", "0", "0", false},
		{"-1", "0", "0", false},
		{"a", "0", "0", false},
		{"3", "-1", "0", false},
		{"3", "1.5", "0", false},
		{"", "0", "0", false},
	} {
		_, err := tiles.Coord(tc.z, tc.x, tc.y)
		if (err == nil) != tc.ok {
			t.Errorf("Coord(%s,%s,%s) error = %v, want ok=%v", tc.z, tc.x, tc.y, err, tc.ok)
		}
		if err != nil && place.ErrorCode(err) != place.EINVALID {
			t.Errorf("Coord(%s,%s,%s) code = %s, want invalid", tc.z, tc.x, tc.y, place.ErrorCode(err))
		}
	}
}

// TestMVTDecodesWithMapboxVectorTile decodes placemap's tiles with
// @mapbox/vector-tile under node, the reader MapLibre itself uses.
func TestMVTDecodesWithMapboxVectorTile(t *testing.T) {
	node := testkit.Need(t, "node", "nodejs")
	testkit.NeedNodeModules(t, "@mapbox/vector-tile")
	st := fixture(t)
	r := tiles.NewRenderer(st, 1<<20)
	ctx := context.Background()
	tile := covering(orb.Bound{Min: orb.Point{-1.5, 53.25}, Max: orb.Point{-1.25, 53.5}})

	type decoded struct {
		Layers map[string]struct {
			Version  int `json:"version"`
			Extent   int `json:"extent"`
			Features []struct {
				ID         uint64         `json:"id"`
				Type       string         `json:"type"`
				Properties map[string]any `json:"properties"`
				Geometry   struct {
					Coordinates json.RawMessage `json:"coordinates"`
				} `json:"geometry"`
			} `json:"features"`
		} `json:"layers"`
	}
	decode := func(layer string, tl maptile.Tile) decoded {
		t.Helper()
		got, err := r.Render(ctx, layer, tl, tiles.MVT)
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(t.TempDir(), layer+".mvt")
		if err := os.WriteFile(file, got.Data, 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(node, filepath.Join(testkit.RepoRoot(t), "test/js/decode-tile.mjs"),
			strconv.Itoa(int(tl.Z)), strconv.Itoa(int(tl.X)), strconv.Itoa(int(tl.Y)), file)
		cmd.Dir = testkit.RepoRoot(t)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("decode-tile.mjs: %v\n%s", err, stderr.String())
		}
		var d decoded
		if err := json.Unmarshal(out, &d); err != nil {
			t.Fatalf("decode output: %v\n%s", err, out)
		}
		return d
	}

	d := decode("grid", tile)
	l, ok := d.Layers["grid"]
	if !ok || len(d.Layers) != 1 {
		t.Fatalf("layers = %v, want just grid", d.Layers)
	}
	if l.Version != 2 || l.Extent != tiles.Extent {
		t.Errorf("layer version %d extent %d", l.Version, l.Extent)
	}
	var codes []string
	ids := map[uint64]bool{}
	for _, f := range l.Features {
		if f.Type != "Polygon" && f.Type != "MultiPolygon" {
			t.Errorf("feature %v type %s", f.Properties, f.Type)
		}
		if f.Properties["set"] != "grid" || f.Properties["name"] != "Area "+f.Properties["code"].(string) {
			t.Errorf("feature properties %v", f.Properties)
		}
		if f.ID == 0 || ids[f.ID] {
			t.Errorf("feature id %d missing or repeated", f.ID)
		}
		ids[f.ID] = true
		codes = append(codes, f.Properties["code"].(string))
	}
	sort.Strings(codes)
	if len(codes) != 4 || codes[0] != "A1" || codes[3] != "B2" {
		t.Errorf("codes = %v, want A1 A2 B1 B2", codes)
	}
	// Feature ids are the stable area ids the store holds.
	a, err := st.Area(ctx, "grid", "A1")
	if err != nil {
		t.Fatal(err)
	}
	if !ids[uint64(a.ID)] {
		t.Errorf("area A1's id %d is not a feature id %v", a.ID, ids)
	}

	d = decode("assets", tile)
	al := d.Layers["assets"]
	if len(al.Features) != 2 {
		t.Fatalf("assets layer has %d features, want 2", len(al.Features))
	}
	// The decoded point lies within one tile unit of the asset.
	unit := (tile.Bound().Max[0] - tile.Bound().Min[0]) / tiles.Extent
	for _, f := range al.Features {
		var p [2]float64
		if err := json.Unmarshal(f.Geometry.Coordinates, &p); err != nil || f.Type != "Point" {
			t.Fatalf("asset geometry %s %s: %v", f.Type, f.Geometry.Coordinates, err)
		}
		want := map[string][2]float64{"lib": {-1.4375, 53.3125}, "hall": {-1.3125, 53.4375}}[f.Properties["id"].(string)]
		if math.Abs(p[0]-want[0]) > unit || math.Abs(p[1]-want[1]) > unit {
			t.Errorf("asset %v at %v, want %v", f.Properties["id"], p, want)
		}
		if f.Properties["category"] == nil || f.Properties["status"] == nil || f.Properties["name"] == nil {
			t.Errorf("asset properties %v", f.Properties)
		}
	}

	// A deep tile over A1's interior holds A1 clipped to the tile's buffer.
	deep := maptile.At(orb.Point{-1.4375, 53.3125}, 14)
	d = decode("grid", deep)
	if fs := d.Layers["grid"].Features; len(fs) != 1 || fs[0].Properties["code"] != "A1" {
		t.Errorf("deep tile features = %v", fs)
	}
}

func TestRenderCacheFollowsWrites(t *testing.T) {
	st := fixture(t)
	ctx := context.Background()
	r := tiles.NewRenderer(st, 1<<20)
	tile := covering(orb.Bound{Min: orb.Point{-1.5, 53.25}, Max: orb.Point{-1.25, 53.5}})
	first, err := r.Render(ctx, "assets", tile, tiles.MVT)
	if err != nil {
		t.Fatal(err)
	}
	again, err := r.Render(ctx, "assets", tile, tiles.MVT)
	if err != nil {
		t.Fatal(err)
	}
	if first.ETag != again.ETag || first.ETag == "" {
		t.Errorf("etags %s, %s: want equal and set", first.ETag, again.ETag)
	}
	if _, err := st.AddAssets(ctx, []place.Asset{{ID: "new", Name: "New Hub", Category: "family_hub", Status: place.Proposed, Geometry: orb.Point{-1.44, 53.31}}}); err != nil {
		t.Fatal(err)
	}
	after, err := r.Render(ctx, "assets", tile, tiles.MVT)
	if err != nil {
		t.Fatal(err)
	}
	if after.ETag == first.ETag {
		t.Fatal("tile unchanged after a write")
	}
	layers, err := mvt.Unmarshal(after.Data)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(layers[0].Features); n != 3 {
		t.Errorf("after the write the tile has %d assets, want 3", n)
	}
}

func TestRenderErrorsAndGeoJSON(t *testing.T) {
	st := fixture(t)
	ctx := context.Background()
	r := tiles.NewRenderer(st, 0)
	if _, err := r.Render(ctx, "nope", maptile.New(0, 0, 0), tiles.MVT); place.ErrorCode(err) != place.ENOTFOUND {
		t.Errorf("unknown layer: %v, want not found", err)
	}
	if _, err := r.Describe(ctx, "nope", "http://x/tiles"); place.ErrorCode(err) != place.ENOTFOUND {
		t.Errorf("unknown layer TileJSON: %v, want not found", err)
	}
	// An empty tile far away is valid and empty, not an error.
	empty, err := r.Render(ctx, "grid", maptile.New(0, 0, 10), tiles.MVT)
	if err != nil {
		t.Fatal(err)
	}
	if layers, err := mvt.Unmarshal(empty.Data); err != nil || (len(layers) > 0 && len(layers[0].Features) > 0) {
		t.Errorf("far tile: %v, %v", layers, err)
	}
	gj, err := r.Render(ctx, "grid", maptile.At(orb.Point{-1.4375, 53.3125}, 14), tiles.GeoJSON)
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Features []struct {
			ID         any            `json:"id"`
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(gj.Data, &fc); err != nil {
		t.Fatal(err)
	}
	if len(fc.Features) != 1 || fc.Features[0].Properties["code"] != "A1" || fc.Features[0].ID == nil {
		t.Errorf("geojson tile = %s", gj.Data)
	}
	tj, err := r.Describe(ctx, "grid", "http://example.org/tiles")
	if err != nil {
		t.Fatal(err)
	}
	// The set's version: its import, the first write; the asset write
	// after it leaves the set's tiles as they were.
	if tj.TileJSON != "3.0.0" || tj.Tiles[0] != "http://example.org/tiles/grid/{z}/{x}/{y}.mvt?v=1" ||
		tj.VectorLayers[0].ID != "grid" || tj.Attribution != "Grid makers" || len(tj.Bounds) != 4 || tj.Bounds[0] != -1.5 {
		t.Errorf("tilejson = %+v", tj)
	}
	tj, err = r.Describe(ctx, "assets", "http://example.org/tiles")
	if err != nil {
		t.Fatal(err)
	}
	if tj.VectorLayers[0].ID != "assets" || tj.Attribution != "DCMS" || len(tj.Bounds) != 4 ||
		tj.Tiles[0] != "http://example.org/tiles/assets/{z}/{x}/{y}.mvt?v=2" {
		t.Errorf("assets tilejson = %+v", tj)
	}
}
