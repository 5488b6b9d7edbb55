package store

import (
	"context"
	"fmt"
	"time"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/place"
)

// BasemapFeature is one feature of the street basemap in one zoom band.
type BasemapFeature struct {
	// Band and LastBand are the zoom bands (basemap.Bands) it is simplified
	// for: the same geometry serves each band from Band to LastBand.
	Band, LastBand int
	MinZoom        int    // the first zoom it shows at
	Layer          string // roads, paths, railways, waterways, water, landuse, buildings, places
	Class          string // what kind within the layer: motorway, footway, river, park…
	Name           string
	Ref            string
	Geometry       orb.Geometry // WGS84
}

// BasemapName is one row of basemap_names: a street (one name along one
// stretch of town) or a named place, as search reads them.
type BasemapName struct {
	Kind  string // street or place
	Class string // the road class or the place type
	Name  string
	Ref   string
	Point orb.Point // a point on the street near its middle; the place node
	BBox  orb.Bound // the whole stretch
}

// BasemapInfo says what the basemap was made from.
type BasemapInfo struct {
	Source     string // the file's name
	ImportedAt time.Time
	Features   int       // rows of basemap_features, over all bands
	Bounds     orb.Bound // of what it draws
}

// BasemapQuery selects the features one tile of the basemap shows.
type BasemapQuery struct {
	Band int
	Zoom int // features whose MinZoom is deeper are left out
	BBox orb.Bound
}

// BasemapWriter adds to the basemap an import is replacing, inside its
// transaction.
type BasemapWriter struct {
	ctx      context.Context
	tx       *Tx
	insert   string
	features int
	pending  [][]any
}

// ReplaceBasemap replaces the whole basemap — features, names and info —
// with what fill writes, in one transaction: if fill (or a write) fails,
// the previous basemap stays as it was. fill returns the info to record;
// its Features count is filled in here.
func (db *DB) ReplaceBasemap(ctx context.Context, fill func(w *BasemapWriter) (BasemapInfo, error)) error {
	return db.writeBulk(ctx, func(tx *Tx) error {
		tx.tiles(BasemapTiles)
		var rebuilds []func(context.Context) error
		for _, t := range []string{"basemap_features", "basemap_names", "basemap_info"} {
			if s, ok := tx.TxConn.(IndexSetAside); ok && t != "basemap_info" {
				rebuild, err := s.SetAside(ctx, t)
				if err != nil {
					return fmt.Errorf("set aside the indexes of %s: %w", t, err)
				}
				rebuilds = append(rebuilds, rebuild)
			}
			if _, err := tx.Exec(ctx, "DELETE FROM "+t); err != nil {
				return fmt.Errorf("clear %s: %w", t, err)
			}
		}
		w := &BasemapWriter{ctx: ctx, tx: tx, insert: `INSERT INTO basemap_features (band, last_band, min_zoom, layer, class, name, ref, geom)
			VALUES ($1, $2, $3, $4, $5, $6, $7, ` + tx.d.Geometry.In("$8") + `)`}
		info, err := fill(w)
		if err != nil {
			return err
		}
		if err := w.flush(); err != nil {
			return err
		}
		for _, rebuild := range rebuilds {
			if err := rebuild(ctx); err != nil {
				return fmt.Errorf("rebuild basemap indexes: %w", err)
			}
		}
		info.Features = w.features
		if info.ImportedAt.IsZero() {
			info.ImportedAt = tx.now
		}
		b := info.Bounds
		_, err = tx.Exec(ctx, `INSERT INTO basemap_info (id, source, imported_at, features, min_lon, min_lat, max_lon, max_lat)
			VALUES (1, $1, $2, $3, $4, $5, $6, $7)`, info.Source, dbTime(info.ImportedAt), info.Features, b.Min[0], b.Min[1], b.Max[0], b.Max[1])
		if err != nil {
			return fmt.Errorf("write basemap info: %w", err)
		}
		return nil
	})
}

// Add writes features, in batches.
func (w *BasemapWriter) Add(fs ...BasemapFeature) error {
	for _, f := range fs {
		g, err := w.tx.d.Geometry.Encode(f.Geometry)
		if err != nil {
			return fmt.Errorf("basemap %s %s %q: %w", f.Layer, f.Class, f.Name, err)
		}
		w.pending = append(w.pending, []any{f.Band, max(f.Band, f.LastBand), f.MinZoom, f.Layer, f.Class, f.Name, f.Ref, g})
		w.features++
		if len(w.pending) >= 1000 {
			if err := w.flush(); err != nil {
				return err
			}
		}
	}
	return nil
}

func (w *BasemapWriter) flush() error {
	if err := w.tx.ExecBatch(w.ctx, w.insert, w.pending); err != nil {
		return fmt.Errorf("write basemap features: %w", err)
	}
	w.pending = w.pending[:0]
	return nil
}

// Names writes rows of basemap_names.
func (w *BasemapWriter) Names(names []BasemapName) error {
	rows := make([][]any, 0, len(names))
	for _, n := range names {
		if n.Kind != "street" && n.Kind != "place" {
			return place.Errorf(place.EINVALID, "basemap name %q: kind %q, want street or place", n.Name, n.Kind)
		}
		rows = append(rows, []any{n.Kind, n.Class, n.Name, n.Ref, n.Point[0], n.Point[1], n.BBox.Min[0], n.BBox.Min[1], n.BBox.Max[0], n.BBox.Max[1]})
	}
	err := w.tx.ExecBatch(w.ctx, `INSERT INTO basemap_names (kind, class, name, ref, lon, lat, min_lon, min_lat, max_lon, max_lat)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, rows)
	if err != nil {
		return fmt.Errorf("write basemap names: %w", err)
	}
	return nil
}

// Basemap says what the basemap was made from; ENOTFOUND when there is
// none.
func (db *DB) Basemap(ctx context.Context) (BasemapInfo, error) {
	var info BasemapInfo
	b := &info.Bounds
	err := db.d.Conns.Reads().QueryRow(ctx, `SELECT source, imported_at, features, min_lon, min_lat, max_lon, max_lat
		FROM basemap_info WHERE id = 1`).Scan(&info.Source, timeScan{&info.ImportedAt}, &info.Features, &b.Min[0], &b.Min[1], &b.Max[0], &b.Max[1])
	if noRows(err) {
		return info, place.Errorf(place.ENOTFOUND, "no basemap: import one with placemap import basemap FILE.osm.pbf")
	}
	if err != nil {
		return info, fmt.Errorf("read basemap info: %w", err)
	}
	return info, nil
}

// BasemapFeatures returns the features serving q's band and zoom whose
// bounding box meets q's box, in the order they were written.
func (db *DB) BasemapFeatures(ctx context.Context, q BasemapQuery) ([]BasemapFeature, error) {
	var a args
	box := [4]string{a.add(q.BBox.Min[0]), a.add(q.BBox.Min[1]), a.add(q.BBox.Max[0]), a.add(q.BBox.Max[1])}
	from, where := db.d.Index.BoxFrom("basemap_features", "f", box)
	band := a.add(q.Band)
	query := `SELECT f.band, f.last_band, f.min_zoom, f.layer, f.class, f.name, f.ref, ` + db.d.Geometry.Out("f.geom") +
		` FROM ` + from + ` WHERE ` + where + ` AND f.band <= ` + band + ` AND f.last_band >= ` + band +
		` AND f.min_zoom <= ` + a.add(q.Zoom) + ` ORDER BY f.fid`
	rows, err := db.d.Conns.Reads().Query(ctx, query, a...)
	out, err := collect(rows, err, func(r Row) (BasemapFeature, error) {
		var f BasemapFeature
		var g []byte
		if err := r.Scan(&f.Band, &f.LastBand, &f.MinZoom, &f.Layer, &f.Class, &f.Name, &f.Ref, &g); err != nil {
			return f, err
		}
		geom, err := db.d.Geometry.Decode(g)
		f.Geometry = geom
		return f, err
	})
	if err != nil {
		return nil, fmt.Errorf("read basemap features: %w", err)
	}
	return out, nil
}

// BasemapNames returns every row of basemap_names, streets then places,
// by name.
func (db *DB) BasemapNames(ctx context.Context) ([]BasemapName, error) {
	rows, err := db.d.Conns.Reads().Query(ctx, `SELECT kind, class, name, ref, lon, lat, min_lon, min_lat, max_lon, max_lat
		FROM basemap_names ORDER BY kind DESC, name, id`)
	out, err := collect(rows, err, func(r Row) (BasemapName, error) {
		var n BasemapName
		err := r.Scan(&n.Kind, &n.Class, &n.Name, &n.Ref, &n.Point[0], &n.Point[1], &n.BBox.Min[0], &n.BBox.Min[1], &n.BBox.Max[0], &n.BBox.Max[1])
		return n, err
	})
	if err != nil {
		return nil, fmt.Errorf("read basemap names: %w", err)
	}
	return out, nil
}
