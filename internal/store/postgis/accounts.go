package postgis

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/placemap/placemap/internal/place"
)

// DeleteAsset removes an asset and its memberships if its version is
// still ifVersion.
func (s *Store) DeleteAsset(ctx context.Context, id string, ifVersion int64) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		last, err := scanAsset(tx.QueryRow(ctx, `SELECT `+assetColumns+` FROM assets a WHERE a.id = $1`, id))
		if errors.Is(err, pgx.ErrNoRows) {
			return place.Errorf(place.ENOTFOUND, "no asset %q", id)
		}
		if err != nil {
			return fmt.Errorf("delete asset %s: %w", id, translate(err))
		}
		if last.Version != ifVersion {
			return place.Errorf(place.ECONFLICT, "asset %s is at version %d, not %d: someone else changed it", id, last.Version, ifVersion)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM assets WHERE id = $1`, id); err != nil {
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
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		t := now()
		tag, err := tx.Exec(ctx, `UPDATE assets SET last_reviewed = $1, updated_at = $1, version = version + 1 WHERE id = $2 AND version = $3`, t, id, ifVersion)
		if err != nil {
			return translate(err)
		}
		if tag.RowsAffected() == 0 {
			var current int64
			if err := tx.QueryRow(ctx, `SELECT version FROM assets WHERE id = $1`, id).Scan(&current); errors.Is(err, pgx.ErrNoRows) {
				return place.Errorf(place.ENOTFOUND, "no asset %q", id)
			} else if err != nil {
				return translate(err)
			}
			return place.Errorf(place.ECONFLICT, "asset %s is at version %d, not %d: someone else changed it", id, current, ifVersion)
		}
		a, err := scanAsset(tx.QueryRow(ctx, `SELECT `+assetColumns+` FROM assets a WHERE a.id = $1`, id))
		if err != nil {
			return translate(err)
		}
		return addAssetRevision(ctx, tx, "reviewed", a)
	})
	if err != nil {
		return place.Asset{}, err
	}
	return s.Asset(ctx, id)
}
