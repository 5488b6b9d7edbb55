package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/placemap/placemap/internal/place"
)

// Releases: boundary sets as releases of a series (wards of 2013, of
// 2019…), and the successor links that say where each area of one release
// went in a later one. The rules they follow (CheckRelease, CheckKeep,
// DecideLinks) are the domain's, in internal/place.

// AddRelease makes an existing set a release of a series, as ImportRelease
// does. ENOTFOUND for an unknown set, ECONFLICT if it is a release of a
// series already.
func (db *DB) AddRelease(ctx context.Context, set string, r place.Release) error {
	if err := place.CheckRelease(set, r); err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		var exists bool
		if err := tx.QueryRow(ctx, sqlSetExists, set).Scan(&exists); err != nil {
			return fmt.Errorf("check set %s: %w", set, err)
		}
		if !exists {
			return place.Errorf(place.ENOTFOUND, "no boundary set %q", set)
		}
		return saveRelease(ctx, tx, set, r)
	})
}

// saveRelease records set, which exists, as a release of r.Series (made if
// new, with r.SeriesTitle or the set's title), with its successor links and
// the place links it carries, in tx. ECONFLICT if set is a release already;
// EINVALID or ENOTFOUND for a link to no area (see addSuccessors).
func saveRelease(ctx context.Context, tx *Tx, set string, r place.Release) error {
	in, err := seriesOf(ctx, tx, set)
	if err != nil {
		return err
	}
	if in != "" {
		return place.Errorf(place.ECONFLICT, "boundary set %q is a release of series %q already", set, in)
	}
	if err := joinSeries(ctx, tx, set, r); err != nil {
		return err
	}
	tx.tiles(SeriesTiles(r.Series), SetTiles(set))
	if _, err := tx.Exec(ctx, sqlInsertRelease, set, r.Series); err != nil {
		return fmt.Errorf("release %s of %s: %w", set, r.Series, err)
	}
	if err := addSuccessors(ctx, tx, r); err != nil {
		return err
	}
	if err := carryPlaceLinks(ctx, tx, r.PlaceLinks); err != nil {
		return err
	}
	return addRevision(ctx, tx, "series", r.Series, "release",
		map[string]any{"set": set, "current": r.Current, "successors": len(r.Successors), "place_links": len(r.PlaceLinks)})
}

// seriesOf returns the series set is a release of, "" for none.
func seriesOf(ctx context.Context, c Conn, set string) (string, error) {
	var series string
	err := c.QueryRow(ctx, sqlSeriesOfSet, set).Scan(&series)
	if noRows(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("series of %s: %w", set, err)
	}
	return series, nil
}

// joinSeries makes r.Series with set as its current release if it is new,
// or makes set its current release if r.Current says so.
func joinSeries(ctx context.Context, tx *Tx, set string, r place.Release) error {
	var current string
	err := tx.QueryRow(ctx, sqlSeriesCurrent, r.Series).Scan(&current)
	switch {
	case noRows(err):
		title := r.SeriesTitle
		if title == "" {
			if err := tx.QueryRow(ctx, sqlSetTitle, set).Scan(&title); err != nil {
				return fmt.Errorf("title of %s: %w", set, err)
			}
		}
		tx.tiles(SeriesTiles(r.Series))
		if _, err := tx.Exec(ctx, sqlInsertSeries, r.Series, title, set); err != nil {
			return fmt.Errorf("new series %s: %w", r.Series, err)
		}
	case err != nil:
		return fmt.Errorf("series %s: %w", r.Series, err)
	case r.Current:
		tx.tiles(SeriesTiles(r.Series))
		if _, err := tx.Exec(ctx, sqlSetCurrentSet, set, r.Series); err != nil {
			return fmt.Errorf("series %s: %w", r.Series, err)
		}
	}
	return nil
}

// addSuccessors writes a release's successor links: each from an area of
// an earlier release of the series (EINVALID for another set, ENOTFOUND
// for no such area) to an area of the release (EINVALID for none).
func addSuccessors(ctx context.Context, tx *Tx, r place.Release) error {
	seriesOfSet := map[string]string{}
	for i, l := range r.Successors {
		sr, ok := seriesOfSet[l.OldSet]
		if !ok {
			var err error
			if sr, err = seriesOf(ctx, tx, l.OldSet); err != nil {
				return err
			}
			seriesOfSet[l.OldSet] = sr
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
			decided = dbTime(*l.DecidedAt)
		}
		if _, err := tx.Exec(ctx, sqlInsertSuccessor, l.OldSet, l.OldCode, l.NewSet, l.NewCode, l.ShareOfOld, l.ShareOfNew, l.IoU,
			string(l.Status), l.DecidedBy, decided, l.Note); err != nil {
			return fmt.Errorf("successor link %d (%s %s → %s): %w", i, l.OldSet, l.OldCode, l.NewCode, err)
		}
	}
	return nil
}

// carryPlaceLinks adds links to places, leaving a link a place has already
// as it is; EINVALID for a link to no area.
func carryPlaceLinks(ctx context.Context, tx *Tx, links []place.PlaceLinkAdd) error {
	for i, l := range links {
		if err := areaExists(ctx, tx, l.Set, l.Code, place.EINVALID); err != nil {
			return fmt.Errorf("place link %d (%s): %w", i, l.Place, err)
		}
		if _, err := tx.Exec(ctx, sqlCarryPlaceLink, l.Place, l.Set, l.Code, l.Confirmed, l.Note, l.Review); err != nil {
			return fmt.Errorf("place link %d (%s → %s %s): %w", i, l.Place, l.Set, l.Code, err)
		}
	}
	return nil
}

// areaExists says a set has an area with code: nil if it has, an error
// with errCode if not.
func areaExists(ctx context.Context, tx *Tx, set, code, errCode string) error {
	var exists bool
	if err := tx.QueryRow(ctx, sqlAreaExists, set, code).Scan(&exists); err != nil {
		return fmt.Errorf("area %s %s: %w", set, code, err)
	}
	if !exists {
		return place.Errorf(errCode, "no area %q in boundary set %q", code, set)
	}
	return nil
}

// Series lists every series with its releases in release order.
func (db *DB) Series(ctx context.Context) ([]place.Series, error) {
	rows, err := db.d.Conns.Reads().Query(ctx, sqlSelectSeriesSets)
	all, err := collect(rows, err, func(r Row) (ReleaseRow, error) {
		var rr ReleaseRow
		err := r.Scan(&rr.Series.Slug, &rr.Series.Title, &rr.Series.Current, &rr.Set.Slug, &rr.Set.ReleaseDate)
		return rr, err
	})
	if err != nil {
		return nil, fmt.Errorf("list series: %w", err)
	}
	return GroupReleases(all), nil
}

// SetCurrentRelease makes set the series' current release; ENOTFOUND for
// an unknown series, EINVALID for a set that is not one of its releases.
func (db *DB) SetCurrentRelease(ctx context.Context, series, set string) error {
	return db.write(ctx, func(tx *Tx) error {
		var exists bool
		if err := tx.QueryRow(ctx, sqlSeriesExists, series).Scan(&exists); err != nil {
			return fmt.Errorf("series %s: %w", series, err)
		}
		if !exists {
			return place.Errorf(place.ENOTFOUND, "no series %q", series)
		}
		if err := tx.QueryRow(ctx, sqlIsRelease, series, set).Scan(&exists); err != nil {
			return fmt.Errorf("series %s: %w", series, err)
		}
		if !exists {
			return place.Errorf(place.EINVALID, "boundary set %q is not a release of series %q", set, series)
		}
		tx.tiles(SeriesTiles(series))
		if _, err := tx.Exec(ctx, sqlSetCurrentSet, set, series); err != nil {
			return fmt.Errorf("series %s: %w", series, err)
		}
		return addRevision(ctx, tx, "series", series, "current", map[string]any{"set": set})
	})
}

// Successors lists the successor links matching q (rejected ones too),
// by old area, then largest share of it first.
func (db *DB) Successors(ctx context.Context, q SuccessorQuery) ([]place.Successor, error) {
	return successors(ctx, db.d.Conns.Reads(), q)
}

func successors(ctx context.Context, c Conn, q SuccessorQuery) ([]place.Successor, error) {
	where, args := q.Where(placeholder)
	query := sqlSelectSuccessors
	if where != "" {
		query += ` WHERE ` + where
	}
	rows, err := c.Query(ctx, query+sqlSuccessorOrder, args...)
	out, err := collect(rows, err, func(r Row) (place.Successor, error) {
		var l place.Successor
		var status string
		var decided time.Time
		if err := r.Scan(&l.OldSet, &l.OldCode, &l.NewSet, &l.NewCode, &l.ShareOfOld, &l.ShareOfNew, &l.IoU, &status,
			&l.DecidedBy, timeScan{&decided}, &l.Note); err != nil {
			return l, err
		}
		l.Status = place.SuccessorStatus(status)
		if !decided.IsZero() {
			l.DecidedAt = &decided
		}
		return l, nil
	})
	if err != nil {
		return nil, fmt.Errorf("successors: %w", err)
	}
	return out, nil
}

// DecideSuccessors records a person's decision on where an area of oldSet
// went in newSet, a later release of its series: the links to the codes
// kept stand, the others are rejected (DecideLinks). It returns the links
// as they stand after. ENOTFOUND for no such old area; EINVALID for sets
// that are not two releases of one series, or a kept code that is no area
// of newSet.
func (db *DB) DecideSuccessors(ctx context.Context, oldSet, oldCode, newSet string, keep []place.Successor, by, note string) ([]place.Successor, error) {
	keep, err := place.CheckKeep(keep)
	if err != nil {
		return nil, err
	}
	q := SuccessorQuery{OldSet: oldSet, OldCode: oldCode, NewSet: newSet}
	var out []place.Successor
	err = db.write(ctx, func(tx *Tx) error {
		tx.tiles() // its own statements write no tile layer's data; the helpers that do name their layers
		if err := checkDecision(ctx, tx, q, keep); err != nil {
			return err
		}
		existing, err := successors(ctx, tx, q)
		if err != nil {
			return err
		}
		update, add := place.DecideLinks(existing, keep, by, note, tx.now)
		if err := saveDecision(ctx, tx, q, update, add); err != nil {
			return err
		}
		codes := make([]string, len(keep))
		for i, k := range keep {
			codes[i] = k.NewCode
		}
		if err := addRevision(ctx, tx, "area_successors", oldSet+"/"+oldCode, "decide",
			map[string]any{"new_set": newSet, "keep": codes, "by": by, "note": note}); err != nil {
			return err
		}
		out, err = successors(ctx, tx, q)
		return err
	})
	return out, err
}

// checkDecision checks a decision on the links of q's old area into q's new
// set keeping the codes keep, as DecideSuccessors says.
func checkDecision(ctx context.Context, tx *Tx, q SuccessorQuery, keep []place.Successor) error {
	if err := areaExists(ctx, tx, q.OldSet, q.OldCode, place.ENOTFOUND); err != nil {
		return err
	}
	a, err := seriesOf(ctx, tx, q.OldSet)
	if err != nil {
		return err
	}
	b, err := seriesOf(ctx, tx, q.NewSet)
	if err != nil {
		return err
	}
	if a == "" || a != b || q.OldSet == q.NewSet {
		return place.Errorf(place.EINVALID, "%s and %s are not two releases of one series", q.OldSet, q.NewSet)
	}
	for i, k := range keep {
		if err := areaExists(ctx, tx, q.NewSet, k.NewCode, place.EINVALID); err != nil {
			return fmt.Errorf("successor %d: %w", i, err)
		}
	}
	return nil
}

// saveDecision writes the links DecideLinks updated and added for q's old
// area into q's new set.
func saveDecision(ctx context.Context, tx *Tx, q SuccessorQuery, update, add []place.Successor) error {
	for _, l := range update {
		if _, err := tx.Exec(ctx, sqlDecideSuccessor, string(l.Status), l.DecidedBy, dbTime(*l.DecidedAt), l.Note,
			q.OldSet, q.OldCode, q.NewSet, l.NewCode); err != nil {
			return fmt.Errorf("decide %s %s → %s: %w", q.OldSet, q.OldCode, l.NewCode, err)
		}
	}
	for _, l := range add {
		if _, err := tx.Exec(ctx, sqlInsertSuccessor, q.OldSet, q.OldCode, q.NewSet, l.NewCode, l.ShareOfOld, l.ShareOfNew, l.IoU,
			string(l.Status), l.DecidedBy, dbTime(*l.DecidedAt), l.Note); err != nil {
			return fmt.Errorf("correct %s %s → %s: %w", q.OldSet, q.OldCode, l.NewCode, err)
		}
	}
	return nil
}

// ReleaseRow is one release as a store lists it: its series and its set.
type ReleaseRow struct {
	Series place.Series // slug, title and current release
	Set    place.BoundarySet
}

// GroupReleases folds release rows, those of a series next to each other,
// into series with their releases in release order (place.OrderReleases).
func GroupReleases(rows []ReleaseRow) []place.Series {
	var out []place.Series
	var sets [][]place.BoundarySet
	for _, r := range rows {
		if len(out) == 0 || out[len(out)-1].Slug != r.Series.Slug {
			out = append(out, r.Series)
			sets = append(sets, nil)
		}
		sets[len(sets)-1] = append(sets[len(sets)-1], r.Set)
	}
	for i := range out {
		place.OrderReleases(sets[i])
		for _, b := range sets[i] {
			out[i].Releases = append(out[i].Releases, b.Slug)
		}
	}
	return out
}

// Where returns the SQL condition selecting q's links ("" for all) and its
// arguments, with placeholder(n) for the n-th argument: "?" for SQLite,
// "$n" for PostgreSQL.
func (q SuccessorQuery) Where(placeholder func(n int) string) (string, []any) {
	var where []string
	var args []any
	for _, f := range []struct{ col, v string }{{"old_set", q.OldSet}, {"old_code", q.OldCode}, {"new_set", q.NewSet}, {"new_code", q.NewCode}} {
		if f.v != "" {
			args = append(args, f.v)
			where = append(where, f.col+" = "+placeholder(len(args)))
		}
	}
	return strings.Join(where, " AND "), args
}
