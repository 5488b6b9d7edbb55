package store

import (
	"context"
	"fmt"
	"sort"
)

// Tile versions: each tile layer's data has a version of its own, so a
// write changes the cache keys and ?v= URLs of the layers it changed and no
// other (one community group adding an asset leaves every boundary set's
// cached tiles good). The global data version (DataVersion) stays what
// every other cache keys by.
//
// What each layer's tiles are made from, and so which writes bump it:
//   - a boundary set's tiles and label tiles: its areas (fid, code, name,
//     geometry) and whether the set exists: the key SetTiles(slug), bumped
//     wherever areas or boundary_sets rows are written;
//   - a series' tiles, its current release's under the series' name: that
//     set's key and SeriesTiles(series), bumped wherever series or
//     set_releases rows are written (which release is current);
//   - the assets: the assets table (id, name, category, status, geometry,
//     location): AssetsTiles, bumped wherever assets rows are written;
//   - the basemap: basemap_features and basemap_info: BasemapTiles.
//
// A transaction that names none of them (Tx.tiles) bumps every layer
// (AllTiles): a write nobody has looked at is taken to change everything.
// A new statement writing one of those tables must name its key.
const (
	AllTiles     = "*"
	AssetsTiles  = "assets"
	BasemapTiles = "basemap"
)

// SetTiles is the key of a boundary set's tiles.
func SetTiles(slug string) string { return "set:" + slug }

// SeriesTiles is the key of which release a series' tiles are made from.
func SeriesTiles(slug string) string { return "series:" + slug }

const (
	// sqlTileVersions reads them with the data version of the same
	// snapshot, under dataVersionKey (no layer's key: those are "*",
	// "assets", "basemap" or prefixed): what a cache of them knows they
	// are as of.
	sqlTileVersions = `SELECT layer, version FROM tile_versions
		UNION ALL SELECT '` + dataVersionKey + `', CAST(value AS BIGINT) FROM settings WHERE key = 'data_version'`
	// sqlBumpTiles sets a key's version to the transaction's data version
	// (bumped first, in DB.writeOn): larger than any version before, of
	// any key.
	sqlBumpTiles = `INSERT INTO tile_versions (layer, version)
		SELECT CAST($1 AS TEXT), CAST(value AS BIGINT) FROM settings WHERE key = 'data_version'
		ON CONFLICT (layer) DO UPDATE SET version = excluded.version`
)

// TileVersions are the versions of the tile layers' data, read at once,
// by key (AllTiles, AssetsTiles…). A version only grows; one is never
// reused, by any key. It is shared between readers: never change it.
type TileVersions map[string]int64

// dataVersionKey holds, among TileVersions, the data version they were
// read at.
const dataVersionKey = "data_version"

// At is the data version the tile versions were read at: they are those
// of every write up to it and of none after.
func (v TileVersions) At() int64 { return v[dataVersionKey] }

// Of is the version of the tiles made from the keys' data: the largest of
// theirs and AllTiles'.
func (v TileVersions) Of(keys ...string) int64 {
	n := v[AllTiles]
	for _, k := range keys {
		n = max(n, v[k])
	}
	return n
}

// TileVersions reads the versions of the tile layers.
func (db *DB) TileVersions(ctx context.Context) (TileVersions, error) {
	if c, ok := db.d.Conns.(VersionCache); ok {
		v, err := c.TileVersions(ctx, sqlTileVersions)
		if err != nil {
			return nil, fmt.Errorf("read tile versions: %w", err)
		}
		return v, nil
	}
	rows, err := db.d.Conns.Reads().Query(ctx, sqlTileVersions)
	v, err := ScanTileVersions(rows, err)
	if err != nil {
		return nil, fmt.Errorf("read tile versions: %w", err)
	}
	return v, nil
}

// ScanTileVersions reads the rows of the tile versions' query.
func ScanTileVersions(rows Rows, err error) (TileVersions, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	v := TileVersions{}
	for rows.Next() {
		var k string
		var n int64
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		v[k] = n
	}
	return v, rows.Err()
}

// tiles records that the transaction changes the data of the tile layers
// of keys; none at all says it changes no tile layer's.
func (tx *Tx) tiles(keys ...string) {
	if tx.tileKeys == nil {
		tx.tileKeys = map[string]bool{}
	}
	for _, k := range keys {
		tx.tileKeys[k] = true
	}
}

// bumpTiles bumps the versions of the layers the transaction named, or of
// every layer if it named none.
func (tx *Tx) bumpTiles(ctx context.Context) error {
	keys := []string{AllTiles}
	if tx.tileKeys != nil {
		keys = keys[:0]
		for k := range tx.tileKeys {
			keys = append(keys, k)
		}
		sort.Strings(keys) // the same order in every transaction
	}
	if len(keys) == 0 {
		return nil
	}
	rows := make([][]any, len(keys))
	for i, k := range keys {
		rows[i] = []any{k}
	}
	if err := tx.ExecBatch(ctx, sqlBumpTiles, rows); err != nil {
		return fmt.Errorf("bump tile versions: %w", err)
	}
	return nil
}
