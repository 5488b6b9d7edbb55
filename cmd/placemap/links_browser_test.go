package main

import (
	"testing"

	"github.com/placemap/placemap/internal/testkit"
)

// TestMapLinksInChromium: the Map view keeps its position, layers and
// selection in the address (test/browser/links.mjs): an asset selected,
// its address reopened in a new page shows the same; moving the map
// rewrites the address without a history step, showing a layer makes one
// that going back undoes, and Copy link copies the address.
func TestMapLinksInChromium(t *testing.T) {
	testkit.Need(t, "chromium", "chromium")
	testkit.NeedNodeModules(t, "playwright-core")
	base := serveDemo(t)
	runBrowser(t, "links.mjs", "browser-links", base)
}
