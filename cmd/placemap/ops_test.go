package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// TestServeOperations: JSON logs whose request lines carry the id the
// client got in X-Request-Id; /metrics counts requests by route pattern;
// cancelling (SIGTERM) shuts down gracefully with exit status 0; and every
// serve flag names its PLACEMAP_ variable in --help.
func TestServeOperations(t *testing.T) {
	data := t.TempDir()
	if code, _, errs := cli(t, "demo", "--data", data); code != 0 {
		t.Fatal(errs)
	}
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	var stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", data, "--no-demo", "--log-format", "json", "--log-level", "debug"}, pw, &stderr)
		pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	if !sc.Scan() {
		t.Fatal("serve printed nothing")
	}
	_, rest, _ := strings.Cut(sc.Text(), "serving ")
	base := strings.Fields(rest)[0]
	go io.Copy(io.Discard, pr)

	res, err := http.Get(base + "/api/assets/nope")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	id := res.Header.Get("X-Request-Id")
	if res.StatusCode != 404 || id == "" {
		t.Fatalf("GET /api/assets/nope: %d, X-Request-Id %q", res.StatusCode, id)
	}
	res, err = http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{`placemap_http_requests_total{code="404",method="GET",route="/api/assets/{id}"} 1`,
		"placemap_tile_cache_bytes", "placemap_tile_shapes_bytes", "placemap_expensive_work_capacity 2", "go_goroutines", "process_resident_memory_bytes"} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited %d after a graceful stop, want 0\n%s", code, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
	found := false
	for _, line := range strings.Split(strings.TrimSpace(stderr.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Errorf("log line is not JSON: %q", line)
			continue
		}
		if rec["msg"] == "request" && rec["path"] == "/api/assets/nope" {
			found = rec["request_id"] == id && rec["status"] == float64(404)
		}
	}
	if !found {
		t.Errorf("no JSON request line with request_id %q and status 404:\n%s", id, stderr.String())
	}
	if !strings.Contains(stderr.String(), `"msg":"shutting down"`) {
		t.Errorf("no shutdown line:\n%s", stderr.String())
	}

	// --help names the variable of every flag.
	code, out, _ := cli(t, "serve", "-h")
	if code != 0 {
		t.Fatalf("serve -h: %d", code)
	}
	n := 0
	for _, line := range strings.Split(out, "\n") {
		f, ok := strings.CutPrefix(line, "  -")
		if !ok {
			continue
		}
		name := strings.Fields(f)[0]
		n++
		want := "$PLACEMAP_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
		switch name {
		case "db":
			want = "$PLACEMAP_DATABASE_URL"
		case "db-read":
			want = "$PLACEMAP_DATABASE_READ_URLS"
		case "no-demo":
			continue
		}
		if !strings.Contains(out, want) {
			t.Errorf("serve -h: flag -%s does not name %s", name, want)
		}
	}
	if n < 15 {
		t.Errorf("serve -h lists %d flags, want at least 15:\n%s", n, out)
	}
}

// TestSlowClientsAreCutOff: a client that sends its headers too slowly,
// or keeps an idle connection, has it closed by the server.
func TestSlowClientsAreCutOff(t *testing.T) {
	data := t.TempDir()
	if code, _, errs := cli(t, "demo", "--data", data); code != 0 {
		t.Fatal(errs)
	}
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", data, "--no-demo",
			"--read-header-timeout", "300ms", "--idle-timeout", "300ms"}, pw, io.Discard)
		pw.Close()
	}()
	t.Cleanup(func() { cancel(); <-done })
	sc := bufio.NewScanner(pr)
	if !sc.Scan() {
		t.Fatal("serve printed nothing")
	}
	_, rest, _ := strings.Cut(sc.Text(), "serving http://")
	addr := strings.Fields(rest)[0]
	go io.Copy(io.Discard, pr)

	closedWithin := func(conn net.Conn, d time.Duration) bool {
		_ = conn.SetReadDeadline(time.Now().Add(d))
		buf := make([]byte, 4096)
		for {
			if _, err := conn.Read(buf); err != nil {
				var ne net.Error
				return !(errors.As(err, &ne) && ne.Timeout()) // EOF or reset: the server closed it
			}
		}
	}
	// Slowloris: half a request, then nothing.
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET /healthz HTTP/1.1\r\nHost: x\r\n")
	start := time.Now()
	if !closedWithin(conn, 5*time.Second) {
		t.Error("a client sending half its headers was not cut off within 5 s")
	} else if took := time.Since(start); took > 3*time.Second {
		t.Errorf("cut off after %v, want about the 300 ms read-header timeout", took)
	}
	// Idle keep-alive: one request, then silence.
	conn2, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn2.Close()
	fmt.Fprintf(conn2, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
	if !closedWithin(conn2, 5*time.Second) {
		t.Error("an idle keep-alive connection was not closed within 5 s")
	}
}
