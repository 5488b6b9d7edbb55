package proposals_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/demo"
	"github.com/placemap/placemap/internal/geo"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/proposals"
	"github.com/placemap/placemap/internal/reconcile"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/gpkg"
)

// BenchmarkMoveOnTheDemo: one move of a block between two areas of the
// Sheffield demo proposal (1,817 OAs, nested in the 2019 wards), as the
// API answers it: the proposal read, the rules checked, every score
// again, the draft saved, the two areas drawn again.
func BenchmarkMoveOnTheDemo(b *testing.B) {
	ctx := context.Background()
	st, err := gpkg.Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	if err := demo.Load(ctx, st, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		b.Fatal(err)
	}
	svc := proposals.NewService(st, reconcile.NewService(st, 16), 0)
	start := time.Now()
	p, _, err := svc.Create(ctx, proposals.New{Slug: "shared-2026", Title: "Shared", Kind: place.Community, Params: proposals.Params{
		Blocks: "oa-2011", Fit: []string{"community-neighbourhoods", "nhs-networks", "council-neighbourhoods"},
		NestIn: "wards-2019", MinPop: 3000, MaxPop: 15000, Seed: 1}})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("create (problem, solve, union, store, first release): %v, %d areas", time.Since(start).Round(time.Millisecond), p.Areas)
	block, from, to := movable(b, st, svc, p)
	v := p.Version + 1
	b.ResetTimer()
	for i := range b.N {
		dest := to
		if i%2 == 0 {
			dest = from
		}
		m, err := svc.Move(ctx, p.Slug, block, dest, v)
		if err != nil {
			b.Fatal(err)
		}
		v = m.Version
	}
}

// movable finds a block of p that may move to a neighbouring area (by
// the blocks' edge adjacency), moves it there, and returns it with the
// area it left and the one it is in now.
func movable(b *testing.B, st *store.DB, svc *proposals.Service, p place.SetProposal) (block, from, to string) {
	ctx := context.Background()
	blocks, err := store.AllAreas(ctx, st, p.Blocks)
	if err != nil {
		b.Fatal(err)
	}
	mps := make([]orb.MultiPolygon, len(blocks))
	for i, a := range blocks {
		mps[i] = a.Geometry
	}
	adj, _ := geo.EdgeAdjacency(mps, geo.AdjacencyOptions{})
	for i, a := range blocks {
		from := p.Assignment[a.Code]
		for _, j := range adj[i] {
			to := p.Assignment[blocks[j].Code]
			if to == from {
				continue
			}
			if _, err := svc.Move(ctx, p.Slug, a.Code, to, p.Version); err == nil {
				return a.Code, from, to
			}
		}
	}
	b.Fatal("no block may move")
	return "", "", ""
}
