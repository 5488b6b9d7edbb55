package httpapi

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/placemap/placemap/internal/auth"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/reconcile"
	"github.com/placemap/placemap/internal/store"
)

// Boundary releases: series, change reports, successor links, and old
// addresses that keep working.
//
//	GET /api/series                                   every series with its releases
//	GET /api/series/{series}                          one
//	GET /api/sets/{set}/changes?to=NEW&format=json|csv&table=areas|assets
//	GET /api/sets/{set}/areas/{code}/successors       where the area went in later releases
//	PUT /api/sets/{set}/areas/{code}/successors       (editor) confirm or correct them
//	GET /api/sets/{set}/areas/{code}/predecessors     where it came from
//	GET /api/sets/{set}/features/{id}                 a tile feature id: 308 to its area
//
// A series' slug works wherever a set's does, for its current release
// (GET /api/sets/sheffield-wards/areas/E05010860 → 307 to wards-2019), and
// an area code asked of the wrong release of its series is sent to the
// release that has it.
func (s *Server) releaseRoutes(r chi.Router) {
	r.Get("/series", s.handle(s.listSeries))
	r.Get("/series/{series}", s.handle(s.getSeries))
	r.Get("/sets/{slug}/changes", s.handle(s.getChanges))
	r.Get("/sets/{slug}/features/{id}", s.handle(s.getFeature))
	r.Get("/sets/{slug}/areas/{code}/successors", s.handle(s.getSuccessors))
	r.Get("/sets/{slug}/areas/{code}/predecessors", s.handle(s.getPredecessors))
	r.With(s.require(auth.Editor)).Put("/sets/{slug}/areas/{code}/successors", s.handle(s.decideSuccessors))
}

type releaseJSON struct {
	Slug        string `json:"slug"`
	Title       string `json:"title"`
	ReleaseDate string `json:"release_date,omitempty"`
	AreaCount   int    `json:"area_count"`
	Current     bool   `json:"current"`
}

type seriesJSON struct {
	Slug     string        `json:"slug"`
	Title    string        `json:"title"`
	Current  string        `json:"current"`
	Releases []releaseJSON `json:"releases"`
}

func (s *Server) seriesJSON(ctx context.Context, sr place.Series) (seriesJSON, error) {
	out := seriesJSON{Slug: sr.Slug, Title: sr.Title, Current: sr.Current, Releases: []releaseJSON{}}
	for _, slug := range sr.Releases {
		ss, err := s.areas.Set(ctx, slug)
		if err != nil {
			return out, err
		}
		out.Releases = append(out.Releases, releaseJSON{Slug: slug, Title: ss.Title, ReleaseDate: ss.ReleaseDate, AreaCount: ss.AreaCount, Current: slug == sr.Current})
	}
	return out, nil
}

func (s *Server) listSeries(w http.ResponseWriter, r *http.Request) error {
	all, err := s.releases.Series(r.Context())
	if err != nil {
		return err
	}
	out := make([]seriesJSON, 0, len(all))
	for _, sr := range all {
		j, err := s.seriesJSON(r.Context(), sr)
		if err != nil {
			return err
		}
		out = append(out, j)
	}
	writeJSON(w, http.StatusOK, map[string]any{"series": out})
	return nil
}

func (s *Server) series(ctx context.Context, slug string) (place.Series, bool, error) {
	all, err := s.releases.Series(ctx)
	if err != nil {
		return place.Series{}, false, err
	}
	i := slices.IndexFunc(all, func(sr place.Series) bool { return sr.Slug == slug })
	if i < 0 {
		return place.Series{}, false, nil
	}
	return all[i], true, nil
}

func (s *Server) getSeries(w http.ResponseWriter, r *http.Request) error {
	sr, ok, err := s.series(r.Context(), chi.URLParam(r, "series"))
	if err == nil && !ok {
		err = place.Errorf(place.ENOTFOUND, "no series %q", chi.URLParam(r, "series"))
	}
	if err != nil {
		return err
	}
	j, err := s.seriesJSON(r.Context(), sr)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, j)
	return nil
}

// redirectRelease answers a request for a set that does not exist or an
// area a set lacks, when a release of a series has it: a series' slug
// stands for its current release, and an area code of another release of
// the set's series is sent there. It reports whether it answered.
func (s *Server) redirectRelease(w http.ResponseWriter, r *http.Request, slug, code string) bool {
	ctx := r.Context()
	var sr place.Series
	if ss, err := s.areas.Set(ctx, slug); err == nil {
		if ss.Series == "" || code == "" {
			return false
		}
		sr, _, _ = s.series(ctx, ss.Series)
	} else {
		var ok bool
		if sr, ok, _ = s.series(ctx, slug); !ok {
			return false
		}
	}
	target := sr.Current
	if code != "" {
		// The newest release that has the code, current first.
		target = ""
		order := append([]string{sr.Current}, reversed(sr.Releases)...)
		for _, rel := range order {
			if rel == slug {
				continue
			}
			if _, err := s.areas.Area(ctx, rel, code); err == nil {
				target = rel
				break
			}
		}
		if target == "" {
			return false
		}
	}
	if target == "" {
		return false
	}
	prefix := "/api/sets/" + url.PathEscape(slug)
	rest := strings.TrimPrefix(r.URL.EscapedPath(), prefix)
	loc := "/api/sets/" + url.PathEscape(target) + rest
	if r.URL.RawQuery != "" {
		loc += "?" + r.URL.RawQuery
	}
	w.Header().Set("Location", loc)
	writeJSON(w, http.StatusTemporaryRedirect, map[string]any{"redirect": loc, "series": sr.Slug, "release": target,
		"message": "this address names another release of series " + sr.Slug + "; see " + loc})
	return true
}

// orRedirect answers a request that failed with err by redirectRelease
// when another release has what was asked, and is then nil; else err.
func (s *Server) orRedirect(w http.ResponseWriter, r *http.Request, err error, slug, code string) error {
	if s.redirectRelease(w, r, slug, code) {
		return nil
	}
	return err
}

func reversed(xs []string) []string {
	out := slices.Clone(xs)
	slices.Reverse(out)
	return out
}

func (s *Server) getChanges(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := allowParams(q, "to", "format", "table"); err != nil {
		return err
	}
	slug := chi.URLParam(r, "slug")
	format, table := q.Get("format"), q.Get("table")
	if format == "" {
		format = "json"
	}
	if table == "" {
		table = "areas"
	}
	if format != "json" && format != "csv" {
		return place.Errorf(place.EINVALID, "format %q: want json or csv", place.Excerpt(format))
	}
	if table != "areas" && table != "assets" {
		return place.Errorf(place.EINVALID, "table %q: want areas or assets", place.Excerpt(table))
	}
	if _, err := s.areas.Set(r.Context(), slug); err != nil {
		return s.orRedirect(w, r, err, slug, "")
	}
	to := q.Get("to")
	if to == "" {
		var err error
		if to, err = reconcile.NextRelease(r.Context(), s.catalog(), slug); err != nil {
			return err
		}
	}
	release, err := s.expensive(r)
	if err != nil {
		return err
	}
	defer release()
	rep, err := reconcile.Changes(r.Context(), s.catalog(), slug, to)
	if err != nil {
		return err
	}
	shown, err := s.people(r).changeReport(rep, format == "csv")
	if err != nil {
		return err
	}
	if format == "csv" {
		rep := shown.(*reconcile.ChangeReport)
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="changes-`+slug+`-`+to+`-`+table+`.csv"`)
		if table == "assets" {
			_ = rep.WriteAssetsCSV(w)
		} else {
			_ = rep.WriteCSV(w)
		}
		return nil
	}
	writeJSON(w, http.StatusOK, shown)
	return nil
}

// successorJSON is a successor link with the names of both areas.
type successorJSON struct {
	place.Successor
	OldName string `json:"old_name"`
	NewName string `json:"new_name"`
	Main    bool   `json:"main"` // the largest share of the old area among the links into its release
	// DecidedByName is who decided the link, as the public sees them
	// (decided_by, their e-mail, is shown to admins only).
	DecidedByName string `json:"decided_by_name,omitempty"`
}

func (s *Server) linksJSON(ctx context.Context, pp *people, links []place.Successor) []successorJSON {
	out := make([]successorJSON, 0, len(links))
	best := map[string]float64{} // old area and new set → largest share of old
	for _, l := range links {
		if k := l.OldSet + "\x00" + l.OldCode + "\x00" + l.NewSet; l.Followed() && l.ShareOfOld > best[k] {
			best[k] = l.ShareOfOld
		}
	}
	name := func(set, code string) string {
		if a, err := s.areas.Area(ctx, set, code); err == nil {
			return a.Name
		}
		return ""
	}
	for _, l := range links {
		k := l.OldSet + "\x00" + l.OldCode + "\x00" + l.NewSet
		shown, by := pp.successor(l)
		out = append(out, successorJSON{Successor: shown, OldName: name(l.OldSet, l.OldCode), NewName: name(l.NewSet, l.NewCode),
			Main: l.Followed() && l.ShareOfOld == best[k], DecidedByName: by})
	}
	return out
}

func (s *Server) getSuccessors(w http.ResponseWriter, r *http.Request) error {
	return s.links(w, r, true)
}

func (s *Server) getPredecessors(w http.ResponseWriter, r *http.Request) error {
	return s.links(w, r, false)
}

func (s *Server) links(w http.ResponseWriter, r *http.Request, forward bool) error {
	slug, code := chi.URLParam(r, "slug"), chi.URLParam(r, "code")
	a, err := s.areas.Area(r.Context(), slug, code)
	if err != nil {
		return s.orRedirect(w, r, err, slug, code)
	}
	q := store.SuccessorQuery{OldSet: slug, OldCode: code}
	if !forward {
		q = store.SuccessorQuery{NewSet: slug, NewCode: code}
	}
	links, err := s.releases.Successors(r.Context(), q)
	if err != nil {
		return err
	}
	ss, err := s.areas.Set(r.Context(), slug)
	if err != nil {
		return err
	}
	out := map[string]any{"set": slug, "code": code, "name": a.Name, "series": ss.Series, "current": ss.Current}
	if forward {
		out["successors"] = s.linksJSON(r.Context(), s.people(r), links)
	} else {
		out["predecessors"] = s.linksJSON(r.Context(), s.people(r), links)
	}
	if ss.Series != "" {
		if sr, ok, err := s.series(r.Context(), ss.Series); err == nil && ok {
			out["current_release"] = sr.Current
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// decideSuccessors records an editor's decision on where an area went in a
// later release: {"to": "wards-2019", "keep": ["E05010860"], "note": "…"}.
// Links to the kept codes stand (added as corrected, with their overlap
// measured, where the crosswalk had none); every other link into that
// release is rejected.
func (s *Server) decideSuccessors(w http.ResponseWriter, r *http.Request) error {
	slug, code := chi.URLParam(r, "slug"), chi.URLParam(r, "code")
	var body struct {
		To   string   `json:"to"`
		Keep []string `json:"keep"`
		Note string   `json:"note"`
	}
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	ctx := r.Context()
	old, err := s.areas.Area(ctx, slug, code)
	if err != nil {
		return err
	}
	// An editor scoped to some areas decides only for those.
	if err := areaInScope(r, slug, code); err != nil {
		return err
	}
	if body.To == "" {
		return place.Errorf(place.EINVALID, "to: name the later release the decision is about")
	}
	if len(body.Note) > 1000 {
		return place.Errorf(place.EINVALID, "note: at most 1000 characters")
	}
	codes, err := place.UniqueList("keep", body.Keep, place.MaxKept)
	if err != nil {
		return err
	}
	// Measuring the overlap of each kept area is overlay work.
	release, err := s.expensive(r)
	if err != nil {
		return err
	}
	defer release()
	keep := make([]place.Successor, 0, len(codes))
	for i, c := range codes {
		na, err := s.areas.Area(ctx, body.To, c)
		if err != nil {
			return place.Errorf(place.EINVALID, "keep[%d]: %s", i, place.ErrorMessage(err))
		}
		k := place.Successor{NewCode: c}
		// Measured, for a link the crosswalk did not make.
		if ls, err := reconcile.SuccessorLinks(ctx, slug, []place.Area{old}, body.To, []place.Area{na}); err == nil && len(ls) == 1 {
			k.ShareOfOld, k.ShareOfNew, k.IoU = ls[0].ShareOfOld, ls[0].ShareOfNew, ls[0].IoU
		}
		keep = append(keep, k)
	}
	p, _ := principalOf(r)
	r = changeContext(r)
	links, err := s.releases.DecideSuccessors(r.Context(), slug, code, body.To, keep, p.User.Email, strings.TrimSpace(body.Note))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"set": slug, "code": code, "name": old.Name, "successors": s.linksJSON(r.Context(), s.people(r), links)})
	return nil
}

// getFeature sends a tile feature id (stable for the life of a set, and
// sets are never overwritten) to its area's address.
func (s *Server) getFeature(w http.ResponseWriter, r *http.Request) error {
	slug := chi.URLParam(r, "slug")
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id < 1 {
		return place.Errorf(place.EINVALID, "feature id %q: want a positive integer", place.Excerpt(chi.URLParam(r, "id")))
	}
	code, err := s.areas.AreaCode(r.Context(), slug, id)
	if err != nil {
		return s.orRedirect(w, r, err, slug, "")
	}
	loc := "/api/sets/" + url.PathEscape(slug) + "/areas/" + url.PathEscape(code)
	w.Header().Set("Location", loc)
	writeJSON(w, http.StatusPermanentRedirect, map[string]any{"redirect": loc, "set": slug, "code": code})
	return nil
}

// currentRelease returns the current release of a series, or "" when slug
// names no series.
func (s *Server) currentRelease(ctx context.Context, slug string) string {
	if sr, ok, err := s.series(ctx, slug); err == nil && ok {
		return sr.Current
	}
	return ""
}
