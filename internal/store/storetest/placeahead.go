package storetest

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// placedAhead: an asset write places its assets before its transaction
// (store.WithAfterPlacing runs between the two); whatever happens to the
// areas and sets in between, the memberships are those of the areas as
// they are when the write commits. Each case has its own grid and set,
// named by its number, and reads back only the memberships in those.
func placedAhead(t *testing.T, st *store.DB) {
	ctx := context.Background()
	pt := orb.Point{-1.45, 53.3} // in A1
	north := orb.MultiPolygon{{{{-1.5, 53.3125}, {-1.375, 53.3125}, {-1.375, 53.375}, {-1.5, 53.375}, {-1.5, 53.3125}}}}
	for i, c := range []struct {
		name      string
		update    bool // UpdateAsset moving an asset there, rather than AddAssets
		meanwhile func(ctx context.Context, grid, late string) error
		want      string
	}{
		{"unchanged", false, nil, "grid%d:A1"},
		{"another asset written", false, func(ctx context.Context, grid, late string) error {
			_, err := st.AddAssets(ctx, []place.Asset{asset(grid+"-other", "Other", "park", orb.Point{-1.3, 53.3})})
			return err
		}, "grid%d:A1"},
		{"area deleted", false, func(ctx context.Context, grid, late string) error {
			return st.DeleteArea(ctx, grid, "A1", 1)
		}, ""},
		{"area redrawn away", false, func(ctx context.Context, grid, late string) error {
			_, err := st.UpdateArea(ctx, place.Area{Set: grid, Code: "A1", Name: "A1 north", Geometry: north}, 1)
			return err
		}, ""},
		{"set added", false, func(ctx context.Context, grid, late string) error {
			_, err := st.ImportSet(ctx, testSet(late), []place.Area{{Code: "X", Name: "X", Geometry: Square(-1.6, 53.2, 0.5)}})
			return err
		}, "grid%d:A1 late%[1]d:X"},
		{"update unchanged", true, nil, "grid%d:A1"},
		{"update, area deleted", true, func(ctx context.Context, grid, late string) error {
			return st.DeleteArea(ctx, grid, "A1", 1)
		}, ""},
		{"update, set added", true, func(ctx context.Context, grid, late string) error {
			_, err := st.ImportSet(ctx, testSet(late), []place.Area{{Code: "X", Name: "X", Geometry: Square(-1.6, 53.2, 0.5)}})
			return err
		}, "grid%d:A1 late%[1]d:X"},
	} {
		t.Run(c.name, func(t *testing.T) {
			grid, late, id := fmt.Sprintf("grid%d", i), fmt.Sprintf("late%d", i), fmt.Sprintf("ahead%d", i)
			if _, err := st.ImportSet(ctx, testSet(grid), Grid()); err != nil {
				t.Fatal(err)
			}
			wctx := ctx
			if c.meanwhile != nil {
				wctx = store.WithAfterPlacing(ctx, func() {
					if err := c.meanwhile(ctx, grid, late); err != nil {
						t.Errorf("meanwhile: %v", err)
					}
				})
			}
			var err error
			if c.update {
				if _, err = st.AddAssets(ctx, []place.Asset{asset(id, "Hall", "community_hall", orb.Point{0, 0})}); err != nil {
					t.Fatal(err)
				}
				_, err = st.UpdateAsset(wctx, asset(id, "Hall", "community_hall", pt), 1)
			} else {
				_, err = st.AddAssets(wctx, []place.Asset{asset(id, "Hall", "community_hall", pt)})
			}
			if err != nil {
				t.Fatal(err)
			}
			want := c.want
			if strings.Contains(want, "%") {
				want = fmt.Sprintf(want, i)
			}
			if g := membershipsIn(t, st, id, grid, late); g != want {
				t.Errorf("memberships = %q, want %q", g, want)
			}
		})
	}
}

// membershipsIn lists an asset's memberships in sets, as "set:code"
// sorted and joined by spaces.
func membershipsIn(t *testing.T, st *store.DB, id string, sets ...string) string {
	t.Helper()
	ms, err := st.Memberships(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range ms {
		if slices.Contains(sets, m.Set) {
			got = append(got, m.Set+":"+m.Code)
		}
	}
	sort.Strings(got)
	return strings.Join(got, " ")
}

// placedAheadSameAsInside: assets written one at a time (placed ahead)
// get the memberships the same assets get written more than smallWrite
// at once (placed inside the transaction), on edges and corners too.
func placedAheadSameAsInside(t *testing.T, st *store.DB) {
	ctx := context.Background()
	if _, err := st.ImportSet(ctx, testSet("grid"), Grid()); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ImportSet(ctx, testSet("other"), []place.Area{{Code: "X", Name: "X", Geometry: Square(-1.4375, 53.3125, 0.125)}}); err != nil {
		t.Fatal(err)
	}
	var pts []orb.Point
	for _, x := range []float64{-1.5, -1.4375, -1.375, -1.3125, -1.25} {
		for _, y := range []float64{53.25, 53.3125, 53.375, 53.4375} {
			pts = append(pts, orb.Point{x, y})
		}
	}
	pts = append(pts, orb.Point{0, 0})
	var inside []place.Asset
	for i, p := range pts {
		inside = append(inside, asset(fmt.Sprintf("in%d", i), "Inside", "park", p))
		if _, err := st.AddAssets(ctx, []place.Asset{asset(fmt.Sprintf("ahead%d", i), "Ahead", "park", p)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.AddAssets(ctx, inside); err != nil {
		t.Fatal(err)
	}
	placed := 0
	for i, p := range pts {
		in, err := st.Memberships(ctx, fmt.Sprintf("in%d", i))
		if err != nil {
			t.Fatal(err)
		}
		ahead, err := st.Memberships(ctx, fmt.Sprintf("ahead%d", i))
		if err != nil {
			t.Fatal(err)
		}
		if membershipString(ahead) != membershipString(in) {
			t.Errorf("at %v placed ahead in %q, inside the transaction in %q", p, membershipString(ahead), membershipString(in))
		}
		placed += len(in)
	}
	if placed < len(pts) {
		t.Errorf("%d memberships of %d points: the grid should hold most", placed, len(pts))
	}
}
