package basemap

import (
	"fmt"
	"testing"

	"github.com/paulmach/orb"
)

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		tags        map[string]string
		layer, cls  string
		road        string
		area        bool
		minZoomUpTo int
	}{
		{map[string]string{"highway": "motorway"}, Roads, "motorway", "motorway", false, 6},
		{map[string]string{"highway": "trunk_link"}, Roads, "trunk", "trunk", false, 10},
		{map[string]string{"highway": "primary", "name": "Ecclesall Road"}, Roads, "primary", "primary", false, 8},
		{map[string]string{"highway": "secondary_link"}, Roads, "secondary", "secondary", false, 12},
		{map[string]string{"highway": "tertiary"}, Roads, "tertiary", "tertiary", false, 10},
		{map[string]string{"highway": "residential"}, Roads, "minor", "residential", false, 12},
		{map[string]string{"highway": "living_street"}, Roads, "minor", "living_street", false, 12},
		{map[string]string{"highway": "service"}, Roads, "service", "service", false, 14},
		{map[string]string{"highway": "footway"}, Paths, "footway", "footway", false, 14},
		{map[string]string{"highway": "cycleway"}, Paths, "cycleway", "cycleway", false, 14},
		{map[string]string{"highway": "steps"}, Paths, "steps", "steps", false, 15},
		{map[string]string{"highway": "bridleway"}, Paths, "bridleway", "bridleway", false, 14},
		{map[string]string{"highway": "pedestrian"}, Paths, "pedestrian", "pedestrian", false, 14},
		{map[string]string{"highway": "path"}, Paths, "path", "path", false, 14},
		{map[string]string{"highway": "bus_stop"}, "", "", "", false, 0},
		{map[string]string{"highway": "pedestrian", "area": "yes"}, "", "", "", false, 0},
		{map[string]string{"railway": "rail"}, Railways, "rail", "", false, 8},
		{map[string]string{"railway": "tram"}, Railways, "tram", "", false, 12},
		{map[string]string{"railway": "rail", "service": "siding"}, "", "", "", false, 0},
		{map[string]string{"railway": "abandoned"}, "", "", "", false, 0},
		{map[string]string{"waterway": "river", "name": "Don"}, Waterways, "river", "", false, 8},
		{map[string]string{"waterway": "stream"}, Waterways, "stream", "", false, 13},
		{map[string]string{"natural": "coastline"}, Waterways, "coastline", "", false, 0},
		{map[string]string{"waterway": "riverbank"}, Water, "riverbank", "", true, 8},
		{map[string]string{"natural": "water", "water": "lake"}, Water, "water", "", true, 8},
		{map[string]string{"landuse": "reservoir"}, Water, "reservoir", "", true, 8},
		{map[string]string{"leisure": "park", "name": "Weston Park"}, Landuse, "park", "", true, 9},
		{map[string]string{"landuse": "forest"}, Landuse, "wood", "", true, 8},
		{map[string]string{"natural": "wood"}, Landuse, "wood", "", true, 8},
		{map[string]string{"landuse": "grass"}, Landuse, "grass", "", true, 11},
		{map[string]string{"landuse": "recreation_ground"}, Landuse, "grass", "", true, 11},
		{map[string]string{"building": "yes"}, Buildings, "building", "", true, 14},
		{map[string]string{"building": "no"}, "", "", "", false, 0},
		{map[string]string{"highway": "residential", "building": "yes"}, Roads, "minor", "residential", false, 12},
		{map[string]string{"place": "city", "name": "Sheffield"}, Places, "city", "", false, 4},
		{map[string]string{"place": "suburb", "name": "Heeley"}, Places, "suburb", "", false, 11},
		{map[string]string{"place": "neighbourhood", "name": "Meersbrook"}, Places, "neighbourhood", "", false, 14},
		{map[string]string{"place": "hamlet", "name": "Ringinglow"}, Places, "hamlet", "", false, 13},
		{map[string]string{"place": "village"}, "", "", "", false, 0}, // no name, nothing to label
		{map[string]string{"amenity": "library"}, "", "", "", false, 0},
	} {
		k := Classify(tc.tags)
		if k.Layer != tc.layer || k.Class != tc.cls || k.Road != tc.road || k.Area != tc.area || k.MinZoom > tc.minZoomUpTo {
			t.Errorf("Classify(%v) = %+v, want %s %s road %q area %v, min zoom ≤ %d", tc.tags, k, tc.layer, tc.cls, tc.road, tc.area, tc.minZoomUpTo)
		}
		if Keep(tc.tags) != (tc.layer != "") {
			t.Errorf("Keep(%v) = %v", tc.tags, Keep(tc.tags))
		}
	}
}

// TestFeatures: an object is stored in each band from the one of its first
// zoom on, simplified less in deeper bands; what does not fit its kind, or
// is under a pixel in a band, is left out there.
func TestFeatures(t *testing.T) {
	var wiggly orb.LineString
	for i := 0; i <= 200; i++ {
		dy := 0.00001 * float64(i%2)
		wiggly = append(wiggly, orb.Point{-1.5 + 0.0001*float64(i), 53.8 + dy})
	}
	tiny := orb.Polygon{{{-1.5, 53.8}, {-1.49999, 53.8}, {-1.49999, 53.80001}, {-1.5, 53.8}}}
	for _, tc := range []struct {
		name  string
		kind  Kind
		g     orb.Geometry
		bands []int
	}{
		{"a primary road from band 0", Classify(map[string]string{"highway": "primary"}), wiggly, []int{0, 1, 2, 3}},
		{"a residential street from band 2", Classify(map[string]string{"highway": "residential"}), wiggly, []int{2, 3}},
		{"a closed way as a line", Classify(map[string]string{"highway": "service"}), orb.Polygon{{{0, 0}, {0.01, 0}, {0.01, 0.01}, {0, 0}}}, []int{3}},
		{"a point is no road", Classify(map[string]string{"highway": "primary"}), orb.Point{0, 0}, nil},
		{"a line is no park", Classify(map[string]string{"leisure": "park"}), wiggly, nil},
		{"a tiny building only where it can be seen", Classify(map[string]string{"building": "yes"}), tiny, []int{3}},
		{"a closed way of two nodes is no building", Classify(map[string]string{"building": "yes"}), orb.Polygon{{{0, 0}, {0.01, 0}, {0, 0}}}, nil},
		{"a hole of two nodes is dropped", Classify(map[string]string{"building": "yes"}), orb.Polygon{{{0, 0}, {0.01, 0}, {0.01, 0.01}, {0, 0}}, {{0.001, 0.001}, {0.001, 0.002}, {0.001, 0.001}}}, []int{3}},
		{"a city in every band", Classify(map[string]string{"place": "city", "name": "Leeds"}), orb.Point{-1.5, 53.8}, []int{0, 1, 2, 3}},
	} {
		fs := Features(tc.kind, "", "", tc.g)
		var bands []int
		for _, f := range fs {
			for b := f.Band; b <= f.LastBand; b++ {
				bands = append(bands, b)
			}
			if f.Layer != tc.kind.Layer || f.MinZoom < tc.kind.MinZoom || f.MinZoom > Bands[f.Band].Max {
				t.Errorf("%s: feature %+v", tc.name, f)
			}
		}
		if fmt.Sprint(bands) != fmt.Sprint(tc.bands) {
			t.Errorf("%s: bands %v, want %v", tc.name, bands, tc.bands)
		}
		if tc.name == "a hole of two nodes is dropped" && len(fs[0].Geometry.(orb.Polygon)) != 1 {
			t.Errorf("the hole of two nodes is kept: %v", fs[0].Geometry)
		}
		if tc.name == "a city in every band" && len(fs) != 1 {
			t.Errorf("a city: %d rows, want one serving every band", len(fs))
		}
		if tc.name == "a primary road from band 0" {
			if n0, n3 := len(fs[0].Geometry.(orb.LineString)), len(fs[len(fs)-1].Geometry.(orb.LineString)); n0 >= n3 || n3 != len(wiggly) {
				t.Errorf("band 0 keeps %d points, band 3 %d of %d: want fewer at low zoom, all at the deepest", n0, n3, len(wiggly))
			}
		}
	}
}

func TestBandOf(t *testing.T) {
	for z, want := range map[int]int{0: 0, 8: 0, 9: 1, 11: 1, 12: 2, 13: 2, 14: 3, 16: 3, 22: 3} {
		if got := BandOf(z); got != want {
			t.Errorf("BandOf(%d) = %d, want %d", z, got, want)
		}
	}
}
