package store

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/placemap/placemap/internal/place"
)

// proposalRecord is the part of a proposal every store keeps as JSON: what
// conflation found, with the OSM objects as revision records.
type proposalRecord struct {
	By           string                `json:"by,omitempty"`
	AssetVersion int64                 `json:"asset_version,omitempty"`
	OSM          []AssetRecord         `json:"osm,omitempty"`
	Candidates   []string              `json:"candidates,omitempty"`
	Differences  []place.TagDifference `json:"differences,omitempty"`
	DistanceM    float64               `json:"distance_m,omitempty"`
	NameScore    float64               `json:"name_score,omitempty"`
	Partner      string                `json:"partner,omitempty"`
	Taken        []string              `json:"taken,omitempty"`
}

var outcomes = []string{place.OutcomeMatched, place.OutcomeOnlyOSM, place.OutcomeOnlyLocal, place.OutcomeAmbiguous}

// ProposalData checks a proposal and returns the JSON a store keeps for it.
func ProposalData(p place.Proposal) ([]byte, error) {
	switch {
	case p.ID == "" || p.Run == "":
		return nil, place.Errorf(place.EINVALID, "proposal: id and run are required")
	case !slices.Contains(outcomes, p.Outcome):
		return nil, place.Errorf(place.EINVALID, "proposal %s: outcome %q is not one of %v", p.ID, p.Outcome, outcomes)
	case p.AssetID == "" && len(p.OSM) == 0:
		return nil, place.Errorf(place.EINVALID, "proposal %s: names neither an asset nor an OSM object", p.ID)
	}
	rec := proposalRecord{By: p.By, AssetVersion: p.AssetVersion, Candidates: p.Candidates, Differences: p.Differences,
		DistanceM: p.DistanceM, NameScore: p.NameScore, Partner: p.Partner, Taken: p.Taken}
	for _, a := range p.OSM {
		r, err := NewAssetRecord(a)
		if err != nil {
			return nil, fmt.Errorf("proposal %s: %w", p.ID, err)
		}
		rec.OSM = append(rec.OSM, r)
	}
	return json.Marshal(rec)
}

// ReadProposalData fills p from the JSON ProposalData made.
func ReadProposalData(p *place.Proposal, data []byte) error {
	var rec proposalRecord
	if err := json.Unmarshal(data, &rec); err != nil {
		return fmt.Errorf("proposal %s: %w", p.ID, err)
	}
	p.By, p.AssetVersion, p.Candidates, p.Differences = rec.By, rec.AssetVersion, rec.Candidates, rec.Differences
	p.DistanceM, p.NameScore, p.Partner, p.Taken = rec.DistanceM, rec.NameScore, rec.Partner, rec.Taken
	p.OSM = nil
	for _, r := range rec.OSM {
		a, err := r.AssetOf()
		if err != nil {
			return fmt.Errorf("proposal %s: %w", p.ID, err)
		}
		p.OSM = append(p.OSM, a)
	}
	return nil
}

// DecidedData is a proposal's JSON once decided: the partner chosen and
// the keys taken join what conflation found.
func DecidedData(p place.Proposal, d place.ProposalDecision) ([]byte, error) {
	p.Partner, p.Taken = d.Partner, d.Taken
	if d.Update != nil {
		if err := CheckAssets([]place.Asset{*d.Update}); err != nil {
			return nil, err
		}
	}
	if d.Create != nil {
		if err := CheckAssets([]place.Asset{*d.Create}); err != nil {
			return nil, err
		}
	}
	return ProposalData(p)
}
