package reconcile

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/geo"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/propose"
	"github.com/placemap/placemap/internal/store"
)

// ProposalParams says what proposal to build: from the areas of the set
// Blocks, fitting the sets Fit (weighted by Weights, all 1 when empty),
// optionally nested in NestIn and within a band of the block count
// indicator Population (default "population").
type ProposalParams struct {
	Blocks     string    `json:"blocks"`
	Fit        []string  `json:"fit"`
	Weights    []float64 `json:"weights,omitempty"`
	NestIn     string    `json:"nest_in,omitempty"`
	Population string    `json:"population,omitempty"`
	MinPop     float64   `json:"min_pop,omitempty"`
	MaxPop     float64   `json:"max_pop,omitempty"`
	Seed       uint64    `json:"seed"`
	// Slug prefixes the areas' codes (SLUG-001…).
	Slug string `json:"slug,omitempty"`
}

// ProposalProblem builds the problem propose.Solve solves from the store:
// each block's best fit in every fit set and in the nest-in set (the
// crosswalks blocks × set, cached by the service), its population, and the
// blocks' edge adjacency; crossing blocks cut off from their nest area are
// reassigned (propose.Reassign). The blocks come in the store's order (the order
// of store.AllAreas). It fails with EINVALID for bad parameters and for
// blocks without a population value (naming them), ENOTFOUND for unknown
// sets or indicator.
func (s *Service) ProposalProblem(ctx context.Context, prm ProposalParams) (*propose.Problem, error) {
	if err := checkParams(&prm); err != nil {
		return nil, err
	}
	blocks, err := store.AllAreas(ctx, s.src, prm.Blocks)
	if err != nil {
		return nil, err
	}
	if len(blocks) == 0 {
		return nil, place.Errorf(place.EINVALID, "blocks: boundary set %s has no areas", prm.Blocks)
	}
	p := &propose.Problem{BlockSet: prm.Blocks, NestSet: prm.NestIn, MinPop: prm.MinPop, MaxPop: prm.MaxPop, Seed: prm.Seed, Slug: prm.Slug}
	pops, err := s.blockPopulation(ctx, prm, blocks)
	if err != nil {
		return nil, err
	}
	p.Blocks = make([]propose.Block, len(blocks))
	for i, b := range blocks {
		p.Blocks[i] = propose.Block{Code: b.Code, Pop: pops[i], Nest: -1, Fit: make([]int32, len(prm.Fit))}
	}
	for k, slug := range prm.Fit {
		codes, names, labels, _, err := s.blockFits(ctx, prm.Blocks, slug, blocks)
		if err != nil {
			return nil, err
		}
		p.Fits = append(p.Fits, propose.FitSet{Slug: slug, Weight: prm.Weights[k], Codes: codes, Names: names})
		for i := range p.Blocks {
			p.Blocks[i].Fit[k] = labels[i]
		}
	}
	if prm.NestIn != "" {
		codes, names, labels, shares, err := s.blockFits(ctx, prm.Blocks, prm.NestIn, blocks)
		if err != nil {
			return nil, err
		}
		p.NestCodes, p.NestNames = codes, names
		for i := range p.Blocks {
			p.Blocks[i].Nest, p.Blocks[i].NestShare = labels[i], shares[i]
		}
	}
	mps := make([]orb.MultiPolygon, len(blocks))
	for i, b := range blocks {
		mps[i] = b.Geometry
	}
	p.Adj, _ = geo.EdgeAdjacency(mps, geo.AdjacencyOptions{})
	propose.Reassign(p)
	return p, nil
}

func checkParams(prm *ProposalParams) error {
	if prm.Blocks == "" {
		return place.Errorf(place.EINVALID, "blocks: name the set whose areas are the building blocks")
	}
	if len(prm.Fit) == 0 {
		return place.Errorf(place.EINVALID, "fit: name at least one set to fit")
	}
	if len(prm.Weights) == 0 {
		prm.Weights = slices.Repeat([]float64{1}, len(prm.Fit))
	}
	if len(prm.Weights) != len(prm.Fit) {
		return place.Errorf(place.EINVALID, "weights: %d given for %d fit sets", len(prm.Weights), len(prm.Fit))
	}
	for i, w := range prm.Weights {
		if !(w > 0) || math.IsInf(w, 0) {
			return place.Errorf(place.EINVALID, "weights: %v for %s, want a positive number", w, prm.Fit[i])
		}
	}
	seen := map[string]bool{prm.Blocks: true}
	for _, f := range prm.Fit {
		if seen[f] {
			return place.Errorf(place.EINVALID, "fit: set %s is named twice or is the block set", f)
		}
		seen[f] = true
	}
	if prm.NestIn == prm.Blocks && prm.NestIn != "" {
		return place.Errorf(place.EINVALID, "nest-in: %s is the block set", prm.NestIn)
	}
	if prm.Population == "" {
		prm.Population = PopulationIndicator
	}
	return nil
}

// blockPopulation reads the population indicator of the block set, one
// value per block; a block without one is an error naming it.
func (s *Service) blockPopulation(ctx context.Context, prm ProposalParams, blocks []place.Area) ([]float64, error) {
	inds, err := s.src.Indicators(ctx, prm.Blocks)
	if err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(inds, func(ind place.Indicator) bool { return ind.Name == prm.Population }) {
		return nil, place.Errorf(place.EINVALID, "population: boundary set %s has no indicator %q (import one, or name another with --population)", prm.Blocks, prm.Population)
	}
	values, err := s.src.IndicatorValues(ctx, prm.Blocks, prm.Population)
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(blocks))
	var missing []string
	for i, b := range blocks {
		v, ok := values[b.Code]
		if !ok {
			missing = append(missing, b.Code)
		}
		out[i] = v
	}
	if len(missing) > 0 {
		more := ""
		if len(missing) > 10 {
			more = fmt.Sprintf(" and %d more", len(missing)-10)
			missing = missing[:10]
		}
		return nil, place.Errorf(place.EINVALID, "population: %d blocks of %s have no %q value: %v%s", len(missing), prm.Blocks, prm.Population, missing, more)
	}
	return out, nil
}

// blockFits reads the crosswalk blocks × set and returns set's area codes and
// names and, per block (in the order of blocks), the index of its best-fit
// area (-1 none) and the share of the block's area inside it.
func (s *Service) blockFits(ctx context.Context, blockSet, set string, blocks []place.Area) (codes, names []string, labels []int32, shares []float64, err error) {
	cw, err := s.Crosswalk(ctx, blockSet, set)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	for _, a := range cw.B {
		codes = append(codes, a.Code)
		names = append(names, a.Name)
	}
	byCode := make(map[string]int, len(cw.A))
	for i, a := range cw.A {
		byCode[a.Code] = i
	}
	labels, shares = make([]int32, len(blocks)), make([]float64, len(blocks))
	for i, b := range blocks {
		labels[i] = -1
		j, ok := byCode[b.Code]
		if !ok || cw.BestFit[j] < 0 {
			continue
		}
		pr := cw.Pairs[cw.BestFit[j]]
		labels[i], shares[i] = int32(pr.B), pr.ShareAInB
	}
	return codes, names, labels, shares, nil
}

// PlanAreas builds the areas of a plan: each the union (geo.Dissolve) of
// its blocks' geometries, with properties blocks (count), population, nest
// (the nest area's code, when nested) and provenance. blocks are the block
// set's areas, matched to p.Blocks by code. It fails with EINVALID when a
// block of p is not among blocks.
func PlanAreas(blocks []place.Area, p *propose.Problem, plan *propose.Plan) ([]place.Area, error) {
	byCode := make(map[string]int, len(blocks))
	for i, b := range blocks {
		byCode[b.Code] = i
	}
	parts := make([][]orb.MultiPolygon, len(plan.Codes))
	pops := make([]float64, len(plan.Codes))
	nests := make([]int32, len(plan.Codes))
	counts := make([]int, len(plan.Codes))
	for i, b := range p.Blocks {
		j, ok := byCode[b.Code]
		if !ok {
			return nil, place.Errorf(place.EINVALID, "plan areas: block %s is not an area of %s", b.Code, p.BlockSet)
		}
		if i >= len(plan.Area) || plan.Area[i] < 0 || int(plan.Area[i]) >= len(plan.Codes) {
			return nil, place.Errorf(place.EINVALID, "plan areas: block %s is in no area of the plan", b.Code)
		}
		a := plan.Area[i]
		parts[a] = append(parts[a], blocks[j].Geometry)
		pops[a] += b.Pop
		nests[a] = b.Nest
		counts[a]++
	}
	out := make([]place.Area, len(plan.Codes))
	geoms, err := dissolveAll(plan.Codes, parts)
	if err != nil {
		return nil, err
	}
	for a, code := range plan.Codes {
		mp := geoms[a]
		props := map[string]any{"blocks": counts[a], "population": pops[a],
			"provenance": fmt.Sprintf("union of %d blocks of %s", counts[a], p.BlockSet)}
		if p.NestSet != "" && nests[a] >= 0 {
			props["nest"] = p.NestCodes[nests[a]]
		}
		out[a] = place.Area{Code: code, Name: plan.Names[a], Properties: props, Geometry: mp}
	}
	return out, nil
}

// dissolveAll unions each area's parts, the areas spread over the cores.
func dissolveAll(codes []string, parts [][]orb.MultiPolygon) ([]orb.MultiPolygon, error) {
	out := make([]orb.MultiPolygon, len(codes))
	errs := make([]error, len(codes))
	next := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for a := range next {
				mp, err := geo.Dissolve(parts[a])
				if err != nil {
					err = fmt.Errorf("plan area %s: union of %d blocks: %w", codes[a], len(parts[a]), err)
				}
				out[a], errs[a] = mp, err
			}
		}()
	}
	for a := range codes {
		next <- a
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ProposalSet describes the boundary set a solved proposal is stored as:
// published by placemap, with the method, the parameters and the scores in
// its description, source and provenance, so the set says how it was made
// wherever it is shown.
func ProposalSet(prm ProposalParams, slug, title string, kind place.Kind, r *propose.Report, made time.Time) place.BoundarySet {
	var scores []string
	for _, f := range r.Fits {
		scores = append(scores, fmt.Sprintf("%s %.3f", f.Slug, f.Agreement))
	}
	rules := "every area one edge-connected piece of whole blocks"
	if prm.NestIn != "" {
		rules += ", nested in one area of " + prm.NestIn
	}
	if prm.MinPop > 0 || prm.MaxPop > 0 {
		rules += fmt.Sprintf(", %s between %s and %s", prm.Population, popBound(prm.MinPop), popBound(prm.MaxPop))
	}
	params := map[string]string{
		"blocks":     prm.Blocks,
		"fit":        strings.Join(prm.Fit, ","),
		"weights":    joinFloats(prm.Weights),
		"nest_in":    prm.NestIn,
		"population": prm.Population,
		"min_pop":    strconv.FormatFloat(prm.MinPop, 'f', -1, 64),
		"max_pop":    strconv.FormatFloat(prm.MaxPop, 'f', -1, 64),
		"seed":       strconv.FormatUint(prm.Seed, 10),
		"overall":    strconv.FormatFloat(r.Overall, 'f', 4, 64),
		"areas":      strconv.Itoa(len(r.Areas)),
	}
	for _, f := range r.Fits {
		params["agreement_"+f.Slug] = strconv.FormatFloat(f.Agreement, 'f', 4, 64)
	}
	return place.BoundarySet{
		Slug: slug, Title: title, Kind: kind, Publisher: "placemap propose-set",
		ReleaseDate: made.UTC().Format("2006-01-02"),
		Source: fmt.Sprintf("placemap propose-set --blocks %s --fit %s --weights %s%s --population %s --min-pop %s --max-pop %s --seed %d",
			prm.Blocks, strings.Join(prm.Fit, ","), joinFloats(prm.Weights), nestFlag(prm.NestIn), prm.Population,
			params["min_pop"], params["max_pop"], prm.Seed),
		Description: fmt.Sprintf("Proposed from the blocks of %s (%s) to agree with %s: overall %.3f (%s). %s",
			prm.Blocks, rules, strings.Join(prm.Fit, ", "), r.Overall, strings.Join(scores, ", "), propose.Measure),
		Licence:     "derived from the licences of " + strings.Join(append([]string{prm.Blocks}, prm.Fit...), ", "),
		Attribution: "Built by placemap from " + strings.Join(append([]string{prm.Blocks}, prm.Fit...), ", "),
		Provenance:  &place.Provenance{File: "propose-set", Features: len(r.Areas), Skipped: []place.SkippedFeature{}, Method: propose.Measure + " " + propose.Search, Parameters: params},
	}
}

func popBound(v float64) string {
	if v <= 0 {
		return "any"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

func nestFlag(nest string) string {
	if nest == "" {
		return ""
	}
	return " --nest-in " + nest
}

func joinFloats(xs []float64) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.FormatFloat(x, 'f', -1, 64)
	}
	return strings.Join(s, ",")
}
