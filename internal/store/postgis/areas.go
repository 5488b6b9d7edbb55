package postgis

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

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
