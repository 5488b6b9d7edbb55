package httpapi

import (
	"net/http"
	"testing"

	"github.com/go-chi/chi/v5"
)

// TestGlyphsURL: the web map asks for glyphs only where a font route is
// served (a catch-all, like the static files', does not count).
func TestGlyphsURL(t *testing.T) {
	r := chi.NewRouter()
	r.Handle("/*", http.NotFoundHandler())
	if g := glyphsURL(r); g != "" {
		t.Errorf("no font route: glyphs %q, want none", g)
	}
	r.Get("/fonts/{fontstack}/{range}.pbf", func(http.ResponseWriter, *http.Request) {})
	if g := glyphsURL(r); g != "fonts/{fontstack}/{range}.pbf" {
		t.Errorf("with a font route: glyphs %q", g)
	}
}
