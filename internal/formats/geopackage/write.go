// Package geopackage reads and writes the OGC GeoPackage 1.3 format: the
// geometry blob, the SQL functions its R-tree triggers call, and whole
// files of layers for exports. The GeoPackage store (internal/store/gpkg)
// keeps its data in one such file.
package geopackage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"sync"

	"fmt"
	"os"
	"strings"

	"github.com/paulmach/orb"
	"modernc.org/sqlite"

	"github.com/placemap/placemap/internal/formats"
)

// ApplicationID is "GPKG" as the GeoPackage spec requires in the SQLite
// header; UserVersion 10300 declares GeoPackage 1.3.0.
const (
	ApplicationID = 0x47504B47
	UserVersion   = 10300
)

var registerOnce sync.Once
var registerErr error

// RegisterFunctions adds the SQL functions the GeoPackage R-tree triggers
// call. modernc's registry is process-wide, hence the Once.
func RegisterFunctions() error {
	registerOnce.Do(func() {
		bound := func(pick func(minx, maxx, miny, maxy float64) float64) func(*sqlite.FunctionContext, []driver.Value) (driver.Value, error) {
			return func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
				b, ok := args[0].([]byte)
				if !ok {
					return nil, nil
				}
				bd, empty, err := BlobBound(b)
				if err != nil || empty {
					return nil, nil
				}
				return pick(bd.Min[0], bd.Max[0], bd.Min[1], bd.Max[1]), nil
			}
		}
		fns := map[string]func(*sqlite.FunctionContext, []driver.Value) (driver.Value, error){
			"ST_MinX": bound(func(minx, _, _, _ float64) float64 { return minx }),
			"ST_MaxX": bound(func(_, maxx, _, _ float64) float64 { return maxx }),
			"ST_MinY": bound(func(_, _, miny, _ float64) float64 { return miny }),
			"ST_MaxY": bound(func(_, _, _, maxy float64) float64 { return maxy }),
			"ST_IsEmpty": func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
				b, ok := args[0].([]byte)
				if !ok {
					return nil, nil
				}
				_, empty, err := BlobBound(b)
				if err != nil {
					return nil, nil
				}
				if empty {
					return int64(1), nil
				}
				return int64(0), nil
			},
		}
		for name, fn := range fns {
			if err := sqlite.RegisterDeterministicScalarFunction(name, 1, fn); err != nil {
				registerErr = fmt.Errorf("register %s: %w", name, err)
				return
			}
		}
	})
	return registerErr
}

// WriteLayers writes layers to a new GeoPackage 1.3 file at path: a
// feature table per layer (EPSG:4326, with the R-tree spatial index),
// its title and sources in gpkg_contents, and an attribute table
// "sources" listing every source's attribution and licence by layer, so
// the credit travels with the file. The file is written whole or not at
// all: it is built beside path and renamed into place.
func WriteLayers(ctx context.Context, path string, layers ...formats.Layer) (err error) {
	if err := RegisterFunctions(); err != nil {
		return err
	}
	tmp := path + ".partial"
	_ = os.Remove(tmp)
	db, err := sql.Open("sqlite", "file:"+tmp+"?_pragma=journal_mode(OFF)&_pragma=synchronous(OFF)")
	if err != nil {
		return err
	}
	defer func() {
		if cerr := db.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			_ = os.Remove(tmp)
			return
		}
		err = os.Rename(tmp, path)
	}()
	db.SetMaxOpenConns(1)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d; PRAGMA user_version = %d", ApplicationID, UserVersion)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, exportCore); err != nil {
		return fmt.Errorf("GeoPackage tables: %w", err)
	}
	seen := map[string]bool{}
	for _, l := range layers {
		if seen[l.Name] || l.Name == "sources" || strings.HasPrefix(l.Name, "gpkg_") || strings.HasPrefix(l.Name, "rtree_") {
			return fmt.Errorf("layer name %q is taken", l.Name)
		}
		seen[l.Name] = true
		if err := writeLayer(ctx, tx, l); err != nil {
			return fmt.Errorf("layer %s: %w", l.Name, err)
		}
	}
	return tx.Commit()
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// writeLayer writes layer l: its feature table, its lines in the
// GeoPackage's own tables and in sources, its R-tree, and its rows.
func writeLayer(ctx context.Context, tx *sql.Tx, l formats.Layer) error {
	gtype := strings.ToUpper(l.GeometryType)
	if gtype == "" {
		gtype = "GEOMETRY"
	}
	names, err := createLayerTable(ctx, tx, l, gtype)
	if err != nil {
		return err
	}
	if err := registerLayer(ctx, tx, l, gtype); err != nil {
		return err
	}
	return writeRows(ctx, tx, l, names)
}

// createLayerTable creates l's feature table, of geometries of type gtype,
// and returns its columns as the rows fill them, quoted.
func createLayerTable(ctx context.Context, tx *sql.Tx, l formats.Layer, gtype string) ([]string, error) {
	cols := []string{"fid INTEGER PRIMARY KEY AUTOINCREMENT", "geom " + gtype, "id TEXT"}
	names := []string{"geom", "id"}
	for _, c := range l.Columns {
		if c.Name == "id" || c.Name == "fid" || c.Name == "geom" {
			return nil, fmt.Errorf("column name %q is reserved", c.Name)
		}
		cols = append(cols, quoteIdent(c.Name)+" "+string(c.Type))
		names = append(names, quoteIdent(c.Name))
	}
	if _, err := tx.ExecContext(ctx, "CREATE TABLE "+quoteIdent(l.Name)+" ("+strings.Join(cols, ", ")+")"); err != nil {
		return nil, err
	}
	return names, nil
}

// registerLayer enters layer l, of geometries of type gtype, in
// gpkg_contents, gpkg_geometry_columns and sources, and makes its R-tree
// with the triggers that fill it.
func registerLayer(ctx context.Context, tx *sql.Tx, l formats.Layer, gtype string) error {
	desc := l.Description
	if credit := l.Credit(); credit != "" {
		desc = strings.TrimSpace(desc + " Source: " + credit + ".")
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES (?, 'features', ?, ?, 4326)`,
		l.Name, l.Title, desc); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', ?, 4326, 0, 0)`, l.Name, gtype); err != nil {
		return err
	}
	rtree := quoteIdent("rtree_" + l.Name + "_geom")
	if _, err := tx.ExecContext(ctx, "CREATE VIRTUAL TABLE "+rtree+" USING rtree(id, minx, maxx, miny, maxy)"); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO gpkg_extensions VALUES (?, 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')`, l.Name); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, rtreeTriggers(l.Name)); err != nil {
		return fmt.Errorf("R-tree triggers: %w", err)
	}
	for _, s := range l.Sources {
		if _, err := tx.ExecContext(ctx, `INSERT INTO sources (layer, title, attribution, licence) VALUES (?, ?, ?, ?)`, l.Name, s.Title, s.Attribution, s.Licence); err != nil {
			return err
		}
	}
	return nil
}

// writeRows inserts l's rows into its table's columns names, and records
// their extent in gpkg_contents.
func writeRows(ctx context.Context, tx *sql.Tx, l formats.Layer, names []string) error {
	marks := strings.TrimSuffix(strings.Repeat("?,", len(names)), ",")
	ins, err := tx.PrepareContext(ctx, "INSERT INTO "+quoteIdent(l.Name)+" ("+strings.Join(names, ", ")+") VALUES ("+marks+")")
	if err != nil {
		return err
	}
	defer ins.Close()
	var extent orb.Bound
	n := 0
	args := make([]any, len(names))
	err = l.Rows(func(r formats.Row) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		blob, err := EncodeGeometry(r.Geometry)
		if err != nil {
			return fmt.Errorf("feature %d (%s): %w", n, r.ID, err)
		}
		args[0], args[1] = blob, r.ID
		for i := range l.Columns {
			args[i+2] = nil
			if i < len(r.Values) {
				args[i+2] = r.Values[i]
			}
		}
		if _, err := ins.ExecContext(ctx, args...); err != nil { // the triggers index it
			return fmt.Errorf("feature %d (%s): %w", n, r.ID, err)
		}
		b := r.Geometry.Bound()
		if n == 0 {
			extent = b
		} else {
			extent = extent.Union(b)
		}
		n++
		return nil
	})
	if err != nil {
		return err
	}
	if n > 0 {
		_, err = tx.ExecContext(ctx, `UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ? WHERE table_name = ?`,
			extent.Min[0], extent.Min[1], extent.Max[0], extent.Max[1], l.Name)
	}
	return err
}

// exportCore is the GeoPackage 1.3 core an export needs, and the sources
// table.
const exportCore = `
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
INSERT INTO gpkg_spatial_ref_sys VALUES
 ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
 ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
 ('WGS 84 geodetic', 4326, 'EPSG', 4326, 'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]', 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');
CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE, description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL,
  z TINYINT NOT NULL, m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name), CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
CREATE TABLE gpkg_extensions (
  table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, definition TEXT NOT NULL, scope TEXT NOT NULL,
  CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
CREATE TABLE sources (fid INTEGER PRIMARY KEY AUTOINCREMENT, layer TEXT NOT NULL, title TEXT NOT NULL DEFAULT '',
  attribution TEXT NOT NULL DEFAULT '', licence TEXT NOT NULL DEFAULT '');
INSERT INTO gpkg_contents (table_name, data_type, identifier, description) VALUES
 ('sources', 'attributes', 'sources', 'where the data of each layer comes from: attribution and licence');
`

// rtreeTriggers are the GeoPackage 1.3 R-tree triggers (Annex F.3) for a
// table's geom column, as the store's own migration has them.
func rtreeTriggers(table string) string {
	t := quoteIdent(table)
	r := quoteIdent("rtree_" + table + "_geom")
	name := func(suffix string) string { return quoteIdent("rtree_" + table + "_geom_" + suffix) }
	values := "(NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom))"
	return `
CREATE TRIGGER ` + name("insert") + ` AFTER INSERT ON ` + t + `
WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN INSERT OR REPLACE INTO ` + r + ` VALUES ` + values + `; END;
CREATE TRIGGER ` + name("update1") + ` AFTER UPDATE OF geom ON ` + t + `
WHEN OLD.fid = NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN INSERT OR REPLACE INTO ` + r + ` VALUES ` + values + `; END;
CREATE TRIGGER ` + name("update2") + ` AFTER UPDATE OF geom ON ` + t + `
WHEN OLD.fid = NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN DELETE FROM ` + r + ` WHERE id = OLD.fid; END;
CREATE TRIGGER ` + name("update3") + ` AFTER UPDATE ON ` + t + `
WHEN OLD.fid != NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN DELETE FROM ` + r + ` WHERE id = OLD.fid; INSERT OR REPLACE INTO ` + r + ` VALUES ` + values + `; END;
CREATE TRIGGER ` + name("update4") + ` AFTER UPDATE ON ` + t + `
WHEN OLD.fid != NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN DELETE FROM ` + r + ` WHERE id IN (OLD.fid, NEW.fid); END;
CREATE TRIGGER ` + name("delete") + ` AFTER DELETE ON ` + t + `
WHEN old.geom NOT NULL
BEGIN DELETE FROM ` + r + ` WHERE id = OLD.fid; END;
`
}
