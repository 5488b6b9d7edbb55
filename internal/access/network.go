package access

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/placemap/placemap/internal/network"
	"github.com/placemap/placemap/internal/osm"
	"github.com/placemap/placemap/internal/store"
)

// NetworkStore keeps routing graphs.
type NetworkStore interface {
	ReplaceNetwork(ctx context.Context, n store.Network) error
}

// ImportNetwork builds the network of opts.Mode from src and keeps it,
// replacing the one before: all or nothing, the old network stays when the
// extract is refused (no usable way: EINVALID naming the file) or a write
// fails.
func ImportNetwork(ctx context.Context, st NetworkStore, src osm.Source, name string, opts network.Options) (network.Report, error) {
	mode, err := network.ParseMode(string(opts.Mode))
	if err != nil {
		return network.Report{}, err
	}
	opts.Mode = mode
	g, rep, err := network.Build(ctx, src, name, opts)
	if err != nil {
		return rep, err
	}
	blob, err := g.MarshalBinary()
	if err != nil {
		return rep, fmt.Errorf("encode the %s network of %s: %w", mode, name, err)
	}
	report, err := json.Marshal(rep)
	if err != nil {
		return rep, fmt.Errorf("report of the %s network of %s: %w", mode, name, err)
	}
	if err := st.ReplaceNetwork(ctx, store.Network{Mode: string(mode), Source: name, Report: report, Graph: blob}); err != nil {
		return rep, fmt.Errorf("keep the %s network of %s: %w", mode, name, err)
	}
	return rep, nil
}
