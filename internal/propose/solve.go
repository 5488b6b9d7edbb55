package propose

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/placemap/placemap/internal/place"
)

// MaxPasses bounds the local search: each pass visits every block once.
const MaxPasses = 200

// Solve groups p's blocks into areas. It first calls Reassign(p), which
// may change the nest area of crossing blocks (and marks them). It fails with EINVALID, naming the
// blocks or areas, when the problem is impossible (see check) or when no
// grouping it finds meets the population band. The same problem gives the
// same plan: every order comes from p.Seed. When ctx is done the search
// stops and the plan so far (which keeps every rule) is returned.
func Solve(ctx context.Context, p *Problem) (*Plan, *Report, error) {
	if err := checkShape(p); err != nil {
		return nil, nil, err
	}
	Reassign(p)
	if err := check(p); err != nil {
		return nil, nil, err
	}
	area, na := initial(p)
	area, na = repair(p, area, na)
	s := newSearch(p, area, na)
	iters, moves := s.run(ctx)
	plan := name(p, s.area, s.na)
	r := Evaluate(p, plan)
	r.Iterations, r.Moves = iters, moves
	if !r.Checks.PopulationBand {
		return nil, r, place.Errorf(place.EINVALID, "population band %.0f–%.0f: no grouping found meets it for areas %s", p.MinPop, p.MaxPop, describeAreas(r, r.Checks.OutOfBand))
	}
	if !r.Checks.OK() {
		return nil, r, place.Errorf(place.EINTERNAL, "propose: the plan breaks a rule (not contiguous %v, not nested %v, unassigned %v)", r.Checks.NotContiguous, r.Checks.NotNested, r.Checks.Unassigned)
	}
	return plan, r, nil
}

func describeAreas(r *Report, codes []string) string {
	var out []string
	for _, a := range r.Areas {
		if slices.Contains(codes, a.Code) {
			out = append(out, a.Name+" in "+a.Nest+" ("+formatPop(a.Population)+")")
		}
	}
	return listed(out)
}

func formatPop(v float64) string { return fmt.Sprintf("%.0f people", v) }

// initial groups blocks by their best fit (in the first fit set that has
// one) and nest area, and splits each group into connected pieces: one
// area each, numbered by their first block.
func initial(p *Problem) ([]int32, int) {
	type key struct{ k, y, nest int32 }
	ids := map[key]int32{}
	group := make([]int32, len(p.Blocks))
	for i, b := range p.Blocks {
		kk := key{-1, -1, b.Nest}
		for k, y := range b.Fit {
			if y >= 0 {
				kk = key{int32(k), y, b.Nest}
				break
			}
		}
		id, ok := ids[kk]
		if !ok {
			id = int32(len(ids))
			ids[kk] = id
		}
		group[i] = id
	}
	area := make([]int32, len(p.Blocks))
	pieces := components(p.Adj, group)
	for a, piece := range pieces {
		for _, i := range piece {
			area[i] = int32(a)
		}
	}
	return area, len(pieces)
}

// repair brings areas into the population band: the smallest area under
// it merges into the neighbour of the same nest area that costs the
// objective least (one that stays under the maximum if any does); then the
// largest area over it is split. Labels are compacted at the end.
func repair(p *Problem, area []int32, na int) ([]int32, int) {
	if p.MinPop <= 0 && p.MaxPop <= 0 {
		return area, na
	}
	for range 4 * len(p.Blocks) {
		pop := make([]float64, na)
		size := make([]int, na)
		for i, a := range area {
			pop[a] += p.Blocks[i].Pop
			size[a]++
		}
		under, over := -1, -1
		for a := range na {
			if size[a] == 0 {
				continue
			}
			if p.MinPop > 0 && pop[a] < p.MinPop && (under < 0 || pop[a] < pop[under]) {
				under = a
			}
			if p.MaxPop > 0 && pop[a] > p.MaxPop && (over < 0 || pop[a] > pop[over]) {
				over = a
			}
		}
		switch {
		case under >= 0:
			b := bestMerge(p, area, na, pop, under)
			if b < 0 {
				return compact(area, na)
			}
			for i := range area {
				if area[i] == int32(under) {
					area[i] = int32(b)
				}
			}
		case over >= 0:
			na = split(p, area, na, over, pop[over])
		default:
			return compact(area, na)
		}
	}
	return compact(area, na)
}

// bestMerge chooses the neighbour of area a (same nest area) to merge a
// into: the one losing least objective among those staying under the
// maximum, else among all; -1 when a has no neighbour in its nest area.
func bestMerge(p *Problem, area []int32, na int, pop []float64, a int) int {
	tabs := make([]*table, len(p.Fits))
	for k := range p.Fits {
		tabs[k] = newTable(p, k, area, na)
	}
	var nbrs []int
	for i, ai := range area {
		if int(ai) != a {
			continue
		}
		for _, j := range p.Adj[i] {
			if b := int(area[j]); b != a && p.Blocks[j].Nest == p.Blocks[i].Nest && !slices.Contains(nbrs, b) {
				nbrs = append(nbrs, b)
			}
		}
	}
	slices.Sort(nbrs)
	best, bestGain, bestFits := -1, math.Inf(-1), false
	for _, b := range nbrs {
		gain := 0.0
		for _, t := range tabs {
			gain += t.w * t.mergeDelta(a, b) / (2 * t.n)
		}
		fits := p.MaxPop <= 0 || pop[a]+pop[b] <= p.MaxPop
		if best < 0 || (fits && !bestFits) || (fits == bestFits && gain > bestGain) {
			best, bestGain, bestFits = b, gain, fits
		}
	}
	return best
}

// mergeDelta is the change in (rows + cols) sums if row a merged into row b.
func (t *table) mergeDelta(a, b int) float64 {
	if t.n <= 0 {
		return 0
	}
	row := 0.0
	for y := range t.ny {
		row = max(row, t.m[a][y]+t.m[b][y])
	}
	d := row - t.rowMax[a] - t.rowMax[b]
	for y := range t.ny {
		if t.m[a][y] == 0 {
			continue
		}
		col := t.m[a][y] + t.m[b][y]
		for r := range t.m {
			if r != a && r != b {
				col = max(col, t.m[r][y])
			}
		}
		d += col - t.colMax[y]
	}
	return d
}

// compact renumbers areas 0…n-1 in order of first block, dropping empty
// ones.
func compact(area []int32, na int) ([]int32, int) {
	ids := make([]int32, na)
	for i := range ids {
		ids[i] = -1
	}
	n := int32(0)
	for i, a := range area {
		if ids[a] < 0 {
			ids[a] = n
			n++
		}
		area[i] = ids[a]
	}
	return area, int(n)
}

// split divides area a (population pop) into ceil(pop / MaxPop) regions
// grown from far-apart seeds, the smallest region growing first; it
// returns the new number of areas.
func split(p *Problem, area []int32, na, a int, pop float64) int {
	var members []int
	for i, ai := range area {
		if int(ai) == a {
			members = append(members, i)
		}
	}
	parts := int(math.Ceil(pop / p.MaxPop))
	if parts < 2 || len(members) < 2 {
		return na
	}
	parts = min(parts, len(members))
	dist := func(from int) map[int]int { return hops(p.Adj, area, from) }
	seeds := []int{farthest(dist(members[0]), members)}
	dists := []map[int]int{dist(seeds[0])}
	for len(seeds) < parts {
		best, bestD := -1, -1
		for _, i := range members {
			d := math.MaxInt
			for _, dm := range dists {
				d = min(d, dm[i])
			}
			if d > bestD {
				best, bestD = i, d
			}
		}
		seeds = append(seeds, best)
		dists = append(dists, dist(best))
	}
	owner := map[int]int{}
	rpop := make([]float64, parts)
	for r, s := range seeds {
		owner[s] = r
		rpop[r] += p.Blocks[s].Pop
	}
	for len(owner) < len(members) {
		grown := false
		order := make([]int, parts)
		for r := range order {
			order[r] = r
		}
		slices.SortStableFunc(order, func(x, y int) int {
			switch {
			case rpop[x] < rpop[y]:
				return -1
			case rpop[x] > rpop[y]:
				return 1
			}
			return 0
		})
		for _, r := range order {
			if i := frontier(p, area, a, owner, r, dists[r]); i >= 0 {
				owner[i] = r
				rpop[r] += p.Blocks[i].Pop
				grown = true
				break
			}
		}
		if !grown {
			break
		}
	}
	for _, i := range members {
		if r := owner[i]; r > 0 {
			area[i] = int32(na + r - 1)
		}
	}
	return na + parts - 1
}

// frontier returns the unowned block of area a next to region r nearest
// r's seed (lowest position on ties), or -1.
func frontier(p *Problem, area []int32, a int, owner map[int]int, r int, dist map[int]int) int {
	best, bestD := -1, math.MaxInt
	for i, o := range owner {
		if o != r {
			continue
		}
		for _, j := range p.Adj[i] {
			jj := int(j)
			if int(area[jj]) != a {
				continue
			}
			if _, taken := owner[jj]; taken {
				continue
			}
			if d := dist[jj]; d < bestD || (d == bestD && jj < best) {
				best, bestD = jj, d
			}
		}
	}
	return best
}

// hops returns the edge-hop distance from block from to each block of its
// area.
func hops(adj [][]int32, area []int32, from int) map[int]int {
	d := map[int]int{from: 0}
	queue := []int{from}
	for q := 0; q < len(queue); q++ {
		i := queue[q]
		for _, j := range adj[i] {
			if _, ok := d[int(j)]; !ok && area[j] == area[from] {
				d[int(j)] = d[i] + 1
				queue = append(queue, int(j))
			}
		}
	}
	return d
}

func farthest(d map[int]int, members []int) int {
	best, bestD := members[0], -1
	for _, i := range members {
		if d[i] > bestD {
			best, bestD = i, d[i]
		}
	}
	return best
}

// search is the local search's state: areas' populations, sizes and nest
// areas, and one contingency table per fit set, kept up to date by moves.
type search struct {
	p     *Problem
	area  []int32
	na    int
	pop   []float64
	size  []int
	nest  []int32
	tabs  []*table
	wsum  float64
	seen  []uint32
	stamp uint32
	queue []int
}

func newSearch(p *Problem, area []int32, na int) *search {
	s := &search{p: p, area: area, na: na, pop: make([]float64, na), size: make([]int, na), nest: make([]int32, na), seen: make([]uint32, len(area))}
	for i, a := range area {
		s.pop[a] += p.Blocks[i].Pop
		s.size[a]++
		s.nest[a] = p.Blocks[i].Nest
	}
	for k, f := range p.Fits {
		s.tabs = append(s.tabs, newTable(p, k, area, na))
		s.wsum += f.Weight
	}
	return s
}

// run makes passes over the blocks in a seeded random order, moving each
// to the neighbouring area that raises the objective most, until a pass
// moves nothing, MaxPasses, or ctx is done.
func (s *search) run(ctx context.Context) (passes, moves int) {
	rng := rand.New(rand.NewPCG(s.p.Seed, 0x9e3779b97f4a7c15))
	order := make([]int, len(s.area))
	for i := range order {
		order[i] = i
	}
	for passes < MaxPasses && ctx.Err() == nil {
		passes++
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		moved := 0
		for n, i := range order {
			if n%256 == 0 && ctx.Err() != nil {
				break
			}
			if s.improve(i) {
				moved++
			}
		}
		moves += moved
		if moved == 0 {
			break
		}
	}
	return passes, moves
}

// improve moves block i to its best neighbouring area when that raises the
// objective and keeps every rule.
func (s *search) improve(i int) bool {
	a := int(s.area[i])
	b := &s.p.Blocks[i]
	if s.size[a] == 1 || b.Pop == 0 || (s.p.MinPop > 0 && s.pop[a]-b.Pop < s.p.MinPop) {
		return false
	}
	best, bestGain := -1, 1e-12
	for _, j := range s.p.Adj[i] {
		to := int(s.area[j])
		if to == a || s.nest[to] != b.Nest || (s.p.MaxPop > 0 && s.pop[to]+b.Pop > s.p.MaxPop) {
			continue
		}
		if g := s.gain(i, a, to); g > bestGain || (g == bestGain && to < best) {
			best, bestGain = to, g
		}
	}
	if best < 0 || !s.staysConnected(i) {
		return false
	}
	s.move(i, a, best)
	return true
}

func (s *search) gain(i, from, to int) float64 {
	g := 0.0
	b := &s.p.Blocks[i]
	for k, t := range s.tabs {
		if y := b.Fit[k]; y >= 0 && t.n > 0 {
			g += t.w * t.delta(int(y), b.Pop, from, to) / (2 * t.n)
		}
	}
	return g / s.wsum
}

func (s *search) move(i, from, to int) {
	b := &s.p.Blocks[i]
	for k, t := range s.tabs {
		if y := b.Fit[k]; y >= 0 {
			t.move(int(y), b.Pop, from, to)
		}
	}
	s.area[i] = int32(to)
	s.pop[from] -= b.Pop
	s.pop[to] += b.Pop
	s.size[from]--
	s.size[to]++
}

// staysConnected reports whether block i's area stays one piece without i.
func (s *search) staysConnected(i int) bool {
	a := s.area[i]
	start, inArea := -1, 0
	for _, j := range s.p.Adj[i] {
		if s.area[j] == a {
			inArea++
			if start < 0 {
				start = int(j)
			}
		}
	}
	if inArea == 0 {
		return false
	}
	if inArea == 1 {
		return true // a leaf: the rest stays as it was
	}
	s.stamp++
	s.seen[i], s.seen[start] = s.stamp, s.stamp
	s.queue = append(s.queue[:0], start)
	reached := 1
	for q := 0; q < len(s.queue); q++ {
		for _, j := range s.p.Adj[s.queue[q]] {
			if s.area[j] == a && s.seen[j] != s.stamp {
				s.seen[j] = s.stamp
				s.queue = append(s.queue, int(j))
				reached++
			}
		}
	}
	return reached == s.size[a]-1
}
