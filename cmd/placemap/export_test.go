package main

import (
	"encoding/xml"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/placemap/placemap/internal/testkit"
)

// TestExportsReadByGDAL writes assets, memberships, a boundary set and a
// crosswalk of the demo in every format, from the CLI and from the API,
// and reads each back with GDAL: the feature counts the API gives, GDAL's
// own GeoPackage validator content, and every source's credit inside.
func TestExportsReadByGDAL(t *testing.T) {
	ogrinfo := testkit.Need(t, "ogrinfo", "gdal-bin")
	validator := "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py"
	if _, err := os.Stat(validator); err != nil {
		if testkit.InCI() {
			t.Fatalf("GDAL's validate_gpkg.py missing (apt-get install python3-gdal): %v", err)
		}
		t.Skipf("SKIP: GDAL's validate_gpkg.py missing (apt-get install python3-gdal)")
	}
	base := serveDemo(t)
	data := t.TempDir()
	if code, _, errs := cli(t, "demo", "--data", data); code != 0 {
		t.Fatal(errs)
	}
	var sets struct {
		Sets []struct {
			Slug      string
			AreaCount int `json:"area_count"`
		}
		Assets struct{ Count int }
	}
	getJSON(t, base+"/api/sets", &sets)
	count := map[string]int{"assets": sets.Assets.Count}
	for _, s := range sets.Sets {
		count[s.Slug] = s.AreaCount
	}
	var crosswalk struct{ Pairs []any }
	getJSON(t, base+"/api/crosswalks/msoa-2011/wards-2019?format=json", &crosswalk)
	dir := t.TempDir()
	for _, tc := range []struct {
		args   []string // CLI
		path   string   // API
		layer  string
		want   int
		credit string
	}{
		{[]string{"assets"}, "/api/export/assets", "assets", count["assets"], "Libraries Hacked"},
		{[]string{"set", "wards-2019"}, "/api/export/sets/wards-2019", "wards-2019", count["wards-2019"], "Office for National Statistics"},
		{[]string{"crosswalk", "msoa-2011", "wards-2019"}, "/api/export/crosswalks/msoa-2011/wards-2019", "crosswalk-msoa-2011-wards-2019", len(crosswalk.Pairs), "Martin Chorley"},
		{[]string{"memberships"}, "/api/export/memberships", "memberships", -1, "Data For Action"},
	} {
		for _, f := range []string{"geojson", "csv", "gpkg", "kml"} {
			t.Run(tc.layer+"."+f, func(t *testing.T) {
				cliFile := filepath.Join(dir, "cli-"+tc.layer+"."+f)
				if code, out, errs := cli(t, append(append([]string{"export"}, tc.args...), "--out", cliFile, "--data", data)...); code != 0 {
					t.Fatalf("export: %d %s %s", code, out, errs)
				}
				apiFile := filepath.Join(dir, "api-"+tc.layer+"."+f)
				res, err := http.Get(base + tc.path + "." + f)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Disposition"), tc.layer+"."+f) {
					t.Fatalf("GET %s.%s: %d %s", tc.path, f, res.StatusCode, res.Header)
				}
				if err := os.WriteFile(apiFile, b, 0o644); err != nil {
					t.Fatal(err)
				}
				var counts []int
				for _, file := range []string{cliFile, apiFile} {
					out, err := exec.Command(ogrinfo, "-ro", "-so", "-al", file).CombinedOutput()
					if err != nil {
						t.Fatalf("ogrinfo %s: %v\n%s", filepath.Base(file), err, out)
					}
					m := regexp.MustCompile(`Feature Count: (\d+)`).FindSubmatch(out)
					if m == nil {
						t.Fatalf("ogrinfo %s: no count\n%s", filepath.Base(file), out)
					}
					n, _ := strconv.Atoi(string(m[1]))
					counts = append(counts, n)
					if f == "gpkg" {
						if out, err := exec.Command("python3", validator, file).CombinedOutput(); err != nil {
							t.Errorf("validate_gpkg.py %s: %v\n%s", filepath.Base(file), err, out)
						}
						out, _ := exec.Command(ogrinfo, "-ro", file, "-sql", "SELECT attribution FROM sources").CombinedOutput()
						if !strings.Contains(string(out), tc.credit) {
							t.Errorf("%s: the sources table lacks %q", filepath.Base(file), tc.credit)
						}
					}
				}
				if counts[0] != counts[1] || (tc.want >= 0 && counts[0] != tc.want) || counts[0] == 0 {
					t.Errorf("GDAL counts %d (CLI) and %d (API) features, want %d", counts[0], counts[1], tc.want)
				}
				text, _ := os.ReadFile(apiFile)
				switch f {
				case "geojson", "kml", "csv":
					if !strings.Contains(string(text), tc.credit) {
						t.Errorf("the %s file lacks the credit %q", f, tc.credit)
					}
				}
				if f == "kml" {
					if err := xml.Unmarshal(text, new(struct{})); err != nil {
						t.Errorf("KML is not well-formed XML: %v", err)
					}
				}
			})
		}
	}
}
