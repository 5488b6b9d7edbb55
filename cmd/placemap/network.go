package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/placemap/placemap/internal/access"
	"github.com/placemap/placemap/internal/network"
	"github.com/placemap/placemap/internal/osm"
	"github.com/placemap/placemap/internal/store"
)

// importNetwork is "import network FILE [--mode walk|cycle]": the routing
// graph built from an OpenStreetMap extract replaces the stored one of its
// mode, all or nothing.
func importNetwork(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("import network", flag.ContinueOnError)
	sc := storeFlags(fs)
	mode := fs.String("mode", "walk", "walk or cycle: who travels the network (see docs/network.md for the ways each keeps)")
	maxMB := maxDecompressedFlag(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	m, err := network.ParseMode(*mode)
	if err != nil {
		return usageError{"--mode " + *mode + ": want walk or cycle"}
	}
	file, _, maxDecompressed, err := osmInput(pos, "OSM extract (.osm.pbf, .osm, .osm.bz2 or .osm.gz)", "", *maxMB)
	if err != nil {
		return err
	}
	st, err := sc.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	bar := newProgressBar(stderr)
	start := time.Now()
	name := filepath.Base(file)
	rep, err := access.ImportNetwork(store.WithAuthor(ctx, "placemap import network", ""), st, osm.File(file), name,
		network.Options{Mode: m, MaxDecompressed: maxDecompressed, Progress: bar.update})
	bar.done()
	if err != nil {
		return err
	}
	printNetwork(stdout, rep, time.Since(start))
	return nil
}

// printNetwork says what a network import kept and left out.
func printNetwork(stdout io.Writer, rep network.Report, took time.Duration) {
	fmt.Fprintf(stdout, "%s network from %s: %d ways, %d vertices, %d edges, %.1f km in %s\n",
		rep.Mode, rep.Source, rep.Ways, rep.Nodes, rep.Edges, rep.Metres/1000, took.Round(time.Millisecond))
	fmt.Fprintf(stdout, "largest connected component: %.1f%% of the length (%d components)\n", rep.LargestComponentShare*100, rep.Components)
	if len(rep.Skipped) == 0 {
		return
	}
	reasons := make([]string, 0, len(rep.Skipped))
	for r := range rep.Skipped {
		reasons = append(reasons, r)
	}
	sort.Slice(reasons, func(i, j int) bool {
		if a, b := rep.Skipped[reasons[i]], rep.Skipped[reasons[j]]; a != b {
			return a > b
		}
		return reasons[i] < reasons[j]
	})
	parts := make([]string, len(reasons))
	for i, r := range reasons {
		parts[i] = fmt.Sprintf("%s %d", r, rep.Skipped[r])
	}
	fmt.Fprintf(stdout, "ways left out: %s\n", strings.Join(parts, ", "))
}
