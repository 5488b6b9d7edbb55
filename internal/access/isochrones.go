package access

import (
	"fmt"

	"github.com/placemap/placemap/internal/isochrone"
	"github.com/placemap/placemap/internal/network"
)

// isochrones draws the bands of the run's search at each threshold the
// search reached (at most MaxMinutes), from the reached streets, largest
// first.
func isochrones(tree *network.Tree, p Params) ([]Band, error) {
	var limits []float64
	var minutes []int
	for _, t := range Thresholds {
		if float64(t) <= p.MaxMinutes {
			limits = append(limits, float64(t)*p.SpeedKmh*1000/60)
			minutes = append(minutes, t)
		}
	}
	if len(limits) == 0 {
		return []Band{}, nil
	}
	mps, err := isochrone.Bands(tree.Reached, limits, isochrone.Options{})
	if err != nil {
		return nil, fmt.Errorf("walking-time bands: %w", err)
	}
	out := make([]Band, 0, len(mps))
	for i := len(mps) - 1; i >= 0; i-- {
		out = append(out, Band{Minutes: minutes[i], Geometry: mps[i]})
	}
	return out, nil
}
