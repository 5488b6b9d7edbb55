package reconcile

import (
	"context"
	"fmt"
	"runtime"
	"sort"

	"github.com/paulmach/orb"
	"golang.org/x/sync/errgroup"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// DeprivationIndicator is the name of the indicator an area's profile reads
// as deprivation: a rate from 1 (among the most deprived tenth of areas) to
// 10 (the least deprived tenth), like the deciles of the English Indices of
// Deprivation. Population is PopulationIndicator, a count.
const DeprivationIndicator = "imd_decile"

// Figure is one indicator's value for one area, and where it came from.
type Figure struct {
	Indicator string  `json:"indicator"`
	Title     string  `json:"title"`
	Kind      string  `json:"kind"`
	Value     float64 `json:"value"`
	From      string  `json:"from"`       // the set whose values it is or was moved from
	FromTitle string  `json:"from_title"` // that set's title
	Parts     int     `json:"parts"`      // how many of From's areas it was made from (1 for the set's own)
	Weight    Weight  `json:"weight,omitempty"`
	Method    string  `json:"method"`
	Source    string  `json:"source,omitempty"`
	Licence   string  `json:"licence,omitempty"`
}

// setsCarrying lists the sets that carry indicator name of the kind, most
// areas (the finest) first.
func (s *Service) setsCarrying(ctx context.Context, name, kind string) ([]place.SetSummary, error) {
	sets, err := s.src.Sets(ctx)
	if err != nil {
		return nil, err
	}
	sort.SliceStable(sets, func(i, j int) bool { return sets[i].AreaCount > sets[j].AreaCount })
	var out []place.SetSummary
	for _, set := range sets {
		inds, err := s.src.Indicators(ctx, set.Slug)
		if err != nil {
			return nil, err
		}
		for _, ind := range inds {
			if ind.Name == name && ind.Kind == kind {
				out = append(out, set)
			}
		}
	}
	return out, nil
}

// AreaFigure returns indicator name (of the kind) for area code of set: the
// set's own value when it carries the indicator, else the value Move would
// give it (weighted by w) from the finest set that carries it. ok is false
// when no set carries it or the area gets no value. With no population to
// weigh by, ByPopulation weighs by area. It overlays only the
// areas near this one (see moveOne), not whole sets.
func (s *Service) AreaFigure(ctx context.Context, set, code, name, kind string, w Weight) (Figure, bool, error) {
	carrying, err := s.setsCarrying(ctx, name, kind)
	if err != nil || len(carrying) == 0 {
		return Figure{}, false, err
	}
	from := carrying[0]
	for _, c := range carrying {
		if c.Slug == set {
			from = c
		}
	}
	fig := Figure{Indicator: name, Kind: kind, From: from.Slug, FromTitle: from.Title, Parts: 1}
	if from.Slug == set {
		info, values, err := s.Values(ctx, set, name)
		if err != nil {
			return Figure{}, false, err
		}
		v, ok := values[code]
		fig.Title, fig.Value, fig.Method, fig.Source, fig.Licence = info.Title, v, "the set's own values", info.Source, info.Licence
		return fig, ok, nil
	}
	info, values, err := s.Values(ctx, from.Slug, name)
	if err != nil {
		return Figure{}, false, err
	}
	area, err := s.src.Area(ctx, set, code)
	if err != nil {
		return Figure{}, false, err
	}
	if w == ByPopulation {
		// With no set to weigh by people, weigh by area (the method says so).
		pops, err := s.PopulationSets(ctx)
		if err != nil {
			return Figure{}, false, err
		}
		if len(pops) == 0 {
			w = ByArea
		}
	}
	v, parts, method, ok, err := s.moveOne(ctx, area, from.Slug, values, kind, w)
	if err != nil {
		return Figure{}, false, err
	}
	fig.Title, fig.Value, fig.Method, fig.Source, fig.Licence = info.Title, v, method, info.Source, info.Licence
	fig.Weight, fig.Parts = w, parts
	return fig, ok, nil
}

// moveOne is Move for one area: the same pairs, weights and Transfer, from
// overlays of only the areas near it. Near is enough: a pair needs areas
// that meet, and a block's best fit lies among the areas that meet the
// block. It returns the value, how many areas of from it came from, and
// the method.
func (s *Service) moveOne(ctx context.Context, area place.Area, from string, values map[string]float64, kind string, w Weight) (float64, int, string, bool, error) {
	bound := area.Geometry.Bound()
	src, err := areasNear(ctx, s.src, from, bound)
	if err != nil {
		return 0, 0, "", false, err
	}
	var cw *Crosswalk
	if w != ByPopulation {
		if cw, err = OverlayStored(ctx, src, []place.Area{area}); err != nil {
			return 0, 0, "", false, err
		}
	} else if kind == Rate {
		if cw, err = s.populationRateOne(ctx, area, from, bound); err != nil {
			return 0, 0, "", false, err
		}
	} else if cw, err = s.populationOne(ctx, area, from, bound); err != nil {
		return 0, 0, "", false, err
	}
	out, method, err := cw.Transfer(values, kind, w)
	if err != nil {
		return 0, 0, "", false, place.Errorf(place.EINVALID, "%v", err)
	}
	parts := 0
	for _, p := range cw.Pairs {
		if _, has := values[cw.A[p.A].Code]; has && cw.B[p.B].Code == area.Code {
			parts++
		}
	}
	v, ok := out[area.Code]
	return v, parts, method, ok, nil
}

// blocksNear are the population blocks (the finest set with a population,
// by the one rule: population) near bound, their people, and the box that
// every block that may give people to an area in bound, and every area of
// another set that may be such a block's best fit, meets.
func (s *Service) blocksNear(ctx context.Context, bound orb.Bound) (string, map[string]float64, []place.Area, orb.Bound, error) {
	blockSet, pop, err := s.population(ctx, "weight population")
	if err != nil {
		return "", nil, nil, orb.Bound{}, err
	}
	blocks, err := areasNear(ctx, s.src, blockSet, bound)
	if err != nil {
		return "", nil, nil, orb.Bound{}, err
	}
	wide := bound
	for _, b := range blocks {
		wide = wide.Union(b.Geometry.Bound())
	}
	return blockSet, pop, blocks, wide, nil
}

// populationOne is the crosswalk of the areas of set from near area with
// the areas of area's set near them, weighted by the population of the
// blocks (the finest set with a population) near area, as
// WeightedCrosswalk weighs whole sets.
func (s *Service) populationOne(ctx context.Context, area place.Area, from string, bound orb.Bound) (*Crosswalk, error) {
	_, pop, blocks, wide, err := s.blocksNear(ctx, bound)
	if err != nil {
		return nil, err
	}
	src, err := areasNear(ctx, s.src, from, wide)
	if err != nil {
		return nil, err
	}
	targets, err := areasNear(ctx, s.src, area.Set, wide)
	if err != nil {
		return nil, err
	}
	cw, err := OverlayStored(ctx, src, targets)
	if err != nil {
		return nil, err
	}
	ba, err := OverlayStored(ctx, blocks, src)
	if err != nil {
		return nil, err
	}
	bb, err := OverlayStored(ctx, blocks, targets)
	if err != nil {
		return nil, err
	}
	if err := cw.WeightByPopulation(ba, bb, pop); err != nil {
		return nil, err
	}
	return cw, nil
}

// populationRateOne is populationOne for a rate. A rate moved by
// population reads only the people of the pairs with area itself (not the
// shares of each area's people), so it needs the pairs of from's areas with
// area alone, and the best fit in from of only the blocks whose best fit in
// area's set is area: the same pairs and people, summed in the same order,
// from fewer overlays. (A count needs the people of the whole of each of
// from's areas, so it goes through populationOne.)
func (s *Service) populationRateOne(ctx context.Context, area place.Area, from string, bound orb.Bound) (*Crosswalk, error) {
	blockSet, pop, blocks, wide, err := s.blocksNear(ctx, bound)
	if err != nil {
		return nil, err
	}
	toSet, err := s.bestFits(ctx, blockSet, blocks, area.Set, wide)
	if err != nil {
		return nil, err
	}
	// The blocks that give their people to area.
	var mine []place.Area
	var toArea []string
	for i, b := range blocks {
		if toSet[i] == area.Code {
			mine, toArea = append(mine, b), append(toArea, area.Code)
		}
	}
	toFrom, err := s.bestFits(ctx, blockSet, mine, from, wide)
	if err != nil {
		return nil, err
	}
	src, err := areasNear(ctx, s.src, from, wide)
	if err != nil {
		return nil, err
	}
	cw, err := OverlayStored(ctx, src, []place.Area{area})
	if err != nil {
		return nil, err
	}
	if err := cw.WeightByPopulation(bestFitCrosswalk(mine, toFrom), bestFitCrosswalk(mine, toArea), pop); err != nil {
		return nil, err
	}
	return cw, nil
}

// bestFits returns the code of each block's best fit in set ("" for none),
// whose areas near the blocks all meet box wide: from the whole crosswalk
// of the two sets when the service already keeps it (the same pairs, so
// the same best fits), else from an overlay of the blocks with those areas.
func (s *Service) bestFits(ctx context.Context, blockSet string, blocks []place.Area, set string, wide orb.Bound) ([]string, error) {
	out := make([]string, len(blocks))
	whole, err := s.Cached(ctx, blockSet, set)
	if err != nil {
		return nil, err
	}
	if whole == nil {
		areas, err := areasNear(ctx, s.src, set, wide)
		if err != nil {
			return nil, err
		}
		if whole, err = OverlayStored(ctx, blocks, areas); err != nil {
			return nil, err
		}
	}
	at := indexByCode(whole.A)
	for i, b := range blocks {
		k, ok := at[b.Code]
		if !ok {
			return nil, fmt.Errorf("best fits of %s in %s: block %s is not in the crosswalk", blockSet, set, b.Code)
		}
		if f := whole.BestFit[k]; f >= 0 {
			out[i] = whole.B[whole.Pairs[f].B].Code
		}
	}
	return out, nil
}

// bestFitCrosswalk is a crosswalk of blocks holding only each one's best
// fit, by code ("" for none): all WeightByPopulation reads of a block
// crosswalk.
func bestFitCrosswalk(blocks []place.Area, codes []string) *Crosswalk {
	cw := &Crosswalk{A: blocks, BestFit: make([]int, len(blocks))}
	for i, c := range codes {
		cw.BestFit[i] = -1
		if c != "" {
			cw.Pairs = append(cw.Pairs, Pair{A: i, B: len(cw.B)})
			cw.B = append(cw.B, place.Area{Code: c})
			cw.BestFit[i] = len(cw.Pairs) - 1
		}
	}
	return cw
}

// Counterpart is an area of another set that overlaps an area, and how much.
type Counterpart struct {
	Code      string  `json:"code"`
	Name      string  `json:"name"`
	ShareAInB float64 `json:"share_of_this_in_it"` // of the area asked about, the part in this one
	ShareBInA float64 `json:"share_of_it_in_this"` // of this one, the part in the area asked about
	IoU       float64 `json:"iou"`
	Class     Class   `json:"class"`
}

// Counterparts is how an area lines up with one other set.
type Counterparts struct {
	Set         string        `json:"set"`
	Title       string        `json:"title"`
	Kind        place.Kind    `json:"kind"`
	Areas       []Counterpart `json:"areas"`         // the best fits, most of the area first
	Overlapping int           `json:"overlapping"`   // how many of the set's areas overlap it (slivers aside)
	Outside     float64       `json:"share_outside"` // of the area, the part in none of the set's areas
}

// Best-fit rule for Counterparts: the areas holding at least
// CounterpartShare of the area asked about, at most MaxCounterparts, or the
// one holding most when none does.
const (
	CounterpartShare = 0.1
	MaxCounterparts  = 5
)

// OtherDefinitions overlays one area with the areas of every other current
// set near it (only those: not whole crosswalks), and returns per set its
// best fits. The sets are overlaid side by side, one per processor: each
// overlay of one area runs on one.
func (s *Service) OtherDefinitions(ctx context.Context, area place.Area) ([]Counterparts, error) {
	sets, err := s.src.Sets(ctx)
	if err != nil {
		return nil, err
	}
	var others []place.SetSummary
	for _, set := range sets {
		if set.Slug != area.Set && set.Current {
			others = append(others, set)
		}
	}
	out := make([]Counterparts, len(others))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for k, set := range others {
		g.Go(func() error {
			cp, err := s.counterparts(gctx, area, set)
			out[k] = cp
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}

// counterparts overlays one area with the areas of set near it.
func (s *Service) counterparts(ctx context.Context, area place.Area, set place.SetSummary) (Counterparts, error) {
	areas, err := areasNear(ctx, s.src, set.Slug, area.Geometry.Bound())
	if err != nil {
		return Counterparts{}, err
	}
	cw, err := OverlayStored(ctx, []place.Area{area}, areas)
	if err != nil {
		return Counterparts{}, err
	}
	pairs := append([]Pair(nil), cw.Pairs...)
	sort.SliceStable(pairs, func(i, j int) bool { return pairs[i].ShareAInB > pairs[j].ShareAInB })
	cp := Counterparts{Set: set.Slug, Title: set.Title, Kind: set.Kind, Areas: []Counterpart{},
		Overlapping: len(pairs), Outside: cw.Summary.ShareOfAOutsideB}
	for k, p := range pairs {
		if k == MaxCounterparts || (k > 0 && p.ShareAInB < CounterpartShare) {
			break
		}
		cp.Areas = append(cp.Areas, Counterpart{Code: areas[p.B].Code, Name: areas[p.B].Name,
			ShareAInB: p.ShareAInB, ShareBInA: p.ShareBInA, IoU: p.IoU, Class: p.Class})
	}
	return cp, nil
}

// areasNear reads every area of set whose box meets b, page by page.
func areasNear(ctx context.Context, src Source, set string, b orb.Bound) ([]place.Area, error) {
	var out []place.Area
	for {
		page, err := src.Areas(ctx, set, store.AreaQuery{BBox: &b, Limit: store.MaxPage, Offset: len(out)})
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if len(page) < store.MaxPage {
			return out, nil
		}
	}
}
