package main

import (
	"context"
	"testing"

	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/testkit"
)

// TestSearchInChromium: the one search box on the demo data, a WAI-ARIA
// combobox over api/search (test/browser/search.mjs): an area and an asset
// found, chosen with the keyboard and opened; a place and a street of the
// basemap (a row put in basemap_names here, as the basemap import would);
// axe-clean with its list open; and at phone size.
func TestSearchInChromium(t *testing.T) {
	testkit.Need(t, "chromium", "chromium")
	testkit.NeedNodeModules(t, "playwright-core")
	testkit.NeedNodeModules(t, "axe-core")
	base := serveDemoWith(t, func(ctx context.Context, st *store.DB) {
		tx, err := st.Dialect().Conns.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		if _, err := tx.Exec(ctx, `INSERT INTO basemap_names (kind, class, name, ref, lon, lat, min_lon, min_lat, max_lon, max_lat)
			VALUES ('street', 'residential', 'Gleadless Common Lane', '', -1.4501, 53.3502, -1.452, 53.349, -1.448, 53.351)`); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
	})
	runBrowser(t, "search.mjs", "browser-search", base)
}
