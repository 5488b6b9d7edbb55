package place_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/placemap/placemap/internal/place"
)

func TestTruncate(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{
		{"hello", 10, "hello"},
		{"hello", 3, "hel"},
		{"aé", 2, "a"}, // é is 2 bytes: never half of it
		{"a€b", 3, "a"},
		{"a€b", 4, "a€"},
		{"\xff\xfe", 10, "\uFFFD"}, // a run of bad bytes becomes one U+FFFD
		{"", 5, ""},
	} {
		got := place.Truncate(c.in, c.n)
		if got != c.want || !utf8.ValidString(got) {
			t.Errorf("Truncate(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}

func TestExcerpt(t *testing.T) {
	if got := place.Excerpt("short"); got != "short" {
		t.Errorf("Excerpt(short) = %q", got)
	}
	long := strings.Repeat("ü", 1000)
	got := place.Excerpt(long)
	if len(got) > place.MaxEcho+40 || !strings.HasSuffix(got, "… (2000 bytes)") || !utf8.ValidString(got) {
		t.Errorf("Excerpt of 2000 bytes = %q", got)
	}
}

func TestCheckText(t *testing.T) {
	for _, c := range []struct {
		in, want string
	}{
		{"Broomhill Library", ""},
		{"a\x00b", "name holds a NUL byte (at byte 1)"},
		{"caf\xe9", "name is not valid UTF-8"},
	} {
		err := place.CheckText("name", c.in)
		got := ""
		if err != nil {
			got = err.Error()
			if place.ErrorCode(err) != place.EINVALID {
				t.Errorf("%q: code %s", c.in, place.ErrorCode(err))
			}
		}
		if got != c.want {
			t.Errorf("CheckText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	a := place.Asset{ID: "x", Name: "Lib", Category: "library", Status: place.Open, Geometry: nil, Tags: map[string]string{"k": "v\x00"}}
	if err := a.Validate(); err == nil || !strings.Contains(err.Error(), `tag "k" holds a NUL byte`) {
		t.Errorf("asset with a NUL in a tag: %v", err)
	}
}
