package proposals

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"

	"golang.org/x/sync/singleflight"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/propose"
	"github.com/placemap/placemap/internal/store"
)

// problem is a proposal's problem with what scoring and drawing its draft
// needs beside it.
type problem struct {
	key    string
	prob   *propose.Problem
	blocks []place.Area   // the blocks' shapes, in prob.Blocks' order
	index  map[string]int // block code → position in prob.Blocks
	mu     sync.Mutex     // guards drawn
	drawn  *drawnAreas    // the draft's areas at one version, or nil
}

// drawnAreas are a draft's areas as drawn at one version.
type drawnAreas struct {
	version int64
	areas   []place.Area
}

// problems keeps the problems of the proposals used last.
type problems struct {
	mu     sync.Mutex
	max    int
	bySlug map[string]*problem
	order  []string // least recently used first
	group  singleflight.Group
}

func newProblems(max int) *problems { return &problems{max: max, bySlug: map[string]*problem{}} }

func (c *problems) get(slug, key string) *problem {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.bySlug[slug]
	if e == nil || e.key != key {
		return nil
	}
	c.touch(slug)
	return e
}

func (c *problems) put(slug string, e *problem) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.bySlug[slug] = e
	c.touch(slug)
	for len(c.order) > c.max {
		delete(c.bySlug, c.order[0])
		c.order = c.order[1:]
	}
}

// touch makes slug the most recently used; c.mu is held.
func (c *problems) touch(slug string) {
	if i := slices.Index(c.order, slug); i >= 0 {
		c.order = slices.Delete(c.order, i, i+1)
	}
	c.order = append(c.order, slug)
}

// key names the problem of a proposal with params: the parameters, the
// proposal's slug (its areas' codes start with it) and each set's import
// time.
func (s *Service) key(ctx context.Context, slug string, params Params) (string, error) {
	b, err := json.Marshal(params)
	if err != nil {
		return "", err
	}
	var k strings.Builder
	fmt.Fprintf(&k, "%s|%s", slug, b)
	for _, set := range setsOf(params) {
		ss, err := s.st.Set(ctx, set)
		if place.ErrorCode(err) == place.ENOTFOUND {
			return "", place.Errorf(place.EINVALID, "set proposal %s: no boundary set %q to build it from", slug, set)
		}
		if err != nil {
			return "", fmt.Errorf("set proposal %s: %w", slug, err)
		}
		fmt.Fprintf(&k, "|%s@%d", set, ss.CreatedAt.UnixNano())
	}
	return k.String(), nil
}

// problemOf returns the problem of proposal slug with params, kept or
// built (under the gate when gated: the caller holds none).
func (s *Service) problemOf(ctx context.Context, slug string, params Params, gated bool) (*problem, error) {
	key, err := s.key(ctx, slug, params)
	if err != nil {
		return nil, err
	}
	if e := s.cache.get(slug, key); e != nil {
		return e, nil
	}
	v, err, _ := s.cache.group.Do(key, func() (any, error) {
		if gated {
			release, err := s.heavy(ctx)
			if err != nil {
				return nil, err
			}
			defer release()
		}
		e, err := s.build(context.WithoutCancel(ctx), slug, params)
		if err != nil {
			return nil, err
		}
		e.key = key
		s.cache.put(slug, e)
		return e, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*problem), nil
}

// build makes the problem of proposal slug with params, and reads its
// blocks' shapes.
func (s *Service) build(ctx context.Context, slug string, params Params) (*problem, error) {
	params.Slug = slug
	prob, err := s.rc.ProposalProblem(ctx, params)
	if err != nil {
		return nil, err
	}
	all, err := store.AllAreas(ctx, s.st, params.Blocks)
	if err != nil {
		return nil, err
	}
	byCode := make(map[string]place.Area, len(all))
	for _, a := range all {
		byCode[a.Code] = a
	}
	e := &problem{prob: prob, blocks: make([]place.Area, len(prob.Blocks)), index: make(map[string]int, len(prob.Blocks))}
	for i, b := range prob.Blocks {
		a, ok := byCode[b.Code]
		if !ok {
			return nil, place.Errorf(place.EINTERNAL, "set proposal %s: block %s of the problem is no area of %s", slug, b.Code, params.Blocks)
		}
		e.blocks[i], e.index[b.Code] = a, i
	}
	return e, nil
}

// planOf reads a proposal's draft as a plan of problem e: its areas in
// code order. ECONFLICT when the draft assigns a block the problem lacks,
// or lacks one the problem has (the block set changed under it).
func planOf(e *problem, p place.SetProposal) (*propose.Plan, error) {
	codes := make([]string, 0, 64)
	seen := map[string]bool{}
	for block, code := range p.Assignment {
		if _, ok := e.index[block]; !ok {
			return nil, place.Errorf(place.ECONFLICT, "set proposal %s: block %s is no longer a block of %s", p.Slug, block, p.Blocks)
		}
		if !seen[code] {
			seen[code] = true
			codes = append(codes, code)
		}
	}
	slices.Sort(codes)
	at := make(map[string]int32, len(codes))
	plan := &propose.Plan{Area: make([]int32, len(e.prob.Blocks)), Codes: codes, Names: make([]string, len(codes))}
	for i, c := range codes {
		at[c] = int32(i)
		plan.Names[i] = p.Names[c]
		if plan.Names[i] == "" {
			plan.Names[i] = c
		}
	}
	for i, b := range e.prob.Blocks {
		code, ok := p.Assignment[b.Code]
		if !ok {
			return nil, place.Errorf(place.ECONFLICT, "set proposal %s: block %s of %s is in no area of the draft", p.Slug, b.Code, p.Blocks)
		}
		plan.Area[i] = at[code]
	}
	return plan, nil
}

// draftOf is a plan as a proposal keeps it: each block's area code, and
// each area's name.
func draftOf(prob *propose.Problem, plan *propose.Plan) (assignment, names map[string]string) {
	assignment = make(map[string]string, len(prob.Blocks))
	for i, b := range prob.Blocks {
		if a := plan.Area[i]; a >= 0 {
			assignment[b.Code] = plan.Codes[a]
		}
	}
	names = make(map[string]string, len(plan.Codes))
	for i, c := range plan.Codes {
		names[c] = plan.Names[i]
	}
	return assignment, names
}
