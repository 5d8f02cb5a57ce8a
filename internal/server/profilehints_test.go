package server_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
)

// TestProfileHintsInLog: a second-wave token that breaks its vendor's claim
// rules (Zendesk's numeric external_id, a missing scope, an unverified email
// sent beside the token; Drift's missing sub) is let in unverified under
// monitor, and the verification log names the vendor's claim at fault, with
// no cause (no signature to re-compute), on both databases.
func TestProfileHintsInLog(t *testing.T) {
	b64 := base64.RawURLEncoding.EncodeToString
	tok := func(secret, header, claims string) string {
		in := b64([]byte(header)) + "." + b64([]byte(claims))
		m := hmac.New(sha256.New, []byte(secret))
		m.Write([]byte(in))
		return in + "." + b64(m.Sum(nil))
	}
	const kidHdr = `{"alg":"HS256","typ":"JWT","kid":"app_65a1f0c2d3e4b5a6c7d8e9f0"}`
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			s := start(t, backend)
			ws := s.workspace("Acme")
			zd := s.app(ws, map[string]any{"profile": "zendesk-messaging", "enforcement": "monitor", "on_failure": "reject"})
			_, zdSecret := s.key(zd)
			dr := s.app(ws, map[string]any{"profile": "drift", "enforcement": "monitor", "on_failure": "reject"})
			_, drSecret := s.key(dr)
			cases := []struct {
				app, version string
				body         map[string]any
				reason, hint string
			}{
				{zd, "zd-1", map[string]any{"identity_token": tok(zdSecret, kidHdr, `{"scope":"user","external_id":42}`)},
					"claim_invalid", "the external_id claim must be a string, and this one is a number"},
				{zd, "zd-2", map[string]any{"identity_token": tok(zdSecret, kidHdr, `{"external_id":"user-42"}`)},
					"claim_invalid", `zendesk-messaging tokens carry scope = "user"`},
				{zd, "zd-3", map[string]any{"email": "jane@example.com", "identity_token": tok(zdSecret, kidHdr,
					`{"scope":"user","external_id":"user-42","email":"jane@example.com","email_verified":false}`)},
					"identity_mismatch", "counts its email claim only with email_verified: true"},
				{dr, "dr-1", map[string]any{"identity_token": tok(drSecret, `{"alg":"HS256","typ":"JWT"}`, `{"user_id":"user-42"}`)},
					"identity_required", "no sub claim"},
			}
			for _, c := range cases {
				c.body["app_version"] = c.version
				got := s.must(200, s.login(c.app, c.body))
				if got.Body["verified"] != false || got.Body["anonymous"] != false {
					t.Fatalf("%s: %s", c.version, got.Raw)
				}
				if strings.Contains(got.Raw, c.hint) {
					t.Errorf("%s: the hint reached the end user: %s", c.version, got.Raw)
				}
			}
			log := s.must(200, s.do("GET", "/api/admin/workspaces/"+ws+"/attempts?result=unverified", adminToken, nil))
			found := map[string]map[string]any{}
			for _, a := range log.Body["attempts"].([]any) {
				a := a.(map[string]any)
				found[a["app_version"].(string)] = a
			}
			for _, c := range cases {
				a := found[c.version]
				if a == nil || a["reason"] != c.reason || a["cause"] != nil || !strings.Contains(fmt.Sprint(a["diagnosis"]), c.hint) {
					t.Errorf("%s: attempt %v, want reason %s and a diagnosis saying %q", c.version, a, c.reason, c.hint)
				}
			}
		})
	}
}
