package postgis_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/placemap/placemap/internal/auth"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/postgis"
	"github.com/placemap/placemap/internal/testkit"
)

// versionReads counts the reads of the data version through a store's
// pool (the listener's own connection is not the pool's).
type versionReads struct{ n atomic.Int64 }

func (c *versionReads) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	if strings.Contains(d.SQL, "'data_version'") && !strings.Contains(d.SQL, "pg_listening_channels") {
		c.n.Add(1)
	}
	return ctx
}

func (c *versionReads) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (c *versionReads) tune(cfg *pgxpool.Config) { cfg.ConnConfig.Tracer = c }

// openCounted opens a store on url whose listener reconnects after retry,
// counting its reads of the data version.
func openCounted(t *testing.T, url string, retry time.Duration) (*store.DB, *versionReads) {
	t.Helper()
	c := &versionReads{}
	st, err := postgis.OpenSlowRetry(context.Background(), url, retry, c.tune)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, c
}

var users atomic.Int64

// write commits a write transaction through st (a new account).
func write(t *testing.T, st *store.DB) {
	t.Helper()
	n := users.Add(1)
	u := auth.User{ID: fmt.Sprintf("u%d", n), Email: fmt.Sprintf("u%d@example.org", n), Role: auth.Editor,
		PasswordHash: "$argon2id$v=19$m=65536,t=1,p=4$c2FsdA$aGFzaA", CreatedAt: time.Now()}
	if err := st.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
}

func version(t *testing.T, st *store.DB) int64 {
	t.Helper()
	v, err := st.DataVersion(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// waitLive waits for st's listener to be live (or not).
func waitLive(t *testing.T, st *store.DB, live bool) {
	t.Helper()
	waitFor(t, fmt.Sprintf("the listener to be live=%v", live), func() bool {
		l, _ := postgis.Listener(st)
		return l == live
	})
}

// TestDataVersionListener: the data version comes from memory while the
// store LISTENs, own writes are seen at once, another instance's once its
// notification arrives, and while the listener is down every call reads.
func TestDataVersionListener(t *testing.T) {
	url := testkit.PostGISDatabaseURL(t)
	a, reads := openCounted(t, url, 500*time.Millisecond)
	b, _ := openCounted(t, url, 100*time.Millisecond)
	waitLive(t, a, true)
	waitLive(t, b, true)

	t.Run("NoRoundTripPerCall", func(t *testing.T) {
		v := version(t, a)
		before := reads.n.Load()
		for range 100 {
			if got := version(t, a); got != v {
				t.Fatalf("version moved from %d to %d with no write", v, got)
			}
		}
		if n := reads.n.Load() - before; n > 0 {
			t.Errorf("100 calls read the data version %d times through the pool; want none while the listener is live", n)
		}
	})
	t.Run("OwnWritesAtOnce", func(t *testing.T) {
		for range 20 {
			v := version(t, a)
			write(t, a)
			if got := version(t, a); got <= v {
				t.Fatalf("after its own write the store says version %d, had %d before it", got, v)
			}
		}
	})
	t.Run("OtherInstanceByNotification", func(t *testing.T) {
		v := version(t, a)
		write(t, b)
		want := version(t, b)
		if want <= v {
			t.Fatalf("b's write left the version at %d (a had %d)", want, v)
		}
		waitFor(t, "a to hear of b's write", func() bool { return version(t, a) == want })
		before := reads.n.Load()
		version(t, a)
		if n := reads.n.Load() - before; n > 0 {
			t.Errorf("a read the version after hearing of b's write; want it from memory")
		}
	})
	t.Run("TileVersions", func(t *testing.T) { tileVersionsFromMemory(t, a, b, reads) })
	t.Run("ListenerKilled", func(t *testing.T) { listenerKilled(t, a, b, reads) })
}

func tileVersions(t *testing.T, st *store.DB) store.TileVersions {
	t.Helper()
	v, err := st.TileVersions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// tileVersionsFromMemory: the tile layers' versions, as of the data
// version, come from memory like it (a cached tile costs no round trip),
// move at once after an own write and after another instance's once heard.
func tileVersionsFromMemory(t *testing.T, a, b *store.DB, reads *versionReads) {
	tileVersions(t, a)
	before := reads.n.Load()
	v := version(t, a)
	for range 100 {
		if tv := tileVersions(t, a); tv.At() != v {
			t.Fatalf("tile versions as of data version %d, the store is at %d with no write", tv.At(), v)
		}
	}
	if n := reads.n.Load() - before; n > 0 {
		t.Errorf("100 calls read the tile versions %d times through the pool; want none while the listener is live", n)
	}
	write(t, a)
	if tv := tileVersions(t, a); tv.At() <= v {
		t.Errorf("after its own write the tile versions are as of %d, had %d", tv.At(), v)
	}
	write(t, b)
	want := version(t, b)
	waitFor(t, "a's tile versions to hear of b's write", func() bool { return tileVersions(t, a).At() == want })
	before = reads.n.Load()
	tileVersions(t, a)
	if n := reads.n.Load() - before; n > 0 {
		t.Errorf("a read the tile versions after hearing of b's write; want them from memory")
	}
}

// listenerKilled ends a's listening connection on the server: until it
// is back every call reads (and sees b's writes at once), then calls are
// answered from memory again.
func listenerKilled(t *testing.T, a, b *store.DB, reads *versionReads) {
	admin := connect(t, testkit.PostgresURL())
	_, pid := postgis.Listener(a)
	if pid == 0 {
		t.Fatal("no listener connection")
	}
	was, has := a.Listener()
	if !has || !was.Listening {
		t.Fatalf("before: the store reports its listener %+v, %v; want listening", was, has)
	}
	var ok bool
	if err := admin.QueryRow(context.Background(), `SELECT pg_terminate_backend($1)`, int32(pid)).Scan(&ok); err != nil || !ok {
		t.Fatalf("terminate the listener's backend %d: %v %v", pid, ok, err)
	}
	waitLive(t, a, false)
	if st, _ := a.Listener(); st.Listening {
		t.Errorf("listener down: the store reports it listening")
	}
	before := reads.n.Load()
	for range 5 {
		write(t, b)
		if got, want := version(t, a), version(t, b); got != want {
			t.Fatalf("listener down: a says version %d right after b wrote %d; want it read", got, want)
		}
	}
	if n := reads.n.Load() - before; n < 5 {
		t.Errorf("listener down: 5 calls read the version %d times; want every call to read", n)
	}
	waitLive(t, a, true)
	if _, p := postgis.Listener(a); p == pid {
		t.Errorf("listener back on the terminated backend %d", pid)
	}
	if st, _ := a.Listener(); !st.Listening || st.Reconnects != was.Reconnects+1 {
		t.Errorf("listener back: the store reports %+v; want listening, %d reconnects", st, was.Reconnects+1)
	}
	write(t, b)
	want := version(t, b)
	waitFor(t, "a to hear of b's write after reconnecting", func() bool { return version(t, a) == want })
	before = reads.n.Load()
	for range 10 {
		version(t, a)
	}
	if n := reads.n.Load() - before; n > 0 {
		t.Errorf("listener back: 10 calls read the version %d times; want none", n)
	}
}
