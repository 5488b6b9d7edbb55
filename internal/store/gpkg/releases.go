package gpkg

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// AddRelease makes an existing set a release of a series.
func (s *Store) AddRelease(ctx context.Context, set string, r store.Release) error {
	if err := store.CheckRelease(set, r); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM boundary_sets WHERE slug = ?`, set).Scan(&n); err != nil {
			return fmt.Errorf("check set %s: %w", set, translate(err))
		}
		if n == 0 {
			return place.Errorf(place.ENOTFOUND, "no boundary set %q", set)
		}
		return saveRelease(ctx, tx, set, r)
	})
}

// saveRelease records set as a release of r.Series with its successor
// links, in tx.
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

// Series lists every series with its releases in release order.
func (s *Store) Series(ctx context.Context) ([]place.Series, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT x.slug, x.title, x.current_set, b.slug, b.release_date
		FROM series x JOIN set_releases r ON r.series = x.slug JOIN boundary_sets b ON b.slug = r.set_slug ORDER BY x.slug`)
	if err != nil {
		return nil, fmt.Errorf("list series: %w", translate(err))
	}
	defer rows.Close()
	var all []store.ReleaseRow
	for rows.Next() {
		var r store.ReleaseRow
		if err := rows.Scan(&r.Series.Slug, &r.Series.Title, &r.Series.Current, &r.Set.Slug, &r.Set.ReleaseDate); err != nil {
			return nil, fmt.Errorf("list series: %w", err)
		}
		all = append(all, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return store.GroupReleases(all), nil
}

// SetCurrentRelease makes set the series' current release.
func (s *Store) SetCurrentRelease(ctx context.Context, series, set string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM series WHERE slug = ?`, series).Scan(&n); err != nil {
			return translate(err)
		}
		if n == 0 {
			return place.Errorf(place.ENOTFOUND, "no series %q", series)
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM set_releases WHERE series = ? AND set_slug = ?`, series, set).Scan(&n); err != nil {
			return translate(err)
		}
		if n == 0 {
			return place.Errorf(place.EINVALID, "boundary set %q is not a release of series %q", set, series)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE series SET current_set = ? WHERE slug = ?`, set, series); err != nil {
			return fmt.Errorf("series %s: %w", series, translate(err))
		}
		return addRevision(ctx, tx, "series", series, "current", map[string]any{"set": set})
	})
}

const successorColumns = `old_set, old_code, new_set, new_code, share_of_old, share_of_new, iou, status, decided_by, decided_at, note`

// Successors lists the successor links matching q.
func (s *Store) Successors(ctx context.Context, q store.SuccessorQuery) ([]place.Successor, error) {
	return successors(ctx, s.db, q)
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func successors(ctx context.Context, db querier, q store.SuccessorQuery) ([]place.Successor, error) {
	where, args := q.Where(func(int) string { return "?" })
	query := `SELECT ` + successorColumns + ` FROM area_successors`
	if where != "" {
		query += ` WHERE ` + where
	}
	rows, err := db.QueryContext(ctx, query+` ORDER BY old_set, old_code, share_of_old DESC, new_code`, args...)
	if err != nil {
		return nil, fmt.Errorf("successors: %w", translate(err))
	}
	defer rows.Close()
	var out []place.Successor
	for rows.Next() {
		var l place.Successor
		var status string
		var decided any
		if err := rows.Scan(&l.OldSet, &l.OldCode, &l.NewSet, &l.NewCode, &l.ShareOfOld, &l.ShareOfNew, &l.IoU, &status, &l.DecidedBy, &decided, &l.Note); err != nil {
			return nil, fmt.Errorf("successors: %w", err)
		}
		l.Status = place.SuccessorStatus(status)
		if decided != nil {
			t, err := readTime(decided)
			if err != nil {
				return nil, fmt.Errorf("successor %s %s: decided_at: %w", l.OldSet, l.OldCode, err)
			}
			l.DecidedAt = &t
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// DecideSuccessors records a person's decision on where an area went.
func (s *Store) DecideSuccessors(ctx context.Context, oldSet, oldCode, newSet string, keep []place.Successor, by, note string) ([]place.Successor, error) {
	keep, err := store.CheckKeep(keep)
	if err != nil {
		return nil, err
	}
	var out []place.Successor
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if err := areaExists(ctx, tx, oldSet, oldCode, place.ENOTFOUND); err != nil {
			return err
		}
		var a, b string
		_ = tx.QueryRowContext(ctx, `SELECT series FROM set_releases WHERE set_slug = ?`, oldSet).Scan(&a)
		_ = tx.QueryRowContext(ctx, `SELECT series FROM set_releases WHERE set_slug = ?`, newSet).Scan(&b)
		if a == "" || a != b || oldSet == newSet {
			return place.Errorf(place.EINVALID, "%s and %s are not two releases of one series", oldSet, newSet)
		}
		existing, err := successors(ctx, tx, store.SuccessorQuery{OldSet: oldSet, OldCode: oldCode, NewSet: newSet})
		if err != nil {
			return err
		}
		for i, k := range keep {
			if err := areaExists(ctx, tx, newSet, k.NewCode, place.EINVALID); err != nil {
				return fmt.Errorf("successor %d: %w", i, err)
			}
		}
		update, add := store.DecideLinks(existing, keep, by, note, now())
		for _, l := range update {
			if _, err := tx.ExecContext(ctx, `UPDATE area_successors SET status = ?, decided_by = ?, decided_at = ?, note = ?
				WHERE old_set = ? AND old_code = ? AND new_set = ? AND new_code = ?`,
				string(l.Status), l.DecidedBy, l.DecidedAt.Format(timeFormat), l.Note, oldSet, oldCode, newSet, l.NewCode); err != nil {
				return fmt.Errorf("decide %s %s → %s: %w", oldSet, oldCode, l.NewCode, translate(err))
			}
		}
		for _, l := range add {
			if _, err := tx.ExecContext(ctx, `INSERT INTO area_successors
				(old_set, old_code, new_set, new_code, share_of_old, share_of_new, iou, status, decided_by, decided_at, note)
				VALUES (?,?,?,?,?,?,?,?,?,?,?)`, oldSet, oldCode, newSet, l.NewCode, l.ShareOfOld, l.ShareOfNew, l.IoU,
				string(l.Status), l.DecidedBy, l.DecidedAt.Format(timeFormat), l.Note); err != nil {
				return fmt.Errorf("correct %s %s → %s: %w", oldSet, oldCode, l.NewCode, translate(err))
			}
		}
		codes := make([]string, len(keep))
		for i, k := range keep {
			codes[i] = k.NewCode
		}
		if err := addRevision(ctx, tx, "area_successors", oldSet+"/"+oldCode, "decide", map[string]any{"new_set": newSet, "keep": codes, "by": by, "note": note}); err != nil {
			return err
		}
		out, err = successors(ctx, tx, store.SuccessorQuery{OldSet: oldSet, OldCode: oldCode, NewSet: newSet})
		return err
	})
	return out, err
}
