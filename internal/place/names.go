package place

import "strings"

// NameScore is how alike two names are, 0 to 1: the share of words they
// share (Jaccard), ignoring case, punctuation and generic words (library,
// centre, the...). An unnamed side scores 0.5: no evidence either way.
// OSM conflation and the moderation duplicate check both go by it.
func NameScore(a, b string) float64 {
	wa, wb := nameWords(a), nameWords(b)
	if len(wa) == 0 || len(wb) == 0 {
		return 0.5
	}
	inter := 0
	for w := range wa {
		if wb[w] {
			inter++
		}
	}
	union := len(wa) + len(wb) - inter
	return float64(inter) / float64(union)
}

// MinNameScore is the least name likeness for two records near each other
// to be taken for one place.
const MinNameScore = 0.34

// AlikeNames reports whether two names are alike enough (MinNameScore) for
// records near each other to be one place.
func AlikeNames(a, b string) bool { return NameScore(a, b) >= MinNameScore }

var genericWords = map[string]bool{"the": true, "library": true, "centre": true, "center": true, "community": true, "hall": true,
	"and": true, "of": true, "park": true, "church": true, "st": true, "saint": true}

func nameWords(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.Split(Slugify(s), "-") {
		if w != "" && !genericWords[w] {
			out[w] = true
		}
	}
	if len(out) == 0 { // a name of generic words only ("Community Centre")
		for _, w := range strings.Split(Slugify(s), "-") {
			if w != "" {
				out[w] = true
			}
		}
	}
	return out
}

// DuplicateRadiusM is how near a new asset may lie to an existing one of
// the same category and an alike name before a moderator is asked whether
// they are one place.
const DuplicateRadiusM = 50

// LikelyDuplicate reports whether existing is likely the place a new asset
// a describes: another asset, of the same category, whose location lies
// within DuplicateRadiusM of a's (distanceM, measured by the caller on the
// ellipsoid), with an alike name (the conflation matcher's rule).
func LikelyDuplicate(a, existing Asset, distanceM float64) bool {
	return existing.ID != a.ID && existing.Category == a.Category && distanceM <= DuplicateRadiusM && AlikeNames(a.Name, existing.Name)
}
