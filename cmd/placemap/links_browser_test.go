package main

import (
	"testing"

	"github.com/placemap/placemap/internal/testkit"
)

// TestMapLinksInChromium: the Map view keeps its position, layers,
// selection and open panel sections in the address (test/browser/links.mjs):
// an asset selected, its address reopened in a new page shows the same;
// moving the map rewrites the address without a history step, showing a
// layer or selecting an area makes one that back and forward undo and
// redo; an area's Copy link opened in a new browser context shows the same
// view; Copy link copies the address, or selects it where there is no
// clipboard; an unknown asset, area or set is said so; the other views'
// addresses still work; Tab after panning goes on from the map.
func TestMapLinksInChromium(t *testing.T) {
	testkit.Need(t, "chromium", "chromium")
	testkit.NeedNodeModules(t, "playwright-core")
	base := serveDemo(t)
	runBrowser(t, "links.mjs", "browser-links", base)
}
