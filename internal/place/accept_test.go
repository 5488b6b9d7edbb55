package place

import (
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// TestAcceptBase: which asset accepting a suggestion must read first.
func TestAcceptBase(t *testing.T) {
	base := &Asset{ID: "a1", Name: "Old", Version: 2}
	edit := &Asset{ID: "a1", Name: "Edited"}
	correction := Suggestion{Kind: Correction, AssetID: "a1", Base: base, BaseVersion: 2}
	for _, tc := range []struct {
		name string
		sg   Suggestion
		d    SuggestionDecision
		take []string
		want string
	}{
		{"a new place", Suggestion{Kind: NewAsset}, SuggestionDecision{Accept: true}, nil, ""},
		{"a new place merged into an asset", Suggestion{Kind: NewAsset}, SuggestionDecision{MergeInto: "a9"}, nil, "a9"},
		{"a correction as suggested", correction, SuggestionDecision{}, nil, ""},
		{"a correction at its base version", correction, SuggestionDecision{IfVersion: 2}, nil, ""},
		{"a correction onto a later version", correction, SuggestionDecision{IfVersion: 3}, nil, "a1"},
		{"a correction field by field", correction, SuggestionDecision{}, []string{"name"}, "a1"},
		{"a correction the moderator edited", correction, SuggestionDecision{IfVersion: 3, Edited: edit}, nil, ""},
		{"a closure with no base kept", Suggestion{Kind: Closure, AssetID: "a1"}, SuggestionDecision{IfVersion: 3}, nil, ""},
		{"a closure onto a later version", Suggestion{Kind: Closure, AssetID: "a1", Base: base, BaseVersion: 2}, SuggestionDecision{IfVersion: 4}, nil, "a1"},
		{"a drawing", Suggestion{Kind: AreaDrawing}, SuggestionDecision{IfVersion: 4}, []string{"name"}, ""},
	} {
		if got := AcceptBase(tc.sg, tc.d, tc.take); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestPlanAccept: a merge is made from the asset as it is now, at the
// version the moderator named; any other version is a conflict.
func TestPlanAccept(t *testing.T) {
	pt := orb.Point{-1.47, 53.38}
	base := Asset{ID: "a1", Name: "Heeley Library", Phone: "0114 1", Version: 2, Geometry: pt}
	now := base
	now.Version, now.Website = 3, "https://heeley.example" // changed since, elsewhere
	suggested := base
	suggested.Name, suggested.Phone = "Heeley Community Library", "0114 2"
	correction := Suggestion{Kind: Correction, AssetID: "a1", Base: &base, BaseVersion: 2, Proposed: suggested}
	newPlace := Suggestion{Kind: NewAsset, Proposed: Asset{Name: "Heeley Library", Email: "hello@heeley.example", Geometry: pt}}
	edit := Asset{ID: "a1", Name: "As the moderator wrote it"}
	for _, tc := range []struct {
		name    string
		sg      Suggestion
		d       SuggestionDecision
		take    []string
		err     string // part of the error, "" for none
		want    Asset  // what the decision writes
		version int64  // the version it is written at
	}{
		{"merge into, at its version now", newPlace, SuggestionDecision{MergeInto: "a1"}, nil, "",
			func() Asset { a := now; a.Email = "hello@heeley.example"; return a }(), 3},
		{"merge into, at the version named", newPlace, SuggestionDecision{MergeInto: "a1", IfVersion: 3}, nil, "",
			func() Asset { a := now; a.Email = "hello@heeley.example"; return a }(), 3},
		{"merge into, the moderator's edit", newPlace, SuggestionDecision{MergeInto: "a1", Edited: &edit}, nil, "", edit, 3},
		{"merge into, an older version named", newPlace, SuggestionDecision{MergeInto: "a1", IfVersion: 2}, nil, "is at version 3, not 2", Asset{}, 0},
		{"correction merged onto the version named", correction, SuggestionDecision{IfVersion: 3}, nil, "",
			func() Asset { a := now; a.Name, a.Phone = suggested.Name, suggested.Phone; return a }(), 3},
		{"correction, one field taken", correction, SuggestionDecision{IfVersion: 3}, []string{"phone"}, "",
			func() Asset { a := now; a.Phone = suggested.Phone; return a }(), 3},
		{"correction, field by field at its base: stale", correction, SuggestionDecision{}, []string{"phone"}, "changed since (version 2, now 3)", Asset{}, 0},
		{"correction, a version that never was", correction, SuggestionDecision{IfVersion: 7}, nil, "changed since (version 7, now 3)", Asset{}, 0},
		{"correction, a field it does not change", correction, SuggestionDecision{IfVersion: 3}, []string{"website"}, "does not change", Asset{}, 0},
	} {
		d, err := PlanAccept(tc.sg, tc.d, tc.take, now)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: %v, want an error with %q", tc.name, err, tc.err)
			}
			if strings.Contains(tc.err, "version") && ErrorCode(err) != ECONFLICT {
				t.Errorf("%s: %v, want a conflict", tc.name, err)
			}
			if d.IfVersion != tc.d.IfVersion || d.Edited != tc.d.Edited {
				t.Errorf("%s: the decision changed on an error: %+v", tc.name, d)
			}
			continue
		}
		if err != nil || d.Edited == nil {
			t.Errorf("%s: %+v, %v", tc.name, d, err)
			continue
		}
		if got, want := FieldValues(*d.Edited), FieldValues(tc.want); !equalFields(got, want) || d.IfVersion != tc.version {
			t.Errorf("%s: writes %v at %d, want %v at %d", tc.name, got, d.IfVersion, want, tc.version)
		}
	}
}

func equalFields(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
