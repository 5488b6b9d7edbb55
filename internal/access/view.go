package access

import (
	"context"
	"fmt"
	"sort"

	"github.com/placemap/placemap/internal/reconcile"
)

// view sums r onto set: the From set's own origins one for one, any other
// set through the crosswalk from From weighed by population (by area when
// no set carries one), each origin's residents shared out as counts.
func (s *Service) view(ctx context.Context, r *Result, set string) (*SetView, error) {
	from := r.Params.From
	if _, err := s.st.Set(ctx, set); err != nil {
		return nil, err
	}
	sums := originCounts(r.Origins)
	v := &SetView{Set: set, Method: "the origins of " + from + " as they are"}
	var codes []string
	names := map[string]string{}
	if set == from {
		for _, o := range r.Origins {
			codes = append(codes, o.Code)
			names[o.Code] = o.Name
		}
	} else {
		w := reconcile.ByPopulation
		if r.Summary.PopulationSource == NoPopulation {
			w = reconcile.ByArea
		}
		cw, err := s.rec.WeightedCrosswalk(ctx, from, set, w)
		if err != nil {
			return nil, fmt.Errorf("%s onto %s: %w", from, set, err)
		}
		moved := map[string]map[string]float64{}
		var method string
		for k, values := range sums {
			if moved[k], method, err = cw.Transfer(values, reconcile.Count, cw.Weight); err != nil {
				return nil, fmt.Errorf("%s onto %s: %w", from, set, err)
			}
		}
		sums = moved
		v.Method = "residents of each origin of " + from + " moved as counts; " + method
		for _, a := range cw.B {
			codes = append(codes, a.Code)
			names[a.Code] = a.Name
		}
	}
	for _, code := range codes {
		v.Areas = append(v.Areas, areaAccess(code, names[code], sums, r.Scenario != nil))
	}
	if r.Scenario != nil {
		ch := change(r.Origins)
		v.Total = &ch
		sortAffected(v.Areas)
	} else {
		sort.SliceStable(v.Areas, func(i, j int) bool { return v.Areas[i].Code < v.Areas[j].Code })
	}
	return v, nil
}

// Keys of originCounts.
const (
	kPop         = "population"
	kReachedPop  = "reached"
	kMinutesPop  = "minutes"
	kWithin      = "within_"
	kMovedBeyond = "beyond_"
	kMovedWithin = "into_"
)

// originCounts are the per-origin counts a view sums, by key then code:
// residents, residents reached and their minutes, residents within each
// threshold, and for a scenario residents moved beyond or within each.
func originCounts(origins []Origin) map[string]map[string]float64 {
	out := map[string]map[string]float64{}
	add := func(k, code string, v float64) {
		if out[k] == nil {
			out[k] = map[string]float64{}
		}
		out[k][code] += v
	}
	for _, o := range origins {
		add(kPop, o.Code, o.Population)
		add(kReachedPop, o.Code, 0)
		add(kMinutesPop, o.Code, 0)
		if o.Reached {
			add(kReachedPop, o.Code, o.Population)
			add(kMinutesPop, o.Code, o.Population*o.Minutes)
		}
		for _, t := range Thresholds {
			add(kWithin+Key(t), o.Code, o.Population*b2f(o.Walk.within(t)))
			if o.Base != nil {
				was, is := o.Base.within(t), o.Walk.within(t)
				add(kMovedBeyond+Key(t), o.Code, o.Population*b2f(was && !is))
				add(kMovedWithin+Key(t), o.Code, o.Population*b2f(!was && is))
			}
		}
	}
	return out
}

// areaAccess is one area's figures from the summed counts.
func areaAccess(code, name string, sums map[string]map[string]float64, scenario bool) AreaAccess {
	pop := sums[kPop][code]
	a := AreaAccess{Code: code, Name: name, Population: pop, Within: map[string]float64{},
		MeanMinutes: mean(sums[kMinutesPop][code], sums[kReachedPop][code]), Reached: sums[kReachedPop][code]}
	for _, t := range Thresholds {
		within := sums[kWithin+Key(t)][code]
		a.Within[Key(t)] = share(within, pop)
		if t == BeyondMinutes {
			a.BeyondResidents = pop - within
			a.ShareBeyond = share(a.BeyondResidents, pop)
		}
	}
	if scenario {
		c := Change{MovedBeyond: map[string]float64{}, MovedWithin: map[string]float64{}}
		for _, t := range Thresholds {
			c.MovedBeyond[Key(t)] = sums[kMovedBeyond+Key(t)][code]
			c.MovedWithin[Key(t)] = sums[kMovedWithin+Key(t)][code]
		}
		a.Change = &c
	}
	return a
}

// sortAffected puts the areas most affected first: most residents moved
// beyond BeyondMinutes, then beyond any threshold, then by code.
func sortAffected(areas []AreaAccess) {
	total := func(a AreaAccess) float64 {
		n := 0.0
		for _, v := range a.Change.MovedBeyond {
			n += v
		}
		return n
	}
	k := Key(BeyondMinutes)
	sort.SliceStable(areas, func(i, j int) bool {
		a, b := areas[i], areas[j]
		if x, y := a.Change.MovedBeyond[k], b.Change.MovedBeyond[k]; x != y {
			return x > y
		}
		if x, y := total(a), total(b); x != y {
			return x > y
		}
		return a.Code < b.Code
	})
}
