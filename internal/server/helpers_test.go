package server_test

import (
	"bytes"
	"context"
	"encoding/json"
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

const adminToken = "test-admin-token-0123456789abcdef0123456789"

// clock is a fake clock the tests move by hand.
type clock struct{ unix atomic.Int64 }

func newClock() *clock {
	c := &clock{}
	c.unix.Store(time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC).UnixMilli())
	return c
}

func (c *clock) Now() time.Time                     { return time.UnixMilli(c.unix.Load()).UTC() }
func (c *clock) Advance(d time.Duration)            { c.unix.Add(d.Milliseconds()) }
func (c *clock) Sign(p verify.Profile) *sign.Signer { return &sign.Signer{Profile: p, Now: c.Now} }

// testServer is a running server over real HTTP.
type testServer struct {
	t     *testing.T
	URL   string
	Clock *clock
	Main  *server.Main
	logs  *syncBuffer
	// DSN and DataDir let a test open the same database from a second process.
	DSN, DataDir string
}

// syncBuffer collects the server's logs for the secret scan.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// backends are the databases every end-to-end test runs on.
var backends = []string{"sqlite", "postgres"}

// dsnFor returns a fresh database of the backend.
func dsnFor(t *testing.T, backend, dir string) string {
	if backend == "postgres" {
		return storetest.PostgresURL(t)
	}
	return "sqlite:" + filepath.Join(dir, "signet.db")
}

// start runs a server on backend with a fake clock and debug logging.
func start(t *testing.T, backend string, configure ...func(*server.Config)) *testServer {
	t.Helper()
	dir := t.TempDir()
	return startOn(t, dsnFor(t, backend, dir), dir, newClock(), configure...)
}

func startOn(t *testing.T, dsn, dir string, clk *clock, configure ...func(*server.Config)) *testServer {
	t.Helper()
	logs := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	cfg := server.Config{Addr: "127.0.0.1:0", Database: dsn, DataDir: dir, AdminToken: adminToken,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Getenv: func(string) string { return "" }, Out: logs, Now: clk.Now}
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
	})
	return &testServer{t: t, URL: "http://" + m.Addr(), Clock: clk, Main: m, logs: logs, DSN: dsn, DataDir: dir}
}

// answer is a decoded JSON answer.
type answer struct {
	Status int
	Body   map[string]any
	Header http.Header
	Raw    string
}

// Code is the error code of an error answer.
func (a answer) Code() string {
	e, _ := a.Body["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

func (a answer) Str(key string) string { s, _ := a.Body[key].(string); return s }

func (s *testServer) do(method, path, token string, body any) answer {
	s.t.Helper()
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
		s.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	a := answer{Status: resp.StatusCode, Header: resp.Header, Raw: string(raw)}
	if len(raw) > 0 && strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &a.Body); err != nil {
			s.t.Fatalf("%s %s: answer is not JSON: %q", method, path, raw)
		}
	}
	return a
}

// must fails the test unless the answer has the status.
func (s *testServer) must(want int, a answer) answer {
	s.t.Helper()
	if a.Status != want {
		s.t.Fatalf("status %d, want %d: %s", a.Status, want, a.Raw)
	}
	return a
}

func (s *testServer) workspace(name string) string {
	s.t.Helper()
	return s.must(201, s.do("POST", "/api/admin/workspaces", adminToken, map[string]any{"name": name})).Str("id")
}

func (s *testServer) app(ws string, settings map[string]any) string {
	s.t.Helper()
	if settings["name"] == nil {
		settings["name"] = "app"
	}
	if settings["platform"] == nil {
		settings["platform"] = "web"
	}
	return s.must(201, s.do("POST", "/api/admin/workspaces/"+ws+"/apps", adminToken, settings)).Str("id")
}

// key generates (or, with a secret, imports) a key; it returns id and secret.
func (s *testServer) key(app string, secret ...string) (string, string) {
	s.t.Helper()
	body := map[string]any{}
	if len(secret) > 0 {
		body["secret"] = secret[0]
	}
	a := s.must(201, s.do("POST", "/api/admin/apps/"+app+"/keys", adminToken, body))
	return a.Str("id"), a.Str("secret")
}

func (s *testServer) login(app string, body map[string]any) answer {
	s.t.Helper()
	return s.do("POST", "/v1/apps/"+app+"/login", "", body)
}

// tryLogin posts a login; ok is false when the server did not answer.
func tryLogin(base, app string, body map[string]any) (answer, bool) {
	j, _ := json.Marshal(body)
	resp, err := http.Post(base+"/v1/apps/"+app+"/login", "application/json", bytes.NewReader(j))
	if err != nil {
		return answer{}, false
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return answer{}, false
	}
	a := answer{Status: resp.StatusCode, Raw: string(raw)}
	json.Unmarshal(raw, &a.Body)
	return a, true
}

// doHeader is do with extra request headers and no token.
func (s *testServer) doHeader(method, path string, headers map[string]string, body any) answer {
	s.t.Helper()
	j, _ := json.Marshal(body)
	req, err := http.NewRequest(method, s.URL+path, bytes.NewReader(j))
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	a := answer{Status: resp.StatusCode, Header: resp.Header, Raw: string(raw)}
	json.Unmarshal(raw, &a.Body)
	return a
}
