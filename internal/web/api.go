package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/signet-id/signet/internal/httpapi"
	"github.com/signet-id/signet/internal/model"
)

// maxForm caps a dashboard form's body, like the API's JSON bodies.
const maxForm = 64 << 10

// apiError is a service's error as the API would answer it: its status,
// code and message are shown as they are.
type apiError struct {
	Status  int
	Code    string
	Message string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message) }

// pageErr turns a service's error into an *apiError, shown as the API
// would answer it; other errors pass unchanged.
func pageErr(err error) error {
	var e *model.Error
	if errors.As(err, &e) {
		return &apiError{Status: httpapi.Status(e.Code), Code: string(e.Code), Message: e.Message}
	}
	return err
}

// actor is the session as the services' actor, with the request's origin.
func (h *handler) actor(r *http.Request, sess *session) *model.Actor {
	return sess.Actor(httpapi.ClientAddr(r, h.proxies), r.UserAgent())
}

// pageError is an error of the dashboard itself.
type pageError struct {
	Status  int
	Message string
}

func (e *pageError) Error() string { return e.Message }

// proxy forwards /dashboard/api/{admin,agent}/… to the API's /api/…, in
// process, as the session's staff member, for the dashboard's scripts. The
// real ResponseWriter goes through, so event streams flush as they write.
func (h *handler) proxy(w http.ResponseWriter, r *http.Request, sess *session) error {
	rest := r.PathValue("rest")
	target := "/api/" + rest
	if !strings.HasPrefix(rest, "admin/") && !strings.HasPrefix(rest, "agent/") || path.Clean(target) != target {
		writeJSONError(w, http.StatusNotFound, "not_found", "the dashboard forwards /dashboard/api/admin/ and /dashboard/api/agent/ only")
		return nil
	}
	req := r.Clone(r.Context())
	req.URL = &url.URL{Path: target, RawQuery: r.URL.RawQuery}
	req.RequestURI = ""
	req.Header = http.Header{}
	for _, name := range []string{"Content-Type", "Accept", "User-Agent", "X-Forwarded-For", "Last-Event-ID"} {
		if v := r.Header.Values(name); len(v) > 0 {
			req.Header[name] = v
		}
	}
	req.Header.Set("Authorization", "Bearer "+sess.token)
	h.api.ServeHTTP(w, req)
	return nil
}

func writeJSONError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": code, "message": message}})
}

// esc escapes one path segment of an API URL.
func esc(s string) string { return url.PathEscape(s) }
