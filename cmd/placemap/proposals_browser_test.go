package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/auth"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/testkit"
)

// Grid of building blocks for the Proposals browser test: gridCols x
// gridRows squares south-west of Sheffield, each 100 residents, coded
// G{col}{row}, so the test knows which blocks share an edge.
const (
	gridCols, gridRows = 8, 5
	gridLon, gridLat   = -1.62, 53.31
	gridW, gridH       = 0.004, 0.0025
)

// TestProposalsInChromium drives the Proposals view
// (test/browser/proposals.mjs) on the demo plus a small grid of blocks (a
// proposal solves in well under a second): an editor proposes a shared set
// from the grid, fitted to two sets and nested in a third; opens it (blocks
// coloured by area, outlines, the report); moves a block to a neighbouring
// area (the scores and the block's colour change, the change announced); a
// move that would split its area is refused with the reason; an area is
// renamed; the draft is published and the new set is listed in api/sets;
// axe-clean at desktop and at phone size.
func TestProposalsInChromium(t *testing.T) {
	testkit.NeedNodeModules(t, "axe-core")
	base := serveDemoWith(t, func(ctx context.Context, st *store.DB) {
		hash, err := auth.HashPassword(testPassword)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.CreateUser(ctx, auth.User{ID: "u-ed", Email: "ed@example.org", Role: auth.Editor, PasswordHash: hash, CreatedAt: time.Now().UTC()}); err != nil {
			t.Fatal(err)
		}
		importGrid(ctx, t, st)
	})
	runBrowser(t, "proposals.mjs", "browser-proposals", base, "ed@example.org", testPassword)
}

// importGrid stores the grid's blocks (grid-blocks, with a population),
// two sets to fit (grid-rows: the top row and the rest; grid-bands: three
// bands of columns) and one to nest in (grid-halves: west and east).
func importGrid(ctx context.Context, t *testing.T, st *store.DB) {
	t.Helper()
	rect := func(c0, r0, c1, r1 int) orb.MultiPolygon {
		w, s := gridLon+float64(c0)*gridW, gridLat+float64(r0)*gridH
		e, n := gridLon+float64(c1)*gridW, gridLat+float64(r1)*gridH
		return orb.MultiPolygon{{{{w, s}, {e, s}, {e, n}, {w, n}, {w, s}}}}
	}
	var blocks []place.Area
	pop := map[string]map[string]float64{"population": {}}
	for c := 0; c < gridCols; c++ {
		for r := 0; r < gridRows; r++ {
			code := fmt.Sprintf("G%d%d", c, r)
			blocks = append(blocks, place.Area{Code: code, Name: "Block " + code, Geometry: rect(c, r, c+1, r+1)})
			pop["population"][code] = 100
		}
	}
	sets := []struct {
		set   place.BoundarySet
		areas []place.Area
	}{
		{place.BoundarySet{Slug: "grid-blocks", Title: "Grid blocks", Kind: place.Statistical}, blocks},
		{place.BoundarySet{Slug: "grid-rows", Title: "Grid rows", Kind: place.Community}, []place.Area{
			{Code: "top", Name: "Top row", Geometry: rect(0, gridRows-1, gridCols, gridRows)},
			{Code: "rest", Name: "The rest", Geometry: rect(0, 0, gridCols, gridRows-1)},
		}},
		{place.BoundarySet{Slug: "grid-bands", Title: "Grid bands", Kind: place.Service}, []place.Area{
			{Code: "b1", Name: "Band 1", Geometry: rect(0, 0, 3, gridRows)},
			{Code: "b2", Name: "Band 2", Geometry: rect(3, 0, 6, gridRows)},
			{Code: "b3", Name: "Band 3", Geometry: rect(6, 0, gridCols, gridRows)},
		}},
		{place.BoundarySet{Slug: "grid-halves", Title: "Grid halves", Kind: place.Statutory}, []place.Area{
			{Code: "west", Name: "West", Geometry: rect(0, 0, gridCols/2, gridRows)},
			{Code: "east", Name: "East", Geometry: rect(gridCols/2, 0, gridCols, gridRows)},
		}},
	}
	for _, s := range sets {
		s.set.Licence, s.set.Attribution = "CC0-1.0", "Test grid"
		if _, err := st.ImportSet(ctx, s.set, s.areas); err != nil {
			t.Fatalf("import %s: %v", s.set.Slug, err)
		}
	}
	ind := []place.Indicator{{Set: "grid-blocks", Name: "population", Title: "Residents", Kind: "count"}}
	if err := st.ImportIndicators(ctx, "grid-blocks", ind, pop); err != nil {
		t.Fatal(err)
	}
}
