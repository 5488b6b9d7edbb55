package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/placemap/placemap/internal/demo"
	"github.com/placemap/placemap/internal/formats"
	"github.com/placemap/placemap/internal/httpapi"
	"github.com/placemap/placemap/internal/importer"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/gpkg"
	"github.com/placemap/placemap/web"
)

// cmdServe runs the server, logging as its own --log-format and --log-level say.
func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, f := serveFlagSet(stdout)
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usageError{"serve takes no arguments, got " + strings.Join(pos, " ")}
	}
	log, err := newLogger(stderr, f.logFormat, f.logLevel)
	if err != nil {
		return usageError{err.Error()}
	}
	maxDecompressed, err := decompressedLimit(*f.maxDecompressedMB)
	if err != nil {
		return err
	}
	questions, err := place.ParseDrawingQuestions(f.drawingQuestions)
	if err != nil {
		return usageError{"--drawing-questions: " + place.ErrorMessage(err)}
	}
	embedOrigins, err := httpapi.ParseEmbedOrigins(f.embedOrigins)
	if err != nil {
		return usageError{"--embed-origins: " + err.Error()}
	}
	if len(embedOrigins) == 1 && embedOrigins[0] == "*" {
		log.Warn("any site may frame /embed (--embed-origins '*')")
	}
	tuneGC(f.gcPercent, memoryLimitMB(f.memoryLimitMB, f.cacheMB+f.shapeCacheMB, f.cwCacheMB), log)
	removeStaleUploads(log)
	if !f.noDemo && f.store.db == "" {
		if err := loadDemoIfEmpty(ctx, f.store.data, log); err != nil {
			return err
		}
	}
	f.store.log = log
	st, err := f.store.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	cfg := f.apiConfig(maxDecompressed, questions)
	cfg.EmbedOrigins = embedOrigins
	h := httpapi.New(apiStores(st), web.FS, cfg, log)
	defer h.Close() // after the HTTP server: an access run under way is recorded as stopped
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", f.addr, err)
	}
	srv := f.server(h, log)
	log.Info("placemap serving", "url", "http://"+ln.Addr().String(), "store", f.store.describe())
	fmt.Fprintf(stdout, "placemap: serving http://%s (store %s)\n", ln.Addr(), f.store.describe())
	return serveUntilDone(ctx, srv, ln, f.shutdownTimeout, log)
}

// serveFlags are serve's flags, most of which also read a $PLACEMAP_...
// environment variable for their default.
type serveFlags struct {
	addr               string
	store              *storeConfig
	noDemo             bool
	basemap            string
	publicURL          string
	cacheMB            int
	shapeCacheMB       int
	cwCacheMB          int
	trustProxy         bool
	title              string
	reqTimeout         time.Duration
	maxBodyKB          int
	maxUploadMB        int
	maxDecompressedMB  *int
	writesPerMinute    int
	suggestionsPerHour int
	drawingQuestions   string
	embedOrigins       string
	maxExpensive       int
	shutdownTimeout    time.Duration
	readHeaderTimeout  time.Duration
	readTimeout        time.Duration
	writeTimeout       time.Duration
	idleTimeout        time.Duration
	logFormat          string
	logLevel           string
	gcPercent          int
	memoryLimitMB      int
}

// serveFlagSet declares serve's flags, with its usage written to stdout.
func serveFlagSet(stdout io.Writer) (*flag.FlagSet, *serveFlags) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stdout)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: placemap serve [flags]

Serves the API, vector tiles, OGC API – Features, exports and the web map.
Every flag can also be set by the environment variable named after it
($PLACEMAP_...); a flag given on the command line wins. Stops gracefully on
SIGINT or SIGTERM: no new connections, and requests under way get up to
--shutdown-timeout to finish. GET /metrics is for Prometheus, /healthz and
/readyz for orchestrators.

Flags:
`)
		fs.PrintDefaults()
	}
	f := &serveFlags{}
	fs.StringVar(&f.addr, "addr", envOr("ADDR", "127.0.0.1:8080"), "address to listen on ($PLACEMAP_ADDR)")
	f.store = storeFlags(fs)
	fs.BoolVar(&f.noDemo, "no-demo", false, "start with an empty store instead of loading the demo into an empty data directory (GeoPackage only; for PostGIS run placemap demo --db)")
	fs.StringVar(&f.basemap, "basemap-style-url", envOr("BASEMAP_STYLE_URL", ""), "MapLibre style URL for a basemap; empty for a plain offline background ($PLACEMAP_BASEMAP_STYLE_URL)")
	fs.StringVar(&f.publicURL, "public-url", envOr("PUBLIC_URL", ""), "URL clients reach this server at, for links and TileJSON; empty to use the request's host ($PLACEMAP_PUBLIC_URL)")
	fs.IntVar(&f.cacheMB, "tile-cache-mb", envInt("TILE_CACHE_MB", 64), "tile cache size in MiB; 0 disables it ($PLACEMAP_TILE_CACHE_MB)")
	fs.IntVar(&f.shapeCacheMB, "shape-cache-mb", envInt("SHAPE_CACHE_MB", 256),
		"memory for boundary sets' shapes and the assets kept to draw tiles from, in MiB (estimated); a set larger than it, or written since, is read from the store; 0 keeps none ($PLACEMAP_SHAPE_CACHE_MB)")
	fs.IntVar(&f.cwCacheMB, "crosswalk-cache-mb", envInt("CROSSWALK_CACHE_MB", 256), "memory for crosswalks kept for reuse, in MiB ($PLACEMAP_CROSSWALK_CACHE_MB)")
	fs.BoolVar(&f.trustProxy, "trust-proxy-headers", envOr("TRUST_PROXY_HEADERS", "") == "true",
		"take client addresses from the right-most X-Forwarded-For entry, the one the proxy in front appends (only behind such a proxy) ($PLACEMAP_TRUST_PROXY_HEADERS=true)")
	fs.StringVar(&f.title, "title", envOr("TITLE", "placemap"), "the map's title ($PLACEMAP_TITLE)")
	fs.DurationVar(&f.reqTimeout, "request-timeout", envDuration("REQUEST_TIMEOUT", 30*time.Second), "longest a request may take before it is cut off ($PLACEMAP_REQUEST_TIMEOUT)")
	fs.IntVar(&f.maxBodyKB, "max-body-kb", envInt("MAX_BODY_KB", 1024), "largest request body in KiB, past which 413 ($PLACEMAP_MAX_BODY_KB)")
	fs.IntVar(&f.maxUploadMB, "max-upload-mb", envInt("MAX_UPLOAD_MB", 32), "largest OSM file uploaded for conflation, in MiB ($PLACEMAP_MAX_UPLOAD_MB)")
	f.maxDecompressedMB = maxDecompressedFlag(fs)
	fs.IntVar(&f.writesPerMinute, "writes-per-minute", envInt("WRITES_PER_MINUTE", 120), "writes one account may make in a minute; past it 429 with Retry-After ($PLACEMAP_WRITES_PER_MINUTE)")
	fs.IntVar(&f.suggestionsPerHour, "suggestions-per-hour", envInt("SUGGESTIONS_PER_HOUR", 60), "suggestions one signed-in account may send in an hour (anonymous ones: 10 an hour per address); past it 429 with Retry-After ($PLACEMAP_SUGGESTIONS_PER_HOUR)")
	fs.StringVar(&f.drawingQuestions, "drawing-questions", envOr("DRAWING_QUESTIONS", strings.Join(place.DefaultDrawingQuestions, "|")),
		"the questions asked with a resident's drawing of their neighbourhood, separated by | ($PLACEMAP_DRAWING_QUESTIONS)")
	fs.StringVar(&f.embedOrigins, "embed-origins", envOr("EMBED_ORIGINS", ""),
		"sites that may frame the map's /embed page, as origins separated by commas (https://a.example,https://b.example), or * for any; every other page refuses frames ($PLACEMAP_EMBED_ORIGINS)")
	fs.IntVar(&f.maxExpensive, "max-expensive", envInt("MAX_EXPENSIVE", 2), "heavy work done at once: crosswalks, agreement surfaces, conflations, GeoPackage exports, area changes, accepted drawings and successor decisions; past it 503 with Retry-After ($PLACEMAP_MAX_EXPENSIVE)")
	fs.DurationVar(&f.shutdownTimeout, "shutdown-timeout", envDuration("SHUTDOWN_TIMEOUT", 10*time.Second), "how long requests under way may run on after SIGTERM ($PLACEMAP_SHUTDOWN_TIMEOUT)")
	fs.DurationVar(&f.readHeaderTimeout, "read-header-timeout", envDuration("READ_HEADER_TIMEOUT", 10*time.Second), "longest a client may take to send its request headers: slow clients are cut off ($PLACEMAP_READ_HEADER_TIMEOUT)")
	fs.DurationVar(&f.readTimeout, "read-timeout", envDuration("READ_TIMEOUT", 60*time.Second), "longest a client may take to send a whole request, body too ($PLACEMAP_READ_TIMEOUT)")
	fs.DurationVar(&f.writeTimeout, "write-timeout", envDuration("WRITE_TIMEOUT", 5*time.Minute), "longest an answer may take to send, large exports too ($PLACEMAP_WRITE_TIMEOUT)")
	fs.DurationVar(&f.idleTimeout, "idle-timeout", envDuration("IDLE_TIMEOUT", 120*time.Second), "how long an idle keep-alive connection stays open ($PLACEMAP_IDLE_TIMEOUT)")
	fs.StringVar(&f.logFormat, "log-format", envOr("LOG_FORMAT", "text"), "log lines as text or json ($PLACEMAP_LOG_FORMAT)")
	fs.StringVar(&f.logLevel, "log-level", envOr("LOG_LEVEL", "info"), "debug (every request), info, warn or error ($PLACEMAP_LOG_LEVEL)")
	fs.IntVar(&f.gcPercent, "gc-percent", envInt("GC_PERCENT", defaultGCPercent),
		"garbage collection target percentage, as GOGC: higher collects less often, using more memory; $GOGC wins when set ($PLACEMAP_GC_PERCENT)")
	fs.IntVar(&f.memoryLimitMB, "memory-limit-mb", envInt("MEMORY_LIMIT_MB", memoryLimitDefault),
		"soft limit on the Go runtime's memory in MiB, as GOMEMLIMIT: the collector runs more often near it; 0 for none; by default the tile, shape and crosswalk caches plus 512, at least 768; $GOMEMLIMIT wins when set ($PLACEMAP_MEMORY_LIMIT_MB)")
	return fs, f
}

// apiConfig is the HTTP API's configuration from the flags; maxDecompressed
// is --max-decompressed-mb in bytes and questions --drawing-questions,
// both already checked.
func (f *serveFlags) apiConfig(maxDecompressed int64, questions []string) httpapi.Config {
	return httpapi.Config{
		Title:               f.title,
		BasemapStyleURL:     f.basemap,
		PublicURL:           f.publicURL,
		TileCacheBytes:      int64(f.cacheMB) << 20,
		ShapeCacheBytes:     int64(f.shapeCacheMB) << 20,
		CrosswalkCacheBytes: int64(f.cwCacheMB) << 20,
		TrustProxyHeaders:   f.trustProxy,
		RequestTimeout:      f.reqTimeout,
		MaxRequestBody:      int64(f.maxBodyKB) << 10,
		MaxUploadBody:       int64(f.maxUploadMB) << 20,
		MaxDecompressed:     maxDecompressed,
		MaxExpensive:        f.maxExpensive,
		WritesPerMinute:     f.writesPerMinute,
		SuggestionsPerHour:  f.suggestionsPerHour,
		DrawingQuestions:    questions,
	}
}

// server is the HTTP server for h with the flags' connection timeouts; its
// own errors go to log as warnings.
func (f *serveFlags) server(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: f.readHeaderTimeout,
		ReadTimeout:       f.readTimeout,
		WriteTimeout:      f.writeTimeout,
		IdleTimeout:       f.idleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// removeStaleUploads removes uploads spooled by a process that died
// mid-upload; failing to is only worth a warning.
func removeStaleUploads(log *slog.Logger) {
	if removed, err := httpapi.RemoveStaleUploads(""); err != nil {
		log.Warn("removing stale conflation uploads", "err", err)
	} else if len(removed) > 0 {
		log.Info("removed stale conflation uploads", "files", len(removed), "dir", os.TempDir())
	}
}

// serveUntilDone serves on ln until the server fails or ctx ends; then it
// shuts down, giving requests under way up to shutdownTimeout to finish.
func serveUntilDone(ctx context.Context, srv *http.Server, ln net.Listener, shutdownTimeout time.Duration, log *slog.Logger) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	log.Info("shutting down")
	return srv.Shutdown(shutdown)
}

// apiStores serves every part of the HTTP API from st.
func apiStores(st *store.DB) httpapi.Stores {
	return httpapi.Stores{Areas: st, Assets: st, Releases: st, Places: st, Accounts: st, Basemap: st,
		History: st, Suggestions: st, Conflations: st, Health: st, Search: st, Proposals: st, Postcodes: st, Networks: st, Access: st, Shapes: st, Writes: st}
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(envOr(name, "")); err == nil {
		return v
	}
	return def
}

// loadDemoIfEmpty loads the demo when dir holds no GeoPackage yet. It builds
// the file beside the target and renames it into place, so a failed or
// interrupted load leaves no half-filled store behind.
func loadDemoIfEmpty(ctx context.Context, dir string, log *slog.Logger) error {
	target := filepath.Join(dir, gpkg.FileName)
	if exists, err := gpkgExists(dir); err != nil || exists {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	tmp, err := os.MkdirTemp(dir, ".demo-loading-")
	if err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	defer os.RemoveAll(tmp)
	log.Info("empty data directory: loading the Sheffield demo", "data", dir)
	st, err := gpkg.Open(ctx, tmp)
	if err != nil {
		return err
	}
	if err := demo.Load(ctx, st, log); err != nil {
		st.Close()
		return fmt.Errorf("load demo: %w", err)
	}
	if err := demo.LoadBasemap(ctx, st, log, envOr("DEMO_BASEMAP", "")); err != nil {
		st.Close()
		return fmt.Errorf("load demo: %w", err)
	}
	if err := st.Close(); err != nil {
		return fmt.Errorf("load demo: %w", err)
	}
	if _, err := os.Stat(filepath.Join(tmp, gpkg.FileName+"-wal")); err == nil {
		return fmt.Errorf("load demo: write-ahead log was not checkpointed")
	}
	if err := os.Rename(filepath.Join(tmp, gpkg.FileName), target); err != nil {
		return fmt.Errorf("load demo: %w", err)
	}
	return nil
}

func cmdDemo(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	sc := storeFlags(fs)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if sc.db != "" {
		st, err := sc.open(ctx)
		if err != nil {
			return err
		}
		defer st.Close()
		if empty, err := isEmpty(ctx, st); err != nil {
			return err
		} else if !empty {
			return place.Errorf(place.ECONFLICT, "the database already holds sets or assets; the demo loads only into an empty store")
		}
		if err := demo.Load(ctx, st, log); err != nil {
			return fmt.Errorf("load demo: %w", err)
		}
		if err := demo.LoadBasemap(ctx, st, log, envOr("DEMO_BASEMAP", "")); err != nil {
			return fmt.Errorf("load demo: %w", err)
		}
		fmt.Fprintln(stdout, "demo loaded into the PostgreSQL database")
		return nil
	}
	if exists, err := gpkgExists(sc.data); err != nil {
		return err
	} else if exists {
		return place.Errorf(place.ECONFLICT, "%s already holds a store; the demo loads only into an empty data directory", sc.data)
	}
	if err := loadDemoIfEmpty(ctx, sc.data, log); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "demo loaded into %s\n", sc.describe())
	return nil
}

func cmdSets(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("sets", flag.ContinueOnError)
	sc := storeFlags(fs)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	st, err := sc.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	sets, err := st.Sets(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SLUG\tKIND\tAREAS\tTITLE")
	for _, s := range sets {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", s.Slug, s.Kind, s.AreaCount, s.Title)
	}
	return tw.Flush()
}

func cmdImport(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) error {
	if len(args) == 0 {
		return usageError{"import what? set, set-from-lookup, assets, drawings, indicator, osm, basemap, postcodes or network"}
	}
	switch args[0] {
	case "set":
		return importSet(ctx, args[1:], stdout)
	case "set-from-lookup":
		return importSetFromLookup(ctx, args[1:], stdout)
	case "assets":
		return importAssets(ctx, args[1:], stdout)
	case "drawings":
		return importDrawings(ctx, args[1:], stdout)
	case "indicator":
		return importIndicator(ctx, args[1:], stdout)
	case "osm":
		return importOSM(ctx, args[1:], stdout, os.Stderr)
	case "basemap":
		return importBasemap(ctx, args[1:], stdout, os.Stderr)
	case "postcodes":
		return importPostcodes(ctx, args[1:], stdout)
	case "network":
		return importNetwork(ctx, args[1:], stdout, os.Stderr)
	}
	return usageError{fmt.Sprintf("import %q: want set, set-from-lookup, assets, drawings, indicator, osm, basemap, postcodes or network", args[0])}
}

// setFlags are the boundary set's own fields, shared by both set imports.
func setFlags(fs *flag.FlagSet) *place.BoundarySet {
	s := &place.BoundarySet{}
	fs.StringVar(&s.Slug, "slug", "", "slug naming the new set, e.g. wards-2019 (required)")
	fs.StringVar(&s.Title, "title", "", "title shown to people (required)")
	fs.Func("kind", "statutory|statistical|service|programme|community (default statistical)", func(v string) error {
		s.Kind = place.Kind(v)
		return nil
	})
	fs.StringVar(&s.Publisher, "publisher", "", "who publishes the boundaries")
	fs.StringVar(&s.ReleaseDate, "release-date", "", "release date, YYYY-MM-DD or YYYY")
	fs.StringVar(&s.Licence, "licence", "", "licence of the boundaries, e.g. OGL-UK-3.0")
	fs.StringVar(&s.Attribution, "attribution", "", "attribution to show with the set")
	fs.StringVar(&s.Source, "source", "", "where the file came from (URL)")
	fs.StringVar(&s.Description, "description", "", "a sentence about the set")
	return s
}

// importFile opens the file and the store and runs one import on them.
func importFile(ctx context.Context, sc *storeConfig, file string, imp func(st *store.DB, f io.Reader, name string) error) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := sc.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	return imp(st, f, filepath.Base(file))
}

func oneFile(pos []string, what string) (string, error) {
	if len(pos) != 1 {
		return "", usageError{fmt.Sprintf("want one %s, got %d arguments", what, len(pos))}
	}
	return pos[0], nil
}

func importSet(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("import set", flag.ContinueOnError)
	sc := storeFlags(fs)
	set := setFlags(fs)
	var opts formats.BoundaryOptions
	fs.StringVar(&opts.CodeField, "code-field", "", "property holding each area's code (default: detected, e.g. WD13CD)")
	fs.StringVar(&opts.NameField, "name-field", "", "property holding each area's name (default: detected, e.g. WD13NM)")
	fs.BoolVar(&opts.SkipInvalid, "skip-invalid", false, "import the valid features and list every invalid one (index, code, why) here and in the set's provenance, instead of refusing the file")
	var ro importer.ReleaseOptions
	fs.StringVar(&ro.Series, "series", "", "import as the newest release of this series (e.g. sheffield-wards), with successor links from the release before")
	fs.StringVar(&ro.SeriesTitle, "series-title", "", "title of a new series (default: the set's title)")
	fs.BoolVar(&ro.NotCurrent, "not-current", false, "with --series: do not make the new release current (the newest release is current by default)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	file, err := oneFile(pos, "GeoJSON file")
	if err != nil {
		return err
	}
	if set.Kind == "" {
		set.Kind = place.Statistical
	}
	if ro.Series != "" {
		return importRelease(ctx, sc, file, *set, opts, ro, stdout)
	}
	if ro.SeriesTitle != "" || ro.NotCurrent {
		return usageError{"--series-title and --not-current need --series"}
	}
	var res importer.SetResult
	err = importFile(ctx, sc, file, func(st *store.DB, f io.Reader, name string) (err error) {
		res, err = importer.Set(ctx, st, f, name, *set, opts)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "imported %s: %d areas (code field %s, name field %s), %d asset memberships\n",
		set.Slug, res.Areas, res.CodeField, orNone(res.NameField), res.Memberships)
	printNotes(stdout, res)
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func printNotes(w io.Writer, res importer.SetResult) {
	if len(res.Skipped) > 0 {
		fmt.Fprintf(w, "skipped %d invalid features (--skip-invalid; recorded in the set's provenance):\n", len(res.Skipped))
		for _, sk := range res.Skipped {
			code := sk.Code
			if code == "" {
				code = "(no code)"
			}
			fmt.Fprintf(w, "  feature %d\t%s\t%s\n", sk.Index, code, sk.Reason)
		}
	}
	if len(res.Repaired) > 0 {
		fmt.Fprintf(w, "repaired invalid geometry (area kept within 0.1%%): %s\n", strings.Join(res.Repaired, ", "))
	}
	if len(res.Unassigned) > 0 {
		fmt.Fprintf(w, "%d units are in no group: %s\n", len(res.Unassigned), strings.Join(res.Unassigned, ", "))
	}
	for _, n := range res.Notes {
		fmt.Fprintln(w, n)
	}
}

func importSetFromLookup(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("import set-from-lookup", flag.ContinueOnError)
	sc := storeFlags(fs)
	set := setFlags(fs)
	var opts importer.LookupOptions
	fs.StringVar(&opts.Units, "units", "", "slug of the set whose areas are the building blocks, e.g. oa-2011 (required)")
	fs.StringVar(&opts.UnitField, "unit-field", "", "lookup column holding unit codes (required)")
	fs.StringVar(&opts.GroupField, "group-field", "", "lookup column holding the new area's code (required)")
	fs.StringVar(&opts.NameField, "name-field", "", "lookup column holding the new area's name (default: the code)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	file, err := oneFile(pos, "lookup CSV file")
	if err != nil {
		return err
	}
	for flagName, v := range map[string]string{"units": opts.Units, "unit-field": opts.UnitField, "group-field": opts.GroupField, "slug": set.Slug} {
		if v == "" {
			return usageError{"--" + flagName + " is required"}
		}
	}
	if set.Kind == "" {
		set.Kind = place.Service
	}
	if set.Title == "" {
		set.Title = set.Slug
	}
	var res importer.SetResult
	err = importFile(ctx, sc, file, func(st *store.DB, f io.Reader, name string) (err error) {
		res, err = importer.SetFromLookup(ctx, st, f, name, *set, opts)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "imported %s: %d areas dissolved from %s, %d asset memberships\n", set.Slug, res.Areas, opts.Units, res.Memberships)
	printNotes(stdout, res)
	return nil
}

func importAssets(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("import assets", flag.ContinueOnError)
	sc := storeFlags(fs)
	var opts formats.AssetOptions
	fs.StringVar(&opts.Category, "category", "", "category for assets whose file gives none")
	fs.StringVar(&opts.Source, "source", "", "where the assets come from")
	fs.StringVar(&opts.Licence, "licence", "", "licence of the asset data")
	fs.StringVar(&opts.Attribution, "attribution", "", "attribution to show with the assets")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	file, err := oneFile(pos, "GeoJSON or CSV file")
	if err != nil {
		return err
	}
	if opts.Source == "" {
		opts.Source = filepath.Base(file)
	}
	var rep store.ImportReport
	err = importFile(ctx, sc, file, func(st *store.DB, f io.Reader, name string) (err error) {
		opts.Postcodes = importer.PostcodeLookup(ctx, st) // rows with a postcode and no coordinates
		rep, err = importer.Assets(ctx, st, f, name, opts)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "imported %d assets, %d memberships\n", rep.Assets, rep.Memberships)
	return nil
}

// importDrawings imports residents' drawings collected elsewhere (paper
// workshops digitised, other tools' exports) as published drawings of a
// place, all or none.
func importDrawings(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("import drawings", flag.ContinueOnError)
	sc := storeFlags(fs)
	var placeSlug string
	opts := formats.DrawingOptions{Answers: map[string]string{}}
	fs.StringVar(&placeSlug, "place", "", "slug of the place the drawings are of (required)")
	fs.StringVar(&opts.NameField, "name-field", "name", "property holding the name each resident gave (the place's name when empty)")
	fs.Func("answer-field", "QUESTION=FIELD: the property holding the answers to QUESTION (repeat for each question)", func(v string) error {
		q, f, err := formats.ParseAnswerField(v)
		if err != nil {
			return err
		}
		opts.Answers[q] = f
		return nil
	})
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	file, err := oneFile(pos, "GeoJSON file")
	if err != nil {
		return err
	}
	if placeSlug == "" {
		return usageError{"--place is required"}
	}
	var n int
	err = importFile(ctx, sc, file, func(st *store.DB, f io.Reader, name string) (err error) {
		n, err = importer.Drawings(ctx, st, f, name, placeSlug, opts)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "imported %d drawings of %s, published (source \"import: %s\"); no other property was kept\n", n, placeSlug, filepath.Base(file))
	return nil
}
