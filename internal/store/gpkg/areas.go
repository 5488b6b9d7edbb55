package gpkg

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/formats/geopackage"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// addAreaTx is the body of AddArea, for use inside a transaction.
func (s *Store) addAreaTx(ctx context.Context, tx *sql.Tx, a place.Area) error {
	g, err := geopackage.EncodeGeometry(a.Geometry)
	if err != nil {
		return err
	}
	props, err := json.Marshal(nonNilMap(a.Properties))
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO areas (geom, set_slug, code, name, properties) VALUES (?,?,?,?,?)`,
		g, a.Set, a.Code, a.Name, string(props)); err != nil {
		if place.ErrorCode(translate(err)) == place.ECONFLICT {
			return place.Errorf(place.ECONFLICT, "boundary set %s has an area %s already", a.Set, a.Code)
		}
		return fmt.Errorf("add area %s/%s: %w", a.Set, a.Code, err)
	}
	if err := s.refreshSet(ctx, tx, a.Set, a.Geometry.Bound()); err != nil {
		return err
	}
	return addRevision(ctx, tx, "area", a.Set+":"+a.Code, "create", store.NewAreaRecord(a, 1))
}

// refreshSet recounts a set's areas, recomputes its extent, and places
// again, in this set, the assets within b.
func (s *Store) refreshSet(ctx context.Context, tx *sql.Tx, set string, b orb.Bound) error {
	var n int
	var minx, miny, maxx, maxy float64
	if err := tx.QueryRowContext(ctx, `SELECT count(*), min(r.minx), min(r.miny), max(r.maxx), max(r.maxy) FROM rtree_areas_geom r
		CROSS JOIN areas x ON x.fid = r.id WHERE x.set_slug = ?`, set).Scan(&n, &minx, &miny, &maxx, &maxy); err != nil {
		return err
	}
	extent, err := geopackage.EncodeGeometry(orb.Bound{Min: orb.Point{minx, miny}, Max: orb.Point{maxx, maxy}}.ToPolygon())
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE boundary_sets SET extent = ?, area_count = ? WHERE slug = ?`, extent, n, set); err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, lon, lat FROM assets WHERE lon BETWEEN ? AND ? AND lat BETWEEN ? AND ?`,
		b.Min[0], b.Max[0], b.Min[1], b.Max[1])
	if err != nil {
		return err
	}
	type loc struct {
		id string
		pt orb.Point
	}
	var locs []loc
	for rows.Next() {
		var l loc
		if err := rows.Scan(&l.id, &l.pt[0], &l.pt[1]); err != nil {
			rows.Close()
			return err
		}
		locs = append(locs, l)
	}
	rows.Close()
	for _, l := range locs {
		if _, err := tx.ExecContext(ctx, `DELETE FROM memberships WHERE asset_id = ? AND set_slug = ?`, l.id, set); err != nil {
			return err
		}
		if _, err := placeAsset(ctx, tx, l.id, l.pt, set); err != nil {
			return err
		}
	}
	return nil
}
