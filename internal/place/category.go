package place

import (
	"sort"
	"strings"
)

// Category is one entry of the controlled list of asset categories. Each id
// is snake_case and maps to the OpenStreetMap tags that describe the same
// kind of place, so assets can be read from and written back to OSM.
type Category struct {
	ID    string            `json:"id"`
	Title string            `json:"title"`
	OSM   map[string]string `json:"osm"` // the tags that mean this category in OSM
}

// categories is the controlled list. Order is the order shown to people.
// The first tag set of each category is the one written back to OSM; the
// table is documented in docs/categories.md.
var categories = []Category{
	{"library", "Library", map[string]string{"amenity": "library"}},
	{"community_centre", "Community centre", map[string]string{"amenity": "community_centre"}},
	{"community_hall", "Community or village hall", map[string]string{"amenity": "community_centre", "community_centre": "community_hall"}},
	{"village_hall", "Village hall", map[string]string{"amenity": "community_centre", "community_centre": "village_hall"}},
	{"family_hub", "Family hub", map[string]string{"amenity": "community_centre", "community_centre": "family_centre"}},
	{"youth_centre", "Youth centre or club", map[string]string{"amenity": "community_centre", "community_centre": "youth_centre"}},
	{"day_centre", "Day centre", map[string]string{"amenity": "social_facility", "social_facility": "day_care"}},
	{"social_facility", "Social facility", map[string]string{"amenity": "social_facility"}},
	{"social_centre", "Social centre", map[string]string{"amenity": "social_centre"}},
	{"food_bank", "Food bank", map[string]string{"amenity": "social_facility", "social_facility": "food_bank"}},
	{"outreach", "Outreach service", map[string]string{"amenity": "social_facility", "social_facility": "outreach"}},
	{"arts_centre", "Arts centre", map[string]string{"amenity": "arts_centre"}},
	{"town_hall", "Town hall", map[string]string{"amenity": "townhall"}},
	{"place_of_worship", "Place of worship", map[string]string{"amenity": "place_of_worship"}},
	{"childcare", "Childcare", map[string]string{"amenity": "childcare"}},
	{"toilets", "Public toilets", map[string]string{"amenity": "toilets"}},
	{"park", "Park", map[string]string{"leisure": "park"}},
	{"playground", "Playground", map[string]string{"leisure": "playground"}},
	{"garden", "Garden", map[string]string{"leisure": "garden"}},
	{"sports_centre", "Sports centre", map[string]string{"leisure": "sports_centre"}},
}

// Categories returns the controlled list of asset categories.
func Categories() []Category {
	out := make([]Category, len(categories))
	copy(out, categories)
	return out
}

// CategoryByID returns the category with the given id.
func CategoryByID(id string) (Category, bool) {
	for _, c := range categories {
		if c.ID == id {
			return c, true
		}
	}
	return Category{}, false
}

// CategoryIDs returns every category id, sorted.
func CategoryIDs() []string {
	ids := make([]string, len(categories))
	for i, c := range categories {
		ids[i] = c.ID
	}
	sort.Strings(ids)
	return ids
}

// CategoryFromTags returns the category whose OSM tags are all present in
// tags, preferring the most specific (most tags) match. ok is false when no
// category matches.
func CategoryFromTags(tags map[string]string) (id string, ok bool) {
	best := -1
	for _, c := range categories {
		match := true
		for k, v := range c.OSM {
			if tags[k] != v {
				match = false
				break
			}
		}
		if match && len(c.OSM) > best {
			best, id, ok = len(c.OSM), c.ID, true
		}
	}
	return id, ok
}

// NormalizeCategory turns free text such as "Community Centre" or
// "community-centre" into a category id, if it names one.
func NormalizeCategory(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.NewReplacer(" ", "_", "-", "_").Replace(s)
	if _, ok := CategoryByID(s); ok {
		return s, true
	}
	switch s {
	case "townhall":
		return "town_hall", true
	case "community_center":
		return "community_centre", true
	case "family_centre", "family_center":
		return "family_hub", true
	case "youth_club":
		return "youth_centre", true
	}
	return "", false
}
