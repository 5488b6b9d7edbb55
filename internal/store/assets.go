package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/placemap/placemap/internal/place"
)

func (db *DB) scanAsset(r Row) (place.Asset, error) { return db.scanAssetInto(r, newAssetRow()) }

// assetRow is where an asset's columns are scanned: a query of many rows
// scans every row into one, rather than making a list of destinations per
// row.
type assetRow struct {
	a            place.Asset
	status, tags string
	blob         []byte
	dest         []any
}

func newAssetRow() *assetRow {
	r := &assetRow{}
	a := &r.a
	r.dest = []any{&a.FID, &a.ID, &a.Name, &a.Category, &r.status, &a.Address, &a.Postcode, &a.OpeningHours, &a.Phone,
		&a.Email, &a.Website, &a.Operator, &r.tags, &a.Source, &a.SourceID, &a.Licence, &a.Attribution, &a.Version,
		timeScan{&a.UpdatedAt}, &r.blob, timeScan{&a.LastReviewed}}
	return r
}

func (db *DB) scanAssetInto(r Row, row *assetRow) (place.Asset, error) {
	if err := r.Scan(row.dest...); err != nil {
		return place.Asset{}, err
	}
	a := row.a
	a.Status = place.Status(row.status)
	if err := json.Unmarshal([]byte(row.tags), &a.Tags); err != nil {
		return a, fmt.Errorf("asset %s: tags: %w", a.ID, err)
	}
	var err error
	if a.Geometry, err = db.d.Geometry.Decode(row.blob); err != nil {
		return a, fmt.Errorf("asset %s: %w", a.ID, err)
	}
	return a, nil
}

// Asset returns one asset; ENOTFOUND.
func (db *DB) Asset(ctx context.Context, id string) (place.Asset, error) {
	return db.asset(ctx, db.d.Conns.Reads(), id)
}

func (db *DB) asset(ctx context.Context, c Conn, id string) (place.Asset, error) {
	a, err := db.scanAsset(c.QueryRow(ctx, `SELECT `+db.q.assetColumns+` FROM assets a WHERE a.id = $1`, id))
	if noRows(err) {
		return a, place.Errorf(place.ENOTFOUND, "no asset %q", id)
	}
	if err != nil {
		return a, fmt.Errorf("asset %s: %w", id, err)
	}
	return a, nil
}

// Assets lists the assets matching q, ordered by name then id, with how
// many match in all (unless q.NoCount).
func (db *DB) Assets(ctx context.Context, q AssetQuery) (AssetPage, error) {
	var page AssetPage
	sq := db.q.assets[assetFilters(q)]
	a := assetArgs(q)
	if !q.NoCount {
		if err := db.d.Conns.Reads().QueryRow(ctx, sq.count, a...).Scan(&page.Matched); err != nil {
			return page, fmt.Errorf("count assets: %w", err)
		}
	}
	limit, offset := Page(q.Limit, q.Offset)
	rows, err := db.d.Conns.Reads().Query(ctx, sq.list, append(a, limit, offset)...)
	row := newAssetRow()
	assets, err := collect(rows, err, func(r Row) (place.Asset, error) { return db.scanAssetInto(r, row) })
	if err != nil {
		return page, fmt.Errorf("list assets: %w", err)
	}
	page.Assets = assets
	return page, nil
}

// AssetCells counts the assets of each category in each cell of q's tile,
// in no order; cells without assets are left out. It reads the cells kept
// in asset_cells (cells.go) at the first level kept at or below the cells'
// zoom, summing each cell's 2^k × 2^k cells there. EINVALID for a bad query.
func (db *DB) AssetCells(ctx context.Context, q CellQuery) ([]AssetCell, error) {
	if err := q.Check(); err != nil {
		return nil, err
	}
	want := int(q.Tile.Z) + q.Depth
	level := MaxCellLevel
	for _, l := range cellLevels {
		if l >= want {
			level = l
			break
		}
	}
	r := readCells(q.Tile, level)
	query, args := db.q.cells.read, []any{level, r.kx0, r.ky0, r.x0, r.x1, r.y0, r.y1}
	if r.kx1-r.kx0 > 1 || r.ky1-r.ky0 > 1 {
		query, args = db.q.cells.readBlocks, append(args, r.kx1, r.ky1)
	}
	rows, err := db.d.Conns.Reads().Query(ctx, query, args...)
	type key struct {
		col, row int
		category string
	}
	sums := map[key]*cellSum{}
	shift := level - want
	_, err = collect(rows, err, func(row Row) (struct{}, error) {
		var x, y int
		var c cellSum
		var cat string
		if err := row.Scan(&x, &y, &cat, &c.n, &c.lon, &c.lat); err != nil {
			return struct{}{}, err
		}
		k := key{x>>shift - r.x0>>shift, y>>shift - r.y0>>shift, cat}
		if s := sums[k]; s != nil {
			s.n, s.lon, s.lat = s.n+c.n, s.lon+c.lon, s.lat+c.lat
		} else {
			sums[k] = &c
		}
		return struct{}{}, nil
	})
	if err != nil {
		return nil, fmt.Errorf("asset cells of %d/%d/%d: %w", q.Tile.Z, q.Tile.X, q.Tile.Y, err)
	}
	out := make([]AssetCell, 0, len(sums))
	for k, s := range sums {
		out = append(out, AssetCell{Col: k.col, Row: k.row, Category: k.category, Count: int(s.n),
			SumLon: float64(s.lon) / cellUnits, SumLat: float64(s.lat) / cellUnits})
	}
	return out, nil
}

// cellSum is a cell's count and sums of longitude and latitude (units of
// 1e-7 degree).
type cellSum struct{ n, lon, lat int64 }

// cellRange is where a tile's cells lie at a level: x in [x0, x1), y in
// [y0, y1), in the blocks kx in [kx0, kx1), ky in [ky0, ky1).
type cellRange struct{ x0, x1, y0, y1, kx0, kx1, ky0, ky1 int }

func readCells(t maptile.Tile, level int) cellRange {
	d := level - int(t.Z)
	r := cellRange{x0: int(t.X) << d, x1: int(t.X+1) << d, y0: int(t.Y) << d, y1: int(t.Y+1) << d}
	r.kx0, r.ky0 = r.x0>>cellBlock, r.y0>>cellBlock
	r.kx1, r.ky1 = (r.x1-1)>>cellBlock+1, (r.y1-1)>>cellBlock+1
	return r
}

// AssetStats counts assets and lists their extent, attributions and
// licences (byte order, whatever the database's collation).
func (db *DB) AssetStats(ctx context.Context) (AssetStats, error) {
	var st AssetStats
	var minx, miny, maxx, maxy sql.NullFloat64
	b := db.d.Geometry.Bounds("geom")
	// From the geometries themselves: the GeoPackage's R-tree holds 32-bit floats.
	err := db.d.Conns.Reads().QueryRow(ctx, `SELECT count(*), min(`+b[0]+`), min(`+b[1]+`), max(`+b[2]+`), max(`+b[3]+`) FROM assets`).
		Scan(&st.Count, &minx, &miny, &maxx, &maxy)
	if err != nil {
		return st, fmt.Errorf("asset stats: %w", err)
	}
	if st.Count > 0 && minx.Valid {
		st.BBox = orb.Bound{Min: orb.Point{minx.Float64, miny.Float64}, Max: orb.Point{maxx.Float64, maxy.Float64}}
	}
	for col, dst := range map[string]*[]string{"attribution": &st.Attributions, "licence": &st.Licences} {
		rows, err := db.d.Conns.Reads().Query(ctx, `SELECT DISTINCT `+col+` FROM assets WHERE `+col+` <> ''`)
		vals, err := collect(rows, err, func(r Row) (string, error) {
			var v string
			err := r.Scan(&v)
			return v, err
		})
		if err != nil {
			return st, fmt.Errorf("asset stats: %w", err)
		}
		sort.Strings(vals)
		*dst = vals
	}
	return st, nil
}

// Memberships lists the area of every set that holds the asset, in the
// order of the sets; ENOTFOUND for an unknown asset.
func (db *DB) Memberships(ctx context.Context, assetID string) ([]place.Membership, error) {
	if _, err := db.Asset(ctx, assetID); err != nil {
		return nil, err
	}
	rows, err := db.d.Conns.Reads().Query(ctx, sqlMemberships, assetID)
	out, err := collect(rows, err, func(r Row) (place.Membership, error) {
		var m place.Membership
		err := r.Scan(&m.AssetID, &m.Set, &m.SetTitle, &m.Code, &m.Name)
		return m, err
	})
	if err != nil {
		return nil, fmt.Errorf("memberships of %s: %w", assetID, err)
	}
	return out, nil
}

// AssetShape is an asset as its tile layer draws it: its feature id, the
// properties a tile carries and its geometry.
type AssetShape struct {
	FID                int64
	ID, Name, Category string
	Status             place.Status
	Geometry           orb.Geometry
}

// EachAssetShape hands yield every asset as tiles draw it (AssetShape), in
// no order: all Assets can answer a tile with, for a renderer that keeps
// the assets in memory. It is one statement; a write meanwhile is the
// caller's to notice (the assets' tile version moves). An error from
// yield stops the read and is returned.
func (db *DB) EachAssetShape(ctx context.Context, yield func(AssetShape) error) error {
	rows, err := db.d.Conns.Reads().Query(ctx, `SELECT a.fid, a.id, a.name, a.category, a.status, `+db.d.Geometry.Out("a.geom")+` FROM assets a`)
	if err != nil {
		return fmt.Errorf("asset shapes: %w", err)
	}
	defer rows.Close()
	var s AssetShape
	var status string
	var blob []byte
	dest := []any{&s.FID, &s.ID, &s.Name, &s.Category, &status, &blob}
	for rows.Next() {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("asset shapes: %w", err)
		}
		s.Status = place.Status(status)
		if s.Geometry, err = db.d.Geometry.Decode(blob); err != nil {
			return fmt.Errorf("asset shapes: asset %s: %w", s.ID, err)
		}
		if err := yield(s); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("asset shapes: %w", err)
	}
	return nil
}
