package main

import (
	"testing"

	"github.com/placemap/placemap/internal/testkit"
)

// TestSearchInChromium: the one search box on the demo data, a WAI-ARIA
// combobox over api/search (test/browser/search.mjs): an area and an asset
// found, chosen with the keyboard and opened; axe-clean with its list open;
// and at phone size.
func TestSearchInChromium(t *testing.T) {
	testkit.Need(t, "chromium", "chromium")
	testkit.NeedNodeModules(t, "playwright-core")
	testkit.NeedNodeModules(t, "axe-core")
	runBrowser(t, "search.mjs", "browser-search", serveDemo(t))
}
