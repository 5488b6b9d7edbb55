package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/paulmach/orb/geojson"

	"github.com/placemap/placemap/internal/auth"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/proposals"
	"github.com/placemap/placemap/internal/rfc7946"
)

// Set proposals: boundary sets proposed from whole building blocks, kept
// as drafts editors refine and publish (the workflow is internal/proposals,
// shared with placemap propose-set).
//
//	POST  /api/proposals/sets                (editor) solve and keep a proposal, publishing its first set
//	GET   /api/proposals                     every proposal, newest change first
//	GET   /api/proposals/{slug}              one, with its draft (block → area) and report
//	GET   /api/proposals/{slug}/areas        the draft's areas (GeoJSON)
//	GET   /api/proposals/{slug}/blocks/{code} a block's area and the moves open to it
//	POST  /api/proposals/{slug}/moves        (editor) move a block to a neighbouring area
//	PATCH /api/proposals/{slug}/areas/{code} (editor) rename an area
//	POST  /api/proposals/{slug}/publish      (editor) publish the draft as the series' next release
//
// Writes name the version they were based on and are refused (409) when
// the draft changed since. Scoped editors may not write: a proposal spans
// a whole geography.
func (s *Server) proposalRoutes(r chi.Router) {
	r.Get("/proposals", s.handle(s.listSetProposals))
	r.Get("/proposals/{slug}", s.handle(s.getSetProposal))
	r.Get("/proposals/{slug}/areas", s.handle(s.getProposalAreas))
	r.Get("/proposals/{slug}/blocks/{code}", s.handle(s.getProposalBlock))
	r.Group(func(r chi.Router) {
		r.Use(s.require(auth.Editor), s.unscoped)
		r.Post("/proposals/sets", s.handle(s.createProposal))
		r.Post("/proposals/{slug}/moves", s.handle(s.moveBlock))
		r.Patch("/proposals/{slug}/areas/{code}", s.handle(s.renameProposalArea))
		r.Post("/proposals/{slug}/publish", s.handle(s.publishProposal))
	})
}

// unscoped lets through only users whose writes no scope limits.
func (s *Server) unscoped(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g, err := grantOf(r)
		if err == nil && g.Limited() {
			err = place.Errorf(place.EFORBIDDEN, "your writes are limited to %s; a set proposal spans a whole geography", g)
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

type proposalJSON struct {
	Slug       string            `json:"slug"`
	Title      string            `json:"title"`
	Kind       place.Kind        `json:"kind"`
	Params     json.RawMessage   `json:"params"`
	Blocks     string            `json:"blocks_set"`
	Series     string            `json:"series"`
	Version    int64             `json:"version"`
	Status     string            `json:"status"`
	Published  []string          `json:"published"`
	Dirty      bool              `json:"dirty"`
	Areas      int               `json:"areas"`
	Overall    float64           `json:"overall"`
	Report     json.RawMessage   `json:"report"`
	Assignment map[string]string `json:"assignment"`
	Names      map[string]string `json:"names"`
	CreatedAt  time.Time         `json:"created_at"`
	UpdatedAt  time.Time         `json:"updated_at"`
}

func proposalOut(p place.SetProposal) proposalJSON {
	return proposalJSON{Slug: p.Slug, Title: p.Title, Kind: p.Kind, Params: p.Params, Blocks: p.Blocks, Series: p.Series,
		Version: p.Version, Status: p.Status, Published: p.Published, Dirty: p.Status == place.ProposalDraft, Areas: p.Areas,
		Overall: p.Overall, Report: p.Report, Assignment: p.Assignment, Names: p.Names, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
}

func (s *Server) listSetProposals(w http.ResponseWriter, r *http.Request) error {
	all, err := s.setProposals.SetProposals(r.Context())
	if err != nil {
		return err
	}
	type item struct {
		Slug      string    `json:"slug"`
		Title     string    `json:"title"`
		Kind      string    `json:"kind"`
		Status    string    `json:"status"`
		Areas     int       `json:"areas"`
		Overall   float64   `json:"overall"`
		Version   int64     `json:"version"`
		Published []string  `json:"published"`
		UpdatedAt time.Time `json:"updated_at"`
	}
	out := make([]item, 0, len(all))
	for _, p := range all {
		out = append(out, item{p.Slug, p.Title, string(p.Kind), p.Status, p.Areas, p.Overall, p.Version, p.Published, p.UpdatedAt})
	}
	writeJSON(w, http.StatusOK, map[string]any{"proposals": out})
	return nil
}

func (s *Server) getSetProposal(w http.ResponseWriter, r *http.Request) error {
	p, err := s.setProposals.SetProposal(r.Context(), chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	w.Header().Set("ETag", versionETag(p.Version))
	writeJSON(w, http.StatusOK, proposalOut(p))
	return nil
}

// proposalAreas is a FeatureCollection of a draft's areas, each with code,
// name and the figures the workflow gave it (population, blocks, nest,
// contiguous) as properties.
func proposalAreas(slug string, areas []place.Area) *geojson.FeatureCollection {
	fc := geojson.NewFeatureCollection()
	for _, a := range areas {
		f := geojson.NewFeature(rfc7946.Orient(a.Geometry))
		f.ID = a.Code
		f.Properties = geojson.Properties{"proposal": slug, "code": a.Code, "name": a.Name}
		for _, k := range []string{"population", "blocks", "nest", "contiguous"} {
			if v, ok := a.Properties[k]; ok {
				f.Properties[k] = v
			}
		}
		fc.Append(f)
	}
	return fc
}

func (s *Server) getProposalAreas(w http.ResponseWriter, r *http.Request) error {
	slug := chi.URLParam(r, "slug")
	areas, v, err := s.proposals.Areas(r.Context(), slug)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", versionETag(v))
	writeJSONType(w, http.StatusOK, "application/geo+json", proposalAreas(slug, areas))
	return nil
}

func (s *Server) createProposal(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		proposals.Params
		Slug  string     `json:"slug"`
		Title string     `json:"title"`
		Kind  place.Kind `json:"kind"`
	}
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	r = changeContext(r)
	p, _, err := s.proposals.Create(r.Context(), proposals.New{Params: body.Params, Slug: body.Slug, Title: body.Title, Kind: body.Kind})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/proposals/"+p.Slug)
	w.Header().Set("ETag", versionETag(p.Version))
	writeJSON(w, http.StatusCreated, proposalOut(p))
	return nil
}

// getProposalBlock says which area a block of the draft is in and, for
// each area it shares an edge with, whether a move there keeps every rule
// and why not — what the editor offers before anyone presses a button.
func (s *Server) getProposalBlock(w http.ResponseWriter, r *http.Request) error {
	b, err := s.proposals.Block(r.Context(), chi.URLParam(r, "slug"), chi.URLParam(r, "code"))
	if err != nil {
		return err
	}
	w.Header().Set("ETag", versionETag(b.Version))
	writeJSON(w, http.StatusOK, b)
	return nil
}

func (s *Server) moveBlock(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Block   string `json:"block"`
		To      string `json:"to"`
		Version int64  `json:"version"`
	}
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	if body.Block == "" || body.To == "" || body.Version < 1 {
		return place.Errorf(place.EINVALID, "a move needs block, to (an area code) and version (the proposal's version you read)")
	}
	slug := chi.URLParam(r, "slug")
	m, err := s.proposals.Move(changeContext(r).Context(), slug, body.Block, body.To, body.Version)
	if err != nil {
		return s.staleProposal(r.Context(), slug, body.Version, err)
	}
	w.Header().Set("ETag", versionETag(m.Version))
	writeJSON(w, http.StatusOK, map[string]any{"version": m.Version, "report": m.Report, "areas": proposalAreas(slug, m.Areas),
		"moved": map[string]string{"block": m.Block, "from": m.From, "to": m.To}})
	return nil
}

func (s *Server) renameProposalArea(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Name    string `json:"name"`
		Version int64  `json:"version"`
	}
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	if body.Version < 1 {
		return place.Errorf(place.EINVALID, "a rename needs version (the proposal's version you read)")
	}
	slug, code := chi.URLParam(r, "slug"), chi.URLParam(r, "code")
	v, err := s.proposals.Rename(changeContext(r).Context(), slug, code, body.Name, body.Version)
	if err != nil {
		return s.staleProposal(r.Context(), slug, body.Version, err)
	}
	w.Header().Set("ETag", versionETag(v))
	writeJSON(w, http.StatusOK, map[string]any{"version": v, "code": code, "name": body.Name})
	return nil
}

func (s *Server) publishProposal(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Slug    string `json:"slug"`
		Title   string `json:"title"`
		Version int64  `json:"version"`
	}
	if err := decodeOptionalBody(r, &body); err != nil {
		return err
	}
	slug := chi.URLParam(r, "slug")
	p, err := s.proposals.Publish(changeContext(r).Context(), slug, proposals.Publish{Slug: body.Slug, Title: body.Title, Version: body.Version})
	if err != nil {
		return s.staleProposal(r.Context(), slug, body.Version, err)
	}
	set := p.Published[len(p.Published)-1]
	w.Header().Set("Location", "/api/sets/"+set)
	w.Header().Set("ETag", versionETag(p.Version))
	writeJSON(w, http.StatusCreated, map[string]any{"set": set, "series": p.Series, "version": p.Version, "published": p.Published})
	return nil
}

// staleProposal answers a write refused with ECONFLICT with the
// proposal's current version beside the error, as other conflicts are,
// and stale: whether it was refused because the proposal is no longer at
// version sent (0: none sent) rather than for breaking a rule. Other
// errors go as they are.
func (s *Server) staleProposal(ctx context.Context, slug string, sent int64, err error) error {
	if place.ErrorCode(err) != place.ECONFLICT {
		return err
	}
	p, rerr := s.setProposals.SetProposal(ctx, slug)
	if rerr != nil {
		return err
	}
	return newConflict(err, versionETag(p.Version), map[string]any{"current_version": p.Version, "stale": sent != 0 && sent != p.Version})
}
