package model

import (
	"errors"
	"fmt"
	"time"
)

// Code is a stable error code: it is the "code" of an HTTP error body.
type Code string

// Error codes beyond the verification reasons of package verify.
const (
	CodeInvalid          Code = "invalid_request"    // a field is missing or wrong
	CodeInvalidJSON      Code = "invalid_json"       // the body is not the JSON expected
	CodeUnknownField     Code = "unknown_field"      // the body has a field the endpoint does not take
	CodeTooLarge         Code = "body_too_large"     // the body is over the endpoint's cap
	CodeNotFound         Code = "not_found"          // no such thing, or not yours to see
	CodeMethodNotAllowed Code = "method_not_allowed" // the path exists, not with this method
	CodeConflict         Code = "conflict"           // it already exists, or the state forbids it
	CodeUnauthenticated  Code = "unauthenticated"    // no credentials, or bad ones
	CodeForbidden        Code = "forbidden"          // credentials that may not do this
	CodeSessionExpired   Code = "session_expired"    // the session ran out: log in again
	CodeSessionRevoked   Code = "session_revoked"    // the session was ended
	CodeRateLimited      Code = "rate_limited"       // too many attempts
	CodeWeakSecret       Code = "weak_secret"        // an imported secret too short to be safe
	CodeInternal         Code = "internal"           // a fault of Signet's; details are in its log only
	CodeUnavailable      Code = "unavailable"        // shutting down, or the database is unreachable
)

// Error is a failure with a stable code and a message fit for the caller.
// Messages never contain a secret, digest or token.
type Error struct {
	Code    Code
	Message string
	// RetryAfter, for rate_limited, is how long to wait before trying again.
	RetryAfter time.Duration
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// Errorf returns an *Error with code and a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err: its own for an *Error, CodeInternal for
// any other error, "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// ErrorMessage returns the message of an *Error, and a generic text for any
// other error, whose details must stay in the server's log.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "an internal error occurred"
}
