package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/placemap/placemap/internal/store"
)

// TestTileURLsPerLayer: a layer's TileJSON gives its tile URLs under its
// own version, kept for good (immutable) while that version is current.
// An asset written moves the assets' version, so their old URL is no
// longer immutable, and leaves the set's: its old URL stays immutable,
// the same tile, on both stores.
func TestTileURLsPerLayer(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		srv := writeServer(t, st)
		tl := maptile.At(orb.Point{-1.45, 53.3}, 10)
		at := fmt.Sprintf("/%d/%d/%d.mvt", tl.Z, tl.X, tl.Y)
		// version is the ?v= of a layer's tile URLs, from its TileJSON.
		version := func(layer string) int64 {
			var tj struct{ Tiles []string }
			if err := json.Unmarshal(get(t, srv.URL+"/tiles/"+layer+".json").body, &tj); err != nil || len(tj.Tiles) != 1 {
				t.Fatalf("tilejson of %s: %v", layer, err)
			}
			_, v, _ := strings.Cut(tj.Tiles[0], "?v=")
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				t.Fatalf("tilejson of %s: tiles %q", layer, tj.Tiles[0])
			}
			return n
		}
		tile := func(layer string, v int64) (etag string, immutable bool) {
			res := get(t, srv.URL+"/tiles/"+layer+at+"?v="+strconv.FormatInt(v, 10))
			if res.status != http.StatusOK {
				t.Fatalf("tile of %s: %d", layer, res.status)
			}
			return res.header.Get("ETag"), strings.Contains(res.header.Get("Cache-Control"), "immutable")
		}
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
