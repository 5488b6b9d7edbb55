package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/auth"
	"github.com/placemap/placemap/internal/formats"
	"github.com/placemap/placemap/internal/geo"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// changeContext names the signed-in user and the request's comment on the
// revision a write makes.
func changeContext(r *http.Request) *http.Request {
	p, _ := principalOf(r)
	return r.WithContext(store.WithAuthor(r.Context(), p.User.Email, cleanComment(r.Header.Get("X-Placemap-Comment"))))
}

// readAsset reads one asset from a GeoJSON Feature body, through the same
// reader and rules as a file import.
func readAsset(r *http.Request) (place.Asset, error) {
	body, err := readBody(r)
	if err != nil {
		return place.Asset{}, err
	}
	if err := checkJSONText(body); err != nil {
		return place.Asset{}, err
	}
	return assetFromFeature(body)
}

// ifMatch reads the version a write is based on from If-Match ("3"):
// EPRECONDITION without one.
func ifMatch(r *http.Request) (int64, error) {
	h := strings.Trim(strings.TrimPrefix(strings.TrimSpace(r.Header.Get("If-Match")), "W/"), `"`)
	if h == "" {
		return 0, place.Errorf(place.EPRECONDITION, "say which version you read: send If-Match with the ETag of GET /api/assets/{id}")
	}
	v, err := strconv.ParseInt(h, 10, 64)
	if err != nil || v < 1 {
		return 0, place.Errorf(place.EINVALID, "If-Match %q: want the asset's version, e.g. \"3\"", place.Excerpt(r.Header.Get("If-Match")))
	}
	return v, nil
}

func versionETag(v int64) string { return `"` + strconv.FormatInt(v, 10) + `"` }

func (s *Server) createAsset(w http.ResponseWriter, r *http.Request) error {
	a, err := readAsset(r)
	if err != nil {
		return err
	}
	a.ID = uuid.NewString()
	if err := s.checkScope(r, a.Geometry); err != nil {
		return err
	}
	r = changeContext(r)
	if _, err := s.assets.AddAssets(r.Context(), []place.Asset{a}); err != nil {
		return err
	}
	return s.writeAsset(w, r, a.ID, http.StatusCreated)
}

func (s *Server) updateAsset(w http.ResponseWriter, r *http.Request) error {
	id := chi.URLParam(r, "id")
	v, err := ifMatch(r)
	if err != nil {
		return err
	}
	a, err := readAsset(r)
	if err != nil {
		return err
	}
	a.ID = id
	if err := s.checkAssetScope(r, id, a.Geometry); err != nil {
		return err
	}
	r = changeContext(r)
	if _, err := s.assets.UpdateAsset(r.Context(), a, v); err != nil {
		return s.conflict(r, id, err)
	}
	return s.writeAsset(w, r, id, http.StatusOK)
}

func (s *Server) deleteAsset(w http.ResponseWriter, r *http.Request) error {
	id := chi.URLParam(r, "id")
	v, err := ifMatch(r)
	if err != nil {
		return err
	}
	if err := s.checkAssetScope(r, id); err != nil {
		return err
	}
	r = changeContext(r)
	if err := s.assets.DeleteAsset(r.Context(), id, v); err != nil {
		return s.conflict(r, id, err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// conflict is a failed write's error: when someone else changed the asset
// first, a conflictError with its current version and ETag.
func (s *Server) conflict(r *http.Request, id string, err error) error {
	if place.ErrorCode(err) != place.ECONFLICT {
		return err
	}
	cur, gerr := s.assets.Asset(r.Context(), id)
	if gerr != nil {
		return err
	}
	return newConflict(err, versionETag(cur.Version), map[string]any{
		"current_version": cur.Version,
		"current":         assetFeature(cur),
	})
}

func (s *Server) writeAsset(w http.ResponseWriter, r *http.Request, id string, status int) error {
	a, err := s.assets.Asset(r.Context(), id)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", versionETag(a.Version))
	w.Header().Set("Location", s.baseURL(r)+"/api/assets/"+id)
	writeJSONType(w, status, "application/geo+json", assetFeature(a))
	return nil
}

// markReviewed records that someone checked the asset against the world:
// a write like any other, so a scoped editor marks only assets in scope.
func (s *Server) markReviewed(w http.ResponseWriter, r *http.Request) error {
	id := chi.URLParam(r, "id")
	v, err := ifMatch(r)
	if err != nil {
		return err
	}
	if err := s.checkAssetScope(r, id); err != nil {
		return err
	}
	r = changeContext(r)
	if _, err := s.assets.MarkReviewed(r.Context(), id, v); err != nil {
		return s.conflict(r, id, err)
	}
	return s.writeAsset(w, r, id, http.StatusOK)
}

// grantOf is where the signed-in user may write (place.AccountGrant: a
// scope that cannot be read fails closed).
func grantOf(r *http.Request) (place.Grant, error) {
	p, _ := principalOf(r)
	return place.AccountGrant(p.User.Scopes)
}

// areaLocator places geometries among the store's areas for the scope
// rules (place.Locator): at their point on surface, as membership does.
type areaLocator struct {
	ctx   context.Context
	areas AreaStore
}

func (l areaLocator) Point(g orb.Geometry) orb.Point { return geo.PointOnSurface(g) }

func (l areaLocator) Areas(set string, pt orb.Point) ([]place.Candidate, error) {
	areas, err := l.areas.AreaShapes(l.ctx, set, store.ShapeQuery{BBox: orb.Bound{Min: pt, Max: pt}})
	if err != nil {
		return nil, err
	}
	cands := make([]place.Candidate, len(areas))
	for i, a := range areas {
		cands[i] = place.Candidate{Code: a.Code, Name: a.Name, Geometry: a.Geometry}
	}
	return cands, nil
}

// checkScope is EFORBIDDEN unless the user's scope covers every geometry
// the write touches (where the asset is, and where it goes); nil stands
// for "nowhere" (no current asset) and is left out. The rule is
// place.PermitAssetWriteAt.
func (s *Server) checkScope(r *http.Request, gs ...orb.Geometry) error {
	g, err := grantOf(r)
	if err != nil {
		return err
	}
	return place.PermitAssetWriteAt(g, areaLocator{r.Context(), s.areas}, gs...)
}

// inScope reports whether the signed-in user's scope covers g, by the same
// rule as checkScope (place.Grant.InScope), for work that filters rather
// than refuses (a scoped conflation run keeps only what lies in scope).
func (s *Server) inScope(r *http.Request, g orb.Geometry) (bool, error) {
	grant, err := grantOf(r)
	if err != nil {
		return false, err
	}
	return grant.InScope(g, areaLocator{r.Context(), s.areas})
}

// checkAssetScope is checkScope over where asset id is now (if it is) and
// gs, where the write puts it.
func (s *Server) checkAssetScope(r *http.Request, id string, gs ...orb.Geometry) error {
	cur, err := s.currentGeometry(r, id)
	if err != nil {
		return err
	}
	return s.checkScope(r, append([]orb.Geometry{cur}, gs...)...)
}

// checkTouched is checkScope over the places at and where the assets
// named are now (as place's Touches list them for a decision).
func (s *Server) checkTouched(r *http.Request, at []orb.Geometry, assets []string) error {
	for _, id := range assets {
		g, err := s.currentGeometry(r, id)
		if err != nil {
			return err
		}
		at = append(at, g) // nil (no such asset) is left out
	}
	return s.checkScope(r, at...)
}

// currentGeometry is where an asset is now, or nil if it does not exist
// (the write then fails with 404 on its own).
func (s *Server) currentGeometry(r *http.Request, id string) (orb.Geometry, error) {
	a, err := s.assets.Asset(r.Context(), id)
	if place.ErrorCode(err) == place.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return a.Geometry, nil
}

// updateArea renames or redraws an area: a GeoJSON Feature with a
// Polygon or MultiPolygon (or no geometry, to rename only) and
// properties.name, If-Match the area's version. Scoped editors change only
// areas in their scope, and nobody but an admin redraws an area that
// defines a scope (place.PermitAreaEdit); renaming is allowed.
func (s *Server) updateArea(w http.ResponseWriter, r *http.Request) error {
	set, code := chi.URLParam(r, "slug"), chi.URLParam(r, "code")
	v, err := ifMatch(r)
	if err != nil {
		return err
	}
	var body struct {
		Type       string          `json:"type"`
		Geometry   json.RawMessage `json:"geometry"`
		Properties map[string]any  `json:"properties"`
	}
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	var mp orb.MultiPolygon
	if raw := strings.TrimSpace(string(body.Geometry)); raw != "" && raw != "null" {
		g, err := formats.DecodeGeometry(body.Geometry)
		if err != nil {
			return place.Errorf(place.EINVALID, "geometry: %v", err)
		}
		if mp, err = geo.ToMultiPolygon(g); err != nil {
			return err
		}
	}
	name, _ := body.Properties["name"].(string)
	cur, err := s.areas.Area(r.Context(), set, code)
	if err != nil {
		return err
	}
	if name == "" {
		name = cur.Name
	}
	edit := place.EditOf(cur.Geometry, mp)
	if mp == nil {
		mp = cur.Geometry
	}
	if err := s.permitAreaEdit(r, set, code, edit); err != nil {
		return err
	}
	// Placing again the assets an area's change touches is overlay work.
	release, err := s.expensive(r)
	if err != nil {
		return err
	}
	defer release()
	r = changeContext(r)
	if _, err := s.areas.UpdateArea(r.Context(), place.Area{Set: set, Code: code, Name: name, Properties: cur.Properties, Geometry: mp}, v); err != nil {
		if place.ErrorCode(err) == place.ECONFLICT {
			if now, verr := s.areas.AreaVersion(r.Context(), set, code); verr == nil {
				return newConflict(err, versionETag(now), map[string]any{"current_version": now})
			}
		}
		return err
	}
	return s.getArea(w, r)
}

// areaInScope: a scoped user may act on an area of a set in their scope,
// or an area named in it (place.Grant.PermitArea); EFORBIDDEN otherwise.
func areaInScope(r *http.Request, set, code string) error {
	g, err := grantOf(r)
	if err != nil {
		return err
	}
	return g.PermitArea(set, code)
}

// permitAreaEdit is EFORBIDDEN unless the user may make edit e to the
// area: in their scope, and — a scope being a fixed grant — not changing
// the ground of an area that defines anyone's scope unless an admin.
func (s *Server) permitAreaEdit(r *http.Request, set, code string, e place.AreaEdit) error {
	g, err := grantOf(r)
	if err != nil {
		return err
	}
	held, err := s.accounts.GrantedScopes(r.Context())
	if err != nil {
		return err
	}
	p, _ := principalOf(r)
	return place.PermitAreaEdit(g, p.User.Role == auth.Admin, held, set, code, e)
}

// areaFromBody reads an area Feature: properties.code, properties.name and
// a Polygon or MultiPolygon.
func areaFromBody(r *http.Request) (place.Area, error) {
	var body struct {
		Type       string          `json:"type"`
		Geometry   json.RawMessage `json:"geometry"`
		Properties map[string]any  `json:"properties"`
	}
	if err := decodeBody(r, &body); err != nil {
		return place.Area{}, err
	}
	g, err := formats.DecodeGeometry(body.Geometry)
	if err != nil {
		return place.Area{}, place.Errorf(place.EINVALID, "geometry: %v", err)
	}
	mp, err := geo.ToMultiPolygon(g)
	if err != nil {
		return place.Area{}, err
	}
	code, _ := body.Properties["code"].(string)
	name, _ := body.Properties["name"].(string)
	return place.Area{Set: chi.URLParam(r, "slug"), Code: code, Name: name, Geometry: mp}, nil
}

// addArea adds an area to a set (editors+; scoped editors only to sets in
// their scope).
func (s *Server) addArea(w http.ResponseWriter, r *http.Request) error {
	a, err := areaFromBody(r)
	if err != nil {
		return err
	}
	if a.Code == "" {
		a.Code = place.Slugify(a.Name)
	}
	if err := s.permitAreaEdit(r, a.Set, a.Code, place.AddArea); err != nil {
		return err
	}
	release, err := s.expensive(r)
	if err != nil {
		return err
	}
	defer release()
	r = changeContext(r)
	if err := s.areas.AddArea(r.Context(), a); err != nil {
		return err
	}
	created, err := s.areas.Area(r.Context(), a.Set, a.Code)
	if err != nil {
		return err
	}
	f := areaFeature(created)
	f.Properties["version"] = 1
	w.Header().Set("ETag", versionETag(1))
	w.Header().Set("Location", s.baseURL(r)+"/api/sets/"+a.Set+"/areas/"+a.Code)
	writeJSONType(w, http.StatusCreated, "application/geo+json", f)
	return nil
}

// deleteArea removes an area (If-Match its version).
func (s *Server) deleteArea(w http.ResponseWriter, r *http.Request) error {
	set, code := chi.URLParam(r, "slug"), chi.URLParam(r, "code")
	v, err := ifMatch(r)
	if err != nil {
		return err
	}
	if err := s.permitAreaEdit(r, set, code, place.RemoveArea); err != nil {
		return err
	}
	release, err := s.expensive(r)
	if err != nil {
		return err
	}
	defer release()
	r = changeContext(r)
	if err := s.areas.DeleteArea(r.Context(), set, code, v); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
