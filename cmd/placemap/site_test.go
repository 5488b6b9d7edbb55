package main

import (
	"strings"
	"testing"
)

// export site refuses what it cannot do, saying why, and writes nothing.
func TestExportSiteRefuses(t *testing.T) {
	data := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"export", "site", "--data", data}, "--out DIR is required"},
		{[]string{"export", "site", "--data", data, "--out", t.TempDir(), "--max-zoom", "23"}, "--max-zoom 23"},
		{[]string{"export", "site", "--data", data, "--out", t.TempDir(), "--min-zoom", "9", "--max-zoom", "4"}, "want min ≤ max"},
		{[]string{"export", "site", "--data", data, "--out", t.TempDir(), "--sets", "no-such-set"}, `no boundary set "no-such-set"`},
	} {
		code, _, errs := cli(t, tc.args...)
		if code == 0 || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, %q; want an error saying %q", tc.args[2:], code, errs, tc.want)
		}
	}
}
