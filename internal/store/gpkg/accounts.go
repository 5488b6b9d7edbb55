package gpkg

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/placemap/placemap/internal/place"
)

// DeleteAsset removes an asset and its memberships if its version is
// still ifVersion.
func (s *Store) DeleteAsset(ctx context.Context, id string, ifVersion int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		last, err := scanAsset(tx.QueryRowContext(ctx, `SELECT `+assetColumns+` FROM assets a WHERE a.id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return place.Errorf(place.ENOTFOUND, "no asset %q", id)
		}
		if err != nil {
			return fmt.Errorf("delete asset %s: %w", id, translate(err))
		}
		if last.Version != ifVersion {
			return place.Errorf(place.ECONFLICT, "asset %s is at version %d, not %d: someone else changed it", id, last.Version, ifVersion)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM assets WHERE id = ?`, id); err != nil {
			return fmt.Errorf("delete asset %s: %w", id, translate(err))
		}
		// The revision keeps the asset as it was deleted, like every
		// revision keeps the whole record: its history reads it, and a
		// restore of it brings the asset back as it was.
		return addAssetRevision(ctx, tx, "delete", last)
	})
}

// MarkReviewed records that someone checked the asset now.
func (s *Store) MarkReviewed(ctx context.Context, id string, ifVersion int64) (place.Asset, error) {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		t := now()
		res, err := tx.ExecContext(ctx, `UPDATE assets SET last_reviewed = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
			t.Format(timeFormat), t.Format(timeFormat), id, ifVersion)
		if err != nil {
			return translate(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var current int64
			if err := tx.QueryRowContext(ctx, `SELECT version FROM assets WHERE id = ?`, id).Scan(&current); errors.Is(err, sql.ErrNoRows) {
				return place.Errorf(place.ENOTFOUND, "no asset %q", id)
			} else if err != nil {
				return err
			}
			return place.Errorf(place.ECONFLICT, "asset %s is at version %d, not %d: someone else changed it", id, current, ifVersion)
		}
		a, err := scanAsset(tx.QueryRowContext(ctx, `SELECT `+assetColumns+` FROM assets a WHERE a.id = ?`, id))
		if err != nil {
			return err
		}
		return addAssetRevision(ctx, tx, "reviewed", a)
	})
	if err != nil {
		return place.Asset{}, err
	}
	return s.Asset(ctx, id)
}
