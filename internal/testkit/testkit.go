// Package testkit holds helpers shared by placemap's tests.
package testkit

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// InCI reports whether the tests run under CI (.ci/run sets CI=1), where a
// missing tool or service is a failure rather than a skip.
func InCI() bool { return os.Getenv("CI") != "" }

// Need returns the path of an outside program the test needs. Under CI a
// missing program fails the test; elsewhere the test is skipped with a
// message saying what to install.
func Need(t testing.TB, program, install string) string {
	t.Helper()
	p, err := exec.LookPath(program)
	if err != nil {
		if InCI() {
			t.Fatalf("%s not found (install %s): %v", program, install, err)
		}
		t.Skipf("SKIP: %s not found; install %s (scripts/test does) to run this test", program, install)
	}
	return p
}

// RepoRoot returns the repository's root directory.
func RepoRoot(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot find repository root")
	}
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// NeedNodeModules returns the repository's node_modules directory, failing
// under CI and skipping elsewhere when `npm ci` has not run.
func NeedNodeModules(t testing.TB, pkg string) string {
	t.Helper()
	Need(t, "node", "nodejs")
	dir := filepath.Join(RepoRoot(t), "node_modules")
	if _, err := os.Stat(filepath.Join(dir, pkg)); err != nil {
		if InCI() {
			t.Fatalf("node module %s missing: run `npm ci` in the repository root: %v", pkg, err)
		}
		t.Skipf("SKIP: node module %s missing; run `npm ci` (scripts/test does)", pkg)
	}
	return dir
}
