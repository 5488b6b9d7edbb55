package osm

import (
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/place"
)

func TestCivic(t *testing.T) {
	for _, tc := range []struct {
		tags map[string]string
		want bool
	}{
		{map[string]string{"amenity": "library"}, true},
		{map[string]string{"amenity": "community_centre", "community_centre": "village_hall"}, true},
		{map[string]string{"amenity": "social_facility", "social_facility": "food_bank"}, true},
		{map[string]string{"amenity": "social_facility", "social_facility": "outreach"}, true},
		{map[string]string{"amenity": "social_facility", "social_facility": "group_home"}, true}, // a social facility of another kind
		{map[string]string{"amenity": "social_centre"}, true},
		{map[string]string{"amenity": "townhall"}, true},
		{map[string]string{"amenity": "arts_centre"}, true},
		{map[string]string{"amenity": "place_of_worship", "religion": "christian"}, true},
		{map[string]string{"amenity": "childcare"}, true},
		{map[string]string{"amenity": "toilets"}, true},
		{map[string]string{"leisure": "park"}, true},
		{map[string]string{"leisure": "playground"}, true},
		{map[string]string{"leisure": "sports_centre"}, true},
		{map[string]string{"leisure": "garden"}, true},
		{map[string]string{"disused:amenity": "library", "name": "Old Library"}, true},
		{map[string]string{"was:amenity": "library", "amenity": "cafe"}, false}, // now a café
		{map[string]string{"amenity": "bench"}, false},
		{map[string]string{"highway": "footway"}, false},
		{nil, false},
	} {
		if got := Civic(tc.tags); got != tc.want {
			t.Errorf("Civic(%v) = %v, want %v", tc.tags, got, tc.want)
		}
	}
}

func TestToAsset(t *testing.T) {
	ts := time.Date(2021, 2, 14, 21, 54, 53, 0, time.UTC)
	pt := orb.Point{-1.5344431, 53.797495}
	square := orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}}
	for _, tc := range []struct {
		name string
		o    Object
		ok   bool
		want place.Asset
	}{
		{
			name: "library node with everything",
			o: Object{Type: Node, ID: 5377558721, Version: 2, Timestamp: ts, Geometry: pt, Center: pt, Tags: map[string]string{
				"amenity": "library", "name": "Leeds Conservatoire Library", "operator": "Leeds Conservatoire",
				"opening_hours": "Mo-Fr 09:00-17:00", "contact:website": "https://example.org", "phone": "+44 113 000 0000",
				"email": "library@example.org", "addr:housenumber": "3", "addr:street": "Quarry Hill", "addr:city": "Leeds",
				"addr:postcode": "LS2 7PD", "wheelchair": "yes", "internet_access": "wlan",
			}},
			ok: true,
			want: place.Asset{
				Name: "Leeds Conservatoire Library", Category: "library", Status: place.Open, Geometry: pt,
				Address: "3 Quarry Hill, Leeds", Postcode: "LS2 7PD", OpeningHours: "Mo-Fr 09:00-17:00",
				Phone: "+44 113 000 0000", Email: "library@example.org", Website: "https://example.org",
				Operator: "Leeds Conservatoire", SourceID: "osm:node/5377558721", Source: "OpenStreetMap", Licence: "ODbL-1.0",
				Attribution: "© OpenStreetMap contributors",
				Tags:        map[string]string{"wheelchair": "yes", "internet_access": "wlan", "osm:version": "2", "osm:timestamp": "2021-02-14T21:54:53Z"},
			},
		},
		{
			name: "village hall keeps its unmapped tags",
			o: Object{Type: Way, ID: 45, Geometry: square, Tags: map[string]string{
				"amenity": "community_centre", "community_centre": "village_hall", "building": "yes", "addr:city": "Ilkley",
			}},
			ok:   true,
			want: place.Asset{Category: "village_hall", Status: place.Open, Geometry: square, SourceID: "osm:way/45", Source: "OpenStreetMap", Licence: "ODbL-1.0", Attribution: "© OpenStreetMap contributors", Tags: map[string]string{"building": "yes", "addr:city": "Ilkley"}},
		},
		{
			name: "community centre of an unknown kind keeps the kind",
			o:    Object{Type: Node, ID: 1, Geometry: pt, Tags: map[string]string{"amenity": "community_centre", "community_centre": "something_else", "name": "Hub"}},
			ok:   true,
			want: place.Asset{Name: "Hub", Category: "community_centre", Status: place.Open, Geometry: pt, SourceID: "osm:node/1", Source: "OpenStreetMap", Licence: "ODbL-1.0", Attribution: "© OpenStreetMap contributors", Tags: map[string]string{"community_centre": "something_else"}},
		},
		{
			name: "disused library is closed",
			o:    Object{Type: Node, ID: 2, Geometry: pt, Tags: map[string]string{"disused:amenity": "library", "name": "Old Library", "addr:full": "Unit 3, 12 High Street, Leeds"}},
			ok:   true,
			want: place.Asset{Name: "Old Library", Category: "library", Status: place.Closed, Geometry: pt, Address: "Unit 3, 12 High Street, Leeds", SourceID: "osm:node/2", Source: "OpenStreetMap", Licence: "ODbL-1.0", Attribution: "© OpenStreetMap contributors"},
		},
		{
			name: "abandoned village hall keeps its kind",
			o:    Object{Type: Node, ID: 3, Geometry: pt, Tags: map[string]string{"abandoned:amenity": "community_centre", "community_centre": "village_hall"}},
			ok:   true,
			want: place.Asset{Category: "village_hall", Status: place.Closed, Geometry: pt, SourceID: "osm:node/3", Source: "OpenStreetMap", Licence: "ODbL-1.0", Attribution: "© OpenStreetMap contributors"},
		},
		{
			name: "opening_hours closed",
			o:    Object{Type: Node, ID: 4, Geometry: pt, Tags: map[string]string{"amenity": "toilets", "opening_hours": "closed"}},
			ok:   true,
			want: place.Asset{Category: "toilets", Status: place.Closed, OpeningHours: "closed", Geometry: pt, SourceID: "osm:node/4", Source: "OpenStreetMap", Licence: "ODbL-1.0", Attribution: "© OpenStreetMap contributors"},
		},
		{
			name: "proposed park",
			o:    Object{Type: Node, ID: 5, Geometry: pt, Tags: map[string]string{"proposed:leisure": "park"}},
			ok:   true,
			want: place.Asset{Category: "park", Status: place.Proposed, Geometry: pt, SourceID: "osm:node/5", Source: "OpenStreetMap", Licence: "ODbL-1.0", Attribution: "© OpenStreetMap contributors"},
		},
		{
			name: "unclosed way becomes its centre",
			o:    Object{Type: Way, ID: 6, Geometry: orb.LineString{{0, 0}, {2, 0}}, Center: orb.Point{1, 0}, Tags: map[string]string{"leisure": "park"}},
			ok:   true,
			want: place.Asset{Category: "park", Status: place.Open, Geometry: orb.Point{1, 0}, SourceID: "osm:way/6", Source: "OpenStreetMap", Licence: "ODbL-1.0", Attribution: "© OpenStreetMap contributors"},
		},
		{name: "no category", o: Object{Type: Node, ID: 7, Geometry: pt, Tags: map[string]string{"amenity": "bench"}}},
		{name: "no geometry", o: Object{Type: Relation, ID: 8, Tags: map[string]string{"amenity": "library"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := ToAsset(tc.o, "OpenStreetMap", "ODbL-1.0", "© OpenStreetMap contributors")
			if ok != tc.ok {
				t.Fatalf("ok = %v, want %v", ok, tc.ok)
			}
			if !ok {
				return
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("ToAsset =\n%+v\nwant\n%+v", got, tc.want)
			}
		})
	}
}

// TestToTagsRoundTrip checks that ToTags gives back the tags ToAsset read,
// but for placemap's own keys and the normalisations docs/osm-tags.md
// lists (contact:* written as the plain key).
func TestToTagsRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name string
		tags map[string]string
		want map[string]string // nil: the same as tags
	}{
		{name: "library", tags: map[string]string{"amenity": "library", "name": "Central Library", "operator": "Leeds City Council",
			"opening_hours": "Mo-Sa 09:00-17:00", "website": "https://leeds.gov.uk", "phone": "0113 378 5005", "email": "a@b.org",
			"addr:housenumber": "12a", "addr:street": "Calverley Street", "addr:city": "Leeds", "addr:postcode": "LS1 3AB",
			"wheelchair": "yes", "building": "yes"}},
		{name: "street without number", tags: map[string]string{"leisure": "park", "name": "Park", "addr:street": "1st Avenue", "addr:city": "Leeds"}},
		{name: "number and city without street stay tags", tags: map[string]string{"amenity": "toilets", "addr:housenumber": "4", "addr:city": "York"}},
		{name: "full address", tags: map[string]string{"amenity": "library", "addr:full": "Flat 2, 10 High Street, Leeds"}},
		{name: "village hall", tags: map[string]string{"amenity": "community_centre", "community_centre": "village_hall", "name": "Hall"}},
		{name: "disused", tags: map[string]string{"disused:amenity": "library", "name": "Old Library"}},
		{name: "disused village hall", tags: map[string]string{"disused:amenity": "community_centre", "community_centre": "village_hall"}},
		{name: "closed by hours", tags: map[string]string{"amenity": "library", "opening_hours": "closed"}},
		{name: "proposed", tags: map[string]string{"proposed:leisure": "playground"}},
		{name: "abandoned written as disused", tags: map[string]string{"abandoned:amenity": "townhall"},
			want: map[string]string{"disused:amenity": "townhall"}},
		{name: "contact keys written plain", tags: map[string]string{"amenity": "library", "contact:website": "https://x.org", "contact:phone": "1", "contact:email": "e@x.org"},
			want: map[string]string{"amenity": "library", "website": "https://x.org", "phone": "1", "email": "e@x.org"}},
		{name: "both keys: the other kept", tags: map[string]string{"amenity": "library", "website": "https://a.org", "contact:website": "https://b.org"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := Object{Type: Node, ID: 9, Version: 3, Timestamp: time.Unix(1e9, 0), Geometry: orb.Point{0, 51}, Tags: tc.tags}
			a, ok := ToAsset(o, "", "", "")
			if !ok {
				t.Fatal("ToAsset refused")
			}
			if a.Tags[KeyVersion] != "3" || a.Tags[KeyTimestamp] != "2001-09-09T01:46:40Z" {
				t.Errorf("tags lack osm:version and osm:timestamp: %v", a.Tags)
			}
			want := tc.want
			if want == nil {
				want = tc.tags
			}
			if got := ToTags(a); !reflect.DeepEqual(got, want) {
				t.Errorf("ToTags(ToAsset(%v)) =\n%v\nwant\n%v", tc.tags, got, want)
			}
		})
	}
}

func TestToTags(t *testing.T) {
	for _, tc := range []struct {
		name string
		a    place.Asset
		want map[string]string
	}{
		{
			name: "asset from a CSV",
			a: place.Asset{Name: "Firth Park Library", Category: "library", Status: place.Open, Address: "443 Firth Park Road, Sheffield",
				Postcode: "S5 6QQ", Tags: map[string]string{"placemap:note": "x", "libraries_hacked:id": "7", KeyVersion: "4", "amenity": "bench"}},
			want: map[string]string{"amenity": "library", "name": "Firth Park Library", "addr:housenumber": "443",
				"addr:street": "Firth Park Road", "addr:city": "Sheffield", "addr:postcode": "S5 6QQ"},
		},
		{
			name: "closed: live tag replaced",
			a:    place.Asset{Category: "park", Status: place.Closed, Tags: map[string]string{"leisure": "park"}},
			want: map[string]string{"disused:leisure": "park"},
		},
		{
			name: "at risk is written open",
			a:    place.Asset{Category: "youth_centre", Status: place.AtRisk},
			want: map[string]string{"amenity": "community_centre", "community_centre": "youth_centre"},
		},
		{
			name: "address that does not parse",
			a:    place.Asset{Category: "food_bank", Address: "c/o St Mary's, Church Lane, Leeds, LS1"},
			want: map[string]string{"amenity": "social_facility", "social_facility": "food_bank", "addr:full": "c/o St Mary's, Church Lane, Leeds, LS1"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ToTags(tc.a); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("ToTags =\n%v\nwant\n%v", got, tc.want)
			}
		})
	}
}

func TestParseAddress(t *testing.T) {
	for _, tc := range []struct {
		in                   string
		number, street, city string
		ok                   bool
	}{
		{"12 High Street, Leeds", "12", "High Street", "Leeds", true},
		{"12a High Street", "12a", "High Street", "", true},
		{"10-12 Briggate, Leeds", "10-12", "Briggate", "Leeds", true},
		{"1st Avenue, Leeds", "", "1st Avenue", "Leeds", true},
		{"High Street", "", "High Street", "", true},
		{"Flat 2, 10 High Street, Leeds", "", "", "", false},
		{", Leeds", "", "", "", false},
		{"12 High Street,", "", "", "", false},
	} {
		n, s, c, ok := parseAddress(tc.in)
		if n != tc.number || s != tc.street || c != tc.city || ok != tc.ok {
			t.Errorf("parseAddress(%q) = %q, %q, %q, %v; want %q, %q, %q, %v", tc.in, n, s, c, ok, tc.number, tc.street, tc.city, tc.ok)
		}
	}
}

// TestTagsDocumented keeps docs/osm-tags.md in step with the tables of
// tags.go and boundary.go.
func TestTagsDocumented(t *testing.T) {
	b, err := os.ReadFile("../../docs/osm-tags.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	quote := func(keys []string) string { return "`" + strings.Join(keys, "`, `") + "`" }
	var rows []string
	for _, f := range fieldTags {
		rows = append(rows, "| `"+f.Field+"` | "+quote(f.Keys)+" | `"+f.Keys[0]+"` |")
	}
	for _, lc := range lifecycles {
		rows = append(rows, "| `"+lc.Prefix+"` | `"+string(lc.Status)+"` |")
	}
	rows = append(rows, "| properties | "+quote(append([]string{"osm_id", "admin_level"}, areaProperties...))+" |")
	for _, k := range []string{keyHouseNumber, keyStreet, keyCity, keyFull, KeyVersion, KeyTimestamp} {
		rows = append(rows, "`"+k+"`")
	}
	for _, p := range internalPrefixes {
		rows = append(rows, "`"+p+"*`")
	}
	rows = append(rows, "| keys | "+quote(otherKeys)+" |")
	var ns []string
	for _, p := range otherPrefixes {
		ns = append(ns, p+"*")
	}
	rows = append(rows, "| namespaces | "+quote(ns)+" |")
	for p := range boundaryPlaces {
		rows = append(rows, "`place="+p+"`")
	}
	for h := range closedHours {
		rows = append(rows, "`opening_hours="+h+"`")
	}
	for _, row := range rows {
		if !strings.Contains(doc, row) {
			t.Errorf("docs/osm-tags.md lacks\n%s", row)
		}
	}
}
