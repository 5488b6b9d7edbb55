package place

import (
	"strings"
	"testing"
)

func TestCheckDrawnSize(t *testing.T) {
	for _, tc := range []struct {
		kind string
		n    int
		ok   bool
	}{
		{AreaDrawing, MaxDrawnBytes, true},
		{AreaDrawing, MaxDrawnBytes + 1, false},
		{NewAsset, MaxDrawnBytes + 1, false},
		{Correction, MaxDrawnBytes + 1, true}, // the details' own limit applies there
		{Closure, 0, true},
	} {
		err := CheckDrawnSize(tc.kind, tc.n)
		if tc.ok != (err == nil) || (err != nil && (ErrorCode(err) != EINVALID || !strings.Contains(err.Error(), "simplify it"))) {
			t.Errorf("CheckDrawnSize(%s, %d) = %v, want ok %v", tc.kind, tc.n, err, tc.ok)
		}
	}
}

func TestCheckBaseVersion(t *testing.T) {
	for _, tc := range []struct {
		kind string
		base int64
		ok   bool
	}{
		{Correction, 3, true},
		{Closure, 3, true},
		{NewAsset, 0, true},
		{NewAsset, 3, false},
		{AreaDrawing, 1, false},
	} {
		err := CheckBaseVersion(tc.kind, tc.base)
		if tc.ok != (err == nil) || (err != nil && ErrorCode(err) != EINVALID) {
			t.Errorf("CheckBaseVersion(%s, %d) = %v, want ok %v", tc.kind, tc.base, err, tc.ok)
		}
	}
}

func TestCheckRejection(t *testing.T) {
	if err := CheckRejection(false, ""); ErrorCode(err) != EINVALID {
		t.Errorf("a rejection without a reason: %v", err)
	}
	if err := CheckRejection(false, "a duplicate"); err != nil {
		t.Error(err)
	}
	if err := CheckRejection(true, ""); err != nil {
		t.Error(err)
	}
}

func TestCheckTake(t *testing.T) {
	take := []string{"name"}
	edit := &Asset{Name: "x"}
	for _, tc := range []struct {
		name string
		sg   Suggestion
		d    SuggestionDecision
		take []string
		ok   bool
	}{
		{"nothing taken", Suggestion{Kind: NewAsset}, SuggestionDecision{}, nil, true},
		{"a correction accepted field by field", Suggestion{Kind: Correction}, SuggestionDecision{Accept: true}, take, true},
		{"a closure accepted field by field", Suggestion{Kind: Closure}, SuggestionDecision{Accept: true}, take, true},
		{"a correction rejected", Suggestion{Kind: Correction}, SuggestionDecision{}, take, false},
		{"a correction with the moderator's edit", Suggestion{Kind: Correction}, SuggestionDecision{Accept: true, Edited: edit}, take, false},
		{"a new place", Suggestion{Kind: NewAsset}, SuggestionDecision{Accept: true}, take, false},
		{"a drawing", Suggestion{Kind: AreaDrawing}, SuggestionDecision{Accept: true}, take, false},
		{"an empty list is a list", Suggestion{Kind: NewAsset}, SuggestionDecision{Accept: true}, []string{}, false},
	} {
		err := CheckTake(tc.sg, tc.d, tc.take)
		if tc.ok != (err == nil) || (err != nil && ErrorCode(err) != EINVALID) {
			t.Errorf("%s: %v, want ok %v", tc.name, err, tc.ok)
		}
	}
}
