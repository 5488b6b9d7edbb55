package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/placemap/placemap/internal/auth"
	"github.com/placemap/placemap/internal/formats"
	"github.com/placemap/placemap/internal/importer"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/gpkg"
	"github.com/placemap/placemap/internal/testkit"
)

// serveDemo runs `placemap serve` on a free port over an empty data
// directory, as README's first command does, and returns its base URL once
// it answers /readyz.
func serveDemo(t *testing.T) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	data := t.TempDir()
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", data}, pw, io.Discard)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			t.Error("serve did not stop within 15s of cancellation")
		}
	})
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if _, rest, ok := strings.Cut(sc.Text(), "serving "); ok {
				urls <- strings.Fields(rest)[0]
			}
		}
	}()
	var base string
	select {
	case base = <-urls:
	case code := <-done:
		t.Fatalf("serve exited with %d before serving", code)
	case <-time.After(3 * time.Minute):
		t.Fatal("serve did not start within 3 minutes")
	}
	res, err := http.Get(base + "/readyz")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("readyz: %v %v", res, err)
	}
	res.Body.Close()
	return base
}

// TestServeDemo: an empty data directory becomes the Sheffield demo, and the
// API answers the question the product exists for.
func TestServeDemo(t *testing.T) {
	base := serveDemo(t)
	var sets struct {
		Sets []struct {
			Slug      string `json:"slug"`
			AreaCount int    `json:"area_count"`
		} `json:"sets"`
	}
	getJSON(t, base+"/api/sets", &sets)
	if len(sets.Sets) != 11 {
		t.Errorf("%d sets, want 11", len(sets.Sets))
	}
	var libs struct {
		Features []struct {
			ID         string         `json:"id"`
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	getJSON(t, base+"/api/assets?q=Broomhill&category=library", &libs)
	if len(libs.Features) != 1 {
		t.Fatalf("Broomhill search found %d", len(libs.Features))
	}
	var lib struct {
		Properties struct {
			LiesIn []struct{ Set, Code, Name string } `json:"lies_in"`
		} `json:"properties"`
	}
	getJSON(t, base+"/api/assets/"+libs.Features[0].ID, &lib)
	got := map[string]string{}
	for _, l := range lib.Properties.LiesIn {
		got[l.Set] = l.Name
	}
	// Broomhill Library: Broomhill ward (2004-2016), Broomhill & Sharrow Vale since 2016.
	if got["wards-2013"] != "Broomhill" || got["wards-2019"] != "Broomhill and Sharrow Vale" {
		t.Errorf("Broomhill Library lies in %v", got)
	}
	if len(lib.Properties.LiesIn) < 9 {
		t.Errorf("Broomhill Library lies in %d sets, want at least 9", len(lib.Properties.LiesIn))
	}
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("GET %s: %d %s", url, res.StatusCode, b)
	}
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

// TestWebMapInChromium loads the map in headless Chromium through
// playwright-core (test/browser/map.mjs) and checks features render, layers
// toggle, search and clicks show details. Screenshots of each step are kept
// in testout/browser.
func TestWebMapInChromium(t *testing.T) { runBrowserScript(t, "map.mjs", "browser") }

// TestReconcileViewsInChromium drives the compare, places and choropleth
// views (test/browser/reconcile.mjs): a crosswalk drawn and tabled, an
// area's counterparts highlighted, sorting and downloads, Broomhill's
// agreement surface, and choropleths of own and moved indicators.
func TestReconcileViewsInChromium(t *testing.T) {
	runBrowserScript(t, "reconcile.mjs", "browser-reconcile")
}

func runBrowserScript(t *testing.T, script, out string) {
	testkit.Need(t, "chromium", "chromium")
	testkit.NeedNodeModules(t, "playwright-core")
	runBrowser(t, script, out, serveDemo(t))
}

// TestEditInChromium signs an editor in and adds, edits, moves and deletes
// an asset on the map, one named <img src=x onerror=alert(1)> that must
// show as text (test/browser/edit.mjs).
func TestEditInChromium(t *testing.T) {
	base := serveWithUsers(t, map[string]auth.Role{"editor@example.org": auth.Editor})
	runBrowser(t, "edit.mjs", "browser-edit", base, "editor@example.org", testPassword)
}

// TestStoryInChromium is the people story in the browser: a visitor
// suggests a community centre, a moderator accepts it, an editor corrects
// its hours, the history shows both, and restoring the first works
// (test/browser/story.mjs).
//
// A postcode is imported first: the visitor places the pin of the new
// place at it ("Or place it at a postcode").
func TestStoryInChromium(t *testing.T) {
	users := map[string]auth.Role{"mod@example.org": auth.Moderator, "ed@example.org": auth.Editor}
	base := serveDemoWith(t, func(ctx context.Context, st *store.DB) {
		addUsers(t, ctx, st, users)
		csv := "postcode,lon,lat\nS10 2HE,-1.4905,53.3803\n"
		if _, err := importer.Postcodes(ctx, st, strings.NewReader(csv), "story.csv", importer.PostcodeOptions{}); err != nil {
			t.Fatal(err)
		}
		// A hall known only by its postcode, as an asset CSV with a postcode
		// column places it: its details say the location is approximate.
		hall := "name,category,postcode\nStory Hall,community_hall,S10 2HE\n"
		assets, err := formats.ReadAssetsCSV(strings.NewReader(hall), "hall.csv", formats.AssetOptions{Source: "test", Postcodes: importer.PostcodeLookup(ctx, st)})
		if err != nil {
			t.Fatal(err)
		}
		assets[0].ID = "story-hall"
		if _, err := st.AddAssets(ctx, assets); err != nil {
			t.Fatal(err)
		}
	})
	runBrowser(t, "story.mjs", "browser-story", base, "mod@example.org", testPassword, "ed@example.org", testPassword)
}

const testPassword = "a long enough password"

// serveWithUsers serves the demo with the given accounts and returns its URL.
func serveWithUsers(t *testing.T, users map[string]auth.Role) string {
	t.Helper()
	return serveDemoWith(t, func(ctx context.Context, st *store.DB) { addUsers(t, ctx, st, users) })
}

// addUsers makes the accounts, each with testPassword.
func addUsers(t *testing.T, ctx context.Context, st *store.DB, users map[string]auth.Role) {
	t.Helper()
	hash, err := auth.HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	for email, role := range users {
		if err := st.CreateUser(ctx, auth.User{ID: "u-" + email, Email: email, Role: role, PasswordHash: hash, CreatedAt: time.Now().UTC()}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestAssetCellsInChromium: with 2,000 more assets in one z9 tile east of
// Sheffield (its middle at about -1.05, 53.38), a z9
// view draws cells with counts, a click on one zooms in, and z14 draws the
// assets themselves (test/browser/cells.mjs).
func TestAssetCellsInChromium(t *testing.T) {
	base := serveDemoWith(t, func(ctx context.Context, st *store.DB) {
		b := maptile.At(orb.Point{-1.05, 53.38}, 9).Bound()
		var extra []place.Asset
		for i := 0; i < 2000; i++ {
			fx, fy := 0.2+0.6*float64(i%50)/50, 0.2+0.6*float64(i/50)/40
			extra = append(extra, place.Asset{ID: fmt.Sprintf("dense-%d", i), Name: fmt.Sprintf("Hall %d", i), Category: "community_hall",
				Status: place.Open, Source: "test", Geometry: orb.Point{b.Min[0] + fx*(b.Max[0]-b.Min[0]), b.Min[1] + fy*(b.Max[1]-b.Min[1])}})
		}
		if _, err := st.AddAssets(ctx, extra); err != nil {
			t.Fatal(err)
		}
	})
	runBrowser(t, "cells.mjs", "browser-cells", base)
}

// serveDemoWith serves the demo after prepare has written to its store, and
// returns its URL.
func serveDemoWith(t *testing.T, prepare func(context.Context, *store.DB)) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	data := t.TempDir()
	if err := loadDemoIfEmpty(ctx, data, quietLog()); err != nil {
		t.Fatal(err)
	}
	st, err := gpkg.Open(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	prepare(ctx, st)
	st.Close()
	cancel()
	return serveData(t, data)
}

// serveData serves an existing data directory and returns its URL.
func serveData(t *testing.T, data string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", data, "--no-demo"}, pw, io.Discard)
		pw.Close()
	}()
	t.Cleanup(func() { cancel(); <-done })
	sc := bufio.NewScanner(pr)
	if !sc.Scan() {
		t.Fatal("serve printed nothing")
	}
	_, rest, _ := strings.Cut(sc.Text(), "serving ")
	go io.Copy(io.Discard, pr)
	return strings.Fields(rest)[0]
}

// runBrowser runs a test/browser script against base with extra arguments.
func runBrowser(t *testing.T, script, out, base string, args ...string) {
	t.Helper()
	node := testkit.Need(t, "node", "nodejs")
	testkit.Need(t, "chromium", "chromium")
	testkit.NeedNodeModules(t, "playwright-core")
	root := testkit.RepoRoot(t)
	outdir := filepath.Join(root, "testout", out)
	if err := os.MkdirAll(outdir, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, append([]string{filepath.Join(root, "test/browser", script), base, outdir}, args...)...)
	cmd.Dir = root
	output, err := cmd.CombinedOutput()
	t.Logf("%s:\n%s", script, output)
	if err != nil {
		t.Fatalf("browser test %s failed: %v (screenshots in %s)", script, err, outdir)
	}
}

// TestOSMReviewInChromium uploads an OSM file in the OSM review, takes
// OSM's hours for a matched library, adds an object only OSM has and keeps
// a library out of OSM (test/browser/osmreview.mjs).
func TestOSMReviewInChromium(t *testing.T) {
	base := serveWithUsers(t, map[string]auth.Role{"ed@example.org": auth.Editor})
	runBrowser(t, "osmreview.mjs", "browser-osmreview", base, "ed@example.org", testPassword)
}

// TestDrawNeighbourhoodInChromium: a visitor draws "my neighbourhood" of a
// place, a moderator accepts it, and it is published as one of the place's
// drawings, counted by its drawings surface, never an area of a set
// (test/browser/neighbourhood.mjs).
func TestDrawNeighbourhoodInChromium(t *testing.T) {
	base := serveWithUsers(t, map[string]auth.Role{"mod@example.org": auth.Moderator})
	runBrowser(t, "neighbourhood.mjs", "browser-neighbourhood", base, "mod@example.org", testPassword)
}

// TestAccessibilityInChromium runs axe-core on every view and panel and
// does the map's main actions with the keyboard (test/browser/a11y.mjs).
func TestAccessibilityInChromium(t *testing.T) {
	testkit.NeedNodeModules(t, "axe-core")
	base := serveWithUsers(t, map[string]auth.Role{"mod@example.org": auth.Moderator})
	runBrowser(t, "a11y.mjs", "browser-a11y", base, "mod@example.org", testPassword)
}

// TestReleasesInChromium: the wards' releases in the layer list, the
// Changes view (map, table, moved assets, downloads, a selected ward's
// successors) and an old ward's "replaced by" in its details, and an
// editor checking a ward's successors (test/browser/releases.mjs).
func TestReleasesInChromium(t *testing.T) {
	testkit.NeedNodeModules(t, "axe-core")
	base := serveWithUsers(t, map[string]auth.Role{"ed@example.org": auth.Editor})
	runBrowser(t, "releases.mjs", "browser-releases", base, "ed@example.org", testPassword)
}

// TestDrawInChromium draws a site as a polygon with terra-draw and redraws
// a ward by dragging a corner, saved with If-Match (test/browser/draw.mjs).
func TestDrawInChromium(t *testing.T) {
	base := serveWithUsers(t, map[string]auth.Role{"ed@example.org": auth.Editor})
	runBrowser(t, "draw.mjs", "browser-draw", base, "ed@example.org", testPassword)
}
