package place

import (
	"os"
	"sort"
	"strings"
	"testing"
)

func TestCategoryFromTags(t *testing.T) {
	for _, tc := range []struct {
		tags map[string]string
		want string
		ok   bool
	}{
		{map[string]string{"amenity": "library"}, "library", true},
		{map[string]string{"amenity": "community_centre"}, "community_centre", true},
		{map[string]string{"amenity": "community_centre", "community_centre": "village_hall"}, "village_hall", true},
		{map[string]string{"amenity": "community_centre", "community_centre": "family_centre"}, "family_hub", true},
		{map[string]string{"amenity": "community_centre", "community_centre": "something_else"}, "community_centre", true},
		{map[string]string{"amenity": "social_facility", "social_facility": "food_bank"}, "food_bank", true},
		{map[string]string{"leisure": "park", "name": "Meersbrook Park"}, "park", true},
		{map[string]string{"amenity": "bench"}, "", false},
		{nil, "", false},
	} {
		got, ok := CategoryFromTags(tc.tags)
		if got != tc.want || ok != tc.ok {
			t.Errorf("CategoryFromTags(%v) = %q, %v; want %q, %v", tc.tags, got, ok, tc.want, tc.ok)
		}
	}
}

func TestNormalizeCategory(t *testing.T) {
	for in, want := range map[string]string{"Library": "library", "Community Centre": "community_centre",
		"community-centre": "community_centre", "Family Centre": "family_hub", "townhall": "town_hall", "bookshop": ""} {
		got, ok := NormalizeCategory(in)
		if got != want || ok != (want != "") {
			t.Errorf("NormalizeCategory(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

// TestCategoriesDocumented keeps docs/categories.md in step with the list.
func TestCategoriesDocumented(t *testing.T) {
	b, err := os.ReadFile("../../docs/categories.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, c := range Categories() {
		var tags []string
		for k, v := range c.OSM {
			tags = append(tags, k+"="+v)
		}
		sort.Strings(tags)
		row := "| `" + c.ID + "` | " + c.Title + " | `" + strings.Join(tags, "` + `") + "` |"
		if !strings.Contains(doc, row) {
			t.Errorf("docs/categories.md lacks the row\n%s", row)
		}
	}
}
