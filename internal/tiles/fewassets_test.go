package tiles_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/tiles"
)

// slowCount is a crowd whose asset count is slow to read and counted.
type slowCount struct {
	crowd
	reads atomic.Int32
}

func (s *slowCount) AssetStats(context.Context) (store.AssetStats, error) {
	s.reads.Add(1)
	time.Sleep(50 * time.Millisecond)
	return store.AssetStats{Count: 1}, nil
}

// TestAssetCountReadOnce: asset tiles requested together on a fresh
// renderer read the store's asset count once between them, not once
// each (on a million assets each read took seconds).
func TestAssetCountReadOnce(t *testing.T) {
	src := &slowCount{}
	r := tiles.NewRenderer(src, 0)
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tile := maptile.At(orb.Point{-1.47 + 0.01*float64(i), 53.38}, tiles.ClusterMaxZoom)
			if _, err := r.Render(context.Background(), "assets", tile, tiles.GeoJSON); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := src.reads.Load(); n != 1 {
		t.Errorf("16 asset tiles read the asset count %d times, want 1", n)
	}
}
