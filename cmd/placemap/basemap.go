package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/placemap/placemap/internal/basemap"
	"github.com/placemap/placemap/internal/osm"
)

// importBasemap is "import basemap FILE": the street basemap made from an
// OpenStreetMap extract replaces the stored one.
func importBasemap(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("import basemap", flag.ContinueOnError)
	sc := storeFlags(fs)
	bboxFlag := fs.String("bbox", "", "only objects whose centre lies in minlon,minlat,maxlon,maxlat (W,S,E,N)")
	maxMB := maxDecompressedFlag(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	file, bbox, maxDecompressed, err := osmInput(pos, "OSM extract (.osm.pbf, .osm, .osm.bz2 or .osm.gz)", *bboxFlag, *maxMB)
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
	res, err := basemap.Import(ctx, st, osm.File(file), name, basemap.Options{BBox: bbox, MaxDecompressed: maxDecompressed, Progress: bar.update})
	bar.done()
	if err != nil {
		return err
	}
	printBasemap(stdout, name, res, time.Since(start))
	return nil
}

// printBasemap says what a basemap import read and drew.
func printBasemap(stdout io.Writer, name string, res basemap.Result, took time.Duration) {
	s := res.Stats
	fmt.Fprintf(stdout, "read %s: %d nodes, %d ways, %d relations in %s\n", name, s.Nodes, s.Ways, s.Relations, took.Round(time.Millisecond))
	fmt.Fprintf(stdout, "basemap:")
	for _, l := range basemap.Layers {
		fmt.Fprintf(stdout, " %s %d", l, res.Layers[l])
	}
	fmt.Fprintf(stdout, " (%d stored features over %d zoom bands)\n", res.Features, len(basemap.Bands))
	fmt.Fprintf(stdout, "names: %d streets, %d places\n", res.Streets, res.Places)
	if n := len(s.Incomplete); n > 0 {
		fmt.Fprintf(stdout, "%d objects left out: the extract cuts through them\n", n)
	}
}
