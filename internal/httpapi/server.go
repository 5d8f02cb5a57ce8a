// Package httpapi is Signet's HTTP surface: the SDK and web-widget API
// (/v1/), the admin and agent API (/api/admin/), and operations (/healthz,
// /readyz, /metrics, /openapi.json). Errors are mapped to HTTP in one place
// (respond.go).
package httpapi

import (
	"crypto/sha256"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/signet-id/signet/internal/admin"
	"github.com/signet-id/signet/internal/conversation"
	"github.com/signet-id/signet/internal/events"
	"github.com/signet-id/signet/internal/login"
	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/secretbox"
	"github.com/signet-id/signet/internal/store"
	"github.com/signet-id/signet/internal/webhook"
)

// Config is what the HTTP layer needs.
type Config struct {
	Store  store.Store
	Box    *secretbox.Box
	Logins *login.Service
	Logger *slog.Logger
	// Registry receives the metrics; each server (and test) has its own.
	Registry *prometheus.Registry
	// AdminToken, when set (SIGNET_ADMIN_TOKEN), is an owner API token.
	AdminToken string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Draining, when set, reports that the server is shutting down.
	Draining func() bool
	// Conversations is the issues and messages logic.
	Conversations *conversation.Service
	// Bus carries live updates for the event streams; nil disables them.
	Bus events.Bus
	// Stopping is closed when the server shuts down: event streams end.
	Stopping <-chan struct{}
	// TrustedProxies are the proxies whose X-Forwarded-For is believed.
	TrustedProxies []netip.Prefix
	// Admin administers workspaces, apps, keys and tokens; nil makes one
	// over Store and Box.
	Admin *admin.Service
	// Streams bound the live event streams (stream.go).
	Streams StreamLimits
	// MetricsElsewhere: /metrics is served on its own address
	// (--metrics-addr), not here.
	MetricsElsewhere bool
	// Webhooks administers webhook endpoints; nil makes one over Store and
	// Box that delivers nothing itself (its Run is not started).
	Webhooks *webhook.Service
}

type server struct {
	store          store.Store
	box            *secretbox.Box
	logins         *login.Service
	log            *slog.Logger
	adminTokenHash []byte
	now            func() time.Time
	draining       func() bool
	metrics        *metrics
	conv           *conversation.Service
	admin          *admin.Service
	bus            events.Bus
	stopping       <-chan struct{}
	trustedProxies []netip.Prefix
	streams        *streamGate
	webhooks       *webhook.Service
}

// route is one endpoint; the table is what the OpenAPI test checks.
type route struct {
	pattern string
	handler http.Handler
}

// New returns the HTTP handler. It also wires c.Logins.Observe to metrics.
func New(c Config) http.Handler {
	s := &server{store: c.Store, box: c.Box, logins: c.Logins, log: c.Logger, now: c.Now, draining: c.Draining,
		conv: c.Conversations, bus: c.Bus, stopping: c.Stopping, trustedProxies: c.TrustedProxies,
		streams: newStreamGate(c.Streams)}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.conv == nil {
		s.conv = &conversation.Service{Store: c.Store, Bus: c.Bus, Log: s.log, Now: s.now}
	}
	s.admin = c.Admin
	if s.admin == nil {
		s.admin = admin.New(c.Store, c.Box, s.now, s.log)
	}
	s.webhooks = c.Webhooks
	if s.webhooks == nil {
		s.webhooks = webhook.New(webhook.Config{Store: c.Store, Box: c.Box, Now: s.now, Log: s.log})
	}
	if c.AdminToken != "" {
		h := sha256.Sum256([]byte(c.AdminToken))
		s.adminTokenHash = h[:]
	}
	reg := c.Registry
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	s.metrics = newMetrics(reg)
	c.Logins.Observe = s.metrics.observeLogin
	c.Logins.Suspicious = func(signal string) { s.metrics.suspicious.WithLabelValues(signal).Inc() }
	mux := http.NewServeMux()
	for _, rt := range s.routes(reg) {
		if rt.pattern == "GET /metrics" && c.MetricsElsewhere {
			continue
		}
		mux.Handle(rt.pattern, rt.handler)
	}
	return s.observe(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := mux.Handler(r); pattern == "" {
			s.unmatched(w, r, mux)
			return
		}
		mux.ServeHTTP(w, r)
	}))
}

// unmatched answers a request no route takes, in JSON like every error:
// 405 with Allow when the path exists under other methods, else 404.
func (s *server) unmatched(w http.ResponseWriter, r *http.Request, mux *http.ServeMux) {
	var allowed []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := mux.Handler(probe); pattern != "" {
			allowed = append(allowed, m)
		}
	}
	if len(allowed) > 0 {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		s.writeError(w, r, model.Errorf(model.CodeMethodNotAllowed, "%s is not allowed here; use %s", r.Method, strings.Join(allowed, " or ")))
		return
	}
	s.writeError(w, r, model.Errorf(model.CodeNotFound, "no such endpoint; see /openapi.json"))
}

func (s *server) routes(reg *prometheus.Registry) []route {
	return append([]route{
		{"GET /healthz", http.HandlerFunc(s.healthz)},
		{"GET /readyz", http.HandlerFunc(s.readyz)},
		{"GET /metrics", s.ownerOnly(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))},
		{"GET /openapi.json", http.HandlerFunc(s.openapi)},

		{"POST /v1/apps/{app}/login", http.HandlerFunc(s.login)},
		{"GET /v1/me", s.session(s.me)},
		{"POST /v1/logout", s.session(s.logout)},
		{"GET /v1/issues", s.session(s.listMyIssues)},
		{"POST /v1/issues", s.session(s.openIssue)},
		{"GET /v1/issues/{issue}/messages", s.session(s.listMyMessages)},
		{"POST /v1/issues/{issue}/messages", s.session(s.postMyMessage)},
		{"GET /v1/events", s.session(s.myEvents)},

		{"GET /api/agent/workspaces/{ws}/issues", s.staff(s.agentListIssues)},
		{"GET /api/agent/workspaces/{ws}/events", s.staff(s.agentEvents)},
		{"GET /api/agent/issues/{issue}", s.staff(s.agentGetIssue)},
		{"GET /api/agent/issues/{issue}/messages", s.staff(s.agentListMessages)},
		{"POST /api/agent/issues/{issue}/messages", s.staff(s.agentReply)},
		{"POST /api/agent/issues/{issue}/resolve", s.staff(s.agentSetStatus(model.IssueResolved))},
		{"POST /api/agent/issues/{issue}/reopen", s.staff(s.agentSetStatus(model.IssueOpen))},

		{"POST /api/admin/workspaces", s.staff(s.createWorkspace)},
		{"GET /api/admin/workspaces", s.staff(s.listWorkspaces)},
		{"GET /api/admin/workspaces/{ws}", s.staff(s.getWorkspace)},
		{"POST /api/admin/workspaces/{ws}/apps", s.staff(s.createApp)},
		{"GET /api/admin/workspaces/{ws}/apps", s.staff(s.listApps)},
		{"GET /api/admin/apps/{app}", s.staff(s.getApp)},
		{"PATCH /api/admin/apps/{app}", s.staff(s.patchApp)},
		{"POST /api/admin/apps/{app}/keys", s.staff(s.createKey)},
		{"GET /api/admin/apps/{app}/keys", s.staff(s.listKeys)},
		{"DELETE /api/admin/apps/{app}/keys/{key}", s.staff(s.revokeKey)},
		{"POST /api/admin/apps/{app}/keys/{key}/retire", s.staff(s.retireKey)},
		{"POST /api/admin/workspaces/{ws}/tokens", s.staff(s.createToken)},
		{"GET /api/admin/workspaces/{ws}/tokens", s.staff(s.listTokens)},
		{"DELETE /api/admin/workspaces/{ws}/tokens/{token}", s.staff(s.revokeToken)},
		{"POST /api/admin/workspaces/{ws}/accounts", s.staff(s.createAccount)},
		{"GET /api/admin/workspaces/{ws}/accounts", s.staff(s.listAccounts)},
		{"GET /api/admin/workspaces/{ws}/users", s.staff(s.listUsers)},
		{"GET /api/admin/users/{user}", s.staff(s.getUser)},
		{"POST /api/admin/users/{user}/sessions/revoke", s.staff(s.endUserSessions)},
		{"GET /api/admin/workspaces/{ws}/sessions", s.staff(s.listSessions)},
		{"DELETE /api/admin/sessions/{session}", s.staff(s.revokeSession)},
		{"GET /api/admin/workspaces/{ws}/attempts", s.staff(s.listAttempts)},
		{"GET /api/admin/workspaces/{ws}/conflicts", s.staff(s.listConflicts)},
		{"GET /api/admin/workspaces/{ws}/audit", s.staff(s.listAudit)},
		{"GET /api/admin/audit", s.staff(s.listAudit)},
		{"POST /api/admin/apps/{app}/sessions/revoke", s.staff(s.endAppSessions)},
		{"GET /api/admin/apps/{app}/readiness", s.staff(s.readiness)},
		{"POST /api/admin/apps/{app}/test", s.staff(s.testSetup)},
	}, s.webhookRoutes()...)
}

// metrics are the Prometheus series of one server.
type metrics struct {
	logins         *prometheus.CounterVec
	loginSeconds   *prometheus.HistogramVec
	requests       *prometheus.CounterVec
	requestSeconds *prometheus.HistogramVec
	suspicious     *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		logins: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "signet_logins_total",
			Help: "Login attempts by app, profile, result (verified, unverified, anonymous, rejected) and failure reason."},
			[]string{"app", "profile", "result", "reason"}),
		loginSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "signet_login_duration_seconds",
			Help: "Time to handle a login, by profile and result.", Buckets: prometheus.ExponentialBuckets(0.0002, 2, 14)},
			[]string{"profile", "result"}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "signet_http_requests_total",
			Help: "HTTP requests by route and status code."}, []string{"route", "code"}),
		requestSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "signet_http_request_duration_seconds",
			Help: "HTTP request latency by route.", Buckets: prometheus.DefBuckets}, []string{"route"}),
	}
	m.suspicious = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "signet_suspicious_activity_total",
		Help: "Suspicious-activity signals that ended a user's sessions, by signal."}, []string{"signal"})
	reg.MustRegister(m.logins, m.loginSeconds, m.requests, m.requestSeconds, m.suspicious)
	return m
}

func (m *metrics) observeLogin(app *model.App, a *model.Attempt, elapsed time.Duration) {
	m.logins.WithLabelValues(app.ID, string(app.Profile), string(a.Result), string(a.Reason)).Inc()
	m.loginSeconds.WithLabelValues(string(app.Profile), string(a.Result)).Observe(elapsed.Seconds())
}
