package web_test

import (
	"net/http"
	"net/netip"
	"net/url"
	"testing"

	"github.com/signet-id/signet/internal/server"
)

// fromAddress makes a browser's requests come from addr, as a trusted
// proxy in front of Signet would say with X-Forwarded-For.
type fromAddress struct{ addr string }

func (f fromAddress) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("X-Forwarded-For", f.addr)
	return http.DefaultTransport.RoundTrip(r)
}

// TestSignInLockoutCannotBeAimed: wrong passwords for an account from
// elsewhere lock that address out, never the account's owner on their own
// address; from the attacker's address the account stays locked, even with
// the right password.
func TestSignInLockoutCannotBeAimed(t *testing.T) {
	e := start(t, func(c *server.Config) {
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	})
	ws := e.workspace("Acme")
	e.account(ws, "admin@acme.test", "admin")
	at := func(addr string) *browser {
		b := e.browser()
		b.client.Transport = fromAddress{addr}
		b.get("/dashboard/signin")
		return b
	}
	attacker := at("203.0.113.66")
	for i := 0; i < 12; i++ {
		attacker.post("/dashboard/signin", url.Values{"email": {"admin@acme.test"}, "password": {"wrong password!"}})
	}
	if p := attacker.post("/dashboard/signin", url.Values{"email": {"admin@acme.test"}, "password": {testPassword}}); p.Status != http.StatusTooManyRequests {
		t.Fatalf("from the attacker's address, the right password after 12 failures: %d", p.Status)
	}
	// Another address in the attacker's IPv6 /64 counts as the same.
	v6 := at("2001:db8:66::1")
	for i := 0; i < 10; i++ {
		v6.post("/dashboard/signin", url.Values{"email": {"admin@acme.test"}, "password": {"wrong password!"}})
	}
	if p := at("2001:db8:66::2").post("/dashboard/signin", url.Values{"email": {"admin@acme.test"}, "password": {testPassword}}); p.Status != http.StatusTooManyRequests {
		t.Errorf("another address of the same /64: %d", p.Status)
	}
	// The owner, from their own address, signs in.
	at("198.51.100.20").signIn("admin@acme.test")
}
