// Package httpapi serves placemap over HTTP: the JSON/GeoJSON API, vector
// tiles, health checks and the embedded web map.
//
// Handlers translate HTTP: they read the request, ask the store through
// the small roles of Stores, apply the rules internal/place holds, and
// return their error; Server.handle writes it once, with the status its
// code maps to (errors.go).
package httpapi

import (
	"context"
	"encoding/json"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/placemap/placemap/internal/access"
	"github.com/placemap/placemap/internal/auth"
	"github.com/placemap/placemap/internal/glyphs"
	"github.com/placemap/placemap/internal/network"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/proposals"
	"github.com/placemap/placemap/internal/reconcile"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/tiles"
)

// Config holds what a deployment may set.
type Config struct {
	Title           string // shown in the web map
	BasemapStyleURL string // a MapLibre style URL; "" for the offline plain background
	PublicURL       string // e.g. https://placemap.example.org; "" to derive from requests
	TileCacheBytes  int64
	// ShapeCacheBytes bounds the memory of the sets' shapes tiles keep to
	// be drawn from (tiles.Renderer.KeepShapes; estimated), when Stores
	// has Shapes. 0 keeps none.
	ShapeCacheBytes int64
	// CrosswalkCacheBytes bounds the memory of the crosswalks kept for
	// reuse (estimated). 0 means 256 MiB.
	CrosswalkCacheBytes int64
	RequestTimeout      time.Duration
	MaxRequestBody      int64
	// MaxUploadBody bounds an OSM file uploaded for conflation
	// (POST /api/conflations). 0 means 32 MiB.
	MaxUploadBody int64
	// MaxDecompressed bounds what an uploaded OSM file may decompress to
	// (bzip2, gzip, the blocks of a PBF); past it 413. 0 means
	// osm.DefaultMaxDecompressed.
	MaxDecompressed int64
	// TrustProxyHeaders takes the client's address from the right-most
	// X-Forwarded-For entry, the one a reverse proxy in front appends.
	// Off by default: otherwise any client could pick its own address, and
	// with it escape the per-address limits on sign-in and suggestions.
	TrustProxyHeaders bool
	// MaxExpensive bounds the heavy work done at once: crosswalks,
	// agreement surfaces, conflations, exports, and the writes that
	// overlay or place many assets (area changes, accepted drawings,
	// successor decisions); past it a request gets 503 with Retry-After.
	// 0 means 2.
	MaxExpensive int
	// ExpensiveWait is how long a request waits for a place for expensive
	// work before the 503. 0 means 10 seconds.
	ExpensiveWait time.Duration
	// WritesPerMinute bounds the writes one account makes in a minute;
	// past it 429 with Retry-After. 0 means 120.
	WritesPerMinute int
	// SuggestionsPerHour bounds the suggestions one signed-in account
	// sends in an hour (anonymous ones are bounded per address); past it
	// 429 with Retry-After. 0 means 60.
	SuggestionsPerHour int
	// DrawingQuestions are the questions a resident may answer with a
	// drawing of their neighbourhood; nil means
	// place.DefaultDrawingQuestions, empty none.
	DrawingQuestions []string
	// EmbedOrigins are the sites that may frame /embed (ParseEmbedOrigins:
	// origins, or "*" for any); none: no one may. Every other page refuses
	// to be framed.
	EmbedOrigins []string
}

// Server is placemap's HTTP handler.
type Server struct {
	metrics    *metrics
	requestIDs *requestIDs
	// The store's roles (see Stores).
	areas       AreaStore
	assets      AssetStore
	releases    ReleaseStore
	places      PlaceStore
	accounts    AccountStore
	history     HistoryStore
	suggestions SuggestionStore
	conflations ConflationStore
	health      HealthStore
	replicas    replicaSource  // nil: the store reads from no replicas
	listener    listenerSource // nil: the store has no data version listener
	search      SearchStore
	postcodes   PostcodeStore // nil: no postcodes
	networks    NetworkStore  // noNetworks when given none
	accessRuns  AccessStore   // nil: no access runs
	// runAccess and viewAccess are the access workflow's Run and View
	// (a test may put its own in their place); jobs runs it in the
	// background and accessCache keeps what it gave.
	runAccess   func(ctx context.Context, p access.Params, progress access.Progress) (*access.Result, error)
	viewAccess  func(ctx context.Context, r *access.Result, set string) (*access.SetView, error)
	jobs        *jobs
	accessCache *accessCache
	// stopBackground ends the reads of sets' shapes for tiles (Close).
	stopBackground context.CancelFunc
	// graph is the access workflow's decoded routing network of a mode
	// (its one cache), which walks from postcodes search too.
	graph func(ctx context.Context, mode string) (*network.Graph, error)
	// setProposals is the store's role; proposals the workflow over it.
	setProposals ProposalStore
	proposals    *proposals.Service
	tiles        *tiles.Renderer
	basemap      BasemapStore // nil: no basemap
	reconcile    *reconcile.Service
	surfaces     surfaceCache // agreement surfaces of drawings
	heavy        chan struct{}
	work         *scheduler // tile renders and API reads, a few at a time (schedule.go)
	logins       *loginGuard
	// visitorSuggestions limits anonymous suggestions per address;
	// accountSuggestions those of each signed-in account.
	visitorSuggestions *limiter
	accountSuggestions *limiter
	// writes limits each account's writes per minute.
	writes *limiter
	// ogcMaxInBBox bounds the areas an OGC bbox query may weigh exactly.
	ogcMaxInBBox int
	cfg          Config
	log          *slog.Logger
	web          fs.FS
	router       chi.Router
	// glyphs is the map's glyph URL template, relative to the site, when
	// this server has a font route; "" when it has none.
	glyphs string
	// fonts are the map's glyph ranges, served at /fonts/.
	fonts *glyphs.Fonts
}

// New returns the handler over the store's roles st (every field set; New
// panics naming one left nil). web holds the static map files (index.html
// at its root).
func New(st Stores, web fs.FS, cfg Config, log *slog.Logger) *Server {
	st.check()
	if cfg.Title == "" {
		cfg.Title = "placemap"
	}
	if cfg.RequestTimeout == 0 {
		cfg.RequestTimeout = 30 * time.Second
	}
	if cfg.MaxRequestBody == 0 {
		cfg.MaxRequestBody = 1 << 20
	}
	if cfg.CrosswalkCacheBytes <= 0 {
		cfg.CrosswalkCacheBytes = 256 << 20
	}
	if cfg.MaxUploadBody == 0 {
		cfg.MaxUploadBody = 32 << 20
	}
	if cfg.MaxExpensive <= 0 {
		cfg.MaxExpensive = 2
	}
	if cfg.ExpensiveWait <= 0 {
		cfg.ExpensiveWait = 10 * time.Second
	}
	if cfg.WritesPerMinute <= 0 {
		cfg.WritesPerMinute = 120
	}
	if cfg.SuggestionsPerHour <= 0 {
		cfg.SuggestionsPerHour = 60
	}
	if cfg.DrawingQuestions == nil {
		cfg.DrawingQuestions = place.DefaultDrawingQuestions
	}
	s := &Server{areas: st.Areas, assets: st.Assets, releases: st.Releases, places: st.Places, accounts: st.Accounts,
		history: st.History, suggestions: st.Suggestions, conflations: st.Conflations, health: st.Health, search: st.Search,
		basemap: st.Basemap, postcodes: st.Postcodes, heavy: make(chan struct{}, cfg.MaxExpensive), logins: newLoginGuard(), visitorSuggestions: newLimiter(10, time.Hour),
		accountSuggestions: newLimiter(cfg.SuggestionsPerHour, time.Hour),
		writes:             newLimiter(cfg.WritesPerMinute, time.Minute), ogcMaxInBBox: store.MaxPage, cfg: cfg, log: log, web: web, fonts: glyphs.New()}
	s.replicas = replicasOf(st.Health)
	s.listener = listenerOf(st.Health)
	s.tiles = tiles.NewRenderer(s.catalog(), cfg.TileCacheBytes)
	var background context.Context
	background, s.stopBackground = context.WithCancel(context.Background())
	if st.Shapes != nil && cfg.ShapeCacheBytes > 0 {
		s.tiles.KeepShapes(background, st.Shapes, cfg.ShapeCacheBytes)
		go s.prepareShapes(background)
	}
	// Three per core: enough to keep the cores busy while one waits on
	// the store, few enough that a tile to render finds a place soon.
	s.work = newScheduler(3 * runtime.GOMAXPROCS(0))
	if st.Writes != nil {
		// One read per core beside the writes.
		s.work.writing, s.work.readsWhileWriting = st.Writes.Writing, runtime.GOMAXPROCS(0)
	}
	s.tiles.Gate = s.renderGate
	s.reconcile = reconcile.NewServiceBudget(s.catalog(), 64, cfg.CrosswalkCacheBytes)
	s.setProposals = st.Proposals
	s.proposals = proposals.NewService(proposalSource{st.Proposals, st.Areas, st.Releases, st.Places}, s.reconcile, 0)
	s.proposals.Gate = s.expensiveWork
	s.jobs, s.accessCache = newJobs(log), newAccessCache()
	s.networks, s.accessRuns = st.Networks, st.Access
	if s.networks == nil {
		s.networks = noNetworks{}
	}
	s.graph = func(_ context.Context, mode string) (*network.Graph, error) { return nil, store.NoNetwork(mode) }
	if st.Access != nil {
		svc := access.NewService(accessSource{st.Access, s.networks, st.Areas, st.Assets, st.Places}, s.reconcile)
		s.runAccess, s.viewAccess, s.graph = svc.Run, svc.View, svc.Graph
		s.failStaleRuns()
	}
	s.metrics, s.requestIDs = newMetrics(s), newRequestIDs()
	s.router = s.routes()
	s.glyphs = glyphsURL(s.router)
	return s
}

// prepareShapes reads every set's shapes for tiles in the background
// (tiles.Renderer.PrepareAll), in the order the store lists them.
func (s *Server) prepareShapes(ctx context.Context) {
	sets, err := s.areas.Sets(ctx)
	if err != nil {
		s.log.Warn("sets' shapes for tiles not read at start", "err", err)
		return
	}
	slugs := make([]string, len(sets))
	for i, set := range sets {
		slugs[i] = set.Slug
	}
	start := time.Now()
	s.tiles.PrepareAll(ctx, slugs)
	n, bytes, _, _ := s.tiles.ShapeStats()
	s.log.Info("sets' shapes kept for tiles", "sets", n, "mib", bytes>>20, "took", time.Since(start).Round(time.Millisecond))
}

// Close stops the work the server runs in the background (an access run
// under way is recorded as stopped) and waits for it. Call it once the
// HTTP server has shut down.
func (s *Server) Close() error {
	s.stopBackground()
	s.jobs.close()
	return nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.router.ServeHTTP(w, r) }

func (s *Server) routes() chi.Router {
	r := chi.NewRouter()
	r.Use(s.requestIDs.tag)
	if s.cfg.TrustProxyHeaders {
		// The right-most X-Forwarded-For entry: the address the proxy in
		// front of us appended. The leftmost (chi's old RealIP) is whatever
		// the client sent, so a client could name a fresh address per
		// request and walk past the per-address limits.
		r.Use(middleware.ClientIPFromXFFTrustedProxies(1))
	}
	r.Use(s.observe, middleware.Recoverer, s.secureHeaders)
	r.Use(s.checkRequestText)
	r.Use(middleware.Timeout(s.cfg.RequestTimeout))
	r.Use(s.readYourWrites)
	r.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			limit := s.cfg.MaxRequestBody
			if r.URL.Path == "/api/conflations" {
				limit = s.cfg.MaxUploadBody
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
			next.ServeHTTP(w, r)
		})
	})
	r.NotFound(s.handle(s.notFound))
	r.MethodNotAllowed(s.methodNotAllowed)

	// Tiles carry their own gzip, made once when rendered and cached with
	// them; glyph ranges go as they are (cached for long by the browser);
	// everything else is compressed per response.
	// /tiles/basemap/… is the street basemap (getTile routes it; no set
	// may be called basemap).
	// These three are public, the same bytes whoever asks (their cache
	// keys and Cache-Control: public name no one), so they do not look up
	// the session or token: a browser sends its session cookie with every
	// tile, and that lookup would be two store reads per tile.
	// publicroutes_test.go holds them to it.
	r.Get("/tiles/{layer}/{z}/{x}/{file}", s.handle(s.getTile))
	r.Get("/fonts/{fontstack}/{range}.pbf", s.handle(s.getGlyphs))
	r.Get("/tiles/{layer}/labels/{z}/{x}/{file}", s.handle(s.getLabelTile))
	r.Group(func(r chi.Router) {
		r.Use(s.authenticate)
		r.Use(middleware.Compress(5, "application/json", "application/geo+json", "text/html", "text/css", "text/javascript", "application/javascript"))
		s.compressedRoutes(r)
	})
	return r
}

func (s *Server) compressedRoutes(r chi.Router) {
	r.Get("/healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	r.Get("/readyz", s.readyz)
	r.Method(http.MethodGet, "/metrics", s.metrics.handler())
	s.ogcRoutes(r)
	r.Route("/api", func(r chi.Router) {
		r.Use(s.scheduledReads)
		r.Get("/config", s.getConfig)
		r.Get("/categories", s.getCategories)
		r.Get("/sets", s.handle(s.listSets))
		r.Get("/sets/{slug}", s.handle(s.getSet))
		r.Get("/sets/{slug}/areas", s.handle(s.listAreas))
		r.Get("/sets/{slug}/areas/{code}", s.handle(s.getArea))
		r.Get("/assets", s.handle(s.listAssets))
		r.Get("/assets/{id}", s.handle(s.getAsset))
		r.Get("/search", s.handle(s.searchAll))
		r.Get("/postcodes/{postcode}", s.handle(s.getPostcode))
		r.Get("/postcodes/{postcode}/nearest", s.handle(s.nearestAssets))
		r.Get("/network", s.handle(s.getNetwork))
		r.Post("/login", s.handle(s.login))
		r.Get("/me", s.handle(s.me))
		r.With(s.require(auth.Contributor)).Put("/me", s.handle(s.updateMe))
		r.With(s.require(auth.Contributor)).Post("/logout", s.handle(s.logout))
		r.With(s.require(auth.Contributor)).Post("/tokens", s.handle(s.createToken))
		r.With(s.require(auth.Contributor)).Get("/tokens", s.handle(s.listTokens))
		r.With(s.require(auth.Contributor)).Delete("/tokens/{id}", s.handle(s.revokeToken))
		r.With(s.require(auth.Editor)).Post("/assets", s.handle(s.createAsset))
		r.With(s.require(auth.Editor)).Put("/assets/{id}", s.handle(s.updateAsset))
		r.With(s.require(auth.Editor)).Delete("/assets/{id}", s.handle(s.deleteAsset))
		r.With(s.require(auth.Editor)).Post("/assets/{id}/restore", s.handle(s.restoreAsset))
		r.With(s.require(auth.Editor)).Post("/assets/{id}/reviewed", s.handle(s.markReviewed))
		r.With(s.require(auth.Editor)).Put("/sets/{slug}/areas/{code}", s.handle(s.updateArea))
		r.With(s.require(auth.Editor)).Post("/sets/{slug}/areas", s.handle(s.addArea))
		r.With(s.require(auth.Editor)).Delete("/sets/{slug}/areas/{code}", s.handle(s.deleteArea))
		r.Get("/assets/{id}/history", s.handle(s.assetHistory))
		r.Get("/changes", s.handle(s.changes))
		s.reconcileRoutes(r)
		s.releaseRoutes(r)
		s.osmRoutes(r)
		s.suggestionRoutes(r)
		s.drawingRoutes(r)
		s.conflationRoutes(r)
		s.proposalRoutes(r)
		s.accessRoutes(r)
		r.NotFound(s.handle(func(w http.ResponseWriter, r *http.Request) error {
			return place.Errorf(place.ENOTFOUND, "no API route %s", place.Excerpt(r.URL.Path))
		}))
		r.MethodNotAllowed(s.methodNotAllowed)
	})
	r.Get("/tiles/{file}", s.handle(s.getTileJSON))
	r.Get("/style.json", s.handle(s.getStyle))
	r.Get("/oembed", s.handle(s.getOEmbed))
	r.Get(EmbedPath, s.handle(s.embedPage))
	r.Head(EmbedPath, s.handle(s.embedPage))
	r.Handle("/*", s.static())
}

func (s *Server) secureHeaders(next http.Handler) http.Handler {
	extra := ""
	if u, err := url.Parse(s.cfg.BasemapStyleURL); err == nil && u.Host != "" {
		extra = " " + u.Scheme + "://" + u.Host + " https:"
	}
	csp := "default-src 'self'; script-src 'self'; worker-src 'self' blob:; child-src blob:; " +
		"img-src 'self' data: blob:" + extra + "; connect-src 'self'" + extra + "; style-src 'self' 'unsafe-inline'; " +
		"font-src 'self'" + extra + "; object-src 'none'; base-uri 'none'; frame-ancestors "
	// Only /embed may be framed, by the configured origins (X-Frame-Options
	// cannot name several: it is left out there, frame-ancestors rules).
	embedCSP := csp + s.frameAncestors()
	csp += "'none'"
	// The values are made once and shared by every response: what
	// http.Header.Set would do, without canonicalising the (canonical)
	// names or making a one-string slice per header per request. Each
	// slice is full (len == cap), so an Add to one of these headers
	// copies it rather than writing into the shared array.
	nosniff, referrer, deny := headerValue("nosniff"), headerValue("strict-origin-when-cross-origin"), headerValue("DENY")
	cspValue, embedCSPValue := headerValue(csp), headerValue(embedCSP)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["X-Content-Type-Options"] = nosniff
		h["Referrer-Policy"] = referrer
		if r.URL.Path == EmbedPath {
			h["Content-Security-Policy"] = embedCSPValue
		} else {
			h["Content-Security-Policy"] = cspValue
			h["X-Frame-Options"] = deny
		}
		next.ServeHTTP(w, r)
	})
}

// headerValue is a header's one value as http.Header holds it, to be
// shared by many responses: full, so that appending to it copies it.
func headerValue(v string) []string {
	return []string{v}[:1:1]
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.health.Ping(ctx); err != nil {
		writeJSON(w, http.StatusServiceUnavailable, errorBody{errorDetail{place.EUNAVAILABLE, "store not ready: " + place.ErrorMessage(err)}})
		return
	}
	body := map[string]any{"status": "ready"}
	if s.replicas != nil {
		if reps, ok := s.replicas.Replicas(); ok {
			body = replicaReport(reps)
			body["status"] = "ready"
		}
	}
	if s.listener != nil {
		if st, ok := s.listener.Listener(); ok {
			body["data_version_listener"] = listenerReport(st)
		}
	}
	writeJSON(w, http.StatusOK, body)
}

// getConfig tells the web map how to draw: basemap_tiles is the street
// basemap's TileJSON (relative to the site) when one is imported and no
// external basemap style is configured, else "".
func (s *Server) getConfig(w http.ResponseWriter, r *http.Request) {
	bm := ""
	if s.cfg.BasemapStyleURL == "" && s.hasBasemap(r.Context()) {
		bm = "tiles/" + tiles.BasemapLayer + ".json"
	}
	writeJSON(w, http.StatusOK, map[string]any{"title": s.cfg.Title, "basemap_style_url": s.cfg.BasemapStyleURL, "glyphs": s.glyphs,
		"basemap_tiles": bm, "drawing_questions": s.cfg.DrawingQuestions})
}

func (s *Server) getCategories(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"categories": place.Categories(), "statuses": place.Statuses})
}

// expensive takes one of the few places for heavy work (overlays, and
// writes that place many assets again: area changes, accepted drawings,
// successor decisions that measure overlaps),
// waiting up to Config.ExpensiveWait for one, then EUNAVAILABLE (503
// with Retry-After). Call release when done.
func (s *Server) expensive(r *http.Request) (release func(), err error) {
	return s.expensiveWork(r.Context())
}

// expensiveWork is expensive for work that holds a context rather than a
// request (the proposals workflow's Gate).
func (s *Server) expensiveWork(ctx context.Context) (release func(), err error) {
	leaveScheduler(ctx)
	t := time.NewTimer(s.cfg.ExpensiveWait)
	defer t.Stop()
	select {
	case s.heavy <- struct{}{}:
		return func() { <-s.heavy }, nil
	case <-t.C:
	case <-ctx.Done():
	}
	return nil, place.Errorf(place.EUNAVAILABLE, "busy with other heavy work (crosswalks, overlays, area changes); try again shortly")
}

// baseURL is the scheme and host clients reach this server at.
func (s *Server) baseURL(r *http.Request) string {
	if s.cfg.PublicURL != "" {
		return strings.TrimRight(s.cfg.PublicURL, "/")
	}
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	writeJSONType(w, status, "application/json", v)
}

func writeJSONType(w http.ResponseWriter, status int, contentType string, v any) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v)
}
