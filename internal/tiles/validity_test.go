package tiles_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/testkit"
	"github.com/placemap/placemap/internal/tiles"
)

// demoTiles returns the tiles the validity test renders: every tile over
// the demo's ground at z8-z12 and, at z13-z16, the tiles under each library
// and under a 9×9 grid of points across the city, so that many tiles cut

// demoSetsAndTiles lists st's boundary sets and the tiles demoTiles picks
// over their extent and around its assets.
func demoSetsAndTiles(t *testing.T, st *store.DB) ([]place.SetSummary, []maptile.Tile) {
	t.Helper()
	ctx := context.Background()
	sets, err := st.Sets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var bound orb.Bound
	for i, s := range sets {
		if i == 0 {
			bound = s.BBox
		} else {
			bound = bound.Union(s.BBox)
		}
	}
	page, err := st.Assets(ctx, store.AssetQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var libraries []orb.Point
	for _, a := range page.Assets {
		libraries = append(libraries, a.Geometry.Bound().Center())
	}
	return sets, demoTiles(t, bound, libraries)
}

// areas at their clip edges.
func demoTiles(t *testing.T, bound orb.Bound, libraries []orb.Point) []maptile.Tile {
	t.Helper()
	seen := map[maptile.Tile]bool{}
	var out []maptile.Tile
	add := func(tl maptile.Tile) {
		if !seen[tl] {
			seen[tl] = true
			out = append(out, tl)
		}
	}
	for z := maptile.Zoom(8); z <= 12; z++ {
		min := maptile.At(orb.Point{bound.Min[0], bound.Max[1]}, z)
		max := maptile.At(orb.Point{bound.Max[0], bound.Min[1]}, z)
		for x := min.X; x <= max.X; x++ {
			for y := min.Y; y <= max.Y; y++ {
				add(maptile.New(x, y, z))
			}
		}
	}
	for z := maptile.Zoom(13); z <= 16; z++ {
		for _, p := range libraries {
			add(maptile.At(p, z))
		}
		for i := 0; i <= 8; i++ {
			for j := 0; j <= 8; j++ {
				p := orb.Point{
					bound.Min[0] + (bound.Max[0]-bound.Min[0])*(float64(i)+0.5)/9,
					bound.Min[1] + (bound.Max[1]-bound.Min[1])*(float64(j)+0.5)/9,
				}
				add(maptile.At(p, z))
			}
		}
	}
	return out
}

// polygonCheck is one polygonal feature to check: where it came from, its
// GeoJSON geometry for ST_IsValid, and the faults found without PostGIS.
type polygonCheck struct {
	kind   string // "mvt decoded", "mvt tile coordinates" or "geojson"
	where  string
	json   string
	faults []string
	// unreadable: a ring PostGIS would refuse to read (unclosed, under
	// four positions), so the geometry is not sent to ST_IsValid.
	unreadable bool
}

// fault records one fault of a kind ("ring", "winding", "first ring",
// "ST_IsValid"...).
func (c *polygonCheck) fault(category, msg string) {
	c.faults = append(c.faults, category+": "+msg)
}

// TestTilePolygonsAreValid renders MVT and GeoJSON tiles of every demo set
// at z8-z16, decodes the MVTs with @mapbox/vector-tile under node, and
// checks every polygon with GEOS (PostGIS ST_IsValid): valid as decoded in
// longitude/latitude and in tile coordinates, no ring of fewer than four
// positions or of zero area, MVT exteriors of positive area (spec 4.3.4.4),
// and GeoJSON rings wound as RFC 7946 says.
func TestTilePolygonsAreValid(t *testing.T) {
	node := testkit.Need(t, "node", "nodejs")
	testkit.NeedNodeModules(t, "@mapbox/vector-tile")
	db := testkit.PostGISDatabase(t)
	ctx := context.Background()
	st := tiles.DemoStore(t)
	sets, tls := demoSetsAndTiles(t, st)
	r := tiles.NewRenderer(st, 0)

	dir := t.TempDir()
	type entry struct {
		File string `json:"file"`
		Z    int    `json:"z"`
		X    int    `json:"x"`
		Y    int    `json:"y"`
	}
	var manifest []entry
	var checks []polygonCheck
	geojsonFeatures := 0
	for _, s := range sets {
		for _, tl := range tls {
			name := fmt.Sprintf("%s/%d/%d/%d", s.Slug, tl.Z, tl.X, tl.Y)
			mvt, err := r.Render(ctx, s.Slug, tl, tiles.MVT)
			if err != nil {
				t.Fatalf("%s.mvt: %v", name, err)
			}
			file := filepath.Join(dir, strings.ReplaceAll(name, "/", "_")+".mvt")
			if err := os.WriteFile(file, mvt.Data, 0o644); err != nil {
				t.Fatal(err)
			}
			manifest = append(manifest, entry{file, int(tl.Z), int(tl.X), int(tl.Y)})

			gj, err := r.Render(ctx, s.Slug, tl, tiles.GeoJSON)
			if err != nil {
				t.Fatalf("%s.geojson: %v", name, err)
			}
			var fc struct {
				Features []struct {
					ID       any             `json:"id"`
					Geometry json.RawMessage `json:"geometry"`
				} `json:"features"`
			}
			if err := json.Unmarshal(gj.Data, &fc); err != nil {
				t.Fatalf("%s.geojson: %v", name, err)
			}
			for _, f := range fc.Features {
				geojsonFeatures++
				c := polygonCheck{kind: "geojson", where: fmt.Sprintf("%s.geojson feature %v", name, f.ID), json: string(f.Geometry)}
				polys, err := geojsonPolygons(f.Geometry)
				if err != nil {
					c.fault("type", err.Error())
					c.unreadable = true
				}
				for i, p := range polys {
					c.checkRings(fmt.Sprintf("polygon %d", i), p, true)
				}
				checks = append(checks, c)
			}
		}
	}
	manifestFile := filepath.Join(dir, "manifest.json")
	b, _ := json.Marshal(manifest)
	if err := os.WriteFile(manifestFile, b, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, filepath.Join(testkit.RepoRoot(t), "test/js/tile-polygons.mjs"), manifestFile)
	cmd.Dir = testkit.RepoRoot(t)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	sc.Buffer(nil, 256<<20)
	decodedTiles, mvtFeatures := 0, 0
	for sc.Scan() {
		var line struct {
			File     string `json:"file"`
			Features []struct {
				Layer    string          `json:"layer"`
				ID       uint64          `json:"id"`
				Type     string          `json:"type"`
				Geometry json.RawMessage `json:"geometry"`
				Rings    [][][2]float64  `json:"rings"`
			} `json:"features"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("tile-polygons.mjs output: %v", err)
		}
		decodedTiles++
		tile := strings.TrimSuffix(filepath.Base(line.File), ".mvt")
		for _, f := range line.Features {
			mvtFeatures++
			where := fmt.Sprintf("%s.mvt feature %d", tile, f.ID)
			// As the reader gives it, in longitude/latitude.
			c := polygonCheck{kind: "mvt decoded", where: where + " (decoded)", json: string(f.Geometry)}
			if f.Type != "Polygon" && f.Type != "MultiPolygon" {
				c.fault("type", "decoded as "+f.Type)
				c.unreadable = true
			}
			checks = append(checks, c)
			// In tile coordinates, rings as written, grouped as the spec
			// says: a ring of positive area starts a polygon.
			tc := polygonCheck{kind: "mvt tile coordinates", where: where + " (tile coordinates)"}
			var mp [][][][2]float64
			for i, ring := range f.Rings {
				tc.checkRings(fmt.Sprintf("ring %d", i), [][][2]float64{ring}, false)
				a := signedArea(ring)
				switch {
				case a > 0:
					mp = append(mp, [][][2]float64{ring})
				case i == 0:
					tc.fault("winding", fmt.Sprintf("first ring has area %g: an exterior ring must have positive area (MVT 4.3.4.4)", a))
					mp = append(mp, [][][2]float64{ring})
				default:
					mp[len(mp)-1] = append(mp[len(mp)-1], ring)
				}
			}
			g, _ := json.Marshal(map[string]any{"type": "MultiPolygon", "coordinates": mp})
			tc.json = string(g)
			checks = append(checks, tc)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("tile-polygons.mjs: %v\n%s", err, stderr.String())
	}
	if decodedTiles != len(manifest) {
		t.Fatalf("node decoded %d tiles of %d", decodedTiles, len(manifest))
	}

	// GEOS, through PostGIS, on every geometry without a fault found above
	// (PostGIS refuses some of those outright).
	var send []int
	for i, c := range checks {
		if !c.unreadable {
			send = append(send, i)
		}
	}
	for start := 0; start < len(send); start += 2000 {
		end := min(start+2000, len(send))
		batch := make([]string, 0, end-start)
		for _, i := range send[start:end] {
			batch = append(batch, checks[i].json)
		}
		rows, err := db.Query(ctx, `SELECT i, ST_IsValidReason(g) FROM (
			SELECT i, ST_GeomFromGeoJSON(j) AS g FROM unnest($1::text[]) WITH ORDINALITY AS t(j, i)) s
			WHERE NOT ST_IsValid(g)`, batch)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var i int
			var reason string
			if err := rows.Scan(&i, &reason); err != nil {
				t.Fatal(err)
			}
			c := &checks[send[start+i-1]]
			c.fault("ST_IsValid", reason)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	// Counted by feature, once per kind of fault.
	invalid := map[string]int{}
	var examples []string
	for _, c := range checks {
		seen := map[string]bool{}
		for _, f := range c.faults {
			category, _, _ := strings.Cut(f, ":")
			key := c.kind + " " + category
			if seen[key] {
				continue
			}
			seen[key] = true
			if invalid[key] < 4 {
				examples = append(examples, c.where+": "+strings.Join(c.faults, "; "))
			}
			invalid[key]++
		}
	}
	t.Logf("%d sets, %d tiles per set (%d MVT decoded), %d MVT polygon features, %d GeoJSON features; invalid: %v",
		len(sets), len(tls), decodedTiles, mvtFeatures, geojsonFeatures, invalid)
	if len(invalid) > 0 {
		sort.Strings(examples)
		t.Errorf("invalid tile polygons %v; for example:\n%s", invalid, strings.Join(examples, "\n"))
	}
}

// geojsonPolygons reads a Polygon or MultiPolygon's rings.
func geojsonPolygons(raw json.RawMessage) ([][][][2]float64, error) {
	var g struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	}
	if err := json.Unmarshal(raw, &g); err != nil {
		return nil, err
	}
	switch g.Type {
	case "Polygon":
		var p [][][2]float64
		err := json.Unmarshal(g.Coordinates, &p)
		return [][][][2]float64{p}, err
	case "MultiPolygon":
		var mp [][][][2]float64
		err := json.Unmarshal(g.Coordinates, &mp)
		return mp, err
	}
	return nil, fmt.Errorf("geometry type %s, want Polygon or MultiPolygon", g.Type)
}

// checkRings checks each ring of a polygon: closed, at least four
// positions, an area; with rfc7946, the exterior anticlockwise and holes
// clockwise.
func (c *polygonCheck) checkRings(what string, p [][][2]float64, rfc7946 bool) {
	if len(p) == 0 {
		c.fault("ring", what+" has no rings")
		c.unreadable = true
	}
	for i, r := range p {
		switch a := signedArea(r); {
		case len(r) < 4:
			c.fault("ring", fmt.Sprintf("%s ring %d has %d positions", what, i, len(r)))
			c.unreadable = true
		case r[0] != r[len(r)-1]:
			c.fault("ring", fmt.Sprintf("%s ring %d is not closed", what, i))
			c.unreadable = true
		case a == 0:
			c.fault("ring", fmt.Sprintf("%s ring %d has zero area", what, i))
		case rfc7946 && i == 0 && a < 0:
			c.fault("winding", fmt.Sprintf("%s exterior ring is clockwise (RFC 7946 §3.1.6: anticlockwise)", what))
		case rfc7946 && i > 0 && a > 0:
			c.fault("winding", fmt.Sprintf("%s hole %d is anticlockwise (RFC 7946 §3.1.6: clockwise)", what, i))
		}
	}
}

// signedArea is the surveyor's formula: positive for an anticlockwise ring
// with y up (clockwise with y down, as in tile coordinates).
func signedArea(r [][2]float64) float64 {
	var s float64
	for i := 0; i+1 < len(r); i++ {
		s += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return s / 2
}
