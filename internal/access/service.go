package access

import (
	"context"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// Store is what a run reads and writes: the network, the category's
// assets, the From set's areas and its walk indicators.
type Store interface {
	Network(ctx context.Context, mode string) (store.Network, error)
	Set(ctx context.Context, slug string) (place.SetSummary, error)
	Areas(ctx context.Context, set string, q store.AreaQuery) ([]place.Area, error)
	Assets(ctx context.Context, q store.AssetQuery) (store.AssetPage, error)
	ReplaceIndicators(ctx context.Context, set string, inds []place.Indicator, values map[string]map[string]float64) error
}

// Run measures access for p (Normalise is applied): it loads the network,
// the assets and the origins, snaps them, searches once from every asset,
// and — for a baseline (no Close/Open) — replaces the walk indicators of
// p.From in one transaction. A scenario computes the baseline too and
// fills Origin.Base and Result.Scenario; it writes nothing. Isochrones come
// last. Bad input (unknown set, category, asset, no assets, no network) is
// a place EINVALID/ENOTFOUND error and nothing is stored.
func (s *Service) Run(ctx context.Context, p Params, progress Progress) (*Result, error) {
	return nil, place.Errorf(place.EINVALID, "access runs are not built yet")
}

// View sums a result onto the areas of set through the population-weighted
// crosswalk from r.Params.From; for a scenario the areas most affected come
// first and Total carries the set's totals.
func (s *Service) View(ctx context.Context, r *Result, set string) (*SetView, error) {
	return nil, place.Errorf(place.EINVALID, "access views are not built yet")
}
