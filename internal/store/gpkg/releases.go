package gpkg

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// saveRelease records set as a release of r.Series with its successor
// links, in tx.
// still used by importSet until it moves to store.DB
func saveRelease(ctx context.Context, tx *sql.Tx, set string, r store.Release) error {
	var in string
	err := tx.QueryRowContext(ctx, `SELECT series FROM set_releases WHERE set_slug = ?`, set).Scan(&in)
	if err == nil {
		return place.Errorf(place.ECONFLICT, "boundary set %q is a release of series %q already", set, in)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("series of %s: %w", set, translate(err))
	}
	var current string
	err = tx.QueryRowContext(ctx, `SELECT current_set FROM series WHERE slug = ?`, r.Series).Scan(&current)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		title := r.SeriesTitle
		if title == "" {
			if err := tx.QueryRowContext(ctx, `SELECT title FROM boundary_sets WHERE slug = ?`, set).Scan(&title); err != nil {
				return fmt.Errorf("title of %s: %w", set, translate(err))
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO series (slug, title, current_set) VALUES (?,?,?)`, r.Series, title, set); err != nil {
			return fmt.Errorf("new series %s: %w", r.Series, translate(err))
		}
	case err != nil:
		return fmt.Errorf("series %s: %w", r.Series, translate(err))
	case r.Current:
		if _, err := tx.ExecContext(ctx, `UPDATE series SET current_set = ? WHERE slug = ?`, set, r.Series); err != nil {
			return fmt.Errorf("series %s: %w", r.Series, translate(err))
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO set_releases (set_slug, series) VALUES (?,?)`, set, r.Series); err != nil {
		return fmt.Errorf("release %s of %s: %w", set, r.Series, translate(err))
	}
	ins, err := tx.PrepareContext(ctx, `INSERT INTO area_successors
		(old_set, old_code, new_set, new_code, share_of_old, share_of_new, iou, status, decided_by, decided_at, note) VALUES (?,?,?,?,?,?,?,?,?,?,?)`)
	if err != nil {
		return err
	}
	defer ins.Close()
	seriesOf := map[string]string{}
	for i, l := range r.Successors {
		sr, ok := seriesOf[l.OldSet]
		if !ok {
			if err := tx.QueryRowContext(ctx, `SELECT series FROM set_releases WHERE set_slug = ?`, l.OldSet).Scan(&sr); err != nil && !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("series of %s: %w", l.OldSet, translate(err))
			}
			seriesOf[l.OldSet] = sr
		}
		if sr != r.Series {
			return place.Errorf(place.EINVALID, "successor link %d: %s is not a release of series %s", i, l.OldSet, r.Series)
		}
		if err := areaExists(ctx, tx, l.OldSet, l.OldCode, place.ENOTFOUND); err != nil {
			return fmt.Errorf("successor link %d: %w", i, err)
		}
		if err := areaExists(ctx, tx, l.NewSet, l.NewCode, place.EINVALID); err != nil {
			return fmt.Errorf("successor link %d: %w", i, err)
		}
		var decided any
		if l.DecidedAt != nil {
			decided = l.DecidedAt.UTC().Format(timeFormat)
		}
		if _, err := ins.ExecContext(ctx, l.OldSet, l.OldCode, l.NewSet, l.NewCode, l.ShareOfOld, l.ShareOfNew, l.IoU, string(l.Status),
			l.DecidedBy, decided, l.Note); err != nil {
			return fmt.Errorf("successor link %d (%s %s → %s): %w", i, l.OldSet, l.OldCode, l.NewCode, translate(err))
		}
	}
	for i, l := range r.PlaceLinks {
		if err := areaExists(ctx, tx, l.Set, l.Code, place.EINVALID); err != nil {
			return fmt.Errorf("place link %d (%s): %w", i, l.Place, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO place_links (place_slug, set_slug, area_code, confirmed, note, review) VALUES (?,?,?,?,?,?)
			ON CONFLICT (place_slug, set_slug, area_code) DO NOTHING`, l.Place, l.Set, l.Code, l.Confirmed, l.Note, l.Review); err != nil {
			return fmt.Errorf("place link %d (%s → %s %s): %w", i, l.Place, l.Set, l.Code, translate(err))
		}
	}
	return addRevision(ctx, tx, "series", r.Series, "release", map[string]any{"set": set, "current": r.Current, "successors": len(r.Successors), "place_links": len(r.PlaceLinks)})
}

// still used by importSet until it moves to store.DB
func areaExists(ctx context.Context, tx *sql.Tx, set, code, errCode string) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM areas WHERE set_slug = ? AND code = ?`, set, code).Scan(&n); err != nil {
		return fmt.Errorf("area %s %s: %w", set, code, translate(err))
	}
	if n == 0 {
		return place.Errorf(errCode, "no area %q in boundary set %q", code, set)
	}
	return nil
}
