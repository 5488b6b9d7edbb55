package postgis

import (
	"context"
	"encoding/binary"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// dialect is PostGIS's side of the store: pgx's pool, geometry as WKB
// through ST_GeomFromWKB and ST_AsBinary, GiST indexes through &&.
type dialect struct {
	pool *pgxpool.Pool
	// writes is the pool write transactions begin on (writeConns): a
	// writer never waits for a connection behind the reads.
	writes *pgxpool.Pool
	// tilePool is the pool of map tiles' reads (store.WithTileReads,
	// tileConns), without replicas.
	tilePool *pgxpool.Pool
	name     string  // the database, for messages; never the password
	router   *router // the read replicas; nil for none
	// watch knows the data version from notifications (listen.go).
	watch *listener
	// tiles are the tile layers' versions last read (TileVersions).
	tiles tileMemo
}

// groupCommit is how many small writes may share a transaction
// (store.GroupCommitter). Every write transaction takes the data version's
// row lock first, so PostgreSQL runs one at a time whatever the pool; side
// by side, each waiting writer held a pool connection (32 % of the
// database's time under bench/load.sh was writers waiting there, while
// tiles queued for a connection) and paid its own flush of the log. Queued
// in the process instead, writers wait without a connection, one of them
// at a time takes one, and a group shares one commit. 32 bounds how long
// the first of a group waits for the last (a small write is a few
// statements, well under a millisecond each). Other processes sharing the
// database still queue on the row lock.
const groupCommit = 32

func (d *dialect) GroupCommit() int { return groupCommit }

// DataVersion implements store.VersionCache: from memory while the
// listener is sure of it (listen.go), else read. With replicas, from
// memory only when the copy the request reads from (its session's pin)
// is known to have replayed past where the primary was when it read that
// version: a tile's data is never older than the version it is cached
// under. Else it is read there, on that copy.
func (d *dialect) DataVersion(ctx context.Context, query string) (int64, error) {
	if d.watch == nil {
		return readVersion(ctx, d.Reads(), query)
	}
	v, gen, ok := d.known(ctx)
	if ok {
		return v, nil
	}
	v, err := readVersion(ctx, d.Reads(), query)
	if err == nil {
		d.readDone(v, gen)
	}
	return v, err
}

// TileVersions implements store.VersionCache: the tile layers' versions
// last read, while they were read at the data version the listener is
// sure of (and, with replicas, this request's copy has replayed past
// it), else read again on the request's copy. They are read with the data
// version of their own snapshot (TileVersions.At): a copy's versions are
// kept only when they are exactly as of what the listener knows.
func (d *dialect) TileVersions(ctx context.Context, query string) (store.TileVersions, error) {
	if d.watch == nil {
		return readTileVersions(ctx, d.Reads(), query)
	}
	v, gen, ok := d.known(ctx)
	if ok {
		if tv := d.tiles.at(v); tv != nil {
			return tv, nil
		}
	}
	tv, err := readTileVersions(ctx, d.Reads(), query)
	if err != nil {
		return nil, err
	}
	d.readDone(tv.At(), gen)
	d.tiles.keep(tv)
	return tv, nil
}

// known is the data version as the listener knows it, gen to give back
// to readDone, and whether this request may take it from memory: the
// listener is sure of it and, with replicas, the request's copy has
// replayed past where the primary was when it was read.
func (d *dialect) known(ctx context.Context) (v int64, gen uint64, ok bool) {
	v, lsn, ok, gen := d.watch.cached()
	return v, gen, ok && (d.router == nil || d.router.serves(ctx, lsn))
}

// readDone tells the listener of a version read by a call begun at gen.
// Only a read on the primary: one on a replica tells nothing of it.
func (d *dialect) readDone(v int64, gen uint64) {
	if d.router == nil {
		d.watch.readDone(v, gen)
	}
}

func readTileVersions(ctx context.Context, c store.Conn, query string) (store.TileVersions, error) {
	rows, err := c.Query(ctx, query)
	return store.ScanTileVersions(rows, err)
}

// tileMemo holds the newest tile versions read.
type tileMemo struct {
	mu sync.Mutex
	tv store.TileVersions
}

// at returns the versions kept if they were read at data version v.
func (m *tileMemo) at(v int64) store.TileVersions {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.tv != nil && m.tv.At() == v {
		return m.tv
	}
	return nil
}

// keep keeps tv unless newer ones are kept: versions only go up.
func (m *tileMemo) keep(tv store.TileVersions) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.tv == nil || tv.At() >= m.tv.At() {
		m.tv = tv
	}
}

func readVersion(ctx context.Context, c store.Conn, query string) (int64, error) {
	var v int64
	err := c.QueryRow(ctx, query).Scan(&v)
	return v, err
}

// Reads are the primary's pool, or the replicas' while they keep up.
func (d *dialect) Reads() store.Conn {
	if d.router != nil {
		return routed{d.router}
	}
	return lanes{reads: d.pool, tiles: d.tilePool}
}

// lanes are the primary's reads: a map tile's (store.TileReads) on the
// tiles' pool, the others on the reads' pool.
type lanes struct{ reads, tiles *pgxpool.Pool }

func (l lanes) on(ctx context.Context) conn {
	if store.TileReads(ctx) {
		return conn{l.tiles}
	}
	return conn{l.reads}
}

func (l lanes) Exec(ctx context.Context, sql string, args ...any) (int64, error) {
	return l.on(ctx).Exec(ctx, sql, args...)
}

func (l lanes) Query(ctx context.Context, sql string, args ...any) (store.Rows, error) {
	return l.on(ctx).Query(ctx, sql, args...)
}

func (l lanes) QueryRow(ctx context.Context, sql string, args ...any) store.Row {
	return l.on(ctx).QueryRow(ctx, sql, args...)
}

// Replicas reports the read replicas (store.ReplicaReporter).
func (d *dialect) Replicas() store.Replicas {
	if d.router == nil {
		return store.Replicas{}
	}
	return d.router.report()
}

// Listener implements store.ListenerReporter.
func (d *dialect) Listener() (store.ListenerState, bool) {
	if d.watch == nil {
		return store.ListenerState{}, false
	}
	return d.watch.state(), true
}

func (d *dialect) Ping(ctx context.Context) error {
	if err := d.pool.Ping(ctx); err != nil {
		return place.Errorf(place.EUNAVAILABLE, "database %s: %v", d.name, redact(err))
	}
	return nil
}

func (d *dialect) Close() error {
	if d.watch != nil {
		d.watch.close()
	}
	if d.router != nil {
		d.router.close()
	}
	d.writes.Close()
	d.tilePool.Close()
	d.pool.Close()
	return nil
}

// Begin starts a write transaction on the primary. With replicas, the
// rest of the request reads from the primary too: what it reads after its
// write (the write itself, or on a conflict the version that won) must
// be the primary's.
func (d *dialect) Begin(ctx context.Context) (store.TxConn, error) {
	if s := store.SessionFrom(ctx); s != nil && d.router != nil {
		s.Pin(store.PinPrimary)
	}
	t, err := d.writes.Begin(ctx)
	if err != nil {
		return nil, translate(err)
	}
	return &tx{conn: conn{t}, t: t, router: d.router, watch: d.watch}, nil
}

func (d *dialect) Encode(g orb.Geometry) ([]byte, error) {
	b, err := wkb.Marshal(g, binary.LittleEndian)
	if err != nil {
		return nil, fmt.Errorf("encode geometry: %w", err)
	}
	return b, nil
}

func (d *dialect) Decode(b []byte) (orb.Geometry, error) {
	g, err := wkb.Unmarshal(b)
	if err != nil {
		return nil, fmt.Errorf("decode geometry: %w", err)
	}
	return g, nil
}

func (d *dialect) In(param string) string { return "ST_GeomFromWKB(" + param + ", 4326)" }
func (d *dialect) Out(col string) string  { return "ST_AsBinary(" + col + ")" }
func (d *dialect) Bounds(col string) [4]string {
	return [4]string{"ST_XMin(" + col + ")", "ST_YMin(" + col + ")", "ST_XMax(" + col + ")", "ST_YMax(" + col + ")"}
}

// List travels as a PostgreSQL array.
func (d *dialect) List(values any) (any, error)    { return values, nil }
func (d *dialect) InList(col, param string) string { return col + " = ANY(" + param + ")" }
func (d *dialect) Binary() string                  { return ` COLLATE "C"` }

func (d *dialect) LocationColumns() string { return "location" }
func (d *dialect) LocationIn(x, y string) string {
	return "ST_SetSRID(ST_MakePoint(" + x + ", " + y + "), 4326)"
}
func (d *dialect) LocationOut(alias string) string {
	return "ST_X(" + alias + ".location), ST_Y(" + alias + ".location)"
}
func (d *dialect) LocationXY(alias string) (x, y string) {
	return "ST_X(" + alias + ".location)", "ST_Y(" + alias + ".location)"
}

// Int: PostgreSQL's CAST to bigint rounds, so truncate first.
func (d *dialect) Int(expr string) string { return "CAST(trunc(" + expr + ") AS bigint)" }

func (d *dialect) BoxFrom(table, alias string, box [4]string) (from, where string) {
	return table + " " + alias, fmt.Sprintf("%s.geom && ST_MakeEnvelope(%s, %s, %s, %s, 4326)", alias, box[0], box[1], box[2], box[3])
}

func (d *dialect) SpanOf(alias string) string {
	return fmt.Sprintf("greatest(ST_XMax(%[1]s.geom) - ST_XMin(%[1]s.geom), ST_YMax(%[1]s.geom) - ST_YMin(%[1]s.geom))", alias)
}

func (d *dialect) AssetAreaPairs() (from, where string) {
	return `assets a JOIN areas ar ON ar.geom && a.location`, `TRUE`
}

func (d *dialect) SetExtent() string {
	return `SELECT count(*), ST_XMin(ST_Extent(geom)), ST_YMin(ST_Extent(geom)), ST_XMax(ST_Extent(geom)), ST_YMax(ST_Extent(geom))
		FROM areas WHERE set_slug = $1`
}

func (d *dialect) LocationSet(x, y string) string { return "location = " + d.LocationIn(x, y) }

// pgxQuerier is the pool or a transaction.
type pgxQuerier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// conn adapts pgx to store.Conn, translating PostgreSQL's errors.
type conn struct{ q pgxQuerier }

func (c conn) Exec(ctx context.Context, sql string, args ...any) (int64, error) {
	tag, err := c.q.Exec(ctx, sql, args...)
	if err != nil {
		return 0, translate(err)
	}
	return tag.RowsAffected(), nil
}

func (c conn) Query(ctx context.Context, sql string, args ...any) (store.Rows, error) {
	r, err := c.q.Query(ctx, sql, args...)
	if err != nil {
		return nil, translate(err)
	}
	return rows{r}, nil
}

func (c conn) QueryRow(ctx context.Context, sql string, args ...any) store.Row {
	return row{c.q.QueryRow(ctx, sql, args...)}
}

type rows struct{ r pgx.Rows }

func (r rows) Next() bool             { return r.r.Next() }
func (r rows) Scan(dest ...any) error { return translate(r.r.Scan(dest...)) }
func (r rows) Err() error             { return translate(r.r.Err()) }
func (r rows) Close()                 { r.r.Close() }

type row struct{ r pgx.Row }

func (r row) Scan(dest ...any) error { return translate(r.r.Scan(dest...)) }

type tx struct {
	conn
	t      pgx.Tx
	router *router // nil: no replicas, whose readers need the commit's position
	watch  *listener
}

// ExecBatch sends the statements as one pipelined batch.
func (t *tx) ExecBatch(ctx context.Context, sql string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	b := &pgx.Batch{}
	for _, args := range rows {
		b.Queue(sql, args...)
	}
	return translate(t.t.SendBatch(ctx, b).Close())
}

// CopyRows loads rows into table by COPY (store.RowCopier).
func (t *tx) CopyRows(ctx context.Context, table string, columns []string, rows [][]any) error {
	_, err := t.t.CopyFrom(ctx, pgx.Identifier{table}, columns, pgx.CopyFromRows(rows))
	return translate(err)
}

// Commit commits; with replicas it then learns where the commit ended in
// the log, for reads that must see it (router.committed).
//
// While it commits and after, until a version is read again, the data
// version is read, not taken from memory (listener.commit): whoever saw
// this write commit must get a version that has it.
func (t *tx) Commit(ctx context.Context) error {
	if t.watch != nil {
		defer t.watch.commit()()
	}
	if err := t.t.Commit(ctx); err != nil {
		return translate(err)
	}
	if t.router != nil {
		t.router.committed(ctx)
	}
	return nil
}

func (t *tx) Rollback(ctx context.Context) { _ = t.t.Rollback(ctx) }
