package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/signet-id/signet/internal/server"
	"github.com/signet-id/signet/internal/testserver"
)

const adminToken = testserver.AdminToken

type (
	clock      = testserver.Clock
	syncBuffer = testserver.Buffer
	answer     = testserver.Answer
)

func newClock() *clock { return testserver.NewClock() }

// backends are the databases every end-to-end test runs on.
var backends = testserver.Backends

// testServer is a running server over real HTTP; its helpers fail t, which
// a subtest sets to itself.
type testServer struct {
	*testserver.Server
	t    *testing.T
	logs *syncBuffer
}

func wrap(t *testing.T, s *testserver.Server) *testServer {
	return &testServer{Server: s, t: t, logs: s.Logs}
}

// start runs a server on backend with a fake clock and debug logging.
func start(t *testing.T, backend string, configure ...func(*server.Config)) *testServer {
	t.Helper()
	dir := t.TempDir()
	return startOn(t, testserver.Database(t, backend, dir), dir, newClock(), configure...)
}

func startOn(t *testing.T, dsn, dir string, clk *clock, configure ...func(*server.Config)) *testServer {
	t.Helper()
	return wrap(t, testserver.Start(t, dsn, dir, clk, configure...))
}

func (s *testServer) do(method, path, token string, body any) answer {
	s.t.Helper()
	return s.Do(s.t, method, path, token, body)
}

// must fails the test unless the answer has the status.
func (s *testServer) must(want int, a answer) answer {
	s.t.Helper()
	return testserver.Must(s.t, want, a)
}

func (s *testServer) workspace(name string) string { s.t.Helper(); return s.Workspace(s.t, name) }

func (s *testServer) app(ws string, settings map[string]any) string {
	s.t.Helper()
	return s.App(s.t, ws, settings)
}

// key generates (or, with a secret, imports) a key; it returns id and secret.
func (s *testServer) key(app string, secret ...string) (string, string) {
	s.t.Helper()
	return s.Key(s.t, app, secret...)
}

func (s *testServer) login(app string, body map[string]any) answer {
	s.t.Helper()
	return s.Login(s.t, app, body)
}

// tryLogin posts a login; ok is false when the server did not answer.
func (s *testServer) tryLogin(app string, body map[string]any) (answer, bool) {
	j, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", s.URL+"/v1/apps/"+app+"/login", bytes.NewReader(j))
	req.Header.Set("Content-Type", "application/json")
	a, err := s.Send(nil, req)
	return a, err == nil
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
	a, err := s.Send(nil, req)
	if err != nil {
		s.t.Fatal(err)
	}
	return a
}
