package httpapi

// The embeddable map: /embed (web/embed.html, the map without the panel),
// who may frame it (Config.EmbedOrigins, in the Content-Security-Policy's
// frame-ancestors; every other page refuses frames), and oEmbed
// (/oembed, with discovery links in the map page and /embed).

import (
	"bytes"
	"fmt"
	"html"
	"io/fs"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/placemap/placemap/internal/place"
)

// EmbedPath is the page other sites may frame.
const EmbedPath = "/embed"

// The iframe oEmbed gives when the consumer sets no bounds, and the
// smallest and largest it ever gives.
const (
	oembedWidth, oembedHeight       = 640, 480
	oembedMinWidth, oembedMinHeight = 160, 120
	oembedMaxSide                   = 1920
)

// ParseEmbedOrigins reads --embed-origins: origins (scheme://host[:port],
// http or https, no path, query or fragment) separated by commas, or * for
// any site. It gives them lower-cased, in order, without repeats; "" gives
// none (then /embed may be framed by no one).
func ParseEmbedOrigins(s string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, raw := range strings.Split(s, ",") {
		o := strings.TrimSpace(raw)
		if o == "" {
			continue
		}
		if o != "*" {
			var err error
			if o, err = parseOrigin(o); err != nil {
				return nil, err
			}
		}
		if !seen[o] {
			seen[o] = true
			out = append(out, o)
		}
	}
	if seen["*"] && len(out) > 1 {
		return nil, fmt.Errorf("embed origins: * (any site) cannot be listed with other origins")
	}
	return out, nil
}

// parseOrigin checks one origin and gives it lower-cased.
func parseOrigin(o string) (string, error) {
	bad := func(why string) error {
		return fmt.Errorf("embed origin %q: %s (want scheme://host[:port], e.g. https://example.org)", place.Excerpt(o), why)
	}
	u, err := url.Parse(o)
	switch {
	case err != nil:
		return "", bad("not a URL")
	case u.Scheme != "http" && u.Scheme != "https":
		return "", bad("the scheme must be http or https")
	case u.Opaque != "" || u.Host == "" || u.Hostname() == "":
		return "", bad("no host")
	case u.User != nil:
		return "", bad("no user name or password may be given")
	case u.Path != "" || u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(o, "?#"):
		return "", bad("no path, query or fragment may follow the host")
	case strings.ContainsAny(u.Hostname(), "*;' \"") || strings.Contains(u.Hostname(), ".."):
		return "", bad("not a host name")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return "", bad("the port must be a number from 1 to 65535")
		}
	} else if strings.HasSuffix(u.Host, ":") {
		return "", bad("the port is empty")
	}
	return strings.ToLower(u.Scheme + "://" + u.Host), nil
}

// frameAncestors is the frame-ancestors source list of /embed: the
// configured origins, or 'none'.
func (s *Server) frameAncestors() string {
	if len(s.cfg.EmbedOrigins) == 0 {
		return "'none'"
	}
	return strings.Join(s.cfg.EmbedOrigins, " ")
}

// servePage serves a page of the web map (index.html, embed.html) with its
// oEmbed discovery link for the address oembedFor gives, in its <head>.
func (s *Server) servePage(w http.ResponseWriter, r *http.Request, name, pageURL string) error {
	b, err := fs.ReadFile(s.web, name)
	if err != nil {
		return s.notFound(w, r)
	}
	href := s.baseURL(r) + "/oembed?format=json&url=" + url.QueryEscape(pageURL)
	link := `<link rel="alternate" type="application/json+oembed" href="` + html.EscapeString(href) +
		`" title="` + html.EscapeString(s.cfg.Title) + `">` + "\n"
	if i := bytes.Index(b, []byte("</head>")); i >= 0 {
		b = append(b[:i:i], append([]byte(link), b[i:]...)...)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
	return nil
}

// embedPage serves /embed: web/embed.html.
func (s *Server) embedPage(w http.ResponseWriter, r *http.Request) error {
	u := s.baseURL(r) + EmbedPath
	if q := embedQuery(r.URL.RawQuery); q != "" {
		u += "?" + q
	}
	return s.servePage(w, r, "embed.html", u)
}

// getOEmbed answers GET /oembed?url=…&maxwidth=&maxheight=&format=json for
// an address of this server's map (/#map?…, /#choropleth/…, /embed?…): a
// "rich" answer whose html is an iframe of /embed showing that view.
func (s *Server) getOEmbed(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	switch q.Get("format") {
	case "", "json":
	default:
		writeJSON(w, http.StatusNotImplemented, errorBody{errorDetail{"not_implemented", "oEmbed is answered in format=json only"}})
		return nil
	}
	width, err := oembedSide(q.Get("maxwidth"), "maxwidth", oembedWidth, oembedMinWidth)
	if err != nil {
		return err
	}
	height, err := oembedSide(q.Get("maxheight"), "maxheight", oembedHeight, oembedMinHeight)
	if err != nil {
		return err
	}
	base := s.baseURL(r)
	query, ok := embedQueryFor(q.Get("url"), base)
	if !ok {
		return place.Errorf(place.ENOTFOUND, "no map of this site at url %q (want %s/#map?… or %s%s?…)", place.Excerpt(q.Get("url")), base, base, EmbedPath)
	}
	src := base + EmbedPath
	if query != "" {
		src += "?" + query
	}
	title := s.cfg.Title + " map"
	// Public and without credentials: pages may ask for it from their own script.
	w.Header().Set("Access-Control-Allow-Origin", "*")
	frame := fmt.Sprintf(`<iframe src="%s" width="%d" height="%d" title="%s" style="border:0" loading="lazy" referrerpolicy="strict-origin-when-cross-origin"></iframe>`,
		html.EscapeString(src), width, height, html.EscapeString(title))
	writeJSON(w, http.StatusOK, map[string]any{
		"version": "1.0", "type": "rich", "provider_name": s.cfg.Title, "provider_url": base + "/",
		"title": title, "width": width, "height": height, "html": frame,
	})
	return nil
}

// oembedSide is one side of the iframe: def, at most max (the consumer's
// maxwidth or maxheight, when given) and oembedMaxSide, at least min.
func oembedSide(limit, name string, def, least int) (int, error) {
	side := def
	if limit != "" {
		n, err := strconv.Atoi(limit)
		if err != nil || n <= 0 {
			return 0, place.Errorf(place.EINVALID, "%s %q: want a whole number of pixels above 0", name, place.Excerpt(limit))
		}
		if n < side {
			side = n
		}
	}
	if side > oembedMaxSide {
		side = oembedMaxSide
	}
	if side < least {
		side = least
	}
	return side, nil
}

// embedQueryFor is the /embed query showing the view the address u of this
// server (base: its scheme and host) shows; ok is false when u is not an
// address of this server's map.
func embedQueryFor(u, base string) (query string, ok bool) {
	pu, err := url.Parse(strings.TrimSpace(u))
	if err != nil {
		return "", false
	}
	b, err := url.Parse(base)
	if err != nil || !strings.EqualFold(pu.Scheme, b.Scheme) || !strings.EqualFold(pu.Host, b.Host) || pu.User != nil {
		return "", false
	}
	basePath := strings.TrimRight(b.Path, "/")
	switch strings.TrimPrefix(pu.Path, basePath) {
	case EmbedPath:
		return embedQuery(pu.RawQuery), true
	case "", "/", "/index.html":
	default:
		return "", false
	}
	frag := pu.EscapedFragment()
	view, rest, _ := strings.Cut(frag, "?")
	switch {
	case view == "" || view == "map":
		return embedQuery(rest), true
	case strings.HasPrefix(view, "choropleth/"):
		// #choropleth/SET/INDICATOR: the set coloured by that figure.
		return embedQuery("choropleth=" + strings.TrimPrefix(view, "choropleth/")), true
	}
	return "", false
}

// embedQuery keeps of a map address's query (#map?… or /embed?…) what
// /embed reads, each part checked and encoded again, in a fixed order:
// at=Z/LAT/LON, sets=A,B, assets=off, color=SET or choropleth=SET/INDICATOR,
// asset=ID or area=SET/CODE. Parts it cannot read are left out.
func embedQuery(raw string) string {
	got := map[string]string{}
	for _, pair := range strings.Split(raw, "&") {
		k, v, _ := strings.Cut(pair, "=")
		if key, err := url.QueryUnescape(k); err == nil && k != "" {
			if _, dup := got[key]; !dup {
				got[key] = v
			}
		}
	}
	var parts []string
	add := func(key, value string) { parts = append(parts, key+"="+value) }
	if at, ok := embedAt(got["at"]); ok {
		add("at", at)
	}
	if v, ok := got["sets"]; ok {
		add("sets", joinEscaped(strings.Split(v, ","), ",", false))
	}
	if got["assets"] == "off" {
		add("assets", "off")
	}
	if v := joinEscaped(strings.SplitN(got["choropleth"], "/", 2), "/", true); v != "" {
		add("choropleth", v)
	} else if v := joinEscaped([]string{got["color"]}, "", true); v != "" {
		add("color", v)
	}
	if v := joinEscaped([]string{got["asset"]}, "", true); v != "" {
		add("asset", v)
	} else if v := joinEscaped(strings.SplitN(got["area"], "/", 2), "/", true); v != "" && strings.Contains(v, "/") {
		add("area", v)
	}
	return strings.Join(parts, "&")
}

// joinEscaped decodes each of parts, encodes it again for a query and joins
// them with sep; parts that decode to nothing are left out, or, with all,
// make the whole "" (each part is needed).
func joinEscaped(parts []string, sep string, all bool) string {
	var out []string
	for _, p := range parts {
		d, err := url.QueryUnescape(p)
		if err != nil || d == "" || len(d) > 200 {
			if all {
				return ""
			}
			continue
		}
		out = append(out, url.QueryEscape(d))
	}
	return strings.Join(out, sep)
}

// embedAt reads at=ZOOM/LAT/LON as the map link does (web/maplink.js).
func embedAt(raw string) (string, bool) {
	d, err := url.QueryUnescape(raw)
	if err != nil {
		return "", false
	}
	f := strings.Split(d, "/")
	if len(f) != 3 {
		return "", false
	}
	var n [3]float64
	for i, s := range f {
		x, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return "", false
		}
		n[i] = x
	}
	if n[0] < 0 || n[0] > 24 || math.Abs(n[1]) > 90 || math.Abs(n[2]) > 180 {
		return "", false
	}
	g := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	return g(n[0]) + "/" + g(n[1]) + "/" + g(n[2]), true
}
