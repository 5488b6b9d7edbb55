package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/placemap/placemap/internal/testkit"
)

// TestCLIRefusesHostilePBFs: import osm and conflate osm refuse a PBF file
// whose data would make the PBF decoder panic (plain nodes, a string index
// out of range, arrays of unequal length) with exit status 1 and a
// message naming the file and the block, writing nothing. The commands
// run in this test process: a panic in the decoder's goroutine would end
// it.
func TestCLIRefusesHostilePBFs(t *testing.T) {
	dir, data := t.TempDir(), t.TempDir()
	if code, _, errs := cli(t, "import", "set", write(t, dir, "wards.geojson", wardsOK), "--slug", "wards", "--title", "Wards", "--data", data); code != 0 {
		t.Fatal(errs)
	}
	before := snapshot(t, data)
	report := filepath.Join(dir, "report.csv")
	for _, h := range testkit.HostilePBFs() {
		file := filepath.Join(dir, h.Name)
		if err := os.WriteFile(file, h.File, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{
			{"import", "osm", file, "--data", data},
			{"conflate", "osm", file, "--report", report, "--data", data},
		} {
			code, _, stderr := cli(t, args...)
			if code != 1 || !strings.Contains(stderr, h.Name+": ") || !strings.Contains(stderr, "block 2: ") || !strings.Contains(stderr, h.Want) {
				t.Errorf("%s %s: exit %d, %q; want 1 and a message naming the file, block 2 and %q", strings.Join(args[:2], " "), h.Name, code, stderr, h.Want)
			}
			if _, err := os.Stat(report); err == nil {
				t.Errorf("%s: a report was written", h.Name)
			}
		}
	}
	if after := snapshot(t, data); after != before {
		t.Errorf("store changed: %q → %q", before, after)
	}
}
