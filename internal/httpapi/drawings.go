package httpapi

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/placemap/placemap/internal/auth"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/reconcile"
	"github.com/placemap/placemap/internal/rfc7946"
	"github.com/placemap/placemap/internal/store"
)

// Residents' drawings of a place: a resident's own, by its private link;
// a place's published ones; the agreement surface they make; and the
// consensus a moderator adopts from them into a community set.

// A page of a place's drawings holds at most maxDrawingPage of them.
const (
	defaultDrawingPage = 100
	maxDrawingPage     = 1000
)

func (s *Server) drawingRoutes(r chi.Router) {
	r.Get("/drawings/{id}", s.handle(s.getMyDrawing))
	r.Put("/drawings/{id}", s.handle(s.changeMyDrawing))
	r.Get("/places/{slug}/drawings", s.handle(s.listDrawings))
	r.Get("/places/{slug}/drawings/surface", s.handle(s.drawingSurface))
	r.With(s.require(auth.Moderator)).Post("/places/{slug}/drawings/adopt", s.handle(s.adoptConsensus))
}

// myDrawing is the drawing the request's id names, if the request carries
// its private key (?key=); else ENOTFOUND, as for no drawing at all, so a
// wrong key reveals nothing.
func (s *Server) myDrawing(r *http.Request) (place.Drawing, error) {
	id, key := chi.URLParam(r, "id"), r.URL.Query().Get("key")
	d, err := s.suggestions.Drawing(r.Context(), id)
	if err != nil && place.ErrorCode(err) != place.ENOTFOUND {
		return d, err
	}
	sum := auth.HashSecret(key)
	if err != nil || key == "" || d.KeyHash == "" || subtle.ConstantTimeCompare([]byte(sum), []byte(d.KeyHash)) != 1 {
		return place.Drawing{}, place.Errorf(place.ENOTFOUND, "no drawing %q", place.Excerpt(id))
	}
	return d, nil
}

// drawingFeature is a drawing as GeoJSON: its outline, name, answers,
// source and dates; never who drew it.
func drawingFeature(d place.Drawing) *geojson.Feature {
	f := geojson.NewFeature(rfc7946.Orient(d.Geometry))
	f.ID = d.ID
	answers := d.Answers
	if answers == nil {
		answers = []place.Answer{}
	}
	f.Properties = geojson.Properties{"id": d.ID, "name": d.Name, "answers": answers, "source": d.Source,
		"created_at": d.CreatedAt, "updated_at": d.UpdatedAt}
	return f
}

// getMyDrawing is a resident's own drawing, by its private link: with its
// state (pending, published, rejected) and place.
func (s *Server) getMyDrawing(w http.ResponseWriter, r *http.Request) error {
	if err := allowParams(r.URL.Query(), "key"); err != nil {
		return err
	}
	d, err := s.myDrawing(r)
	if err != nil {
		return err
	}
	f := drawingFeature(d)
	f.Properties["status"], f.Properties["place"] = d.Status, d.Place
	w.Header().Set("Cache-Control", "private, no-store")
	writeJSONType(w, http.StatusOK, "application/geo+json", f)
	return nil
}

// changeMyDrawing takes a resident's change to their own drawing (by its
// private link: the key is the credential), as an area suggestion that,
// accepted, replaces the drawing's outline, name and answers; the drawing
// as published stays meanwhile. Limited as suggestions are.
func (s *Server) changeMyDrawing(w http.ResponseWriter, r *http.Request) error {
	if err := allowParams(r.URL.Query(), "key"); err != nil {
		return err
	}
	var body struct {
		Feature  json.RawMessage   `json:"feature"`
		Answers  map[string]string `json:"answers"`
		Comment  string            `json:"comment"`
		Honeypot string            `json:"website_url"`
	}
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	d, err := s.myDrawing(r)
	if err != nil {
		return err
	}
	author, err := s.suggestionAuthor(w, r)
	if err != nil {
		return err
	}
	if body.Honeypot != "" {
		writeJSON(w, http.StatusAccepted, map[string]string{"status": place.Pending})
		return nil
	}
	if err := place.CheckDrawnSize(place.AreaDrawing, len(body.Feature)); err != nil {
		return err
	}
	sg := place.Suggestion{ID: uuid.NewString(), Kind: place.AreaDrawing, Comment: body.Comment, Author: author,
		Drawing: d.ID, Place: d.Place}
	if err := s.drawingChange(&sg, body.Feature, body.Answers); err != nil {
		return err
	}
	if err := s.suggestions.CreateSuggestion(r.Context(), sg); err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"id": sg.ID, "status": place.Pending, "drawing": d.ID,
		"message": "thank you: a moderator will look at your change; your drawing stays as it was meanwhile"})
	return nil
}

// listDrawings is one page of a place's published drawings.
func (s *Server) listDrawings(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := allowParams(q, "limit", "offset"); err != nil {
		return err
	}
	limit, offset, err := parsePage(q, defaultDrawingPage, maxDrawingPage)
	if err != nil {
		return err
	}
	page, err := s.suggestions.Drawings(r.Context(), store.DrawingQuery{Place: chi.URLParam(r, "slug"), Limit: limit, Offset: offset})
	if err != nil {
		return err
	}
	fc := geojson.NewFeatureCollection()
	for _, d := range page.Drawings {
		fc.Append(drawingFeature(d))
	}
	fc.ExtraMembers = geojson.Properties{"numberMatched": page.Matched, "numberReturned": len(page.Drawings),
		"links": s.pageLinks(r, limit, offset, offset+len(page.Drawings) < page.Matched)}
	writeJSONType(w, http.StatusOK, "application/geo+json", fc)
	return nil
}

// parseThreshold reads ?threshold= (a share of the definitions or
// drawings, above 0 and at most 1); -1 when it is not given.
func parseThreshold(q map[string][]string) (float64, error) {
	t := ""
	if v := q["threshold"]; len(v) > 0 {
		t = v[0]
	}
	if t == "" {
		return -1, nil
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || place.CheckThreshold(v) != nil {
		return 0, place.Errorf(place.EINVALID, "threshold %q: want a share, above 0 and at most 1 (0.5 for a majority)", place.Excerpt(t))
	}
	return v, nil
}

// drawingSurface is the agreement surface of a place's published
// drawings: the ground covered by exactly k of them, for each k, with k
// (count) and its class; with ?threshold, the outline that at least that
// share of them cover.
func (s *Server) drawingSurface(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := allowParams(q, "threshold"); err != nil {
		return err
	}
	threshold, err := parseThreshold(q)
	if err != nil {
		return err
	}
	release, err := s.expensive(r)
	if err != nil {
		return err
	}
	defer release()
	sf, err := s.drawingFaces(r.Context(), chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	n := sf.n
	if threshold > 0 {
		return writeThreshold(w, sf.faces, n, threshold, "the place's published drawings")
	}
	counts, err := sf.byCount()
	if err != nil {
		return err
	}
	fc := geojson.NewFeatureCollection()
	byClass := map[string]float64{"core": 0, "contested": 0, "fringe": 0}
	for _, face := range counts {
		class := reconcile.FaceClass(face.Count, n)
		ft := geojson.NewFeature(rfc7946.Orient(face.MP))
		ft.Properties = geojson.Properties{"count": face.Count, "of": n, "share": float64(face.Count) / float64(n),
			"class": class, "area_m2": face.AreaM2}
		fc.Append(ft)
		byClass[class] += face.AreaM2
	}
	fc.ExtraMembers = geojson.Properties{"summary": map[string]any{"drawings": n, "core_m2": byClass["core"],
		"contested_m2": byClass["contested"], "fringe_m2": byClass["fringe"], "min_face_m2": reconcile.MinFaceM2}}
	writeJSONType(w, http.StatusOK, "application/geo+json", fc)
	return nil
}

// drawingFaces is the overlay of a place's published drawings, kept
// while they stay as they are (DrawingsVersion). ENOTFOUND for no such
// place.
func (s *Server) drawingFaces(ctx context.Context, slug string) (*surface, error) {
	if _, err := s.places.Place(ctx, slug); err != nil {
		return nil, err
	}
	version, err := s.suggestions.DrawingsVersion(ctx, slug)
	if err != nil {
		return nil, err
	}
	key := slug + "\x00" + version
	if got, ok := s.surfaces.get(key); ok {
		return got, nil
	}
	page, err := s.suggestions.Drawings(ctx, store.DrawingQuery{Place: slug, All: true})
	if err != nil {
		return nil, err
	}
	defs := make([]orb.MultiPolygon, len(page.Drawings))
	for i, d := range page.Drawings {
		defs[i] = d.Geometry
	}
	faces, err := reconcile.Agreement(defs)
	if err != nil {
		return nil, err
	}
	sf := &surface{faces: faces, n: len(defs)}
	s.surfaces.put(key, sf)
	return sf, nil
}

// surface is an overlay of n drawings: its faces, and the faces merged
// by how many drawings cover them, once asked for.
type surface struct {
	faces  []reconcile.Face
	n      int
	once   sync.Once
	counts []reconcile.CountFace
	err    error
}

func (sf *surface) byCount() ([]reconcile.CountFace, error) {
	sf.once.Do(func() { sf.counts, sf.err = reconcile.ByCount(sf.faces) })
	return sf.counts, sf.err
}

// surfaceCache keeps the last few drawing surfaces computed, by place and
// the state of its drawings.
type surfaceCache struct {
	mu    sync.Mutex
	m     map[string]*surface
	order []string
}

const maxSurfaces = 32

func (c *surfaceCache) get(key string) (*surface, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[key]
	return v, ok
}

func (c *surfaceCache) put(key string, v *surface) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]*surface{}
	}
	if _, ok := c.m[key]; !ok {
		c.order = append(c.order, key)
	}
	c.m[key] = v
	for len(c.order) > maxSurfaces {
		delete(c.m, c.order[0])
		c.order = c.order[1:]
	}
}

// adoptBody is a moderator's adoption of a consensus.
type adoptBody struct {
	Set       string   `json:"set"`
	Code      string   `json:"code"`
	Name      string   `json:"name"`
	Threshold *float64 `json:"threshold"` // 0.5 when not given
}

// adoptConsensus writes the outline that at least a share of a place's
// published drawings cover as an area of a community set (a new version
// of the area when the code is taken), linked to the place, with how it
// was made as its provenance: one moderator's decision over many
// drawings.
func (s *Server) adoptConsensus(w http.ResponseWriter, r *http.Request) error {
	slug := chi.URLParam(r, "slug")
	var body adoptBody
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	threshold := 0.5
	if body.Threshold != nil {
		threshold = *body.Threshold
	}
	if err := place.CheckThreshold(threshold); err != nil {
		return err
	}
	a, n, err := s.consensusArea(r, slug, body, threshold)
	if err != nil {
		return err
	}
	r = changeContext(r)
	version, err := s.suggestions.AdoptConsensus(r.Context(), a, slug, place.ConsensusNote(n))
	if err != nil {
		return err
	}
	created, err := s.areas.Area(r.Context(), a.Set, a.Code)
	if err != nil {
		return err
	}
	f := areaFeature(created)
	f.Properties["version"] = version
	w.Header().Set("ETag", versionETag(version))
	w.Header().Set("Location", s.baseURL(r)+"/api/sets/"+a.Set+"/areas/"+a.Code)
	writeJSONType(w, http.StatusCreated, "application/geo+json", f)
	return nil
}

// consensusArea is the area adopting a consensus writes, once the place,
// the set and the moderator's right to write to it are checked: the
// ground at least threshold of the place's published drawings cover, and
// how many drawings there are.
func (s *Server) consensusArea(r *http.Request, slug string, body adoptBody, threshold float64) (place.Area, int, error) {
	a := place.Area{Set: body.Set, Code: body.Code, Name: body.Name}
	if !place.ValidSlug(a.Set) || !place.ValidSlug(a.Code) {
		return a, 0, place.Errorf(place.EINVALID, "set %q and code %q: name the community set and the area's code, as slugs", place.Excerpt(a.Set), place.Excerpt(a.Code))
	}
	set, err := s.areas.Set(r.Context(), a.Set)
	if err != nil {
		return a, 0, err
	}
	if set.Kind != place.Community {
		return a, 0, place.Errorf(place.EINVALID, "boundary set %s is %s: a consensus of residents' drawings is adopted into a community set", set.Slug, set.Kind)
	}
	release, err := s.expensive(r)
	if err != nil {
		return a, 0, err
	}
	defer release()
	sf, err := s.drawingFaces(r.Context(), slug)
	if err != nil {
		return a, 0, err
	}
	faces, n := sf.faces, sf.n
	if n == 0 {
		return a, 0, place.Errorf(place.EINVALID, "place %s has no published drawings to adopt a consensus from", slug)
	}
	mp, _, err := reconcile.Threshold(faces, n, threshold)
	if err != nil {
		return a, 0, err
	}
	if len(mp) == 0 {
		return a, 0, place.Errorf(place.EINVALID, "no ground is covered by at least %g%% of the %d published drawings of %s: lower the threshold", threshold*100, n, slug)
	}
	a.Geometry = mp
	edit := place.AddArea
	if cur, err := s.areas.Area(r.Context(), a.Set, a.Code); err == nil {
		edit = place.EditOf(cur.Geometry, mp)
	}
	if err := s.permitAreaEdit(r, a.Set, a.Code, edit); err != nil {
		return a, 0, err
	}
	p, _ := principalOf(r)
	a.Properties = map[string]any{"from_drawings": n, "threshold": threshold, "method": place.ConsensusMethod(n, threshold),
		"adopted_by": p.User.PublicName(), "adopted_at": time.Now().UTC().Format(time.RFC3339)}
	return a, n, nil
}
