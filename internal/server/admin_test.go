package server_test

import (
	"strings"
	"testing"
	"time"

	"github.com/signet-id/signet/verify"
)

// TestAdminAccess: tokens are limited to their workspace and role; what is
// not yours is 404, what your role may not do 403.
func TestAdminAccess(t *testing.T) {
	s := start(t, "sqlite")
	ws := s.workspace("Acme")
	otherWS := s.workspace("Other")
	app := s.app(ws, map[string]any{"profile": "signet"})
	otherApp := s.app(otherWS, map[string]any{"profile": "signet"})
	kid, _ := s.key(app)
	adminTok := s.must(201, s.do("POST", "/api/admin/workspaces/"+ws+"/tokens", adminToken, map[string]any{"role": "admin"})).Str("token")
	agentTok := s.must(201, s.do("POST", "/api/admin/workspaces/"+ws+"/tokens", adminToken, map[string]any{"role": "agent", "name": "support"})).Str("token")

	tests := []struct {
		name, method, path, token string
		body                      any
		status                    int
		code                      string
	}{
		{"no token", "GET", "/api/admin/workspaces", "", nil, 401, "unauthenticated"},
		{"junk token", "GET", "/api/admin/workspaces", "sat_junk", nil, 401, "unauthenticated"},
		{"admin creates a workspace", "POST", "/api/admin/workspaces", adminTok, map[string]any{"name": "x"}, 403, "forbidden"},
		{"admin reads its app", "GET", "/api/admin/apps/" + app, adminTok, nil, 200, ""},
		{"admin creates a key", "POST", "/api/admin/apps/" + app + "/keys", adminTok, map[string]any{}, 201, ""},
		{"admin reads another workspace's app", "GET", "/api/admin/apps/" + otherApp, adminTok, nil, 404, "not_found"},
		{"admin reads another workspace", "GET", "/api/admin/workspaces/" + otherWS, adminTok, nil, 404, "not_found"},
		{"admin adds an app to another workspace", "POST", "/api/admin/workspaces/" + otherWS + "/apps", adminTok, map[string]any{"name": "x", "platform": "web"}, 404, "not_found"},
		{"agent lists keys", "GET", "/api/admin/apps/" + app + "/keys", agentTok, nil, 403, "forbidden"},
		{"agent creates a key", "POST", "/api/admin/apps/" + app + "/keys", agentTok, map[string]any{}, 403, "forbidden"},
		{"agent revokes a key", "DELETE", "/api/admin/apps/" + app + "/keys/" + kid, agentTok, nil, 403, "forbidden"},
		{"agent changes settings", "PATCH", "/api/admin/apps/" + app, agentTok, map[string]any{"enforcement": "off"}, 403, "forbidden"},
		{"agent mints a token", "POST", "/api/admin/workspaces/" + ws + "/tokens", agentTok, map[string]any{"role": "admin"}, 403, "forbidden"},
		{"agent reads the log", "GET", "/api/admin/workspaces/" + ws + "/attempts", agentTok, nil, 403, "forbidden"},
		{"agent lists users", "GET", "/api/admin/workspaces/" + ws + "/users", agentTok, nil, 200, ""},
		{"agent lists another workspace's users", "GET", "/api/admin/workspaces/" + otherWS + "/users", agentTok, nil, 404, "not_found"},
		{"agent lists workspaces: only its own", "GET", "/api/admin/workspaces", agentTok, nil, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.t = t
			a := s.do(tt.method, tt.path, tt.token, tt.body)
			if a.Status != tt.status || a.Code() != tt.code {
				t.Errorf("%d %q, want %d %q: %s", a.Status, a.Code(), tt.status, tt.code, a.Raw)
			}
		})
	}
	s.t = t
	list := s.must(200, s.do("GET", "/api/admin/workspaces", agentTok, nil))
	if n := len(list.Body["workspaces"].([]any)); n != 1 {
		t.Errorf("an agent sees %d workspaces", n)
	}
	// A revoked token stops working at once.
	toks := s.must(200, s.do("GET", "/api/admin/workspaces/"+ws+"/tokens", adminToken, nil)).Body["tokens"].([]any)
	var agentID string
	for _, tk := range toks {
		tk := tk.(map[string]any)
		if tk["role"] == "agent" {
			agentID = tk["id"].(string)
		}
		if _, leaked := tk["token"]; leaked {
			t.Error("a token listing shows the token")
		}
	}
	s.must(204, s.do("DELETE", "/api/admin/workspaces/"+ws+"/tokens/"+agentID, adminToken, nil))
	if a := s.do("GET", "/api/admin/workspaces/"+ws+"/users", agentTok, nil); a.Status != 401 {
		t.Errorf("a revoked token works: %s", a.Raw)
	}
}

// TestBadInput: clear 4xx codes, and nothing half-written.
func TestBadInput(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			s := start(t, backend)
			ws := s.workspace("Acme")
			app := s.app(ws, map[string]any{"profile": "pylon-hmac"})
			tests := []struct {
				name, method, path string
				body               any
				status             int
				code               string
			}{
				{"malformed JSON", "POST", "/api/admin/workspaces/" + ws + "/apps", `{"name":`, 400, "invalid_json"},
				{"not an object", "POST", "/api/admin/workspaces/" + ws + "/apps", `[1,2]`, 400, "invalid_json"},
				{"two objects", "POST", "/api/admin/workspaces/" + ws + "/apps", `{"name":"a","platform":"web"}{}`, 400, "invalid_json"},
				{"unknown field", "POST", "/api/admin/workspaces/" + ws + "/apps", map[string]any{"name": "a", "platform": "web", "color": "red"}, 400, "unknown_field"},
				{"bad enforcement", "POST", "/api/admin/workspaces/" + ws + "/apps", map[string]any{"name": "a", "platform": "web", "enforcement": "strict"}, 400, "invalid_request"},
				{"bad profile", "POST", "/api/admin/workspaces/" + ws + "/apps", map[string]any{"name": "a", "platform": "web", "profile": "okta"}, 400, "invalid_request"},
				{"bad user-id pattern", "POST", "/api/admin/workspaces/" + ws + "/apps", map[string]any{"name": "a", "platform": "web", "user_id_pattern": "(["}, 400, "invalid_request"},
				{"wrong type", "PATCH", "/api/admin/apps/" + app, map[string]any{"full_privacy": "yes"}, 400, "invalid_json"},
				{"oversize body", "POST", "/api/admin/workspaces/" + ws + "/apps", `{"name":"` + strings.Repeat("a", 70<<10) + `"}`, 413, "body_too_large"},
				{"non-hex pylon-hmac import", "POST", "/api/admin/apps/" + app + "/keys", map[string]any{"secret": "this is not hex at all!!"}, 400, "invalid_request"},
				{"weak import", "POST", "/api/admin/apps/" + app + "/keys", map[string]any{"secret": "abcd"}, 400, "weak_secret"},
				{"a token named like a dashboard session", "POST", "/api/admin/workspaces/" + ws + "/tokens", map[string]any{"role": "agent", "name": " Dashboard: someone@example.com"}, 400, "invalid_request"},
				{"unknown app", "POST", "/v1/apps/app_aaaaaaaaaaaaaaaa/login", map[string]any{}, 404, "not_found"},
				{"junk app id", "POST", "/v1/apps/..%2f..%2fetc/login", map[string]any{}, 404, "not_found"},
				{"login unknown field", "POST", "/v1/apps/" + app + "/login", map[string]any{"admin": true}, 400, "unknown_field"},
				{"login control characters", "POST", "/v1/apps/" + app + "/login", map[string]any{"email": "a\u0000@b.co"}, 400, "invalid_request"},
				{"login oversize", "POST", "/v1/apps/" + app + "/login", `{"identity_token":"` + strings.Repeat("a", 70<<10) + `"}`, 413, "body_too_large"},
				{"unknown key", "DELETE", "/api/admin/apps/" + app + "/keys/key_aaaaaaaaaaaaaaaa", nil, 404, "not_found"},
				{"unknown user", "GET", "/api/admin/users/usr_aaaaaaaaaaaaaaaa", nil, 404, "not_found"},
				{"bad limit", "GET", "/api/admin/workspaces/" + ws + "/attempts?limit=100000", nil, 400, "invalid_request"},
				{"bad since", "GET", "/api/admin/workspaces/" + ws + "/attempts?since=yesterday", nil, 400, "invalid_request"},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					s.t = t
					a := s.do(tt.method, tt.path, adminToken, tt.body)
					if a.Status != tt.status || a.Code() != tt.code {
						t.Errorf("%d %q, want %d %q: %.300s", a.Status, a.Code(), tt.status, tt.code, a.Raw)
					}
					if msg, _ := a.Body["error"].(map[string]any)["message"].(string); msg == "" {
						t.Errorf("no message: %s", a.Raw)
					}
				})
			}
			s.t = t
			apps := s.must(200, s.do("GET", "/api/admin/workspaces/"+ws+"/apps", adminToken, nil)).Body["apps"].([]any)
			if len(apps) != 1 {
				t.Errorf("refused requests left %d apps", len(apps))
			}
			keys := s.must(200, s.do("GET", "/api/admin/apps/"+app+"/keys", adminToken, nil)).Body["keys"].([]any)
			if len(keys) != 0 {
				t.Errorf("refused imports left %d keys", len(keys))
			}
			// A weak secret goes in only when forced.
			s.must(201, s.do("POST", "/api/admin/apps/"+app+"/keys", adminToken, map[string]any{"secret": "abcd", "force": true}))
			// The profile of an app with live keys cannot change.
			if a := s.do("PATCH", "/api/admin/apps/"+app, adminToken, map[string]any{"profile": string(verify.Intercom)}); a.Status != 409 {
				t.Errorf("profile change with keys: %s", a.Raw)
			}
		})
	}
}

// TestOperations: health, readiness, metrics, the OpenAPI document, headers.
func TestOperations(t *testing.T) {
	s := start(t, "sqlite")
	s.must(200, s.do("GET", "/healthz", "", nil))
	s.must(200, s.do("GET", "/readyz", "", nil))
	ws := s.workspace("Acme")
	app := s.app(ws, map[string]any{"profile": "intercom", "enforcement": "monitor"})
	kid, secret := s.key(app)
	s.must(200, s.login(app, proof(t, s.Clock, verify.Intercom, app, kid, secret, "u1", "")))
	s.must(200, s.login(app, proof(t, s.Clock, verify.Intercom, app, kid, "wrong-secret-0123456789", "u1", "")))
	m := s.do("GET", "/metrics", adminToken, nil)
	for _, want := range []string{
		`signet_logins_total{app="` + app + `",profile="intercom",reason="",result="verified"} 1`,
		`signet_logins_total{app="` + app + `",profile="intercom",reason="signature_mismatch",result="unverified"} 1`,
		`signet_login_duration_seconds_bucket{profile="intercom",result="verified"`,
		`signet_http_requests_total{code="200",route="POST /v1/apps/{app}/login"} 2`,
	} {
		if !strings.Contains(m.Raw, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	doc := s.must(200, s.do("GET", "/openapi.json", "", nil))
	if !strings.HasPrefix(doc.Str("openapi"), "3.1") {
		t.Errorf("openapi.json: %.200s", doc.Raw)
	}
	if a := s.do("GET", "/api/admin/nope", adminToken, nil); a.Status != 404 || a.Code() != "not_found" {
		t.Errorf("unknown path: %d %s", a.Status, a.Raw)
	}
	if a := s.do("PUT", "/api/admin/workspaces", adminToken, nil); a.Status != 405 || a.Code() != "method_not_allowed" || a.Header.Get("Allow") != "GET, POST" {
		t.Errorf("wrong method: %d %v %s", a.Status, a.Header.Get("Allow"), a.Raw)
	}
	// Retiring with no body takes the default grace period of 7 days.
	r := s.must(200, s.do("POST", "/api/admin/apps/"+app+"/keys/"+kid+"/retire", adminToken, nil))
	if at, _ := time.Parse(time.RFC3339, r.Str("retires_at")); !at.Equal(s.Clock.Now().Add(7 * 24 * time.Hour)) {
		t.Errorf("retires_at %s, want now + 7 days", r.Str("retires_at"))
	}
	a := s.do("OPTIONS", "/v1/apps/"+app+"/login", "", nil)
	if a.Status != 204 || a.Header.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(a.Header.Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Errorf("CORS preflight: %d %v", a.Status, a.Header)
	}
	if h := s.do("GET", "/api/admin/workspaces", adminToken, nil).Header; h.Get("Access-Control-Allow-Origin") != "" || h.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("admin API headers: %v", h)
	}
}
