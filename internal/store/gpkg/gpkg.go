// Package gpkg is the GeoPackage dialect of placemap's store: one OGC
// GeoPackage 1.3 file (pure Go SQLite) whose feature tables GDAL and QGIS
// open directly. It opens and migrates the file and says how SQLite
// differs (dialect.go): database/sql with its errors translated, geometry
// as GeoPackage blobs, R-trees as the spatial index, the contents' extents
// refreshed as a write commits. Every workflow is store.DB's.
package gpkg

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"net/url"
	"os"
	"path/filepath"

	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/placemap/placemap/internal/formats/geopackage"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/migrations"
)

// FileName is the name of the GeoPackage inside a data directory.
const FileName = "placemap.gpkg"

// maxConns bounds the connections to the file: readers run in parallel in
// WAL mode; SQLite serialises writers whatever the number.
const maxConns = 16

// Open opens (creating if needed) the GeoPackage in dir, brings its schema
// up to date, and returns the store over it. The store is safe for
// concurrent use: SQLite serialises writers (queued in this process), and
// WAL lets readers run beside them.
func Open(ctx context.Context, dir string) (*store.DB, error) {
	d, err := open(ctx, dir)
	if err != nil {
		return nil, err
	}
	st := store.NewDB(store.Dialect{Conns: d, Geometry: d, SQL: d, Index: d, Text: d})
	if err := st.FillBands(ctx); err != nil {
		st.Close()
		return nil, fmt.Errorf("open %s: %w", d.path, err)
	}
	return st, nil
}

// open is Open's dialect.
func open(ctx context.Context, dir string) (*dialect, error) {
	if err := geopackage.RegisterFunctions(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create data directory %s: %w", dir, err)
	}
	path := filepath.Join(dir, FileName)
	q := url.Values{}
	// Per-connection settings. journal_mode=WAL is a property of the file,
	// set once in migrate: setting it on every new connection takes a lock.
	for _, p := range []string{"busy_timeout(10000)", "foreign_keys(1)", "synchronous(NORMAL)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// Keep connections open: database/sql's default of two idle connections
	// makes every burst of concurrent reads open (and set up) new ones.
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return &dialect{db: db, reads: newStmtCache(db), versionWatch: &versionWatch{db: db, path: path}, path: path}, nil
}

// migrate sets the GeoPackage header and applies the embedded migrations.
func migrate(ctx context.Context, db *sql.DB) error {
	if _, err := db.ExecContext(ctx, "PRAGMA journal_mode = WAL"); err != nil {
		return fmt.Errorf("set journal mode: %w", err)
	}
	if _, err := db.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d; PRAGMA user_version = %d", geopackage.ApplicationID, geopackage.UserVersion)); err != nil {
		return fmt.Errorf("set GeoPackage header: %w", err)
	}
	sub, err := fs.Sub(migrations.GPKG, "gpkg")
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, sub)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// updateContents refreshes the extents gpkg_contents records of the
// feature tables, as the GeoPackage asks, before a write commits.
func updateContents(ctx context.Context, tx sqlQuerier) error {
	for _, t := range [][2]string{{"boundary_sets", "extent"}, {"areas", "geom"}, {"assets", "geom"}, {"memberships", "geom"}, {"basemap_features", "geom"}} {
		b, ok, err := rtreeExtent(ctx, tx, "rtree_"+t[0]+"_"+t[1])
		if err != nil {
			return fmt.Errorf("extent of %s: %w", t[0], err)
		}
		var args []any
		if ok {
			args = []any{b[0], b[1], b[2], b[3], t[0]}
		} else {
			args = []any{nil, nil, nil, nil, t[0]}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE gpkg_contents SET min_x = ?, max_x = ?, min_y = ?, max_y = ?,
			last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name = ?`, args...); err != nil {
			return fmt.Errorf("update gpkg_contents for %s: %w", t[0], translate(err))
		}
	}
	return nil
}

// translate turns SQLite errors callers can act on into place errors.
func translate(err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return place.Errorf(place.EUNAVAILABLE, "geopackage is busy: %v", err)
		case sqlite3.SQLITE_CONSTRAINT:
			return place.Errorf(place.ECONFLICT, "%v", err)
		}
	}
	return err
}

// rtreeExtent reads the extent of everything an R-tree holds from its root
// node: the union of the root's cells. It costs one row, where min() and
// max() over the R-tree would read every entry on every write. SQLite
// stores R-tree coordinates as 32-bit floats rounded outward, so the
// extent may be larger than the exact one by a float's step (about a
// metre at most), which the GeoPackage allows: the extent is informative.
// ok is false for an empty tree.
func rtreeExtent(ctx context.Context, tx sqlQuerier, rtree string) (b [4]float64, ok bool, err error) {
	var data []byte
	err = tx.QueryRowContext(ctx, `SELECT data FROM "`+rtree+`_node" WHERE nodeno = 1`).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return b, false, nil
	}
	if err != nil {
		return b, false, err
	}
	// The node: a 2-byte depth, a 2-byte cell count, then cells of an
	// 8-byte id and minx, maxx, miny, maxy as big-endian float32s.
	if len(data) < 4 {
		return b, false, fmt.Errorf("%s: root node of %d bytes", rtree, len(data))
	}
	n := int(binary.BigEndian.Uint16(data[2:4]))
	if len(data) < 4+n*24 {
		return b, false, fmt.Errorf("%s: root node of %d bytes holds fewer than its %d cells", rtree, len(data), n)
	}
	for i := 0; i < n; i++ {
		c := data[4+i*24+8:]
		var v [4]float64
		for k := range v {
			v[k] = float64(math.Float32frombits(binary.BigEndian.Uint32(c[4*k:])))
		}
		if !ok {
			b, ok = [4]float64{v[0], v[1], v[2], v[3]}, true
			continue
		}
		b[0], b[1], b[2], b[3] = min(b[0], v[0]), max(b[1], v[1]), min(b[2], v[2]), max(b[3], v[3])
	}
	return b, ok, nil
}
