package osm

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/testkit"
)

// osmium runs the osmium tool (osmium-tool), failing the test on error.
func osmium(t *testing.T, args ...string) []byte {
	t.Helper()
	out, err := exec.Command("osmium", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("osmium %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// osmiumCounts filters in with each expression in turn (an AND of them;
// -R: the objects carrying the tags, not the nodes and ways they refer
// to) and counts the result's lines of OPL. (osmium fileinfo -e, which
// the library count uses, fails on a file of relations alone: it wants
// node locations for the bounding box.)
func osmiumCounts(t *testing.T, in string, exprs ...string) typeCounts {
	t.Helper()
	dir := t.TempDir()
	for i, e := range exprs {
		out := filepath.Join(dir, "f"+string(rune('a'+i))+".osm")
		osmium(t, "tags-filter", "-R", "-O", in, e, "-o", out)
		in = out
	}
	var c typeCounts
	for _, line := range strings.Split(string(osmium(t, "cat", in, "-f", "opl")), "\n") {
		switch {
		case strings.HasPrefix(line, "n"):
			c[0]++
		case strings.HasPrefix(line, "w"):
			c[1]++
		case strings.HasPrefix(line, "r"):
			c[2]++
		}
	}
	return c
}

// osmiumFileinfo counts the objects of a file with osmium fileinfo -e.
func osmiumFileinfo(t *testing.T, file string) typeCounts {
	t.Helper()
	var info struct {
		Data struct {
			Count struct{ Nodes, Ways, Relations int } `json:"count"`
		} `json:"data"`
	}
	if err := json.Unmarshal(osmium(t, "fileinfo", "-e", "-j", file), &info); err != nil {
		t.Fatal(err)
	}
	c := info.Data.Count
	return typeCounts{c.Nodes, c.Ways, c.Relations}
}

// TestDelawareAgainstOsmium checks what Read keeps from Delaware against
// the osmium tool: the civic objects of every category and the boundary
// relations osmium export can build, with their areas.
func TestDelawareAgainstOsmium(t *testing.T) {
	testkit.Need(t, "osmium", "osmium-tool")
	file := dataPath(t, "delaware-latest.osm.pbf")

	// Libraries, as the data notes count them:
	//   osmium tags-filter -R FILE nwr/amenity=library -o lib.osm
	//   osmium fileinfo -e lib.osm
	libFile := filepath.Join(t.TempDir(), "lib.osm")
	osmium(t, "tags-filter", "-R", "-O", file, "nwr/amenity=library", "-o", libFile)
	lib := osmiumFileinfo(t, libFile)
	_, _, got := readDelawareCivic(t)
	if lib != got["library"] || lib[0]+lib[1]+lib[2] != 35 {
		t.Errorf("libraries: osmium %v, Read %v, data notes 35", lib, got["library"])
	}

	// Every category: its tags ANDed by chained filters, less the more
	// specific categories (amenity=community_centre counts the village
	// halls too). Relations count only as multipolygon or boundary.
	civic := filepath.Join(t.TempDir(), "civic.osm")
	keys := map[string][]string{}
	for _, c := range place.Categories() {
		for k, v := range c.OSM {
			if k == "amenity" || k == "leisure" {
				keys[k] = append(keys[k], v)
			}
		}
	}
	var exprs []string
	for k, vs := range keys {
		sort.Strings(vs)
		exprs = append(exprs, "nwr/"+k+"="+strings.Join(vs, ","))
	}
	sort.Strings(exprs)
	osmium(t, append(append([]string{"tags-filter", "-R", "-O", file}, exprs...), "-o", civic)...)

	want := map[string]typeCounts{}
	for _, c := range place.Categories() {
		var chain []string
		for k, v := range c.OSM {
			chain = append(chain, "nwr/"+k+"="+v)
		}
		sort.Strings(chain)
		want[c.ID] = osmiumCounts(t, civic, chain...) // relations of every type: sites are placed at a member
	}
	for _, c := range place.Categories() {
		for _, d := range place.Categories() {
			if d.ID != c.ID && len(d.OSM) > len(c.OSM) && subset(c.OSM, d.OSM) {
				w := want[c.ID]
				for i := range w {
					w[i] -= want[d.ID][i]
				}
				want[c.ID] = w
			}
		}
		if want[c.ID] == (typeCounts{}) {
			delete(want, c.ID)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("civic objects by category (nodes, ways, relations):\nRead   %v\nosmium %v", got, want)
	}
	if !reflect.DeepEqual(want, delawareCivic) {
		t.Errorf("osmium counts %v; delawareCivic in read_test.go says %v", want, delawareCivic)
	}

	// Boundaries: osmium export builds the areas of the relations whose
	// members are all in the file.
	//   osmium tags-filter FILE r/boundary=administrative -o adm.osm.pbf
	//   osmium export adm.osm.pbf -a type,id -f geojson -o adm.geojson
	dir := t.TempDir()
	adm, out := filepath.Join(dir, "adm.osm.pbf"), filepath.Join(dir, "adm.geojson")
	osmium(t, "tags-filter", "-O", file, "r/boundary=administrative", "-o", adm)
	osmium(t, "export", "-O", adm, "-a", "type,id", "-f", "geojson", "-o", out)
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		t.Fatal(err)
	}
	osmiumArea := map[int64]float64{}
	for _, f := range fc.Features {
		if f.Properties["@type"] == "relation" && f.Properties["boundary"] == "administrative" {
			osmiumArea[int64(f.Properties["@id"].(float64))] = planar.Area(f.Geometry)
		}
	}
	complete, _, _ := delawareBoundaries(t)
	if len(osmiumArea) != len(complete) {
		t.Errorf("osmium export builds %d boundary relations, Read %d", len(osmiumArea), len(complete))
	}
	for _, o := range complete {
		want, ok := osmiumArea[o.ID]
		if !ok {
			t.Errorf("%s: built by Read, not by osmium", o.Ref())
			continue
		}
		if got := planar.Area(o.Geometry); math.Abs(got-want) > 1e-9*want {
			t.Errorf("%s: area %g, osmium %g", o.Ref(), got, want)
		}
	}
}

func subset(a, b map[string]string) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
