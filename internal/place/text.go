package place

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// CheckText refuses text no store can keep alike: a NUL byte (PostgreSQL
// text cannot hold one; SQLite can) or bytes that are not UTF-8. what names
// the field for the message ("name", "tag \"addr:street\"").
func CheckText(what, s string) error {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return Errorf(EINVALID, "%s holds a NUL byte (at byte %d)", what, i)
	}
	if !utf8.ValidString(s) {
		return Errorf(EINVALID, "%s is not valid UTF-8", what)
	}
	return nil
}

// Truncate returns s cut to at most n bytes on a character boundary, so
// that a cut never leaves half a UTF-8 sequence. Bytes of s that are not
// UTF-8 are replaced with U+FFFD first.
func Truncate(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// MaxEcho is the most of an input an error message quotes.
const MaxEcho = 200

// Excerpt is how an error message quotes input: the input itself when
// short, else its first MaxEcho bytes (on a character boundary) and how
// long it was, so that an error never repeats a huge input back. Use it
// with %q.
func Excerpt(s string) string {
	if len(s) <= MaxEcho {
		return s
	}
	return fmt.Sprintf("%s… (%d bytes)", Truncate(s, MaxEcho), len(s))
}
