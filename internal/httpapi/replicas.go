package httpapi

import (
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/placemap/placemap/internal/store"
)

// ReadAfterHeader carries where a client's last write ended in the
// database's log ("16/B374D848"): the response to a write says it, and a
// request that sends it back reads that write, from the primary if no
// replica has replayed it yet. Browsers get the same in a cookie.
const ReadAfterHeader = "Placemap-Read-After"

// readAfterCookie is ReadAfterHeader for browsers.
const readAfterCookie = "placemap_read_after"

// replicaSource is what a store reading from streaming replicas adds to
// its Health role (store.DB with --db-read): how the replicas stand.
type replicaSource interface {
	Replicas() (store.Replicas, bool)
}

// replicasOf is the store's replicas, nil when it reads from none.
func replicasOf(h HealthStore) replicaSource {
	if rs, ok := h.(replicaSource); ok {
		if _, on := rs.Replicas(); on {
			return rs
		}
	}
	return nil
}

// readYourWrites gives each request a store.Session, so its reads see the
// client's last write (ReadAfterHeader or its cookie; junk is ignored) and
// stay on one copy of the database; after a write the response carries
// where it ended. Only when the store reads from replicas: otherwise every
// read sees every write and nothing is added.
func (s *Server) readYourWrites(next http.Handler) http.Handler {
	if s.replicas == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess := store.NewSession(readAfter(r))
		ww := &readAfterWriter{ResponseWriter: w, sess: sess, set: func(h http.Header, l store.LSN) { s.sayReadAfter(h, r, l) }}
		next.ServeHTTP(ww, r.WithContext(store.WithSession(r.Context(), sess)))
	})
}

// readAfter is the latest write a request says its client made, 0 for
// none; a value that is not a log position is no position.
func readAfter(r *http.Request) store.LSN {
	var after store.LSN
	if l, ok := store.ParseLSN(r.Header.Get(ReadAfterHeader)); ok {
		after = l
	}
	if c, err := r.Cookie(readAfterCookie); err == nil {
		if l, ok := store.ParseLSN(c.Value); ok {
			after = max(after, l)
		}
	}
	return after
}

// sayReadAfter tells the client where its write ended: the header for API
// clients, and a cookie for browsers, kept for as long as a replica may lag
// and still take reads (after that every replica reads go to has it).
func (s *Server) sayReadAfter(h http.Header, r *http.Request, l store.LSN) {
	reps, _ := s.replicas.Replicas()
	age := int(math.Ceil((reps.MaxLag + 2*time.Second).Seconds()))
	h.Set(ReadAfterHeader, l.String())
	c := &http.Cookie{Name: readAfterCookie, Value: l.String(), Path: "/", MaxAge: age, HttpOnly: true,
		Secure: s.secureCookies(r), SameSite: http.SameSiteLaxMode}
	h.Add("Set-Cookie", c.String())
}

// readAfterWriter adds the write's position to the response's headers
// when they are sent, if the request wrote.
type readAfterWriter struct {
	http.ResponseWriter
	sess *store.Session
	set  func(http.Header, store.LSN)
	sent bool
}

func (w *readAfterWriter) WriteHeader(code int) {
	w.before()
	w.ResponseWriter.WriteHeader(code)
}

func (w *readAfterWriter) Write(b []byte) (int, error) {
	w.before()
	return w.ResponseWriter.Write(b)
}

func (w *readAfterWriter) before() {
	if w.sent {
		return
	}
	w.sent = true
	if l := w.sess.Wrote(); l != 0 {
		w.set(w.ResponseWriter.Header(), l)
	}
}

// Flush lets streamed responses through (http.Flusher).
func (w *readAfterWriter) Flush() {
	w.before()
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap is for http.ResponseController.
func (w *readAfterWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// replicaStatus is a replica as /readyz shows it: numbered in the order
// of --db-read, its address left out (the route is public).
type replicaStatus struct {
	Replica    int     `json:"replica"`
	Healthy    bool    `json:"healthy"`
	LagSeconds float64 `json:"lag_seconds"`
	Reads      uint64  `json:"reads"`
}

// replicaReport is /readyz's account of the replicas.
func replicaReport(reps store.Replicas) map[string]any {
	list := make([]replicaStatus, len(reps.List))
	for i, r := range reps.List {
		list[i] = replicaStatus{Replica: i + 1, Healthy: r.Healthy, LagSeconds: r.Lag.Seconds(), Reads: r.Reads}
	}
	return map[string]any{"replicas": list, "primary_reads": reps.PrimaryReads, "max_replica_lag_seconds": reps.MaxLag.Seconds()}
}

// replicaCollector reports the replicas to Prometheus when scraped.
type replicaCollector struct {
	src                  replicaSource
	healthy, lag, reads  *prometheus.Desc
	primaryReads, maxLag *prometheus.Desc
}

func newReplicaCollector(src replicaSource) *replicaCollector {
	l := []string{"replica"}
	return &replicaCollector{src: src,
		healthy:      prometheus.NewDesc("placemap_db_replica_healthy", "1 while reads may go to the read replica (numbered in --db-read order), 0 while skipped.", l, nil),
		lag:          prometheus.NewDesc("placemap_db_replica_lag_seconds", "How far the read replica is behind the primary, at least (sampled about once a second).", l, nil),
		reads:        prometheus.NewDesc("placemap_db_replica_reads_total", "Reads the read replica served.", l, nil),
		primaryReads: prometheus.NewDesc("placemap_db_primary_reads_total", "Reads the primary served: no replica fitted, or one failed.", nil, nil),
		maxLag:       prometheus.NewDesc("placemap_db_max_replica_lag_seconds", "A replica further behind is skipped (--max-replica-lag).", nil, nil),
	}
}

func (c *replicaCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.healthy, c.lag, c.reads, c.primaryReads, c.maxLag} {
		ch <- d
	}
}

func (c *replicaCollector) Collect(ch chan<- prometheus.Metric) {
	reps, _ := c.src.Replicas()
	for i, r := range reps.List {
		n := strconv.Itoa(i + 1)
		healthy := 0.0
		if r.Healthy {
			healthy = 1
		}
		ch <- prometheus.MustNewConstMetric(c.healthy, prometheus.GaugeValue, healthy, n)
		ch <- prometheus.MustNewConstMetric(c.lag, prometheus.GaugeValue, r.Lag.Seconds(), n)
		ch <- prometheus.MustNewConstMetric(c.reads, prometheus.CounterValue, float64(r.Reads), n)
	}
	ch <- prometheus.MustNewConstMetric(c.primaryReads, prometheus.CounterValue, float64(reps.PrimaryReads))
	ch <- prometheus.MustNewConstMetric(c.maxLag, prometheus.GaugeValue, reps.MaxLag.Seconds())
}
