package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/placemap/placemap/internal/store/gpkg"
)

// TestProposeSet runs propose-set on the demo as the issue writes it: the
// set is stored with its method as provenance, the same run again (dry)
// gives the same report byte for byte, the slug cannot be taken twice, and
// an impossible band is refused naming the piece.
func TestProposeSet(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if err := loadDemoIfEmpty(ctx, dir, quietLog()); err != nil {
		t.Fatal(err)
	}
	args := []string{"propose-set", "--data", dir, "--blocks", "oa-2011",
		"--fit", "community-neighbourhoods,nhs-networks,council-neighbourhoods", "--nest-in", "wards-2019",
		"--population", "population", "--min-pop", "3000", "--max-pop", "15000", "--slug", "shared-2026", "--title", "Shared neighbourhoods"}
	first := filepath.Join(dir, "first.json")
	code, out, errs := cli(t, append(args, "--report", first)...)
	if code != 0 {
		t.Fatalf("propose-set: %d\n%s\n%s", code, out, errs)
	}
	t.Log(out)
	for _, want := range []string{"AGREEMENT WITH", "council-neighbourhoods", "checks: every block once true, contiguous true, nested true, population band true", "stored shared-2026 (community)"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	st, err := gpkg.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	set, err := st.Set(ctx, "shared-2026")
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	if set.Kind != "community" || set.Provenance == nil || set.Provenance.Parameters["nest_in"] != "wards-2019" ||
		!strings.Contains(set.Provenance.Method, "purity") || !strings.Contains(set.Source, "--min-pop 3000") || set.AreaCount < 50 {
		t.Errorf("stored set %+v, provenance %+v", set, set.Provenance)
	}

	again := filepath.Join(dir, "again.json")
	if code, out, errs := cli(t, append(args, "--dry-run", "--report", again)...); code != 0 || !strings.Contains(out, "dry run") {
		t.Fatalf("dry run: %d\n%s\n%s", code, out, errs)
	}
	a, _ := os.ReadFile(first)
	b, _ := os.ReadFile(again)
	if len(a) == 0 || string(a) != string(b) {
		t.Errorf("the same inputs gave different reports (%d and %d bytes)", len(a), len(b))
	}

	if code, _, errs := cli(t, args...); code != exitConflict || !strings.Contains(errs, "exists already") {
		t.Errorf("second run: exit %d %q, want %d: exists already", code, errs, exitConflict)
	}
	bad := append(args[:len(args)-4:len(args)-4], "--slug", "too-big", "--title", "T", "--min-pop", "40000", "--max-pop", "0")
	if code, _, errs := cli(t, bad...); code != exitFailed || !strings.Contains(errs, "fewer than the minimum 40000") {
		t.Errorf("impossible band: exit %d %q, want %d naming the pieces", code, errs, exitFailed)
	}
}
