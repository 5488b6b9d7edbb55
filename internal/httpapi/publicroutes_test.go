package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/placemap/placemap/internal/auth"
	"github.com/placemap/placemap/internal/httpapi"
	"github.com/placemap/placemap/internal/store/gpkg"
)

// countingAccounts counts the credential lookups made through it.
type countingAccounts struct {
	httpapi.AccountStore
	lookups atomic.Int64 // the server's goroutines count, the test reads
}

func (c *countingAccounts) Session(ctx context.Context, hash string) (auth.Session, error) {
	c.lookups.Add(1)
	return c.AccountStore.Session(ctx, hash)
}

func (c *countingAccounts) Token(ctx context.Context, hash string) (auth.Token, error) {
	c.lookups.Add(1)
	return c.AccountStore.Token(ctx, hash)
}

// TestPublicRoutesSkipCredentials: tiles and glyphs are the same for
// everyone, so a browser's session cookie on each costs no store reads;
// every other route still reads the credentials it is sent, and refuses
// without them what it refused before.
func TestPublicRoutesSkipCredentials(t *testing.T) {
	ctx := context.Background()
	st, err := gpkg.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	counting := &countingAccounts{AccountStore: st}
	srv := writeServerWith(t, st, func(r *httpapi.Stores) { r.Accounts = counting })
	creds := []string{"Authorization", "Bearer token-editor", "Cookie", httpapi.SessionCookie + "=whatever"}
	for _, path := range []string{"/tiles/grid/10/510/331.mvt", "/tiles/grid/labels/10/510/331.mvt", "/tiles/assets/10/507/333.mvt", "/tiles/basemap/10/507/333.mvt",
		"/fonts/Noto%20Sans%20Regular/0-255.pbf", "/tiles/grid/10/510/331.png"} {
		before := counting.lookups.Load()
		res := get(t, srv.URL+path, creds...)
		if counting.lookups.Load() != before {
			t.Errorf("GET %s (%d) looked up the credentials sent", path, res.status)
		}
	}
	for _, c := range []struct {
		method, path string
		header       []string
		status       int
	}{
		{http.MethodGet, "/api/me", creds, http.StatusOK},
		{http.MethodPost, "/api/assets", nil, http.StatusUnauthorized},
		{http.MethodPost, "/api/assets", []string{"Authorization", "Bearer token-contributor"}, http.StatusForbidden},
		{http.MethodPost, "/api/tokens", []string{"Cookie", httpapi.SessionCookie + "=whatever"}, http.StatusUnauthorized},
	} {
		before := counting.lookups.Load()
		req, err := http.NewRequest(c.method, srv.URL+c.path, strings.NewReader(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i+1 < len(c.header); i += 2 {
			req.Header.Set(c.header[i], c.header[i+1])
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != c.status {
			t.Errorf("%s %s %q: %d, want %d", c.method, c.path, c.header, res.StatusCode, c.status)
		}
		if len(c.header) > 0 && counting.lookups.Load() == before {
			t.Errorf("%s %s %q did not look up its credentials", c.method, c.path, c.header)
		}
	}
}
