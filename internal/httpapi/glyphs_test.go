package httpapi_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/placemap/placemap/internal/glyphs"
	"github.com/placemap/placemap/internal/store/gpkg"
)

// TestGlyphs: anyone may fetch the map's glyph ranges, with the security
// headers every answer carries; a fontstack placemap lacks gets its own
// regular font, a malformed range 400.
func TestGlyphs(t *testing.T) {
	st, err := gpkg.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv := writeServer(t, st)
	for _, tc := range []struct {
		path   string
		status int
		stack  string
	}{
		{"/fonts/DejaVu%20Sans%20Book/0-255.pbf", http.StatusOK, glyphs.Regular},
		{"/fonts/DejaVu%20Sans%20Bold/256-511.pbf", http.StatusOK, glyphs.Bold},
		{"/fonts/Open%20Sans%20Regular,Arial%20Unicode%20MS%20Regular/0-255.pbf", http.StatusOK, glyphs.Regular},
		{"/fonts/DejaVu%20Sans%20Book/65280-65535.pbf", http.StatusOK, glyphs.Regular},
		{"/fonts/DejaVu%20Sans%20Book/0-256.pbf", http.StatusBadRequest, ""},
		{"/fonts/DejaVu%20Sans%20Book/65536-65791.pbf", http.StatusBadRequest, ""},
	} {
		res, err := http.Get(srv.URL + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d", tc.path, res.StatusCode, tc.status)
			continue
		}
		h := res.Header
		if h.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(h.Get("Content-Security-Policy"), "connect-src 'self'") {
			t.Errorf("%s: security headers %v", tc.path, h)
		}
		if tc.status != http.StatusOK {
			continue
		}
		if h.Get("Content-Type") != "application/x-protobuf" || h.Get("ETag") == "" || !strings.Contains(h.Get("Cache-Control"), "max-age=") {
			t.Errorf("%s: headers %v", tc.path, h)
		}
		// The fontstack message opens with its name (field 1 of field 1).
		if !bytes.Contains(body[:min(len(body), 40)], []byte(tc.stack)) {
			t.Errorf("%s: answered %q…, want fontstack %q", tc.path, body[:min(len(body), 40)], tc.stack)
		}
	}
}
