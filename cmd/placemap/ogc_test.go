package main

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/placemap/placemap/internal/testkit"
)

// TestOGCAPIWithGDAL reads the demo's OGC API – Features with GDAL's OAPIF
// driver: every collection with the feature count the API gives
// elsewhere, one copied to a GeoPackage whole, and bbox filters that
// select what GDAL's own spatial filter selects from the source file.
func TestOGCAPIWithGDAL(t *testing.T) {
	ogrinfo := testkit.Need(t, "ogrinfo", "gdal-bin")
	ogr2ogr := testkit.Need(t, "ogr2ogr", "gdal-bin")
	base := serveDemo(t)
	var sets struct {
		Sets []struct {
			Slug      string
			AreaCount int `json:"area_count"`
		}
		Assets struct{ Count int }
	}
	getJSON(t, base+"/api/sets", &sets)
	want := map[string]int{"assets": sets.Assets.Count}
	for _, s := range sets.Sets {
		want[s.Slug] = s.AreaCount
	}

	out, err := exec.Command(ogrinfo, "-ro", "-so", "-al", "OAPIF:"+base+"/ogc").CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo: %v\n%s", err, out)
	}
	got := map[string]int{}
	var layer string
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, "Layer name: "); ok {
			layer = strings.TrimSpace(v)
		}
		if v, ok := strings.CutPrefix(line, "Feature Count: "); ok {
			got[layer], _ = strconv.Atoi(strings.TrimSpace(v))
		}
	}
	if len(got) != len(want) || len(want) < 12 {
		t.Errorf("GDAL lists %d collections, want %d: %v", len(got), len(want), got)
	}
	for id, n := range want {
		if got[id] != n {
			t.Errorf("collection %s: GDAL counts %d features, want %d", id, got[id], n)
		}
	}

	gpkg := filepath.Join(t.TempDir(), "oa.gpkg")
	if out, err := exec.Command(ogr2ogr, "-f", "GPKG", gpkg, "OAPIF:"+base+"/ogc", "oa-2011").CombinedOutput(); err != nil {
		t.Fatalf("ogr2ogr: %v\n%s", err, out)
	}
	out, err = exec.Command(ogrinfo, "-ro", "-so", gpkg, "oa-2011").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Feature Count: 1817") || !strings.Contains(string(out), "Geometry: Multi Polygon") ||
		!regexp.MustCompile(`(?m)^code: String`).Match(out) {
		t.Errorf("the copied GeoPackage: %v\n%s", err, out)
	}

	// bbox selects the areas that meet the box, as GDAL's spatial filter
	// does on the source file.
	src := filepath.Join(testkit.RepoRoot(t), "geodata/sheffield/ons/statistical__eng__lsoa_by_lad__E08000019.json")
	for _, b := range [][4]string{{"-1.50", "53.37", "-1.47", "53.39"}, {"-1.60", "53.30", "-1.40", "53.35"}, {"-1.45", "53.40", "-1.44", "53.41"}} {
		out, err := exec.Command(ogrinfo, "-ro", "-so", "-al", "-spat", b[0], b[1], b[2], b[3], src).CombinedOutput()
		m := regexp.MustCompile(`Feature Count: (\d+)`).FindSubmatch(out)
		if err != nil || m == nil {
			t.Fatalf("ogrinfo -spat on the source: %v\n%s", err, out)
		}
		var page struct{ NumberMatched int }
		getJSON(t, base+"/ogc/collections/lsoa-2011/items?limit=1&bbox="+strings.Join(b[:], ","), &page)
		if strconv.Itoa(page.NumberMatched) != string(m[1]) {
			t.Errorf("bbox %v: %d LSOAs, GDAL's spatial filter on the source file finds %s", b, page.NumberMatched, m[1])
		}
	}

	// Paging by next links visits every feature once.
	seen := map[string]bool{}
	next := base + "/ogc/collections/oa-2011/items?limit=500"
	pages := 0
	for next != "" {
		var page struct {
			Features []struct{ ID string }
			Links    []struct{ Href, Rel string }
			Matched  int `json:"numberMatched"`
			Returned int `json:"numberReturned"`
		}
		getJSON(t, next, &page)
		pages++
		if page.Returned != len(page.Features) || page.Matched != 1817 {
			t.Fatalf("page %d: numberReturned %d for %d features, numberMatched %d", pages, page.Returned, len(page.Features), page.Matched)
		}
		for _, f := range page.Features {
			if seen[f.ID] {
				t.Fatalf("%s seen twice", f.ID)
			}
			seen[f.ID] = true
		}
		next = ""
		for _, l := range page.Links {
			if l.Rel == "next" {
				next = l.Href
			}
		}
	}
	if len(seen) != 1817 || pages != 4 {
		t.Errorf("paged %d features in %d pages, want 1817 in 4", len(seen), pages)
	}

	// The OpenAPI description passes an independent validator.
	testkit.NeedNodeModules(t, "@apidevtools/swagger-parser")
	node := testkit.Need(t, "node", "nodejs")
	if out, err := exec.Command(node, filepath.Join(testkit.RepoRoot(t), "test/js/openapi.mjs"), base+"/ogc/api").CombinedOutput(); err != nil ||
		!strings.Contains(string(out), "valid:") {
		t.Errorf("OpenAPI validation: %v\n%s", err, out)
	}
}
