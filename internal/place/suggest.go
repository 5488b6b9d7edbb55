package place

// The rules of what a suggestion may carry as sent, and what a decision
// on it may ask, before any store is asked.

// CheckDrawnSize refuses the GeoJSON Feature of a suggestion of kind, n
// bytes as sent, when it is a drawing (a neighbourhood, or a new place's
// site) of more than MaxDrawnBytes.
func CheckDrawnSize(kind string, n int) error {
	if (kind == AreaDrawing || kind == NewAsset) && n > MaxDrawnBytes {
		return Errorf(EINVALID, "feature: %d bytes; a drawing may be at most %d bytes (%d KiB): simplify it",
			n, MaxDrawnBytes, MaxDrawnBytes>>10)
	}
	return nil
}

// CheckBaseVersion refuses a version of an asset (If-Match, base; 0 for
// none) named by a suggestion of kind: only a correction or a closure is
// based on one.
func CheckBaseVersion(kind string, base int64) error {
	if base != 0 && kind != Correction && kind != Closure {
		return Errorf(EINVALID, "If-Match: only a correction or a closure is based on a version of an asset")
	}
	return nil
}

// CheckRejection refuses a rejection that does not say why: the person
// who suggested will read it.
func CheckRejection(accept bool, reason string) error {
	if !accept && reason == "" {
		return Errorf(EINVALID, "say why in \"reason\": the person who suggested it will read it")
	}
	return nil
}

// CheckTake refuses fields taken (take, nil for none) in a decision on sg
// but accepting a correction or closure without the moderator's own edit:
// only those are merged field by field.
func CheckTake(sg Suggestion, d SuggestionDecision, take []string) error {
	if take != nil && (sg.Kind == NewAsset || sg.Kind == AreaDrawing || d.Edited != nil || !d.Accept) {
		return Errorf(EINVALID, "take: only a correction or closure is merged field by field, without a feature")
	}
	return nil
}
