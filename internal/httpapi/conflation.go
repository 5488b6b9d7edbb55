package httpapi

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/auth"
	"github.com/placemap/placemap/internal/importer"
	"github.com/placemap/placemap/internal/osm"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// conflationRoutes: upload an OSM file to conflate with the assets held,
// and review what it proposes one line at a time (editors and above).
func (s *Server) conflationRoutes(r chi.Router) {
	r.With(s.require(auth.Editor)).Post("/conflations", s.handle(s.conflate))
	r.With(s.require(auth.Editor)).Get("/conflations/proposals", s.handle(s.listProposals))
	r.With(s.require(auth.Editor)).Get("/conflations/proposals/{id}", s.handle(s.getProposal))
	r.With(s.require(auth.Editor)).Post("/conflations/proposals/{id}/accept", s.handle(s.decideProposal(true)))
	r.With(s.require(auth.Editor)).Post("/conflations/proposals/{id}/reject", s.handle(s.decideProposal(false)))
}

// conflate reads an OSM file from the body (PBF, XML, bzip2/gzip XML or
// Overpass JSON; ?file= names it) and replaces the pending review list
// with what it proposes.
func (s *Server) conflate(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := allowParams(q, "file"); err != nil {
		return err
	}
	name := path.Base(strings.ReplaceAll(q.Get("file"), `\`, "/"))
	if name == "." || name == "/" {
		name = "upload.osm"
	}
	// Spool to a temporary file: the readers make more than one pass and
	// an upload may be larger than is wise to hold in memory. Where the
	// system allows (Unix) its name goes at once and it is read through
	// the open file, so that nothing is left behind whatever happens to
	// the process; elsewhere it goes when closed, and RemoveStaleUploads
	// clears what a process that died left.
	tmp, err := os.CreateTemp("", uploadPattern)
	if err != nil {
		return err
	}
	unlinked := os.Remove(tmp.Name()) == nil
	defer func() {
		tmp.Close()
		if !unlinked {
			os.Remove(tmp.Name())
		}
	}()
	n, err := io.Copy(tmp, r.Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return place.Errorf(place.ETOOLARGE, "OSM file is larger than %d bytes: conflate it with `placemap conflate osm FILE --review`", tooLarge.Limit)
		}
		return place.Errorf(place.EINVALID, "reading the upload: %v", err)
	}
	if n == 0 {
		return place.Errorf(place.EINVALID, "send the OSM file (PBF, XML or Overpass JSON) as the request body")
	}
	release, err := s.expensive(r)
	if err != nil {
		return err
	}
	defer release()
	ctx := changeContext(r).Context()
	c, err := importer.ConflateFile(ctx, s.assets, osm.ReaderAt(tmp, n), name, s.cfg.MaxDecompressed)
	if err != nil {
		return err
	}
	// A scoped editor's run speaks for, and supersedes, only what lies in
	// their scope.
	p, _ := principalOf(r)
	scope := importer.Scope{Scopes: p.User.Scopes}
	if len(p.User.Scopes) > 0 {
		scope.In = func(_ context.Context, g orb.Geometry) (bool, error) { return s.inScope(r, g) }
	}
	rv, err := importer.KeepForReview(ctx, s.review(), c, scope)
	if err != nil {
		return err
	}
	if rv.Coverage.Warning != "" {
		s.log.Warn("conflation over a file that does not cover the assets", "file", name, "overlap", rv.Coverage.Overlap, "run", rv.Run)
	}
	writeJSON(w, http.StatusCreated, rv)
	return nil
}

// uploadPattern names the temporary files uploads are spooled to.
const uploadPattern = "placemap-conflate-*"

// RemoveStaleUploads removes the temporary files of conflation uploads
// in dir (os.TempDir() when empty) that a placemap process left when it
// died mid-upload, and says which it removed. Run it at start. Only
// regular files are removed. Where an upload's file loses its name as
// soon as it is made (Unix), the files of uploads under way in other
// processes are not seen; elsewhere an open file cannot be removed.
func RemoveStaleUploads(dir string) ([]string, error) {
	if dir == "" {
		dir = os.TempDir()
	}
	names, err := filepath.Glob(filepath.Join(dir, uploadPattern))
	if err != nil {
		return nil, err
	}
	var removed []string
	var errs []error
	for _, name := range names {
		fi, err := os.Lstat(name)
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		if err := os.Remove(name); err != nil {
			errs = append(errs, err)
			continue
		}
		removed = append(removed, name)
	}
	return removed, errors.Join(errs...)
}

// proposalJSON is a proposal with the live asset and the OSM objects as
// GeoJSON Features, so a reviewer sees both on the map.
func (s *Server) proposalJSON(r *http.Request, p place.Proposal) map[string]any {
	out := map[string]any{"id": p.ID, "run": p.Run, "file": p.File, "outcome": p.Outcome, "by": p.By,
		"asset_id": p.AssetID, "asset_version": p.AssetVersion, "osm_ref": p.OSMRef, "candidates": nonNil(p.Candidates),
		"differences": nonNil(p.Differences), "distance_m": p.DistanceM, "name_score": p.NameScore,
		"status": p.Status, "reason": p.Reason, "partner": p.Partner, "taken": nonNil(p.Taken),
		"created_at": p.CreatedAt}
	pp := s.people(r)
	pp.set(out, "decided_by", p.DecidedBy)
	if pp.admin {
		out["decided_by"] = p.DecidedBy
	}
	if !p.DecidedAt.IsZero() {
		out["decided_at"] = p.DecidedAt
	}
	if p.AssetID != "" {
		if a, err := s.assets.Asset(r.Context(), p.AssetID); err == nil {
			out["local"] = assetFeature(a)
		}
	}
	osmFeatures := []any{}
	for _, a := range p.OSM {
		osmFeatures = append(osmFeatures, assetFeature(a))
	}
	out["osm"] = osmFeatures
	if p.Outcome == place.OutcomeAmbiguous && p.AssetID == "" {
		locals := []any{}
		for _, id := range p.Candidates {
			if a, err := s.assets.Asset(r.Context(), id); err == nil {
				locals = append(locals, assetFeature(a))
			}
		}
		out["candidate_assets"] = locals
	}
	return out
}

// nonNil makes a nil list an empty one, so JSON shows [] and not null.
func nonNil[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}

func (s *Server) listProposals(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := allowParams(q, "status", "outcome"); err != nil {
		return err
	}
	status, outcome := q.Get("status"), q.Get("outcome")
	switch status {
	case "", place.Pending, place.Accepted, place.Rejected, place.Superseded:
	default:
		return place.Errorf(place.EINVALID, "status %q: want pending, accepted, rejected or superseded", status)
	}
	switch outcome {
	case "", place.OutcomeMatched, place.OutcomeOnlyOSM, place.OutcomeOnlyLocal, place.OutcomeAmbiguous:
	default:
		return place.Errorf(place.EINVALID, "outcome %q: want matched, only_osm, only_local or ambiguous", outcome)
	}
	list, err := s.conflations.Proposals(r.Context(), status)
	if err != nil {
		return err
	}
	out := []map[string]any{}
	counts := map[string]int{}
	for _, p := range list {
		counts[p.Outcome]++
		if outcome == "" || p.Outcome == outcome {
			out = append(out, s.proposalJSON(r, p))
		}
	}
	runs, err := s.conflations.ConflationRuns(r.Context(), 1)
	if err != nil {
		return err
	}
	var last any
	if len(runs) > 0 {
		last = runJSON(runs[0])
	}
	writeJSON(w, http.StatusOK, map[string]any{"proposals": out, "by_outcome": counts, "last_run": last})
	return nil
}

func (s *Server) getProposal(w http.ResponseWriter, r *http.Request) error {
	p, err := s.conflations.Proposal(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.proposalJSON(r, p))
	return nil
}

// decideProposal accepts a proposal (naming the partner of an ambiguous
// line and the keys whose OSM value to take) or rejects it (with why).
// An editor scoped to sets or areas decides only on assets in scope.
func (s *Server) decideProposal(accept bool) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		var body struct {
			Reason  string   `json:"reason"`
			Partner string   `json:"partner"`
			Take    []string `json:"take"`
		}
		if err := decodeOptionalBody(r, &body); err != nil {
			return err
		}
		p, err := s.conflations.Proposal(r.Context(), chi.URLParam(r, "id"))
		if err != nil {
			return err
		}
		at, ids := p.Touches(body.Partner)
		if err := s.checkTouched(r, at, ids); err != nil {
			return err
		}
		r = changeContext(r)
		if c := store.AuthorOf(r.Context()); c.Comment == "" {
			r = r.WithContext(store.WithAuthor(r.Context(), c.Author, p.ReviewComment(accept)))
		}
		p, err = importer.Decide(r.Context(), s.review(), p.ID, importer.Decision{Accept: accept, Reason: body.Reason, Partner: body.Partner, Take: body.Take})
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, s.proposalJSON(r, p))
		return nil
	}
}

// runJSON is a conflation run as the review panel shows it: the file, the
// ground it covered and the share of the assets compared inside it.
func runJSON(run place.ConflationRun) map[string]any {
	out := map[string]any{"id": run.ID, "file": run.File, "bounds_from": run.BoundsFrom, "scopes": nonNil(run.Scopes),
		"compared": run.Compared, "covered": run.Covered, "overlap": run.Overlap(), "created_at": run.CreatedAt, "bbox": nil}
	if run.BoundsFrom != "" {
		b := run.Bounds
		out["bbox"] = []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
	}
	return out
}
