package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/signet-id/signet/internal/httpapi"
	"github.com/signet-id/signet/internal/model"
)

// maxForm caps a dashboard form's body, like the API's JSON bodies.
const maxForm = 64 << 10

// apiError is an error answer of the API: its status, code and message are
// shown as they are.
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

// recorder keeps an in-process API answer.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}
func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}

// apiRequest makes a request to the API as the staff member behind token,
// from the original request's client: its address, forwarding chain and
// user agent (the audit log's "from where").
func apiRequest(r *http.Request, token, method, target string, body io.Reader) (*http.Request, error) {
	req, err := http.NewRequestWithContext(r.Context(), method, target, body)
	if err != nil {
		return nil, err
	}
	req.RemoteAddr = r.RemoteAddr
	req.Host = r.Host
	for _, name := range []string{"User-Agent", "X-Forwarded-For"} {
		if v := r.Header.Values(name); len(v) > 0 {
			req.Header[name] = v
		}
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req, nil
}

// call runs one API request in process with the session's token and
// decodes its JSON answer into out (when not nil). An error answer is an
// *apiError.
func (h *handler) call(r *http.Request, sess *session, method, target string, in, out any) error {
	return h.callAs(r, sess.token, method, target, in, out)
}

func (h *handler) callAs(r *http.Request, token, method, target string, in, out any) error {
	var body io.Reader
	if in != nil {
		j, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(j)
	}
	req, err := apiRequest(r, token, method, target, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := &recorder{header: http.Header{}}
	h.api.ServeHTTP(rec, req)
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	if rec.status >= 400 {
		var e struct {
			Error struct{ Code, Message string }
		}
		json.Unmarshal(rec.body.Bytes(), &e)
		if e.Error.Code == "" {
			e.Error.Code, e.Error.Message = "internal", "the API answered "+http.StatusText(rec.status)
		}
		return &apiError{Status: rec.status, Code: e.Error.Code, Message: e.Error.Message}
	}
	if out != nil && rec.body.Len() > 0 {
		if err := json.Unmarshal(rec.body.Bytes(), out); err != nil {
			return fmt.Errorf("decoding %s %s: %w", method, target, err)
		}
	}
	return nil
}

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
