package main

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/placemap/placemap/internal/testkit"
)

// TestAtlasInChromium exports the demo as a static atlas ("export site",
// two sets, to z12), serves its directory with a plain static file server
// that answers byte ranges (Go's http.FileServer), and opens it in
// Chromium (test/browser/atlas.mjs): the map draws the sets and the assets
// from the PMTiles file through npm pmtiles, a click on an asset shows its
// details from the bundled data, and axe finds nothing serious.
func TestAtlasInChromium(t *testing.T) {
	testkit.Need(t, "chromium", "chromium")
	testkit.NeedNodeModules(t, "playwright-core")
	data := t.TempDir()
	if code, _, errs := cli(t, "demo", "--data", data); code != 0 {
		t.Fatal(errs)
	}
	site := filepath.Join(t.TempDir(), "atlas")
	code, out, errs := cli(t, "export", "site", "--data", data, "--out", site, "--sets", "wards-2019,community-neighbourhoods", "--max-zoom", "12")
	if code != 0 || !strings.Contains(out, "placemap.pmtiles holds") {
		t.Fatalf("export site: %d %s %s", code, out, errs)
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(site)))
	t.Cleanup(srv.Close)
	runBrowser(t, "atlas.mjs", "browser-atlas", srv.URL+"/")
}
