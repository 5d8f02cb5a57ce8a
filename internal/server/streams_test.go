package server_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signet-id/signet/internal/httpapi"
	"github.com/signet-id/signet/internal/server"
	"github.com/signet-id/signet/internal/store/storetest"
	"github.com/signet-id/signet/verify"
)

// closeWithin is how soon a revoked session or token must lose its open
// streams, on every node (issue 12): far below the 15 s heartbeat.
const closeWithin = time.Second

// awaitWithin returns the next event containing want, failing after d.
func awaitWithin(t *testing.T, c <-chan string, want string, d time.Duration) string {
	t.Helper()
	deadline := time.After(d)
	for {
		select {
		case e, ok := <-c:
			if !ok {
				t.Fatalf("the stream ended before %q arrived", want)
			}
			if strings.Contains(e, want) {
				return e
			}
		case <-deadline:
			t.Fatalf("%q did not arrive within %v", want, d)
		}
	}
}

// tryStream opens a stream and reports its status and Retry-After; an
// answer of 200 stays open until the test ends.
func tryStream(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	// One connection per stream: a refused stream's connection is not
	// reused for the next, as a flooding client's would not be.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode == 200 {
		t.Cleanup(func() { resp.Body.Close() })
		return 200, ""
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Retry-After")
}

// TestStreamLimits: a flood of streams from one session and one address
// gets the caps and 429 with Retry-After, and /healthz and logins still
// answer at once; a stream ends at its lifetime with "resync".
func TestStreamLimits(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			s := start(t, backend, func(c *server.Config) {
				c.Streams = httpapi.StreamLimits{PerSession: 3, PerAddress: 5, Lifetime: 2 * time.Second}
			})
			ws := s.workspace("Acme")
			app := s.app(ws, map[string]any{"profile": "signet"})
			kid, secret := s.key(app)
			alice := s.must(200, s.login(app, proof(t, s.Clock, verify.Signet, app, kid, secret, "alice", ""))).Str("session_token")
			bob := s.must(200, s.login(app, proof(t, s.Clock, verify.Signet, app, kid, secret, "bob", ""))).Str("session_token")

			// One session floods: three streams, then 429 for the rest.
			var mu sync.Mutex
			counts := map[int]int{}
			var wg sync.WaitGroup
			for range 20 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					status, retry := tryStream(t, s.URL+"/v1/events", alice)
					mu.Lock()
					defer mu.Unlock()
					counts[status]++
					if status == 429 && retry == "" {
						t.Error("429 without Retry-After")
					}
				}()
			}
			wg.Wait()
			if counts[200] != 3 || counts[429] != 17 {
				t.Fatalf("20 streams of one session: %v; want 3 × 200 and 17 × 429", counts)
			}
			// Another session from the same address: two more, then the
			// address's cap.
			for i, want := range []int{200, 200, 429} {
				if status, _ := tryStream(t, s.URL+"/v1/events", bob); status != want {
					t.Fatalf("bob's stream %d: %d, want %d", i+1, status, want)
				}
			}
			a := s.doHeader("GET", "/v1/events", map[string]string{"Authorization": "Bearer " + bob}, nil)
			if a.Status != 429 || a.Code() != "rate_limited" || a.Header.Get("Retry-After") == "" {
				t.Fatalf("over the cap: %d %s %v", a.Status, a.Raw, a.Header)
			}
			// Under the flood, health checks and logins answer promptly.
			began := time.Now()
			s.must(200, s.do("GET", "/healthz", "", nil))
			s.must(200, s.login(app, proof(t, s.Clock, verify.Signet, app, kid, secret, "carol", "")))
			if d := time.Since(began); d > time.Second {
				t.Errorf("/healthz and a login took %v under a flood of streams", d)
			}
		})
	}
}

// TestStreamLifetime: a stream ends at its lifetime with "resync" (the
// widget and the inbox re-read and reconnect on it).
func TestStreamLifetime(t *testing.T) {
	s := start(t, "sqlite", func(c *server.Config) {
		c.Streams = httpapi.StreamLimits{Lifetime: 300 * time.Millisecond}
	})
	ws := s.workspace("Acme")
	app := s.app(ws, map[string]any{"profile": "signet"})
	kid, secret := s.key(app)
	alice := s.must(200, s.login(app, proof(t, s.Clock, verify.Signet, app, kid, secret, "alice", ""))).Str("session_token")
	stream := events(t, s.URL+"/v1/events", alice)
	awaitWithin(t, stream, "lifetime", 2*time.Second)
	if _, open := <-stream; open {
		t.Error("the stream went on after its lifetime")
	}
}

// TestConnectionCap: past --max-connections a connection gets a complete
// 503 in the API's error format; once connections close, the server
// answers again.
func TestConnectionCap(t *testing.T) {
	s := start(t, "sqlite", func(c *server.Config) { c.MaxConnections = 24 })
	addr := strings.TrimPrefix(s.URL, "http://")
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range 40 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	// Read every connection at once: an accepted one waits for a request
	// (until the read deadline), a refused one has its answer.
	var mu sync.Mutex
	refused := 0
	var wg sync.WaitGroup
	for i, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
			r := bufio.NewReader(c)
			line, err := r.ReadString('\n')
			switch {
			case err == nil && strings.HasPrefix(line, "HTTP/1.1 503"):
				rest, _ := io.ReadAll(r)
				if !strings.Contains(string(rest), `"code":"unavailable"`) || !strings.Contains(string(rest), "Retry-After: 1") {
					t.Errorf("connection %d: the refusal is %q", i, rest)
				}
				mu.Lock()
				refused++
				mu.Unlock()
			case err != nil && strings.Contains(err.Error(), "timeout"):
				// accepted: the server waits for a request
			default:
				t.Errorf("connection %d: %q, %v", i, line, err)
			}
		}()
	}
	wg.Wait()
	if refused < 16 {
		t.Fatalf("%d of 40 connections refused under a cap of 24; want at least 16", refused)
	}
	for _, c := range conns {
		c.Close()
	}
	conns = nil
	within(t, 2*time.Second, func() bool {
		resp, err := http.Get(s.URL + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})
}

// TestRevocationClosesStreams: ending a session, revoking its key,
// revoking an agent's API token, deleting an app or a workspace closes the
// streams at once (not at the next 15 s heartbeat).
func TestRevocationClosesStreams(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			s := start(t, backend)
			revocationClosesStreams(t, s, s)
		})
	}
}

// TestRevocationClosesStreamsAcrossNodes: the same through one node, for
// streams held open on another node of the same PostgreSQL database.
func TestRevocationClosesStreamsAcrossNodes(t *testing.T) {
	dsn := storetest.PostgresURL(t)
	dir := t.TempDir()
	clk := newClock()
	a := startOn(t, dsn, dir, clk)
	b := startOn(t, dsn, dir, clk)
	revocationClosesStreams(t, a, b)
}

// revocationClosesStreams revokes through a what streams hold open on b.
func revocationClosesStreams(t *testing.T, a, b *testServer) {
	t.Helper()
	ws := a.workspace("Acme")
	app := a.app(ws, map[string]any{"profile": "signet"})
	kid, secret := a.key(app)
	login := func(uid string) (token, userID string) {
		ans := b.must(200, b.login(app, proof(t, a.Clock, verify.Signet, app, kid, secret, uid, "")))
		u, _ := ans.Body["user"].(map[string]any)
		id, _ := u["id"].(string)
		return ans.Str("session_token"), id
	}

	alice, aliceID := login("alice")
	bob, _ := login("bob")
	aliceStream := events(t, b.URL+"/v1/events", alice)
	bobStream := events(t, b.URL+"/v1/events", bob)
	a.must(200, a.do("POST", "/api/admin/users/"+aliceID+"/sessions/revoke", adminToken, nil))
	awaitWithin(t, aliceStream, "session_revoked", closeWithin)
	select {
	case e, ok := <-bobStream:
		t.Fatalf("bob's stream was touched by alice's revocation: %q %v", e, ok)
	case <-time.After(100 * time.Millisecond):
	}

	// A key's revocation ends the sessions it made, and their streams.
	a.must(204, a.do("DELETE", "/api/admin/apps/"+app+"/keys/"+kid, adminToken, nil))
	awaitWithin(t, bobStream, "session_revoked", closeWithin)

	// An agent's API token.
	tok := a.must(201, a.do("POST", "/api/admin/workspaces/"+ws+"/tokens", adminToken, map[string]any{"role": "agent"}))
	agentStream := events(t, b.URL+"/api/agent/workspaces/"+ws+"/events", tok.Str("token"))
	a.must(204, a.do("DELETE", "/api/admin/workspaces/"+ws+"/tokens/"+tok.Str("id"), adminToken, nil))
	awaitWithin(t, agentStream, "session_ended", closeWithin)

	// Deleting an app ends its sessions' streams; deleting the workspace,
	// its agents' streams.
	other := a.app(ws, map[string]any{"name": "Old web", "platform": "web", "profile": "intercom", "enforcement": "off"})
	carol := b.must(200, b.login(other, map[string]any{"user_id": "carol"})).Str("session_token")
	carolStream := events(t, b.URL+"/v1/events", carol)
	agent := a.must(201, a.do("POST", "/api/admin/workspaces/"+ws+"/tokens", adminToken, map[string]any{"role": "agent"})).Str("token")
	agentStream = events(t, b.URL+"/api/agent/workspaces/"+ws+"/events", agent)
	a.must(200, a.do("DELETE", "/api/admin/apps/"+other+"?confirm=Old+web", adminToken, nil))
	awaitWithin(t, carolStream, "session_ended", closeWithin)
	a.must(200, a.do("DELETE", "/api/admin/workspaces/"+ws+"?confirm=Acme", adminToken, nil))
	awaitWithin(t, agentStream, "session_ended", closeWithin)
}
