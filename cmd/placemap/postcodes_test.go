package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/placemap/placemap/internal/testkit"
)

// TestImportPostcodes: `import postcodes` says the layout and counts and
// the Northern Ireland note; a bad row refuses the file by line, writing
// nothing; --skip-invalid imports the rest and lists it; then an asset
// CSV of postcodes only is placed by them, an unknown one refused by line;
// on both stores.
func TestImportPostcodes(t *testing.T) {
	for _, kind := range []string{"gpkg", "postgis"} {
		t.Run(kind, func(t *testing.T) {
			var loc []string
			if kind == "gpkg" {
				loc = []string{"--data", t.TempDir()}
			} else {
				loc = []string{"--db", testkit.PostGISDatabaseURL(t)}
			}
			onspd := "../../internal/postcode/testdata/onspd.csv"
			code, out, errs := cli(t, append([]string{"import", "postcodes", onspd, "--source", "ONSPD test"}, loc...)...)
			if code != 0 || !strings.Contains(out, "onspd layout, 5 rows read: 4 stored (1 terminated), 1 skipped without a location") ||
				!strings.Contains(out, "licence OGL-UK-3.0") || !strings.Contains(out, "Northern Ireland") {
				t.Fatalf("import onspd: %d %q %q", code, out, errs)
			}
			bad := "../../internal/postcode/testdata/bad.csv"
			code, out, errs = cli(t, append([]string{"import", "postcodes", bad}, loc...)...)
			if code == 0 || !strings.Contains(errs, "line 3") {
				t.Fatalf("bad row: %d %q %q; want refused at line 3", code, out, errs)
			}
			dir := t.TempDir()
			centres := filepath.Join(dir, "centres.csv")
			if err := os.WriteFile(centres, []byte("name,category,postcode\nHeeley Centre,community_centre,s80ab\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			code, out, errs = cli(t, append([]string{"import", "assets", centres}, loc...)...)
			if code != 0 || !strings.Contains(out, "imported 1 assets") {
				t.Fatalf("assets by postcode: %d %q %q", code, out, errs)
			}
			unknown := filepath.Join(dir, "unknown.csv")
			if err := os.WriteFile(unknown, []byte("name,category,postcode\nA,library,S8 0AB\nB,library,S9 9ZZ\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			code, out, errs = cli(t, append([]string{"import", "assets", unknown}, loc...)...)
			if code == 0 || !strings.Contains(errs, "line 3") || !strings.Contains(errs, "S9 9ZZ") {
				t.Fatalf("unknown postcode: %d %q %q", code, out, errs)
			}
			code, out, errs = cli(t, append([]string{"import", "postcodes", "--skip-invalid", bad}, loc...)...)
			if code != 0 || !strings.Contains(out, "1 skipped as invalid") || !strings.Contains(out, "skipped line 3") {
				t.Fatalf("--skip-invalid: %d %q %q", code, out, errs)
			}
		})
	}
}
