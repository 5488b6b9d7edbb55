package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"time"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/access"
	"github.com/placemap/placemap/internal/network"
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
	return store.Network{}, store.NoNetwork(mode)
}

func (noNetworks) NetworkInfo(ctx context.Context, mode string) (store.Network, error) {
	return store.Network{}, store.NoNetwork(mode)
}

// checkNetwork is ENOTFOUND when no network of mode is kept.
func (s *Server) checkNetwork(ctx context.Context, mode string) error {
	_, err := s.networks.NetworkInfo(ctx, mode)
	return err
}

// networkJSON is GET /api/network.
type networkJSON struct {
	Mode                  string         `json:"mode"`
	Source                string         `json:"source"`
	BuiltAt               time.Time      `json:"built_at"`
	Ways                  int            `json:"ways"`
	Nodes                 int            `json:"nodes"`
	Edges                 int            `json:"edges"`
	Metres                float64        `json:"metres"`
	LargestComponentShare float64        `json:"largest_component_share"`
	Components            int            `json:"components"`
	Skipped               map[string]int `json:"skipped"`
	Bounds                [4]float64     `json:"bounds"` // min lon, min lat, max lon, max lat
}

// getNetwork answers GET /api/network?mode=walk|cycle: what the network
// was built from, when, and what it holds.
func (s *Server) getNetwork(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := allowParams(q, "mode"); err != nil {
		return err
	}
	mode, err := network.ParseMode(q.Get("mode"))
	if err != nil {
		return err
	}
	n, err := s.networks.NetworkInfo(r.Context(), string(mode))
	if err != nil {
		return err
	}
	var rep network.Report
	if err := json.Unmarshal(n.Report, &rep); err != nil {
		return fmt.Errorf("the %s network's report: %w", mode, err)
	}
	b := rep.Bounds
	if rep.Skipped == nil {
		rep.Skipped = map[string]int{}
	}
	writeJSON(w, http.StatusOK, networkJSON{Mode: n.Mode, Source: n.Source, BuiltAt: n.BuiltAt, Ways: rep.Ways, Nodes: rep.Nodes,
		Edges: rep.Edges, Metres: math.Round(rep.Metres), LargestComponentShare: rep.LargestComponentShare, Components: rep.Components,
		Skipped: rep.Skipped, Bounds: [4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}})
	return nil
}

// Walking from a postcode: one search outward from its point, up to
// postcodeWalkMetres, at access.DefaultSpeedKmh.
const postcodeWalkMetres = 5000

// walkJSON is a walk to an asset: along the network, connectors included.
type walkJSON struct {
	Metres  int     `json:"metres"`
	Minutes float64 `json:"minutes"` // at 4.8 km/h, to a tenth
}

// walksFrom gives the walk from a point to each of to, nil for one beyond
// postcodeWalkMetres; ok is false when no walking network is kept (or it
// cannot be read: logged), and there are no walks to give.
func (s *Server) walksFrom(ctx context.Context, from orb.Point, to []orb.Point) (walks []*walkJSON, ok bool) {
	g, err := s.graph(ctx, string(network.Walk))
	if err != nil {
		if place.ErrorCode(err) != place.ENOTFOUND {
			s.log.WarnContext(ctx, "walking network", "err", err)
		}
		return nil, false
	}
	src, ok := g.Snap(from)
	if !ok {
		return nil, false
	}
	tree, err := g.Nearest(ctx, []network.Snap{src}, postcodeWalkMetres)
	if err != nil {
		s.log.WarnContext(ctx, "walking from a postcode", "err", err)
		return nil, false
	}
	perMinute := access.DefaultSpeedKmh * 1000 / 60
	walks = make([]*walkJSON, len(to))
	for i, p := range to {
		sn, ok := g.Snap(p)
		if !ok {
			continue
		}
		if m, _, ok := tree.To(sn); ok && m <= postcodeWalkMetres {
			walks[i] = &walkJSON{Metres: int(m + 0.5), Minutes: round1(m / perMinute)}
		}
	}
	return walks, true
}
