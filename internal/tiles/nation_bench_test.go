package tiles_test

import (
	"context"
	"os"
	"strconv"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/placemap/placemap/internal/store/gpkg"
	"github.com/placemap/placemap/internal/tiles"
)

// BenchmarkRenderNation renders uncached tiles of the synthetic national
// set (bench/nation.sh imports it; PLACEMAP_NATION_DIR is its data
// directory) from shapes and assets kept in memory, as serve draws them:
// the tiles bench/tiles-nation.sh found slowest beside pg_tileserv (LSOAs
// at z8, assets at z12-z14), each op one tile of a 3×3 block in turn. It
// is skipped, saying so, without the data.
func BenchmarkRenderNation(b *testing.B) {
	dir := os.Getenv("PLACEMAP_NATION_DIR")
	if dir == "" {
		b.Skip("PLACEMAP_NATION_DIR is not set: no national data set (bench/nation.sh makes one)")
	}
	ctx := context.Background()
	st, err := gpkg.Open(ctx, dir)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	r := tiles.NewRenderer(st, 0)
	r.KeepShapes(ctx, st, 4<<30)
	for _, set := range []string{"lsoa-2011", tiles.AssetsLayer} {
		if ok, err := r.PrepareShapes(set); err != nil || !ok {
			b.Fatalf("PrepareShapes(%s): kept %v, %v", set, ok, err)
		}
	}
	_, bytes, _, _ := r.ShapeStats()
	b.Logf("kept: %d MiB by the estimate", bytes>>20)
	for _, c := range []struct {
		layer string
		zooms []maptile.Zoom
	}{{"lsoa-2011", []maptile.Zoom{8, 9}}, {tiles.AssetsLayer, []maptile.Zoom{12, 13, 14}}} {
		for _, z := range c.zooms {
			// A copy of Sheffield well inside the grid of copies.
			block := tiles.Around(orb.Point{1.5, 54.0}, z)
			b.Run(c.layer+"/z"+strconv.Itoa(int(z)), func(b *testing.B) {
				defer reportCPU(b)()
				for i := 0; i < b.N; i++ {
					if _, err := r.Render(ctx, c.layer, block[i%len(block)], tiles.MVT); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
