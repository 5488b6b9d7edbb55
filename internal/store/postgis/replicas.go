package postgis

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// router spreads reads over streaming replicas that keep up with the
// primary; writes, and every read inside a write's transaction, stay on
// the primary (dialect.Begin).
//
// Every ReplicaCheck a monitor samples the primary's WAL position
// (pg_current_wal_lsn) and each replica's replay position
// (pg_last_wal_replay_lsn). A replica is skipped while it cannot be
// reached, is no standby of this primary, or has not replayed where the
// primary was MaxReplicaLag ago; with none left, reads go to the primary.
// A read a replica fails for want of a connection (or cancels for a
// conflict with recovery) runs again on the primary, before any row of it
// reached the caller.
//
// Reads see what they must: a request's reads go to one copy (its
// store.Session pins it), so they never go back in time; after a write
// commits, the commit's position is the session's, and a read that must
// see it goes to a replica only once the replica has replayed past it
// (waiting up to 100 ms), else to the primary. Reads without a session
// (the commands) must see every write this store made.
type router struct {
	primary  *pgxpool.Pool
	replicas []*replica
	maxLag   time.Duration
	every    time.Duration
	wait     time.Duration // longest a read waits for a replica to replay a write it must see
	log      *slog.Logger

	opened       store.LSN     // the primary's position once migrated: every read must see it
	wrote        atomic.Uint64 // the position of this store's last commit
	primaryReads atomic.Uint64
	next         atomic.Uint64 // round robin over the replicas that fit

	mu      sync.Mutex
	history []sample // the primary's positions as sampled, oldest first, each further on
	sysid   int64    // the primary's system identifier, once known

	unsampled bool // the last check could not sample the primary (only check touches it)

	stop chan struct{}
	done chan struct{}
}

// sample is where the primary's log was at a time.
type sample struct {
	at  time.Time
	lsn store.LSN
}

// replica is one read replica and how it stands.
type replica struct {
	name  string // host:port/database
	pool  *pgxpool.Pool
	reads atomic.Uint64

	// Under router.mu.
	healthy bool
	reason  string        // why it is skipped
	replay  store.LSN     // where it had replayed to, last we asked
	lag     time.Duration // how far behind the primary, at least
	gaveUp  store.LSN     // a read gave up waiting for this position since the last check
}

// newRouter connects to the replicas of opts.ReadURLs (lazily: a replica
// that is down is skipped until it answers), checks them once and starts
// the monitor, which close stops.
func newRouter(ctx context.Context, primary *pgxpool.Pool, opts Options) (*router, error) {
	r := &router{primary: primary, maxLag: opts.MaxReplicaLag, every: opts.ReplicaCheck, wait: 100 * time.Millisecond,
		log: opts.Log, stop: make(chan struct{}), done: make(chan struct{})}
	if r.maxLag <= 0 {
		r.maxLag = 5 * time.Second
	}
	if r.every <= 0 {
		r.every = time.Second
	}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	for i, u := range opts.ReadURLs {
		cfg, err := poolConfig(u, opts)
		if err != nil {
			r.closePools()
			return nil, place.Errorf(place.EINVALID, "read replica URL %d: %v", i+1, redact(err))
		}
		pool, err := pgxpool.NewWithConfig(ctx, cfg)
		if err != nil {
			r.closePools()
			return nil, fmt.Errorf("read replica %d: %w", i+1, translate(err))
		}
		cc := cfg.ConnConfig
		r.replicas = append(r.replicas, &replica{name: fmt.Sprintf("%s:%d/%s", cc.Host, cc.Port, cc.Database), pool: pool, reason: "not checked yet"})
	}
	// Reads must find the schema Open just migrated to.
	var pos string
	if err := primary.QueryRow(ctx, `SELECT pg_current_wal_insert_lsn()::text`).Scan(&pos); err != nil {
		r.closePools()
		return nil, fmt.Errorf("primary's log position: %w", translate(err))
	}
	r.opened, _ = store.ParseLSN(pos)
	r.wrote.Store(uint64(r.opened))
	r.check(ctx)
	go r.run()
	return r, nil
}

// close stops the monitor and closes the replicas' pools.
func (r *router) close() {
	close(r.stop)
	<-r.done
	r.closePools()
}

func (r *router) closePools() {
	for _, rep := range r.replicas {
		rep.pool.Close()
	}
}

func (r *router) run() {
	defer close(r.done)
	t := time.NewTicker(r.every)
	defer t.Stop()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-r.stop
		cancel()
	}()
	for {
		select {
		case <-r.stop:
			return
		case <-t.C:
			r.check(ctx)
		}
	}
}

// probe is what a replica said when checked.
type probe struct {
	err       error
	recovery  bool // a standby: pg_is_in_recovery()
	replay    store.LSN
	sysid     int64
	hasReplay bool
}

// check samples the primary and every replica at once, and decides which
// replicas reads may go to.
func (r *router) check(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, max(r.every, time.Second))
	defer cancel()
	var pos string
	perr := r.primary.QueryRow(ctx, `SELECT pg_current_wal_lsn()::text`).Scan(&pos)
	sampled := time.Now()
	if (perr != nil) != r.unsampled {
		r.unsampled = perr != nil
		if perr != nil {
			r.log.Warn("read replicas: the primary's log position is unknown; lags are measured from older samples", "err", redact(perr))
		}
	}
	r.mu.Lock()
	sysid := r.sysid
	r.mu.Unlock()
	if sysid == 0 {
		sysid = systemID(ctx, r.primary)
	}
	probes := make([]probe, len(r.replicas))
	var wg sync.WaitGroup
	for i, rep := range r.replicas {
		wg.Go(func() { probes[i] = rep.probe(ctx) })
	}
	wg.Wait()
	now := time.Now()
	var changes []string
	r.mu.Lock()
	if lsn, ok := store.ParseLSN(pos); perr == nil && ok {
		r.record(sampled, lsn)
	}
	if sysid != 0 {
		r.sysid = sysid
	}
	for i, rep := range r.replicas {
		if msg := rep.update(probes[i], r.history, r.sysid, now, r.maxLag); msg != "" {
			changes = append(changes, msg)
		}
	}
	r.mu.Unlock()
	for _, msg := range changes {
		if strings.HasSuffix(msg, takesReads) {
			r.log.Info(msg)
		} else {
			r.log.Warn(msg)
		}
	}
}

// record adds a sample of the primary's position when the log has moved
// on, and forgets samples older than any lag worth measuring (keeping the
// newest). A replica lacking a sample's position is at least that
// sample's age behind.
func (r *router) record(at time.Time, lsn store.LSN) {
	if n := len(r.history); n == 0 || lsn > r.history[n-1].lsn {
		r.history = append(r.history, sample{at, lsn})
	}
	keep := 2*r.maxLag + 2*r.every
	i := 0
	for i < len(r.history)-1 && at.Sub(r.history[i].at) > keep {
		i++
	}
	r.history = append(r.history[:0], r.history[i:]...)
}

// lagBehind is how far behind a replica that has replayed to replay is:
// the age of the oldest sampled primary position it lacks, 0 when it
// lacks none.
func lagBehind(history []sample, replay store.LSN, now time.Time) time.Duration {
	for _, s := range history {
		if s.lsn > replay {
			return now.Sub(s.at)
		}
	}
	return 0
}

func (rep *replica) probe(ctx context.Context) probe {
	var p probe
	var replay *string
	p.err = rep.pool.QueryRow(ctx, `SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text`).Scan(&p.recovery, &replay)
	if p.err == nil && replay != nil {
		p.replay, p.hasReplay = store.ParseLSN(*replay)
	}
	if p.err == nil {
		p.sysid = systemID(ctx, rep.pool)
	}
	return p
}

// systemID is a cluster's system identifier, the same on a primary and
// its streaming replicas; 0 when the server will not say (some managed
// services restrict pg_control_system), and then it is not compared.
func systemID(ctx context.Context, pool *pgxpool.Pool) int64 {
	var id int64
	if err := pool.QueryRow(ctx, `SELECT system_identifier FROM pg_control_system()`).Scan(&id); err != nil {
		return 0
	}
	return id
}

// update takes a probe's answer (under router.mu), returning a message
// when the replica is skipped or taken back.
func (rep *replica) update(p probe, history []sample, sysid int64, now time.Time, maxLag time.Duration) string {
	was := rep.healthy
	rep.gaveUp = 0
	rep.healthy = false
	switch {
	case p.err != nil:
		rep.reason = "unreachable: " + redact(p.err)
	case !p.recovery || !p.hasReplay:
		rep.reason = "not a standby (pg_is_in_recovery() is false): it would not follow the primary"
	case sysid != 0 && p.sysid != 0 && p.sysid != sysid:
		rep.reason = "a standby of another primary (its system identifier differs)"
	default:
		rep.replay = p.replay
		rep.lag = lagBehind(history, p.replay, now)
		rep.healthy = rep.lag <= maxLag
		rep.reason = ""
		if !rep.healthy {
			rep.reason = fmt.Sprintf("%.1f s behind the primary (--max-replica-lag %s)", rep.lag.Seconds(), maxLag)
		}
	}
	switch {
	case was && !rep.healthy:
		return "read replica " + rep.name + " skipped: " + rep.reason
	case !was && rep.healthy:
		return "read replica " + rep.name + takesReads
	}
	return ""
}

// takesReads ends the message of a replica taken back.
const takesReads = " takes reads again"

// markDown skips replica i until the next check finds it answering: a
// read on it failed for want of a connection.
func (r *router) markDown(i int, err error) {
	rep := r.replicas[i]
	r.mu.Lock()
	was := rep.healthy
	rep.healthy = false
	rep.reason = "unreachable: " + redact(err)
	r.mu.Unlock()
	if was {
		r.log.Warn("read replica "+rep.name+" skipped: a read failed; retried on the primary", "err", redact(err))
	}
}

// report is how the replicas stand, for /readyz and /metrics.
func (r *router) report() store.Replicas {
	out := store.Replicas{MaxLag: r.maxLag, PrimaryReads: r.primaryReads.Load()}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, rep := range r.replicas {
		out.List = append(out.List, store.ReplicaState{Name: rep.name, Healthy: rep.healthy, Reason: rep.reason,
			Lag: rep.lag, Reads: rep.reads.Load()})
	}
	return out
}

// committed learns where a write that just committed ended in the log (at
// least: pg_current_wal_insert_lsn after the commit is past its commit
// record, which a replica must replay for the write to be visible there;
// asked before the commit it would fall short of that record), for the
// reads that must see it: the session's, or, without one, every later
// read of this store. Asked on the primary after the commit returned;
// if it cannot be learnt the session reads from the primary.
func (r *router) committed(ctx context.Context) {
	qctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	lsn := store.MaxLSN
	var pos string
	if err := r.primary.QueryRow(qctx, `SELECT pg_current_wal_insert_lsn()::text`).Scan(&pos); err != nil {
		r.log.Warn("after a commit: its log position is unknown; the client reads from the primary", "err", redact(err))
	} else if l, ok := store.ParseLSN(pos); ok {
		lsn = l
		for {
			old := r.wrote.Load()
			if uint64(l) <= old || r.wrote.CompareAndSwap(old, uint64(l)) {
				break
			}
		}
	}
	if s := store.SessionFrom(ctx); s != nil {
		s.Committed(lsn)
	}
}

// pick is the copy a read goes to: a replica's index or store.PinPrimary.
func (r *router) pick(ctx context.Context) int {
	if store.ReadsPrimary(ctx) {
		return store.PinPrimary
	}
	s := store.SessionFrom(ctx)
	if s == nil {
		return r.choose(ctx, store.LSN(r.wrote.Load()))
	}
	after := max(s.After(), r.opened)
	if i, ok := s.Pinned(); ok {
		if i == store.PinPrimary || r.fits(i, after) {
			return i
		}
		return s.Pin(store.PinPrimary)
	}
	return s.Pin(r.choose(ctx, after))
}

// serves reports whether the request's copy (pinned now if it was not)
// is known to have replayed past lsn: the primary, or a replica that has
// as last seen. A read without a session is never sure of its copy; a
// request whose client wrote lately (through any instance: its
// notification may not have come yet) reads the version that has it.
func (r *router) serves(ctx context.Context, lsn store.LSN) bool {
	if s := store.SessionFrom(ctx); s == nil || s.After() > 0 {
		return false
	}
	i := r.pick(ctx)
	return i == store.PinPrimary || r.fits(i, lsn)
}

// fits reports whether replica i takes reads and has replayed past after,
// as far as is known.
func (r *router) fits(i int, after store.LSN) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	rep := r.replicas[i]
	return rep.healthy && rep.replay >= after
}

// choose picks a replica that has replayed past after, in turn; failing
// that waits a little for the one furthest on; failing that the primary.
func (r *router) choose(ctx context.Context, after store.LSN) int {
	var ready []int
	best := -1
	r.mu.Lock()
	for i, rep := range r.replicas {
		switch {
		case !rep.healthy:
		case rep.replay >= after:
			ready = append(ready, i)
		case after != store.MaxLSN && (rep.gaveUp == 0 || after < rep.gaveUp) &&
			(best < 0 || rep.replay > r.replicas[best].replay):
			best = i
		}
	}
	r.mu.Unlock()
	if len(ready) > 0 {
		return ready[r.next.Add(1)%uint64(len(ready))]
	}
	if best >= 0 && r.waitFor(ctx, best, after) {
		return best
	}
	return store.PinPrimary
}

// waitFor waits up to r.wait for replica i to replay past after,
// asking it at once, then after 1, 2, 4 and every 8 ms (a replica near by
// replays a commit within a few). When it gives up, reads needing that
// position or a later one go to the primary without waiting until the
// next check.
func (r *router) waitFor(ctx context.Context, i int, after store.LSN) bool {
	rep := r.replicas[i]
	ctx, cancel := context.WithTimeout(ctx, r.wait)
	defer cancel()
	pause := time.Millisecond
	for {
		var pos *string
		if err := rep.pool.QueryRow(ctx, `SELECT pg_last_wal_replay_lsn()::text`).Scan(&pos); err != nil || pos == nil {
			break
		}
		if l, ok := store.ParseLSN(*pos); ok {
			r.mu.Lock()
			rep.replay = max(rep.replay, l)
			r.mu.Unlock()
			if l >= after {
				return true
			}
		}
		t := time.NewTimer(pause)
		pause = min(2*pause, 8*time.Millisecond)
		select {
		case <-ctx.Done():
			t.Stop()
		case <-t.C:
			continue
		}
		break
	}
	r.mu.Lock()
	if rep.gaveUp == 0 || after < rep.gaveUp {
		rep.gaveUp = after
	}
	r.mu.Unlock()
	return false
}

// retry decides what a replica's failed read calls for: whether to run it
// again on the primary, and whether the replica is down. Never when the
// caller's own context ended.
func (r *router) retry(ctx context.Context, i int, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	down, again := replicaFault(err)
	if down {
		r.markDown(i, err)
	}
	return again
}

// replicaFault classifies a replica's error: down (no connection, shutting
// down, full) or, for a read cancelled by a conflict with recovery, only
// worth running again on the primary.
func replicaFault(err error) (down, again bool) {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch {
		case pg.Code == "40001":
			return false, true
		case strings.HasPrefix(pg.Code, "08") || strings.HasPrefix(pg.Code, "57P") || pg.Code == "53300":
			return true, true
		}
		return false, false
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false, false
	}
	var connect *pgconn.ConnectError
	var netErr net.Error
	if errors.As(err, &connect) || errors.As(err, &netErr) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		pgconn.SafeToRetry(err) || strings.Contains(err.Error(), "conn closed") {
		return true, true
	}
	return false, false
}

// primaryRead is the primary's pool for a read, pinning the session to it
// (unless the read alone was sent there: store.OnPrimary).
func (r *router) primaryRead(ctx context.Context) conn {
	if s := store.SessionFrom(ctx); s != nil && !store.ReadsPrimary(ctx) {
		s.Pin(store.PinPrimary)
	}
	r.primaryReads.Add(1)
	return conn{r.primary}
}
