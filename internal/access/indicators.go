package access

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/reconcile"
)

// OSM's licence and attribution, carried by the indicators a run writes.
const (
	osmLicence     = "ODbL-1.0"
	osmAttribution = "© OpenStreetMap contributors"
)

// IndicatorNames are the names a baseline run of category and mode writes
// on its From set: metres, minutes, within each threshold, nearest asset.
func IndicatorNames(category, mode string) []string {
	pre := prefix(mode)
	out := []string{pre + "_metres_to_" + category, pre + "_minutes_to_" + category}
	for _, t := range Thresholds {
		out = append(out, fmt.Sprintf("%s_within_%d_minutes_to_%s", pre, t, category))
	}
	return append(out, "nearest_"+category)
}

func prefix(mode string) string {
	if mode == "cycle" {
		return "cycle"
	}
	return "walk"
}

func noun(mode string) string {
	if mode == "cycle" {
		return "cycle ride"
	}
	return "walk"
}

func verb(mode string) string {
	if mode == "cycle" {
		return "cycling"
	}
	return "walking"
}

// writeIndicators replaces the From set's indicators with the run's, in
// one transaction: metres and minutes where an asset was reached, 1 or 0
// within each threshold everywhere, and the nearest asset's FID (kind
// asset) where reached.
func (s *Service) writeIndicators(ctx context.Context, r *Result) ([]string, error) {
	p := r.Params
	names := IndicatorNames(p.Category, p.Mode)
	word, v := categoryWord(p.Category), verb(p.Mode)
	fid := map[string]int64{}
	for _, a := range r.Summary.Assets {
		fid[a.ID] = a.FID
	}
	ind := func(name, kind, title string) place.Indicator {
		return place.Indicator{Name: name, Kind: kind, Title: title, Source: r.Summary.Method, Licence: osmLicence, Attribution: osmAttribution}
	}
	inds := []place.Indicator{
		ind(names[0], reconcile.Rate, fmt.Sprintf("Distance %s to the nearest %s (m)", v, word)),
		ind(names[1], reconcile.Rate, fmt.Sprintf("Time %s to the nearest %s (minutes)", v, word)),
	}
	values := map[string]map[string]float64{}
	for _, n := range names {
		values[n] = map[string]float64{}
	}
	for i, t := range Thresholds {
		inds = append(inds, ind(names[2+i], reconcile.Rate, fmt.Sprintf("Within %d minutes' %s of a %s (1 yes, 0 no; moved by population: the share of residents)", t, noun(p.Mode), word)))
	}
	inds = append(inds, ind(names[len(names)-1], reconcile.Asset, fmt.Sprintf("Nearest %s by %s", word, v)))
	for _, o := range r.Origins {
		for i, t := range Thresholds {
			values[names[2+i]][o.Code] = b2f(o.Walk.within(t))
		}
		if !o.Reached {
			continue
		}
		values[names[0]][o.Code] = o.Metres
		values[names[1]][o.Code] = o.Minutes
		values[names[len(names)-1]][o.Code] = float64(fid[o.Nearest])
	}
	if err := s.st.ReplaceIndicators(ctx, p.From, inds, values); err != nil {
		return nil, fmt.Errorf("write the %s indicators of %s: %w", v, p.From, err)
	}
	sort.Strings(names)
	return names, nil
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// method says how a run was made, for the indicators' Source and the
// summary: "walking network from FILE (OSM, ODbL), 4.8 km/h, origins at
// population-weighted points of oa-2011, nearest of 28 open libraries,
// placemap access 2026-12-06".
func method(p Params, source string, og originSet, assets int, at time.Time) string {
	pts := "points inside the areas of " + og.set.Slug
	switch {
	case og.weighted == len(og.origins) && og.weighted > 0:
		pts = fmt.Sprintf("population-weighted points (from %s) of %s", og.pointSet, og.set.Slug)
	case og.weighted > 0:
		pts = fmt.Sprintf("population-weighted points (from %s) of %d of the %d areas of %s, points inside the rest", og.pointSet, og.weighted, len(og.origins), og.set.Slug)
	}
	what := fmt.Sprintf("nearest of %d %s %s", assets, statusWords(p.Statuses), plural(p.Category))
	if assets == 1 {
		what = fmt.Sprintf("the one %s %s", statusWords(p.Statuses), categoryWord(p.Category))
	}
	if p.Scenario() {
		what += fmt.Sprintf(" (scenario: %d closed, %d opened)", len(p.Close), len(p.Open))
	}
	return fmt.Sprintf("%s network from %s (OSM, ODbL), %g km/h, up to %g minutes, origins at %s, %s, population: %s, placemap access %s",
		verb(p.Mode), source, p.SpeedKmh, p.MaxMinutes, pts, what, og.popSource, at.Format("2006-01-02"))
}
