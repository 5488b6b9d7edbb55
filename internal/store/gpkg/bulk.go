package gpkg

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/placemap/placemap/internal/store"
)

// bulkPragmas set up the connection of a bulk load (store.BulkLoader):
// statement journals in memory, not a temporary file written for each
// statement that touches a virtual table. (A larger page cache bought
// nothing measurable on Delaware.) bulkReset puts back the default
// before the connection returns to the pool.
const (
	bulkPragmas = "PRAGMA temp_store = MEMORY"
	bulkReset   = "PRAGMA temp_store = DEFAULT"
)

// BeginBulk is Begin on a connection of its own, set up for many rows.
func (d *dialect) BeginBulk(ctx context.Context) (store.TxConn, error) {
	d.writes.Lock()
	c, err := d.db.Conn(ctx)
	if err != nil {
		d.writes.Unlock()
		return nil, translate(err)
	}
	fail := func(err error) (store.TxConn, error) {
		_, _ = c.ExecContext(context.WithoutCancel(ctx), bulkReset)
		c.Close()
		d.writes.Unlock()
		return nil, translate(err)
	}
	if _, err := c.ExecContext(ctx, bulkPragmas); err != nil {
		return fail(err)
	}
	t, err := c.BeginTx(ctx, nil)
	if err != nil {
		return fail(err)
	}
	return &tx{conn: conn{t}, q: t, t: t, d: d, own: c}, nil
}

// SetAside drops the triggers that keep table's R-tree and full-text
// index row by row; rebuild fills both from the table once and restores
// the triggers, as the migrations wrote them. All inside the transaction.
func (t *tx) SetAside(ctx context.Context, table string) (rebuild func(context.Context) error, err error) {
	type trigger struct{ name, sql string }
	rows, err := t.t.QueryContext(ctx, `SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? ORDER BY name`, table)
	if err != nil {
		return nil, translate(err)
	}
	var triggers []trigger
	for rows.Next() {
		var tr trigger
		if err := rows.Scan(&tr.name, &tr.sql); err != nil {
			rows.Close()
			return nil, translate(err)
		}
		triggers = append(triggers, tr)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, translate(err)
	}
	for _, tr := range triggers {
		if _, err := t.t.ExecContext(ctx, `DROP TRIGGER "`+tr.name+`"`); err != nil {
			return nil, fmt.Errorf("drop trigger %s: %w", tr.name, translate(err))
		}
	}
	return func(ctx context.Context) error {
		if err := t.rebuildIndexes(ctx, table); err != nil {
			return err
		}
		for _, tr := range triggers {
			if _, err := t.t.ExecContext(ctx, tr.sql); err != nil {
				return fmt.Errorf("restore trigger %s: %w", tr.name, translate(err))
			}
		}
		return nil
	}, nil
}

// rebuildIndexes fills table's R-tree (the GeoPackage's gpkg_rtree_index,
// as its insert trigger would) and full-text index (table_fts, external
// content) from its rows, whichever it has.
func (t *tx) rebuildIndexes(ctx context.Context, table string) error {
	var col string
	err := t.t.QueryRowContext(ctx, `SELECT column_name FROM gpkg_extensions WHERE table_name = ? AND extension_name = 'gpkg_rtree_index'`, table).Scan(&col)
	switch {
	case err == nil:
		rtree := `"rtree_` + table + `_` + col + `"`
		g := `"` + col + `"`
		if _, err := t.t.ExecContext(ctx, `DELETE FROM `+rtree); err != nil {
			return fmt.Errorf("clear %s: %w", rtree, translate(err))
		}
		if _, err := t.t.ExecContext(ctx, `INSERT INTO `+rtree+` SELECT rowid, ST_MinX(`+g+`), ST_MaxX(`+g+`), ST_MinY(`+g+`), ST_MaxY(`+g+`)
			FROM "`+table+`" WHERE `+g+` NOT NULL AND NOT ST_IsEmpty(`+g+`)`); err != nil {
			return fmt.Errorf("fill %s: %w", rtree, translate(err))
		}
	case err != sql.ErrNoRows:
		return translate(err)
	}
	var fts int
	if err := t.t.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?`, table+"_fts").Scan(&fts); err != nil {
		return translate(err)
	}
	if fts > 0 {
		name := `"` + table + `_fts"`
		if _, err := t.t.ExecContext(ctx, `INSERT INTO `+name+`(`+name+`) VALUES ('rebuild')`); err != nil {
			return fmt.Errorf("rebuild %s: %w", name, translate(err))
		}
	}
	return nil
}
