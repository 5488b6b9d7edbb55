package access

import (
	"context"
	"fmt"
	"sort"

	"github.com/placemap/placemap/internal/network"
)

// walk snaps the assets and origins to g, searches once from the run's
// assets (and, for a scenario, once from the baseline's) and fills each
// origin's Walk (and Base). It returns the run's search tree and what lies
// farther than FarMetres from the network.
func walk(ctx context.Context, g *network.Graph, r *Result, base, chosen []AssetRef, tell Progress) (*network.Tree, []Far, error) {
	p := r.Params
	far := []Far{}
	snapAssets := func(as []AssetRef, report bool) ([]network.Snap, error) {
		out := make([]network.Snap, len(as))
		for i, a := range as {
			sn, ok := g.Snap(a.Point)
			if !ok {
				return nil, fmt.Errorf("the %s network is empty", p.Mode)
			}
			if report && sn.Metres > FarMetres {
				far = append(far, Far{Kind: "asset", ID: a.ID, Name: a.Name, Metres: sn.Metres})
			}
			out[i] = sn
		}
		return out, nil
	}
	tell("snap", 0, len(r.Origins)+len(chosen))
	srcs, err := snapAssets(chosen, true)
	if err != nil {
		return nil, nil, err
	}
	snaps := make([]network.Snap, len(r.Origins))
	for i := range r.Origins {
		o := &r.Origins[i]
		snaps[i], _ = g.Snap(o.Point)
		o.SnapMetres = snaps[i].Metres
		if o.Far = o.SnapMetres > FarMetres; o.Far {
			far = append(far, Far{Kind: "origin", ID: o.Code, Name: o.Name, Metres: o.SnapMetres})
		}
	}
	sort.SliceStable(far, func(i, j int) bool { return far[i].Metres > far[j].Metres })
	tell("search", 0, 1)
	tree, err := g.Nearest(ctx, srcs, p.MaxMetres())
	if err != nil {
		return nil, nil, fmt.Errorf("search from %d assets: %w", len(srcs), err)
	}
	for i := range r.Origins {
		r.Origins[i].Walk = walkTo(tree, snaps[i], chosen, p)
	}
	if !p.Scenario() {
		return tree, far, nil
	}
	tell("search", 0, 2)
	baseTree, err := baselineTree(ctx, g, base, p, snapAssets)
	if err != nil {
		return nil, nil, err
	}
	for i := range r.Origins {
		w := Walk{}
		if baseTree != nil {
			w = walkTo(baseTree, snaps[i], base, p)
		}
		r.Origins[i].Base = &w
	}
	return tree, far, nil
}

// baselineTree searches from the baseline's assets; nil when there are none
// (a scenario opening the first asset of its kind).
func baselineTree(ctx context.Context, g *network.Graph, base []AssetRef, p Params, snap func([]AssetRef, bool) ([]network.Snap, error)) (*network.Tree, error) {
	if len(base) == 0 {
		return nil, nil
	}
	srcs, err := snap(base, false)
	if err != nil {
		return nil, err
	}
	tree, err := g.Nearest(ctx, srcs, p.MaxMetres())
	if err != nil {
		return nil, fmt.Errorf("baseline search from %d assets: %w", len(srcs), err)
	}
	return tree, nil
}

// walkTo is an origin's walk to its nearest asset in tree.
func walkTo(tree *network.Tree, s network.Snap, assets []AssetRef, p Params) Walk {
	m, src, ok := tree.To(s)
	if !ok || src < 0 || src >= len(assets) {
		return Walk{}
	}
	return Walk{Reached: true, Metres: m, Minutes: m / (p.SpeedKmh * 1000 / 60), Nearest: assets[src].ID, NearestName: assets[src].Name}
}

// within reports whether a walk is within minutes.
func (w Walk) within(minutes int) bool { return w.Reached && w.Minutes <= float64(minutes) }

// summarise totals origins: residents, shares within each threshold,
// residents beyond BeyondMinutes, and the population-weighted mean minutes
// over the reached.
func summarise(origins []Origin) Summary {
	return summariseWalks(origins, func(o Origin) Walk { return o.Walk })
}

// summariseWalks is summarise over the walk walkOf picks of each origin.
func summariseWalks(origins []Origin, walkOf func(Origin) Walk) Summary {
	s := Summary{Origins: len(origins), Thresholds: Thresholds, Within: map[string]float64{}, Far: []Far{}}
	within := make([]float64, len(Thresholds))
	var reachedPop, minutes float64
	for _, o := range origins {
		w := walkOf(o)
		s.Population += o.Population
		if !w.Reached {
			continue
		}
		s.Reached++
		reachedPop += o.Population
		minutes += o.Population * w.Minutes
		for i, t := range Thresholds {
			if w.within(t) {
				within[i] += o.Population
			}
		}
	}
	for i, t := range Thresholds {
		s.Within[Key(t)] = share(within[i], s.Population)
		if t == BeyondMinutes {
			s.BeyondResidents = s.Population - within[i]
		}
	}
	s.MeanMinutes = mean(minutes, reachedPop)
	return s
}

// mean is n over of, nil when of is none: a mean of nothing is no figure,
// not zero.
func mean(n, of float64) *float64 {
	if of <= 0 {
		return nil
	}
	m := n / of
	return &m
}

func share(n, of float64) float64 {
	if of <= 0 {
		return 0
	}
	return n / of
}

// change is what a scenario did: the residents moved beyond and within
// each threshold against the baseline walks in Origin.Base; Before is
// left to the caller.
func change(origins []Origin) Change {
	c := Change{MovedBeyond: map[string]float64{}, MovedWithin: map[string]float64{}}
	for _, t := range Thresholds {
		c.MovedBeyond[Key(t)], c.MovedWithin[Key(t)] = 0, 0
	}
	for _, o := range origins {
		if o.Base == nil {
			continue
		}
		for _, t := range Thresholds {
			was, is := o.Base.within(t), o.Walk.within(t)
			switch {
			case was && !is:
				c.MovedBeyond[Key(t)] += o.Population
			case !was && is:
				c.MovedWithin[Key(t)] += o.Population
			}
		}
	}
	return c
}
