package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/placemap/placemap/internal/httpapi"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/testkit"
	"github.com/placemap/placemap/web"
)

// TestImportSkipInvalid imports a national-style county file holding a
// county collapsed to zero area and one with a one-coordinate position:
// refused whole without --skip-invalid, writing nothing; with it, the four
// good counties are imported, the output lists both skipped features by
// index, code and why, and the set's provenance (GET /api/sets/{slug},
// and through `placemap copy`) records them, on both stores.
func TestImportSkipInvalid(t *testing.T) {
	const file = "testdata/us-counties-collapsed.geojson"
	for _, kind := range []string{"gpkg", "postgis"} {
		t.Run(kind, func(t *testing.T) {
			var loc []string
			if kind == "gpkg" {
				loc = []string{"--data", t.TempDir()}
			} else {
				loc = []string{"--db", testkit.PostGISDatabaseURL(t)}
			}
			args := append([]string{"import", "set", file, "--slug", "counties", "--title", "US counties"}, loc...)
			code, out, errs := cli(t, args...)
			if code == 0 || !strings.Contains(errs, "feature 4") || !strings.Contains(errs, "1 coordinate") {
				t.Fatalf("without --skip-invalid: %d %q %q; want the file refused naming feature 4", code, out, errs)
			}
			if code, out, _ := cli(t, append([]string{"sets"}, loc...)...); code != 0 || strings.Contains(out, "counties") {
				t.Fatalf("a refused import wrote a set: %d %q", code, out)
			}
			code, out, errs = cli(t, append(args, "--skip-invalid")...)
			if code != 0 {
				t.Fatalf("with --skip-invalid: %d %q %q", code, out, errs)
			}
			for _, want := range []string{
				"imported counties: 4 areas",
				"skipped 2 invalid features",
				"feature 2\t51515\tinvalid geometry:",
				"feature 4\t02105\tgeometry: Polygon: ring 0, position 1 has 1 coordinate",
			} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}

			ctx := context.Background()
			st, err := openLocation(ctx, loc[1], 0)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			srv := httptest.NewServer(httpapi.New(apiStores(st), web.FS, httpapi.Config{}, slog.New(slog.NewTextHandler(io.Discard, nil))))
			defer srv.Close()
			res, err := http.Get(srv.URL + "/api/sets/counties")
			if err != nil {
				t.Fatal(err)
			}
			var set struct {
				AreaCount  int               `json:"area_count"`
				Provenance *place.Provenance `json:"provenance"`
			}
			err = json.NewDecoder(res.Body).Decode(&set)
			res.Body.Close()
			if err != nil || res.StatusCode != 200 {
				t.Fatalf("GET /api/sets/counties: %d %v", res.StatusCode, err)
			}
			p := set.Provenance
			if set.AreaCount != 4 || p == nil || !p.SkipInvalid || p.Features != 6 || p.File != "us-counties-collapsed.geojson" || len(p.Skipped) != 2 {
				t.Fatalf("set: %d areas, provenance %+v", set.AreaCount, p)
			}
			if s := p.Skipped[0]; s.Index != 2 || s.Code != "51515" || !strings.Contains(s.Reason, "no repair gives a valid polygon") {
				t.Errorf("first skipped: %+v", s)
			}
			if s := p.Skipped[1]; s.Index != 4 || s.Code != "02105" || !strings.Contains(s.Reason, "1 coordinate") {
				t.Errorf("second skipped: %+v", s)
			}
			for _, code := range []string{"05001", "05003", "05005", "05007"} {
				if _, err := st.Area(ctx, "counties", code); err != nil {
					t.Errorf("area %s: %v", code, err)
				}
			}
			// The provenance travels with the set.
			to := t.TempDir()
			if code, out, errs := cli(t, "copy", "--from", loc[1], "--to", to); code != 0 {
				t.Fatalf("copy: %d %q %q", code, out, errs)
			}
			cp, err := openLocation(ctx, to, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer cp.Close()
			ss, err := cp.Set(ctx, "counties")
			if err != nil || ss.Provenance == nil || len(ss.Provenance.Skipped) != 2 || ss.Provenance.Skipped[0].Code != "51515" {
				t.Errorf("copied set: %+v %v", ss.Provenance, err)
			}
		})
	}
}
