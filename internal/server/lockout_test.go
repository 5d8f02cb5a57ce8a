package server_test

import (
	"fmt"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/signet-id/signet/internal/login"
	"github.com/signet-id/signet/internal/server"
	"github.com/signet-id/signet/verify"
)

// lockoutServer runs a server behind a trusted proxy (loopback), so a test
// chooses each request's client address with X-Forwarded-For.
func lockoutServer(t *testing.T, backend string) *testServer {
	return start(t, backend, func(c *server.Config) {
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
		c.Guard = login.Guard{Window: 10 * time.Minute, IdentityFailures: 5, AddressFailures: 50, FailuresThenSuccess: 3,
			Delay: 10 * time.Millisecond}
	})
}

// TestLockoutCannotBeAimed: an attacker who names a user and fails from
// addresses that user never logged in from neither ends the user's sessions
// nor locks the user out of the address and device they use; the identity
// stays locked for other unknown addresses, and the attacker's own address
// is locked.
func TestLockoutCannotBeAimed(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			s := lockoutServer(t, backend)
			ws := s.workspace("Acme")
			app := s.app(ws, map[string]any{"profile": "intercom", "enforcement": "enforce"})
			kid, secret := s.key(app)
			from := func(addr, device, secret string) answer {
				body := proof(t, s.Clock, verify.Intercom, app, kid, secret, "victim", "")
				body["device_id"] = device
				return s.doHeader("POST", "/v1/apps/"+app+"/login", map[string]string{"X-Forwarded-For": addr}, body)
			}
			const home, phone = "198.51.100.7", "victims-phone"
			session := s.must(200, from(home, phone, secret)).Str("session_token")

			// The attacker guesses from two addresses, with a device of its own.
			got := map[int]int{}
			for i := 0; i < 8; i++ {
				got[from("203.0.113.1", "attacker", fmt.Sprintf("guess-%d-0123456789abcdef", i)).Status]++
			}
			if got[401] != 5 || got[429] != 3 {
				t.Fatalf("8 guesses from one address: %v; want 5 checked, then 429", got)
			}
			if a := from("203.0.113.2", "attacker", "another-guess-0123456789"); a.Status != 429 {
				t.Fatalf("the identity is not locked for an unknown address: %s", a.Raw)
			}
			if a := from("2001:db8:bad::1", "attacker", "an-ipv6-guess-0123456789"); a.Status != 429 {
				t.Fatalf("the identity is not locked for an unknown IPv6 address: %s", a.Raw)
			}

			// The user: still signed in, and logs in from home at once, with
			// no suspicious-activity signal.
			s.must(200, s.do("GET", "/v1/me", session, nil))
			again := s.must(200, from(home, phone, secret)).Str("session_token")
			s.must(200, s.do("GET", "/v1/me", session, nil))
			// From a new address, on the known device: admitted too.
			s.must(200, from("192.0.2.50", phone, secret))
			// From a new address and a new device: the identity's lock holds.
			if a := from("192.0.2.51", "new-tablet", secret); a.Status != 429 {
				t.Errorf("a new address and device escaped the identity's lock: %s", a.Raw)
			}
			// The attacker's address stays locked for this identity, even
			// claiming the user's device.
			if a := from("203.0.113.1", phone, "yet-another-guess-012345"); a.Status != 429 {
				t.Errorf("the attacker's address is no longer locked: %s", a.Raw)
			}
			for _, tok := range []string{session, again} {
				s.must(200, s.do("GET", "/v1/me", tok, nil))
			}

			// Lock-outs expire with their window.
			s.Clock.Advance(10*time.Minute + time.Second)
			s.must(200, from("192.0.2.51", "new-tablet", secret))
		})
	}
}

// TestLockoutStillStopsGuessing: the brute-force limits hold under the new
// rules: a burst of concurrent guesses for one identity from one address,
// or from as many addresses as guesses, gets no more checks than the limit;
// a success from an address that failed ends the user's sessions.
func TestLockoutStillStopsGuessing(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			s := lockoutServer(t, backend)
			ws := s.workspace("Acme")
			app := s.app(ws, map[string]any{"profile": "intercom", "enforcement": "enforce"})
			kid, secret := s.key(app)
			guess := func(uid, addr string, i int) answer {
				body := proof(t, s.Clock, verify.Intercom, app, kid, fmt.Sprintf("guess-%d-0123456789abcdef", i), uid, "")
				body["device_id"] = "attacker"
				return s.doHeader("POST", "/v1/apps/"+app+"/login", map[string]string{"X-Forwarded-For": addr}, body)
			}
			burst := func(uid string, addr func(i int) string) map[int]int {
				var mu sync.Mutex
				got := map[int]int{}
				var wg sync.WaitGroup
				for i := range 60 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						a := guess(uid, addr(i), i)
						mu.Lock()
						got[a.Status]++
						mu.Unlock()
					}()
				}
				wg.Wait()
				return got
			}
			got := burst("alice", func(int) string { return "203.0.113.9" })
			if got[401] != 5 || got[429] != 55 {
				t.Errorf("60 concurrent guesses from one address: %v; want 5 checked, 55 × 429", got)
			}
			got = burst("bob", func(i int) string { return fmt.Sprintf("198.18.%d.%d", i/200, i%200+1) })
			if got[401] != 5 || got[429] != 55 {
				t.Errorf("60 concurrent guesses from 60 addresses: %v; want 5 checked, 55 × 429", got)
			}
			// IPv6: one /64 is one address.
			got = burst("carol", func(i int) string { return fmt.Sprintf("2001:db8:1:2::%x", i+1) })
			if got[401] != 5 || got[429] != 55 {
				t.Errorf("60 concurrent guesses from one IPv6 /64: %v; want 5 checked, 55 × 429", got)
			}

			// A success from an address that failed 3 times: the signal.
			body := proof(t, s.Clock, verify.Intercom, app, kid, secret, "dave", "")
			earlier := s.must(200, s.doHeader("POST", "/v1/apps/"+app+"/login", map[string]string{"X-Forwarded-For": "192.0.2.1"}, body)).Str("session_token")
			for i := range 3 {
				guess("dave", "203.0.113.50", i)
			}
			if a := s.doHeader("POST", "/v1/apps/"+app+"/login", map[string]string{"X-Forwarded-For": "203.0.113.50"}, body); a.Status != 429 {
				t.Fatalf("a success after failures from the same address: %s", a.Raw)
			}
			if a := s.do("GET", "/v1/me", earlier, nil); a.Code() != "session_revoked" {
				t.Errorf("the signal did not end the user's sessions: %s", a.Raw)
			}
		})
	}
}
