package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/signet-id/signet/internal/loadgen"
	"github.com/signet-id/signet/verify"
)

const benchHelp = `Usage: signet bench --target URL [--admin-token T] [--scenario LIST] [--profiles LIST]
                    [-c 64] [-d 10s] [--rounds N] [--rate N|P%] [--pid PID] [--json]

Drives a running Signet over real HTTP with a brand's traffic, to size a
deployment. It sets up its own workspace, one app and key per profile
(enforcement "enforce", on_failure "reject"), --users users (each logged in
once and with one issue) through the admin API, then runs each scenario:

  login        returning verified logins, cycling over the users, per profile
  first-login  a user Signet has never seen, each request, per profile
  read         GET /v1/issues with a session token
  post         POST /v1/issues/{id}/messages with a session token
  stream       --streams open GET /v1/events streams; the time an agent's
               reply takes to reach each of them

On another loopback port it serves its own ceiling: a handler that only
decodes the same request and writes a fixed answer. Each round measures the
ceiling, then Signet, with the same generator, and every figure is reported
beside the ceiling's: requests/s, p50, p99, p999 and max latency, non-2xx
answers and errors. Any non-2xx answer or error makes the exit status 1,
unless --allow-errors.

Closed loop by default: -c connections, each sending its next request as
soon as it has an answer. --rate 500 holds 500 requests/s; --rate 80% first
measures the maximum, then holds 80 % of it. At a fixed rate, latency counts
from the moment each request was due, so a server that falls behind is
charged for the wait.

These flags can also be set in the environment: SIGNET_BENCH_TARGET,
SIGNET_ADMIN_TOKEN (or SIGNET_ADMIN_TOKEN_FILE), SIGNET_BENCH_SCENARIOS,
SIGNET_BENCH_PROFILES.

Example, against a server started with SIGNET_ADMIN_TOKEN set:
  signet bench --target http://127.0.0.1:8080 --scenario login --rounds 3 --pid $(pgrep -n signet)
`

func runBench(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := newFlagSet("bench", benchHelp, stderr)
	target := fs.String("target", envOr(getenv, "SIGNET_BENCH_TARGET", "http://127.0.0.1:8080"), "the URL of the running Signet")
	adminToken := fs.String("admin-token", "", "an owner API token of the target (default $SIGNET_ADMIN_TOKEN)")
	scenarios := fs.String("scenario", envOr(getenv, "SIGNET_BENCH_SCENARIOS", ""), "comma-separated scenarios (default all: login,first-login,read,post,stream)")
	profiles := fs.String("profiles", envOr(getenv, "SIGNET_BENCH_PROFILES", "intercom,signet"), "comma-separated profiles: one app each; login and first-login run for each")
	users := fs.Int("users", loadgen.DefaultUsers, "distinct users, each logged in once and given one issue during set-up")
	conns := fs.Int("c", loadgen.DefaultConcurrency, "connections (requests in flight)")
	duration := fs.Duration("d", loadgen.DefaultDuration, "the length of each measured run")
	rounds := fs.Int("rounds", loadgen.DefaultRounds, "rounds of ceiling then Signet, per scenario")
	rate := fs.String("rate", "", "hold a fixed rate: N requests/s, or P% of the maximum measured first (default: closed loop)")
	streams := fs.Int("streams", loadgen.DefaultStreams, "event streams the stream scenario opens")
	messages := fs.Int("stream-messages", loadgen.DefaultStreamMessages, "agent replies whose fan-out the stream scenario times")
	pid := fs.Int("pid", 0, "the server's process id: its resident memory (VmRSS) is reported at the start and end of each run")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	allowErrors := fs.Bool("allow-errors", false, "exit 0 even when some requests failed (they are still reported)")
	quiet := fs.Bool("quiet", false, "do not report progress on stderr")
	if code, done := parse(fs, args, stdout); done {
		return code
	}
	cfg := loadgen.Config{Target: *target, Users: *users, Concurrency: *conns, Duration: *duration, Rounds: *rounds,
		Streams: *streams, StreamMessages: *messages, PID: *pid}
	cfg.AdminToken = *adminToken
	if cfg.AdminToken == "" {
		t, err := secretSetting(getenv, "SIGNET_ADMIN_TOKEN")
		if err != nil {
			return usageError(stderr, "bench", err)
		}
		cfg.AdminToken = t
	}
	if cfg.AdminToken == "" {
		return usageError(stderr, "bench", errors.New("--admin-token is required (or $SIGNET_ADMIN_TOKEN): the bench sets up its own workspace"))
	}
	for _, name := range list(*scenarios) {
		cfg.Scenarios = append(cfg.Scenarios, loadgen.Scenario(name))
	}
	for _, name := range list(*profiles) {
		p, err := verify.ParseProfile(name)
		if err != nil {
			return usageError(stderr, "bench", fmt.Errorf("--profiles: %v", err))
		}
		cfg.Profiles = append(cfg.Profiles, p)
	}
	r, err := parseRate(*rate)
	if err != nil {
		return usageError(stderr, "bench", fmt.Errorf("--rate: %v", err))
	}
	cfg.Rate = r
	if *users <= 0 || *conns <= 0 || *duration <= 0 || *rounds <= 0 || *streams <= 0 || *messages <= 0 {
		return usageError(stderr, "bench", errors.New("--users, -c, -d, --rounds, --streams and --stream-messages must be positive"))
	}
	if !*quiet {
		cfg.Progress = func(format string, args ...any) {
			fmt.Fprintf(stderr, "%s  %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := loadgen.Run(ctx, cfg)
	if rep != nil {
		if *asJSON {
			rep.WriteJSON(stdout)
		} else {
			rep.WriteTable(stdout)
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "signet bench: %v\n", err)
		return 1
	}
	if ferr := rep.Err(); ferr != nil && !*allowErrors {
		fmt.Fprintf(stderr, "signet bench: %d failed requests (--allow-errors to exit 0 anyway): %v\n", rep.Failures(), ferr)
		return 1
	}
	return 0
}

// parseRate reads --rate: "" (closed loop), "500" requests/s or "80%".
func parseRate(s string) (loadgen.Rate, error) {
	if s == "" {
		return loadgen.Rate{}, nil
	}
	if p, ok := strings.CutSuffix(s, "%"); ok {
		v, err := strconv.ParseFloat(p, 64)
		if err != nil || v <= 0 || v > 100 {
			return loadgen.Rate{}, errors.New("want a share of the maximum between 0 and 100%, such as 80%")
		}
		return loadgen.Rate{Fraction: v / 100}, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v <= 0 {
		return loadgen.Rate{}, errors.New("want requests per second, such as 500, or a share of the maximum, such as 80%")
	}
	return loadgen.Rate{Fixed: v}, nil
}

// list splits a comma-separated flag, dropping empty items.
func list(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}
