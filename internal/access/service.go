package access

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/placemap/placemap/internal/network"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// Store is what a run reads and writes: the network, the category's
// assets, the From set's areas and indicators, and its walk indicators.
type Store interface {
	Network(ctx context.Context, mode string) (store.Network, error)
	NetworkInfo(ctx context.Context, mode string) (store.Network, error)
	Set(ctx context.Context, slug string) (place.SetSummary, error)
	Areas(ctx context.Context, set string, q store.AreaQuery) ([]place.Area, error)
	IndicatorValues(ctx context.Context, set, name string) (map[string]float64, error)
	Asset(ctx context.Context, id string) (place.Asset, error)
	Assets(ctx context.Context, q store.AssetQuery) (store.AssetPage, error)
	ReplaceIndicators(ctx context.Context, set string, inds []place.Indicator, values map[string]map[string]float64) error
}

// graphCache keeps the last decoded graph of each mode, keyed by when it
// was built, from what and its report: reading and decoding a region's
// graph takes longer than searching it.
type graphCache struct {
	mu     sync.Mutex
	graphs map[string]cachedGraph
}

type cachedGraph struct {
	builtAt time.Time
	source  string
	report  []byte
	g       *network.Graph
}

// Graph returns the decoded routing network of mode (walk or cycle), kept
// decoded for as long as the store holds the same network: the one cache of
// graphs, which access runs and the walks from postcodes share. ENOTFOUND
// (with the import hint) when there is none.
func (s *Service) Graph(ctx context.Context, mode string) (*network.Graph, error) {
	g, _, err := s.graph(ctx, mode)
	return g, err
}

// graph is Graph with the stored network's description.
func (s *Service) graph(ctx context.Context, mode string) (*network.Graph, store.Network, error) {
	info, err := s.st.NetworkInfo(ctx, mode)
	if err != nil {
		return nil, info, err
	}
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	if c, ok := s.cache.graphs[mode]; ok && c.builtAt.Equal(info.BuiltAt) && c.source == info.Source && string(c.report) == string(info.Report) {
		return c.g, info, nil
	}
	n, err := s.st.Network(ctx, mode)
	if err != nil {
		return nil, n, err
	}
	g := &network.Graph{}
	if err := g.UnmarshalBinary(n.Graph); err != nil {
		return nil, n, fmt.Errorf("the stored %s network from %s: %w (import it again with placemap import network)", mode, n.Source, err)
	}
	if s.cache.graphs == nil {
		s.cache.graphs = map[string]cachedGraph{}
	}
	s.cache.graphs[mode] = cachedGraph{builtAt: n.BuiltAt, source: n.Source, report: n.Report, g: g}
	return g, n, nil
}

// Run measures access for p (Normalise is applied): it loads the network,
// the assets and the origins, snaps them, searches once from every asset,
// and — for a baseline (no Close/Open) — replaces the walk indicators of
// p.From in one transaction, as its last step. A scenario computes the
// baseline too and fills Origin.Base and Result.Scenario; it writes
// nothing. Bad input (unknown set, category, asset, no assets, no network) is
// a place EINVALID/ENOTFOUND error and nothing is stored.
func (s *Service) Run(ctx context.Context, p Params, progress Progress) (*Result, error) {
	if err := p.Normalise(); err != nil {
		return nil, err
	}
	tell := func(stage string, done, total int) {
		if progress != nil {
			progress(stage, done, total)
		}
	}
	set, err := s.st.Set(ctx, p.From)
	if err != nil {
		return nil, err
	}
	tell("network", 0, 1)
	g, net, err := s.graph(ctx, p.Mode)
	if err != nil {
		return nil, err
	}
	tell("assets", 0, 1)
	base, chosen, err := s.assets(ctx, p)
	if err != nil {
		return nil, err
	}
	tell("origins", 0, set.AreaCount)
	og, err := s.origins(ctx, set, tell)
	if err != nil {
		return nil, err
	}
	r := &Result{Params: p, CreatedAt: s.now().UTC(), Origins: og.origins}
	tree, far, err := walk(ctx, g, r, base, chosen, tell)
	if err != nil {
		return nil, err
	}
	r.Summary = summarise(r.Origins)
	r.Summary.Assets = chosen
	r.Summary.Far = far
	r.Summary.PopulationSource, r.Summary.WeightedOrigins = og.popSource, og.weighted
	r.Summary.NetworkSource = net.Source
	r.Summary.Method = method(p, net.Source, og, len(chosen), r.CreatedAt)
	// Bands before indicators, so a run that fails writes nothing.
	tell("isochrones", 0, len(Thresholds))
	if r.Isochrones, err = isochrones(tree, p); err != nil {
		return nil, err
	}
	if p.Scenario() {
		ch := change(r.Origins)
		before := summariseWalks(r.Origins, func(o Origin) Walk { return *o.Base })
		ch.Before = &before
		r.Scenario = &ch
	} else {
		tell("indicators", 0, 1)
		names, err := s.writeIndicators(ctx, r)
		if err != nil {
			return nil, err
		}
		r.Summary.IndicatorsWritten = names
	}
	tell("done", 1, 1)
	return r, nil
}

// View sums a result onto the areas of set through the population-weighted
// crosswalk from r.Params.From; for a scenario the areas most affected come
// first and Total carries the set's totals.
func (s *Service) View(ctx context.Context, r *Result, set string) (*SetView, error) {
	return s.view(ctx, r, set)
}
