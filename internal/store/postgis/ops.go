package postgis

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/placemap/placemap/internal/geo"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

func now() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

func toWKB(g orb.Geometry) ([]byte, error) {
	b, err := wkb.Marshal(g, binary.LittleEndian)
	if err != nil {
		return nil, fmt.Errorf("encode geometry: %w", err)
	}
	return b, nil
}

func fromWKB(b []byte) (orb.Geometry, error) {
	g, err := wkb.Unmarshal(b)
	if err != nil {
		return nil, fmt.Errorf("decode geometry: %w", err)
	}
	return g, nil
}

func queueMembership(b *pgx.Batch, assetID, set, code string, pt orb.Point) {
	b.Queue(`INSERT INTO memberships (geom, asset_id, set_slug, area_code)
		VALUES (ST_SetSRID(ST_MakePoint($1, $2), 4326), $3, $4, $5)
		ON CONFLICT (asset_id, set_slug) DO UPDATE SET area_code = excluded.area_code, geom = excluded.geom`,
		pt[0], pt[1], assetID, set, code)
}

// placeAssets records the area of every set that holds each asset.
func placeAssets(ctx context.Context, tx pgx.Tx, ids []string) (int, error) {
	return placeAssetsIn(ctx, tx, ids, "")
}

// placeAssetsIn is placeAssets for one set, or every set when set is "".
func placeAssetsIn(ctx context.Context, tx pgx.Tx, ids []string, set string) (int, error) {
	rows, err := tx.Query(ctx, `SELECT a.id, ST_X(a.location), ST_Y(a.location), ar.set_slug, ar.code, ar.name, ar.fid
		FROM assets a JOIN areas ar ON ar.geom && a.location
		WHERE a.id = ANY($1) AND ($2 = '' OR ar.set_slug = $2)`, ids, set)
	if err != nil {
		return 0, fmt.Errorf("place assets: %w", translate(err))
	}
	type key struct{ id, set string }
	type pending struct {
		pt    orb.Point
		cands []place.Candidate
		fids  []int64
	}
	var order []key
	byKey := map[key]*pending{}
	need := map[int64]bool{}
	for rows.Next() {
		var k key
		var x, y float64
		var c place.Candidate
		var fid int64
		if err := rows.Scan(&k.id, &x, &y, &k.set, &c.Code, &c.Name, &fid); err != nil {
			rows.Close()
			return 0, err
		}
		p := byKey[k]
		if p == nil {
			p = &pending{pt: orb.Point{x, y}}
			byKey[k] = p
			order = append(order, k)
		}
		p.cands = append(p.cands, c)
		p.fids = append(p.fids, fid)
		need[fid] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, translate(err)
	}
	// Each candidate area's geometry is read once, however many assets it holds.
	fids := make([]int64, 0, len(need))
	for f := range need {
		fids = append(fids, f)
	}
	shapes := make(map[int64]orb.MultiPolygon, len(fids))
	rows, err = tx.Query(ctx, `SELECT fid, ST_AsBinary(geom) FROM areas WHERE fid = ANY($1)`, fids)
	if err != nil {
		return 0, fmt.Errorf("place assets: %w", translate(err))
	}
	for rows.Next() {
		var fid int64
		var b []byte
		if err := rows.Scan(&fid, &b); err != nil {
			rows.Close()
			return 0, err
		}
		g, err := fromWKB(b)
		if err != nil {
			rows.Close()
			return 0, err
		}
		shapes[fid], _ = g.(orb.MultiPolygon)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, translate(err)
	}
	batch := &pgx.Batch{}
	n := 0
	for _, k := range order {
		p := byKey[k]
		for i := range p.cands {
			p.cands[i].Geometry = shapes[p.fids[i]]
		}
		if c, ok := place.Locate(p.pt, p.cands); ok {
			queueMembership(batch, k.id, k.set, c.Code, p.pt)
			n++
		}
	}
	if err := tx.SendBatch(ctx, batch).Close(); err != nil {
		return 0, fmt.Errorf("record memberships: %w", translate(err))
	}
	return n, nil
}

// addAssetRevision records an asset with its geometry, so the revision
// can be restored.
func addAssetRevision(ctx context.Context, tx pgx.Tx, action string, a place.Asset) error {
	rec, err := store.NewAssetRecord(a)
	if err != nil {
		return err
	}
	return addRevision(ctx, tx, "asset", a.ID, action, rec)
}

func addRevision(ctx context.Context, tx pgx.Tx, entity, id, action string, data any) error {
	b, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("revision of %s %s: %w", entity, id, err)
	}
	ch := store.ChangeOf(ctx)
	_, err = tx.Exec(ctx, `INSERT INTO revisions (entity, entity_id, action, author, comment, data, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		entity, id, action, ch.Author, ch.Comment, b, now())
	if err != nil {
		return fmt.Errorf("revision of %s %s: %w", entity, id, translate(err))
	}
	return nil
}

func nonNilMap[V any](m map[string]V) map[string]V {
	if m == nil {
		return map[string]V{}
	}
	return m
}

const setColumns = `slug, title, kind, publisher, release_date, licence, attribution, source, description, area_count, created_at,
	coalesce(ST_XMin(extent), 0), coalesce(ST_YMin(extent), 0), coalesce(ST_XMax(extent), 0), coalesce(ST_YMax(extent), 0),
	code_field, name_field, provenance, coalesce((SELECT r.series FROM set_releases r WHERE r.set_slug = boundary_sets.slug), ''),
	coalesce((SELECT x.current_set FROM set_releases r JOIN series x ON x.slug = r.series WHERE r.set_slug = boundary_sets.slug), '')`

func scanSet(row pgx.Row) (place.SetSummary, error) {
	var ss place.SetSummary
	var current, kind, provenance string
	err := row.Scan(&ss.Slug, &ss.Title, &kind, &ss.Publisher, &ss.ReleaseDate, &ss.Licence, &ss.Attribution,
		&ss.Source, &ss.Description, &ss.AreaCount, &ss.CreatedAt,
		&ss.BBox.Min[0], &ss.BBox.Min[1], &ss.BBox.Max[0], &ss.BBox.Max[1], &ss.CodeField, &ss.NameField, &provenance, &ss.Series, &current)
	if err != nil {
		return ss, err
	}
	if ss.Provenance, err = store.DecodeProvenance(provenance); err != nil {
		return ss, fmt.Errorf("set %s: %w", ss.Slug, err)
	}
	ss.Kind = place.Kind(kind)
	ss.Current = ss.Series == "" || current == ss.Slug
	ss.CreatedAt = ss.CreatedAt.UTC()
	return ss, err
}

func scanArea(row pgx.Row) (place.Area, error) {
	var a place.Area
	var g, props []byte
	if err := row.Scan(&a.ID, &a.Set, &a.Code, &a.Name, &props, &g); err != nil {
		return a, err
	}
	geom, err := fromWKB(g)
	if err != nil {
		return a, fmt.Errorf("area %s/%s: %w", a.Set, a.Code, err)
	}
	mp, ok := geom.(orb.MultiPolygon)
	if !ok {
		return a, fmt.Errorf("area %s/%s: geometry is %s, not MultiPolygon", a.Set, a.Code, geom.GeoJSONType())
	}
	a.Geometry = mp
	if err := json.Unmarshal(props, &a.Properties); err != nil {
		return a, fmt.Errorf("area %s/%s: properties: %w", a.Set, a.Code, err)
	}
	return a, nil
}

// queueInsertAsset queues the insert of one asset.
func queueInsertAsset(b *pgx.Batch, a *place.Asset) error {
	g, err := toWKB(a.Geometry)
	if err != nil {
		return err
	}
	tags, err := json.Marshal(nonNilMap(a.Tags))
	if err != nil {
		return fmt.Errorf("tags: %w", err)
	}
	pt := geo.PointOnSurface(a.Geometry)
	args := []any{g, pt[0], pt[1], a.ID, a.Name, a.Category, string(a.Status), a.Address, a.Postcode, a.OpeningHours,
		a.Phone, a.Email, a.Website, a.Operator, tags, a.Source, a.SourceID, a.Licence, a.Attribution, a.Version, a.UpdatedAt,
		store.NameKey(a.Name)}
	b.Queue(`INSERT INTO assets (geom, location, id, name, category, status, address, postcode, opening_hours,
		phone, email, website, operator, tags, source, source_id, licence, attribution, version, updated_at, name_key)
		VALUES (ST_GeomFromWKB($1, 4326), ST_SetSRID(ST_MakePoint($2, $3), 4326), $4, $5, $6, $7, $8, $9, $10,
		$11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)`, args...)
	return nil
}

const assetColumns = `a.fid, a.id, a.name, a.category, a.status, a.address, a.postcode, a.opening_hours, a.phone,
	a.email, a.website, a.operator, a.tags, a.source, a.source_id, a.licence, a.attribution, a.version, a.updated_at,
	ST_AsBinary(a.geom), a.last_reviewed`

func scanAsset(row pgx.Row) (place.Asset, error) {
	var a place.Asset
	var status string
	var tags, g []byte
	var reviewed *time.Time
	err := row.Scan(&a.FID, &a.ID, &a.Name, &a.Category, &status, &a.Address, &a.Postcode, &a.OpeningHours, &a.Phone,
		&a.Email, &a.Website, &a.Operator, &tags, &a.Source, &a.SourceID, &a.Licence, &a.Attribution, &a.Version,
		&a.UpdatedAt, &g, &reviewed)
	if err != nil {
		return a, err
	}
	a.Status = place.Status(status)
	a.UpdatedAt = a.UpdatedAt.UTC()
	if reviewed != nil {
		a.LastReviewed = reviewed.UTC()
	}
	if err := json.Unmarshal(tags, &a.Tags); err != nil {
		return a, fmt.Errorf("asset %s: tags: %w", a.ID, err)
	}
	if a.Geometry, err = fromWKB(g); err != nil {
		return a, fmt.Errorf("asset %s: %w", a.ID, err)
	}
	return a, nil
}

// insertAssets is the body of AddAssets, for use inside a transaction.
func insertAssets(ctx context.Context, tx pgx.Tx, assets []place.Asset, ids []string, rep *store.ImportReport) error {
	var taken []string
	if err := tx.QueryRow(ctx, `SELECT coalesce(array_agg(id ORDER BY id), '{}') FROM assets WHERE id = ANY($1)`, ids).Scan(&taken); err != nil {
		return translate(err)
	}
	if len(taken) > 0 {
		for i, a := range assets {
			if a.ID == taken[0] {
				return place.Errorf(place.ECONFLICT, "asset %d (%q): id %s exists already", i, a.Name, a.ID)
			}
		}
	}
	batch := &pgx.Batch{}
	for i := range assets {
		a := &assets[i]
		if a.UpdatedAt.IsZero() {
			a.UpdatedAt = now()
		}
		if a.Version <= 0 {
			a.Version = 1
		}
		if err := queueInsertAsset(batch, a); err != nil {
			return fmt.Errorf("asset %d (%q): %w", i, a.Name, err)
		}
	}
	if err := tx.SendBatch(ctx, batch).Close(); err != nil {
		return fmt.Errorf("insert assets: %w", translate(err))
	}
	n, err := placeAssets(ctx, tx, ids)
	if err != nil {
		return err
	}
	rep.Memberships, rep.Assets = n, len(assets)
	for i := range assets {
		if err := addAssetRevision(ctx, tx, "create", assets[i]); err != nil {
			return err
		}
	}
	return nil
}

// updateAssetTx is the body of UpdateAsset, for use inside a transaction.
func updateAssetTx(ctx context.Context, tx pgx.Tx, a *place.Asset, ifVersion int64) error {
	g, err := toWKB(a.Geometry)
	if err != nil {
		return err
	}
	tags, err := json.Marshal(nonNilMap(a.Tags))
	if err != nil {
		return fmt.Errorf("asset %s: tags: %w", a.ID, err)
	}
	pt := geo.PointOnSurface(a.Geometry)
	tag, err := tx.Exec(ctx, `UPDATE assets SET geom = ST_GeomFromWKB($1, 4326), location = ST_SetSRID(ST_MakePoint($2, $3), 4326),
		name = $4, category = $5, status = $6, address = $7, postcode = $8, opening_hours = $9, phone = $10,
		email = $11, website = $12, operator = $13, tags = $14, source = $15, source_id = $16, licence = $17,
		attribution = $18, updated_at = $19, version = version + 1, name_key = $22
		WHERE id = $20 AND version = $21`,
		g, pt[0], pt[1], a.Name, a.Category, string(a.Status), a.Address, a.Postcode, a.OpeningHours, a.Phone,
		a.Email, a.Website, a.Operator, tags, a.Source, a.SourceID, a.Licence, a.Attribution, a.UpdatedAt, a.ID, ifVersion,
		store.NameKey(a.Name))
	if err != nil {
		return fmt.Errorf("update asset %s: %w", a.ID, translate(err))
	}
	if tag.RowsAffected() == 0 {
		var current int64
		err := tx.QueryRow(ctx, `SELECT version FROM assets WHERE id = $1`, a.ID).Scan(&current)
		if errors.Is(err, pgx.ErrNoRows) {
			return place.Errorf(place.ENOTFOUND, "no asset %q", a.ID)
		}
		if err != nil {
			return translate(err)
		}
		return place.Errorf(place.ECONFLICT, "asset %s is at version %d, not %d: someone else changed it", a.ID, current, ifVersion)
	}
	a.Version = ifVersion + 1
	if _, err := tx.Exec(ctx, `DELETE FROM memberships WHERE asset_id = $1`, a.ID); err != nil {
		return fmt.Errorf("update asset %s: %w", a.ID, translate(err))
	}
	if _, err := placeAssets(ctx, tx, []string{a.ID}); err != nil {
		return err
	}
	return addAssetRevision(ctx, tx, "update", *a)
}
