package atlas

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/placemap/placemap/internal/demo"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/pmtiles"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/gpkg"
	"github.com/placemap/placemap/internal/store/postgis"
	"github.com/placemap/placemap/internal/testkit"
	"github.com/placemap/placemap/internal/tiles"
)

var testSets = []string{"wards-2019", "community-neighbourhoods"}

const testMaxZoom = 12

var (
	demoOnce sync.Once
	demoDB   *store.DB
	demoDir  string // the atlas written from it
	demoErr  error
)

// demoAtlas is the demo store and the atlas of testSets written from it,
// made once for the package's tests.
func demoAtlas(t *testing.T) (*store.DB, string) {
	t.Helper()
	demoOnce.Do(func() {
		ctx := context.Background()
		base, err := os.MkdirTemp("", "atlas-test-")
		if err != nil {
			demoErr = err
			return
		}
		if demoDB, demoErr = gpkg.Open(ctx, filepath.Join(base, "data")); demoErr != nil {
			return
		}
		if demoErr = demo.Load(ctx, demoDB, slog.New(slog.NewTextHandler(io.Discard, nil))); demoErr != nil {
			return
		}
		demoDir = filepath.Join(base, "site")
		_, demoErr = Write(ctx, demoDB, demoDir, Options{Sets: testSets, MaxZoom: testMaxZoom})
	})
	if demoErr != nil {
		t.Fatal(demoErr)
	}
	return demoDB, demoDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if demoDB != nil {
		demoDB.Close()
		os.RemoveAll(filepath.Dir(demoDir))
	}
	os.Exit(code)
}

func TestSiteFiles(t *testing.T) {
	_, dir := demoAtlas(t)
	for _, name := range []string{"index.html", "atlas.js", "atlas.css", "style.json", "about.html", TilesFile,
		"vendor/maplibre-gl/maplibre-gl.js", "vendor/maplibre-gl/maplibre-gl.css", "vendor/pmtiles/pmtiles.js",
		"vendor/pmtiles/LICENSE.txt", "fonts/DejaVu Sans Book/0-255.pbf", "fonts/DejaVu Sans Bold/0-255.pbf",
		"data/assets.geojson", "data/assets.csv", "data/wards-2019.geojson", "data/wards-2019.csv",
		"data/community-neighbourhoods.geojson", "data/community-neighbourhoods.csv", "data/oruk.json"} {
		if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: missing or empty (%v)", name, err)
		}
	}
	about, _ := os.ReadFile(filepath.Join(dir, "about.html"))
	for _, want := range []string{"Office for National Statistics", "Open Government Licence", "data/wards-2019.csv", "Libraries Hacked"} {
		if !bytes.Contains(about, []byte(want)) {
			t.Errorf("about.html does not say %q", want)
		}
	}
	// Relative URLs only: nothing names a host.
	for _, name := range []string{"index.html", "style.json", "about.html", "atlas.js"} {
		b, _ := os.ReadFile(filepath.Join(dir, name))
		if bytes.Contains(b, []byte("http://127.")) || bytes.Contains(b, []byte("://localhost")) {
			t.Errorf("%s names a host", name)
		}
	}
	var fc struct{ Features []any }
	b, _ := os.ReadFile(filepath.Join(dir, "data/wards-2019.geojson"))
	if err := json.Unmarshal(b, &fc); err != nil || len(fc.Features) != 28 {
		t.Errorf("wards-2019.geojson: %d features, %v; want 28", len(fc.Features), err)
	}
}

// Every tile of the archive is, layer by layer, the live renderer's tile
// of that layer at the same z/x/y, byte for byte (labels renamed); and
// every live tile with features over the data is in the archive.
func TestTilesAreTheLiveTiles(t *testing.T) {
	st, dir := demoAtlas(t)
	sameAsLive(t, st, dir)
}

// On PostGIS too: the atlas written from the demo in PostGIS holds that
// store's live tiles.
func TestTilesAreTheLiveTilesPostGIS(t *testing.T) {
	ctx := context.Background()
	st, err := postgis.Open(ctx, testkit.PostGISDatabaseURL(t), postgis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := demo.Load(ctx, st, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := Write(ctx, st, dir, Options{Sets: testSets, MaxZoom: testMaxZoom}); err != nil {
		t.Fatal(err)
	}
	sameAsLive(t, st, dir)
}

// sameAsLive compares the archive in dir with st's live renderer, tile by
// tile, at several zooms.
func sameAsLive(t *testing.T, st *store.DB, dir string) {
	t.Helper()
	ctx := context.Background()
	rd := openArchive(t, dir)
	h := rd.Header
	if h.MinZoom != 0 || h.MaxZoom != testMaxZoom || h.TileType != pmtiles.TileTypeMVT || h.TileCompression != pmtiles.CompressionGzip {
		t.Fatalf("header %+v", h)
	}
	live := tiles.NewRenderer(st, 0)
	layers, err := chooseLayers(ctx, st, testSets)
	if err != nil {
		t.Fatal(err)
	}
	count, withSets := 0, 0
	for _, z := range []maptile.Zoom{0, 4, 8, 10, 11, 12} {
		lo, hi := tileRange(layers[0].bound.Union(layers[1].bound).Union(layers[2].bound), z)
		for x := lo[0]; x <= hi[0]; x++ {
			for y := lo[1]; y <= hi[1]; y++ {
				got, err := rd.Tile(uint8(z), x, y)
				if err != nil {
					t.Fatal(err)
				}
				want := liveLayers(t, live, layers, maptile.New(x, y, z))
				if g := layerBytes(got); fmt.Sprint(g) != fmt.Sprint(want) {
					t.Errorf("tile %d/%d/%d: layers %v, live %v (or their bytes differ)", z, x, y, keys(g), keys(want))
				}
				if got != nil {
					count++
					if _, ok := want["wards-2019"]; ok {
						withSets++
					}
					checkDecodes(t, got, z, x, y)
				}
			}
		}
	}
	if count == 0 || withSets == 0 {
		t.Fatalf("compared %d tiles, %d with wards: want some of each", count, withSets)
	}
}

// liveLayers is what the live server sends for each layer at t (the
// labels renamed as the atlas names them), by layer name, with features.
func liveLayers(t *testing.T, r *tiles.Renderer, layers []layer, tl maptile.Tile) map[string]string {
	out := map[string]string{}
	for _, l := range layers {
		tile, err := r.Render(context.Background(), l.name, tl, tiles.MVT)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range layerBytes(tile.Data) {
			if hasFeatures(tile.Data) {
				out[k] = v
			}
		}
		if l.set != nil {
			lt, err := r.RenderLabels(context.Background(), l.name, l.name, tl)
			if err != nil {
				t.Fatal(err)
			}
			if hasFeatures(lt.Data) {
				for k, v := range layerBytes(renameLayers(lt.Data, LabelsLayer(l.name))) {
					out[k] = v
				}
			}
		}
	}
	return out
}

// layerBytes splits a tile into its layers' encoded bytes, by name.
func layerBytes(tile []byte) map[string]string {
	out := map[string]string{}
	eachField(tile, func(num protowire.Number, v []byte) {
		if num != 3 {
			return
		}
		eachField(v, func(n protowire.Number, name []byte) {
			if n == 1 {
				out[string(name)] = hex.EncodeToString(v)
			}
		})
	})
	return out
}

func keys(m map[string]string) []string {
	var k []string
	for n := range m {
		k = append(k, n)
	}
	return k
}

// checkDecodes decodes the tile as MVT (orb's reader) and checks each
// layer has features with geometry.
func checkDecodes(t *testing.T, tile []byte, z maptile.Zoom, x, y uint32) {
	t.Helper()
	ls, err := mvt.Unmarshal(tile)
	if err != nil {
		t.Fatalf("tile %d/%d/%d: %v", z, x, y, err)
	}
	for _, l := range ls {
		if len(l.Features) == 0 {
			t.Errorf("tile %d/%d/%d layer %s: no features", z, x, y, l.Name)
		}
		for _, f := range l.Features {
			if f.Geometry == nil {
				t.Errorf("tile %d/%d/%d layer %s: a feature with no geometry", z, x, y, l.Name)
			}
		}
	}
}

func openArchive(t *testing.T, dir string) *pmtiles.Reader {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, TilesFile))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	rd, err := pmtiles.Open(f)
	if err != nil {
		t.Fatal(err)
	}
	return rd
}

func TestUnknownSet(t *testing.T) {
	st, _ := demoAtlas(t)
	_, err := Write(context.Background(), st, t.TempDir(), Options{Sets: []string{"no-such-set"}, MaxZoom: 3})
	if place.ErrorCode(err) != place.ENOTFOUND || !strings.Contains(err.Error(), "no-such-set") {
		t.Errorf("err = %v, want ENOTFOUND naming the set", err)
	}
	_, err = Write(context.Background(), st, t.TempDir(), Options{MinZoom: 5, MaxZoom: 3})
	if place.ErrorCode(err) != place.EINVALID {
		t.Errorf("min zoom over max: err = %v, want EINVALID", err)
	}
}

// Protomaps' go-pmtiles reads the archive: header, metadata, and every
// tile the same bytes as the live renderer's layers end to end
// (test/pmtilesread, its own module).
func TestReadByGoPMTiles(t *testing.T) {
	st, dir := demoAtlas(t)
	goBin := testkit.Need(t, "go", "golang")
	want := expectation(t, st, dir)
	file := filepath.Join(t.TempDir(), "expect.json")
	b, _ := json.Marshal(want)
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
	mod := filepath.Join(testkit.RepoRoot(t), "test", "pmtilesread")
	dl := exec.Command(goBin, "mod", "download")
	dl.Dir = mod
	if out, err := dl.CombinedOutput(); err != nil {
		if testkit.InCI() {
			t.Fatalf("go mod download in test/pmtilesread: %v\n%s", err, out)
		}
		t.Skipf("SKIP: github.com/protomaps/go-pmtiles cannot be resolved here (%v); CI=1 makes this a failure", err)
	}
	cmd := exec.Command(goBin, "run", ".", filepath.Join(dir, TilesFile), file)
	cmd.Dir = mod
	out, err := cmd.CombinedOutput()
	t.Logf("go-pmtiles: %s", out)
	if err != nil || !bytes.HasPrefix(out, []byte("ok: ")) {
		t.Fatalf("go-pmtiles check failed: %v", err)
	}
}

// expectation is what test/pmtilesread checks: the header fields, the
// metadata's layers, and the hash of every tile, made from the live
// renderer (not from the archive).
func expectation(t *testing.T, st *store.DB, dir string) map[string]any {
	ctx := context.Background()
	layers, err := chooseLayers(ctx, st, testSets)
	if err != nil {
		t.Fatal(err)
	}
	r := tiles.NewRenderer(st, 0)
	hashes := map[string]string{}
	all := layers[0].bound.Union(layers[1].bound).Union(layers[2].bound)
	for z := maptile.Zoom(0); z <= testMaxZoom; z++ {
		lo, hi := tileRange(all, z)
		for x := lo[0]; x <= hi[0]; x++ {
			for y := lo[1]; y <= hi[1]; y++ {
				data, err := renderAll(ctx, r, layers, maptile.New(x, y, z))
				if err != nil {
					t.Fatal(err)
				}
				if len(data) > 0 {
					sum := sha256.Sum256(data)
					hashes[fmt.Sprintf("%d/%d/%d", z, x, y)] = hex.EncodeToString(sum[:])
				}
			}
		}
	}
	var ids, credits []string
	for _, l := range layers {
		if l.credit != "" && !slices.Contains(credits, l.credit) {
			credits = append(credits, l.credit)
		}
		ids = append(ids, l.name)
		if l.set != nil {
			ids = append(ids, LabelsLayer(l.name))
		}
	}
	e7 := func(v float64) int32 { return int32(v*1e7 + 0.5*sign(v)) }
	return map[string]any{"MinZoom": 0, "MaxZoom": testMaxZoom, "VectorLayers": ids, "Attribution": strings.Join(credits, "; "),
		"Bounds": []int32{e7(all.Min[0]), e7(all.Min[1]), e7(all.Max[0]), e7(all.Max[1])}, "Tiles": hashes}
}

func sign(v float64) float64 {
	if v < 0 {
		return -1
	}
	return 1
}

func TestRenameLayers(t *testing.T) {
	l := &mvt.Layer{Name: "labels", Version: 2, Extent: 4096}
	b, err := mvt.Marshal(mvt.Layers{l})
	if err != nil {
		t.Fatal(err)
	}
	if hasFeatures(b) {
		t.Error("hasFeatures: a layer with no features")
	}
	got, err := mvt.Unmarshal(renameLayers(b, "labels:x"))
	if err != nil || len(got) != 1 || got[0].Name != "labels:x" || got[0].Extent != 4096 {
		t.Errorf("renamed: %+v, %v", got, err)
	}
}
