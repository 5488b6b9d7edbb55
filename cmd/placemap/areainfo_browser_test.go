package main

import "testing"

// TestAreaProfileInChromium clicks a ward on the map and reads its profile
// (population, library count, a row of "This area in other definitions"),
// follows the row to the constituency and sees it selected, at desktop
// size and at 390×844, axe-core clean on the open panel
// (test/browser/areainfo.mjs).
func TestAreaProfileInChromium(t *testing.T) {
	runBrowserScript(t, "areainfo.mjs", "browser-areainfo")
}
