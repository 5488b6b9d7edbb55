package httpapi

import (
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are what GET /metrics tells Prometheus: requests by route
// pattern, method and status, their durations, the tile cache, the
// places for expensive work, and the Go runtime and process. Each server
// has its own registry.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	inflight prometheus.Gauge
	series   sync.Map // routeKey → routeSeries
}

func newMetrics(s *Server) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "placemap_http_requests_total",
			Help: "HTTP requests answered, by route pattern, method and status code."}, []string{"route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "placemap_http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by route pattern and method.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}}, []string{"route", "method"}),
		inflight: prometheus.NewGauge(prometheus.GaugeOpts{Name: "placemap_http_requests_in_flight", Help: "HTTP requests being answered now."}),
	}
	stat := func(pick func(h, mi uint64, b int64) float64) func() float64 {
		return func() float64 { h, mi, b := s.tiles.CacheStats(); return pick(h, mi, b) }
	}
	shapes := func(pick func(n int, b int64, r, d uint64) float64) func() float64 {
		return func() float64 { return pick(s.tiles.ShapeStats()) }
	}
	m.reg.MustRegister(m.requests, m.duration, m.inflight,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "placemap_tile_cache_hits_total", Help: "Tiles served from the cache."},
			stat(func(h, _ uint64, _ int64) float64 { return float64(h) })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "placemap_tile_cache_misses_total", Help: "Tiles rendered because the cache lacked them."},
			stat(func(_, mi uint64, _ int64) float64 { return float64(mi) })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "placemap_tile_cache_bytes", Help: "Bytes of tiles held in the cache."},
			stat(func(_, _ uint64, b int64) float64 { return float64(b) })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "placemap_tile_shapes_sets", Help: "Boundary sets (and the assets) whose shapes tiles keep in memory to be drawn from."},
			shapes(func(n int, _ int64, _, _ uint64) float64 { return float64(n) })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "placemap_tile_shapes_preparing", Help: "1 while the sets' shapes are read for tiles at start-up, else 0."},
			func() float64 {
				if s.tiles.ShapesPreparing() {
					return 1
				}
				return 0
			}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "placemap_tile_shapes_bytes", Help: "Bytes of the sets' shapes, the areas drawn from them for low zooms and the assets kept for tiles (estimated)."},
			shapes(func(_ int, b int64, _, _ uint64) float64 { return float64(b) })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "placemap_tile_shapes_reads_total", Help: "Reads of a set's shapes kept for tiles (after each write to the set)."},
			shapes(func(_ int, _ int64, r, _ uint64) float64 { return float64(r) })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "placemap_tile_shapes_drops_total", Help: "Sets' shapes dropped to make room for another set's."},
			shapes(func(_ int, _ int64, _, d uint64) float64 { return float64(d) })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "placemap_expensive_work_in_progress",
			Help: "Crosswalks, agreement surfaces, conflations and GeoPackage exports being computed now."},
			func() float64 { return float64(len(s.heavy)) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "placemap_expensive_work_capacity",
			Help: "How many expensive computations may run at once (past it: 503 with Retry-After)."},
			func() float64 { return float64(cap(s.heavy)) }),
	)
	if s.replicas != nil {
		m.reg.MustRegister(newReplicaCollector(s.replicas))
	}
	if s.listener != nil {
		m.reg.MustRegister(newListenerCollectors(s.listener)...)
	}
	return m
}

// observe logs each request (at debug, or error for a 5xx) and counts and
// times it under its route pattern (never the raw path, which would make a
// series per asset id), through one wrapper of the response.
func (s *Server) observe(next http.Handler) http.Handler {
	m := s.metrics
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.inflight.Inc()
		defer m.inflight.Dec()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		start := time.Now()
		next.ServeHTTP(ww, r)
		took := time.Since(start)
		level := slog.LevelDebug
		if ww.Status() >= 500 {
			level = slog.LevelError
		}
		if s.log.Enabled(r.Context(), level) {
			s.log.Log(r.Context(), level, "request", "method", r.Method, "path", r.URL.Path, "status", ww.Status(),
				"bytes", ww.BytesWritten(), "duration", took, "request_id", middleware.GetReqID(r.Context()))
		}
		route := "unmatched"
		if rc := chi.RouteContext(r.Context()); rc != nil && rc.RoutePattern() != "" {
			route = rc.RoutePattern()
		}
		code := ww.Status()
		if code == 0 {
			code = http.StatusOK
		}
		c := m.of(route, r.Method, code)
		c.requests.Inc()
		c.duration.Observe(took.Seconds())
	})
}

// routeKey names one series of the request counter.
type routeKey struct {
	route, method string
	code          int
}

// routeSeries is a route's counter and timer, looked up once.
type routeSeries struct {
	requests prometheus.Counter
	duration prometheus.Observer
}

// of returns the series of route, method and code, found in the vectors
// once and then kept: hashing the labels for each request cost more than
// the count. As many are kept as the vectors hold.
func (m *metrics) of(route, method string, code int) routeSeries {
	k := routeKey{route, method, code}
	if c, ok := m.series.Load(k); ok {
		return c.(routeSeries)
	}
	c := routeSeries{m.requests.WithLabelValues(route, method, strconv.Itoa(code)), m.duration.WithLabelValues(route, method)}
	m.series.Store(k, c)
	return c
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{EnableOpenMetrics: true})
}
