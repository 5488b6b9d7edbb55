package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/gpkg"
	"github.com/placemap/placemap/internal/store/postgis"
)

// storeConfig says which store a command works on: the GeoPackage in a data
// directory (the default) or a PostgreSQL database.
type storeConfig struct {
	data             string
	db               string
	statementTimeout time.Duration
	reads            readURLs      // --db-read: streaming replicas of --db
	maxReplicaLag    time.Duration // a replica further behind is skipped
	log              *slog.Logger  // hears of replicas skipped and taken back; nil: nothing
}

// readURLs are --db-read's URLs: from $PLACEMAP_DATABASE_READ_URLS (comma
// separated) until the flag is given, then the flags' alone.
type readURLs struct {
	urls    []string
	flagged bool
}

func (r *readURLs) String() string {
	if r == nil {
		return ""
	}
	return strings.Join(r.urls, ",")
}

func (r *readURLs) Set(v string) error {
	if !r.flagged {
		r.urls, r.flagged = nil, true
	}
	if !postgis.IsURL(v) {
		return errors.New("want a postgres:// URL")
	}
	r.urls = append(r.urls, v)
	return nil
}

func storeFlags(fs *flag.FlagSet) *storeConfig {
	c := &storeConfig{}
	fs.StringVar(&c.data, "data", envOr("DATA", "./data"), "data directory holding placemap.gpkg ($PLACEMAP_DATA)")
	fs.StringVar(&c.db, "db", envOr("DATABASE_URL", ""), "PostgreSQL URL (postgres://...) to use PostGIS instead of the GeoPackage ($PLACEMAP_DATABASE_URL)")
	fs.DurationVar(&c.statementTimeout, "db-statement-timeout", envDuration("DB_STATEMENT_TIMEOUT", 30*time.Second),
		"PostGIS: longest any one SQL statement may run ($PLACEMAP_DB_STATEMENT_TIMEOUT)")
	for _, u := range strings.Split(envOr("DATABASE_READ_URLS", ""), ",") {
		if u = strings.TrimSpace(u); u != "" {
			c.reads.urls = append(c.reads.urls, u)
		}
	}
	fs.Var(&c.reads, "db-read", "PostgreSQL URL of a streaming replica of --db to read from; repeat for several "+
		"($PLACEMAP_DATABASE_READ_URLS, comma separated)")
	fs.DurationVar(&c.maxReplicaLag, "max-replica-lag", envDuration("MAX_REPLICA_LAG", 5*time.Second),
		"with --db-read: skip a replica further behind the primary than this ($PLACEMAP_MAX_REPLICA_LAG)")
	return c
}

// describe names the store for messages, without a password.
func (c *storeConfig) describe() string {
	switch {
	case c.db != "" && len(c.reads.urls) == 1:
		return "PostgreSQL database, reads on 1 replica"
	case c.db != "" && len(c.reads.urls) > 1:
		return fmt.Sprintf("PostgreSQL database, reads on %d replicas", len(c.reads.urls))
	case c.db != "":
		return "PostgreSQL database"
	}
	return filepath.Join(c.data, gpkg.FileName)
}

// open opens the configured store.
func (c *storeConfig) open(ctx context.Context) (*store.DB, error) {
	if len(c.reads.urls) > 0 && !postgis.IsURL(c.db) {
		return nil, usageError{"--db-read (or $PLACEMAP_DATABASE_READ_URLS) reads from replicas of a PostgreSQL primary: give its postgres:// URL with --db"}
	}
	if c.db != "" {
		if !postgis.IsURL(c.db) {
			return nil, usageError{"--db wants a postgres:// URL"}
		}
		for _, u := range c.reads.urls {
			if !postgis.IsURL(u) {
				return nil, usageError{"--db-read wants postgres:// URLs ($PLACEMAP_DATABASE_READ_URLS, comma separated)"}
			}
		}
		if len(c.reads.urls) > 0 && c.maxReplicaLag <= 0 {
			return nil, usageError{"--max-replica-lag wants a positive duration, e.g. 5s"}
		}
		return postgis.Open(ctx, c.db, postgis.Options{StatementTimeout: c.statementTimeout,
			ReadURLs: c.reads.urls, MaxReplicaLag: c.maxReplicaLag, Log: c.log})
	}
	return gpkg.Open(ctx, c.data)
}

// openLocation opens a store named by one string, as copy takes them: a
// postgres:// URL or a data directory.
func openLocation(ctx context.Context, loc string, timeout time.Duration) (*store.DB, error) {
	c := storeConfig{data: loc, statementTimeout: timeout}
	if postgis.IsURL(loc) {
		c = storeConfig{db: loc, statementTimeout: timeout}
	}
	return c.open(ctx)
}

// isEmpty reports whether a store holds no sets and no assets.
func isEmpty(ctx context.Context, st *store.DB) (bool, error) {
	sets, err := st.Sets(ctx)
	if err != nil {
		return false, err
	}
	stats, err := st.AssetStats(ctx)
	if err != nil {
		return false, err
	}
	return len(sets) == 0 && stats.Count == 0, nil
}

// gpkgExists reports whether a data directory already holds a GeoPackage.
func gpkgExists(dir string) (bool, error) {
	_, err := os.Stat(filepath.Join(dir, gpkg.FileName))
	if err == nil {
		return true, nil
	}
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	return false, fmt.Errorf("data directory: %w", err)
}

func envDuration(name string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(envOr(name, "")); err == nil {
		return d
	}
	return def
}
