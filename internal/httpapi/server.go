// Package httpapi is Signet's HTTP surface: the SDK and web-widget API
// (/v1/), the admin and agent API (/api/admin/), and operations (/healthz,
// /readyz, /metrics, /openapi.json). Errors are mapped to HTTP in one place
// (respond.go).
package httpapi

import (
	"context"
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
	"github.com/signet-id/signet/internal/staff"
)

// Database is what the HTTP layer asks of the database itself; everything
// else goes through the services.
type Database interface {
	// Ping reports whether the database answers (GET /readyz).
	Ping(ctx context.Context) error
	// Unavailable reports whether err means the database cannot serve now
	// (answered 503 with Retry-After rather than 500).
	Unavailable(err error) bool
}

// Config is what the HTTP layer needs.
type Config struct {
	// Database answers readiness probes and classifies failures.
	Database Database
	Logins   *login.Service
	Logger   *slog.Logger
	// Registry receives the metrics; each server (and test) has its own.
	Registry *prometheus.Registry
	// AdminToken, when set (SIGNET_ADMIN_TOKEN), is an owner API token.
	AdminToken string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Draining, when set, reports that the server is shutting down.
	Draining func() bool
	// Conversations is the issues and messages logic (required).
	Conversations *conversation.Service
	// Bus carries live updates for the event streams; nil disables them.
	Bus events.Bus
	// Stopping is closed when the server shuts down: event streams end.
	Stopping <-chan struct{}
	// TrustedProxies are the proxies whose X-Forwarded-For is believed.
	TrustedProxies []netip.Prefix
	// Admin administers workspaces, apps, keys and tokens (required).
	Admin *admin.Service
	// Streams bound the live event streams (stream.go).
	Streams StreamLimits
	// MetricsElsewhere: /metrics is served on its own address
	// (--metrics-addr), not here.
	MetricsElsewhere bool
	// Staff keeps the staff accounts and owner tokens, SIGNET_ADMIN_TOKEN's
	// included (required).
	Staff *staff.Service
}

type server struct {
	db             Database
	logins         *login.Service
	log            *slog.Logger
	now            func() time.Time
	draining       func() bool
	metrics        *metrics
	conv           *conversation.Service
	admin          *admin.Service
	staffs         *staff.Service
	bus            events.Bus
	stopping       <-chan struct{}
	trustedProxies []netip.Prefix
	streams        *streamGate
}

// New returns the HTTP handler. It also wires c.Logins.Observe to metrics.
func New(c Config) http.Handler {
	s := &server{db: c.Database, logins: c.Logins, log: c.Logger, now: c.Now, draining: c.Draining,
		conv: c.Conversations, bus: c.Bus, stopping: c.Stopping, trustedProxies: c.TrustedProxies,
		streams: newStreamGate(c.Streams)}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.admin = c.Admin
	s.staffs = c.Staff
	reg := c.Registry
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	s.metrics = newMetrics(reg)
	c.Logins.Observe = s.metrics.observeLogin
	c.Logins.Suspicious = func(signal string) { s.metrics.suspicious.WithLabelValues(signal).Inc() }
	mux := http.NewServeMux()
	for _, rt := range s.routes(promhttp.HandlerFor(reg, promhttp.HandlerOpts{})) {
		if rt.Pattern() == "GET /metrics" && c.MetricsElsewhere {
			continue
		}
		mux.Handle(rt.Pattern(), rt.Handler)
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
