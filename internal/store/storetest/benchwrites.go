package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// BenchWriteAssets times the writes of one asset an editor makes, each a
// transaction of its own on st: create, move (an update of its location)
// and delete; and an import's create of 1,000 in one transaction. ns/op
// is per asset.
func BenchWriteAssets(b *testing.B, st *store.DB) {
	ctx := context.Background()
	n := 0
	at := func(i int) orb.Point {
		return orb.Point{-1.75 + 0.4*float64(i%997)/997, 53.32 + 0.16*float64(i%991)/991}
	}
	next := func() place.Asset {
		n++
		return place.Asset{ID: fmt.Sprintf("w%d", n), Name: "Bench", Category: "library", Status: place.Open, Geometry: at(n)}
	}
	var made []place.Asset
	b.Run("create", func(b *testing.B) {
		for b.Loop() {
			a := next()
			if _, err := st.AddAssets(ctx, []place.Asset{a}); err != nil {
				b.Fatal(err)
			}
			made = append(made, a)
		}
	})
	b.Run("move", func(b *testing.B) {
		i := 0
		for b.Loop() {
			a, err := st.Asset(ctx, made[i%len(made)].ID)
			if err != nil {
				b.Fatal(err)
			}
			a.Geometry = at(n + i*7919)
			if _, err := st.UpdateAsset(ctx, a, a.Version); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("delete", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			a := next()
			if _, err := st.AddAssets(ctx, []place.Asset{a}); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if err := st.DeleteAsset(ctx, a.ID, 1); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("import-1000", func(b *testing.B) {
		batch := make([]place.Asset, 1000)
		for b.Loop() {
			for k := range batch {
				batch[k] = next()
			}
			if _, err := st.AddAssets(ctx, batch); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(batch)), "ns/asset")
	})
}
