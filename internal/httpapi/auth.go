package httpapi

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/google/uuid"

	"github.com/placemap/placemap/internal/auth"
	"github.com/placemap/placemap/internal/place"
)

// SessionCookie names the session cookie.
const SessionCookie = "placemap_session"

// sessionLife is how long a sign-in lasts.
const sessionLife = 14 * 24 * time.Hour

type principalKey struct{}

// principal is who a request comes from, and how it proved it.
type principal struct {
	User    auth.User
	Session *auth.Session // nil for API tokens
}

func principalOf(r *http.Request) (principal, bool) {
	p, ok := r.Context().Value(principalKey{}).(principal)
	return p, ok
}

// authenticate finds the user behind a request: an API token (Bearer) or a
// session cookie. A bad or expired credential is treated as none.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
			tok, err := s.accounts.Token(ctx, auth.HashSecret(strings.TrimPrefix(h, "Bearer ")))
			if err == nil {
				if u, err := s.accounts.User(ctx, tok.UserID); err == nil {
					ctx = context.WithValue(ctx, principalKey{}, principal{User: u})
				}
			}
			next.ServeHTTP(w, r.WithContext(ctx))
			return
		}
		if c, err := r.Cookie(SessionCookie); err == nil {
			ses, err := s.accounts.Session(ctx, auth.HashSecret(c.Value))
			if err == nil {
				if u, err := s.accounts.User(ctx, ses.UserID); err == nil {
					// A copy of the request only when there is someone to
					// name: an anonymous one goes on as it came.
					ctx = context.WithValue(ctx, principalKey{}, principal{User: u, Session: &ses})
					r = r.WithContext(ctx)
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// require lets through requests from users of at least role min (admit).
func (s *Server) require(min auth.Role) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if err := s.admit(w, r, min); err != nil {
				s.fail(w, r, err)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// admit decides whether a request may go to a route for role min and
// above: EUNAUTHORIZED without a user, EFORBIDDEN below the role or
// without the CSRF token on a cookie-authenticated write, ETOOMANY (with
// Retry-After) past the account's writes a minute.
func (s *Server) admit(w http.ResponseWriter, r *http.Request, min auth.Role) error {
	p, ok := principalOf(r)
	if !ok {
		return place.Errorf(place.EUNAUTHORIZED, "sign in, or send an API token, to do this")
	}
	if err := checkCSRF(r, p); err != nil {
		return err
	}
	if !p.User.Role.AtLeast(min) {
		return place.Errorf(place.EFORBIDDEN, "this needs the %s role or above; you are %s", min, p.User.Role)
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		if ok, wait := s.writes.allow("user:"+p.User.ID, time.Now()); !ok {
			w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
			return place.Errorf(place.ETOOMANY, "more than %d writes a minute from this account; try again in %d seconds", s.cfg.WritesPerMinute, int(wait.Seconds())+1)
		}
	}
	return nil
}

// checkCSRF is EFORBIDDEN for a write (any method but GET and HEAD) made
// with a session cookie that does not send the session's CSRF token back
// in X-CSRF-Token: another site's form can make the browser send the
// cookie, never the token. API tokens, which programs send, need none.
func checkCSRF(r *http.Request, p principal) error {
	if p.Session == nil || r.Method == http.MethodGet || r.Method == http.MethodHead {
		return nil
	}
	sent := r.Header.Get("X-CSRF-Token")
	if sent == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(p.Session.CSRF)) != 1 {
		return place.Errorf(place.EFORBIDDEN, "missing or wrong X-CSRF-Token: take it from GET /api/me")
	}
	return nil
}

// limiter allows n attempts per key per window: sign-ins by address,
// failed sign-ins by account and address, suggestions, writes.
type limiter struct {
	mu     sync.Mutex
	n      int
	window time.Duration
	seen   map[string][]time.Time
}

func newLimiter(n int, window time.Duration) *limiter {
	return &limiter{n: n, window: window, seen: map[string][]time.Time{}}
}

// allow records an attempt and reports whether it is within the limit, and
// if not, when to try again.
func (l *limiter) allow(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if full, wait := l.fullLocked(key, now); full {
		return false, wait
	}
	l.addLocked(key, now)
	return true, 0
}

// full reports, without recording anything, whether key has used up its
// attempts, and if so when to try again.
func (l *limiter) full(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.fullLocked(key, now)
}

// add records an attempt (a failure, for a limiter of failures).
func (l *limiter) add(key string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.addLocked(key, now)
}

// reset forgets key's attempts.
func (l *limiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.seen, key)
}

func (l *limiter) fullLocked(key string, now time.Time) (bool, time.Duration) {
	recent := l.seen[key][:0]
	for _, t := range l.seen[key] {
		if now.Sub(t) < l.window {
			recent = append(recent, t)
		}
	}
	if len(recent) == 0 {
		delete(l.seen, key)
	} else {
		l.seen[key] = recent
	}
	if len(recent) >= l.n {
		return true, l.window - now.Sub(recent[0])
	}
	return false, 0
}

func (l *limiter) addLocked(key string, now time.Time) {
	l.seen[key] = append(l.seen[key], now)
	if len(l.seen) > 100000 { // bound memory against floods of distinct keys
		for k, ts := range l.seen {
			if len(ts) == 0 || now.Sub(ts[len(ts)-1]) >= l.window {
				delete(l.seen, k)
			}
		}
	}
}

// loginGuard decides who may try a password. Every attempt counts against
// the address it comes from (5 a minute), and failed ones against the
// account from that address (10 an hour): a stranger guessing at an
// account locks only their own address out of it, never the account's
// owner, who signs in from another. A success clears its address's
// failures for the account.
type loginGuard struct {
	perAddress *limiter // every attempt, by address
	failures   *limiter // failed attempts, by account and address
}

func newLoginGuard() *loginGuard {
	return &loginGuard{perAddress: newLimiter(5, time.Minute), failures: newLimiter(10, time.Hour)}
}

func failureKey(email, addr string) string { return email + "\x00" + addr }

// allow records an attempt to sign in to email from addr and says whether
// it may go ahead, and if not, when to try again and why.
func (g *loginGuard) allow(email, addr string, now time.Time) (bool, time.Duration, string) {
	if ok, wait := g.perAddress.allow(addr, now); !ok {
		return false, wait, "too many sign-in attempts from your address"
	}
	if full, wait := g.failures.full(failureKey(email, addr), now); full {
		return false, wait, "too many failed sign-ins to this account from your address"
	}
	return true, 0, ""
}

// failed counts a wrong password (or an unknown address) from addr.
func (g *loginGuard) failed(email, addr string, now time.Time) {
	g.failures.add(failureKey(email, addr), now)
}

// succeeded clears addr's failures for the account.
func (g *loginGuard) succeeded(email, addr string) { g.failures.reset(failureKey(email, addr)) }

// clientIP is the address a request came from: the proxy's account of it
// when TrustProxyHeaders is set and the proxy gave one, else the peer's.
func clientIP(r *http.Request) string {
	if ip := middleware.GetClientIP(r.Context()); ip != "" {
		return ip
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// decodeBody reads a JSON body into v: ETOOLARGE past the size limit,
// EINVALID for anything that is not the JSON wanted.
func decodeBody(r *http.Request, v any) error {
	body, err := readBody(r)
	if err != nil {
		return err
	}
	if err := checkJSONText(body); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return place.Errorf(place.EINVALID, "request body: %s", place.Excerpt(err.Error()))
	}
	return nil
}

// decodeOptionalBody is decodeBody for a body that may be left out: v
// stays as it is when the request sends none.
func decodeOptionalBody(r *http.Request, v any) error {
	if r.ContentLength == 0 {
		return nil
	}
	return decodeBody(r, v)
}

type meJSON struct {
	ID    string    `json:"id"`
	Email string    `json:"email"`
	Role  auth.Role `json:"role"`
	// DisplayName is the name the account chose ("" for none);
	// PublicName is how the public sees it (that, or its role).
	DisplayName string `json:"display_name"`
	PublicName  string `json:"public_name"`
	CSRF        string `json:"csrf_token,omitempty"`
}

func meOf(u auth.User) meJSON {
	return meJSON{ID: u.ID, Email: u.Email, Role: u.Role, DisplayName: u.DisplayName, PublicName: u.PublicName()}
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	email := auth.NormalizeEmail(body.Email)
	now, addr := time.Now(), clientIP(r)
	if ok, wait, why := s.logins.allow(email, addr, now); !ok {
		secs := int(wait.Seconds()) + 1
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		return place.Errorf(place.ETOOMANY, "%s; try again in %d seconds", why, secs)
	}
	// An address without an account is verified against a dummy hash, so
	// both answers take the time of one argon2id verification.
	u, err := s.accounts.UserByEmail(r.Context(), email)
	if err != nil && place.ErrorCode(err) != place.ENOTFOUND {
		return err
	}
	if err != nil {
		u = auth.User{}
	}
	if !auth.CheckPasswordOrDummy(u.PasswordHash, body.Password) {
		s.logins.failed(email, addr, now)
		return place.Errorf(place.EUNAUTHORIZED, "wrong email or password")
	}
	s.logins.succeeded(email, addr)
	secret, hash, err := auth.NewSecret()
	if err != nil {
		return err
	}
	csrf, _, err := auth.NewSecret()
	if err != nil {
		return err
	}
	ses := auth.Session{Hash: hash, UserID: u.ID, CSRF: csrf, CreatedAt: now.UTC(), ExpiresAt: now.Add(sessionLife).UTC()}
	if err := s.accounts.CreateSession(r.Context(), ses); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: secret, Path: "/", HttpOnly: true,
		Secure: s.secureCookies(r), SameSite: http.SameSiteLaxMode, Expires: ses.ExpiresAt})
	out := meOf(u)
	out.CSRF = csrf
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) secureCookies(r *http.Request) bool {
	return r.TLS != nil || strings.HasPrefix(s.cfg.PublicURL, "https://") || r.Header.Get("X-Forwarded-Proto") == "https"
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	if p.Session != nil {
		if err := s.accounts.DeleteSession(r.Context(), p.Session.Hash); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", HttpOnly: true, MaxAge: -1,
		Secure: s.secureCookies(r), SameSite: http.SameSiteLaxMode})
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) me(w http.ResponseWriter, r *http.Request) error {
	p, ok := principalOf(r)
	if !ok {
		return place.Errorf(place.EUNAUTHORIZED, "not signed in")
	}
	out := meOf(p.User)
	if p.Session != nil {
		out.CSRF = p.Session.CSRF
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// updateMe lets an account choose how the public sees it:
// {"display_name": "Heeley volunteers"}, or "" for its role ("an editor").
// Plain text, at most auth.MaxDisplayName characters, no control
// characters and no "@".
func (s *Server) updateMe(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		DisplayName *string `json:"display_name"`
	}
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	if body.DisplayName == nil {
		return place.Errorf(place.EINVALID, "send {\"display_name\": \"…\"} (\"\" to be shown by your role)")
	}
	p, _ := principalOf(r)
	if err := s.accounts.SetDisplayName(changeContext(r).Context(), p.User.ID, *body.DisplayName); err != nil {
		return err
	}
	u, err := s.accounts.User(r.Context(), p.User.ID)
	if err != nil {
		return err
	}
	out := meOf(u)
	if p.Session != nil {
		out.CSRF = p.Session.CSRF
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Name string `json:"name"`
	}
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	p, _ := principalOf(r)
	secret, hash, err := auth.NewSecret()
	if err != nil {
		return err
	}
	if err := s.accounts.CreateToken(r.Context(), auth.Token{Hash: hash, UserID: p.User.ID, Name: body.Name, CreatedAt: time.Now().UTC()}); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]string{"token": secret, "id": auth.Token{Hash: hash}.ID(), "name": body.Name,
		"note": "shown once: placemap keeps only its hash"})
	return nil
}

// listTokens lists the signed-in account's API tokens, by id and name,
// never the secrets (placemap does not have them).
func (s *Server) listTokens(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	ts, err := s.accounts.Tokens(r.Context(), p.User.ID)
	if err != nil {
		return err
	}
	out := make([]map[string]any, len(ts))
	for i, t := range ts {
		out[i] = map[string]any{"id": t.ID(), "name": t.Name, "created_at": t.CreatedAt}
	}
	writeJSON(w, http.StatusOK, map[string]any{"tokens": out})
	return nil
}

// revokeToken revokes one of the signed-in account's tokens: a token that
// leaked stops working at once.
func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) error {
	p, _ := principalOf(r)
	n, err := s.accounts.DeleteTokens(r.Context(), p.User.ID, chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	if n == 0 {
		return place.Errorf(place.ENOTFOUND, "you have no token %q", chi.URLParam(r, "id"))
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// NewUserID returns an id for a new account.
func NewUserID() string { return uuid.NewString() }
