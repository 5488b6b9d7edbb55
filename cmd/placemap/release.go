package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/placemap/placemap/internal/formats"
	"github.com/placemap/placemap/internal/importer"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/reconcile"
	"github.com/placemap/placemap/internal/store"
)

// importRelease is "import set --series": the file becomes the newest
// release of the series.
func importRelease(ctx context.Context, sc *storeConfig, file string, set place.BoundarySet, opts formats.BoundaryOptions, ro importer.ReleaseOptions, stdout io.Writer) error {
	var res importer.ReleaseResult
	err := importFile(ctx, sc, file, func(st *store.DB, f io.Reader, name string) (err error) {
		res, err = importer.Release(ctx, st, f, name, set, opts, ro)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "imported %s: %d areas (code field %s, name field %s), %d asset memberships\n",
		set.Slug, res.Areas, res.CodeField, orNone(res.NameField), res.Memberships)
	printNotes(stdout, res.SetResult)
	printRelease(stdout, set.Slug, res, !ro.NotCurrent)
	return nil
}

func printRelease(w io.Writer, set string, res importer.ReleaseResult, current bool) {
	state := "not current"
	if current || res.Previous == "" {
		state = "current"
	}
	if res.Previous == "" {
		fmt.Fprintf(w, "%s is the first release of series %s (%s)\n", set, res.Series, state)
		return
	}
	fmt.Fprintf(w, "%s follows %s in series %s (%s): %d successor links; %s\n", set, res.Previous, res.Series, state, res.Links, changeCounts(res.Changes))
	review := 0
	for _, l := range res.PlaceLinks {
		if l.Review {
			review++
		}
	}
	if len(res.PlaceLinks) > 0 {
		fmt.Fprintf(w, "%d place links carried to %s, %d of them weak and flagged for review\n", len(res.PlaceLinks), set, review)
	}
}

func changeCounts(c map[place.ChangeClass]int) string {
	var parts []string
	for _, k := range []place.ChangeClass{place.Unchanged, place.Renamed, place.Redrawn, place.Split, place.Merged, place.Retired, place.NewArea} {
		if c[k] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c[k], k))
		}
	}
	if len(parts) == 0 {
		return "no areas"
	}
	return strings.Join(parts, ", ")
}

// cmdRelease is "placemap release": list, add, current, changes or successors.
func cmdRelease(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) error {
	if len(args) == 0 {
		return usageError{"release: want list, add, current, changes or successors"}
	}
	fs := flag.NewFlagSet("release "+args[0], flag.ContinueOnError)
	sc := storeFlags(fs)
	switch args[0] {
	case "list":
		return releaseList(ctx, fs, sc, args[1:], stdout)
	case "add":
		return releaseAdd(ctx, fs, sc, args[1:], stdout)
	case "current":
		return releaseCurrent(ctx, fs, sc, args[1:], stdout)
	case "changes":
		return releaseChanges(ctx, fs, sc, args[1:], stdout, log)
	case "successors":
		return releaseSuccessors(ctx, fs, sc, args[1:], stdout)
	default:
		return usageError{fmt.Sprintf("release %s: want list, add, current, changes or successors", args[0])}
	}
}

// releaseList is "release list": every release of every series, a row each.
func releaseList(ctx context.Context, fs *flag.FlagSet, sc *storeConfig, args []string, stdout io.Writer) error {
	if _, err := parse(fs, args); err != nil {
		return err
	}
	return withStore(ctx, sc, func(st *store.DB) error {
		series, err := st.Series(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "SERIES\tRELEASE\tDATE\tCURRENT\tTITLE")
		for _, s := range series {
			for _, r := range s.Releases {
				ss, err := st.Set(ctx, r)
				if err != nil {
					return err
				}
				cur := ""
				if r == s.Current {
					cur = "current"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.Slug, r, ss.ReleaseDate, cur, ss.Title)
			}
		}
		return tw.Flush()
	})
}

// releaseAdd is "release add SET --series SERIES": an imported set becomes
// the newest release of the series.
func releaseAdd(ctx context.Context, fs *flag.FlagSet, sc *storeConfig, args []string, stdout io.Writer) error {
	var ro importer.ReleaseOptions
	fs.StringVar(&ro.Series, "series", "", "the series (required); made if new")
	fs.StringVar(&ro.SeriesTitle, "series-title", "", "title of a new series (default: the set's title)")
	fs.BoolVar(&ro.NotCurrent, "not-current", false, "do not make the set current")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || ro.Series == "" {
		return usageError{"release add: want SET --series SERIES"}
	}
	return withStore(ctx, sc, func(st *store.DB) error {
		res, err := importer.AddRelease(ctx, st, pos[0], ro)
		if err != nil {
			return err
		}
		printRelease(stdout, pos[0], res, !ro.NotCurrent)
		return nil
	})
}

// releaseCurrent is "release current SERIES SET".
func releaseCurrent(ctx context.Context, fs *flag.FlagSet, sc *storeConfig, args []string, stdout io.Writer) error {
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usageError{"release current: want SERIES SET"}
	}
	return withStore(ctx, sc, func(st *store.DB) error {
		if err := st.SetCurrentRelease(ctx, pos[0], pos[1]); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s is now the current release of %s\n", pos[1], pos[0])
		return nil
	})
}

// changesFlags are the flags of "release changes".
type changesFlags struct {
	format string // csv or json
	table  string // csv: areas or assets
	out    string // a file instead of standard output
}

// releaseChanges is "release changes OLD [NEW]": what became of each area
// of OLD in NEW (by default the release after OLD in its series).
func releaseChanges(ctx context.Context, fs *flag.FlagSet, sc *storeConfig, args []string, stdout io.Writer, log *slog.Logger) error {
	var cf changesFlags
	fs.StringVar(&cf.format, "format", "csv", "csv or json")
	fs.StringVar(&cf.table, "table", "areas", "csv: areas (every old area with its successors) or assets (every asset's area in both releases)")
	fs.StringVar(&cf.out, "out", "", "write to this file instead of standard output")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) < 1 || len(pos) > 2 {
		return usageError{"release changes: want OLD [NEW]"}
	}
	if cf.format != "csv" && cf.format != "json" {
		return usageError{fmt.Sprintf("format %q: want csv or json", cf.format)}
	}
	if cf.table != "areas" && cf.table != "assets" {
		return usageError{fmt.Sprintf("table %q: want areas or assets", cf.table)}
	}
	return withStore(ctx, sc, func(st *store.DB) error {
		newSet := ""
		if len(pos) == 2 {
			newSet = pos[1]
		} else if newSet, err = reconcile.NextRelease(ctx, st, pos[0]); err != nil {
			return err
		}
		rep, err := reconcile.Changes(ctx, st, pos[0], newSet)
		if err != nil {
			return err
		}
		if err := writeChanges(stdout, rep, cf); err != nil {
			return err
		}
		log.Info("release changes", "old", pos[0], "new", newSet, "changes", changeCounts(rep.Counts), "assets", len(rep.Assets))
		return nil
	})
}

// writeChanges writes rep as cf asks, to cf.out or else to stdout.
func writeChanges(stdout io.Writer, rep *reconcile.ChangeReport, cf changesFlags) error {
	w := stdout
	if cf.out != "" {
		f, err := os.Create(cf.out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	switch {
	case cf.format == "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	case cf.table == "assets":
		return rep.WriteAssetsCSV(w)
	default:
		return rep.WriteCSV(w)
	}
}

// releaseSuccessors is "release successors SET CODE": the areas of later
// releases that the area became.
func releaseSuccessors(ctx context.Context, fs *flag.FlagSet, sc *storeConfig, args []string, stdout io.Writer) error {
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usageError{"release successors: want SET CODE"}
	}
	return withStore(ctx, sc, func(st *store.DB) error {
		if _, err := st.Area(ctx, pos[0], pos[1]); err != nil {
			return err
		}
		links, err := st.Successors(ctx, store.SuccessorQuery{OldSet: pos[0], OldCode: pos[1]})
		if err != nil {
			return err
		}
		sort.SliceStable(links, func(i, j int) bool { return links[i].NewSet < links[j].NewSet })
		tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "RELEASE\tCODE\tNAME\tSHARE OF OLD\tSHARE OF NEW\tIOU\tSTATUS")
		for _, l := range links {
			name := ""
			if a, err := st.Area(ctx, l.NewSet, l.NewCode); err == nil {
				name = a.Name
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%.3f\t%.3f\t%.3f\t%s\n", l.NewSet, l.NewCode, name, l.ShareOfOld, l.ShareOfNew, l.IoU, l.Status)
		}
		return tw.Flush()
	})
}

func withStore(ctx context.Context, sc *storeConfig, fn func(st *store.DB) error) error {
	st, err := sc.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	return fn(st)
}
