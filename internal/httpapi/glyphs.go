package httpapi

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/placemap/placemap/internal/glyphs"
	"github.com/placemap/placemap/internal/place"
)

// getGlyphs answers GET /fonts/{fontstack}/{range}.pbf: the SDF glyphs of
// a range of placemap's own fonts (any fontstack it lacks gets its regular
// font), gzipped when the client takes it, cached for long (the glyphs
// change only with the binary; the ETag says which). A malformed range is
// 400.
func (s *Server) getGlyphs(w http.ResponseWriter, r *http.Request) error {
	rng := chi.URLParam(r, "range")
	e, err := s.fonts.Encoded(chi.URLParam(r, "fontstack"), rng)
	if errors.Is(err, glyphs.ErrBadRange) {
		return place.Errorf(place.EINVALID, "glyph range %q: %v", place.Excerpt(rng), err)
	}
	if err != nil {
		return err
	}
	body, etag := e.Body, e.ETag
	gz := acceptsGzip(r.Header.Get("Accept-Encoding"))
	if gz {
		body, etag = e.Gzip, e.ETag[:len(e.ETag)-1]+`-gz"`
	}
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("Vary", "Accept-Encoding")
	h.Set("Access-Control-Allow-Origin", "*")
	if inm := r.Header.Get("If-None-Match"); etagMatch(inm, e.ETag) || etagMatch(inm, etag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	h.Set("Content-Type", "application/x-protobuf")
	if gz {
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
	return nil
}
