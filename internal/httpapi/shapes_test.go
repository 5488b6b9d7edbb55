package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/placemap/placemap/internal/httpapi"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/tiles"
)

// TestKeptShapesFollowWrites: a server keeping sets' shapes for tiles
// reads them at start (/metrics), serves a tile of them with the bytes a
// renderer reading the store makes, and after an area is redrawn through
// the API serves the redraw at once, then again from the shapes read anew.
func TestKeptShapesFollowWrites(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		srv := writeServerConfig(t, st, func(rs *httpapi.Stores) { rs.Shapes = st },
			httpapi.Config{MaxRequestBody: 64 << 10, ShapeCacheBytes: 64 << 20})
		c := srv.Client()
		waitMetric(t, c, srv.URL, "placemap_tile_shapes_preparing 0")
		waitMetric(t, c, srv.URL, "placemap_tile_shapes_sets 2") // grid and the assets
		plain := tiles.NewRenderer(st, 0)
		tl := maptile.At(orb.Point{-1.44, 53.31}, 12) // in A1
		before := sameTile(t, c, srv.URL, plain, tl)
		redraw := `{"type":"Feature","properties":{"name":"Area A1"},"geometry":{"type":"Polygon","coordinates":[[[-1.45,53.3],[-1.43,53.3],[-1.43,53.32],[-1.45,53.32],[-1.45,53.3]]]}}`
		admin := map[string]string{"Authorization": "Bearer token-admin", "If-Match": `"1"`}
		if code, _, body := do(t, c, srv.URL, call{"PUT", "/api/sets/grid/areas/A1", redraw, admin}); code != http.StatusOK {
			t.Fatalf("redraw A1: %d %s", code, body)
		}
		after := sameTile(t, c, srv.URL, plain, tl)
		if bytes.Equal(before, after) {
			t.Fatal("the tile did not change with the redraw")
		}
		// Read again once the version has settled (a quarter second)
		// and a tile asks.
		for deadline := time.Now().Add(10 * time.Second); !hasMetric(t, c, srv.URL, "placemap_tile_shapes_reads_total 3"); time.Sleep(50 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("the redrawn set's shapes were not read again")
			}
			sameTile(t, c, srv.URL, plain, tl)
		}
		sameTile(t, c, srv.URL, plain, tl)
	})
}

// sameTile fetches the grid's tile tl from the server and fails t unless
// it is what want renders; it returns the bytes.
func sameTile(t *testing.T, c *http.Client, base string, want *tiles.Renderer, tl maptile.Tile) []byte {
	t.Helper()
	res, err := c.Get(fmt.Sprintf("%s/tiles/grid/%d/%d/%d.mvt", base, tl.Z, tl.X, tl.Y))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	got, _ := io.ReadAll(res.Body)
	w, err := want.Render(context.Background(), "grid", tl, tiles.MVT)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK || !bytes.Equal(got, w.Data) {
		t.Fatalf("tile %v: %d, %d bytes; want the store's %d bytes", tl, res.StatusCode, len(got), len(w.Data))
	}
	return got
}

// waitMetric waits up to 10 s for /metrics to hold the line want.
func waitMetric(t *testing.T, c *http.Client, base, want string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if hasMetric(t, c, base, want) {
			return
		}
	}
	t.Fatalf("/metrics has no %q", want)
}

// hasMetric reports whether /metrics holds the line want.
func hasMetric(t *testing.T, c *http.Client, base, want string) bool {
	t.Helper()
	res, err := c.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return strings.Contains(string(b), "\n"+want+"\n")
}
