package httpapi

import (
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/placemap/placemap/internal/formats"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/rfc7946"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/tiles"
)

// Page sizes: a client may ask for fewer, never for more.
const (
	defaultAssetPage = 100
	maxAssetPage     = 1000
	defaultAreaPage  = 1000
	maxAreaPage      = store.MaxPage
)

// setJSON is a boundary set as the API shows it.
type setJSON struct {
	place.BoundarySet
	Series    string     `json:"series,omitempty"` // the series it is a release of
	Current   bool       `json:"current"`          // its series' current release, or in no series
	AreaCount int        `json:"area_count"`
	BBox      []float64  `json:"bbox,omitempty"`
	Links     []linkJSON `json:"links"`
}

type linkJSON struct {
	Rel  string `json:"rel"`
	Href string `json:"href"`
	Type string `json:"type,omitempty"`
}

func (s *Server) setJSON(r *http.Request, ss place.SetSummary) setJSON {
	base := s.baseURL(r)
	out := setJSON{BoundarySet: ss.BoundarySet, Series: ss.Series, Current: ss.Current, AreaCount: ss.AreaCount}
	if ss.AreaCount > 0 {
		out.BBox = bboxJSON(ss.BBox)
	}
	slug := url.PathEscape(ss.Slug)
	out.Links = []linkJSON{
		{"self", base + "/api/sets/" + slug, "application/json"},
		{"items", base + "/api/sets/" + slug + "/areas", "application/geo+json"},
		{"tiles", base + "/tiles/" + slug + ".json", "application/json"},
	}
	if ss.Series != "" {
		out.Links = append(out.Links, linkJSON{"series", base + "/api/series/" + url.PathEscape(ss.Series), "application/json"})
	}
	return out
}

func bboxJSON(b orb.Bound) []float64 { return []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]} }

func (s *Server) listSets(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := allowParams(q, "current"); err != nil {
		return err
	}
	// current=true: only current releases (and sets in no series), what a
	// map shows by default; current=false: only earlier releases.
	only := q.Get("current")
	if only != "" && only != "true" && only != "false" {
		return place.Errorf(place.EINVALID, "current %q: want true or false", place.Excerpt(only))
	}
	sets, err := s.areas.Sets(r.Context())
	if err != nil {
		return err
	}
	out := make([]setJSON, 0, len(sets))
	for _, ss := range sets {
		if only == "" || (only == "true") == ss.Current {
			out = append(out, s.setJSON(r, ss))
		}
	}
	st, err := s.assets.AssetStats(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"sets":   out,
		"assets": map[string]any{"count": st.Count, "attributions": nonNil(st.Attributions), "licences": nonNil(st.Licences)},
	})
	return nil
}

func (s *Server) getSet(w http.ResponseWriter, r *http.Request) error {
	ss, err := s.areas.Set(r.Context(), chi.URLParam(r, "slug"))
	if err != nil {
		return s.orRedirect(w, r, err, chi.URLParam(r, "slug"), "")
	}
	writeJSON(w, http.StatusOK, s.setJSON(r, ss))
	return nil
}

func (s *Server) listAreas(w http.ResponseWriter, r *http.Request) error {
	slug := chi.URLParam(r, "slug")
	q := r.URL.Query()
	if err := allowParams(q, "bbox", "limit", "offset"); err != nil {
		return err
	}
	bbox, err := parseBBox(q.Get("bbox"))
	if err != nil {
		return err
	}
	limit, offset, err := parsePage(q, defaultAreaPage, maxAreaPage)
	if err != nil {
		return err
	}
	// Ask for one more than the page to know whether a next page exists.
	areas, err := s.areas.Areas(r.Context(), slug, store.AreaQuery{BBox: bbox, Limit: limit + 1, Offset: offset})
	if err != nil {
		return s.orRedirect(w, r, err, slug, "")
	}
	more := len(areas) > limit
	if more {
		areas = areas[:limit]
	}
	fc := geojson.NewFeatureCollection()
	for _, a := range areas {
		fc.Append(areaFeature(a))
	}
	writeJSONType(w, http.StatusOK, "application/geo+json", collection{
		FeatureCollection: fc,
		NumberReturned:    len(areas),
		Links:             s.pageLinks(r, limit, offset, more),
	})
	return nil
}

// collection is a GeoJSON FeatureCollection with paging, as OGC API
// Features writes it.
type collection struct {
	*geojson.FeatureCollection
	NumberMatched  *int       `json:"numberMatched,omitempty"`
	NumberReturned int        `json:"numberReturned"`
	Links          []linkJSON `json:"links"`
}

func (c collection) MarshalJSON() ([]byte, error) {
	// geojson.FeatureCollection has its own MarshalJSON; put the extra
	// members beside its fields through ExtraMembers.
	fc := *c.FeatureCollection
	fc.ExtraMembers = geojson.Properties{"numberReturned": c.NumberReturned, "links": c.Links}
	if c.NumberMatched != nil {
		fc.ExtraMembers["numberMatched"] = *c.NumberMatched
	}
	return fc.MarshalJSON()
}

func (s *Server) pageLinks(r *http.Request, limit, offset int, more bool) []linkJSON {
	base := s.baseURL(r) + r.URL.Path
	at := func(off int) string {
		q := r.URL.Query()
		q.Set("limit", strconv.Itoa(limit))
		q.Set("offset", strconv.Itoa(off))
		return base + "?" + q.Encode()
	}
	links := []linkJSON{{"self", at(offset), "application/geo+json"}}
	if more {
		links = append(links, linkJSON{"next", at(offset + limit), "application/geo+json"})
	}
	if offset > 0 {
		links = append(links, linkJSON{"prev", at(max(0, offset-limit)), "application/geo+json"})
	}
	return links
}

func areaFeature(a place.Area) *geojson.Feature {
	f := geojson.NewFeature(rfc7946.Orient(a.Geometry))
	f.ID = a.Code
	f.Properties = geojson.Properties{"set": a.Set, "code": a.Code, "name": a.Name}
	if len(a.Properties) > 0 {
		f.Properties["properties"] = a.Properties
	}
	return f
}

func (s *Server) getArea(w http.ResponseWriter, r *http.Request) error {
	slug, code := chi.URLParam(r, "slug"), chi.URLParam(r, "code")
	a, err := s.areas.Area(r.Context(), slug, code)
	if err != nil {
		return s.orRedirect(w, r, err, slug, code)
	}
	set, err := s.areas.Set(r.Context(), slug)
	if err != nil {
		return err
	}
	page, err := s.assets.Assets(r.Context(), store.AssetQuery{InSet: slug, InCode: code, Limit: maxAssetPage})
	if err != nil {
		return err
	}
	assets := make([]map[string]any, len(page.Assets))
	for i, as := range page.Assets {
		assets[i] = map[string]any{"id": as.ID, "name": as.Name, "category": as.Category, "status": as.Status}
	}
	f := areaFeature(a)
	f.Properties["set_title"] = set.Title
	f.Properties["licence"] = set.Licence
	f.Properties["attribution"] = set.Attribution
	f.Properties["asset_count"] = page.Matched
	f.Properties["assets"] = assets
	if set.Series != "" {
		// A release: which series, whether current, and where the area
		// went in later releases ("replaced by") and came from.
		f.Properties["series"] = set.Series
		f.Properties["current"] = set.Current
		if sr, ok, err := s.series(r.Context(), set.Series); err == nil && ok {
			f.Properties["current_release"] = sr.Current
		}
		for key, q := range map[string]store.SuccessorQuery{
			"successors":   {OldSet: slug, OldCode: code},
			"predecessors": {NewSet: slug, NewCode: code},
		} {
			links, err := s.releases.Successors(r.Context(), q)
			if err != nil {
				return err
			}
			f.Properties[key] = s.linksJSON(r.Context(), s.people(r), links)
		}
	}
	f.BBox = geojson.BBox(bboxJSON(a.Geometry.Bound()))
	if v, err := s.areas.AreaVersion(r.Context(), slug, code); err == nil {
		f.Properties["version"] = v
		w.Header().Set("ETag", versionETag(v))
	}
	writeJSONType(w, http.StatusOK, "application/geo+json", f)
	return nil
}

func assetFeature(a place.Asset) *geojson.Feature {
	f := geojson.NewFeature(rfc7946.Orient(a.Geometry))
	f.ID = a.ID
	p := geojson.Properties{"id": a.ID, "name": a.Name, "category": a.Category, "status": a.Status,
		"version": a.Version, "updated_at": a.UpdatedAt}
	if !a.LastReviewed.IsZero() {
		p["last_reviewed"] = a.LastReviewed
	}
	if c, ok := place.CategoryByID(a.Category); ok {
		p["category_title"] = c.Title
	}
	for k, v := range map[string]string{"address": a.Address, "postcode": a.Postcode, "opening_hours": a.OpeningHours,
		"phone": a.Phone, "email": a.Email, "website": a.Website, "operator": a.Operator, "source": a.Source,
		"source_id": a.SourceID, "licence": a.Licence, "attribution": a.Attribution} {
		if v != "" {
			p[k] = v
		}
	}
	if len(a.Tags) > 0 {
		p["tags"] = a.Tags
	}
	if v := a.Tags[formats.LocationPrecision]; v != "" {
		p[formats.LocationPrecision] = v // e.g. "postcode": placed at its postcode's point, not surveyed
	}
	f.Properties = p
	return f
}

func (s *Server) listAssets(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := allowParams(q, "bbox", "category", "in", "q", "limit", "offset", "needs_review"); err != nil {
		return err
	}
	var aq store.AssetQuery
	var err error
	if aq.BBox, err = parseBBox(q.Get("bbox")); err != nil {
		return err
	}
	if c := q.Get("category"); c != "" {
		if _, ok := place.CategoryByID(c); !ok {
			return place.Errorf(place.EINVALID, "category %q is not one of %s", place.Excerpt(c), strings.Join(place.CategoryIDs(), ", "))
		}
		aq.Category = c
	}
	if in := q.Get("in"); in != "" {
		set, code, ok := strings.Cut(in, ":")
		if !ok || set == "" || code == "" {
			return place.Errorf(place.EINVALID, "in %q: want SET:CODE, e.g. in=wards-2013:E05001040", place.Excerpt(in))
		}
		if _, err := s.areas.Set(r.Context(), set); err != nil {
			if place.ErrorCode(err) == place.ENOTFOUND {
				err = place.Errorf(place.EINVALID, "in %q: no boundary set %q", place.Excerpt(in), place.Excerpt(set))
			}
			return err
		}
		aq.InSet, aq.InCode = set, code
	}
	switch q.Get("needs_review") {
	case "", "false":
	case "true":
		// Not reviewed in the last twelve months.
		cutoff := time.Now().AddDate(-1, 0, 0)
		aq.ReviewedBefore = &cutoff
	default:
		return place.Errorf(place.EINVALID, "needs_review %q: want true or false", place.Excerpt(q.Get("needs_review")))
	}
	aq.Q = strings.TrimSpace(q.Get("q"))
	if len(aq.Q) > 200 {
		return place.Errorf(place.EINVALID, "q is longer than 200 characters")
	}
	if aq.Limit, aq.Offset, err = parsePage(q, defaultAssetPage, maxAssetPage); err != nil {
		return err
	}
	page, err := s.assets.Assets(r.Context(), aq)
	if err != nil {
		return err
	}
	fc := geojson.NewFeatureCollection()
	for _, a := range page.Assets {
		fc.Append(assetFeature(a))
	}
	matched := page.Matched
	writeJSONType(w, http.StatusOK, "application/geo+json", collection{
		FeatureCollection: fc,
		NumberMatched:     &matched,
		NumberReturned:    len(page.Assets),
		Links:             s.pageLinks(r, aq.Limit, aq.Offset, aq.Offset+len(page.Assets) < matched),
	})
	return nil
}

func (s *Server) getAsset(w http.ResponseWriter, r *http.Request) error {
	id := chi.URLParam(r, "id")
	a, err := s.assets.Asset(r.Context(), id)
	if err != nil {
		return err
	}
	ms, err := s.assets.Memberships(r.Context(), id)
	if err != nil {
		return err
	}
	f := assetFeature(a)
	liesIn := make([]map[string]string, len(ms))
	for i, m := range ms {
		liesIn[i] = map[string]string{"set": m.Set, "set_title": m.SetTitle, "code": m.Code, "name": m.Name}
	}
	f.Properties["lies_in"] = liesIn
	w.Header().Set("ETag", versionETag(a.Version))
	writeJSONType(w, http.StatusOK, "application/geo+json", f)
	return nil
}

// allowParams refuses query parameters the route does not know, so a typo
// (bbbox=) is an error rather than silently ignored, and a parameter given
// more than once: every parameter takes one value.
func allowParams(q url.Values, allowed ...string) error {
	for k, vs := range q {
		if len(vs) > 1 {
			return place.Errorf(place.EINVALID, "query parameter %q is given %d times; give it once", k, len(vs))
		}
		ok := false
		for _, a := range allowed {
			if k == a {
				ok = true
			}
		}
		if !ok {
			return place.Errorf(place.EINVALID, "unknown query parameter %q (allowed: %s)", place.Excerpt(k), strings.Join(allowed, ", "))
		}
	}
	return nil
}

// parseBBox reads "minlon,minlat,maxlon,maxlat" in WGS84.
func parseBBox(s string) (*orb.Bound, error) {
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(s, ",")
	if len(parts) != 4 {
		return nil, place.Errorf(place.EINVALID, "bbox %q: want minlon,minlat,maxlon,maxlat", place.Excerpt(s))
	}
	var v [4]float64
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, place.Errorf(place.EINVALID, "bbox %q: value %d (%q) is not a number", place.Excerpt(s), i+1, place.Excerpt(p))
		}
		v[i] = f
	}
	if v[0] < -180 || v[2] > 180 || v[1] < -90 || v[3] > 90 {
		return nil, place.Errorf(place.EINVALID, "bbox %q: outside longitude -180..180 / latitude -90..90", place.Excerpt(s))
	}
	if v[0] > v[2] || v[1] > v[3] {
		return nil, place.Errorf(place.EINVALID, "bbox %q: minimum is greater than maximum", place.Excerpt(s))
	}
	b := orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}}
	return &b, nil
}

func parsePage(q url.Values, def, maxLimit int) (limit, offset int, err error) {
	limit = def
	if s := q.Get("limit"); s != "" {
		limit, err = strconv.Atoi(s)
		if err != nil || limit < 1 {
			return 0, 0, place.Errorf(place.EINVALID, "limit %q: want a whole number from 1 to %d", place.Excerpt(s), maxLimit)
		}
		limit = min(limit, maxLimit)
	}
	if s := q.Get("offset"); s != "" {
		offset, err = strconv.Atoi(s)
		if err != nil || offset < 0 {
			return 0, 0, place.Errorf(place.EINVALID, "offset %q: want a whole number, 0 or more", place.Excerpt(s))
		}
	}
	return limit, offset, nil
}

// cacheURLDocument sets the cache headers of a document holding absolute
// URLs of this server (TileJSON, the map style).
func (s *Server) cacheURLDocument(w http.ResponseWriter) {
	if s.cfg.PublicURL != "" {
		w.Header().Set("Cache-Control", "public, max-age=60")
		return
	}
	// The URLs are made from the request's Host header, which the client
	// chooses: a shared cache must not keep them for others (MapLibre
	// does not resolve relative tile URLs against the TileJSON's, so they
	// must be absolute). --public-url fixes the address, and the document
	// is public again.
	w.Header().Set("Cache-Control", "private, max-age=60")
	w.Header().Add("Vary", "Host")
	w.Header().Add("Vary", "X-Forwarded-Proto")
}

func (s *Server) getTileJSON(w http.ResponseWriter, r *http.Request) error {
	file := chi.URLParam(r, "file")
	layer, ok := strings.CutSuffix(file, ".json")
	if !ok {
		return place.Errorf(place.ENOTFOUND, "no tiles resource %q; TileJSON is at /tiles/{layer}.json", place.Excerpt(file))
	}
	if layer == tiles.BasemapLayer {
		return s.getBasemapTileJSON(w, r)
	}
	tj, err := s.tiles.Describe(r.Context(), layer, s.baseURL(r)+"/tiles")
	if place.ErrorCode(err) == place.ENOTFOUND {
		// A series: its current release, under the series' name.
		if current := s.currentRelease(r.Context(), layer); current != "" {
			if tj, err = s.tiles.Describe(r.Context(), current, s.baseURL(r)+"/tiles"); err == nil {
				tj.Name, tj.Tiles = layer, []string{s.tiles.TilesURL(r.Context(), layer, current, s.baseURL(r)+"/tiles")}
				tj.Description = strings.TrimSpace(tj.Description + " The current release (" + current + ") of series " + layer + ".")
				for i := range tj.VectorLayers {
					tj.VectorLayers[i].ID = layer
				}
			}
		}
	}
	if err != nil {
		return err
	}
	s.cacheURLDocument(w)
	writeJSON(w, http.StatusOK, tj)
	return nil
}

func (s *Server) getTile(w http.ResponseWriter, r *http.Request) error {
	layer := chi.URLParam(r, "layer")
	if layer == tiles.BasemapLayer {
		return s.getBasemapTile(w, r)
	}
	ys, ext, ok := strings.Cut(chi.URLParam(r, "file"), ".")
	format := tileFormat(ext)
	if !ok || format == "" {
		return place.Errorf(place.EINVALID, "tile format %q: want .mvt or .geojson", place.Excerpt(ext))
	}
	t, err := tiles.Coord(chi.URLParam(r, "z"), chi.URLParam(r, "x"), ys)
	if err != nil {
		return err
	}
	tile, err := s.tiles.Render(r.Context(), layer, t, format)
	if place.ErrorCode(err) == place.ENOTFOUND {
		// A series' tiles are its current release's, under the series' name.
		if current := s.currentRelease(r.Context(), layer); current != "" {
			tile, err = s.tiles.RenderAs(r.Context(), layer, current, t, format)
		}
	}
	if err != nil {
		return err
	}
	writeTile(w, r, tile, format)
	return nil
}

// tileHeader holds the header values every tile response shares, made
// once (see headerValue): a cached tile's answer should cost about what a
// file server's does.
var tileHeader = struct {
	fresh, immutable, vary, anyOrigin, gzip, mvt, geojson []string
}{
	fresh:     headerValue("public, max-age=60, stale-while-revalidate=300"),
	immutable: headerValue("public, max-age=31536000, immutable"),
	vary:      headerValue("Accept-Encoding"),
	anyOrigin: headerValue("*"),
	gzip:      headerValue("gzip"),
	mvt:       headerValue(tiles.MVT.ContentType()),
	geojson:   headerValue(tiles.GeoJSON.ContentType()),
}

// writeTile sends a rendered tile, gzipped if the client takes it, with
// its validators and cache headers. It sets the canonical header names
// directly (Etag is ETag's canonical form), as http.Header.Set would.
func writeTile(w http.ResponseWriter, r *http.Request, tile tiles.Tile, format tiles.Format) {
	// The gzipped representation has its own strong validator (RFC 9110
	// §8.8.3); If-None-Match accepts either.
	body, etag := tile.Data, tile.ETag
	gz := len(tile.Gzip) > 0 && acceptsGzip(firstHeader(r.Header, "Accept-Encoding"))
	if gz {
		body, etag = tile.Gzip, tile.GzipETag
	}
	h := w.Header()
	h["Etag"] = []string{etag}
	h["Cache-Control"] = tileHeader.fresh
	if r.URL.RawQuery != "" {
		if v := r.URL.Query().Get("v"); v != "" && v == strconv.FormatInt(tile.Version, 10) {
			// A URL naming the data version it was made from never changes.
			h["Cache-Control"] = tileHeader.immutable
		}
	}
	h["Vary"] = tileHeader.vary
	h["Access-Control-Allow-Origin"] = tileHeader.anyOrigin
	if inm := firstHeader(r.Header, "If-None-Match"); inm != "" && (etagMatch(inm, tile.ETag) || etagMatch(inm, etag)) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	switch format {
	case tiles.MVT:
		h["Content-Type"] = tileHeader.mvt
	case tiles.GeoJSON:
		h["Content-Type"] = tileHeader.geojson
	default:
		h["Content-Type"] = []string{format.ContentType()}
	}
	if gz {
		h["Content-Encoding"] = tileHeader.gzip
	}
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// firstHeader is h.Get(name) for a name already canonical: no
// canonicalising on the way.
func firstHeader(h http.Header, name string) string {
	if v := h[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// acceptsGzip reads Accept-Encoding, honouring an explicit gzip;q=0.
func acceptsGzip(header string) bool {
	for rest, more := header, true; more; {
		var part string
		part, rest, more = strings.Cut(rest, ",")
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), "gzip") || strings.TrimSpace(coding) == "*" {
			return !qZero(params)
		}
	}
	return false
}

// qZero is whether an Accept-Encoding entry's parameters are q=0 (with
// up to three zero decimals, spaces anywhere), the entry refused.
func qZero(params string) bool {
	q := strings.TrimSpace(params)
	if strings.Contains(q, " ") {
		q = strings.ReplaceAll(q, " ", "")
	}
	return q == "q=0" || q == "q=0.0" || q == "q=0.00" || q == "q=0.000"
}

// etagMatch implements If-None-Match's weak comparison (RFC 9110 §13.1.2).
func etagMatch(header, etag string) bool {
	etag = strings.TrimPrefix(etag, "W/")
	for rest, more := header, true; more; {
		var t string
		t, rest, more = strings.Cut(rest, ",")
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

func tileFormat(ext string) tiles.Format {
	switch ext {
	case "mvt", "pbf":
		return tiles.MVT
	case "geojson", "json":
		return tiles.GeoJSON
	}
	return ""
}

func (s *Server) static() http.Handler {
	files := http.FileServer(http.FS(s.web))
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		if strings.HasPrefix(r.URL.Path, "/vendor/") {
			w.Header().Set("Cache-Control", "public, max-age=86400")
		} else {
			w.Header().Set("Cache-Control", "no-cache")
		}
		if !s.webFileExists(r.URL.Path) {
			return s.notFound(w, r)
		}
		if r.URL.Path == "/" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			// The map page, with its oEmbed discovery link.
			return s.servePage(w, r, "index.html", s.baseURL(r)+"/")
		}
		files.ServeHTTP(w, r)
		return nil
	})
}
