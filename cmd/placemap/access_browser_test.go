package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/placemap/placemap/internal/auth"
	"github.com/placemap/placemap/internal/store/gpkg"
	"github.com/placemap/placemap/internal/testkit"
)

// The street grid of the Access browser test: every accessGridStep metres
// a street running east–west and one running north–south, over central
// Sheffield (Broomhill, Walkley, the city centre, Park, Manor, Ecclesall),
// where a dozen of the demo's libraries are. Origins outside it are far
// from any way, which the summary lists.
const (
	accessWest, accessSouth = -1.56, 53.33
	accessEast, accessNorth = -1.40, 53.42
	accessStepLon           = 0.0015 // about 100 m at 53.4° N
	accessStepLat           = 0.0009 // about 100 m
)

// TestAccessInChromium drives the Access view (test/browser/access.mjs) on
// the demo with a generated street grid imported as the walking network:
// without a network the view says how to add one; an editor runs access
// to libraries from the Output Areas and follows its progress to the end;
// the four walking-time bands are drawn with their legend, a set's areas
// coloured by the share beyond 15 minutes with a sortable table; an
// area's details say how many of its residents live beyond a 15-minute
// walk; the scenario panel closes one library and adds one (clicked on
// the map and typed), and shows residents moved beyond the thresholds and
// the areas most affected; axe-clean at desktop and at 390×844 with touch.
func TestAccessInChromium(t *testing.T) {
	testkit.NeedNodeModules(t, "axe-core")
	ctx := context.Background()
	data := t.TempDir()
	if err := loadDemoIfEmpty(ctx, data, quietLog()); err != nil {
		t.Fatal(err)
	}
	st, err := gpkg.Open(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	addUsers(t, ctx, st, map[string]auth.Role{"ed@example.org": auth.Editor})
	st.Close()
	grid := filepath.Join(t.TempDir(), "grid.osm")
	writeStreetGrid(t, grid)
	if code, out, errs := cli(t, "import", "network", grid, "--data", data); code != 0 {
		t.Fatalf("import network: exit %d\n%s\n%s", code, out, errs)
	} else {
		t.Logf("import network: %s", out)
	}
	runBrowser(t, "access.mjs", "browser-access", serveData(t, data), "ed@example.org", testPassword)
}

// writeStreetGrid writes the grid as OSM XML: one node per crossing, one
// residential way per row and per column.
func writeStreetGrid(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	west, south, stepLon, stepLat := accessWest, accessSouth, accessStepLon, accessStepLat
	cols := int((accessEast-west)/stepLon) + 1
	rows := int((accessNorth-south)/stepLat) + 1
	id := func(c, r int) int { return 1 + r*cols + c }
	fmt.Fprintln(w, `<?xml version="1.0" encoding="UTF-8"?>`)
	fmt.Fprintln(w, `<osm version="0.6" generator="placemap test">`)
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			fmt.Fprintf(w, `<node id="%d" version="1" lat="%.7f" lon="%.7f"/>`+"\n",
				id(c, r), south+float64(r)*stepLat, west+float64(c)*stepLon)
		}
	}
	way := 1
	street := func(name string, nodes []int) {
		fmt.Fprintf(w, `<way id="%d" version="1">`, way)
		for _, n := range nodes {
			fmt.Fprintf(w, `<nd ref="%d"/>`, n)
		}
		fmt.Fprintf(w, `<tag k="highway" v="residential"/><tag k="name" v="%s"/></way>`+"\n", name)
		way++
	}
	for r := 0; r < rows; r++ {
		nodes := make([]int, cols)
		for c := range nodes {
			nodes[c] = id(c, r)
		}
		street(fmt.Sprintf("Row %d", r), nodes)
	}
	for c := 0; c < cols; c++ {
		nodes := make([]int, rows)
		for r := range nodes {
			nodes[r] = id(c, r)
		}
		street(fmt.Sprintf("Column %d", c), nodes)
	}
	fmt.Fprintln(w, `</osm>`)
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}
