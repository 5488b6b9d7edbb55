package place

import (
	"fmt"
	"strings"

	"github.com/paulmach/orb"
)

// Touches says what deciding the suggestion with d touches, for the scope
// rules (PermitAssetWriteAt): the places it would put an asset (as
// suggested, as the moderator edited it), and the assets whose current
// place it touches (the suggestion's own, but for a new place; the asset
// it is merged into). A drawing touches its outline.
func (sg Suggestion) Touches(d SuggestionDecision) (at []orb.Geometry, assets []string) {
	if sg.Kind == AreaDrawing && sg.Area != nil {
		return []orb.Geometry{sg.Area.Geometry}, nil
	}
	at = []orb.Geometry{sg.Proposed.Geometry}
	if d.Edited != nil {
		at = append(at, d.Edited.Geometry)
	}
	if sg.Kind != NewAsset {
		assets = append(assets, sg.AssetID)
	}
	if d.MergeInto != "" {
		assets = append(assets, d.MergeInto)
	}
	return at, assets
}

// Touches says what deciding the proposal touches, for the scope rules:
// the places of the OSM objects in play, and the assets whose current
// place it touches: its asset, the partner named, the candidates (ids of
// assets among them; an OSM reference names none).
func (p Proposal) Touches(partner string) (at []orb.Geometry, assets []string) {
	for _, a := range p.OSM {
		at = append(at, a.Geometry)
	}
	for _, id := range append([]string{p.AssetID, partner}, p.Candidates...) {
		if id != "" {
			assets = append(assets, id)
		}
	}
	return at, assets
}

// ReviewComment is the comment a decision on the proposal leaves on the
// revisions it writes when the reviewer gives none.
func (p Proposal) ReviewComment(accept bool) string {
	verb := "rejected"
	if accept {
		verb = "accepted"
	}
	what := p.OSMRef
	if what == "" {
		what = p.AssetID
	}
	return fmt.Sprintf("OSM conflation review: %s %s (%s, from %s)", verb, strings.ReplaceAll(p.Outcome, "_", " "), what, p.File)
}
