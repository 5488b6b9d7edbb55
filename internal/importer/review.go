package importer

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/placemap/placemap/internal/osm"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// ReviewStore is what keeping conflation proposals for review needs.
type ReviewStore interface {
	store.AssetLister
	Asset(ctx context.Context, id string) (place.Asset, error)
	SaveProposals(ctx context.Context, ps []place.Proposal) error
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

// SaveReview conflates an OSM file with the assets held and keeps the
// proposals for review, replacing those of earlier runs still pending.
func SaveReview(ctx context.Context, st ReviewStore, open osm.Source, name string) (Review, error) {
	c, err := ConflateFile(ctx, st, open, name)
	if err != nil {
		return Review{}, err
	}
	return KeepForReview(ctx, st, c)
}

// KeepForReview keeps a conflation's proposals for review, replacing those
// of earlier runs still pending.
func KeepForReview(ctx context.Context, st ReviewStore, c Conflation) (Review, error) {
	decided, err := st.Proposals(ctx, "")
	if err != nil {
		return Review{}, err
	}
	ps, rv := ReviewList(c.Matches, c.OSM, decided, c.File)
	if err := st.SaveProposals(ctx, ps); err != nil {
		return rv, fmt.Errorf("save the review of %s: %w", c.File, err)
	}
	return rv, nil
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

// KeptOut lists the assets a reviewer kept out of OSM, with why.
func KeptOut(ctx context.Context, st interface {
	Proposals(ctx context.Context, status string) ([]place.Proposal, error)
}) (map[string]string, error) {
	ps, err := st.Proposals(ctx, place.Rejected)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, p := range ps {
		if p.Outcome == place.OutcomeOnlyLocal {
			out[p.AssetID] = p.Reason
		}
	}
	return out, nil
}

// Contribution gathers what OSM lacks from the assets held: see
// osm.Contribution, with the assets reviewers kept out. matched lists
// local ids a conflation just paired (nil for none).
func Contribution(ctx context.Context, st interface {
	store.AssetLister
	Proposals(ctx context.Context, status string) ([]place.Proposal, error)
}, matched map[string]bool) (osm.Changes, error) {
	assets, err := store.AllAssets(ctx, st)
	if err != nil {
		return osm.Changes{}, err
	}
	kept, err := KeptOut(ctx, st)
	if err != nil {
		return osm.Changes{}, err
	}
	return osm.Contribution(assets, matched, kept), nil
}
