package tiles_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/placemap/placemap/internal/basemap"
	"github.com/placemap/placemap/internal/osm"
	"github.com/placemap/placemap/internal/store/gpkg"
	"github.com/placemap/placemap/internal/testkit"
	"github.com/placemap/placemap/internal/tiles"
)

// BenchmarkRenderBasemap renders street basemap tiles of Andorra la Vella
// (the basemap imported from geodata/osm/andorra-latest.osm.bz2) uncached,
// from a country's zoom to a street's; it reports each tile's size.
func BenchmarkRenderBasemap(b *testing.B) {
	ctx := context.Background()
	st, err := gpkg.Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	file := filepath.Join(testkit.RepoRoot(b), "geodata/osm/andorra-latest.osm.bz2")
	if _, err := basemap.Import(ctx, st, osm.File(file), "andorra-latest.osm.bz2", basemap.Options{}); err != nil {
		b.Fatal(err)
	}
	r := tiles.NewRenderer(st, 0)
	centre := orb.Point{1.5218, 42.5063}
	for _, z := range []maptile.Zoom{8, 11, 13, 14, 16} {
		t := maptile.At(centre, z)
		b.Run(fmt.Sprintf("z%02d", z), func(b *testing.B) {
			var size int
			for i := 0; i < b.N; i++ {
				tile, err := r.RenderBasemap(ctx, st, t)
				if err != nil {
					b.Fatal(err)
				}
				size = len(tile.Data)
			}
			b.ReportMetric(float64(size), "bytes/tile")
		})
	}
}
