package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/placemap/placemap/internal/formats"
	"github.com/placemap/placemap/internal/importer"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/reconcile"
	"github.com/placemap/placemap/internal/store"
)

// cmdCompare writes the crosswalk of two sets.
func cmdCompare(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	sc := storeFlags(fs)
	format := fs.String("format", "csv", "csv (many-to-many), lookup (best fit, ONS style), geojson (overlay faces) or json (everything)")
	weight := fs.String("weight", "area", "area, or population (from the finest set with a population indicator)")
	out := fs.String("out", "", "write to this file instead of standard output")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usageError{"want two set slugs: compare A B"}
	}
	st, err := sc.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	sa, err := st.Set(ctx, pos[0])
	if err != nil {
		return err
	}
	sb, err := st.Set(ctx, pos[1])
	if err != nil {
		return err
	}
	svc := reconcile.NewService(st, 8)
	cw, err := svc.WeightedCrosswalk(ctx, pos[0], pos[1], reconcile.Weight(*weight))
	if err != nil {
		return err
	}
	pops, err := svc.PopulationSets(ctx)
	if err != nil {
		return err
	}
	rep := reconcile.NewReport(cw, sa.BoundarySet, sb.BoundarySet, pops)
	w := stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	switch *format {
	case "csv":
		err = rep.WriteCSV(w)
	case "lookup":
		err = rep.WriteLookup(w, sa.BoundarySet, sb.BoundarySet)
	case "geojson":
		var fc any
		if fc, err = reconcile.Faces(ctx, cw); err == nil {
			err = json.NewEncoder(w).Encode(fc)
		}
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		err = enc.Encode(rep)
	default:
		return usageError{fmt.Sprintf("format %q: want csv, lookup, geojson or json", *format)}
	}
	if err != nil {
		return err
	}
	s := cw.Summary
	log.Info("crosswalk", "a", pos[0], "b", pos[1], "pairs", s.Pairs, "equivalent", s.Classes[reconcile.Equivalent],
		"a_within_b", s.Classes[reconcile.AWithinB], "b_within_a", s.Classes[reconcile.BWithinA], "partial", s.Classes[reconcile.Partial],
		"median_iou", fmt.Sprintf("%.3f", s.MedianIoU), "a_without_counterpart", len(s.AWithout),
		"share_of_a_outside_b", fmt.Sprintf("%.4f", s.ShareOfAOutsideB))
	return nil
}

// columnsFlag collects --count and --rate columns, "HEADING" or
// "HEADING=name".
type columnsFlag struct {
	kind string
	cols *[]formats.IndicatorColumn
}

func (c columnsFlag) String() string { return "" }
func (c columnsFlag) Set(v string) error {
	*c.cols = append(*c.cols, formats.ParseIndicatorColumn(v, c.kind))
	return nil
}

func importIndicator(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("import indicator", flag.ContinueOnError)
	sc := storeFlags(fs)
	var opts importer.IndicatorOptions
	fs.StringVar(&opts.Set, "set", "", "the boundary set the figures belong to (required)")
	fs.StringVar(&opts.CodeField, "code-field", "", "the column holding area codes (required)")
	fs.Var(columnsFlag{"count", &opts.Columns}, "count", "a column of counts (people, places) to import: HEADING, HEADING=name or HEADING=name=Title; repeatable")
	fs.Var(columnsFlag{"rate", &opts.Columns}, "rate", "a column of rates or scores to import: HEADING, HEADING=name or HEADING=name=Title; repeatable")
	fs.StringVar(&opts.Source, "source", "", "where the figures come from")
	fs.StringVar(&opts.Licence, "licence", "", "licence of the figures")
	fs.StringVar(&opts.Attribution, "attribution", "", "attribution to show with them")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	file, err := oneFile(pos, "CSV file")
	if err != nil {
		return err
	}
	if opts.Set == "" || opts.CodeField == "" {
		return usageError{"--set and --code-field are required"}
	}
	var res importer.IndicatorResult
	err = importFile(ctx, sc, file, func(st *store.DB, f io.Reader, name string) (err error) {
		res, err = importer.Indicators(ctx, st, f, name, opts)
		return err
	})
	if err != nil {
		return err
	}
	for _, c := range res.Columns {
		fmt.Fprintf(stdout, "imported %s (%s) into %s: %d areas\n", c.Name, c.Kind, opts.Set, res.Counts[c.Name])
	}
	if len(res.Skipped) > 0 {
		fmt.Fprintf(stdout, "numeric columns not imported (name them with --count or --rate): %s\n", strings.Join(res.Skipped, "; "))
	}
	return nil
}

// cmdPlace adds or replaces a place: `placemap place add SLUG --name N
// [--alt-name A] [--link SET:CODE[:confirmed]] [--suggest]`.
func cmdPlace(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) error {
	if len(args) > 0 && args[0] == "suggest" {
		return placeSuggest(ctx, args[1:], stdout)
	}
	if len(args) == 0 || args[0] != "add" {
		return usageError{"want: place add SLUG --name NAME [--alt-name A] [--link SET:CODE[:confirmed]] [--suggest], or place suggest SLUG"}
	}
	fs := flag.NewFlagSet("place add", flag.ContinueOnError)
	sc := storeFlags(fs)
	var p place.Place
	fs.StringVar(&p.Name, "name", "", "the place's name (required)")
	fs.Func("alt-name", "another name people use; repeatable", func(v string) error { p.AltNames = append(p.AltNames, v); return nil })
	fs.Func("link", "SET:CODE[:confirmed], an area that defines the place; repeatable", func(v string) error {
		parts := strings.Split(v, ":")
		if len(parts) < 2 || len(parts) > 3 || (len(parts) == 3 && parts[2] != "confirmed") {
			return fmt.Errorf("want SET:CODE or SET:CODE:confirmed, got %q", v)
		}
		p.Links = append(p.Links, place.PlaceLink{Set: parts[0], Code: parts[1], Confirmed: len(parts) == 3})
		return nil
	})
	suggest := fs.Bool("suggest", false, "also link, unconfirmed, the area of every set whose name matches the place's names")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 1 || p.Name == "" {
		return usageError{"want place add SLUG --name NAME"}
	}
	p.Slug = pos[0]
	st, err := sc.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if *suggest {
		links, err := importer.SuggestLinks(ctx, st, append([]string{p.Name}, p.AltNames...), p.Links)
		if err != nil {
			return err
		}
		p.Links = append(p.Links, links...)
	}
	if err := st.SavePlace(ctx, p); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "saved place %s with %d definitions\n", p.Slug, len(p.Links))
	return nil
}

// placeSuggest lists areas of other sets that may define a place, by IoU
// with its first definition, for a person to confirm with place add.
func placeSuggest(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("place suggest", flag.ContinueOnError)
	sc := storeFlags(fs)
	per := fs.Int("per-set", 3, "suggestions per set")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"want place suggest SLUG"}
	}
	st, err := sc.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	sug, err := reconcile.NewService(st, 4).Suggest(ctx, pos[0], *per)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SET\tCODE\tNAME\tIOU\tPLACE IN AREA\tAREA IN PLACE\tCLASS")
	for _, s := range sug {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.3f\t%.3f\t%.3f\t%s\n", s.Set, s.Code, s.Name, s.IoU, s.ShareAInB, s.ShareBInA, s.Class)
	}
	return tw.Flush()
}
