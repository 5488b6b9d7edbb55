package httpapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/placemap/placemap/internal/place"
)

// handler is an HTTP handler that returns its error instead of writing
// it: Server.handle writes it, once, through fail. Every route but a few
// that cannot fail is one.
type handler func(w http.ResponseWriter, r *http.Request) error

// handle adapts h into an http.HandlerFunc: the one error path of a
// request. A handler that has begun its answer must not return an error
// (it logs it instead): the status is sent.
func (s *Server) handle(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.fail(w, r, err)
		}
	}
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

type errorBody struct {
	Error errorDetail `json:"error"`
}

// conflictError is a write refused because what it changes changed first
// (ECONFLICT), answered with more than a code and a message: the current
// version (also as ETag) and whatever else helps the client try again.
type conflictError struct {
	err  error
	etag string         // the current version's ETag, or "" for none
	body map[string]any // the answer, "error" among its members
}

func (e *conflictError) Error() string { return e.err.Error() }
func (e *conflictError) Unwrap() error { return e.err }

// newConflict answers err (an ECONFLICT) with the members beside "error"
// and, when not "", an ETag.
func newConflict(err error, etag string, members map[string]any) *conflictError {
	members["error"] = errorDetail{place.ECONFLICT, place.ErrorMessage(err)}
	return &conflictError{err: err, etag: etag, body: members}
}

// status maps an error code to its one HTTP status.
func status(code string) int {
	switch code {
	case place.EINVALID:
		return http.StatusBadRequest
	case place.ENOTFOUND:
		return http.StatusNotFound
	case place.ECONFLICT:
		return http.StatusConflict
	case place.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	case place.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case place.EFORBIDDEN:
		return http.StatusForbidden
	case place.ETOOMANY:
		return http.StatusTooManyRequests
	case place.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case place.EPRECONDITION:
		return http.StatusPreconditionRequired
	}
	return http.StatusInternalServerError
}

// fail writes err as a JSON error with the status its code maps to (a
// conflictError as its own answer). Handlers return their errors to
// handle, which calls it; middleware calls it itself.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var c *conflictError
	if errors.As(err, &c) {
		if c.etag != "" {
			w.Header().Set("ETag", c.etag)
		}
		writeJSON(w, http.StatusConflict, c.body)
		return
	}
	code := place.ErrorCode(err)
	if errors.Is(err, context.DeadlineExceeded) {
		code = place.EUNAVAILABLE
		err = place.Errorf(place.EUNAVAILABLE, "request timed out")
	}
	st := status(code)
	if st >= 500 {
		s.log.ErrorContext(r.Context(), "request failed", "path", r.URL.Path, "err", err)
	}
	if st == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "5")
	}
	writeJSON(w, st, errorBody{errorDetail{code, errorMessage(err)}})
}

// maxErrorMessage bounds an error message's length in bytes: whatever
// input it quotes, an answer never repeats more than a few hundred
// characters of it.
const maxErrorMessage = 500

// errorMessage is err's message as the API shows it, cut to
// maxErrorMessage on a character boundary.
func errorMessage(err error) string {
	msg := place.ErrorMessage(err)
	if len(msg) > maxErrorMessage {
		msg = place.Truncate(msg, maxErrorMessage) + "…"
	}
	return msg
}
