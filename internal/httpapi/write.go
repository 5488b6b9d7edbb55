package httpapi

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/formats"
	"github.com/placemap/placemap/internal/geo"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// EPRECONDITION: a write that does not say which version it read.
const EPRECONDITION = "precondition_required"

// changeContext names the signed-in user and the request's comment on the
// revision a write makes.
func changeContext(r *http.Request) *http.Request {
	p, _ := principalOf(r)
	return r.WithContext(store.WithChange(r.Context(), p.User.Email, cleanComment(r.Header.Get("X-Placemap-Comment"))))
}

// readAsset reads one asset from a GeoJSON Feature body, through the same
// reader and rules as a file import.
func (s *Server) readAsset(w http.ResponseWriter, r *http.Request) (place.Asset, bool) {
	body, ok := s.readBody(w, r)
	if !ok {
		return place.Asset{}, false
	}
	if err := checkJSONText(body); err != nil {
		s.fail(w, r, err)
		return place.Asset{}, false
	}
	a, err := assetFromFeature(body)
	if err != nil {
		s.fail(w, r, err)
		return place.Asset{}, false
	}
	return a, true
}

// ifMatch reads the version a write is based on from If-Match ("3").
func (s *Server) ifMatch(w http.ResponseWriter, r *http.Request) (int64, bool) {
	h := strings.Trim(strings.TrimPrefix(strings.TrimSpace(r.Header.Get("If-Match")), "W/"), `"`)
	if h == "" {
		s.fail(w, r, place.Errorf(EPRECONDITION, "say which version you read: send If-Match with the ETag of GET /api/assets/{id}"))
		return 0, false
	}
	v, err := strconv.ParseInt(h, 10, 64)
	if err != nil || v < 1 {
		s.fail(w, r, place.Errorf(place.EINVALID, "If-Match %q: want the asset's version, e.g. \"3\"", place.Excerpt(r.Header.Get("If-Match"))))
		return 0, false
	}
	return v, true
}

func versionETag(v int64) string { return `"` + strconv.FormatInt(v, 10) + `"` }

func (s *Server) createAsset(w http.ResponseWriter, r *http.Request) {
	a, ok := s.readAsset(w, r)
	if !ok {
		return
	}
	a.ID = uuid.NewString()
	if !s.checkScope(w, r, a.Geometry) {
		return
	}
	r = changeContext(r)
	if _, err := s.store.AddAssets(r.Context(), []place.Asset{a}); err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeAsset(w, r, a.ID, http.StatusCreated)
}

func (s *Server) updateAsset(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	v, ok := s.ifMatch(w, r)
	if !ok {
		return
	}
	a, ok := s.readAsset(w, r)
	if !ok {
		return
	}
	a.ID = id
	if !s.checkScope(w, r, s.currentGeometry(r, id), a.Geometry) {
		return
	}
	r = changeContext(r)
	if _, err := s.store.UpdateAsset(r.Context(), a, v); err != nil {
		s.conflict(w, r, id, err)
		return
	}
	s.writeAsset(w, r, id, http.StatusOK)
}

func (s *Server) deleteAsset(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	v, ok := s.ifMatch(w, r)
	if !ok {
		return
	}
	if !s.checkScope(w, r, s.currentGeometry(r, id)) {
		return
	}
	r = changeContext(r)
	if err := s.store.DeleteAsset(r.Context(), id, v); err != nil {
		s.conflict(w, r, id, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// conflict answers a failed write: 409 with the current version and ETag
// when someone else changed the asset first.
func (s *Server) conflict(w http.ResponseWriter, r *http.Request, id string, err error) {
	if place.ErrorCode(err) != place.ECONFLICT {
		s.fail(w, r, err)
		return
	}
	cur, gerr := s.store.Asset(r.Context(), id)
	if gerr != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("ETag", versionETag(cur.Version))
	writeJSON(w, http.StatusConflict, map[string]any{
		"error":           errorDetail{place.ECONFLICT, place.ErrorMessage(err)},
		"current_version": cur.Version,
		"current":         assetFeature(cur),
	})
}

func (s *Server) writeAsset(w http.ResponseWriter, r *http.Request, id string, status int) {
	a, err := s.store.Asset(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("ETag", versionETag(a.Version))
	w.Header().Set("Location", s.baseURL(r)+"/api/assets/"+id)
	writeJSONType(w, status, "application/geo+json", assetFeature(a))
}

// markReviewed records that someone checked the asset against the world.
func (s *Server) markReviewed(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	v, ok := s.ifMatch(w, r)
	if !ok {
		return
	}
	r = changeContext(r)
	if _, err := s.store.MarkReviewed(r.Context(), id, v); err != nil {
		s.conflict(w, r, id, err)
		return
	}
	s.writeAsset(w, r, id, http.StatusOK)
}

// inScope reports whether a scoped editor or moderator may write at g: it
// must lie in one of the user's sets or areas. Unscoped users write
// anywhere.
func (s *Server) inScope(r *http.Request, g orb.Geometry) (bool, error) {
	p, _ := principalOf(r)
	if len(p.User.Scopes) == 0 || g == nil {
		return true, nil
	}
	pt := geo.PointOnSurface(g)
	b := orb.Bound{Min: pt, Max: pt}
	for _, sc := range p.User.Scopes {
		set, code, _ := strings.Cut(sc, ":")
		areas, err := s.store.AreaShapes(r.Context(), set, store.ShapeQuery{BBox: b})
		if place.ErrorCode(err) == place.ENOTFOUND {
			continue
		}
		if err != nil {
			return false, err
		}
		cands := make([]place.Candidate, len(areas))
		for i, a := range areas {
			cands[i] = place.Candidate{Code: a.Code, Name: a.Name, Geometry: a.Geometry}
		}
		if c, ok := place.Locate(pt, cands); ok && (code == "" || c.Code == code) {
			return true, nil
		}
	}
	return false, nil
}

// checkScope answers 403 when the user's scope does not cover every
// geometry the write touches (where the asset is, and where it goes).
func (s *Server) checkScope(w http.ResponseWriter, r *http.Request, gs ...orb.Geometry) bool {
	for _, g := range gs {
		ok, err := s.inScope(r, g)
		if err != nil {
			s.fail(w, r, err)
			return false
		}
		if !ok {
			p, _ := principalOf(r)
			s.fail(w, r, place.Errorf(EFORBIDDEN, "outside your scope (%s)", strings.Join(p.User.Scopes, ", ")))
			return false
		}
	}
	return true
}

// currentGeometry is where an asset is now, or nil if it does not exist
// (the write then fails with 404 on its own).
func (s *Server) currentGeometry(r *http.Request, id string) orb.Geometry {
	a, err := s.store.Asset(r.Context(), id)
	if err != nil {
		return nil
	}
	return a.Geometry
}

// updateArea renames or redraws an area: a GeoJSON Feature with a
// Polygon or MultiPolygon and properties.name, If-Match the area's
// version. Editors scoped to sets or areas may change only those.
func (s *Server) updateArea(w http.ResponseWriter, r *http.Request) {
	set, code := chi.URLParam(r, "slug"), chi.URLParam(r, "code")
	v, ok := s.ifMatch(w, r)
	if !ok {
		return
	}
	var body struct {
		Type       string          `json:"type"`
		Geometry   json.RawMessage `json:"geometry"`
		Properties map[string]any  `json:"properties"`
	}
	if !s.decodeBody(w, r, &body) {
		return
	}
	g, err := formats.DecodeGeometry(body.Geometry)
	if err != nil {
		s.fail(w, r, place.Errorf(place.EINVALID, "geometry: %v", err))
		return
	}
	mp, err := geo.ToMultiPolygon(g)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	name, _ := body.Properties["name"].(string)
	cur, err := s.store.Area(r.Context(), set, code)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if name == "" {
		name = cur.Name
	}
	if !s.areaInScope(w, r, set, code) {
		return
	}
	r = changeContext(r)
	if _, err := s.store.UpdateArea(r.Context(), place.Area{Set: set, Code: code, Name: name, Properties: cur.Properties, Geometry: mp}, v); err != nil {
		if place.ErrorCode(err) == place.ECONFLICT {
			if now, verr := s.store.AreaVersion(r.Context(), set, code); verr == nil {
				w.Header().Set("ETag", versionETag(now))
				writeJSON(w, http.StatusConflict, map[string]any{"error": errorDetail{place.ECONFLICT, place.ErrorMessage(err)}, "current_version": now})
				return
			}
		}
		s.fail(w, r, err)
		return
	}
	s.getArea(w, r)
}

// areaInScope: a scoped user may change an area of a set in their scope,
// or an area named in it.
func (s *Server) areaInScope(w http.ResponseWriter, r *http.Request, set, code string) bool {
	p, _ := principalOf(r)
	if len(p.User.Scopes) == 0 {
		return true
	}
	for _, sc := range p.User.Scopes {
		if sc == set || sc == set+":"+code {
			return true
		}
	}
	s.fail(w, r, place.Errorf(EFORBIDDEN, "outside your scope (%s)", strings.Join(p.User.Scopes, ", ")))
	return false
}

// areaFromBody reads an area Feature: properties.code, properties.name and
// a Polygon or MultiPolygon.
func (s *Server) areaFromBody(w http.ResponseWriter, r *http.Request) (place.Area, bool) {
	var body struct {
		Type       string          `json:"type"`
		Geometry   json.RawMessage `json:"geometry"`
		Properties map[string]any  `json:"properties"`
	}
	if !s.decodeBody(w, r, &body) {
		return place.Area{}, false
	}
	g, err := formats.DecodeGeometry(body.Geometry)
	if err != nil {
		s.fail(w, r, place.Errorf(place.EINVALID, "geometry: %v", err))
		return place.Area{}, false
	}
	mp, err := geo.ToMultiPolygon(g)
	if err != nil {
		s.fail(w, r, err)
		return place.Area{}, false
	}
	code, _ := body.Properties["code"].(string)
	name, _ := body.Properties["name"].(string)
	return place.Area{Set: chi.URLParam(r, "slug"), Code: code, Name: name, Geometry: mp}, true
}

// addArea adds an area to a set (editors+; scoped editors only to sets in
// their scope).
func (s *Server) addArea(w http.ResponseWriter, r *http.Request) {
	a, ok := s.areaFromBody(w, r)
	if !ok {
		return
	}
	if a.Code == "" {
		a.Code = place.Slugify(a.Name)
	}
	if !s.areaInScope(w, r, a.Set, a.Code) {
		return
	}
	r = changeContext(r)
	if err := s.store.AddArea(r.Context(), a); err != nil {
		s.fail(w, r, err)
		return
	}
	created, err := s.store.Area(r.Context(), a.Set, a.Code)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := areaFeature(created)
	f.Properties["version"] = 1
	w.Header().Set("ETag", versionETag(1))
	w.Header().Set("Location", s.baseURL(r)+"/api/sets/"+a.Set+"/areas/"+a.Code)
	writeJSONType(w, http.StatusCreated, "application/geo+json", f)
}

// deleteArea removes an area (If-Match its version).
func (s *Server) deleteArea(w http.ResponseWriter, r *http.Request) {
	set, code := chi.URLParam(r, "slug"), chi.URLParam(r, "code")
	v, ok := s.ifMatch(w, r)
	if !ok || !s.areaInScope(w, r, set, code) {
		return
	}
	r = changeContext(r)
	if err := s.store.DeleteArea(r.Context(), set, code, v); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
