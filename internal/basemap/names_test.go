package basemap

import (
	"testing"

	"github.com/paulmach/orb"
)

// TestNames: ways of one name within MergeDistance of each other are one
// row; the same name across town is another; a footpath of the same name
// is its own; places are one row each.
func TestNames(t *testing.T) {
	n := NewNamer()
	road := Classify(map[string]string{"highway": "residential"})
	primary := Classify(map[string]string{"highway": "primary"})
	path := Classify(map[string]string{"highway": "footway"})
	// Two stretches of Church Street 150 m apart, and one 5 km away.
	n.Street(road, "Church Street", "", orb.LineString{{-1.500, 53.38}, {-1.498, 53.38}})
	n.Street(primary, "Church Street", "A61", orb.LineString{{-1.4958, 53.38}, {-1.490, 53.38}})
	n.Street(road, "Church Street", "", orb.LineString{{-1.42, 53.38}, {-1.419, 53.38}})
	n.Street(path, "Church Street", "", orb.LineString{{-1.499, 53.3801}, {-1.498, 53.3801}})
	n.Street(road, "", "", orb.LineString{{-1.5, 53.3}, {-1.4, 53.3}}) // unnamed: no row
	n.Place(Classify(map[string]string{"place": "suburb", "name": "Heeley"}), "Heeley", orb.Point{-1.46, 53.36})
	names := n.Names()
	if len(names) != 4 {
		t.Fatalf("%d rows, want 4: %+v", len(names), names)
	}
	merged := names[1] // paths sort before roads
	if merged.Kind != "street" || merged.Name != "Church Street" || merged.Class != "primary" || merged.Ref != "A61" ||
		merged.BBox.Min[0] != -1.500 || merged.BBox.Max[0] != -1.490 || !merged.BBox.Contains(merged.Point) {
		t.Errorf("merged stretch %+v", merged)
	}
	if far := names[2]; far.Class != "residential" || far.BBox.Min[0] != -1.42 || far.Point[0] != -1.4195 {
		t.Errorf("far stretch %+v", far)
	}
	if p := names[0]; p.Class != "footway" || p.Kind != "street" {
		t.Errorf("footpath row %+v", p)
	}
	if pl := names[3]; pl.Kind != "place" || pl.Class != "suburb" || pl.Name != "Heeley" || pl.Point != (orb.Point{-1.46, 53.36}) {
		t.Errorf("place row %+v", pl)
	}
}
