package storetest

import (
	"context"
	"reflect"
	"testing"

	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// conflationRuns: a run records the ground its file covered and a verdict
// per asset it covered, replacing earlier verdicts for those assets only;
// it supersedes exactly the pending proposals it names (a scoped run
// leaves the others pending); a malformed run writes nothing.
func conflationRuns(t *testing.T, st *store.DB) {
	sheffield := orb.Bound{Min: orb.Point{-1.8, 53.2}, Max: orb.Point{-1.3, 53.5}}
	heeley := orb.Bound{Min: orb.Point{-1.47, 53.28}, Max: orb.Point{-1.43, 53.32}}
	runsFirstOverSheffield(t, st, sheffield)
	runsScopedToHeeley(t, st, heeley)
	runsNewestFirst(t, st, sheffield, heeley)
	runsMalformedWriteNothing(t, st)
	runsOfAnEmptyFile(t, st)
}

// runsFirstOverSheffield: an empty store has no runs and no verdicts; then a
// run over all of sheffield gives both assets a verdict and a proposal.
func runsFirstOverSheffield(t *testing.T, st *store.DB, sheffield orb.Bound) {
	ctx := context.Background()
	a := asset("a", "Heeley Hall", "community_centre", orb.Point{-1.45, 53.3})
	b := asset("b", "Crookes Library", "library", orb.Point{-1.51, 53.38})
	if _, err := st.AddAssets(ctx, []place.Asset{a, b}); err != nil {
		t.Fatal(err)
	}
	if runs, err := st.ConflationRuns(ctx, 5); err != nil || len(runs) != 0 {
		t.Fatalf("runs of an empty store = %v, %v", runs, err)
	}
	if vs, err := st.ConflationVerdicts(ctx); err != nil || len(vs) != 0 {
		t.Fatalf("verdicts of an empty store = %v, %v", vs, err)
	}
	r1 := place.ConflationRun{ID: "r1", File: "sheffield.osm.pbf", Bounds: sheffield, BoundsFrom: "header", Compared: 2, Covered: 2,
		Verdicts: []place.Verdict{
			{AssetID: "a", AssetVersion: 1, Outcome: place.OutcomeOnlyLocal},
			{AssetID: "b", AssetVersion: 1, Outcome: place.OutcomeOnlyLocal},
		}}
	ps1 := []place.Proposal{
		{ID: "p-a", Run: "r1", File: "sheffield.osm.pbf", Outcome: place.OutcomeOnlyLocal, AssetID: "a", AssetVersion: 1},
		{ID: "p-b", Run: "r1", File: "sheffield.osm.pbf", Outcome: place.OutcomeOnlyLocal, AssetID: "b", AssetVersion: 1},
	}
	if err := st.SaveConflation(store.WithAuthor(ctx, "ed@example.org", ""), r1, ps1, nil); err != nil {
		t.Fatal(err)
	}
}

// runsScopedToHeeley: a run scoped to Heeley asks again about a only; it
// supersedes a's proposal, leaves b's pending and replaces a's verdict only.
func runsScopedToHeeley(t *testing.T, st *store.DB, heeley orb.Bound) {
	ctx := context.Background()
	r2 := place.ConflationRun{ID: "r2", File: "heeley.osm", Bounds: heeley, BoundsFrom: "data", Scopes: []string{"grid:A1"}, Compared: 1, Covered: 1,
		By:       "heeley@example.org",
		Verdicts: []place.Verdict{{AssetID: "a", AssetVersion: 1, Outcome: place.OutcomeMatched, OSMRefs: []string{"osm:node/7"}}}}
	ps2 := []place.Proposal{{ID: "q-a", Run: "r2", File: "heeley.osm", Outcome: place.OutcomeMatched, AssetID: "a", AssetVersion: 1,
		OSMRef: "osm:node/7", OSM: []place.Asset{{Name: "Heeley Hall", Category: "community_centre", Status: place.Open, Geometry: orb.Point{-1.4501, 53.3}, SourceID: "osm:node/7"}}}}
	if err := st.SaveConflation(ctx, r2, ps2, []string{"p-a", "no-such-proposal"}); err != nil {
		t.Fatal(err)
	}
	if s := proposalStatus(t, st, "p-a"); s != place.Superseded {
		t.Errorf("p-a, asked again by the scoped run, is %s; want superseded", s)
	}
	if s := proposalStatus(t, st, "p-b"); s != place.Pending {
		t.Errorf("p-b, outside the scoped run, is %s; want still pending", s)
	}
	if s := proposalStatus(t, st, "q-a"); s != place.Pending {
		t.Errorf("q-a is %s; want pending", s)
	}
	vs, err := st.ConflationVerdicts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []place.Verdict{
		{AssetID: "a", AssetVersion: 1, Run: "r2", File: "heeley.osm", Outcome: place.OutcomeMatched, OSMRefs: []string{"osm:node/7"}},
		{AssetID: "b", AssetVersion: 1, Run: "r1", File: "sheffield.osm.pbf", Outcome: place.OutcomeOnlyLocal},
	}
	for i := range vs {
		if vs[i].At.IsZero() {
			t.Errorf("verdict %s has no time", vs[i].AssetID)
		}
		vs[i].At = want[0].At
	}
	if !reflect.DeepEqual(vs, want) {
		t.Errorf("verdicts =\n%+v\nwant\n%+v", vs, want)
	}
}

// runsNewestFirst: runs are listed newest first, up to the limit, each with
// its ground, scopes and author but not its verdicts.
func runsNewestFirst(t *testing.T, st *store.DB, sheffield, heeley orb.Bound) {
	ctx := context.Background()
	runs, err := st.ConflationRuns(ctx, 5)
	if err != nil || len(runs) != 2 {
		t.Fatalf("runs = %+v, %v", runs, err)
	}
	if r := runs[0]; r.ID != "r2" || r.Bounds != heeley || r.BoundsFrom != "data" || !reflect.DeepEqual(r.Scopes, []string{"grid:A1"}) ||
		r.Compared != 1 || r.Covered != 1 || r.By != "heeley@example.org" || r.CreatedAt.IsZero() || r.Verdicts != nil {
		t.Errorf("newest run = %+v", r)
	}
	if r := runs[1]; r.ID != "r1" || r.Bounds != sheffield || r.BoundsFrom != "header" || r.By != "ed@example.org" || r.Scopes != nil {
		t.Errorf("first run = %+v", r)
	}
	if one, _ := st.ConflationRuns(ctx, 1); len(one) != 1 || one[0].ID != "r2" {
		t.Errorf("runs, limit 1 = %+v", one)
	}
}

// runsMalformedWriteNothing: malformed runs write nothing: not the run, its
// verdicts, its proposals, nor the superseding.
func runsMalformedWriteNothing(t *testing.T, st *store.DB) {
	ctx := context.Background()
	for name, bad := range map[string]struct {
		run place.ConflationRun
		ps  []place.Proposal
	}{
		"no id":            {place.ConflationRun{File: "x.osm"}, nil},
		"bad outcome":      {place.ConflationRun{ID: "r3", Verdicts: []place.Verdict{{AssetID: "b", Outcome: place.OutcomeOnlyOSM}}}, nil},
		"verdict no asset": {place.ConflationRun{ID: "r3", Verdicts: []place.Verdict{{Outcome: place.OutcomeOnlyLocal}}}, nil},
		"two verdicts": {place.ConflationRun{ID: "r3", Verdicts: []place.Verdict{
			{AssetID: "b", Outcome: place.OutcomeOnlyLocal}, {AssetID: "b", Outcome: place.OutcomeMatched}}}, nil},
		"proposal of another run": {place.ConflationRun{ID: "r3", Verdicts: []place.Verdict{{AssetID: "b", Outcome: place.OutcomeMatched}}},
			[]place.Proposal{{ID: "x1", Run: "r9", Outcome: place.OutcomeOnlyLocal, AssetID: "b"}}},
		"bad proposal": {place.ConflationRun{ID: "r3", Verdicts: []place.Verdict{{AssetID: "b", Outcome: place.OutcomeMatched}}},
			[]place.Proposal{{ID: "x1", Run: "r3", Outcome: "maybe", AssetID: "b"}}},
		"run id taken": {place.ConflationRun{ID: "r1", Verdicts: []place.Verdict{{AssetID: "b", Outcome: place.OutcomeMatched}}}, nil},
	} {
		err := st.SaveConflation(ctx, bad.run, bad.ps, []string{"p-b"})
		if err == nil {
			t.Errorf("%s: saved", name)
			continue
		}
		if name != "run id taken" {
			wantCode(t, err, place.EINVALID)
		}
		if s := proposalStatus(t, st, "p-b"); s != place.Pending {
			t.Errorf("%s: a refused run left p-b %s", name, s)
		}
		if vs, _ := st.ConflationVerdicts(ctx); len(vs) != 2 || vs[1].Run != "r1" {
			t.Errorf("%s: a refused run changed the verdicts: %+v", name, vs)
		}
		if runs, _ := st.ConflationRuns(ctx, 10); len(runs) != 2 {
			t.Errorf("%s: %d runs after a refused one, want 2", name, len(runs))
		}
		if _, err := st.Proposal(ctx, "x1"); place.ErrorCode(err) != place.ENOTFOUND {
			t.Errorf("%s: a refused run left its proposal: %v", name, err)
		}
	}
}

// runsOfAnEmptyFile: a file that covered nothing: no bounds, no verdicts.
func runsOfAnEmptyFile(t *testing.T, st *store.DB) {
	ctx := context.Background()
	if err := st.SaveConflation(ctx, place.ConflationRun{ID: "r4", File: "empty.osm", Compared: 2}, nil, nil); err != nil {
		t.Fatal(err)
	}
	if runs, _ := st.ConflationRuns(ctx, 1); len(runs) != 1 || runs[0].ID != "r4" || runs[0].BoundsFrom != "" || runs[0].Bounds != (orb.Bound{}) ||
		runs[0].Overlap() != 0 {
		t.Errorf("empty run = %+v", runs)
	}
}

// proposalStatus is the status of proposal id, failing the test if it
// cannot be read.
func proposalStatus(t *testing.T, st *store.DB, id string) string {
	p, err := st.Proposal(context.Background(), id)
	if err != nil {
		t.Fatalf("proposal %s: %v", id, err)
	}
	return p.Status
}
