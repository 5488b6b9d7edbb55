package importer

import (
	"context"
	"fmt"
	"io"
	"slices"

	"github.com/placemap/placemap/internal/formats"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/reconcile"
	"github.com/placemap/placemap/internal/store"
)

// ReleaseStore is what importing a release needs from a store.
type ReleaseStore interface {
	Store
	Set(ctx context.Context, slug string) (place.SetSummary, error)
	Series(ctx context.Context) ([]place.Series, error)
	ImportRelease(ctx context.Context, set place.BoundarySet, areas []place.Area, r place.Release) (store.ImportReport, error)
	AddRelease(ctx context.Context, set string, r place.Release) error
	Places(ctx context.Context) ([]place.Place, error)
}

// WeakSuccessorIoU: a place carried to a new release through a main
// successor whose IoU with the old area is below this is flagged for review.
const WeakSuccessorIoU = 0.8

// ReleaseOptions says which series a set is a release of.
type ReleaseOptions struct {
	Series      string // slug of the series; made if new
	SeriesTitle string // title of a new series ("" for the set's title)
	// NotCurrent imports the release without making it current (a release
	// staged ahead of its date); by default the newest release is current.
	NotCurrent bool
}

// ReleaseResult says what a release import did.
type ReleaseResult struct {
	SetResult
	Series   string
	Previous string // the release it follows, "" for a series' first
	Links    int    // successor links from the previous release
	Changes  map[place.ChangeClass]int
	// PlaceLinks are the links added to places; those flagged Review rest
	// on a weak successor.
	PlaceLinks []place.PlaceLinkAdd
}

// Release imports a boundary file as the newest release of a series: the
// areas of the previous release are overlaid with the new ones, and the
// successor links, the set, its memberships and its place in the series
// are written in one transaction. A release must be dated after every
// release the series has (releases are imported in date order).
func Release(ctx context.Context, st ReleaseStore, r io.Reader, name string, set place.BoundarySet, opts formats.BoundaryOptions, ro ReleaseOptions) (ReleaseResult, error) {
	res := ReleaseResult{Series: ro.Series}
	if err := set.Validate(); err != nil {
		return res, err
	}
	prev, err := previousRelease(ctx, st, ro.Series, set)
	if err != nil {
		return res, err
	}
	areas, sr, err := readSet(r, name, &set, opts)
	res.SetResult = sr
	if err != nil {
		return res, err
	}
	rel, err := planRelease(ctx, st, prev, set.Slug, areas, ro, &res)
	if err != nil {
		return res, err
	}
	rep, err := st.ImportRelease(ctx, set, areas, rel)
	if err != nil {
		return res, fmt.Errorf("import %s as %s, a release of %s: %w", name, set.Slug, ro.Series, err)
	}
	res.ImportReport, res.Previous, res.Links = rep, prev, len(rel.Successors)
	return res, nil
}

// AddRelease makes a set already in the store the newest release of a
// series, with successor links from the previous release.
func AddRelease(ctx context.Context, st ReleaseStore, slug string, ro ReleaseOptions) (ReleaseResult, error) {
	res := ReleaseResult{Series: ro.Series}
	ss, err := st.Set(ctx, slug)
	if err != nil {
		return res, err
	}
	if ss.Series != "" {
		return res, place.Errorf(place.ECONFLICT, "boundary set %q is a release of series %q already", slug, ss.Series)
	}
	prev, err := previousRelease(ctx, st, ro.Series, ss.BoundarySet)
	if err != nil {
		return res, err
	}
	var areas []place.Area
	if prev != "" {
		if areas, err = store.AllAreas(ctx, st, slug); err != nil {
			return res, err
		}
	}
	rel, err := planRelease(ctx, st, prev, slug, areas, ro, &res)
	if err != nil {
		return res, err
	}
	if err := st.AddRelease(ctx, slug, rel); err != nil {
		return res, fmt.Errorf("make %s a release of %s: %w", slug, ro.Series, err)
	}
	res.Previous, res.Links = prev, len(rel.Successors)
	return res, nil
}

// ReleaseReader is what planning a release reads: the areas of the
// previous release, and the places linked to them.
type ReleaseReader interface {
	Areas(ctx context.Context, set string, q store.AreaQuery) ([]place.Area, error)
	Places(ctx context.Context) ([]place.Place, error)
}

// PlanRelease makes the release of set, with these areas, in ro's series
// after prev, its newest release ("" for none): the successor links from
// prev and the places carried over, as a release import writes them (a
// set proposal's publish writes one too). res, when not nil, notes the
// changes and the place links.
func PlanRelease(ctx context.Context, st ReleaseReader, prev, set string, areas []place.Area, ro ReleaseOptions, res *ReleaseResult) (place.Release, error) {
	if res == nil {
		res = &ReleaseResult{}
	}
	return planRelease(ctx, st, prev, set, areas, ro, res)
}

// planRelease makes the release of set (with these areas) in ro's series:
// after prev, the successor links from it and the places carried over,
// noted in res. A series' first release (prev "") has neither.
func planRelease(ctx context.Context, st ReleaseReader, prev, set string, areas []place.Area, ro ReleaseOptions, res *ReleaseResult) (place.Release, error) {
	rel := place.Release{Series: ro.Series, SeriesTitle: ro.SeriesTitle, Current: !ro.NotCurrent}
	if prev == "" {
		return rel, nil
	}
	var err error
	if rel.Successors, res.Changes, err = successors(ctx, st, prev, set, areas); err != nil {
		return rel, err
	}
	if rel.PlaceLinks, err = relinkPlaces(ctx, st, prev, set, rel.Successors); err != nil {
		return rel, err
	}
	res.PlaceLinks = rel.PlaceLinks
	return rel, nil
}

// previousRelease returns the series' newest release, checking that set
// comes after it; "" for a new series.
func previousRelease(ctx context.Context, st ReleaseStore, series string, set place.BoundarySet) (string, error) {
	all, err := st.Series(ctx)
	if err != nil {
		return "", err
	}
	i := slices.IndexFunc(all, func(s place.Series) bool { return s.Slug == series })
	if i < 0 || len(all[i].Releases) == 0 {
		return "", nil
	}
	last := all[i].Releases[len(all[i].Releases)-1]
	ls, err := st.Set(ctx, last)
	if err != nil {
		return "", err
	}
	order := []place.BoundarySet{ls.BoundarySet, set}
	place.OrderReleases(order)
	if order[1].Slug != set.Slug || ls.ReleaseDate == set.ReleaseDate {
		return "", place.Errorf(place.EINVALID, "release %s (dated %q) must come after %s (dated %q), the newest release of series %s: import releases in date order",
			set.Slug, set.ReleaseDate, last, ls.ReleaseDate, series)
	}
	return last, nil
}

func successors(ctx context.Context, st ReleaseReader, prev, set string, areas []place.Area) ([]place.Successor, map[place.ChangeClass]int, error) {
	old, err := store.AllAreas(ctx, st, prev)
	if err != nil {
		return nil, nil, fmt.Errorf("areas of %s, the previous release: %w", prev, err)
	}
	links, err := reconcile.SuccessorLinks(ctx, prev, old, set, areas)
	if err != nil {
		return nil, nil, fmt.Errorf("successors from %s to %s: %w", prev, set, err)
	}
	counts := map[place.ChangeClass]int{}
	for _, c := range place.ClassifyChanges(prev, reconcile.Refs(old), set, reconcile.Refs(areas), links) {
		counts[c.Change]++
	}
	return links, counts, nil
}

// relinkPlaces carries every place defined by an area of prev to that
// area's main successor in set (the one taking most of its ground), as an
// unconfirmed link saying where it came from, flagged for review when the
// successor's IoU with the old area is under WeakSuccessorIoU.
func relinkPlaces(ctx context.Context, st ReleaseReader, prev, set string, links []place.Successor) ([]place.PlaceLinkAdd, error) {
	places, err := st.Places(ctx)
	if err != nil {
		return nil, err
	}
	main := map[string]place.Successor{}
	for _, l := range links {
		if m, ok := main[l.OldCode]; !ok || l.ShareOfOld > m.ShareOfOld {
			main[l.OldCode] = l
		}
	}
	var out []place.PlaceLinkAdd
	for _, p := range places {
		has := map[string]bool{}
		for _, l := range p.Links {
			if l.Set == set {
				has[l.Code] = true
			}
		}
		for _, l := range p.Links {
			m, ok := main[l.Code]
			if l.Set != prev || !ok || has[m.NewCode] {
				continue
			}
			has[m.NewCode] = true
			weak := m.IoU < WeakSuccessorIoU
			note := fmt.Sprintf("main successor of %s %s (IoU %.2f; %.0f%% of the old area)", prev, l.Code, m.IoU, 100*m.ShareOfOld)
			if weak {
				note += ": a weak match, review it"
			}
			out = append(out, place.PlaceLinkAdd{Place: p.Slug, PlaceLink: place.PlaceLink{Set: set, Code: m.NewCode, Note: note, Review: weak}})
		}
	}
	return out, nil
}
