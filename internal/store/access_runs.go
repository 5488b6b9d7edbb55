package store

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/placemap/placemap/internal/place"
)

// Access runs: the walk-to-the-nearest-asset runs asked for over the API,
// kept while they run (their progress, and a heartbeat) and after (their
// result and isochrones, as the access package made them: the store keeps
// them as JSON it does not read). Runs are not map data: they are written
// straight to the pool, leaving the data version (and every cache keyed
// by it) alone; the indicators a baseline run writes are the access
// package's own write.

// The states of an access run.
const (
	RunRunning = "running"
	RunDone    = "done"
	RunFailed  = "failed"
)

// AccessRun is one access run as kept.
type AccessRun struct {
	ID        string
	CreatedAt time.Time
	CreatedBy string // the account's email; "" for none
	// Category and From (the block set) are the params' own, copied out
	// for queries; Scenario is true when the run closes or opens assets.
	Category string
	From     string
	Scenario bool
	Params   json.RawMessage // the request as checked
	Status   string          // RunRunning, RunDone or RunFailed
	Stage    string
	Done     int64
	Total    int64
	Error    string    // why it failed
	Updated  time.Time // the last progress or heartbeat
	Finished time.Time // zero while running
	// Result is the finished run (JSON); nil while running, when failed,
	// and in lists. Isochrones are read on their own (AccessIsochrones).
	Result json.RawMessage
}

const sqlAccessRunColumns = `id, created_at, created_by, category, from_set, kind, params, status, stage, done, total, error,
	updated_at, finished_at`

func scanAccessRun(r Row, withResult bool) (AccessRun, error) {
	var run AccessRun
	var kind, params, result string
	dest := []any{&run.ID, timeScan{&run.CreatedAt}, &run.CreatedBy, &run.Category, &run.From, &kind, &params, &run.Status,
		&run.Stage, &run.Done, &run.Total, &run.Error, timeScan{&run.Updated}, timeScan{&run.Finished}}
	if withResult {
		dest = append(dest, &result)
	}
	if err := r.Scan(dest...); err != nil {
		return run, err
	}
	run.Scenario = kind == "scenario"
	run.Params = json.RawMessage(params)
	if result != "" {
		run.Result = json.RawMessage(result)
	}
	return run, nil
}

// checkAccessRun checks what CreateAccessRun keeps.
func checkAccessRun(run AccessRun) error {
	switch {
	case run.ID == "":
		return place.Errorf(place.EINVALID, "access run: id is required")
	case run.Category == "" || run.From == "":
		return place.Errorf(place.EINVALID, "access run %s: category and from are required", run.ID)
	case !json.Valid(run.Params):
		return place.Errorf(place.EINVALID, "access run %s: params are not JSON", run.ID)
	case run.CreatedAt.IsZero():
		return place.Errorf(place.EINVALID, "access run %s: created_at is required", run.ID)
	}
	return nil
}

// CreateAccessRun keeps a new run as running, its heartbeat at its
// CreatedAt; EINVALID for a run without id, category, from, time or
// JSON params; ECONFLICT for an id taken.
func (db *DB) CreateAccessRun(ctx context.Context, run AccessRun) error {
	if err := checkAccessRun(run); err != nil {
		return err
	}
	kind := "baseline"
	if run.Scenario {
		kind = "scenario"
	}
	at := dbTime(run.CreatedAt)
	_, err := db.d.Conns.Reads().Exec(ctx, `INSERT INTO access_runs
		(id, created_at, created_by, category, from_set, kind, params, status, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 'running', $2)`,
		run.ID, at, run.CreatedBy, run.Category, run.From, kind, string(run.Params))
	if place.ErrorCode(err) == place.ECONFLICT {
		return place.Errorf(place.ECONFLICT, "access run %s exists already", run.ID)
	}
	if err != nil {
		return fmt.Errorf("create access run %s: %w", run.ID, err)
	}
	return nil
}

// AccessRunProgress records a running run's stage and progress, and its
// heartbeat; a run no longer running is left alone (ENOTFOUND).
func (db *DB) AccessRunProgress(ctx context.Context, id, stage string, done, total int64) error {
	n, err := db.d.Conns.Reads().Exec(ctx, `UPDATE access_runs SET stage = $1, done = $2, total = $3, updated_at = $4
		WHERE id = $5 AND status = 'running'`, stage, done, total, dbTime(Now()), id)
	if err != nil {
		return fmt.Errorf("access run %s: progress: %w", id, err)
	}
	if n == 0 {
		return place.Errorf(place.ENOTFOUND, "no running access run %q", id)
	}
	return nil
}

// FinishAccessRun marks a running run done with its result (JSON) and
// isochrones (a GeoJSON FeatureCollection; nil for none); EINVALID for
// result or isochrones that are not JSON, ENOTFOUND when no run id is
// running (a run failed meanwhile stays failed).
func (db *DB) FinishAccessRun(ctx context.Context, id string, result, isochrones []byte) error {
	if !json.Valid(result) {
		return place.Errorf(place.EINVALID, "access run %s: result is not JSON", id)
	}
	var iso any
	if isochrones != nil {
		if !json.Valid(isochrones) {
			return place.Errorf(place.EINVALID, "access run %s: isochrones are not JSON", id)
		}
		iso = string(isochrones)
	}
	now := dbTime(Now())
	n, err := db.d.Conns.Reads().Exec(ctx, `UPDATE access_runs SET status = 'done', result = $1, isochrones = $2,
		updated_at = $3, finished_at = $3, error = '' WHERE id = $4 AND status = 'running'`, string(result), iso, now, id)
	if err != nil {
		return fmt.Errorf("access run %s: finish: %w", id, err)
	}
	if n == 0 {
		return place.Errorf(place.ENOTFOUND, "no running access run %q", id)
	}
	return nil
}

// FailAccessRun marks a running run failed, saying why; ENOTFOUND when no
// run id is running.
func (db *DB) FailAccessRun(ctx context.Context, id, reason string) error {
	now := dbTime(Now())
	n, err := db.d.Conns.Reads().Exec(ctx, `UPDATE access_runs SET status = 'failed', error = $1, updated_at = $2, finished_at = $2
		WHERE id = $3 AND status = 'running'`, reason, now, id)
	if err != nil {
		return fmt.Errorf("access run %s: fail: %w", id, err)
	}
	if n == 0 {
		return place.Errorf(place.ENOTFOUND, "no running access run %q", id)
	}
	return nil
}

// FailStaleAccessRuns marks failed, saying why, every run still running
// whose heartbeat is older than before (left by a process that stopped),
// and says how many.
func (db *DB) FailStaleAccessRuns(ctx context.Context, before time.Time, reason string) (int, error) {
	now := dbTime(Now())
	n, err := db.d.Conns.Reads().Exec(ctx, `UPDATE access_runs SET status = 'failed', error = $1, updated_at = $2, finished_at = $2
		WHERE status = 'running' AND updated_at < $3`, reason, now, dbTime(before))
	if err != nil {
		return 0, fmt.Errorf("fail stale access runs: %w", err)
	}
	return int(n), nil
}

// AccessRun returns one run with its result; ENOTFOUND.
func (db *DB) AccessRun(ctx context.Context, id string) (AccessRun, error) {
	run, err := scanAccessRun(db.d.Conns.Reads().QueryRow(ctx, `SELECT `+sqlAccessRunColumns+`, COALESCE(result, '')
		FROM access_runs WHERE id = $1`, id), true)
	if noRows(err) {
		return run, place.Errorf(place.ENOTFOUND, "no access run %q", id)
	}
	if err != nil {
		return run, fmt.Errorf("access run %s: %w", id, err)
	}
	return run, nil
}

// AccessRuns lists up to limit runs (0: MaxPage), newest first, without
// their results.
func (db *DB) AccessRuns(ctx context.Context, limit int) ([]AccessRun, error) {
	limit, _ = Page(limit, 0)
	rows, err := db.d.Conns.Reads().Query(ctx, `SELECT `+sqlAccessRunColumns+` FROM access_runs ORDER BY fid DESC LIMIT $1`, limit)
	out, err := collect(rows, err, func(r Row) (AccessRun, error) { return scanAccessRun(r, false) })
	if err != nil {
		return nil, fmt.Errorf("access runs: %w", err)
	}
	if out == nil {
		out = []AccessRun{}
	}
	return out, nil
}

// AccessIsochrones returns a finished run's isochrones (GeoJSON);
// ENOTFOUND for no such run or one done without them, ECONFLICT for one
// running or failed.
func (db *DB) AccessIsochrones(ctx context.Context, id string) ([]byte, error) {
	var status, iso string
	err := db.d.Conns.Reads().QueryRow(ctx, `SELECT status, COALESCE(isochrones, '') FROM access_runs WHERE id = $1`, id).Scan(&status, &iso)
	switch {
	case noRows(err):
		return nil, place.Errorf(place.ENOTFOUND, "no access run %q", id)
	case err != nil:
		return nil, fmt.Errorf("access run %s: isochrones: %w", id, err)
	case status != RunDone:
		return nil, place.Errorf(place.ECONFLICT, "access run %s is %s: its isochrones come when it is done", id, status)
	case iso == "":
		return nil, place.Errorf(place.ENOTFOUND, "access run %s has no isochrones", id)
	}
	return []byte(iso), nil
}

// LatestAccessRuns returns, for each category, its latest finished
// baseline run (no asset closed or opened), in category order, without
// its result.
func (db *DB) LatestAccessRuns(ctx context.Context) ([]AccessRun, error) {
	rows, err := db.d.Conns.Reads().Query(ctx, `SELECT `+sqlAccessRunColumns+` FROM access_runs
		WHERE fid IN (SELECT max(fid) FROM access_runs WHERE kind = 'baseline' AND status = 'done' GROUP BY category)`)
	out, err := collect(rows, err, func(r Row) (AccessRun, error) { return scanAccessRun(r, false) })
	if err != nil {
		return nil, fmt.Errorf("latest access runs: %w", err)
	}
	slices.SortFunc(out, func(a, b AccessRun) int { return cmp.Compare(a.Category, b.Category) })
	if out == nil {
		out = []AccessRun{}
	}
	return out, nil
}
