package search

import (
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Standing is how well a candidate matches, best first.
type Standing int

// The standings, best first.
const (
	ExactName  Standing = iota // the name is the query
	NamePrefix                 // the name begins with the query
	NameWords                  // each term begins a word of the name
	CodeMatch                  // an area's code begins with the query
	OtherName                  // each term begins a word of another name (alt name, ref)
	CategoryOf                 // an asset of a category the query names
	NoMatch
)

// Result is a ranked candidate.
type Result struct {
	Candidate
	Standing Standing
	// Score is higher for better results: by standing, then a release
	// still current above an old one. Results of equal score keep Rank's
	// order (shorter names first, then alphabetical).
	Score int
	// folded name and its length in characters, worked out once for the sort
	key   string
	runes int
}

// Rank orders the candidates for q, best first, and keeps q.Limit of them.
// Candidates that do not match q by its own rules are left out, so every
// store's extra or differently-folded matches come to the same answer.
// The order: standing; an area of a current set before one of an old
// release; shorter names; names alphabetically (folded, then as written);
// kind (area, place, asset, place name, street); then id, set and code.
func Rank(q Query, cs []Candidate) []Result {
	text := strings.Join(q.Terms, " ")
	out := make([]Result, 0, len(cs))
	for _, c := range cs {
		s := standing(q, text, c)
		if s == NoMatch {
			continue
		}
		score := 10 * int(NoMatch-s)
		if c.Old {
			score -= 5
		}
		out = append(out, Result{Candidate: c, Standing: s, Score: score, key: Fold(c.Name), runes: utf8.RuneCountInString(c.Name)})
	}
	slices.SortFunc(out, compare)
	if len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out
}

func standing(q Query, text string, c Candidate) Standing {
	if c.Kind == Postcode {
		// Postcodes match in any spacing: "s80ab" is "S8 0AB".
		name, text := strings.Join(Words(c.Name), ""), strings.Join(q.Terms, "")
		switch {
		case name == text:
			return ExactName
		case strings.HasPrefix(name, text):
			return NamePrefix
		}
		return NoMatch
	}
	name := strings.Join(Words(c.Name), " ")
	switch {
	case name == text:
		return ExactName
	case strings.HasPrefix(name, text):
		return NamePrefix
	case allBegin(q.Terms, Words(c.Name)):
		return NameWords
	case c.Code != "" && strings.HasPrefix(strings.Join(Words(c.Code), " "), text):
		return CodeMatch
	}
	for _, a := range c.Also {
		if allBegin(q.Terms, Words(a)) {
			return OtherName
		}
	}
	if c.Kind == Asset && slices.Contains(q.Categories, c.Category) {
		return CategoryOf
	}
	return NoMatch
}

func compare(a, b Result) int {
	if c := cmp.Compare(b.Score, a.Score); c != 0 {
		return c
	}
	if c := cmp.Compare(a.runes, b.runes); c != 0 {
		return c
	}
	if c := cmp.Compare(a.key, b.key); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Name, b.Name); c != 0 {
		return c
	}
	if c := cmp.Compare(kindOrder[a.Kind], kindOrder[b.Kind]); c != 0 {
		return c
	}
	if c := cmp.Compare(a.ID, b.ID); c != 0 {
		return c
	}
	var as, bs string
	if a.Set != nil {
		as = a.Set.Slug
	}
	if b.Set != nil {
		bs = b.Set.Slug
	}
	if c := cmp.Compare(as, bs); c != 0 {
		return c
	}
	return cmp.Compare(a.Code, b.Code)
}
