// Package postcode reads UK postcodes: normalising and validating them,
// and streaming the published postcode files (ONSPD / NSPL, OS Code-Point
// Open, and a plain postcode,lon,lat CSV) into records with a WGS84 point.
package postcode

import (
	"strings"

	"github.com/placemap/placemap/internal/place"
)

// Format is the shape of a UK postcode, said when one is refused.
const Format = `a UK postcode: an outward code (A9, A99, AA9, AA99, A9A or AA9A) then an inward code (9AA), e.g. "S8 0AB"; any spacing and case`

// Normalise returns the postcode in its standard form, upper case with one
// space before the inward code ("s80ab" → "S8 0AB"); EINVALID if s is not a
// UK postcode.
func Normalise(s string) (string, error) {
	c := compact(s)
	if len(c) < 5 || len(c) > 7 {
		return "", place.Errorf(place.EINVALID, "postcode %q: want %s", s, Format)
	}
	out, in := c[:len(c)-3], c[len(c)-3:]
	if !ValidOutward(out) || !validInward(in) {
		if c == "GIR0AA" {
			return "GIR 0AA", nil
		}
		return "", place.Errorf(place.EINVALID, "postcode %q: want %s", s, Format)
	}
	return out + " " + in, nil
}

// Outward is the outward code of a normalised postcode ("S8 0AB" → "S8").
func Outward(pc string) string {
	if i := strings.IndexByte(pc, ' '); i >= 0 {
		return pc[:i]
	}
	return pc
}

// compact is s upper-cased with every space taken out.
func compact(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\u00a0':
		case 'a' <= c && c <= 'z':
			b.WriteByte(c - 'a' + 'A')
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func letter(c byte) bool { return 'A' <= c && c <= 'Z' }
func digit(c byte) bool  { return '0' <= c && c <= '9' }

// ValidOutward reports whether s (upper case, no spaces) is an outward
// code: A9, A99, AA9, AA99, A9A or AA9A.
func ValidOutward(s string) bool {
	pat := make([]byte, len(s))
	for i := 0; i < len(s); i++ {
		switch {
		case letter(s[i]):
			pat[i] = 'A'
		case digit(s[i]):
			pat[i] = '9'
		default:
			return false
		}
	}
	switch string(pat) {
	case "A9", "A99", "AA9", "AA99", "A9A", "AA9A":
		return true
	}
	return false
}

func validInward(s string) bool {
	return len(s) == 3 && digit(s[0]) && letter(s[1]) && letter(s[2])
}

// Query is what a search text says about postcodes: a full postcode, an
// outward code, or an outward code and the start of an inward code
// ("S8 0"). Prefix is what normalised postcodes of the match begin with.
type Query struct {
	Full    string // a whole postcode, normalised; "" when not
	Outward string // the outward code
	Prefix  string // e.g. "S8 0" for "s8 0", "S8 " for "S8"
}

// ParseQuery reads a search text as a postcode query; ok is false when it
// cannot be the start of a postcode with a whole outward code.
func ParseQuery(s string) (q Query, ok bool) {
	if pc, err := Normalise(s); err == nil {
		return Query{Full: pc, Outward: Outward(pc), Prefix: pc}, true
	}
	t := strings.ToUpper(strings.Join(strings.Fields(s), " "))
	out, in, spaced := strings.Cut(t, " ")
	if !ValidOutward(out) || len(in) > 2 || strings.Contains(in, " ") {
		return q, false
	}
	if in != "" && (!digit(in[0]) || (len(in) == 2 && !letter(in[1]))) {
		return q, false
	}
	_ = spaced
	return Query{Outward: out, Prefix: out + " " + in}, true
}
