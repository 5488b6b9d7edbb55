package tiles_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/placemap/placemap/internal/tiles"
)

// TestGzipBothLevels: a tile's gzipped bytes unzip to its bytes, from a
// renderer that caches (gzipped well, once) and one that does not
// (gzipped quickly, per response), and are smaller.
func TestGzipBothLevels(t *testing.T) {
	ctx := context.Background()
	st := demoStore(t)
	for _, c := range []struct {
		name  string
		cache int64
	}{{"cached", 1 << 20}, {"uncached", 0}} {
		r := tiles.NewRenderer(st, c.cache)
		for _, z := range []maptile.Zoom{10, 12} {
			tile, err := r.Render(ctx, "oa-2011", maptile.At(orb.Point{-1.47, 53.38}, z), tiles.MVT)
			if err != nil {
				t.Fatal(err)
			}
			if len(tile.Gzip) == 0 || len(tile.Gzip) >= len(tile.Data) {
				t.Fatalf("%s z%d: %d bytes gzipped of %d", c.name, z, len(tile.Gzip), len(tile.Data))
			}
			zr, err := gzip.NewReader(bytes.NewReader(tile.Gzip))
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(zr)
			if err != nil || !bytes.Equal(got, tile.Data) {
				t.Errorf("%s z%d: unzipped %d bytes (%v), want the tile's %d", c.name, z, len(got), err, len(tile.Data))
			}
		}
	}
}
