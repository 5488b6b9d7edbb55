package tiles_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/tiles"
)

// laneCrowd records whether crowd's asset reads came as a map tile's.
type laneCrowd struct {
	crowd
	tileReads, otherReads atomic.Int64
}

func (s *laneCrowd) Assets(ctx context.Context, q store.AssetQuery) (store.AssetPage, error) {
	if store.TileReads(ctx) {
		s.tileReads.Add(1)
	} else {
		s.otherReads.Add(1)
	}
	return s.crowd.Assets(ctx, q)
}

// TestTileReadsMarked: a tile's reads of the store carry
// store.WithTileReads, so a store may serve them on connections of their
// own.
func TestTileReadsMarked(t *testing.T) {
	src := &laneCrowd{}
	r := tiles.NewRenderer(src, 0)
	if _, err := r.Render(context.Background(), "assets", maptile.At(orb.Point{-1.47, 53.38}, 14), tiles.MVT); err != nil {
		t.Fatal(err)
	}
	if src.tileReads.Load() == 0 || src.otherReads.Load() != 0 {
		t.Errorf("asset reads: %d as a tile's, %d not, want all a tile's", src.tileReads.Load(), src.otherReads.Load())
	}
}
