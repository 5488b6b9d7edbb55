package storetest

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// assetNameSearch: the asset list's q finds exactly the assets whose name
// key holds the query's name key (store.NameKey: Unicode lower case, no
// other folding), in name key then id order, with their count, whatever
// index a store answers it from: on names where case, accents, LIKE's
// wildcards and its escape, and keys of fewer than three characters (no
// trigram) are tricky.
func assetNameSearch(t *testing.T, st *store.DB) {
	ctx := context.Background()
	names := []string{"ÉCOLE Straße", "école", "İstanbul Café", "Cafe", "50% Off_Shop", `Back\Slash Road`, "KELVIN \u212A Hall",
		"ǅemal Park", "St Mary's", "Stone St", "ST", "ab", "Abbey Road", "road", "Xyz", "  spaced  out  ", "Hill", "Broomhill"}
	var as []place.Asset
	for i, n := range names {
		as = append(as, asset(fmt.Sprintf("n%02d", len(names)-i), n, "library", orb.Point{-1.45, 53.35}))
	}
	if _, err := st.AddAssets(ctx, as); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"é", "école", "ecole", "STRASSE", "straße", "i̇", "İst", "caf", "café", "%", "_", "0%", "f_s", `\`,
		`k\s`, `\s`, "k", "kelvin k", "ǆ", "ǅEM", "st", "s", "'s", "st ", "ab", "abb", "road", "xyz", "  ", "d  o", "hill", "zzz"} {
		want := matching(as, q)
		for _, limit := range []int{0, 2} {
			page, err := st.Assets(ctx, store.AssetQuery{Q: q, Limit: limit})
			if err != nil {
				t.Fatalf("q %q: %v", q, err)
			}
			w := want
			if limit > 0 && len(w) > limit {
				w = w[:limit]
			}
			if got := ids(page.Assets); fmt.Sprint(got) != fmt.Sprint(w) || page.Matched != len(want) {
				t.Errorf("q %q limit %d: got %v (matched %d), want %v (matched %d)", q, limit, got, page.Matched, w, len(want))
			}
		}
	}
}

// matching is what the asset list's q finds among as: the ids of those
// whose name key holds q's, by name key then id, byte by byte.
func matching(as []place.Asset, q string) []string {
	var m []place.Asset
	for _, a := range as {
		if strings.Contains(store.NameKey(a.Name), store.NameKey(q)) {
			m = append(m, a)
		}
	}
	sort.Slice(m, func(i, j int) bool {
		ki, kj := store.NameKey(m[i].Name), store.NameKey(m[j].Name)
		if ki != kj {
			return ki < kj
		}
		return m[i].ID < m[j].ID
	})
	return ids(m)
}

func ids(as []place.Asset) []string {
	out := []string{}
	for _, a := range as {
		out = append(out, a.ID)
	}
	return out
}
