package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

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
