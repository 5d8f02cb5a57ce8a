package server_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/signet-id/signet/internal/store/storetest"
	"github.com/signet-id/signet/internal/testserver"
)

// oneTimeToken signs a signet token for uid with the app's key secret,
// valid for an hour from clk's now, carrying jti unless it is "".
func oneTimeToken(t *testing.T, clk *clock, app, kid, secret, uid, jti string) string {
	t.Helper()
	enc := func(v any) string {
		j, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(j)
	}
	now := clk.Now().Unix()
	claims := map[string]any{"aud": app, "iat": now, "exp": now + 3600,
		"identities": []map[string]string{{"identifier": "uid", "value": uid}}}
	if jti != "" {
		claims["jti"] = jti
	}
	input := enc(map[string]string{"alg": "HS256", "typ": "JWT", "kid": kid}) + "." + enc(claims)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(input))
	return input + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// oneTimeApp makes a signet app with a key and turns one-time tokens on.
func oneTimeApp(t *testing.T, s *testServer, ws string) (app, kid, secret string) {
	t.Helper()
	app = s.app(ws, map[string]any{"profile": "signet"})
	kid, secret = s.key(app)
	on := s.must(200, s.do("PATCH", "/api/admin/apps/"+app, adminToken, map[string]any{"one_time_tokens": true}))
	if on.Body["one_time_tokens"] != true {
		t.Fatalf("PATCH one_time_tokens: %s", on.Raw)
	}
	return app, kid, secret
}

// wantRefused checks a login answered 401 with code.
func wantRefused(t *testing.T, a answer, code string) {
	t.Helper()
	if a.Status != 401 || a.Code() != code {
		t.Errorf("login: %d %s, want 401 %s", a.Status, a.Raw, code)
	}
}

// TestOneTimeTokens: with one_time_tokens on, a signet token with a jti
// logs in once and is replayed after (logged as such); a token without a
// jti is refused; turned off, both log in again. The setting is for signet
// apps only, and is audited. Under monitor a replayed token logs in
// unverified.
func TestOneTimeTokens(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			clk := newClock()
			dir := t.TempDir()
			s := startOn(t, testserver.Database(t, backend, dir), dir, clk)
			ws := s.workspace("Acme")
			app, kid, secret := oneTimeApp(t, s, ws)

			tok := oneTimeToken(t, clk, app, kid, secret, "u-1", "login-1")
			s.must(200, s.login(app, map[string]any{"identity_token": tok}))
			wantRefused(t, s.login(app, map[string]any{"identity_token": tok}), "replayed")
			if at := s.lastAttempt(ws); at["reason"] != "replayed" || at["result"] != "rejected" {
				t.Errorf("the replay's log entry: %v", at)
			}
			// Another token with the same jti (another user even) is replayed too.
			wantRefused(t, s.login(app, map[string]any{"identity_token": oneTimeToken(t, clk, app, kid, secret, "u-2", "login-1")}), "replayed")

			bare := oneTimeToken(t, clk, app, kid, secret, "u-1", "")
			wantRefused(t, s.login(app, map[string]any{"identity_token": bare}), "claim_invalid")
			if at := s.lastAttempt(ws); at["reason"] != "claim_invalid" {
				t.Errorf("the log entry of a token without jti: %v", at)
			}

			// Off: tokens verify as before, jti or not, used or not.
			s.must(200, s.do("PATCH", "/api/admin/apps/"+app, adminToken, map[string]any{"one_time_tokens": false}))
			s.must(200, s.login(app, map[string]any{"identity_token": bare}))
			s.must(200, s.login(app, map[string]any{"identity_token": tok}))

			// Monitor: a replayed token is a failed verification, which
			// monitor lets in unverified.
			s.must(200, s.do("PATCH", "/api/admin/apps/"+app, adminToken, map[string]any{"one_time_tokens": true, "enforcement": "monitor"}))
			fresh := oneTimeToken(t, clk, app, kid, secret, "u-3", "login-3")
			s.must(200, s.login(app, map[string]any{"identity_token": fresh}))
			s.must(200, s.login(app, map[string]any{"identity_token": fresh}))
			if at := s.lastAttempt(ws); at["reason"] != "replayed" || at["result"] != "unverified" {
				t.Errorf("a replay under monitor: %v", at)
			}

			// For signet apps only; and audited.
			other := s.app(ws, map[string]any{"profile": "intercom"})
			if a := s.do("PATCH", "/api/admin/apps/"+other, adminToken, map[string]any{"one_time_tokens": true}); a.Status != 400 || a.Code() != "invalid_request" {
				t.Errorf("one_time_tokens on an intercom app: %d %s", a.Status, a.Raw)
			}
			if a := s.do("PATCH", "/api/admin/apps/"+app, adminToken, map[string]any{"profile": "intercom"}); a.Status != 400 && a.Status != 409 {
				t.Errorf("leaving signet with one-time tokens on: %d %s", a.Status, a.Raw)
			}
			audit := s.must(200, s.do("GET", "/api/admin/workspaces/"+ws+"/audit?limit=10", adminToken, nil))
			if !strings.Contains(audit.Raw, `"one_time_tokens":true`) {
				t.Errorf("the audit log does not record one_time_tokens: %s", audit.Raw)
			}
		})
	}
}

// TestOneTimeTokensConcurrent: 20 concurrent logins with one token: exactly
// one logs in, every other is replayed.
func TestOneTimeTokensConcurrent(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			clk := newClock()
			dir := t.TempDir()
			s := startOn(t, testserver.Database(t, backend, dir), dir, clk)
			ws := s.workspace("Acme")
			app, kid, secret := oneTimeApp(t, s, ws)
			s.must(200, s.login(app, map[string]any{"identity_token": oneTimeToken(t, clk, app, kid, secret, "racer", "warm-up")}))
			tok := oneTimeToken(t, clk, app, kid, secret, "racer", "race")
			const n = 20
			answers := make([]answer, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() { answers[i], _ = s.tryLogin(app, map[string]any{"identity_token": tok}) })
			}
			wg.Wait()
			ok := 0
			for i, a := range answers {
				switch {
				case a.Status == 200:
					ok++
				case a.Status != 401 || a.Code() != "replayed":
					t.Errorf("login %d: %d %s", i, a.Status, a.Raw)
				}
			}
			if ok != 1 {
				t.Errorf("%d of %d concurrent logins with one token succeeded, want 1", ok, n)
			}
		})
	}
}

// TestOneTimeTokensAcrossNodes: a token used on one node is replayed on
// another node of the same PostgreSQL database.
func TestOneTimeTokensAcrossNodes(t *testing.T) {
	dsn := storetest.PostgresURL(t)
	dir := t.TempDir()
	clk := newClock()
	a, b := startOn(t, dsn, dir, clk), startOn(t, dsn, dir, clk)
	ws := a.workspace("Acme")
	app, kid, secret := oneTimeApp(t, a, ws)
	tok := oneTimeToken(t, clk, app, kid, secret, "u-1", "cross-node")
	a.must(200, a.login(app, map[string]any{"identity_token": tok}))
	wantRefused(t, b.login(app, map[string]any{"identity_token": tok}), "replayed")
	// And the other way round.
	other := oneTimeToken(t, clk, app, kid, secret, "u-1", "cross-node-2")
	b.must(200, b.login(app, map[string]any{"identity_token": other}))
	wantRefused(t, a.login(app, map[string]any{"identity_token": other}), "replayed")
}
