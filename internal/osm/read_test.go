package osm

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/placemap/placemap/internal/testkit"
)

// The files are real OpenStreetMap data (ODbL), under geodata/osm with
// their SOURCE.txt.
func dataPath(t testing.TB, name string) string {
	t.Helper()
	return filepath.Join(testkit.RepoRoot(t), "geodata", "osm", name)
}

func keepAll(map[string]string) bool { return true }

// readAll reads a file into a slice, failing the test on error.
func readAll(t testing.TB, src Source, name string, opts Options) ([]Object, Stats) {
	t.Helper()
	var objs []Object
	st, err := Read(context.Background(), src, name, opts, func(o Object) error {
		objs = append(objs, o)
		return nil
	})
	if err != nil {
		t.Fatalf("Read %s: %v", name, err)
	}
	if int64(len(objs)) != st.Kept {
		t.Errorf("fn called %d times, Stats.Kept = %d", len(objs), st.Kept)
	}
	return objs, st
}

// typeCounts counts objects by type: [node, way, relation].
type typeCounts [3]int

func (c *typeCounts) add(typ string) {
	switch typ {
	case Node:
		c[0]++
	case Way:
		c[1]++
	case Relation:
		c[2]++
	}
}

// delawareCivic is what Civic keeps from delaware-latest.osm.pbf, by
// category: nodes, ways, relations. Counted with osmium (see
// TestDelawareAgainstOsmium, which checks these live):
//
//	osmium tags-filter -R delaware-latest.osm.pbf nwr/amenity=library -o lib.osm
//	osmium fileinfo -e lib.osm   # 23 nodes, 12 ways, 0 relations
//
// and likewise for each category's tags. Three of the relations are not
// areas (a type=polygon, a type=site and an untyped one): they are placed
// at a point among their members. Delaware's 2016
// data has no community centres, social centres, arts centres, childcare
// or food banks; its one amenity=social_facility (New Castle Senior
// Center) has no social_facility=*, so is the generic category.
var delawareCivic = map[string]typeCounts{
	"social_facility":  {0, 1, 0},
	"library":          {23, 12, 0},
	"town_hall":        {40, 2, 0},
	"place_of_worship": {27, 63, 2},
	"toilets":          {23, 5, 0},
	"park":             {10, 112, 10},
	"playground":       {11, 44, 2},
	"sports_centre":    {1, 4, 0},
	"garden":           {0, 28, 0},
}

func readDelawareCivic(t testing.TB) ([]Object, Stats, map[string]typeCounts) {
	objs, st := readAll(t, File(dataPath(t, "delaware-latest.osm.pbf")), "delaware-latest.osm.pbf", Options{Sites: true})
	got := map[string]typeCounts{}
	for _, o := range objs {
		a, ok := ToAsset(o, "OpenStreetMap", "ODbL-1.0", "© OpenStreetMap contributors")
		if !ok {
			t.Errorf("%s: kept by Civic but ToAsset refuses it (geometry %T)", o.Ref(), o.Geometry)
			continue
		}
		c := got[a.Category]
		c.add(o.Type)
		got[a.Category] = c
	}
	return objs, st, got
}

func TestReadDelawareCivic(t *testing.T) {
	objs, st, got := readDelawareCivic(t)
	if !reflect.DeepEqual(got, delawareCivic) {
		t.Errorf("kept by category (nodes, ways, relations):\n%v\nwant\n%v", got, delawareCivic)
	}
	if lib := got["library"]; lib[0]+lib[1]+lib[2] != 35 {
		t.Errorf("%d libraries, want 35 (SOURCE.txt)", lib[0]+lib[1]+lib[2])
	}
	// The file's own counts, as osmium fileinfo -e gives them.
	if st.Nodes != 723870 || st.Ways != 73144 || st.Relations != 1644 {
		t.Errorf("read %d nodes, %d ways, %d relations; want 723870, 73144, 1644", st.Nodes, st.Ways, st.Relations)
	}
	if st.Bytes != 7812234 || st.Passes != 3 {
		t.Errorf("Bytes %d, Passes %d; want 7812234, 3", st.Bytes, st.Passes)
	}
	if len(st.Incomplete) != 0 {
		t.Errorf("incomplete: %v %v", st.Incomplete, st.Problems)
	}
	if len(st.Skipped) != 0 {
		t.Errorf("skipped %v, want none: the site, polygon and untyped relations are placed at a member", st.Skipped)
	}
	for _, o := range objs {
		if o.Type == Relation && (o.Tags["type"] != "multipolygon" && o.Tags["type"] != "boundary") {
			if _, ok := o.Geometry.(orb.Point); !ok {
				t.Errorf("%s (type=%q): %T, want a Point among its members", o.Ref(), o.Tags["type"], o.Geometry)
			}
		}
	}
	if want := []string{"osm:way/434847837"}; !reflect.DeepEqual(st.Lines, want) {
		t.Errorf("lines %v, want %v", st.Lines, want)
	}

	named := 0
	for _, o := range objs {
		if _, ok := o.Geometry.(orb.Point); o.Type == Node && !ok {
			t.Errorf("%s: geometry %T, want a Point", o.Ref(), o.Geometry)
		}
		if b := o.Geometry.Bound(); !b.Pad(1e-9).Contains(o.Center) {
			t.Errorf("%s: centre %v outside its bound %v", o.Ref(), o.Center, b)
		}
		switch g := o.Geometry.(type) {
		case orb.Polygon:
			if !planar.PolygonContains(g, o.Center) {
				t.Errorf("%s: centre %v is not inside the polygon", o.Ref(), o.Center)
			}
		case orb.MultiPolygon:
			if !planar.MultiPolygonContains(g, o.Center) {
				t.Errorf("%s: centre %v is not inside the multipolygon", o.Ref(), o.Center)
			}
		}
		a, _ := ToAsset(o, "OpenStreetMap", "ODbL-1.0", "© OpenStreetMap contributors")
		if a.Name == "" {
			continue // unnamed toilets and playgrounds: the importer decides
		}
		named++
		if err := a.Validate(); err != nil {
			t.Errorf("%s: %v", o.Ref(), err)
		}
	}
	t.Logf("%d civic objects, %d named", len(objs), named)
}

// delawareBoundaries reads the admin boundary relations of Delaware.
func delawareBoundaries(t testing.TB) (complete, incomplete []Object, st Stats) {
	keep := func(tags map[string]string) bool { return tags["boundary"] == "administrative" }
	objs, st := readAll(t, File(dataPath(t, "delaware-latest.osm.pbf")), "delaware-latest.osm.pbf", Options{Keep: keep})
	for _, o := range objs {
		if o.Type != Relation {
			continue
		}
		if o.Geometry == nil {
			incomplete = append(incomplete, o)
		} else {
			complete = append(complete, o)
		}
	}
	return complete, incomplete, st
}

func TestReadDelawareBoundaries(t *testing.T) {
	complete, incomplete, st := delawareBoundaries(t)
	// 77 boundary=administrative relations (SOURCE.txt; osmium tags-filter
	// -R FILE r/boundary=administrative). Geofabrik's extract keeps every
	// relation touching Delaware but only the ways inside its polygon, so
	// the country, the neighbouring states and their counties lack member
	// ways. osmium export builds the same 45 (TestDelawareAgainstOsmium).
	if len(complete) != 45 || len(incomplete) != 32 {
		t.Errorf("%d complete and %d incomplete boundary relations, want 45 and 32", len(complete), len(incomplete))
	}
	for _, o := range incomplete {
		if why := st.Problems[o.Ref()]; !strings.Contains(why, "member ways are not in the file") {
			t.Errorf("%s (%s): incomplete because %q", o.Ref(), o.Tags["name"], why)
		}
	}
	levels := map[int]int{}
	for _, o := range complete {
		a, ok := ToArea(o)
		if !ok {
			t.Errorf("%s: ToArea refuses it", o.Ref())
			continue
		}
		if err := a.Validate(); err != nil {
			t.Errorf("%s: %v", o.Ref(), err)
		}
		if a.Code != fmt.Sprintf("osm-relation-%d", o.ID) {
			t.Errorf("%s: code %q", o.Ref(), a.Code)
		}
		if a.Name == "" { // relation 4075881, Little Creek, has only place_name
			t.Logf("%s: no name", o.Ref())
		}
		levels[AdminLevel(o.Tags)]++
	}
	if want := map[int]int{4: 1, 6: 3, 8: 40, 10: 1}; !reflect.DeepEqual(levels, want) {
		t.Errorf("complete boundaries by admin_level %v, want %v", levels, want)
	}
}

// TestReadUKClips checks the street-level clips of London and Leeds
// against counts.txt (osmium tags-filter -R, objects carrying the tag).
func TestReadUKClips(t *testing.T) {
	f, err := os.Open(dataPath(t, "uk-clips/counts.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tested := 0
	for sc := bufio.NewScanner(f); sc.Scan(); {
		fields := strings.Fields(sc.Text())
		if len(fields) < 4 {
			continue
		}
		name := fields[0] + ".osm"
		path := dataPath(t, "uk-clips/"+name)
		if _, err := os.Stat(path); err != nil {
			continue // counts.txt lists more clips than the repository keeps
		}
		want := map[string]int{}
		for _, kv := range fields[1:4] {
			k, v, _ := strings.Cut(kv, "=")
			want[k], _ = strconv.Atoi(v)
		}
		t.Run(fields[0], func(t *testing.T) {
			tested++
			for _, value := range []string{"", "library", "community_centre"} {
				keep := func(tags map[string]string) bool {
					return tags["amenity"] != "" && (value == "" || tags["amenity"] == value)
				}
				_, st := readAll(t, File(path), name, Options{Keep: keep})
				key := "amenity"
				if value != "" {
					key = value
				}
				// Relations of other types than multipolygon carry
				// amenity too but have no area: Skipped.
				if got := st.Kept + int64(len(st.Skipped)); got != int64(want[key]) {
					t.Errorf("%s: %d kept + %d skipped, want %d", key, st.Kept, len(st.Skipped), want[key])
				}
				if len(st.Incomplete) != 0 {
					t.Errorf("%s: incomplete %v", key, st.Problems)
				}
			}
		})
	}
	if tested != 3 {
		t.Errorf("tested %d clips, want 3", tested)
	}
}

// TestReadAndorra reads bzip2-compressed XML.
func TestReadAndorra(t *testing.T) {
	keep := func(tags map[string]string) bool {
		return tags["amenity"] == "library" || tags["boundary"] == "administrative"
	}
	objs, st := readAll(t, File(dataPath(t, "andorra-latest.osm.bz2")), "andorra-latest.osm.bz2", Options{Keep: keep})
	if st.Nodes != 203265 || st.Ways != 9080 || st.Relations != 233 {
		t.Errorf("read %d nodes, %d ways, %d relations; want 203265, 9080, 233", st.Nodes, st.Ways, st.Relations)
	}
	var libraries typeCounts
	complete, incomplete := 0, 0
	for _, o := range objs {
		switch {
		case o.Tags["amenity"] == "library":
			libraries.add(o.Type)
		case o.Type != Relation:
			continue // boundary lines
		case o.Geometry == nil:
			incomplete++
		default:
			complete++
			if a, ok := ToArea(o); !ok {
				t.Errorf("%s: ToArea refuses it", o.Ref())
			} else if err := a.Validate(); err != nil {
				t.Errorf("%s: %v", o.Ref(), err)
			}
		}
	}
	// SOURCE.txt: 4 libraries, 40 admin boundary relations, of which 2
	// are type=multilinestring (no area: Skipped) and 38 type=boundary.
	// osmium export builds 11 of those; the others cross into France and
	// Spain, whose ways the extract leaves out.
	if libraries != (typeCounts{4, 0, 0}) {
		t.Errorf("libraries %v, want 4 nodes", libraries)
	}
	if complete != 11 || incomplete != 27 || len(st.Skipped) != 2 {
		t.Errorf("%d complete, %d incomplete, %d skipped boundaries; want 11, 27, 2", complete, incomplete, len(st.Skipped))
	}
}

func TestReadOverpassCenter(t *testing.T) {
	objs, st := readAll(t, File("testdata/overpass_center.json"), "overpass_center.json", Options{Keep: keepAll})
	if st.Passes != 1 || len(objs) != 5 || st.Nodes != 2 || st.Ways != 2 || st.Relations != 1 {
		t.Fatalf("%d passes, %d objects, stats %+v; want 1 pass, 5 objects", st.Passes, len(objs), st)
	}
	for _, o := range objs {
		if p, ok := o.Geometry.(orb.Point); !ok || p != o.Center {
			t.Errorf("%s: geometry %v, centre %v; want a Point at the centre", o.Ref(), o.Geometry, o.Center)
		}
	}
	if got, want := objs[2].Center, (orb.Point{-1.5350081, 53.7962081}); got != want {
		t.Errorf("way centre %v, want %v", got, want)
	}
	a, ok := ToAsset(objs[0], "Overpass", "ODbL-1.0", "© OpenStreetMap contributors")
	if !ok || a.Category != "library" || a.Name != "Leeds Conservatoire Library" || a.SourceID != "osm:node/5377558721" ||
		a.Tags[KeyVersion] != "2" || a.Tags[KeyTimestamp] != "2021-02-14T21:54:53Z" {
		t.Errorf("ToAsset = %+v, %v", a, ok)
	}
}

// TestReadOverpassGeom reads out geom output in one pass and checks it
// against the same objects read from OSM XML in three.
func TestReadOverpassGeom(t *testing.T) {
	objs, st := readAll(t, File("testdata/overpass_geom.json"), "overpass_geom.json", Options{Keep: keepAll})
	if st.Passes != 1 || len(objs) != 5 || len(st.Incomplete) != 0 {
		t.Fatalf("%d passes, %d objects, incomplete %v; want 1 pass, 5 objects", st.Passes, len(objs), st.Problems)
	}
	xmlObjs, xst := readAll(t, File(dataPath(t, "uk-clips/st_georges_cycletrack.osm")), "st_georges_cycletrack.osm", Options{Keep: keepAll})
	if xst.Passes != 3 {
		t.Errorf("XML read in %d passes, want 3", xst.Passes)
	}
	byRef := map[string]Object{}
	for _, o := range xmlObjs {
		byRef[o.Ref()] = o
	}
	shapes := map[string]string{}
	for _, o := range objs {
		x, ok := byRef[o.Ref()]
		if !ok {
			t.Errorf("%s: not read from the XML", o.Ref())
			continue
		}
		shapes[o.Ref()] = shape(o.Geometry)
		if shape(x.Geometry) != shape(o.Geometry) {
			t.Errorf("%s: %s from JSON, %s from XML", o.Ref(), shape(o.Geometry), shape(x.Geometry))
		}
		if a, b := planar.Area(o.Geometry), planar.Area(x.Geometry); math.Abs(a-b) > 1e-12*math.Max(1, math.Abs(a)) {
			t.Errorf("%s: area %g from JSON, %g from XML", o.Ref(), a, b)
		}
	}
	want := map[string]string{
		"osm:node/3306736786":   "Point",
		"osm:way/8614502":       "Polygon(1 rings)",
		"osm:relation/6615153":  "MultiPolygon(1 polygons, 0 holes)", // four outer ways joined
		"osm:relation/10174369": "MultiPolygon(1 polygons, 2 holes)",
		"osm:relation/14884664": "MultiPolygon(1 polygons, 0 holes)",
	}
	if !reflect.DeepEqual(shapes, want) {
		t.Errorf("shapes %v, want %v", shapes, want)
	}
}

func shape(g orb.Geometry) string {
	switch g := g.(type) {
	case orb.Polygon:
		return fmt.Sprintf("Polygon(%d rings)", len(g))
	case orb.MultiPolygon:
		holes := 0
		for _, p := range g {
			holes += len(p) - 1
		}
		return fmt.Sprintf("MultiPolygon(%d polygons, %d holes)", len(g), holes)
	case nil:
		return "nil"
	}
	return g.GeoJSONType()
}

// TestReadOverpassReferences reads Overpass output without geometry (out;
// >; out skel;), which needs the passes PBF and XML need.
func TestReadOverpassReferences(t *testing.T) {
	src := `{"elements": [
  {"type": "node", "id": 1, "lat": 53.80, "lon": -1.55},
  {"type": "node", "id": 2, "lat": 53.80, "lon": -1.54},
  {"type": "node", "id": 3, "lat": 53.81, "lon": -1.54},
  {"type": "node", "id": 4, "lat": 53.81, "lon": -1.55, "tags": {"amenity": "toilets"}},
  {"type": "way", "id": 10, "nodes": [1, 2, 3], "tags": {"leisure": "park", "name": "Half"}},
  {"type": "way", "id": 11, "nodes": [3, 4, 1]},
  {"type": "way", "id": 12, "nodes": [1, 2, 3, 4, 1], "tags": {"amenity": "library", "name": "Square"}},
  {"type": "way", "id": 13, "nodes": [1, 99, 3, 1], "tags": {"amenity": "library", "name": "Gap"}},
  {"type": "relation", "id": 20, "members": [{"type": "way", "ref": 11, "role": "outer"}, {"type": "way", "ref": 10, "role": "outer"},
     {"type": "node", "ref": 4, "role": "label"}], "tags": {"type": "multipolygon", "leisure": "garden"}},
  {"type": "relation", "id": 21, "members": [{"type": "way", "ref": 10, "role": "outer"}], "tags": {"type": "multipolygon", "leisure": "park"}},
  {"type": "area", "id": 3600000020}
]}`
	objs, st := readAll(t, Bytes([]byte(src)), "refs.json", Options{})
	got := map[string]string{}
	for _, o := range objs {
		got[o.Ref()] = shape(o.Geometry)
	}
	want := map[string]string{
		"osm:node/4": "Point", "osm:way/10": "LineString", "osm:way/12": "Polygon(1 rings)", "osm:way/13": "nil",
		"osm:relation/20": "MultiPolygon(1 polygons, 0 holes)", "osm:relation/21": "nil",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("shapes %v, want %v", got, want)
	}
	// The nodes come first and pass 2 finds those of way 11 too: the
	// ways kept use them all. No pass 3.
	if st.Passes != 2 {
		t.Errorf("%d passes, want 2", st.Passes)
	}
	wantProblems := map[string]string{
		"osm:way/13":      "1 of its 4 nodes are not in the file",
		"osm:relation/21": "outer: a chain of 1 ways does not close: it stops at (-1.5400000, 53.8100000), away from its start at (-1.5500000, 53.8000000)",
	}
	if !reflect.DeepEqual(st.Problems, wantProblems) {
		t.Errorf("problems %v, want %v", st.Problems, wantProblems)
	}
}

// TestReadOverpassClipped reads out geom output cut by a bbox, where the
// nodes outside are null.
func TestReadOverpassClipped(t *testing.T) {
	src := `{"elements": [{"type": "way", "id": 5, "nodes": [1, 2, 3, 1],
  "geometry": [{"lat": 53.8, "lon": -1.5}, null, {"lat": 53.9, "lon": -1.4}, {"lat": 53.8, "lon": -1.5}],
  "tags": {"leisure": "park"}}]}`
	objs, st := readAll(t, Bytes([]byte(src)), "clipped.json", Options{})
	if len(objs) != 1 || objs[0].Geometry != nil || !reflect.DeepEqual(st.Incomplete, []string{"osm:way/5"}) {
		t.Errorf("objects %v, incomplete %v; want way 5 without geometry", objs, st.Incomplete)
	}
}

func TestReadBBox(t *testing.T) {
	// Wilmington, Delaware.
	b := orb.Bound{Min: orb.Point{-75.65, 39.70}, Max: orb.Point{-75.45, 39.80}}
	all, _, _ := readDelawareCivic(t)
	objs, st := readAll(t, File(dataPath(t, "delaware-latest.osm.pbf")), "delaware-latest.osm.pbf", Options{BBox: &b, Sites: true})
	if len(objs) == 0 || len(objs) >= len(all) {
		t.Errorf("%d objects in the bbox, want some of the %d", len(objs), len(all))
	}
	for _, o := range objs {
		if !b.Contains(o.Center) {
			t.Errorf("%s: centre %v outside the bbox", o.Ref(), o.Center)
		}
	}
	inside := 0
	for _, o := range all {
		if b.Contains(o.Center) {
			inside++
		}
	}
	if inside != len(objs) {
		t.Errorf("%d objects kept in the bbox, %d of all have their centre in it", len(objs), inside)
	}
	t.Logf("%d of %d civic objects in Wilmington (%d passes)", st.Kept, len(all), st.Passes)
}

func TestReadProgress(t *testing.T) {
	var last [4]Progress
	calls := 0
	_, st := readAll(t, File(dataPath(t, "delaware-latest.osm.pbf")), "delaware-latest.osm.pbf", Options{Progress: func(p Progress) {
		calls++
		if p.Pass < 1 || p.Pass > 3 || p.Objects < last[p.Pass].Objects || p.Bytes < last[p.Pass].Bytes {
			t.Errorf("progress went back: %+v after %+v", p, last[p.Pass])
		}
		last[p.Pass] = p
	}})
	if p := last[1]; p.Bytes != st.Bytes || p.Total != st.Bytes || p.Objects != st.Nodes+st.Ways+st.Relations {
		t.Errorf("pass 1 ended at %+v, want all %d bytes and %d objects", p, st.Bytes, st.Nodes+st.Ways+st.Relations)
	}
	if calls < 10 {
		t.Errorf("%d progress calls, want one every 65,536 objects", calls)
	}
}

// TestReadSiteRelations: a relation that is not an area (a school site of
// a building and a gate) is placed at a point among its members, found in
// later passes; one whose members are all outside the extract is
// incomplete; one with no members at all is skipped.
func TestReadSiteRelations(t *testing.T) {
	src := `<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6">
  <node id="1" lat="53.80" lon="-1.55"/>
  <node id="2" lat="53.80" lon="-1.54"/>
  <node id="3" lat="53.81" lon="-1.54"/>
  <node id="4" lat="53.81" lon="-1.55"/>
  <node id="5" lat="53.82" lon="-1.56"><tag k="barrier" v="gate"/></node>
  <way id="10"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="1"/><tag k="building" v="yes"/></way>
  <relation id="20"><member type="way" ref="10" role="building"/><member type="node" ref="5" role="entrance"/>
    <tag k="type" v="site"/><tag k="amenity" v="community_centre"/><tag k="name" v="Site Centre"/></relation>
  <relation id="21"><member type="way" ref="99" role=""/><tag k="type" v="site"/><tag k="amenity" v="library"/><tag k="name" v="Cut Off"/></relation>
  <relation id="22"><tag k="amenity" v="library"/><tag k="name" v="Empty"/></relation>
</osm>`
	objs, st := readAll(t, Bytes([]byte(src)), "sites.osm", Options{Sites: true})
	got := map[string]orb.Geometry{}
	for _, o := range objs {
		got[o.Ref()] = o.Geometry
	}
	p, ok := got["osm:relation/20"].(orb.Point)
	members := orb.MultiPoint{{-1.55, 53.80}, {-1.54, 53.80}, {-1.54, 53.81}, {-1.55, 53.81}, {-1.56, 53.82}}
	if !ok || !slices.Contains(members, p) {
		t.Errorf("site 20: %v, want a point at one of its members' nodes", got["osm:relation/20"])
	}
	if g, in := got["osm:relation/21"]; !in || g != nil {
		t.Errorf("site 21 (members outside the file): %v, %v; want passed without geometry", g, in)
	}
	if !reflect.DeepEqual(st.Skipped, []string{"osm:relation/22"}) || st.Problems["osm:relation/21"] != "none of its members are in the file" {
		t.Errorf("skipped %v, problems %v", st.Skipped, st.Problems)
	}
	// Without Sites (reading boundaries), they are all skipped.
	if _, st := readAll(t, Bytes([]byte(src)), "sites.osm", Options{}); len(st.Skipped) != 3 {
		t.Errorf("without Sites: skipped %v, want all three", st.Skipped)
	}
}

// TestReadTrim: Trim's tags are what objects come with, and a relation
// whose type it keeps is still built as a multipolygon.
func TestReadTrim(t *testing.T) {
	src := `<osm version="0.6">
<node id="1" lat="0" lon="0"/><node id="2" lat="0" lon="1"/><node id="3" lat="1" lon="1"/>
<way id="10"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="1"/><tag k="natural" v="wood"/><tag k="note" v="long"/></way>
<relation id="20"><member type="way" ref="10" role="outer"/><tag k="type" v="multipolygon"/><tag k="leisure" v="park"/><tag k="fixme" v="x"/></relation>
</osm>`
	trim := func(tags map[string]string) map[string]string {
		out := map[string]string{}
		for _, k := range []string{"natural", "leisure", "type"} {
			if v, ok := tags[k]; ok {
				out[k] = v
			}
		}
		return out
	}
	objs, _ := readAll(t, Bytes([]byte(src)), "trim.osm", Options{Keep: keepAll, Trim: trim})
	if len(objs) != 2 {
		t.Fatalf("%d objects, want the way and the relation", len(objs))
	}
	if w := objs[0]; len(w.Tags) != 1 || w.Tags["natural"] != "wood" {
		t.Errorf("way tags %v, want natural only", w.Tags)
	}
	if r := objs[1]; len(r.Tags) != 2 || r.Tags["fixme"] != "" || r.Geometry == nil {
		t.Errorf("relation tags %v, geometry %v: want leisure and type, a multipolygon", r.Tags, r.Geometry)
	}
}
