package oruk

import (
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/place"
)

func TestSchedules(t *testing.T) {
	for _, tc := range []struct {
		hours string
		want  []string // byday opens-closes, or "described"
	}{
		{"", nil},
		{"Mo-Fr 09:00-17:00", []string{"MO,TU,WE,TH,FR 09:00-17:00"}},
		{"Mo,We,Fr 10:00-12:00,13:00-16:30; Sa 10:00-13:00", []string{"MO,WE,FR 10:00-12:00", "MO,WE,FR 13:00-16:30", "SA 10:00-13:00"}},
		{"Mo-We,Fr 09:00-17:00; Th off; PH off", []string{"MO,TU,WE,FR 09:00-17:00"}},
		{"Mo-Fr 09:00-17:00; Th off", []string{"MO,TU,WE,FR 09:00-17:00"}},
		{"Mo-Fr 09:00-17:00; We 13:00-17:00", []string{"MO,TU,TH,FR 09:00-17:00", "WE 13:00-17:00"}},
		{"Fr-Mo 18:00-23:00", []string{"MO,FR,SA,SU 18:00-23:00"}},
		{"24/7", []string{"MO,TU,WE,TH,FR,SA,SU 00:00-24:00"}},
		{"Mo-Fr 09:00-17:00; Jan off", []string{"described"}},
		{"by appointment", []string{"described"}},
		{"Mo-Fr 9am-5pm", []string{"described"}},
		{"closed", []string{"described"}},
	} {
		got := Schedules("s1", tc.hours)
		var gs []string
		for _, s := range got {
			if s.Freq == "" {
				gs = append(gs, "described")
				if !strings.Contains(s.Description, tc.hours) {
					t.Errorf("%q: a described schedule should say the hours, says %q", tc.hours, s.Description)
				}
				continue
			}
			gs = append(gs, s.ByDay+" "+s.OpensAt+"-"+s.ClosesAt)
			if s.ServiceID != "s1" || s.Interval != 1 || s.ID == "" {
				t.Errorf("%q: %+v", tc.hours, s)
			}
		}
		if strings.Join(gs, "|") != strings.Join(tc.want, "|") {
			t.Errorf("%q: %v, want %v", tc.hours, gs, tc.want)
		}
	}
}

func TestFromAsset(t *testing.T) {
	a := place.Asset{ID: "heeley-hub", Name: "Heeley Hub", Category: "community_centre", Status: place.Closed,
		Geometry: orb.Point{-1.4712345678, 53.3612345678}, Address: "12 Gleadless Road, Heeley, Sheffield", Postcode: "S2 3AA",
		Website: "www.example.org", Email: "hub@example.org", Operator: "Heeley Trust", OpeningHours: "Mo-Fr 09:00-17:00",
		Source: "survey", SourceID: "7", UpdatedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	s := FromAsset(a)
	loc := s.ServiceAtLocations[0].Location
	if s.Status != "defunct" || s.URL != "" || s.Email != "hub@example.org" || s.Organization.Name != "Heeley Trust" ||
		s.OrganizationID != s.Organization.ID || loc.Latitude != 53.3612346 || len(loc.Addresses) != 1 ||
		loc.Addresses[0].Address1 != "12 Gleadless Road, Heeley" || loc.Addresses[0].City != "Sheffield" || loc.Addresses[0].PostalCode != "S2 3AA" ||
		len(s.Schedules) != 1 || s.LastModified != "2026-01-02T03:04:05Z" || s.ID != FromAsset(a).ID {
		t.Errorf("service: %+v", s)
	}
	if b := FromAsset(place.Asset{ID: "a4b3c2d1-0000-4000-8000-000000000001", Name: "X", Category: "library", Geometry: orb.Point{0, 51}, Website: "https://x.org/"}); b.ID != "a4b3c2d1-0000-4000-8000-000000000001" || b.URL != "https://x.org/" || b.Organization.Name != "Operator not recorded" {
		t.Errorf("uuid asset: %+v", b)
	}
}

func TestNewList(t *testing.T) {
	all := []int{1, 2, 3, 4, 5}
	for _, tc := range []struct {
		all          []int
		number, size int
		want         PageInfo
		contents     []int
	}{
		{all, 1, 2, PageInfo{5, 3, 1, 2, true, false, false}, []int{1, 2}},
		{all, 3, 2, PageInfo{5, 3, 3, 1, false, true, false}, []int{5}},
		{all, 4, 2, PageInfo{5, 3, 4, 0, false, true, true}, []int{}},
		{all, 1, 5, PageInfo{5, 1, 1, 5, true, true, false}, all},
		{nil, 1, 50, PageInfo{0, 1, 1, 0, true, true, true}, []int{}},
	} {
		got := NewList(tc.all, tc.number, tc.size)
		if got.PageInfo != tc.want || len(got.Contents) != len(tc.contents) || got.Contents == nil {
			t.Errorf("page %d of %d by %d: %+v", tc.number, len(tc.all), tc.size, got)
		}
		for i := range tc.contents {
			if got.Contents[i] != tc.contents[i] {
				t.Errorf("page %d of %d by %d: %v", tc.number, len(tc.all), tc.size, got.Contents)
			}
		}
	}
}

func TestTerms(t *testing.T) {
	terms := Terms()
	if len(terms) != len(place.Categories()) {
		t.Fatalf("%d terms for %d categories", len(terms), len(place.Categories()))
	}
	seen := map[string]bool{}
	for _, tm := range terms {
		if cat, ok := CategoryOfTerm(tm.ID); !ok || cat != tm.Term || seen[tm.ID] || tm.TaxonomyID != TaxonomyID {
			t.Errorf("term %+v: category %q %v", tm, cat, ok)
		}
		seen[tm.ID] = true
	}
	for _, tc := range []struct{ category, uri, desc string }{
		{"library", "https://wiki.openstreetmap.org/wiki/Tag:amenity=library", "OpenStreetMap tags: amenity=library"},
		{"youth_centre", "https://wiki.openstreetmap.org/wiki/Tag:community_centre=youth_centre", "OpenStreetMap tags: amenity=community_centre, community_centre=youth_centre"},
		{"park", "https://wiki.openstreetmap.org/wiki/Tag:leisure=park", "OpenStreetMap tags: leisure=park"},
	} {
		tm, ok := TermByCategory(tc.category)
		if !ok || tm.TermURI != tc.uri || tm.Description != tc.desc || tm.Term != tc.category {
			t.Errorf("%s: %+v", tc.category, tm)
		}
	}
	if _, ok := CategoryOfTerm(TaxonomyID); ok {
		t.Error("the taxonomy's id is a term")
	}
	s := FromAsset(place.Asset{ID: "x", Name: "X", Category: "library", Geometry: orb.Point{0, 51}})
	if len(s.Attributes) != 1 || s.Attributes[0].TaxonomyTermID != Terms()[0].ID || s.Attributes[0].LinkID != s.ID {
		t.Errorf("a library's attributes: %+v", s.Attributes)
	}
	if u := FromAsset(place.Asset{ID: "y", Name: "Y", Category: "unknown", Geometry: orb.Point{0, 51}}); u.Attributes == nil || len(u.Attributes) != 0 {
		t.Errorf("an unknown category's attributes: %+v", u.Attributes)
	}
}
