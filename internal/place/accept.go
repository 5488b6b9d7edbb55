package place

// What accepting a suggestion writes when it is not simply what was
// suggested: a new place merged into an asset that exists, or a
// correction or closure merged onto a version of its asset later than the
// one it was based on.

// AcceptBase names the asset whose version now accepting sg with d (and
// the fields take) is planned on, or "" when the decision stands as
// given (the store checks the version): the asset MergeInto names, for a
// new place that is one with it; the suggestion's asset, for a correction
// or closure accepted onto another version than its base (If-Match names
// one) or field by field (take), unless the moderator wrote their own
// edit.
func AcceptBase(sg Suggestion, d SuggestionDecision, take []string) string {
	switch {
	case sg.Kind == NewAsset && d.MergeInto != "":
		return d.MergeInto
	case sg.Kind == Correction || sg.Kind == Closure:
		if d.Edited != nil || sg.Base == nil || (take == nil && (d.IfVersion == 0 || d.IfVersion == sg.BaseVersion)) {
			return ""
		}
		return sg.AssetID
	}
	return ""
}

// PlanAccept works out the decision that accepting sg writes, now being
// the asset AcceptBase names as it is now. A new place merged into now
// fills now's gaps (MergeInto; the moderator's edit instead, if any) at
// now's version, or the one If-Match named: ECONFLICT when that is not
// now's. A correction or closure is merged onto now (MergeSuggestion, the
// fields take, else every field it changes) when now is at the version
// named, or else the one it was based on: ECONFLICT (StaleError)
// otherwise. On an error the decision is returned as it stood.
func PlanAccept(sg Suggestion, d SuggestionDecision, take []string, now Asset) (SuggestionDecision, error) {
	given := d
	switch {
	case sg.Kind == NewAsset && d.MergeInto != "":
		if d.IfVersion == 0 {
			d.IfVersion = now.Version // what the merge is made from; the store checks it still is
		}
		if d.IfVersion != now.Version {
			return given, Errorf(ECONFLICT, "asset %s is at version %d, not %d", now.ID, now.Version, d.IfVersion)
		}
		if d.Edited == nil {
			merged := MergeInto(now, sg.Proposed)
			d.Edited = &merged
		}
	case (sg.Kind == Correction || sg.Kind == Closure) && sg.Base != nil:
		want := d.IfVersion
		if want == 0 {
			want = sg.BaseVersion
		}
		if now.Version != want {
			return given, StaleError(sg, want, now.Version)
		}
		merged, err := MergeSuggestion(*sg.Base, now, sg.Proposed, take)
		if err != nil {
			return given, err
		}
		d.Edited, d.IfVersion = &merged, now.Version
	}
	return d, nil
}

// StaleError says a correction or closure was based on an older version of
// its asset than the one it is at (ECONFLICT).
func StaleError(sg Suggestion, want, current int64) error {
	return Errorf(ECONFLICT, "asset %s changed since (version %d, now %d): compare the three versions and accept naming version %d (If-Match) with the merge, or reject",
		sg.AssetID, want, current, current)
}
