package tiles_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb/maptile"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/tiles"
)

var updateGolden = flag.Bool("update", false, "rewrite testdata/demo_tiles.golden from this build")

// TestDemoTilesGolden holds the bytes of every demo set's MVT and GeoJSON
// tiles at z8-z16 (the tiles TestTilePolygonsAreValid checks) to
// testdata/demo_tiles.golden, a digest per set, zoom and format written
// before features were drawn in parallel: a faster render must give the
// same bytes, so the same ETags, as the serial one did. It renders them
// twice: reading the store, and from the sets' shapes kept in memory
// (KeepShapes), with the store's own reading of areas refused, so every
// tile of boundaries is drawn from the kept shapes.
func TestDemoTilesGolden(t *testing.T) {
	if testing.Short() {
		t.Skip("renders every demo tile")
	}
	ctx := context.Background()
	st := tiles.DemoStore(t)
	sets, tls := demoSetsAndTiles(t, st)
	t.Run("store", func(t *testing.T) { checkGolden(t, tiles.NewRenderer(st, 0), sets, tls) })
	t.Run("kept shapes", func(t *testing.T) {
		r := tiles.NewRenderer(noAreaReads{st}, 0)
		r.KeepShapes(ctx, st, 1<<30)
		for _, s := range sets {
			if kept, err := r.PrepareShapes(s.Slug); err != nil || !kept {
				t.Fatalf("shapes of %s: kept %v, %v", s.Slug, kept, err)
			}
		}
		checkGolden(t, r, sets, tls)
		if n, bytes, reads, _ := r.ShapeStats(); n != len(sets) || bytes <= 0 || reads != uint64(len(sets)) {
			t.Errorf("ShapeStats: %d sets, %d bytes, %d reads; want %d sets, %[4]d reads", n, bytes, reads, len(sets))
		}
	})
}

// noAreaReads is a store whose tiles may not read areas: a tile of
// boundaries must be drawn from kept shapes.
type noAreaReads struct{ *store.DB }

func (noAreaReads) EachAreaShape(context.Context, string, store.ShapeQuery, func(place.Area) error, func()) error {
	return errors.New("a tile read the store's areas")
}

// checkGolden renders the tiles of the sets with r and compares their
// digests with testdata/demo_tiles.golden (or rewrites it, with -update).
func checkGolden(t *testing.T, r *tiles.Renderer, sets []place.SetSummary, tls []maptile.Tile) {
	ctx := context.Background()
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
