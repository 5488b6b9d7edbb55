// Command tilebench measures vector tile throughput and latency of several
// engines over the same tiles in one run: tile servers over HTTP (placemap
// with its cache off and on, on either store; pg_tileserv), and, without
// HTTP, placemap's Go encoder reading either store and PostGIS's ST_AsMVT.
// bench/tiles.sh sets it up; see there.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/placemap/placemap/internal/store/gpkg"
	"github.com/placemap/placemap/internal/store/postgis"
	"github.com/placemap/placemap/internal/tiles"
)

// engineFlag collects "name=value" flags, in order.
type engineFlag []struct{ name, value string }

func (e *engineFlag) String() string { return fmt.Sprint(*e) }
func (e *engineFlag) Set(v string) error {
	name, value, ok := strings.Cut(v, "=")
	if !ok {
		return fmt.Errorf("want NAME=VALUE, got %q", v)
	}
	*e = append(*e, struct{ name, value string }{name, value})
	return nil
}

type engine struct {
	name  string
	warm  bool // request every tile once before measuring (a cache)
	fetch func(layer string) fetch
	// fill, when set, is run over a row's tiles before measuring it (the
	// static engine writes them to its files).
	fill func(ctx context.Context, layer string, ts []maptile.Tile) error
}

func main() {
	var httpEngines, warmEngines engineFlag
	flag.Var(&httpEngines, "http", "NAME=URL template of a tile server, with {layer} (or {layer_}, hyphens as underscores), {z}, {x}, {y}; repeatable")
	flag.Var(&warmEngines, "http-warm", "like -http, for a server with a cache: every tile is requested once before the measured rounds")
	var staticEngines engineFlag
	flag.Var(&staticEngines, "static", "NAME=URL template of a tile server: its tiles, fetched once each, served as files by Go's file server in a process of its own (the physical limit of cached tiles)")
	var ratios ratioFlag
	flag.Var(&ratios, "ratio", `"ENGINE A/ENGINE B>=AIM": after the table, print A's tiles/s over B's for each row, marked * where at least AIM; repeatable`)
	serveDir := flag.String("serve-static", "", "serve this directory as the static engine does, printing the address, and nothing else (used by -static)")
	inGPKG := flag.String("inproc-gpkg", "", "data directory: also render in-process from the GeoPackage store, no HTTP")
	inPG := flag.String("inproc-postgis", "", "postgres:// URL of a placemap database: also render in-process from the PostGIS store (Go encoding), no HTTP")
	sqlPG := flag.String("sql", "", "postgres:// URL of a placemap database: also render with ST_AsMVT in SQL, no HTTP")
	layers := flag.String("layers", "lsoa-2011,oa-2011,assets", "layers to request")
	zooms := flag.String("zooms", "10-16", "zoom range")
	perZoom := flag.Int("tiles", 40, "tiles per zoom, sampled over the data's extent")
	conc := flag.Int("c", 8, "concurrent requests")
	minTime := flag.Duration("min-time", time.Second, "repeat each zoom's tiles until at least this long has passed")
	bbox := flag.String("bbox", "-1.80,53.30,-1.32,53.50", "extent to sample tiles from (Sheffield)")
	flag.Parse()
	if *serveDir != "" {
		if err := serveStatic(*serveDir, "127.0.0.1:0"); err != nil {
			fail(err)
		}
		return
	}

	zmin, zmax, err := parseRange(*zooms)
	if err != nil {
		fail(err)
	}
	b, err := parseBBox(*bbox)
	if err != nil {
		fail(err)
	}
	ctx := context.Background()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *conc * 2}, Timeout: time.Minute}
	var engines []engine
	for _, e := range httpEngines {
		engines = append(engines, engine{name: e.name, fetch: httpTemplate(client, e.value)})
	}
	for _, e := range warmEngines {
		engines = append(engines, engine{name: e.name, warm: true, fetch: httpTemplate(client, e.value)})
	}
	statics, stop := staticEnginesOf(staticEngines, client)
	defer stop()
	engines = append(engines, statics...)
	if *inGPKG != "" {
		st, err := gpkg.Open(ctx, *inGPKG)
		if err != nil {
			fail(err)
		}
		defer st.Close()
		engines = append(engines, engine{name: "in-process Go, GeoPackage", fetch: renderer(tiles.NewRenderer(st, 0))})
	}
	if *inPG != "" {
		st, err := postgis.Open(ctx, *inPG, postgis.Options{MaxConns: int32(*conc)})
		if err != nil {
			fail(err)
		}
		defer st.Close()
		engines = append(engines, engine{name: "in-process Go, PostGIS rows", fetch: renderer(tiles.NewRenderer(st, 0))})
	}
	if *sqlPG != "" {
		cfg, err := pgxpool.ParseConfig(*sqlPG)
		if err != nil {
			fail(err)
		}
		cfg.MaxConns = int32(*conc)
		pool, err := pgxpool.NewWithConfig(ctx, cfg)
		if err != nil {
			fail(err)
		}
		defer pool.Close()
		engines = append(engines, engine{name: "in-process ST_AsMVT, PostGIS", fetch: func(layer string) fetch { return sqlFetch(pool, layer) }})
	}
	if len(engines) == 0 {
		fail(fmt.Errorf("nothing to measure: give -http, -inproc-gpkg, -inproc-postgis or -sql"))
	}

	rows := runRows(ctx, engines, strings.Split(*layers, ","), zmin, zmax, func(z int) []maptile.Tile { return sample(b, maptile.Zoom(z), *perZoom) }, *conc, *minTime)
	if len(ratios) > 0 {
		printRatios(rows, ratios)
	}
}

// staticEnginesOf starts a file server for each -static and returns their
// engines, and what stops the servers.
func staticEnginesOf(specs engineFlag, client *http.Client) ([]engine, func()) {
	var engines []engine
	var servers []*staticServer
	stop := func() {
		for _, srv := range servers {
			srv.stop()
		}
	}
	for _, e := range specs {
		srv, err := startStatic()
		if err != nil {
			stop()
			fail(err)
		}
		servers = append(servers, srv)
		src := e.value
		engines = append(engines, engine{name: e.name, fetch: httpTemplate(client, srv.template()),
			fill: func(ctx context.Context, layer string, ts []maptile.Tile) error { return srv.fill(ctx, src, layer, ts) }})
	}
	return engines, stop
}

// runRows measures every engine over each layer and zoom's tiles, printing
// a row per engine as the table goes, and returns the rows' figures.
func runRows(ctx context.Context, engines []engine, layers []string, zmin, zmax int, tilesAt func(z int) []maptile.Tile, conc int, minTime time.Duration) []row {
	tw := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "layer\tzoom\tengine\trequests\ttiles/s\tp50 ms\tp99 ms\tavg KiB\t\n")
	var rows []row
	for _, layer := range layers {
		for z := zmin; z <= zmax; z++ {
			ts := tilesAt(z)
			rows = append(rows, row{layer: layer, zoom: z, rates: map[string]float64{}})
			for _, e := range engines {
				f := e.fetch(layer)
				if e.fill != nil {
					if err := e.fill(ctx, layer, ts); err != nil {
						fail(fmt.Errorf("%s: %w", e.name, err))
					}
				}
				if e.warm {
					measure("warm", ts, conc, 0, f)
				}
				r := measure(e.name, ts, conc, minTime, f)
				rows[len(rows)-1].rates[e.name] = r.rate
				fmt.Fprintf(tw, "%s\t%d\t%s\t%d\t%.0f\t%.2f\t%.2f\t%.1f\t\n", layer, z, r.engine, r.n, r.rate, ms(r.p50), ms(r.p99), r.avgBytes/1024)
			}
		}
	}
	tw.Flush()
	return rows
}

type fetch func(ctx context.Context, t maptile.Tile) (int, error)

type result struct {
	engine   string
	n        int
	rate     float64
	p50, p99 time.Duration
	avgBytes float64
}

// measure requests every tile of ts, round after round until minTime has
// passed, from conc workers, and sums up the latencies.
func measure(engine string, ts []maptile.Tile, conc int, minTime time.Duration, f fetch) result {
	var mu sync.Mutex
	var lat []time.Duration
	var sizes []int
	next := make(chan int)
	var wg sync.WaitGroup
	var errOnce sync.Once
	start := time.Now()
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				t0 := time.Now()
				n, err := f(context.Background(), ts[i])
				d := time.Since(t0)
				mu.Lock()
				lat = append(lat, d)
				sizes = append(sizes, n)
				mu.Unlock()
				if err != nil {
					errOnce.Do(func() { fmt.Fprintf(os.Stderr, "%s %v: %v\n", engine, ts[i], err) })
				}
			}
		}()
	}
	for round := 0; round == 0 || time.Since(start) < minTime; round++ {
		for i := range ts {
			next <- i
		}
	}
	close(next)
	wg.Wait()
	elapsed := time.Since(start)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	total := 0
	for _, s := range sizes {
		total += s
	}
	return result{engine: engine, n: len(lat), rate: float64(len(lat)) / elapsed.Seconds(),
		p50: pct(lat, 0.50), p99: pct(lat, 0.99), avgBytes: float64(total) / float64(len(lat))}
}

func pct(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p*float64(len(sorted))+0.5) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// httpTemplate requests tiles from a URL template.
func httpTemplate(c *http.Client, tmpl string) func(layer string) fetch {
	return func(layer string) fetch {
		return func(ctx context.Context, t maptile.Tile) (int, error) {
			url := expand(tmpl, layer, t)
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			if err != nil {
				return 0, err
			}
			res, err := c.Do(req)
			if err != nil {
				return 0, err
			}
			defer res.Body.Close()
			n, err := io.Copy(io.Discard, res.Body)
			if res.StatusCode != 200 && res.StatusCode != 204 {
				return int(n), fmt.Errorf("%s: %s", url, res.Status)
			}
			return int(n), err
		}
	}
}

// expand fills a URL template in for a tile of a layer.
func expand(tmpl, layer string, t maptile.Tile) string {
	return strings.NewReplacer("{layer}", layer, "{layer_}", strings.ReplaceAll(layer, "-", "_"),
		"{z}", strconv.Itoa(int(t.Z)), "{x}", strconv.Itoa(int(t.X)), "{y}", strconv.Itoa(int(t.Y))).Replace(tmpl)
}

// renderer renders tiles in this process with placemap's tile code.
func renderer(r *tiles.Renderer) func(layer string) fetch {
	return func(layer string) fetch {
		return func(ctx context.Context, t maptile.Tile) (int, error) {
			tile, err := r.Render(ctx, layer, t, tiles.MVT)
			return len(tile.Data), err
		}
	}
}

// sqlFetch renders a tile in PostGIS the way pg_tileserv does for a table
// stored in EPSG:4326: transform to web mercator, ST_AsMVTGeom with the
// same extent and buffer placemap uses, ST_AsMVT.
func sqlFetch(pool *pgxpool.Pool, layer string) fetch {
	q := `WITH b AS (SELECT ST_TileEnvelope($1, $2, $3) AS env),
	g AS (
	  SELECT ST_AsMVTGeom(ST_Transform(a.geom, 3857), b.env, 4096, 64, true) AS geom, a.fid AS id, a.code, a.name, a.set_slug AS set
	  FROM areas a, b
	  WHERE a.set_slug = $4 AND a.geom && ST_Transform(ST_Expand(b.env, ST_Perimeter(b.env) / 4 / 4096 * 64), 4326)
	)
	SELECT ST_AsMVT(g.*, $4, 4096, 'geom', 'id') FROM g`
	if layer == "assets" {
		q = `WITH b AS (SELECT ST_TileEnvelope($1, $2, $3) AS env),
		g AS (
		  SELECT ST_AsMVTGeom(ST_Transform(a.geom, 3857), b.env, 4096, 64, true) AS geom, a.fid, a.id, a.name, a.category, a.status
		  FROM assets a, b
		  WHERE $4 = 'assets' AND a.geom && ST_Transform(ST_Expand(b.env, ST_Perimeter(b.env) / 4 / 4096 * 64), 4326)
		)
		SELECT ST_AsMVT(g.*, 'assets', 4096, 'geom', 'fid') FROM g`
	}
	return func(ctx context.Context, t maptile.Tile) (int, error) {
		var b []byte
		err := pool.QueryRow(ctx, q, int(t.Z), int(t.X), int(t.Y), layer).Scan(&b)
		return len(b), err
	}
}

// sample picks n tiles at zoom z over b, deterministically.
func sample(b orb.Bound, z maptile.Zoom, n int) []maptile.Tile {
	lo := maptile.At(orb.Point{b.Min[0], b.Max[1]}, z)
	hi := maptile.At(orb.Point{b.Max[0], b.Min[1]}, z)
	var all []maptile.Tile
	for x := lo.X; x <= hi.X; x++ {
		for y := lo.Y; y <= hi.Y; y++ {
			all = append(all, maptile.New(x, y, z))
		}
	}
	r := rand.New(rand.NewPCG(uint64(z), 42))
	r.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	if len(all) > n {
		all = all[:n]
	}
	return all
}

func parseRange(s string) (int, int, error) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		b = a
	}
	lo, err1 := strconv.Atoi(a)
	hi, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || lo > hi || lo < 0 || hi > 22 {
		return 0, 0, fmt.Errorf("zooms %q: want N or N-M within 0-22", s)
	}
	return lo, hi, nil
}

func parseBBox(s string) (orb.Bound, error) {
	p := strings.Split(s, ",")
	if len(p) != 4 {
		return orb.Bound{}, fmt.Errorf("bbox %q: want minlon,minlat,maxlon,maxlat", s)
	}
	var v [4]float64
	for i := range p {
		f, err := strconv.ParseFloat(p[i], 64)
		if err != nil {
			return orb.Bound{}, fmt.Errorf("bbox %q: %w", s, err)
		}
		v[i] = f
	}
	return orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}}, nil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "tilebench:", err)
	os.Exit(1)
}

// row is one layer and zoom's tiles/s by engine.
type row struct {
	layer string
	zoom  int
	rates map[string]float64
}

// ratio is an -ratio: engine a's tiles/s over engine b's, and the aim.
type ratio struct {
	a, b string
	aim  float64
}

type ratioFlag []ratio

func (r *ratioFlag) String() string { return fmt.Sprint(*r) }
func (r *ratioFlag) Set(v string) error {
	pair, aim, _ := strings.Cut(v, ">=")
	a, b, ok := strings.Cut(pair, "/")
	if !ok {
		return fmt.Errorf("want ENGINE A/ENGINE B>=AIM, got %q", v)
	}
	x := 0.0
	if aim != "" {
		var err error
		if x, err = strconv.ParseFloat(aim, 64); err != nil {
			return fmt.Errorf("ratio %q: aim: %w", v, err)
		}
	}
	*r = append(*r, ratio{a: strings.TrimSpace(a), b: strings.TrimSpace(b), aim: x})
	return nil
}

// printRatios prints each ratio for each row, from this run's figures,
// and how many rows met its aim.
func printRatios(rows []row, ratios []ratio) {
	fmt.Println()
	for i, q := range ratios {
		fmt.Printf("ratio %d: %s / %s (aim %g)\n", i+1, q.a, q.b, q.aim)
	}
	tw := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "layer\tzoom\t")
	for i := range ratios {
		fmt.Fprintf(tw, "ratio %d\t", i+1)
	}
	fmt.Fprintln(tw)
	met, n := make([]int, len(ratios)), make([]int, len(ratios))
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%d\t", r.layer, r.zoom)
		for i, q := range ratios {
			a, okA := r.rates[q.a]
			b, okB := r.rates[q.b]
			if !okA || !okB || b == 0 {
				fmt.Fprint(tw, "-\t")
				continue
			}
			mark := " "
			n[i]++
			if a/b >= q.aim {
				mark = "*"
				met[i]++
			}
			fmt.Fprintf(tw, "%.2f%s\t", a/b, mark)
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	for i := range ratios {
		fmt.Printf("ratio %d met its aim (*) in %d of %d rows\n", i+1, met[i], n[i])
	}
}
