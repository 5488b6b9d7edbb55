package main

import "testing"

// TestFiguresInChromium drives the Figures view (test/browser/figures.mjs):
// an indicator picked straight from the one list, the ranked table sorted
// and tied to the map, the CSV download compared row by row with the table,
// per 10,000 residents, the asset points drawn on top, and axe.
func TestFiguresInChromium(t *testing.T) {
	runBrowserScript(t, "figures.mjs", "browser-figures")
}
