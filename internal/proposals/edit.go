package proposals

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/placemap/placemap/internal/importer"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/propose"
	"github.com/placemap/placemap/internal/reconcile"
)

// Create solves a new proposal and keeps it (Solve, then Keep, under the
// gate): the draft, and its first set (slug n.Slug) published as the first
// release of series n.Slug, so every view works on it at once. It returns
// the proposal as kept and the solver's report. EINVALID for bad
// parameters or a problem the engine finds impossible (its message, naming
// blocks and areas); ECONFLICT when a proposal, set or series is called
// n.Slug already.
func (s *Service) Create(ctx context.Context, n New) (place.SetProposal, *propose.Report, error) {
	if err := n.check(); err != nil {
		return place.SetProposal{}, nil, err
	}
	if err := s.Free(ctx, n.Slug); err != nil {
		return place.SetProposal{}, nil, err
	}
	release, err := s.heavy(ctx)
	if err != nil {
		return place.SetProposal{}, nil, err
	}
	defer release()
	sv, err := s.Solve(ctx, n)
	if err != nil {
		return place.SetProposal{}, nil, err
	}
	p, err := s.Keep(ctx, n, sv)
	return p, sv.Report, err
}

// Solved is a new proposal solved and drawn, not yet kept.
type Solved struct {
	Params  Params // as kept: defaults filled in
	Problem *propose.Problem
	Plan    *propose.Plan
	Report  *propose.Report
	Areas   []place.Area // each the union of its blocks
	// How long building the problem (crosswalks, population, adjacency),
	// the search and the union of blocks took.
	ProblemTime, SearchTime, UnionTime time.Duration
	e                                  *problem
}

// Solve builds n's problem, solves it and draws its areas, keeping
// nothing (the caller holds the gate, if any). EINVALID for bad parameters
// or a problem the engine finds impossible; the report, when the engine
// made one, comes with its error in Solved.
func (s *Service) Solve(ctx context.Context, n New) (*Solved, error) {
	if err := n.check(); err != nil {
		return nil, err
	}
	t0 := time.Now()
	e, err := s.problemOf(ctx, n.Slug, n.Params, false)
	if err != nil {
		return nil, err
	}
	sv := &Solved{Params: n.Params, Problem: e.prob, e: e, ProblemTime: time.Since(t0)}
	t0 = time.Now()
	sv.Plan, sv.Report, err = propose.Solve(ctx, e.prob)
	sv.SearchTime = time.Since(t0)
	if err != nil {
		return sv, err
	}
	t0 = time.Now()
	sv.Areas, err = drawAreas(e, sv.Plan, sv.Report, nil)
	sv.UnionTime = time.Since(t0)
	return sv, err
}

// Keep keeps a solved proposal, publishing its first set; ECONFLICT when a
// proposal, set or series is called n.Slug already.
func (s *Service) Keep(ctx context.Context, n New, sv *Solved) (place.SetProposal, error) {
	if err := n.check(); err != nil {
		return place.SetProposal{}, err
	}
	params, err := json.Marshal(sv.Params)
	if err != nil {
		return place.SetProposal{}, err
	}
	p := place.SetProposal{Slug: n.Slug, Title: n.Title, Kind: n.Kind, Blocks: n.Blocks, Params: params, Series: n.Slug}
	p.Assignment, p.Names = draftOf(sv.Problem, sv.Plan)
	if err := scored(&p, sv.Report); err != nil {
		return p, err
	}
	set := reconcile.ProposalSet(sv.Params, n.Slug, n.Title, n.Kind, sv.Report, s.now())
	if p, err = s.st.CreateSetProposal(ctx, p, set, sv.Areas); err != nil {
		return p, err
	}
	sv.e.keepDrawn(p.Version, sv.Areas)
	return p, nil
}

// Free is ECONFLICT when a proposal or set is called slug already (the
// store checks again as it writes; this spares a solve).
func (s *Service) Free(ctx context.Context, slug string) error {
	if _, err := s.st.SetProposal(ctx, slug); place.ErrorCode(err) != place.ENOTFOUND {
		if err == nil {
			err = place.Errorf(place.ECONFLICT, "a set proposal %q exists already", slug)
		}
		return err
	}
	if _, err := s.st.Set(ctx, slug); place.ErrorCode(err) != place.ENOTFOUND {
		if err == nil {
			err = place.Errorf(place.ECONFLICT, "boundary set %q exists already", slug)
		}
		return err
	}
	return nil
}

// scored keeps rep as p's report.
func scored(p *place.SetProposal, rep *propose.Report) error {
	b, err := json.Marshal(rep)
	if err != nil {
		return err
	}
	p.Report, p.Overall, p.Areas = b, rep.Overall, len(rep.Areas)
	return nil
}

// Moved is what a move did: the draft's new version and report, and the
// two areas it changed, drawn again.
type Moved struct {
	Version  int64
	Report   *propose.Report
	Areas    []place.Area
	Block    string
	From, To string
}

// Move moves block to the neighbouring area to in a proposal's draft at
// version, checking every rule again and scoring the draft again.
// ENOTFOUND for no such proposal; ECONFLICT when it changed since version;
// the engine's EINVALID or ECONFLICT, with its reason, for a move that is
// refused (not adjacent, would split its area, would empty it, would leave
// its nest area, population band); EINVALID for a block or area the draft
// lacks.
func (s *Service) Move(ctx context.Context, slug, block, to string, version int64) (Moved, error) {
	p, e, plan, err := s.draft(ctx, slug, version)
	if err != nil {
		return Moved{}, err
	}
	bi, ok := e.index[block]
	if !ok {
		return Moved{}, place.Errorf(place.EINVALID, "move: no block %q in %s", place.Excerpt(block), p.Blocks)
	}
	ti := slices.Index(plan.Codes, to)
	if ti < 0 {
		return Moved{}, place.Errorf(place.EINVALID, "move: no area %q in set proposal %s", place.Excerpt(to), slug)
	}
	from := plan.Codes[plan.Area[bi]]
	if err := plan.Move(e.prob, bi, ti); err != nil {
		return Moved{}, err
	}
	rep := propose.Evaluate(e.prob, plan)
	p.Assignment[block] = to
	if err := scored(&p, rep); err != nil {
		return Moved{}, err
	}
	v, err := s.st.UpdateSetProposal(ctx, p, version)
	if err != nil {
		return Moved{}, err
	}
	areas, err := drawAreas(e, plan, rep, []string{from, to})
	if err != nil {
		return Moved{}, err
	}
	e.redrawn(version, v, areas)
	return Moved{Version: v, Report: rep, Areas: areas, Block: block, From: from, To: to}, nil
}

// draft reads a proposal at version with its problem and its draft as a
// plan: ECONFLICT when it is at another version.
func (s *Service) draft(ctx context.Context, slug string, version int64) (place.SetProposal, *problem, *propose.Plan, error) {
	p, err := s.st.SetProposal(ctx, slug)
	if err != nil {
		return p, nil, nil, err
	}
	if version != p.Version {
		return p, nil, nil, place.Errorf(place.ECONFLICT, "set proposal %s is at version %d, not %d: someone changed it since you read it; reload it", slug, p.Version, version)
	}
	params, err := ParamsOf(p)
	if err != nil {
		return p, nil, nil, err
	}
	e, err := s.problemOf(ctx, slug, params, true)
	if err != nil {
		return p, nil, nil, err
	}
	plan, err := planOf(e, p)
	return p, e, plan, err
}

// Rename names an area of a proposal's draft at version, and returns the
// new version. ENOTFOUND for no such proposal or area; ECONFLICT when it
// changed since version; EINVALID for a name breaking the rules
// (place.CheckAreaName).
func (s *Service) Rename(ctx context.Context, slug, code, name string, version int64) (int64, error) {
	if err := place.CheckAreaName(name); err != nil {
		return 0, err
	}
	p, err := s.st.SetProposal(ctx, slug)
	if err != nil {
		return 0, err
	}
	if version != p.Version {
		return 0, place.Errorf(place.ECONFLICT, "set proposal %s is at version %d, not %d: someone changed it since you read it; reload it", slug, p.Version, version)
	}
	if !slices.Contains(mapValues(p.Assignment), code) {
		return 0, place.Errorf(place.ENOTFOUND, "no area %q in set proposal %s", place.Excerpt(code), slug)
	}
	p.Names[code] = name
	rep, err := ReportOf(p)
	if err != nil {
		return 0, err
	}
	for i := range rep.Areas {
		if rep.Areas[i].Code == code {
			rep.Areas[i].Name = name
		}
	}
	if err := scored(&p, rep); err != nil {
		return 0, err
	}
	return s.st.UpdateSetProposal(ctx, p, version)
}

func mapValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// Publish is a publish of a proposal's draft as a new set.
type Publish struct {
	Slug    string // of the new set; "<series>-<n>" when "", n its number in the series
	Title   string // of the new set; the proposal's when ""
	Version int64  // the draft's version published; 0 for whatever it is now
}

// Publish publishes a proposal's draft as a new boundary set: the next
// release of its series, dated today, with successor links from the
// series' newest release and the places linked to it carried over, as a
// release import makes them. It returns the proposal as it stands after.
// ENOTFOUND for no such proposal; ECONFLICT when the draft changed since
// pub.Version, has not changed since it was last published, or the set's
// slug is taken; EINVALID for a slug that would not sort after the newest
// release.
func (s *Service) Publish(ctx context.Context, slug string, pub Publish) (place.SetProposal, error) {
	p, err := s.st.SetProposal(ctx, slug)
	if err != nil {
		return p, err
	}
	if pub.Version == 0 {
		pub.Version = p.Version
	}
	release, err := s.heavy(ctx)
	if err != nil {
		return p, err
	}
	defer release()
	p, e, plan, err := s.draft(ctx, slug, pub.Version)
	if err != nil {
		return p, err
	}
	if p.Status == place.ProposalPublished {
		return p, place.Errorf(place.ECONFLICT, "set proposal %s has not changed since %s was published: move a block or rename an area first",
			slug, p.Published[len(p.Published)-1])
	}
	set, prev, err := s.nextRelease(ctx, p, pub)
	if err != nil {
		return p, err
	}
	rep, err := ReportOf(p)
	if err != nil {
		return p, err
	}
	areas, err := drawAreas(e, plan, rep, nil)
	if err != nil {
		return p, err
	}
	params, err := ParamsOf(p)
	if err != nil {
		return p, err
	}
	described := reconcile.ProposalSet(params, set.Slug, set.Title, p.Kind, rep, s.now())
	described.Description += fmt.Sprintf(" Refined by editors from %s (version %d of proposal %s).", prev, p.Version, p.Slug)
	described.ReleaseDate = set.ReleaseDate
	set = described
	rel, err := importer.PlanRelease(ctx, s.st, prev, set.Slug, areas, importer.ReleaseOptions{Series: p.Series}, nil)
	if err != nil {
		return p, err
	}
	return s.st.PublishSetProposal(ctx, slug, pub.Version, set, areas, rel)
}

// nextRelease is the set a publish of p makes and the newest release of
// its series it follows: EINVALID when the set would not sort after it
// (place.OrderReleases: by date, then slug).
func (s *Service) nextRelease(ctx context.Context, p place.SetProposal, pub Publish) (place.BoundarySet, string, error) {
	all, err := s.st.Series(ctx)
	if err != nil {
		return place.BoundarySet{}, "", err
	}
	i := slices.IndexFunc(all, func(sr place.Series) bool { return sr.Slug == p.Series })
	if i < 0 || len(all[i].Releases) == 0 {
		return place.BoundarySet{}, "", place.Errorf(place.ECONFLICT, "series %s of set proposal %s has no release", p.Series, p.Slug)
	}
	releases := all[i].Releases
	set := place.BoundarySet{Slug: pub.Slug, Title: pub.Title, Kind: p.Kind, ReleaseDate: s.now().UTC().Format("2006-01-02")}
	if set.Slug == "" {
		set.Slug = fmt.Sprintf("%s-%d", p.Series, len(releases)+1)
	}
	if set.Title == "" {
		set.Title = p.Title
	}
	if _, err := s.st.Set(ctx, set.Slug); place.ErrorCode(err) != place.ENOTFOUND {
		if err == nil {
			err = place.Errorf(place.ECONFLICT, "boundary set %q exists already: choose another slug", set.Slug)
		}
		return set, "", err
	}
	prev := releases[len(releases)-1]
	ps, err := s.st.Set(ctx, prev)
	if err != nil {
		return set, "", err
	}
	order := []place.BoundarySet{set, ps.BoundarySet}
	place.OrderReleases(order)
	if order[1].Slug != set.Slug {
		return set, "", place.Errorf(place.EINVALID, "set %s (dated %s) would not come after %s (dated %q), the newest release of series %s: releases of one day are ordered by slug, so choose a slug that sorts after %s",
			set.Slug, set.ReleaseDate, prev, ps.ReleaseDate, p.Series, prev)
	}
	return set, prev, nil
}
