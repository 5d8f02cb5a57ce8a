package httpapi

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/verify"
)

// maxBody caps every request body: logins carry tokens of at most 8 KiB.
const maxBody = 64 << 10

// errorBody is the error answer of CONTRACT.md.
type errorBody struct {
	Error struct {
		Code    model.Code `json:"code"`
		Message string     `json:"message"`
	} `json:"error"`
}

// status maps an error code to its HTTP status: the one place that does.
func status(code model.Code) int {
	switch code {
	case model.CodeInvalid, model.CodeInvalidJSON, model.CodeUnknownField, model.CodeWeakSecret:
		return http.StatusBadRequest
	case model.CodeTooLarge:
		return http.StatusRequestEntityTooLarge
	case model.CodeNotFound:
		return http.StatusNotFound
	case model.CodeMethodNotAllowed:
		return http.StatusMethodNotAllowed
	case model.CodeConflict:
		return http.StatusConflict
	case model.CodeUnauthenticated, model.CodeSessionExpired, model.CodeSessionRevoked:
		return http.StatusUnauthorized
	case model.CodeForbidden:
		return http.StatusForbidden
	case model.CodeRateLimited:
		return http.StatusTooManyRequests
	case model.CodeUnavailable:
		return http.StatusServiceUnavailable
	}
	for _, r := range verify.Reasons() {
		if string(code) == string(r) {
			return http.StatusUnauthorized // a login refused by verification
		}
	}
	return http.StatusInternalServerError
}

// writeError answers err. An error that is not a *model.Error is a fault of
// Signet's: logged in full, answered as "internal" without detail.
func (s *server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code, message := model.ErrorCode(err), model.ErrorMessage(err)
	switch {
	case code == model.CodeInternal && s.db.Unavailable(err):
		// The database cannot serve now: a client or load balancer may
		// retry, here or on another node. Nothing was acknowledged.
		s.log.WarnContext(r.Context(), "request failed: the database is unavailable", "method", r.Method, "path", r.URL.Path, "err", err)
		code, message = model.CodeUnavailable, "Signet's database is unavailable; try again in a moment"
		w.Header().Set("Retry-After", "1")
	case code == model.CodeInternal:
		s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	var e *model.Error
	if errors.As(err, &e) && e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(e.RetryAfter.Seconds())))
	}
	var body errorBody
	body.Error.Code, body.Error.Message = code, message
	writeJSON(w, status(code), body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// decodeOptional is decode for endpoints whose body may be left out.
func decodeOptional(w http.ResponseWriter, r *http.Request, v any) error {
	if r.ContentLength == 0 {
		return nil
	}
	return decode(w, r, v)
}

// decode reads exactly one JSON object into v, refusing unknown fields,
// trailing data and bodies over maxBody.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") && !strings.HasPrefix(ct, "text/plain") {
		return model.Errorf(model.CodeInvalidJSON, "send a JSON body with Content-Type: application/json")
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, terr := dec.Token(); terr != io.EOF {
			return model.Errorf(model.CodeInvalidJSON, "the body holds more than one JSON value")
		}
		return nil
	}
	var tooLarge *http.MaxBytesError
	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &tooLarge):
		return model.Errorf(model.CodeTooLarge, "the body is larger than %d bytes", maxBody)
	case errors.Is(err, io.EOF):
		return model.Errorf(model.CodeInvalidJSON, "the body is empty; send a JSON object")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return model.Errorf(model.CodeUnknownField, "%s", strings.TrimPrefix(err.Error(), "json: "))
	case errors.As(err, &syntax):
		return model.Errorf(model.CodeInvalidJSON, "the body is not valid JSON (at byte %d)", syntax.Offset)
	case errors.As(err, &typeErr):
		if typeErr.Field == "" {
			return model.Errorf(model.CodeInvalidJSON, "the body must be a JSON object")
		}
		return model.Errorf(model.CodeInvalidJSON, "field %s must be a %s", typeErr.Field, typeErr.Type)
	}
	return model.Errorf(model.CodeInvalidJSON, "the body is not the JSON expected")
}

// logValue keeps request logs free of credentials: only these fields.
func requestAttrs(r *http.Request, status int) []slog.Attr {
	return []slog.Attr{slog.String("method", r.Method), slog.String("route", r.Pattern), slog.Int("status", status)}
}

// Status is the HTTP status of an error code, for the dashboard's pages.
func Status(code model.Code) int { return status(code) }
