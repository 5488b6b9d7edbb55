package store

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"

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
		if err := place.CheckAssets([]place.Asset{*d.Update}); err != nil {
			return nil, err
		}
	}
	if d.Create != nil {
		if err := place.CheckAssets([]place.Asset{*d.Create}); err != nil {
			return nil, err
		}
	}
	return ProposalData(p)
}

// runRecord is the part of a conflation run every store keeps as JSON.
type runRecord struct {
	BBox       *[4]float64 `json:"bbox,omitempty"` // minlon, minlat, maxlon, maxlat; none when the file covered nothing
	BoundsFrom string      `json:"bounds_from,omitempty"`
	Scopes     []string    `json:"scopes,omitempty"`
	Compared   int         `json:"compared"`
	Covered    int         `json:"covered"`
	By         string      `json:"by,omitempty"`
}

var verdictOutcomes = []string{place.OutcomeMatched, place.OutcomeOnlyLocal, place.OutcomeAmbiguous}

// RunData checks a conflation run, its verdicts and the proposals saved
// with it, and returns the JSON a store keeps for the run and for each
// verdict's OSM refs, and for each proposal (ProposalData).
func RunData(run place.ConflationRun, ps []place.Proposal) (runJSON []byte, refs [][]byte, props [][]byte, err error) {
	if run.ID == "" {
		return nil, nil, nil, place.Errorf(place.EINVALID, "conflation run: id is required")
	}
	rec := runRecord{BoundsFrom: run.BoundsFrom, Scopes: run.Scopes, Compared: run.Compared, Covered: run.Covered, By: run.By}
	if run.BoundsFrom != "" {
		b := run.Bounds
		for _, v := range []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, nil, nil, place.Errorf(place.EINVALID, "conflation run %s: bounds are not finite", run.ID)
			}
		}
		rec.BBox = &[4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
	}
	if runJSON, err = json.Marshal(rec); err != nil {
		return nil, nil, nil, err
	}
	seen := map[string]bool{}
	for i, v := range run.Verdicts {
		switch {
		case v.AssetID == "":
			return nil, nil, nil, place.Errorf(place.EINVALID, "conflation run %s: verdict %d names no asset", run.ID, i)
		case seen[v.AssetID]:
			return nil, nil, nil, place.Errorf(place.EINVALID, "conflation run %s: two verdicts for asset %s", run.ID, v.AssetID)
		case !slices.Contains(verdictOutcomes, v.Outcome):
			return nil, nil, nil, place.Errorf(place.EINVALID, "conflation run %s: verdict for %s: outcome %q is not one of %v", run.ID, v.AssetID, v.Outcome, verdictOutcomes)
		}
		seen[v.AssetID] = true
		r := v.OSMRefs
		if r == nil {
			r = []string{}
		}
		b, err := json.Marshal(r)
		if err != nil {
			return nil, nil, nil, err
		}
		refs = append(refs, b)
	}
	for i, p := range ps {
		if p.Run != run.ID {
			return nil, nil, nil, place.Errorf(place.EINVALID, "proposal %d (%s): run %q, not the run saved (%s)", i, p.ID, p.Run, run.ID)
		}
		d, err := ProposalData(p)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("proposal %d: %w", i, err)
		}
		props = append(props, d)
	}
	return runJSON, refs, props, nil
}

// ReadRunData fills run from the JSON RunData made.
func ReadRunData(run *place.ConflationRun, data []byte) error {
	var rec runRecord
	if err := json.Unmarshal(data, &rec); err != nil {
		return fmt.Errorf("conflation run %s: %w", run.ID, err)
	}
	run.BoundsFrom, run.Scopes, run.Compared, run.Covered, run.By = rec.BoundsFrom, rec.Scopes, rec.Compared, rec.Covered, rec.By
	if rec.BBox != nil {
		run.Bounds = orb.Bound{Min: orb.Point{rec.BBox[0], rec.BBox[1]}, Max: orb.Point{rec.BBox[2], rec.BBox[3]}}
	}
	return nil
}

// ReadVerdictRefs fills v.OSMRefs from the JSON RunData made.
func ReadVerdictRefs(v *place.Verdict, data []byte) error {
	if err := json.Unmarshal(data, &v.OSMRefs); err != nil {
		return fmt.Errorf("conflation verdict for %s: %w", v.AssetID, err)
	}
	if len(v.OSMRefs) == 0 {
		v.OSMRefs = nil
	}
	return nil
}
