// Command accessbench times placemap's walking-network engine alone, in
// this process, on the points bench/access.sh gives pgRouting: it builds the
// walk graph from an OSM file, snaps the assets and origins (CSV files of
// id,lon,lat), runs the one multi-source search from every asset and
// writes each origin's distance to the nearest asset and how far it was
// snapped (CSV id,metres,snap_metres) for
// the script to compare with pgRouting's answers. It prints the time of
// each step and the Go heap after the build and after the search.
//
//	accessbench -osm FILE -assets A.csv -origins O.csv -out metres.csv
package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"time"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/network"
	"github.com/placemap/placemap/internal/osm"
)

func main() {
	file := flag.String("osm", "", "OSM extract (.osm.pbf, .osm)")
	assets := flag.String("assets", "", "CSV id,lon,lat of the assets (no header)")
	origins := flag.String("origins", "", "CSV id,lon,lat of the origins (no header)")
	out := flag.String("out", "", "CSV id,metres,snap_metres written for every origin reached")
	flag.Parse()
	if err := run(context.Background(), *file, *assets, *origins, *out); err != nil {
		fmt.Fprintln(os.Stderr, "accessbench:", err)
		os.Exit(1)
	}
}

type point struct {
	id string
	p  orb.Point
}

func run(ctx context.Context, file, assetsCSV, originsCSV, outCSV string) error {
	if file == "" || assetsCSV == "" || originsCSV == "" || outCSV == "" {
		return errors.New("-osm, -assets, -origins and -out are required")
	}
	as, err := readPoints(assetsCSV)
	if err != nil {
		return err
	}
	origs, err := readPoints(originsCSV)
	if err != nil {
		return err
	}
	t0 := time.Now()
	g, rep, err := network.Build(ctx, osm.File(file), file, network.Options{Mode: network.Walk})
	if err != nil {
		return fmt.Errorf("build: %w", err)
	}
	fmt.Printf("build: %.2f s (%d ways, %d edges, %d vertices; heap %d MiB)\n", time.Since(t0).Seconds(), rep.Ways, rep.Edges, rep.Nodes, heapMiB())
	t1 := time.Now()
	srcs := make([]network.Snap, len(as))
	for i, a := range as {
		srcs[i], _ = g.Snap(a.p)
	}
	snaps := make([]network.Snap, len(origs))
	for i, o := range origs {
		snaps[i], _ = g.Snap(o.p)
	}
	t2 := time.Now()
	tree, err := g.Nearest(ctx, srcs, 0)
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	t3 := time.Now()
	f, err := os.Create(outCSV)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	reached := 0
	for i, o := range origs {
		if m, _, ok := tree.To(snaps[i]); ok {
			reached++
			rec := []string{o.id, strconv.FormatFloat(m, 'f', 3, 64), strconv.FormatFloat(snaps[i].Metres, 'f', 3, 64)}
			if err := w.Write(rec); err != nil {
				return err
			}
		}
	}
	w.Flush()
	t4 := time.Now()
	fmt.Printf("snap %d assets and %d origins: %.3f s; one multi-source search: %.3f s; %d distances read: %.3f s (heap %d MiB)\n",
		len(as), len(origs), t2.Sub(t1).Seconds(), t3.Sub(t2).Seconds(), reached, t4.Sub(t3).Seconds(), heapMiB())
	return errors.Join(w.Error(), f.Close())
}

func heapMiB() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc >> 20
}

func readPoints(path string) ([]point, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	var out []point
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if len(rec) != 3 {
			return nil, fmt.Errorf("%s: want id,lon,lat, got %q", path, rec)
		}
		lon, err1 := strconv.ParseFloat(rec[1], 64)
		lat, err2 := strconv.ParseFloat(rec[2], 64)
		if err := errors.Join(err1, err2); err != nil {
			return nil, fmt.Errorf("%s: %q: %w", path, rec, err)
		}
		out = append(out, point{rec[0], orb.Point{lon, lat}})
	}
}
