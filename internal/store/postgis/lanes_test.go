package postgis_test

import (
	"context"
	"testing"

	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/postgis"
	"github.com/placemap/placemap/internal/testkit"
)

// TestTileReadsOwnPool: a map tile's reads (store.WithTileReads) take
// connections from the tiles' pool, every other read from the reads'.
func TestTileReadsOwnPool(t *testing.T) {
	st, err := postgis.Open(context.Background(), testkit.PostGISDatabaseURL(t), postgis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for _, tc := range []struct {
		name       string
		ctx        context.Context
		reads, tls int64
	}{
		{"an API read", context.Background(), 1, 0},
		{"a tile's read", store.WithTileReads(context.Background()), 0, 1},
	} {
		r0, t0 := postgis.Acquired(st)
		if _, err := st.Assets(tc.ctx, store.AssetQuery{NoCount: true}); err != nil {
			t.Fatal(err)
		}
		r1, t1 := postgis.Acquired(st)
		if r1-r0 != tc.reads || t1-t0 != tc.tls {
			t.Errorf("%s: %d from the reads' pool, %d from the tiles', want %d and %d", tc.name, r1-r0, t1-t0, tc.reads, tc.tls)
		}
	}
}
