package storetest

import (
	"context"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/search"
	"github.com/placemap/placemap/internal/store"
)

// searchFixture: wards in two releases (w1 old, w2 current) whose A1 is
// Heeley, assets, the place Heeley and three basemap names.
func searchFixture(t *testing.T, st *store.DB) {
	ctx := context.Background()
	named := func(code, name string) []place.Area {
		g := Grid()
		for i := range g {
			if g[i].Code == "A1" {
				g[i].Code, g[i].Name = code, name
			}
		}
		return g
	}
	w1, w2 := testSet("w1"), testSet("w2")
	w1.Title, w2.Title = "Wards 2004", "Wards 2016"
	if _, err := st.ImportRelease(ctx, w1, named("E05001049", "Heeley"), place.Release{Series: "wards", SeriesTitle: "Wards"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ImportRelease(ctx, w2, named("E05010862", "Heeley"), place.Release{Series: "wards", Current: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddAssets(ctx, []place.Asset{
		asset("lib1", "Broomhill Library", "library", orb.Point{-1.49, 53.26}),
		asset("lib2", "Central Library", "library", orb.Point{-1.47, 53.38}),
		asset("lib3", "Upperthorpe Reading Room", "library", orb.Point{-1.48, 53.39}),
		asset("cc1", "Heeley Community Centre", "community_centre", orb.Point{-1.46, 53.27}),
		asset("cc2", "Zest", "community_centre", orb.Point{-1.45, 53.28}),
		asset("cafe", "Café Nova", "social_centre", orb.Point{-1.44, 53.29}),
	}); err != nil {
		t.Fatal(err)
	}
	if err := st.SavePlace(ctx, place.Place{Slug: "heeley", Name: "Heeley", AltNames: []string{"Heeley Bottom"},
		Links: []place.PlaceLink{{Set: "w2", Code: "E05010862"}}}); err != nil {
		t.Fatal(err)
	}
	execAll(t, st,
		`INSERT INTO basemap_names (id, kind, class, name, ref, lon, lat, min_lon, min_lat, max_lon, max_lat)
		VALUES (1, 'street', 'primary', 'Broomhill Road', 'A57', -1.49, 53.26, -1.5, 53.255, -1.48, 53.265)`,
		`INSERT INTO basemap_names (id, kind, class, name, ref, lon, lat, min_lon, min_lat, max_lon, max_lat)
		VALUES (2, 'place', 'suburb', 'Heeley', '', -1.46, 53.27, -1.46, 53.27, -1.46, 53.27)`,
		`INSERT INTO basemap_names (id, kind, class, name, ref, lon, lat, min_lon, min_lat, max_lon, max_lat)
		VALUES (3, 'street', 'residential', 'Heeley Bank Road', '', -1.465, 53.275, -1.47, 53.27, -1.46, 53.28)`)
}

// execAll runs statements in one write transaction: rows a test puts
// straight into tables no workflow here writes (basemap_names).
func execAll(t *testing.T, st *store.DB, stmts ...string) {
	t.Helper()
	ctx := context.Background()
	tx, err := st.Dialect().Conns.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	for _, s := range stmts {
		if _, err := tx.Exec(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
}

func searchFor(t *testing.T, st *store.DB, text string) string {
	t.Helper()
	q, err := search.Parse(text, search.MaxLimit)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := st.SearchCandidates(context.Background(), q)
	if err != nil {
		t.Fatalf("search %q: %v", text, err)
	}
	var out []string
	for _, r := range search.Rank(q, cs) {
		s := string(r.Kind) + ":" + r.Name
		if r.Set != nil {
			s += "@" + r.Set.Slug
		}
		out = append(out, s)
	}
	return strings.Join(out, ", ")
}

// searchRanking: every kind is found by name, code, category words,
// alternative name and ref, folded for case and accents, by prefix, and
// ranked the same in every store.
func searchRanking(t *testing.T, st *store.DB) {
	searchFixture(t, st)
	for _, c := range []struct{ q, want string }{
		{"heeley", "area:Heeley@w2, place:Heeley, placename:Heeley, area:Heeley@w1, street:Heeley Bank Road, asset:Heeley Community Centre"},
		{"HEELEY", "area:Heeley@w2, place:Heeley, placename:Heeley, area:Heeley@w1, street:Heeley Bank Road, asset:Heeley Community Centre"},
		{"heeley bot", "place:Heeley"},
		{"broom", "street:Broomhill Road, asset:Broomhill Library"},
		{"broomhill lib", "asset:Broomhill Library"},
		{"library", "asset:Central Library, asset:Broomhill Library, asset:Upperthorpe Reading Room"},
		{"community centre", "asset:Heeley Community Centre, asset:Zest"},
		{"E05010862", "area:Heeley@w2"},
		{"e0501", "area:Heeley@w2"},
		{"e050", "area:Heeley@w2, area:Heeley@w1"},
		{"cafe", "asset:Café Nova"},
		{"Café", "asset:Café Nova"},
		{"a57", "street:Broomhill Road"},
		{"bank road", "street:Heeley Bank Road"},
		{"area b", "area:Area B1@w2, area:Area B2@w2, area:Area B1@w1, area:Area B2@w1"},
		{"nowhere", ""},
	} {
		if got := searchFor(t, st, c.q); got != c.want {
			t.Errorf("search %q:\n got %s\nwant %s", c.q, got, c.want)
		}
	}
	q, _ := search.Parse("heeley", 1)
	cs, _ := st.SearchCandidates(context.Background(), q)
	rs := search.Rank(q, cs)
	if len(rs) != 1 || rs[0].Set.Title != "Wards 2016" || rs[0].BBox == nil || *rs[0].BBox != Square(-1.5, 53.25, 0.125).Bound() ||
		rs[0].Point == nil || *rs[0].Point != rs[0].BBox.Center() {
		t.Errorf("heeley, limit 1: %+v, want the area E05010862 of Wards 2016 with its box and centre", rs)
	}
}

// searchFollowsWrites: renaming, deleting and adding assets, areas, places
// and basemap names changes what search finds at once.
func searchFollowsWrites(t *testing.T, st *store.DB) {
	ctx := context.Background()
	searchFixture(t, st)
	a, err := st.Asset(ctx, "lib1")
	if err != nil {
		t.Fatal(err)
	}
	a.Name = "Crookes Library"
	if _, err := st.UpdateAsset(ctx, a, a.Version); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteAsset(ctx, "cafe", 1); err != nil {
		t.Fatal(err)
	}
	ar, err := st.Area(ctx, "w2", "B2")
	if err != nil {
		t.Fatal(err)
	}
	ar.Name = "Gleadless Valley"
	v, err := st.AreaVersion(ctx, "w2", "B2")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.UpdateArea(ctx, ar, v); err != nil {
		t.Fatal(err)
	}
	if v, err = st.AreaVersion(ctx, "w1", "B1"); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteArea(ctx, "w1", "B1", v); err != nil {
		t.Fatal(err)
	}
	if err := st.SavePlace(ctx, place.Place{Slug: "heeley", Name: "Heeley", AltNames: []string{"Meersbrook Park"}}); err != nil {
		t.Fatal(err)
	}
	execAll(t, st, `DELETE FROM basemap_names WHERE id = 1`, `UPDATE basemap_names SET name = 'Heeley Bank Lane' WHERE id = 3`)
	for _, c := range []struct{ q, want string }{
		{"broom", ""},
		{"crookes", "asset:Crookes Library"},
		{"cafe", ""},
		{"gleadless", "area:Gleadless Valley@w2"},
		{"area b", "area:Area B1@w2, area:Area B2@w1"},
		{"heeley bottom", ""},
		{"meersbrook", "place:Heeley"},
		{"bank", "street:Heeley Bank Lane"},
	} {
		if got := searchFor(t, st, c.q); got != c.want {
			t.Errorf("after the writes, search %q:\n got %s\nwant %s", c.q, got, c.want)
		}
	}
}

// BenchSearch times a search (candidates and ranking) on st, which holds
// the demo: words that find one thing, many things, a code, a category
// and a single letter (the most candidates).
func BenchSearch(b *testing.B, st *store.DB) {
	ctx := context.Background()
	for _, text := range []string{"heeley", "broomhill lib", "library", "broom", "E05010862", "s"} {
		b.Run(strings.ReplaceAll(text, " ", "_"), func(b *testing.B) {
			q, err := search.Parse(text, search.DefaultLimit)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				cs, err := st.SearchCandidates(ctx, q)
				if err != nil {
					b.Fatal(err)
				}
				if len(search.Rank(q, cs)) == 0 {
					b.Fatalf("%q found nothing in the demo", text)
				}
			}
		})
	}
}
