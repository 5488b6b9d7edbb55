package httpapi

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"
	"github.com/paulmach/orb/geojson"

	"github.com/placemap/placemap/internal/access"
	"github.com/placemap/placemap/internal/auth"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/rfc7946"
	"github.com/placemap/placemap/internal/store"
)

// Walking access (issue 20): runs of internal/access asked for over the
// API, run in the background one at a time, kept in the store with their
// progress and results.
//
//	POST /api/access                            (editor) start a run: 202 {id, status, url}
//	GET  /api/access/runs                       newest first
//	GET  /api/access/runs/{id}                  status, progress, summary, scenario change
//	GET  /api/access/runs/{id}/sets/{set}       the run seen from the areas of any set
//	GET  /api/access/runs/{id}/isochrones       walking-time bands (GeoJSON)
//	GET  /api/access/runs/{id}/origins          each origin's walk (GeoJSON points)
//	GET  /api/sets/{slug}/areas/{code}/access   an area's figures from each category's latest baseline
func (s *Server) accessRoutes(r chi.Router) {
	r.Get("/access/runs", s.handle(s.listAccessRuns))
	r.Get("/access/runs/{id}", s.handle(s.getAccessRun))
	r.Get("/access/runs/{id}/sets/{set}", s.handle(s.getAccessSetView))
	r.Get("/access/runs/{id}/isochrones", s.handle(s.getAccessIsochrones))
	r.Get("/access/runs/{id}/origins", s.handle(s.getAccessOrigins))
	r.Get("/sets/{slug}/areas/{code}/access", s.handle(s.getAreaAccess))
	r.With(s.require(auth.Editor)).Post("/access", s.handle(s.postAccess))
}

// AccessStore is what access runs ask of the store: the runs kept, and the
// indicators a baseline run writes on its block set (with the network,
// areas and assets: access.Store).
type AccessStore interface {
	CreateAccessRun(ctx context.Context, run store.AccessRun) error
	AccessRunProgress(ctx context.Context, id, stage string, done, total int64) error
	FinishAccessRun(ctx context.Context, id string, result, isochrones []byte) error
	FailAccessRun(ctx context.Context, id, reason string) error
	FailStaleAccessRuns(ctx context.Context, before time.Time, reason string) (int, error)
	AccessRun(ctx context.Context, id string) (store.AccessRun, error)
	AccessRuns(ctx context.Context, limit int) ([]store.AccessRun, error)
	AccessIsochrones(ctx context.Context, id string) ([]byte, error)
	LatestAccessRuns(ctx context.Context) ([]store.AccessRun, error)
	ReplaceIndicators(ctx context.Context, set string, inds []place.Indicator, values map[string]map[string]float64) error
}

// accessSource joins the roles access.Service asks for (access.Store).
type accessSource struct {
	AccessStore
	NetworkStore
	AreaStore
	AssetStore
	PlaceStore
}

// noAccess is the answer of the access routes of a server without a
// store for them.
func noAccess() error {
	return place.Errorf(place.ENOTFOUND, "this server keeps no access runs")
}

// postAccess starts a run: 202 with where to follow it, 503 while another
// runs. A baseline writes indicators on a whole block set, so a scoped
// editor may only ask for scenarios.
func (s *Server) postAccess(w http.ResponseWriter, r *http.Request) error {
	if s.accessRuns == nil {
		return noAccess()
	}
	p, err := s.accessParams(r)
	if err != nil {
		return err
	}
	g, err := grantOf(r)
	if err != nil {
		return err
	}
	if g.Limited() && !p.Scenario() {
		return place.Errorf(place.EFORBIDDEN, "your writes are limited to %s; a baseline run writes indicators on all of %s (close or open an asset for a scenario)", g, p.From)
	}
	params, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("access params: %w", err)
	}
	who, _ := principalOf(r)
	run := store.AccessRun{ID: uuid.NewString(), CreatedAt: store.Now(), CreatedBy: who.User.Email, Category: p.Category,
		From: p.From, Scenario: p.Scenario(), Params: params}
	create := func() error { return s.accessRuns.CreateAccessRun(r.Context(), run) }
	if err := s.jobs.start(run.ID, create, func(ctx context.Context) { s.runAccessJob(ctx, run, p) }); err != nil {
		return err
	}
	url := "/api/access/runs/" + run.ID
	w.Header().Set("Location", url)
	writeJSON(w, http.StatusAccepted, map[string]string{"id": run.ID, "status": store.RunRunning, "url": url})
	return nil
}

// runAccessJob runs one access run to its end and records how it ended:
// done with its result and isochrones, or failed saying why (stopped, when
// the server shut down under it).
func (s *Server) runAccessJob(ctx context.Context, run store.AccessRun, p access.Params) {
	pw := newProgressWriter(ctx, s.log, func(ctx context.Context, stage string, done, total int64) error {
		return s.accessRuns.AccessRunProgress(ctx, run.ID, stage, done, total)
	})
	res, err := s.runGuarded(ctx, p, pw.progress(ctx))
	pw.end()
	// What a run ended with is written even as the server stops.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err == nil {
		err = s.finishAccessRun(wctx, run, res)
	}
	if err == nil {
		s.log.Info("access run done", "id", run.ID, "category", run.Category, "from", run.From, "took", time.Since(run.CreatedAt))
		return
	}
	reason := place.ErrorMessage(err)
	switch {
	case ctx.Err() != nil:
		reason = "stopped: the server shut down while it ran"
	case place.ErrorCode(err) == place.EINTERNAL:
		s.log.Error("access run failed", "id", run.ID, "err", err)
	}
	if ferr := s.accessRuns.FailAccessRun(wctx, run.ID, reason); ferr != nil {
		s.log.Error("access run: recording its failure", "id", run.ID, "err", ferr, "reason", reason)
	}
}

// runGuarded is s.runAccess with a panic turned into an error: a bad run
// must not take the server down.
func (s *Server) runGuarded(ctx context.Context, p access.Params, progress access.Progress) (res *access.Result, err error) {
	defer func() {
		if v := recover(); v != nil {
			res, err = nil, fmt.Errorf("access run panicked: %v", v)
		}
	}()
	res, err = s.runAccess(ctx, p, progress)
	if err == nil && res == nil {
		err = fmt.Errorf("access run gave no result")
	}
	return res, err
}

// finishAccessRun keeps a run's result, its isochrones apart as GeoJSON,
// and for a scenario the id of the baseline it compares with (the latest
// finished baseline of its category and block set, when one is kept).
func (s *Server) finishAccessRun(ctx context.Context, run store.AccessRun, res *access.Result) error {
	iso, err := json.Marshal(isochroneFeatures(res.Isochrones))
	if err != nil {
		return fmt.Errorf("access run %s: isochrones: %w", run.ID, err)
	}
	out := *res
	out.Isochrones = nil
	if out.Scenario != nil && out.Scenario.Baseline == "" {
		latest, err := s.accessRuns.LatestAccessRuns(ctx)
		if err != nil {
			return err
		}
		for _, b := range latest {
			if b.Category == run.Category && b.From == run.From {
				change := *out.Scenario
				change.Baseline = b.ID
				out.Scenario = &change
			}
		}
	}
	result, err := json.Marshal(out)
	if err != nil {
		return fmt.Errorf("access run %s: result: %w", run.ID, err)
	}
	return s.accessRuns.FinishAccessRun(ctx, run.ID, result, iso)
}

// isochroneFeatures are the bands as GeoJSON, largest first, each with its
// minutes, wound as RFC 7946 asks.
func isochroneFeatures(bands []access.Band) *geojson.FeatureCollection {
	fc := geojson.NewFeatureCollection()
	sorted := slices.Clone(bands)
	slices.SortFunc(sorted, func(a, b access.Band) int { return cmp.Compare(b.Minutes, a.Minutes) })
	for _, b := range sorted {
		f := geojson.NewFeature(rfc7946.Orient(b.Geometry))
		f.ID = b.Minutes
		f.Properties = geojson.Properties{"minutes": b.Minutes}
		fc.Append(f)
	}
	return fc
}

// accessRunJSON is one run as GET /api/access/runs/{id} shows it.
type accessRunJSON struct {
	ID        string            `json:"id"`
	Status    string            `json:"status"`
	Stage     string            `json:"stage"`
	Done      int64             `json:"done"`
	Total     int64             `json:"total"`
	Error     string            `json:"error,omitempty"`
	Params    json.RawMessage   `json:"params"`
	CreatedAt time.Time         `json:"created_at"`
	Finished  *time.Time        `json:"finished_at,omitempty"`
	Summary   *access.Summary   `json:"summary,omitempty"`
	Scenario  *access.Change    `json:"scenario,omitempty"`
	Links     map[string]string `json:"links,omitempty"`
}

// accessRunItemJSON is one run of GET /api/access/runs.
type accessRunItemJSON struct {
	ID        string          `json:"id"`
	Status    string          `json:"status"`
	Params    json.RawMessage `json:"params"`
	CreatedAt time.Time       `json:"created_at"`
	Scenario  bool            `json:"scenario"`
}

func (s *Server) listAccessRuns(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := allowParams(q, "limit"); err != nil {
		return err
	}
	if s.accessRuns == nil {
		return noAccess()
	}
	limit := 100
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return place.Errorf(place.EINVALID, "limit %q: want a whole number 1-1000", place.Excerpt(v))
		}
		limit = n
	}
	runs, err := s.accessRuns.AccessRuns(r.Context(), limit)
	if err != nil {
		return err
	}
	out := make([]accessRunItemJSON, 0, len(runs))
	for _, run := range runs {
		run = s.staleChecked(r.Context(), run)
		out = append(out, accessRunItemJSON{ID: run.ID, Status: run.Status, Params: run.Params, CreatedAt: run.CreatedAt, Scenario: run.Scenario})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// staleChecked fails a run still marked running whose heartbeat stopped
// (its process stopped: a restart) and returns it as it now is; a run
// this server is running is never stale.
func (s *Server) staleChecked(ctx context.Context, run store.AccessRun) store.AccessRun {
	if run.Status != store.RunRunning || run.ID == s.jobs.running() || time.Since(run.Updated) < staleAfter {
		return run
	}
	if err := s.accessRuns.FailAccessRun(ctx, run.ID, interruptedReason); err != nil {
		if place.ErrorCode(err) != place.ENOTFOUND {
			s.log.Warn("failing a stale access run", "id", run.ID, "err", err)
		}
		return run
	}
	run.Status, run.Error = store.RunFailed, interruptedReason
	return run
}

// interruptedReason is why a run left running by a stopped process failed.
const interruptedReason = "interrupted by a restart"

// failStaleRuns fails the runs a stopped process left running (their
// heartbeat older than staleAfter), when the server starts.
func (s *Server) failStaleRuns() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	n, err := s.accessRuns.FailStaleAccessRuns(ctx, store.Now().Add(-staleAfter), interruptedReason)
	if err != nil {
		s.log.Warn("failing access runs left running", "err", err)
	} else if n > 0 {
		s.log.Info("access runs left running by a stopped server marked failed", "runs", n)
	}
}

func (s *Server) getAccessRun(w http.ResponseWriter, r *http.Request) error {
	if err := allowParams(r.URL.Query()); err != nil {
		return err
	}
	if s.accessRuns == nil {
		return noAccess()
	}
	run, err := s.accessRuns.AccessRun(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	run = s.staleChecked(r.Context(), run)
	out := accessRunJSON{ID: run.ID, Status: run.Status, Stage: run.Stage, Done: run.Done, Total: run.Total, Error: run.Error,
		Params: run.Params, CreatedAt: run.CreatedAt}
	if !run.Finished.IsZero() {
		out.Finished = &run.Finished
	}
	if run.Status == store.RunDone {
		res, err := s.accessResult(run)
		if err != nil {
			return err
		}
		out.Summary, out.Scenario = &res.Summary, res.Scenario
		base := "/api/access/runs/" + run.ID
		out.Links = map[string]string{"isochrones": base + "/isochrones", "origins": base + "/origins",
			"sets": base + "/sets/{set}", "from": base + "/sets/" + run.From}
	}
	if run.Status == store.RunRunning {
		w.Header().Set("Cache-Control", "no-store")
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// doneRun reads a finished run and its result: ECONFLICT while it runs or
// once it failed.
func (s *Server) doneRun(ctx context.Context, id string) (store.AccessRun, *access.Result, error) {
	if s.accessRuns == nil {
		return store.AccessRun{}, nil, noAccess()
	}
	if res, run, ok := s.accessCache.result(id); ok {
		return run, res, nil
	}
	run, err := s.accessRuns.AccessRun(ctx, id)
	if err != nil {
		return run, nil, err
	}
	if run.Status != store.RunDone {
		return run, nil, place.Errorf(place.ECONFLICT, "access run %s is %s: this comes when it is done", id, run.Status)
	}
	res, err := s.accessResult(run)
	return run, res, err
}

// accessResult decodes a finished run's result, kept for reuse (a done
// run's result never changes).
func (s *Server) accessResult(run store.AccessRun) (*access.Result, error) {
	if res, _, ok := s.accessCache.result(run.ID); ok {
		return res, nil
	}
	var res access.Result
	if err := json.Unmarshal(run.Result, &res); err != nil {
		return nil, fmt.Errorf("access run %s: result: %w", run.ID, err)
	}
	run.Result = nil
	s.accessCache.keepResult(run, &res)
	return &res, nil
}

func (s *Server) getAccessIsochrones(w http.ResponseWriter, r *http.Request) error {
	if err := allowParams(r.URL.Query()); err != nil {
		return err
	}
	if s.accessRuns == nil {
		return noAccess()
	}
	iso, err := s.accessRuns.AccessIsochrones(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/geo+json")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(iso)
	return nil
}

// getAccessOrigins answers each origin's walk as a GeoJSON point: metres
// and minutes (null when no asset is within the run's limit), the nearest
// asset, and whether it lies far from the network.
func (s *Server) getAccessOrigins(w http.ResponseWriter, r *http.Request) error {
	if err := allowParams(r.URL.Query()); err != nil {
		return err
	}
	run, res, err := s.doneRun(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	fc := geojson.NewFeatureCollection()
	for _, o := range res.Origins {
		f := geojson.NewFeature(o.Point)
		f.ID = o.Code
		f.Properties = geojson.Properties{"run": run.ID, "code": o.Code, "name": o.Name, "population": o.Population, "far": o.Far,
			"snap_metres": round1(o.SnapMetres), "reached": o.Reached, "metres": nil, "minutes": nil, "nearest": nil}
		if o.Reached {
			f.Properties["metres"], f.Properties["minutes"] = round1(o.Metres), round1(o.Minutes)
			f.Properties["nearest"], f.Properties["nearest_name"] = o.Nearest, o.NearestName
		}
		if o.Base != nil {
			f.Properties["base_minutes"] = nil
			if o.Base.Reached {
				f.Properties["base_minutes"] = round1(o.Base.Minutes)
			}
		}
		fc.Append(f)
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	writeJSONType(w, http.StatusOK, "application/geo+json", fc)
	return nil
}

// round1 rounds to a tenth: metres and minutes need no more.
func round1(v float64) float64 { return math.Round(v*10) / 10 }

// getAccessSetView answers a finished run seen from the areas of a set.
func (s *Server) getAccessSetView(w http.ResponseWriter, r *http.Request) error {
	if err := allowParams(r.URL.Query()); err != nil {
		return err
	}
	if s.accessRuns == nil {
		return noAccess()
	}
	v, err := s.accessView(r, chi.URLParam(r, "id"), chi.URLParam(r, "set"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// accessView is a finished run seen from a set, kept for reuse under the
// data version (the set's areas and population may change): the run's
// result is read only when the view is not kept, and working it out
// takes a place for heavy work.
func (s *Server) accessView(r *http.Request, id string, set string) (*access.SetView, error) {
	ctx := r.Context()
	if _, err := s.areas.Set(ctx, set); err != nil {
		return nil, err
	}
	dv, err := s.health.DataVersion(ctx)
	if err != nil {
		return nil, err
	}
	key := viewKey{run: id, set: set, version: dv}
	if v, ok := s.accessCache.view(key); ok {
		return v, nil
	}
	_, res, err := s.doneRun(ctx, id)
	if err != nil {
		return nil, err
	}
	release, err := s.expensive(r)
	if err != nil {
		return nil, err
	}
	defer release()
	v, err := s.viewAccess(ctx, res, set)
	if err != nil {
		return nil, err
	}
	s.accessCache.keepView(key, v)
	return v, nil
}

// areaAccessJSON is one category of GET /api/sets/{slug}/areas/{code}/access.
type areaAccessJSON struct {
	Category        string             `json:"category"`
	Run             string             `json:"run"`
	From            string             `json:"from"`
	Population      float64            `json:"population"`
	Within          map[string]float64 `json:"within"`
	BeyondResidents float64            `json:"beyond_15_residents"`
	ShareBeyond     float64            `json:"share_beyond_15"`
	MeanMinutes     *float64           `json:"mean_minutes"` // null when no resident was reached
	Method          string             `json:"method"`
}

// getAreaAccess answers an area's access to each category, from the
// latest finished baseline run of each: its residents, the share within
// each threshold, those beyond 15 minutes and the mean walk.
func (s *Server) getAreaAccess(w http.ResponseWriter, r *http.Request) error {
	if err := allowParams(r.URL.Query()); err != nil {
		return err
	}
	set, code := chi.URLParam(r, "slug"), chi.URLParam(r, "code")
	if _, err := s.areas.AreaVersion(r.Context(), set, code); err != nil {
		return err
	}
	out := []areaAccessJSON{}
	if s.accessRuns == nil {
		writeJSON(w, http.StatusOK, out)
		return nil
	}
	latest, err := s.accessRuns.LatestAccessRuns(r.Context())
	if err != nil {
		return err
	}
	for _, run := range latest {
		v, err := s.accessView(r, run.ID, set)
		if err != nil {
			return fmt.Errorf("access of %s from run %s: %w", run.Category, run.ID, err)
		}
		for _, a := range v.Areas {
			if a.Code == code {
				out = append(out, areaAccessJSON{Category: run.Category, Run: run.ID, From: run.From, Population: a.Population,
					Within: a.Within, BeyondResidents: a.BeyondResidents, ShareBeyond: a.ShareBeyond, MeanMinutes: a.MeanMinutes, Method: v.Method})
			}
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
