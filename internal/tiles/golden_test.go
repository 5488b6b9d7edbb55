package tiles_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb/maptile"

	"github.com/placemap/placemap/internal/tiles"
)

var updateGolden = flag.Bool("update", false, "rewrite testdata/demo_tiles.golden from this build")

// TestDemoTilesGolden holds the bytes of every demo set's MVT and GeoJSON
// tiles at z8-z16 (the tiles TestTilePolygonsAreValid checks) to
// testdata/demo_tiles.golden, a digest per set, zoom and format written
// before features were drawn in parallel: a faster render must give the
// same bytes, so the same ETags, as the serial one did.
func TestDemoTilesGolden(t *testing.T) {
	if testing.Short() {
		t.Skip("renders every demo tile")
	}
	ctx := context.Background()
	st := tiles.DemoStore(t)
	sets, tls := demoSetsAndTiles(t, st)
	r := tiles.NewRenderer(st, 0)
	var got strings.Builder
	for _, s := range sets {
		for _, f := range []tiles.Format{tiles.MVT, tiles.GeoJSON} {
			for z := maptile.Zoom(8); z <= 16; z++ {
				h, n, size := sha256.New(), 0, 0
				for _, tl := range tls {
					if tl.Z != z {
						continue
					}
					tile, err := r.Render(ctx, s.Slug, tl, f)
					if err != nil {
						t.Fatalf("%s/%d/%d/%d.%s: %v", s.Slug, tl.Z, tl.X, tl.Y, f, err)
					}
					fmt.Fprintf(h, "%d/%d/%d %d\n", tl.Z, tl.X, tl.Y, len(tile.Data))
					h.Write(tile.Data)
					n, size = n+1, size+len(tile.Data)
				}
				fmt.Fprintf(&got, "%s z%d %s: %d tiles, %d bytes, %s\n", s.Slug, z, f, n, size, hex.EncodeToString(h.Sum(nil)[:16]))
			}
		}
	}
	golden := filepath.Join("testdata", "demo_tiles.golden")
	if *updateGolden {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(got.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	wl, gl := strings.Split(string(want), "\n"), strings.Split(got.String(), "\n")
	for i := range max(len(wl), len(gl)) {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			t.Errorf("tiles differ from %s:\nwant %s\n got %s", golden, w, g)
		}
	}
}
