package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/proposals"
	"github.com/placemap/placemap/internal/propose"
	"github.com/placemap/placemap/internal/reconcile"
	"github.com/placemap/placemap/internal/store"
)

// proposeFlags are propose-set's own flags.
type proposeFlags struct {
	prm                reconcile.ProposalParams
	fit, weights       string
	slug, title, kind  string
	dryRun             bool
	reportFile, lookup string
}

func parseProposeFlags(args []string) (*proposeFlags, *storeConfig, error) {
	fs := flag.NewFlagSet("propose-set", flag.ContinueOnError)
	sc := storeFlags(fs)
	f := &proposeFlags{}
	fs.StringVar(&f.prm.Blocks, "blocks", "", "the set whose areas are the building blocks, e.g. oa-2011 (required)")
	fs.StringVar(&f.fit, "fit", "", "comma-separated sets the proposal should agree with (required)")
	fs.StringVar(&f.weights, "weights", "", "comma-separated weights of the fit sets (default 1 each)")
	fs.StringVar(&f.prm.NestIn, "nest-in", "", "a set each area must lie in one area of, e.g. wards-2019")
	fs.StringVar(&f.prm.Population, "population", reconcile.PopulationIndicator, "the block set's count indicator that weighs blocks and sets the band")
	fs.Float64Var(&f.prm.MinPop, "min-pop", 0, "least population of an area (0: none)")
	fs.Float64Var(&f.prm.MaxPop, "max-pop", 0, "most population of an area (0: none)")
	fs.Uint64Var(&f.prm.Seed, "seed", 1, "seed of the search's order: the same inputs and seed give the same set")
	fs.StringVar(&f.kind, "kind", string(place.Community), "kind of the new set: community or service")
	fs.StringVar(&f.slug, "slug", "", "slug of the new set (required)")
	fs.StringVar(&f.title, "title", "", "title of the new set (required)")
	fs.BoolVar(&f.dryRun, "dry-run", false, "print the report without storing the set")
	fs.StringVar(&f.reportFile, "report", "", "also write the report as JSON to this file")
	fs.StringVar(&f.lookup, "lookup", "", "also write the plan as a CSV lookup to this file: block code, area code, area name (ONS style)")
	pos, err := parse(fs, args)
	if err != nil {
		return nil, nil, err
	}
	if len(pos) != 0 {
		return nil, nil, usageError{fmt.Sprintf("propose-set takes no arguments, got %q", pos)}
	}
	if f.prm.Blocks == "" || f.fit == "" || f.slug == "" || f.title == "" {
		return nil, nil, usageError{"--blocks, --fit, --slug and --title are required"}
	}
	if k := place.Kind(f.kind); k != place.Community && k != place.Service {
		return nil, nil, usageError{fmt.Sprintf("--kind %q: want community or service", f.kind)}
	}
	f.prm.Fit = strings.Split(f.fit, ",")
	if f.weights != "" {
		for _, w := range strings.Split(f.weights, ",") {
			v, err := strconv.ParseFloat(strings.TrimSpace(w), 64)
			if err != nil {
				return nil, nil, usageError{fmt.Sprintf("--weights: %q is not a number", w)}
			}
			f.prm.Weights = append(f.prm.Weights, v)
		}
	}
	f.prm.Slug = f.slug
	return f, sc, nil
}

// cmdProposeSet is "placemap propose-set": build a boundary set from
// blocks that agrees best with the fit sets, print the report and store it.
func cmdProposeSet(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) error {
	f, sc, err := parseProposeFlags(args)
	if err != nil {
		return err
	}
	st, err := sc.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := proposals.NewService(st, reconcile.NewService(st, 8), 1)
	if !f.dryRun {
		if err := svc.Free(ctx, f.slug); err != nil {
			return fmt.Errorf("%w: choose another --slug", err)
		}
	}
	n := proposals.New{Params: f.prm, Slug: f.slug, Title: f.title, Kind: place.Kind(f.kind)}
	sv, err := svc.Solve(ctx, n)
	if err != nil {
		return err
	}
	printProposal(stdout, sv.Params, sv.Problem, sv.Report)
	fmt.Fprintf(stdout, "time: problem (crosswalks, population, adjacency) %v, search %v, union of blocks %v\n",
		sv.ProblemTime.Round(time.Millisecond), sv.SearchTime.Round(time.Millisecond), sv.UnionTime.Round(time.Millisecond))
	if f.reportFile != "" {
		if err := writeJSON(f.reportFile, sv.Report); err != nil {
			return err
		}
	}
	if f.lookup != "" {
		if err := writeLookup(f.lookup, sv.Problem, sv.Plan); err != nil {
			return err
		}
	}
	if f.dryRun {
		fmt.Fprintf(stdout, "dry run: %s not stored\n", f.slug)
		return nil
	}
	// Kept as a proposal too: its first set is the first release of series
	// SLUG, and editors refine the draft in the map (/api/proposals/SLUG).
	p, err := svc.Keep(store.WithAuthor(ctx, "placemap propose-set", ""), n, sv)
	if err != nil {
		return fmt.Errorf("store %s: %w", f.slug, err)
	}
	fmt.Fprintf(stdout, "stored %s (%s): %d areas, the first release of series %s; proposal %s (version %d) is the draft editors refine\n",
		f.slug, f.kind, len(sv.Areas), p.Series, p.Slug, p.Version)
	log.Info("propose-set", "slug", f.slug, "areas", len(sv.Areas), "overall", fmt.Sprintf("%.4f", sv.Report.Overall),
		"took", (sv.ProblemTime + sv.SearchTime + sv.UnionTime).Round(time.Millisecond))
	return nil
}

// writeLookup writes which area each block is in, one row per block.
func writeLookup(file string, p *propose.Problem, plan *propose.Plan) error {
	out, err := os.Create(file)
	if err != nil {
		return err
	}
	w := csv.NewWriter(out)
	_ = w.Write([]string{"block_code", "area_code", "area_name"})
	for i, b := range p.Blocks {
		a := plan.Area[i]
		_ = w.Write([]string{b.Code, plan.Codes[a], plan.Names[a]})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func writeJSON(file string, v any) error {
	out, err := os.Create(file)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// printProposal prints the report: the agreement table (every input and
// the proposal against each fit set), the checks, the named blocks.
func printProposal(w io.Writer, prm reconcile.ProposalParams, p *propose.Problem, r *propose.Report) {
	fmt.Fprintf(w, "proposal from %d blocks of %s: %d areas, overall agreement %.4f (seed %d, %d passes, %d moves)\n",
		len(p.Blocks), prm.Blocks, len(r.Areas), r.Overall, r.Seed, r.Iterations, r.Moves)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprint(tw, "AGREEMENT WITH →")
	for _, f := range r.Fits {
		fmt.Fprintf(tw, "\t%s", f.Slug)
	}
	fmt.Fprintln(tw)
	fmt.Fprint(tw, "proposal")
	for _, f := range r.Fits {
		fmt.Fprintf(tw, "\t%.4f", f.Agreement)
	}
	fmt.Fprintln(tw)
	sets := append(append([]string{}, prm.Fit...), prm.NestIn)
	for _, s := range sets {
		if s == "" {
			continue
		}
		fmt.Fprint(tw, s)
		for _, f := range r.Fits {
			cell := "—"
			for _, in := range r.Inputs {
				if in.Set == s && in.Against == f.Slug {
					cell = fmt.Sprintf("%.4f", in.Agreement)
				}
			}
			fmt.Fprintf(tw, "\t%s", cell)
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	for _, f := range r.Fits {
		fmt.Fprintf(w, "  %s (weight %g): purity %.4f, inverse %.4f\n", f.Slug, f.Weight, f.Purity, f.Inverse)
	}
	c := r.Checks
	fmt.Fprintf(w, "checks: every block once %v, contiguous %v, nested %v, population band %v\n", c.EveryBlockOnce, c.Contiguous, c.Nested, c.PopulationBand)
	if prm.NestIn != "" {
		fmt.Fprintf(w, "blocks crossing %s (under %.0f%% inside one of its areas, kept in their best fit): %d %s\n",
			prm.NestIn, propose.CrossingShare*100, len(r.CrossingBlocks), firstCodes(r.CrossingBlocks))
		fmt.Fprintf(w, "crossing blocks cut off from their best fit, put in their neighbours' area of %s: %d %s\n",
			prm.NestIn, len(r.ReassignedBlocks), firstCodes(r.ReassignedBlocks))
	}
	for _, u := range r.Uncovered {
		fmt.Fprintf(w, "areas of %s no block fits (the proposal cannot follow them): %d %s\n", u.Slug, len(u.Codes), firstCodes(u.Codes))
	}
	fmt.Fprintf(w, "measure: %s\n", propose.Measure)
}

func firstCodes(codes []string) string {
	if len(codes) == 0 {
		return ""
	}
	if len(codes) > 12 {
		return strings.Join(codes[:12], " ") + fmt.Sprintf(" … (%d more; all in --report)", len(codes)-12)
	}
	return strings.Join(codes, " ")
}
