package place

import (
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func TestSlugify(t *testing.T) {
	for in, want := range map[string]string{
		"Lowedges / Low Edges":     "lowedges-low-edges",
		"Broomhill & Sharrow Vale": "broomhill-and-sharrow-vale",
		"  Crookes -- Crosspool  ": "crookes-crosspool",
		"Nether Edge (Sharrow)":    "nether-edge-sharrow",
		"Café Quarter":             "cafe-quarter",
		"N07 - PEAK EDGE":          "n07-peak-edge",
	} {
		if got := Slugify(in); got != want {
			t.Errorf("Slugify(%q) = %q, want %q", in, got, want)
		}
		if !ValidSlug(Slugify(in)) {
			t.Errorf("Slugify(%q) is not a valid slug", in)
		}
	}
}

func TestBoundarySetValidate(t *testing.T) {
	ok := BoundarySet{Slug: "wards-2019", Title: "Wards", Kind: Statutory, ReleaseDate: "2019-12-01"}
	for _, tc := range []struct {
		name string
		edit func(*BoundarySet)
		want string
	}{
		{"valid", func(*BoundarySet) {}, ""},
		{"year only", func(s *BoundarySet) { s.ReleaseDate = "2019" }, ""},
		{"bad slug", func(s *BoundarySet) { s.Slug = "Wards 2019" }, "slug"},
		{"slug with double hyphen", func(s *BoundarySet) { s.Slug = "a--b" }, "slug"},
		{"reserved slug", func(s *BoundarySet) { s.Slug = "basemap" }, "reserved for the street basemap"},
		{"no title", func(s *BoundarySet) { s.Title = " " }, "title"},
		{"bad kind", func(s *BoundarySet) { s.Kind = "vibes" }, "kind"},
		{"bad date", func(s *BoundarySet) { s.ReleaseDate = "Dec 2019" }, "release date"},
	} {
		s := ok
		tc.edit(&s)
		err := s.Validate()
		if (err == nil) != (tc.want == "") || (err != nil && (!strings.Contains(err.Error(), tc.want) || ErrorCode(err) != EINVALID)) {
			t.Errorf("%s: Validate() = %v, want error containing %q", tc.name, err, tc.want)
		}
	}
}

func TestAssetValidate(t *testing.T) {
	ok := Asset{ID: "x", Name: "Heeley Library", Category: "library", Status: Open, Geometry: orb.Point{-1.47, 53.36}}
	for _, tc := range []struct {
		name string
		edit func(*Asset)
		want string
	}{
		{"valid", func(*Asset) {}, ""},
		{"site polygon", func(a *Asset) {
			a.Geometry = orb.Polygon{{{-1.47, 53.36}, {-1.46, 53.36}, {-1.46, 53.37}, {-1.47, 53.36}}}
		}, ""},
		{"no name", func(a *Asset) { a.Name = "" }, "name is required"},
		{"unknown category", func(a *Asset) { a.Category = "bookshop" }, `category "bookshop"`},
		{"bad status", func(a *Asset) { a.Status = "shut" }, `status "shut"`},
		{"eastings as degrees", func(a *Asset) { a.Geometry = orb.Point{435000, 387000} }, "British National Grid"},
		{"line", func(a *Asset) { a.Geometry = orb.LineString{{0, 0}, {1, 1}} }, "Point or Polygon"},
		{"no geometry", func(a *Asset) { a.Geometry = nil }, "geometry is required"},
	} {
		a := ok
		tc.edit(&a)
		err := a.Validate()
		if (err == nil) != (tc.want == "") || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s: Validate() = %v, want error containing %q", tc.name, err, tc.want)
		}
	}
}

func TestLocate(t *testing.T) {
	sq := func(x0, y0 float64) orb.MultiPolygon {
		return orb.MultiPolygon{{{{x0, y0}, {x0 + 1, y0}, {x0 + 1, y0 + 1}, {x0, y0 + 1}, {x0, y0}}}}
	}
	holed := orb.MultiPolygon{{
		{{10, 0}, {13, 0}, {13, 3}, {10, 3}, {10, 0}},
		{{11, 1}, {12, 1}, {12, 2}, {11, 2}, {11, 1}},
	}}
	cands := []Candidate{{Code: "B", Geometry: sq(1, 0)}, {Code: "A", Geometry: sq(0, 0)}, {Code: "H", Geometry: holed}}
	for _, tc := range []struct {
		pt   orb.Point
		want string
	}{
		{orb.Point{0.5, 0.5}, "A"},
		{orb.Point{1.5, 0.5}, "B"},
		{orb.Point{1, 0.5}, "A"}, // shared edge: smaller code
		{orb.Point{1, 1}, "A"},   // shared corner
		{orb.Point{0, 0}, "A"},   // outer corner
		{orb.Point{3, 3}, ""},
		{orb.Point{11.5, 1.5}, ""}, // in the hole
		{orb.Point{10.5, 0.5}, "H"},
	} {
		got, ok := Locate(tc.pt, cands)
		if got.Code != tc.want || ok != (tc.want != "") {
			t.Errorf("Locate(%v) = %q, %v; want %q", tc.pt, got.Code, ok, tc.want)
		}
	}
}
