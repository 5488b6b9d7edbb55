package search

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/placemap/placemap/internal/place"
)

func ranked(rs []Result) string {
	var out []string
	for _, r := range rs {
		s := string(r.Kind) + ":" + r.Name
		if r.Set != nil {
			s += "@" + r.Set.Slug
		}
		out = append(out, s)
	}
	return strings.Join(out, ", ")
}

func TestRank(t *testing.T) {
	wards := &SetRef{Slug: "wards-2016", Title: "Wards 2016"}
	old := &SetRef{Slug: "wards-2004", Title: "Wards 2004"}
	all := []Candidate{
		{Kind: Area, Name: "Heeley", Code: "E05010862", Set: wards},
		{Kind: Area, Name: "Heeley", Code: "E05001049", Set: old, Old: true},
		{Kind: Place, ID: "heeley", Name: "Heeley", Also: []string{"Heeley Bottom"}},
		{Kind: PlaceName, ID: "7", Name: "Heeley", Class: "suburb"},
		{Kind: Street, ID: "8", Name: "Heeley Bank Road", Class: "residential"},
		{Kind: Asset, ID: "a1", Name: "Broomhill Library", Category: "library"},
		{Kind: Asset, ID: "a2", Name: "Central Library", Category: "library"},
		{Kind: Asset, ID: "a3", Name: "Upperthorpe Reading Room", Category: "library"},
		{Kind: Asset, ID: "a4", Name: "Heeley Community Centre", Category: "community_centre"},
		{Kind: Asset, ID: "a5", Name: "Zest", Category: "community_centre"},
		{Kind: Asset, ID: "a6", Name: "Café Nova", Category: "social_centre"},
		{Kind: Street, ID: "9", Name: "Broomhill Road", Class: "primary", Also: []string{"A57"}},
	}
	for _, c := range []struct {
		q    string
		want string
	}{
		{"heeley", "area:Heeley@wards-2016, place:Heeley, placename:Heeley, area:Heeley@wards-2004, street:Heeley Bank Road, asset:Heeley Community Centre"},
		{"HEELEY", "area:Heeley@wards-2016, place:Heeley, placename:Heeley, area:Heeley@wards-2004, street:Heeley Bank Road, asset:Heeley Community Centre"},
		{"  heeley bot ", "place:Heeley"},
		{"broom", "street:Broomhill Road, asset:Broomhill Library"},
		{"broomhill lib", "asset:Broomhill Library"},
		{"library", "asset:Central Library, asset:Broomhill Library, asset:Upperthorpe Reading Room"},
		{"community centre", "asset:Heeley Community Centre, asset:Zest"},
		{"E05010862", "area:Heeley@wards-2016"},
		{"e0501", "area:Heeley@wards-2016"},
		{"cafe", "asset:Café Nova"},
		{"CAFÉ nova", "asset:Café Nova"},
		{"a57", "street:Broomhill Road"},
		{"nowhere", ""},
	} {
		q, err := Parse(c.q, 0)
		if err != nil {
			t.Fatalf("%q: %v", c.q, err)
		}
		if got := ranked(Rank(q, all)); got != c.want {
			t.Errorf("%q:\n got %s\nwant %s", c.q, got, c.want)
		}
	}
}

func TestRankScoresFallAndLimitHolds(t *testing.T) {
	cs := []Candidate{{Kind: Asset, Name: "Library A", Category: "library"}, {Kind: Asset, Name: "Library"},
		{Kind: Asset, Name: "Old Library"}, {Kind: Asset, Name: "Reading Room", Category: "library"}}
	q, _ := Parse("library", 3)
	rs := Rank(q, cs)
	if len(rs) != 3 {
		t.Fatalf("limit 3: %d results", len(rs))
	}
	if !slices.IsSortedFunc(rs, func(a, b Result) int { return b.Score - a.Score }) {
		t.Errorf("scores do not fall: %+v", rs)
	}
	if got := fmt.Sprint(rs[0].Standing, rs[1].Standing, rs[2].Standing); got != fmt.Sprint(ExactName, NamePrefix, NameWords) {
		t.Errorf("standings %s", got)
	}
}

func TestParse(t *testing.T) {
	for _, c := range []struct {
		q     string
		limit int
		terms string
		cats  string
		err   bool
	}{
		{"Heeley", 0, "heeley", "", false},
		{"community centre", 5, "community centre", "community_centre", false},
		{"lib", 50, "lib", "library", false},
		{"hall", 1, "hall", "community_hall village_hall town_hall", false},
		{"Café-Nova", 0, "cafe nova", "", false},
		{"", 0, "", "", true},
		{"   ", 0, "", "", true},
		{"--", 0, "", "", true},
		{strings.Repeat("a", 101), 0, "", "", true},
		{strings.Repeat("é", 100), 0, strings.Repeat("e", 100), "", false},
		{"x", 51, "", "", true},
		{"x", -1, "", "", true},
	} {
		q, err := Parse(c.q, c.limit)
		if c.err {
			if place.ErrorCode(err) != place.EINVALID {
				t.Errorf("%q limit %d: %v, want EINVALID", c.q, c.limit, err)
			}
			continue
		}
		if err != nil || strings.Join(q.Terms, " ") != c.terms || strings.Join(q.Categories, " ") != c.cats {
			t.Errorf("%q: %+v %v, want terms %q categories %q", c.q, q, err, c.terms, c.cats)
		}
	}
}
