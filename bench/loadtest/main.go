// Command loadtest drives a running placemap with many concurrent clients
// for a fixed time — tiles at z10–z16 over Sheffield, API reads, searches
// and (with a token) writes — and reports requests/s, latency percentiles
// by kind, errors, lost writes (every acknowledged write read back after),
// the server's RSS and goroutines before and after, and its CPU per
// request (from /metrics).
//
//	loadtest -base http://127.0.0.1:18090 -token SECRET -c 200 -d 60s -label "GeoPackage"
//
// Loopback only: it refuses a base URL that is not on this machine.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Sheffield, for tiles.
const (
	west, south, east, north = -1.80, 53.30, -1.32, 53.50
)

type result struct {
	kind string
	dur  time.Duration
	ok   bool
}

func main() {
	base := flag.String("base", "http://127.0.0.1:18090", "placemap's URL (loopback only)")
	token := flag.String("token", "", "an editor's API token: with one, a share of the requests are writes")
	clients := flag.Int("c", 200, "concurrent clients")
	dur := flag.Duration("d", 60*time.Second, "how long to run")
	label := flag.String("label", "", "a name for this run in the report")
	writeShare := flag.Float64("writes", 0.05, "share of requests that are writes (with -token)")
	flag.Parse()
	u, err := url.Parse(*base)
	if err != nil || (u.Hostname() != "127.0.0.1" && u.Hostname() != "localhost" && u.Hostname() != "::1") {
		fmt.Fprintln(os.Stderr, "loadtest: -base must be a loopback URL")
		os.Exit(2)
	}
	tr := &http.Transport{MaxIdleConns: *clients * 2, MaxIdleConnsPerHost: *clients * 2, IdleConnTimeout: 30 * time.Second}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	before := serverStats(client, *base)

	// Assets and areas to ask for.
	var assetIDs []string
	var fc struct {
		Features []struct{ ID string }
	}
	if err := getJSON(client, *base+"/api/assets?limit=1000", &fc); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
	for _, f := range fc.Features {
		assetIDs = append(assetIDs, f.ID)
	}
	layers := []string{"assets", "lsoa-2011", "oa-2011", "wards-2019", "community-neighbourhoods"}
	words := []string{"library", "hill", "park", "centre", "broom", "high", "st", "road"}

	ctx, cancel := context.WithTimeout(context.Background(), *dur)
	defer cancel()
	results := make(chan result, 4096)
	var acked sync.Map // id → name of acknowledged writes
	var wg sync.WaitGroup
	for c := 0; c < *clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(c), 42))
			for n := 0; ctx.Err() == nil; n++ {
				var kind, method, path, body string
				roll := rng.Float64()
				switch {
				case *token != "" && roll < *writeShare:
					kind, method, path = "write", http.MethodPost, "/api/assets"
					name := fmt.Sprintf("Load %d-%d", c, n)
					body = fmt.Sprintf(`{"type":"Feature","properties":{"name":%q,"category":"community_centre"},"geometry":{"type":"Point","coordinates":[%.6f,%.6f]}}`,
						name, west+rng.Float64()*(east-west), south+rng.Float64()*(north-south))
				case roll < 0.70:
					z := 10 + rng.IntN(7)
					x, y := tileAt(west+rng.Float64()*(east-west), south+rng.Float64()*(north-south), z)
					kind, method, path = "tile", http.MethodGet, fmt.Sprintf("/tiles/%s/%d/%d/%d.mvt", layers[rng.IntN(len(layers))], z, x, y)
				case roll < 0.85:
					kind, method = "read", http.MethodGet
					if len(assetIDs) > 0 && rng.IntN(2) == 0 {
						path = "/api/assets/" + assetIDs[rng.IntN(len(assetIDs))]
					} else {
						path = "/api/sets/wards-2019/areas?limit=5&offset=" + strconv.Itoa(rng.IntN(24))
					}
				default:
					kind, method, path = "search", http.MethodGet, "/api/assets?limit=10&q="+words[rng.IntN(len(words))]
				}
				req, _ := http.NewRequestWithContext(ctx, method, *base+path, strings.NewReader(body))
				if kind == "write" {
					req.Header.Set("Authorization", "Bearer "+*token)
					req.Header.Set("Content-Type", "application/geo+json")
				}
				start := time.Now()
				res, err := client.Do(req)
				if ctx.Err() != nil {
					if res != nil {
						res.Body.Close()
					}
					return // the run ended mid-request: not counted
				}
				ok := err == nil && res.StatusCode < 400
				if err == nil {
					if kind == "write" && res.StatusCode == http.StatusCreated {
						var a struct{ ID string }
						_ = json.NewDecoder(res.Body).Decode(&a)
						acked.Store(a.ID, true)
					}
					_, _ = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if res.StatusCode == http.StatusNotFound && kind == "tile" {
						ok = true // a tile outside a layer's sets is an honest 404
					}
					if res.StatusCode == http.StatusNotModified || res.StatusCode == http.StatusNoContent {
						ok = true
					}
				}
				results <- result{kind, time.Since(start), ok}
			}
		}(c)
	}
	go func() { wg.Wait(); close(results) }()
	byKind := map[string][]time.Duration{}
	errs := map[string]int{}
	total := 0
	for r := range results {
		total++
		byKind[r.kind] = append(byKind[r.kind], r.dur)
		if !r.ok {
			errs[r.kind]++
		}
	}
	loaded := serverStats(client, *base) // to the end of the run, before the read-back below
	// Every acknowledged write must read back.
	written, lost := 0, 0
	acked.Range(func(k, _ any) bool {
		written++
		res, err := client.Get(*base + "/api/assets/" + k.(string))
		if err != nil || res.StatusCode != 200 {
			lost++
		}
		if res != nil {
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
		}
		return true
	})
	tr.CloseIdleConnections()
	time.Sleep(2 * time.Second) // let the server's connection goroutines go
	after := serverStats(client, *base)

	fmt.Printf("\n%s: %d clients, %v, %d requests, %.0f requests/s\n", *label, *clients, *dur, total, float64(total)/dur.Seconds())
	fmt.Printf("%-8s %9s %9s %9s %9s %9s %7s\n", "kind", "requests", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "errors")
	kinds := make([]string, 0, len(byKind))
	for k := range byKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		d := byKind[k]
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		fmt.Printf("%-8s %9d %9.2f %9.2f %9.2f %9.2f %7d\n", k, len(d), ms(pct(d, 0.50)), ms(pct(d, 0.99)), ms(pct(d, 0.999)), ms(d[len(d)-1]), errs[k])
	}
	fmt.Printf("writes acknowledged %d, lost %d\n", written, lost)
	if rate := float64(total) / dur.Seconds(); rate > 0 {
		fmt.Printf("closed-loop mean latency bound %d clients / %.0f requests/s = %.1f ms\n", *clients, rate, float64(*clients)*1000/rate)
	}
	fmt.Printf("server RSS %.0f → %.0f MiB, goroutines %.0f → %.0f\n", before.rss/(1<<20), after.rss/(1<<20), before.goroutines, after.goroutines)
	hits, misses := loaded.hits-before.hits, loaded.misses-before.misses
	fmt.Printf("tile cache hits %.0f, misses %.0f (%.1f%% hits); server CPU %.1f s, %.0f µs per request\n", hits, misses,
		100*hits/math.Max(hits+misses, 1), loaded.cpu-before.cpu, 1e6*(loaded.cpu-before.cpu)/math.Max(float64(total), 1))
	failed := lost > 0
	for _, n := range errs {
		if n > 0 {
			failed = true
		}
	}
	if failed {
		os.Exit(1)
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func pct(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	i := int(math.Ceil(p*float64(len(d)))) - 1
	return d[max(0, min(i, len(d)-1))]
}

func tileAt(lon, lat float64, z int) (int, int) {
	n := math.Exp2(float64(z))
	x := int((lon + 180) / 360 * n)
	r := lat * math.Pi / 180
	y := int((1 - math.Log(math.Tan(r)+1/math.Cos(r))/math.Pi) / 2 * n)
	return x, y
}

func getJSON(c *http.Client, u string, v any) error {
	res, err := c.Get(u)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		return fmt.Errorf("GET %s: %d", u, res.StatusCode)
	}
	return json.NewDecoder(res.Body).Decode(v)
}

type stats struct{ rss, goroutines, cpu, hits, misses float64 }

// serverStats reads process_resident_memory_bytes, go_goroutines,
// process_cpu_seconds_total and the tile cache's hits and misses.
func serverStats(c *http.Client, base string) stats {
	var s stats
	res, err := c.Get(base + "/metrics")
	if err != nil {
		return s
	}
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 2 {
			continue
		}
		v, _ := strconv.ParseFloat(f[1], 64)
		switch f[0] {
		case "process_resident_memory_bytes":
			s.rss = v
		case "go_goroutines":
			s.goroutines = v
		case "process_cpu_seconds_total":
			s.cpu = v
		case "placemap_tile_cache_hits_total":
			s.hits = v
		case "placemap_tile_cache_misses_total":
			s.misses = v
		}
	}
	return s
}
