package httpapi_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"io/fs"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/placemap/placemap/geodata"
	"github.com/placemap/placemap/internal/demo"
	"github.com/placemap/placemap/internal/httpapi"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/testkit"
	"github.com/placemap/placemap/seeds"
)

// profile is the part of an area profile the tests read.
type profile struct {
	Set, Code, Name string
	SetTitle        string `json:"set_title"`
	SetKind         string `json:"set_kind"`
	Population      *struct {
		Value  float64
		From   string
		Parts  int
		Weight string
		Method string
	}
	Deprivation *struct {
		Value  float64
		From   string
		Parts  int
		Weight string
		Method string
	}
	Assets struct {
		Total  int
		InUse  []profileGroup `json:"in_use"`
		Closed []profileGroup
	}
	OtherDefinitions []struct {
		Set, Title  string
		Overlapping int
		Areas       []struct {
			Code, Name string
			ShareAInB  float64 `json:"share_of_this_in_it"`
			ShareBInA  float64 `json:"share_of_it_in_this"`
		}
	} `json:"other_definitions"`
}

type profileGroup struct {
	Category string
	Count    int
	Assets   []struct{ ID, Name, Status string }
}

// The ward the tests describe: Broomhill and Sharrow Vale (2019 wards).
const (
	profileSet  = "wards-2019"
	profileCode = "E05010860"
)

// The figures for the ward, as PostGIS makes them (rounded).
const (
	profileResidents    = 22679 // 2011 usual residents
	profileDecile100    = 718   // IMD 2019 decile 7.18, times 100
	profileLibraries    = 1     // Broomhill Library
	profileOAs          = 81    // Output Areas overlapping the ward, slivers aside
	profileLSOAs        = 22    // LSOAs overlapping it
	profileConstituency = "Sheffield Central"
	profileWardInPcon   = 100 // % of the ward in Sheffield Central
	profilePconInWard   = 15  // % of Sheffield Central in the ward
)

// independent is what PostGIS makes of the source files for the ward: the
// 2011 usual residents of the Output Areas, each shared by the part of the
// OA's area inside the ward, and the IMD 2019 decile of the LSOAs averaged
// with each OA's residents counted in the LSOA and the ward it lies mostly
// in. Pairs under 1% of both areas are left out, as placemap states.
type independent struct {
	population, decile float64
	oas, lsoas         int // how many of each overlap the ward, slivers aside
	libraries          int
	pcon               string  // the constituency holding most of the ward
	wardInPcon         float64 // the share of the ward in it
	pconInWard         float64 // the share of it in the ward
}

func readSourceAreas(t *testing.T, pg *pgx.Conn, set, file, codeField string) {
	t.Helper()
	b, err := fs.ReadFile(geodata.FS, file)
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Features []struct {
			Properties map[string]any  `json:"properties"`
			Geometry   json.RawMessage `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatal(err)
	}
	for _, f := range fc.Features {
		key, _ := f.Properties[codeField].(string)
		if _, err := pg.Exec(context.Background(), `INSERT INTO area VALUES ($1, $2, ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON($3), 4326)))`,
			set, key, string(f.Geometry)); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
	}
}

func readSourceCSV(t *testing.T, pg *pgx.Conn, table, file string, codeCol, valueCol string) {
	t.Helper()
	f, err := geodata.FS.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	ci, vi := -1, -1
	for i, h := range rows[0] {
		switch h {
		case codeCol:
			ci = i
		case valueCol:
			vi = i
		}
	}
	if ci < 0 || vi < 0 {
		t.Fatalf("%s: no column %q or %q", file, codeCol, valueCol)
	}
	for _, r := range rows[1:] {
		v, err := strconv.ParseFloat(r[vi], 64)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if _, err := pg.Exec(context.Background(), `INSERT INTO `+table+` VALUES ($1, $2)`, r[ci], v); err != nil {
			t.Fatal(err)
		}
	}
}

func postgisProfile(t *testing.T) independent {
	t.Helper()
	pg := testkit.PostGISDatabase(t)
	ctx := context.Background()
	if _, err := pg.Exec(ctx, `CREATE TABLE area (set text, key text, geom geometry(Geometry, 4326));
		CREATE TABLE pop (oa text, v float8); CREATE TABLE imd (lsoa text, v float8);
		CREATE TABLE library (status text, geom geometry(Point, 4326))`); err != nil {
		t.Fatal(err)
	}
	readSourceAreas(t, pg, "ward", "sheffield/ons-2019/sheffield_wards_2019.geojson", "WD19CD")
	readSourceAreas(t, pg, "pcon", "sheffield/ons/electoral__eng__wpc_by_lad__E08000019.json", "PCON13CD")
	readSourceAreas(t, pg, "lsoa", "sheffield/ons/statistical__eng__lsoa_by_lad__E08000019.json", "LSOA11CD")
	readSourceAreas(t, pg, "oa", "sheffield/ons/statistical__eng__oa_by_lad__E08000019.json", "OA11CD")
	readSourceCSV(t, pg, "pop", "sheffield/indicators/KS101EW_all_usual_residents__Sheffield_E08000019_OA.csv", "OA11CD", "all_usual_residents_2011")
	readSourceCSV(t, pg, "imd", "sheffield/indicators/IoD2019_Sheffield_LSOA_combined.csv", "LSOA code (2011)",
		"Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)")
	b, err := fs.ReadFile(seeds.FS, "sheffield-libraries.geojson")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pg.Exec(ctx, `INSERT INTO library SELECT f->'properties'->>'status', ST_SetSRID(ST_GeomFromGeoJSON(f->>'geometry'), 4326)
		FROM jsonb_array_elements($1::jsonb->'features') f`, string(b)); err != nil {
		t.Fatal(err)
	}
	var out independent
	// Pairs of areas with their overlap in m² on the spheroid, slivers out.
	const pairs = `CREATE TABLE pair AS SELECT a.set AS aset, a.key AS a, b.set AS bset, b.key AS b, i AS inter,
		ST_Area(a.geom::geography) AS area_a, ST_Area(b.geom::geography) AS area_b
		FROM area a JOIN area b ON a.set <> b.set AND ST_Intersects(a.geom, b.geom),
		LATERAL (SELECT ST_Area(ST_Intersection(a.geom, b.geom)::geography) AS i) x
		WHERE a.set IN ('oa', 'lsoa', 'ward') AND b.set IN ('lsoa', 'ward', 'pcon') AND i > 0
		  AND (i / ST_Area(a.geom::geography) >= 0.01 OR i / ST_Area(b.geom::geography) >= 0.01)`
	if _, err := pg.Exec(ctx, pairs); err != nil {
		t.Fatal(err)
	}
	if err := pg.QueryRow(ctx, `SELECT sum(pop.v * inter / area_a) FROM pair JOIN pop ON pop.oa = pair.a
		WHERE aset = 'oa' AND bset = 'ward' AND b = $1`, profileCode).Scan(&out.population); err != nil {
		t.Fatal(err)
	}
	if err := pg.QueryRow(ctx, `SELECT count(*) FILTER (WHERE aset = 'oa'), count(*) FILTER (WHERE aset = 'lsoa') FROM pair
		WHERE bset = 'ward' AND b = $1`, profileCode).Scan(&out.oas, &out.lsoas); err != nil {
		t.Fatal(err)
	}
	if err := pg.QueryRow(ctx, `WITH best AS (
			SELECT DISTINCT ON (a, bset) a, bset, b FROM pair WHERE aset = 'oa' ORDER BY a, bset, inter / area_a DESC)
		SELECT sum(pop.v * imd.v) / sum(pop.v) FROM pop
		JOIN best l ON l.a = pop.oa AND l.bset = 'lsoa' JOIN best w ON w.a = pop.oa AND w.bset = 'ward'
		JOIN imd ON imd.lsoa = l.b
		JOIN pair lw ON lw.aset = 'lsoa' AND lw.a = l.b AND lw.bset = 'ward' AND lw.b = w.b
		WHERE w.b = $1`, profileCode).Scan(&out.decile); err != nil {
		t.Fatal(err)
	}
	if err := pg.QueryRow(ctx, `SELECT count(*) FROM library l JOIN area a ON a.set = 'ward' AND a.key = $1 AND ST_Covers(a.geom, l.geom)
		WHERE l.status = 'open'`, profileCode).Scan(&out.libraries); err != nil {
		t.Fatal(err)
	}
	if err := pg.QueryRow(ctx, `SELECT b, inter / area_a, inter / area_b FROM pair WHERE aset = 'ward' AND bset = 'pcon' AND a = $1
		ORDER BY inter / area_a DESC LIMIT 1`, profileCode).Scan(&out.pcon, &out.wardInPcon, &out.pconInWard); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestAreaProfileDemo asks the profile of a ward of the demo from each
// store, and checks its figures against PostGIS run on the source files.
func TestAreaProfileDemo(t *testing.T) {
	want := postgisProfile(t)
	t.Logf("PostGIS on the source files: %+v", want)
	stores(t, func(t *testing.T, st *store.DB) {
		ctx := context.Background()
		if err := demo.Load(ctx, st, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
			t.Fatal(err)
		}
		web := fstest.MapFS{"index.html": {Data: []byte("<!doctype html><title>placemap</title>")}}
		srv := httptest.NewServer(httpapi.New(roles(st), web, httpapi.Config{}, slog.New(slog.NewTextHandler(io.Discard, nil))))
		t.Cleanup(srv.Close)
		url := srv.URL + "/api/sets/" + profileSet + "/areas/" + profileCode + "/profile"
		var p profile
		for _, pass := range []string{"first", "second"} {
			start := time.Now()
			res := get(t, url)
			t.Logf("profile request, %s: %v", pass, time.Since(start))
			if res.status != http.StatusOK {
				t.Fatalf("status %d: %s", res.status, res.body)
			}
			if err := json.Unmarshal(res.body, &p); err != nil {
				t.Fatal(err)
			}
		}
		checkProfile(t, p, want)
		checkClosed(t, st, srv.URL)
		if res := get(t, srv.URL+"/api/sets/"+profileSet+"/areas/E99999999/profile"); res.status != http.StatusNotFound {
			t.Errorf("unknown area: status %d, want 404: %s", res.status, res.body)
		}
		if res := get(t, srv.URL+"/api/sets/no-such-set/areas/"+profileCode+"/profile"); res.status != http.StatusNotFound {
			t.Errorf("unknown set: status %d, want 404: %s", res.status, res.body)
		}
		// The series' name leads to the current release's profile.
		if res := get(t, srv.URL+"/api/sets/sheffield-wards/areas/"+profileCode+"/profile"); res.status != http.StatusOK || !strings.Contains(string(res.body), `"set":"wards-2019"`) {
			t.Errorf("series name: status %d: %.200s", res.status, res.body)
		}
	})
}

func checkProfile(t *testing.T, p profile, want independent) {
	t.Helper()
	if p.Name != "Broomhill and Sharrow Vale" || p.SetTitle != "Electoral wards (since 2016)" || p.SetKind != "statutory" {
		t.Errorf("name, set: %q %q %q", p.Name, p.SetTitle, p.SetKind)
	}
	if p.Population == nil || p.Deprivation == nil {
		t.Fatalf("population or deprivation missing: %+v %+v", p.Population, p.Deprivation)
	}
	// The store repairs and measures the source shapes its own way (an
	// equal-area projection, not the spheroid): a resident either way.
	if math.Abs(p.Population.Value-want.population) > 1 {
		t.Errorf("population %.2f, PostGIS %.2f", p.Population.Value, want.population)
	}
	if math.Round(p.Population.Value) != profileResidents {
		t.Errorf("population %.2f, want %d", p.Population.Value, profileResidents)
	}
	if p.Population.From != "oa-2011" || p.Population.Weight != "area" {
		t.Errorf("population from %s by %s", p.Population.From, p.Population.Weight)
	}
	if p.Population.Parts != want.oas || p.Deprivation.Parts != want.lsoas || want.oas != profileOAs || want.lsoas != profileLSOAs {
		t.Errorf("made from %d OAs and %d LSOAs; PostGIS %d, %d; want %d, %d",
			p.Population.Parts, p.Deprivation.Parts, want.oas, want.lsoas, profileOAs, profileLSOAs)
	}
	if math.Abs(p.Deprivation.Value-want.decile) > 1e-6 {
		t.Errorf("decile %.6f, PostGIS %.6f", p.Deprivation.Value, want.decile)
	}
	if math.Round(p.Deprivation.Value*100) != profileDecile100 {
		t.Errorf("decile %.4f, want %.2f", p.Deprivation.Value, profileDecile100/100.0)
	}
	if p.Deprivation.From != "lsoa-2011" || p.Deprivation.Weight != "population" {
		t.Errorf("deprivation from %s by %s", p.Deprivation.From, p.Deprivation.Weight)
	}
	libs := 0
	for _, g := range p.Assets.InUse {
		if g.Category == "library" {
			libs = g.Count
		}
	}
	if libs != want.libraries || libs != profileLibraries {
		t.Errorf("libraries in use: %d, PostGIS %d, want %d", libs, want.libraries, profileLibraries)
	}
	sets := map[string]bool{}
	for _, o := range p.OtherDefinitions {
		sets[o.Set] = true
		if o.Set == "wards-2013" || o.Set == profileSet {
			t.Errorf("other definitions list %s, which is not another current set", o.Set)
		}
		if o.Set != "constituencies-2013" {
			continue
		}
		if len(o.Areas) == 0 || o.Areas[0].Code != want.pcon || o.Areas[0].Name != profileConstituency {
			t.Fatalf("constituencies: %+v, want %s (%s) first", o.Areas, profileConstituency, want.pcon)
		}
		got := o.Areas[0]
		if math.Abs(got.ShareAInB-want.wardInPcon) > 1e-3 || math.Abs(got.ShareBInA-want.pconInWard) > 1e-3 {
			t.Errorf("ward in constituency %.4f, constituency in ward %.4f; PostGIS %.4f, %.4f",
				got.ShareAInB, got.ShareBInA, want.wardInPcon, want.pconInWard)
		}
		if math.Round(got.ShareAInB*100) != profileWardInPcon || math.Round(got.ShareBInA*100) != profilePconInWard {
			t.Errorf("ward in constituency %.4f, constituency in ward %.4f; want %d%%, %d%%",
				got.ShareAInB, got.ShareBInA, profileWardInPcon, profilePconInWard)
		}
	}
	for _, set := range []string{"community-neighbourhoods", "constituencies-2013", "msoa-2011", "lsoa-2011", "oa-2011", "council-neighbourhoods"} {
		if !sets[set] {
			t.Errorf("other definitions miss %s", set)
		}
	}
}

// checkClosed: a closed library is counted apart from the open ones of its
// ward, under "closed".
func checkClosed(t *testing.T, st *store.DB, base string) {
	t.Helper()
	ctx := context.Background()
	libs, err := st.Assets(ctx, store.AssetQuery{Category: "library"})
	if err != nil {
		t.Fatal(err)
	}
	closed := 0
	for _, a := range libs.Assets {
		if a.Status != "closed" {
			continue
		}
		closed++
		ms, err := st.Memberships(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			if m.Set != profileSet {
				continue
			}
			var p profile
			res := get(t, base+"/api/sets/"+profileSet+"/areas/"+m.Code+"/profile")
			if err := json.Unmarshal(res.body, &p); err != nil {
				t.Fatalf("%d: %v", res.status, err)
			}
			found := false
			for _, g := range p.Assets.Closed {
				for _, x := range g.Assets {
					found = found || (g.Category == "library" && x.ID == a.ID && x.Status == "closed")
				}
			}
			for _, g := range p.Assets.InUse {
				for _, x := range g.Assets {
					if x.ID == a.ID {
						t.Errorf("%s (closed) is counted in use in %s", a.Name, m.Code)
					}
				}
			}
			if !found {
				t.Errorf("%s (closed) is not under closed in the profile of %s: %+v", a.Name, m.Code, p.Assets)
			}
		}
	}
	if closed != 2 {
		t.Errorf("the demo has %d closed libraries, want 2", closed)
	}
}
