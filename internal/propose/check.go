package propose

import (
	"fmt"
	"math"
	"slices"

	"github.com/placemap/placemap/internal/place"
)

// check refuses problems no plan can solve, naming what is wrong:
// malformed input, blocks over the population band, nest areas (or
// connected pieces of them) under it, fit sets no block fits.
func check(p *Problem) error {
	if err := checkShape(p); err != nil {
		return err
	}
	if p.MaxPop > 0 {
		var over []string
		for _, b := range p.Blocks {
			if b.Pop > p.MaxPop {
				over = append(over, fmt.Sprintf("%s (%.0f)", b.Code, b.Pop))
			}
		}
		if len(over) > 0 {
			return place.Errorf(place.EINVALID, "population band: %d blocks of %s hold more than the maximum %.0f on their own: %s", len(over), p.BlockSet, p.MaxPop, listed(over))
		}
	}
	for k, f := range p.Fits {
		fitted := false
		for _, b := range p.Blocks {
			fitted = fitted || b.Fit[k] >= 0
		}
		if !fitted {
			return place.Errorf(place.EINVALID, "fit set %s: no block of %s lies mostly in any of its areas, so the blocks do not cover it", f.Slug, p.BlockSet)
		}
	}
	if p.NestSet != "" {
		var none []string
		for _, b := range p.Blocks {
			if b.Nest < 0 {
				none = append(none, b.Code)
			}
		}
		if len(none) > 0 {
			return place.Errorf(place.EINVALID, "nest-in set %s: %d blocks of %s lie in none of its areas: %s", p.NestSet, len(none), p.BlockSet, listed(none))
		}
	}
	if p.MinPop > 0 {
		var under []string
		for _, piece := range nestPieces(p) {
			pop := 0.0
			for _, i := range piece {
				pop += p.Blocks[i].Pop
			}
			if pop < p.MinPop {
				under = append(under, describePiece(p, piece, pop))
			}
		}
		if len(under) > 0 {
			return place.Errorf(place.EINVALID, "population band: %d connected pieces hold fewer than the minimum %.0f people, so no area there can meet it: %s", len(under), p.MinPop, listed(under))
		}
	}
	return nil
}

// checkShape refuses malformed problems.
func checkShape(p *Problem) error {
	if len(p.Blocks) == 0 {
		return place.Errorf(place.EINVALID, "no blocks")
	}
	if len(p.Fits) == 0 {
		return place.Errorf(place.EINVALID, "no fit set: name at least one set to fit")
	}
	if len(p.Adj) != len(p.Blocks) {
		return place.Errorf(place.EINVALID, "adjacency lists %d blocks, want %d", len(p.Adj), len(p.Blocks))
	}
	if p.MinPop < 0 || p.MaxPop < 0 || (p.MaxPop > 0 && p.MinPop > p.MaxPop) {
		return place.Errorf(place.EINVALID, "population band %.0f–%.0f: want 0 ≤ min ≤ max", p.MinPop, p.MaxPop)
	}
	for _, f := range p.Fits {
		if !(f.Weight > 0) || math.IsInf(f.Weight, 0) {
			return place.Errorf(place.EINVALID, "fit set %s: weight %v, want a positive number", f.Slug, f.Weight)
		}
	}
	for i, b := range p.Blocks {
		if !(b.Pop >= 0) || math.IsInf(b.Pop, 0) {
			return place.Errorf(place.EINVALID, "block %s: population %v, want a number ≥ 0", b.Code, b.Pop)
		}
		if len(b.Fit) != len(p.Fits) {
			return place.Errorf(place.EINVALID, "block %s: %d fit labels, want one per fit set (%d)", b.Code, len(b.Fit), len(p.Fits))
		}
		for k, y := range b.Fit {
			if y < -1 || int(y) >= len(p.Fits[k].Codes) {
				return place.Errorf(place.EINVALID, "block %s: fit label %d out of range for %s", b.Code, y, p.Fits[k].Slug)
			}
		}
		if b.Nest < -1 || int(b.Nest) >= len(p.NestCodes) || (p.NestSet == "" && b.Nest != -1) {
			return place.Errorf(place.EINVALID, "block %s: nest label %d out of range", b.Code, b.Nest)
		}
		for _, j := range p.Adj[i] {
			if j < 0 || int(j) >= len(p.Blocks) || int(j) == i || !slices.Contains(p.Adj[j], int32(i)) {
				return place.Errorf(place.EINVALID, "block %s: neighbour %d is out of range, itself, or not neighboured back", b.Code, j)
			}
		}
	}
	return nil
}

// nestPieces splits the blocks into connected pieces by edge adjacency
// within each nest area (or over all blocks without a nest-in set), each
// piece ascending, pieces by their first block.
func nestPieces(p *Problem) [][]int {
	key := make([]int32, len(p.Blocks))
	for i, b := range p.Blocks {
		key[i] = b.Nest
	}
	return components(p.Adj, key)
}

// components splits blocks into connected pieces of equal key; blocks with
// key < -1 are left out.
func components(adj [][]int32, key []int32) [][]int {
	seen := make([]bool, len(key))
	var out [][]int
	for s := range key {
		if seen[s] || key[s] < -1 {
			continue
		}
		seen[s] = true
		piece := []int{s}
		for q := 0; q < len(piece); q++ {
			for _, j := range adj[piece[q]] {
				if !seen[j] && key[j] == key[s] {
					seen[j] = true
					piece = append(piece, int(j))
				}
			}
		}
		slices.Sort(piece)
		out = append(out, piece)
	}
	return out
}

func describePiece(p *Problem, piece []int, pop float64) string {
	where := ""
	if n := p.Blocks[piece[0]].Nest; n >= 0 {
		where = " in " + p.NestCodes[n]
		if int(n) < len(p.NestNames) && p.NestNames[n] != "" {
			where += " " + p.NestNames[n]
		}
	}
	return fmt.Sprintf("%d blocks from %s%s (%.0f people)", len(piece), p.Blocks[piece[0]].Code, where, pop)
}

// Reassign moves crossing blocks cut off from their nest area into their
// neighbours' nest area, and marks them Reassigned. A nest-in set drawn on
// other lines than the blocks (wards of 2019 over output areas of 2011)
// leaves some blocks mostly in one ward but touching only blocks of
// another: alone, such a piece cannot reach the population band. Each
// piece of a nest area under MinPop made only of crossing blocks (share in
// their nest area under CrossingShare) goes, block by block, to the nest
// area most of its neighbours outside it lie in (the lowest on ties). It
// returns the number of blocks moved; it is idempotent, and does nothing
// without a nest-in set or a minimum.
func Reassign(p *Problem) int {
	if p.NestSet == "" || p.MinPop <= 0 || len(p.Adj) != len(p.Blocks) {
		return 0
	}
	moved := 0
	for _, piece := range nestPieces(p) {
		pop, crossing := 0.0, true
		for _, i := range piece {
			pop += p.Blocks[i].Pop
			crossing = crossing && p.Blocks[i].NestShare < CrossingShare
		}
		if pop >= p.MinPop || !crossing {
			continue
		}
		for _, i := range piece {
			votes := map[int32]int{}
			for _, j := range p.Adj[i] {
				if n := p.Blocks[j].Nest; n != p.Blocks[i].Nest && n >= 0 {
					votes[n]++
				}
			}
			best, most := int32(-1), 0
			for n, v := range votes {
				if v > most || (v == most && n < best) {
					best, most = n, v
				}
			}
			if best >= 0 {
				p.Blocks[i].Nest, p.Blocks[i].Reassigned = best, true
				moved++
			}
		}
	}
	return moved
}
