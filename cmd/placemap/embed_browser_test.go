package main

import (
	"bufio"
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/placemap/placemap/internal/testkit"
)

// TestEmbedInChromium (test/browser/embed.mjs): placemap serves the demo
// with --embed-origins naming a second local origin; a page there frames
// /embed and the map renders in it, with the attribution and the link to
// the larger map; a third origin, not listed, is refused by the browser;
// the main map's "Embed this map" dialog gives a snippet that works when
// put in the second origin's page; axe-clean.
func TestEmbedInChromium(t *testing.T) {
	testkit.Need(t, "chromium", "chromium")
	testkit.NeedNodeModules(t, "playwright-core")
	testkit.NeedNodeModules(t, "axe-core")
	var placemapURL atomic.Value
	placemapURL.Store("")
	site := func(name string) *httptest.Server {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			frame := ""
			if r.URL.Path == "/" {
				src := placemapURL.Load().(string) + "/embed"
				if q := r.URL.Query().Get("q"); q != "" {
					src += "?" + q
				}
				frame = fmt.Sprintf(`<iframe id="frame" src="%s" width="640" height="480" title="Map of the neighbourhood"></iframe>`, html.EscapeString(src))
			}
			fmt.Fprintf(w, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>%s</title></head>
<body><main id="slot"><h1>%s</h1>%s</main></body></html>`, name, name, frame)
		}))
		t.Cleanup(srv.Close)
		return srv
	}
	listed, unlisted := site("A listed site"), site("A site not listed")
	base := serveDemoArgs(t, "--embed-origins", listed.URL)
	placemapURL.Store(base)
	runBrowser(t, "embed.mjs", "browser-embed", base, listed.URL, unlisted.URL)
}

// serveDemoArgs serves the demo in a fresh data directory with extra serve
// flags and returns its URL.
func serveDemoArgs(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--data", t.TempDir()}, args...), pw, io.Discard)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			t.Error("serve did not stop within 15s of cancellation")
		}
	})
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if _, rest, ok := strings.Cut(sc.Text(), "serving "); ok {
				urls <- strings.Fields(rest)[0]
			}
		}
	}()
	select {
	case base := <-urls:
		return base
	case code := <-done:
		t.Fatalf("serve exited with %d before serving", code)
	case <-time.After(3 * time.Minute):
		t.Fatal("serve did not start within 3 minutes")
	}
	return ""
}
