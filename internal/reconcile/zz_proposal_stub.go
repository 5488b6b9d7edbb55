package reconcile

// TEMPORARY stand-in for the engine branch's ProposalProblem and PlanAreas
// (PROPOSE-API.md), removed when i18-propose is merged.

import (
	"context"
	"fmt"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/placemap/placemap/internal/geo"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/propose"
	"github.com/placemap/placemap/internal/store"
)

type ProposalParams struct {
	Blocks             string
	Fit                []string
	Weights            []float64
	NestIn, Population string
	MinPop, MaxPop     float64
	Seed               uint64
}

func (s *Service) ProposalProblem(ctx context.Context, pp ProposalParams) (*propose.Problem, error) {
	blocks, err := store.AllAreas(ctx, s.src, pp.Blocks)
	if err != nil {
		return nil, err
	}
	pops := map[string]float64{}
	if pp.Population != "" {
		if pops, err = s.src.IndicatorValues(ctx, pp.Blocks, pp.Population); err != nil {
			return nil, err
		}
	}
	p := &propose.Problem{BlockSet: pp.Blocks, MinPop: pp.MinPop, MaxPop: pp.MaxPop, Seed: pp.Seed}
	var fits [][]place.Area
	for k, f := range pp.Fit {
		areas, err := store.AllAreas(ctx, s.src, f)
		if err != nil {
			return nil, err
		}
		fits = append(fits, areas)
		fs := propose.FitSet{Slug: f, Weight: 1}
		if k < len(pp.Weights) {
			fs.Weight = pp.Weights[k]
		}
		for _, a := range areas {
			fs.Codes, fs.Names = append(fs.Codes, a.Code), append(fs.Names, a.Name)
		}
		p.Fits = append(p.Fits, fs)
	}
	edges := map[[2]orb.Point][]int32{}
	for i, b := range blocks {
		pop, ok := pops[b.Code]
		if !ok {
			pop = 1
		}
		c, _ := planar.CentroidArea(b.Geometry)
		blk := propose.Block{Code: b.Code, Pop: pop, Nest: -1}
		for _, areas := range fits {
			fit := int32(-1)
			for j, a := range areas {
				if planar.MultiPolygonContains(a.Geometry, c) {
					fit = int32(j)
				}
			}
			blk.Fit = append(blk.Fit, fit)
		}
		p.Blocks = append(p.Blocks, blk)
		for _, poly := range b.Geometry {
			r := poly[0]
			for k := 0; k+1 < len(r); k++ {
				e := [2]orb.Point{r[k], r[k+1]}
				if e[1][0] < e[0][0] || (e[1][0] == e[0][0] && e[1][1] < e[0][1]) {
					e[0], e[1] = e[1], e[0]
				}
				edges[e] = append(edges[e], int32(i))
			}
		}
	}
	adj := make([]map[int32]bool, len(blocks))
	for i := range adj {
		adj[i] = map[int32]bool{}
	}
	for _, bs := range edges {
		for _, a := range bs {
			for _, b := range bs {
				if a != b {
					adj[a][b] = true
				}
			}
		}
	}
	for i := range adj {
		var l []int32
		for j := range adj[i] {
			l = append(l, j)
		}
		sort.Slice(l, func(a, b int) bool { return l[a] < l[b] })
		p.Adj = append(p.Adj, l)
	}
	return p, nil
}

func PlanAreas(blocks []place.Area, plan *propose.Plan) ([]place.Area, error) {
	parts := make([][]orb.MultiPolygon, len(plan.Codes))
	for i, a := range plan.Area {
		if a >= 0 {
			parts[a] = append(parts[a], blocks[i].Geometry)
		}
	}
	var out []place.Area
	for k, ps := range parts {
		if len(ps) == 0 {
			return nil, fmt.Errorf("area %s has no blocks", plan.Codes[k])
		}
		g, err := geo.Dissolve(ps)
		if err != nil {
			return nil, err
		}
		out = append(out, place.Area{Code: plan.Codes[k], Name: plan.Names[k], Geometry: g})
	}
	return out, nil
}
