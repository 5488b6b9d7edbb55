package httpapi

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/auth"
	"github.com/placemap/placemap/internal/formats"
	"github.com/placemap/placemap/internal/geo"
	"github.com/placemap/placemap/internal/place"
)

func (s *Server) suggestionRoutes(r chi.Router) {
	r.Post("/suggestions", s.suggest)
	r.With(s.require(auth.Moderator)).Get("/suggestions", s.listSuggestions)
	r.With(s.require(auth.Moderator)).Post("/suggestions/{id}/accept", s.decide(true))
	r.With(s.require(auth.Moderator)).Post("/suggestions/{id}/reject", s.decide(false))
}

// assetFromFeature reads one asset from a GeoJSON Feature, through the
// same reader and rules as a file import.
func assetFromFeature(raw json.RawMessage) (place.Asset, error) {
	fc := append(append([]byte(`{"type":"FeatureCollection","features":[`), bytes.TrimSpace(raw)...), []byte("]}")...)
	assets, err := formats.ReadAssetsGeoJSON(bytes.NewReader(fc), "feature", formats.AssetOptions{Source: "placemap"})
	if err != nil {
		return place.Asset{}, err
	}
	if len(assets) != 1 {
		return place.Asset{}, place.Errorf(place.EINVALID, "feature: want one GeoJSON Feature")
	}
	return assets[0], nil
}

// suggest takes a proposed change from anyone: a contributor, or an
// anonymous visitor (rate-limited, and a honeypot field catches bots).
func (s *Server) suggest(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Kind     string          `json:"kind"`
		AssetID  string          `json:"asset_id"`
		Feature  json.RawMessage `json:"feature"`
		Comment  string          `json:"comment"`
		Set      string          `json:"set"`         // area: the community set the drawing is for
		Code     string          `json:"code"`        // area: optional; made from the name when empty
		Place    string          `json:"place"`       // area: optional; the place the drawing defines
		Honeypot string          `json:"website_url"` // a field people never see
	}
	if !s.decodeBody(w, r, &body) {
		return
	}
	author := "anonymous"
	if p, ok := principalOf(r); ok {
		if p.Session != nil && subtle.ConstantTimeCompare([]byte(r.Header.Get("X-CSRF-Token")), []byte(p.Session.CSRF)) != 1 {
			s.fail(w, r, place.Errorf(EFORBIDDEN, "missing or wrong X-CSRF-Token: take it from GET /api/me"))
			return
		}
		author = p.User.Email
	} else if ok, wait := s.suggestions.allow("ip:"+clientIP(r), time.Now()); !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		s.fail(w, r, place.Errorf(ETOOMANY, "too many suggestions from here; try again later"))
		return
	}
	if body.Honeypot != "" {
		// Looks accepted, so the bot learns nothing; nothing is stored.
		writeJSON(w, http.StatusAccepted, map[string]string{"status": place.Pending})
		return
	}
	sg := place.Suggestion{ID: uuid.NewString(), Kind: body.Kind, AssetID: body.AssetID, Comment: body.Comment, Author: author}
	switch {
	case body.Kind == place.AreaDrawing:
		a, err := drawingFromFeature(body.Feature)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		a.Set, a.Code = body.Set, body.Code
		sg.Area, sg.Place = &a, body.Place
	case body.Kind == place.Closure && len(body.Feature) == 0:
		cur, err := s.store.Asset(r.Context(), body.AssetID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		sg.Proposed = cur
	case len(body.Feature) == 0:
		s.fail(w, r, place.Errorf(place.EINVALID, "a %q suggestion carries the asset as a GeoJSON Feature in \"feature\"", body.Kind))
		return
	default:
		a, err := assetFromFeature(body.Feature)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if body.Kind == place.NewAsset {
			a.ID = uuid.NewString()
		}
		sg.Proposed = a
	}
	if err := s.store.CreateSuggestion(r.Context(), sg); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"id": sg.ID, "status": place.Pending,
		"message": "thank you: a moderator will look at it"})
}

// drawingFromFeature reads a neighbourhood drawn as a GeoJSON Feature: a
// Polygon or MultiPolygon and properties.name.
func drawingFromFeature(raw json.RawMessage) (place.Area, error) {
	if len(raw) == 0 {
		return place.Area{}, place.Errorf(place.EINVALID, "an area suggestion carries the drawing as a GeoJSON Feature in \"feature\"")
	}
	var f struct {
		Type       string          `json:"type"`
		Geometry   json.RawMessage `json:"geometry"`
		Properties map[string]any  `json:"properties"`
	}
	if err := json.Unmarshal(raw, &f); err != nil || f.Type != "Feature" {
		return place.Area{}, place.Errorf(place.EINVALID, "feature: want a GeoJSON Feature")
	}
	g, err := formats.DecodeGeometry(f.Geometry)
	if err != nil {
		return place.Area{}, place.Errorf(place.EINVALID, "feature: geometry: %v", err)
	}
	mp, err := geo.ToMultiPolygon(g)
	if err != nil {
		return place.Area{}, place.Errorf(place.EINVALID, "feature: %v", err)
	}
	name, _ := f.Properties["name"].(string)
	return place.Area{Name: strings.TrimSpace(name), Geometry: mp}, nil
}

func (s *Server) suggestionJSON(r *http.Request, sg place.Suggestion) map[string]any {
	if sg.Kind == place.AreaDrawing && sg.Area != nil {
		out := map[string]any{"id": sg.ID, "kind": sg.Kind, "set": sg.Area.Set, "code": sg.Area.Code, "place": sg.Place,
			"comment": sg.Comment, "status": sg.Status, "reason": sg.Reason,
			"created_at": sg.CreatedAt, "proposed": areaFeature(*sg.Area),
			"changes": []fieldChange{{Field: "name", To: sg.Area.Name}, {Field: "set", To: sg.Area.Set}}}
		s.suggestionPeople(r, out, sg)
		return out
	}
	out := map[string]any{"id": sg.ID, "kind": sg.Kind, "asset_id": sg.AssetID, "comment": sg.Comment,
		"status": sg.Status, "reason": sg.Reason, "created_at": sg.CreatedAt,
		"proposed": assetFeature(sg.Proposed)}
	s.suggestionPeople(r, out, sg)
	live := map[string]string{}
	if sg.Kind != place.NewAsset {
		if cur, err := s.store.Asset(r.Context(), sg.AssetID); err == nil {
			live = assetFields(cur)
			out["live_version"] = cur.Version
		}
	}
	out["changes"] = diffAssets(live, assetFields(sg.Proposed))
	return out
}

// suggestionPeople names who suggested and who decided: by display name
// (or role) to moderators, by e-mail too to admins. decided_by stays ""
// for admins while pending, as before.
func (s *Server) suggestionPeople(r *http.Request, out map[string]any, sg place.Suggestion) {
	pp := s.people(r)
	pp.set(out, "author", sg.Author)
	pp.set(out, "decided_by", sg.DecidedBy)
	if pp.admin {
		out["decided_by"] = sg.DecidedBy
	}
}

func (s *Server) listSuggestions(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if err := allowParams(q, "status"); err != nil {
		s.fail(w, r, err)
		return
	}
	status := q.Get("status")
	switch status {
	case "", place.Pending, place.Accepted, place.Rejected:
	default:
		s.fail(w, r, place.Errorf(place.EINVALID, "status %q: want pending, accepted or rejected", status))
		return
	}
	list, err := s.store.Suggestions(r.Context(), status)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]map[string]any, len(list))
	for i, sg := range list {
		out[i] = s.suggestionJSON(r, sg)
	}
	writeJSON(w, http.StatusOK, map[string]any{"suggestions": out})
}

// decide accepts (optionally with the moderator's edits) or rejects.
func (s *Server) decide(accept bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Reason  string          `json:"reason"`
			Feature json.RawMessage `json:"feature"`
		}
		if r.ContentLength != 0 && !s.decodeBody(w, r, &body) {
			return
		}
		if !accept && body.Reason == "" {
			s.fail(w, r, place.Errorf(place.EINVALID, "say why in \"reason\": the person who suggested it will read it"))
			return
		}
		var edited *place.Asset
		if accept && len(body.Feature) > 0 {
			a, err := assetFromFeature(body.Feature)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			edited = &a
		}
		if current, err := s.store.Suggestion(r.Context(), chi.URLParam(r, "id")); err == nil {
			touched := []orb.Geometry{current.Proposed.Geometry}
			if current.Area != nil {
				touched = []orb.Geometry{current.Area.Geometry}
			}
			if edited != nil {
				touched = append(touched, edited.Geometry)
			}
			if !s.checkScope(w, r, touched...) {
				return
			}
			// Accepting a drawing adds an area to its set: only an admin
			// may, where that would widen a scope (place.PermitAreaEdit).
			if accept && current.Area != nil && !s.permitAreaEdit(w, r, current.Area.Set, current.Area.Code, place.AddArea) {
				return
			}
		}
		r = changeContext(r)
		sg, err := s.store.DecideSuggestion(r.Context(), chi.URLParam(r, "id"), accept, body.Reason, edited)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, s.suggestionJSON(r, sg))
	}
}
