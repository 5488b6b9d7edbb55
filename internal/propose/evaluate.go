package propose

import (
	"fmt"
	"slices"
)

// Evaluate scores plan and checks it, every figure from scratch: it keeps
// nothing from a search, so it checks the search too.
func Evaluate(p *Problem, plan *Plan) *Report {
	na := len(plan.Codes)
	area := make([]int32, len(p.Blocks))
	for i := range area {
		area[i] = -1
		if i < len(plan.Area) && plan.Area[i] >= 0 && int(plan.Area[i]) < na {
			area[i] = plan.Area[i]
		}
	}
	r := &Report{Method: Measure + " " + Search, Seed: p.Seed, Fits: []FitScore{}, Inputs: []InputScore{},
		CrossingBlocks: crossing(p), ReassignedBlocks: reassigned(p), Uncovered: uncovered(p)}
	wsum := 0.0
	for k, f := range p.Fits {
		pu, in := agreement(p.Blocks, area, na, fitLabels(p, k), len(f.Codes))
		r.Fits = append(r.Fits, FitScore{Slug: f.Slug, Weight: f.Weight, Purity: pu, Inverse: in, Agreement: (pu + in) / 2})
		r.Overall += f.Weight * (pu + in) / 2
		wsum += f.Weight
	}
	if wsum > 0 {
		r.Overall /= wsum
	}
	r.Inputs = inputScores(p)
	r.Areas, r.Checks = areaScores(p, plan, area)
	return r
}

// inputScores measures each input (fit sets, then the nest-in set) against
// each fit set.
func inputScores(p *Problem) []InputScore {
	type input struct {
		slug   string
		labels []int32
		n      int
	}
	var ins []input
	for k, f := range p.Fits {
		ins = append(ins, input{f.Slug, fitLabels(p, k), len(f.Codes)})
	}
	if p.NestSet != "" {
		ins = append(ins, input{p.NestSet, nestLabels(p), len(p.NestCodes)})
	}
	out := []InputScore{}
	for _, in := range ins {
		for k, f := range p.Fits {
			if in.slug == f.Slug {
				continue
			}
			pu, inv := agreement(p.Blocks, in.labels, in.n, fitLabels(p, k), len(f.Codes))
			out = append(out, InputScore{Set: in.slug, Against: f.Slug, Agreement: (pu + inv) / 2})
		}
	}
	return out
}

// areaScores describes each area and runs the checks.
func areaScores(p *Problem, plan *Plan, area []int32) ([]AreaScore, Checks) {
	na := len(plan.Codes)
	c := Checks{Unassigned: []string{}, Empty: []string{}, NotContiguous: []string{}, NotNested: []string{}, OutOfBand: []string{}}
	if len(plan.Area) != len(p.Blocks) {
		for i := len(plan.Area); i < len(p.Blocks); i++ {
			c.Unassigned = append(c.Unassigned, p.Blocks[i].Code)
		}
	}
	members := make([][]int, na)
	for i, a := range area {
		if a < 0 {
			if i < len(plan.Area) {
				c.Unassigned = append(c.Unassigned, p.Blocks[i].Code)
			}
			continue
		}
		members[a] = append(members[a], i)
	}
	areas := make([]AreaScore, na)
	for a := range na {
		as := AreaScore{Code: plan.Codes[a], Blocks: len(members[a]), Fits: []AreaFit{}}
		if a < len(plan.Names) {
			as.Name = plan.Names[a]
		}
		nests := map[int32]bool{}
		for _, i := range members[a] {
			as.Population += p.Blocks[i].Pop
			nests[p.Blocks[i].Nest] = true
		}
		if len(members[a]) == 0 {
			c.Empty = append(c.Empty, as.Code)
		}
		as.Contiguous = connected(p.Adj, area, members[a])
		if !as.Contiguous {
			c.NotContiguous = append(c.NotContiguous, as.Code)
		}
		if p.NestSet != "" && len(members[a]) > 0 {
			n := p.Blocks[members[a][0]].Nest
			if len(nests) != 1 || n < 0 {
				c.NotNested = append(c.NotNested, as.Code)
			} else {
				as.Nest = p.NestCodes[n]
			}
		}
		if (p.MinPop > 0 && as.Population < p.MinPop) || (p.MaxPop > 0 && as.Population > p.MaxPop) {
			c.OutOfBand = append(c.OutOfBand, as.Code)
		}
		as.Fits = areaFits(p, members[a])
		areas[a] = as
	}
	c.EveryBlockOnce = len(c.Unassigned) == 0 && len(c.Empty) == 0
	c.Contiguous = len(c.NotContiguous) == 0
	c.Nested = len(c.NotNested) == 0
	c.PopulationBand = len(c.OutOfBand) == 0
	return areas, c
}

// areaFits finds, for each fit set, the area holding most of the members'
// labelled population, and that share.
func areaFits(p *Problem, members []int) []AreaFit {
	out := []AreaFit{}
	for k, f := range p.Fits {
		by := map[int32]float64{}
		total := 0.0
		for _, i := range members {
			if y := p.Blocks[i].Fit[k]; y >= 0 {
				by[y] += p.Blocks[i].Pop
				total += p.Blocks[i].Pop
			}
		}
		best, bestPop := int32(-1), -1.0
		for y, v := range by {
			if v > bestPop || (v == bestPop && y < best) {
				best, bestPop = y, v
			}
		}
		af := AreaFit{Slug: f.Slug}
		if best >= 0 {
			af.Code = f.Codes[best]
			if int(best) < len(f.Names) {
				af.Name = f.Names[best]
			}
			if total > 0 {
				af.Share = bestPop / total
			}
		}
		out = append(out, af)
	}
	return out
}

// connected reports whether members (all labelled with one area) form one
// piece by edge adjacency. No members counts as not connected.
func connected(adj [][]int32, area []int32, members []int) bool {
	if len(members) == 0 {
		return false
	}
	a := area[members[0]]
	seen := map[int]bool{members[0]: true}
	queue := []int{members[0]}
	for len(queue) > 0 {
		i := queue[0]
		queue = queue[1:]
		if i >= len(adj) {
			continue
		}
		for _, j := range adj[i] {
			if int(j) < len(area) && area[j] == a && !seen[int(j)] {
				seen[int(j)] = true
				queue = append(queue, int(j))
			}
		}
	}
	return len(seen) == len(members)
}

// crossing lists the blocks that lie less than CrossingShare in their nest
// area.
func crossing(p *Problem) []string {
	out := []string{}
	if p.NestSet == "" {
		return out
	}
	for _, b := range p.Blocks {
		if b.Nest >= 0 && b.NestShare < CrossingShare {
			out = append(out, b.Code)
		}
	}
	return out
}

func reassigned(p *Problem) []string {
	out := []string{}
	for _, b := range p.Blocks {
		if b.Reassigned {
			out = append(out, b.Code)
		}
	}
	return out
}

// uncovered lists, per fit set, the areas no block best-fits.
func uncovered(p *Problem) []Uncovered {
	out := []Uncovered{}
	for k, f := range p.Fits {
		hit := make([]bool, len(f.Codes))
		for _, b := range p.Blocks {
			if y := b.Fit[k]; y >= 0 && int(y) < len(hit) {
				hit[y] = true
			}
		}
		var codes []string
		for y, h := range hit {
			if !h {
				codes = append(codes, f.Codes[y])
			}
		}
		if len(codes) > 0 {
			slices.Sort(codes)
			out = append(out, Uncovered{Slug: f.Slug, Codes: codes})
		}
	}
	return out
}

// listed names up to ten items and how many more.
func listed(items []string) string {
	if len(items) <= 10 {
		return fmt.Sprint(items)
	}
	return fmt.Sprintf("%v and %d more", items[:10], len(items)-10)
}
