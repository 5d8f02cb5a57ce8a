package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"

	"github.com/signet-id/signet/internal/admin"
	"github.com/signet-id/signet/internal/httpapi"
	"github.com/signet-id/signet/internal/login"
	"github.com/signet-id/signet/internal/model"
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
	token       string // the API token's text, from the cookie
	tokenID     string
	email       string
	role        model.Role
	workspaceID string // "" for the owner
	csrf        string
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

// csrfToken derives the CSRF token from a cookie's secret value: a page can
// only know it by reading the dashboard's own HTML.
func csrfToken(secret string) string {
	key := sha256.Sum256([]byte(secret))
	m := hmac.New(sha256.New, key[:])
	m.Write([]byte("signet csrf"))
	return hex.EncodeToString(m.Sum(nil))
}

// csrfValid compares the token sent (the X-CSRF-Token header, else the
// form's csrf field) with the expected one, in constant time.
func csrfValid(r *http.Request, want string) bool {
	got := r.Header.Get("X-CSRF-Token")
	if got == "" && isForm(r) {
		got = r.PostFormValue("csrf")
	}
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func isForm(r *http.Request) bool {
	ct := r.Header.Get("Content-Type")
	return strings.HasPrefix(ct, "application/x-www-form-urlencoded") || strings.HasPrefix(ct, "multipart/form-data")
}

// crossSite reports a request a browser says comes from another site: it is
// refused before anything else for every state-changing request.
func crossSite(r *http.Request) bool { return r.Header.Get("Sec-Fetch-Site") == "cross-site" }

// session returns the request's staff session, or nil. A token that is
// unknown, revoked, not a dashboard session, older than SessionLifetime, or
// whose account no longer matches it is refused, and its cookie cleared; an
// expired one is also revoked.
func (h *handler) session(w http.ResponseWriter, r *http.Request) *session {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	refuse := func() *session {
		h.clearCookie(w, sessionCookie)
		return nil
	}
	now := h.now()
	t, err := h.store.APITokenByHash(r.Context(), login.HashToken(c.Value), now)
	if err != nil && model.ErrorCode(err) != model.CodeNotFound {
		// The database failed: no session now, but keep the cookie.
		h.log.ErrorContext(r.Context(), "dashboard session lookup failed", "err", err)
		return nil
	}
	if err != nil || t.RevokedAt != nil || !strings.HasPrefix(t.Name, tokenNamePrefix) {
		return refuse()
	}
	if now.Sub(t.CreatedAt) >= SessionLifetime {
		if err := h.store.RevokeAPIToken(r.Context(), t.ID, now, nil); err != nil {
			h.log.WarnContext(r.Context(), "expired dashboard session not revoked", "token", t.ID, "err", err)
		}
		return refuse()
	}
	email := strings.TrimPrefix(t.Name, tokenNamePrefix)
	acc, err := h.store.AccountByEmail(r.Context(), email)
	if err != nil && model.ErrorCode(err) != model.CodeNotFound {
		h.log.ErrorContext(r.Context(), "dashboard session lookup failed", "err", err)
		return nil
	}
	if err != nil || acc.Role != t.Role || acc.WorkspaceID != t.WorkspaceID {
		return refuse()
	}
	return &session{token: c.Value, tokenID: t.ID, email: email, role: t.Role, workspaceID: t.WorkspaceID,
		csrf: csrfToken(c.Value)}
}

// startSession signs acc in: a new API token of the account's role and
// workspace, its text set in the session cookie and nowhere else. The token
// expires with the session (SessionLifetime), so that the API refuses its
// text from then on too, not only the dashboard. The account's expired
// dashboard tokens are revoked on the way.
func (h *handler) startSession(w http.ResponseWriter, r *http.Request, acc *model.Account) error {
	now := h.now()
	text, hash := httpapi.NewAPIToken()
	t := &model.APIToken{ID: model.NewID("tok"), WorkspaceID: acc.WorkspaceID, Role: acc.Role,
		Name: tokenNamePrefix + acc.Email, TokenHash: hash, CreatedAt: now, ExpiresAt: new(now.Add(SessionLifetime))}
	if err := h.store.CreateAPIToken(r.Context(), t, nil); err != nil {
		return err
	}
	h.auditEntry(r, acc.WorkspaceID, acc.Role, t.ID, "dashboard.signin", "account", acc.ID, map[string]any{"email": acc.Email})
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: text, Path: "/dashboard", MaxAge: int(SessionLifetime.Seconds()),
		HttpOnly: true, Secure: true, SameSite: http.SameSiteStrictMode})
	h.clearCookie(w, preCookie)
	if old, err := h.store.APITokens(r.Context(), acc.WorkspaceID); err == nil {
		for _, o := range old {
			if o.Name == t.Name && o.RevokedAt == nil && now.Sub(o.CreatedAt) >= SessionLifetime {
				h.store.RevokeAPIToken(r.Context(), o.ID, now, nil)
			}
		}
	}
	return nil
}

func (h *handler) clearCookie(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/dashboard", MaxAge: -1,
		HttpOnly: true, Secure: true, SameSite: http.SameSiteStrictMode})
}

// preSession returns the pre-sign-in cookie's value, setting a new one
// when there is none; its CSRF token goes in the sign-in and setup forms.
func (h *handler) preSession(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(preCookie); err == nil && len(c.Value) == 43 {
		return c.Value
	}
	var b [32]byte
	rand.Read(b[:])
	v := base64.RawURLEncoding.EncodeToString(b[:])
	http.SetCookie(w, &http.Cookie{Name: preCookie, Value: v, Path: "/dashboard", MaxAge: 3600,
		HttpOnly: true, Secure: true, SameSite: http.SameSiteStrictMode})
	return v
}

// preCSRFValid checks a sign-in or setup form's CSRF token.
func preCSRFValid(r *http.Request) bool {
	c, err := r.Cookie(preCookie)
	if err != nil || c.Value == "" {
		return false
	}
	return csrfValid(r, csrfToken(c.Value))
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
