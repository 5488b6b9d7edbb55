package storetest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/search"
	"github.com/placemap/placemap/internal/store"
)

// postcodesOf replaces the stored postcodes with n postcodes "S8 0AA",
// "S8 0AB"… in outward S8, spread west to east from (-1.45, 53.3), the
// second one terminated, then fails with err if not nil.
func postcodesOf(st *store.DB, n int, source string, fail error) (store.PostcodeInfo, error) {
	return st.ReplacePostcodes(context.Background(), func(w *store.PostcodeWriter) (store.PostcodeInfo, error) {
		for i := 0; i < n; i++ {
			p := store.Postcode{Postcode: fmt.Sprintf("S8 %d%c%c", i/676%10, 'A'+i/26%26, 'A'+i%26), Point: orb.Point{-1.45 + float64(i)*1e-5, 53.3}, UserType: i % 2}
			if i == 1 {
				p.Terminated = "2000-12"
			}
			if err := w.Add(p); err != nil {
				return store.PostcodeInfo{}, err
			}
		}
		return store.PostcodeInfo{Source: source, Licence: "OGL-UK-3.0", Layout: "plain"}, fail
	})
}

// postcodesReplaced: with none, PostcodeInfo is ENOTFOUND; an import of
// more rows than one batch is read back, terminated kept; a second
// replaces the first; a failing one leaves the last; the areas at a
// postcode follow placement; search by outward prefix.
func postcodesReplaced(t *testing.T, st *store.DB) {
	ctx := context.Background()
	_, err := st.PostcodeInfo(ctx)
	wantCode(t, err, place.ENOTFOUND)
	if _, err := postcodesOf(st, 10, "first.csv", nil); err != nil {
		t.Fatal(err)
	}
	info, err := postcodesOf(st, 6001, "second.csv", nil)
	if err != nil || info.Count != 6001 || info.Terminated != 1 {
		t.Fatalf("info = %+v, %v", info, err)
	}
	if _, err := postcodesOf(st, 3, "bad.csv", errors.New("boom")); err == nil {
		t.Fatal("failing import: no error")
	}
	_, err = st.ReplacePostcodes(ctx, func(w *store.PostcodeWriter) (store.PostcodeInfo, error) {
		for range 2 {
			if err := w.Add(store.Postcode{Postcode: "S1 1AA", Point: orb.Point{-1.47, 53.38}, UserType: -1}); err != nil {
				return store.PostcodeInfo{}, err
			}
		}
		return store.PostcodeInfo{Source: "twice.csv", Licence: "OGL-UK-3.0", Layout: "plain"}, nil
	})
	wantCode(t, err, place.ECONFLICT)
	info, err = st.PostcodeInfo(ctx)
	if err != nil || info.Source != "second.csv" || info.Count != 6001 || info.Licence != "OGL-UK-3.0" {
		t.Fatalf("info after refused import = %+v, %v", info, err)
	}
	p, err := st.Postcode(ctx, "S8 0AB")
	if err != nil || p.Terminated != "2000-12" || p.Point != (orb.Point{-1.45 + 1e-5, 53.3}) || p.UserType != 1 {
		t.Fatalf("S8 0AB = %+v, %v", p, err)
	}
	last, err := st.Postcode(ctx, "S8 8WU")
	if err != nil || last.Terminated != "" || last.UserType != 0 {
		t.Fatalf("S8 8WU = %+v, %v", last, err)
	}
	_, err = st.Postcode(ctx, "S9 9ZZ")
	wantCode(t, err, place.ENOTFOUND)
	pcs, g, err := st.PostcodesWithPrefix(ctx, "S8", "S8 0", 3)
	if err != nil || g.Count != 675 || len(pcs) != 3 || pcs[0].Postcode != "S8 0AA" || pcs[1].Postcode != "S8 0AC" || g.BBox.Min[0] != -1.45 ||
		math.Abs(g.Centroid[1]-53.3) > 1e-9 || g.Centroid[0] < g.BBox.Min[0] || g.Centroid[0] > g.BBox.Max[0] {
		t.Fatalf("S8 0 = %v, %+v, %v", pcs, g, err)
	}
	searchPostcodes(t, st)
	if _, err := st.ImportSet(ctx, testSet("grid"), Grid()); err != nil {
		t.Fatal(err)
	}
	// Two releases of a series over the same ground: the area of each,
	// only the newer one current (as assets are placed in both).
	for _, r := range []struct {
		slug    string
		current bool
	}{{"pc-old", false}, {"pc-new", true}} {
		if _, err := st.ImportRelease(ctx, testSet(r.slug), Grid(), place.Release{Series: "pc-wards", SeriesTitle: "Wards", Current: r.current}); err != nil {
			t.Fatal(err)
		}
	}
	areas, err := st.AreasAt(ctx, p.Point)
	want := []store.PostcodeArea{{Set: "grid", Code: "A1", Name: "Area A1", Current: true},
		{Set: "pc-old", Code: "A1", Name: "Area A1", Current: false}, {Set: "pc-new", Code: "A1", Name: "Area A1", Current: true}}
	if err != nil || !slices.Equal(areas, want) {
		t.Fatalf("areas = %+v, %v; want %+v", areas, err, want)
	}
	if _, err := st.AddAssets(ctx, []place.Asset{asset("l1", "Far Library", "library", orb.Point{-1.3, 53.3}),
		asset("l2", "Near Library", "library", orb.Point{-1.449, 53.3}), asset("h1", "Hall", "community_hall", orb.Point{-1.45, 53.3})}); err != nil {
		t.Fatal(err)
	}
	near, err := st.NearestAssets(ctx, p.Point, "library", 3)
	if err != nil || len(near) != 2 || near[0].Asset.ID != "l2" || near[1].Asset.ID != "l1" || near[0].Metres < 50 || near[0].Metres > 70 {
		t.Fatalf("nearest = %+v, %v", near, err)
	}
}

// searchPostcodes: search finds a postcode in any spacing, an outward code
// and a sector (standing for their live postcodes), ranked by search.Rank.
func searchPostcodes(t *testing.T, st *store.DB) {
	for _, tc := range []struct {
		text  string
		first string
		class string
	}{
		{"S8 0AB", "S8 0AB", "terminated 2000-12"}, {"s80ac", "S8 0AC", ""}, {"S8", "S8", "6000 postcodes"},
		{"s8 0", "S8 0", "675 postcodes"}, {"s8 0b", "S8 0B", "26 postcodes"},
	} {
		q, err := search.Parse(tc.text, 5)
		if err != nil {
			t.Fatal(err)
		}
		cs, err := st.SearchCandidates(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		rs := search.Rank(q, cs)
		if len(rs) == 0 || rs[0].Kind != search.Postcode || rs[0].Name != tc.first || rs[0].Class != tc.class || rs[0].Point == nil {
			t.Errorf("search %q: %+v; want first the postcode %s (%s)", tc.text, rs, tc.first, tc.class)
			continue
		}
		if tc.class != "" && tc.class[0] != 't' && (rs[0].BBox == nil || len(rs) != 5 || rs[1].Kind != search.Postcode) {
			t.Errorf("search %q: %+v; want the group with its extent, then its postcodes", tc.text, rs)
		}
	}
}
