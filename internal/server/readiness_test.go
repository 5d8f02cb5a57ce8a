package server_test

import (
	"testing"
	"time"

	"github.com/signet-id/signet/internal/login"
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
