package gpkg

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

	"github.com/placemap/placemap/internal/store"
)

// versionWatch answers the store's data version without reading it on
// every call: on a connection of its own it asks SQLite's PRAGMA
// data_version, which moves whenever any other connection, of this process
// or another, commits; only then is the version read again. A tile served
// from the cache spent half its time reading the version from the
// settings table.
type versionWatch struct {
	db *sql.DB
	mu sync.Mutex
	// conn is held for good: data_version compares commits with this
	// connection's last look. It never writes.
	conn        *sql.Conn
	pragma      *sql.Stmt
	last        int64 // data_version when version was read
	version     int64
	haveVersion bool
	// tiles, the tile layers' versions, read when data_version was
	// tilesAt; nil when not read on this connection.
	tiles   store.TileVersions
	tilesAt int64
}

// DataVersion implements store.VersionCache.
func (w *versionWatch) DataVersion(ctx context.Context, query string) (int64, error) {
	// Not cancelled midway: the statements are short, and database/sql
	// watches a cancellable context with a goroutine per query.
	ctx = context.WithoutCancel(ctx)
	w.mu.Lock()
	defer w.mu.Unlock()
	dv, err := w.stamp(ctx)
	if err != nil {
		return 0, err
	}
	if w.haveVersion && dv == w.last {
		return w.version, nil
	}
	var v int64
	if err := w.conn.QueryRowContext(ctx, query).Scan(&v); err != nil {
		w.closeLocked()
		return 0, translate(err)
	}
	w.last, w.version, w.haveVersion = dv, v, true
	return v, nil
}

// TileVersions implements store.VersionCache: the tile layers' versions,
// read again only when a transaction committed since they were last read.
func (w *versionWatch) TileVersions(ctx context.Context, query string) (store.TileVersions, error) {
	ctx = context.WithoutCancel(ctx)
	w.mu.Lock()
	defer w.mu.Unlock()
	dv, err := w.stamp(ctx)
	if err != nil {
		return nil, err
	}
	if w.tiles != nil && dv == w.tilesAt {
		return w.tiles, nil
	}
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
	w.tiles, w.tilesAt = v, dv
	return v, nil
}

// stamp is PRAGMA data_version on the watch's connection, opened if need
// be; w.mu is held.
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
	return dv, nil
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
	w.conn, w.pragma, w.haveVersion, w.tiles = c, p, false, nil
	return nil
}

// close gives the connection back.
func (w *versionWatch) close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closeLocked()
}

func (w *versionWatch) closeLocked() {
	if w.conn != nil {
		w.pragma.Close()
		w.conn.Close()
		w.conn, w.pragma, w.haveVersion, w.tiles = nil, nil, false, nil
	}
}
