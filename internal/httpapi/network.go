package httpapi

import (
	"context"
	"net/http"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// NetworkStore is what the API asks of the routing networks kept with the
// store: one per mode, with (Network) or without (NetworkInfo) its graph.
type NetworkStore interface {
	Network(ctx context.Context, mode string) (store.Network, error)
	NetworkInfo(ctx context.Context, mode string) (store.Network, error)
}

// noNetworks is the NetworkStore of a server given none: it keeps none.
type noNetworks struct{}

func (noNetworks) Network(ctx context.Context, mode string) (store.Network, error) {
	return store.Network{}, noNetwork(mode)
}

func (noNetworks) NetworkInfo(ctx context.Context, mode string) (store.Network, error) {
	return store.Network{}, noNetwork(mode)
}

// noNetwork is the error for a mode without a network.
func noNetwork(mode string) error {
	return place.Errorf(place.ENOTFOUND, "no %s network: import one with placemap import network FILE.osm.pbf --mode %s", mode, mode)
}

// checkNetwork is ENOTFOUND when no network of mode is kept.
func (s *Server) checkNetwork(ctx context.Context, mode string) error {
	_, err := s.networks.NetworkInfo(ctx, mode)
	return err
}

// getNetwork answers GET /api/network?mode=walk|cycle: what the network
// was built from, when, and its build report.
func (s *Server) getNetwork(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := allowParams(q, "mode"); err != nil {
		return err
	}
	mode := q.Get("mode")
	if mode == "" {
		mode = "walk"
	}
	if mode != "walk" && mode != "cycle" {
		return place.Errorf(place.EINVALID, "mode %q: want walk or cycle", place.Excerpt(mode))
	}
	n, err := s.networks.NetworkInfo(r.Context(), mode)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"mode": n.Mode, "source": n.Source, "built_at": n.BuiltAt, "report": n.Report})
	return nil
}
