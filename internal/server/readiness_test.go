package server_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/signet-id/signet/internal/login"
	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/server"
	"github.com/signet-id/signet/verify"
)

// TestReadinessCountsSuspiciousRefusals: a login refused for suspicious
// activity carried a valid signature, so rollout readiness counts it as
// checked and verified: the brand's client signs correctly.
func TestReadinessCountsSuspiciousRefusals(t *testing.T) {
	s := start(t, "sqlite", func(c *server.Config) {
		c.Guard = login.Guard{IdentityFailures: -1, AddressFailures: -1, FailuresThenSuccess: 1, Devices: -1}
	})
	ws := s.workspace("Acme")
	app := s.app(ws, map[string]any{"profile": "signet", "enforcement": "monitor"})
	kid, secret := s.key(app)
	s.must(200, s.login(app, proof(t, s.Clock, verify.Signet, app, kid, "a-guess-0123456789abcdef", "alice", "")))
	s.Clock.Advance(time.Second)
	if a := s.login(app, proof(t, s.Clock, verify.Signet, app, kid, secret, "alice", "")); a.Status != 429 {
		t.Fatalf("a success right after a failure: %s", a.Raw)
	}
	buckets := s.must(200, s.do("GET", "/api/admin/apps/"+app+"/readiness", adminToken, nil)).Body["buckets"].([]any)
	if len(buckets) != 1 {
		t.Fatalf("buckets %v", buckets)
	}
	if b := buckets[0].(map[string]any); b["total"] != 2.0 || b["verified"] != 1.0 {
		t.Errorf("readiness counts %v/%v verified, want 1 of 2 (the refused login was signed)", b["verified"], b["total"])
	}
}

// TestReadinessVersionCap: clients choose app_version, so 30 distinct
// versions over HTTP give at most model.ReadinessVersions versions in the
// answer plus "other", with every checked login still counted.
func TestReadinessVersionCap(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			s := start(t, backend)
			ws := s.workspace("Acme")
			app := s.app(ws, map[string]any{"profile": "signet", "enforcement": "monitor"})
			kid, secret := s.key(app)
			const logins = model.ReadinessVersions + 10
			for i := range logins {
				body := proof(t, s.Clock, verify.Signet, app, kid, secret, "alice", "")
				body["app_version"] = fmt.Sprintf("9.%d.0-%s", i, strings.Repeat("x", 50))
				s.must(200, s.login(app, body))
			}
			buckets := s.must(200, s.do("GET", "/api/admin/apps/"+app+"/readiness", adminToken, nil)).Body["buckets"].([]any)
			versions := map[any]bool{}
			total, verified := 0.0, 0.0
			for _, b := range buckets {
				b := b.(map[string]any)
				versions[b["app_version"]] = true
				total += b["total"].(float64)
				verified += b["verified"].(float64)
			}
			if len(versions) != model.ReadinessVersions+1 || !versions[model.OtherAppVersion] || total != logins || verified != logins {
				t.Errorf("readiness after %d versions: %d versions (other: %v), %v/%v verified", logins, len(versions),
					versions[model.OtherAppVersion], verified, total)
			}
		})
	}
}
