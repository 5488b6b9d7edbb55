package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/storetest"
)

// TestTileURLsPerLayer: a layer's TileJSON gives its tile URLs under its
// own version, kept for good (immutable) while that version is current.
// An asset written moves the assets' version, so their old URL is no
// longer immutable, and leaves the set's: its old URL stays immutable,
// the same tile, on both stores.
func TestTileURLsPerLayer(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		srv := writeServer(t, st)
		version := func(layer string) int64 { return tileURLVersion(t, srv.URL, layer) }
		tile := func(layer string, v int64) (string, bool) { return versionedTile(t, srv.URL, layer, v) }
		gridV, assetsV := version("grid"), version("assets")
		gridTag, gridImm := tile("grid", gridV)
		_, assetsImm := tile("assets", assetsV)
		if !gridImm || !assetsImm {
			t.Fatalf("tiles under their current versions: grid immutable %v, assets %v; want both", gridImm, assetsImm)
		}
		if code, _, body := do(t, srv.Client(), srv.URL, call{"POST", "/api/assets", feature("New Hall", ""), bearer("admin")}); code != http.StatusCreated {
			t.Fatalf("add asset: %d %s", code, body)
		}
		if v := version("grid"); v != gridV {
			t.Errorf("after an asset write the set's tiles are at version %d, want still %d", v, gridV)
		}
		if v := version("assets"); v <= assetsV {
			t.Errorf("after an asset write the asset tiles are at version %d, want newer than %d", v, assetsV)
		}
		if tag, imm := tile("grid", gridV); !imm || tag != gridTag {
			t.Errorf("after an asset write, the set's tile under its version: immutable %v, ETag %s; want immutable %s", imm, tag, gridTag)
		}
		if _, imm := tile("assets", assetsV); imm {
			t.Error("after an asset write, the asset tile under the old version is still immutable")
		}
	})
}

// tileURLVersion is the ?v= of a layer's tile URLs, from its TileJSON,
// which names the layer in them.
func tileURLVersion(t *testing.T, base, layer string) int64 {
	t.Helper()
	var tj struct{ Tiles []string }
	if err := json.Unmarshal(get(t, base+"/tiles/"+layer+".json").body, &tj); err != nil || len(tj.Tiles) != 1 {
		t.Fatalf("tilejson of %s: %v", layer, err)
	}
	u, v, _ := strings.Cut(tj.Tiles[0], "?v=")
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || u != base+"/tiles/"+layer+"/{z}/{x}/{y}.mvt" {
		t.Fatalf("tilejson of %s: tiles %q", layer, tj.Tiles[0])
	}
	return n
}

// versionedTile gets a tile of layer over the test grid under ?v=v: its
// ETag, and whether it may be kept for good.
func versionedTile(t *testing.T, base, layer string, v int64) (etag string, immutable bool) {
	t.Helper()
	tl := maptile.At(orb.Point{-1.45, 53.3}, 10)
	res := get(t, fmt.Sprintf("%s/tiles/%s/%d/%d/%d.mvt?v=%d", base, layer, tl.Z, tl.X, tl.Y, v))
	if res.status != http.StatusOK {
		t.Fatalf("tile of %s: %d", layer, res.status)
	}
	return res.header.Get("ETag"), strings.Contains(res.header.Get("Cache-Control"), "immutable")
}

// TestSeriesTileURLs: a series' TileJSON gives its tile URLs, under the
// series' name, a version of their own that an asset write leaves and a
// switch of the current release moves (to one never served before, so the
// old release's tile kept for good is never taken for the new one's).
func TestSeriesTileURLs(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		ctx := context.Background()
		for _, r := range []struct {
			slug    string
			current bool
		}{{"w1", false}, {"w2", true}} {
			set := place.BoundarySet{Slug: r.slug, Title: "Wards " + r.slug, Kind: place.Statutory}
			if _, err := st.ImportRelease(ctx, set, storetest.Grid(), place.Release{Series: "wards", Current: r.current}); err != nil {
				t.Fatal(err)
			}
		}
		srv := writeServer(t, st)
		v := tileURLVersion(t, srv.URL, "wards")
		tag, imm := versionedTile(t, srv.URL, "wards", v)
		if !imm {
			t.Fatalf("series tile under its TileJSON's version %d is not immutable", v)
		}
		if code, _, body := do(t, srv.Client(), srv.URL, call{"POST", "/api/assets", feature("New Hall", ""), bearer("admin")}); code != http.StatusCreated {
			t.Fatalf("add asset: %d %s", code, body)
		}
		if now := tileURLVersion(t, srv.URL, "wards"); now != v {
			t.Errorf("after an asset write the series' tiles are at version %d, want still %d", now, v)
		}
		if now, imm := versionedTile(t, srv.URL, "wards", v); !imm || now != tag {
			t.Errorf("after an asset write the series' tile: immutable %v, ETag %s; want immutable %s", imm, now, tag)
		}
		if err := st.SetCurrentRelease(ctx, "wards", "w1"); err != nil {
			t.Fatal(err)
		}
		if now := tileURLVersion(t, srv.URL, "wards"); now <= v {
			t.Errorf("after w1 made current the series' tiles are at version %d, want newer than %d", now, v)
		}
		if _, imm := versionedTile(t, srv.URL, "wards", v); imm {
			t.Error("after w1 made current, the series' tile under w2's version is still immutable")
		}
	})
}
