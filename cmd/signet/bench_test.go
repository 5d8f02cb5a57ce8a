package main

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/signet-id/signet/internal/server"
	"github.com/signet-id/signet/internal/testserver"
)

func TestCLIBenchUsage(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"no admin token", []string{"bench", "--target", "http://127.0.0.1:1"}, "--admin-token is required"},
		{"bad rate", []string{"bench", "--admin-token", "t", "--rate", "fast"}, "--rate"},
		{"rate over 100%", []string{"bench", "--admin-token", "t", "--rate", "120%"}, "--rate"},
		{"unknown profile", []string{"bench", "--admin-token", "t", "--profiles", "okta"}, `unknown profile "okta"`},
		{"no connections", []string{"bench", "--admin-token", "t", "-c", "0"}, "must be positive"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := signet(t, tt.args...)
			if code != 2 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, tt.want)
			}
		})
	}
	if stdout, _, code := signet(t, "bench", "--help"); code != 0 || !strings.Contains(stdout, "ceiling") || !strings.Contains(stdout, "80%") {
		t.Errorf("bench --help: exit %d, %q", code, stdout)
	}
}

// TestCLIBench runs the bench against a real server, printing JSON.
func TestCLIBench(t *testing.T) {
	dir := t.TempDir()
	s := testserver.Start(t, testserver.Database(t, "sqlite", dir), dir, testserver.NewClock(), func(c *server.Config) {
		c.Now = time.Now
		c.Logger = slog.New(slog.DiscardHandler)
	})
	stdout, stderr, code := signet(t, "bench", "--target", s.URL, "--admin-token", testserver.AdminToken, "--quiet",
		"--scenario", "login,read", "--users", "10", "-c", "2", "-d", "100ms", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep struct {
		Results []struct {
			Scenario string
			Signet   struct{ Requests int }
		}
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil || len(rep.Results) != 3 {
		t.Fatalf("report (err %v): %s", err, stdout)
	}
	for _, r := range rep.Results {
		if r.Signet.Requests == 0 {
			t.Errorf("%s: no requests", r.Scenario)
		}
	}
}

// TestCLIBenchFailures: a server whose logins start answering 401 after the
// set-up makes the bench exit 1, unless --allow-errors; the table shows it.
func TestCLIBenchFailures(t *testing.T) {
	var logins atomic.Int64
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasSuffix(r.URL.Path, "/login") && logins.Add(1) <= 3:
			io.WriteString(w, `{"session_token":"sst_x","verified":true}`)
		case strings.HasSuffix(r.URL.Path, "/login"):
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"error":{"code":"signature_mismatch","message":"no"}}`)
		case strings.HasSuffix(r.URL.Path, "/keys"):
			w.WriteHeader(http.StatusCreated)
			io.WriteString(w, `{"id":"key_1","secret":"a-secret-of-the-fake-0123456789"}`)
		default:
			w.WriteHeader(http.StatusCreated)
			io.WriteString(w, `{"id":"x_1"}`)
		}
	}))
	defer fake.Close()
	args := []string{"bench", "--target", fake.URL, "--admin-token", "t", "--quiet", "--scenario", "login", "--profiles", "intercom", "--users", "3", "-c", "2", "-d", "50ms"}
	stdout, stderr, code := signet(t, args...)
	if code != 1 || !strings.Contains(stderr, "401") || !strings.Contains(stdout, "FAILURES") {
		t.Errorf("exit %d, want 1\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	logins.Store(0)
	if _, stderr, code := signet(t, append(args, "--allow-errors")...); code != 0 {
		t.Errorf("--allow-errors: exit %d: %s", code, stderr)
	}
}
