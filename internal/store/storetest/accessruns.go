package storetest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// accessRuns: a run is kept running with its params, reports progress,
// finishes with its result and isochrones or fails saying why (and then
// stays as it is); runs list newest first without results; the latest
// finished baseline of each category is found, scenarios never; runs
// whose heartbeat stopped are failed; none of it moves the data version.
func accessRuns(t *testing.T, st *store.DB) {
	ctx := context.Background()
	v0, err := st.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if runs, err := st.AccessRuns(ctx, 0); err != nil || len(runs) != 0 {
		t.Fatalf("runs of an empty store = %v, %v", runs, err)
	}
	start := store.Now().Add(-time.Hour)
	for i, run := range []store.AccessRun{
		{ID: "r1", Category: "library", From: "oa", CreatedBy: "ed@example.org"},
		{ID: "r2", Category: "library", From: "oa"},
		{ID: "r3", Category: "library", From: "oa", Scenario: true},
		{ID: "r4", Category: "community_hall", From: "oa"},
		{ID: "r5", Category: "library", From: "oa"},
	} {
		run.CreatedAt = start.Add(time.Duration(i) * time.Minute)
		run.Params = json.RawMessage(`{"category":"` + run.Category + `","from":"oa"}`)
		if err := st.CreateAccessRun(ctx, run); err != nil {
			t.Fatal(err)
		}
	}
	wantCode(t, st.CreateAccessRun(ctx, store.AccessRun{ID: "r1", Category: "library", From: "oa", CreatedAt: start, Params: json.RawMessage(`{}`)}), place.ECONFLICT)
	wantCode(t, st.CreateAccessRun(ctx, store.AccessRun{ID: "x", Category: "library", From: "oa", CreatedAt: start, Params: json.RawMessage(`{`)}), place.EINVALID)
	wantCode(t, st.CreateAccessRun(ctx, store.AccessRun{ID: "x", From: "oa", CreatedAt: start, Params: json.RawMessage(`{}`)}), place.EINVALID)

	if err := st.AccessRunProgress(ctx, "r1", "search", 3, 10); err != nil {
		t.Fatal(err)
	}
	r1, err := st.AccessRun(ctx, "r1")
	if err != nil {
		t.Fatal(err)
	}
	if r1.Status != store.RunRunning || r1.Stage != "search" || r1.Done != 3 || r1.Total != 10 || r1.CreatedBy != "ed@example.org" ||
		!r1.CreatedAt.Equal(start) || !r1.Updated.After(start) || !r1.Finished.IsZero() || r1.Result != nil || !jsonEqual(r1.Params, `{"category":"library","from":"oa"}`) {
		t.Errorf("r1 running = %+v", r1)
	}
	accessRunsFinish(t, st)
	accessRunsListed(t, st)
	if v, err := st.DataVersion(ctx); err != nil || v != v0 {
		t.Errorf("data version %d → %d (%v): runs are not map data", v0, v, err)
	}
}

// accessRunsFinish: r1, r4 and r3 finish, r2 fails; a failed or finished
// run is not finished or failed again; r5, its heartbeat an hour old, is
// failed as stale.
func accessRunsFinish(t *testing.T, st *store.DB) {
	ctx := context.Background()
	iso := []byte(`{"type":"FeatureCollection","features":[]}`)
	for _, id := range []string{"r1", "r4", "r3"} {
		if err := st.FinishAccessRun(ctx, id, []byte(`{"run":"`+id+`"}`), iso); err != nil {
			t.Fatal(err)
		}
	}
	wantCode(t, st.FinishAccessRun(ctx, "r2", []byte(`{`), nil), place.EINVALID)
	if err := st.FailAccessRun(ctx, "r2", "no assets"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, st.FinishAccessRun(ctx, "r2", []byte(`{}`), nil), place.ENOTFOUND)
	wantCode(t, st.FailAccessRun(ctx, "r1", "late"), place.ENOTFOUND)
	wantCode(t, st.AccessRunProgress(ctx, "r1", "late", 1, 1), place.ENOTFOUND)
	n, err := st.FailStaleAccessRuns(ctx, store.Now().Add(-time.Minute), "interrupted by a restart")
	if err != nil || n != 1 {
		t.Errorf("stale runs failed = %d, %v; want 1 (r5)", n, err)
	}
	for id, want := range map[string]string{"r1": store.RunDone, "r2": store.RunFailed, "r5": store.RunFailed} {
		run, err := st.AccessRun(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if run.Status != want || run.Finished.IsZero() {
			t.Errorf("%s: status %s finished %v, want %s", id, run.Status, run.Finished, want)
		}
	}
	r1, _ := st.AccessRun(ctx, "r1")
	r2, _ := st.AccessRun(ctx, "r2")
	r5, _ := st.AccessRun(ctx, "r5")
	if !jsonEqual(r1.Result, `{"run":"r1"}`) || r2.Error != "no assets" || r2.Result != nil || r5.Error != "interrupted by a restart" {
		t.Errorf("r1 result %s, r2 error %q, r5 error %q", r1.Result, r2.Error, r5.Error)
	}
	if got, err := st.AccessIsochrones(ctx, "r1"); err != nil || !jsonEqual(got, string(iso)) {
		t.Errorf("isochrones of r1 = %s, %v", got, err)
	}
	_, err = st.AccessIsochrones(ctx, "r2")
	wantCode(t, err, place.ECONFLICT)
	_, err = st.AccessIsochrones(ctx, "nope")
	wantCode(t, err, place.ENOTFOUND)
	_, err = st.AccessRun(ctx, "nope")
	wantCode(t, err, place.ENOTFOUND)
}

// accessRunsListed: runs list newest first, limited, without results; the
// latest baselines are r4 (community_hall) and r1 (library: r2 failed, r3
// is a scenario, r5 failed).
func accessRunsListed(t *testing.T, st *store.DB) {
	ctx := context.Background()
	runs, err := st.AccessRuns(ctx, 3)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range runs {
		ids = append(ids, r.ID)
		if r.Result != nil {
			t.Errorf("listed run %s carries its result", r.ID)
		}
	}
	if len(ids) != 3 || ids[0] != "r5" || ids[1] != "r4" || ids[2] != "r3" || !runs[2].Scenario || runs[1].Scenario {
		t.Errorf("runs = %v (%+v)", ids, runs)
	}
	latest, err := st.LatestAccessRuns(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(latest) != 2 || latest[0].ID != "r4" || latest[1].ID != "r1" || latest[1].Result != nil || latest[1].From != "oa" {
		t.Errorf("latest baselines = %+v", latest)
	}
}

// jsonEqual says whether b is the JSON want, whatever its spacing and key
// order (PostgreSQL's jsonb keeps neither).
func jsonEqual(b []byte, want string) bool {
	var x, y any
	if json.Unmarshal(b, &x) != nil || json.Unmarshal([]byte(want), &y) != nil {
		return false
	}
	xb, _ := json.Marshal(x)
	yb, _ := json.Marshal(y)
	return string(xb) == string(yb)
}
