package server_test

import (
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// TestKeyMaterialOneProfile: one secret never serves two profiles in a
// workspace, compared by the key BYTES each profile uses: a secret given
// as text to an intercom app and as hex to a pylon-hmac app is one key, and
// is refused; imports racing over real HTTP are refused by the database.
func TestKeyMaterialOneProfile(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			s := start(t, backend)
			ws := s.workspace("Acme")
			intercom := s.app(ws, map[string]any{"profile": "intercom"})
			pylon := s.app(ws, map[string]any{"profile": "pylon-hmac"})
			text := "the-same-vendor-secret-0001"
			s.must(201, s.do("POST", "/api/admin/apps/"+intercom+"/keys", adminToken, map[string]any{"secret": text}))
			asHex := hex.EncodeToString([]byte(text))
			if a := s.do("POST", "/api/admin/apps/"+pylon+"/keys", adminToken, map[string]any{"secret": asHex}); a.Status != 409 || !strings.Contains(a.Raw, intercom) {
				t.Errorf("the same key bytes as hex for pylon-hmac: %d %s", a.Status, a.Raw)
			}
			// Upper-case hex is the same bytes too.
			if a := s.do("POST", "/api/admin/apps/"+pylon+"/keys", adminToken, map[string]any{"secret": strings.ToUpper(asHex)}); a.Status != 409 {
				t.Errorf("the same key bytes as upper-case hex: %d %s", a.Status, a.Raw)
			}

			// Concurrent imports of one new secret into apps of two profiles:
			// exactly one profile gets it.
			for round := range 3 {
				a := s.app(ws, map[string]any{"profile": "intercom"})
				b := s.app(ws, map[string]any{"profile": "pylon-hmac"})
				secret := fmt.Sprintf("race-secret-%d-%s", round, backend)
				bodies := []map[string]any{{"secret": secret}, {"secret": hex.EncodeToString([]byte(secret))}}
				apps := []string{a, b}
				const n = 6
				status := make([]int, n)
				var wg sync.WaitGroup
				for i := range n {
					wg.Go(func() {
						status[i] = s.Do(t, "POST", "/api/admin/apps/"+apps[i%2]+"/keys", adminToken, bodies[i%2]).Status
					})
				}
				wg.Wait()
				won := map[string]bool{}
				for i, st := range status {
					switch st {
					case 201:
						won[apps[i%2]] = true
					case 409:
					default:
						t.Errorf("round %d: import %d answered %d", round, i, st)
					}
				}
				if len(won) != 1 {
					t.Errorf("round %d: the secret serves %d profiles (%v); exactly one may", round, len(won), status)
				}
			}
		})
	}
}
