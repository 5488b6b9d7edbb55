package gpkg

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/demo"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/storetest"
)

// demoCopy loads the demo into a new GeoPackage.
func demoCopy(b *testing.B) *store.DB {
	b.Helper()
	ctx := context.Background()
	st, err := Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	if err := demo.Load(ctx, st, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		b.Fatal(err)
	}
	return st
}

// BenchmarkPlaceAssets adds assets one import at a time of 1,000 points
// spread over Sheffield: each is placed in every one of the demo's 11 sets,
// its memberships and revision written. ns/op is per asset.
func BenchmarkPlaceAssets(b *testing.B) {
	st := demoCopy(b)
	defer st.Close()
	ctx := context.Background()
	batch := make([]place.Asset, 1000)
	n := 0
	b.ResetTimer()
	for i := 0; i < b.N; i += len(batch) {
		for k := range batch {
			n++
			batch[k] = place.Asset{ID: fmt.Sprintf("b%d", n), Name: "Bench", Category: "library", Status: place.Open,
				Geometry: orb.Point{-1.75 + 0.4*float64(n%997)/997, 53.32 + 0.16*float64(n%991)/991}}
		}
		if _, err := st.AddAssets(ctx, batch[:min(len(batch), b.N-i)]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSearch: /api/search's store work and ranking on the demo.
func BenchmarkSearch(b *testing.B) {
	st := demoCopy(b)
	defer st.Close()
	storetest.BenchSearch(b, st)
}

// BenchmarkWriteAssets: an editor's writes of one asset, and an import's,
// on the demo (storetest.BenchWriteAssets).
func BenchmarkWriteAssets(b *testing.B) {
	st := demoCopy(b)
	defer st.Close()
	storetest.BenchWriteAssets(b, st)
}

// BenchmarkWriteAssetsNoSets: the same on an empty store, no set to place
// an asset in: the asset's own rows (the asset, its revision, its cells)
// only.
func BenchmarkWriteAssetsNoSets(b *testing.B) {
	st, err := Open(context.Background(), b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	storetest.BenchWriteAssets(b, st)
}

// BenchmarkAddAssetParallel: what the load test's writes are, 64 writers
// at once each adding one asset at a time over Sheffield (each placed in
// every one of the demo's 11 sets), sharing transactions through the
// store's queue. ns/op is per asset, so the inverse of the writes/s the
// queue sustains.
func BenchmarkAddAssetParallel(b *testing.B) {
	st := demoCopy(b)
	defer st.Close()
	ctx := context.Background()
	var n atomic.Int64
	b.SetParallelism(32) // × GOMAXPROCS writers
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			k := n.Add(1)
			a := place.Asset{ID: fmt.Sprintf("p%d", k), Name: "Bench", Category: "library", Status: place.Open,
				Geometry: orb.Point{-1.75 + 0.4*float64(k%997)/997, 53.32 + 0.16*float64(k%991)/991}}
			if _, err := st.AddAssets(ctx, []place.Asset{a}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
