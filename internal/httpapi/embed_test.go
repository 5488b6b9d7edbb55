package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/placemap/placemap/internal/httpapi"
	"github.com/placemap/placemap/internal/store/gpkg"
)

// embedServer serves an empty store with the given --embed-origins.
func embedServer(t *testing.T, origins []string) *httptest.Server {
	t.Helper()
	st, err := gpkg.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	web := fstest.MapFS{
		"index.html": {Data: []byte("<!doctype html><html><head><title>m</title></head><body></body></html>")},
		"embed.html": {Data: []byte("<!doctype html><html><head><title>e</title></head><body></body></html>")},
		"app.js":     {Data: []byte("//")},
	}
	srv := httptest.NewServer(httpapi.New(roles(st), web, httpapi.Config{Title: `Sheffield "maps" <b>`, EmbedOrigins: origins},
		slog.New(slog.NewTextHandler(io.Discard, nil))))
	t.Cleanup(srv.Close)
	return srv
}

func frameAncestors(csp string) string {
	for _, d := range strings.Split(csp, ";") {
		if d = strings.TrimSpace(d); strings.HasPrefix(d, "frame-ancestors") {
			return strings.TrimSpace(strings.TrimPrefix(d, "frame-ancestors"))
		}
	}
	return ""
}

// TestEmbedFraming: /embed may be framed only by the configured origins
// (none without them, any with *), with no X-Frame-Options; every other
// page still refuses frames.
func TestEmbedFraming(t *testing.T) {
	for _, tc := range []struct {
		name    string
		origins []string
		want    string
	}{
		{"none", nil, "'none'"},
		{"two", []string{"https://a.example", "http://127.0.0.1:8080"}, "https://a.example http://127.0.0.1:8080"},
		{"any", []string{"*"}, "*"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := embedServer(t, tc.origins)
			for _, p := range []string{"/embed", "/embed?at=12/53.38/-1.47&sets=grid", "/", "/api/sets", "/app.js", "/oembed?url=x", "/embed/x", "/nope"} {
				res, err := http.Get(srv.URL + p)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				fa := frameAncestors(res.Header.Get("Content-Security-Policy"))
				xfo := res.Header.Get("X-Frame-Options")
				if strings.HasPrefix(p, "/embed") && !strings.HasPrefix(p, "/embed/") {
					if res.StatusCode != 200 || fa != tc.want || xfo != "" {
						t.Errorf("%s: %d frame-ancestors %q X-Frame-Options %q, want 200 %q and none", p, res.StatusCode, fa, xfo, tc.want)
					}
					continue
				}
				if fa != "'none'" || xfo != "DENY" {
					t.Errorf("%s: frame-ancestors %q X-Frame-Options %q, want 'none' and DENY", p, fa, xfo)
				}
			}
		})
	}
}

// TestParseEmbedOrigins: origins are scheme://host[:port]; anything else
// is refused saying why.
func TestParseEmbedOrigins(t *testing.T) {
	for _, tc := range []struct {
		in, want, err string
	}{
		{"", "", ""},
		{"https://a.example,https://b.example", "https://a.example https://b.example", ""},
		{" HTTPS://A.Example:8443 , https://a.example:8443,", "https://a.example:8443", ""},
		{"http://127.0.0.1:9000", "http://127.0.0.1:9000", ""},
		{"*", "*", ""},
		{"*,https://a.example", "", "cannot be listed with"},
		{"a.example", "", "scheme"},
		{"ftp://a.example", "", "scheme"},
		{"https://a.example/", "", "no path"},
		{"https://a.example/page", "", "no path"},
		{"https://a.example?x=1", "", "no path"},
		{"https://a.example#x", "", "no path"},
		{"https://u:p@a.example", "", "user name"},
		{"https://a.example:99999", "", "port"},
		{"https://a.example:", "", "port"},
		{"https://", "", "no host"},
		{"https://*.example", "", "host"},
		{"https://a.example; script-src *", "", ""},
	} {
		got, err := httpapi.ParseEmbedOrigins(tc.in)
		if tc.in == "https://a.example; script-src *" {
			if err == nil {
				t.Errorf("%q: no error, got %q", tc.in, got)
			}
			continue
		}
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: error %v, want one saying %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || strings.Join(got, " ") != tc.want {
			t.Errorf("%q: %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

type oembedAnswer struct {
	Version, Type, ProviderName, ProviderURL, Title, HTML string
	Width, Height                                         int
}

func getOEmbed(t *testing.T, srv *httptest.Server, query string) (int, oembedAnswer) {
	t.Helper()
	res, err := http.Get(srv.URL + "/oembed?" + query)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var raw map[string]any
	_ = json.NewDecoder(res.Body).Decode(&raw)
	var a oembedAnswer
	s := func(k string) string { v, _ := raw[k].(string); return v }
	n := func(k string) int { v, _ := raw[k].(float64); return int(v) }
	a.Version, a.Type, a.ProviderName, a.ProviderURL, a.Title, a.HTML = s("version"), s("type"), s("provider_name"), s("provider_url"), s("title"), s("html")
	a.Width, a.Height = n("width"), n("height")
	return res.StatusCode, a
}

// TestOEmbed: a map address of this server gives a rich answer whose
// iframe shows it in /embed; other addresses 404, XML 501, sizes clamped,
// and nothing from the url reaches the HTML unencoded.
func TestOEmbed(t *testing.T) {
	srv := embedServer(t, []string{"https://a.example"})
	q := func(u string, extra ...string) string {
		return "url=" + url.QueryEscape(u) + strings.Join(extra, "")
	}
	for _, tc := range []struct {
		name, query string
		status      int
		src         string // the iframe's src after the server's /embed
		w, h        int
	}{
		{"map", q(srv.URL + "/#map?at=14/53.38/-1.47&sets=grid,b&area=grid/A1&panel=about"), 200, "?at=14/53.38/-1.47&amp;sets=grid,b&amp;area=grid/A1", 640, 480},
		{"map page", q(srv.URL + "/"), 200, "", 640, 480},
		{"embed", q(srv.URL + "/embed?asset=42&assets=off&color=grid"), 200, "?assets=off&amp;color=grid&amp;asset=42", 640, 480},
		{"figures", q(srv.URL + "/#choropleth/grid/imd_score"), 200, "?choropleth=grid/imd_score", 640, 480},
		{"clamped", q(srv.URL+"/#map", "&maxwidth=300&maxheight=100"), 200, "", 300, 120},
		{"json", q(srv.URL+"/#map", "&format=json&maxwidth=99999"), 200, "", 640, 480},
		{"foreign", q("https://evil.example/#map?at=1/2/3"), 404, "", 0, 0},
		{"other page", q(srv.URL + "/api/sets"), 404, "", 0, 0},
		{"other view", q(srv.URL + "/#compare/a/b"), 404, "", 0, 0},
		{"no url", "", 404, "", 0, 0},
		{"xml", q(srv.URL+"/#map", "&format=xml"), 501, "", 0, 0},
		{"bad maxwidth", q(srv.URL+"/#map", "&maxwidth=wide"), 400, "", 0, 0},
	} {
		status, a := getOEmbed(t, srv, tc.query)
		if status != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, status, tc.status)
			continue
		}
		if status != 200 {
			continue
		}
		wantSrc := `src="` + srv.URL + "/embed" + tc.src + `"`
		if a.Version != "1.0" || a.Type != "rich" || a.ProviderURL != srv.URL+"/" || a.ProviderName == "" || a.Width != tc.w || a.Height != tc.h ||
			!strings.HasPrefix(a.HTML, "<iframe ") || !strings.Contains(a.HTML, wantSrc) || !strings.HasSuffix(a.HTML, "></iframe>") {
			t.Errorf("%s: %+v, want %dx%d and %s", tc.name, a, tc.w, tc.h, wantSrc)
		}
		if !strings.Contains(a.HTML, `title="Sheffield &#34;maps&#34; &lt;b&gt; map"`) {
			t.Errorf("%s: title not escaped: %s", tc.name, a.HTML)
		}
	}
}

// TestOEmbedHostileURL: quotes, angle brackets and script in any part of
// the address come out encoded in the src, one iframe and no other tag.
func TestOEmbedHostileURL(t *testing.T) {
	srv := embedServer(t, nil)
	for _, u := range []string{
		srv.URL + `/embed?asset="><script>alert(1)</script>`,
		srv.URL + `/embed?asset=%22%3E%3Cscript%3Ealert(1)%3C/script%3E&sets=a"b,<i>&area=x/"onload="alert(1)`,
		srv.URL + `/#map?at=1/2/3"><svg onload=alert(1)>&sets=' onmouseover='x&asset=javascript:alert(1)`,
		srv.URL + `/#choropleth/"><img src=x onerror=alert(1)>/x`,
		srv.URL + "/embed?color=%0A%0D%00",
	} {
		status, a := getOEmbed(t, srv, "url="+url.QueryEscape(u))
		if status != 200 {
			t.Errorf("%q: status %d", u, status)
			continue
		}
		src, _, _ := strings.Cut(strings.TrimPrefix(a.HTML, `<iframe src="`), `"`)
		if strings.Count(a.HTML, "<") != 2 || strings.Count(a.HTML, ">") != 2 || strings.ContainsAny(src, `"'<> `+"\n\r\x00") ||
			strings.Contains(a.HTML, "onload") && !strings.Contains(src, "onload") || strings.Contains(a.HTML, "onerror=") {
			t.Errorf("%q: html %s", u, a.HTML)
		}
		if !strings.HasPrefix(src, srv.URL+"/embed") {
			t.Errorf("%q: src %s", u, src)
		}
	}
}

// TestEmbedDiscovery: the map page and /embed link to their oEmbed.
func TestEmbedDiscovery(t *testing.T) {
	srv := embedServer(t, nil)
	for _, tc := range []struct{ path, page string }{
		{"/", srv.URL + "/"},
		{"/embed?sets=grid&asset=%22%3E", srv.URL + "/embed?sets=grid&asset=%22%3E"},
	} {
		res, err := http.Get(srv.URL + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		want := `<link rel="alternate" type="application/json+oembed" href="` + srv.URL + "/oembed?format=json&amp;url=" + url.QueryEscape(tc.page) + `"`
		if res.StatusCode != 200 || !strings.Contains(string(b), want) || strings.Index(string(b), want) > strings.Index(string(b), "</head>") {
			t.Errorf("%s: %d %s\nwant %s", tc.path, res.StatusCode, b, want)
		}
	}
}
