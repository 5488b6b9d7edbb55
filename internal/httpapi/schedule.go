package httpapi

import (
	"context"
	"errors"
	"net/http"
	"sync"
)

// Scheduling: the work that takes the store and the CPU for a while — a
// tile rendered (not served from the cache) and an API read — runs a few
// at a time, and whoever waits for a place is served in priority order,
// first come first served within one. Under load the Go scheduler and the
// GeoPackage's connection pool share the machine among every request at
// once (the pool hands a freed connection to a waiter at random), so a
// tile that costs a fraction of a millisecond queued behind hundreds of
// searches: 200 clients saw tiles' 99th percentile at half a second.
// Bounded, the requests not admitted wait here, parked, and a cached tile
// (never admitted: it costs nothing) or a tile to render (first in line)
// runs at once beside the few admitted.
//
// Writes are not admitted here: each waits for its group's transaction
// (store.DB's group commit), most of that time parked, and a bound on
// them would bound the group. But while they run or queue, API reads take
// fewer places (scheduler.readsWhileWriting), so the writes' statements
// do not wait behind them for the store's cores.

// priority orders the waiters: lower first.
type priority int

const (
	renderWork priority = iota // a tile to render: small, and most requests
	readWork                   // an API read: a search, a list, a record
	priorities
)

// scheduler admits at most its capacity of work at once.
type scheduler struct {
	mu      sync.Mutex
	free    int
	waiting [priorities][]chan struct{}
	// While writing reports writes running or queued in the store, API
	// reads take at most readsWhileWriting places: the store's cores go
	// to the writes. On PostgreSQL a write group's statements shared the
	// server's two cores with every read admitted, and 200 clients saw
	// writes' 99th percentile past a second.
	writing           func() bool
	readsWhileWriting int
	reads             int // API reads admitted
}

// newScheduler returns a scheduler admitting n at once.
func newScheduler(n int) *scheduler { return &scheduler{free: max(n, 1)} }

// admit waits for a place for work of priority p; call release when the
// work is done. An error when ctx ends first.
func (s *scheduler) admit(ctx context.Context, p priority) (release func(), err error) {
	release = func() { s.release(p) }
	s.mu.Lock()
	if s.free > 0 && s.none(p) && s.room(p) {
		s.take(p)
		s.mu.Unlock()
		return release, nil
	}
	c := make(chan struct{})
	s.waiting[p] = append(s.waiting[p], c)
	s.mu.Unlock()
	select {
	case <-c:
		return release, nil
	case <-ctx.Done():
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, w := range s.waiting[p] {
		if w == c {
			s.waiting[p] = append(s.waiting[p][:i], s.waiting[p][i+1:]...)
			return nil, ctx.Err()
		}
	}
	// Admitted as the context ended: the place is this caller's to give
	// back.
	s.giveBack(p)
	return nil, ctx.Err()
}

// none reports whether nobody of priority p or before waits (s.mu held).
func (s *scheduler) none(p priority) bool {
	for q := priority(0); q <= p; q++ {
		if len(s.waiting[q]) > 0 {
			return false
		}
	}
	return true
}

// room reports whether work of priority p may take a free place now: an
// API read not while writes run and readsWhileWriting reads are admitted
// (s.mu held).
func (s *scheduler) room(p priority) bool {
	return p != readWork || s.writing == nil || s.reads < s.readsWhileWriting || !s.writing()
}

// take takes a free place for work of priority p (s.mu held).
func (s *scheduler) take(p priority) {
	s.free--
	if p == readWork {
		s.reads++
	}
}

// release gives back the place of work of priority p.
func (s *scheduler) release(p priority) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.giveBack(p)
}

// giveBack frees the place of work of priority p and passes free places
// on: to the first waiters of the first priority that may take them
// (s.mu held).
func (s *scheduler) giveBack(p priority) {
	if p == readWork {
		s.reads--
	}
	s.free++
	for s.free > 0 {
		next := priority(-1)
		for q := range s.waiting {
			if len(s.waiting[q]) > 0 && s.room(priority(q)) {
				next = priority(q)
				break
			}
		}
		if next < 0 {
			return
		}
		q := s.waiting[next]
		close(q[0])
		q[0] = nil
		s.waiting[next] = q[1:]
		s.take(next)
	}
}

// scheduledReads admits the API's reads (GET and HEAD) through the
// scheduler; other methods pass.
func (s *Server) scheduledReads(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		release, err := s.work.admit(r.Context(), readWork)
		if err != nil {
			if !errors.Is(err, context.Canceled) {
				s.fail(w, r, err) // the request's time ran out waiting: 503
			}
			return // or the client left
		}
		a := &admission{release: release}
		defer a.leave()
		next.ServeHTTP(admittedWriter{w, a}, r.WithContext(context.WithValue(r.Context(), admissionKey{}, a)))
	})
}

// admittedWriter gives the request's place back when its body begins: the
// work is done by then (a handler encodes before it writes, or streams what
// it has read), and a client reading slowly, on purpose or not, must not
// hold one of the few places while the network drains.
type admittedWriter struct {
	http.ResponseWriter
	a *admission
}

func (w admittedWriter) Write(b []byte) (int, error) {
	w.a.leave()
	return w.ResponseWriter.Write(b)
}

// Flush is http.Flusher's, for streamed answers.
func (w admittedWriter) Flush() {
	w.a.leave()
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap is for http.ResponseController.
func (w admittedWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// admission is a request's place in the scheduler, given back once.
type admission struct {
	once    sync.Once
	release func()
}

func (a *admission) leave() { a.once.Do(a.release) }

type admissionKey struct{}

// leaveScheduler gives back the scheduler's place of the request of ctx,
// if it holds one: heavy work (Server.expensive) has a bound of its own,
// and waiting for it, or running for seconds, in a read's place would
// keep the reads and renders out.
func leaveScheduler(ctx context.Context) {
	if a, ok := ctx.Value(admissionKey{}).(*admission); ok {
		a.leave()
	}
}

// renderGate admits a tile's render through the scheduler (the tiles
// Renderer's Gate).
func (s *Server) renderGate(ctx context.Context) (release func(), err error) {
	return s.work.admit(ctx, renderWork)
}
