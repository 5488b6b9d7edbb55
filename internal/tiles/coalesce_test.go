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

// slowCrowd counts and slows the asset reads of crowd.
type slowCrowd struct {
	crowd
	reads atomic.Int64
}

func (s *slowCrowd) Assets(ctx context.Context, q store.AssetQuery) (store.AssetPage, error) {
	s.reads.Add(1)
	time.Sleep(100 * time.Millisecond)
	q.Limit = 10
	return s.crowd.Assets(ctx, q)
}

// TestTileRenderCoalesced: fifty clients asking at once for the same
// uncached tile (the cache off) cause one render, and get the same bytes.
func TestTileRenderCoalesced(t *testing.T) {
	src := &slowCrowd{}
	r := tiles.NewRenderer(src, 0)
	tile := maptile.At(orb.Point{-1.47, 53.38}, 14)
	var wg sync.WaitGroup
	got := make([]string, 50)
	for i := range got {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			tl, err := r.Render(context.Background(), "assets", tile, tiles.MVT)
			if err != nil {
				t.Error(err)
			}
			got[i] = tl.ETag
		}(i)
	}
	wg.Wait()
	if n := src.reads.Load(); n != 1 {
		t.Errorf("50 concurrent requests for one tile read the store %d times, want 1", n)
	}
	for i := range got {
		if got[i] != got[0] || got[i] == "" {
			t.Fatalf("request %d got %q, want %q", i, got[i], got[0])
		}
	}
}
