package tiles_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/placemap/placemap/internal/demo"
	"github.com/placemap/placemap/internal/store/gpkg"
	"github.com/placemap/placemap/internal/tiles"
)

// BenchmarkRender renders Output Area and asset tiles of the Sheffield demo
// uncached, at a low, middle and high zoom.
func BenchmarkRender(b *testing.B) {
	ctx := context.Background()
	st, err := gpkg.Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if err := demo.Load(ctx, st, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		b.Fatal(err)
	}
	r := tiles.NewRenderer(st, 0)
	centre := orb.Point{-1.47, 53.38}
	for _, layer := range []string{"oa-2011", "lsoa-2011", "assets"} {
		for _, z := range []maptile.Zoom{10, 13, 16} {
			t := maptile.At(centre, z)
			b.Run(layer+"/z"+string(rune('0'+z/10))+string(rune('0'+z%10)), func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					if _, err := r.Render(ctx, layer, t, tiles.MVT); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
