package importer_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/placemap/placemap/internal/formats"
	"github.com/placemap/placemap/internal/importer"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/gpkg"
	"github.com/placemap/placemap/internal/testkit"
)

// TestReleaseImport imports Sheffield's real wards of 2013 and then those of
// 2019 as releases of one series: the second becomes current with links
// from every 2013 ward, Broomhill's place is carried to Broomhill and
// Sharrow Vale flagged for review (a weak successor), the libraries are
// placed in both releases, and a release dated before the newest is refused
// with nothing written.
func TestReleaseImport(t *testing.T) {
	ctx := context.Background()
	st, err := gpkg.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	root := testkit.RepoRoot(t)
	file := func(rel string) *os.File {
		f, err := os.Open(filepath.Join(root, rel))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	ro := importer.ReleaseOptions{Series: "sheffield-wards", SeriesTitle: "Sheffield wards"}
	w13 := place.BoundarySet{Slug: "wards-2013", Title: "Wards 2013", Kind: place.Statutory, ReleaseDate: "2013"}
	res, err := importer.Release(ctx, st, file("geodata/sheffield/ons/electoral__eng__wards_by_lad__E08000019.json"), "wards-2013.json", w13, formats.BoundaryOptions{}, ro)
	if err != nil {
		t.Fatal(err)
	}
	if res.Previous != "" || res.Links != 0 || res.Areas != 28 {
		t.Fatalf("first release: %+v", res)
	}
	if _, err := importer.Assets(ctx, st, file("seeds/sheffield-libraries.geojson"), "libraries.geojson", formats.AssetOptions{Source: "test"}); err != nil {
		t.Fatal(err)
	}
	broomhill := ""
	areas, _ := store.AllAreas(ctx, st, "wards-2013")
	for _, a := range areas {
		if a.Name == "Broomhill" {
			broomhill = a.Code
		}
	}
	if err := st.SavePlace(ctx, place.Place{Slug: "broomhill", Name: "Broomhill", Links: []place.PlaceLink{{Set: "wards-2013", Code: broomhill, Confirmed: true}}}); err != nil {
		t.Fatal(err)
	}

	// Out of order: a release dated before the newest is refused.
	early := place.BoundarySet{Slug: "wards-2009", Title: "Wards 2009", Kind: place.Statutory, ReleaseDate: "2009"}
	_, err = importer.Release(ctx, st, file("geodata/sheffield/ons-2019/sheffield_wards_2019.geojson"), "w.geojson", early, formats.BoundaryOptions{}, ro)
	if place.ErrorCode(err) != place.EINVALID || !strings.Contains(err.Error(), "date order") {
		t.Fatalf("release dated 2009 after 2013: %v, want EINVALID naming the date order", err)
	}
	if _, err := st.Set(ctx, "wards-2009"); place.ErrorCode(err) != place.ENOTFOUND {
		t.Fatalf("refused release was written: %v", err)
	}

	w19 := place.BoundarySet{Slug: "wards-2019", Title: "Wards 2019", Kind: place.Statutory, ReleaseDate: "2019-12"}
	res, err = importer.Release(ctx, st, file("geodata/sheffield/ons-2019/sheffield_wards_2019.geojson"), "wards-2019.geojson", w19, formats.BoundaryOptions{}, ro)
	if err != nil {
		t.Fatal(err)
	}
	if res.Previous != "wards-2013" || res.Links < 28 || res.Changes[place.Split] == 0 || res.Changes[place.Renamed] == 0 {
		t.Errorf("second release: previous %q, %d links, changes %v", res.Previous, res.Links, res.Changes)
	}
	series, err := st.Series(ctx)
	if err != nil || len(series) != 1 || series[0].Current != "wards-2019" || len(series[0].Releases) != 2 {
		t.Fatalf("series = %+v, %v; want wards-2019 current of two releases", series, err)
	}
	p, err := st.Place(ctx, "broomhill")
	if err != nil {
		t.Fatal(err)
	}
	var carried *place.PlaceLink
	for i, l := range p.Links {
		if l.Set == "wards-2019" {
			carried = &p.Links[i]
		}
	}
	if carried == nil || carried.Confirmed || !carried.Review || !strings.Contains(carried.Note, "weak") {
		t.Fatalf("Broomhill's links after the release: %+v; want an unconfirmed 2019 link flagged for review", p.Links)
	}
	if a, err := st.Area(ctx, "wards-2019", carried.Code); err != nil || a.Name != "Broomhill and Sharrow Vale" {
		t.Errorf("Broomhill carried to %v (%v), want Broomhill and Sharrow Vale", a.Name, err)
	}
	// Every library is in a ward of each release.
	page, err := st.Assets(ctx, store.AssetQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range page.Assets {
		ms, err := st.Memberships(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		in := map[string]bool{}
		for _, m := range ms {
			in[m.Set] = true
		}
		if !in["wards-2013"] || !in["wards-2019"] {
			t.Errorf("%s lies in %v, want a ward of both releases", a.Name, ms)
		}
	}
}
