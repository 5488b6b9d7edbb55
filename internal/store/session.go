package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// LSN is a position in the database's write-ahead log, as PostgreSQL
// numbers it: a write is visible on a streaming replica once the replica
// has replayed the log past the position its commit ended at. 0 is no
// position. Its text is PostgreSQL's, two hexadecimal halves "16/B374D848".
type LSN uint64

// MaxLSN is past every position: a read that must see it reads from the
// primary (a write whose position could not be learnt).
const MaxLSN = LSN(^uint64(0))

// ParseLSN reads PostgreSQL's text of a position strictly: one to eight
// hexadecimal digits, a slash, one to eight more; anything else is not one.
func ParseLSN(s string) (LSN, bool) {
	hi, lo, ok := strings.Cut(s, "/")
	if !ok {
		return 0, false
	}
	h, okh := hex32(hi)
	l, okl := hex32(lo)
	if !okh || !okl {
		return 0, false
	}
	return LSN(h<<32 | l), true
}

// hex32 reads one half of an LSN: 1-8 hexadecimal digits, no sign or prefix.
func hex32(s string) (uint64, bool) {
	if len(s) == 0 || len(s) > 8 {
		return 0, false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return 0, false
		}
	}
	v, err := strconv.ParseUint(s, 16, 32)
	return v, err == nil
}

func (l LSN) String() string { return fmt.Sprintf("%X/%X", uint64(l)>>32, uint64(l)&0xFFFFFFFF) }

// Session is what one request asks of the copies of the database its reads
// may go to, and what its writes leave for the client's next request. The
// HTTP layer puts one in each request's context (WithSession); a dialect
// that reads from replicas routes by it, and one that does not (the
// GeoPackage) ignores it. Without one in the context a read is the
// process's own: it sees every write the store has made.
//
// It is safe for concurrent use by the goroutines of one request.
type Session struct {
	mu    sync.Mutex
	after LSN // the client's last write: reads must see it
	wrote LSN // the last write this request committed
	pin   int // the copy this request reads from: pinNone, PinPrimary or a replica's index
}

const pinNone = -2

// PinPrimary is Session.Pin's number of the primary.
const PinPrimary = -1

// NewSession returns the session of a request whose client last wrote at
// after (0 for none known).
func NewSession(after LSN) *Session { return &Session{after: after, pin: pinNone} }

type sessionKey struct{}

// WithSession returns ctx carrying s.
func WithSession(ctx context.Context, s *Session) context.Context {
	return context.WithValue(ctx, sessionKey{}, s)
}

// SessionFrom returns the session ctx carries, or nil.
func SessionFrom(ctx context.Context) *Session {
	s, _ := ctx.Value(sessionKey{}).(*Session)
	return s
}

type primaryKey struct{}

// OnPrimary returns ctx whose reads go to the primary whatever the
// request's session says, without pinning the request there: the reads
// that check credentials (a session, a token, the account's role), so a
// signed-out session, a revoked token or a lowered role is refused at
// once rather than when every replica has replayed the change.
func OnPrimary(ctx context.Context) context.Context {
	return context.WithValue(ctx, primaryKey{}, true)
}

// ReadsPrimary reports whether ctx's reads must go to the primary
// (OnPrimary).
func ReadsPrimary(ctx context.Context) bool {
	v, _ := ctx.Value(primaryKey{}).(bool)
	return v
}

// Committed records that a write of the request committed at l (a dialect
// calls it after the commit).
func (s *Session) Committed(l LSN) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.wrote = max(s.wrote, l)
	s.after = max(s.after, l)
}

// Wrote is where the request's last committed write ended, 0 if it wrote
// nothing (or the store does not say): what the client sends back so
// its next reads see its writes.
func (s *Session) Wrote() LSN {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.wrote
}

// After is the position the request's reads must see: the client's last
// write, or the request's own.
func (s *Session) After() LSN {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.after
}

// Pinned is the copy the request reads from, once it has read (a
// replica's index as the dialect numbers them, or PinPrimary): the reads
// of one request go to one copy, so they never see the data go back in
// time (a tile's data older than the data version it is cached under).
func (s *Session) Pinned() (int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pin, s.pin != pinNone
}

// Pin makes copy i the request's, unless it already has one: the primary
// replaces a replica (it is ahead of them all), nothing else replaces a
// pin. It returns the copy now pinned.
func (s *Session) Pin(i int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pin == pinNone || i == PinPrimary {
		s.pin = i
	}
	return s.pin
}

// ReplicaState is how one read replica stands, for /readyz and /metrics.
type ReplicaState struct {
	Name    string        // host:port/database, never a password
	Healthy bool          // reads may go to it
	Reason  string        // why reads skip it, when they do
	Lag     time.Duration // how far behind the primary it is, at least
	Reads   uint64        // reads it has served
}

// Replicas is how a store's reads are spread: over its replicas, and on
// the primary when none fits.
type Replicas struct {
	MaxLag       time.Duration // a replica further behind is skipped
	PrimaryReads uint64        // reads the primary served
	List         []ReplicaState
}

// ReplicaReporter is what a dialect's Conns add when reads may go to
// replicas.
type ReplicaReporter interface {
	Replicas() Replicas
}

// Replicas reports the store's read replicas; ok false when it reads from
// none.
func (db *DB) Replicas() (r Replicas, ok bool) {
	rr, ok := db.d.Conns.(ReplicaReporter)
	if !ok {
		return Replicas{}, false
	}
	r = rr.Replicas()
	return r, len(r.List) > 0
}

// ListenerState is how a store's watch on the data version stands (on
// PostGIS, the connection that LISTENs for every commit), for /readyz and
// /metrics. While it is down the store still answers, reading the version
// for every request instead of from memory.
type ListenerState struct {
	Listening  bool   // the version is answered from memory
	Reconnects uint64 // times the connection was made again after it was lost
}

// ListenerReporter is what a dialect's Conns add when they watch the data
// version on a connection of their own.
type ListenerReporter interface {
	Listener() (ListenerState, bool)
}

// Listener reports the store's data version listener; ok false when it
// has none (the GeoPackage).
func (db *DB) Listener() (ListenerState, bool) {
	if l, ok := db.d.Conns.(ListenerReporter); ok {
		return l.Listener()
	}
	return ListenerState{}, false
}
