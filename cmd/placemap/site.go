package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/placemap/placemap/internal/atlas"
	"github.com/placemap/placemap/internal/tiles"
)

// cmdExportSite writes the map as a static site (an atlas) that any static
// host serving byte ranges can serve:
//
//	placemap export site --out atlas/ --sets wards-2019,lsoa-2011 --max-zoom 14
func cmdExportSite(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("export site", flag.ContinueOnError)
	sc := storeFlags(fs)
	out := fs.String("out", "", "directory to write the site in (required)")
	sets := fs.String("sets", "", "boundary sets to include, comma-separated slugs (default: every current set)")
	minZoom := fs.Uint("min-zoom", 0, "shallowest zoom of the tiles")
	maxZoom := fs.Uint("max-zoom", 14, "deepest zoom of the tiles (the map draws deeper zooms from it)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usageError{"--out DIR is required"}
	}
	if *maxZoom > tiles.MaxZoom || *minZoom > *maxZoom {
		return usageError{fmt.Sprintf("--min-zoom %d --max-zoom %d: want min ≤ max ≤ %d", *minZoom, *maxZoom, tiles.MaxZoom)}
	}
	var slugs []string
	for _, s := range strings.Split(*sets, ",") {
		if s = strings.TrimSpace(s); s != "" {
			slugs = append(slugs, s)
		}
	}
	st, err := sc.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	sum, err := atlas.Write(ctx, st, *out, atlas.Options{Sets: slugs, MinZoom: uint8(*minZoom), MaxZoom: uint8(*maxZoom)})
	if err != nil {
		return fmt.Errorf("export site: %w", err)
	}
	fmt.Fprintf(stdout, "wrote %s: %d files; %s holds %d tiles of %s at zooms %d-%d (%d bytes) in %s\n",
		*out, sum.Files, atlas.TilesFile, sum.Tiles, strings.Join(sum.Layers, ", "), *minZoom, *maxZoom, sum.TileBytes, sum.Took.Round(1e6))
	return nil
}
