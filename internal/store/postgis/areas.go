package postgis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// UpdateArea renames or redraws an area and places again the assets it
// touches.
func (s *Store) UpdateArea(ctx context.Context, a place.Area, ifVersion int64) (int64, error) {
	if err := store.CheckArea(a); err != nil {
		return 0, err
	}
	var version int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var current, fid int64
		err := tx.QueryRow(ctx, `SELECT version, fid FROM areas WHERE set_slug = $1 AND code = $2 FOR UPDATE`, a.Set, a.Code).Scan(&current, &fid)
		if errors.Is(err, pgx.ErrNoRows) {
			return place.Errorf(place.ENOTFOUND, "no area %q in boundary set %q", a.Code, a.Set)
		}
		if err != nil {
			return translate(err)
		}
		if current != ifVersion {
			return place.Errorf(place.ECONFLICT, "area %s of %s is at version %d, not %d: someone else changed it", a.Code, a.Set, current, ifVersion)
		}
		g, err := toWKB(a.Geometry)
		if err != nil {
			return err
		}
		props, err := json.Marshal(nonNilMap(a.Properties))
		if err != nil {
			return err
		}
		// The assets of the old or new ground, in this set, to place again.
		rows, err := tx.Query(ctx, `SELECT x.id FROM assets x, areas ar
			WHERE ar.fid = $1 AND (x.location && ar.geom OR x.location && ST_GeomFromWKB($2, 4326))`, fid, g)
		if err != nil {
			return translate(err)
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return translate(err)
		}
		if _, err := tx.Exec(ctx, `UPDATE areas SET geom = ST_Multi(ST_GeomFromWKB($1, 4326)), name = $2, properties = $3, version = version + 1 WHERE fid = $4`,
			g, a.Name, props, fid); err != nil {
			return fmt.Errorf("update area %s/%s: %w", a.Set, a.Code, translate(err))
		}
		version = current + 1
		if _, err := tx.Exec(ctx, `UPDATE boundary_sets SET extent = (SELECT ST_SetSRID(ST_Extent(geom)::geometry, 4326) FROM areas WHERE set_slug = $1) WHERE slug = $1`, a.Set); err != nil {
			return translate(err)
		}
		if len(ids) > 0 {
			if _, err := tx.Exec(ctx, `DELETE FROM memberships WHERE set_slug = $1 AND asset_id = ANY($2)`, a.Set, ids); err != nil {
				return translate(err)
			}
			if _, err := placeAssetsIn(ctx, tx, ids, a.Set); err != nil {
				return err
			}
		}
		return addRevision(ctx, tx, "area", a.Set+":"+a.Code, "update", store.NewAreaRecord(a, version))
	})
	return version, err
}

// AddArea adds an area to a set and places the assets on its ground.
func (s *Store) AddArea(ctx context.Context, a place.Area) error {
	if err := store.CheckArea(a); err != nil {
		return err
	}
	if _, err := s.Set(ctx, a.Set); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx pgx.Tx) error { return addAreaTx(ctx, tx, a) })
}

// addAreaTx is the body of AddArea, for use inside a transaction.
func addAreaTx(ctx context.Context, tx pgx.Tx, a place.Area) error {
	g, err := toWKB(a.Geometry)
	if err != nil {
		return err
	}
	props, err := json.Marshal(nonNilMap(a.Properties))
	if err != nil {
		return err
	}
	var exists bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM areas WHERE set_slug = $1 AND code = $2)`, a.Set, a.Code).Scan(&exists); err != nil {
		return translate(err)
	}
	if exists {
		return place.Errorf(place.ECONFLICT, "boundary set %s has an area %s already", a.Set, a.Code)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO areas (geom, set_slug, code, name, properties) VALUES (ST_Multi(ST_GeomFromWKB($1, 4326)), $2, $3, $4, $5)`,
		g, a.Set, a.Code, a.Name, props); err != nil {
		return fmt.Errorf("add area %s/%s: %w", a.Set, a.Code, translate(err))
	}
	if err := refreshSet(ctx, tx, a.Set, g); err != nil {
		return err
	}
	return addRevision(ctx, tx, "area", a.Set+":"+a.Code, "create", store.NewAreaRecord(a, 1))
}

// DeleteArea removes an area and places its assets again.
func (s *Store) DeleteArea(ctx context.Context, set, code string, ifVersion int64) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		var current int64
		var g []byte
		err := tx.QueryRow(ctx, `SELECT version, ST_AsBinary(geom) FROM areas WHERE set_slug = $1 AND code = $2 FOR UPDATE`, set, code).Scan(&current, &g)
		if errors.Is(err, pgx.ErrNoRows) {
			return place.Errorf(place.ENOTFOUND, "no area %q in boundary set %q", code, set)
		}
		if err != nil {
			return translate(err)
		}
		if current != ifVersion {
			return place.Errorf(place.ECONFLICT, "area %s of %s is at version %d, not %d: someone else changed it", code, set, current, ifVersion)
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM areas WHERE set_slug = $1`, set).Scan(&n); err != nil {
			return translate(err)
		}
		if n == 1 {
			return place.Errorf(place.EINVALID, "area %s is the last of boundary set %s: a set keeps at least one area", code, set)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM areas WHERE set_slug = $1 AND code = $2`, set, code); err != nil {
			return translate(err)
		}
		if err := refreshSet(ctx, tx, set, g); err != nil {
			return err
		}
		geom, err := fromWKB(g)
		if err != nil {
			return err
		}
		mp, _ := geom.(orb.MultiPolygon)
		return addRevision(ctx, tx, "area", set+":"+code, "delete", store.NewAreaRecord(place.Area{Set: set, Code: code, Geometry: mp}, current))
	})
}

// refreshSet recounts a set's areas, recomputes its extent, and places
// again, in this set, the assets on the ground wkb covers.
func refreshSet(ctx context.Context, tx pgx.Tx, set string, wkb []byte) error {
	if _, err := tx.Exec(ctx, `UPDATE boundary_sets SET area_count = (SELECT count(*) FROM areas WHERE set_slug = $1),
		extent = (SELECT ST_SetSRID(ST_Extent(geom)::geometry, 4326) FROM areas WHERE set_slug = $1) WHERE slug = $1`, set); err != nil {
		return translate(err)
	}
	rows, err := tx.Query(ctx, `SELECT id FROM assets WHERE location && ST_GeomFromWKB($1, 4326)`, wkb)
	if err != nil {
		return translate(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || len(ids) == 0 {
		return translate(err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM memberships WHERE set_slug = $1 AND asset_id = ANY($2)`, set, ids); err != nil {
		return translate(err)
	}
	_, err = placeAssetsIn(ctx, tx, ids, set)
	return err
}
