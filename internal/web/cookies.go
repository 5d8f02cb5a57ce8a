package web

import (
	"net/http"
	"net/url"
)

// Transport is how people reach the dashboard, which decides whether its
// cookies can be Secure. Browsers keep a Secure cookie only over HTTPS or on
// a loopback host: served over plain HTTP anywhere else (a VM, a container,
// a LAN), the sign-in's cookies are dropped and no one can sign in.
type Transport struct {
	// PublicURL is where people open Signet (--public-url), such as
	// https://signet.example.com behind a TLS proxy: requests for its host
	// count as HTTPS even when the proxy sends no X-Forwarded-Proto.
	PublicURL string
	// InsecureCookies (--insecure-cookies) drops the Secure attribute, so
	// that sign-in works over plain HTTP on a trusted network; anyone on the
	// network path can then read a session cookie.
	InsecureCookies bool
}

// HTTPSHint is what an operator must set for sign-in over plain HTTP, said
// the same on the sign-in page and when the server starts.
const HTTPSHint = "serve Signet over HTTPS (behind a TLS proxy) and start it with --public-url https://YOUR-HOST, or, on a trusted network only, start it with --insecure-cookies"

// secure reports whether the dashboard's cookies carry Secure.
func (t Transport) secure() bool { return !t.InsecureCookies }

// publicHTTPS reports whether host is the public URL's, served over HTTPS.
func (t Transport) publicHTTPS(host string) bool {
	u, err := url.Parse(t.PublicURL)
	return err == nil && u.Scheme == "https" && u.Host != "" && u.Host == host
}

// plainHTTP reports a request over plain HTTP to a host browsers do not
// treat as secure.
func (h *handler) plainHTTP(r *http.Request) bool {
	return !h.transport.publicHTTPS(r.Host) && insecure(r)
}

// hostCookies reports whether r's cookies take the __Host- prefix: over
// HTTPS (TLS here, a proxy's X-Forwarded-Proto, or the --public-url host)
// with Secure cookies. A browser then keeps such a cookie only if it is
// Secure, for this host alone and for the path /: no subdomain and no plain
// HTTP page can set or shadow it. Over plain HTTP (loopback, or
// --insecure-cookies) the names stay as they were.
func (h *handler) hostCookies(r *http.Request) bool {
	return h.transport.secure() && (r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" || h.transport.publicHTTPS(r.Host))
}

// cookieName is the name of dashboard cookie name for r.
func (h *handler) cookieName(r *http.Request, name string) string {
	if h.hostCookies(r) {
		return "__Host-" + name
	}
	return name
}

// readCookie returns the value of r's dashboard cookie name, or "".
func (h *handler) readCookie(r *http.Request, name string) string {
	c, err := r.Cookie(h.cookieName(r, name))
	if err != nil {
		return ""
	}
	return c.Value
}

// cookie is a dashboard cookie: HttpOnly, SameSite=Strict, on /dashboard,
// Secure unless the operator chose --insecure-cookies; over HTTPS named
// __Host-… and on / (what the prefix requires).
func (h *handler) cookie(r *http.Request, name, value string, maxAge int) *http.Cookie {
	path := "/dashboard"
	if h.hostCookies(r) {
		path = "/"
	}
	return &http.Cookie{Name: h.cookieName(r, name), Value: value, Path: path, MaxAge: maxAge,
		HttpOnly: true, Secure: h.transport.secure(), SameSite: http.SameSiteStrictMode}
}

// formRefused answers a sign-in or setup form whose pre-session cookie did
// not come back. Over plain HTTP with Secure cookies that is never an
// expired form: the browser dropped the cookie, and the page says what the
// operator must set.
func (h *handler) formRefused(w http.ResponseWriter, r *http.Request, form string) {
	if h.transport.secure() && h.plainHTTP(r) && !crossSite(r) {
		h.renderError(w, r, nil, &pageError{http.StatusForbidden, "Signing in needs HTTPS here: this page came over plain HTTP to " + r.Host +
			", and browsers drop the dashboard's Secure cookies there. To fix it, " + HTTPSHint + "."})
		return
	}
	h.renderError(w, r, nil, &pageError{http.StatusForbidden, "This " + form + " form has expired. Reload the page and try again."})
}
