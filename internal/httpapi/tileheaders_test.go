package httpapi_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/placemap/placemap/internal/httpapi"
)

var update = flag.Bool("update", false, "rewrite testdata/tile_headers.golden from this build")

// TestTileHeaders holds every header of a tile's answer, cached and not,
// to the golden file written by the handler before the cached-tile fast
// path (headers set directly, shared values, no session lookup): the fast
// path must answer byte for byte as that did. Only X-Request-Id and Date
// vary between runs; they are masked.
func TestTileHeaders(t *testing.T) {
	srv := server(t)
	var tj struct{ Tiles []string }
	if err := json.Unmarshal(get(t, srv.URL+"/tiles/round.json").body, &tj); err != nil || len(tj.Tiles) != 1 {
		t.Fatalf("tilejson: %v", err)
	}
	_, v, _ := strings.Cut(tj.Tiles[0], "?v=")
	rt := maptile.At(orb.Point{-1.4, 53.4}, 10) // round's middle: a tile big enough to gzip
	at := fmt.Sprintf("%d/%d/%d", rt.Z, rt.X, rt.Y)
	round := "/tiles/round/" + at + ".mvt"
	plain := get(t, srv.URL+round, "Accept-Encoding", "identity").header.Get("ETag")
	gz := strings.TrimSuffix(plain, `"`) + `-gz"`
	cases := []struct {
		path   string
		header []string
	}{
		{round, nil},
		{round, []string{"Accept-Encoding", "gzip"}},
		{round, []string{"Accept-Encoding", "br, gzip;q=0"}},
		{round, []string{"Accept-Encoding", "deflate, * ; q=0.5"}},
		{round, []string{"Accept-Encoding", "gzip", "If-None-Match", gz}},
		{round, []string{"Accept-Encoding", "gzip", "If-None-Match", `"x", W/` + plain}},
		{round, []string{"If-None-Match", "*"}},
		{round, []string{"If-None-Match", `"other"`}},
		{round + "?v=" + v, []string{"Accept-Encoding", "gzip"}},
		{round + "?v=1", []string{"Accept-Encoding", "gzip"}},
		{round, []string{"Accept-Encoding", "gzip", "Cookie", httpapi.SessionCookie + "=nonsense", "Authorization", "Bearer nonsense"}},
		{"/tiles/round/" + at + ".geojson", []string{"Accept-Encoding", "gzip"}},
		{"/tiles/round/labels/" + at + ".mvt", []string{"Accept-Encoding", "gzip"}},
		{"/tiles/grid/labels/" + at + ".mvt", nil},
		{"/tiles/assets/10/507/333.mvt", []string{"Accept-Encoding", "gzip"}},
		{"/tiles/assets/10/507/333.pbf", nil},
		{"/tiles/nothing/10/507/333.mvt", nil},
		{"/tiles/assets/10/507/333.png", nil},
		{"/tiles/assets/99/507/333.mvt", nil},
		{"/tiles/basemap/10/507/333.mvt", nil},
	}
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	var got strings.Builder
	for _, c := range cases {
		first := headerDump(t, client, srv.URL+c.path, c.header)
		again := headerDump(t, client, srv.URL+c.path, c.header) // from the cache
		if first != again {
			t.Errorf("GET %s %q: first answer\n%s\nthen\n%s", c.path, c.header, first, again)
		}
		fmt.Fprintf(&got, "GET %s %q\n%s\n", strings.ReplaceAll(c.path, "?v="+v, "?v={v}"), maskETags(c.header, plain, gz), again)
	}
	golden := filepath.Join("testdata", "tile_headers.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got.String() != string(want) {
		t.Errorf("tile answers differ from %s:\n%s", golden, got.String())
	}
}

// headerDump is the status and every header of a GET, sorted, with the
// values that change per request masked.
func headerDump(t *testing.T, client *http.Client, url string, header []string) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	lines := []string{fmt.Sprint(res.StatusCode)}
	for k, vs := range res.Header {
		switch k {
		case "X-Request-Id", "Date":
			vs = []string{"…"}
		}
		lines = append(lines, k+": "+strings.Join(vs, " | "))
	}
	slices.Sort(lines[1:])
	return strings.Join(lines, "\n")
}

// maskETags writes the request's validators by name, so the golden file
// reads the same whatever the tile hashes to.
func maskETags(header []string, plain, gz string) []string {
	out := slices.Clone(header)
	for i, h := range out {
		h = strings.ReplaceAll(h, gz, "{gz-etag}")
		out[i] = strings.ReplaceAll(h, plain, "{etag}")
	}
	return out
}
