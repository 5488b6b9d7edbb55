package main

import (
	"testing"

	"github.com/placemap/placemap/internal/testkit"
)

// TestMapLabelsInChromium: on the plain map the areas of the shown sets
// carry their names and, at z16, the assets theirs (test/browser/labels.mjs),
// read back as rendered symbol features. The text needs placemap's own
// glyphs (/fonts/{fontstack}/{range}.pbf), which api/config announces.
func TestMapLabelsInChromium(t *testing.T) {
	testkit.Need(t, "chromium", "chromium")
	testkit.NeedNodeModules(t, "playwright-core")
	base := serveDemo(t)
	var cfg struct {
		Glyphs string `json:"glyphs"`
	}
	getJSON(t, base+"/api/config", &cfg)
	if cfg.Glyphs == "" {
		t.Fatal("api/config announces no glyphs: the /fonts/{fontstack}/{range}.pbf route is missing, so the map draws no labels")
	}
	runBrowser(t, "labels.mjs", "browser-labels", base)
}
