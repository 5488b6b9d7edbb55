package httpapi

import (
	"net/http"

	"github.com/placemap/placemap/internal/place"
)

// ogcAPI answers the OpenAPI 3.0 description of the OGC API, with the
// collections of the moment as an enum of collectionId.
func (s *Server) ogcAPI(w http.ResponseWriter, r *http.Request) error {
	html, err := ogcFormat(r)
	if err != nil {
		return err
	}
	sets, err := s.areas.Sets(r.Context())
	if err != nil {
		return err
	}
	ids := []string{ogcAssets}
	for _, ss := range sets {
		ids = append(ids, ss.Slug)
	}
	doc := openAPIDoc(s.ogcBase(r), s.cfg.Title, ids)
	if html {
		s.ogcHTML(w, r, "landing", map[string]any{"title": "API definition",
			"description": "This API is described in OpenAPI 3.0; the links give the description and the pages it covers.",
			"links": []ogcLink{{Href: s.ogcBase(r) + "/api?f=json", Rel: "service-desc", Type: ogcOpenAPI, Title: "OpenAPI 3.0 description (JSON)"},
				{Href: s.ogcBase(r) + "?f=html", Rel: "start", Type: "text/html", Title: "the landing page"}}})
		return nil
	}
	writeJSONType(w, http.StatusOK, ogcOpenAPI, doc)
	return nil
}

type obj = map[string]any

// openAPIRef refers to a component of the OpenAPI description.
func openAPIRef(name string) obj { return obj{"$ref": "#/components/" + name} }

func openAPIDoc(base, title string, collections []string) obj {
	return obj{
		"openapi": "3.0.3",
		"info": obj{"title": title + " — OGC API Features", "version": "1.0.0",
			"description": "Civic assets and the boundary sets they lie in. OGC API – Features, Part 1: Core, with GeoJSON and HTML.",
			"license":     obj{"name": "Data: see each collection's attribution and licence"}},
		"servers":    []obj{{"url": base}},
		"paths":      openAPIPaths(),
		"components": obj{"parameters": openAPIParameters(collections), "schemas": openAPISchemas()},
	}
}

// openAPIPaths describes the OGC API's pages.
func openAPIPaths() obj {
	ref := openAPIRef
	jsonOr := func(schema obj, html bool) obj {
		c := obj{"application/json": obj{"schema": schema}}
		if html {
			c["text/html"] = obj{"schema": obj{"type": "string"}}
		}
		return c
	}
	errResp := obj{"description": "an error, with a message saying what and where",
		"content": obj{"application/json": obj{"schema": ref("schemas/error")}}}
	op := func(id, summary string, params []obj, ok obj) obj {
		return obj{"operationId": id, "summary": summary, "parameters": params, "responses": obj{
			"200": ok, "400": errResp, "404": errResp, "500": errResp}}
	}
	itemParams := []obj{ref("parameters/collectionId"), ref("parameters/f"), ref("parameters/bbox"), ref("parameters/limit"),
		ref("parameters/offset"), ref("parameters/datetime")}
	for _, p := range []string{"category", "status", "name", "code"} {
		itemParams = append(itemParams, ref("parameters/"+p))
	}
	return obj{
		"/": obj{"get": op("getLandingPage", "the landing page", []obj{ref("parameters/f")},
			obj{"description": "links to the API definition, conformance and collections", "content": jsonOr(ref("schemas/landingPage"), true)})},
		"/conformance": obj{"get": op("getConformanceDeclaration", "the conformance classes implemented", []obj{ref("parameters/f")},
			obj{"description": "the conformance classes", "content": jsonOr(ref("schemas/confClasses"), true)})},
		"/api": obj{"get": op("getAPIDefinition", "this description", []obj{ref("parameters/f")},
			obj{"description": "the OpenAPI 3.0 description", "content": obj{"application/vnd.oai.openapi+json;version=3.0": obj{"schema": obj{"type": "object"}}, "text/html": obj{"schema": obj{"type": "string"}}}})},
		"/collections": obj{"get": op("getCollections", "the collections: assets and every boundary set", []obj{ref("parameters/f")},
			obj{"description": "the collections", "content": jsonOr(ref("schemas/collections"), true)})},
		"/collections/{collectionId}": obj{"get": op("describeCollection", "one collection",
			[]obj{ref("parameters/collectionId"), ref("parameters/f")},
			obj{"description": "the collection", "content": jsonOr(ref("schemas/collection"), true)})},
		"/collections/{collectionId}/items": obj{"get": op("getFeatures",
			"features of a collection: assets may be filtered by category, status and name, areas by code and name",
			itemParams, obj{"description": "a page of features", "content": obj{
				"application/geo+json": obj{"schema": ref("schemas/featureCollectionGeoJSON")}, "text/html": obj{"schema": obj{"type": "string"}}}})},
		"/collections/{collectionId}/items/{featureId}": obj{"get": op("getFeature", "one feature",
			[]obj{ref("parameters/collectionId"), ref("parameters/featureId"), ref("parameters/f")},
			obj{"description": "the feature", "content": obj{
				"application/geo+json": obj{"schema": ref("schemas/featureGeoJSON")}, "text/html": obj{"schema": obj{"type": "string"}}}})},
	}
}

// openAPIParameters describes the OGC API's parameters; collectionId is
// one of collections.
func openAPIParameters(collections []string) obj {
	filter := func(name, desc string, enum []string) obj {
		schema := obj{"type": "string"}
		if enum != nil {
			schema["enum"] = enum
		}
		return obj{"name": name, "in": "query", "required": false, "style": "form", "explode": false, "description": desc, "schema": schema}
	}
	var statuses []string
	for _, st := range place.Statuses {
		statuses = append(statuses, string(st))
	}
	return obj{
		"collectionId": obj{"name": "collectionId", "in": "path", "required": true, "description": "assets, or a boundary set's slug",
			"schema": obj{"type": "string", "enum": collections}},
		"featureId": obj{"name": "featureId", "in": "path", "required": true, "description": "an asset's id, or an area's code",
			"schema": obj{"type": "string"}},
		"f": obj{"name": "f", "in": "query", "required": false, "description": "the format; else the Accept header decides",
			"schema": obj{"type": "string", "enum": []string{"json", "html"}}},
		"bbox": obj{"name": "bbox", "in": "query", "required": false, "style": "form", "explode": false,
			"description": "minimum longitude, minimum latitude, maximum longitude, maximum latitude (CRS84): features that meet the box",
			"schema":      obj{"type": "array", "minItems": 4, "maxItems": 4, "items": obj{"type": "number"}}},
		"limit": obj{"name": "limit", "in": "query", "required": false, "style": "form", "explode": false,
			"description": "features per page; more than 10000 is served as 10000",
			"schema":      obj{"type": "integer", "minimum": 1, "maximum": ogcMaxLimit, "default": ogcDefLimit}},
		"offset": obj{"name": "offset", "in": "query", "required": false, "description": "features to skip (the next links carry it)",
			"schema": obj{"type": "integer", "minimum": 0, "default": 0}},
		"datetime": obj{"name": "datetime", "in": "query", "required": false, "style": "form", "explode": false,
			"description": "a date-time or interval; the features have no time of their own, so all are selected",
			"schema":      obj{"type": "string"}},
		"category": filter("category", "assets: a category id", place.CategoryIDs()),
		"status":   filter("status", "assets: a status", statuses),
		"name":     filter("name", "assets or areas: the exact name, ignoring case", nil),
		"code":     filter("code", "areas: the area's code", nil),
	}
}

// openAPISchemas describes what the OGC API's pages hold.
func openAPISchemas() obj {
	ref := openAPIRef
	link := obj{"type": "object", "required": []string{"href", "rel"}, "properties": obj{
		"href": obj{"type": "string"}, "rel": obj{"type": "string"}, "type": obj{"type": "string"}, "title": obj{"type": "string"}}}
	links := obj{"type": "array", "items": ref("schemas/link")}
	return obj{
		"link":        link,
		"error":       obj{"type": "object", "properties": obj{"error": obj{"type": "object", "properties": obj{"code": obj{"type": "string"}, "message": obj{"type": "string"}}}}},
		"landingPage": obj{"type": "object", "required": []string{"links"}, "properties": obj{"title": obj{"type": "string"}, "description": obj{"type": "string"}, "links": links}},
		"confClasses": obj{"type": "object", "required": []string{"conformsTo"}, "properties": obj{"conformsTo": obj{"type": "array", "items": obj{"type": "string"}}}},
		"collection": obj{"type": "object", "required": []string{"id", "links"}, "properties": obj{
			"id": obj{"type": "string"}, "title": obj{"type": "string"}, "description": obj{"type": "string"}, "links": links,
			"extent": obj{"type": "object"}, "itemType": obj{"type": "string"}, "crs": obj{"type": "array", "items": obj{"type": "string"}},
			"numberOfFeatures": obj{"type": "integer"}}},
		"collections": obj{"type": "object", "required": []string{"links", "collections"}, "properties": obj{
			"links": links, "collections": obj{"type": "array", "items": ref("schemas/collection")}}},
		"featureGeoJSON": obj{"type": "object", "required": []string{"type", "geometry", "properties"}, "properties": obj{
			"type": obj{"type": "string", "enum": []string{"Feature"}}, "geometry": obj{"type": "object", "nullable": true},
			"properties": obj{"type": "object", "nullable": true}, "id": obj{"oneOf": []obj{{"type": "string"}, {"type": "integer"}}}, "links": links}},
		"featureCollectionGeoJSON": obj{"type": "object", "required": []string{"type", "features"}, "properties": obj{
			"type": obj{"type": "string", "enum": []string{"FeatureCollection"}}, "features": obj{"type": "array", "items": ref("schemas/featureGeoJSON")},
			"links": links, "timeStamp": obj{"type": "string", "format": "date-time"},
			"numberMatched": obj{"type": "integer", "minimum": 0}, "numberReturned": obj{"type": "integer", "minimum": 0}}},
	}
}
