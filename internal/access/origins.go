package access

import (
	"context"
	"fmt"
	"slices"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/geo"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/reconcile"
	"github.com/placemap/placemap/internal/store"
)

// originSet is the origins of a run and where their people and points
// came from.
type originSet struct {
	origins   []Origin
	set       place.SetSummary
	popSource string // NoPopulation when no set carries one: each origin counts once
	pointSet  string // the finer set whose population weighs the points, or ""
	weighted  int    // origins at a population-weighted point
}

// NoPopulation is PopulationSource when no set carries a population.
const NoPopulation = "none: no boundary set carries a population count, so each origin counts as one"

// origins returns every area of set as an origin: at the population-weighted
// point of the finer population set's areas inside it when there is one
// (kept inside the area, else its point on surface), with the set's own
// population, else its residents by reconcile's rule.
func (s *Service) origins(ctx context.Context, set place.SetSummary, tell Progress) (originSet, error) {
	areas, err := s.allAreas(ctx, set.Slug)
	if err != nil {
		return originSet{}, err
	}
	out := originSet{set: set, origins: make([]Origin, len(areas))}
	pop, err := s.population(ctx, set, &out)
	if err != nil {
		return out, err
	}
	points, err := s.weightedPoints(ctx, set, areas, &out)
	if err != nil {
		return out, err
	}
	for i, a := range areas {
		o := Origin{Code: a.Code, Name: a.Name, Population: 1}
		if out.popSource != NoPopulation {
			o.Population = pop[a.Code]
		}
		if pt, ok := points[a.Code]; ok {
			o.Point, o.Weighted = pt, true
			out.weighted++
		} else {
			o.Point = geo.PointOnSurface(a.Geometry)
		}
		out.origins[i] = o
		if tell != nil && i%1000 == 999 {
			tell("origins", i+1, len(areas))
		}
	}
	return out, nil
}

// allAreas reads every area of a set, page by page.
func (s *Service) allAreas(ctx context.Context, set string) ([]place.Area, error) {
	var out []place.Area
	for off := 0; ; off += store.MaxPage {
		page, err := s.st.Areas(ctx, set, store.AreaQuery{Limit: store.MaxPage, Offset: off})
		if err != nil {
			return nil, fmt.Errorf("areas of %s: %w", set, err)
		}
		out = append(out, page...)
		if len(page) < store.MaxPage {
			return out, nil
		}
	}
}

// population gives each area of set its residents: the set's own
// population count, else the finest population set's moved onto it (each
// block whole to its best-fit area, reconcile's rule). With no population
// anywhere it returns nil and sets popSource to NoPopulation.
func (s *Service) population(ctx context.Context, set place.SetSummary, out *originSet) (map[string]float64, error) {
	sets, err := s.rec.PopulationSets(ctx)
	if err != nil {
		return nil, fmt.Errorf("population: %w", err)
	}
	switch {
	case len(sets) == 0:
		out.popSource = NoPopulation
		return nil, nil
	case slices.Contains(sets, set.Slug):
		v, err := s.st.IndicatorValues(ctx, set.Slug, reconcile.PopulationIndicator)
		out.popSource = fmt.Sprintf("%s of %s", reconcile.PopulationIndicator, set.Slug)
		return v, err
	}
	v, info, err := s.rec.Residents(ctx, set.Slug)
	if err != nil {
		return nil, fmt.Errorf("population of %s: %w", set.Slug, err)
	}
	out.popSource = fmt.Sprintf("%s of %s moved onto %s (%s)", info.Indicator, info.Set, set.Slug, info.Basis)
	return v, nil
}

// weightedPoints returns, for the areas of set holding areas of the finest
// population set finer than it, the population-weighted mean of those
// blocks' points on surface (each block in its best-fit area), when that
// mean lies inside the area.
func (s *Service) weightedPoints(ctx context.Context, set place.SetSummary, areas []place.Area, out *originSet) (map[string]orb.Point, error) {
	sets, err := s.rec.PopulationSets(ctx)
	if err != nil || len(sets) == 0 || sets[0] == set.Slug {
		return nil, err
	}
	blocks, err := s.st.Set(ctx, sets[0])
	if err != nil || blocks.AreaCount <= set.AreaCount {
		return nil, err
	}
	cw, err := s.rec.Crosswalk(ctx, blocks.Slug, set.Slug)
	if err != nil {
		return nil, fmt.Errorf("population-weighted points from %s: %w", blocks.Slug, err)
	}
	pop, err := s.st.IndicatorValues(ctx, blocks.Slug, reconcile.PopulationIndicator)
	if err != nil {
		return nil, err
	}
	type acc struct{ x, y, w float64 }
	sums := map[string]*acc{}
	for i, b := range cw.A {
		w := pop[b.Code]
		if i >= len(cw.BestFit) || cw.BestFit[i] < 0 || w <= 0 {
			continue
		}
		code := cw.B[cw.Pairs[cw.BestFit[i]].B].Code
		if sums[code] == nil {
			sums[code] = &acc{}
		}
		pt := geo.PointOnSurface(b.Geometry)
		a := sums[code]
		a.x, a.y, a.w = a.x+w*pt[0], a.y+w*pt[1], a.w+w
	}
	points := map[string]orb.Point{}
	for _, a := range areas {
		if sum := sums[a.Code]; sum != nil {
			pt := orb.Point{sum.x / sum.w, sum.y / sum.w}
			if geo.NewContains(a.Geometry).Point(pt) {
				points[a.Code] = pt
			}
		}
	}
	out.pointSet = blocks.Slug
	return points, nil
}
