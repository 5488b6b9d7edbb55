package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/placemap/placemap/internal/geo"
	"github.com/placemap/placemap/internal/place"
)

// smallWrite is the most assets AddAssets writes in a transaction it may
// share with other writers (group.go); an import's pages run alone.
const smallWrite = 16

// AddAssets writes new assets and places each in every set. ECONFLICT if
// an id is taken; EINVALID if an asset breaks a rule.
func (db *DB) AddAssets(ctx context.Context, assets []place.Asset) (ImportReport, error) {
	var rep ImportReport
	if err := place.CheckAssets(assets); err != nil {
		return rep, err
	}
	write := db.write
	var ahead *placedAhead
	if len(assets) <= smallWrite {
		write = db.writeShared
		var err error
		if ahead, err = db.placeAhead(ctx, assets); err != nil {
			return rep, err
		}
	}
	err := write(ctx, func(tx *Tx) error { return insertAssets(ctx, tx, assets, ahead, &rep) })
	if err != nil {
		return ImportReport{}, err
	}
	return rep, nil
}

// insertAssets is the body of AddAssets, for use inside a transaction;
// ahead, when not nil, is the assets' placement made before it (placeInTx).
func insertAssets(ctx context.Context, tx *Tx, assets []place.Asset, ahead *placedAhead, rep *ImportReport) error {
	ids := make([]string, len(assets))
	for i := range assets {
		ids[i] = assets[i].ID
	}
	if err := refuseTakenIDs(ctx, tx, assets, ids); err != nil {
		return err
	}
	tx.tiles(AssetsTiles)
	query := `INSERT INTO assets (geom, ` + tx.d.SQL.LocationColumns() + `, id, name, category, status, address, postcode,
		opening_hours, phone, email, website, operator, tags, source, source_id, licence, attribution, version, updated_at, name_key)
		VALUES (` + tx.d.Geometry.In("$1") + `, ` + tx.d.SQL.LocationIn("$2", "$3") + `, $4, $5, $6, $7, $8, $9, $10,
		$11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)`
	batch := make([][]any, len(assets))
	for i := range assets {
		a := &assets[i]
		if a.UpdatedAt.IsZero() {
			a.UpdatedAt = tx.now
		}
		if a.Version <= 0 {
			a.Version = 1
		}
		g, tags, err := encodeAsset(tx, a)
		if err != nil {
			return fmt.Errorf("asset %d (%q): %w", i, a.Name, err)
		}
		pt := geo.PointOnSurface(a.Geometry)
		batch[i] = []any{g, pt[0], pt[1], a.ID, a.Name, a.Category, string(a.Status), a.Address, a.Postcode, a.OpeningHours,
			a.Phone, a.Email, a.Website, a.Operator, tags, a.Source, a.SourceID, a.Licence, a.Attribution, a.Version,
			dbTime(a.UpdatedAt), NameKey(a.Name)}
	}
	if err := tx.ExecBatch(ctx, query, batch); err != nil {
		return fmt.Errorf("insert assets: %w", err)
	}
	if err := countCells(ctx, tx, ids); err != nil {
		return err
	}
	n, err := placeInTx(ctx, tx, ahead, ids)
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

// refuseTakenIDs says which asset, first in the order given, has an id
// taken already: ECONFLICT.
func refuseTakenIDs(ctx context.Context, tx *Tx, assets []place.Asset, ids []string) error {
	list, err := tx.d.SQL.List(ids)
	if err != nil {
		return err
	}
	rows, err := tx.Query(ctx, `SELECT id FROM assets WHERE `+tx.d.SQL.InList("id", "$1"), list)
	taken, err := collect(rows, err, func(r Row) (string, error) {
		var id string
		err := r.Scan(&id)
		return id, err
	})
	if err != nil {
		return fmt.Errorf("check asset ids: %w", err)
	}
	if len(taken) == 0 {
		return nil
	}
	isTaken := map[string]bool{}
	for _, id := range taken {
		isTaken[id] = true
	}
	for i, a := range assets {
		if isTaken[a.ID] {
			return place.Errorf(place.ECONFLICT, "asset %d (%q): id %s exists already", i, a.Name, a.ID)
		}
	}
	return nil
}

// encodeAsset encodes an asset's geometry and tags as parameters.
func encodeAsset(tx *Tx, a *place.Asset) (geom []byte, tags string, err error) {
	if geom, err = tx.d.Geometry.Encode(a.Geometry); err != nil {
		return nil, "", err
	}
	b, err := json.Marshal(nonNilMap(a.Tags))
	if err != nil {
		return nil, "", fmt.Errorf("tags: %w", err)
	}
	return geom, string(b), nil
}

func nonNilMap[V any](m map[string]V) map[string]V {
	if m == nil {
		return map[string]V{}
	}
	return m
}

// UpdateAsset replaces an asset's fields and geometry and places it again,
// if its version is still ifVersion; it returns the asset with its new
// version. ENOTFOUND; ECONFLICT naming the current version; EINVALID.
func (db *DB) UpdateAsset(ctx context.Context, a place.Asset, ifVersion int64) (place.Asset, error) {
	if err := place.CheckAssets([]place.Asset{a}); err != nil {
		return a, err
	}
	ahead, err := db.placeAhead(ctx, []place.Asset{a})
	if err != nil {
		return place.Asset{}, err
	}
	err = db.writeShared(ctx, func(tx *Tx) error {
		a.UpdatedAt = tx.now
		return updateAsset(ctx, tx, &a, ifVersion, ahead)
	})
	if err != nil {
		return place.Asset{}, err
	}
	return db.Asset(ctx, a.ID)
}

// updateAsset is the body of UpdateAsset, for use inside a transaction;
// ahead, when not nil, is the asset's placement made before it (placeInTx).
func updateAsset(ctx context.Context, tx *Tx, a *place.Asset, ifVersion int64, ahead *placedAhead) error {
	g, tags, err := encodeAsset(tx, a)
	if err != nil {
		return fmt.Errorf("asset %s: %w", a.ID, err)
	}
	pt := geo.PointOnSurface(a.Geometry)
	tx.tiles(AssetsTiles)
	// Out of its cells as it was, into them as it is (if the write stands:
	// else the transaction, or the writer's savepoint, is rolled back).
	if err := uncountCells(ctx, tx, []string{a.ID}); err != nil {
		return err
	}
	n, err := tx.Exec(ctx, `UPDATE assets SET geom = `+tx.d.Geometry.In("$1")+`, `+tx.d.SQL.LocationSet("$2", "$3")+`,
		name = $4, category = $5, status = $6, address = $7, postcode = $8, opening_hours = $9, phone = $10,
		email = $11, website = $12, operator = $13, tags = $14, source = $15, source_id = $16, licence = $17,
		attribution = $18, updated_at = $19, version = version + 1, name_key = $22
		WHERE id = $20 AND version = $21`,
		g, pt[0], pt[1], a.Name, a.Category, string(a.Status), a.Address, a.Postcode, a.OpeningHours, a.Phone,
		a.Email, a.Website, a.Operator, tags, a.Source, a.SourceID, a.Licence, a.Attribution, dbTime(a.UpdatedAt), a.ID, ifVersion,
		NameKey(a.Name))
	if err != nil {
		return fmt.Errorf("update asset %s: %w", a.ID, err)
	}
	if n == 0 {
		return staleAsset(ctx, tx, a.ID, ifVersion)
	}
	a.Version = ifVersion + 1
	if err := countCells(ctx, tx, []string{a.ID}); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM memberships WHERE asset_id = $1`, a.ID); err != nil {
		return fmt.Errorf("update asset %s: %w", a.ID, err)
	}
	if _, err := placeInTx(ctx, tx, ahead, []string{a.ID}); err != nil {
		return err
	}
	return addAssetRevision(ctx, tx, "update", *a)
}

// staleAsset says why a write to asset id at version ifVersion found no
// row: ENOTFOUND, or ECONFLICT naming the version it is at.
func staleAsset(ctx context.Context, tx *Tx, id string, ifVersion int64) error {
	var current int64
	err := tx.QueryRow(ctx, sqlAssetVersion, id).Scan(&current)
	if noRows(err) {
		return place.Errorf(place.ENOTFOUND, "no asset %q", id)
	}
	if err != nil {
		return err
	}
	return place.Errorf(place.ECONFLICT, "asset %s is at version %d, not %d: someone else changed it", id, current, ifVersion)
}

// DeleteAsset removes an asset and its memberships if its version is still
// ifVersion. ENOTFOUND; ECONFLICT naming the current version.
func (db *DB) DeleteAsset(ctx context.Context, id string, ifVersion int64) error {
	return db.writeShared(ctx, func(tx *Tx) error {
		last, err := db.asset(ctx, tx, id)
		if err != nil {
			return err
		}
		if last.Version != ifVersion {
			return place.Errorf(place.ECONFLICT, "asset %s is at version %d, not %d: someone else changed it", id, last.Version, ifVersion)
		}
		tx.tiles(AssetsTiles)
		if err := uncountCells(ctx, tx, []string{id}); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM assets WHERE id = $1`, id); err != nil {
			return fmt.Errorf("delete asset %s: %w", id, err)
		}
		// The revision keeps the asset as it was deleted, like every
		// revision keeps the whole record: its history reads it, and a
		// restore of it brings the asset back as it was.
		return addAssetRevision(ctx, tx, "delete", last)
	})
}

// MarkReviewed records that someone checked the asset now, if its version
// is still ifVersion (a revision like any change).
func (db *DB) MarkReviewed(ctx context.Context, id string, ifVersion int64) (place.Asset, error) {
	err := db.writeShared(ctx, func(tx *Tx) error {
		tx.tiles(AssetsTiles) // no tile shows last_reviewed, but it is a write of assets
		n, err := tx.Exec(ctx, `UPDATE assets SET last_reviewed = $1, updated_at = $1, version = version + 1 WHERE id = $2 AND version = $3`,
			dbTime(tx.now), id, ifVersion)
		if err != nil {
			return err
		}
		if n == 0 {
			return staleAsset(ctx, tx, id, ifVersion)
		}
		a, err := db.asset(ctx, tx, id)
		if err != nil {
			return err
		}
		return addAssetRevision(ctx, tx, "reviewed", a)
	})
	if err != nil {
		return place.Asset{}, err
	}
	return db.Asset(ctx, id)
}
