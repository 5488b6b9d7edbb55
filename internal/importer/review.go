package importer

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	pgeo "github.com/placemap/placemap/internal/geo"

	"github.com/placemap/placemap/internal/osm"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// ReviewStore is what keeping conflation proposals for review needs.
type ReviewStore interface {
	store.AssetLister
	Asset(ctx context.Context, id string) (place.Asset, error)
	SaveConflation(ctx context.Context, run place.ConflationRun, ps []place.Proposal, supersede []string) error
	Proposals(ctx context.Context, status string) ([]place.Proposal, error)
	Proposal(ctx context.Context, id string) (place.Proposal, error)
	DecideProposal(ctx context.Context, id string, d place.ProposalDecision) (place.Proposal, error)
}

// Review is one conflation saved for review: the run, and how many
// proposals of each outcome it left to decide.
type Review struct {
	Run           string         `json:"run"`
	File          string         `json:"file"`
	Proposals     int            `json:"proposals"`
	ByOutcome     map[string]int `json:"by_outcome"`
	Agreed        int            `json:"agreed"`         // matched by OSM id with no difference: nothing to decide
	DecidedBefore int            `json:"decided_before"` // left out: a person decided the same line before
	Superseded    int            `json:"superseded"`     // pending lines of earlier runs this run asked again
	Scopes        []string       `json:"scopes,omitempty"`
	Coverage      Coverage       `json:"coverage"`
}

// proposalKey says when two proposals ask the same question: the same
// outcome for the same asset and object, with the same differences.
func proposalKey(p place.Proposal) string {
	var b strings.Builder
	b.WriteString(p.Outcome + "|" + p.AssetID + "|" + p.OSMRef + "|" + strings.Join(p.Candidates, ","))
	for _, d := range p.Differences {
		b.WriteString("|" + d.Key + "=" + d.Local + ">" + d.OSM)
	}
	return b.String()
}

// ReviewList turns a conflation into proposals: every line but a match by
// OSM id that agrees on every tag, and none a person decided before.
// fromOSM are the OSM objects conflation read, for the candidates of a
// local asset two objects claimed.
func ReviewList(ms []osm.Match, fromOSM []place.Asset, decided []place.Proposal, file string) ([]place.Proposal, Review) {
	rv := Review{Run: uuid.NewString(), File: file, ByOutcome: map[string]int{}}
	seen := map[string]bool{}
	for _, p := range decided {
		if p.Status == place.Accepted || p.Status == place.Rejected {
			seen[proposalKey(p)] = true
		}
	}
	byRef := map[string]place.Asset{}
	for _, a := range fromOSM {
		byRef[a.SourceID] = a
	}
	var out []place.Proposal
	for _, m := range ms {
		p := place.Proposal{ID: uuid.NewString(), Run: rv.Run, File: file, Outcome: string(m.Outcome), By: m.By,
			DistanceM: m.DistanceM, NameScore: m.NameScore, Candidates: m.Candidates}
		if m.Local != nil {
			p.AssetID, p.AssetVersion = m.Local.ID, m.Local.Version
		}
		if m.OSM != nil {
			p.OSMRef, p.OSM = m.OSM.SourceID, []place.Asset{*m.OSM}
		} else if m.Outcome == osm.Ambiguous {
			for _, ref := range m.Candidates {
				if a, ok := byRef[ref]; ok {
					p.OSM = append(p.OSM, a)
				}
			}
		}
		for _, d := range m.Diff {
			p.Differences = append(p.Differences, place.TagDifference{Key: d.Key, Local: d.Local, OSM: d.OSM})
		}
		if m.Outcome == osm.Matched && m.By == "osm id" && len(p.Differences) == 0 {
			rv.Agreed++
			continue
		}
		if seen[proposalKey(p)] {
			rv.DecidedBefore++
			continue
		}
		out = append(out, p)
		rv.ByOutcome[p.Outcome]++
	}
	rv.Proposals = len(out)
	return out, rv
}

// Scope is where a run's runner may write: Scopes as their account
// states them ("set" or "set:code"; none for everywhere), and In, which
// reports whether a geometry lies within them (nil: everywhere).
type Scope struct {
	Scopes []string
	In     func(ctx context.Context, g orb.Geometry) (bool, error)
}

func (s Scope) covers(ctx context.Context, gs ...orb.Geometry) (bool, error) {
	if s.In == nil {
		return true, nil
	}
	for _, g := range gs {
		if g == nil {
			continue
		}
		ok, err := s.In(ctx, g)
		if err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}

// KeepForReview keeps a conflation's proposals for review, with the run's
// ground and a verdict for every asset it compared. A runner scoped to
// sets or areas (scope) conflates only there: the run proposes only lines
// whose assets and objects all lie in scope, speaks only for the assets in
// scope, and supersedes only the pending lines in scope that it asks again
// or whose place lies on the file's ground; every other pending line stays.
func KeepForReview(ctx context.Context, st ReviewStore, c Conflation, scope Scope) (Review, error) {
	local := map[string]place.Asset{}
	for _, a := range c.Local {
		local[a.ID] = a
	}
	compared, ms, outside, err := scope.narrow(ctx, c, local)
	if err != nil {
		return Review{}, err
	}
	all, err := st.Proposals(ctx, "")
	if err != nil {
		return Review{}, err
	}
	ps, rv := ReviewList(ms, c.OSM, all, c.File)
	rv.Scopes = scope.Scopes
	rv.Coverage = CoverageOf(c, compared, outside)
	run := place.ConflationRun{ID: rv.Run, File: c.File, Bounds: c.Bounds, BoundsFrom: c.BoundsFrom, Scopes: scope.Scopes,
		Compared: rv.Coverage.Compared, Covered: rv.Coverage.Covered, Verdicts: Verdicts(ms, local)}
	supersede, err := scope.superseded(ctx, c, all, askedAgain(run.Verdicts, ms), local)
	if err != nil {
		return rv, err
	}
	if err := st.SaveConflation(ctx, run, ps, supersede); err != nil {
		return rv, fmt.Errorf("save the review of %s: %w", c.File, err)
	}
	rv.Superseded = len(supersede)
	return rv, nil
}

// narrow keeps what of conflation c lies in scope: the assets compared,
// the matches proposed, and how many of the assets outside the file's
// ground lie in scope. local holds c's local assets by id.
func (s Scope) narrow(ctx context.Context, c Conflation, local map[string]place.Asset) (compared []place.Asset, ms []osm.Match, outside int, err error) {
	byRef := map[string]place.Asset{}
	for _, a := range c.OSM {
		byRef[a.SourceID] = a
	}
	for _, a := range c.Local {
		ok, err := s.covers(ctx, a.Geometry)
		if err != nil {
			return nil, nil, 0, err
		}
		if ok {
			compared = append(compared, a)
		}
	}
	for _, m := range c.Matches {
		gs := matchGeometries(m, local, byRef)
		ok, err := s.covers(ctx, gs...)
		if err != nil {
			return nil, nil, 0, err
		}
		if ok {
			ms = append(ms, m)
		}
	}
	for _, a := range c.Outside {
		if ok, err := s.covers(ctx, a.Geometry); err != nil {
			return nil, nil, 0, err
		} else if ok {
			outside++
		}
	}
	return compared, ms, outside, nil
}

// askedAgain is what a run asks again, by asset id and OSM ref: the assets
// it has verdicts for, and the objects and candidates of its matches ms.
func askedAgain(verdicts []place.Verdict, ms []osm.Match) map[string]bool {
	asked := map[string]bool{}
	for _, v := range verdicts {
		asked[v.AssetID] = true
	}
	for _, m := range ms {
		if m.OSM != nil {
			asked[m.OSM.SourceID] = true
		}
		for _, id := range m.Candidates {
			asked[id] = true
		}
	}
	return asked
}

// superseded are the pending proposals among all, in scope, that the run
// of conflation c replaces: those it asks again (asked), and those whose
// place lies on the ground its file covers. local holds c's local assets
// by id.
func (s Scope) superseded(ctx context.Context, c Conflation, all []place.Proposal, asked map[string]bool, local map[string]place.Asset) ([]string, error) {
	var supersede []string
	for _, p := range all {
		if p.Status != place.Pending {
			continue
		}
		again := asked[p.AssetID] || asked[p.OSMRef]
		if !again && c.BoundsFrom != "" {
			var anchor orb.Geometry
			if a, ok := local[p.AssetID]; ok {
				anchor = a.Geometry
			} else if len(p.OSM) > 0 {
				anchor = p.OSM[0].Geometry
			}
			again = anchor != nil && c.Bounds.Contains(pgeo.PointOnSurface(anchor))
		}
		if !again {
			continue
		}
		ok, err := s.covers(ctx, proposalGeometries(p, local)...)
		if err != nil {
			return nil, err
		}
		if ok {
			supersede = append(supersede, p.ID)
		}
	}
	return supersede, nil
}

// matchGeometries are the places a conflation line touches: its asset,
// its OSM object and its candidates.
func matchGeometries(m osm.Match, local, byRef map[string]place.Asset) []orb.Geometry {
	var gs []orb.Geometry
	if m.Local != nil {
		gs = append(gs, m.Local.Geometry)
	}
	if m.OSM != nil {
		gs = append(gs, m.OSM.Geometry)
	}
	for _, id := range m.Candidates {
		if a, ok := local[id]; ok {
			gs = append(gs, a.Geometry)
		} else if a, ok := byRef[id]; ok {
			gs = append(gs, a.Geometry)
		}
	}
	return gs
}

// proposalGeometries are the places a proposal touches: the asset as it is
// now, the OSM objects, and the local candidates. Deciding it needs all of
// them in the decider's scope, and so does superseding it.
func proposalGeometries(p place.Proposal, local map[string]place.Asset) []orb.Geometry {
	var gs []orb.Geometry
	for _, o := range p.OSM {
		gs = append(gs, o.Geometry)
	}
	for _, id := range append([]string{p.AssetID}, p.Candidates...) {
		if a, ok := local[id]; ok {
			gs = append(gs, a.Geometry)
		}
	}
	return gs
}

// Verdicts is what a conflation's lines say about each asset: no
// counterpart (only_local), or the OSM objects within reach (matched,
// ambiguous). An asset named in several lines gets every object named.
// local holds the assets by id, for the candidates of ambiguous lines.
func Verdicts(ms []osm.Match, local map[string]place.Asset) []place.Verdict {
	byID := map[string]*place.Verdict{}
	var order []string
	add := func(a place.Asset, outcome string, refs ...string) {
		v, ok := byID[a.ID]
		if !ok {
			v = &place.Verdict{AssetID: a.ID, AssetVersion: a.Version, Outcome: outcome}
			byID[a.ID] = v
			order = append(order, a.ID)
		}
		if outcome == place.OutcomeAmbiguous || v.Outcome == place.OutcomeOnlyLocal {
			v.Outcome = outcome
		}
		for _, r := range refs {
			if r != "" && !slices.Contains(v.OSMRefs, r) {
				v.OSMRefs = append(v.OSMRefs, r)
			}
		}
	}
	for _, m := range ms {
		switch {
		case m.Outcome == osm.OnlyLocal:
			add(*m.Local, place.OutcomeOnlyLocal)
		case m.Outcome == osm.Matched:
			add(*m.Local, place.OutcomeMatched, m.OSM.SourceID)
		case m.Outcome == osm.Ambiguous && m.Local != nil:
			add(*m.Local, place.OutcomeAmbiguous, m.Candidates...)
		case m.Outcome == osm.Ambiguous && m.OSM != nil:
			for _, id := range m.Candidates {
				if a, ok := local[id]; ok {
					add(a, place.OutcomeAmbiguous, m.OSM.SourceID)
				}
			}
		}
	}
	out := make([]place.Verdict, 0, len(order))
	for _, id := range order {
		out = append(out, *byID[id])
	}
	return out
}

// MaxTake is the most OSM keys one decision takes values for.
const MaxTake = 200

// Decision is what a person decides on a proposal.
type Decision struct {
	Accept  bool
	Reason  string   // why, on a rejection; required when keeping an asset out of OSM
	Partner string   // ambiguous: the candidate that is the same place
	Take    []string // matched or ambiguous: keys whose OSM value to take
}

// Decide works out what a decision writes, and writes it with the
// decision in one transaction: a match links the asset to the OSM object
// and takes the values asked for; only_osm adds the object as an asset;
// only_local records whether the asset may go to OSM. ECONFLICT if the
// asset changed since the conflation read it.
func Decide(ctx context.Context, st ReviewStore, id string, dec Decision) (place.Proposal, error) {
	p, err := st.Proposal(ctx, id)
	if err != nil {
		return p, err
	}
	if p.Status != place.Pending {
		return p, place.Errorf(place.ECONFLICT, "conflation proposal %s is %s, not pending", id, p.Status)
	}
	d, err := Plan(ctx, st, p, dec)
	if err != nil {
		return p, err
	}
	return st.DecideProposal(ctx, id, d)
}

// Plan works out what a decision on p writes.
func Plan(ctx context.Context, st ReviewStore, p place.Proposal, dec Decision) (place.ProposalDecision, error) {
	d := place.ProposalDecision{Accept: dec.Accept, Reason: strings.TrimSpace(dec.Reason)}
	if len(d.Reason) > 1000 {
		return d, place.Errorf(place.EINVALID, "reason is longer than 1000 characters")
	}
	take, err := place.UniqueList("take", dec.Take, MaxTake)
	if err != nil {
		return d, err
	}
	dec.Take = take
	if !dec.Accept {
		if p.Outcome == place.OutcomeOnlyLocal && d.Reason == "" {
			return d, place.Errorf(place.EINVALID, "say in \"reason\" why this asset should stay out of OSM: the export lists it")
		}
		if dec.Partner != "" || len(dec.Take) > 0 {
			return d, place.Errorf(place.EINVALID, "a rejection takes no partner and no keys")
		}
		return d, nil
	}
	if len(dec.Take) > 0 && p.Outcome != place.OutcomeMatched && p.Outcome != place.OutcomeAmbiguous {
		return d, place.Errorf(place.EINVALID, "take: only a match takes OSM's values, not %s", p.Outcome)
	}
	if dec.Partner != "" && p.Outcome != place.OutcomeAmbiguous {
		return d, place.Errorf(place.EINVALID, "partner: only an ambiguous line names one, not %s", p.Outcome)
	}
	switch p.Outcome {
	case place.OutcomeOnlyLocal:
		return d, nil
	case place.OutcomeOnlyOSM:
		a, err := theOSMObject(p)
		if err != nil {
			return d, err
		}
		if a.ID == "" {
			list := []place.Asset{a}
			AssignIDs(list)
			a = list[0]
		}
		d.Create = &a
		return d, nil
	case place.OutcomeMatched:
		o, err := theOSMObject(p)
		if err != nil {
			return d, err
		}
		for _, k := range dec.Take {
			i := slices.IndexFunc(p.Differences, func(t place.TagDifference) bool { return t.Key == k })
			if i < 0 {
				return d, place.Errorf(place.EINVALID, "take: %q is not one of the differences of this match", k)
			}
			if p.Differences[i].OSM == "" {
				return d, place.Errorf(place.EINVALID, "take: OSM has no %q to take (the export offers it to OSM instead)", k)
			}
		}
		return link(ctx, st, p, d, p.AssetID, o, dec.Take, p.AssetVersion)
	case place.OutcomeAmbiguous:
		if !slices.Contains(p.Candidates, dec.Partner) {
			return d, place.Errorf(place.EINVALID, "partner: name one of the candidates %v", p.Candidates)
		}
		d.Partner = dec.Partner
		if p.AssetID != "" { // one asset here, several OSM objects
			i := slices.IndexFunc(p.OSM, func(a place.Asset) bool { return a.SourceID == dec.Partner })
			if i < 0 {
				return d, fmt.Errorf("conflation proposal %s: candidate %s was not kept", p.ID, dec.Partner)
			}
			return link(ctx, st, p, d, p.AssetID, p.OSM[i], dec.Take, p.AssetVersion)
		}
		o, err := theOSMObject(p)
		if err != nil {
			return d, err
		}
		return link(ctx, st, p, d, dec.Partner, o, dec.Take, 0)
	}
	return d, fmt.Errorf("conflation proposal %s: outcome %q", p.ID, p.Outcome)
}

// theOSMObject is the one OSM object a proposal of one object holds.
func theOSMObject(p place.Proposal) (place.Asset, error) {
	if len(p.OSM) != 1 {
		return place.Asset{}, fmt.Errorf("conflation proposal %s: holds %d OSM objects, want 1", p.ID, len(p.OSM))
	}
	return p.OSM[0], nil
}

// link plans the update that links asset id to an OSM object, taking
// OSM's values for keys. seen is the version conflation compared (0: none).
func link(ctx context.Context, st ReviewStore, p place.Proposal, d place.ProposalDecision, id string, fromOSM place.Asset, keys []string, seen int64) (place.ProposalDecision, error) {
	cur, err := st.Asset(ctx, id)
	if err != nil {
		return d, err
	}
	if seen != 0 && cur.Version != seen {
		return d, place.Errorf(place.ECONFLICT, "asset %s changed since the conflation read it (version %d, now %d): conflate again to compare it afresh", id, seen, cur.Version)
	}
	if p.Outcome == place.OutcomeAmbiguous {
		tags := osm.ToTags(fromOSM)
		for _, k := range keys {
			if tags[k] == "" {
				return d, place.Errorf(place.EINVALID, "take: OSM's %s has no %q to take", fromOSM.SourceID, k)
			}
		}
	}
	updated, err := osm.Adopt(cur, fromOSM, keys)
	if err != nil {
		return d, err
	}
	d.Taken = keys
	d.Update, d.UpdateFrom = &updated, cur.Version
	return d, nil
}

// ContributionStore is what gathering a contribution to OSM reads.
type ContributionStore interface {
	store.AssetLister
	Proposals(ctx context.Context, status string) ([]place.Proposal, error)
	ConflationVerdicts(ctx context.Context) ([]place.Verdict, error)
	Revisions(ctx context.Context, entity, id string) ([]store.Revision, error)
}

// Contribution gathers what OSM lacks from the assets held, deciding each
// by osm.Offerable on what the last conflation run over it found and what
// reviewers decided. fresh, when not nil, is a conflation just made (not
// kept): its verdicts stand in for the stored ones of the assets it
// covers.
func Contribution(ctx context.Context, st ContributionStore, fresh *Conflation) (osm.Changes, error) {
	assets, err := store.AllAssets(ctx, st)
	if err != nil {
		return osm.Changes{}, err
	}
	standings, err := Standings(ctx, st, assets, fresh)
	if err != nil {
		return osm.Changes{}, err
	}
	return osm.Contribution(assets, standings), nil
}

// Standings gathers what conflation and review say about each asset: the
// stored verdicts (or fresh's), the latest decision on an "only here"
// line, the matched and ambiguous lines still pending, and, for assets
// from OSM edited here, the object's tags as last read.
func Standings(ctx context.Context, st ContributionStore, assets []place.Asset, fresh *Conflation) (map[string]osm.Standing, error) {
	out := make(map[string]osm.Standing, len(assets))
	verdicts, err := st.ConflationVerdicts(ctx)
	if err != nil {
		return nil, err
	}
	vs := map[string]place.Verdict{}
	for _, v := range verdicts {
		vs[v.AssetID] = v
	}
	if fresh != nil {
		local := map[string]place.Asset{}
		for _, a := range fresh.Local {
			local[a.ID] = a
		}
		for _, v := range Verdicts(fresh.Matches, local) {
			v.File = fresh.File
			vs[v.AssetID] = v
		}
	}
	ps, err := st.Proposals(ctx, "")
	if err != nil {
		return nil, err
	}
	decided := map[string]place.Proposal{}
	pending := map[string][]place.Proposal{}
	accepted := map[string][]place.Proposal{} // matches accepted, by asset: the OSM objects reviewed
	for _, p := range ps {
		switch {
		case p.Outcome == place.OutcomeOnlyLocal && (p.Status == place.Accepted || p.Status == place.Rejected):
			if d, ok := decided[p.AssetID]; !ok || !p.DecidedAt.Before(d.DecidedAt) {
				decided[p.AssetID] = p
			}
		case p.Status == place.Pending && (p.Outcome == place.OutcomeMatched || p.Outcome == place.OutcomeAmbiguous):
			for _, id := range append([]string{p.AssetID}, p.Candidates...) {
				if id != "" {
					pending[id] = append(pending[id], p)
				}
			}
		case p.Status == place.Accepted && (p.Outcome == place.OutcomeMatched || p.Outcome == place.OutcomeAmbiguous):
			id := p.AssetID
			if id == "" {
				id = p.Partner
			}
			accepted[id] = append(accepted[id], p)
		}
	}
	for _, a := range assets {
		var s osm.Standing
		if v, ok := vs[a.ID]; ok {
			s.Verdict = &v
		}
		if d, ok := decided[a.ID]; ok {
			s.Decision = &d
		}
		s.Pending = pending[a.ID]
		if strings.HasPrefix(a.SourceID, "osm:") && a.Version > 1 {
			if s.Base, err = baseTags(ctx, st, a, accepted[a.ID]); err != nil {
				return nil, err
			}
		}
		out[a.ID] = s
	}
	return out, nil
}

// baseTags are the tags of the OSM object an asset came from, at the
// version its osm:version names, as placemap read them: from the latest
// match a reviewer accepted against that version, else from the asset's
// first revision at that version (its import). nil when neither holds it.
func baseTags(ctx context.Context, st ContributionStore, a place.Asset, accepted []place.Proposal) (map[string]string, error) {
	version := a.Tags[osm.KeyVersion]
	for i := len(accepted) - 1; i >= 0; i-- {
		for _, o := range accepted[i].OSM {
			if o.SourceID == a.SourceID && o.Tags[osm.KeyVersion] == version {
				return osm.ToTags(o), nil
			}
		}
	}
	revs, err := st.Revisions(ctx, "asset", a.ID)
	if err != nil {
		return nil, err
	}
	for _, r := range revs {
		var rec store.AssetRecord
		if err := json.Unmarshal(r.Data, &rec); err != nil {
			continue
		}
		was, err := rec.AssetOf()
		if err != nil {
			continue
		}
		if was.SourceID == a.SourceID && was.Tags[osm.KeyVersion] == version {
			return osm.ToTags(was), nil
		}
	}
	return nil, nil
}
