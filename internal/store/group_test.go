package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// sqliteConns runs the group's transactions on a real SQLite file, so
// savepoints behave as SQLite's do. Begin counts transactions; the first
// may be held at a gate while the test queues writers behind it; commit
// may be made to fail.
type sqliteConns struct {
	db         *sql.DB
	max        int
	mu         sync.Mutex
	begins     int
	gate       chan struct{} // the first Begin waits for it to close, when set
	began      chan struct{} // closed as the first Begin reaches the gate
	failCommit bool
	small      int // commits through CommitSmall
	lsn        LSN // what Commit tells the context's session, as PostgreSQL's dialect does
}

func (c *sqliteConns) Reads() Conn                    { return nil }
func (c *sqliteConns) Ping(ctx context.Context) error { return nil }
func (c *sqliteConns) Close() error                   { return c.db.Close() }
func (c *sqliteConns) GroupCommit() int               { return c.max }

func (c *sqliteConns) Begin(ctx context.Context) (TxConn, error) {
	c.mu.Lock()
	c.begins++
	first := c.begins == 1
	c.mu.Unlock()
	if first && c.gate != nil {
		close(c.began)
		<-c.gate
	}
	t, err := c.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	return &sqliteTx{t: t, c: c}, nil
}

type sqliteTx struct {
	t *sql.Tx
	c *sqliteConns
}

func (t *sqliteTx) Exec(ctx context.Context, q string, args ...any) (int64, error) {
	res, err := t.t.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (t *sqliteTx) Query(ctx context.Context, q string, args ...any) (Rows, error) {
	return nil, errors.New("not used")
}
func (t *sqliteTx) QueryRow(ctx context.Context, q string, args ...any) Row {
	return t.t.QueryRowContext(ctx, q, args...)
}
func (t *sqliteTx) ExecBatch(ctx context.Context, q string, rows [][]any) error {
	for _, r := range rows {
		if _, err := t.Exec(ctx, q, r...); err != nil {
			return err
		}
	}
	return nil
}
func (t *sqliteTx) Rollback(context.Context) { _ = t.t.Rollback() }

// CommitSmall counts the commits of shared groups (SmallCommitter).
func (t *sqliteTx) CommitSmall(ctx context.Context) error {
	t.c.mu.Lock()
	t.c.small++
	t.c.mu.Unlock()
	return t.Commit(ctx)
}

func (t *sqliteTx) Commit(ctx context.Context) error {
	if t.c.failCommit {
		return errors.New("disk full")
	}
	if err := t.t.Commit(); err != nil {
		return err
	}
	if s := SessionFrom(ctx); s != nil && t.c.lsn != 0 {
		s.Committed(t.c.lsn)
	}
	return nil
}

// groupDB is a store of one table, t(v), over sqliteConns.
func groupDB(t *testing.T, c *sqliteConns) *DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "g.db")+"?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, q := range []string{`CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT)`, `INSERT INTO settings VALUES ('data_version', '0')`,
		`CREATE TABLE t (v TEXT PRIMARY KEY)`, `CREATE TABLE tile_versions (layer TEXT PRIMARY KEY, version INTEGER NOT NULL)`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	c.db = db
	return &DB{d: Dialect{Conns: c}, group: &group{max: c.max}}
}

// rowsOf is what t holds, sorted.
func rowsOf(t *testing.T, c *sqliteConns) []string {
	t.Helper()
	rows, err := c.db.Query(`SELECT v FROM t ORDER BY v`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

// holdQueue starts a first write that holds the queue at Begin, then
// starts the writers and waits until all of them are queued behind it;
// open lets them go.
func holdQueue(t *testing.T, db *DB, c *sqliteConns, writers []func() error) (errs []error, open func()) {
	t.Helper()
	c.gate, c.began = make(chan struct{}), make(chan struct{})
	errs = make([]error, len(writers))
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_ = db.write(context.Background(), func(tx *Tx) error {
			_, err := tx.Exec(context.Background(), `INSERT INTO t VALUES ('first')`)
			return err
		})
	}()
	<-c.began
	for i, w := range writers {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = w() }()
		waitQueued(t, db, i+1)
	}
	return errs, func() { close(c.gate); wg.Wait() }
}

// waitQueued waits until n writers are queued (behind the held first).
func waitQueued(t *testing.T, db *DB, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		db.group.mu.Lock()
		q := len(db.group.queue)
		db.group.mu.Unlock()
		if q == n {
			return
		}
	}
	t.Fatalf("%d writers never queued", n)
}

// insert is a writer adding rows; with fail, it adds them and then fails.
func insert(db *DB, shared bool, fail error, vs ...string) func() error {
	return func() error {
		fn := func(tx *Tx) error {
			for _, v := range vs {
				if _, err := tx.Exec(context.Background(), `INSERT INTO t VALUES ($1)`, v); err != nil {
					return err
				}
			}
			return fail
		}
		if shared {
			return db.writeShared(context.Background(), fn)
		}
		return db.write(context.Background(), fn)
	}
}

var errBoom = errors.New("boom")

func TestGroupCommit(t *testing.T) {
	type w struct {
		alone bool
		vs    []string // rows it inserts, in order
		fail  error    // returned after inserting
		panic bool
	}
	shared := func(n int) []w {
		ws := make([]w, n)
		for i := range ws {
			ws[i] = w{vs: []string{fmt.Sprintf("w%d", i)}}
		}
		return ws
	}
	with := func(ws []w, i int, x w) []w { ws[i] = x; return ws }
	for _, c := range []struct {
		name       string
		max        int
		writers    []w
		wantBegins int   // the first write's transaction and the groups'
		wantFailed []int // writers that get an error; their rows are absent
	}{
		{"ten share one transaction", 64, shared(10), 2, nil},
		{"a group is bounded", 4, shared(10), 4, nil},
		{"one fails in the middle", 64, with(shared(10), 5, w{vs: []string{"w5", "x5"}, fail: errBoom}), 2, []int{5}},
		{"a statement fails in the middle", 64, with(shared(10), 5, w{vs: []string{"x5", "w0"}}), 2, []int{5}},
		{"a panic is its writer's error", 64, with(shared(10), 5, w{vs: []string{"w5"}, panic: true}), 2, []int{5}},
		{"the first fails", 64, with(shared(3), 0, w{vs: []string{"w0"}, fail: errBoom}), 2, []int{0}},
		{"all fail", 64, []w{{vs: []string{"w0"}, fail: errBoom}, {vs: []string{"w1"}, fail: errBoom}}, 2, []int{0, 1}},
		{"a write that runs alone splits the queue", 64, with(shared(6), 3, w{alone: true, vs: []string{"w3"}}), 4, nil},
		{"one alone fails alone", 64, []w{{vs: []string{"w0"}}, {alone: true, vs: []string{"w1"}, fail: errBoom}, {vs: []string{"w2"}}}, 4, []int{1}},
	} {
		t.Run(c.name, func(t *testing.T) {
			conns := &sqliteConns{max: c.max}
			db := groupDB(t, conns)
			var fns []func() error
			for _, x := range c.writers {
				fn := insert(db, !x.alone, x.fail, x.vs...)
				if x.panic {
					fn = func() error {
						return db.writeShared(context.Background(), func(tx *Tx) error {
							_, _ = tx.Exec(context.Background(), `INSERT INTO t VALUES ('w5')`)
							panic("oops")
						})
					}
				}
				fns = append(fns, fn)
			}
			errs, open := holdQueue(t, db, conns, fns)
			open()
			failed := map[int]bool{}
			for _, i := range c.wantFailed {
				failed[i] = true
			}
			want := []string{"first"}
			for i, x := range c.writers {
				if failed[i] != (errs[i] != nil) {
					t.Errorf("writer %d: error %v, want failed %v", i, errs[i], failed[i])
				}
				if x.fail != nil && !errors.Is(errs[i], x.fail) {
					t.Errorf("writer %d: error %v, want its own %v", i, errs[i], x.fail)
				}
				if !failed[i] {
					want = append(want, x.vs...)
				}
			}
			sort.Strings(want)
			if got := rowsOf(t, conns); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("rows %v, want %v", got, want)
			}
			if conns.begins != c.wantBegins {
				t.Errorf("%d transactions, want %d", conns.begins, c.wantBegins)
			}
			ok := uint64(1 + len(c.writers) - len(c.wantFailed))
			if s := db.Writes(); s.Writers != ok {
				t.Errorf("stats %+v, want %d writers", s, ok)
			}
		})
	}
}

// A failed COMMIT fails every writer of the group, and none of their
// work is there.
func TestGroupCommitFails(t *testing.T) {
	conns := &sqliteConns{max: 64}
	db := groupDB(t, conns)
	errs, open := holdQueue(t, db, conns, []func() error{insert(db, true, nil, "a"), insert(db, true, nil, "b"), insert(db, true, nil, "c")})
	conns.failCommit = true // the held first one fails too
	open()
	for i, err := range errs {
		if err == nil {
			t.Errorf("writer %d acknowledged after a failed commit", i)
		}
	}
	if got := rowsOf(t, conns); len(got) != 0 {
		t.Errorf("rows %v after failed commits", got)
	}
	if s := db.Writes(); s.Transactions != 0 || s.Writers != 0 {
		t.Errorf("stats %+v, want none", s)
	}
}

// A writer whose context ends while it waits leaves the queue with its
// context's error, and its work never runs; the others' does.
func TestGroupCancelled(t *testing.T) {
	conns := &sqliteConns{max: 64}
	db := groupDB(t, conns)
	ctx, cancel := context.WithCancel(context.Background())
	ran := false
	cancelled := func() error {
		return db.writeShared(ctx, func(tx *Tx) error { ran = true; return nil })
	}
	errs, open := holdQueue(t, db, conns, []func() error{insert(db, true, nil, "a"), cancelled, insert(db, true, nil, "b")})
	cancel()
	waitQueued(t, db, 2)
	open()
	if !errors.Is(errs[1], context.Canceled) || ran {
		t.Errorf("cancelled writer: error %v, ran %v", errs[1], ran)
	}
	if errs[0] != nil || errs[2] != nil {
		t.Errorf("the others: %v, %v", errs[0], errs[2])
	}
	if got := fmt.Sprint(rowsOf(t, conns)); got != "[a b first]" {
		t.Errorf("rows %s", got)
	}
	if conns.begins != 2 {
		t.Errorf("%d transactions, want 2", conns.begins)
	}
}

// Where the shared commit ended reaches every writer's session (a
// dialect reading from replicas learns it on the leader's context).
func TestGroupSessions(t *testing.T) {
	conns := &sqliteConns{max: 64, lsn: 42}
	db := groupDB(t, conns)
	sessions := make([]*Session, 3)
	var fns []func() error
	for i := range sessions {
		sessions[i] = NewSession(0)
		ctx := WithSession(context.Background(), sessions[i])
		fail := error(nil)
		if i == 2 {
			fail = errBoom
		}
		fns = append(fns, func() error {
			return db.writeShared(ctx, func(tx *Tx) error { return fail })
		})
	}
	_, open := holdQueue(t, db, conns, fns)
	open()
	for i, s := range sessions {
		want := LSN(42)
		if i == 2 {
			want = 0 // it wrote nothing
		}
		if s.Wrote() != want {
			t.Errorf("session %d: wrote %v, want %v", i, s.Wrote(), want)
		}
	}
}

// A writer whose context ends once its group has taken it still runs to
// its end: its statements are not interrupted (SQLite would abandon the
// whole shared transaction).
func TestGroupCancelledMidway(t *testing.T) {
	conns := &sqliteConns{max: 64}
	db := groupDB(t, conns)
	ctx, cancel := context.WithCancel(context.Background())
	midway := func() error {
		return db.writeShared(ctx, func(tx *Tx) error {
			cancel()
			_, err := tx.Exec(ctx, `INSERT INTO t VALUES ('b')`)
			return err
		})
	}
	errs, open := holdQueue(t, db, conns, []func() error{insert(db, true, nil, "a"), midway, insert(db, true, nil, "c")})
	open()
	for i, err := range errs {
		if err != nil {
			t.Errorf("writer %d: %v", i, err)
		}
	}
	if got := fmt.Sprint(rowsOf(t, conns)); got != "[a b c first]" {
		t.Errorf("rows %s", got)
	}
}

// A group of shared writers commits through CommitSmall; a write that
// runs alone through Commit.
func TestGroupSmallCommit(t *testing.T) {
	conns := &sqliteConns{max: 64}
	db := groupDB(t, conns)
	_, open := holdQueue(t, db, conns, []func() error{insert(db, true, nil, "a"), insert(db, true, nil, "b"),
		insert(db, false, nil, "c"), insert(db, true, nil, "d")})
	open()
	// first (alone), a+b (shared), c (alone), d (shared)
	if conns.begins != 4 || conns.small != 2 {
		t.Errorf("%d transactions, %d small commits; want 4 and 2", conns.begins, conns.small)
	}
}

// TestGroupCommitBumpsEachWritersTiles: in a shared transaction each
// writer's tile layers are bumped with its own work, and a writer rolled
// back bumps none; a writer naming none bumps every layer.
func TestGroupCommitBumpsEachWritersTiles(t *testing.T) {
	conns := &sqliteConns{max: 64}
	db := groupDB(t, conns)
	named := func(key string, fail error) func() error {
		return func() error {
			return db.writeShared(context.Background(), func(tx *Tx) error {
				tx.tiles(key)
				return fail
			})
		}
	}
	errs, open := holdQueue(t, db, conns, []func() error{named("set:a", nil), named("set:b", errBoom), named("assets", nil)})
	open()
	if errs[0] != nil || errs[2] != nil || !errors.Is(errs[1], errBoom) {
		t.Fatalf("errors %v, want only the second writer's", errs)
	}
	got := map[string]int64{}
	rows, err := conns.db.Query(`SELECT layer, version FROM tile_versions`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var v int64
		if err := rows.Scan(&k, &v); err != nil {
			t.Fatal(err)
		}
		got[k] = v
	}
	// The held first write named none (every layer, version 1); the group
	// is version 2.
	want := map[string]int64{AllTiles: 1, "set:a": 2, "assets": 2}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("tile versions %v, want %v", got, want)
	}
}
