package httpapi

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/placemap/placemap/internal/store"
)

func TestReadAfter(t *testing.T) {
	for _, c := range []struct {
		name, header, cookie string
		want                 store.LSN
	}{
		{"none", "", "", 0},
		{"header", "1/A0", "", 0x1_000000A0},
		{"cookie", "", "1/A0", 0x1_000000A0},
		{"the later of both", "1/A0", "2/0", 0x2_00000000},
		{"junk header, good cookie", "1/A0x", "0/10", 0x10},
		{"junk", "DROP TABLE assets", "-1/0", 0},
		{"too long", "100000000/0", "", 0},
	} {
		r := httptest.NewRequest(http.MethodGet, "/api/sets", nil)
		if c.header != "" {
			r.Header.Set(ReadAfterHeader, c.header)
		}
		if c.cookie != "" {
			r.AddCookie(&http.Cookie{Name: readAfterCookie, Value: c.cookie})
		}
		if got := readAfter(r); got != c.want {
			t.Errorf("%s: readAfter = %v, want %v", c.name, got, c.want)
		}
	}
}

type fakeReplicas struct{ maxLag time.Duration }

func (f fakeReplicas) Replicas() (store.Replicas, bool) {
	return store.Replicas{MaxLag: f.maxLag, List: []store.ReplicaState{{Name: "r", Healthy: true}}}, true
}

func TestReadYourWritesMiddleware(t *testing.T) {
	// A handler that writes when asked, and says what its session must see.
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := store.SessionFrom(r.Context())
		if s == nil {
			w.WriteHeader(http.StatusTeapot)
			return
		}
		if r.Method == http.MethodPost {
			s.Committed(0x2_00000010)
		}
		w.Header().Set("After", s.After().String())
		w.WriteHeader(http.StatusOK)
	})
	without := (&Server{}).readYourWrites(h)
	rec := httptest.NewRecorder()
	without.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/api/assets", nil))
	if rec.Code != http.StatusTeapot || rec.Header().Get(ReadAfterHeader) != "" || rec.Header().Get("Set-Cookie") != "" {
		t.Errorf("without replicas: %d %v, want nothing added", rec.Code, rec.Header())
	}

	with := (&Server{replicas: fakeReplicas{5 * time.Second}}).readYourWrites(h)
	rec = httptest.NewRecorder()
	with.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/api/assets", nil))
	if got := rec.Header().Get(ReadAfterHeader); got != "2/10" {
		t.Errorf("after a write: %s %q, want 2/10", ReadAfterHeader, got)
	}
	cookies := rec.Result().Cookies()
	if len(cookies) != 1 || cookies[0].Name != readAfterCookie || cookies[0].Value != "2/10" || cookies[0].MaxAge != 7 ||
		!cookies[0].HttpOnly || cookies[0].SameSite != http.SameSiteLaxMode {
		t.Errorf("after a write: cookies %+v, want %s=2/10 for 7 s, HttpOnly, Lax", cookies, readAfterCookie)
	}

	rec = httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/api/assets/x", nil)
	req.Header.Set(ReadAfterHeader, "2/10")
	with.ServeHTTP(rec, req)
	if rec.Header().Get("After") != "2/10" || rec.Header().Get(ReadAfterHeader) != "" || len(rec.Result().Cookies()) != 0 {
		t.Errorf("a read after the write: %v, want it to see 2/10 and say nothing", rec.Header())
	}
}
