// Package postgis is the PostGIS dialect of placemap's store, for
// production: PostgreSQL with PostGIS through pgx's pool (statement
// timeouts, cancellation on the server, pipelined batches). It connects and
// migrates, and says how PostgreSQL differs (dialect.go): geometry as WKB,
// GiST indexes through &&, arrays for lists. Every workflow is store.DB's,
// and the storetest suite holds it to the GeoPackage's answers.
package postgis

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/migrations"
)

// Options tune the connection pool.
type Options struct {
	// StatementTimeout ends any one SQL statement that runs longer; 0 means
	// 30 seconds. PostgreSQL enforces it, so it holds even if placemap is
	// stuck.
	StatementTimeout time.Duration
	// MaxConns bounds the reads' pool; 0 means pgxpool's default (4 ×
	// CPUs, at least 4). Write transactions and map tiles' reads have
	// pools of their own, of writeConns and tileConns more.
	MaxConns int32
	// ReadURLs are streaming replicas of the database (replicas.go): reads
	// outside a write's transaction go to them, writes to the primary.
	ReadURLs []string
	// MaxReplicaLag skips a replica further behind the primary than this;
	// 0 means 5 seconds.
	MaxReplicaLag time.Duration
	// ReplicaCheck is how often the replicas' state is sampled; 0 means a
	// second.
	ReplicaCheck time.Duration
	// Log hears when a replica is skipped or taken back, or the data
	// version's listener lost; nil: nothing.
	Log *slog.Logger
}

// IsURL reports whether s names a PostgreSQL database rather than a
// GeoPackage data directory.
func IsURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Open connects to the database at url (postgres://...), creating the
// PostGIS extension and placemap's tables if needed, and returns the store
// over it. The store is safe for concurrent use and for many placemap
// instances sharing one database. With opts.ReadURLs its reads go to
// those replicas while they keep up.
func Open(ctx context.Context, url string, opts Options) (*store.DB, error) {
	return open(ctx, url, opts, nil)
}

// open is Open, with tune (if any) adjusting the primary's pool
// configuration (the tests' query tracer).
func open(ctx context.Context, url string, opts Options, tune func(*pgxpool.Config)) (*store.DB, error) {
	cfg, err := poolConfig(url, opts)
	if err == nil && tune != nil {
		tune(cfg)
	}
	if err != nil {
		return nil, place.Errorf(place.EINVALID, "database URL: %v", redact(err))
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", cfg.ConnConfig.Database, translate(err))
	}
	name := cfg.ConnConfig.Database
	if err := migrate(ctx, cfg.ConnConfig, name); err != nil {
		pool.Close()
		return nil, err
	}
	d := &dialect{pool: pool, name: name}
	if d.writes, err = sidePool(ctx, cfg, writeConns, "writes"); err != nil {
		pool.Close()
		return nil, err
	}
	if d.tilePool, err = sidePool(ctx, cfg, tileConns, "map tiles"); err != nil {
		d.writes.Close()
		pool.Close()
		return nil, err
	}
	if len(opts.ReadURLs) > 0 {
		if d.router, err = newRouter(ctx, pool, opts); err != nil {
			d.writes.Close()
			d.tilePool.Close()
			pool.Close()
			return nil, err
		}
	}
	d.watch = newListener(cfg.ConnConfig, d.router != nil, opts.Log)
	st := store.NewDB(store.Dialect{Conns: d, Geometry: d, SQL: d, Index: d, Text: d})
	if err := st.FillBands(ctx); err != nil {
		st.Close()
		return nil, fmt.Errorf("open %s: %w", name, err)
	}
	return st, nil
}

// poolConfig is the pool's configuration for the database at url.
func poolConfig(url string, opts Options) (*pgxpool.Config, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, err
	}
	if opts.StatementTimeout <= 0 {
		opts.StatementTimeout = 30 * time.Second
	}
	cfg.ConnConfig.RuntimeParams["application_name"] = "placemap"
	cfg.ConnConfig.RuntimeParams["statement_timeout"] = strconv.FormatInt(opts.StatementTimeout.Milliseconds(), 10)
	// A backend whose client has gone notices within a second, even while
	// it waits on a lock (PostgreSQL 14+).
	cfg.ConnConfig.RuntimeParams["client_connection_check_interval"] = "1000"
	// When a request's context ends (the client went away, or its
	// deadline passed), ask the server to cancel the running query at once,
	// rather than only closing our end and leaving the query running there.
	cfg.ConnConfig.BuildContextWatcherHandler = func(c *pgconn.PgConn) ctxwatch.Handler {
		return &pgconn.CancelRequestContextWatcherHandler{Conn: c, DeadlineDelay: time.Second}
	}
	// A dead server must not hang a request: fail the dial quickly and let
	// the next request try again.
	if cfg.ConnConfig.ConnectTimeout == 0 || cfg.ConnConfig.ConnectTimeout > 5*time.Second {
		cfg.ConnConfig.ConnectTimeout = 5 * time.Second
	}
	if opts.MaxConns > 0 {
		cfg.MaxConns = opts.MaxConns
	}
	cfg.HealthCheckPeriod = 5 * time.Second
	return cfg, nil
}

// writeConns is the size of the pool write transactions begin on. The
// store's writers queue in the process and run one transaction at a time
// (store.GroupCommitter), so one connection serves them; the second lets
// the next begin while the last's connection is being given back.
//
// tileConns is the size of the pool of map tiles' reads
// (store.WithTileReads), when there are no replicas.
//
// Under bench/load.sh, 200 clients' reads queued for the reads' 8
// connections; each group of writers waited behind them to begin (and
// the writers queued behind it waited longer still), and so did a tile
// missing the cache, whose reads take a millisecond or two.
const (
	writeConns = 2
	tileConns  = 4
)

// sidePool is a pool of n connections to cfg's database, for what.
func sidePool(ctx context.Context, cfg *pgxpool.Config, n int32, what string) (*pgxpool.Pool, error) {
	c := cfg.Copy()
	c.MaxConns, c.MinConns = n, 0
	p, err := pgxpool.NewWithConfig(ctx, c)
	if err != nil {
		return nil, fmt.Errorf("connect to %s for %s: %w", cfg.ConnConfig.Database, what, translate(err))
	}
	return p, nil
}

// migrate applies the embedded migrations under a session lock, so several
// instances starting together apply them once.
//
// Migrations run on connections of their own without the statement
// timeout: creating the PostGIS extension or an index on a big table may
// rightly take longer than any request should.
func migrate(ctx context.Context, conn *pgx.ConnConfig, name string) error {
	sub, err := fs.Sub(migrations.PostGIS, "postgis")
	if err != nil {
		return err
	}
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return err
	}
	cc := conn.Copy()
	cc.RuntimeParams["statement_timeout"] = "0"
	db := stdlib.OpenDB(*cc)
	defer db.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, db, sub, goose.WithSessionLocker(locker))
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate %s: %w", name, translate(err))
	}
	return nil
}

// translate turns errors callers can act on into place errors: constraint
// violations, timeouts and a server that cannot be reached.
func translate(err error) error {
	if err == nil {
		return nil
	}
	var perr *place.Error
	if errors.As(err, &perr) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch {
		case pg.Code == "23505":
			return place.Errorf(place.ECONFLICT, "%s", pg.Message)
		case pg.Code == "23503" || pg.Code == "23514" || pg.Code == "22P02" || pg.Code == "23502":
			return place.Errorf(place.EINVALID, "%s", pg.Message)
		case pg.Code == "22021" || pg.Code == "22P05":
			// character_not_in_repertoire, untranslatable_character: a NUL
			// byte (text and jsonb cannot hold one) or bytes that are not
			// UTF-8. The callers refuse them first; this is the last guard.
			return place.Errorf(place.EINVALID, "text holds a NUL byte or is not valid UTF-8")
		case pg.Code == "57014":
			return place.Errorf(place.EUNAVAILABLE, "the database took too long: %s", pg.Message)
		case strings.HasPrefix(pg.Code, "08") || strings.HasPrefix(pg.Code, "57P") || pg.Code == "53300":
			return place.Errorf(place.EUNAVAILABLE, "database unavailable: %s", pg.Message)
		}
		return err
	}
	var connect *pgconn.ConnectError
	var netErr net.Error
	if errors.As(err, &connect) || errors.As(err, &netErr) || errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) || pgconn.Timeout(err) || strings.Contains(err.Error(), "conn closed") {
		return place.Errorf(place.EUNAVAILABLE, "database unavailable: %v", redact(err))
	}
	return err
}

// redact keeps passwords out of messages.
func redact(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "password="); i >= 0 {
		end := strings.IndexAny(msg[i:], " )")
		if end < 0 {
			end = len(msg) - i
		}
		msg = msg[:i] + "password=xxxxx" + msg[i+end:]
	}
	return msg
}

// Stats reports the connection pool's state of a store Open returned; nil
// for any other store.
func Stats(db *store.DB) *pgxpool.Stat {
	if d, ok := db.Dialect().Conns.(*dialect); ok {
		return d.pool.Stat()
	}
	return nil
}
