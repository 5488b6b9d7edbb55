package place

import (
	"time"

	"github.com/paulmach/orb"
)

// Proposal is one line of an OSM conflation kept for a person to decide:
// a local asset and an OSM object that look like the same place (matched),
// an OSM object not held here (only_osm), an asset OSM lacks
// (only_local), or an object with more than one plausible partner
// (ambiguous). Nothing changes until someone accepts it.
//
// Accepting a match links the asset to the OSM object and takes OSM's
// values for the keys named in Taken; accepting only_osm adds the object
// as an asset; accepting only_local confirms the asset should go to OSM
// (rejecting keeps it out of the OSM export, with the reason); accepting
// an ambiguous line names the Partner among the candidates.
type Proposal struct {
	ID           string          `json:"id"`
	Run          string          `json:"run"`  // one conflation: every proposal it made
	File         string          `json:"file"` // the OSM file it read
	Outcome      string          `json:"outcome"`
	By           string          `json:"by,omitempty"` // "osm id", or "distance and name"
	AssetID      string          `json:"asset_id,omitempty"`
	AssetVersion int64           `json:"asset_version,omitempty"` // the version conflation saw
	OSMRef       string          `json:"osm_ref,omitempty"`       // osm:node/123
	OSM          []Asset         `json:"-"`                       // the OSM objects in play, as assets
	Candidates   []string        `json:"candidates,omitempty"`    // ambiguous: local ids or OSM refs
	Differences  []TagDifference `json:"differences,omitempty"`
	DistanceM    float64         `json:"distance_m,omitempty"`
	NameScore    float64         `json:"name_score,omitempty"`
	Status       string          `json:"status"` // pending, accepted, rejected or superseded
	Reason       string          `json:"reason,omitempty"`
	Partner      string          `json:"partner,omitempty"` // ambiguous, accepted: the candidate chosen
	Taken        []string        `json:"taken,omitempty"`   // matched, accepted: keys whose OSM value was taken
	DecidedBy    string          `json:"decided_by,omitempty"`
	CreatedAt    time.Time       `json:"created_at"`
	DecidedAt    time.Time       `json:"decided_at,omitempty"`
}

// TagDifference is an OSM key whose value differs between the local record
// and OSM ("" where one side lacks it).
type TagDifference struct {
	Key   string `json:"key"`
	Local string `json:"local"`
	OSM   string `json:"osm"`
}

// Conflation outcomes, and the state a newer run leaves a pending
// proposal in.
const (
	OutcomeMatched   = "matched"
	OutcomeOnlyOSM   = "only_osm"
	OutcomeOnlyLocal = "only_local"
	OutcomeAmbiguous = "ambiguous"
	Superseded       = "superseded"
)

// ProposalDecision is what deciding a proposal writes, in one transaction
// with the proposal's new state: an asset to add (only_osm accepted), or
// an asset to update if its version is still UpdateFrom (a link made, OSM
// values taken).
type ProposalDecision struct {
	Accept     bool
	Reason     string
	Partner    string
	Taken      []string
	Create     *Asset
	Update     *Asset
	UpdateFrom int64
}

// ConflationRun is one conflation of an OSM file with the assets held: the
// ground the file covers, and what it found for each asset on that ground.
// A run speaks only for the assets it covers: those inside Bounds with room
// for the matching radius around them, and within the runner's Scopes. What
// it found for them replaces what earlier runs found; assets elsewhere keep
// the word of the last run that covered them.
type ConflationRun struct {
	ID   string `json:"id"`
	File string `json:"file"`
	// Bounds is what the file covers: the bbox its header declares (PBF
	// header, XML <bounds>), else the extent of the civic objects it holds
	// (BoundsFrom says which; "" when it holds none: it covers nothing).
	Bounds     orb.Bound `json:"-"`
	BoundsFrom string    `json:"bounds_from"`
	Scopes     []string  `json:"scopes,omitempty"` // the runner's scope; none for everywhere
	Compared   int       `json:"compared"`         // assets held within the runner's scope
	Covered    int       `json:"covered"`          // of those, the ones the file covers
	By         string    `json:"by,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	Verdicts   []Verdict `json:"-"` // one per covered asset, or matched outside
}

// Overlap is the share of the assets compared that the file covers, 0 to
// 1 (1 when there were none to compare).
func (r ConflationRun) Overlap() float64 {
	if r.Compared == 0 {
		return 1
	}
	return float64(r.Covered) / float64(r.Compared)
}

// Verdict is what a conflation run found for one asset held here: no OSM
// counterpart within the matching radius (only_local), or one or more
// (matched, ambiguous, with their refs). A newer run over the asset
// replaces it.
type Verdict struct {
	AssetID      string    `json:"asset_id"`
	AssetVersion int64     `json:"asset_version"` // the version the run compared
	Run          string    `json:"run"`
	File         string    `json:"file"`
	Outcome      string    `json:"outcome"`
	OSMRefs      []string  `json:"osm_refs,omitempty"`
	At           time.Time `json:"at"`
}
