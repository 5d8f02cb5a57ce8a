// Package web is Signet's dashboard for admins and agents, and the server of
// the web chat widget's script.
//
// The dashboard's pages call the services directly, as the signed-in
// person's model.Actor: internal/admin for workspaces, apps, keys, tokens
// and the logs, internal/staff for sign-in, setup and sessions,
// internal/login for "Test your setup". Authorization, validation, audit
// entries and error codes therefore live in one place, the services; the
// dashboard never imports the store (TestNoStoreImport). The inbox
// uses internal/conversation; the dashboard's scripts (live updates) reach
// the API through a same-origin proxy. A staff session is a short-lived token of kind
// dashboard held only in an HttpOnly cookie; every form and fetch carries a
// CSRF token derived from it. Templates, styles and scripts are embedded,
// and the Content-Security-Policy allows no inline script or style.
package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"path"
	"strings"
	"time"

	"github.com/signet-id/signet/internal/admin"
	"github.com/signet-id/signet/internal/conversation"
	"github.com/signet-id/signet/internal/login"
	"github.com/signet-id/signet/internal/staff"
)

//go:embed templates static
var assets embed.FS

// Config is what the dashboard needs.
type Config struct {
	// API is the JSON API's handler: the dashboard's scripts reach it
	// through the same-origin proxy (/dashboard/api/), and the inbox's
	// pages still read conversations through it.
	API    http.Handler
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// TrustedProxies are the proxies whose X-Forwarded-For is believed
	// (the same list as the API's).
	TrustedProxies []netip.Prefix
	// Staff signs people in and keeps their sessions (required).
	Staff *staff.Service
	// Admin administers workspaces, apps, keys and tokens: the pages call
	// it directly, as the actor of the signed-in session (required).
	Admin *admin.Service
	// Logins runs "Test your setup" through the login's own verification
	// (required).
	Logins *login.Service
	// Conversations is the inbox's issues and replies (required).
	Conversations *conversation.Service
	// Transport is how people reach the dashboard: its cookies' Secure.
	Transport Transport
}

// SessionLifetime is how long a staff session lasts: its cookie's Max-Age,
// and the age past which its token is refused and revoked.
const SessionLifetime = staff.SessionLifetime

type handler struct {
	api       http.Handler
	log       *slog.Logger
	now       func() time.Time
	proxies   []netip.Prefix
	staff     *staff.Service
	admin     *admin.Service
	logins    *login.Service
	conv      *conversation.Service
	transport Transport

	pages        map[string]*template.Template
	static       fs.FS
	assetVersion map[string]string
	compressed   map[string]staticBody
	mux          *http.ServeMux
}

// Handles reports whether the dashboard serves path: /dashboard…,
// /widget.js and the bare root (a redirect to the dashboard). The server
// sends everything else to the API.
func Handles(p string) bool {
	return p == "/" || p == "/widget.js" || p == "/dashboard" || strings.HasPrefix(p, "/dashboard/")
}

// New returns the dashboard's handler.
func New(c Config) http.Handler {
	h := &handler{api: c.API, log: c.Logger, now: c.Now, proxies: c.TrustedProxies, staff: c.Staff, admin: c.Admin, logins: c.Logins,
		conv: c.Conversations, transport: c.Transport}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	if h.now == nil {
		h.now = time.Now
	}
	static, err := fs.Sub(assets, "static")
	if err != nil {
		panic(err)
	}
	h.static = static
	h.assetVersion = versions(static)
	h.compressed = compressStatic(static)
	h.pages = h.parseTemplates()
	h.mux = h.routes()
	return h
}

func (h *handler) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/dashboard/", http.StatusFound)
	})
	mux.HandleFunc("GET /widget.js", h.widget)
	mux.HandleFunc("GET /dashboard/static/{file}", h.asset)
	mux.HandleFunc("GET /dashboard", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/dashboard/", http.StatusFound)
	})
	mux.HandleFunc("GET /dashboard/{$}", h.home)
	mux.HandleFunc("GET /dashboard/setup", h.setupPage)
	mux.HandleFunc("POST /dashboard/setup", h.setup)
	mux.HandleFunc("GET /dashboard/signin", h.signInPage)
	mux.HandleFunc("POST /dashboard/signin", h.signIn)
	mux.Handle("POST /dashboard/signout", h.auth(h.signOut))

	mux.Handle("GET /dashboard/workspaces", h.auth(h.workspacesPage))
	mux.Handle("POST /dashboard/workspaces", h.auth(h.createWorkspace))
	mux.Handle("GET /dashboard/switch", h.auth(h.switchWorkspace))
	mux.Handle("GET /dashboard/audit", h.auth(h.instanceAuditPage))

	mux.Handle("GET /dashboard/w/{ws}/{$}", h.auth(h.workspaceHome))
	mux.Handle("GET /dashboard/w/{ws}/apps", h.auth(h.appsPage))
	mux.Handle("POST /dashboard/w/{ws}/apps", h.auth(h.createApp))
	mux.Handle("GET /dashboard/w/{ws}/apps/{app}", h.auth(h.appPage))
	mux.Handle("POST /dashboard/w/{ws}/apps/{app}/settings", h.auth(h.saveSettings))
	mux.Handle("POST /dashboard/w/{ws}/apps/{app}/keys", h.auth(h.createKey))
	mux.Handle("POST /dashboard/w/{ws}/apps/{app}/jwks", h.auth(h.saveJWKS))
	mux.Handle("POST /dashboard/w/{ws}/apps/{app}/jwks/refresh", h.auth(h.refreshJWKS))
	mux.Handle("POST /dashboard/w/{ws}/apps/{app}/keys/{key}/retire", h.auth(h.retireKey))
	mux.Handle("POST /dashboard/w/{ws}/apps/{app}/keys/{key}/rotate", h.auth(h.rotateKey))
	mux.Handle("POST /dashboard/w/{ws}/apps/{app}/keys/{key}/revoke", h.auth(h.revokeKey))
	mux.Handle("GET /dashboard/w/{ws}/apps/{app}/delete", h.auth(h.deleteAppPage))
	mux.Handle("POST /dashboard/w/{ws}/apps/{app}/delete", h.auth(h.deleteApp))
	mux.Handle("GET /dashboard/w/{ws}/delete", h.auth(h.deleteWorkspacePage))
	mux.Handle("POST /dashboard/w/{ws}/delete", h.auth(h.deleteWorkspace))
	mux.Handle("GET /dashboard/w/{ws}/conflicts", h.auth(h.conflictsPage))
	mux.Handle("POST /dashboard/w/{ws}/conflicts/end-sessions", h.auth(h.endConflictSessions))
	mux.Handle("GET /dashboard/w/{ws}/apps/{app}/test", h.auth(h.testPage))
	mux.Handle("POST /dashboard/w/{ws}/apps/{app}/test", h.auth(h.runTest))
	mux.Handle("GET /dashboard/w/{ws}/log", h.auth(h.logPage))
	mux.Handle("GET /dashboard/w/{ws}/audit", h.auth(h.auditPage))
	mux.Handle("GET /dashboard/w/{ws}/team", h.auth(h.teamPage))
	mux.Handle("POST /dashboard/w/{ws}/team/accounts", h.auth(h.createAccount))
	mux.Handle("POST /dashboard/w/{ws}/team/tokens", h.auth(h.createToken))
	mux.Handle("POST /dashboard/w/{ws}/team/tokens/{token}/revoke", h.auth(h.revokeToken))
	mux.Handle("GET /dashboard/w/{ws}/inbox", h.auth(h.inboxPage))
	mux.Handle("POST /dashboard/w/{ws}/inbox/{issue}/reply", h.auth(h.reply))
	mux.Handle("POST /dashboard/w/{ws}/inbox/{issue}/resolve", h.auth(h.setStatus("resolve")))
	mux.Handle("POST /dashboard/w/{ws}/inbox/{issue}/reopen", h.auth(h.setStatus("reopen")))

	mux.Handle("GET /dashboard/reference", h.auth(h.referencePage))
	h.accountsRoutes(mux)
	mux.Handle("/dashboard/api/{rest...}", h.authAPI(h.proxy))
	mux.HandleFunc("/dashboard/", func(w http.ResponseWriter, r *http.Request) {
		h.renderError(w, r, nil, &pageError{http.StatusNotFound, "There is no such page."})
	})
	return mux
}

// csp allows nothing inline: every script and style is an embedded file.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
	"frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	if r.URL.Path != "/widget.js" {
		// The widget's script is embedded on brands' sites: it sets its own
		// headers. Every dashboard answer carries these.
		hd := w.Header()
		hd.Set("Content-Security-Policy", csp)
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("Cross-Origin-Opener-Policy", "same-origin")
		if !strings.HasPrefix(r.URL.Path, "/dashboard/static/") {
			hd.Set("Cache-Control", "no-store")
		}
	}
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			h.log.ErrorContext(r.Context(), "dashboard handler panicked", "method", r.Method, "path", r.URL.Path, "panic", p)
			http.Error(w, "internal error", http.StatusInternalServerError)
		}
		h.log.DebugContext(r.Context(), "dashboard request", "method", r.Method, "route", r.Pattern,
			"elapsed", time.Since(start))
	}()
	h.mux.ServeHTTP(w, r)
}

// widget serves the web chat widget's script to brands' pages on any
// origin: no frame or CSP restrictions, a short cache.
func (h *handler) widget(w http.ResponseWriter, r *http.Request) {
	b, err := fs.ReadFile(h.static, "widget.js")
	if err != nil {
		http.Error(w, "the widget is not built into this server", http.StatusNotFound)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "application/javascript; charset=utf-8")
	hd.Set("Cache-Control", "public, max-age=300")
	hd.Set("Cross-Origin-Resource-Policy", "cross-origin")
	hd.Set("Access-Control-Allow-Origin", "*")
	hd.Set("X-Content-Type-Options", "nosniff")
	h.writeStatic(w, r, "widget.js", b)
}

// asset serves the dashboard's embedded styles and scripts. Pages link them
// with ?v=<content hash>, so they may be cached for long.
func (h *handler) asset(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	if name == "widget.js" || path.Ext(name) != ".css" && path.Ext(name) != ".js" && path.Ext(name) != ".svg" {
		http.NotFound(w, r)
		return
	}
	b, err := fs.ReadFile(h.static, name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	ct := map[string]string{".css": "text/css; charset=utf-8", ".js": "application/javascript; charset=utf-8",
		".svg": "image/svg+xml"}[path.Ext(name)]
	w.Header().Set("Content-Type", ct)
	if r.URL.Query().Get("v") == h.assetVersion[name] {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	h.writeStatic(w, r, name, b)
}

// versions hashes each static file, for cache-busting links.
func versions(static fs.FS) map[string]string {
	out := map[string]string{}
	entries, _ := fs.ReadDir(static, ".")
	for _, e := range entries {
		b, err := fs.ReadFile(static, e.Name())
		if err != nil {
			continue
		}
		sum := sha256.Sum256(b)
		out[e.Name()] = hex.EncodeToString(sum[:6])
	}
	return out
}

// home sends a visitor where they belong: setup on a fresh install, sign-in,
// or the first page of their role.
func (h *handler) home(w http.ResponseWriter, r *http.Request) {
	sess := h.session(w, r)
	if sess == nil {
		if h.needsSetup(r) {
			http.Redirect(w, r, "/dashboard/setup", http.StatusSeeOther)
			return
		}
		http.Redirect(w, r, "/dashboard/signin", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, sess.home(), http.StatusSeeOther)
}
