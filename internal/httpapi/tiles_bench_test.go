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
