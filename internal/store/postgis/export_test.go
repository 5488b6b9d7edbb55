package postgis

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/placemap/placemap/internal/store"
)

// OpenTuned is Open with tune adjusting the primary pool's configuration.
var OpenTuned = open

// Listener reports whether st's data version listener is live, and the
// server process of its connection.
func Listener(st *store.DB) (live bool, pid uint32) {
	l := st.Dialect().Conns.(*dialect).watch
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.live, l.pid
}

// OpenSlowRetry opens a store whose listener waits d before reconnecting.
func OpenSlowRetry(ctx context.Context, url string, d time.Duration, tune func(*pgxpool.Config)) (*store.DB, error) {
	st, err := open(ctx, url, Options{}, tune)
	if err != nil {
		return nil, err
	}
	l := st.Dialect().Conns.(*dialect).watch
	l.mu.Lock()
	l.retry = d
	l.mu.Unlock()
	return st, nil
}

// ListenerVersion is the version st's listener would answer from memory,
// ok false when it would read.
func ListenerVersion(st *store.DB) (v int64, ok bool) {
	v, _, ok, _ = st.Dialect().Conns.(*dialect).watch.cached()
	return v, ok
}

// Acquired counts the connections taken from st's reads' pool and its
// tiles' pool so far.
func Acquired(st *store.DB) (reads, tiles int64) {
	d := st.Dialect().Conns.(*dialect)
	return d.pool.Stat().AcquireCount(), d.tilePool.Stat().AcquireCount()
}
