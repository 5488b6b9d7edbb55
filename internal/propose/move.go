package propose

import (
	"github.com/placemap/placemap/internal/place"
)

// Move moves block (a position in p.Blocks) to area to (a position in
// plan.Codes), which must be a neighbouring area. It checks every rule
// from scratch and changes nothing when one fails: EINVALID for a block or
// area that does not exist or a block already there, ECONFLICT with the
// reason when the move would break a rule (not adjacent, would split its
// area, would empty it, would leave its nest area, population band).
func (plan *Plan) Move(p *Problem, block, to int) error {
	if block < 0 || block >= len(p.Blocks) || block >= len(plan.Area) {
		return place.Errorf(place.EINVALID, "move: no block %d (the plan has %d)", block, len(plan.Area))
	}
	if to < 0 || to >= len(plan.Codes) {
		return place.Errorf(place.EINVALID, "move: no area %d (the plan has %d)", to, len(plan.Codes))
	}
	b := p.Blocks[block]
	from := int(plan.Area[block])
	if from == to {
		return place.Errorf(place.EINVALID, "move: block %s is already in %s", b.Code, plan.Codes[to])
	}
	adjacent := false
	for _, j := range p.Adj[block] {
		adjacent = adjacent || int(plan.Area[j]) == to
	}
	if !adjacent {
		return place.Errorf(place.ECONFLICT, "move: block %s shares no edge with %s", b.Code, plan.Codes[to])
	}
	var popFrom, popTo float64
	var sizeFrom int
	nestTo := int32(-2)
	for i, a := range plan.Area {
		switch int(a) {
		case from:
			popFrom += p.Blocks[i].Pop
			sizeFrom++
		case to:
			popTo += p.Blocks[i].Pop
			if nestTo == -2 || p.Blocks[i].Nest != nestTo {
				nestTo = p.Blocks[i].Nest
			}
		}
	}
	switch {
	case sizeFrom == 1:
		return place.Errorf(place.ECONFLICT, "move: block %s is the last of %s, which would be left empty", b.Code, plan.Codes[from])
	case p.NestSet != "" && nestTo != b.Nest:
		return place.Errorf(place.ECONFLICT, "move: block %s lies in %s %s, %s does not: the move would leave the nest area", b.Code, p.NestSet, nestName(p, b.Nest), plan.Codes[to])
	case p.MinPop > 0 && popFrom-b.Pop < p.MinPop && popFrom >= p.MinPop:
		return place.Errorf(place.ECONFLICT, "move: %s would fall to %.0f people, under the minimum %.0f", plan.Codes[from], popFrom-b.Pop, p.MinPop)
	case p.MaxPop > 0 && popTo+b.Pop > p.MaxPop && b.Pop > 0:
		return place.Errorf(place.ECONFLICT, "move: %s would rise to %.0f people, over the maximum %.0f", plan.Codes[to], popTo+b.Pop, p.MaxPop)
	}
	plan.Area[block] = int32(to)
	var rest []int
	for i, a := range plan.Area {
		if int(a) == from {
			rest = append(rest, i)
		}
	}
	if !connected(p.Adj, plan.Area, rest) {
		plan.Area[block] = int32(from)
		return place.Errorf(place.ECONFLICT, "move: taking block %s out of %s would split it in two", b.Code, plan.Codes[from])
	}
	return nil
}
