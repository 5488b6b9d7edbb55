package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/placemap/placemap/internal/httpapi"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/gpkg"
)

// TestSecurityHeadersEverywhere: every kind of answer — the map, JSON,
// tiles, OGC HTML, downloads, errors, metrics — carries the security
// headers, and the Content-Security-Policy allows no inline script.
func TestSecurityHeadersEverywhere(t *testing.T) {
	st, err := gpkg.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv := writeServer(t, st)
	for _, p := range []string{"/", "/api/sets", "/api/assets/nope", "/tiles/grid/10/511/340.mvt", "/tiles/grid.json",
		"/ogc?f=html", "/ogc/collections/grid/items?f=html", "/api/export/sets/grid.kml", "/metrics", "/nope", "/api/suggestions"} {
		res, err := http.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		h := res.Header
		csp := h.Get("Content-Security-Policy")
		script := ""
		for _, d := range strings.Split(csp, ";") {
			if strings.HasPrefix(strings.TrimSpace(d), "script-src") {
				script = d
			}
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(csp, "frame-ancestors 'none'") || h.Get("Referrer-Policy") == "" ||
			script == "" || strings.Contains(script, "unsafe-inline") || strings.Contains(script, "unsafe-eval") || !strings.Contains(csp, "object-src 'none'") {
			t.Errorf("%s (%d): security headers %v", p, res.StatusCode, h)
		}
	}
}

// TestSecretsAreNotLogged: passwords, session cookies, CSRF tokens and API
// tokens never reach the log, even at debug level with every request
// logged.
func TestSecretsAreNotLogged(t *testing.T) {
	st, err := gpkg.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	writeServer(t, st) // accounts with password and tokens
	var logs bytes.Buffer
	srv := httptest.NewServer(httpapi.New(roles(st), fstest.MapFS{}, httpapi.Config{},
		slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	defer srv.Close()
	c := srv.Client()
	code, h, body := do(t, c, srv.URL, call{"POST", "/api/login", `{"email":"editor@example.org","password":"` + password + `"}`, nil})
	if code != 200 {
		t.Fatalf("login: %d %s", code, body)
	}
	cookie := h.Get("Set-Cookie")
	_, session, _ := strings.Cut(strings.SplitN(cookie, ";", 2)[0], "=")
	if len(session) < 20 {
		t.Fatalf("no session cookie: %q", cookie)
	}
	do(t, c, srv.URL, call{"POST", "/api/login", `{"email":"editor@example.org","password":"a wrong password here"}`, nil})
	do(t, c, srv.URL, call{"POST", "/api/assets", feature("Hall", ""), bearer("editor")})
	do(t, c, srv.URL, call{"GET", "/api/me?token=token-editor", "", bearer("admin")})
	text := logs.String()
	if !strings.Contains(text, `"msg":"request"`) {
		t.Fatalf("no request lines were logged:\n%s", text)
	}
	for _, secret := range []string{password, "a wrong password here", "token-editor", "token-admin", session} {
		if secret != "" && strings.Contains(text, secret) {
			t.Errorf("the log holds the secret %q", secret)
		}
	}
}

// TestStolenTokenRevoked: an account lists its API tokens (ids and names,
// never secrets) and revokes one; the revoked token stops working at once,
// the others go on.
func TestStolenTokenRevoked(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		srv := writeServer(t, st)
		c := srv.Client()
		var made struct{ Token, ID string }
		code, _, body := do(t, c, srv.URL, call{"POST", "/api/tokens", `{"name":"laptop"}`, bearer("editor")})
		if err := json.Unmarshal([]byte(body), &made); err != nil || code != 201 || made.ID == "" || made.Token == "" {
			t.Fatalf("create token: %d %s", code, body)
		}
		mine := map[string]string{"Authorization": "Bearer " + made.Token}
		if code, _, _ := do(t, c, srv.URL, call{"GET", "/api/me", "", mine}); code != 200 {
			t.Fatalf("the new token: %d", code)
		}
		code, _, body = do(t, c, srv.URL, call{"GET", "/api/tokens", "", mine})
		if code != 200 || !strings.Contains(body, `"id":"`+made.ID+`"`) || !strings.Contains(body, `"name":"laptop"`) || strings.Contains(body, made.Token) {
			t.Errorf("list tokens: %d %s", code, body)
		}
		if code, _, _ := do(t, c, srv.URL, call{"DELETE", "/api/tokens/" + made.ID, "", bearer("admin")}); code != 404 {
			t.Errorf("another account revoking the token: %d, want 404", code)
		}
		if code, _, _ := do(t, c, srv.URL, call{"DELETE", "/api/tokens/" + made.ID, "", bearer("editor")}); code != 204 {
			t.Errorf("revoke: %d", code)
		}
		if code, _, _ := do(t, c, srv.URL, call{"GET", "/api/me", "", mine}); code != 401 {
			t.Errorf("the revoked token: %d, want 401", code)
		}
		if code, _, _ := do(t, c, srv.URL, call{"GET", "/api/me", "", bearer("editor")}); code != 200 {
			t.Errorf("the account's other token: %d", code)
		}
	})
}
