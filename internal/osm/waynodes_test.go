package osm

import (
	"context"
	"slices"
	"testing"

	"github.com/paulmach/orb"
)

// With WayNodes a way comes with its node ids and as a line in node order,
// closed or not; without it, Nodes stays nil and a closed way is an area.
func TestWayNodes(t *testing.T) {
	const file = `<osm version="0.6">
<node id="1" lat="53.380" lon="-1.470"/><node id="2" lat="53.380" lon="-1.469"/><node id="3" lat="53.381" lon="-1.469"/>
<way id="10"><nd ref="1"/><nd ref="2"/><tag k="highway" v="footway"/></way>
<way id="11"><nd ref="1"/><nd ref="3"/><nd ref="2"/><nd ref="1"/><tag k="highway" v="pedestrian"/><tag k="area" v="yes"/></way>
</osm>`
	tests := []struct {
		wayNodes bool
		nodes    map[int64][]int64
		lines    int
	}{
		{true, map[int64][]int64{10: {1, 2}, 11: {1, 3, 2, 1}}, 2},
		{false, map[int64][]int64{10: nil, 11: nil}, 1},
	}
	for _, tt := range tests {
		opts := Options{Keep: func(tags map[string]string) bool { return tags["highway"] != "" }, WayNodes: tt.wayNodes}
		lines := 0
		_, err := Read(context.Background(), Bytes([]byte(file)), "w.osm", opts, func(o Object) error {
			if !slices.Equal(o.Nodes, tt.nodes[o.ID]) {
				t.Errorf("WayNodes %v: way %d nodes %v, want %v", tt.wayNodes, o.ID, o.Nodes, tt.nodes[o.ID])
			}
			if l, ok := o.Geometry.(orb.LineString); ok {
				lines++
				if o.ID == 11 && l[1] != (orb.Point{-1.469, 53.381}) {
					t.Errorf("way 11 not in node order: %v", l)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if lines != tt.lines {
			t.Errorf("WayNodes %v: %d lines, want %d", tt.wayNodes, lines, tt.lines)
		}
	}
}
