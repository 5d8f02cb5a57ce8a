package server_test

import (
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/signet-id/signet/internal/store/storetest"
	"github.com/signet-id/signet/sign"
	"github.com/signet-id/signet/verify"
)

// cable is a TCP relay between Signet and its PostgreSQL server that a test
// can unplug and plug back in: a network outage, with the real database
// on the other side.
type cable struct {
	t      *testing.T
	target string
	addr   string

	mu    sync.Mutex
	ln    net.Listener
	conns []net.Conn
}

func newCable(t *testing.T, target string) *cable {
	c := &cable{t: t, target: target, addr: "127.0.0.1:0"}
	c.plug()
	t.Cleanup(c.unplug)
	return c
}

// plug listens (on the same port after the first time) and relays every
// connection to the target.
func (c *cable) plug() {
	c.t.Helper()
	var ln net.Listener
	var err error
	for range 50 { // the port may take a moment to be free again
		if ln, err = net.Listen("tcp", c.addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		c.t.Fatal(err)
	}
	c.mu.Lock()
	c.ln, c.addr = ln, ln.Addr().String()
	c.mu.Unlock()
	go func() {
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", c.target)
			if err != nil {
				in.Close()
				continue
			}
			c.mu.Lock()
			c.conns = append(c.conns, in, out)
			c.mu.Unlock()
			go func() { io.Copy(out, in); out.Close() }()
			go func() { io.Copy(in, out); in.Close() }()
		}
	}()
}

// unplug refuses new connections and cuts the open ones.
func (c *cable) unplug() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ln != nil {
		c.ln.Close()
		c.ln = nil
	}
	for _, conn := range c.conns {
		conn.Close()
	}
	c.conns = nil
}

// TestDatabaseOutage: while PostgreSQL is unreachable every request that
// needs it answers 503 unavailable with Retry-After (which clients and load
// balancers retry), /readyz says so, nothing is half-written; once the
// network is back the same node serves again without a restart.
func TestDatabaseOutage(t *testing.T) {
	dsn, err := url.Parse(storetest.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	cable := newCable(t, dsn.Host)
	dsn.Host = cable.addr
	s := startOn(t, dsn.String(), t.TempDir(), newClock())

	ws := s.workspace("Acme")
	app := s.app(ws, map[string]any{"profile": "signet"})
	kid, secret := s.key(app)
	signer := s.Clock.Sign(verify.Signet)
	signer.Secret, signer.KeyID, signer.AppID = secret, kid, app
	proof := func() map[string]any {
		tok, err := signer.Token(sign.Claims{UserID: "alice"})
		if err != nil {
			t.Fatal(err)
		}
		return map[string]any{"identity_token": tok}
	}
	session := s.must(200, s.login(app, proof())).Str("session_token")
	before := s.must(201, s.do("POST", "/v1/issues", session, map[string]any{"message": "Before the outage"})).Str("id")

	cable.unplug()
	for _, c := range []struct {
		name string
		a    func() answer
	}{
		{"login", func() answer { return s.login(app, proof()) }},
		{"list issues", func() answer { return s.do("GET", "/v1/issues", session, nil) }},
		{"open an issue", func() answer {
			return s.do("POST", "/v1/issues", session, map[string]any{"message": "During the outage"})
		}},
		{"create a workspace", func() answer {
			return s.do("POST", "/api/admin/workspaces", adminToken, map[string]any{"name": "Outage Inc"})
		}},
	} {
		a := c.a()
		if a.Status != 503 || a.Code() != "unavailable" || a.Header.Get("Retry-After") != "1" {
			t.Errorf("%s during the outage: %d %s (Retry-After %q), want 503 unavailable", c.name, a.Status, a.Raw, a.Header.Get("Retry-After"))
		}
	}
	if a := s.do("GET", "/readyz", "", nil); a.Status != 503 {
		t.Errorf("/readyz during the outage: %d %s", a.Status, a.Raw)
	}

	cable.plug()
	deadline := time.Now().Add(20 * time.Second)
	for {
		a := s.do("GET", "/readyz", "", nil)
		if a.Status == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz after the outage: %d %s", a.Status, a.Raw)
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.must(200, s.login(app, proof()))
	issues := s.must(200, s.do("GET", "/v1/issues", session, nil)).Body["issues"].([]any)
	if len(issues) != 1 || issues[0].(map[string]any)["id"] != before {
		t.Errorf("after the outage alice has %v, want only the issue opened before it", issues)
	}
	if ws := s.must(200, s.do("GET", "/api/admin/workspaces", adminToken, nil)).Body["workspaces"].([]any); len(ws) != 1 {
		t.Errorf("workspaces after the outage: %v", ws)
	}
}
