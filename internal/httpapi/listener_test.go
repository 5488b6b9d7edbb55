package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/placemap/placemap/internal/httpapi"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/gpkg"
)

// listening is a store whose data version listener stands as state says.
type listening struct {
	*store.DB
	mu    sync.Mutex
	state store.ListenerState
}

func (l *listening) Listener() (store.ListenerState, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.state, true
}

func (l *listening) set(s store.ListenerState) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.state = s
}

// TestReadyzListener: /readyz and /metrics report the data version
// listener; the server stays ready while it is down (every request reads
// the version meanwhile). A store without one (the GeoPackage) reports
// nothing of it.
func TestReadyzListener(t *testing.T) {
	st, err := gpkg.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if body := get(t, server(t).URL+"/readyz").body; strings.TrimSpace(string(body)) != `{"status":"ready"}` {
		t.Errorf("GeoPackage /readyz: %s", body)
	}
	l := &listening{DB: st}
	stores := roles(st)
	stores.Health = l
	srv := httptest.NewServer(httpapi.New(stores, fstest.MapFS{}, httpapi.Config{TileCacheBytes: 1 << 20}, slog.New(slog.NewTextHandler(io.Discard, nil))))
	t.Cleanup(srv.Close)
	for _, c := range []struct {
		state   store.ListenerState
		metrics []string
	}{
		{store.ListenerState{Listening: true}, []string{"placemap_db_version_listener_listening 1", "placemap_db_version_listener_reconnects_total 0"}},
		{store.ListenerState{Listening: false, Reconnects: 2}, []string{"placemap_db_version_listener_listening 0", "placemap_db_version_listener_reconnects_total 2"}},
		{store.ListenerState{Listening: true, Reconnects: 3}, []string{"placemap_db_version_listener_listening 1", "placemap_db_version_listener_reconnects_total 3"}},
	} {
		l.set(c.state)
		res := get(t, srv.URL+"/readyz")
		var body struct {
			Status   string `json:"status"`
			Listener *struct {
				Listening  bool   `json:"listening"`
				Reconnects uint64 `json:"reconnects"`
			} `json:"data_version_listener"`
		}
		if err := json.Unmarshal(res.body, &body); err != nil || res.status != 200 || body.Status != "ready" || body.Listener == nil ||
			body.Listener.Listening != c.state.Listening || body.Listener.Reconnects != c.state.Reconnects {
			t.Errorf("listener %+v: /readyz %d %s", c.state, res.status, res.body)
		}
		m := string(get(t, srv.URL+"/metrics").body)
		for _, want := range c.metrics {
			if !strings.Contains(m, "\n"+want+"\n") {
				t.Errorf("listener %+v: /metrics lacks %q", c.state, want)
			}
		}
	}
}
