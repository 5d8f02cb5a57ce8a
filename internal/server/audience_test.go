package server_test

import (
	"strings"
	"testing"

	"github.com/signet-id/signet/sign"
	"github.com/signet-id/signet/verify"
)

// TestPylonAudienceAlias: a brand migrating from Pylon keeps its token
// endpoint unchanged: the app's audience_alias (the Pylon widget app id its
// tokens name in aud) verifies beside the Signet app id; any other aud is
// refused, the alias is for pylon-jwt apps only, and clearing it restores
// the strict rule.
func TestPylonAudienceAlias(t *testing.T) {
	const pylonApp = "7d3f2c1e-pylon-widget-app-id"
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			s := start(t, backend)
			ws := s.workspace("Acme")
			created := s.must(201, s.do("POST", "/api/admin/workspaces/"+ws+"/apps", adminToken, map[string]any{
				"name": "Acme web", "platform": "web", "profile": "pylon-jwt", "audience_alias": pylonApp}))
			app := created.Str("id")
			if created.Str("audience_alias") != pylonApp {
				t.Errorf("created app: %s", created.Raw)
			}
			_, secret := s.key(app)
			login := func(aud string) answer {
				signer := sign.Signer{Profile: verify.PylonJWT, Secret: secret, AppID: aud, Now: s.Clock.Now}
				tok, err := signer.Token(sign.Claims{Email: "jane@example.com"})
				if err != nil {
					t.Fatal(err)
				}
				return s.login(app, map[string]any{"email": "jane@example.com", "identity_token": tok})
			}
			for _, aud := range []string{pylonApp, app} {
				if a := login(aud); a.Status != 200 || a.Body["verified"] != true {
					t.Errorf("aud %s: %s", aud, a.Raw)
				}
			}
			for _, aud := range []string{"someone-else", "7D3F2C1E-PYLON-WIDGET-APP-ID"} {
				if a := login(aud); a.Status != 401 || a.Code() != "audience_mismatch" {
					t.Errorf("aud %s: %s, want 401 audience_mismatch", aud, a.Raw)
				}
			}

			// Bad settings: refused with a code, nothing changed.
			for name, body := range map[string]map[string]any{
				"another profile with the alias": {"profile": "signet"},
				"a control character":            {"audience_alias": "pylon\u0000app"},
				"a bidi control":                 {"audience_alias": "pylon\u202eapp"},
				"a trailing space":               {"audience_alias": pylonApp + " "},
				"too long":                       {"audience_alias": string(make([]byte, 201))},
			} {
				if a := s.do("PATCH", "/api/admin/apps/"+app, adminToken, body); a.Status != 400 || a.Code() != "invalid_request" {
					t.Errorf("%s: %s, want 400 invalid_request", name, a.Raw)
				}
			}
			if a := s.do("POST", "/api/admin/workspaces/"+ws+"/apps", adminToken, map[string]any{
				"name": "Signet app", "platform": "web", "profile": "signet", "audience_alias": pylonApp}); a.Status != 400 {
				t.Errorf("a signet app with an alias: %s", a.Raw)
			}
			if got := s.must(200, s.do("GET", "/api/admin/apps/"+app, adminToken, nil)); got.Str("audience_alias") != pylonApp || got.Str("profile") != "pylon-jwt" {
				t.Errorf("after refused changes: %s", got.Raw)
			}

			// Cleared: the vendor's app id no longer verifies.
			s.must(200, s.do("PATCH", "/api/admin/apps/"+app, adminToken, map[string]any{"audience_alias": ""}))
			if a := login(pylonApp); a.Status != 401 || a.Code() != "audience_mismatch" {
				t.Errorf("alias cleared, the Pylon app id: %s", a.Raw)
			}
			audit := s.must(200, s.do("GET", "/api/admin/workspaces/"+ws+"/audit?action=app.update", adminToken, nil)).Raw
			if !strings.Contains(audit, `"audience_alias":""`) {
				t.Errorf("the alias change is not in the audit log: %s", audit)
			}
		})
	}
}
