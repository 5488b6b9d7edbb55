package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"github.com/placemap/placemap/internal/geo"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/rfc7946"
	"github.com/placemap/placemap/internal/store"
)

// OGC API – Features, Part 1 (Core) at /ogc: the assets and every boundary
// set as collections, in GeoJSON and HTML, with an OpenAPI 3.0 description.
// QGIS, GDAL (the OAPIF driver) and ArcGIS read it as they are.

const (
	crs84       = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
	ogcGeoJSON  = "application/geo+json"
	ogcOpenAPI  = "application/vnd.oai.openapi+json;version=3.0"
	ogcAssets   = "assets"
	ogcMaxLimit = 10000 // the most items one page holds; clients cannot lift it
	ogcDefLimit = 10
)

var ogcConformance = []string{
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
}

func (s *Server) ogcRoutes(r chi.Router) {
	r.Get("/ogc", s.handle(s.ogcLanding))
	r.Get("/ogc/", s.handle(s.ogcLanding))
	r.Get("/ogc/conformance", s.handle(s.ogcConformance))
	r.Get("/ogc/api", s.handle(s.ogcAPI))
	r.Get("/ogc/collections", s.handle(s.ogcCollections))
	r.Get("/ogc/collections/{id}", s.handle(s.ogcCollection))
	r.Get("/ogc/collections/{id}/items", s.handle(s.ogcItems))
	r.Get("/ogc/collections/{id}/items/{fid}", s.handle(s.ogcItem))
}

type ogcLink struct {
	Href  string `json:"href"`
	Rel   string `json:"rel"`
	Type  string `json:"type,omitempty"`
	Title string `json:"title,omitempty"`
}

// wantsHTML reads the format a client asks for: f=html or f=json, else
// the Accept header (a browser's text/html), else JSON. Any other f is
// refused.
func wantsHTML(r *http.Request) (bool, error) {
	switch f := r.URL.Query().Get("f"); f {
	case "html":
		return true, nil
	case "json":
		return false, nil
	case "":
	default:
		return false, place.Errorf(place.EINVALID, "f=%q: want json or html", place.Excerpt(f))
	}
	accept := r.Header.Get("Accept")
	return strings.Contains(accept, "text/html") && !strings.Contains(accept, "json"), nil
}

// ogcFormat checks that a request to a page without parameters of its own
// gives no more than f, and reads the format it asks for.
func ogcFormat(r *http.Request) (html bool, err error) {
	if err := allowParams(r.URL.Query(), "f"); err != nil {
		return false, err
	}
	return wantsHTML(r)
}

// ogcBase is the API's root URL, for links.
func (s *Server) ogcBase(r *http.Request) string { return s.baseURL(r) + "/ogc" }

// selfAndAlternate links a resource to itself in the format sent and to
// its other format.
func selfAndAlternate(href, jsonType string, html bool) []ogcLink {
	sep := "?"
	if strings.Contains(href, "?") {
		sep = "&"
	}
	j := ogcLink{Href: href + sep + "f=json", Type: jsonType, Title: "this document as JSON"}
	h := ogcLink{Href: href + sep + "f=html", Type: "text/html", Title: "this document as HTML"}
	if html {
		h.Rel, j.Rel = "self", "alternate"
		return []ogcLink{h, j}
	}
	j.Rel, h.Rel = "self", "alternate"
	return []ogcLink{j, h}
}

func (s *Server) ogcLanding(w http.ResponseWriter, r *http.Request) error {
	html, err := ogcFormat(r)
	if err != nil {
		return err
	}
	base := s.ogcBase(r)
	links := append(selfAndAlternate(base, "application/json", html),
		ogcLink{Href: base + "/api", Rel: "service-desc", Type: ogcOpenAPI, Title: "the API definition (OpenAPI 3.0)"},
		ogcLink{Href: base + "/api?f=html", Rel: "service-doc", Type: "text/html", Title: "the API documentation"},
		ogcLink{Href: base + "/conformance", Rel: "conformance", Type: "application/json", Title: "OGC API conformance classes implemented"},
		ogcLink{Href: base + "/collections", Rel: "data", Type: "application/json", Title: "the collections: assets and every boundary set"})
	page := map[string]any{"title": s.cfg.Title + " — OGC API Features",
		"description": "Civic assets and the boundary sets they lie in, as OGC API – Features (Part 1, Core).", "links": links}
	if html {
		s.ogcHTML(w, r, "landing", page)
		return nil
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

func (s *Server) ogcConformance(w http.ResponseWriter, r *http.Request) error {
	html, err := ogcFormat(r)
	if err != nil {
		return err
	}
	page := map[string]any{"conformsTo": ogcConformance, "links": selfAndAlternate(s.ogcBase(r)+"/conformance", "application/json", html)}
	if html {
		s.ogcHTML(w, r, "conformance", page)
		return nil
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

// ogcCollectionJSON describes one collection.
func (s *Server) ogcCollectionJSON(r *http.Request, id, title, description string, b orb.Bound, count int, html bool, attribution, licence string) map[string]any {
	base := s.ogcBase(r) + "/collections/" + url.PathEscape(id)
	links := append(selfAndAlternate(base, "application/json", html),
		ogcLink{Href: base + "/items?f=json", Rel: "items", Type: ogcGeoJSON, Title: title + " as GeoJSON"},
		ogcLink{Href: base + "/items?f=html", Rel: "items", Type: "text/html", Title: title + " as HTML"})
	if licence != "" {
		links = append(links, ogcLink{Href: s.baseURL(r) + "/#attribution", Rel: "license", Type: "text/html", Title: licence})
	}
	c := map[string]any{"id": id, "title": title, "description": description, "itemType": "feature",
		"crs": []string{crs84}, "storageCrs": crs84, "links": links, "numberOfFeatures": count}
	if count > 0 {
		c["extent"] = map[string]any{"spatial": map[string]any{"bbox": [][]float64{bboxJSON(b)}, "crs": crs84}}
	}
	if attribution != "" {
		c["attribution"] = attribution
	}
	return c
}

// ogcAssetsCollection describes the assets collection.
func (s *Server) ogcAssetsCollection(r *http.Request, html bool) (map[string]any, error) {
	st, err := s.assets.AssetStats(r.Context())
	if err != nil {
		return nil, err
	}
	return s.ogcCollectionJSON(r, ogcAssets, "Assets", "Civic assets: libraries, community centres, halls, parks and more.",
		st.BBox, st.Count, html, strings.Join(st.Attributions, "; "), strings.Join(st.Licences, ", ")), nil
}

// ogcCollectionList lists the assets, then every boundary set by slug.
func (s *Server) ogcCollectionList(r *http.Request, html bool) ([]map[string]any, error) {
	assets, err := s.ogcAssetsCollection(r, html)
	if err != nil {
		return nil, err
	}
	out := []map[string]any{assets}
	sets, err := s.areas.Sets(r.Context())
	if err != nil {
		return nil, err
	}
	for _, ss := range sets {
		desc := ss.Description
		if desc == "" {
			desc = string(ss.Kind) + " boundary set"
		}
		out = append(out, s.ogcCollectionJSON(r, ss.Slug, ss.Title, desc, ss.BBox, ss.AreaCount, html, ss.Attribution, ss.Licence))
	}
	return out, nil
}

func (s *Server) ogcCollections(w http.ResponseWriter, r *http.Request) error {
	html, err := ogcFormat(r)
	if err != nil {
		return err
	}
	list, err := s.ogcCollectionList(r, html)
	if err != nil {
		return err
	}
	page := map[string]any{"collections": list, "links": selfAndAlternate(s.ogcBase(r)+"/collections", "application/json", html)}
	if html {
		s.ogcHTML(w, r, "collections", page)
		return nil
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

func (s *Server) ogcCollection(w http.ResponseWriter, r *http.Request) error {
	html, err := ogcFormat(r)
	if err != nil {
		return err
	}
	id := chi.URLParam(r, "id")
	var c map[string]any
	if id == ogcAssets {
		var err error
		if c, err = s.ogcAssetsCollection(r, html); err != nil {
			return err
		}
	} else {
		ss, err := s.areas.Set(r.Context(), id)
		if err != nil {
			return err
		}
		c = s.ogcCollectionJSON(r, ss.Slug, ss.Title, ss.Description, ss.BBox, ss.AreaCount, html, ss.Attribution, ss.Licence)
	}
	if html {
		s.ogcHTML(w, r, "collection", c)
		return nil
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

// ogcPage reads limit and offset: limit 1..10000 (default 10), offset ≥ 0.
func ogcPage(q url.Values) (limit, offset int, err error) {
	limit, offset = ogcDefLimit, 0
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return 0, 0, place.Errorf(place.EINVALID, "limit %q: want a whole number from 1 to %d", place.Excerpt(v), ogcMaxLimit)
		}
		limit = min(n, ogcMaxLimit) // the spec: a larger limit is served as the largest
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, 0, place.Errorf(place.EINVALID, "offset %q: want a whole number, 0 or more", place.Excerpt(v))
		}
		offset = n
	}
	return limit, offset, nil
}

// ogcDatetime accepts the datetime parameter Part 1 requires: a date-time,
// an interval, or open ends. No feature here has a time of its own, so,
// as the standard says, every feature is selected.
func ogcDatetime(v string) error {
	if v == "" {
		return nil
	}
	for _, part := range strings.Split(v, "/") {
		if part == ".." || part == "" {
			continue
		}
		if _, err := time.Parse(time.RFC3339, part); err != nil {
			if _, err := time.Parse("2006-01-02", part); err != nil {
				return place.Errorf(place.EINVALID, "datetime %q: want an RFC 3339 date-time or interval (2024-01-01T00:00:00Z/..)", place.Excerpt(v))
			}
		}
	}
	return nil
}

// itemParams are the query parameters of /items: Part 1's, and the
// properties each kind of collection may be filtered by.
var (
	ogcCommonParams = []string{"f", "bbox", "limit", "offset", "datetime"}
	ogcAssetFilters = []string{"category", "status", "name"}
	ogcAreaFilters  = []string{"code", "name"}
)

func (s *Server) ogcItems(w http.ResponseWriter, r *http.Request) error {
	id := chi.URLParam(r, "id")
	q := r.URL.Query()
	filters := ogcAreaFilters
	if id == ogcAssets {
		filters = ogcAssetFilters
	}
	if err := allowParams(q, append(append([]string{}, ogcCommonParams...), filters...)...); err != nil {
		return err
	}
	html, err := wantsHTML(r)
	if err != nil {
		return err
	}
	limit, offset, err := ogcPage(q)
	if err != nil {
		return err
	}
	if err := ogcDatetime(q.Get("datetime")); err != nil {
		return err
	}
	bbox, err := parseBBox(q.Get("bbox"))
	if err != nil {
		return err
	}
	var feats []*geojson.Feature
	var matched int
	var title string
	if id == ogcAssets {
		title = "Assets"
		feats, matched, err = s.ogcAssetItems(r, bbox, q, limit, offset)
	} else {
		var ss place.SetSummary
		if ss, err = s.areas.Set(r.Context(), id); err == nil {
			title = ss.Title
			feats, matched, err = s.ogcAreaItems(r, ss, bbox, q, limit, offset)
		}
	}
	if err != nil {
		return err
	}
	base := s.ogcBase(r) + "/collections/" + url.PathEscape(id) + "/items"
	pageURL := func(off int, format string) string {
		v := url.Values{}
		for k, vs := range q {
			if k != "offset" && k != "f" {
				v[k] = vs
			}
		}
		v.Set("limit", strconv.Itoa(limit))
		v.Set("offset", strconv.Itoa(off))
		v.Set("f", format)
		return base + "?" + v.Encode()
	}
	format, ctype := "json", ogcGeoJSON
	if html {
		format, ctype = "html", "text/html"
	}
	links := []ogcLink{{Href: pageURL(offset, format), Rel: "self", Type: ctype, Title: "this page"}}
	if html {
		links = append(links, ogcLink{Href: pageURL(offset, "json"), Rel: "alternate", Type: ogcGeoJSON, Title: "this page as GeoJSON"})
	} else {
		links = append(links, ogcLink{Href: pageURL(offset, "html"), Rel: "alternate", Type: "text/html", Title: "this page as HTML"})
	}
	if offset+len(feats) < matched {
		links = append(links, ogcLink{Href: pageURL(offset+limit, format), Rel: "next", Type: ctype, Title: "next page"})
	}
	if offset > 0 {
		links = append(links, ogcLink{Href: pageURL(max(0, offset-limit), format), Rel: "prev", Type: ctype, Title: "previous page"})
	}
	links = append(links, ogcLink{Href: s.ogcBase(r) + "/collections/" + url.PathEscape(id), Rel: "collection", Type: "application/json", Title: title})
	page := map[string]any{"type": "FeatureCollection", "features": feats, "numberMatched": matched, "numberReturned": len(feats),
		"timeStamp": time.Now().UTC().Format(time.RFC3339), "links": links}
	if html {
		s.ogcHTML(w, r, "items", map[string]any{"title": title, "id": id, "page": page, "features": feats, "offset": offset})
		return nil
	}
	writeJSONType(w, http.StatusOK, ogcGeoJSON, page)
	return nil
}

// ogcAssetItems pages assets through the store; status and name (exact,
// ignoring case) are filtered here from the store's matches.
func (s *Server) ogcAssetItems(r *http.Request, bbox *orb.Bound, q url.Values, limit, offset int) ([]*geojson.Feature, int, error) {
	aq := store.AssetQuery{BBox: bbox}
	if c := q.Get("category"); c != "" {
		if _, ok := place.CategoryByID(c); !ok {
			return nil, 0, place.Errorf(place.EINVALID, "category %q is not one of %s", place.Excerpt(c), strings.Join(place.CategoryIDs(), ", "))
		}
		aq.Category = c
	}
	status, name := q.Get("status"), q.Get("name")
	if status != "" && !place.Status(status).Valid() {
		return nil, 0, place.Errorf(place.EINVALID, "status %q is not one of the statuses", place.Excerpt(status))
	}
	if status == "" && name == "" {
		aq.Limit, aq.Offset = limit, offset
		page, err := s.assets.Assets(r.Context(), aq)
		if err != nil {
			return nil, 0, err
		}
		return ogcAssetFeatures(page.Assets), page.Matched, nil
	}
	aq.Q = name
	var all []place.Asset
	for {
		aq.Limit, aq.Offset, aq.NoCount = store.MaxPage, len(all), true
		page, err := s.assets.Assets(r.Context(), aq)
		if err != nil {
			return nil, 0, err
		}
		for _, a := range page.Assets {
			if (status == "" || string(a.Status) == status) && (name == "" || strings.EqualFold(a.Name, name)) {
				all = append(all, a)
			}
		}
		if len(page.Assets) < store.MaxPage {
			break
		}
	}
	return ogcAssetFeatures(pageOf(all, limit, offset)), len(all), nil
}

func pageOf[T any](all []T, limit, offset int) []T {
	if offset >= len(all) {
		return nil
	}
	return all[offset:min(len(all), offset+limit)]
}

func ogcAssetFeatures(as []place.Asset) []*geojson.Feature {
	out := make([]*geojson.Feature, len(as))
	for i, a := range as {
		f := assetFeature(a)
		if len(a.Tags) > 0 { // a flat table reads better in GIS: tags as one JSON text
			b, _ := json.Marshal(a.Tags)
			f.Properties["tags"] = string(b)
		}
		out[i] = f
	}
	return out
}

// ogcAreaItems pages a set's areas. Without bbox or filters the store
// pages; otherwise the candidates are filtered here: bbox selects the areas
// whose outline meets the box (not only its bounding box), which needs
// the box to hold at most 10,000 candidates.
func (s *Server) ogcAreaItems(r *http.Request, ss place.SetSummary, bbox *orb.Bound, q url.Values, limit, offset int) ([]*geojson.Feature, int, error) {
	code, name := q.Get("code"), q.Get("name")
	if bbox == nil && code == "" && name == "" {
		areas, err := s.areas.Areas(r.Context(), ss.Slug, store.AreaQuery{Limit: limit, Offset: offset})
		if err != nil {
			return nil, 0, err
		}
		return ogcAreaFeatures(areas), ss.AreaCount, nil
	}
	var cands []place.Area
	var err error
	if code != "" && bbox == nil {
		a, err := s.areas.Area(r.Context(), ss.Slug, code)
		if err != nil && place.ErrorCode(err) != place.ENOTFOUND {
			return nil, 0, err
		}
		if err == nil {
			cands = []place.Area{a}
		}
	} else if bbox != nil {
		cands, err = s.areas.Areas(r.Context(), ss.Slug, store.AreaQuery{BBox: bbox, Limit: s.ogcMaxInBBox + 1})
		if err != nil {
			return nil, 0, err
		}
		if len(cands) > s.ogcMaxInBBox || len(cands) == store.MaxPage {
			return nil, 0, place.Errorf(place.EINVALID, "bbox: more than %d areas of %s lie near it; narrow it, or page without bbox", s.ogcMaxInBBox, ss.Slug)
		}
	} else {
		if cands, err = store.AllAreas(r.Context(), s.areas, ss.Slug); err != nil {
			return nil, 0, err
		}
	}
	var keep []place.Area
	for _, a := range cands {
		if code != "" && a.Code != code {
			continue
		}
		if name != "" && !strings.EqualFold(a.Name, name) {
			continue
		}
		if bbox != nil && !areaMeetsBox(a.Geometry, *bbox) {
			continue
		}
		keep = append(keep, a)
	}
	sort.Slice(keep, func(i, j int) bool { return keep[i].Code < keep[j].Code })
	return ogcAreaFeatures(pageOf(keep, limit, offset)), len(keep), nil
}

// areaMeetsBox reports whether an area's outline or inside meets box b.
func areaMeetsBox(mp orb.MultiPolygon, b orb.Bound) bool {
	if !mp.Bound().Intersects(b) {
		return false
	}
	if geo.BoundaryMeetsBox(mp, b) || planar.MultiPolygonContains(mp, b.Center()) {
		return true
	}
	// Neither edge crosses the box nor does the area hold it: the area
	// lies wholly inside the box, or wholly outside.
	for _, p := range mp {
		if len(p) > 0 && len(p[0]) > 0 && b.Contains(p[0][0]) {
			return true
		}
	}
	return false
}

func ogcAreaFeatures(as []place.Area) []*geojson.Feature {
	out := make([]*geojson.Feature, len(as))
	for i, a := range as {
		f := geojson.NewFeature(rfc7946.Orient(a.Geometry))
		f.ID = a.Code
		props := geojson.Properties{}
		for k, v := range a.Properties { // the source's own fields, flat
			if m, ok := v.(map[string]any); ok {
				b, _ := json.Marshal(m)
				props[k] = string(b)
				continue
			}
			props[k] = v
		}
		props["code"], props["name"], props["set"] = a.Code, a.Name, a.Set
		f.Properties = props
		out[i] = f
	}
	return out
}

// ogcVersionLinks returns successor-version and predecessor-version links
// for an area of a release, and, when its release is not current, a note
// saying so for the HTML page.
func (s *Server) ogcVersionLinks(r *http.Request, set, code string, html bool) ([]ogcLink, string, error) {
	ctx := r.Context()
	ss, err := s.areas.Set(ctx, set)
	if err != nil || ss.Series == "" {
		return nil, "", err
	}
	typ := ogcGeoJSON
	f := ""
	if html {
		typ, f = "text/html", "?f=html"
	}
	var out []ogcLink
	for _, q := range []struct {
		rel string
		q   store.SuccessorQuery
	}{{"successor-version", store.SuccessorQuery{OldSet: set, OldCode: code}}, {"predecessor-version", store.SuccessorQuery{NewSet: set, NewCode: code}}} {
		links, err := s.releases.Successors(ctx, q.q)
		if err != nil {
			return nil, "", err
		}
		for _, l := range s.linksJSON(ctx, s.publicPeople(ctx), links) {
			if !l.Followed() {
				continue
			}
			other, otherCode, name, share := l.NewSet, l.NewCode, l.NewName, l.ShareOfOld
			what := "of this area"
			if q.rel == "predecessor-version" {
				other, otherCode, name, share = l.OldSet, l.OldCode, l.OldName, l.ShareOfNew
			}
			out = append(out, ogcLink{Href: s.ogcBase(r) + "/collections/" + url.PathEscape(other) + "/items/" + url.PathEscape(otherCode) + f,
				Rel: q.rel, Type: typ, Title: fmt.Sprintf("%s (%s %s, %.0f%% %s)", name, other, otherCode, 100*share, what)})
		}
	}
	note := ""
	if !ss.Current {
		note = "This area is from an earlier release of " + ss.Series + "; the areas that took its ground are linked below as successor-version."
	}
	return out, note, nil
}

func (s *Server) ogcItem(w http.ResponseWriter, r *http.Request) error {
	html, err := ogcFormat(r)
	if err != nil {
		return err
	}
	id, fid := chi.URLParam(r, "id"), chi.URLParam(r, "fid")
	var f *geojson.Feature
	var title string
	if id == ogcAssets {
		a, err := s.assets.Asset(r.Context(), fid)
		if err != nil {
			return err
		}
		f, title = ogcAssetFeatures([]place.Asset{a})[0], a.Name
	} else {
		a, err := s.areas.Area(r.Context(), id, fid)
		if err != nil {
			return err
		}
		f, title = ogcAreaFeatures([]place.Area{a})[0], a.Name
	}
	base := s.ogcBase(r) + "/collections/" + url.PathEscape(id)
	links := append(selfAndAlternate(base+"/items/"+url.PathEscape(fid), ogcGeoJSON, html),
		ogcLink{Href: base, Rel: "collection", Type: "application/json", Title: "the collection"})
	var replaced string
	if id != ogcAssets {
		// An area of a boundary release links to the areas that took its
		// ground in later releases and that it took ground from (RFC 5829
		// version relations).
		versions, note, err := s.ogcVersionLinks(r, id, fid, html)
		if err != nil {
			return err
		}
		links, replaced = append(links, versions...), note
	}
	if html {
		s.ogcHTML(w, r, "item", map[string]any{"title": title, "id": id, "feature": f, "links": links, "replaced": replaced})
		return nil
	}
	out := map[string]any{"type": "Feature", "id": f.ID, "geometry": geojson.NewGeometry(rfc7946.Orient(f.Geometry)), "properties": f.Properties, "links": links}
	writeJSONType(w, http.StatusOK, ogcGeoJSON, out)
	return nil
}
