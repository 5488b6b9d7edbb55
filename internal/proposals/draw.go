package proposals

import (
	"context"
	"slices"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/propose"
	"github.com/placemap/placemap/internal/reconcile"
)

// drawAreas draws the areas codes of plan (all when codes is nil), each
// the union of its blocks (reconcile.PlanAreas: with properties blocks,
// population, nest, provenance), with contiguous from the report.
func drawAreas(e *problem, plan *propose.Plan, rep *propose.Report, codes []string) ([]place.Area, error) {
	prob, sub := e.prob, plan
	if codes != nil {
		part := *e.prob
		part.Blocks, part.Adj = nil, nil
		prob, sub = &part, &propose.Plan{Codes: codes, Names: make([]string, len(codes))}
		for k, c := range codes {
			sub.Names[k] = plan.Names[slices.Index(plan.Codes, c)]
		}
		for i, a := range plan.Area {
			if a < 0 {
				continue
			}
			if k := slices.Index(codes, plan.Codes[a]); k >= 0 {
				part.Blocks = append(part.Blocks, e.prob.Blocks[i])
				sub.Area = append(sub.Area, int32(k))
			}
		}
	}
	areas, err := reconcile.PlanAreas(e.blocks, prob, sub)
	if err != nil {
		return nil, err
	}
	contiguous := map[string]bool{}
	for _, a := range rep.Areas {
		contiguous[a.Code] = a.Contiguous
	}
	for i := range areas {
		if c, ok := contiguous[areas[i].Code]; ok {
			areas[i].Properties["contiguous"] = c
		}
	}
	return areas, nil
}

// Areas draws the areas of a proposal's draft, each the union of its
// blocks, with population, blocks, nest and contiguous as properties; the
// version drawn is returned with them. Drawn areas are kept with the
// proposal's problem until its draft changes. ENOTFOUND for no such
// proposal.
func (s *Service) Areas(ctx context.Context, slug string) ([]place.Area, int64, error) {
	p, err := s.st.SetProposal(ctx, slug)
	if err != nil {
		return nil, 0, err
	}
	params, err := ParamsOf(p)
	if err != nil {
		return nil, 0, err
	}
	e, err := s.problemOf(ctx, slug, params, true)
	if err != nil {
		return nil, 0, err
	}
	e.mu.Lock()
	d := e.drawn
	e.mu.Unlock()
	if d != nil && d.version == p.Version {
		return d.areas, p.Version, nil
	}
	release, err := s.heavy(ctx)
	if err != nil {
		return nil, 0, err
	}
	defer release()
	areas, err := s.draw(e, p)
	if err != nil {
		return nil, 0, err
	}
	e.keepDrawn(p.Version, areas)
	return areas, p.Version, nil
}

// draw draws every area of p's draft.
func (s *Service) draw(e *problem, p place.SetProposal) ([]place.Area, error) {
	plan, err := planOf(e, p)
	if err != nil {
		return nil, err
	}
	rep, err := ReportOf(p)
	if err != nil {
		return nil, err
	}
	return drawAreas(e, plan, rep, nil)
}

// keepDrawn keeps areas as the draft's at version.
func (e *problem) keepDrawn(version int64, areas []place.Area) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.drawn == nil || e.drawn.version < version {
		e.drawn = &drawnAreas{version: version, areas: areas}
	}
}

// redrawn keeps, when the areas drawn at version from are kept, those
// areas with changed put in place of theirs as the draft's at version to.
func (e *problem) redrawn(from, to int64, changed []place.Area) {
	e.mu.Lock()
	d := e.drawn
	e.mu.Unlock()
	if d == nil || d.version != from {
		return
	}
	areas := slices.Clone(d.areas)
	for _, c := range changed {
		if i := slices.IndexFunc(areas, func(a place.Area) bool { return a.Code == c.Code }); i >= 0 {
			areas[i] = c
		}
	}
	e.keepDrawn(to, areas)
}
