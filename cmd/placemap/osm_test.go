package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/gpkg"
	"github.com/placemap/placemap/internal/testkit"
)

// civicFilter is osmium's spelling of the tags placemap imports as assets.
var civicFilter = []string{
	"nwr/amenity=library,community_centre,social_centre,townhall,arts_centre,place_of_worship,social_facility,childcare,toilets",
	"nwr/leisure=park,playground,sports_centre,garden",
}

// osmiumCount counts the objects of file that carry the filter's tags,
// with osmium, an independent reader.
func osmiumCount(t *testing.T, file string, filter ...string) int {
	t.Helper()
	osmium := testkit.Need(t, "osmium", "osmium-tool")
	out := filepath.Join(t.TempDir(), "filtered.osm.pbf")
	args := append([]string{"tags-filter", "-R", "-O", file}, filter...)
	if b, err := exec.Command(osmium, append(args, "-o", out)...).CombinedOutput(); err != nil {
		t.Fatalf("osmium tags-filter: %v %s", err, b)
	}
	total := 0
	for _, what := range []string{"nodes", "ways", "relations"} {
		b, err := exec.Command(osmium, "fileinfo", "-e", "-g", "data.count."+what, out).Output()
		if err != nil {
			t.Fatalf("osmium fileinfo: %v", err)
		}
		n, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil {
			t.Fatalf("osmium fileinfo %s: %q", what, b)
		}
		total += n
	}
	return total
}

// TestImportOSMCountsMatchOsmium: every object osmium finds with the civic
// tags becomes an asset, or is reported as cut by the extract's edge.
func TestImportOSMCountsMatchOsmium(t *testing.T) {
	root := testkit.RepoRoot(t)
	for _, tc := range []struct{ file, check string }{
		{"geodata/osm/delaware-latest.osm.pbf", "library 35"},
		{"geodata/osm/uk-clips/borough_sausage_links.osm", "library 2"},
		{"geodata/osm/uk-clips/leeds_cycleway.osm", "library 1"},
		{"geodata/osm/uk-clips/st_georges_cycletrack.osm", "arts_centre 1"},
	} {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			file := filepath.Join(root, tc.file)
			want := osmiumCount(t, file, civicFilter...)
			code, out, errs := cli(t, "import", "osm", file, "--data", t.TempDir())
			if code != 0 {
				t.Fatalf("import osm: %d %s", code, errs)
			}
			imported := atoiMatch(t, out, `imported (\d+) assets`)
			left := 0
			for _, re := range []string{`(\d+) objects left out`, `(\d+) relations left out`} {
				if m := regexp.MustCompile(re).FindStringSubmatch(out); m != nil {
					n, _ := strconv.Atoi(m[1])
					left += n
				}
			}
			if imported+left != want {
				t.Errorf("placemap imported %d and left out %d; osmium finds %d objects with the same tags\n%s", imported, left, want, out)
			}
			if !strings.Contains(out, tc.check) {
				t.Errorf("output lacks %q:\n%s", tc.check, out)
			}
			t.Logf("%s: osmium %d, placemap %d imported + %d left out with the reason said", filepath.Base(tc.file), want, imported, left)
		})
	}
}

func atoiMatch(t *testing.T, s, re string) int {
	t.Helper()
	m := regexp.MustCompile(re).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no %q in %q", re, s)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// TestImportOSMFilters: --categories and --bbox narrow what is imported,
// and the libraries then answer /api/assets?category=library's question.
func TestImportOSMFilters(t *testing.T) {
	file := filepath.Join(testkit.RepoRoot(t), "geodata/osm/delaware-latest.osm.pbf")
	code, out, errs := cli(t, "import", "osm", file, "--categories", "library", "--data", t.TempDir())
	if code != 0 || !strings.Contains(out, "imported 35 assets") || !strings.Contains(out, "library 35") {
		t.Errorf("--categories library: %d %q %q", code, out, errs)
	}
	// Wilmington, the north of the state.
	code, out, errs = cli(t, "import", "osm", file, "--categories", "library", "--bbox", "-75.65,39.65,-75.45,39.85", "--data", t.TempDir())
	n := atoiMatch(t, out, `imported (\d+) assets`)
	if code != 0 || n == 0 || n >= 35 {
		t.Errorf("--bbox: %d assets (%q %q), want some but not all 35", n, out, errs)
	}
	code, _, errs = cli(t, "import", "osm", file, "--categories", "bookshop", "--data", t.TempDir())
	if code == 0 || !strings.Contains(errs, "bookshop") {
		t.Errorf("unknown category: %d %q", code, errs)
	}
}

// TestImportOSMBadFilesWriteNothing: a truncated PBF, malformed XML and
// JSON that is not Overpass are refused with the file named, and nothing
// is written.
func TestImportOSMBadFilesWriteNothing(t *testing.T) {
	root := testkit.RepoRoot(t)
	pbf, err := os.ReadFile(filepath.Join(root, "geodata/osm/delaware-latest.osm.pbf"))
	if err != nil {
		t.Fatal(err)
	}
	xml, err := os.ReadFile(filepath.Join(root, "geodata/osm/uk-clips/leeds_cycleway.osm"))
	if err != nil {
		t.Fatal(err)
	}
	data, dir := t.TempDir(), t.TempDir()
	if code, _, errs := cli(t, "import", "set", write(t, dir, "wards.geojson", wardsOK), "--slug", "wards", "--title", "Wards", "--data", data); code != 0 {
		t.Fatal(errs)
	}
	for _, tc := range []struct{ name, content string }{
		{"truncated.osm.pbf", string(pbf[:len(pbf)/2])},
		{"malformed.osm", string(xml[:len(xml)/2])},
		{"notoverpass.json", `{"foo": 1}`},
		{"array.json", `[1, 2, 3]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := snapshot(t, data)
			code, _, errs := cli(t, "import", "osm", write(t, dir, tc.name, tc.content), "--data", data)
			if code == 0 || !strings.Contains(errs, tc.name) {
				t.Errorf("exit %d, error %q: want failure naming the file", code, errs)
			}
			if after := snapshot(t, data); after != before {
				t.Errorf("store changed: %q → %q", before, after)
			}
		})
	}
}

// TestConflateAndContributeBack conflates the Leeds clip with assets
// entered by hand, then writes what OSM lacks as osmChange and JOSM files
// that osmium reads and finds whole.
func TestConflateAndContributeBack(t *testing.T) {
	osmium := testkit.Need(t, "osmium", "osmium-tool")
	root := testkit.RepoRoot(t)
	clip := filepath.Join(root, "geodata/osm/uk-clips/leeds_cycleway.osm")
	data, dir := t.TempDir(), t.TempDir()
	// By hand: the conservatoire's library 25 m off with a shorter name (the
	// same place); a community centre OSM lacks; a hall under a licence that
	// may not go to OSM; a hall's site polygon OSM lacks; and a garden near
	// the clip's edge, where OSM may have it beyond the clip (its 500 m
	// radius reaches outside), so nothing says OSM lacks it.
	hand := `{"type":"FeatureCollection","features":[
	 {"type":"Feature","properties":{"name":"Conservatoire Library","category":"library","licence":"OGL-UK-3.0","attribution":"Leeds survey"},"geometry":{"type":"Point","coordinates":[-1.5341,53.7976]}},
	 {"type":"Feature","properties":{"name":"Mabgate Community Centre","category":"community_centre","licence":"own-survey","opening_hours":"Mo-Fr 09:00-17:00"},"geometry":{"type":"Point","coordinates":[-1.5300,53.8000]}},
	 {"type":"Feature","properties":{"name":"Quarry Hill Hall","category":"community_hall","licence":"CC-BY-4.0"},"geometry":{"type":"Point","coordinates":[-1.5310,53.7990]}},
	 {"type":"Feature","properties":{"name":"Lady Lane Garden","category":"garden","licence":"CC0-1.0"},"geometry":{"type":"Polygon","coordinates":[[[-1.5400,53.7950],[-1.5395,53.7950],[-1.5395,53.7953],[-1.5400,53.7953],[-1.5400,53.7950]]]}},
	 {"type":"Feature","properties":{"name":"Regent Street Hall","category":"community_hall","licence":"CC0-1.0"},"geometry":{"type":"Polygon","coordinates":[[[-1.5322,53.8029],[-1.5318,53.8029],[-1.5318,53.8032],[-1.5322,53.8032],[-1.5322,53.8029]]]}}]}`
	if code, out, errs := cli(t, "import", "assets", write(t, dir, "hand.geojson", hand), "--data", data); code != 0 {
		t.Fatalf("import: %d %s %s", code, out, errs)
	}
	report := filepath.Join(dir, "report.csv")
	code, out, errs := cli(t, "conflate", "osm", clip, "--report", report, "--data", data)
	if code != 0 {
		t.Fatalf("conflate: %d %s", code, errs)
	}
	if !strings.Contains(out, "1 matched, 19 only in OSM, 3 only here, 0 ambiguous") ||
		!strings.Contains(out, "warning: leeds_cycleway.osm covers 4 of the 5 assets here (80% overlap; the extent of its data: -1.5408,53.7932,-1.5267,53.8063)") {
		t.Errorf("conflation summary: %s", out)
	}
	b, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	for _, want := range []string{
		"matched,distance and name,", "Conservatoire Library,library,osm:node/5377558721,Leeds Conservatoire Library,library",
		"only_local,,", "Mabgate Community Centre", "only_osm,,",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("report lacks %q:\n%s", want, text)
		}
	}

	osc := filepath.Join(dir, "out.osc")
	code, out, errs = cli(t, "export", "osmchange", "--osm", clip, "--out", osc, "--data", data)
	if code != 0 || !strings.Contains(out, "6 objects to create, 0 to modify; 2 assets offered, 1 blocked, 2 left out, 0 in OSM already") ||
		!strings.Contains(out, "blocked Quarry Hill Hall") || !strings.Contains(out, "left out Lady Lane Garden") || !strings.Contains(out, "left out Conservatoire Library") {
		t.Fatalf("export osmchange: %d %q %q", code, out, errs)
	}
	oscText, _ := os.ReadFile(osc)
	for _, want := range []string{`<create>`, `id="-1"`, `<tag k="name" v="Mabgate Community Centre"/>`, `<tag k="amenity" v="community_centre"/>`,
		`<tag k="name" v="Regent Street Hall"/>`, `<nd ref=`} {
		if !strings.Contains(string(oscText), want) {
			t.Errorf("osmChange lacks %s:\n%s", want, oscText)
		}
	}
	if strings.Contains(string(oscText), "Conservatoire Library") || strings.Contains(string(oscText), "Quarry Hill") || strings.Contains(string(oscText), "Lady Lane") {
		t.Errorf("osmChange offers what OSM has or what may not go:\n%s", oscText)
	}
	josm, repFile := filepath.Join(dir, "out.osm"), filepath.Join(dir, "report.json")
	if code, out, errs := cli(t, "export", "josm", "--osm", clip, "--out", josm, "--report", repFile, "--data", data); code != 0 {
		t.Fatalf("export josm: %d %q %q", code, out, errs)
	}
	var rep struct {
		Format  string
		Summary struct{ Offered, Blocked int }
		LeftOut []struct{ Name, Reason string } `json:"left_out"`
	}
	if b, err := os.ReadFile(repFile); err != nil || json.Unmarshal(b, &rep) != nil || rep.Format != "josm" || rep.Summary.Offered != 2 ||
		rep.Summary.Blocked != 1 || len(rep.LeftOut) != 2 || !strings.Contains(rep.LeftOut[1].Reason, "no conflation has covered its area") {
		t.Errorf("--report: %+v %v", rep, err)
	}
	for _, f := range []string{osc, josm} {
		if b, err := exec.Command(osmium, "fileinfo", "-e", f).CombinedOutput(); err != nil {
			t.Errorf("osmium fileinfo -e %s: %v\n%s", filepath.Base(f), err, b)
		}
	}
	if b, err := exec.Command(osmium, "check-refs", josm).CombinedOutput(); err != nil {
		t.Errorf("osmium check-refs: %v\n%s", err, b)
	}

	// An asset that came from OSM and was corrected here goes back as a
	// modify, with its OSM version and full tags.
	data2 := t.TempDir()
	if code, _, errs := cli(t, "import", "osm", clip, "--categories", "library", "--data", data2); code != 0 {
		t.Fatal(errs)
	}
	st, err := gpkgOpen(data2)
	if err != nil {
		t.Fatal(err)
	}
	lib, err := st.Asset(context.Background(), libraryID(t, st))
	if err != nil {
		t.Fatal(err)
	}
	lib.OpeningHours = "Mo-Fr 09:00-18:00"
	if _, err := st.UpdateAsset(context.Background(), lib, lib.Version); err != nil {
		t.Fatal(err)
	}
	st.Close()
	code, out, errs = cli(t, "export", "osmchange", "--out", osc, "--data", data2)
	oscText, _ = os.ReadFile(osc)
	if code != 0 || !strings.Contains(out, "0 objects to create, 1 to modify; 1 assets offered") ||
		!strings.Contains(string(oscText), `<node id="5377558721" version="2"`) ||
		!strings.Contains(string(oscText), `<tag k="opening_hours" v="Mo-Fr 09:00-18:00"/>`) ||
		!strings.Contains(string(oscText), `<tag k="operator" v="Leeds Conservatoire"/>`) {
		t.Errorf("modify: %d %q %q\n%s", code, out, errs, oscText)
	}
	if b, err := exec.Command(osmium, "fileinfo", "-e", osc).CombinedOutput(); err != nil {
		t.Errorf("osmium fileinfo -e (modify): %v\n%s", err, b)
	}
}

func gpkgOpen(dir string) (*store.DB, error) { return gpkg.Open(context.Background(), dir) }

func libraryID(t *testing.T, st *store.DB) string {
	t.Helper()
	page, err := st.Assets(context.Background(), store.AssetQuery{Category: "library"})
	if err != nil || len(page.Assets) != 1 {
		t.Fatalf("libraries: %v %v", page.Assets, err)
	}
	return page.Assets[0].ID
}

// TestImportOSMBoundaries builds a boundary set from Delaware's
// administrative boundaries at admin_level 8 (towns); those the extract
// cuts through are left out and said so.
func TestImportOSMBoundaries(t *testing.T) {
	file := filepath.Join(testkit.RepoRoot(t), "geodata/osm/delaware-latest.osm.pbf")
	data := t.TempDir()
	if code, _, errs := cli(t, "import", "osm", file, "--categories", "library", "--data", data); code != 0 {
		t.Fatal(errs)
	}
	code, out, errs := cli(t, "import", "osm", file, "--boundaries", "--admin-level", "8", "--slug", "de-towns", "--title", "Delaware towns", "--data", data)
	if code != 0 {
		t.Fatalf("boundaries: %d %s %s", code, out, errs)
	}
	n := atoiMatch(t, out, `imported de-towns: (\d+) boundaries`)
	if want := osmiumAreas(t, file, "8"); n != want {
		t.Errorf("%d town boundaries; osmium export builds %d areas from the same tags:\n%s", n, want, out)
	}
	if m := atoiMatch(t, out, `(\d+) asset memberships`); m == 0 {
		t.Errorf("no library placed in a town:\n%s", out)
	}
	code, out, _ = cli(t, "sets", "--data", data)
	if code != 0 || !strings.Contains(out, "de-towns") || !strings.Contains(out, "statutory") {
		t.Errorf("sets: %s", out)
	}
}

// osmiumAreas counts the administrative areas at adminLevel that osmium
// export builds from a file (closed ways and multipolygon relations).
func osmiumAreas(t *testing.T, file, adminLevel string) int {
	t.Helper()
	osmium := testkit.Need(t, "osmium", "osmium-tool")
	dir := t.TempDir()
	adm, lvl, seq := filepath.Join(dir, "adm.pbf"), filepath.Join(dir, "lvl.pbf"), filepath.Join(dir, "areas.geojsonseq")
	for _, args := range [][]string{
		{"tags-filter", "-O", file, "wr/boundary=administrative", "-o", adm},
		{"tags-filter", "-O", adm, "wr/admin_level=" + adminLevel, "-o", lvl},
		{"export", "-O", lvl, "-f", "geojsonseq", "-o", seq},
	} {
		if b, err := exec.Command(osmium, args...).CombinedOutput(); err != nil {
			t.Fatalf("osmium %v: %v %s", args, err, b)
		}
	}
	b, err := os.ReadFile(seq)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimLeft(line, "\x1e")
		var f struct {
			Geometry   struct{ Type string }
			Properties map[string]any
		}
		if line == "" || json.Unmarshal([]byte(line), &f) != nil {
			continue
		}
		if (f.Geometry.Type == "Polygon" || f.Geometry.Type == "MultiPolygon") && f.Properties["admin_level"] == adminLevel && f.Properties["boundary"] == "administrative" {
			n++
		}
	}
	return n
}
