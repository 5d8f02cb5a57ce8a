// Package server runs Signet: configuration, the database, the master key,
// the first-run owner token, the HTTP server and its graceful shutdown. The
// end-to-end tests start it exactly as `signet serve` does.
package server

import (
	"context"
	"errors"
	"fmt"
	"github.com/signet-id/signet/internal/jwks"
	"github.com/signet-id/signet/internal/outbound"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/signet-id/signet/internal/admin"
	"github.com/signet-id/signet/internal/cache"
	"github.com/signet-id/signet/internal/conversation"
	"github.com/signet-id/signet/internal/demo"
	"github.com/signet-id/signet/internal/events"
	"github.com/signet-id/signet/internal/httpapi"
	"github.com/signet-id/signet/internal/keyring"
	"github.com/signet-id/signet/internal/login"
	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/secretbox"
	"github.com/signet-id/signet/internal/staff"
	"github.com/signet-id/signet/internal/store"
	"github.com/signet-id/signet/internal/store/postgres"
	"github.com/signet-id/signet/internal/store/sqlite"
	"github.com/signet-id/signet/internal/throttle"
	"github.com/signet-id/signet/internal/web"
	"github.com/signet-id/signet/verify"
)

// Config configures a server. Zero values are the defaults of `signet serve`.
type Config struct {
	// Addr is where to listen; default 127.0.0.1:8080.
	Addr string
	// Database is sqlite:PATH or a postgres:// URL; default sqlite under DataDir.
	Database string
	// DataDir holds the SQLite database and the master key file; default ./signet-data.
	DataDir string
	// AdminToken (SIGNET_ADMIN_TOKEN) is an owner API token, 32 characters or more.
	AdminToken string
	// SessionLifetime is how long SDK sessions last; default 30 days.
	SessionLifetime time.Duration
	// Logger receives structured logs; default: text on stderr at info.
	Logger *slog.Logger
	// Getenv reads SIGNET_MASTER_KEY(_FILE); default os.Getenv.
	Getenv func(string) string
	// Out receives what a person starting the server must read (where to go,
	// the first-run token); default stdout.
	Out io.Writer
	// Now is the clock; default time.Now.
	Now func() time.Time
	// ShutdownTimeout bounds the graceful shutdown; default 15 s.
	ShutdownTimeout time.Duration
	// Guard holds the brute-force limits and suspicious-activity signals.
	Guard login.Guard
	// TrustedProxies are the proxies whose X-Forwarded-For is believed.
	TrustedProxies []netip.Prefix
	// Demo seeds a demo workspace, app and user and serves /demo.
	Demo bool
	// LogRetention is how long the verification log is kept; default
	// DefaultLogRetention (30 days); negative keeps it forever. Ended
	// sessions are kept SessionGrace after they end (retention.go).
	LogRetention time.Duration
	// PublicURL is where people open Signet (https://… behind a TLS proxy);
	// InsecureCookies lets the dashboard sign in over plain HTTP (transport.go).
	PublicURL       string
	InsecureCookies bool
	// Streams bound the live event streams (per session, per address, per
	// node, lifetime); the per-node cap never exceeds three quarters of
	// MaxConnections.
	Streams httpapi.StreamLimits
	// MaxConnections caps the connections open at once (connlimit.go); 0:
	// DefaultMaxConnections, or less when the open-file limit is lower.
	MaxConnections int
	// MetricsAddr, when set, serves /metrics there without a token, and
	// not on Addr (where it needs an owner or metrics token otherwise).
	MetricsAddr string
	// Outbound is the policy of requests Signet makes itself (a brand's
	// JWKS): nil allows public HTTPS addresses only (SIGNET_OUTBOUND_ALLOW
	// lists more).
	Outbound *outbound.Policy
	// SetupTokenLifetime is how long the first-run owner token works;
	// default DefaultSetupTokenLifetime. KeepSetupToken keeps it working
	// after an owner account exists (it is revoked then otherwise).
	SetupTokenLifetime time.Duration
	KeepSetupToken     bool
}

// DefaultSetupTokenLifetime is the first-run owner token's life: unused
// by then, the next start prints a new one.
const DefaultSetupTokenLifetime = 7 * 24 * time.Hour

// Main is a running (or ready to run) server.
type Main struct {
	cfg         Config
	store       store.Store
	bus         events.Bus
	limiter     *throttle.Limiter
	stopping    chan struct{} // closed at shutdown: event streams end
	demo        *demo.Demo    // set with Config.Demo
	handler     http.Handler
	metrics     http.Handler // served on MetricsAddr
	listener    net.Listener
	draining    atomic.Bool
	metricsAddr atomic.Value // string: where /metrics is served, with MetricsAddr
	jwks        *jwks.Fetcher
	staff       *staff.Service
}

// New opens the database and the master key and builds the handler; Run
// then serves. Close releases what New opened if Run is never called.
func New(ctx context.Context, cfg Config) (*Main, error) {
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:8080"
	}
	if cfg.DataDir == "" {
		cfg.DataDir = "signet-data"
	}
	if cfg.Database == "" {
		cfg.Database = "sqlite:" + filepath.Join(cfg.DataDir, "signet.db")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	if cfg.Getenv == nil {
		cfg.Getenv = os.Getenv
	}
	if cfg.Out == nil {
		cfg.Out = os.Stdout
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	// Times leave Signet as the database keeps them: UTC, in milliseconds,
	// so an answer and a later read agree.
	clock := cfg.Now
	cfg.Now = func() time.Time { return clock().UTC().Truncate(time.Millisecond) }
	if cfg.ShutdownTimeout == 0 {
		cfg.ShutdownTimeout = 15 * time.Second
	}
	if cfg.LogRetention == 0 {
		cfg.LogRetention = DefaultLogRetention
	}
	cfg.MaxConnections = maxConnections(cfg.MaxConnections)
	if cfg.Streams.Total == 0 {
		cfg.Streams.Total = httpapi.DefaultStreams
	}
	cfg.Streams.Total = streamsUnder(cfg.Streams.Total, cfg.MaxConnections)
	if cfg.AdminToken != "" && len(cfg.AdminToken) < 32 {
		return nil, errors.New("SIGNET_ADMIN_TOKEN must be 32 characters or more")
	}
	st, err := OpenStore(ctx, cfg.Database)
	if err != nil {
		return nil, err
	}
	key, source, err := secretbox.LoadMasterKey(cfg.Getenv, cfg.DataDir)
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("master key: %w", err)
	}
	box, err := openBox(cfg.Getenv, key)
	if err != nil {
		st.Close()
		return nil, err
	}
	cfg.Logger.Info("master key loaded", "from", string(source))
	// Keys made before the database held the one-profile rule get their
	// material now (a no-op once done).
	if n, err := st.SetKeyMaterials(ctx, false, keyMaterial(box)); err != nil {
		st.Close()
		return nil, fmt.Errorf("key materials: %w", err)
	} else if n > 0 {
		cfg.Logger.Info("key materials set", "keys", n)
	}
	// Fingerprints are keyed with the master key: those of an upgrade
	// (unkeyed, cleared by migration 0011) or of a rotation are made again.
	if n, err := keyring.Refingerprint(ctx, st, box); err != nil {
		st.Close()
		return nil, fmt.Errorf("key fingerprints: %w", err)
	} else if n > 0 {
		cfg.Logger.Info("key fingerprints recomputed under the master key", "keys", n)
	}
	bus, err := openBus(ctx, cfg.Database, cfg.Logger)
	if err != nil {
		st.Close()
		return nil, err
	}
	// Apps, keys and sessions are cached on this node and kept true on
	// every node through the bus; failures are counted in memory, in the
	// database, and on every node through the bus.
	cached := cache.New(st, bus, nil, cfg.Logger)
	limiter := throttle.New(cached, bus, func(msg string, err error) { cfg.Logger.Warn(msg, "err", err) })
	st = cached
	m := &Main{cfg: cfg, store: st, bus: bus, limiter: limiter, stopping: make(chan struct{})}
	logins := &login.Service{Store: st, Box: box, Now: cfg.Now, SessionLifetime: cfg.SessionLifetime, Log: cfg.Logger,
		Guard: cfg.Guard, Limiter: limiter}
	conv := &conversation.Service{Store: st, Bus: bus, Log: cfg.Logger, Now: cfg.Now}
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "signet_cache_hits_total",
			Help: "Reads of apps, keys and sessions this node answered from its cache."},
			func() float64 { h, _ := cached.Stats(); return float64(h) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "signet_cache_misses_total",
			Help: "Reads of apps, keys and sessions this node had to make in the database (not cached, or not trusted: the events bus was not listening)."},
			func() float64 { _, m := cached.Stats(); return float64(m) }))
	// Brands' JWKS, fetched under the outbound policy; their keys become
	// the apps' keys (internal/jwks).
	fetcher := jwks.New(st, box, cfg.Outbound, cfg.Logger)
	fetcher.Now = cfg.Now
	jwksFetches := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "signet_jwks_fetches_total",
		Help: "Fetches of apps' JWKS by result (ok, failed); a failed fetch keeps the last good set in force and is shown on the app's page."},
		[]string{"result"})
	reg.MustRegister(jwksFetches)
	fetcher.Observe = func(result string) { jwksFetches.WithLabelValues(result).Inc() }
	m.jwks = fetcher
	logins.JWKS = fetcher
	adm := admin.New(st, box, cfg.Now, cfg.Logger)
	adm.UseJWKS(fetcher)
	staffs := staff.New(staff.Config{Store: st, Limiter: limiter, Now: cfg.Now, Logger: cfg.Logger, AdminToken: cfg.AdminToken,
		KeepSetupToken: cfg.KeepSetupToken})
	m.staff = staffs
	api := httpapi.New(httpapi.Config{Database: st, Logins: logins, Logger: cfg.Logger, Admin: adm, Staff: staffs,
		Registry: reg, AdminToken: cfg.AdminToken, Now: cfg.Now, Draining: m.draining.Load,
		Conversations: conv, Bus: bus, Stopping: m.stopping, TrustedProxies: cfg.TrustedProxies,
		Streams: cfg.Streams, MetricsElsewhere: cfg.MetricsAddr != ""})
	m.metrics = promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	// The dashboard (and the widget's script) is a client of the API, in
	// process; it sets its own security headers, so it is not wrapped by
	// the API's middleware.
	dashboard := web.New(web.Config{API: api, Logger: cfg.Logger, Now: cfg.Now, TrustedProxies: cfg.TrustedProxies,
		Staff: staffs, Admin: adm, Logins: logins, Conversations: conv,
		Transport: web.Transport{PublicURL: cfg.PublicURL, InsecureCookies: cfg.InsecureCookies}})
	var demoPage http.Handler
	if cfg.Demo {
		d, err := demo.Seed(ctx, demo.Deps{Store: st, Box: box, Logins: logins, Conversations: conv, Now: cfg.Now})
		if err != nil {
			m.close()
			return nil, fmt.Errorf("demo: %w", err)
		}
		m.demo, demoPage = d, d.Handler()
	}
	m.handler = withHSTS(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case demoPage != nil && (r.URL.Path == "/demo" || strings.HasPrefix(r.URL.Path, "/demo/")):
			demoPage.ServeHTTP(w, r)
		case web.Handles(r.URL.Path):
			dashboard.ServeHTTP(w, r)
		default:
			api.ServeHTTP(w, r)
		}
	}), cfg.TrustedProxies)
	return m, nil
}

// openBox makes the secret box from the master key and, during a rotation,
// the previous one ($SIGNET_MASTER_KEY_PREVIOUS).
func openBox(getenv func(string) string, key []byte) (*secretbox.Box, error) {
	prev, err := secretbox.LoadPreviousMasterKey(getenv)
	if err != nil {
		return nil, err
	}
	var previous [][]byte
	if prev != nil {
		previous = append(previous, prev)
	}
	box, err := secretbox.New(key, previous...)
	if err != nil {
		return nil, fmt.Errorf("master key: %w", err)
	}
	return box, nil
}

// keyMaterial computes a key's material (keyring.Material) from its sealed
// secret; nil for a secret its profile cannot use.
func keyMaterial(box *secretbox.Box) func(k *model.Key, p verify.Profile) ([]byte, error) {
	return func(k *model.Key, p verify.Profile) ([]byte, error) {
		secret, err := keyring.Open(box, k)
		if err != nil {
			return nil, fmt.Errorf("key %s does not open: %w", k.ID, err)
		}
		m, err := keyring.Material(box, p, secret)
		if err != nil {
			return nil, nil
		}
		return m, nil
	}
}

// RotateMasterKey re-seals every app secret under the master key (the new
// one) that was sealed under $SIGNET_MASTER_KEY_PREVIOUS, in one transaction.
func RotateMasterKey(ctx context.Context, cfg Config) (int, error) {
	if cfg.DataDir == "" {
		cfg.DataDir = "signet-data"
	}
	if cfg.Database == "" {
		cfg.Database = "sqlite:" + filepath.Join(cfg.DataDir, "signet.db")
	}
	prev, err := secretbox.LoadPreviousMasterKey(cfg.Getenv)
	if err != nil {
		return 0, err
	}
	if prev == nil {
		return 0, errors.New("set SIGNET_MASTER_KEY to the new master key and SIGNET_MASTER_KEY_PREVIOUS to the current one")
	}
	key, _, err := secretbox.LoadMasterKey(cfg.Getenv, cfg.DataDir)
	if err != nil {
		return 0, fmt.Errorf("master key: %w", err)
	}
	box, err := openBox(cfg.Getenv, key)
	if err != nil {
		return 0, err
	}
	st, err := OpenStore(ctx, cfg.Database)
	if err != nil {
		return 0, err
	}
	defer st.Close()
	n, err := st.ResealKeys(ctx, func(k *model.Key) ([]byte, error) {
		sealed, err := box.Reseal(k.Sealed, k.ID)
		if err != nil {
			return nil, fmt.Errorf("key %s opens with neither master key: %w", k.ID, err)
		}
		if secret, err := box.Open(sealed, k.ID); err == nil {
			k.Fingerprint = keyring.Fingerprint(box, string(secret)) // keyed with the new master key
		}
		return sealed, nil
	})
	if err != nil {
		return n, err
	}
	// Every key's material is a digest under the master key: recompute
	// them all under the new one.
	if _, err := st.SetKeyMaterials(ctx, true, keyMaterial(box)); err != nil {
		return n, fmt.Errorf("the keys were resealed, but their materials were not recomputed (run it again): %w", err)
	}
	return n, nil
}

// openBus returns the live-update bus: in process for SQLite (one process),
// LISTEN/NOTIFY for PostgreSQL, so that streams on every node hear of every
// change.
func openBus(ctx context.Context, dsn string, log *slog.Logger) (events.Bus, error) {
	if strings.HasPrefix(dsn, "sqlite:") {
		return events.NewLocal(), nil
	}
	bus, err := events.NewPostgres(ctx, dsn, log)
	if err != nil {
		return nil, fmt.Errorf("live updates: %w", err)
	}
	return bus, nil
}

// OpenStore opens the database named by dsn: sqlite:PATH or postgres://…
func OpenStore(ctx context.Context, dsn string) (store.Store, error) {
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		return sqlite.Open(ctx, strings.TrimPrefix(dsn, "sqlite:"))
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return postgres.Open(ctx, dsn)
	}
	return nil, errors.New("--database must be sqlite:PATH or a postgres:// URL")
}

// Handler is the server's HTTP handler (for in-process benchmarks).
func (m *Main) Handler() http.Handler { return m.handler }

// Listen binds the address; Addr then tells where (useful with port 0).
func (m *Main) Listen() error {
	l, err := net.Listen("tcp", m.cfg.Addr)
	if err != nil {
		return err
	}
	m.listener = newLimitListener(l, m.cfg.MaxConnections)
	return nil
}

// Addr is the address the server listens on, once Listen has run.
func (m *Main) Addr() string { return m.listener.Addr().String() }

// Run serves until ctx ends, then shuts down gracefully: it stops taking
// connections, finishes the requests in flight (every acknowledged write is
// committed before its answer is sent), and closes the database.
func (m *Main) Run(ctx context.Context) error {
	if m.listener == nil {
		if err := m.Listen(); err != nil {
			m.close()
			return err
		}
	}
	if err := m.bootstrap(ctx); err != nil {
		m.close()
		return err
	}
	srv := &http.Server{
		Handler:           m.handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    32 << 10,
		ErrorLog:          slog.NewLogLogger(m.cfg.Logger.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(m.listener) }()
	if m.cfg.MetricsAddr != "" {
		stop, err := m.serveMetrics()
		if err != nil {
			srv.Close()
			<-served
			m.close()
			return fmt.Errorf("--metrics-addr: %w", err)
		}
		defer stop()
	}
	go m.purgeThrottles(ctx)
	go m.prune(ctx)
	m.cfg.Logger.Info("signet is serving", "addr", m.Addr(), "max_connections", m.cfg.MaxConnections, "max_streams", m.cfg.Streams.Total)
	var err error
	select {
	case err = <-served:
	case <-ctx.Done():
		m.draining.Store(true)
		close(m.stopping)
		m.cfg.Logger.Info("shutting down: finishing requests in flight")
		sctx, cancel := context.WithTimeout(context.Background(), m.cfg.ShutdownTimeout)
		err = srv.Shutdown(sctx)
		cancel()
		<-served
	}
	if cerr := m.close(); err == nil {
		err = cerr
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// serveMetrics serves /metrics alone on MetricsAddr, and returns its stop.
func (m *Main) serveMetrics() (stop func(), err error) {
	l, err := net.Listen("tcp", m.cfg.MetricsAddr)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.metrics)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, WriteTimeout: 30 * time.Second,
		ErrorLog: slog.NewLogLogger(m.cfg.Logger.Handler(), slog.LevelWarn)}
	go srv.Serve(l)
	m.metricsAddr.Store(l.Addr().String())
	m.cfg.Logger.Info("metrics are served on their own address", "addr", l.Addr().String())
	return func() { srv.Close() }, nil
}

// MetricsAddr is where --metrics-addr serves /metrics once Run started it
// ("" before, or when it is not set).
func (m *Main) MetricsAddr() string {
	a, _ := m.metricsAddr.Load().(string)
	return a
}

// purgeThrottles deletes ended failure windows, and the known addresses
// older than login.KnownAddressAge, now and then.
func (m *Main) purgeThrottles(ctx context.Context) {
	every(ctx, 5*time.Minute, func() {
		if _, err := m.store.PurgeThrottles(ctx, m.cfg.Now()); err != nil && ctx.Err() == nil {
			m.cfg.Logger.Warn("purging throttle windows failed", "err", err)
		}
		if _, err := m.store.ForgetAddresses(ctx, m.cfg.Now().Add(-login.KnownAddressAge)); err != nil && ctx.Err() == nil {
			m.cfg.Logger.Warn("forgetting old known addresses failed", "err", err)
		}
	})
}

// every runs fn every d until ctx ends.
func every(ctx context.Context, d time.Duration, fn func()) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fn()
		}
	}
}

// Close releases the database when Run was never called.
func (m *Main) Close() error { return m.close() }

func (m *Main) close() error {
	if m.jwks != nil {
		m.jwks.Close() // background fetches end before the store closes
	}
	m.limiter.Close()
	serr := m.store.Close() // the queued logins are written first
	berr := m.bus.Close()
	if serr != nil {
		return serr
	}
	return berr
}

// bootstrap tells a person where to go and, on a fresh install without
// SIGNET_ADMIN_TOKEN, creates an owner API token and prints it once.
func (m *Main) bootstrap(ctx context.Context) error {
	url := "http://" + m.Addr()
	fmt.Fprintf(m.cfg.Out, "Signet is running at %s  (API description: %s/openapi.json)\n", url, url)
	m.sayTransport()
	if m.demo != nil {
		fmt.Fprintf(m.cfg.Out, "\nDemo: %s/demo — a brand's page with the support widget, signed in as %s (verified).\n", url, demo.UserName)
		if m.demo.AccountPassword != "" {
			fmt.Fprintf(m.cfg.Out, "Dashboard: %s/dashboard/ — sign in as %s with the password %s (shown once).\n", url, demo.AccountEmail, m.demo.AccountPassword)
			fmt.Fprintf(m.cfg.Out, "  That account administers the demo workspace only: the owner's set-up below stays open.\n")
		} else {
			// The database URL may hold a password: never printed.
			where := "--database \"$SIGNET_DATABASE\""
			if strings.HasPrefix(m.cfg.Database, "sqlite:") {
				where = "--database " + m.cfg.Database
			}
			fmt.Fprintf(m.cfg.Out, "Dashboard: %s/dashboard/ — sign in as %s with the password shown on the first demo run\n  (lost it? signet admin reset-password %s --email %s).\n\n", url, demo.AccountEmail, where, demo.AccountEmail)
		}
	}
	// Once an owner account exists, a first-run token left from before
	// (an upgrade, or a setup on another node) stops working.
	if n, err := m.staff.RevokeFirstRunTokens(ctx, &model.Actor{Role: model.RoleOwner, Address: "local"}); err != nil {
		return err
	} else if n > 0 {
		fmt.Fprintf(m.cfg.Out, "The first-run owner token is revoked: an owner account exists (start with --keep-setup-token to keep it).\n")
	}
	if m.cfg.AdminToken != "" {
		fmt.Fprintln(m.cfg.Out, "Admin API: use SIGNET_ADMIN_TOKEN as the bearer token. Owner tokens (this one too, not its value):\n"+
			"    GET /api/admin/tokens; revoke one with DELETE /api/admin/tokens/ID.")
		return nil
	}
	need, err := m.staff.NeedsSetupToken(ctx)
	if err != nil || !need {
		return err
	}
	text, hash := httpapi.NewOwnerToken()
	life := m.cfg.SetupTokenLifetime
	if life <= 0 {
		life = DefaultSetupTokenLifetime
	}
	now := m.cfg.Now()
	t := &model.APIToken{ID: model.NewID("tok"), Role: model.RoleOwner, Name: staff.FirstRunTokenName, TokenHash: hash, CreatedAt: now,
		ExpiresAt: new(now.Add(life))}
	if err := m.store.CreateAPIToken(ctx, t, nil); err != nil {
		return err
	}
	keep := "It is revoked as soon as the owner account exists (start with --keep-setup-token to keep it)"
	if m.cfg.KeepSetupToken {
		keep = "It stays after the owner account exists (--keep-setup-token)"
	}
	defer fmt.Fprintf(m.cfg.Out, `%s; it expires %s
unused (the next start then prints a new one). List owner tokens with GET /api/admin/tokens and revoke
one with DELETE /api/admin/tokens/%s.

`, keep, t.ExpiresAt.Format(time.RFC3339), t.ID)
	fmt.Fprintf(m.cfg.Out, `
First run. This owner API token is shown once and never again; keep it in a password manager:

    %s

Create your first workspace:
    curl -H "Authorization: Bearer %s" -H "Content-Type: application/json" -d '{"name":"My brand"}' %s/api/admin/workspaces

Or open the dashboard and paste the token to create the owner account:
    %s/dashboard/setup

`, text, text, url, url)
	return nil
}
