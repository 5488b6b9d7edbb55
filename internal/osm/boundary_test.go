package osm

import (
	"reflect"
	"testing"

	"github.com/paulmach/orb"
)

func TestBoundary(t *testing.T) {
	for _, tc := range []struct {
		tags map[string]string
		want bool
	}{
		{map[string]string{"boundary": "administrative", "admin_level": "8"}, true},
		{map[string]string{"boundary": "administrative"}, false}, // no level: a mapping slip
		{map[string]string{"boundary": "political", "name": "Leeds Central"}, true},
		{map[string]string{"place": "suburb", "name": "Headingley"}, true},
		{map[string]string{"place": "quarter"}, true},
		{map[string]string{"place": "neighbourhood"}, true},
		{map[string]string{"place": "city"}, false},
		{map[string]string{"boundary": "protected_area"}, false},
		{nil, false},
	} {
		if got := Boundary(tc.tags); got != tc.want {
			t.Errorf("Boundary(%v) = %v, want %v", tc.tags, got, tc.want)
		}
	}
}

func TestAdminLevel(t *testing.T) {
	for in, want := range map[string]int{"8": 8, "10": 10, " 6 ": 6, "6;8": 6, "4,6": 4, "": 0, "x": 0, "-1": 0} {
		if got := AdminLevel(map[string]string{"admin_level": in}); got != want {
			t.Errorf("AdminLevel(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestToArea(t *testing.T) {
	poly := orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}}
	for _, tc := range []struct {
		name string
		o    Object
		ok   bool
		code string
		nm   string
		prop map[string]any
	}{
		{
			name: "UK ward with a GSS code",
			o: Object{Type: Relation, ID: 123, Geometry: orb.MultiPolygon{poly}, Tags: map[string]string{
				"type": "boundary", "boundary": "administrative", "admin_level": "10", "name": "Headingley & Hyde Park",
				"ref:gss": "E05011380", "wikidata": "Q5690", "source": "OS Boundary-Line"}},
			ok: true, code: "E05011380", nm: "Headingley & Hyde Park",
			prop: map[string]any{"osm_id": "osm:relation/123", "admin_level": 10, "boundary": "administrative", "ref:gss": "E05011380", "wikidata": "Q5690"},
		},
		{
			name: "suburb mapped as a closed way",
			o:    Object{Type: Way, ID: 45, Geometry: poly, Tags: map[string]string{"place": "suburb", "name:en": "Old Town"}},
			ok:   true, code: "osm-way-45", nm: "Old Town",
			prop: map[string]any{"osm_id": "osm:way/45", "place": "suburb"},
		},
		{name: "suburb node", o: Object{Type: Node, ID: 1, Geometry: orb.Point{0, 0}, Tags: map[string]string{"place": "suburb"}}},
		{name: "incomplete relation", o: Object{Type: Relation, ID: 2, Tags: map[string]string{"boundary": "administrative", "admin_level": "2"}}},
		{name: "boundary line", o: Object{Type: Way, ID: 3, Geometry: orb.LineString{{0, 0}, {1, 1}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, ok := ToArea(tc.o)
			if ok != tc.ok {
				t.Fatalf("ok = %v, want %v", ok, tc.ok)
			}
			if !ok {
				return
			}
			if a.Code != tc.code || a.Name != tc.nm || a.Set != "" {
				t.Errorf("code %q, name %q, set %q; want %q, %q, \"\"", a.Code, a.Name, a.Set, tc.code, tc.nm)
			}
			if !reflect.DeepEqual(a.Properties, tc.prop) {
				t.Errorf("properties %v, want %v", a.Properties, tc.prop)
			}
			if err := a.Validate(); err != nil {
				t.Error(err)
			}
		})
	}
}
