package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/geo"
	"github.com/placemap/placemap/internal/place"
)

// UpdateArea renames or redraws an area if its version is still
// ifVersion, places again the assets the change touches, and returns the
// new version. EINVALID for an invalid geometry; ENOTFOUND; ECONFLICT
// naming the current version.
func (db *DB) UpdateArea(ctx context.Context, a place.Area, ifVersion int64) (int64, error) {
	if err := checkArea(a); err != nil {
		return 0, err
	}
	var version int64
	err := db.write(ctx, func(tx *Tx) error {
		var err error
		version, err = updateArea(ctx, tx, a, ifVersion)
		return err
	})
	return version, err
}

// updateArea is the body of UpdateArea, for use inside a transaction.
func updateArea(ctx context.Context, tx *Tx, a place.Area, ifVersion int64) (int64, error) {
	current, old, err := areaAt(ctx, tx, a.Set, a.Code, ifVersion)
	if err != nil {
		return 0, err
	}
	g, props, err := encodeArea(tx, a)
	if err != nil {
		return 0, err
	}
	tx.tiles(SetTiles(a.Set))
	if _, err := tx.Exec(ctx, `UPDATE areas SET geom = `+tx.d.Geometry.In("$1")+`, name = $2, properties = $3, version = version + 1
		WHERE set_slug = $4 AND code = $5`, g, a.Name, props, a.Set, a.Code); err != nil {
		return 0, fmt.Errorf("update area %s/%s: %w", a.Set, a.Code, err)
	}
	fid, err := areaFID(ctx, tx, a.Set, a.Code)
	if err != nil {
		return 0, err
	}
	if err := putBands(ctx, tx, []bandedArea{{fid, a.Geometry}}, true); err != nil {
		return 0, err
	}
	version := current + 1
	// Recount, re-extent, and place again the assets of the old or new ground.
	if err := refreshSet(ctx, tx, a.Set, old.Bound().Union(a.Geometry.Bound())); err != nil {
		return 0, err
	}
	return version, addRevision(ctx, tx, "area", a.Set+":"+a.Code, "update", NewAreaRecord(a, version))
}

// areaAt reads an area's version and geometry, if its version is still
// ifVersion: ENOTFOUND, or ECONFLICT naming the version it is at.
func areaAt(ctx context.Context, tx *Tx, set, code string, ifVersion int64) (int64, orb.MultiPolygon, error) {
	var current int64
	var blob []byte
	err := tx.QueryRow(ctx, `SELECT version, `+tx.d.Geometry.Out("geom")+` FROM areas WHERE set_slug = $1 AND code = $2`, set, code).Scan(&current, &blob)
	if noRows(err) {
		return 0, nil, place.Errorf(place.ENOTFOUND, "no area %q in boundary set %q", code, set)
	}
	if err != nil {
		return 0, nil, err
	}
	if current != ifVersion {
		return 0, nil, place.Errorf(place.ECONFLICT, "area %s of %s is at version %d, not %d: someone else changed it", code, set, current, ifVersion)
	}
	g, err := tx.d.Geometry.Decode(blob)
	if err != nil {
		return 0, nil, fmt.Errorf("area %s/%s: %w", set, code, err)
	}
	mp, _ := g.(orb.MultiPolygon)
	return current, mp, nil
}

// encodeArea encodes an area's geometry and properties as parameters.
func encodeArea(tx *Tx, a place.Area) (geom []byte, props string, err error) {
	if geom, err = tx.d.Geometry.Encode(a.Geometry); err != nil {
		return nil, "", err
	}
	b, err := json.Marshal(nonNilMap(a.Properties))
	if err != nil {
		return nil, "", fmt.Errorf("area %s: properties: %w", a.Code, err)
	}
	return geom, string(b), nil
}

// AddArea adds an area to a set and places the assets on its ground;
// ECONFLICT if the code is taken.
func (db *DB) AddArea(ctx context.Context, a place.Area) error {
	if err := checkArea(a); err != nil {
		return err
	}
	if _, err := db.Set(ctx, a.Set); err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error { return addArea(ctx, tx, a) })
}

// addArea is the body of AddArea, for use inside a transaction.
func addArea(ctx context.Context, tx *Tx, a place.Area) error {
	g, props, err := encodeArea(tx, a)
	if err != nil {
		return err
	}
	tx.tiles(SetTiles(a.Set))
	if _, err := tx.Exec(ctx, `INSERT INTO areas (geom, set_slug, code, name, properties) VALUES (`+tx.d.Geometry.In("$1")+`, $2, $3, $4, $5)`,
		g, a.Set, a.Code, a.Name, props); err != nil {
		if place.ErrorCode(err) == place.ECONFLICT {
			return place.Errorf(place.ECONFLICT, "boundary set %s has an area %s already", a.Set, a.Code)
		}
		return fmt.Errorf("add area %s/%s: %w", a.Set, a.Code, err)
	}
	fid, err := areaFID(ctx, tx, a.Set, a.Code)
	if err != nil {
		return err
	}
	if err := putBands(ctx, tx, []bandedArea{{fid, a.Geometry}}, false); err != nil {
		return err
	}
	if err := refreshSet(ctx, tx, a.Set, a.Geometry.Bound()); err != nil {
		return err
	}
	return addRevision(ctx, tx, "area", a.Set+":"+a.Code, "create", NewAreaRecord(a, 1))
}

// DeleteArea removes an area if its version is still ifVersion, and places
// its assets again. EINVALID for the last area of a set.
func (db *DB) DeleteArea(ctx context.Context, set, code string, ifVersion int64) error {
	return db.write(ctx, func(tx *Tx) error {
		current, g, err := areaAt(ctx, tx, set, code, ifVersion)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM areas WHERE set_slug = $1`, set).Scan(&n); err != nil {
			return err
		}
		if n == 1 {
			return place.Errorf(place.EINVALID, "area %s is the last of boundary set %s: a set keeps at least one area", code, set)
		}
		tx.tiles(SetTiles(set))
		fid, err := areaFID(ctx, tx, set, code)
		if err != nil {
			return err
		}
		if err := dropBands(ctx, tx, []bandedArea{{fid: fid}}); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM areas WHERE set_slug = $1 AND code = $2`, set, code); err != nil {
			return err
		}
		if err := refreshSet(ctx, tx, set, g.Bound()); err != nil {
			return err
		}
		return addRevision(ctx, tx, "area", set+":"+code, "delete", NewAreaRecord(place.Area{Set: set, Code: code, Geometry: g}, current))
	})
}

// refreshSet recounts a set's areas, recomputes its extent, and places
// again, in this set, the assets within b.
func refreshSet(ctx context.Context, tx *Tx, set string, b orb.Bound) error {
	var n int
	var minx, miny, maxx, maxy sql.NullFloat64
	if err := tx.QueryRow(ctx, tx.d.Index.SetExtent(), set).Scan(&n, &minx, &miny, &maxx, &maxy); err != nil {
		return fmt.Errorf("extent of %s: %w", set, err)
	}
	extent, err := tx.d.Geometry.Encode(orb.Bound{Min: orb.Point{minx.Float64, miny.Float64}, Max: orb.Point{maxx.Float64, maxy.Float64}}.ToPolygon())
	if err != nil {
		return err
	}
	tx.tiles(SetTiles(set))
	if _, err := tx.Exec(ctx, `UPDATE boundary_sets SET extent = `+tx.d.Geometry.In("$1")+`, area_count = $2 WHERE slug = $3`, extent, n, set); err != nil {
		return fmt.Errorf("extent of %s: %w", set, err)
	}
	return placeAgain(ctx, tx, set, b)
}

// checkArea validates an area before a store writes it: its fields, and a
// geometry valid enough to place points in and overlay.
func checkArea(a place.Area) error {
	if err := place.CheckArea(a); err != nil {
		return err
	}
	return checkShape(a)
}

// checkShape checks an area's geometry is valid enough to place points
// in and overlay: the geometry engine's part of checkArea.
func checkShape(a place.Area) error {
	if _, err := geo.NewShape(a.Geometry); err != nil {
		return place.Errorf(place.EINVALID, "area %s: geometry: %v", a.Code, err)
	}
	return nil
}
