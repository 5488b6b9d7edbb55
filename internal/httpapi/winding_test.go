package httpapi_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/placemap/placemap/internal/httpapi"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store/gpkg"
)

// TestGeoJSONIsWoundAsRFC7946 stores polygons wound against RFC 7946 (shells
// clockwise, holes anticlockwise) and asks every route that writes GeoJSON
// for them: areas, assets with a site polygon, OGC API items, exports,
// crosswalk faces, agreement surfaces, history, the change feed and GeoJSON
// tiles. Every polygon written must have an anticlockwise exterior and
// clockwise holes (RFC 7946 §3.1.6).
func TestGeoJSONIsWoundAsRFC7946(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := gpkg.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	// square is a clockwise ring about (x, y) of half-side r; holes are
	// anticlockwise: both as RFC 7946 says they must not be.
	square := func(x, y, r float64, hole bool) orb.Ring {
		ring := orb.Ring{{x - r, y - r}, {x - r, y + r}, {x + r, y + r}, {x + r, y - r}, {x - r, y - r}}
		if hole {
			ring.Reverse()
		}
		return ring
	}
	if _, err := st.ImportSet(ctx, place.BoundarySet{Slug: "wound", Title: "Wound", Kind: place.Statistical}, []place.Area{
		{Code: "A1", Name: "With a hole", Geometry: orb.MultiPolygon{{square(-1.47, 53.38, 0.02, false), square(-1.47, 53.38, 0.005, true)}}},
		{Code: "A2", Name: "Two parts", Geometry: orb.MultiPolygon{{square(-1.42, 53.38, 0.02, false)}, {square(-1.37, 53.38, 0.02, false)}}},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ImportSet(ctx, place.BoundarySet{Slug: "other", Title: "Other", Kind: place.Community}, []place.Area{
		{Code: "B1", Name: "Across both", Geometry: orb.MultiPolygon{{square(-1.44, 53.38, 0.03, false), square(-1.43, 53.38, 0.004, true)}}},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddAssets(ctx, []place.Asset{
		{ID: "site", Name: "Park with a pond", Category: "park", Status: place.Open,
			Geometry: orb.Polygon{square(-1.47, 53.38, 0.004, false), square(-1.47, 53.38, 0.001, true)}},
		{ID: "lib", Name: "Library", Category: "library", Status: place.Open, Geometry: orb.Point{-1.46, 53.39}},
	}); err != nil {
		t.Fatal(err)
	}
	if err := st.SavePlace(ctx, place.Place{Slug: "middle", Name: "Middle", Links: []place.PlaceLink{
		{Set: "wound", Code: "A1", Confirmed: true}, {Set: "other", Code: "B1", Confirmed: true}}}); err != nil {
		t.Fatal(err)
	}
	// A revision recorded before writers wound geometry: the change feed
	// winds it as it serves it.
	db, err := sql.Open("sqlite", filepath.Join(dir, gpkg.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `INSERT INTO revisions (entity, entity_id, action, author, data, created_at)
		VALUES ('asset', 'old', 'create', 'someone', ?, '2024-01-01 00:00:00')`,
		`{"id":"old","name":"Old site","geometry":{"type":"Polygon","coordinates":[[[-1.5,53.3],[-1.5,53.31],[-1.49,53.31],[-1.49,53.3],[-1.5,53.3]]]}}`); err != nil {
		t.Fatal(err)
	}
	web := fstest.MapFS{"index.html": {Data: []byte("<!doctype html><title>placemap</title>")}}
	srv := httptest.NewServer(httpapi.New(roles(st), web, httpapi.Config{TileCacheBytes: 1 << 20}, slog.New(slog.NewTextHandler(io.Discard, nil))))
	t.Cleanup(srv.Close)

	tile := maptile.At(orb.Point{-1.47, 53.38}, 12)
	for _, path := range []string{
		"/api/sets/wound/areas",
		"/api/sets/wound/areas/A1",
		"/api/assets",
		"/api/assets/site",
		"/ogc/collections/wound/items",
		"/ogc/collections/wound/items/A1",
		"/ogc/collections/assets/items",
		"/ogc/collections/assets/items/site",
		"/api/export/assets.geojson",
		"/api/export/sets/wound.geojson",
		"/api/export/crosswalks/wound/other.geojson",
		"/api/crosswalks/wound/other?format=geojson",
		"/api/places/middle/agreement",
		"/api/places/middle/agreement?threshold=0.5",
		"/api/assets/site/history",
		"/api/changes",
		fmt.Sprintf("/tiles/wound/%d/%d/%d.geojson", tile.Z, tile.X, tile.Y),
	} {
		res := get(t, srv.URL+path)
		if res.status != 200 {
			t.Errorf("%s: %d %s", path, res.status, res.body)
			continue
		}
		var doc any
		if err := json.Unmarshal(res.body, &doc); err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		n, faults := windings(doc)
		if n == 0 {
			t.Errorf("%s: no polygons in %.300s", path, res.body)
		}
		for _, f := range faults {
			t.Errorf("%s: %s", path, f)
		}
	}
}

// windings finds every Polygon and MultiPolygon in a JSON document (also
// inside strings that hold GeoJSON, as history diffs do) and checks how
// its rings wind; it returns the polygons found and the faults.
func windings(v any) (polygons int, faults []string) {
	switch v := v.(type) {
	case map[string]any:
		typ, _ := v["type"].(string)
		if coords, ok := v["coordinates"]; ok && (typ == "Polygon" || typ == "MultiPolygon") {
			b, _ := json.Marshal(coords)
			var mp [][][][2]float64
			if typ == "Polygon" {
				var p [][][2]float64
				if err := json.Unmarshal(b, &p); err != nil {
					return 0, []string{err.Error()}
				}
				mp = [][][][2]float64{p}
			} else if err := json.Unmarshal(b, &mp); err != nil {
				return 0, []string{err.Error()}
			}
			for i, p := range mp {
				polygons++
				for j, r := range p {
					var a float64
					for k := 0; k+1 < len(r); k++ {
						a += r[k][0]*r[k+1][1] - r[k+1][0]*r[k][1]
					}
					if j == 0 && a <= 0 {
						faults = append(faults, fmt.Sprintf("polygon %d: exterior ring clockwise (area %g)", i, a/2))
					}
					if j > 0 && a >= 0 {
						faults = append(faults, fmt.Sprintf("polygon %d: hole %d anticlockwise (area %g)", i, j, a/2))
					}
				}
			}
			return polygons, faults
		}
		for _, m := range v {
			n, f := windings(m)
			polygons += n
			faults = append(faults, f...)
		}
	case []any:
		for _, m := range v {
			n, f := windings(m)
			polygons += n
			faults = append(faults, f...)
		}
	case string:
		if strings.HasPrefix(v, `{"type":"`) {
			var doc any
			if json.Unmarshal([]byte(v), &doc) == nil {
				return windings(doc)
			}
		}
	}
	return polygons, faults
}
