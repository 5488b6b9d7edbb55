package httpapi_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"
	"testing/fstest"

	"github.com/placemap/placemap/internal/demo"
	"github.com/placemap/placemap/internal/httpapi"
	"github.com/placemap/placemap/internal/store/gpkg"
)

// BenchmarkTileHandler serves one Sheffield demo tile through the whole
// handler (middleware, routing, headers), cached and uncached, without the
// network: what placemap spends per request beside rendering.
func BenchmarkTileHandler(b *testing.B) {
	ctx := context.Background()
	st, err := gpkg.Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	if err := demo.Load(ctx, st, quiet); err != nil {
		b.Fatal(err)
	}
	web := fstest.MapFS{"index.html": {Data: []byte("<!doctype html><title>placemap</title>")}}
	for _, c := range []struct {
		name  string
		cache int64
	}{{"cached", 64 << 20}, {"uncached", 0}} {
		h := httpapi.New(roles(st), web, httpapi.Config{TileCacheBytes: c.cache}, quiet)
		for _, path := range []string{"/tiles/lsoa-2011/14/8125/5308.mvt", "/tiles/oa-2011/16/32500/21233.mvt"} {
			b.Run(c.name+path[6:15], func(b *testing.B) {
				req := httptest.NewRequest(http.MethodGet, path, nil)
				req.Header.Set("Accept-Encoding", "gzip")
				w := &discard{h: http.Header{}}
				h.ServeHTTP(w, req)
				if w.status != http.StatusOK {
					b.Fatalf("%s: %d", path, w.status)
				}
				c0 := cpuTime()
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					clear(w.h)
					h.ServeHTTP(w, req)
				}
				b.ReportMetric(float64(cpuTime()-c0)/float64(b.N), "cpu-ns/op")
			})
		}
	}
}

// discard is a ResponseWriter that keeps only the status.
type discard struct {
	h      http.Header
	status int
}

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(p []byte) (int, error) { return len(p), nil }
func (d *discard) WriteHeader(code int)        { d.status = code }

func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// BenchmarkCachedTileParallel serves cached tiles (two sets and the assets,
// at z10, z13 and z16) through the whole handler from every core at once,
// as a map client's burst does: where a cached tile's CPU goes beside the
// network, and what the shared locks cost. Run with -cpuprofile.
func BenchmarkCachedTileParallel(b *testing.B) {
	ctx := context.Background()
	st, err := gpkg.Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	if err := demo.Load(ctx, st, quiet); err != nil {
		b.Fatal(err)
	}
	web := fstest.MapFS{"index.html": {Data: []byte("<!doctype html><title>placemap</title>")}}
	h := httpapi.New(roles(st), web, httpapi.Config{TileCacheBytes: 64 << 20}, quiet)
	var reqs []*http.Request
	for _, layer := range []string{"lsoa-2011", "assets"} {
		for _, path := range []string{"10/507/331", "13/4062/2654", "16/32500/21233"} {
			req := httptest.NewRequest(http.MethodGet, "/tiles/"+layer+"/"+path+".mvt", nil)
			req.Header.Set("Accept-Encoding", "gzip")
			req.Header.Set("User-Agent", "Go-http-client/1.1")
			w := &discard{h: http.Header{}}
			h.ServeHTTP(w, req)
			if w.status != http.StatusOK {
				b.Fatalf("%s: %d", req.URL.Path, w.status)
			}
			reqs = append(reqs, req)
		}
	}
	c0 := cpuTime()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		w := &discard{h: http.Header{}}
		for i := 0; pb.Next(); i++ {
			clear(w.h)
			h.ServeHTTP(w, reqs[i%len(reqs)])
		}
	})
	b.ReportMetric(float64(cpuTime()-c0)/float64(b.N), "cpu-ns/op")
}
