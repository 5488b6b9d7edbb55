// Package place holds placemap's vocabulary: boundary sets, areas, assets,
// memberships, releases, suggestions and proposals, the error codes, and
// every rule that decides: what is valid (checks.go), what a moderation
// decision writes (decide.go, accept.go, suggest.go), what a release
// decision does to successor links (successors.go, release.go), who may
// change what (scope.go). Rules are plain functions over these types,
// table-tested without a database; stores store and handlers translate
// HTTP around them. It imports no storage, HTTP or file format.
package place

import (
	"errors"
	"fmt"
)

// Error codes. Each maps to exactly one HTTP status in the HTTP layer
// (httpapi's status) and one exit status in the CLI (cmd/placemap's
// exitStatus).
const (
	EINVALID     = "invalid"     // the input breaks a rule; the message says which
	ENOTFOUND    = "not_found"   // the named thing does not exist
	ECONFLICT    = "conflict"    // the thing exists already (duplicate slug, id or code)
	EINTERNAL    = "internal"    // a fault of placemap or its store, not of the caller
	EUNAVAILABLE = "unavailable" // the store cannot be reached right now
	ETOOLARGE    = "too_large"   // the input is larger than a limit allows (a decompression bomb); the message names the limit

	EUNAUTHORIZED = "unauthorized"          // the caller has not said who they are (no session or API token), or said it wrongly
	EFORBIDDEN    = "forbidden"             // the caller's role or scope does not allow this
	ETOOMANY      = "too_many_requests"     // the caller made too many attempts of this kind lately; the answer says when to try again
	EPRECONDITION = "precondition_required" // a write that does not say which version it read (If-Match)
)

// Error is placemap's error: a code for machines and a message for people.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of the first *Error in err's chain, with
// the context wrapped around it, or a generic message for internal errors so
// that driver details do not leak to callers.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return err.Error()
	}
	return "internal error"
}
