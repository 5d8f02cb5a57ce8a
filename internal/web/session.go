package web

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"

	"github.com/signet-id/signet/internal/admin"
	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/staff"
)

const (
	// sessionCookie holds the staff session's API token: nowhere else.
	sessionCookie = "signet_dashboard"
	// preCookie holds a random value before sign-in, from which the CSRF
	// token of the sign-in and setup forms is derived.
	preCookie = "signet_dashboard_pre"
	// tokenNamePrefix names the API tokens that are dashboard sessions;
	// the cookie is refused for any other token.
	tokenNamePrefix = admin.DashboardTokenPrefix + " "
)

// session is a signed-in staff member.
type session struct {
	*staff.Session
	token       string // the session token's text, from the cookie
	tokenID     string
	email       string
	role        model.Role
	workspaceID string // "" for the owner
	csrf        string
}

func sessionOf(ss *staff.Session) *session {
	return &session{Session: ss, token: ss.Token, tokenID: ss.TokenID, email: ss.Email, role: ss.Role,
		workspaceID: ss.WorkspaceID, csrf: ss.CSRF}
}

// home is the first page of the session's role.
func (s *session) home() string {
	switch s.role {
	case model.RoleOwner:
		return "/dashboard/workspaces"
	case model.RoleAgent:
		return "/dashboard/w/" + s.workspaceID + "/inbox"
	}
	return "/dashboard/w/" + s.workspaceID + "/apps"
}

// canAdmin reports whether the session manages workspace ws: keys, settings.
func (s *session) canAdmin() bool { return s.role == model.RoleOwner || s.role == model.RoleAdmin }

// csrfToken derives the CSRF token from a cookie's secret value.
func csrfToken(secret string) string { return staff.CSRFToken(secret) }

// csrfValid compares the token sent (the X-CSRF-Token header, else the
// form's csrf field) with the expected one, in constant time.
func csrfValid(r *http.Request, want string) bool {
	got := r.Header.Get("X-CSRF-Token")
	if got == "" && isForm(r) {
		got = r.PostFormValue("csrf")
	}
	return staff.CSRFValid(got, want)
}

func isForm(r *http.Request) bool {
	ct := r.Header.Get("Content-Type")
	return strings.HasPrefix(ct, "application/x-www-form-urlencoded") || strings.HasPrefix(ct, "multipart/form-data")
}

// crossSite reports a request a browser says comes from another site: it is
// refused before anything else for every state-changing request.
func crossSite(r *http.Request) bool { return r.Header.Get("Sec-Fetch-Site") == "cross-site" }

// session returns the request's staff session, or nil. A token that is
// not a live dashboard session (staff.Service.Session) is refused and its
// cookie cleared.
func (h *handler) session(w http.ResponseWriter, r *http.Request) *session {
	value := h.readCookie(r, sessionCookie)
	if value == "" {
		return nil
	}
	ss, err := h.staff.Session(r.Context(), value)
	switch {
	case model.ErrorCode(err) == model.CodeUnauthenticated:
		h.clearCookie(w, r, sessionCookie)
		return nil
	case err != nil:
		// The database failed: no session now, but keep the cookie.
		h.log.ErrorContext(r.Context(), "dashboard session lookup failed", "err", err)
		return nil
	}
	return sessionOf(ss)
}

// setSession sets a new session's cookie: its token's text goes nowhere
// else.
func (h *handler) setSession(w http.ResponseWriter, r *http.Request, ss *staff.Session) {
	http.SetCookie(w, h.cookie(r, sessionCookie, ss.Token, int(SessionLifetime.Seconds())))
	h.clearCookie(w, r, preCookie)
}

func (h *handler) clearCookie(w http.ResponseWriter, r *http.Request, name string) {
	http.SetCookie(w, h.cookie(r, name, "", -1))
}

// preSession returns the pre-sign-in cookie's value, setting a new one
// when there is none; its CSRF token goes in the sign-in and setup forms.
func (h *handler) preSession(w http.ResponseWriter, r *http.Request) string {
	if v := h.readCookie(r, preCookie); len(v) == 43 {
		return v
	}
	var b [32]byte
	rand.Read(b[:])
	v := base64.RawURLEncoding.EncodeToString(b[:])
	http.SetCookie(w, h.cookie(r, preCookie, v, 3600))
	return v
}

// preCSRFValid checks a sign-in or setup form's CSRF token.
func (h *handler) preCSRFValid(r *http.Request) bool {
	v := h.readCookie(r, preCookie)
	if v == "" {
		return false
	}
	return csrfValid(r, csrfToken(v))
}

// authed is a page or action of a signed-in staff member.
type authed func(w http.ResponseWriter, r *http.Request, sess *session) error

// auth runs fn for a signed-in staff member: without a session, a page
// redirects to sign-in (and back afterwards); a state-changing request
// without the session's CSRF token is refused with 403.
func (h *handler) auth(fn authed) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess := h.session(w, r)
		if sess == nil {
			if r.Method != http.MethodGet {
				h.renderError(w, r, nil, &pageError{http.StatusUnauthorized, "Your session has ended. Sign in again."})
				return
			}
			http.Redirect(w, r, "/dashboard/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			r.Body = http.MaxBytesReader(w, r.Body, maxForm)
			if crossSite(r) || !csrfValid(r, sess.csrf) {
				h.renderError(w, r, sess, &pageError{http.StatusForbidden, "This form has expired or did not come from the dashboard. Reload the page and try again."})
				return
			}
		}
		if err := fn(w, r, sess); err != nil {
			h.renderError(w, r, sess, err)
		}
	})
}

// authAPI is auth for the same-origin API proxy: errors are JSON, as the
// API's are.
func (h *handler) authAPI(fn authed) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess := h.session(w, r)
		if sess == nil {
			writeJSONError(w, http.StatusUnauthorized, "unauthenticated", "sign in to the dashboard first")
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead && (crossSite(r) || !csrfValid(r, sess.csrf)) {
			writeJSONError(w, http.StatusForbidden, "forbidden", "a valid X-CSRF-Token header is required")
			return
		}
		if err := fn(w, r, sess); err != nil {
			writeJSONError(w, http.StatusInternalServerError, "internal", "an internal error occurred")
		}
	})
}

// safeNext keeps a post-sign-in redirect inside the dashboard.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/dashboard/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return ""
	}
	return next
}
