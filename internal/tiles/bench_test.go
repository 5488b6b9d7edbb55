package tiles_test

import (
	"context"
	"io"
	"log/slog"
	"syscall"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/placemap/placemap/internal/demo"
	"github.com/placemap/placemap/internal/store/gpkg"
	"github.com/placemap/placemap/internal/tiles"
)

// reportCPU reports the process's CPU time per op (cpu-ns/op, all threads,
// the garbage collector's too) when the returned func runs: unlike ns/op
// it hardly moves when other work shares the machine.
func reportCPU(b *testing.B) func() {
	c0 := cpuTime()
	return func() { b.ReportMetric(float64(cpuTime()-c0)/float64(b.N), "cpu-ns/op") }
}

func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// BenchmarkRender renders Output Area and asset tiles of the Sheffield demo
// uncached, at a low, middle and high zoom, and an empty tile.
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
				defer reportCPU(b)()
				for i := 0; i < b.N; i++ {
					if _, err := r.Render(ctx, layer, t, tiles.MVT); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
	// A tile beyond the data (off Sheffield, at sea): empty, as many are
	// at the edges of a map.
	sea := maptile.At(orb.Point{1.5, 53.38}, 16)
	b.Run("oa-2011/empty", func(b *testing.B) {
		defer reportCPU(b)()
		for i := 0; i < b.N; i++ {
			if _, err := r.Render(ctx, "oa-2011", sea, tiles.MVT); err != nil {
				b.Fatal(err)
			}
		}
	})
}
