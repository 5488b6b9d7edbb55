package httpapi

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/placemap/placemap/internal/place"
)

func TestCheckJSONTextNamesWhere(t *testing.T) {
	for _, c := range []struct{ body, want string }{
		{`{"email":"a\u0000b","password":"x"}`, `request body member "email" holds a NUL byte (the control character U+0000)`},
		{`{"type":"Feature","properties":{"name":"ok","tags":{"k":"v\u0000"}}}`, `request body member "properties.tags.k" holds a NUL byte (the control character U+0000)`},
		{`{"keep":["A1","B\u0000"]}`, `request body member "keep.1" holds a NUL byte (the control character U+0000)`},
		{`{"a":[{"b":1},{"c":"\u0000"}]}`, `request body member "a.1.c" holds a NUL byte (the control character U+0000)`},
		{`{"x":{"y":[1,2]},"z":"\u0000"}`, `request body member "z" holds a NUL byte (the control character U+0000)`},
		{`{"na\u0000me":"x"}`, `a key in the request body holds a NUL byte (the control character U+0000)`},
		{`{"a":1,"p":{"q":1,"k\u0000":2}}`, `a key in request body member "p" holds a NUL byte (the control character U+0000)`},
		{`"\u0000"`, `the request body holds a NUL byte (the control character U+0000)`},
		{`{"email":"a\\u0000b"}`, ``}, // an escaped backslash: no NUL
		{`{"email":"plain"}`, ``},
		{`not json \u0000`, ``}, // the decoder will say
	} {
		err := checkJSONText([]byte(c.body))
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != c.want {
			t.Errorf("%s: %q, want %q", c.body, got, c.want)
		}
	}
}

func TestCleanComment(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"  fixed the hours  ", "fixed the hours"},
		{"caf\xe9", "caf\uFFFD"},
		{"a\x00b\x1fc\x7f", "abc"},
		{strings.Repeat("€", 200), strings.Repeat("€", 166)}, // 3 bytes each: 498 of 500
		{strings.Repeat("x", 600), strings.Repeat("x", 500)},
	} {
		if got := cleanComment(c.in); got != c.want {
			t.Errorf("cleanComment(%.20q) = %.20q (%d bytes), want %.20q (%d bytes)", c.in, got, len(got), c.want, len(c.want))
		}
	}
}

func TestErrorMessageIsCapped(t *testing.T) {
	msg := errorMessage(errLong(strings.Repeat("é", 5000)))
	if len(msg) > maxErrorMessage+len("…") || !strings.HasSuffix(msg, "…") || !utf8.ValidString(msg) {
		t.Errorf("message of %d bytes, valid UTF-8 %v: %.40q…", len(msg), utf8.ValidString(msg), msg)
	}
	if got := errorMessage(errLong("short")); got != "short" {
		t.Errorf("short message changed: %q", got)
	}
}

func errLong(s string) error { return place.Errorf(place.EINVALID, "%s", s) }
