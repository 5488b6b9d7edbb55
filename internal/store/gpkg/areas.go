package gpkg

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// AreaVersion reads an area's version.
func (s *Store) AreaVersion(ctx context.Context, set, code string) (int64, error) {
	var v int64
	err := s.db.QueryRowContext(ctx, `SELECT version FROM areas WHERE set_slug = ? AND code = ?`, set, code).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, place.Errorf(place.ENOTFOUND, "no area %q in boundary set %q", code, set)
	}
	return v, translate(err)
}

// UpdateArea renames or redraws an area and places again the assets it
// touches.
func (s *Store) UpdateArea(ctx context.Context, a place.Area, ifVersion int64) (int64, error) {
	if err := store.CheckArea(a); err != nil {
		return 0, err
	}
	var version int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var current int64
		var oldBlob []byte
		err := tx.QueryRowContext(ctx, `SELECT version, geom FROM areas WHERE set_slug = ? AND code = ?`, a.Set, a.Code).Scan(&current, &oldBlob)
		if errors.Is(err, sql.ErrNoRows) {
			return place.Errorf(place.ENOTFOUND, "no area %q in boundary set %q", a.Code, a.Set)
		}
		if err != nil {
			return err
		}
		if current != ifVersion {
			return place.Errorf(place.ECONFLICT, "area %s of %s is at version %d, not %d: someone else changed it", a.Code, a.Set, current, ifVersion)
		}
		old, _, err := blobBound(oldBlob)
		if err != nil {
			return err
		}
		g, err := encodeGeometry(a.Geometry)
		if err != nil {
			return err
		}
		props, err := json.Marshal(nonNilMap(a.Properties))
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE areas SET geom = ?, name = ?, properties = ?, version = version + 1 WHERE set_slug = ? AND code = ?`,
			g, a.Name, string(props), a.Set, a.Code); err != nil {
			return fmt.Errorf("update area %s/%s: %w", a.Set, a.Code, translate(err))
		}
		version = current + 1
		// The set's extent, from its areas.
		var minx, miny, maxx, maxy float64
		if err := tx.QueryRowContext(ctx, `SELECT min(r.minx), min(r.miny), max(r.maxx), max(r.maxy) FROM rtree_areas_geom r
			CROSS JOIN areas x ON x.fid = r.id WHERE x.set_slug = ?`, a.Set).Scan(&minx, &miny, &maxx, &maxy); err != nil {
			return err
		}
		extent, err := encodeGeometry(orb.Bound{Min: orb.Point{minx, miny}, Max: orb.Point{maxx, maxy}}.Union(a.Geometry.Bound()).ToPolygon())
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE boundary_sets SET extent = ? WHERE slug = ?`, extent, a.Set); err != nil {
			return err
		}
		// Place again every asset of the old or new ground, in this set.
		b := old.Union(a.Geometry.Bound())
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
			if _, err := tx.ExecContext(ctx, `DELETE FROM memberships WHERE asset_id = ? AND set_slug = ?`, l.id, a.Set); err != nil {
				return err
			}
			if _, err := placeAsset(ctx, tx, l.id, l.pt, a.Set); err != nil {
				return err
			}
		}
		return addRevision(ctx, tx, "area", a.Set+":"+a.Code, "update", store.NewAreaRecord(a, version))
	})
	return version, err
}
