package web

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/signet-id/signet/internal/httpapi"
	"github.com/signet-id/signet/internal/staff"
)

// signInView is the data of the sign-in and setup forms.
type signInView struct {
	Email      string
	Next       string
	NeedsSetup bool
	// Wait is set when sign-in is throttled.
	Wait string
	// Insecure: plain HTTP on a host browsers do not treat as secure, where
	// they drop the Secure session cookie; InsecureCookies: the operator
	// chose cookies without Secure (--insecure-cookies), so sign-in works.
	Insecure        bool
	InsecureCookies bool
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
func (h *handler) needsSetup(r *http.Request) bool { return h.staff.NeedsSetup(r.Context()) }

func (h *handler) signInPage(w http.ResponseWriter, r *http.Request) {
	if sess := h.session(w, r); sess != nil {
		http.Redirect(w, r, sess.home(), http.StatusSeeOther)
		return
	}
	pre := h.preSession(w, r)
	v := signInView{Next: safeNext(r.URL.Query().Get("next")), NeedsSetup: h.needsSetup(r), Insecure: h.plainHTTP(r), InsecureCookies: !h.transport.secure()}
	h.render(w, r, nil, http.StatusOK, "signin", &page{Title: "Sign in", Bare: true, CSRF: csrfToken(pre), Data: v})
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
	if crossSite(r) || !h.preCSRFValid(r) {
		h.formRefused(w, r, "sign-in")
		return
	}
	email, pw := strings.TrimSpace(r.PostFormValue("email")), r.PostFormValue("password")
	v := signInView{Email: email, Next: safeNext(r.PostFormValue("next"))}
	csrf := csrfToken(h.preSession(w, r))
	ss, err := h.staff.SignIn(r.Context(), email, pw, httpapi.ClientAddr(r, h.proxies), r.UserAgent())
	if wait, ok := staff.RateLimited(err); ok {
		h.renderThrottled(w, r, "signin", csrf, v, wait)
		return
	}
	if err == staff.ErrAccountDisabled {
		h.render(w, r, nil, http.StatusUnauthorized, "signin", &page{Title: "Sign in", Bare: true, CSRF: csrf,
			Error: "This account is disabled: ask an admin of your workspace.", Data: v})
		return
	}
	if err == staff.ErrWrongPassword {
		h.render(w, r, nil, http.StatusUnauthorized, "signin", &page{Title: "Sign in", Bare: true, CSRF: csrf,
			Error: "The email or password is not right.", Data: v})
		return
	}
	if err != nil {
		h.renderError(w, r, nil, err)
		return
	}
	h.setSession(w, r, ss)
	next := v.Next
	if next == "" {
		next = sessionOf(ss).home()
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (h *handler) signOut(w http.ResponseWriter, r *http.Request, sess *session) error {
	if err := h.staff.SignOut(r.Context(), sess.Session, httpapi.ClientAddr(r, h.proxies), r.UserAgent()); err != nil {
		return err
	}
	h.clearCookie(w, r, sessionCookie)
	http.Redirect(w, r, "/dashboard/signin", http.StatusSeeOther)
	return nil
}

// --- first-run setup -----------------------------------------------------

func (h *handler) setupPage(w http.ResponseWriter, r *http.Request) {
	if !h.needsSetup(r) {
		http.Redirect(w, r, "/dashboard/signin", http.StatusSeeOther)
		return
	}
	pre := h.preSession(w, r)
	h.render(w, r, nil, http.StatusOK, "setup", &page{Title: "Set up Signet", Bare: true, CSRF: csrfToken(pre), Data: signInView{Insecure: h.plainHTTP(r), InsecureCookies: !h.transport.secure()}})
}

// setup creates the owner account, once: it takes the owner API token that
// the first run printed (or SIGNET_ADMIN_TOKEN).
func (h *handler) setup(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if crossSite(r) || !h.preCSRFValid(r) {
		h.formRefused(w, r, "setup")
		return
	}
	in := staff.SetupRequest{OwnerToken: strings.TrimSpace(r.PostFormValue("token")), Email: strings.TrimSpace(r.PostFormValue("email")),
		Password: r.PostFormValue("password"), Password2: r.PostFormValue("password2")}
	v := signInView{Email: in.Email}
	csrf := csrfToken(h.preSession(w, r))
	fail := func(status int, msg string) {
		h.render(w, r, nil, status, "setup", &page{Title: "Set up Signet", Bare: true, CSRF: csrf, Error: msg, Data: v})
	}
	ss, err := h.staff.Setup(r.Context(), in, httpapi.ClientAddr(r, h.proxies), r.UserAgent())
	if wait, ok := staff.RateLimited(err); ok {
		h.renderThrottled(w, r, "setup", csrf, v, wait)
		return
	}
	switch err {
	case nil:
	case staff.ErrSetUp:
		h.renderError(w, r, nil, &pageError{http.StatusConflict, "Signet is already set up: sign in with the owner account."})
		return
	case staff.ErrSetupEmail:
		fail(http.StatusBadRequest, "Enter your email address.")
		return
	case staff.ErrSetupPassword:
		fail(http.StatusBadRequest, "The password must be 12 to 1024 bytes long.")
		return
	case staff.ErrSetupRepeat:
		fail(http.StatusBadRequest, "The two passwords are not the same.")
		return
	case staff.ErrNotOwnerToken:
		fail(http.StatusUnauthorized, "That is not an owner API token. Use the token the server printed at its first start, or SIGNET_ADMIN_TOKEN.")
		return
	case staff.ErrEmailTaken:
		fail(http.StatusConflict, "An account with this email already exists.")
		return
	default:
		h.renderError(w, r, nil, err)
		return
	}
	h.setSession(w, r, ss)
	http.Redirect(w, r, "/dashboard/workspaces?ok=welcome", http.StatusSeeOther)
}
