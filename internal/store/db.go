package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/paulmach/orb"
)

// Conn runs SQL: the pool outside a transaction, or one transaction.
// Dialects adapt their driver to it (database/sql for SQLite, pgx for
// PostgreSQL) and turn every driver error into a place error where one
// applies, so the workflows above never see a driver's error types.
// Parameters are written $1, $2… in every dialect.
type Conn interface {
	Exec(ctx context.Context, sql string, args ...any) (int64, error)
	Query(ctx context.Context, sql string, args ...any) (Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) Row
}

// Rows is the result of a query, read row by row.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close()
}

// Row is the first row of a query; Scan says sql.ErrNoRows for none.
type Row interface {
	Scan(dest ...any) error
}

// TxConn is a write transaction as a dialect runs it.
type TxConn interface {
	Conn
	// ExecBatch runs one statement once per row of args, in as few round
	// trips as the database allows (a prepared statement on SQLite, a
	// pipelined batch on PostgreSQL); it stops at the first error.
	ExecBatch(ctx context.Context, sql string, rows [][]any) error
	// Commit ends the transaction, with whatever the database keeps beside
	// the data brought up to date (the GeoPackage's extents).
	Commit(ctx context.Context) error
	// Rollback undoes it; after Commit it does nothing.
	Rollback(ctx context.Context)
}

// BulkLoader is what a dialect may add to its Conns for a load of many
// rows into tables the transaction empties first (the basemap import):
// BeginBulk starts a write transaction on a connection set up for it
// (SQLite: statement journals in memory, set back when it ends), and its
// TxConn's SetAside (IndexSetAside) sets aside the indexes that triggers
// keep row by row (the GeoPackage's R-tree and full-text index) and
// returns what rebuilds them once from the table's rows, triggers
// restored. Both are within the transaction: a rollback undoes them.
type BulkLoader interface {
	BeginBulk(ctx context.Context) (TxConn, error)
}

// RowCopier is what a dialect's TxConn may add for loading many rows into
// one table faster than INSERT can (PostgreSQL's COPY). Every value of a
// row must be of the Go type its column reads (string, float64, int, nil).
type RowCopier interface {
	CopyRows(ctx context.Context, table string, columns []string, rows [][]any) error
}

// IndexSetAside is a TxConn's SetAside (BulkLoader).
type IndexSetAside interface {
	SetAside(ctx context.Context, table string) (rebuild func(context.Context) error, err error)
}

// Dialect is everything that differs between the databases placemap keeps
// its data in, in four small parts: the connection and its transactions,
// how geometry travels, the SQL fragments that are spelt differently, and
// the few statements where the spatial index differs (an R-tree beside the
// table in a GeoPackage, a GiST index in PostGIS), and the full-text index
// search reads (FTS5, or PostgreSQL's text search). All other SQL is
// shared, in this package. A dialect package fills every field, usually
// with one value.
type Dialect struct {
	Conns    Conns
	Geometry Geometry
	SQL      SQL
	Index    SpatialIndex
	Text     TextIndex
}

// Conns are the database's connections.
type Conns interface {
	// Reads is the pool reads run on, outside any transaction.
	Reads() Conn
	// Begin starts a write transaction. Writers queue: one at a time,
	// in order, whatever the number of processes.
	Begin(ctx context.Context) (TxConn, error)
	Ping(ctx context.Context) error
	Close() error
}

// Geometry is how geometry travels to and from the database.
type Geometry interface {
	// Encode makes a geometry parameter for In; Decode reads the column
	// Out selects.
	Encode(g orb.Geometry) ([]byte, error)
	Decode(b []byte) (orb.Geometry, error)
	// In is the SQL taking an encoded geometry parameter (e.g. "$1") into
	// a geometry column; Out selects a geometry column for Decode; Bounds
	// are a geometry column's min x, min y, max x, max y (NULL when the
	// column is NULL or empty).
	In(param string) string
	Out(col string) string
	Bounds(col string) [4]string
}

// SQL are the fragments each database spells its own way.
type SQL interface {
	// List makes a list parameter for InList; InList is the condition
	// that col is one of the list's values.
	List(values any) (any, error)
	InList(col, param string) string
	// Binary is what follows an ORDER BY term to compare text byte by
	// byte ("" where that is the default).
	Binary() string
	// LocationColumns are the columns keeping an asset's point ("lon, lat"
	// or "location"); LocationIn the values for them from two number
	// parameters; LocationSet the SET clause giving them those values;
	// LocationOut the point's x and y of a table alias.
	LocationColumns() string
	LocationIn(x, y string) string
	LocationSet(x, y string) string
	LocationOut(alias string) string
	// LocationXY are LocationOut's x and y apart.
	LocationXY(alias string) (x, y string)
	// Int is a number expression truncated towards zero to a 64-bit
	// integer.
	Int(expr string) string
}

// SpatialIndex are the queries the spatial index answers.
type SpatialIndex interface {
	// BoxFrom is the FROM clause of table (aliased as alias) and the
	// condition that its rows' geometry's bounding box meets the box of the
	// parameters minx, miny, maxx, maxy.
	BoxFrom(table, alias string, box [4]string) (from, where string)
	// SpanOf is the larger of the width and height of the bounding box of
	// the geometry of alias in a query from BoxFrom.
	SpanOf(alias string) string
	// AssetAreaPairs is the FROM clause and condition pairing each asset
	// (alias a) with the areas (alias ar) whose bounding box holds its
	// location: the candidates placement decides between.
	AssetAreaPairs() (from, where string)
	// SetExtent counts the areas of the set $1 and gives their extent:
	// count, min x, min y, max x, max y.
	SetExtent() string
}

// TextIndex is the full-text index of the names search finds: of assets
// (name), areas (name, code), places (name, alternative names) and
// basemap_names (name, ref), folded for case and accents.
type TextIndex interface {
	// Terms is the parameter Match takes: rows with a word beginning with
	// each of the terms (folded words of letters and digits).
	Terms(terms []string) string
	// Match is the FROM clause of table (aliased as alias) and the
	// condition that its indexed text matches the Terms parameter param.
	Match(table, alias, param string) (from, where string)
}

// DB is placemap's store over a SQL database: every workflow written once,
// the database's differences behind its Dialect. It is safe for concurrent
// use.
type DB struct {
	d     Dialect
	q     *queries
	group *group // the queue of writers, when they share transactions
	stats writeCounts
}

// NewDB returns the store over d.
func NewDB(d Dialect) *DB {
	db := &DB{d: d, q: buildQueries(d)}
	if g, ok := d.Conns.(GroupCommitter); ok {
		db.group = &group{max: max(1, g.GroupCommit())}
	}
	return db
}

// Dialect is the database the store runs on.
func (db *DB) Dialect() Dialect { return db.d }

// Close closes the database.
func (db *DB) Close() error { return db.d.Conns.Close() }

// Ping checks the database can answer; EUNAVAILABLE if not.
func (db *DB) Ping(ctx context.Context) error { return db.d.Conns.Ping(ctx) }

// VersionCache is what a dialect's Conns may add when it can tell, more
// cheaply than reading it, that no transaction has committed since it last
// read the data version (SQLite's PRAGMA data_version): DataVersion asks it
// instead, with the query that reads the counter, and TileVersions with the
// query of the tile layers' versions (its rows read by ScanTileVersions).
type VersionCache interface {
	DataVersion(ctx context.Context, query string) (int64, error)
	TileVersions(ctx context.Context, query string) (TileVersions, error)
}

// DataVersion returns the counter every write transaction increments, so
// caches keyed by it never serve stale data.
func (db *DB) DataVersion(ctx context.Context) (int64, error) {
	if c, ok := db.d.Conns.(VersionCache); ok {
		v, err := c.DataVersion(ctx, sqlDataVersion)
		if err != nil {
			return 0, fmt.Errorf("read data version: %w", err)
		}
		return v, nil
	}
	var v int64
	if err := db.d.Conns.Reads().QueryRow(ctx, sqlDataVersion).Scan(&v); err != nil {
		return 0, fmt.Errorf("read data version: %w", err)
	}
	return v, nil
}

// Tx is one write transaction: the connection, the time the transaction
// stands for, and the dialect. Workflows pass it to small helpers.
type Tx struct {
	TxConn
	d   Dialect
	q   *queries
	now time.Time
	// tileKeys are the tile layers whose data the transaction changes
	// (tiles); nil: it named none, and bumps them all.
	tileKeys map[string]bool
}

// write runs fn in a write transaction, all or nothing, bumping the data
// version first (PostgreSQL takes its row lock there: writers queue in
// order and cannot deadlock) and, last, the versions of the tile layers fn
// named (Tx.tiles), or of all of them if it named none. It runs alone in
// its transaction.
func (db *DB) write(ctx context.Context, fn func(tx *Tx) error) error {
	return db.writeVia(ctx, db.d.Conns.Begin, fn, false)
}

// writeShared is write for a small write of a few records that may share
// its transaction with others (GroupCommitter), all or nothing still.
func (db *DB) writeShared(ctx context.Context, fn func(tx *Tx) error) error {
	return db.writeVia(ctx, db.d.Conns.Begin, fn, true)
}

// writeVia runs fn through the store's queue of writers when it has one,
// else in a transaction of its own.
func (db *DB) writeVia(ctx context.Context, begin func(context.Context) (TxConn, error), fn func(tx *Tx) error, shared bool) error {
	if db.group != nil {
		return db.writeOrdered(ctx, begin, fn, shared)
	}
	return db.writeOn(ctx, begin, fn)
}

// writeBulk is write on a transaction set up for loading many rows, when
// the dialect has one (BulkLoader).
func (db *DB) writeBulk(ctx context.Context, fn func(tx *Tx) error) error {
	begin := db.d.Conns.Begin
	if b, ok := db.d.Conns.(BulkLoader); ok {
		begin = b.BeginBulk
	}
	return db.writeVia(ctx, begin, fn, false)
}

func (db *DB) writeOn(ctx context.Context, begin func(context.Context) (TxConn, error), fn func(tx *Tx) error) error {
	tc, err := begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tc.Rollback(context.WithoutCancel(ctx))
	if _, err := tc.Exec(ctx, sqlBumpDataVersion); err != nil {
		return fmt.Errorf("bump data version: %w", err)
	}
	tx := &Tx{TxConn: tc, d: db.d, q: db.q, now: Now()}
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.bumpTiles(ctx); err != nil {
		return err
	}
	if err := tc.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	db.stats.txs.Add(1)
	db.stats.writers.Add(1)
	return nil
}

// Now is the time as stores keep it: UTC, to the millisecond.
func Now() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

// TimeFormat is how times travel to the database as text: ISO 8601 in UTC
// to the millisecond, what the GeoPackage keeps and PostgreSQL reads.
const TimeFormat = "2006-01-02T15:04:05.000Z"

// dbTime is a time as a parameter.
func dbTime(t time.Time) string { return t.UTC().Format(TimeFormat) }

// nullTime is an optional time as a parameter: NULL for the zero time.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return dbTime(t)
}

// timeScan reads a time column into t, whether the driver hands it back as
// a time (PostgreSQL, SQLite's DATETIME) or as text; NULL leaves t zero.
type timeScan struct{ t *time.Time }

func (s timeScan) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*s.t = time.Time{}
		return nil
	case time.Time:
		*s.t = v.UTC()
		return nil
	case string:
		return s.parse(v)
	case []byte:
		return s.parse(string(v))
	}
	return fmt.Errorf("time column: unexpected %T", src)
}

func (s timeScan) parse(v string) error {
	t, err := time.Parse(TimeFormat, v)
	if err != nil {
		if t, err = time.Parse(time.RFC3339Nano, v); err != nil {
			return fmt.Errorf("time column: %w", err)
		}
	}
	*s.t = t.UTC()
	return nil
}

// noRows reports whether err says a query found no row.
func noRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// collect reads every row of a query with scan.
func collect[T any](rows Rows, err error, scan func(r Row) (T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// args numbers query parameters as a query is built: add returns "$n".
type args []any

func (a *args) add(v any) string {
	*a = append(*a, v)
	return placeholder(len(*a))
}

// placeholder is the n-th parameter, "$n".
func placeholder(n int) string { return "$" + strconv.Itoa(n) }
