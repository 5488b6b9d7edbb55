package reconcile

import (
	"encoding/binary"
	"fmt"
	"slices"
	"sort"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/geo"
	"github.com/placemap/placemap/internal/place"
)

// PopulationBasis says how block populations are given to areas.
const PopulationBasis = "best fit: each block's whole population goes to the area holding the largest share of the block's area"

// WeightByPopulation adds population shares to the crosswalk's pairs. The
// blocks (Output Areas or LSOAs) carry the population; blocksA and blocksB
// are the crosswalks of the block set with A and with B. Each block's
// whole population goes to its best-fit area in A and in B (see
// PopulationBasis): blocks are small against the areas they build, and
// splitting a block's people by area would assume they spread evenly over
// fields and parks.
func (cw *Crosswalk) WeightByPopulation(blocksA, blocksB *Crosswalk, pop map[string]float64) error {
	if len(blocksA.A) != len(blocksB.A) {
		return fmt.Errorf("population weights: block crosswalks differ in length")
	}
	codeA := indexByCode(cw.A)
	codeB := indexByCode(cw.B)
	type key struct{ a, b int }
	inter := map[key]float64{}
	popA := make([]float64, len(cw.A))
	popB := make([]float64, len(cw.B))
	for i, block := range blocksA.A {
		p, ok := pop[block.Code]
		if !ok {
			continue
		}
		ba, bb := blocksA.BestFit[i], blocksB.BestFit[i]
		a, b := -1, -1
		if ba >= 0 {
			a = codeA[blocksA.B[blocksA.Pairs[ba].B].Code]
			popA[a] += p
		}
		if bb >= 0 {
			b = codeB[blocksB.B[blocksB.Pairs[bb].B].Code]
			popB[b] += p
		}
		if a >= 0 && b >= 0 {
			inter[key{a, b}] += p
		}
	}
	for k := range cw.Pairs {
		p := &cw.Pairs[k]
		p.hasPop = true
		p.popInter = inter[key{p.A, p.B}]
		if popA[p.A] > 0 {
			p.PopAInB = p.popInter / popA[p.A]
		}
		if popB[p.B] > 0 {
			p.PopBInA = p.popInter / popB[p.B]
		}
	}
	return nil
}

// HasPopulation reports whether population shares were added.
func (cw *Crosswalk) HasPopulation() bool { return len(cw.Pairs) > 0 && cw.Pairs[0].hasPop }

func indexByCode(areas []place.Area) map[string]int {
	m := make(map[string]int, len(areas))
	for i, a := range areas {
		m[a.Code] = i
	}
	return m
}

// Weight chooses what a transfer weighs pairs by.
type Weight string

// The weights.
const (
	ByArea       Weight = "area"
	ByPopulation Weight = "population"
)

// Kind of an indicator: counts add up, rates average, an asset names one
// (its FID) and is not moved.
const (
	Count = "count"
	Rate  = "rate"
	Asset = "asset"
)

// Transfer moves an indicator from A's areas to B's through the crosswalk:
// a count is shared out by the part of each a that lies in b (its area, or
// its people), a rate is the mean of the a's overlapping b weighted by the
// overlap (its area, or its people). It returns the values by b code and a
// sentence saying how.
func (cw *Crosswalk) Transfer(values map[string]float64, kind string, w Weight) (map[string]float64, string, error) {
	if kind == Asset {
		return nil, "", fmt.Errorf("indicator kind asset names an asset in each area (its FID) and cannot be moved to another set: read it on its own set")
	}
	if w == ByPopulation && !cw.HasPopulation() {
		return nil, "", fmt.Errorf("transfer by population: the crosswalk has no population weights")
	}
	sum := map[string]float64{}
	weight := map[string]float64{}
	seen := map[string]bool{}
	for _, p := range cw.Pairs {
		v, ok := values[cw.A[p.A].Code]
		if !ok {
			continue
		}
		b := cw.B[p.B].Code
		seen[b] = true
		switch kind {
		case Count:
			share := p.ShareAInB
			if w == ByPopulation {
				share = p.PopAInB
			}
			sum[b] += v * share
		case Rate:
			wt := p.InterM2
			if w == ByPopulation {
				wt = p.popInter
			}
			sum[b] += v * wt
			weight[b] += wt
		default:
			return nil, "", fmt.Errorf("indicator kind %q: want count or rate", kind)
		}
	}
	out := map[string]float64{}
	for b := range seen {
		if kind == Rate {
			if weight[b] > 0 {
				out[b] = sum[b] / weight[b]
			}
			continue
		}
		out[b] = sum[b]
	}
	basis := "the share of each source area's area (equal-area m²) that lies in the target area"
	if w == ByPopulation {
		basis = "the share of each source area's population that lives in the target area (" + PopulationBasis + ")"
	}
	method := fmt.Sprintf("count: each source area's value shared out by %s, summed", basis)
	if kind == Rate {
		basis = "the overlap's area (equal-area m²)"
		if w == ByPopulation {
			basis = "the overlap's population (" + PopulationBasis + ")"
		}
		method = fmt.Sprintf("rate: mean of the source areas overlapping each target area, weighted by %s", basis)
	}
	method += fmt.Sprintf("; overlaps under %.0f%% of both areas ignored", SliverShare*100)
	return out, method, nil
}

// Face is one piece of an agreement surface: where the same definitions
// cover the ground.
type Face struct {
	MP      orb.MultiPolygon
	AreaM2  float64
	Members []int // which definitions cover it, ascending
}

// MinFaceM2 drops faces smaller than this: the gaps and overlaps between
// lines drawn from different sources, not disagreement about a place.
const MinFaceM2 = 100

// Agreement overlays a place's definitions (or its residents' drawings)
// and returns the faces of the overlay, each with the definitions that
// cover it: the ground covered by the same definitions, in one
// MultiPolygon however many pieces it has; the most covered first. The
// pieces come from one arrangement of every boundary (geo.Arrangement),
// each counted by an interior point, so the work grows with the number
// of pieces rather than with pieces times definitions.
func Agreement(defs []orb.MultiPolygon) ([]Face, error) {
	mps := make([]orb.MultiPolygon, len(defs))
	bounds := make([]orb.Bound, len(defs))
	covers := make([]geo.Contains, len(defs))
	for k, d := range defs {
		sd, err := geo.NewShape(d)
		if err != nil {
			return nil, fmt.Errorf("definition %d: %w", k, err)
		}
		mps[k], bounds[k], covers[k] = sd.MP, sd.Bound, geo.NewContains(sd.MP)
	}
	pieces, err := geo.Arrangement(mps)
	if err != nil {
		return nil, err
	}
	byMembers := map[string]*Face{}
	var order []string
	var members []int
	var key []byte
	for _, p := range pieces {
		// Every definition's box is tried in turn, so members come out
		// ascending; the key is their varints, looked up without a copy.
		pt := geo.InteriorPoint(p)
		members, key = members[:0], key[:0]
		for k := range covers {
			if bounds[k].Contains(pt) && covers[k].Point(pt) {
				members = append(members, k)
				key = binary.AppendUvarint(key, uint64(k))
			}
		}
		if len(members) == 0 {
			continue // a gap the definitions enclose but do not cover
		}
		f, ok := byMembers[string(key)]
		if !ok {
			f = &Face{Members: slices.Clone(members)}
			byMembers[string(key)] = f
			order = append(order, string(key))
		}
		f.MP = append(f.MP, p)
	}
	out := make([]Face, 0, len(order))
	for _, key := range order {
		f := byMembers[key]
		if f.AreaM2 = geo.AreaM2(f.MP); f.AreaM2 >= MinFaceM2 {
			out = append(out, *f)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return faceBefore(out[i].Members, out[j].Members) })
	return out, nil
}

// faceBefore orders faces by how many definitions cover them, most
// first, then by which.
func faceBefore(a, b []int) bool {
	if len(a) != len(b) {
		return len(a) > len(b)
	}
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}

// CountFace is the ground covered by exactly Count definitions (or
// drawings), whichever they are.
type CountFace struct {
	MP     orb.MultiPolygon
	AreaM2 float64
	Count  int
}

// ByCount merges faces by how many definitions cover them, most first:
// what a surface of many residents' drawings shows, where which drawings
// cover a spot matters less than how many.
func ByCount(faces []Face) ([]CountFace, error) {
	parts := map[int][]orb.MultiPolygon{}
	var counts []int
	for _, f := range faces {
		n := len(f.Members)
		if _, ok := parts[n]; !ok {
			counts = append(counts, n)
		}
		parts[n] = append(parts[n], f.MP)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(counts)))
	out := make([]CountFace, 0, len(counts))
	for _, n := range counts {
		mp, err := geo.Dissolve(parts[n])
		if err != nil {
			return nil, fmt.Errorf("ground covered %d times: %w", n, err)
		}
		out = append(out, CountFace{MP: mp, AreaM2: geo.AreaM2(mp), Count: n})
	}
	return out, nil
}
