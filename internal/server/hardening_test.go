package server_test

import (
	"context"
	"fmt"
	"net/netip"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signet-id/signet/internal/conversation"
	"github.com/signet-id/signet/internal/login"
	"github.com/signet-id/signet/internal/server"
	"github.com/signet-id/signet/verify"
)

// TestBruteForce: failed verifications are throttled per identity and per
// client address with 429 and Retry-After; a throttled identity is free
// again when the window ends; other identities are not affected; an old app
// version that sends no proof is not counted.
func TestBruteForce(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			s := start(t, backend, func(c *server.Config) {
				c.Guard = login.Guard{Window: 10 * time.Minute, IdentityFailures: 3, AddressFailures: 8, FailuresThenSuccess: -1}
			})
			ws := s.workspace("Acme")
			app := s.app(ws, map[string]any{"profile": "intercom", "enforcement": "monitor"})
			kid, secret := s.key(app)
			forged := func(uid string) map[string]any {
				return proof(t, s.Clock, verify.Intercom, app, kid, "forged-secret-0123456789", uid, "")
			}
			// Logins with no proof at all (the monitor phase) never count.
			for i := 0; i < 5; i++ {
				s.must(200, s.login(app, map[string]any{"user_id": "victim"}))
			}
			for i := 0; i < 3; i++ {
				s.must(200, s.login(app, forged("victim"))) // monitor: let in, unverified, counted
			}
			a := s.login(app, proof(t, s.Clock, verify.Intercom, app, kid, secret, "victim", ""))
			if a.Status != 429 || a.Code() != "rate_limited" {
				t.Fatalf("fourth attempt on one identity: %s", a.Raw)
			}
			if ra, _ := strconv.Atoi(a.Header.Get("Retry-After")); ra < 1 || ra > 600 {
				t.Errorf("Retry-After %q", a.Header.Get("Retry-After"))
			}
			// Another identity from the same address still works, until the address limit.
			s.must(200, s.login(app, proof(t, s.Clock, verify.Intercom, app, kid, secret, "someone-else", "")))
			for i := 0; i < 5; i++ {
				s.must(200, s.login(app, forged(fmt.Sprint("spray-", i))))
			}
			if a := s.login(app, proof(t, s.Clock, verify.Intercom, app, kid, secret, "third", "")); a.Status != 429 {
				t.Errorf("the address limit did not hold: %s", a.Raw)
			}
			// The lockout lasts no longer than the window.
			s.Clock.Advance(10 * time.Minute)
			ok := s.must(200, s.login(app, proof(t, s.Clock, verify.Intercom, app, kid, secret, "victim", "")))
			if ok.Body["verified"] != true {
				t.Errorf("after the window: %s", ok.Raw)
			}
			m := s.do("GET", "/metrics", adminToken, nil)
			if !strings.Contains(m.Raw, `result="throttled"`) {
				t.Error("throttled logins are not in the metrics")
			}
		})
	}
}

// TestForwardedFor: X-Forwarded-For is believed only from a trusted proxy.
func TestForwardedFor(t *testing.T) {
	for _, trust := range []bool{false, true} {
		t.Run(fmt.Sprint("trusted=", trust), func(t *testing.T) {
			s := start(t, "sqlite", func(c *server.Config) {
				c.Guard = login.Guard{IdentityFailures: -1, AddressFailures: 2, FailuresThenSuccess: -1}
				if trust {
					c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
				}
			})
			ws := s.workspace("Acme")
			app := s.app(ws, map[string]any{"profile": "akece"})
			kid, _ := s.key(app)
			post := func(client string) answer {
				body := proof(t, s.Clock, verify.Akece, app, kid, "forged-secret-0123456789", "u", "")
				return s.doHeader("POST", "/v1/apps/"+app+"/login", map[string]string{"X-Forwarded-For": client}, body)
			}
			post("198.51.100.1")
			post("198.51.100.1")
			third := post("198.51.100.2") // another client behind the proxy
			if trust && third.Status != 401 {
				t.Errorf("behind a trusted proxy, another client was throttled: %s", third.Raw)
			}
			if !trust && third.Status != 429 {
				t.Errorf("a forged X-Forwarded-For escaped the limit: %s", third.Raw)
			}
		})
	}
}

// TestSuspiciousActivity: a success after a burst of failures, and one user
// on too many devices, end all the user's sessions and are logged.
func TestSuspiciousActivity(t *testing.T) {
	s := start(t, "sqlite", func(c *server.Config) {
		c.Guard = login.Guard{IdentityFailures: -1, AddressFailures: -1, FailuresThenSuccess: 3, Devices: 2, DeviceWindow: time.Hour}
	})
	ws := s.workspace("Acme")
	app := s.app(ws, map[string]any{"profile": "signet"})
	kid, secret := s.key(app)
	good := func(uid, device string) answer {
		body := proof(t, s.Clock, verify.Signet, app, kid, secret, uid, "")
		body["device_id"] = device
		return s.login(app, body)
	}
	earlier := s.must(200, good("alice", "phone")).Str("session_token")
	for i := 0; i < 3; i++ {
		s.login(app, proof(t, s.Clock, verify.Signet, app, kid, "guess-"+fmt.Sprint(i)+"-0123456789abcdef", "alice", ""))
	}
	body := proof(t, s.Clock, verify.Signet, app, kid, secret, "alice", "")
	anon := s.must(200, s.login(app, map[string]any{})).Str("session_token")
	body["anonymous_session"] = anon
	s.Clock.Advance(time.Second) // the log orders attempts by time
	if a := s.login(app, body); a.Status != 429 {
		t.Fatalf("a success after a burst of failures: %s", a.Raw)
	}
	// Refused before anything was written: no hand-over happened.
	s.must(200, s.do("GET", "/v1/me", anon, nil))
	rejected := s.must(200, s.do("GET", "/api/admin/workspaces/"+ws+"/attempts?result=rejected&limit=1", adminToken, nil)).Body["attempts"].([]any)
	if d, _ := rejected[0].(map[string]any)["diagnosis"].(string); !strings.Contains(d, "failures_then_success") {
		t.Errorf("the refused login is not logged with its signal: %v", rejected[0])
	}
	if a := s.do("GET", "/v1/me", earlier, nil); a.Code() != "session_revoked" {
		t.Errorf("the earlier session lives on: %s", a.Raw)
	}
	// Many devices: bob on a third device within the hour. Sessions without
	// a device id tell nothing and never count.
	for i := 0; i < 3; i++ {
		noDevice := proof(t, s.Clock, verify.Signet, app, kid, secret, "bob", "")
		delete(noDevice, "device_id")
		s.must(200, s.login(app, noDevice))
	}
	s.must(200, good("bob", "d1"))
	b2 := s.must(200, good("bob", "d2")).Str("session_token")
	if a := good("bob", "d3"); a.Status != 429 {
		t.Fatalf("a third device: %s", a.Raw)
	}
	if a := s.do("GET", "/v1/me", b2, nil); a.Code() != "session_revoked" {
		t.Errorf("bob's other sessions live on: %s", a.Raw)
	}
	logs := s.logs.String()
	for _, signal := range []string{"failures_then_success", "many_devices"} {
		if !strings.Contains(logs, "signal="+signal) {
			t.Errorf("signal %s not logged", signal)
		}
		if !strings.Contains(s.do("GET", "/metrics", adminToken, nil).Raw, `signet_suspicious_activity_total{signal="`+signal+`"} 1`) {
			t.Errorf("signal %s not in the metrics", signal)
		}
	}
}

// TestAuditLog: admin actions are recorded with who, what, when and from
// where; the log has no endpoint to change it; agents cannot read it.
func TestAuditLog(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			s := start(t, backend)
			ws := s.workspace("Acme")
			admin := s.must(201, s.do("POST", "/api/admin/workspaces/"+ws+"/tokens", adminToken, map[string]any{"role": "admin", "name": "ci"}))
			app := s.must(201, s.do("POST", "/api/admin/workspaces/"+ws+"/apps", admin.Str("token"), map[string]any{"name": "web", "platform": "web", "profile": "intercom"})).Str("id")
			key := s.must(201, s.do("POST", "/api/admin/apps/"+app+"/keys", admin.Str("token"), map[string]any{})).Str("id")
			s.must(200, s.do("PATCH", "/api/admin/apps/"+app, admin.Str("token"), map[string]any{"enforcement": "monitor"}))
			s.must(204, s.do("DELETE", "/api/admin/apps/"+app+"/keys/"+key, admin.Str("token"), nil))
			s.must(200, s.do("POST", "/api/admin/apps/"+app+"/sessions/revoke", admin.Str("token"), nil))
			entries := s.must(200, s.do("GET", "/api/admin/workspaces/"+ws+"/audit", adminToken, nil)).Body["entries"].([]any)
			var actions []string
			for _, e := range entries {
				e := e.(map[string]any)
				actions = append(actions, e["action"].(string))
				if e["ip"] != "127.0.0.1" || e["at"] == "" || e["actor_id"] == "" {
					t.Errorf("entry %v", e)
				}
				if strings.Contains(fmt.Sprint(e), "secret") && e["action"] == "key.create" {
					t.Errorf("a key.create entry mentions a secret: %v", e)
				}
			}
			want := []string{"app.sessions.revoke", "key.revoke", "app.update", "key.create", "app.create", "token.create"}
			if strings.Join(actions, ",") != strings.Join(want, ",") {
				t.Errorf("actions %v, want %v", actions, want)
			}
			first := entries[3].(map[string]any) // key.create, by the admin token
			if first["actor_id"] != admin.Str("id") || first["actor_role"] != "admin" || first["target_id"] != key {
				t.Errorf("key.create entry %v", first)
			}
			if d := entries[2].(map[string]any)["details"].(map[string]any); d["enforcement"] != "monitor" {
				t.Errorf("app.update details %v", d)
			}
			// Creating a workspace is the owner's, instance-wide action.
			instance := s.must(200, s.do("GET", "/api/admin/audit", adminToken, nil)).Body["entries"].([]any)
			if len(instance) != 1 || instance[0].(map[string]any)["action"] != "workspace.create" || instance[0].(map[string]any)["target_id"] != ws {
				t.Errorf("instance-wide audit %v", instance)
			}
			agent := s.must(201, s.do("POST", "/api/admin/workspaces/"+ws+"/tokens", adminToken, map[string]any{"role": "agent"})).Str("token")
			if a := s.do("GET", "/api/admin/workspaces/"+ws+"/audit", agent, nil); a.Status != 403 {
				t.Errorf("an agent read the audit log: %s", a.Raw)
			}
			if a := s.do("GET", "/api/admin/audit", admin.Str("token"), nil); a.Status != 403 {
				t.Errorf("a workspace admin read the instance audit log: %s", a.Raw)
			}
			for _, m := range []string{"DELETE", "PATCH", "PUT"} {
				if a := s.do(m, "/api/admin/workspaces/"+ws+"/audit", adminToken, nil); a.Status != 405 {
					t.Errorf("%s on the audit log: %d", m, a.Status)
				}
			}
		})
	}
}

// TestKeyRules: weak imports are flagged; one secret never serves two
// profiles in a workspace.
func TestKeyRules(t *testing.T) {
	s := start(t, "sqlite")
	ws := s.workspace("Acme")
	intercom := s.app(ws, map[string]any{"profile": "intercom"})
	akece := s.app(ws, map[string]any{"profile": "akece"})
	intercomIOS := s.app(ws, map[string]any{"profile": "intercom", "platform": "ios"})
	weak := s.must(201, s.do("POST", "/api/admin/apps/"+intercom+"/keys", adminToken, map[string]any{"secret": "tiny", "force": true}))
	if weak.Body["weak"] != true {
		t.Errorf("a forced weak import is not flagged: %s", weak.Raw)
	}
	strong := s.must(201, s.do("POST", "/api/admin/apps/"+intercom+"/keys", adminToken, map[string]any{"secret": "a-long-enough-vendor-secret-0001"}))
	if strong.Body["weak"] != false {
		t.Errorf("a strong import is flagged: %s", strong.Raw)
	}
	if a := s.do("POST", "/api/admin/apps/"+akece+"/keys", adminToken, map[string]any{"secret": "a-long-enough-vendor-secret-0001"}); a.Status != 409 || !strings.Contains(a.Raw, intercom) {
		t.Errorf("one secret serving two profiles: %s", a.Raw)
	}
	// The same profile on another platform may share it (as a vendor allowed).
	s.must(201, s.do("POST", "/api/admin/apps/"+intercomIOS+"/keys", adminToken, map[string]any{"secret": "a-long-enough-vendor-secret-0001"}))
}

// TestRotateMasterKey: secrets sealed under the old master key are re-sealed
// under the new one in one go, and the server then runs on the new key alone.
func TestRotateMasterKey(t *testing.T) {
	dir := t.TempDir()
	dsn := "sqlite:" + filepath.Join(dir, "signet.db")
	oldKey, newKey := strings.Repeat("11", 32), strings.Repeat("22", 32)
	env := func(vars map[string]string) func(string) string { return func(k string) string { return vars[k] } }
	clk := newClock()
	s := startOn(t, dsn, dir, clk, func(c *server.Config) { c.Getenv = env(map[string]string{"SIGNET_MASTER_KEY": oldKey}) })
	ws := s.workspace("Acme")
	app := s.app(ws, map[string]any{"profile": "intercom"})
	kid, secret := s.key(app)

	if _, err := server.RotateMasterKey(context.Background(), server.Config{Database: dsn, DataDir: dir,
		Getenv: env(map[string]string{"SIGNET_MASTER_KEY": newKey})}); err == nil {
		t.Error("rotation without the previous key did something")
	}
	n, err := server.RotateMasterKey(context.Background(), server.Config{Database: dsn, DataDir: dir,
		Getenv: env(map[string]string{"SIGNET_MASTER_KEY": newKey, "SIGNET_MASTER_KEY_PREVIOUS": oldKey})})
	if err != nil || n != 1 {
		t.Fatalf("rotation: %d %v", n, err)
	}
	again := startOn(t, dsn, dir, clk, func(c *server.Config) { c.Getenv = env(map[string]string{"SIGNET_MASTER_KEY": newKey}) })
	a := again.must(200, again.login(app, proof(t, clk, verify.Intercom, app, kid, secret, "u1", "")))
	if a.Body["verified"] != true {
		t.Errorf("after rotation: %s", a.Raw)
	}
}

// TestBruteForceKeys: the identity counter follows what the proof claims to
// cover, so varying an unsigned field does not reset it, and token-only
// logins are counted by the identity the token claims.
func TestBruteForceKeys(t *testing.T) {
	s := start(t, "sqlite", func(c *server.Config) {
		c.Guard = login.Guard{IdentityFailures: 3, AddressFailures: -1, FailuresThenSuccess: -1}
	})
	ws := s.workspace("Acme")
	intercom := s.app(ws, map[string]any{"profile": "intercom"})
	ikid, isecret := s.key(intercom)
	for i := 0; i < 3; i++ {
		// The email rides along unsigned: a fresh one each time changes nothing.
		body := proof(t, s.Clock, verify.Intercom, intercom, ikid, "forged-secret-0123456789", "victim", "")
		body["email"] = fmt.Sprintf("x%d@example.com", i)
		if a := s.login(intercom, body); a.Status != 401 {
			t.Fatalf("forged digest %d: %s", i, a.Raw)
		}
	}
	if a := s.login(intercom, proof(t, s.Clock, verify.Intercom, intercom, ikid, isecret, "victim", "")); a.Status != 429 {
		t.Errorf("varying the unsigned email escaped the limit: %s", a.Raw)
	}
	signet := s.app(ws, map[string]any{"profile": "signet"})
	skid, ssecret := s.key(signet)
	tokenOnly := func(secret string) map[string]any {
		body := proof(t, s.Clock, verify.Signet, signet, skid, secret, "alice", "")
		delete(body, "user_id")
		return body
	}
	for i := 0; i < 3; i++ {
		s.login(signet, tokenOnly("forged-secret-0123456789"))
	}
	if a := s.login(signet, tokenOnly(ssecret)); a.Status != 429 {
		t.Errorf("token-only logins are not counted per identity: %s", a.Raw)
	}
	// Another identity is unaffected.
	other := proof(t, s.Clock, verify.Signet, signet, skid, ssecret, "bob", "")
	delete(other, "user_id")
	s.must(200, s.login(signet, other))
}

// TestBurstGetsNoMoreChecksThanTheLimit: concurrent wrong proofs for one
// identity, sent at once to one node, get at most the limit's checks (the
// others answer 429): the limiter checks and counts in one step. Likewise
// a session's concurrent new issues, and logins without a proof from one
// address past their rate.
func TestBurstGetsNoMoreChecksThanTheLimit(t *testing.T) {
	const burst, limit = 200, 10
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			s := start(t, backend, func(c *server.Config) {
				c.Guard = login.Guard{IdentityFailures: limit, AddressFailures: -1, FailuresThenSuccess: -1, UnsignedLogins: 50}
			})
			ws := s.workspace("Acme")
			app := s.app(ws, map[string]any{"profile": "intercom", "enforcement": "enforce"})
			kid, secret := s.key(app)
			statuses := func(n int, send func(i int) answer) map[int]int {
				var mu sync.Mutex
				got := map[int]int{}
				var wg sync.WaitGroup
				for i := range n {
					wg.Add(1)
					go func() {
						defer wg.Done()
						a := send(i)
						mu.Lock()
						got[a.Status]++
						mu.Unlock()
					}()
				}
				wg.Wait()
				return got
			}
			got := statuses(burst, func(int) answer {
				return s.login(app, proof(t, s.Clock, verify.Intercom, app, kid, "forged-secret-0123456789", "victim", ""))
			})
			if got[401] > limit || got[401]+got[429] != burst {
				t.Errorf("a burst of %d wrong proofs: %v; want at most %d checked (401), the rest 429", burst, got, limit)
			}
			if got[401] < limit {
				t.Errorf("a burst of %d wrong proofs: only %d checked, want the limit, %d", burst, got[401], limit)
			}
			// The identity is locked, even with the right proof.
			if a := s.login(app, proof(t, s.Clock, verify.Intercom, app, kid, secret, "victim", "")); a.Status != 429 {
				t.Errorf("after the burst, the right proof: %s", a.Raw)
			}

			// A session's new issues: 5 a minute, however many arrive at once.
			tok := s.must(200, s.login(app, proof(t, s.Clock, verify.Intercom, app, kid, secret, "writer", ""))).Str("session_token")
			got = statuses(40, func(i int) answer {
				return s.do("POST", "/v1/issues", tok, map[string]any{"message": fmt.Sprint("help ", i)})
			})
			if got[201] != conversation.DefaultIssuesPerMinute || got[429] != 40-conversation.DefaultIssuesPerMinute {
				t.Errorf("40 new issues at once from one session: %v; want %d created", got, conversation.DefaultIssuesPerMinute)
			}

			// Logins without a proof, from one address: 50 a minute here.
			got = statuses(80, func(int) answer { return s.login(app, map[string]any{}) })
			if got[200] != 50 || got[429] != 30 {
				t.Errorf("80 anonymous logins at once from one address: %v; want 50 then 429", got)
			}
			s.Clock.Advance(time.Minute)
			s.must(200, s.login(app, map[string]any{}))

			// The app, its keys and the sessions were served from the cache.
			m := s.do("GET", "/metrics", adminToken, nil)
			hits := regexp.MustCompile(`(?m)^signet_cache_hits_total (\d+)`).FindStringSubmatch(m.Raw)
			if hits == nil || hits[1] == "0" {
				t.Errorf("signet_cache_hits_total: %v", hits)
			}
		})
	}
}
