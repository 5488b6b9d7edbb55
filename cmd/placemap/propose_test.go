package main

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store/gpkg"
	"github.com/placemap/placemap/internal/store/storetest"
)

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
