package store

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
)

// GroupCommitter is what a dialect's Conns add when the database takes one
// writer at a time (every write transaction bumps the data version first)
// and a commit costs more than a small write (SQLite: the GeoPackage's
// extents, the log written and folded back; PostgreSQL: the log's flush).
// Writers then queue in this process, in order, holding no connection
// while they wait, and the small writes that gather while a transaction
// runs share the next one (group commit); GroupCommit is how many may share
// it. A dialect without it runs its writers' transactions side by side,
// each on a connection of its own while it waits for the data version's
// row. Commit and Begin are called with the context
// of the writer leading the group, carrying a Session of the group's own
// whose Committed position every writer's session receives.
type GroupCommitter interface {
	GroupCommit() int
}

// SmallCommitter is what a dialect's TxConn may add when a commit of a
// group of small writes can leave out work only a large write needs (the
// GeoPackage: truncating the write-ahead log, which waits for every
// reader to leave it). A group of shared writers commits with CommitSmall.
type SmallCommitter interface {
	CommitSmall(ctx context.Context) error
}

// What shares a transaction. Every writer of a group runs in the order it
// arrived, in its own SAVEPOINT, with its own time (Tx.now), as if it had
// the transaction to itself: its error rolls back its own work only and is
// its alone; it is acknowledged only once the shared COMMIT has succeeded,
// and a failed COMMIT (or a transaction SQLite abandoned) fails all of the
// group. Run in order, writers see each other's work as they would one
// after another, so any writes could share; what decides is time: a group
// is acknowledged when its last writer ends. Small writes of a few records
// (an asset's create, update, review or deletion) share (writeShared);
// everything else (a set replaced, an import, a bulk load, account and
// release changes) runs alone, in its own transaction, in its place in the
// queue (write, writeBulk). The data version is bumped once per
// transaction: every write of a group becomes visible at its COMMIT, so
// each is still seen under a new version.

// WriteStats counts the write transactions a store committed and the
// writers they held (more writers than transactions when writes share one).
type WriteStats struct {
	Transactions, Writers uint64
}

// Writes reports the write transactions committed so far.
func (db *DB) Writes() WriteStats {
	return WriteStats{Transactions: db.stats.txs.Load(), Writers: db.stats.writers.Load()}
}

type writeCounts struct{ txs, writers atomic.Uint64 }

// writer is one write waiting in the queue.
type writer struct {
	ctx    context.Context
	begin  func(context.Context) (TxConn, error)
	fn     func(tx *Tx) error
	shared bool
	wake   chan struct{} // its result is set, or it leads
	taken  bool          // in a group, or leading: no longer its own to drop
	lead   bool
	err    error
}

// group is the queue of a store's writers (GroupCommitter).
type group struct {
	max   int
	mu    sync.Mutex
	queue []*writer
	// busy is set while a writer leads: runs groups until its own has
	// run. Written under mu; read without it by Writing.
	busy atomic.Bool
}

// Writing reports whether writes are running or waiting in the queue (a
// writer leads), for a server whose API reads make way for them. False
// for a store whose writers do not queue here.
func (db *DB) Writing() bool { return db.group != nil && db.group.busy.Load() }

// writeOrdered runs fn through the queue: alone unless shared.
func (db *DB) writeOrdered(ctx context.Context, begin func(context.Context) (TxConn, error), fn func(tx *Tx) error, shared bool) error {
	w := &writer{ctx: ctx, begin: begin, fn: fn, shared: shared, wake: make(chan struct{}, 1)}
	g := db.group
	g.mu.Lock()
	g.queue = append(g.queue, w)
	first := !g.busy.Load()
	if first {
		w.taken, w.lead = true, true
		g.busy.Store(true)
	}
	g.mu.Unlock()
	if !first {
		select {
		case <-w.wake:
		case <-ctx.Done():
			if g.drop(w) {
				return ctx.Err()
			}
			<-w.wake
		}
	}
	if w.lead {
		db.lead(g)
	}
	return w.err
}

// drop takes w out of the queue if no group has taken it yet.
func (g *group) drop(w *writer) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if w.taken {
		return false
	}
	for i, q := range g.queue {
		if q == w {
			g.queue = append(g.queue[:i], g.queue[i+1:]...)
			break
		}
	}
	return true
}

// lead runs the group at the head of the queue (the leader is its first),
// then hands the lead to the next writer waiting, if any.
func (db *DB) lead(g *group) {
	g.mu.Lock()
	batch := g.take()
	g.mu.Unlock()
	if len(batch) > 0 {
		db.commitGroup(batch)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, w := range batch {
		if !w.lead {
			w.wake <- struct{}{}
		}
	}
	if len(g.queue) == 0 {
		g.busy.Store(false)
		return
	}
	next := g.queue[0]
	next.taken, next.lead = true, true
	next.wake <- struct{}{}
}

// take removes the next group from the head of the queue: writers whose
// context ended are dropped with its error; then one writer that runs
// alone, or up to max that share.
func (g *group) take() []*writer {
	var batch []*writer
	for len(g.queue) > 0 && len(batch) < g.max {
		w := g.queue[0]
		if w.ctx.Err() != nil {
			g.queue = g.queue[1:]
			w.taken, w.err = true, w.ctx.Err()
			if !w.lead {
				w.wake <- struct{}{}
			}
			continue
		}
		if len(batch) > 0 && (!w.shared || !batch[0].shared) {
			break
		}
		g.queue = g.queue[1:]
		w.taken = true
		batch = append(batch, w)
	}
	return batch
}

// commitGroup runs a group's writers in one transaction and sets each
// one's error. Once taken, a writer runs to its end whatever its context
// says (steadyConn).
func (db *DB) commitGroup(batch []*writer) {
	sess := NewSession(0)
	ctx := WithSession(context.WithoutCancel(batch[0].ctx), sess)
	fail := func(err error) {
		for _, w := range batch {
			if w.err == nil {
				w.err = err
			}
		}
	}
	tc, err := batch[0].begin(ctx)
	pinAll(sess, batch)
	if err != nil {
		fail(fmt.Errorf("begin: %w", err))
		return
	}
	defer tc.Rollback(ctx)
	if _, err := tc.Exec(ctx, sqlBumpDataVersion); err != nil {
		fail(fmt.Errorf("bump data version: %w", err))
		return
	}
	ok, err := runWriters(tc, db.d, db.q, batch)
	if err != nil {
		fail(err)
		return
	}
	if ok == 0 {
		return
	}
	commit := tc.Commit
	if sc, ok := tc.(SmallCommitter); ok && batch[0].shared {
		commit = sc.CommitSmall
	}
	if err := commit(ctx); err != nil {
		fail(fmt.Errorf("commit: %w", err))
		return
	}
	db.stats.txs.Add(1)
	db.stats.writers.Add(uint64(ok))
	if l := sess.Wrote(); l != 0 {
		for _, w := range batch {
			if s := SessionFrom(w.ctx); s != nil && w.err == nil {
				s.Committed(l)
			}
		}
	}
}

// pinAll pins every writer's session to the copy of the database the
// group's session was pinned to when its transaction began (PostgreSQL
// with replicas: the primary), so what each writer's request reads after
// its write (the write itself, or on a conflict the version that won) is
// read where the write was made, as if it had begun the transaction alone.
func pinAll(sess *Session, batch []*writer) {
	p, ok := sess.Pinned()
	if !ok {
		return
	}
	for _, w := range batch {
		if s := SessionFrom(w.ctx); s != nil {
			s.Pin(p)
		}
	}
}

// runWriters runs each writer of a group in its own savepoint (a group of
// one needs none: its error rolls the transaction back). It returns how
// many succeeded, and an error when the transaction itself failed.
func runWriters(tc TxConn, d Dialect, q *queries, batch []*writer) (int, error) {
	if len(batch) == 1 {
		w := batch[0]
		w.err = work(w, &Tx{TxConn: tc, d: d, q: q, now: Now()})
		if w.err != nil {
			return 0, nil
		}
		return 1, nil
	}
	ok := 0
	steady := steadyConn{tc}
	for i, w := range batch {
		ctx := context.WithoutCancel(w.ctx)
		if _, err := tc.Exec(ctx, savepoint(i)); err != nil {
			return 0, fmt.Errorf("savepoint: %w", err)
		}
		if w.err = work(w, &Tx{TxConn: steady, d: d, q: q, now: Now()}); w.err != nil {
			if _, err := tc.Exec(ctx, "ROLLBACK TO SAVEPOINT writer"); err != nil {
				return 0, fmt.Errorf("after a writer's error (%v), roll back its savepoint: %w", w.err, err)
			}
		} else {
			ok++
		}
	}
	return ok, nil
}

// savepoint is what begins the i-th writer of a group: its savepoint,
// after releasing the one before it in the same statements (one round
// trip to PostgreSQL rather than two: with the database's CPUs busy, a
// round trip is what a small write waits for most). The last writer's
// savepoint is released by the COMMIT.
func savepoint(i int) string {
	if i == 0 {
		return "SAVEPOINT writer"
	}
	return "RELEASE SAVEPOINT writer; SAVEPOINT writer"
}

// work runs a writer's work, then bumps the versions of the tile layers
// it named (or of all of them: Tx.tiles), within its savepoint: what a
// writer whose work is rolled back named is not bumped.
func work(w *writer, tx *Tx) error {
	if err := call(w, tx); err != nil {
		return err
	}
	return tx.bumpTiles(context.WithoutCancel(w.ctx))
}

// call runs a writer's work, its panic turned into its error (the others
// of its group must still end).
func call(w *writer, tx *Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("write panicked: %v", p)
		}
	}()
	return w.fn(tx)
}

// steadyConn runs a shared transaction's statements whatever the context
// of the writer asking says: SQLite rolls the whole transaction back when
// a write statement in it is interrupted, and the statements that followed
// would run outside it, each committing on its own. A writer that is in
// a group runs to its end.
type steadyConn struct{ tc TxConn }

func (c steadyConn) Exec(ctx context.Context, sql string, args ...any) (int64, error) {
	return c.tc.Exec(context.WithoutCancel(ctx), sql, args...)
}

func (c steadyConn) Query(ctx context.Context, sql string, args ...any) (Rows, error) {
	return c.tc.Query(context.WithoutCancel(ctx), sql, args...)
}

func (c steadyConn) QueryRow(ctx context.Context, sql string, args ...any) Row {
	return c.tc.QueryRow(context.WithoutCancel(ctx), sql, args...)
}

func (c steadyConn) ExecBatch(ctx context.Context, sql string, rows [][]any) error {
	return c.tc.ExecBatch(context.WithoutCancel(ctx), sql, rows)
}

// Commit and Rollback are the group's: a writer's work never calls them.
func (c steadyConn) Commit(ctx context.Context) error {
	return fmt.Errorf("a writer of a group cannot commit the group's transaction")
}

func (c steadyConn) Rollback(ctx context.Context) {}
