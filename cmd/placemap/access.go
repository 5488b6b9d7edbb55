package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/access"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/reconcile"
	"github.com/placemap/placemap/internal/store"
)

// accessFlags are access's own flags.
type accessFlags struct {
	p      access.Params
	status string
	by     []string
	report string
}

func parseAccessFlags(args []string) (*accessFlags, *storeConfig, error) {
	fs := flag.NewFlagSet("access", flag.ContinueOnError)
	sc := storeFlags(fs)
	f := &accessFlags{}
	fs.StringVar(&f.p.Category, "category", "", "the category walked to, e.g. library (required)")
	fs.StringVar(&f.status, "status", "open,at_risk", "the statuses of the assets walked to, separated by commas")
	fs.StringVar(&f.p.From, "from", "", "the block set whose areas are the origins, e.g. oa-2011 (required)")
	fs.Float64Var(&f.p.SpeedKmh, "speed-kmh", access.DefaultSpeedKmh, "walking (or cycling) speed in km/h")
	fs.Float64Var(&f.p.MaxMinutes, "max-minutes", access.DefaultMaxMinutes, "how far the search goes, in minutes; an area farther from every asset is counted beyond every threshold")
	fs.StringVar(&f.p.Mode, "mode", "walk", "walk or cycle: which imported network to use")
	fs.Func("close", "asset ids to close, separated by commas (repeatable): a what-if that writes nothing", func(v string) error {
		for _, id := range strings.Split(v, ",") {
			if id = strings.TrimSpace(id); id != "" {
				f.p.Close = append(f.p.Close, id)
			}
		}
		return nil
	})
	fs.Func("open", "LON,LAT of a new asset (repeatable): a what-if that writes nothing", func(v string) error {
		pt, err := parseLonLat(v)
		if err != nil {
			return err
		}
		f.p.Open = append(f.p.Open, pt)
		return nil
	})
	fs.Func("by", "a set to sum the results on (repeatable; default the --from set)", func(v string) error {
		f.by = append(f.by, v)
		return nil
	})
	fs.StringVar(&f.report, "report", "", "also write the result and the --by views as JSON to this file")
	pos, err := parse(fs, args)
	if err != nil {
		return nil, nil, err
	}
	if len(pos) != 0 {
		return nil, nil, usageError{fmt.Sprintf("access takes no arguments, got %q", pos)}
	}
	if f.p.Category == "" || f.p.From == "" {
		return nil, nil, usageError{"--category and --from are required"}
	}
	for _, s := range strings.Split(f.status, ",") {
		if s = strings.TrimSpace(s); s != "" {
			f.p.Statuses = append(f.p.Statuses, place.Status(s))
		}
	}
	if len(f.by) == 0 {
		f.by = []string{f.p.From}
	}
	return f, sc, nil
}

// parseLonLat reads LON,LAT.
func parseLonLat(v string) (orb.Point, error) {
	lon, lat, ok := strings.Cut(v, ",")
	x, err1 := strconv.ParseFloat(strings.TrimSpace(lon), 64)
	y, err2 := strconv.ParseFloat(strings.TrimSpace(lat), 64)
	if !ok || err1 != nil || err2 != nil {
		return orb.Point{}, fmt.Errorf("%q: want LON,LAT in degrees, e.g. -1.4701,53.3811", v)
	}
	return orb.Point{x, y}, nil
}

// cmdAccess is "placemap access": walking time from every area of a set to
// the nearest asset of a category; a baseline writes the walk indicators,
// a scenario (--close, --open) is compared with the baseline.
func cmdAccess(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, sc, err := parseAccessFlags(args)
	if err != nil {
		return err
	}
	st, err := sc.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, set := range f.by {
		if _, err := st.Set(ctx, set); err != nil {
			return fmt.Errorf("--by: %w", err)
		}
	}
	svc := access.NewService(st, reconcile.NewService(st, 8))
	start, last := time.Now(), ""
	r, err := svc.Run(store.WithAuthor(ctx, "placemap access", ""), f.p, func(stage string, _, _ int) {
		if stage != last {
			fmt.Fprintf(stderr, "access: %s (%s)\n", stage, time.Since(start).Round(time.Millisecond))
			last = stage
		}
	})
	if err != nil {
		return err
	}
	printAccess(stdout, r, time.Since(start))
	views := map[string]*access.SetView{}
	for _, set := range f.by {
		v, err := svc.View(ctx, r, set)
		if err != nil {
			return err
		}
		views[set] = v
		printView(stdout, r, v)
	}
	if f.report != "" {
		return writeJSON(f.report, map[string]any{"result": r, "views": views})
	}
	return nil
}
