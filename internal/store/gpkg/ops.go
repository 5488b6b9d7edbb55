package gpkg

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/formats/geopackage"
	"github.com/placemap/placemap/internal/geo"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

const timeFormat = "2006-01-02T15:04:05.000Z"

// readTime reads a DATETIME column: the driver hands back a time.Time when
// the column's declared type is DATETIME, and text otherwise.
func readTime(v any) (time.Time, error) {
	switch t := v.(type) {
	case time.Time:
		return t.UTC(), nil
	case string:
		return time.Parse(timeFormat, t)
	case []byte:
		return time.Parse(timeFormat, string(t))
	}
	return time.Time{}, fmt.Errorf("unexpected %T", v)
}

func now() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

// placeAsset records the area of every set (or just onlySet) that holds pt.
// placeQuery finds the areas whose bounding box holds a point. CROSS JOIN
// keeps the R-tree as the outer loop (SQLite's join-order hint).
const placeQuery = `SELECT a.set_slug, a.code, a.name, a.geom FROM rtree_areas_geom r CROSS JOIN areas a ON a.fid = r.id
		WHERE r.minx <= ? AND r.maxx >= ? AND r.miny <= ? AND r.maxy >= ?`

const membershipInsert = `INSERT INTO memberships (geom, asset_id, set_slug, area_code) VALUES (?,?,?,?)
			ON CONFLICT (asset_id, set_slug) DO UPDATE SET area_code = excluded.area_code, geom = excluded.geom`

// placeStmts are placeAsset's statements, prepared once for a transaction
// that places many assets (an import): parsing them for every asset cost
// more than running them.
type placeStmts struct{ query, querySet, insert *sql.Stmt }

func preparePlace(ctx context.Context, tx *sql.Tx) (*placeStmts, error) {
	var ps placeStmts
	var err error
	if ps.query, err = tx.PrepareContext(ctx, placeQuery); err != nil {
		return nil, err
	}
	if ps.querySet, err = tx.PrepareContext(ctx, placeQuery+` AND a.set_slug = ?`); err != nil {
		ps.close()
		return nil, err
	}
	if ps.insert, err = tx.PrepareContext(ctx, membershipInsert); err != nil {
		ps.close()
		return nil, err
	}
	return &ps, nil
}

func (ps *placeStmts) close() {
	for _, st := range []*sql.Stmt{ps.query, ps.querySet, ps.insert} {
		if st != nil {
			st.Close()
		}
	}
}

func placeAsset(ctx context.Context, tx *sql.Tx, assetID string, pt orb.Point, onlySet string) (int, error) {
	return placeAssetWith(ctx, tx, nil, assetID, pt, onlySet)
}

// placeAssetWith is placeAsset with statements prepared by preparePlace
// (nil to prepare none).
func placeAssetWith(ctx context.Context, tx *sql.Tx, ps *placeStmts, assetID string, pt orb.Point, onlySet string) (int, error) {
	args := []any{pt[0], pt[0], pt[1], pt[1]}
	q := placeQuery
	if onlySet != "" {
		q += ` AND a.set_slug = ?`
		args = append(args, onlySet)
	}
	var rows *sql.Rows
	var err error
	switch {
	case ps != nil && onlySet == "":
		rows, err = ps.query.QueryContext(ctx, args...)
	case ps != nil:
		rows, err = ps.querySet.QueryContext(ctx, args...)
	default:
		rows, err = tx.QueryContext(ctx, q, args...)
	}
	if err != nil {
		return 0, fmt.Errorf("place asset %s: %w", assetID, err)
	}
	bySet := map[string][]place.Candidate{}
	var order []string
	for rows.Next() {
		var set string
		var c place.Candidate
		var blob []byte
		if err := rows.Scan(&set, &c.Code, &c.Name, &blob); err != nil {
			rows.Close()
			return 0, err
		}
		g, err := geopackage.DecodeGeometry(blob)
		if err != nil {
			rows.Close()
			return 0, fmt.Errorf("area %s/%s: %w", set, c.Code, err)
		}
		c.Geometry, _ = g.(orb.MultiPolygon)
		if _, ok := bySet[set]; !ok {
			order = append(order, set)
		}
		bySet[set] = append(bySet[set], c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	ptBlob, err := geopackage.EncodeGeometry(pt)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, set := range order {
		c, ok := place.Locate(pt, bySet[set])
		if !ok {
			continue
		}
		var err error
		if ps != nil {
			_, err = ps.insert.ExecContext(ctx, ptBlob, assetID, set, c.Code)
		} else {
			_, err = tx.ExecContext(ctx, membershipInsert, ptBlob, assetID, set, c.Code)
		}
		if err != nil {
			return 0, fmt.Errorf("record membership of %s in %s: %w", assetID, set, err)
		}
		n++
	}
	return n, nil
}

// addAssetRevision records an asset with its geometry, so the revision
// can be restored.
func addAssetRevision(ctx context.Context, tx *sql.Tx, action string, a place.Asset) error {
	rec, err := store.NewAssetRecord(a)
	if err != nil {
		return err
	}
	return addRevision(ctx, tx, "asset", a.ID, action, rec)
}

func addRevision(ctx context.Context, tx *sql.Tx, entity, id, action string, data any) error {
	b, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("revision of %s %s: %w", entity, id, err)
	}
	ch := store.ChangeOf(ctx)
	_, err = tx.ExecContext(ctx, `INSERT INTO revisions (entity, entity_id, action, author, comment, data, created_at) VALUES (?,?,?,?,?,?,?)`,
		entity, id, action, ch.Author, ch.Comment, string(b), now().Format(timeFormat))
	if err != nil {
		return fmt.Errorf("revision of %s %s: %w", entity, id, err)
	}
	return nil
}

func nonNilMap[V any](m map[string]V) map[string]V {
	if m == nil {
		return map[string]V{}
	}
	return m
}

const setColumns = `slug, title, kind, publisher, release_date, licence, attribution, source, description, area_count, created_at, extent, code_field, name_field, provenance, coalesce((SELECT r.series FROM set_releases r WHERE r.set_slug = boundary_sets.slug), ''),
	coalesce((SELECT x.current_set FROM set_releases r JOIN series x ON x.slug = r.series WHERE r.set_slug = boundary_sets.slug), '')`

func scanSet(sc interface{ Scan(...any) error }) (place.SetSummary, error) {
	var ss place.SetSummary
	var kind string
	var created any
	var extent []byte
	var current, provenance string
	err := sc.Scan(&ss.Slug, &ss.Title, &kind, &ss.Publisher, &ss.ReleaseDate, &ss.Licence, &ss.Attribution,
		&ss.Source, &ss.Description, &ss.AreaCount, &created, &extent, &ss.CodeField, &ss.NameField, &provenance, &ss.Series, &current)
	if err != nil {
		return ss, err
	}
	if ss.Provenance, err = store.DecodeProvenance(provenance); err != nil {
		return ss, fmt.Errorf("set %s: %w", ss.Slug, err)
	}
	ss.Current = ss.Series == "" || current == ss.Slug
	ss.Kind = place.Kind(kind)
	if ss.CreatedAt, err = readTime(created); err != nil {
		return ss, fmt.Errorf("set %s: created_at: %w", ss.Slug, err)
	}
	if extent != nil {
		if b, empty, err := geopackage.BlobBound(extent); err == nil && !empty {
			ss.BBox = b
		}
	}
	return ss, nil
}

func scanArea(sc interface{ Scan(...any) error }) (place.Area, error) {
	var a place.Area
	var blob []byte
	var props string
	if err := sc.Scan(&a.ID, &a.Set, &a.Code, &a.Name, &props, &blob); err != nil {
		return a, err
	}
	g, err := geopackage.DecodeGeometry(blob)
	if err != nil {
		return a, fmt.Errorf("area %s/%s: %w", a.Set, a.Code, err)
	}
	mp, ok := g.(orb.MultiPolygon)
	if !ok {
		return a, fmt.Errorf("area %s/%s: geometry is %s, not MultiPolygon", a.Set, a.Code, g.GeoJSONType())
	}
	a.Geometry = mp
	if err := json.Unmarshal([]byte(props), &a.Properties); err != nil {
		return a, fmt.Errorf("area %s/%s: properties: %w", a.Set, a.Code, err)
	}
	return a, nil
}

const assetColumns = `a.fid, a.id, a.name, a.category, a.status, a.address, a.postcode, a.opening_hours, a.phone,
	a.email, a.website, a.operator, a.tags, a.source, a.source_id, a.licence, a.attribution, a.version, a.updated_at, a.geom, a.last_reviewed`

func scanAsset(sc interface{ Scan(...any) error }) (place.Asset, error) {
	var a place.Asset
	var status, tags string
	var updated, reviewed any
	var blob []byte
	err := sc.Scan(&a.FID, &a.ID, &a.Name, &a.Category, &status, &a.Address, &a.Postcode, &a.OpeningHours, &a.Phone,
		&a.Email, &a.Website, &a.Operator, &tags, &a.Source, &a.SourceID, &a.Licence, &a.Attribution, &a.Version, &updated, &blob, &reviewed)
	if err != nil {
		return a, err
	}
	a.Status = place.Status(status)
	if a.UpdatedAt, err = readTime(updated); err != nil {
		return a, fmt.Errorf("asset %s: updated_at: %w", a.ID, err)
	}
	if reviewed != nil {
		if a.LastReviewed, err = readTime(reviewed); err != nil {
			return a, fmt.Errorf("asset %s: last_reviewed: %w", a.ID, err)
		}
	}
	if err := json.Unmarshal([]byte(tags), &a.Tags); err != nil {
		return a, fmt.Errorf("asset %s: tags: %w", a.ID, err)
	}
	if a.Geometry, err = geopackage.DecodeGeometry(blob); err != nil {
		return a, fmt.Errorf("asset %s: %w", a.ID, err)
	}
	return a, nil
}

// insertAssets is the body of AddAssets, for use inside a transaction.
func insertAssets(ctx context.Context, tx *sql.Tx, assets []place.Asset, rep *store.ImportReport) error {
	ins, err := tx.PrepareContext(ctx, `INSERT INTO assets (geom, id, name, category, status, address, postcode,
		opening_hours, phone, email, website, operator, tags, source, source_id, licence, attribution, lon, lat, updated_at, version, name_key)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`)
	if err != nil {
		return err
	}
	defer ins.Close()
	ps, err := preparePlace(ctx, tx)
	if err != nil {
		return err
	}
	defer ps.close()
	exists, err := tx.PrepareContext(ctx, `SELECT count(*) FROM assets WHERE id = ?`)
	if err != nil {
		return err
	}
	defer exists.Close()
	for i := range assets {
		a := &assets[i]
		if a.UpdatedAt.IsZero() {
			a.UpdatedAt = now()
		}
		if a.Version <= 0 {
			a.Version = 1
		}
		var n int
		if err := exists.QueryRowContext(ctx, a.ID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return place.Errorf(place.ECONFLICT, "asset %d (%q): id %s exists already", i, a.Name, a.ID)
		}
		g, err := geopackage.EncodeGeometry(a.Geometry)
		if err != nil {
			return fmt.Errorf("asset %d (%q): %w", i, a.Name, err)
		}
		tags, err := json.Marshal(nonNilMap(a.Tags))
		if err != nil {
			return fmt.Errorf("asset %d (%q): tags: %w", i, a.Name, err)
		}
		pt := geo.PointOnSurface(a.Geometry)
		_, err = ins.ExecContext(ctx, g, a.ID, a.Name, a.Category, string(a.Status), a.Address, a.Postcode,
			a.OpeningHours, a.Phone, a.Email, a.Website, a.Operator, string(tags), a.Source, a.SourceID,
			a.Licence, a.Attribution, pt[0], pt[1], a.UpdatedAt.Format(timeFormat), a.Version, store.NameKey(a.Name))
		if err != nil {
			return fmt.Errorf("insert asset %d (%q): %w", i, a.Name, translate(err))
		}
		n, err = placeAssetWith(ctx, tx, ps, a.ID, pt, "")
		if err != nil {
			return err
		}
		rep.Memberships += n
		if err := addAssetRevision(ctx, tx, "create", *a); err != nil {
			return err
		}
	}
	rep.Assets = len(assets)
	return nil
}

// updateAssetTx is the body of UpdateAsset, for use inside a transaction.
func updateAssetTx(ctx context.Context, tx *sql.Tx, a *place.Asset, ifVersion int64) error {
	g, err := geopackage.EncodeGeometry(a.Geometry)
	if err != nil {
		return err
	}
	tags, err := json.Marshal(nonNilMap(a.Tags))
	if err != nil {
		return fmt.Errorf("asset %s: tags: %w", a.ID, err)
	}
	pt := geo.PointOnSurface(a.Geometry)
	res, err := tx.ExecContext(ctx, `UPDATE assets SET geom = ?, name = ?, category = ?, status = ?, address = ?,
		postcode = ?, opening_hours = ?, phone = ?, email = ?, website = ?, operator = ?, tags = ?, source = ?,
		source_id = ?, licence = ?, attribution = ?, lon = ?, lat = ?, updated_at = ?, version = version + 1, name_key = ?
		WHERE id = ? AND version = ?`,
		g, a.Name, a.Category, string(a.Status), a.Address, a.Postcode, a.OpeningHours, a.Phone, a.Email,
		a.Website, a.Operator, string(tags), a.Source, a.SourceID, a.Licence, a.Attribution, pt[0], pt[1],
		a.UpdatedAt.Format(timeFormat), store.NameKey(a.Name), a.ID, ifVersion)
	if err != nil {
		return fmt.Errorf("update asset %s: %w", a.ID, translate(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var current int64
		err := tx.QueryRowContext(ctx, `SELECT version FROM assets WHERE id = ?`, a.ID).Scan(&current)
		if errors.Is(err, sql.ErrNoRows) {
			return place.Errorf(place.ENOTFOUND, "no asset %q", a.ID)
		}
		if err != nil {
			return err
		}
		return place.Errorf(place.ECONFLICT, "asset %s is at version %d, not %d: someone else changed it", a.ID, current, ifVersion)
	}
	a.Version = ifVersion + 1
	if _, err := tx.ExecContext(ctx, `DELETE FROM memberships WHERE asset_id = ?`, a.ID); err != nil {
		return fmt.Errorf("update asset %s: %w", a.ID, err)
	}
	if _, err := placeAsset(ctx, tx, a.ID, pt, ""); err != nil {
		return err
	}
	return addAssetRevision(ctx, tx, "update", *a)
}
