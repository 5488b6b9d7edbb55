package httpapi_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/httpapi"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store/gpkg"
	"github.com/placemap/placemap/internal/store/storetest"
)

// TestWritesAreRateLimited: an account past its writes a minute gets 429
// with Retry-After; another account and reads are not held back.
func TestWritesAreRateLimited(t *testing.T) {
	st, err := gpkg.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	writeServer(t, st) // the accounts and their tokens
	srv := httptest.NewServer(httpapi.New(roles(st), fstest.MapFS{}, httpapi.Config{WritesPerMinute: 3}, slog.New(slog.NewTextHandler(io.Discard, nil))))
	defer srv.Close()
	c := srv.Client()
	var codes []int
	for i := 0; i < 4; i++ {
		code, h, _ := do(t, c, srv.URL, call{"POST", "/api/assets", feature("Hall", ""), bearer("editor")})
		codes = append(codes, code)
		if code == http.StatusTooManyRequests && h.Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
	}
	if codes[0] != 201 || codes[2] != 201 || codes[3] != http.StatusTooManyRequests {
		t.Errorf("four writes in a row answered %v, want 201 201 201 429", codes)
	}
	if code, _, _ := do(t, c, srv.URL, call{"POST", "/api/assets", feature("Other", ""), bearer("admin")}); code != 201 {
		t.Errorf("another account's write: %d", code)
	}
	if code, _, _ := do(t, c, srv.URL, call{"GET", "/api/assets", "", bearer("editor")}); code != 200 {
		t.Errorf("a read by the limited account: %d", code)
	}
}

// TestRequestTimeout: a request past the server's time limit is cut off
// with 503 and a JSON error, not left running.
func TestRequestTimeout(t *testing.T) {
	st, err := gpkg.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.ImportSet(context.Background(), place.BoundarySet{Slug: "grid", Title: "Grid", Kind: place.Statistical}, storetest.Grid()); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(httpapi.New(roles(st), fstest.MapFS{}, httpapi.Config{RequestTimeout: time.Nanosecond}, slog.New(slog.NewTextHandler(io.Discard, nil))))
	defer srv.Close()
	code, _, body := do(t, srv.Client(), srv.URL, call{"GET", "/api/crosswalks/grid/grid", "", nil})
	if (code != http.StatusServiceUnavailable && code != http.StatusGatewayTimeout) || !strings.Contains(body, "timed out") {
		t.Errorf("a crosswalk past the time limit: %d %s", code, body)
	}
}

// TestTileLimitsAreTheServers: query parameters cannot lift a tile's
// feature cap, buffer or extent (pg_tileserv's ?limit=0 lifts its own).
func TestTileLimitsAreTheServers(t *testing.T) {
	st, err := gpkg.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var assets []place.Asset
	for i := 0; i < 50; i++ {
		assets = append(assets, place.Asset{ID: "a" + string(rune('A'+i%26)) + string(rune('a'+i/26)), Name: "Hall", Category: "library", Status: place.Open,
			Geometry: orb.Point{-1.47 + 0.0001*float64(i), 53.38}})
	}
	if _, err := st.AddAssets(context.Background(), assets); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(httpapi.New(roles(st), fstest.MapFS{}, httpapi.Config{}, slog.New(slog.NewTextHandler(io.Discard, nil))))
	defer srv.Close()
	get := func(q string) string {
		res, err := http.Get(srv.URL + "/tiles/assets/14/8125/5308.geojson" + q)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 {
			t.Fatalf("tile%s: %d %s", q, res.StatusCode, b)
		}
		return string(b)
	}
	plain := get("")
	if strings.Count(plain, `"Feature"`) != 50 {
		t.Fatalf("the tile holds %d features, want 50", strings.Count(plain, `"Feature"`))
	}
	for _, q := range []string{"?limit=0", "?limit=100000&buffer=4096&extent=1", "?max_features=1"} {
		if got := get(q); got != plain {
			t.Errorf("tile%s differs from the plain tile: parameters must not change it", q)
		}
	}
}
