package place

import (
	"fmt"
	"strings"
	"testing"
)

func TestUniqueList(t *testing.T) {
	many := make([]string, 20000)
	for i := range many {
		many[i] = "E05010860"
	}
	distinct := make([]string, 4)
	for i := range distinct {
		distinct[i] = fmt.Sprint("C", i)
	}
	for _, tc := range []struct {
		name string
		in   []string
		want string // the list kept, or the error's text
	}{
		{"none", nil, "[]"},
		{"repeats dropped, order kept", []string{"b", "a", "b", "a"}, "[b a]"},
		{"20,000 of one", many, "[E05010860]"},
		{"at the cap", distinct[:3], "[C0 C1 C2]"},
		{"past the cap", distinct, "keep: more than 3 distinct values"},
		{"empty value", []string{"a", " "}, "keep[1]: empty"},
		{"long value", []string{strings.Repeat("x", 201)}, "keep[0]: longer than 200 bytes"},
	} {
		got, err := UniqueList("keep", tc.in, 3)
		if err != nil {
			if ErrorCode(err) != EINVALID || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: %v, want %s", tc.name, err, tc.want)
			}
			continue
		}
		if fmt.Sprint(got) != tc.want {
			t.Errorf("%s: %v, want %s", tc.name, got, tc.want)
		}
	}
}
