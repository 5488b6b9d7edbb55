package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/placemap/placemap/internal/store/gpkg"
	"github.com/placemap/placemap/internal/testkit"
)

// cli runs placemap with args and returns its exit status and output.
func cli(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// snapshot describes everything in a store, to show a failed import wrote
// nothing.
func snapshot(t *testing.T, data string) string {
	t.Helper()
	st, err := gpkg.Open(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	v, _ := st.DataVersion(ctx)
	sets, _ := st.Sets(ctx)
	stats, _ := st.AssetStats(ctx)
	slugs := make([]string, len(sets))
	for i, s := range sets {
		slugs[i] = s.Slug
	}
	return fmt.Sprintf("version %d, sets %v, %d assets", v, slugs, stats.Count)
}

const wardsOK = `{"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"WD13CD":"E1","WD13NM":"North"},"geometry":{"type":"Polygon","coordinates":[[[-1.5,53.4],[-1.4,53.4],[-1.4,53.5],[-1.5,53.5],[-1.5,53.4]]]}},
 {"type":"Feature","properties":{"WD13CD":"E2","WD13NM":"South"},"geometry":{"type":"Polygon","coordinates":[[[-1.5,53.3],[-1.4,53.3],[-1.4,53.4],[-1.5,53.4],[-1.5,53.3]]]}}]}`

func TestImportCommands(t *testing.T) {
	data := t.TempDir()
	dir := t.TempDir()
	code, out, errs := cli(t, "import", "set", write(t, dir, "wards.geojson", wardsOK), "--slug", "wards", "--title", "Wards", "--kind", "statutory", "--data", data)
	if code != 0 || !strings.Contains(out, "imported wards: 2 areas (code field WD13CD, name field WD13NM)") {
		t.Fatalf("import set: %d %q %q", code, out, errs)
	}
	csv := "name,category,lon,lat\nNorth Library,library,-1.45,53.45\nSouth Hall,community_hall,-1.45,53.35\n"
	code, out, errs = cli(t, "import", "assets", write(t, dir, "assets.csv", csv), "--data", data)
	if code != 0 || !strings.Contains(out, "imported 2 assets, 2 memberships") {
		t.Fatalf("import assets: %d %q %q", code, out, errs)
	}
	lookup := "WARD,HALF\nE1,N\nE2,S\n"
	code, out, errs = cli(t, "import", "set-from-lookup", write(t, dir, "halves.csv", lookup), "--units", "wards",
		"--unit-field", "WARD", "--group-field", "HALF", "--slug", "halves", "--title", "Halves", "--data", data)
	if code != 0 || !strings.Contains(out, "imported halves: 2 areas dissolved from wards, 2 asset memberships") {
		t.Fatalf("import set-from-lookup: %d %q %q", code, out, errs)
	}
	code, out, _ = cli(t, "sets", "--data", data)
	if code != 0 || !strings.Contains(out, "wards") || !strings.Contains(out, "halves") {
		t.Errorf("sets: %d %q", code, out)
	}
}

// TestBadImportsWriteNothing: every bad input is refused with an error
// naming the file, the feature or line, and the field, exits non-zero, and
// leaves the store exactly as it was.
func TestBadImportsWriteNothing(t *testing.T) {
	data := t.TempDir()
	dir := t.TempDir()
	if code, _, errs := cli(t, "import", "set", write(t, dir, "wards.geojson", wardsOK), "--slug", "wards", "--title", "Wards", "--data", data); code != 0 {
		t.Fatal(errs)
	}
	realOA := filepath.Join(testkit.RepoRoot(t), "geodata/sheffield/ons/statistical__eng__oa_by_lad__E08000019.json")
	for _, tc := range []struct {
		name  string
		args  []string
		wants []string
	}{
		{"bow-tie polygon beyond repair",
			[]string{"import", "set", write(t, dir, "bowtie.geojson", `{"type":"FeatureCollection","features":[
			 {"type":"Feature","properties":{"code":"OK1"},"geometry":{"type":"Polygon","coordinates":[[[-1.5,53.3],[-1.4,53.3],[-1.4,53.4],[-1.5,53.4],[-1.5,53.3]]]}},
			 {"type":"Feature","properties":{"code":"BAD"},"geometry":{"type":"Polygon","coordinates":[[[-1.5,53.3],[-1.4,53.4],[-1.4,53.3],[-1.5,53.4],[-1.5,53.3]]]}}]}`), "--slug", "bowtie", "--title", "Bow tie"},
			[]string{"bowtie.geojson", "feature 1", "BAD"}},
		{"eastings and northings given as degrees",
			[]string{"import", "set", write(t, dir, "bng.geojson", `{"type":"FeatureCollection","features":[
			 {"type":"Feature","properties":{"code":"X"},"geometry":{"type":"Polygon","coordinates":[[[435000,387000],[436000,387000],[436000,388000],[435000,388000],[435000,387000]]]}}]}`), "--slug", "bng", "--title", "BNG"},
			[]string{"bng.geojson", "feature 0", "British National Grid"}},
		{"latitude and longitude swapped",
			[]string{"import", "set", write(t, dir, "swapped.geojson", `{"type":"FeatureCollection","features":[
			 {"type":"Feature","properties":{"code":"X"},"geometry":{"type":"Polygon","coordinates":[[[53.3,-1.5],[53.3,-1.4],[53.4,-1.4],[53.4,-1.5],[53.3,-1.5]]]}}]}`), "--slug", "swapped", "--title", "Swapped"},
			[]string{"swapped.geojson", "swapped"}},
		{"duplicate codes",
			[]string{"import", "set", write(t, dir, "dup.geojson", strings.ReplaceAll(wardsOK, `"E2"`, `"E1"`)), "--slug", "dup", "--title", "Dup"},
			[]string{"dup.geojson", "feature 1", "E1"}},
		{"named code field missing",
			[]string{"import", "set", write(t, dir, "nocode.geojson", wardsOK), "--slug", "nocode", "--title", "No code", "--code-field", "LSOA11CD"},
			[]string{"nocode.geojson", "feature 0", "LSOA11CD"}},
		{"a point where polygons belong",
			[]string{"import", "set", write(t, dir, "point.geojson", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"P"},"geometry":{"type":"Point","coordinates":[-1.5,53.3]}}]}`), "--slug", "point", "--title", "Point"},
			[]string{"point.geojson", "feature 0", "Point"}},
		{"slug taken",
			[]string{"import", "set", write(t, dir, "again.geojson", wardsOK), "--slug", "wards", "--title", "Again"},
			[]string{"wards", "exists"}},
		{"bad slug",
			[]string{"import", "set", write(t, dir, "slug.geojson", wardsOK), "--slug", "Bad Slug", "--title", "x"},
			[]string{"Bad Slug"}},
		{"unknown kind",
			[]string{"import", "set", write(t, dir, "kind.geojson", wardsOK), "--slug", "kind", "--title", "x", "--kind", "vibes"},
			[]string{"kind", "vibes"}},
		{"asset CSV with a bad latitude on line 3",
			[]string{"import", "assets", write(t, dir, "bad.csv", "name,category,lon,lat\nA,library,-1.45,53.45\nB,library,-1.45,abc\n")},
			[]string{"bad.csv", "line 3", "lat"}},
		{"asset CSV in British National Grid under lon/lat headers",
			[]string{"import", "assets", write(t, dir, "bngcsv.csv", "name,category,lon,lat\nA,library,435000,387000\n")},
			[]string{"bngcsv.csv", "line 2", "British National Grid"}},
		{"asset with an unknown category",
			[]string{"import", "assets", write(t, dir, "cat.csv", "name,category,lon,lat\nA,library,-1.45,53.45\nB,bookshop,-1.45,53.35\n")},
			[]string{"cat.csv", "line 3", "category"}},
		{"asset GeoJSON with a bad status",
			[]string{"import", "assets", write(t, dir, "status.geojson", `{"type":"FeatureCollection","features":[
			 {"type":"Feature","properties":{"name":"A","category":"library","status":"open"},"geometry":{"type":"Point","coordinates":[-1.45,53.45]}},
			 {"type":"Feature","properties":{"name":"B","category":"library","status":"shut"},"geometry":{"type":"Point","coordinates":[-1.45,53.35]}}]}`)},
			[]string{"status.geojson", "feature 1", "status"}},
		{"lookup naming a unit the set lacks",
			[]string{"import", "set-from-lookup", write(t, dir, "lookup.csv", "WARD,HALF\nE1,N\nE9,S\n"), "--units", "wards", "--unit-field", "WARD", "--group-field", "HALF", "--slug", "halves", "--title", "Halves"},
			[]string{"lookup.csv", "line 3", "WARD", "E9"}},
		{"lookup without the named column",
			[]string{"import", "set-from-lookup", write(t, dir, "lookup2.csv", "WARD,HALF\nE1,N\n"), "--units", "wards", "--unit-field", "WARD", "--group-field", "THIRD", "--slug", "thirds", "--title", "Thirds"},
			[]string{"lookup2.csv", "THIRD"}},
		{"lookup on an unknown unit set",
			[]string{"import", "set-from-lookup", write(t, dir, "lookup3.csv", "WARD,HALF\nE1,N\n"), "--units", "nope", "--unit-field", "WARD", "--group-field", "HALF", "--slug", "halves", "--title", "Halves"},
			[]string{"nope"}},
		{"indicator with a value that is not a number",
			[]string{"import", "indicator", write(t, dir, "pop.csv", "WD13CD,people,score\nE1,100,3.5\nE2,lots,2\n"), "--set", "wards", "--code-field", "WD13CD", "--count", "people"},
			[]string{"pop.csv", "line 3", "people", "lots"}},
		{"indicator for an area the set lacks",
			[]string{"import", "indicator", write(t, dir, "pop2.csv", "WD13CD,people\nE1,100\nE7,50\n"), "--set", "wards", "--code-field", "WD13CD", "--count", "people"},
			[]string{"E7", "not an area of wards"}},
		{"indicator table without the code column",
			[]string{"import", "indicator", write(t, dir, "pop3.csv", "CODE,people\nE1,100\n"), "--set", "wards", "--code-field", "WD13CD", "--count", "people"},
			[]string{"pop3.csv", "WD13CD", "CODE, people"}},
		{"indicator with an area twice",
			[]string{"import", "indicator", write(t, dir, "pop4.csv", "WD13CD,people\nE1,100\nE1,50\n"), "--set", "wards", "--code-field", "WD13CD", "--count", "people"},
			[]string{"pop4.csv", "line 3", "also on line 2"}},
		{"indicator for an unknown set",
			[]string{"import", "indicator", write(t, dir, "pop5.csv", "WD13CD,people\nE1,100\n"), "--set", "nope", "--code-field", "WD13CD", "--count", "people"},
			[]string{"nope"}},
		{"a file that is not GeoJSON",
			[]string{"import", "set", write(t, dir, "junk.geojson", `{"type":"FeatureCollection","features":[{"type":"Feature",`), "--slug", "junk", "--title", "Junk"},
			[]string{"junk.geojson"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := snapshot(t, data)
			code, _, errs := cli(t, append(tc.args, "--data", data)...)
			if code == 0 {
				t.Fatalf("exit 0, want failure")
			}
			for _, w := range tc.wants {
				if !strings.Contains(errs, w) {
					t.Errorf("error %q lacks %q", errs, w)
				}
			}
			if after := snapshot(t, data); after != before {
				t.Errorf("store changed: %q → %q", before, after)
			}
		})
	}

	// A good indicator table imports, and says which numeric columns it left.
	code, out, errs := cli(t, "import", "indicator", write(t, dir, "ok.csv", "WD13CD,people,score\nE1,100,3.5\nE2,,2\n"),
		"--set", "wards", "--code-field", "WD13CD", "--count", "people=population", "--data", data)
	if code != 0 || !strings.Contains(out, "imported population (count) into wards: 1 areas") || !strings.Contains(out, "not imported") || !strings.Contains(out, "score") {
		t.Errorf("indicator import: %d %q %q", code, out, errs)
	}

	// The real invalid Output Area E00040635 is repaired within 0.1% and
	// said so.
	code, out, errs = cli(t, "import", "set", realOA, "--slug", "oa", "--title", "OA", "--data", data)
	if code != 0 || !strings.Contains(out, "1817 areas") || !strings.Contains(out, "E00040635") {
		t.Errorf("real OA import: %d %q %q", code, out, errs)
	}
}

func TestUserAdd(t *testing.T) {
	data := t.TempDir()
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"user", "add", "Admin@Example.org", "--role", "admin", "--data", data}, &out, &errb)
	if code != 0 || !strings.Contains(out.String(), "added admin@example.org as admin") || !strings.Contains(out.String(), "password (shown once): ") {
		t.Fatalf("user add: %d %q %q", code, out.String(), errb.String())
	}
	if code, _, errs := cli(t, "user", "add", "admin@example.org", "--role", "editor", "--data", data); code == 0 || !strings.Contains(errs, "exists already") {
		t.Errorf("duplicate account: %d %q", code, errs)
	}
	if code, _, errs := cli(t, "user", "add", "x@example.org", "--role", "overlord", "--data", data); code == 0 || !strings.Contains(errs, "overlord") {
		t.Errorf("unknown role: %d %q", code, errs)
	}
}

// TestUserAddScopeMustExist: a scope is a fixed grant of a set or an area
// that exists; one naming nothing (a typo, or an area not drawn yet) would
// grant whatever later took the name, so `user add` refuses it and writes
// no account. The display name is checked too.
func TestUserAddScopeMustExist(t *testing.T) {
	data := t.TempDir()
	grid := write(t, t.TempDir(), "grid.geojson", `{"type":"FeatureCollection","features":[
		{"type":"Feature","properties":{"code":"A1","name":"Area A1"},"geometry":{"type":"Polygon","coordinates":[[[-1.5,53.25],[-1.375,53.25],[-1.375,53.375],[-1.5,53.375],[-1.5,53.25]]]}}]}`)
	if code, out, errs := cli(t, "import", "set", grid, "--slug", "grid", "--title", "Grid", "--code-field", "code", "--name-field", "name", "--data", data); code != 0 {
		t.Fatalf("import: %d %q %q", code, out, errs)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--scope", "grid:ZZ"}, `boundary set grid has no area "ZZ"`},
		{[]string{"--scope", "nowhere"}, `no boundary set "nowhere"`},
		{[]string{"--scope", "grid:A1", "--scope", "nowhere:A1"}, `no boundary set "nowhere"`},
		{[]string{"--scope", "Grid"}, "want SET or SET:CODE"},
		{[]string{"--scope", "grid:"}, "SET:CODE"},
		{[]string{"--display-name", "ed@example.org"}, `"@"`},
	} {
		args := append([]string{"user", "add", "ed@example.org", "--role", "editor", "--data", data}, tc.args...)
		if code, out, errs := cli(t, args...); code == 0 || !strings.Contains(errs, tc.want) {
			t.Errorf("user add %v: %d %q %q, want an error with %s", tc.args, code, out, errs, tc.want)
		}
	}
	// None of those made the account: it can be added now, once.
	code, out, errs := cli(t, "user", "add", "ed@example.org", "--role", "editor", "--scope", "grid:A1", "--display-name", "Heeley volunteers", "--data", data)
	if code != 0 || !strings.Contains(out, "added ed@example.org as editor for grid:A1") {
		t.Fatalf("user add with an existing area: %d %q %q", code, out, errs)
	}
	if code, out, errs := cli(t, "user", "add", "set@example.org", "--role", "moderator", "--scope", "grid", "--data", data); code != 0 {
		t.Errorf("user add with an existing set: %d %q %q", code, out, errs)
	}
	if code, out, errs := cli(t, "user", "display-name", "Ed@example.org", "", "--data", data); code != 0 || !strings.Contains(out, `shown as "an editor"`) {
		t.Errorf("display-name: %d %q %q", code, out, errs)
	}
	if code, out, errs := cli(t, "user", "display-name", "ed@example.org", "Heeley\x00", "--data", data); code == 0 || !strings.Contains(errs, "control") {
		t.Errorf("display-name with NUL: %d %q %q", code, out, errs)
	}
}
