package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/placemap/placemap/internal/place"
)

// TestExitStatus: each error code has its one exit status, found through
// the context wrapped around it; help is no failure, a wrong command line
// is 2, and an error without a code is a plain failure.
func TestExitStatus(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("import set wards.geojson: %w", err) }
	for _, tc := range []struct {
		name string
		err  error
		want int
	}{
		{"done", nil, 0},
		{"help", flag.ErrHelp, 0},
		{"help wrapped", wrap(flag.ErrHelp), 0},
		{"usage", usageError{"flag provided but not defined: -x"}, 2},
		{"usage wrapped", wrap(usageError{"--slug is required"}), 2},
		{"invalid", place.Errorf(place.EINVALID, "feature 1: no geometry"), 1},
		{"too large", place.Errorf(place.ETOOLARGE, "bomb.osm.gz: more than 4 MiB"), 1},
		{"internal", place.Errorf(place.EINTERNAL, "a fault"), 1},
		{"no code", errors.New("open x.geojson: no such file or directory"), 1},
		{"cancelled", context.Canceled, 1},
		{"not found", place.Errorf(place.ENOTFOUND, "no series %q", "nope"), 3},
		{"not found wrapped", wrap(place.Errorf(place.ENOTFOUND, "no set")), 3},
		{"conflict", place.Errorf(place.ECONFLICT, "exists already"), 4},
		{"forbidden", place.Errorf(place.EFORBIDDEN, "not in your scope"), 5},
		{"unavailable", wrap(place.Errorf(place.EUNAVAILABLE, "database unavailable")), 6},
	} {
		if got := exitStatus(tc.err); got != tc.want {
			t.Errorf("%s: exitStatus(%v) = %d, want %d", tc.name, tc.err, got, tc.want)
		}
	}
}

// TestCommandsExitByCode: commands that fail exit with their error's
// status and say why with its code: a series that does not exist, an
// account that does, a display name breaking a rule, an unknown flag.
func TestCommandsExitByCode(t *testing.T) {
	data := t.TempDir()
	if code, _, errs := cli(t, "user", "add", "ed@example.org", "--role", "editor", "--data", data); code != 0 {
		t.Fatalf("user add: %d %q", code, errs)
	}
	for _, tc := range []struct {
		args []string
		want int
		msg  string
	}{
		{[]string{"release", "current", "nope", "nope"}, 3, `no series "nope" [not_found]`},
		{[]string{"user", "add", "ed@example.org", "--role", "editor"}, 4, "exists already [conflict]"},
		{[]string{"user", "display-name", "ed@example.org", "Heeley\x00"}, 1, "[invalid]"},
		{[]string{"sets", "--no-such-flag"}, 2, "no-such-flag"},
	} {
		code, _, errs := cli(t, append(tc.args, "--data", data)...)
		if code != tc.want || !strings.Contains(errs, tc.msg) {
			t.Errorf("%v: exit %d, %q; want %d and %q", tc.args, code, errs, tc.want, tc.msg)
		}
	}
}

// TestProcessExitStatus: the status is the process's own, not only run's.
func TestProcessExitStatus(t *testing.T) {
	cmd := exec.Command(placemapBinary(t), "release", "current", "nope", "nope", "--data", filepath.Join(t.TempDir(), "data"))
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 3 || !strings.Contains(string(out), "[not_found]") {
		t.Errorf("placemap release current nope nope: %v, %q; want exit status 3 (not found)", err, out)
	}
}
