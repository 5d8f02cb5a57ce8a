package web

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/signet-id/signet/internal/httpapi"
	"github.com/signet-id/signet/internal/login"
	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/password"
	"github.com/signet-id/signet/internal/throttle"
	"github.com/signet-id/signet/verify"
)

// signInView is the data of the sign-in and setup forms.
type signInView struct {
	Email      string
	Next       string
	NeedsSetup bool
	// Wait is set when sign-in is throttled.
	Wait string
	// Insecure: plain HTTP on a host browsers do not treat as secure, where
	// they drop the Secure session cookie.
	Insecure bool
}

// insecure reports a request over plain HTTP to a host other than localhost
// or a loopback address: browsers will not keep the session cookie.
func insecure(r *http.Request) bool {
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		return false
	}
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return false
	}
	ip, err := netip.ParseAddr(strings.Trim(host, "[]"))
	return err != nil || !ip.IsLoopback()
}

// needsSetup reports whether no owner account exists yet: then the setup
// page creates one.
func (h *handler) needsSetup(r *http.Request) bool {
	owners, err := h.store.Accounts(r.Context(), "")
	return err == nil && len(owners) == 0
}

func (h *handler) signInPage(w http.ResponseWriter, r *http.Request) {
	if sess := h.session(w, r); sess != nil {
		http.Redirect(w, r, sess.home(), http.StatusSeeOther)
		return
	}
	pre := h.preSession(w, r)
	v := signInView{Next: safeNext(r.URL.Query().Get("next")), NeedsSetup: h.needsSetup(r), Insecure: insecure(r)}
	h.render(w, r, nil, http.StatusOK, "signin", &page{Title: "Sign in", Bare: true, CSRF: csrfToken(pre), Data: v})
}

// throttleKeys name the sign-in failure counters: an email from an
// address, and an address (throttle.SignInKeys).
func throttleKeys(email, addr string) []string { return throttle.SignInKeys(email, addr) }

// try admits one sign-in check under the limits of keys, checking and
// counting in one step (throttle.Limiter): concurrent wrong passwords get
// no more checks than the limit. It returns how long to wait when a key
// used up its failures.
func (h *handler) try(r *http.Request, keys []string) (*throttle.Ticket, time.Duration, error) {
	checks := make([]throttle.Check, len(keys))
	for i, k := range keys {
		checks[i] = throttle.Check{Key: k, Limit: throttle.Limit{Max: h.signInFailures, Window: h.signInWindow, SlowAfter: h.signInFailures / 2, Delay: throttle.SignInDelay}}
	}
	t, err := h.limiter.Try(r.Context(), h.now(), checks...)
	var e *model.Error
	if errors.As(err, &e) && e.Code == model.CodeRateLimited {
		return nil, e.RetryAfter, nil
	}
	return t, 0, err
}

// done ends a sign-in check, counting it when it failed.
func (h *handler) done(r *http.Request, t *throttle.Ticket, failed bool) {
	if err := t.Done(r.Context(), h.now(), failed); err != nil {
		h.log.WarnContext(r.Context(), "sign-in failure not counted", "err", err)
	}
}

// renderThrottled answers 429 with the wait, in the page and Retry-After.
func (h *handler) renderThrottled(w http.ResponseWriter, r *http.Request, tmpl, csrf string, v signInView, wait time.Duration) {
	mins := int((wait + time.Minute - 1) / time.Minute)
	v.Wait = fmt.Sprintf("%d minute%s", mins, map[bool]string{true: "", false: "s"}[mins == 1])
	w.Header().Set("Retry-After", fmt.Sprint(int(wait.Seconds())+1))
	h.render(w, r, nil, http.StatusTooManyRequests, tmpl, &page{Title: "Too many attempts", Bare: true, CSRF: csrf, Data: v})
}

func (h *handler) signIn(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if crossSite(r) || !preCSRFValid(r) {
		h.renderError(w, r, nil, &pageError{http.StatusForbidden, "This sign-in form has expired. Reload the page and try again."})
		return
	}
	email, pw := strings.TrimSpace(r.PostFormValue("email")), r.PostFormValue("password")
	v := signInView{Email: email, Next: safeNext(r.PostFormValue("next"))}
	csrf := csrfToken(h.preSession(w, r))
	keys := throttleKeys(email, httpapi.ClientAddr(r, h.proxies))
	ticket, wait, err := h.try(r, keys)
	if err != nil {
		h.renderError(w, r, nil, err)
		return
	}
	if wait > 0 {
		h.renderThrottled(w, r, "signin", csrf, v, wait)
		return
	}
	acc, ok := h.checkPassword(r, email, pw)
	h.done(r, ticket, !ok)
	if !ok {
		h.log.InfoContext(r.Context(), "dashboard sign-in failed", "addr", httpapi.ClientAddr(r, h.proxies))
		h.render(w, r, nil, http.StatusUnauthorized, "signin", &page{Title: "Sign in", Bare: true, CSRF: csrf,
			Error: "The email or password is not right.", Data: v})
		return
	}
	if err := h.startSession(w, r, acc); err != nil {
		h.renderError(w, r, nil, err)
		return
	}
	next := v.Next
	if next == "" {
		next = (&session{role: acc.Role, workspaceID: acc.WorkspaceID}).home()
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// checkPassword finds the account and checks its password. An unknown email
// costs the same argon2id work as a known one.
func (h *handler) checkPassword(r *http.Request, email, pw string) (*model.Account, bool) {
	if len(pw) > 1024 || len(email) > 254 {
		return nil, false
	}
	h.hashing <- struct{}{}
	defer func() { <-h.hashing }()
	acc, err := h.store.AccountByEmail(r.Context(), email)
	if err != nil {
		if model.ErrorCode(err) != model.CodeNotFound {
			h.log.ErrorContext(r.Context(), "sign-in: account lookup failed", "err", err)
		}
		password.Verify(pw, h.dummyHash())
		return nil, false
	}
	return acc, password.Verify(pw, acc.PasswordHash)
}

func (h *handler) signOut(w http.ResponseWriter, r *http.Request, sess *session) error {
	if err := h.store.RevokeAPIToken(r.Context(), sess.tokenID, h.now()); err != nil {
		return err
	}
	h.auditEntry(r, sess.workspaceID, sess.role, sess.tokenID, "dashboard.signout", "token", sess.tokenID, nil)
	h.clearCookie(w, sessionCookie)
	http.Redirect(w, r, "/dashboard/signin", http.StatusSeeOther)
	return nil
}

// auditEntry appends a dashboard action to the audit log (the API writes
// its own; sign-in, sign-out and setup happen here).
func (h *handler) auditEntry(r *http.Request, ws string, role model.Role, actor, action, targetType, targetID string, details map[string]any) {
	ua := r.UserAgent()
	if len(ua) > 300 {
		ua = ua[:300]
	}
	e := &model.AuditEntry{ID: model.NewID("aud"), WorkspaceID: ws, ActorRole: role, ActorID: actor, Action: action,
		TargetType: targetType, TargetID: targetID, Details: details, IP: httpapi.ClientAddr(r, h.proxies), UserAgent: ua, At: h.now()}
	if err := h.store.AppendAudit(r.Context(), e); err != nil {
		h.log.ErrorContext(r.Context(), "audit entry not written", "action", action, "err", err)
	}
}

// --- first-run setup -----------------------------------------------------

func (h *handler) setupPage(w http.ResponseWriter, r *http.Request) {
	if !h.needsSetup(r) {
		http.Redirect(w, r, "/dashboard/signin", http.StatusSeeOther)
		return
	}
	pre := h.preSession(w, r)
	h.render(w, r, nil, http.StatusOK, "setup", &page{Title: "Set up Signet", Bare: true, CSRF: csrfToken(pre), Data: signInView{Insecure: insecure(r)}})
}

// setup creates the owner account, once: it takes the owner API token that
// the first run printed (or SIGNET_ADMIN_TOKEN), checked by the API itself.
func (h *handler) setup(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if crossSite(r) || !preCSRFValid(r) {
		h.renderError(w, r, nil, &pageError{http.StatusForbidden, "This setup form has expired. Reload the page and try again."})
		return
	}
	if !h.needsSetup(r) {
		h.renderError(w, r, nil, &pageError{http.StatusConflict, "Signet is already set up: sign in with the owner account."})
		return
	}
	token := strings.TrimSpace(r.PostFormValue("token"))
	email, pw := strings.TrimSpace(r.PostFormValue("email")), r.PostFormValue("password")
	v := signInView{Email: email}
	csrf := csrfToken(h.preSession(w, r))
	fail := func(status int, msg string) {
		h.render(w, r, nil, status, "setup", &page{Title: "Set up Signet", Bare: true, CSRF: csrf, Error: msg, Data: v})
	}
	keys := throttleKeys("setup", httpapi.ClientAddr(r, h.proxies))[1:]
	ticket, wait, err := h.try(r, keys)
	if err != nil {
		h.renderError(w, r, nil, err)
		return
	} else if wait > 0 {
		h.renderThrottled(w, r, "setup", csrf, v, wait)
		return
	}
	counted := false
	defer func() { h.done(r, ticket, counted) }()
	switch {
	case !strings.Contains(email, "@") || len(email) > 254 || !verify.ValidIdentityValue(email):
		fail(http.StatusBadRequest, "Enter your email address.")
		return
	case len(pw) < 12 || len(pw) > 1024:
		fail(http.StatusBadRequest, "The password must be 12 to 1024 bytes long.")
		return
	case r.PostFormValue("password2") != pw:
		fail(http.StatusBadRequest, "The two passwords are not the same.")
		return
	}
	// Only an owner may read the instance-wide audit log: the API says
	// whether the token is an owner's.
	if err := h.callAs(r, token, "GET", "/api/admin/audit?limit=1", nil, nil); err != nil {
		counted = true
		fail(http.StatusUnauthorized, "That is not an owner API token. Use the token the server printed at its first start, or SIGNET_ADMIN_TOKEN.")
		return
	}
	actor := "owner" // SIGNET_ADMIN_TOKEN
	if t, err := h.store.APITokenByHash(r.Context(), login.HashToken(token), h.now()); err == nil {
		actor = t.ID
	}
	acc := &model.Account{ID: model.NewID("acc"), Email: email, Role: model.RoleOwner,
		PasswordHash: password.Hash(pw), CreatedAt: h.now()}
	if err := h.store.CreateAccount(r.Context(), acc); err != nil {
		if model.ErrorCode(err) == model.CodeConflict {
			fail(http.StatusConflict, "An account with this email already exists.")
			return
		}
		h.renderError(w, r, nil, err)
		return
	}
	h.auditEntry(r, "", model.RoleOwner, actor, "account.create", "account", acc.ID, map[string]any{"email": acc.Email, "role": acc.Role, "via": "dashboard setup"})
	if err := h.startSession(w, r, acc); err != nil {
		h.renderError(w, r, nil, err)
		return
	}
	http.Redirect(w, r, "/dashboard/workspaces?ok=welcome", http.StatusSeeOther)
}
