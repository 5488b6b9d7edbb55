package tiles

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
)

// TestMarshalPolygonsAsOrb: a layer of polygons with string properties is
// written byte for byte as orb's mvt.Marshal writes it; any other layer
// is left to orb.
func TestMarshalPolygonsAsOrb(t *testing.T) {
	square := orb.Ring{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}
	hole := orb.Ring{{2, 2}, {2, 4}, {4, 4}, {4, 2}, {2, 2}}
	far := orb.Ring{{4000, 4100}, {-64, 4100}, {-64, -64}, {4000, -64}} // open, negative coordinates
	feature := func(id any, g orb.Geometry, props geojson.Properties) *geojson.Feature {
		f := geojson.NewFeature(g)
		f.ID, f.Properties = id, props
		return f
	}
	var many []*geojson.Feature // a layer past 16 KiB: its length takes a 3-byte varint
	for i := range 300 {
		ring := orb.Ring{{0, 0}, {float64(i), 0}, {float64(i), float64(2 * i)}, {-float64(i), 4000}, {0, 0}}
		many = append(many, feature(uint64(i*i), orb.Polygon{ring, hole},
			geojson.Properties{"code": fmt.Sprintf("E%08d", i), "name": strings.Repeat("n", i%200), "set": "oa-2011"}))
	}
	for _, tc := range []struct {
		name     string
		features []*geojson.Feature
		ok       bool
	}{
		{"empty", nil, true},
		{"areas", []*geojson.Feature{
			feature(uint64(7), orb.Polygon{square, hole}, geojson.Properties{"code": "E001", "name": "Crookes", "set": "lsoa-2011"}),
			feature(uint64(300), orb.MultiPolygon{{square}, {far}}, geojson.Properties{"code": "E002", "name": "Crookes", "set": "lsoa-2011"}),
			feature(uint64(1)<<40, orb.Polygon{far}, geojson.Properties{"name": "Ŵales – “quoted”", "set": "lsoa-2011"}),
			feature(uint64(0), orb.Polygon{square}, geojson.Properties{}),
		}, true},
		{"many", many, true},
		{"a point", []*geojson.Feature{feature(uint64(1), orb.Point{1, 2}, geojson.Properties{"name": "x"})}, false},
		{"a number", []*geojson.Feature{feature(uint64(1), orb.Polygon{square}, geojson.Properties{"count": 3})}, false},
		{"an int id", []*geojson.Feature{feature(1, orb.Polygon{square}, geojson.Properties{"name": "x"})}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := &mvt.Layer{Name: "layer", Version: 2, Extent: Extent, Features: tc.features}
			got, ok := marshalPolygons(l)
			if ok != tc.ok {
				t.Fatalf("ok %v, want %v", ok, tc.ok)
			}
			if !ok {
				return
			}
			want, err := mvt.Marshal(mvt.Layers{l})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("bytes differ from orb's:\n got %x\nwant %x", got, want)
			}
		})
	}
}
