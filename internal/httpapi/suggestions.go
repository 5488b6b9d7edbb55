package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/placemap/placemap/internal/auth"
	"github.com/placemap/placemap/internal/formats"
	"github.com/placemap/placemap/internal/geo"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
)

// The moderation queue's pages: a page holds at most maxSuggestionPage
// suggestions (drawings of up to place.MaxDrawnBytes each).
const (
	defaultSuggestionPage = 20
	maxSuggestionPage     = 50
)

func (s *Server) suggestionRoutes(r chi.Router) {
	r.Post("/suggestions", s.handle(s.suggest))
	r.With(s.require(auth.Moderator)).Get("/suggestions", s.handle(s.listSuggestions))
	r.With(s.require(auth.Moderator)).Post("/suggestions/{id}/accept", s.handle(s.decide(true)))
	r.With(s.require(auth.Moderator)).Post("/suggestions/{id}/reject", s.handle(s.decide(false)))
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

// optionalIfMatch reads If-Match ("3") when a request sends it: 0 when it
// does not.
func optionalIfMatch(r *http.Request) (int64, error) {
	if strings.TrimSpace(r.Header.Get("If-Match")) == "" {
		return 0, nil
	}
	return ifMatch(r)
}

// suggestionBody is a suggestion as sent.
type suggestionBody struct {
	Kind    string          `json:"kind"`
	AssetID string          `json:"asset_id"`
	Feature json.RawMessage `json:"feature"`
	Comment string          `json:"comment"`
	Set     string          `json:"set"`   // area: optional, a hint: the community set the drawing was drawn for
	Code    string          `json:"code"`  // area: ignored, kept for older clients
	Place   string          `json:"place"` // area: optional; the place the drawing is of
	// Answers (area) are the resident's answers to the deployment's
	// questions, question → answer.
	Answers  map[string]string `json:"answers"`
	Honeypot string            `json:"website_url"` // a field people never see
}

// suggestionAuthor is who sends a suggestion, if they may send one now:
// a signed-in account (its CSRF token checked) within its hourly limit,
// or an anonymous visitor within the limit of their address.
func (s *Server) suggestionAuthor(w http.ResponseWriter, r *http.Request) (string, error) {
	if p, ok := principalOf(r); ok {
		if err := checkCSRF(r, p); err != nil {
			return "", err
		}
		if ok, wait := s.accountSuggestions.allow("user:"+p.User.ID, time.Now()); !ok {
			w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
			return "", place.Errorf(place.ETOOMANY, "more than %d suggestions an hour from this account; try again in %d minutes",
				s.cfg.SuggestionsPerHour, int(wait.Minutes())+1)
		}
		return p.User.Email, nil
	}
	if ok, wait := s.visitorSuggestions.allow("ip:"+clientIP(r), time.Now()); !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		return "", place.Errorf(place.ETOOMANY, "too many suggestions from here; try again later")
	}
	return "anonymous", nil
}

// suggest takes a proposed change from anyone: a contributor, or an
// anonymous visitor. Visitors are limited per address and accounts per
// account; a honeypot field catches bots. A correction or closure is based
// on the version its sender saw (If-Match), else the current one. A
// drawing (kind area) makes a new drawing, pending, and its private key:
// the answer carries both, and the link its resident comes back by.
func (s *Server) suggest(w http.ResponseWriter, r *http.Request) error {
	var body suggestionBody
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	author, err := s.suggestionAuthor(w, r)
	if err != nil {
		return err
	}
	if body.Honeypot != "" {
		// Looks accepted, so the bot learns nothing; nothing is stored.
		writeJSON(w, http.StatusAccepted, map[string]string{"status": place.Pending})
		return nil
	}
	base, err := optionalIfMatch(r)
	if err != nil {
		return err
	}
	if err := place.CheckDrawnSize(body.Kind, len(body.Feature)); err != nil {
		return err
	}
	sg := place.Suggestion{ID: uuid.NewString(), Kind: body.Kind, AssetID: body.AssetID, Comment: body.Comment, Author: author}
	key := ""
	switch {
	case body.Kind == place.AreaDrawing:
		if key, err = s.newDrawing(&sg, body); err != nil {
			return err
		}
	case body.Kind == place.Closure && len(body.Feature) == 0:
		sg.BaseVersion = base // the store closes the asset as it stood then
	case len(body.Feature) == 0:
		return place.Errorf(place.EINVALID, "a %q suggestion carries the asset as a GeoJSON Feature in \"feature\"", body.Kind)
	default:
		a, err := assetFromFeature(body.Feature)
		if err != nil {
			return err
		}
		if body.Kind == place.NewAsset {
			a.ID = uuid.NewString()
		}
		sg.Proposed, sg.BaseVersion = a, base
	}
	if err := place.CheckBaseVersion(body.Kind, base); err != nil {
		return err
	}
	if err := s.suggestions.CreateSuggestion(r.Context(), sg); err != nil {
		return err
	}
	out := map[string]any{"id": sg.ID, "status": place.Pending, "message": "thank you: a moderator will look at it"}
	if key != "" {
		out["drawing"], out["edit_key"] = sg.Drawing, key
		out["edit_url"] = "/#my-drawing/" + sg.Drawing + "?key=" + key
	}
	writeJSON(w, http.StatusAccepted, out)
	return nil
}

// newDrawing fills an area suggestion from what was sent: the drawing it
// makes (a new id, and the stored form of its new private key, which it
// returns), its place, the set named as a hint, and the answers, checked
// against the deployment's questions.
func (s *Server) newDrawing(sg *place.Suggestion, body suggestionBody) (key string, err error) {
	if err := s.drawingChange(sg, body.Feature, body.Answers); err != nil {
		return "", err
	}
	sg.Area.Set, sg.Place = body.Set, body.Place
	key, hash, err := auth.NewSecret()
	if err != nil {
		return "", err
	}
	sg.Drawing, sg.DrawingKey = uuid.NewString(), hash
	return key, nil
}

// drawingChange fills an area suggestion's outline, name and answers.
func (s *Server) drawingChange(sg *place.Suggestion, feature json.RawMessage, answers map[string]string) error {
	a, err := drawingFromFeature(feature)
	if err != nil {
		return err
	}
	list, err := place.DrawingAnswers(answers, s.cfg.DrawingQuestions)
	if err != nil {
		return err
	}
	sg.Area, sg.Answers = &a, list
	return nil
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

// suggestionJSON is a suggestion as the moderation queue shows it: what it
// changes against the version it was based on and, when the asset has
// changed since, the three versions field by field with the merge that
// accepting onto the current version would write.
func (s *Server) suggestionJSON(r *http.Request, sg place.Suggestion) map[string]any {
	if sg.Kind == place.AreaDrawing && sg.Area != nil {
		out := map[string]any{"id": sg.ID, "kind": sg.Kind, "set": sg.Area.Set, "code": sg.Area.Code, "place": sg.Place,
			"drawing": sg.Drawing, "answers": nonNil(sg.Answers),
			"comment": sg.Comment, "status": sg.Status, "reason": sg.Reason,
			"created_at": sg.CreatedAt, "proposed": areaFeature(*sg.Area),
			"changes": []fieldChange{{Field: "name", To: sg.Area.Name}, {Field: "place", To: sg.Place}}}
		s.suggestionPeople(r, out, sg)
		return out
	}
	out := map[string]any{"id": sg.ID, "kind": sg.Kind, "asset_id": sg.AssetID, "comment": sg.Comment,
		"status": sg.Status, "reason": sg.Reason, "created_at": sg.CreatedAt,
		"proposed": assetFeature(sg.Proposed)}
	s.suggestionPeople(r, out, sg)
	before := map[string]string{}
	if sg.Base != nil {
		before = assetFields(*sg.Base)
		out["base_version"] = sg.BaseVersion
	}
	if sg.Kind != place.NewAsset {
		if cur, err := s.assets.Asset(r.Context(), sg.AssetID); err == nil {
			out["live_version"] = cur.Version
			if sg.Base == nil {
				before = assetFields(cur)
			} else if sg.Status == place.Pending && cur.Version != sg.BaseVersion {
				for k, v := range threeWayJSON(*sg.Base, cur, sg.Proposed) {
					out[k] = v
				}
			}
		}
	}
	out["changes"] = diffAssets(before, assetFields(sg.Proposed))
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

// threeWayJSON lays out a suggestion whose asset changed since it was
// based on it: the three versions, the fields that differ, and the merge
// (the suggestion's changes onto the current version).
func threeWayJSON(base, current, suggested place.Asset) map[string]any {
	out := map[string]any{"stale": true, "base": assetFeature(base), "current": assetFeature(current),
		"suggested": assetFeature(suggested), "three_way": nonNil(place.ThreeWay(base, current, suggested))}
	if merged, err := place.MergeSuggestion(base, current, suggested, nil); err == nil {
		out["merged"] = assetFeature(merged)
	}
	return out
}

func (s *Server) listSuggestions(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := allowParams(q, "status", "limit", "offset"); err != nil {
		return err
	}
	status := q.Get("status")
	switch status {
	case "", place.Pending, place.Accepted, place.Rejected:
	default:
		return place.Errorf(place.EINVALID, "status %q: want pending, accepted or rejected", status)
	}
	limit, offset, err := parsePage(q, defaultSuggestionPage, maxSuggestionPage)
	if err != nil {
		return err
	}
	page, err := s.suggestions.Suggestions(r.Context(), store.SuggestionQuery{Status: status, Limit: limit, Offset: offset})
	if err != nil {
		return err
	}
	out := make([]map[string]any, len(page.Suggestions))
	for i, sg := range page.Suggestions {
		out[i] = s.suggestionJSON(r, sg)
	}
	links := s.pageLinks(r, limit, offset, offset+len(out) < page.Matched)
	for i := range links {
		links[i].Type = "application/json"
	}
	writeJSON(w, http.StatusOK, map[string]any{"suggestions": out, "numberMatched": page.Matched, "numberReturned": len(out), "links": links})
	return nil
}

// maxTake bounds the fields a moderator takes from a suggestion.
const maxTake = 64

// decide accepts or rejects a suggestion. An accept may carry the
// moderator's edit ("feature"); for a correction or closure whose asset
// changed since it was based on it, If-Match names the current version
// and the suggestion's changes ("take": the fields, else all) are merged
// onto it; for a new place with likely duplicates near, "confirm_new"
// adds it anyway or "merge_into" names the asset it is (filling that
// asset's gaps, or the "feature" given, at If-Match or its version now).
func (s *Server) decide(accept bool) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		var body struct {
			Reason     string          `json:"reason"`
			Feature    json.RawMessage `json:"feature"`
			Take       []string        `json:"take"`
			ConfirmNew bool            `json:"confirm_new"`
			MergeInto  string          `json:"merge_into"`
			Place      string          `json:"place"` // a drawing: the place it is of
		}
		if err := decodeOptionalBody(r, &body); err != nil {
			return err
		}
		if err := place.CheckRejection(accept, body.Reason); err != nil {
			return err
		}
		take, err := place.UniqueList("take", body.Take, maxTake)
		if err != nil {
			return err
		}
		v, err := optionalIfMatch(r)
		if err != nil {
			return err
		}
		sg, err := s.suggestions.Suggestion(r.Context(), chi.URLParam(r, "id"))
		if err != nil {
			return err
		}
		d := place.SuggestionDecision{Accept: accept, Reason: body.Reason, IfVersion: v, ConfirmNew: body.ConfirmNew, MergeInto: body.MergeInto,
			Place: body.Place}
		if accept && len(body.Feature) > 0 {
			a, err := assetFromFeature(body.Feature)
			if err != nil {
				return err
			}
			d.Edited = &a
		}
		if err := place.CheckTake(sg, d, take); err != nil {
			return err
		}
		if sg.Status == place.Pending {
			if err := s.suggestionInScope(r, sg, &d); err != nil {
				return err
			}
		}
		if accept && sg.Status == place.Pending && sg.Kind != place.AreaDrawing {
			if err := s.planMerge(r, sg, &d, take); err != nil {
				return err
			}
		}
		r = changeContext(r)
		done, err := s.suggestions.DecideSuggestion(r.Context(), sg.ID, d)
		if err != nil {
			return s.suggestionConflict(r, sg.ID, d, err)
		}
		writeJSON(w, http.StatusOK, s.suggestionJSON(r, done))
		return nil
	}
}

// planMerge works out what accepting an asset suggestion writes when it is
// not simply what was suggested (place.AcceptBase, place.PlanAccept): the
// suggestion's changes merged onto the current version (If-Match names
// it, or take picks fields), or a new place merged into an existing asset.
// It is a conflict (409) when the version named is not the asset's now.
func (s *Server) planMerge(r *http.Request, sg place.Suggestion, d *place.SuggestionDecision, take []string) error {
	id := place.AcceptBase(sg, *d, take)
	if id == "" {
		return nil
	}
	now, err := s.assets.Asset(r.Context(), id)
	if err != nil && sg.Kind == place.NewAsset {
		return place.Errorf(place.EINVALID, "merge_into: %s", place.ErrorMessage(err))
	}
	if err != nil {
		return err
	}
	planned, err := place.PlanAccept(sg, *d, take, now)
	if err != nil {
		return s.suggestionConflict(r, sg.ID, *d, err)
	}
	*d = planned
	return nil
}

// suggestionConflict is the error of a decision refused with ECONFLICT,
// answered with what the moderator needs to decide again: for a correction
// or closure whose asset changed, the three versions and the merge; for a
// new place, the likely duplicates near it; for a merge, the asset as it
// is now.
func (s *Server) suggestionConflict(r *http.Request, id string, d place.SuggestionDecision, err error) error {
	if place.ErrorCode(err) != place.ECONFLICT {
		return err
	}
	sg, gerr := s.suggestions.Suggestion(r.Context(), id)
	if gerr != nil || sg.Status != place.Pending {
		return err
	}
	out, etag := map[string]any{"suggestion": sg.ID, "kind": sg.Kind}, ""
	switch {
	case sg.Kind == place.NewAsset && d.MergeInto != "":
		if cur, err := s.assets.Asset(r.Context(), d.MergeInto); err == nil {
			etag = versionETag(cur.Version)
			out["current_version"], out["current"] = cur.Version, assetFeature(cur)
		}
	case sg.Kind == place.NewAsset:
		a := sg.Proposed
		if d.Edited != nil {
			a = *d.Edited
		}
		dups, derr := store.Duplicates(r.Context(), s.assets, a)
		if derr != nil {
			return derr
		}
		list := make([]map[string]any, len(dups))
		for i, dup := range dups {
			list[i] = map[string]any{"asset": assetFeature(dup.Asset), "version": dup.Asset.Version,
				"distance_m": dup.DistanceM, "name_score": dup.NameScore}
		}
		out["suggested"], out["duplicates"] = assetFeature(a), list
	case sg.Kind == place.Correction || sg.Kind == place.Closure:
		cur, cerr := s.assets.Asset(r.Context(), sg.AssetID)
		if cerr != nil {
			return err
		}
		etag = versionETag(cur.Version)
		out["base_version"], out["current_version"] = sg.BaseVersion, cur.Version
		if sg.Base != nil {
			for k, v := range threeWayJSON(*sg.Base, cur, sg.Proposed) {
				out[k] = v
			}
		} else {
			out["current"], out["suggested"] = assetFeature(cur), assetFeature(sg.Proposed)
		}
	}
	return newConflict(err, etag, out)
}

// suggestionInScope is EFORBIDDEN unless a scoped moderator's scope covers
// everything deciding sg touches (place.Suggestion.Touches,
// place.PermitAssetWrite): where the asset
// is now and where the suggestion (or the moderator's edit, or the asset
// it is merged into) would put it. A drawing must lie in scope (publishing
// it changes no set).
func (s *Server) suggestionInScope(r *http.Request, sg place.Suggestion, d *place.SuggestionDecision) error {
	at, ids := sg.Touches(*d)
	return s.checkTouched(r, at, ids)
}
