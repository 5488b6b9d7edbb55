package store

import (
	"strings"
	"time"

	"github.com/placemap/placemap/internal/place"
)

// DecideLinks works out what a person's decision does to an area's
// successor links into one release, for every store alike: a link to a
// kept code stands (computed → confirmed; corrected stays corrected), every
// other link is rejected, and a kept code without a link is added as
// corrected with the shares given. All carry who decided, when and why.
func DecideLinks(existing, keep []place.Successor, by, note string, at time.Time) (update, add []place.Successor) {
	kept := map[string]place.Successor{}
	for _, k := range keep {
		kept[k.NewCode] = k
	}
	decided := func(l place.Successor, status place.SuccessorStatus) place.Successor {
		l.Status, l.DecidedBy, l.Note = status, by, note
		l.DecidedAt = &at
		return l
	}
	linked := map[string]bool{}
	for _, l := range existing {
		linked[l.NewCode] = true
		status := place.LinkRejected
		if _, ok := kept[l.NewCode]; ok {
			status = place.LinkConfirmed
			if l.Status == place.LinkCorrected {
				status = place.LinkCorrected
			}
		}
		update = append(update, decided(l, status))
	}
	for _, k := range keep {
		if !linked[k.NewCode] {
			linked[k.NewCode] = true
			add = append(add, decided(k, place.LinkCorrected))
		}
	}
	return update, add
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

// CheckKeep drops repeated codes from the successors a decision keeps
// (the first of each stands) and refuses more than place.MaxKept distinct
// ones, so the work a decision does is bounded by what it keeps.
func CheckKeep(keep []place.Successor) ([]place.Successor, error) {
	codes := make([]string, len(keep))
	for i, k := range keep {
		codes[i] = k.NewCode
	}
	uniq, err := place.UniqueList("keep", codes, place.MaxKept)
	if err != nil {
		return nil, err
	}
	if len(uniq) == len(keep) {
		return keep, nil
	}
	out := make([]place.Successor, 0, len(uniq))
	seen := map[string]bool{}
	for _, k := range keep {
		if !seen[k.NewCode] {
			seen[k.NewCode] = true
			out = append(out, k)
		}
	}
	return out, nil
}
