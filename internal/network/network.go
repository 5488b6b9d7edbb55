// Package network builds a routing graph for walking or cycling from
// OpenStreetMap ways and searches it.
//
// Build streams an OSM file (osm.Read) keeping the ways the mode's filter
// allows (docs/network.md), splits them at the nodes they share into edges
// whose lengths are measured on the WGS84 ellipsoid, and packs them into a
// compact graph (CSR adjacency). Snap places a point on the nearest edge of
// the largest connected component; Nearest runs one multi-source Dijkstra
// search from every source at once; the Tree it gives answers To (the
// distance from any snapped point to its nearest source) and Reached (the
// reached pieces of street, for isochrones).
package network

import (
	"context"
	"fmt"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/osm"
	"github.com/placemap/placemap/internal/place"
)

// Mode says who travels the network.
type Mode string

// The modes.
const (
	Walk  Mode = "walk"
	Cycle Mode = "cycle"
)

// ParseMode reads a mode: "" is Walk.
func ParseMode(s string) (Mode, error) {
	switch Mode(s) {
	case "", Walk:
		return Walk, nil
	case Cycle:
		return Cycle, nil
	}
	return "", place.Errorf(place.EINVALID, "mode %q: want walk or cycle", s)
}

// Options says how Build reads.
type Options struct {
	Mode            Mode
	MaxDecompressed int64 // osm.Options.MaxDecompressed
	Progress        func(osm.Progress)
}

// Report tells what Build kept.
type Report struct {
	Mode   Mode   `json:"mode"`
	Source string `json:"source"`
	// Ways kept; graph vertices; undirected edges.
	Ways  int `json:"ways"`
	Nodes int `json:"nodes"`
	Edges int `json:"edges"`
	// Metres is the total length of the kept ways, ellipsoidal.
	Metres float64 `json:"metres"`
	// LargestComponentShare is the share of edge length in the largest
	// connected component (0..1); Components counts them. Cycling's
	// components ignore oneway (weakly connected).
	LargestComponentShare float64 `json:"largest_component_share"`
	Components            int     `json:"components"`
	// Skipped counts the ways with a highway tag left out, by reason:
	// "foot=no", "access=private", "motorway", "highway=bus_stop", ...
	Skipped map[string]int `json:"skipped"`
	Bounds  orb.Bound      `json:"bounds"`
}

// Build streams src (PBF, XML, .bz2 or .gz) and returns the graph of the
// ways the mode allows. An extract with no such way is EINVALID naming the
// file. Memory grows with what is kept (the kept ways' node lists and
// those nodes' positions), never with every node of the file.
func Build(ctx context.Context, src osm.Source, name string, opts Options) (*Graph, Report, error) {
	mode, err := ParseMode(string(opts.Mode))
	if err != nil {
		return nil, Report{}, err
	}
	b := newBuilder(mode)
	ro := osm.Options{
		Keep:            func(t map[string]string) bool { return t["highway"] != "" && t["type"] == "" },
		Trim:            trim,
		WayNodes:        true,
		MaxDecompressed: opts.MaxDecompressed,
		Progress:        opts.Progress,
	}
	if _, err := osm.Read(ctx, src, name, ro, b.add); err != nil {
		return nil, Report{}, fmt.Errorf("build %s network: %w", mode, err)
	}
	if len(b.ways) == 0 {
		return nil, Report{}, place.Errorf(place.EINVALID, "%s: no way usable for %s (%s)", name, verb(mode), skippedText(b.skipped))
	}
	if err := ctx.Err(); err != nil {
		return nil, Report{}, fmt.Errorf("build %s network: %w", mode, err)
	}
	g := b.graph()
	g.report.Source = name
	return g, g.Report(), nil
}

func verb(m Mode) string {
	if m == Cycle {
		return "cycling"
	}
	return "walking"
}

func skippedText(s map[string]int) string {
	if len(s) == 0 {
		return "no way with a highway tag"
	}
	n := 0
	for _, c := range s {
		n += c
	}
	return fmt.Sprintf("%d ways with a highway tag skipped", n)
}
