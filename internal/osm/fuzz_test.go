package osm

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/testkit"
)

// The readers take files from anyone: whatever the bytes, Read must not
// panic, a refusal must be an EINVALID error naming the file (so that the
// HTTP layer answers 400, not 500), and what it does pass on must be
// usable geometry.

func fuzzRead(t *testing.T, name string, want Format, src []byte) {
	if f, err := formatOf(name, src); err != nil || f != want {
		t.Skip("another format: the other fuzz targets cover it")
	}
	_, err := Read(context.Background(), Bytes(src), name, Options{Keep: keepAll, Sites: true}, func(o Object) error {
		checkFuzzObject(t, o)
		return nil
	})
	if err == nil {
		return
	}
	if code := place.ErrorCode(err); code != place.EINVALID {
		t.Fatalf("error code %q, want %q: %v", code, place.EINVALID, err)
	}
	if !strings.HasPrefix(err.Error(), name+": ") {
		t.Fatalf("error does not start with the file name: %v", err)
	}
}

func checkFuzzObject(t *testing.T, o Object) {
	t.Helper()
	if o.Type != Node && o.Type != Way && o.Type != Relation {
		t.Fatalf("object type %q", o.Type)
	}
	if o.Geometry == nil {
		return
	}
	bad := false
	forEachPoint(o.Geometry, func(p orb.Point) {
		if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.Abs(p[0]) > 180 || math.Abs(p[1]) > 90 {
			bad = true
		}
	})
	if bad {
		t.Fatalf("%s: geometry outside longitude/latitude: %v", o.Ref(), o.Geometry)
	}
	switch g := o.Geometry.(type) {
	case orb.Polygon:
		checkRings(t, o, g)
	case orb.MultiPolygon:
		for _, p := range g {
			checkRings(t, o, p)
		}
	}
}

func checkRings(t *testing.T, o Object, p orb.Polygon) {
	t.Helper()
	for _, r := range p {
		if len(r) < 4 || !r.Closed() {
			t.Fatalf("%s: ring of %d points, closed %v", o.Ref(), len(r), r.Closed())
		}
	}
}

func forEachPoint(g orb.Geometry, fn func(orb.Point)) {
	switch g := g.(type) {
	case orb.Point:
		fn(g)
	case orb.LineString:
		for _, p := range g {
			fn(p)
		}
	case orb.Polygon:
		for _, r := range g {
			for _, p := range r {
				fn(p)
			}
		}
	case orb.MultiPolygon:
		for _, p := range g {
			forEachPoint(p, fn)
		}
	}
}

func FuzzReadXML(f *testing.F) {
	f.Add(readFile(f, "testdata/st_georges_sample.osm"))
	f.Add(readFile(f, dataPath(f, "uk-clips/borough_sausage_links.osm"))[:20_000])
	f.Add([]byte(`<osm version="0.6">
 <node id="1" lat="51.5" lon="-0.1"/><node id="2" lat="51.5" lon="-0.09"/><node id="3" lat="51.51" lon="-0.09"/>
 <node id="4" lat="51.51" lon="-0.1"><tag k="amenity" v="library"/><tag k="name" v="L"/></node>
 <way id="10"><nd ref="1"/><nd ref="2"/><nd ref="3"/><tag k="leisure" v="park"/></way>
 <way id="11"><nd ref="3"/><nd ref="4"/><nd ref="1"/></way>
 <relation id="20"><member type="way" ref="11" role="outer"/><member type="way" ref="10" role=""/>
  <member type="node" ref="4" role="label"/><tag k="type" v="multipolygon"/><tag k="leisure" v="garden"/></relation>
</osm>`))
	f.Add([]byte(`<osm><way id="1"><nd ref="1" lat="1" lon="1"/><nd ref="2" lat="1" lon="2"/><nd ref="3" lat="2" lon="2"/><nd ref="1" lat="1" lon="1"/><tag k="a" v="b"/></way></osm>`))
	f.Fuzz(func(t *testing.T, src []byte) {
		fuzzRead(t, "f.osm", XML, src)
	})
}

func FuzzReadOverpassJSON(f *testing.F) {
	f.Add(readFile(f, "testdata/overpass_center.json"))
	f.Add(readFile(f, "testdata/overpass_geom.json"))
	f.Add([]byte(`{"elements": [{"type": "node", "id": 1, "lat": 1, "lon": 1}, {"type": "node", "id": 2, "lat": 1, "lon": 2},
 {"type": "node", "id": 3, "lat": 2, "lon": 2}, {"type": "way", "id": 4, "nodes": [1, 2, 3, 1], "tags": {"leisure": "park"}},
 {"type": "relation", "id": 5, "members": [{"type": "way", "ref": 4, "role": "inner"}], "tags": {"type": "multipolygon", "a": "b"}}]}`))
	f.Add([]byte(`{"elements": [{"type": "way", "id": 5, "nodes": [1, 2, 3, 1], "geometry": [{"lat": 53.8, "lon": -1.5}, null,
 {"lat": 53.9, "lon": -1.4}, {"lat": 53.8, "lon": -1.5}], "tags": {"leisure": "park"}}], "remark": "x"}`))
	f.Add([]byte(`{"foo": 1}`))
	f.Fuzz(func(t *testing.T, src []byte) {
		fuzzRead(t, "f.json", OverpassJSON, src)
	})
}

func FuzzReadPBF(f *testing.F) {
	pbf := readFile(f, "testdata/st_georges_sample.osm.pbf")
	f.Add(pbf)
	f.Add(pbf[:len(pbf)/2])                            // truncated inside a block
	f.Add(append(append([]byte{}, pbf[:64]...), 0xff)) // a header and a broken blob
	// Small files with dense nodes, ways and relations, valid and
	// breaking each rule of the block check: mutations of them reach the
	// decoder's every index.
	f.Add(testkit.GoodPBF())
	for _, h := range testkit.HostilePBFs() {
		f.Add(h.File)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		fuzzRead(t, "f.osm.pbf", PBF, src)
	})
}
