package postgis

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"

	"github.com/placemap/placemap/internal/store"
)

// versionChannel is where every change of the data version is announced,
// its payload the new version (the trigger of migration 00024).
const versionChannel = "placemap_data_version"

// sqlListenState reads the data version on the listener's connection, and
// whether that connection still LISTENs (through a pooler that hands out
// a server connection per transaction it would not: notifications would
// never come).
//
// With it the primary's log position, read after the version's snapshot
// was taken: past the commit of the version and of every one before.
const sqlListenState = `SELECT CAST(value AS BIGINT),
	EXISTS (SELECT 1 FROM pg_listening_channels() c WHERE c = '` + versionChannel + `'),
	pg_current_wal_insert_lsn()::text
	FROM settings WHERE key = 'data_version'`

// listener knows the data version without a round trip per request: on
// a connection of its own it LISTENs for the notification every write
// transaction sends when it commits, and keeps the highest version it
// has heard of (store.VersionCache through dialect.DataVersion).
//
// It answers from memory only while it is sure nothing committed since
// that it has not heard of. So: only while its connection is up and
// LISTENing, and it read the version on it after the LISTEN took effect
// (every later commit notifies); not after a commit of this process
// until a read begun after that commit has answered (the notification
// of one's own write takes a moment; the caller who saw it commit must
// not); never when the connection is down, starting or reconnecting:
// then every call reads the version. A write of another instance is seen
// once its notification arrives, a millisecond or so after its commit:
// a client that wrote through one instance and at once reads a tile
// through another may, within that window, get the tile before its write
// (docs/scaling.md).
//
// Versions only go up, so whatever arrives in any order, the highest
// wins: a read in flight that answers an older version, or a
// notification heard while a read was under way, cannot take it back.
//
// With read replicas (withLSN) the version must be the data's of the copy
// a request reads from, not the primary's: on each notification the
// listener reads the version again with the primary's log position
// after it (sqlListenState), and answers from memory only a request
// whose copy is known to have replayed past that position
// (router.serves); the others read the version on their copy. Reads on a
// replica tell nothing of the primary, so there only the listener's own
// reads (begun after this process's last commit ended) clear dirty.
type listener struct {
	cfg *pgx.ConnConfig
	// withLSN: the version is taken only with its log position, read on
	// the connection (with replicas); a notification's payload alone is
	// not enough.
	withLSN bool
	every   time.Duration // how often the connection is checked and the version read again
	retry   time.Duration // the first pause before reconnecting
	log     *slog.Logger
	lost    time.Time // when the connection was lost, zero while it holds (run's own)

	mu      sync.Mutex
	live    bool   // LISTENing, and the version was read since
	pid     uint32 // the listening connection's server process, 0 when down
	version int64  // the highest version read or heard of
	// lsn is where the primary's log was when version was read: a copy
	// that has replayed past it has the data of version (replicas only).
	lsn   store.LSN
	dirty bool // this process committed since the version was last read
	// gen moves when one of this process's commits begins or ends, and
	// committing counts those under way: a read clears dirty only if it
	// began after the last commit ended and none came while it ran.
	gen        uint64
	committing int
	// reconnects counts the connections made after one was lost (or the
	// first could not be made).
	reconnects uint64

	stop chan struct{}
	done chan struct{}
}

// newListener starts listening on a connection of cfg's, in the
// background; close stops it.
func newListener(cfg *pgx.ConnConfig, withLSN bool, log *slog.Logger) *listener {
	cc := cfg.Copy()
	cc.RuntimeParams["application_name"] = "placemap listener"
	// Waiting for a notification ends by a deadline on the socket, not by
	// asking the server to cancel: a cancel request could arrive as the
	// next statement runs.
	cc.BuildContextWatcherHandler = func(c *pgconn.PgConn) ctxwatch.Handler {
		return &pgconn.DeadlineContextWatcherHandler{Conn: c.Conn()}
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	l := &listener{cfg: cc, withLSN: withLSN, every: 2 * time.Second, retry: 100 * time.Millisecond, log: log, stop: make(chan struct{}), done: make(chan struct{})}
	go l.run()
	return l
}

func (l *listener) close() {
	close(l.stop)
	<-l.done
}

// cached is the version to answer from memory and its log position, ok
// false when it must be read; gen is to give back to readDone.
func (l *listener) cached() (v int64, lsn store.LSN, ok bool, gen uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.version, l.lsn, l.live && !l.dirty, l.gen
}

// readDone takes a version read by a call begun at gen.
func (l *listener) readDone(v int64, gen uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.version = max(l.version, v)
	if l.gen == gen && l.committing == 0 {
		l.dirty = false
	}
}

// commit brackets a commit of this process: until a read begun after it
// ended has answered, calls read the version. Whatever the outcome (a
// commit whose answer was lost may have committed).
func (l *listener) commit() (done func()) {
	l.mu.Lock()
	l.committing++
	l.dirty = true
	l.gen++
	l.mu.Unlock()
	return func() {
		l.mu.Lock()
		l.committing--
		l.gen++
		l.mu.Unlock()
	}
}

// unsure makes the next call read the version.
func (l *listener) unsure() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.dirty = true
	l.gen++
}

func (l *listener) heard(v int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.version = max(l.version, v)
}

// checked takes a version read on the listener's connection, with the
// log position after it, by a check begun at gen. A newer version comes
// with its position; the same one keeps the position it came with. Like
// any read begun after this process's last commit ended, it clears dirty.
func (l *listener) checked(v int64, lsn store.LSN, gen uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if v > l.version || l.lsn == 0 {
		l.version, l.lsn = max(l.version, v), max(l.lsn, lsn)
	}
	if l.gen == gen && l.committing == 0 {
		l.dirty = false
	}
}

// setLive says whether the connection of server process pid listens.
func (l *listener) setLive(live bool, pid uint32) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.live, l.pid = live, pid
}

// state is how the listener stands, for /readyz and /metrics.
func (l *listener) state() store.ListenerState {
	l.mu.Lock()
	defer l.mu.Unlock()
	return store.ListenerState{Listening: l.live, Reconnects: l.reconnects}
}

// run keeps a listening connection, reconnecting after l.retry (100
// ms), then doubling up to 5 s while the database cannot be reached.
func (l *listener) run() {
	defer close(l.done)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-l.stop
		cancel()
	}()
	const most = 5 * time.Second
	var pause time.Duration
	for {
		connected, err := l.listen(ctx)
		l.setLive(false, 0)
		if ctx.Err() != nil {
			return
		}
		if connected || l.lost.IsZero() {
			l.lost = time.Now()
		}
		if connected || pause == 0 {
			l.mu.Lock()
			pause = l.retry
			l.mu.Unlock()
		}
		l.log.Warn("data version listener lost; the version is read for every request until it is back", "retry", pause, "err", redact(err))
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		pause = min(2*pause, most)
	}
}

// listen connects, LISTENs and waits for notifications until the
// connection fails or ctx ends; connected says it got as far as being
// live.
func (l *listener) listen(ctx context.Context) (connected bool, err error) {
	cctx, cancel := context.WithTimeout(ctx, l.cfg.ConnectTimeout+l.every)
	c, err := pgx.ConnectConfig(cctx, l.cfg)
	cancel()
	if err != nil {
		return false, fmt.Errorf("connect: %w", err)
	}
	defer c.Close(context.WithoutCancel(ctx))
	if _, err := c.Exec(ctx, "LISTEN "+versionChannel); err != nil {
		return false, fmt.Errorf("listen: %w", err)
	}
	// Read after the LISTEN took effect: any commit it misses notifies.
	if err := l.check(ctx, c); err != nil {
		return false, err
	}
	l.setLive(true, c.PgConn().PID())
	if !l.lost.IsZero() {
		l.mu.Lock()
		l.reconnects++
		l.mu.Unlock()
		l.log.Info("data version listener back", "after", time.Since(l.lost).Round(time.Millisecond))
		l.lost = time.Time{}
	}
	for {
		wctx, cancel := context.WithTimeout(ctx, l.every)
		n, err := c.WaitForNotification(wctx)
		cancel()
		switch {
		case n != nil && l.withLSN:
			if err := l.check(ctx, c); err != nil {
				return true, err
			}
		case n != nil:
			l.take(n)
		case ctx.Err() != nil:
			return true, ctx.Err()
		case pgconn.Timeout(err):
			// Quiet for a while: make sure the connection still listens.
			if err := l.check(ctx, c); err != nil {
				return true, err
			}
		case err != nil:
			return true, fmt.Errorf("wait for notification: %w", err)
		}
	}
}

// check reads the version on the listener's connection and that it
// still LISTENs.
func (l *listener) check(ctx context.Context, c *pgx.Conn) error {
	qctx, cancel := context.WithTimeout(ctx, l.every)
	defer cancel()
	l.mu.Lock()
	gen := l.gen
	l.mu.Unlock()
	var v int64
	var listening bool
	var pos string
	if err := c.QueryRow(qctx, sqlListenState).Scan(&v, &listening, &pos); err != nil {
		return fmt.Errorf("read data version: %w", err)
	}
	if !listening {
		return fmt.Errorf("the connection does not LISTEN on %s (a pooler between?)", versionChannel)
	}
	lsn, ok := store.ParseLSN(pos)
	if !ok {
		return fmt.Errorf("the primary's log position %q", pos)
	}
	l.checked(v, lsn, gen)
	return nil
}

// take takes a notification's version; one that cannot be read makes the
// next call read the version.
func (l *listener) take(n *pgconn.Notification) {
	if n.Channel != versionChannel {
		return
	}
	v, err := strconv.ParseInt(n.Payload, 10, 64)
	if err != nil {
		l.unsure()
		return
	}
	l.heard(v)
}
