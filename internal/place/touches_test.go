package place

import (
	"slices"
	"testing"

	"github.com/paulmach/orb"
)

// TestSuggestionTouches: deciding a suggestion touches where it would put
// the asset and where the assets it changes are now.
func TestSuggestionTouches(t *testing.T) {
	here, there, drawn := orb.Point{1, 1}, orb.Point{2, 2}, orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}}
	edited := &Asset{Geometry: there}
	for _, tc := range []struct {
		name   string
		sg     Suggestion
		d      SuggestionDecision
		at     []orb.Geometry
		assets []string
	}{
		{"a new place", Suggestion{Kind: NewAsset, Proposed: Asset{Geometry: here}}, SuggestionDecision{}, []orb.Geometry{here}, nil},
		{"a new place, edited", Suggestion{Kind: NewAsset, Proposed: Asset{Geometry: here}}, SuggestionDecision{Edited: edited}, []orb.Geometry{here, there}, nil},
		{"a new place merged into an asset", Suggestion{Kind: NewAsset, Proposed: Asset{Geometry: here}}, SuggestionDecision{MergeInto: "a9"}, []orb.Geometry{here}, []string{"a9"}},
		{"a correction", Suggestion{Kind: Correction, AssetID: "a1", Proposed: Asset{Geometry: here}}, SuggestionDecision{}, []orb.Geometry{here}, []string{"a1"}},
		{"a closure, edited", Suggestion{Kind: Closure, AssetID: "a1"}, SuggestionDecision{Edited: edited}, []orb.Geometry{nil, there}, []string{"a1"}},
		{"a drawing", Suggestion{Kind: AreaDrawing, Area: &Area{Geometry: drawn}}, SuggestionDecision{Accept: true}, []orb.Geometry{drawn}, nil},
	} {
		at, assets := tc.sg.Touches(tc.d)
		if !slices.EqualFunc(at, tc.at, func(a, b orb.Geometry) bool {
			return (a == nil && b == nil) || (a != nil && b != nil && orb.Equal(a, b))
		}) ||
			!slices.Equal(assets, tc.assets) {
			t.Errorf("%s: %v, %v; want %v, %v", tc.name, at, assets, tc.at, tc.assets)
		}
	}
}

// TestProposalTouches: deciding a proposal touches the OSM objects' places
// and where its asset, the partner and the candidates are now.
func TestProposalTouches(t *testing.T) {
	p := Proposal{AssetID: "a1", OSM: []Asset{{Geometry: orb.Point{1, 1}}, {Geometry: orb.Point{2, 2}}}, Candidates: []string{"a2", "osm:node/3"}}
	at, assets := p.Touches("a2")
	if len(at) != 2 || !slices.Equal(assets, []string{"a1", "a2", "a2", "osm:node/3"}) {
		t.Errorf("%v, %v", at, assets)
	}
	only := Proposal{Outcome: OutcomeOnlyOSM, OSM: []Asset{{Geometry: orb.Point{1, 1}}}}
	if at, assets := only.Touches(""); len(at) != 1 || len(assets) != 0 {
		t.Errorf("only_osm: %v, %v", at, assets)
	}
}

func TestReviewComment(t *testing.T) {
	for _, tc := range []struct {
		p      Proposal
		accept bool
		want   string
	}{
		{Proposal{Outcome: OutcomeOnlyOSM, OSMRef: "osm:node/1", File: "sheffield.osm"}, true, "OSM conflation review: accepted only osm (osm:node/1, from sheffield.osm)"},
		{Proposal{Outcome: OutcomeOnlyLocal, AssetID: "a1", File: "s.pbf"}, false, "OSM conflation review: rejected only local (a1, from s.pbf)"},
	} {
		if got := tc.p.ReviewComment(tc.accept); got != tc.want {
			t.Errorf("%q, want %q", got, tc.want)
		}
	}
}
