package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"github.com/signet-id/signet/internal/outbound"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/signet-id/signet/internal/httpapi"
	"github.com/signet-id/signet/internal/login"
	"github.com/signet-id/signet/internal/server"
)

const rotateHelp = `Usage: signet rotate-master-key [--database DSN] [--data-dir DIR]

Re-encrypts every app secret under a new master key, in one transaction, with
no downtime:

  1. Restart every node with SIGNET_MASTER_KEY=<new> and
     SIGNET_MASTER_KEY_PREVIOUS=<current>: they open secrets under either key
     and seal new ones under the new key.
  2. Run this command with the same two variables (and SIGNET_DATABASE).
  3. Restart the nodes without SIGNET_MASTER_KEY_PREVIOUS.

Both keys may also come from files: SIGNET_MASTER_KEY_FILE and
SIGNET_MASTER_KEY_PREVIOUS_FILE.
`

func runRotate(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := newFlagSet("rotate-master-key", rotateHelp, stderr)
	database := fs.String("database", "", "sqlite:PATH or a postgres:// URL (default sqlite under --data-dir)")
	dataDir := fs.String("data-dir", envOr(getenv, "SIGNET_DATA_DIR", "signet-data"), "where the SQLite database and the master key file live")
	if code, done := parse(fs, args, stdout); done {
		return code
	}
	dsn, err := secretSetting(getenv, "SIGNET_DATABASE")
	if err != nil {
		return usageError(stderr, "rotate-master-key", err)
	}
	if *database != "" {
		dsn = *database
	}
	n, err := server.RotateMasterKey(context.Background(), server.Config{Database: dsn, DataDir: *dataDir, Getenv: getenv})
	if err != nil {
		fmt.Fprintf(stderr, "signet rotate-master-key: %v\nNothing was changed.\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "Re-sealed %d app secrets under the new master key. Restart the nodes without SIGNET_MASTER_KEY_PREVIOUS.\n", n)
	return 0
}

const serveHelp = `Usage: signet serve [--addr 127.0.0.1:8080] [--database DSN] [--demo]

Runs the Signet server. With no flags it keeps its data in an embedded
SQLite database under ./signet-data/ (created on first run) and listens on
127.0.0.1:8080. On the first run it prints an owner API token, once.
With --demo it also seeds a demo brand and serves /demo: the whole product
in one minute.

For production, run many nodes on one PostgreSQL database:
  SIGNET_DATABASE=postgres://signet@db/signet SIGNET_MASTER_KEY_FILE=/run/secrets/signet-master signet serve --addr :8080

Every flag is also read from the environment variable named after it
(SIGNET_ and the flag's name in capitals, dashes as underscores: --addr is
SIGNET_ADDR, --max-identity-failures SIGNET_MAX_IDENTITY_FAILURES); a flag on
the command line wins over its variable. Secrets also come from a file named
by the variable with _FILE appended:
  SIGNET_ADMIN_TOKEN   an owner API token (32+ characters) for set-up by script
  SIGNET_MASTER_KEY    32 bytes (base64 or hex) that encrypt app secrets at rest;
                       without it, DATA_DIR/master.key is created on first run.
                       Every node of one database needs the same key.
  SIGNET_DATABASE      may hold a password: SIGNET_DATABASE_FILE reads it from a file

SIGTERM or Ctrl-C stops it gracefully: requests in flight finish first.
`

// serveOptions are the flags of `signet serve`.
type serveOptions struct {
	addr, database, dataDir string
	lifetime, retention     time.Duration
	logLevel, logFormat     string
	demo                    bool
	pprofAddr, proxies      string
	guard                   login.Guard
	publicURL               string
	insecureCookies         bool
	streams                 httpapi.StreamLimits
	metricsAddr             string
	maxConns                int
	outboundAllow           string
	setupTokenLife          time.Duration
	keepSetupToken          bool
}

// register declares every serve flag: one line each, in the order --help
// lists them. Each is also read from $SIGNET_<NAME> (envflags.go).
func (o *serveOptions) register(fs *flag.FlagSet) {
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "the address to listen on")
	fs.StringVar(&o.database, "database", "", "sqlite:PATH or a postgres:// URL (default sqlite under --data-dir)")
	fs.StringVar(&o.dataDir, "data-dir", "signet-data", "where the SQLite database and the master key file live")
	fs.DurationVar(&o.lifetime, "session-lifetime", 0, "how long SDK sessions last (default 720h, 30 days)")
	fs.DurationVar(&o.retention, "log-retention", 0, "how long the verification log is kept (default 720h, 30 days; negative, such as -1s: forever); ended sessions go 7 days after they end")
	fs.StringVar(&o.logLevel, "log-level", "info", "debug, info, warn or error")
	fs.StringVar(&o.logFormat, "log-format", "text", "text or json")
	fs.BoolVar(&o.demo, "demo", false, "seed a demo workspace, app and user, and serve /demo: a brand's page with the widget, verified")
	fs.StringVar(&o.pprofAddr, "pprof-addr", "", "serve Go's profiler (net/http/pprof) on this address, e.g. 127.0.0.1:6060, to see where a node's time goes (off by default; never expose it)")
	fs.StringVar(&o.proxies, "trusted-proxies", "", "comma-separated addresses or CIDR prefixes of the proxies whose X-Forwarded-For is believed")
	fs.DurationVar(&o.guard.Window, "failure-window", login.DefaultWindow, "how long failed verifications are counted")
	fs.IntVar(&o.guard.IdentityFailures, "max-identity-failures", login.DefaultIdentityFailures, "failed verifications per identity from one address in a window before 429; as many from all unknown addresses lock the identity for addresses and devices it never logged in from (-1: off)")
	fs.IntVar(&o.guard.AddressFailures, "max-address-failures", login.DefaultAddressFailures, "failed verifications per client address in a window before 429 (-1: off)")
	fs.IntVar(&o.guard.FailuresThenSuccess, "suspicious-failures", login.DefaultFailuresThenSuccess, "a success after this many failures of one identity ends the user's sessions (-1: off)")
	fs.IntVar(&o.guard.Devices, "suspicious-devices", login.DefaultDevices, "more devices than this for one user within --suspicious-device-window ends the user's sessions (-1: off)")
	fs.DurationVar(&o.guard.DeviceWindow, "suspicious-device-window", login.DefaultDeviceWindow, "the window of --suspicious-devices")
	fs.IntVar(&o.guard.UnsignedLogins, "max-unsigned-logins", login.DefaultUnsignedLogins, "logins without a proof (anonymous, unsigned) per client address per minute on each node before 429 (-1: off)")
	fs.DurationVar(&o.guard.Delay, "failure-delay", login.DefaultDelay, "past half a failure limit, each further failure is answered this much later, doubling (at most 4s; -1s: off)")
	// Live streams and connections.
	fs.IntVar(&o.streams.PerSession, "max-streams-per-session", httpapi.DefaultStreamsPerSession, "live event streams one session or API token may hold open (-1: off)")
	fs.IntVar(&o.streams.PerAddress, "max-streams-per-address", httpapi.DefaultStreamsPerAddress, "live event streams one client address (an IPv6 /64) may hold open (-1: off)")
	fs.IntVar(&o.streams.Total, "max-streams", httpapi.DefaultStreams, "live event streams this node holds open (at most 3/4 of --max-connections)")
	fs.DurationVar(&o.streams.Lifetime, "stream-lifetime", httpapi.DefaultStreamLifetime, "a live event stream ends after this; the client reconnects")
	fs.StringVar(&o.metricsAddr, "metrics-addr", "", "serve /metrics on this address without a token (e.g. 127.0.0.1:9090), and not on --addr, where it otherwise needs an owner or metrics token")
	fs.IntVar(&o.maxConns, "max-connections", server.DefaultMaxConnections, "connections open at once; past it a connection gets 503 (lowered to fit the open-file limit)")
	fs.StringVar(&o.publicURL, "public-url", "", "where people open Signet, such as https://signet.example.com behind a TLS proxy (the dashboard's sign-in needs HTTPS beyond loopback)")
	fs.StringVar(&o.outboundAllow, "outbound-allow", "", "comma-separated hosts, addresses or CIDR prefixes that requests Signet makes (a brand's JWKS) may reach although private, plain HTTP included (off by default: public HTTPS only)")
	fs.BoolVar(&o.insecureCookies, "insecure-cookies", false, "let the dashboard sign in over plain HTTP (cookies without Secure): a trusted network only, warned at start")
	fs.DurationVar(&o.setupTokenLife, "setup-token-lifetime", server.DefaultSetupTokenLifetime, "how long the first-run owner token works unused (the next start then prints a new one)")
	fs.BoolVar(&o.keepSetupToken, "keep-setup-token", false, "keep the first-run owner token working once an owner account exists (it is revoked then otherwise)")
}

// serveSecretFlags are the serve flags whose variable may hold a secret: read
// through secretSetting (NAME or NAME_FILE), never echoed in an error.
var serveSecretFlags = []string{"database"}

func runServe(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := newFlagSet("serve", serveHelp, stderr)
	var o serveOptions
	o.register(fs)
	nameEnv(fs)
	if code, done := parse(fs, args, stdout); done {
		return code
	}
	if err := applyEnv(fs, getenv, serveSecretFlags...); err != nil {
		return usageError(stderr, "serve", err)
	}
	dsn, err := secretSetting(getenv, "SIGNET_DATABASE")
	if err != nil {
		return usageError(stderr, "serve", err)
	}
	if o.database != "" {
		dsn = o.database
	}
	adminToken, err := secretSetting(getenv, "SIGNET_ADMIN_TOKEN")
	if err != nil {
		return usageError(stderr, "serve", err)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(o.logLevel)); err != nil {
		return usageError(stderr, "serve", fmt.Errorf("--log-level: %v", err))
	}
	opts := &slog.HandlerOptions{Level: level}
	var handler slog.Handler
	switch o.logFormat {
	case "text":
		handler = slog.NewTextHandler(stderr, opts)
	case "json":
		handler = slog.NewJSONHandler(stderr, opts)
	default:
		return usageError(stderr, "serve", errors.New("--log-format must be text or json"))
	}
	if err := server.CheckPublicURL(o.publicURL); err != nil {
		return usageError(stderr, "serve", fmt.Errorf("--public-url: %v", err))
	}
	trusted, err := httpapi.ParseProxies(o.proxies)
	if err != nil {
		return usageError(stderr, "serve", fmt.Errorf("--trusted-proxies: %v", err))
	}
	outboundPolicy, err := outbound.ParsePolicy(o.outboundAllow)
	if err != nil {
		return usageError(stderr, "serve", fmt.Errorf("--outbound-allow: %v", err))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m, err := server.New(ctx, server.Config{Addr: o.addr, Database: dsn, DataDir: o.dataDir, AdminToken: adminToken,
		SessionLifetime: o.lifetime, Logger: slog.New(handler), Getenv: getenv, Out: stdout, Guard: o.guard, TrustedProxies: trusted, Demo: o.demo,
		LogRetention: o.retention, PublicURL: o.publicURL, InsecureCookies: o.insecureCookies,
		Streams: o.streams, MaxConnections: o.maxConns, MetricsAddr: o.metricsAddr,
		Outbound: outboundPolicy, SetupTokenLifetime: o.setupTokenLife, KeepSetupToken: o.keepSetupToken})
	if err != nil {
		fmt.Fprintf(stderr, "signet serve: %v\n", err)
		return 1
	}
	if o.pprofAddr != "" {
		if err := serveProfiler(o.pprofAddr); err != nil {
			fmt.Fprintf(stderr, "signet serve: --pprof-addr: %v\n", err)
			m.Close()
			return 1
		}
	}
	if err := m.Run(ctx); err != nil {
		fmt.Fprintf(stderr, "signet serve: %v\n", err)
		return 1
	}
	return 0
}

// serveProfiler serves net/http/pprof's handlers on addr, apart from the
// API, for an operator measuring where a node's time goes.
func serveProfiler(addr string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	go (&http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}).Serve(l)
	return nil
}

func envOr(getenv func(string) string, name, def string) string {
	if v := getenv(name); v != "" {
		return v
	}
	return def
}

// secretSetting reads NAME, or the file named by NAME_FILE.
func secretSetting(getenv func(string) string, name string) (string, error) {
	v, file := getenv(name), getenv(name+"_FILE")
	switch {
	case v != "" && file != "":
		return "", fmt.Errorf("set %s or %s_FILE, not both", name, name)
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("%s_FILE: %w", name, err)
		}
		return strings.TrimRight(string(b), "\r\n"), nil
	}
	return v, nil
}
