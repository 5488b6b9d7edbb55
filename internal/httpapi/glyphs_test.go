package httpapi_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
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

// TestGlyphsEncodings: a client that takes gzip gets the range gzipped (and
// it inflates to the plain range), one that does not gets it plain, either
// validator answers 304, and a malformed range gets the JSON error every
// other 400 carries, naming the range.
func TestGlyphsEncodings(t *testing.T) {
	st, err := gpkg.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv := writeServer(t, st)
	get := func(path string, header ...string) (*http.Response, []byte) {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		res, err := http.DefaultTransport.RoundTrip(req) // no transparent gunzip
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return res, b
	}
	const path = "/fonts/DejaVu%20Sans%20Book/0-255.pbf"
	plainRes, plain := get(path, "Accept-Encoding", "identity")
	gzRes, gz := get(path, "Accept-Encoding", "gzip, br")
	if plainRes.StatusCode != 200 || gzRes.StatusCode != 200 || plainRes.Header.Get("Content-Encoding") != "" || gzRes.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("statuses %d, %d; encodings %q, %q", plainRes.StatusCode, gzRes.StatusCode, plainRes.Header.Get("Content-Encoding"), gzRes.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	inflated, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(inflated, plain) || len(gz) >= len(plain) {
		t.Errorf("gzip %d bytes inflates to %d (%v); plain %d", len(gz), len(inflated), err, len(plain))
	}
	if gzRes.Header.Get("ETag") == plainRes.Header.Get("ETag") || !strings.Contains(gzRes.Header.Get("Vary"), "Accept-Encoding") {
		t.Errorf("ETags %q / %q, Vary %q: the two representations need their own validators", gzRes.Header.Get("ETag"), plainRes.Header.Get("ETag"), gzRes.Header.Get("Vary"))
	}
	for _, etag := range []string{plainRes.Header.Get("ETag"), gzRes.Header.Get("ETag")} {
		if res, _ := get(path, "Accept-Encoding", "gzip", "If-None-Match", etag); res.StatusCode != http.StatusNotModified {
			t.Errorf("If-None-Match %s: status %d, want 304", etag, res.StatusCode)
		}
	}
	res, body := get("/fonts/DejaVu%20Sans%20Book/0-256.pbf", "Accept-Encoding", "identity")
	var e struct {
		Error struct{ Code, Message string }
	}
	if err := json.Unmarshal(body, &e); err != nil || res.StatusCode != http.StatusBadRequest || e.Error.Code != "invalid" || !strings.Contains(e.Error.Message, "0-256") {
		t.Errorf("malformed range: status %d, body %s (%v)", res.StatusCode, body, err)
	}
}
