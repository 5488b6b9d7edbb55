// Package proposals is the workflow of a boundary set proposed from
// building blocks, written once for the command line (placemap
// propose-set) and the HTTP API (/api/proposals): solve it
// (internal/propose over a problem internal/reconcile builds), keep it as
// a draft and publish its first set as the first release of a series named
// by its slug, refine the draft block by block and area by area with
// every rule and score checked again, and publish it again as the next
// release of the series, with successor links.
package proposals

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/propose"
	"github.com/placemap/placemap/internal/reconcile"
	"github.com/placemap/placemap/internal/store"
)

// Store is what the workflow asks of a store: the proposals, and the
// sets, areas, series and places a publish reads.
type Store interface {
	CreateSetProposal(ctx context.Context, p place.SetProposal, set place.BoundarySet, areas []place.Area) (place.SetProposal, error)
	SetProposal(ctx context.Context, slug string) (place.SetProposal, error)
	SetProposals(ctx context.Context) ([]place.SetProposal, error)
	UpdateSetProposal(ctx context.Context, p place.SetProposal, ifVersion int64) (int64, error)
	PublishSetProposal(ctx context.Context, slug string, ifVersion int64, set place.BoundarySet, areas []place.Area, r place.Release) (place.SetProposal, error)
	Set(ctx context.Context, slug string) (place.SetSummary, error)
	Series(ctx context.Context) ([]place.Series, error)
	Areas(ctx context.Context, set string, q store.AreaQuery) ([]place.Area, error)
	Places(ctx context.Context) ([]place.Place, error)
}

// Params are what a proposal is built from, kept with it as JSON:
// reconcile's, as the problem is built from them (Slug is the proposal's).
type Params = reconcile.ProposalParams

// setsOf are the sets a problem with params is built from.
func setsOf(p Params) []string {
	out := append([]string{p.Blocks}, p.Fit...)
	if p.NestIn != "" {
		out = append(out, p.NestIn)
	}
	return out
}

// checkParams says what is wrong with the parameters that can be seen
// before any work (EINVALID); reconcile and the engine check the rest.
// It fills in the defaults (equal weights, the population indicator), so
// that the parameters kept say what was done.
func checkParams(p *Params) error {
	switch {
	case p.Blocks == "":
		return place.Errorf(place.EINVALID, "blocks: name the set of building blocks (e.g. oa-2011)")
	case len(p.Fit) == 0:
		return place.Errorf(place.EINVALID, "fit: name at least one set to fit")
	case len(p.Weights) > 0 && len(p.Weights) != len(p.Fit):
		return place.Errorf(place.EINVALID, "weights: %d weights for %d fit sets", len(p.Weights), len(p.Fit))
	case p.MinPop < 0 || p.MaxPop < 0 || (p.MaxPop > 0 && p.MinPop > p.MaxPop):
		return place.Errorf(place.EINVALID, "population band %g–%g: want 0 ≤ min ≤ max", p.MinPop, p.MaxPop)
	}
	for _, s := range setsOf(*p) {
		if !place.ValidSlug(s) {
			return place.Errorf(place.EINVALID, "set %q is not a set slug", place.Excerpt(s))
		}
	}
	if len(p.Weights) == 0 {
		p.Weights = slices.Repeat([]float64{1}, len(p.Fit))
	}
	if p.Population == "" {
		p.Population = reconcile.PopulationIndicator
	}
	return nil
}

// ReservedSlug names no proposal: /api/proposals/sets makes them.
const ReservedSlug = "sets"

// New is a proposal to make: what it is built from, and the set it
// publishes first (its slug is also the proposal's and the series').
type New struct {
	Params
	Slug  string
	Title string
	Kind  place.Kind // service or community; community when ""
}

// check says what is wrong with n, if anything (EINVALID).
func (n *New) check() error {
	if n.Kind == "" {
		n.Kind = place.Community
	}
	if n.Kind != place.Community && n.Kind != place.Service {
		return place.Errorf(place.EINVALID, "kind %q: a proposed set is %s or %s", n.Kind, place.Service, place.Community)
	}
	if !place.ValidSlug(n.Slug) || n.Slug == place.BasemapSlug {
		return place.Errorf(place.EINVALID, "slug %q: use 1-64 lower-case letters, digits and hyphens", place.Excerpt(n.Slug))
	}
	if n.Slug == ReservedSlug {
		return place.Errorf(place.EINVALID, "slug %q is taken by the route that makes proposals (/api/proposals/sets): choose another", n.Slug)
	}
	if err := place.CheckAreaName(n.Title); err != nil {
		return place.Errorf(place.EINVALID, "title: %s", place.ErrorMessage(err))
	}
	n.Params.Slug = n.Slug
	return checkParams(&n.Params)
}

// Service runs the workflow over a store. It keeps, per proposal, the
// problem its draft is scored against (and the blocks' shapes), so a move
// is checked and scored in milliseconds; a problem is kept while the
// proposal's parameters and the sets it was built from (by their import
// times: sets are never changed after import) stay the same. Safe for
// concurrent use.
type Service struct {
	st    Store
	rc    *reconcile.Service
	cache *problems
	// Gate, when set, is taken around heavy work — solving, building a
	// problem not kept, drawing every area, publishing — and its release
	// called after: the HTTP server's bound on expensive work.
	Gate func(ctx context.Context) (release func(), err error)
	// Now is the time a publish is dated by; time.Now when nil.
	Now func() time.Time
}

// NewService returns the workflow over st, building problems with rc and
// keeping those of up to keep proposals (8 when keep < 1).
func NewService(st Store, rc *reconcile.Service, keep int) *Service {
	if keep < 1 {
		keep = 8
	}
	return &Service{st: st, rc: rc, cache: newProblems(keep)}
}

// heavy takes the gate, when there is one.
func (s *Service) heavy(ctx context.Context) (func(), error) {
	if s.Gate == nil {
		return func() {}, nil
	}
	return s.Gate(ctx)
}

// now is the time a set published now is dated by.
func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// ParamsOf reads the parameters a proposal keeps.
func ParamsOf(p place.SetProposal) (Params, error) {
	var out Params
	if err := json.Unmarshal(p.Params, &out); err != nil {
		return out, fmt.Errorf("set proposal %s: params: %w", p.Slug, err)
	}
	return out, nil
}

// ReportOf reads the report a proposal keeps: the scores and checks of its
// draft as last saved.
func ReportOf(p place.SetProposal) (*propose.Report, error) {
	var r propose.Report
	if err := json.Unmarshal(p.Report, &r); err != nil {
		return nil, fmt.Errorf("set proposal %s: report: %w", p.Slug, err)
	}
	return &r, nil
}
