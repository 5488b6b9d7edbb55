package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"github.com/placemap/placemap/internal/httpapi"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/postgis"
	"github.com/placemap/placemap/internal/store/storetest"
	"github.com/placemap/placemap/internal/testkit"
	"github.com/placemap/placemap/web"
)

// The fault tests each run on a PostgreSQL cluster of their own, started
// by the test, so they can stop it, lock it and kill clients freely.

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// placemapBinary builds the command once for tests that need a process to
// kill.
func placemapBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "placemap-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "placemap")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// waitFor polls cond every 10ms until it holds or the time is up.
func waitFor(t *testing.T, what string, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", within, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func openPostGIS(t *testing.T, url string, opts postgis.Options) *store.DB {
	t.Helper()
	st, err := postgis.Open(context.Background(), url, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func seed(t *testing.T, st *store.DB) {
	t.Helper()
	ctx := context.Background()
	if _, err := st.ImportSet(ctx, place.BoundarySet{Slug: "grid", Title: "Grid", Kind: place.Statistical}, storetest.Grid()); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddAssets(ctx, []place.Asset{{ID: "lib", Name: "Library", Category: "library", Status: place.Open, Geometry: orb.Point{-1.45, 53.3}}}); err != nil {
		t.Fatal(err)
	}
}

// TestFaultDatabaseStops: with PostgreSQL stopped, requests get 503 with a
// JSON error and /readyz fails; when it is back, placemap serves again by
// itself.
func TestFaultDatabaseStops(t *testing.T) {
	cluster := testkit.NewCluster(t)
	st := openPostGIS(t, cluster.URL(), postgis.Options{})
	seed(t, st)
	srv := httptest.NewServer(httpapi.New(apiStores(st), web.FS, httpapi.Config{}, quietLog()))
	t.Cleanup(srv.Close)
	client := &http.Client{Timeout: 20 * time.Second}
	status := func(path string) (int, string) {
		res, err := client.Get(srv.URL + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	for _, p := range []string{"/api/sets", "/readyz", "/api/assets/lib", "/tiles/grid/8/126/82.mvt"} {
		if code, body := status(p); code != 200 {
			t.Fatalf("before: GET %s = %d %s", p, code, body)
		}
	}

	cluster.Stop()
	for _, p := range []string{"/api/sets", "/readyz", "/api/assets/lib", "/api/sets/grid/areas", "/tiles/grid/9/253/165.mvt"} {
		start := time.Now()
		code, body := status(p)
		var e struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		if code != http.StatusServiceUnavailable || json.Unmarshal([]byte(body), &e) != nil || e.Error.Code != "unavailable" {
			t.Errorf("database down: GET %s = %d %s; want 503 with a JSON error", p, code, body)
		}
		if took := time.Since(start); took > 10*time.Second {
			t.Errorf("database down: GET %s took %s", p, took)
		}
	}

	cluster.Start()
	waitFor(t, "placemap to serve again", 30*time.Second, func() bool {
		code, _ := status("/api/sets")
		return code == 200
	})
	if code, body := status("/readyz"); code != 200 {
		t.Errorf("after restart: /readyz = %d %s", code, body)
	}
}

// bigBoundaryFile writes n squares: an import long enough to be killed in
// the middle of.
func bigBoundaryFile(t *testing.T, n int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(`{"type":"FeatureCollection","features":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		x, y := -2+0.001*float64(i%1000), 53+0.001*float64(i/1000)
		fmt.Fprintf(&b, `{"type":"Feature","properties":{"code":"C%05d"},"geometry":{"type":"Polygon","coordinates":[[[%g,%g],[%g,%g],[%g,%g],[%g,%g],[%g,%g]]]}}`,
			i, x, y, x+0.001, y, x+0.001, y+0.001, x, y+0.001, x, y)
	}
	b.WriteString(`]}`)
	p := filepath.Join(t.TempDir(), "big.geojson")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestFaultKilledImport: placemap killed with SIGKILL while it writes a set
// leaves no trace of the set; the same import afterwards succeeds whole.
func TestFaultKilledImport(t *testing.T) {
	bin := placemapBinary(t)
	cluster := testkit.NewCluster(t)
	url := cluster.URL()
	if out, err := exec.Command(bin, "migrate", "--db", url).CombinedOutput(); err != nil {
		t.Fatalf("migrate: %v %s", err, out)
	}
	file := bigBoundaryFile(t, 30000)
	conn := connect(t, url)
	ctx := context.Background()

	cmd := exec.Command(bin, "import", "set", file, "--slug", "big", "--title", "Big", "--db", url)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill it once it holds a transaction that has started writing areas.
	waitFor(t, "the import to start writing areas", 60*time.Second, func() bool {
		var n int
		_ = conn.QueryRow(ctx, `SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
			WHERE a.application_name = 'placemap' AND l.locktype = 'relation'
			AND l.relation = 'areas'::regclass AND l.mode = 'RowExclusiveLock'`).Scan(&n)
		return n > 0
	})
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if cmd.ProcessState.Success() {
		t.Fatal("the import finished before it was killed")
	}
	waitFor(t, "the killed client's backend to go", 30*time.Second, func() bool {
		var n int
		_ = conn.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE application_name = 'placemap'`).Scan(&n)
		return n == 0
	})
	var sets, areas int
	if err := conn.QueryRow(ctx, `SELECT (SELECT count(*) FROM boundary_sets), (SELECT count(*) FROM areas)`).Scan(&sets, &areas); err != nil {
		t.Fatal(err)
	}
	if sets != 0 || areas != 0 {
		t.Fatalf("after the kill: %d sets and %d areas, want none", sets, areas)
	}
	if out, err := exec.Command(bin, "import", "set", file, "--slug", "big", "--title", "Big", "--db", url).CombinedOutput(); err != nil {
		t.Fatalf("import again: %v %s", err, out)
	}
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM areas WHERE set_slug = 'big'`).Scan(&areas); err != nil || areas != 30000 {
		t.Fatalf("after the second import: %d areas (%v), want 30000", areas, err)
	}
}

// TestFaultSIGTERMDrains: SIGTERM lets a request in flight finish before
// placemap exits.
func TestFaultSIGTERMDrains(t *testing.T) {
	bin := placemapBinary(t)
	cluster := testkit.NewCluster(t)
	url := cluster.URL()
	seed(t, openPostGIS(t, url, postgis.Options{}))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "serve", "--db", url, "--addr", addr)
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	sc := bufio.NewScanner(stdout)
	if !sc.Scan() || !strings.Contains(sc.Text(), "serving") {
		t.Fatalf("serve did not start: %q", sc.Text())
	}
	go io.Copy(io.Discard, stdout)

	// Hold a lock the request will wait on, so it is in flight for as long
	// as the test likes.
	conn := connect(t, url)
	ctx := context.Background()
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `LOCK TABLE boundary_sets IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	type result struct {
		code int
		body string
		err  error
	}
	done := make(chan result, 1)
	go func() {
		res, err := http.Get("http://" + addr + "/api/sets")
		if err != nil {
			done <- result{err: err}
			return
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		done <- result{code: res.StatusCode, body: string(b)}
	}()
	other := connect(t, url)
	waitFor(t, "the request to wait on the lock", 20*time.Second, func() bool {
		var n int
		_ = other.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE application_name = 'placemap' AND wait_event_type = 'Lock'`).Scan(&n)
		return n > 0
	})
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	select {
	case r := <-done:
		t.Fatalf("the request ended before its query could finish: %+v", r)
	default:
	}
	if err := tx.Commit(ctx); err != nil { // release the lock
		t.Fatal(err)
	}
	select {
	case r := <-done:
		if r.err != nil || r.code != 200 || !strings.Contains(r.body, `"slug":"grid"`) {
			t.Errorf("in-flight request after SIGTERM: %+v", r)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the in-flight request did not finish")
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("placemap exited with %v after SIGTERM, want 0", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("placemap did not exit after SIGTERM")
	}
}

// TestFaultTwoWritersOneAsset: two placemap instances update the same asset
// from the same version; one wins, the other is told of the conflict, and
// no update is lost.
func TestFaultTwoWritersOneAsset(t *testing.T) {
	cluster := testkit.NewCluster(t)
	a := openPostGIS(t, cluster.URL(), postgis.Options{})
	b := openPostGIS(t, cluster.URL(), postgis.Options{})
	seed(t, a)
	ctx := context.Background()
	for round := 0; round < 20; round++ {
		cur, err := a.Asset(ctx, "lib")
		if err != nil {
			t.Fatal(err)
		}
		errs := make(chan error, 2)
		var start sync.WaitGroup
		start.Add(1)
		for i, st := range []*store.DB{a, b} {
			go func(i int, st *store.DB) {
				start.Wait()
				next := cur
				next.Name = fmt.Sprintf("Library round %d by writer %d", round, i)
				_, err := st.UpdateAsset(ctx, next, cur.Version)
				errs <- err
			}(i, st)
		}
		start.Done()
		e1, e2 := <-errs, <-errs
		codes := place.ErrorCode(e1) + "," + place.ErrorCode(e2)
		if codes != ","+place.ECONFLICT && codes != place.ECONFLICT+"," {
			t.Fatalf("round %d: results %v / %v, want one success and one conflict", round, e1, e2)
		}
		after, err := b.Asset(ctx, "lib")
		if err != nil {
			t.Fatal(err)
		}
		if after.Version != cur.Version+1 || !strings.HasPrefix(after.Name, fmt.Sprintf("Library round %d", round)) {
			t.Fatalf("round %d: asset at version %d named %q", round, after.Version, after.Name)
		}
	}
}

// TestFaultTimeouts: the statement timeout ends a stuck query, and a client
// that goes away takes its query with it: no backend keeps running it.
func TestFaultTimeouts(t *testing.T) {
	cluster := testkit.NewCluster(t)
	url := cluster.URL()
	ctx := context.Background()
	fast := openPostGIS(t, url, postgis.Options{StatementTimeout: 300 * time.Millisecond})
	seed(t, fast)
	patient := openPostGIS(t, url, postgis.Options{StatementTimeout: time.Minute})

	conn := connect(t, url)
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `LOCK TABLE boundary_sets, areas IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}

	// The statement timeout.
	start := time.Now()
	_, err = fast.Sets(ctx)
	if place.ErrorCode(err) != place.EUNAVAILABLE || time.Since(start) > 5*time.Second {
		t.Errorf("blocked query with a 300ms statement timeout: %v after %s; want unavailable soon", err, time.Since(start))
	}

	// A client that gives up: the HTTP request's context ends, and with it
	// the query on the server.
	srv := httptest.NewServer(httpapi.New(apiStores(patient), web.FS, httpapi.Config{}, quietLog()))
	t.Cleanup(srv.Close)
	client := &http.Client{Timeout: 300 * time.Millisecond}
	other := connect(t, url)
	active := func() int {
		var n int
		_ = other.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE application_name = 'placemap' AND state = 'active'`).Scan(&n)
		return n
	}
	for i := 0; i < 3; i++ {
		if _, err := client.Get(srv.URL + "/api/sets"); err == nil {
			t.Fatal("request through a locked table answered")
		}
	}
	waitFor(t, "the abandoned queries to be cancelled on the server", 5*time.Second, func() bool { return active() == 0 })
	waitFor(t, "the pool's connections to come back", 5*time.Second, func() bool { return postgis.Stats(patient).AcquiredConns() == 0 })
	// The lock released, the same store answers again.
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if sets, err := patient.Sets(ctx); err != nil || len(sets) != 1 {
		t.Errorf("after the lock: %v %v", sets, err)
	}
}
