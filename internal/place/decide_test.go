package place

import (
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func TestCheckSuggestion(t *testing.T) {
	lib := Asset{ID: "a1", Name: "Library", Category: "library", Status: Open, Geometry: orb.Point{-1.4, 53.3}}
	drawn := &Area{Set: "drawn", Name: "Heeley as I know it", Geometry: unitSquare(-1.3, 53.3)}
	for _, tc := range []struct {
		name string
		sg   Suggestion
		want string // part of an EINVALID message; "" for none
		then func(t *testing.T, sg Suggestion)
	}{
		{"new place takes the proposed id", Suggestion{ID: "s1", Kind: NewAsset, Proposed: lib}, "", func(t *testing.T, sg Suggestion) {
			if sg.AssetID != "a1" || sg.Status != Pending {
				t.Errorf("asset %q status %q, want a1 pending", sg.AssetID, sg.Status)
			}
		}},
		{"closure closes", Suggestion{ID: "s2", Kind: Closure, AssetID: "a1", Proposed: lib}, "", func(t *testing.T, sg Suggestion) {
			if sg.Proposed.Status != Closed || sg.Proposed.ID != "a1" {
				t.Errorf("proposed %+v, want a1 closed", sg.Proposed)
			}
		}},
		{"correction names its asset", Suggestion{ID: "s3", Kind: Correction, Proposed: lib}, "names the asset it is about", nil},
		{"unknown kind", Suggestion{ID: "s4", Kind: "merge", Proposed: lib}, "suggestion kind", nil},
		{"long comment", Suggestion{ID: "s5", Kind: NewAsset, Proposed: lib, Comment: strings.Repeat("x", 1001)}, "longer than 1000", nil},
		{"drawing without a feature", Suggestion{ID: "s6", Kind: AreaDrawing}, "carries the drawing", nil},
		{"a drawing is pending", Suggestion{ID: "d1-0000-abcd", Kind: AreaDrawing, Area: drawn, Drawing: "dr1"}, "", func(t *testing.T, sg Suggestion) {
			if sg.Status != Pending || sg.Area.Code != "" {
				t.Errorf("status %q code %q", sg.Status, sg.Area.Code)
			}
		}},
		{"a drawing names its drawing", Suggestion{ID: "d0", Kind: AreaDrawing, Area: drawn}, "names the drawing", nil},
		{"a drawing needs no set", Suggestion{ID: "d3", Kind: AreaDrawing, Area: &Area{Name: "x", Geometry: unitSquare(0, 0)}, Drawing: "dr3"}, "", nil},
		{"a drawing needs a name", Suggestion{ID: "d4", Kind: AreaDrawing, Area: &Area{Geometry: unitSquare(0, 0)}, Drawing: "dr4"}, "properties.name", nil},
		{"drawing for a bad place slug", Suggestion{ID: "d2", Kind: AreaDrawing, Area: &Area{Set: "drawn", Name: "x", Geometry: unitSquare(0, 0)}, Place: "Not A Slug", Drawing: "dr2"}, "not a place slug", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sg := tc.sg
			if sg.Area != nil {
				a := *sg.Area
				sg.Area = &a
			}
			err := CheckSuggestion(&sg)
			checkErr(t, err, tc.want)
			if err == nil && tc.then != nil {
				tc.then(t, sg)
			}
		})
	}
}

func TestSuggestionOutcome(t *testing.T) {
	lib := Asset{ID: "a1", Name: "Library", Category: "library", Status: Open, Geometry: orb.Point{-1.4, 53.3}, Version: 2}
	edited := lib
	edited.Name = "Central Library"
	newPlace := Suggestion{ID: "s1", Kind: NewAsset, AssetID: "n1", Proposed: Asset{ID: "n1", Name: "Hall", Category: "library", Status: Open, Geometry: orb.Point{-1.4, 53.3}}}
	correction := Suggestion{ID: "s2", Kind: Correction, AssetID: "a1", Proposed: edited, BaseVersion: 2}
	drawing := Suggestion{ID: "s3", Kind: AreaDrawing, Area: &Area{Set: "drawn", Code: "x", Name: "x"}}
	for _, tc := range []struct {
		name       string
		sg         Suggestion
		d          SuggestionDecision
		wantStatus string
		wantID     string
		wantErr    string
	}{
		{"reject", correction, SuggestionDecision{}, Rejected, "a1", ""},
		{"a rejection takes no edit", correction, SuggestionDecision{Edited: &edited}, "", "", "a rejection takes no feature"},
		{"accept as proposed", correction, SuggestionDecision{Accept: true}, Accepted, "a1", ""},
		{"accept edited keeps the id", newPlace, SuggestionDecision{Accept: true, Edited: &edited}, Accepted, "n1", ""},
		{"merge into another", newPlace, SuggestionDecision{Accept: true, Edited: &edited, MergeInto: "a1", IfVersion: 2}, Accepted, "a1", ""},
		{"merge needs the version", newPlace, SuggestionDecision{Accept: true, Edited: &edited, MergeInto: "a1"}, "", "", "merge_into: name the merged asset"},
		{"merge is for new places", correction, SuggestionDecision{Accept: true, MergeInto: "a2"}, "", "", "are for a new place"},
		{"a new place has no version", newPlace, SuggestionDecision{Accept: true, IfVersion: 3}, "", "", "has no version to name"},
		{"a drawing is published as drawn", drawing, SuggestionDecision{Accept: true, Edited: &edited}, "", "", "published as drawn"},
		{"a drawing may name its place", drawing, SuggestionDecision{Accept: true, Place: "heeley"}, Accepted, "", ""},
		{"only a drawing names a place", correction, SuggestionDecision{Accept: true, Place: "heeley"}, "", "", "only a drawing"},
		{"a place is a slug", drawing, SuggestionDecision{Accept: true, Place: "Heeley!"}, "", "", "only a drawing"},
		{"long reason", correction, SuggestionDecision{Reason: strings.Repeat("r", 1001)}, "", "", "longer than 1000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			change, status, err := SuggestionOutcome(tc.sg, tc.d)
			checkErr(t, err, tc.wantErr)
			if err == nil && (status != tc.wantStatus || change.ID != tc.wantID) {
				t.Fatalf("status %q, asset %q; want %q, %q", status, change.ID, tc.wantStatus, tc.wantID)
			}
		})
	}
}

func TestAcceptVersion(t *testing.T) {
	sg := Suggestion{ID: "s", AssetID: "a1", BaseVersion: 3}
	if v, err := AcceptVersion(sg, SuggestionDecision{}); v != 3 || err != nil {
		t.Errorf("base: %d, %v; want 3", v, err)
	}
	if v, err := AcceptVersion(sg, SuggestionDecision{IfVersion: 5}); v != 5 || err != nil {
		t.Errorf("named: %d, %v; want 5", v, err)
	}
	if _, err := AcceptVersion(Suggestion{ID: "s", AssetID: "a1"}, SuggestionDecision{}); ErrorCode(err) != ECONFLICT {
		t.Errorf("no base: %v, want a conflict", err)
	}
}

func TestDuplicateError(t *testing.T) {
	err := DuplicateError(Asset{Name: "Hall"}, []Duplicate{{Asset: Asset{ID: "a1", Name: "The Hall"}, DistanceM: 12}})
	if ErrorCode(err) != ECONFLICT || !strings.Contains(err.Error(), `a1 "The Hall" (12 m)`) {
		t.Errorf("DuplicateError = %v", err)
	}
}

func TestCheckRelease(t *testing.T) {
	link := Successor{OldSet: "w13", OldCode: "A", NewSet: "w19", NewCode: "B", Status: LinkComputed}
	for _, tc := range []struct {
		name string
		r    Release
		want string
	}{
		{"good", Release{Series: "wards", Successors: []Successor{link}}, ""},
		{"bad series", Release{Series: "Wards!"}, "series"},
		{"reserved series", Release{Series: "basemap"}, "reserved for the street basemap"},
		{"link into another set", Release{Series: "wards", Successors: []Successor{{OldSet: "w13", OldCode: "A", NewSet: "w20", NewCode: "B", Status: LinkComputed}}}, "not the release"},
		{"link from itself", Release{Series: "wards", Successors: []Successor{{OldSet: "w19", OldCode: "A", NewSet: "w19", NewCode: "B", Status: LinkComputed}}}, "want an area of an earlier release"},
		{"bad status", Release{Series: "wards", Successors: []Successor{{OldSet: "w13", OldCode: "A", NewSet: "w19", NewCode: "B", Status: "maybe"}}}, "status"},
		{"place link elsewhere", Release{Series: "wards", PlaceLinks: []PlaceLinkAdd{{Place: "heeley", PlaceLink: PlaceLink{Set: "w13", Code: "A"}}}}, "links to"},
	} {
		t.Run(tc.name, func(t *testing.T) { checkErr(t, CheckRelease("w19", tc.r), tc.want) })
	}
}
