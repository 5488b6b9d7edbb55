package main

import (
	"context"
	"encoding/csv"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/placemap/placemap/internal/httpapi"
	"github.com/placemap/placemap/internal/testkit"
	"github.com/placemap/placemap/web"
)

// figuresLSOA is the known area the figures are checked on: Sheffield
// 059C, which holds one library and five Output Areas.
const figuresLSOA = "E01007831"

// TestFiguresCSVOnBothStores downloads an indicator's figures as CSV and
// per 10,000 residents from the demo on the GeoPackage and on PostGIS, and
// checks the known area against figures made without placemap: residents
// summed from the census CSV through the ONS OA→LSOA lookup, libraries
// counted by PostGIS SQL on the same data.
func TestFiguresCSVOnBothStores(t *testing.T) {
	dbURL := testkit.PostGISDatabaseURL(t)
	ctx := context.Background()
	dir := t.TempDir()
	if err := loadDemoIfEmpty(ctx, dir, quietLog()); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := cli(t, "demo", "--db", dbURL); code != 0 {
		t.Fatalf("demo --db: %d %q %q", code, out, errs)
	}
	residents := residentsOfLSOA(t, figuresLSOA)
	if residents != 1523 {
		t.Fatalf("the census CSV gives %s %v residents, want 1523 (the hand sum)", figuresLSOA, residents)
	}
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var libraries int
	err = conn.QueryRow(ctx, `SELECT count(*) FROM assets s JOIN areas a ON ST_Covers(a.geom, s.location)
		WHERE a.set_slug = 'lsoa-2011' AND a.code = $1 AND s.category = 'library'`, figuresLSOA).Scan(&libraries)
	if err != nil {
		t.Fatal(err)
	}
	if libraries != 1 {
		t.Fatalf("PostGIS counts %d libraries in %s, want 1", libraries, figuresLSOA)
	}
	for name, loc := range map[string]string{"gpkg": dir, "postgis": dbURL} {
		t.Run(name, func(t *testing.T) {
			st, err := openLocation(ctx, loc, 0)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			srv := httptest.NewServer(httpapi.New(apiStores(st), web.FS, httpapi.Config{TileCacheBytes: 0}, quietLog()))
			t.Cleanup(srv.Close)
			checkFiguresCSV(t, srv.URL, float64(libraries), residents)
		})
	}
}

func checkFiguresCSV(t *testing.T, base string, libraries, residents float64) {
	t.Helper()
	rows, header := getCSV(t, base+"/api/sets/lsoa-2011/indicators/assets_library.csv?per=10000")
	if cd := header.Get("Content-Disposition"); cd != `attachment; filename="lsoa-2011-assets_library-per-10000.csv"` {
		t.Errorf("Content-Disposition = %q", cd)
	}
	if strings.Join(rows[0], ",") != "set,code,name,indicator,value,per,source_set,method" {
		t.Fatalf("header = %v", rows[0])
	}
	if len(rows) != 1+345 {
		t.Errorf("%d rows, want one for each of the 345 LSOAs", len(rows)-1)
	}
	want := libraries / residents * 10000
	found := false
	for _, r := range rows[1:] {
		if r[1] != figuresLSOA {
			continue
		}
		found = true
		v, err := strconv.ParseFloat(r[4], 64)
		if err != nil || math.Abs(v-want) > 1e-9 || r[2] != "Sheffield 059C" || r[5] != "10000" || r[6] != "lsoa-2011" {
			t.Errorf("%s row = %v, want %v libraries per 10,000 residents (%v / %v)", figuresLSOA, r, want, libraries, residents)
		}
		if !strings.Contains(r[7], "population from oa-2011") {
			t.Errorf("method %q should say the residents came from oa-2011", r[7])
		}
	}
	if !found {
		t.Errorf("no row for %s", figuresLSOA)
	}
	// The same figures as JSON, with the area names the table shows.
	var js struct {
		Values map[string]float64
		Names  map[string]string
		Per    int
	}
	getJSON(t, base+"/api/sets/lsoa-2011/indicators/assets_library?per=10000", &js)
	if js.Per != 10000 || math.Abs(js.Values[figuresLSOA]-want) > 1e-9 || js.Names[figuresLSOA] != "Sheffield 059C" {
		t.Errorf("JSON per=10000: per %d, %s = %v (%q), want %v", js.Per, figuresLSOA, js.Values[figuresLSOA], js.Names[figuresLSOA], want)
	}
	// format=csv is the same file; a moved count keeps its source set.
	same, _ := getCSV(t, base+"/api/sets/lsoa-2011/indicators/assets_library?per=10000&format=csv")
	if len(same) != len(rows) {
		t.Errorf("format=csv gave %d rows, .csv %d", len(same), len(rows))
	}
	moved, _ := getCSV(t, base+"/api/sets/msoa-2011/indicators/population.csv?from=oa-2011")
	if len(moved) != 1+70 || moved[1][6] != "oa-2011" || moved[1][5] != "" {
		t.Errorf("moved population CSV: %d rows, first %v", len(moved), moved[1])
	}
	for _, bad := range []string{"?per=100", "?per=10000&format=xml", "?weight=area"} {
		res, err := http.Get(base + "/api/sets/lsoa-2011/indicators/assets_library.csv" + bad)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", bad, res.StatusCode)
		}
	}
	res, err := http.Get(base + "/api/sets/lsoa-2011/indicators/imd_score?per=10000")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest {
		t.Errorf("a rate per head: status %d, want 400", res.StatusCode)
	}
}

func getCSV(t *testing.T, url string) ([][]string, http.Header) {
	t.Helper()
	text, header := getText(t, url)
	rows, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("GET %s: %d rows, %v", url, len(rows), err)
	}
	return rows, header
}

// residentsOfLSOA sums the 2011 census residents of the Output Areas the
// ONS lookup puts in lsoa, straight from the source CSVs.
func residentsOfLSOA(t *testing.T, lsoa string) float64 {
	t.Helper()
	dir := filepath.Join(testkit.RepoRoot(t), "geodata/sheffield/indicators")
	read := func(name string) [][]string {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := csv.NewReader(f).ReadAll()
		if err != nil && err != io.EOF {
			t.Fatal(err)
		}
		return rows
	}
	in := map[string]bool{}
	for _, r := range read("OA11_LSOA11_MSOA11_LAD17_OAC11__Sheffield_E08000019.csv")[1:] {
		if r[3] == lsoa {
			in[r[0]] = true
		}
	}
	sum := 0.0
	for _, r := range read("KS101EW_all_usual_residents__Sheffield_E08000019_OA.csv")[1:] {
		if in[r[0]] {
			n, err := strconv.ParseFloat(r[1], 64)
			if err != nil {
				t.Fatal(err)
			}
			sum += n
		}
	}
	return sum
}
