// Command crossbench times crosswalks between real boundary sets, computed
// by placemap's reconcile.Overlay in this process and by PostGIS in SQL on
// the same machine in the same run, and checks that both give the same
// answers. bench/crosswalk.sh sets it up; see there.
//
// Engines, each timed -runs times after one untimed warm-up run:
//
//   - placemap Overlay on all cores (GOMAXPROCS), and on one core;
//   - placemap areas (reconcile.OverlayStoredAreas: the same figures, each
//     intersection measured from the boundaries instead of built, no faces)
//     on all cores and on one core;
//   - PostGIS, the query a user would write, on one connection: every pair
//     that ST_Intersects (GiST index), with ST_Area(ST_Intersection(a, b)
//     ::geography) and the two areas ST_Area(geom::geography), rows fetched
//     and shares computed in Go;
//   - the same on a connection with jit off (PostgreSQL's JIT compiles
//     these short queries, which costs more than it saves);
//   - the same query split over as many connections as placemap has cores
//     (by a's index modulo N), to compare like with like.
//
// Tables are loaded once before any timing, from the areas as placemap read
// them (after repair), as EPSG:4326 WKB, with GiST indexes and ANALYZE.
package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/placemap/placemap/internal/formats"
	"github.com/placemap/placemap/internal/geo"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/reconcile"
)

// The sets, by slug, under -data.
var files = map[string]string{
	"oa-2011":    "ons/statistical__eng__oa_by_lad__E08000019.json",
	"lsoa-2011":  "ons/statistical__eng__lsoa_by_lad__E08000019.json",
	"wards-2013": "ons/electoral__eng__wards_by_lad__E08000019.json",
	"wards-2019": "ons-2019/sheffield_wards_2019.geojson",
	"community":  "community/data_neighbourhoods.geojson",
}

// nationFiles are the sets of the synthetic national set (bench/nationgen)
// under -nation.
var nationFiles = map[string]string{
	"oa-2011":    "oa.geojson",
	"lsoa-2011":  "lsoa.geojson",
	"wards-2013": "wards-2013.geojson",
	"wards-2019": "wards-2019.geojson",
	"community":  "community.geojson",
}

// tolerance is how far shares and IoU may differ between the engines.
const tolerance = 1e-4

func main() {
	pg := flag.String("pg", "", "postgres:// URL of a scratch database (PostGIS is created in it); empty: placemap only")
	data := flag.String("data", "geodata/sheffield", "directory holding the Sheffield boundary files")
	pairs := flag.String("pairs", "oa-2011:community,lsoa-2011:wards-2013,wards-2013:wards-2019", "crosswalks to time, A:B, comma-separated; sets: "+setNames())
	runs := flag.Int("runs", 3, "timed runs per engine (after one untimed warm-up)")
	warm := flag.Bool("warmup", true, "one untimed run per engine before the timed ones (national crosswalks take long enough without)")
	nation := flag.String("nation", "", "directory of bench/nationgen's output: time the synthetic national sets instead of Sheffield's")
	pgAll := flag.Bool("pg-all", true, "time PostGIS also with jit off and on N connections (false: one connection, jit as configured, only)")
	faces := flag.Bool("faces", true, "also time placemap Overlay, which builds every pair's face (national runs take long enough without)")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of this process (placemap's runs; PostGIS works in its own processes) to this file")
	flag.Parse()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fail(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fail(err)
		}
		defer pprof.StopCPUProfile()
	}
	if *nation != "" {
		*data, files = *nation, nationFiles
	}
	if *runs < 1 {
		fail(fmt.Errorf("-runs must be at least 1"))
	}
	ctx := context.Background()
	type job struct{ a, b string }
	var jobs []job
	need := map[string]bool{}
	for _, p := range strings.Split(*pairs, ",") {
		a, b, ok := strings.Cut(p, ":")
		if !ok || files[a] == "" || files[b] == "" {
			fail(fmt.Errorf("pair %q: want A:B, sets %s", p, setNames()))
		}
		jobs = append(jobs, job{a, b})
		need[a], need[b] = true, true
	}
	sets := map[string][]place.Area{}
	for slug := range need {
		areas, err := readSet(filepath.Join(*data, files[slug]), slug)
		if err != nil {
			fail(err)
		}
		sets[slug] = areas
	}

	cores := runtime.GOMAXPROCS(0)
	var pool, noJIT *pgxpool.Pool
	if *pg != "" {
		cfg, err := pgxpool.ParseConfig(*pg)
		if err != nil {
			fail(err)
		}
		cfg.MaxConns = int32(cores)
		if pool, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
			fail(err)
		}
		defer pool.Close()
		cfg = cfg.Copy()
		cfg.ConnConfig.RuntimeParams["jit"] = "off"
		if noJIT, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
			fail(err)
		}
		defer noJIT.Close()
		if _, err := pool.Exec(ctx, "CREATE EXTENSION IF NOT EXISTS postgis"); err != nil {
			fail(err)
		}
		var pgv, gisv, geosv, workers, jit string
		if err := pool.QueryRow(ctx, "SELECT split_part(version(), ' ', 2), postgis_lib_version(), postgis_geos_version(), current_setting('max_parallel_workers_per_gather'), current_setting('jit')").Scan(&pgv, &gisv, &geosv, &workers, &jit); err != nil {
			fail(err)
		}
		fmt.Printf("PostgreSQL %s, PostGIS %s, GEOS %s, max_parallel_workers_per_gather %s, jit %s\n", pgv, gisv, geosv, workers, jit)
		slugs := make([]string, 0, len(sets))
		for s := range sets {
			slugs = append(slugs, s)
		}
		sort.Strings(slugs)
		t0 := time.Now()
		for _, s := range slugs {
			if err := load(ctx, pool, table(s), sets[s]); err != nil {
				fail(fmt.Errorf("load %s: %w", s, err))
			}
		}
		fmt.Printf("loaded %d sets into PostGIS in %.1fs (not timed below)\n", len(slugs), time.Since(t0).Seconds())
	}
	warmNote := "after one warm-up"
	if !*warm {
		warmNote = "without a warm-up"
	}
	fmt.Printf("placemap Overlay on GOMAXPROCS=%d, overlay engine %s; %d timed runs per engine %s\n\n", cores, geo.Engine, *runs, warmNote)

	tw := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "pair\tengine\tpairs found\tbest s\tmedian s\t÷ Overlay same cores, best\tmedian\t÷ areas same cores, best\tmedian\t÷ areas %d cores, best\tmedian\t\n", cores)
	var notes []string
	for _, j := range jobs {
		a, b := sets[j.a], sets[j.b]
		name := fmt.Sprintf("%s (%d) × %s (%d)", j.a, len(a), j.b, len(b))
		var cw *reconcile.Crosswalk
		placemap := func(procs int, overlay func(context.Context, []place.Area, []place.Area) (*reconcile.Crosswalk, error)) func() (int, error) {
			return func() (int, error) {
				old := runtime.GOMAXPROCS(procs)
				defer runtime.GOMAXPROCS(old)
				var err error
				// The areas were checked on reading, as a store checks them on
				// import: the service path, which does not check them again.
				cw, err = overlay(ctx, a, b)
				if err != nil {
					return 0, err
				}
				return len(cw.Pairs) + len(cw.Slivers), nil
			}
		}
		var pmAll, pm1 timing
		var pmAllCW *reconcile.Crosswalk
		if *faces {
			pmAll = timeIt(*runs, *warm, placemap(cores, reconcile.OverlayStored))
			pmAllCW = cw
			pm1 = timeIt(*runs, *warm, placemap(1, reconcile.OverlayStored))
		}
		amAll := timeIt(*runs, *warm, placemap(cores, reconcile.OverlayStoredAreas))
		amAllCW := cw
		am1 := timeIt(*runs, *warm, placemap(1, reconcile.OverlayStoredAreas))
		row := func(engine string, t timing, refs ...timing) {
			ratio := ""
			for _, ref := range refs {
				if ref.best == 0 {
					ratio += "–\t–\t"
					continue
				}
				ratio += fmt.Sprintf("%.2f\t%.2f\t", t.best/ref.best, t.median/ref.median)
			}
			for range 3 - len(refs) {
				ratio += "\t\t"
			}
			fmt.Fprintf(tw, "%s\t%s\t%d\t%.3f\t%.3f\t%s\n", name, engine, t.found, t.best, t.median, ratio)
		}
		if *faces {
			row(fmt.Sprintf("placemap Overlay, %d cores", cores), pmAll)
			row("placemap Overlay, 1 core", pm1)
		}
		row(fmt.Sprintf("placemap areas, %d cores", cores), amAll)
		row("placemap areas, 1 core", am1)
		if pool == nil {
			continue
		}
		var rows []pgRow
		sql := func(pool *pgxpool.Pool, conns int) func() (int, error) {
			return func() (int, error) {
				var err error
				rows, err = postgisOverlay(ctx, pool, table(j.a), table(j.b), conns)
				if err != nil {
					return 0, err
				}
				n := 0
				for _, r := range rows {
					if r.inter > 0 {
						n++
					}
				}
				return n, nil
			}
		}
		pg1 := timeIt(*runs, *warm, sql(pool, 1))
		pg1Rows := rows
		row("PostGIS SQL, 1 connection", pg1, pm1, am1, amAll)
		if *pgAll {
			pg1NoJIT := timeIt(*runs, *warm, sql(noJIT, 1))
			pgN := timeIt(*runs, *warm, sql(pool, cores))
			row("PostGIS SQL, 1 connection, jit off", pg1NoJIT, pm1, am1, amAll)
			row(fmt.Sprintf("PostGIS SQL, %d connections", cores), pgN, pmAll, amAll, amAll)
		}
		if pmAllCW != nil {
			notes = append(notes, name+": Overlay "+agree(pmAllCW, pg1Rows))
		}
		notes = append(notes, name+": areas "+agree(amAllCW, pg1Rows))
		if plan, err := planShape(ctx, pool, table(j.a), table(j.b)); err == nil {
			notes = append(notes, name+": PostGIS plan: "+plan)
		}
	}
	tw.Flush()
	fmt.Println()
	fmt.Println("pairs found: pairs with a positive intersection area (placemap's Pairs plus Slivers; PostGIS rows whose ST_Area(ST_Intersection) > 0).")
	fmt.Println("placemap Overlay builds each pair's face (the service's crosswalk); placemap areas measures each intersection without building it (OverlayStoredAreas: the figures PostGIS's query returns).")
	fmt.Println("÷ columns: PostGIS time over placemap time, so above 1 means placemap is faster: against Overlay and areas on the same number of cores (1 connection vs 1 core; N connections vs N cores), and against areas on all cores.")
	for _, n := range notes {
		fmt.Println(n)
	}
}

func setNames() string {
	s := make([]string, 0, len(files))
	for k := range files {
		s = append(s, k)
	}
	sort.Strings(s)
	return strings.Join(s, ", ")
}

func readSet(path, slug string) ([]place.Area, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var opts formats.BoundaryOptions
	if slug == "community" && filepath.Base(path) == nationFiles[slug] {
		opts.CodeField, opts.NameField = "code", "name" // as bench/nation.sh imports them
	}
	bf, err := formats.ReadBoundaries(f, filepath.Base(path), opts)
	if err != nil {
		return nil, err
	}
	for i := range bf.Areas {
		bf.Areas[i].Set = slug
	}
	return bf.Areas, nil
}

func table(slug string) string { return "set_" + strings.ReplaceAll(slug, "-", "_") }

// load stores areas as table (idx, code, geom): idx the area's position in
// the slice, geom its geometry as placemap read it, in EPSG:4326.
func load(ctx context.Context, pool *pgxpool.Pool, name string, areas []place.Area) error {
	rows := make([][]any, len(areas))
	for i, a := range areas {
		b, err := wkb.Marshal(a.Geometry)
		if err != nil {
			return fmt.Errorf("%s: %w", a.Code, err)
		}
		rows[i] = []any{i, a.Code, b}
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	id, stage := pgx.Identifier{name}.Sanitize(), pgx.Identifier{name + "_wkb"}.Sanitize()
	if _, err := conn.Exec(ctx, `DROP TABLE IF EXISTS `+id+`, `+stage+`; CREATE TABLE `+stage+` (idx int, code text, wkb bytea)`); err != nil {
		return err
	}
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{name + "_wkb"}, []string{"idx", "code", "wkb"}, pgx.CopyFromRows(rows)); err != nil {
		return err
	}
	for _, q := range []string{
		`CREATE TABLE ` + id + ` (idx int PRIMARY KEY, code text NOT NULL, geom geometry(MultiPolygon, 4326) NOT NULL)`,
		`INSERT INTO ` + id + ` SELECT idx, code, ST_Multi(ST_GeomFromWKB(wkb, 4326)) FROM ` + stage,
		`DROP TABLE ` + stage,
		`CREATE INDEX ON ` + id + ` USING gist (geom)`,
		`VACUUM ANALYZE ` + id,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return nil
}

type pgRow struct {
	a, b                int
	inter, areaA, areaB float64
}

const crosswalkSQL = `SELECT a.idx, b.idx,
  ST_Area(ST_Intersection(a.geom, b.geom)::geography),
  ST_Area(a.geom::geography),
  ST_Area(b.geom::geography)
FROM %s a JOIN %s b ON ST_Intersects(a.geom, b.geom)`

// postgisOverlay runs the crosswalk query, on one connection or split
// over conns connections by a's index.
func postgisOverlay(ctx context.Context, pool *pgxpool.Pool, ta, tb string, conns int) ([]pgRow, error) {
	q := fmt.Sprintf(crosswalkSQL, pgx.Identifier{ta}.Sanitize(), pgx.Identifier{tb}.Sanitize())
	run := func(q string, args ...any) ([]pgRow, error) {
		rows, err := pool.Query(ctx, q, args...)
		if err != nil {
			return nil, err
		}
		var out []pgRow
		var r pgRow
		_, err = pgx.ForEachRow(rows, []any{&r.a, &r.b, &r.inter, &r.areaA, &r.areaB}, func() error {
			out = append(out, r)
			return nil
		})
		return out, err
	}
	if conns <= 1 {
		return run(q)
	}
	q += ` WHERE a.idx % $1 = $2`
	parts := make([][]pgRow, conns)
	errs := make([]error, conns)
	var wg sync.WaitGroup
	for k := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			parts[k], errs[k] = run(q, conns, k)
		}()
	}
	wg.Wait()
	var out []pgRow
	for k := range conns {
		if errs[k] != nil {
			return nil, errs[k]
		}
		out = append(out, parts[k]...)
	}
	return out, nil
}

// planShape names the plan's join and whether it runs in parallel.
func planShape(ctx context.Context, pool *pgxpool.Pool, ta, tb string) (string, error) {
	rows, err := pool.Query(ctx, "EXPLAIN "+fmt.Sprintf(crosswalkSQL, pgx.Identifier{ta}.Sanitize(), pgx.Identifier{tb}.Sanitize()))
	if err != nil {
		return "", err
	}
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return "", err
	}
	var shape []string
	jit := false
	for _, l := range lines {
		l = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), "->"))
		if i := strings.Index(l, "  ("); i >= 0 {
			l = l[:i]
		}
		switch {
		case strings.HasPrefix(l, "JIT:"):
			jit = true
		case l == "" || strings.HasPrefix(l, "Functions:") || strings.HasPrefix(l, "Options:"),
			strings.HasPrefix(l, "Index Cond") || strings.HasPrefix(l, "Filter") || strings.HasPrefix(l, "Join Filter"):
		default:
			shape = append(shape, l)
		}
	}
	if jit {
		shape = append(shape, "JIT compiled")
	}
	return strings.Join(shape, " / "), nil
}

// agree compares placemap's answer with PostGIS's: the same pairs above
// the tolerance, and the largest differences in share and IoU.
func agree(cw *reconcile.Crosswalk, rows []pgRow) string {
	type key struct{ a, b int }
	pg := map[key]pgRow{}
	for _, r := range rows {
		pg[key{r.a, r.b}] = r
	}
	var maxA, maxB, maxIoU float64
	missing, extra := 0, 0
	seen := map[key]bool{}
	for _, p := range append(append([]reconcile.Pair(nil), cw.Pairs...), cw.Slivers...) {
		k := key{p.A, p.B}
		seen[k] = true
		r, ok := pg[k]
		if !ok && math.Max(p.ShareAInB, p.ShareBInA) > tolerance {
			extra++
		}
		a, b, iou := shares(r)
		maxA = math.Max(maxA, math.Abs(p.ShareAInB-a))
		maxB = math.Max(maxB, math.Abs(p.ShareBInA-b))
		maxIoU = math.Max(maxIoU, math.Abs(p.IoU-iou))
	}
	for k, r := range pg {
		if a, b, _ := shares(r); !seen[k] && math.Max(a, b) > tolerance {
			missing++
		}
	}
	verdict := "AGREE"
	if missing > 0 || extra > 0 || math.Max(maxA, math.Max(maxB, maxIoU)) > tolerance {
		verdict = "DIFFER"
	}
	return fmt.Sprintf("%s to %g: max |Δ share_a_in_b| %.2g, |Δ share_b_in_a| %.2g, |Δ IoU| %.2g; pairs only PostGIS finds %d, only placemap %d",
		verdict, tolerance, maxA, maxB, maxIoU, missing, extra)
}

func shares(r pgRow) (aInB, bInA, iou float64) {
	if r.areaA <= 0 || r.areaB <= 0 {
		return 0, 0, 0
	}
	c := func(x float64) float64 { return math.Max(0, math.Min(1, x)) }
	return c(r.inter / r.areaA), c(r.inter / r.areaB), c(r.inter / (r.areaA + r.areaB - r.inter))
}

type timing struct {
	found        int
	best, median float64 // seconds
}

// timeIt runs f once untimed, then runs times, and keeps the best and the
// median wall time.
func timeIt(runs int, warmup bool, f func() (int, error)) timing {
	if warmup {
		if _, err := f(); err != nil {
			fail(err)
		}
	}
	var ds []float64
	var found int
	for range runs {
		t0 := time.Now()
		n, err := f()
		ds = append(ds, time.Since(t0).Seconds())
		if err != nil {
			fail(err)
		}
		found = n
	}
	sort.Float64s(ds)
	med := ds[len(ds)/2]
	if len(ds)%2 == 0 {
		med = (ds[len(ds)/2-1] + ds[len(ds)/2]) / 2
	}
	return timing{found: found, best: ds[0], median: med}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "crossbench:", err)
	os.Exit(1)
}
