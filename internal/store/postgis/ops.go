package postgis

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

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

// ImportSet writes a new set and its areas, then places every asset in it.
func (s *Store) ImportSet(ctx context.Context, set place.BoundarySet, areas []place.Area) (store.ImportReport, error) {
	return s.importSet(ctx, set, areas, nil)
}

// ImportRelease imports a set as a release of a series.
func (s *Store) ImportRelease(ctx context.Context, set place.BoundarySet, areas []place.Area, r store.Release) (store.ImportReport, error) {
	if err := store.CheckRelease(set.Slug, r); err != nil {
		return store.ImportReport{}, err
	}
	return s.importSet(ctx, set, areas, &r)
}

func (s *Store) importSet(ctx context.Context, set place.BoundarySet, areas []place.Area, release *store.Release) (store.ImportReport, error) {
	var rep store.ImportReport
	if err := store.CheckSet(&set, areas); err != nil {
		return rep, err
	}
	if set.CreatedAt.IsZero() {
		set.CreatedAt = now()
	}
	bound := areas[0].Geometry.Bound()
	byCode := make(map[string]place.Candidate, len(areas))
	for i := range areas {
		areas[i].Set = set.Slug
		bound = bound.Union(areas[i].Geometry.Bound())
		byCode[areas[i].Code] = place.Candidate{Code: areas[i].Code, Name: areas[i].Name, Geometry: areas[i].Geometry}
	}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM boundary_sets WHERE slug = $1)`, set.Slug).Scan(&exists); err != nil {
			return fmt.Errorf("check set %s: %w", set.Slug, translate(err))
		}
		if exists {
			return place.Errorf(place.ECONFLICT, "boundary set %q exists already", set.Slug)
		}
		extent, err := toWKB(bound.ToPolygon())
		if err != nil {
			return err
		}
		provenance, err := store.EncodeProvenance(set.Provenance)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO boundary_sets
			(extent, slug, title, kind, publisher, release_date, licence, attribution, source, description, area_count, created_at, code_field, name_field, provenance)
			VALUES (ST_GeomFromWKB($1, 4326), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
			extent, set.Slug, set.Title, string(set.Kind), set.Publisher, set.ReleaseDate, set.Licence,
			set.Attribution, set.Source, set.Description, len(areas), set.CreatedAt, set.CodeField, set.NameField, provenance)
		if err != nil {
			return fmt.Errorf("insert set %s: %w", set.Slug, translate(err))
		}
		batch := &pgx.Batch{}
		for i, a := range areas {
			g, err := toWKB(a.Geometry)
			if err != nil {
				return fmt.Errorf("area %d (%s): %w", i, a.Code, err)
			}
			props, err := json.Marshal(nonNilMap(a.Properties))
			if err != nil {
				return fmt.Errorf("area %d (%s): properties: %w", i, a.Code, err)
			}
			batch.Queue(`INSERT INTO areas (geom, set_slug, code, name, properties)
				VALUES (ST_Multi(ST_GeomFromWKB($1, 4326)), $2, $3, $4, $5)`, g, set.Slug, a.Code, a.Name, props)
		}
		if err := tx.SendBatch(ctx, batch).Close(); err != nil {
			return fmt.Errorf("insert areas of %s: %w", set.Slug, translate(err))
		}
		rep.Areas = len(areas)
		// Candidate (asset, area) pairs by bounding box; the geometries are
		// already in memory, and the same rule as every store picks one.
		rows, err := tx.Query(ctx, `SELECT a.id, ST_X(a.location), ST_Y(a.location), ar.code
			FROM assets a JOIN areas ar ON ar.set_slug = $1 AND ar.geom && a.location
			ORDER BY a.id COLLATE "C", ar.code COLLATE "C"`, set.Slug)
		if err != nil {
			return fmt.Errorf("place assets in %s: %w", set.Slug, translate(err))
		}
		type asset struct {
			pt    orb.Point
			cands []place.Candidate
		}
		var ids []string
		byID := map[string]*asset{}
		for rows.Next() {
			var id, code string
			var x, y float64
			if err := rows.Scan(&id, &x, &y, &code); err != nil {
				rows.Close()
				return err
			}
			a := byID[id]
			if a == nil {
				a = &asset{pt: orb.Point{x, y}}
				byID[id] = a
				ids = append(ids, id)
			}
			a.cands = append(a.cands, byCode[code])
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return translate(err)
		}
		batch = &pgx.Batch{}
		for _, id := range ids {
			a := byID[id]
			if c, ok := place.Locate(a.pt, a.cands); ok {
				queueMembership(batch, id, set.Slug, c.Code, a.pt)
				rep.Memberships++
			}
		}
		if err := tx.SendBatch(ctx, batch).Close(); err != nil {
			return fmt.Errorf("record memberships in %s: %w", set.Slug, translate(err))
		}
		if err := addRevision(ctx, tx, "boundary_set", set.Slug, "import", map[string]any{"set": set, "area_count": len(areas)}); err != nil {
			return err
		}
		if release == nil {
			return nil
		}
		return saveRelease(ctx, tx, set.Slug, *release)
	})
	if err != nil {
		return store.ImportReport{}, err
	}
	return rep, nil
}

func queueMembership(b *pgx.Batch, assetID, set, code string, pt orb.Point) {
	b.Queue(`INSERT INTO memberships (geom, asset_id, set_slug, area_code)
		VALUES (ST_SetSRID(ST_MakePoint($1, $2), 4326), $3, $4, $5)
		ON CONFLICT (asset_id, set_slug) DO UPDATE SET area_code = excluded.area_code, geom = excluded.geom`,
		pt[0], pt[1], assetID, set, code)
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
