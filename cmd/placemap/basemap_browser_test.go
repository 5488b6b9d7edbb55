package main

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/placemap/placemap/internal/basemap"
	"github.com/placemap/placemap/internal/osm"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/testkit"
)

// TestBasemapStreetNamesInChromium: the demo with a basemap imported from
// a clip of Leeds (geodata/osm/uk-clips) draws it under the sets and names
// York Street along the street at z17 (test/browser/basemap.mjs).
func TestBasemapStreetNamesInChromium(t *testing.T) {
	testkit.Need(t, "chromium", "chromium")
	testkit.NeedNodeModules(t, "playwright-core")
	leeds := filepath.Join(testkit.RepoRoot(t), "geodata/osm/uk-clips/leeds_cycleway.osm")
	base := serveDemoWith(t, func(ctx context.Context, st *store.DB) {
		if _, err := basemap.Import(ctx, st, osm.File(leeds), "leeds_cycleway.osm", basemap.Options{}); err != nil {
			t.Fatal(err)
		}
	})
	runBrowser(t, "basemap.mjs", "browser-basemap", base, "-1.5336", "53.7966", "York Street")
}
