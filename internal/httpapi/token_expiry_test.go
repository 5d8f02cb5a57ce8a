package httpapi

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/signet-id/signet/internal/admin"
	"github.com/signet-id/signet/internal/conversation"
	"github.com/signet-id/signet/internal/login"
	"github.com/signet-id/signet/internal/staff"
)

// TestTokenExpiry: POST /api/admin/workspaces/{ws}/tokens takes expires_in
// within its bounds and answers expires_at; the token works until then and
// answers 401 unauthenticated from then on, on every route that takes an
// API token. Every answer and request body is checked against openapi.json,
// as in TestOpenAPILive.
func TestTokenExpiry(t *testing.T) {
	st, box := oaStore(t)
	clock := &oaClock{now: time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)}
	const owner = "owner-token-for-the-token-expiry-test-0123456789"
	srv := httptest.NewServer(New(Config{Database: st, Logins: &login.Service{Store: st, Box: box, Now: clock.Now},
		Admin: admin.New(st, box, clock.Now, nil), Conversations: &conversation.Service{Store: st, Now: clock.Now},
		Registry: prometheus.NewRegistry(), AdminToken: owner, Now: clock.Now,
		Staff: staff.New(staff.Config{Store: st, Now: clock.Now, AdminToken: owner})}))
	defer srv.Close()
	c := newOAChecker(t, srv)

	ws := c.want(c.do("POST", "/api/admin/workspaces", owner, map[string]any{"name": "Acme"}), 201, "").str("id")
	tokens := "/api/admin/workspaces/" + ws + "/tokens"

	for _, tc := range []struct {
		name string
		body map[string]any
	}{
		{"under a minute", map[string]any{"role": "agent", "expires_in": 59}},
		{"zero", map[string]any{"role": "agent", "expires_in": 0}},
		{"negative", map[string]any{"role": "agent", "expires_in": -3600}},
		{"over 366 days", map[string]any{"role": "agent", "expires_in": 366*86400 + 1}},
	} {
		if a := c.do("POST", tokens, owner, tc.body); a.status != 400 || a.code() != "invalid_request" {
			t.Errorf("expires_in %s: %d %s, want 400 invalid_request", tc.name, a.status, a.code())
		}
	}
	c.want(c.do("POST", tokens, owner, map[string]any{"role": "agent", "expires_in": 1.5}), 400, "invalid_json")
	c.want(c.do("POST", tokens, owner, map[string]any{"role": "agent", "expires_in": 60}), 201, "")
	yearly := c.want(c.do("POST", tokens, owner, map[string]any{"role": "agent", "expires_in": 366 * 86400}), 201, "")
	if want := clock.Now().Add(366 * 24 * time.Hour).Format(time.RFC3339); yearly.str("expires_at") != want {
		t.Errorf("expires_in of 366 days: expires_at %q, want %q", yearly.str("expires_at"), want)
	}

	created := c.want(c.do("POST", tokens, owner, map[string]any{"role": "admin", "name": "ci", "expires_in": 3600}), 201, "")
	text, id := created.str("token"), created.str("id")
	wantExpiry := clock.Now().Add(time.Hour).Format(time.RFC3339)
	if created.str("expires_at") != wantExpiry {
		t.Errorf("expires_at = %q, want %q", created.str("expires_at"), wantExpiry)
	}
	lasting := c.want(c.do("POST", tokens, owner, map[string]any{"role": "admin"}), 201, "")
	if _, ok := lasting.obj()["expires_at"]; ok {
		t.Errorf("a token without expires_in answers expires_at: %s", lasting.raw)
	}

	// Listed with expires_at.
	listed := map[string]map[string]any{}
	for _, v := range c.want(c.do("GET", tokens, owner, nil), 200, "").obj()["tokens"].([]any) {
		m := oaMapOf(v)
		listed[m["id"].(string)] = m
	}
	if listed[id]["expires_at"] != wantExpiry {
		t.Errorf("listed expires_at = %v, want %q", listed[id]["expires_at"], wantExpiry)
	}
	if _, ok := listed[lasting.str("id")]["expires_at"]; ok {
		t.Errorf("a token without expiry is listed with expires_at: %v", listed[lasting.str("id")])
	}

	// Works up to its last millisecond, then 401 on the admin and agent APIs alike.
	clock.Add(time.Hour - time.Millisecond)
	c.want(c.do("GET", tokens, text, nil), 200, "")
	c.want(c.do("GET", "/api/agent/workspaces/"+ws+"/issues", text, nil), 200, "")
	clock.Add(time.Millisecond)
	for _, path := range []string{tokens, "/api/admin/workspaces/" + ws, "/api/agent/workspaces/" + ws + "/issues"} {
		c.want(c.do("GET", path, text, nil), 401, "unauthenticated")
	}
	c.want(c.do("POST", tokens, text, map[string]any{"role": "agent"}), 401, "unauthenticated")
	// The token without expiry goes on.
	clock.Add(400 * 24 * time.Hour)
	c.want(c.do("GET", tokens, lasting.str("token"), nil), 200, "")
}
