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
		// Recount, re-extent, and place again the assets of the old or new
		// ground.
		if err := s.refreshSet(ctx, tx, a.Set, old.Union(a.Geometry.Bound())); err != nil {
			return err
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
	return s.inTx(ctx, func(tx *sql.Tx) error { return s.addAreaTx(ctx, tx, a) })
}

// addAreaTx is the body of AddArea, for use inside a transaction.
func (s *Store) addAreaTx(ctx context.Context, tx *sql.Tx, a place.Area) error {
	g, err := encodeGeometry(a.Geometry)
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

// DeleteArea removes an area and places its assets again.
func (s *Store) DeleteArea(ctx context.Context, set, code string, ifVersion int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var current int64
		var blob []byte
		err := tx.QueryRowContext(ctx, `SELECT version, geom FROM areas WHERE set_slug = ? AND code = ?`, set, code).Scan(&current, &blob)
		if errors.Is(err, sql.ErrNoRows) {
			return place.Errorf(place.ENOTFOUND, "no area %q in boundary set %q", code, set)
		}
		if err != nil {
			return err
		}
		if current != ifVersion {
			return place.Errorf(place.ECONFLICT, "area %s of %s is at version %d, not %d: someone else changed it", code, set, current, ifVersion)
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM areas WHERE set_slug = ?`, set).Scan(&n); err != nil {
			return err
		}
		if n == 1 {
			return place.Errorf(place.EINVALID, "area %s is the last of boundary set %s: a set keeps at least one area", code, set)
		}
		g, err := decodeGeometry(blob)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM areas WHERE set_slug = ? AND code = ?`, set, code); err != nil {
			return translate(err)
		}
		if err := s.refreshSet(ctx, tx, set, g.Bound()); err != nil {
			return err
		}
		mp, _ := g.(orb.MultiPolygon)
		return addRevision(ctx, tx, "area", set+":"+code, "delete", store.NewAreaRecord(place.Area{Set: set, Code: code, Geometry: mp}, current))
	})
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
	extent, err := encodeGeometry(orb.Bound{Min: orb.Point{minx, miny}, Max: orb.Point{maxx, maxy}}.ToPolygon())
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
