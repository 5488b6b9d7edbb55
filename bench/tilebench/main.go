// Command tilebench measures vector tile throughput and latency: placemap
// with its tile cache off, placemap with the cache warm, and PostGIS
// rendering the same tiles with ST_AsMVT in SQL, over the same tiles in one
// run. bench/tiles.sh sets it up; see there.
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
)

func main() {
	uncached := flag.String("uncached", "", "base URL of a placemap started with --tile-cache-mb 0")
	cached := flag.String("cached", "", "base URL of a placemap with its tile cache on")
	pg := flag.String("pg", "", "PostgreSQL URL holding the same areas and assets tables (ogr2ogr copies), for the ST_AsMVT peer; empty to skip")
	layers := flag.String("layers", "lsoa-2011,oa-2011,assets", "layers to request")
	zooms := flag.String("zooms", "10-16", "zoom range")
	perZoom := flag.Int("tiles", 40, "tiles per zoom, sampled over the data's extent")
	conc := flag.Int("c", 8, "concurrent requests")
	minTime := flag.Duration("min-time", time.Second, "repeat each zoom's tiles until at least this long has passed")
	bbox := flag.String("bbox", "-1.80,53.30,-1.32,53.50", "extent to sample tiles from (Sheffield)")
	flag.Parse()

	zmin, zmax, err := parseRange(*zooms)
	if err != nil {
		fail(err)
	}
	b, err := parseBBox(*bbox)
	if err != nil {
		fail(err)
	}
	ctx := context.Background()
	var pool *pgxpool.Pool
	if *pg != "" {
		cfg, err := pgxpool.ParseConfig(*pg)
		if err != nil {
			fail(err)
		}
		cfg.MaxConns = int32(*conc)
		if pool, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
			fail(err)
		}
		defer pool.Close()
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *conc * 2}, Timeout: time.Minute}

	tw := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "layer\tzoom\tengine\trequests\ttiles/s\tp50 ms\tp99 ms\tavg KiB\t\n")
	for _, layer := range strings.Split(*layers, ",") {
		for z := zmin; z <= zmax; z++ {
			ts := sample(b, maptile.Zoom(z), *perZoom)
			var rows []result
			if *uncached != "" {
				rows = append(rows, measure("placemap uncached", ts, *conc, *minTime, httpFetch(client, *uncached, layer)))
			}
			if *cached != "" {
				f := httpFetch(client, *cached, layer)
				measure("warm", ts, *conc, 0, f) // fill the cache
				rows = append(rows, measure("placemap cached", ts, *conc, *minTime, f))
			}
			if pool != nil {
				rows = append(rows, measure("PostGIS ST_AsMVT", ts, *conc, *minTime, sqlFetch(pool, layer)))
			}
			for _, r := range rows {
				fmt.Fprintf(tw, "%s\t%d\t%s\t%d\t%.0f\t%.2f\t%.2f\t%.1f\t\n", layer, z, r.engine, r.n, r.rate, ms(r.p50), ms(r.p99), r.avgBytes/1024)
			}
			if r := rows; len(r) == 3 && r[2].rate > 0 {
				fmt.Fprintf(tw, "\t\t(uncached/PostGIS %.2f×, cached/PostGIS %.1f×)\t\t\t\t\t\t\n", r[0].rate/r[2].rate, r[1].rate/r[2].rate)
			}
		}
	}
	tw.Flush()
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

func httpFetch(c *http.Client, base, layer string) fetch {
	return func(ctx context.Context, t maptile.Tile) (int, error) {
		url := fmt.Sprintf("%s/tiles/%s/%d/%d/%d.mvt", base, layer, t.Z, t.X, t.Y)
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
		if res.StatusCode != 200 {
			return int(n), fmt.Errorf("%s: %s", url, res.Status)
		}
		return int(n), err
	}
}

// sqlFetch renders a tile in PostGIS the way pg_tileserv does for a table
// stored in EPSG:4326: transform to web mercator, ST_AsMVTGeom with the
// same extent and buffer placemap uses, ST_AsMVT.
func sqlFetch(pool *pgxpool.Pool, layer string) fetch {
	q := `WITH b AS (SELECT ST_TileEnvelope($1, $2, $3) AS env),
	g AS (
	  SELECT ST_AsMVTGeom(ST_Transform(a.geom, 3857), b.env, 4096, 64, true) AS geom, a.code, a.name, a.set_slug AS set
	  FROM areas a, b
	  WHERE a.set_slug = $4 AND a.geom && ST_Transform(ST_Expand(b.env, ST_Perimeter(b.env) / 4 / 4096 * 64), 4326)
	)
	SELECT ST_AsMVT(g.*, $4) FROM g`
	if layer == "assets" {
		q = `WITH b AS (SELECT ST_TileEnvelope($1, $2, $3) AS env),
		g AS (
		  SELECT ST_AsMVTGeom(ST_Transform(a.geom, 3857), b.env, 4096, 64, true) AS geom, a.id, a.name, a.category, a.status
		  FROM assets a, b
		  WHERE $4 = 'assets' AND a.geom && ST_Transform(ST_Expand(b.env, ST_Perimeter(b.env) / 4 / 4096 * 64), 4326)
		)
		SELECT ST_AsMVT(g.*, 'assets') FROM g`
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
