// Package testserver runs a Signet server over real HTTP for the end-to-end
// tests of internal/server and internal/web, and fails a test when a secret
// it sent or received through the helpers here stands in the server's logs.
//
// It is for tests only: no other package may import it.
package testserver

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/signet-id/signet/internal/server"
	"github.com/signet-id/signet/internal/store/storetest"
	"github.com/signet-id/signet/sign"
	"github.com/signet-id/signet/verify"
)

// AdminToken is the SIGNET_ADMIN_TOKEN every test server starts with.
const AdminToken = "test-admin-token-0123456789abcdef0123456789"

// Clock is a fake clock the tests move by hand.
type Clock struct{ unix atomic.Int64 }

// NewClock returns a clock at 2026-11-21 12:00 UTC.
func NewClock() *Clock {
	c := &Clock{}
	c.Set(time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC))
	return c
}

// Now is the clock's time.
func (c *Clock) Now() time.Time { return time.UnixMilli(c.unix.Load()).UTC() }

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) { c.unix.Add(d.Milliseconds()) }

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) { c.unix.Store(t.UnixMilli()) }

// Sign returns a signer for profile p on the clock's time.
func (c *Clock) Sign(p verify.Profile) *sign.Signer { return &sign.Signer{Profile: p, Now: c.Now} }

// Buffer is a bytes.Buffer safe for the server's goroutines.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (s *Buffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String is everything written so far.
func (s *Buffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// Backends are the databases every end-to-end test runs on.
var Backends = []string{"sqlite", "postgres"}

// Database returns the DSN of a fresh database of backend ("sqlite", in
// dir, or "postgres").
func Database(t testing.TB, backend, dir string) string {
	t.Helper()
	if backend == "postgres" {
		return storetest.PostgresURL(t)
	}
	return "sqlite:" + filepath.Join(dir, "signet.db")
}

// Server is a running server over real HTTP.
type Server struct {
	URL   string
	Clock *Clock
	// Main is nil when the server runs as another process.
	Main *server.Main
	// Logs holds what the server logged, at debug level.
	Logs *Buffer
	// Out holds what the server printed for the person starting it.
	Out *Buffer
	// DSN and DataDir let a test open the same database from a second server.
	DSN, DataDir string

	secrets *secrets
}

// Start runs a server in this process on the database dsn, with dir as its
// data directory, the clock clk, debug logging into Logs and AdminToken.
// When the test ends it stops the server and checks its logs (CheckLeaks).
func Start(t testing.TB, dsn, dir string, clk *Clock, configure ...func(*server.Config)) *Server {
	t.Helper()
	s := &Server{Clock: clk, Logs: &Buffer{}, Out: &Buffer{}, DSN: dsn, DataDir: dir, secrets: secretsOf(t)}
	ctx, cancel := context.WithCancel(context.Background())
	cfg := server.Config{Addr: "127.0.0.1:0", Database: dsn, DataDir: dir, AdminToken: AdminToken,
		Logger: slog.New(slog.NewTextHandler(s.Logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Getenv: func(string) string { return "" }, Out: s.Out, Now: clk.Now}
	for _, c := range configure {
		c(&cfg)
	}
	m, err := server.New(ctx, cfg)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if err := m.Listen(); err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("server stopped with %v", err)
		}
		s.CheckLeaks(t)
	})
	s.URL, s.Main = "http://"+m.Addr(), m
	// Run prints its first lines once it serves.
	for i := 0; i < 200 && !strings.Contains(s.Out.String(), "Signet is running"); i++ {
		time.Sleep(5 * time.Millisecond)
	}
	return s
}

// Attach is a server that runs as another process, at url, logging into
// logs and printing into out. The caller stops the process when the test
// ends and then calls CheckLeaks.
func Attach(t testing.TB, url string, clk *Clock, logs, out *Buffer) *Server {
	return &Server{URL: url, Clock: clk, Logs: logs, Out: out, secrets: secretsOf(t)}
}

// Answer is an answer of the server, decoded when it is JSON.
type Answer struct {
	Status int
	Body   map[string]any
	Header http.Header
	Raw    string
}

// Code is the error code of an error answer.
func (a Answer) Code() string {
	e, _ := a.Body["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

// Str is the string field key of the answer.
func (a Answer) Str(key string) string { s, _ := a.Body[key].(string); return s }

// Send sends req with client (http.DefaultClient when nil) and reads the
// answer. It remembers the secrets of the request's JSON body, its bearer
// token and the answer for CheckLeaks. The error is a failed request, or an
// answer that says it is JSON and is not.
func (s *Server) Send(client *http.Client, req *http.Request) (Answer, error) {
	if client == nil {
		client = http.DefaultClient
	}
	if token, ok := strings.CutPrefix(req.Header.Get("Authorization"), "Bearer "); ok {
		s.Remember("bearer token", token)
	}
	if req.Body != nil {
		body, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return Answer{}, err
		}
		s.rememberJSON(body)
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	resp, err := client.Do(req)
	if err != nil {
		return Answer{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return Answer{}, err
	}
	a := Answer{Status: resp.StatusCode, Header: resp.Header, Raw: string(raw)}
	if len(raw) > 0 {
		err := json.Unmarshal(raw, &a.Body)
		if err != nil && strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			return a, fmt.Errorf("%s %s: the answer is not JSON: %q", req.Method, req.URL.Path, raw)
		}
		s.rememberJSON(raw)
	}
	return a, nil
}

// Do calls the server with a bearer token ("" for none) and a body: nil, a
// string sent as it is, or a value sent as JSON.
func (s *Server) Do(t testing.TB, method, path, token string, body any) Answer {
	t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		r = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, s.URL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	a, err := s.Send(nil, req)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// Must fails the test unless the answer has the status.
func Must(t testing.TB, want int, a Answer) Answer {
	t.Helper()
	if a.Status != want {
		t.Fatalf("status %d, want %d: %s", a.Status, want, a.Raw)
	}
	return a
}

// Workspace creates a workspace and returns its id.
func (s *Server) Workspace(t testing.TB, name string) string {
	t.Helper()
	return Must(t, 201, s.Do(t, "POST", "/api/admin/workspaces", AdminToken, map[string]any{"name": name})).Str("id")
}

// App creates an app in workspace ws (named "app", on the web, unless
// settings say otherwise) and returns its id.
func (s *Server) App(t testing.TB, ws string, settings map[string]any) string {
	t.Helper()
	if settings["name"] == nil {
		settings["name"] = "app"
	}
	if settings["platform"] == nil {
		settings["platform"] = "web"
	}
	return Must(t, 201, s.Do(t, "POST", "/api/admin/workspaces/"+ws+"/apps", AdminToken, settings)).Str("id")
}

// Key generates a key of app or, with a secret, imports it; it returns the
// key's id and secret.
func (s *Server) Key(t testing.TB, app string, secret ...string) (string, string) {
	t.Helper()
	body := map[string]any{}
	if len(secret) > 0 {
		body["secret"] = secret[0]
	}
	a := Must(t, 201, s.Do(t, "POST", "/api/admin/apps/"+app+"/keys", AdminToken, body))
	return a.Str("id"), a.Str("secret")
}

// Login posts a login body to app.
func (s *Server) Login(t testing.TB, app string, body map[string]any) Answer {
	t.Helper()
	return s.Do(t, "POST", "/v1/apps/"+app+"/login", "", body)
}
