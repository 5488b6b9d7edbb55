package httpapi

import (
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/placemap/placemap/internal/place"
)

// apiLike reports whether a path is one a program asks for: the API, OGC
// API Features, tiles, fonts and sprites, or a JSON document. A 404 there
// is a JSON error a client can read, not a page.
func apiLike(p string) bool {
	for _, prefix := range []string{"/api", "/ogc", "/tiles", "/fonts", "/sprites", "/metrics", "/healthz", "/readyz"} {
		if p == prefix || strings.HasPrefix(p, prefix+"/") {
			return true
		}
	}
	switch strings.ToLower(path.Ext(p)) {
	case ".json", ".geojson", ".mvt", ".pbf", ".csv", ".gpkg", ".kml":
		return true
	}
	return false
}

// browser reports whether the client asks for a web page.
func browser(r *http.Request) bool {
	accept := r.Header.Get("Accept")
	return strings.Contains(accept, "text/html") && !strings.Contains(accept, "json")
}

var notFoundPage = template.Must(template.New("404").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Not found · {{.Title}}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1f2937}code{word-break:break-all}a{color:#0e7490}</style>
</head><body><main>
<h1>Page not found</h1>
<p>There is nothing at <code>{{.Path}}</code>.</p>
<p><a href="/">Go to the map</a> · <a href="/ogc?f=html">Browse the data</a></p>
</main></body></html>
`))

// notFound answers a path no route or file serves: a JSON error for
// API-like paths and programs, a readable page with a link home for
// browsers (and for OGC API pages, which browsers read as HTML).
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) error {
	p := r.URL.Path
	html := browser(r) && (!apiLike(p) || p == "/ogc" || strings.HasPrefix(p, "/ogc/"))
	if !html {
		return place.Errorf(place.ENOTFOUND, "nothing at %q", place.Excerpt(p))
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusNotFound)
	_ = notFoundPage.Execute(w, map[string]string{"Title": s.cfg.Title, "Path": place.Excerpt(p)})
	return nil
}

// methodNotAllowed answers a method a route does not take, as JSON.
func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusMethodNotAllowed, errorBody{errorDetail{"method_not_allowed", r.Method + " is not allowed on " + place.Excerpt(r.URL.Path)}})
}

// webFileExists reports whether the web map has a file for a URL path (a
// directory counts if it has an index.html, which the file server shows
// instead of a listing).
func (s *Server) webFileExists(urlPath string) bool {
	name := strings.TrimPrefix(path.Clean("/"+urlPath), "/")
	if name == "" {
		name = "."
	}
	fi, err := fs.Stat(s.web, name)
	if err != nil {
		return false
	}
	if fi.IsDir() {
		_, err := fs.Stat(s.web, path.Join(name, "index.html"))
		return err == nil
	}
	return true
}
