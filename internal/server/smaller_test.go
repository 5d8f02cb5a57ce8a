package server_test

import (
	"net/http"
	"net/netip"
	"testing"
	"time"

	"github.com/signet-id/signet/internal/server"
	"github.com/signet-id/signet/verify"
)

// TestMetricsNeedAnOwner: /metrics names every workspace's apps, so it
// answers an owner token only; with --metrics-addr it is served there
// without a token, and not on the main address.
func TestMetricsNeedAnOwner(t *testing.T) {
	s := start(t, "sqlite")
	ws := s.workspace("Acme")
	admin := s.must(201, s.do("POST", "/api/admin/workspaces/"+ws+"/tokens", adminToken, map[string]any{"role": "admin"})).Str("token")
	for _, tok := range []string{"", "not-a-token", admin} {
		if a := s.do("GET", "/metrics", tok, nil); a.Status != 401 || a.Code() != "unauthenticated" {
			t.Errorf("/metrics with %.8q: %d %s", tok, a.Status, a.Raw)
		}
	}
	s.must(200, s.do("GET", "/metrics", adminToken, nil))

	apart := start(t, "sqlite", func(c *server.Config) { c.MetricsAddr = "127.0.0.1:0" })
	var addr string
	within(t, 2*time.Second, func() bool { addr = apart.Main.MetricsAddr(); return addr != "" })
	if a := apart.do("GET", "/metrics", adminToken, nil); a.Status != 404 {
		t.Errorf("/metrics on the main address with --metrics-addr: %d", a.Status)
	}
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("/metrics on --metrics-addr: %d", resp.StatusCode)
	}
}

// TestHSTS: Strict-Transport-Security answers requests that came over TLS
// through a trusted proxy, never plain HTTP or a forged X-Forwarded-Proto.
func TestHSTS(t *testing.T) {
	s := start(t, "sqlite", func(c *server.Config) {
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	})
	untrusted := start(t, "sqlite")
	for _, c := range []struct {
		name    string
		s       *testServer
		headers map[string]string
		want    bool
	}{
		{"plain HTTP", s, nil, false},
		{"HTTPS at a trusted proxy", s, map[string]string{"X-Forwarded-Proto": "https"}, true},
		{"HTTPS claimed by an untrusted peer", untrusted, map[string]string{"X-Forwarded-Proto": "https"}, false},
	} {
		for _, path := range []string{"/healthz", "/dashboard/signin"} {
			a := c.s.doHeader("GET", path, c.headers, nil)
			if got := a.Header.Get("Strict-Transport-Security") != ""; got != c.want {
				t.Errorf("%s, %s: HSTS %q", c.name, path, a.Header.Get("Strict-Transport-Security"))
			}
		}
	}
}

// TestRetireWithoutGraceRevokes: retiring a key with no grace ends its
// sessions, as revoking it does.
func TestRetireWithoutGraceRevokes(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			s := start(t, backend)
			ws := s.workspace("Acme")
			app := s.app(ws, map[string]any{"profile": "signet"})
			kid, secret := s.key(app)
			tok := s.must(200, s.login(app, proof(t, s.Clock, verify.Signet, app, kid, secret, "alice", ""))).Str("session_token")
			stream := events(t, s.URL+"/v1/events", tok)
			k := s.must(200, s.do("POST", "/api/admin/apps/"+app+"/keys/"+kid+"/retire", adminToken, map[string]any{"grace_seconds": 0}))
			if k.Str("state") != "revoked" {
				t.Errorf("a key retired without grace: %s", k.Raw)
			}
			if a := s.do("GET", "/v1/me", tok, nil); a.Code() != "session_revoked" {
				t.Errorf("its session lives on: %s", a.Raw)
			}
			awaitWithin(t, stream, "session_revoked", closeWithin)
			if a := s.login(app, proof(t, s.Clock, verify.Signet, app, kid, secret, "alice", "")); a.Status != 401 {
				t.Errorf("the key still verifies: %s", a.Raw)
			}
		})
	}
}
