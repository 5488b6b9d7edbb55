// Package search finds anything placemap knows by name — assets, areas,
// places, streets and place names — and ranks what the stores find, one
// way for every store: the stores return candidates (rows whose words begin
// with every term of the query), Rank orders them.
package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/placemap/placemap/internal/place"
)

// Kind is what a result is. A new kind (postcodes) adds a constant here, a
// place in kindOrder and a candidate query in the store.
type Kind string

// The kinds of result.
const (
	Asset     Kind = "asset"
	Area      Kind = "area"
	Place     Kind = "place"
	Street    Kind = "street"
	PlaceName Kind = "placename" // a place name of the street basemap
	// Postcode is a postcode ("S8 0AB"), or an outward code or sector
	// ("S8", "S8 0") standing for all its live postcodes: point their
	// centroid, bbox their extent.
	Postcode Kind = "postcode"
)

// kindOrder breaks ties between results of equal standing.
var kindOrder = map[Kind]int{Postcode: -1, Area: 0, Place: 1, Asset: 2, PlaceName: 3, Street: 4}

// Limits of a query.
const (
	DefaultLimit = 10
	MaxLimit     = 50
	MaxChars     = 100 // of the query text, after trimming
	MaxTerms     = 8   // words of the query that count; more are ignored
	// Candidates is the most rows a store returns of each kind: shortest
	// names first, so exact and prefix matches are among them.
	Candidates = 200
)

// Query is a parsed search.
type Query struct {
	Text  string   // as typed, trimmed
	Terms []string // its words folded (lower case, no accents), at most MaxTerms
	// Categories are the ids of the asset categories whose title has a
	// word beginning with each term: "library", "community centre".
	Categories []string
	Limit      int
}

// Parse reads the text and limit of a search; EINVALID when the text is
// empty or longer than MaxChars, or has no letter or digit, or the limit is
// outside 1-MaxLimit. A limit of 0 means DefaultLimit.
func Parse(text string, limit int) (Query, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return Query{}, place.Errorf(place.EINVALID, "q is empty: give 1-%d characters to search for", MaxChars)
	}
	if n := utf8.RuneCountInString(text); n > MaxChars {
		return Query{}, place.Errorf(place.EINVALID, "q has %d characters: give at most %d", n, MaxChars)
	}
	if limit == 0 {
		limit = DefaultLimit
	}
	if limit < 1 || limit > MaxLimit {
		return Query{}, place.Errorf(place.EINVALID, "limit %d: want 1-%d", limit, MaxLimit)
	}
	terms := Words(text)
	if len(terms) == 0 {
		return Query{}, place.Errorf(place.EINVALID, "q %q has no letter or digit to search for", place.Excerpt(text))
	}
	if len(terms) > MaxTerms {
		terms = terms[:MaxTerms]
	}
	q := Query{Text: text, Terms: terms, Limit: limit}
	for _, c := range place.Categories() {
		if allBegin(terms, Words(c.Title)) {
			q.Categories = append(q.Categories, c.ID)
		}
	}
	return q, nil
}

var unaccent = transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)

// Fold is s as search compares it: lower case, accents taken off ("Café"
// is "cafe"), as the stores' indexes fold it.
func Fold(s string) string {
	out, _, err := transform.String(unaccent, s)
	if err != nil {
		out = s
	}
	return strings.ToLower(out)
}

// Words are the folded words of s: runs of letters and digits.
func Words(s string) []string {
	return strings.FieldsFunc(Fold(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// allBegin says whether each term begins some word.
func allBegin(terms, words []string) bool {
	for _, t := range terms {
		found := false
		for _, w := range words {
			if strings.HasPrefix(w, t) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// SetRef names a boundary set.
type SetRef struct {
	Slug  string `json:"slug"`
	Title string `json:"title"`
}

// Candidate is a row a store found: everything Rank and the answer need.
type Candidate struct {
	Kind     Kind
	ID       string     // asset id, place slug, basemap row id
	Name     string     // the name shown
	Code     string     // an area's code
	Set      *SetRef    // an area's boundary set
	Old      bool       // an area of a release that is no longer current
	Category string     // an asset's category id
	Class    string     // a street's road class or a place name's place type
	Also     []string   // other names that match: a place's alternative names, a street's ref
	Point    *orb.Point // [lon, lat]; nil for a place linked to no area
	BBox     *orb.Bound // nil where the thing has no extent
}
