package postgis_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/auth"
	"github.com/placemap/placemap/internal/httpapi"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/postgis"
	"github.com/placemap/placemap/internal/store/storetest"
	"github.com/placemap/placemap/internal/testkit"
)

// TestReadReplicas runs placemap on a primary and a streaming replica of
// it, each a cluster of the test's own: reads go to the replica, a client
// reads its own writes while the replica lags, a lagging replica is
// skipped, and when the replica stops mid-run reads fall back to the
// primary without an error, and come back when it returns.
func TestReadReplicas(t *testing.T) {
	began := time.Now()
	primary := testkit.NewCluster(t)
	replica := primary.NewReplica()
	t.Logf("primary on port %d, replica on port %d, ready in %s", primary.Port, replica.Port, time.Since(began).Round(time.Millisecond))
	ctx := context.Background()
	// Never skipped for lag: the reads of clients that did not write may
	// go to it however far behind it is paused.
	st := openReplicated(t, primary, replica, time.Hour)
	rc := connect(t, replica.URL())
	waitFor(t, "the replica to take reads", func() bool { return replicaState(st).Healthy })

	sess := store.NewSession(0)
	if _, err := st.ImportSet(store.WithSession(ctx, sess), place.BoundarySet{Slug: "grid", Title: "Grid", Kind: place.Statistical}, storetest.Grid()); err != nil {
		t.Fatal(err)
	}
	if sess.Wrote() == 0 {
		t.Fatal("a write through a session left no position for the client's next reads")
	}

	t.Run("ReadsGoToTheReplica", func(t *testing.T) { readsGoToTheReplica(t, st, rc, sess.Wrote()) })
	t.Run("ReadYourWritesWhileTheReplicaLags", func(t *testing.T) { readYourWrites(t, st, rc) })
	t.Run("DataVersionOfTheCopyRead", func(t *testing.T) { dataVersionOfTheCopy(t, st, rc) })
	t.Run("CredentialsOnThePrimary", func(t *testing.T) { credentialsOnThePrimary(t, st, rc) })
	t.Run("ThroughHTTP", func(t *testing.T) { throughHTTP(t, st, rc) })
	t.Run("LaggingReplicaSkipped", func(t *testing.T) {
		laggingReplicaSkipped(t, openReplicated(t, primary, replica, 300*time.Millisecond), st, rc)
	})
	t.Run("ReplicaStopsMidRun", func(t *testing.T) { replicaStops(t, st, replica) })
	t.Logf("replica test took %s", time.Since(began).Round(time.Millisecond))
}

func openReplicated(t testing.TB, primary, replica *testkit.Cluster, maxLag time.Duration) *store.DB {
	t.Helper()
	st, err := postgis.Open(context.Background(), primary.URL(), postgis.Options{ReadURLs: []string{replica.URL()},
		MaxReplicaLag: maxLag, ReplicaCheck: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	c, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// waitFor waits up to 20 s for cond, which the replica's monitor makes
// true within a check or two.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited 20 s for %s", what)
		}
	}
}

func replicaState(st *store.DB) store.ReplicaState {
	r, _ := st.Replicas()
	return r.List[0]
}

// served are the reads the replica and the primary served.
func served(st *store.DB) (replica, primary uint64) {
	r, _ := st.Replicas()
	return r.List[0].Reads, r.PrimaryReads
}

// session is a request's context, of a client whose last write is after.
func session(after store.LSN) (context.Context, *store.Session) {
	s := store.NewSession(after)
	return store.WithSession(context.Background(), s), s
}

func pauseReplay(t *testing.T, rc *pgx.Conn) (resume func()) {
	t.Helper()
	if _, err := rc.Exec(context.Background(), `SELECT pg_wal_replay_pause()`); err != nil {
		t.Fatal(err)
	}
	done := false
	resume = func() {
		if !done {
			done = true
			if _, err := rc.Exec(context.Background(), `SELECT pg_wal_replay_resume()`); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Cleanup(resume)
	return resume
}

func readsGoToTheReplica(t *testing.T, st *store.DB, rc *pgx.Conn, wrote store.LSN) {
	r0, p0 := served(st)
	for i := 0; i < 20; i++ {
		rctx, s := session(wrote)
		sets, err := st.Sets(rctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(sets) != 1 || sets[0].Slug != "grid" {
			t.Fatalf("read %d after the write: sets %+v, want grid", i, sets)
		}
		if pin, _ := s.Pinned(); pin != 0 {
			t.Logf("read %d went to copy %d", i, pin)
		}
	}
	r1, p1 := served(st)
	t.Logf("20 reads: replica %d, primary %d", r1-r0, p1-p0)
	if r1-r0 < 10 {
		t.Errorf("the replica served %d of 20 reads (the primary %d), want most", r1-r0, p1-p0)
	}
	var conns int
	if err := rc.QueryRow(context.Background(), `SELECT count(*) FROM pg_stat_activity WHERE application_name = 'placemap'`).Scan(&conns); err != nil {
		t.Fatal(err)
	}
	if conns == 0 {
		t.Error("no placemap connection on the replica")
	}
}

func hall(id string) place.Asset {
	return place.Asset{ID: id, Name: "Hall " + id, Category: "community_hall", Status: place.Open, Geometry: orb.Point{-1.47, 53.38}}
}

func readYourWrites(t *testing.T, st *store.DB, rc *pgx.Conn) {
	resume := pauseReplay(t, rc)
	wctx, ws := session(0)
	if _, err := st.AddAssets(wctx, []place.Asset{hall("ryw")}); err != nil {
		t.Fatal(err)
	}
	// The writing request reads its write back.
	if _, err := st.Asset(wctx, "ryw"); err != nil {
		t.Fatalf("the writing request: %v", err)
	}
	// The client's next request, carrying the write's position.
	rctx, rs := session(ws.Wrote())
	if _, err := st.Asset(rctx, "ryw"); err != nil {
		t.Fatalf("the writer's next request: %v", err)
	}
	if pin, _ := rs.Pinned(); pin != store.PinPrimary {
		t.Errorf("the writer's next request read from copy %d, want the primary while the replica lags", pin)
	}
	// A command (no session) reads what its store wrote.
	if _, err := st.Asset(context.Background(), "ryw"); err != nil {
		t.Fatalf("a read without a session: %v", err)
	}
	// Another client reads the replica, which has not replayed it.
	waitFor(t, "the replica to take reads", func() bool { return replicaState(st).Healthy })
	octx, others := session(0)
	if _, err := st.Asset(octx, "ryw"); place.ErrorCode(err) != place.ENOTFOUND {
		t.Errorf("another client on the paused replica: %v, want ENOTFOUND", err)
	}
	if pin, _ := others.Pinned(); pin != 0 {
		t.Errorf("another client read from copy %d, want the replica", pin)
	}
	resume()
	// Once replayed, the writer's reads go to the replica again.
	waitFor(t, "the replica to replay the write", func() bool {
		c, s := session(ws.Wrote())
		_, err := st.Asset(c, "ryw")
		pin, _ := s.Pinned()
		return err == nil && pin == 0
	})
}

// credentialsOnThePrimary: with the replica paused, a session or token made
// outside a transaction leaves its client a log position to read after, a
// client that has not written finds it (the credential reads go to the
// primary without pinning the request there), and a session signed out is
// refused at once although the replica still holds it.
func credentialsOnThePrimary(t *testing.T, st *store.DB, rc *pgx.Conn) {
	resume := pauseReplay(t, rc)
	defer resume()
	ctx, s := session(0)
	u := auth.User{ID: "u-lag", Email: "lag@example.org", Role: auth.Editor, CreatedAt: time.Now().UTC()}
	if err := st.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		what  string
		write func() error
	}{
		{"a token", func() error {
			return st.CreateToken(ctx, auth.Token{Hash: auth.HashSecret("token-lag"), UserID: u.ID, CreatedAt: time.Now().UTC()})
		}},
		{"a session", func() error {
			return st.CreateSession(ctx, auth.Session{Hash: auth.HashSecret("session-lag"), UserID: u.ID, CSRF: "c",
				CreatedAt: time.Now().UTC(), ExpiresAt: time.Now().Add(time.Hour).UTC()})
		}},
	} {
		before := s.Wrote()
		if err := c.write(); err != nil {
			t.Fatal(err)
		}
		if s.Wrote() <= before {
			t.Errorf("making %s left the client position %s, not past %s", c.what, s.Wrote(), before)
		}
	}
	rctx, rs := session(0)
	if _, err := st.Token(rctx, auth.HashSecret("token-lag")); err != nil {
		t.Errorf("a new token, read by a client that has not written: %v", err)
	}
	if _, err := st.Session(rctx, auth.HashSecret("session-lag")); err != nil {
		t.Errorf("a new session, read by a client that has not written: %v", err)
	}
	if _, err := st.User(rctx, u.ID); err != nil {
		t.Errorf("a new account, read by a client that has not written: %v", err)
	}
	if i, ok := rs.Pinned(); ok {
		t.Errorf("reading credentials pinned the request to copy %d; its other reads may go to a replica", i)
	}
	if err := st.DeleteSession(ctx, auth.HashSecret("session-lag")); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Session(rctx, auth.HashSecret("session-lag")); place.ErrorCode(err) != place.ENOTFOUND {
		t.Errorf("a session signed out, while the replica still holds it: %v, want not found", err)
	}
}

func throughHTTP(t *testing.T, st *store.DB, rc *pgx.Conn) {
	ctx, s := session(0)
	u := auth.User{ID: "u-editor", Email: "editor@example.org", Role: auth.Editor, CreatedAt: time.Now().UTC()}
	if err := st.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateToken(ctx, auth.Token{Hash: auth.HashSecret("token-editor"), UserID: u.ID, CreatedAt: time.Now().UTC()}); err != nil {
		t.Fatal(err)
	}
	// The server reads the token from the replica: let it replay it.
	waitFor(t, "the replica to replay the token", func() bool {
		var done bool
		err := rc.QueryRow(context.Background(), `SELECT pg_last_wal_replay_lsn() >= $1::text::pg_lsn`, s.Wrote().String()).Scan(&done)
		return err == nil && done
	})
	srv := httptest.NewServer(httpapi.New(httpapi.Stores{Areas: st, Assets: st, Releases: st, Places: st, Accounts: st, Basemap: st,
		History: st, Suggestions: st, Conflations: st, Health: st, Search: st, Proposals: st, Postcodes: st},
		fstest.MapFS{"index.html": {Data: []byte("<!doctype html>")}}, httpapi.Config{}, slog.New(slog.NewTextHandler(io.Discard, nil))))
	t.Cleanup(srv.Close)
	resume := pauseReplay(t, rc)
	body := `{"type":"Feature","properties":{"name":"Posted Hall","category":"community_hall"},"geometry":{"type":"Point","coordinates":[-1.45,53.3]}}`
	res := request(t, http.MethodPost, srv.URL+"/api/assets", body, "Authorization", "Bearer token-editor")
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("POST /api/assets: %d", res.StatusCode)
	}
	after := res.Header.Get(httpapi.ReadAfterHeader)
	if _, ok := store.ParseLSN(after); !ok {
		t.Fatalf("%s after a write: %q, want a log position", httpapi.ReadAfterHeader, after)
	}
	var cookie *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "placemap_read_after" {
			cookie = c
		}
	}
	if cookie == nil || cookie.Value != after || !cookie.HttpOnly || cookie.MaxAge <= 0 {
		t.Fatalf("read-after cookie %+v, want %s, HttpOnly, short-lived", cookie, after)
	}
	loc := strings.TrimPrefix(res.Header.Get("Location"), srv.URL)
	waitFor(t, "the replica to take reads", func() bool { return replicaState(st).Healthy })
	for _, c := range []struct {
		name   string
		header []string
		want   int
	}{
		{"header", []string{httpapi.ReadAfterHeader, after}, http.StatusOK},
		{"cookie", []string{"Cookie", "placemap_read_after=" + after}, http.StatusOK},
		{"neither: the lagging replica", nil, http.StatusNotFound},
		{"junk header", []string{httpapi.ReadAfterHeader, "0/0; DROP TABLE assets"}, http.StatusNotFound},
		{"junk cookie", []string{"Cookie", "placemap_read_after=-1/x"}, http.StatusNotFound},
	} {
		if got := request(t, http.MethodGet, srv.URL+loc, "", c.header...); got.StatusCode != c.want {
			t.Errorf("GET %s with %s: %d, want %d", loc, c.name, got.StatusCode, c.want)
		}
	}
	resume()
	ready := readBody(t, request(t, http.MethodGet, srv.URL+"/readyz", ""))
	if !strings.Contains(ready, `"replicas":[{"replica":1,"healthy":true`) {
		t.Errorf("/readyz: %s", ready)
	}
	metrics := readBody(t, request(t, http.MethodGet, srv.URL+"/metrics", ""))
	for _, want := range []string{`placemap_db_replica_healthy{replica="1"} 1`, `placemap_db_replica_reads_total{replica="1"}`,
		`placemap_db_replica_lag_seconds{replica="1"}`, `placemap_db_primary_reads_total`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

func request(t *testing.T, method, url, body string, header ...string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	return res
}

func readBody(t *testing.T, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func laggingReplicaSkipped(t *testing.T, st, writer *store.DB, rc *pgx.Conn) {
	waitFor(t, "the replica to take reads", func() bool { return replicaState(st).Healthy })
	resume := pauseReplay(t, rc)
	if _, err := writer.AddAssets(context.Background(), []place.Asset{hall("lag")}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the paused replica to be skipped", func() bool { return !replicaState(st).Healthy })
	if s := replicaState(st); !strings.Contains(s.Reason, "behind the primary") || s.Lag < 300*time.Millisecond {
		t.Errorf("skipped replica: %+v, want it behind the primary", s)
	}
	r0, p0 := served(st)
	for i := 0; i < 5; i++ {
		c, _ := session(0)
		if _, err := st.Asset(c, "lag"); err != nil {
			t.Fatalf("a read while the replica lags: %v", err)
		}
	}
	if r1, p1 := served(st); r1 != r0 || p1-p0 != 5 {
		t.Errorf("reads while the replica lags: replica %d, primary %d, want all 5 on the primary", r1-r0, p1-p0)
	}
	resume()
	waitFor(t, "the replica to catch up and take reads again", func() bool { return replicaState(st).Healthy })
}

// replicaStops reads (and writes, and reads the writes) from several
// goroutines while the replica is killed and started again: no read
// fails.
func replicaStops(t *testing.T, st *store.DB, replica *testkit.Cluster) {
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var errs []error
	var mu sync.Mutex
	var reads atomic.Int64
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		errs = append(errs, err)
	}
	for w := 0; w < 3; w++ {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				c, _ := session(0)
				if _, err := st.Sets(c); err != nil {
					fail(fmt.Errorf("reader %d read %d: %w", w, i, err))
				}
				if _, err := st.Assets(c, store.AssetQuery{Limit: 50}); err != nil {
					fail(fmt.Errorf("reader %d read %d: %w", w, i, err))
				}
				reads.Add(2)
			}
		})
	}
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			id := fmt.Sprintf("churn-%d", i)
			wctx, ws := session(0)
			if _, err := st.AddAssets(wctx, []place.Asset{hall(id)}); err != nil {
				fail(fmt.Errorf("write %s: %w", id, err))
				continue
			}
			if _, err := st.Asset(store.WithSession(context.Background(), store.NewSession(ws.Wrote())), id); err != nil {
				fail(fmt.Errorf("the writer's read of %s: %w", id, err))
			}
		}
	})
	r0, _ := served(st)
	waitFor(t, "reads on the replica", func() bool { r, _ := served(st); return r > r0+50 })
	killed := time.Now()
	replica.Kill()
	_, p0 := served(st)
	waitFor(t, "reads on the primary", func() bool { _, p := served(st); return p > p0+50 })
	if replicaState(st).Healthy {
		t.Error("a stopped replica still counted healthy")
	}
	down := time.Since(killed)
	replica.Start()
	r1, _ := served(st)
	waitFor(t, "reads back on the replica", func() bool { r, _ := served(st); return r > r1+50 })
	close(stop)
	wg.Wait()
	t.Logf("%d reads across the replica's stop (%s of fallback) and restart; %s back", reads.Load(), down.Round(time.Millisecond), time.Since(killed).Round(time.Millisecond))
	for i, err := range errs {
		if i < 10 {
			t.Error(err)
		}
	}
	if len(errs) > 0 {
		t.Errorf("%d errors while the replica stopped and started", len(errs))
	}
}

// BenchmarkReplicas: a write, a read, and a write read back by its client
// (a new request carrying the write's position), on the primary alone and
// with a streaming replica: what the commit's position costs a write, and
// what reading one's own write costs when the replica must have replayed it.
func BenchmarkReplicas(b *testing.B) {
	primary := testkit.NewCluster(b)
	replica := primary.NewReplica()
	plain, err := postgis.Open(context.Background(), primary.URL(), postgis.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { plain.Close() })
	replicated := openReplicated(b, primary, replica, 5*time.Second)
	waitFor(b, "the replica to take reads", func() bool { return replicaState(replicated).Healthy })
	for _, c := range []struct {
		name string
		st   *store.DB
	}{{"primary", plain}, {"replica", replicated}} {
		n := 0
		write := func(b *testing.B) (string, store.LSN) {
			n++
			id := fmt.Sprintf("%s-%d", c.name, n)
			ctx, s := session(0)
			if _, err := c.st.AddAssets(ctx, []place.Asset{hall(id)}); err != nil {
				b.Fatal(err)
			}
			return id, s.Wrote()
		}
		id, _ := write(b)
		b.Run("write/"+c.name, func(b *testing.B) {
			for b.Loop() {
				write(b)
			}
		})
		b.Run("read/"+c.name, func(b *testing.B) {
			for b.Loop() {
				ctx, _ := session(0)
				if _, err := c.st.Asset(ctx, id); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("write-then-read/"+c.name, func(b *testing.B) {
			for b.Loop() {
				id, after := write(b)
				ctx, _ := session(after)
				if _, err := c.st.Asset(ctx, id); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	r, p := served(replicated)
	b.Logf("with the replica: %d reads on it, %d on the primary", r, p)
}

// dataVersionOfTheCopy: with replicas the data version comes from memory
// only for a request reading from a copy known to have its data; while
// the replica has not replayed the latest write, a request reading there
// gets the replica's own, older, version (a tile cached under the new one
// would hold the old data).
func dataVersionOfTheCopy(t *testing.T, st *store.DB, rc *pgx.Conn) {
	// reads: the version of a request of a client that did not write, and
	// the reads it cost.
	reads := func() (v int64, pin int, n uint64) {
		r0, p0 := served(st)
		ctx, s := session(0)
		v, err := st.DataVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		r1, p1 := served(st)
		pin, _ = s.Pinned()
		return v, pin, r1 - r0 + p1 - p0
	}
	waitFor(t, "the version from memory on the replica", func() bool { _, pin, n := reads(); return n == 0 && pin == 0 })
	old, _, _ := reads()
	// A client that wrote lately, maybe through another instance whose
	// notification has not come yet, gets the version read.
	r0, p0 := served(st)
	wctx, _ := session(1)
	if _, err := st.DataVersion(wctx); err != nil {
		t.Fatal(err)
	}
	if r1, p1 := served(st); r1+p1 == r0+p0 {
		t.Error("a client carrying its last write's position got the version from memory; want it read")
	}
	resume := pauseReplay(t, rc)
	if _, err := st.AddAssets(context.Background(), []place.Asset{hall("dv")}); err != nil {
		t.Fatal(err)
	}
	var newer int64
	waitFor(t, "the listener to hear of the write", func() bool {
		v, ok := postgis.ListenerVersion(st)
		newer = v
		return ok && v > old
	})
	waitFor(t, "the replica to take reads", func() bool { return replicaState(st).Healthy })
	if v, pin, n := reads(); pin == 0 && (v != old || n == 0) {
		t.Errorf("a request on the paused replica got version %d (%d reads); want the replica's %d, read there (the primary is at %d)", v, n, old, newer)
	}
	resume()
	waitFor(t, "the version from memory once the replica replayed the write", func() bool {
		v, pin, n := reads()
		return v == newer && n == 0 && pin == 0
	})
}
