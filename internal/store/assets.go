package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/paulmach/orb"

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

// AssetCells counts the assets whose location lies in q.BBox by cell of
// q's grid and category, in no order; cells without assets are left out.
func (db *DB) AssetCells(ctx context.Context, q CellQuery) ([]AssetCell, error) {
	if err := q.Check(); err != nil {
		return nil, err
	}
	b := q.BBox
	w, h := b.Max[0]-b.Min[0], b.Max[1]-b.Min[1]
	rows, err := db.d.Conns.Reads().Query(ctx, db.d.Index.AssetCells(),
		b.Min[0], b.Min[1], w, h, float64(q.Cols), float64(q.Rows), q.Cols-1, q.Rows-1, b.Max[0], b.Max[1])
	out, err := collect(rows, err, func(r Row) (AssetCell, error) {
		var c AssetCell
		err := r.Scan(&c.Col, &c.Row, &c.Category, &c.Count, &c.SumLon, &c.SumLat)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("asset cells: %w", err)
	}
	return out, nil
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
