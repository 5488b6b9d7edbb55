package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/go-chi/chi/v5/middleware"
)

// requestIDs names each request as chi's middleware.RequestID does (the
// client's own X-Request-Id if it sent one, else host/random-000042),
// under the same context key, so middleware.GetReqID reads it; and tells
// the client in X-Request-Id. Its own counter per server, and the name
// made without fmt: every request, a cached tile's too, passes here.
type requestIDs struct {
	prefix string
	n      atomic.Uint64
}

func newRequestIDs() *requestIDs {
	host, _ := os.Hostname()
	if host == "" {
		host = "localhost"
	}
	var b64 string
	for len(b64) < 10 {
		var buf [12]byte
		_, _ = rand.Read(buf[:])
		b64 = strings.NewReplacer("+", "", "/", "").Replace(base64.StdEncoding.EncodeToString(buf[:]))
	}
	return &requestIDs{prefix: host + "/" + b64[:10]}
}

// next is a new request id: the prefix, a dash and the count, at least six
// digits (as %06d).
func (ids *requestIDs) next() string {
	n := ids.n.Add(1)
	var digits [20]byte
	d := strconv.AppendUint(digits[:0], n, 10)
	var b strings.Builder
	b.Grow(len(ids.prefix) + 1 + max(6, len(d)))
	b.WriteString(ids.prefix)
	b.WriteByte('-')
	for i := len(d); i < 6; i++ {
		b.WriteByte('0')
	}
	b.Write(d)
	return b.String()
}

// tag gives the request its id (in its context and the X-Request-Id
// response header).
func (ids *requestIDs) tag(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := firstHeader(r.Header, middleware.RequestIDHeader)
		if id == "" {
			id = ids.next()
		}
		w.Header()["X-Request-Id"] = []string{id}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), middleware.RequestIDKey, id)))
	})
}
