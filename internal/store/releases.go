package store

import (
	"strings"

	"github.com/placemap/placemap/internal/place"
)

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
