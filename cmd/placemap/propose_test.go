package main

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store/gpkg"
	"github.com/placemap/placemap/internal/store/storetest"
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

// TestProposeSetKeepsAProposal: placemap propose-set stores its set as the
// first release of series SLUG and keeps the proposal editors refine in
// the map; --dry-run keeps nothing; a taken slug is refused.
func TestProposeSetKeepsAProposal(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	st, err := gpkg.Open(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	if err := storetest.ProposalFixture(ctx, st); err != nil {
		t.Fatal(err)
	}
	st.Close()
	args := []string{"propose-set", "--data", data, "--blocks", "blocks", "--fit", "halves", "--slug", "shared", "--title", "Shared"}
	if code, out, errs := cli(t, append(args, "--dry-run")...); code != 0 || !strings.Contains(out, "dry run") {
		t.Fatalf("dry run: %d %s %s", code, out, errs)
	}
	if code, out, errs := cli(t, args...); code != 0 || !strings.Contains(out, "proposal shared (version 1)") {
		t.Fatalf("propose-set: %d %s %s", code, out, errs)
	}
	if code, _, errs := cli(t, args...); code == 0 || !strings.Contains(errs, "exists already") {
		t.Errorf("propose-set to a taken slug: %d %s", code, errs)
	}
	st, err = gpkg.Open(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p, err := st.SetProposal(ctx, "shared")
	if err != nil {
		t.Fatal(err)
	}
	if p.Series != "shared" || !slices.Equal(p.Published, []string{"shared"}) || len(p.Assignment) != 16 || p.Areas != 2 ||
		p.Status != place.ProposalPublished || p.Author != "placemap propose-set" {
		t.Errorf("proposal = %+v", p)
	}
	if ss, err := st.Set(ctx, "shared"); err != nil || ss.Series != "shared" || ss.AreaCount != 2 || ss.Provenance == nil {
		t.Errorf("set = %+v, %v", ss, err)
	}
}
