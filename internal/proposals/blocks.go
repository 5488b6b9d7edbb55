package proposals

import (
	"context"
	"slices"

	"github.com/placemap/placemap/internal/place"
)

// BlockMoves is a block of a proposal's draft: the area it is in and the
// areas it could move to — those of the blocks sharing an edge with it —
// each with whether the engine would take the move now, and why not.
type BlockMoves struct {
	Block      string      `json:"block"`
	Area       string      `json:"area"`
	Name       string      `json:"name"`
	Version    int64       `json:"version"`
	Neighbours []string    `json:"neighbours"` // the areas it shares an edge with, by code
	Moves      []BlockMove `json:"moves"`
}

// BlockMove is one area a block shares an edge with, and whether moving
// it there keeps every rule (Plan.Move's checks, tried on a copy).
type BlockMove struct {
	To     string `json:"to"`
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Reason string `json:"reason,omitempty"`
}

// Block says where a block of a proposal's draft is and where it may go.
// ENOTFOUND for no such proposal or block.
func (s *Service) Block(ctx context.Context, slug, block string) (BlockMoves, error) {
	p, err := s.st.SetProposal(ctx, slug)
	if err != nil {
		return BlockMoves{}, err
	}
	_, e, plan, err := s.draft(ctx, slug, p.Version)
	if err != nil {
		return BlockMoves{}, err
	}
	bi, ok := e.index[block]
	if !ok {
		return BlockMoves{}, place.Errorf(place.ENOTFOUND, "no block %q in %s", place.Excerpt(block), p.Blocks)
	}
	from := plan.Area[bi]
	out := BlockMoves{Block: block, Area: plan.Codes[from], Name: plan.Names[from], Version: p.Version, Neighbours: []string{}, Moves: []BlockMove{}}
	var near []int32
	for _, j := range e.prob.Adj[bi] {
		if a := plan.Area[j]; a != from && !slices.Contains(near, a) {
			near = append(near, a)
		}
	}
	slices.Sort(near)
	for _, a := range near {
		try := *plan
		try.Area = slices.Clone(plan.Area)
		m := BlockMove{To: plan.Codes[a], Name: plan.Names[a], OK: true}
		if err := try.Move(e.prob, bi, int(a)); err != nil {
			m.OK, m.Reason = false, place.ErrorMessage(err)
		}
		out.Neighbours = append(out.Neighbours, m.To)
		out.Moves = append(out.Moves, m)
	}
	return out, nil
}
