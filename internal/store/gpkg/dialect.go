package gpkg

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/formats/geopackage"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// dialect is the GeoPackage's side of the store: SQLite through
// database/sql, geometry as GeoPackage blobs, R-trees as the spatial index.
type dialect struct {
	db    *sql.DB
	reads *stmtCache // db's reads, through prepared statements
	*versionWatch
	path string
	// writes queues this process's write transactions. SQLite takes one
	// writer at a time; without the queue, concurrent writers spin in its
	// busy handler, which sleeps up to 100 ms between tries, and a burst
	// of writes turns into seconds of latency. Other processes on the
	// same file still wait through the busy timeout.
	writes sync.Mutex
	// writer is the connection write transactions run on, taken from the
	// pool by the first and kept (under writes). Taken from the pool per
	// write, a writer waited among every queued reader for one (the pool
	// hands a freed connection to a waiter at random) at its BEGIN and
	// again for its checkpoint, holding the queue meanwhile: under 200
	// clients, seconds at the 99th percentile for the whole group.
	writer *sql.Conn
}

// The version watch answers the data and tile versions (store.VersionCache).
var _ store.VersionCache = (*dialect)(nil)

// groupCommit is how many small writes may share a transaction
// (store.GroupCommitter): SQLite takes one writer at a time, and a
// commit's fixed cost (the contents' extents, the log written and folded
// back into the file) is several times a small write's. 64 bounds how
// long the first of a group waits for the last.
const groupCommit = 64

func (d *dialect) GroupCommit() int { return groupCommit }

func (d *dialect) Reads() store.Conn { return conn{d.reads} }

func (d *dialect) Ping(ctx context.Context) error {
	if err := d.db.PingContext(ctx); err != nil {
		return place.Errorf(place.EUNAVAILABLE, "geopackage %s: %v", d.path, err)
	}
	return nil
}

func (d *dialect) Close() error {
	d.versionWatch.close()
	d.writes.Lock()
	if d.writer != nil {
		d.writer.Close()
		d.writer = nil
	}
	d.writes.Unlock()
	d.reads.Close()
	err := d.db.Close()
	d.versionWatch.releaseWal()
	return err
}

// Begin takes this process's write queue, then SQLite's write lock
// (BEGIN IMMEDIATE, set on the connection) on the writer's connection.
func (d *dialect) Begin(ctx context.Context) (store.TxConn, error) {
	d.writes.Lock()
	if d.writer == nil {
		c, err := d.db.Conn(ctx)
		if err != nil {
			d.writes.Unlock()
			return nil, translate(err)
		}
		d.writer = c
	}
	t, err := d.writer.BeginTx(ctx, nil)
	if err != nil {
		// A busy file or a cancelled context leaves the connection good,
		// but nothing says which error this is: the next write takes a
		// fresh one.
		d.writer.Close()
		d.writer = nil
		d.writes.Unlock()
		return nil, translate(err)
	}
	q := txStmts{t: t, c: d.reads}
	return &tx{conn: conn{q}, q: q, t: t, d: d}, nil
}

func (d *dialect) Encode(g orb.Geometry) ([]byte, error) { return geopackage.EncodeGeometry(g) }
func (d *dialect) Decode(b []byte) (orb.Geometry, error) { return geopackage.DecodeGeometry(b) }
func (d *dialect) In(param string) string                { return param }
func (d *dialect) Out(col string) string                 { return col }

// Bounds uses the SQL functions Open registers (the GeoPackage's
// ST_MinX… of the blob's envelope).
func (d *dialect) Bounds(col string) [4]string {
	return [4]string{"ST_MinX(" + col + ")", "ST_MinY(" + col + ")", "ST_MaxX(" + col + ")", "ST_MaxY(" + col + ")"}
}

// List travels as a JSON array, read by json_each.
func (d *dialect) List(values any) (any, error) {
	b, err := json.Marshal(values)
	if err != nil {
		return nil, fmt.Errorf("list parameter: %w", err)
	}
	return string(b), nil
}

func (d *dialect) InList(col, param string) string {
	return col + " IN (SELECT value FROM json_each(" + param + "))"
}

func (d *dialect) Binary() string { return "" }

func (d *dialect) LocationColumns() string       { return "lon, lat" }
func (d *dialect) LocationIn(x, y string) string { return x + ", " + y }
func (d *dialect) LocationOut(alias string) string {
	return alias + ".lon, " + alias + ".lat"
}

func (d *dialect) LocationXY(alias string) (x, y string) { return alias + ".lon", alias + ".lat" }

// Int: SQLite's CAST to INTEGER truncates towards zero.
func (d *dialect) Int(expr string) string { return "CAST(" + expr + " AS INTEGER)" }

// BoxFrom lets the R-tree drive the search: without CROSS JOIN SQLite
// prefers walking the table by another index and probing the R-tree per
// row, which costs as much for a z16 tile as for the whole set.
func (d *dialect) BoxFrom(table, alias string, box [4]string) (from, where string) {
	r := "r_" + alias
	from = fmt.Sprintf("rtree_%s_geom %s CROSS JOIN %s %s ON %s.id = %s.fid", table, r, table, alias, r, alias)
	where = fmt.Sprintf("%[1]s.minx <= %[4]s AND %[1]s.maxx >= %[2]s AND %[1]s.miny <= %[5]s AND %[1]s.maxy >= %[3]s",
		r, box[0], box[1], box[2], box[3])
	return from, where
}

func (d *dialect) SpanOf(alias string) string {
	return fmt.Sprintf("max(r_%[1]s.maxx - r_%[1]s.minx, r_%[1]s.maxy - r_%[1]s.miny)", alias)
}

// AssetAreaPairs: CROSS JOIN keeps assets the outer loop and the R-tree
// the inner one (SQLite's join-order hint).
func (d *dialect) AssetAreaPairs() (from, where string) {
	return `assets a CROSS JOIN rtree_areas_geom r CROSS JOIN areas ar ON ar.fid = r.id`,
		`r.minx <= a.lon AND r.maxx >= a.lon AND r.miny <= a.lat AND r.maxy >= a.lat`
}

// SetExtent reads the extent from the R-tree rather than every geometry.
func (d *dialect) SetExtent() string {
	return `SELECT count(*), min(r.minx), min(r.miny), max(r.maxx), max(r.maxy) FROM rtree_areas_geom r
		CROSS JOIN areas x ON x.fid = r.id WHERE x.set_slug = $1`
}

func (d *dialect) LocationSet(x, y string) string { return "lon = " + x + ", lat = " + y }

// sqlQuerier is a *sql.DB or a *sql.Tx.
type sqlQuerier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// conn adapts database/sql to store.Conn, translating SQLite's errors.
type conn struct{ q sqlQuerier }

func (c conn) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := c.q.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, translate(err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

func (c conn) Query(ctx context.Context, query string, args ...any) (store.Rows, error) {
	r, err := c.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, translate(err)
	}
	return rows{r}, nil
}

func (c conn) QueryRow(ctx context.Context, query string, args ...any) store.Row {
	return row{c.q.QueryRowContext(ctx, query, args...)}
}

type rows struct{ r *sql.Rows }

func (r rows) Next() bool             { return r.r.Next() }
func (r rows) Scan(dest ...any) error { return translate(r.r.Scan(dest...)) }
func (r rows) Err() error             { return translate(r.r.Err()) }
func (r rows) Close()                 { r.r.Close() }

type row struct{ r *sql.Row }

func (r row) Scan(dest ...any) error { return translate(r.r.Scan(dest...)) }

// tx is a write transaction holding the process's write queue until it
// ends.
type tx struct {
	conn
	q    sqlQuerier // t, or its statements through the cache (txStmts)
	t    *sql.Tx
	d    *dialect
	own  *sql.Conn // a bulk load's connection (BeginBulk), else nil
	done bool
}

func (t *tx) ExecBatch(ctx context.Context, query string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	var st *sql.Stmt
	var err error
	if q, ok := t.q.(txStmts); ok {
		st, err = q.prepare(ctx, query)
	} else {
		st, err = t.t.PrepareContext(ctx, query)
	}
	if err != nil {
		return translate(err)
	}
	defer st.Close()
	for _, args := range rows {
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return translate(err)
		}
	}
	return nil
}

// Commit refreshes the GeoPackage contents' extents, commits, and folds
// the write-ahead log back into the file.
func (t *tx) Commit(ctx context.Context) error { return t.commit(ctx, "TRUNCATE") }

// CommitSmall is Commit for a group of small writes
// (store.SmallCommitter): it folds the log back as far as the readers
// allow (PASSIVE) rather than waiting for every reader to leave it to
// truncate it (TRUNCATE), half of a group's turn under load. The log of
// small writes stays under SQLite's autocheckpoint (1000 pages); the next
// write that runs alone truncates it.
func (t *tx) CommitSmall(ctx context.Context) error { return t.commit(ctx, "PASSIVE") }

func (t *tx) commit(ctx context.Context, checkpoint string) error {
	if err := updateContents(ctx, t.q); err != nil {
		return err // the caller's Rollback ends the transaction
	}
	defer t.end()
	if err := t.t.Commit(); err != nil {
		return translate(err)
	}
	// An import can leave tens of megabytes of log that every later read
	// would have to consult (it made z16 tiles ten times slower). Best
	// effort: a busy reader only delays it to the next write or SQLite's
	// own autocheckpoint. (Only past a size, it let a BEGIN under 200
	// concurrent writers fail now and then with SQLITE_IOERR_SHORT_READ:
	// bench/README.md, 2026-12-06.)
	c := sqlQuerier(t.d.db)
	if t.own != nil {
		c = t.own
	} else if t.d.writer != nil {
		c = t.d.writer // still ours: end, deferred, lets the queue go
	}
	_, _ = c.ExecContext(ctx, "PRAGMA wal_checkpoint("+checkpoint+")")
	return nil
}

func (t *tx) Rollback(context.Context) {
	if t.done {
		return
	}
	_ = t.t.Rollback()
	t.end()
}

func (t *tx) end() {
	if !t.done {
		t.done = true
		if t.own != nil {
			_, _ = t.own.ExecContext(context.Background(), bulkReset)
			t.own.Close()
		}
		t.d.writes.Unlock()
	}
}
