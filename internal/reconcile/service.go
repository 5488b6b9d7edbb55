package reconcile

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"golang.org/x/sync/singleflight"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/placemap/placemap/internal/geo"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// Source is what the service reads from a store.
type Source interface {
	Sets(ctx context.Context) ([]place.SetSummary, error)
	Set(ctx context.Context, slug string) (place.SetSummary, error)
	Areas(ctx context.Context, set string, q store.AreaQuery) ([]place.Area, error)
	Area(ctx context.Context, set, code string) (place.Area, error)
	AreaNames(ctx context.Context, set string) (map[string]string, error)
	Indicators(ctx context.Context, set string) ([]place.Indicator, error)
	IndicatorValues(ctx context.Context, set, name string) (map[string]float64, error)
	AssetCounts(ctx context.Context, set string) (map[string]map[string]int, error)
	Assets(ctx context.Context, q store.AssetQuery) (store.AssetPage, error)
	Place(ctx context.Context, slug string) (place.Place, error)
}

// PopulationIndicator is the name a set's population count must have for
// crosswalks to weigh by people.
const PopulationIndicator = "population"

// Service computes crosswalks from a store, each once: sets are never
// changed after import (a new release is a new set), so a crosswalk keyed
// by the two sets' slugs and import times stays right.
type Service struct {
	src    Source
	mu     sync.Mutex
	cache  map[string]*Crosswalk
	sizes  map[string]int64
	order  []string
	max    int
	budget int64 // bytes the cached crosswalks may hold; 0 for no limit but max
	held   int64
	group  singleflight.Group
}

// NewService returns a service caching up to max crosswalks.
func NewService(src Source, max int) *Service {
	return &Service{src: src, cache: map[string]*Crosswalk{}, sizes: map[string]int64{}, max: max}
}

// NewServiceBudget returns a service caching up to max crosswalks and no
// more than budget bytes of them (as SizeOf estimates): a national
// crosswalk holds hundreds of MiB, and a count alone does not bound
// memory. A crosswalk larger than the budget is computed but not kept.
func NewServiceBudget(src Source, max int, budget int64) *Service {
	s := NewService(src, max)
	s.budget = budget
	return s
}

// SizeOf estimates the bytes a crosswalk holds: its areas' and faces'
// points, and the bookkeeping of each area and pair.
func SizeOf(cw *Crosswalk) int64 {
	points := 0
	count := func(mp orb.MultiPolygon) {
		for _, p := range mp {
			for _, r := range p {
				points += len(r)
			}
		}
	}
	for _, a := range cw.A {
		count(a.Geometry)
	}
	for _, a := range cw.B {
		count(a.Geometry)
	}
	for _, p := range append(cw.Pairs, cw.Slivers...) {
		count(p.Face)
	}
	return int64(points)*16 + int64(len(cw.A)+len(cw.B))*256 + int64(len(cw.Pairs)+len(cw.Slivers))*160
}

// Crosswalk returns the crosswalk of sets a and b, by area only.
func (s *Service) Crosswalk(ctx context.Context, a, b string) (*Crosswalk, error) {
	key, err := s.key(ctx, a, b)
	if err != nil {
		return nil, err
	}
	if cw := s.cached(key); cw != nil {
		return cw, nil
	}
	v, err, _ := s.group.Do(key, func() (any, error) {
		// Computed under a context of its own: callers waiting on the same
		// crosswalk must not lose it because the first one gave up.
		ctx := context.WithoutCancel(ctx)
		areasA, err := store.AllAreas(ctx, s.src, a)
		if err != nil {
			return nil, err
		}
		areasB, err := store.AllAreas(ctx, s.src, b)
		if err != nil {
			return nil, err
		}
		// Faces are built only when asked for (FacesOf): most requests
		// want the figures, which measuring gives without building them.
		cw, err := OverlayStoredAreas(ctx, areasA, areasB)
		if err != nil {
			return nil, fmt.Errorf("crosswalk %s → %s: %w", a, b, err)
		}
		s.keep(key, cw)
		return cw, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*Crosswalk), nil
}

// cached returns the crosswalk kept under key, or nil.
func (s *Service) cached(key string) *Crosswalk {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cache[key]
}

// Cached returns the crosswalk of sets a and b when it is already kept,
// else nil: it never computes one.
func (s *Service) Cached(ctx context.Context, a, b string) (*Crosswalk, error) {
	key, err := s.key(ctx, a, b)
	if err != nil {
		return nil, err
	}
	return s.cached(key), nil
}

// key names the crosswalk of sets a and b in the cache: by their slugs and
// import times.
func (s *Service) key(ctx context.Context, a, b string) (string, error) {
	sa, err := s.src.Set(ctx, a)
	if err != nil {
		return "", err
	}
	sb, err := s.src.Set(ctx, b)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s@%d|%s@%d", a, sa.CreatedAt.UnixNano(), b, sb.CreatedAt.UnixNano()), nil
}

// PopulationSets lists the sets that carry a population count, most areas
// (the finest blocks) first.
func (s *Service) PopulationSets(ctx context.Context) ([]string, error) {
	sets, err := s.src.Sets(ctx)
	if err != nil {
		return nil, err
	}
	sort.SliceStable(sets, func(i, j int) bool { return sets[i].AreaCount > sets[j].AreaCount })
	out := []string{}
	for _, set := range sets {
		inds, err := s.src.Indicators(ctx, set.Slug)
		if err != nil {
			return nil, err
		}
		for _, ind := range inds {
			if ind.Name == PopulationIndicator && ind.Kind == Count {
				out = append(out, set.Slug)
			}
		}
	}
	return out, nil
}

// population is the rule, written once, for where people are counted:
// the count indicator named PopulationIndicator of the finest set that
// carries one (the most areas). It returns that set and its counts; use
// names the caller in the error when no set carries one (EINVALID).
func (s *Service) population(ctx context.Context, use string) (string, map[string]float64, error) {
	pops, err := s.PopulationSets(ctx)
	if err != nil {
		return "", nil, err
	}
	if len(pops) == 0 {
		return "", nil, place.Errorf(place.EINVALID, "%s: no boundary set carries a %q count indicator", use, PopulationIndicator)
	}
	values, err := s.src.IndicatorValues(ctx, pops[0], PopulationIndicator)
	if err != nil {
		return "", nil, err
	}
	return pops[0], values, nil
}

// Weighted is a crosswalk with the weighing that was asked for.
type Weighted struct {
	*Crosswalk
	Weight     Weight
	Population *Population // nil when weighed by area
}

// Population says where population weights came from.
type Population struct {
	Set       string `json:"set"`
	Indicator string `json:"indicator"`
	Basis     string `json:"basis"`
}

// WeightedCrosswalk returns the crosswalk of a and b, with population
// shares from the finest set carrying a population when w is ByPopulation.
// The crosswalk is a copy: the cached one is never changed.
func (s *Service) WeightedCrosswalk(ctx context.Context, a, b string, w Weight) (*Weighted, error) {
	cw, err := s.Crosswalk(ctx, a, b)
	if err != nil {
		return nil, err
	}
	switch w {
	case "", ByArea:
		return &Weighted{Crosswalk: cw, Weight: ByArea}, nil
	case ByPopulation:
	default:
		return nil, place.Errorf(place.EINVALID, "weight %q: want area or population", w)
	}
	blocks, values, err := s.population(ctx, "weight population")
	if err != nil {
		return nil, err
	}
	ba, err := s.Crosswalk(ctx, blocks, a)
	if err != nil {
		return nil, err
	}
	bb, err := s.Crosswalk(ctx, blocks, b)
	if err != nil {
		return nil, err
	}
	copyCW := *cw
	copyCW.Pairs = append([]Pair(nil), cw.Pairs...)
	if err := copyCW.WeightByPopulation(ba, bb, values); err != nil {
		return nil, err
	}
	return &Weighted{Crosswalk: &copyCW, Weight: ByPopulation,
		Population: &Population{Set: blocks, Indicator: PopulationIndicator, Basis: PopulationBasis}}, nil
}

// IndicatorInfo describes an indicator a set offers: its own, or built in.
type IndicatorInfo struct {
	place.Indicator
	Builtin bool `json:"builtin"`
}

// BuiltinPrefix names the built-in asset-count indicators: assets (all)
// and assets_<category>.
const BuiltinPrefix = "assets"

// Indicators lists a set's own indicators and the built-in asset counts.
func (s *Service) Indicators(ctx context.Context, set string) ([]IndicatorInfo, error) {
	own, err := s.src.Indicators(ctx, set)
	if err != nil {
		return nil, err
	}
	out := make([]IndicatorInfo, 0, len(own)+4)
	for _, ind := range own {
		out = append(out, IndicatorInfo{Indicator: ind})
	}
	counts, err := s.src.AssetCounts(ctx, set)
	if err != nil {
		return nil, err
	}
	cats := map[string]bool{}
	for _, byCat := range counts {
		for c := range byCat {
			cats[c] = true
		}
	}
	out = append(out, IndicatorInfo{Indicator: place.Indicator{Set: set, Name: BuiltinPrefix, Title: "Assets (all categories)", Kind: Count, Source: "placemap memberships"}, Builtin: true})
	for _, c := range sortedSet(cats) {
		title := c
		if cat, ok := place.CategoryByID(c); ok {
			title = cat.Title
		}
		out = append(out, IndicatorInfo{Indicator: place.Indicator{Set: set, Name: BuiltinPrefix + "_" + c, Title: title + " (assets)", Kind: Count, Source: "placemap memberships"}, Builtin: true})
	}
	return out, nil
}

func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Values returns an indicator's values on a set: its own, or built-in.
func (s *Service) Values(ctx context.Context, set, name string) (IndicatorInfo, map[string]float64, error) {
	infos, err := s.Indicators(ctx, set)
	if err != nil {
		return IndicatorInfo{}, nil, err
	}
	var info *IndicatorInfo
	for i := range infos {
		if infos[i].Name == name {
			info = &infos[i]
		}
	}
	if info == nil {
		if name == BuiltinPrefix || strings.HasPrefix(name, BuiltinPrefix+"_") {
			// A category with no assets in this set counts zero everywhere.
			info = &IndicatorInfo{Indicator: place.Indicator{Set: set, Name: name, Title: name, Kind: Count}, Builtin: true}
		} else {
			return IndicatorInfo{}, nil, place.Errorf(place.ENOTFOUND, "boundary set %s has no indicator %q", set, name)
		}
	}
	if !info.Builtin {
		v, err := s.src.IndicatorValues(ctx, set, name)
		return *info, v, err
	}
	counts, err := s.src.AssetCounts(ctx, set)
	if err != nil {
		return IndicatorInfo{}, nil, err
	}
	names, err := s.src.AreaNames(ctx, set)
	if err != nil {
		return IndicatorInfo{}, nil, err
	}
	cat := strings.TrimPrefix(strings.TrimPrefix(name, BuiltinPrefix), "_")
	v := make(map[string]float64, len(names))
	for code := range names {
		n := 0
		for c, k := range counts[code] {
			if cat == "" || c == cat {
				n += k
			}
		}
		v[code] = float64(n)
	}
	return *info, v, nil
}

// Moved is an indicator moved onto another set.
type Moved struct {
	IndicatorInfo
	From   string
	Method string
	Values map[string]float64
}

// Move transfers indicator name from set from onto set to.
func (s *Service) Move(ctx context.Context, from, name, to string, w Weight) (Moved, error) {
	info, values, err := s.Values(ctx, from, name)
	if err != nil {
		return Moved{}, err
	}
	if info.Kind == Asset {
		return Moved{}, place.Errorf(place.EINVALID, "indicator %s of %s names an asset in each area (kind asset) and cannot be moved to another set: read it on %s", name, from, from)
	}
	cw, err := s.WeightedCrosswalk(ctx, from, to, w)
	if err != nil {
		return Moved{}, err
	}
	out, method, err := cw.Transfer(values, info.Kind, cw.Weight)
	if err != nil {
		return Moved{}, place.Errorf(place.EINVALID, "%v", err)
	}
	return Moved{IndicatorInfo: info, From: from, Method: method, Values: out}, nil
}

// PlaceAgreement is the agreement surface of a place's definitions.
type PlaceAgreement struct {
	Place       place.Place
	Definitions []place.Area
	Faces       []Face
	Assets      [][]place.Asset // per face, the assets located in it
}

// Agreement overlays the areas that define a place.
func (s *Service) Agreement(ctx context.Context, slug string) (*PlaceAgreement, error) {
	p, err := s.src.Place(ctx, slug)
	if err != nil {
		return nil, err
	}
	pa := &PlaceAgreement{Place: p}
	var defs []orb.MultiPolygon
	var bound orb.Bound
	for i, l := range p.Links {
		found, err := s.src.Area(ctx, l.Set, l.Code)
		if err != nil {
			return nil, fmt.Errorf("place %s: %w", slug, err)
		}
		pa.Definitions = append(pa.Definitions, found)
		defs = append(defs, found.Geometry)
		if i == 0 {
			bound = found.Geometry.Bound()
		} else {
			bound = bound.Union(found.Geometry.Bound())
		}
	}
	if len(defs) == 0 {
		return pa, nil
	}
	if pa.Faces, err = Agreement(defs); err != nil {
		return nil, fmt.Errorf("place %s: %w", slug, err)
	}
	page, err := s.src.Assets(ctx, store.AssetQuery{BBox: &bound, NoCount: true})
	if err != nil {
		return nil, err
	}
	pa.Assets = make([][]place.Asset, len(pa.Faces))
	for _, a := range page.Assets {
		pt := geo.PointOnSurface(a.Geometry)
		for i, f := range pa.Faces {
			if f.MP.Bound().Contains(pt) && planar.MultiPolygonContains(f.MP, pt) {
				pa.Assets[i] = append(pa.Assets[i], a)
				break
			}
		}
	}
	return pa, nil
}

// FaceClass names a face by how many definitions cover it: core (all),
// fringe (one), contested (some).
func FaceClass(count, of int) string {
	switch {
	case count == of:
		return "core"
	case count == 1:
		return "fringe"
	}
	return "contested"
}

// IoUs returns, for each definition of a place, its mean IoU with the
// others (how well it agrees with the rest), or nil for a lone definition.
func IoUs(defs []place.Area) ([]float64, error) {
	if len(defs) < 2 {
		return make([]float64, len(defs)), nil
	}
	shapes := make([]geo.Shape, len(defs))
	for i, d := range defs {
		sh, err := geo.NewShape(d.Geometry)
		if err != nil {
			return nil, err
		}
		shapes[i] = sh
	}
	out := make([]float64, len(defs))
	for i := range shapes {
		for j := range shapes {
			if i == j {
				continue
			}
			in, err := geo.Intersect(shapes[i], shapes[j])
			if err != nil {
				return nil, err
			}
			out[i] += in.Area / (shapes[i].Area + shapes[j].Area - in.Area)
		}
		out[i] /= float64(len(defs) - 1)
	}
	return out, nil
}

// CandidateArea is an area of another set that may define a place, with how
// well it matches the place's first definition. (A place.Suggestion is
// something else: a resident's suggested change, waiting for a moderator.)
type CandidateArea struct {
	Set       string  `json:"set"`
	Code      string  `json:"code"`
	Name      string  `json:"name"`
	IoU       float64 `json:"iou"`
	ShareAInB float64 `json:"share_of_place_in_area"`
	ShareBInA float64 `json:"share_of_area_in_place"`
	Class     Class   `json:"class"`
}

// Suggest proposes, for every set the place has no definition in, the
// areas that overlap its first definition most (by IoU), up to perSet each.
func (s *Service) Suggest(ctx context.Context, slug string, perSet int) ([]CandidateArea, error) {
	p, err := s.src.Place(ctx, slug)
	if err != nil {
		return nil, err
	}
	if len(p.Links) == 0 {
		return nil, place.Errorf(place.EINVALID, "place %s has no definition to compare other sets with", slug)
	}
	base, err := s.src.Area(ctx, p.Links[0].Set, p.Links[0].Code)
	if err != nil {
		return nil, err
	}
	linked := map[string]bool{}
	for _, l := range p.Links {
		linked[l.Set] = true
	}
	sets, err := s.src.Sets(ctx)
	if err != nil {
		return nil, err
	}
	out := []CandidateArea{}
	for _, set := range sets {
		if linked[set.Slug] {
			continue
		}
		b := base.Geometry.Bound()
		areas, err := s.src.Areas(ctx, set.Slug, store.AreaQuery{BBox: &b})
		if err != nil {
			return nil, err
		}
		cw, err := OverlayStored(ctx, []place.Area{base}, areas)
		if err != nil {
			return nil, err
		}
		pairs := append([]Pair(nil), cw.Pairs...)
		sort.SliceStable(pairs, func(i, j int) bool { return pairs[i].IoU > pairs[j].IoU })
		for k, pr := range pairs {
			if k == perSet {
				break
			}
			out = append(out, CandidateArea{Set: set.Slug, Code: areas[pr.B].Code, Name: areas[pr.B].Name, IoU: pr.IoU,
				ShareAInB: pr.ShareAInB, ShareBInA: pr.ShareBInA, Class: pr.Class})
		}
	}
	return out, nil
}

// Threshold returns the ground at least share of the definitions cover,
// as one MultiPolygon (e.g. 0.5 for where most agree).
func Threshold(faces []Face, of int, share float64) (orb.MultiPolygon, float64, error) {
	var parts []orb.MultiPolygon
	for _, f := range faces {
		if float64(len(f.Members))/float64(of) >= share-1e-12 {
			parts = append(parts, f.MP)
		}
	}
	mp, err := geo.Dissolve(parts)
	if err != nil {
		return nil, 0, err
	}
	return mp, geo.AreaM2(mp), nil
}

// keep caches a crosswalk, forgetting the oldest while there are more than
// max or they hold more than the budget.
func (s *Service) keep(key string, cw *Crosswalk) {
	size := SizeOf(cw)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.budget > 0 && size > s.budget {
		return
	}
	s.cache[key], s.sizes[key] = cw, size
	s.order = append(s.order, key)
	s.held += size
	for len(s.order) > s.max || (s.budget > 0 && s.held > s.budget) {
		old := s.order[0]
		s.held -= s.sizes[old]
		delete(s.cache, old)
		delete(s.sizes, old)
		s.order = s.order[1:]
	}
}
