package place

import (
	"fmt"
	"strings"
)

// The rules of moderation: what a suggestion may say, what deciding it
// writes, and what conflicts with it. Stores and handlers call them; they
// decide nothing themselves.

// CheckSuggestion validates a suggestion before a store records it,
// filling what follows from its kind (its status, the asset it is about,
// a drawing's code). A drawing's geometry is checked for validity by the
// store, with the geometry engine, after this.
func CheckSuggestion(sg *Suggestion) error {
	if len(sg.Comment) > 1000 {
		return Errorf(EINVALID, "comment is longer than 1000 characters")
	}
	if err := CheckText("comment", sg.Comment); err != nil {
		return err
	}
	sg.Status = Pending
	switch sg.Kind {
	case NewAsset:
		sg.AssetID = sg.Proposed.ID
		sg.BaseVersion, sg.Base = 0, nil
		if err := CheckDrawn("the new place's outline", sg.Proposed.Geometry); err != nil {
			return err
		}
	case Correction, Closure:
		if sg.AssetID == "" {
			return Errorf(EINVALID, "a %s names the asset it is about", sg.Kind)
		}
		sg.Proposed.ID = sg.AssetID
	case AreaDrawing:
		return checkDrawing(sg)
	default:
		return Errorf(EINVALID, "suggestion kind %q: want new, correction, closure or area", sg.Kind)
	}
	if sg.Kind == Closure {
		sg.Proposed.Status = Closed
	}
	if err := CheckSuggestedDetails(sg.Proposed); err != nil {
		return err
	}
	return CheckAssets([]Asset{sg.Proposed})
}

// checkDrawing checks a neighbourhood drawn as a suggestion: the drawing
// it makes (CheckDrawing), the id of that drawing and the set it names as
// a hint, if any.
func checkDrawing(sg *Suggestion) error {
	if sg.Area == nil {
		return Errorf(EINVALID, "an area suggestion carries the drawing as a GeoJSON Feature in \"feature\"")
	}
	if sg.Drawing == "" {
		return Errorf(EINVALID, "an area suggestion names the drawing it makes or changes")
	}
	if sg.Area.Set != "" && !ValidSlug(sg.Area.Set) {
		return Errorf(EINVALID, "set %q is not a set slug", Excerpt(sg.Area.Set))
	}
	sg.AssetID, sg.BaseVersion, sg.Base = "", 0, nil
	return CheckDrawing(SuggestedDrawing(sg))
}

// SuggestedDrawing is the drawing an area suggestion proposes, as
// accepting it publishes it (in the place it names).
func SuggestedDrawing(sg *Suggestion) Drawing {
	d := Drawing{ID: sg.Drawing, Place: sg.Place, Answers: sg.Answers, Source: DrawingByResident, Status: DrawingPending, KeyHash: sg.DrawingKey}
	if sg.Area != nil {
		d.Name, d.Geometry = sg.Area.Name, sg.Area.Geometry
	}
	return d
}

// SuggestionOutcome works out what deciding a suggestion writes: the asset the
// change leaves (the moderator's edit, if any, checked like any asset)
// and the suggestion's new state. EINVALID for a decision that does not
// fit the suggestion's kind.
func SuggestionOutcome(sg Suggestion, d SuggestionDecision) (change Asset, status string, err error) {
	if len(d.Reason) > 1000 {
		return change, "", Errorf(EINVALID, "reason is longer than 1000 characters")
	}
	if !d.Accept {
		if d.Edited != nil || d.MergeInto != "" || d.ConfirmNew {
			return change, "", Errorf(EINVALID, "a rejection takes no feature, merge_into or confirm_new")
		}
		return sg.Proposed, Rejected, nil
	}
	if sg.Kind == AreaDrawing && (d.Edited != nil || d.MergeInto != "" || d.ConfirmNew || d.IfVersion != 0) {
		return change, "", Errorf(EINVALID, "a drawing is published as drawn: only the place it is of may be named (\"place\")")
	}
	if d.Place != "" && (sg.Kind != AreaDrawing || !ValidSlug(d.Place)) {
		return change, "", Errorf(EINVALID, "place %q: only a drawing is accepted into a place, named by its slug", Excerpt(d.Place))
	}
	if sg.Kind != NewAsset && (d.MergeInto != "" || d.ConfirmNew) {
		return change, "", Errorf(EINVALID, "merge_into and confirm_new are for a new place, not a %s", sg.Kind)
	}
	if d.MergeInto != "" && (d.Edited == nil || d.IfVersion < 1 || d.ConfirmNew) {
		return change, "", Errorf(EINVALID, "merge_into: name the merged asset and the version of %s it was merged onto, and not confirm_new", d.MergeInto)
	}
	if sg.Kind == NewAsset && d.MergeInto == "" && d.IfVersion != 0 {
		return change, "", Errorf(EINVALID, "a new place has no version to name, unless it is merged into another (merge_into)")
	}
	change = sg.Proposed
	if d.Edited != nil {
		change = *d.Edited
		change.ID = sg.Proposed.ID
		if d.MergeInto != "" {
			change.ID = d.MergeInto
		}
		if err := CheckAssets([]Asset{change}); err != nil {
			return change, "", err
		}
	}
	return change, Accepted, nil
}

// AcceptVersion is the version the asset of a correction or closure must
// still be at for a decision to be written: the one the moderator names,
// else the one the suggestion was based on. ECONFLICT when neither is
// known (a suggestion recorded before bases were kept).
func AcceptVersion(sg Suggestion, d SuggestionDecision) (int64, error) {
	v := d.IfVersion
	if v == 0 {
		v = sg.BaseVersion
	}
	if v == 0 {
		return 0, Errorf(ECONFLICT, "suggestion %s does not record the version of %s it was based on: compare it with the asset and accept naming the current version (If-Match)", sg.ID, sg.AssetID)
	}
	return v, nil
}

// Duplicate is an existing asset that is likely the place a new one
// describes, how far apart they lie and how alike their names are.
type Duplicate struct {
	Asset     Asset
	DistanceM float64
	NameScore float64
}

// DuplicateError says a new place has likely duplicates.
func DuplicateError(a Asset, dups []Duplicate) error {
	names := make([]string, len(dups))
	for i, d := range dups {
		names[i] = fmt.Sprintf("%s %q (%.0f m)", d.Asset.ID, d.Asset.Name, d.DistanceM)
	}
	return Errorf(ECONFLICT, "%q may already be here: %s; merge it into one of them (merge_into) or accept it as new (confirm_new)", a.Name, strings.Join(names, ", "))
}

// CheckArea checks an area's fields before a store writes it (its code,
// name and set); the store checks its geometry with the geometry engine.
func CheckArea(a Area) error {
	if err := a.Validate(); err != nil {
		return err
	}
	if !ValidSlug(a.Set) {
		return Errorf(EINVALID, "area %s: set %q is not a slug", a.Code, a.Set)
	}
	return nil
}
