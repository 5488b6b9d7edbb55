package gpkg

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/placemap/placemap/internal/store"
)

// versionWatch answers the store's data version without reading it on
// every call. A cached tile spent half its time reading the version from
// the settings table, and then half of it asking SQLite whether anything
// had committed, under a lock every request queued on.
//
// The cheap answer comes from the wal-index (walindex.go): the header
// every commit rewrites, by this process or any other (a CLI import, QGIS
// editing the file), before its COMMIT returns. A version read is kept
// with the header read just before it; while both copies of the header
// still read the same, nothing has committed since, and the version is
// answered from memory without a lock or a query. A header read before
// the version, never after, can only be older than what was read: a
// commit in between shows as a change next time, never hides one.
//
// When the header has changed, or cannot be trusted (being written,
// zeroed, not mapped: not WAL mode, another system, the file shrank),
// the version is asked of SQLite as before: on a connection of its own,
// PRAGMA data_version, which moves whenever any other connection commits;
// only then is the version read again.
type versionWatch struct {
	db   *sql.DB
	path string // the GeoPackage's; the wal-index is path-shm

	// What was last read with a trusted header before it; nil when not.
	data  atomic.Pointer[seen[int64]]
	tiles atomic.Pointer[seen[store.TileVersions]]

	mu sync.Mutex
	// conn is held for good: data_version compares commits with this
	// connection's last look, and while it is open SQLite keeps the
	// wal-index it has mapped. It never writes.
	conn        *sql.Conn
	pragma      *sql.Stmt
	last        int64 // data_version when version was read
	version     int64
	haveVersion bool
	// tileVersions, the tile layers' versions, read when data_version
	// was tilesAt; nil when not read on this connection.
	tileVersions store.TileVersions
	tilesAt      int64
	// wal is the wal-index mapped once conn has read the database; nil
	// before, or for good when it could not be (walTried).
	wal        *walIndex
	walTried   bool
	walRelease func() // ends the mapping once the store's connections are closed
}

// seen is a version and the wal-index header read just before it.
type seen[T any] struct {
	wal *walIndex
	hdr walHdr
	v   T
}

// current returns s's version when nothing has committed since s was read.
func current[T any](s *seen[T]) (T, bool) {
	if s != nil && s.wal.unchanged(&s.hdr) {
		return s.v, true
	}
	var zero T
	return zero, false
}

// DataVersion implements store.VersionCache.
func (w *versionWatch) DataVersion(ctx context.Context, query string) (int64, error) {
	if v, ok := current(w.data.Load()); ok {
		return v, nil
	}
	// Not cancelled midway: the statements are short, and database/sql
	// watches a cancellable context with a goroutine per query.
	ctx = context.WithoutCancel(ctx)
	w.mu.Lock()
	defer w.mu.Unlock()
	hdr, trusted := w.header()
	dv, err := w.stamp(ctx)
	if err != nil {
		return 0, err
	}
	if !w.haveVersion || dv != w.last {
		var v int64
		if err := w.conn.QueryRowContext(ctx, query).Scan(&v); err != nil {
			w.closeLocked()
			return 0, translate(err)
		}
		w.last, w.version, w.haveVersion = dv, v, true
	}
	if trusted {
		w.data.Store(&seen[int64]{wal: w.wal, hdr: hdr, v: w.version})
	}
	return w.version, nil
}

// TileVersions implements store.VersionCache: the tile layers' versions,
// read again only when a transaction committed since they were last read.
func (w *versionWatch) TileVersions(ctx context.Context, query string) (store.TileVersions, error) {
	if v, ok := current(w.tiles.Load()); ok {
		return v, nil
	}
	ctx = context.WithoutCancel(ctx)
	w.mu.Lock()
	defer w.mu.Unlock()
	hdr, trusted := w.header()
	dv, err := w.stamp(ctx)
	if err != nil {
		return nil, err
	}
	if w.tileVersions == nil || dv != w.tilesAt {
		r, err := w.conn.QueryContext(ctx, query)
		if err != nil {
			w.closeLocked()
			return nil, translate(err)
		}
		v, err := store.ScanTileVersions(rows{r}, nil)
		if err != nil {
			w.closeLocked()
			return nil, err
		}
		w.tileVersions, w.tilesAt = v, dv
	}
	if trusted {
		w.tiles.Store(&seen[store.TileVersions]{wal: w.wal, hdr: hdr, v: w.tileVersions})
	}
	return w.tileVersions, nil
}

// header reads the wal-index header, if mapped; w.mu is held.
func (w *versionWatch) header() (walHdr, bool) {
	if w.wal == nil {
		return walHdr{}, false
	}
	return w.wal.header()
}

// stamp is PRAGMA data_version on the watch's connection, opened if need
// be; w.mu is held. The first to succeed maps the wal-index.
func (w *versionWatch) stamp(ctx context.Context) (int64, error) {
	if w.conn == nil {
		if err := w.open(ctx); err != nil {
			return 0, err
		}
	}
	var dv int64
	if err := w.pragma.QueryRowContext(ctx).Scan(&dv); err != nil {
		w.closeLocked()
		return 0, translate(err)
	}
	if !w.walTried {
		w.walTried = true
		w.mapWal(ctx)
	}
	return dv, nil
}

// mapWal maps the wal-index once conn has read the database, if the file
// is in WAL mode (migrate sets it, and SQLite keeps it while conn is open:
// leaving WAL mode takes the database for one connection alone). Without
// it, the PRAGMA answers every call.
func (w *versionWatch) mapWal(ctx context.Context) {
	var mode string
	if err := w.conn.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || !strings.EqualFold(mode, "wal") {
		return
	}
	x, release, err := mapWalIndex(w.path + "-shm")
	w.walRelease = release
	if err == nil {
		w.wal = x
	}
}

func (w *versionWatch) open(ctx context.Context) error {
	c, err := w.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("version connection: %w", translate(err))
	}
	p, err := c.PrepareContext(ctx, "PRAGMA data_version")
	if err != nil {
		c.Close()
		return fmt.Errorf("version connection: %w", translate(err))
	}
	w.conn, w.pragma, w.haveVersion, w.tileVersions = c, p, false, nil
	return nil
}

// close gives the connection back.
func (w *versionWatch) close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closeLocked()
}

func (w *versionWatch) closeLocked() {
	w.data.Store(nil)
	w.tiles.Store(nil)
	if w.conn != nil {
		w.pragma.Close()
		w.conn.Close()
		w.conn, w.pragma, w.haveVersion, w.tileVersions = nil, nil, false, nil
	}
}

// releaseWal ends the wal-index's mapping; called once every connection
// of the store is closed (walindex_unix.go says why not before).
func (w *versionWatch) releaseWal() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.wal = nil
	if w.walRelease != nil {
		w.walRelease()
		w.walRelease = nil
	}
}
