package server_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signet-id/signet/internal/login"
	"github.com/signet-id/signet/internal/outbound"
	"github.com/signet-id/signet/internal/server"
	"github.com/signet-id/signet/internal/testserver"
	"github.com/signet-id/signet/sign"
	"github.com/signet-id/signet/verify"
)

// keyPair makes a private key of alg.
func keyPair(t *testing.T, alg string) crypto.Signer {
	t.Helper()
	var k crypto.Signer
	var err error
	switch alg {
	case verify.ES256:
		k, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case verify.EdDSA:
		_, k, err = ed25519.GenerateKey(rand.Reader)
	case verify.RS256:
		k, err = rsa.GenerateKey(rand.Reader, 2048)
	}
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func pemOf(t *testing.T, k crypto.Signer) string {
	t.Helper()
	p, err := verify.MarshalPublicKey(k.Public())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// signToken signs a signet token for uid with priv (or, when priv is nil,
// with secret), naming kid.
func signToken(t *testing.T, clk *clock, app, kid string, priv crypto.Signer, secret, uid string) string {
	t.Helper()
	s := sign.Signer{Profile: verify.Signet, AppID: app, KeyID: kid, PrivateKey: priv, Secret: secret, Now: clk.Now}
	tok, err := s.Token(sign.Claims{UserID: uid})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// lastAttempt is the newest entry of the workspace's verification log.
func (s *testServer) lastAttempt(ws string) map[string]any {
	s.t.Helper()
	l := s.must(200, s.do("GET", "/api/admin/workspaces/"+ws+"/attempts?limit=1", adminToken, nil))
	list, _ := l.Body["attempts"].([]any)
	if len(list) == 0 {
		s.t.Fatal("no attempt logged")
	}
	return list[0].(map[string]any)
}

// TestPublicKeyLogins: over real HTTP on both databases, tokens signed by
// each algorithm's private key log in; the algorithm-confusion attacks are
// refused with their reason and cause; revoking a public key ends its
// sessions, retiring it keeps it verifying through the grace period.
func TestPublicKeyLogins(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			s := start(t, backend, noGuard)
			clk := s.Clock
			ws := s.workspace("Acme")
			app := s.app(ws, map[string]any{})
			secretID, secret := s.key(app)
			ids, privs := map[string]string{}, map[string]crypto.Signer{}
			for _, alg := range verify.PublicKeyAlgorithms {
				privs[alg] = keyPair(t, alg)
				k := s.must(201, s.do("POST", "/api/admin/apps/"+app+"/keys", adminToken, map[string]any{"algorithm": alg, "public_key": pemOf(t, privs[alg])}))
				if k.Str("algorithm") != alg || k.Body["secret"] != nil {
					t.Fatalf("%s key: %s", alg, k.Raw)
				}
				ids[alg] = k.Str("id")
			}
			sessions := map[string]string{}
			for _, alg := range verify.PublicKeyAlgorithms {
				a := s.must(200, s.login(app, map[string]any{"identity_token": signToken(t, clk, app, ids[alg], privs[alg], "", "u-"+alg), "user_id": "u-" + alg}))
				if a.Body["verified"] != true || a.Str("session_token") == "" {
					t.Fatalf("%s login: %s", alg, a.Raw)
				}
				sessions[alg] = a.Str("session_token")
			}
			// The shared secret still logs in beside the public keys.
			s.must(200, s.login(app, map[string]any{"identity_token": signToken(t, clk, app, secretID, nil, secret, "u-hs")}))

			refuse := func(name, tok, reason, cause string) {
				t.Helper()
				a := s.do("POST", "/v1/apps/"+app+"/login", "", map[string]any{"identity_token": tok})
				if a.Status != 401 || a.Code() != reason {
					t.Errorf("%s: %d %s, want 401 %s", name, a.Status, a.Raw, reason)
					return
				}
				if cause != "" {
					if at := s.lastAttempt(ws); at["reason"] != reason || at["cause"] != cause {
						t.Errorf("%s: logged %v, want cause %s", name, at, cause)
					}
				}
			}
			for _, alg := range verify.PublicKeyAlgorithms {
				// HS256 keyed with the public key's PEM, naming the public key.
				good := signToken(t, clk, app, ids[alg], privs[alg], "", "u-x")
				parts := strings.Split(good, ".")
				header := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT","kid":"` + ids[alg] + `"}`))
				m := hmac.New(sha256.New, []byte(pemOf(t, privs[alg])))
				m.Write([]byte(header + "." + parts[1]))
				refuse(alg+": HS256 keyed with the public key", header+"."+parts[1]+"."+base64.RawURLEncoding.EncodeToString(m.Sum(nil)), "algorithm_not_allowed", "algorithm_mismatch")
				// This algorithm's signature naming the shared secret's kid.
				refuse(alg+": naming the secret", signToken(t, clk, app, secretID, privs[alg], "", "u-x"), "algorithm_not_allowed", "algorithm_mismatch")
				// alg none.
				none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","kid":"`+ids[alg]+`"}`)) + "." + parts[1] + "."
				refuse(alg+": alg none", none, "algorithm_not_allowed", "")
			}
			// Another algorithm's key under a kid: RS256 signature, ES256 kid.
			refuse("RS256 under the ES256 key", signToken(t, clk, app, ids[verify.ES256], privs[verify.RS256], "", "u-x"), "algorithm_not_allowed", "algorithm_mismatch")
			// The EdDSA private key signing under the ES256 kid... as EdDSA: confusion again.
			other := keyPair(t, verify.ES256)
			refuse("another ES256 private key", signToken(t, clk, app, ids[verify.ES256], other, "", "u-x"), "signature_mismatch", "unknown")

			// Rotation: retire ES256 with a grace period (still verifies), revoke EdDSA (its session ends).
			s.must(200, s.do("POST", "/api/admin/apps/"+app+"/keys/"+ids[verify.ES256]+"/retire", adminToken, map[string]any{"grace_seconds": 3600}))
			s.must(200, s.login(app, map[string]any{"identity_token": signToken(t, clk, app, ids[verify.ES256], privs[verify.ES256], "", "u-es")}))
			s.must(204, s.do("DELETE", "/api/admin/apps/"+app+"/keys/"+ids[verify.EdDSA], adminToken, nil))
			refuse("a revoked public key", signToken(t, clk, app, ids[verify.EdDSA], privs[verify.EdDSA], "", "u-ed"), "key_revoked", "")
			if a := s.do("GET", "/v1/me", sessions[verify.EdDSA], nil); a.Status != 401 {
				t.Errorf("the revoked key's session: %d %s", a.Status, a.Raw)
			}
			if a := s.do("GET", "/v1/me", sessions[verify.RS256], nil); a.Status != 200 {
				t.Errorf("another key's session: %d %s", a.Status, a.Raw)
			}
			// Bad uploads: clear 400s, nothing saved.
			before := len(s.must(200, s.do("GET", "/api/admin/apps/"+app+"/keys", adminToken, nil)).Body["keys"].([]any))
			small, _ := rsa.GenerateKey(rand.Reader, 1024)
			smallPEM, _ := verify.MarshalPublicKey(&small.PublicKey)
			for name, body := range map[string]map[string]any{
				"RSA 1024":    {"algorithm": "RS256", "public_key": smallPEM},
				"garbage PEM": {"algorithm": "ES256", "public_key": "-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----\n"},
				"bad JWK":     {"algorithm": "EdDSA", "public_key": `{"kty":"OKP","crv":"Ed25519","x":"short"}`},
				"oct JWK":     {"algorithm": "ES256", "public_key": `{"kty":"oct","k":"c2VjcmV0"}`},
				"wrong type":  {"algorithm": "EdDSA", "public_key": pemOf(t, privs[verify.ES256])},
				"no key":      {"algorithm": "ES256"},
			} {
				if a := s.do("POST", "/api/admin/apps/"+app+"/keys", adminToken, body); a.Status != 400 || a.Code() != "invalid_request" {
					t.Errorf("%s: %d %s", name, a.Status, a.Raw)
				}
			}
			if after := len(s.must(200, s.do("GET", "/api/admin/apps/"+app+"/keys", adminToken, nil)).Body["keys"].([]any)); after != before {
				t.Errorf("a refused upload saved a key: %d keys, were %d", after, before)
			}
		})
	}
}

// noGuard turns the brute-force limits and delays off: these tests send
// many failing tokens on purpose.
func noGuard(c *server.Config) {
	c.Guard = login.Guard{IdentityFailures: -1, AddressFailures: -1, FailuresThenSuccess: -1, Devices: -1, UnsignedLogins: -1, Delay: -time.Second}
}

// jwksBrand serves a brand's JWKS over loopback HTTPS; its keys change
// while the test runs.
type jwksBrand struct {
	*httptest.Server
	mu   sync.Mutex
	body string
}

func newJWKSBrand(t *testing.T) *jwksBrand {
	b := &jwksBrand{}
	b.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.mu.Lock()
		body := b.body
		b.mu.Unlock()
		w.Header().Set("Content-Type", "application/jwk-set+json")
		w.Header().Set("Cache-Control", "max-age=300")
		fmt.Fprint(w, body)
	}))
	t.Cleanup(b.Close)
	return b
}

func (b *jwksBrand) publish(keys map[string]crypto.Signer) {
	var jwks []string
	for kid, k := range keys {
		pub := k.Public().(ed25519.PublicKey)
		jwks = append(jwks, `{"kty":"OKP","crv":"Ed25519","use":"sig","kid":"`+kid+`","x":"`+base64.RawURLEncoding.EncodeToString(pub)+`"}`)
	}
	b.set(`{"keys":[` + strings.Join(jwks, ",") + `]}`)
}

func (b *jwksBrand) set(body string) {
	b.mu.Lock()
	b.body = body
	b.mu.Unlock()
}

func allowing(t *testing.T, b *jwksBrand, allow string) func(*server.Config) {
	return func(c *server.Config) {
		p, err := outbound.ParsePolicy(allow)
		if err != nil {
			t.Fatal(err)
		}
		p.RootCAs = b.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
		c.Outbound = p
	}
}

// TestJWKSLive: a JWKS on loopback HTTPS, allowed by the operator's
// setting, rotated live: a new kid logs in at once (one refetch on the
// unknown kid), a dropped one stops with the doctor's "signed with a key
// the JWKS no longer lists", a broken set keeps the last good one and
// shows the failure (API and metrics).
func TestJWKSLive(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			brand := newJWKSBrand(t)
			s := start(t, backend, allowing(t, brand, "127.0.0.1"), noGuard)
			clk := s.Clock
			ws := s.workspace("Acme")
			app := s.app(ws, map[string]any{})
			k1, k2 := keyPair(t, verify.EdDSA), keyPair(t, verify.EdDSA)
			brand.publish(map[string]crypto.Signer{"2026-11": k1})
			jwksURL := brand.URL + "/.well-known/jwks.json"
			s.must(200, s.do("PATCH", "/api/admin/apps/"+app, adminToken, map[string]any{"jwks_url": jwksURL}))
			if f := s.must(200, s.do("GET", "/api/admin/apps/"+app+"/jwks", adminToken, nil)); f.Body["key_count"] != 1.0 || f.Body["error"] != nil {
				t.Fatalf("first fetch: %s", f.Raw)
			}
			s.must(200, s.login(app, map[string]any{"identity_token": signToken(t, clk, app, "2026-11", k1, "", "u-1")}))

			// The brand publishes a new key and signs with it at once.
			brand.publish(map[string]crypto.Signer{"2026-11": k1, "2026-12": k2})
			s.must(200, s.login(app, map[string]any{"identity_token": signToken(t, clk, app, "2026-12", k2, "", "u-2")}))

			// The brand drops the old key; a refresh applies it.
			brand.publish(map[string]crypto.Signer{"2026-12": k2})
			clk.Advance(2 * time.Minute)
			s.must(200, s.do("POST", "/api/admin/apps/"+app+"/jwks/refresh", adminToken, nil))
			a := s.do("POST", "/v1/apps/"+app+"/login", "", map[string]any{"identity_token": signToken(t, clk, app, "2026-11", k1, "", "u-1")})
			if a.Status != 401 || a.Code() != "key_revoked" {
				t.Fatalf("a dropped kid: %d %s", a.Status, a.Raw)
			}
			if at := s.lastAttempt(ws); at["cause"] != "key_not_published" || !strings.Contains(fmt.Sprint(at["diagnosis"]), "no longer lists") {
				t.Errorf("a dropped kid's diagnosis: %v", at)
			}
			// A kid the set never listed: one refetch (nothing new), then key_unknown.
			clk.Advance(2 * time.Minute)
			a = s.do("POST", "/v1/apps/"+app+"/login", "", map[string]any{"identity_token": signToken(t, clk, app, "2027-01", keyPair(t, verify.EdDSA), "", "u-3")})
			if a.Status != 401 || a.Code() != "key_unknown" {
				t.Fatalf("an unlisted kid: %d %s", a.Status, a.Raw)
			}
			if at := s.lastAttempt(ws); at["cause"] != "key_not_published" || !strings.Contains(fmt.Sprint(at["diagnosis"]), "signed with a key the JWKS does not list") {
				t.Errorf("an unlisted kid's diagnosis: %v", at)
			}

			// A broken set: the failure is shown, the last good set stays.
			brand.set(`{"keys":[{"kty":"oct","kid":"x","k":"c2VjcmV0"}]}`)
			clk.Advance(2 * time.Minute)
			f := s.must(200, s.do("POST", "/api/admin/apps/"+app+"/jwks/refresh", adminToken, nil))
			if !strings.Contains(f.Str("error"), "symmetric (oct)") || f.Body["failures"] != 1.0 || f.Body["key_count"] != 1.0 {
				t.Errorf("a broken set: %s", f.Raw)
			}
			s.must(200, s.login(app, map[string]any{"identity_token": signToken(t, clk, app, "2026-12", k2, "", "u-2")}))
			m := s.do("GET", "/metrics", adminToken, nil)
			if !strings.Contains(m.Raw, `signet_jwks_fetches_total{result="failed"} 1`) || !strings.Contains(m.Raw, `signet_jwks_fetches_total{result="ok"}`) {
				t.Errorf("metrics do not count the fetches:\n%s", grepLines(m.Raw, "jwks"))
			}
			// Clearing the URL retires the set's keys.
			s.must(200, s.do("PATCH", "/api/admin/apps/"+app, adminToken, map[string]any{"jwks_url": ""}))
			if a := s.do("POST", "/v1/apps/"+app+"/login", "", map[string]any{"identity_token": signToken(t, clk, app, "2026-12", k2, "", "u-2")}); a.Status != 401 {
				t.Errorf("a set's key after the URL was cleared: %d %s", a.Status, a.Raw)
			}
		})
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestJWKSAcrossNodes: on PostgreSQL, a set one node fetches reaches the
// other node's verifier through the events bus; the other node cannot
// reach the brand at all (its policy refuses loopback), so only the
// invalidation can make it verify the new kid.
func TestJWKSAcrossNodes(t *testing.T) {
	brand := newJWKSBrand(t)
	dir := t.TempDir()
	dsn := testserver.Database(t, "postgres", dir)
	clk := newClock()
	a := startOn(t, dsn, dir, clk, allowing(t, brand, "127.0.0.1"))
	b := startOn(t, dsn, dir, clk, allowing(t, brand, ""))
	ws := a.workspace("Acme")
	app := a.app(ws, map[string]any{})
	k1, k2 := keyPair(t, verify.EdDSA), keyPair(t, verify.EdDSA)
	brand.publish(map[string]crypto.Signer{"k1": k1})
	a.must(200, a.do("PATCH", "/api/admin/apps/"+app, adminToken, map[string]any{"jwks_url": brand.URL + "/jwks"}))
	b.must(200, b.login(app, map[string]any{"identity_token": signToken(t, clk, app, "k1", k1, "", "u-1")}))
	brand.publish(map[string]crypto.Signer{"k1": k1, "k2": k2})
	a.must(200, a.do("POST", "/api/admin/apps/"+app+"/jwks/refresh", adminToken, nil))
	deadline := time.Now().Add(5 * time.Second)
	for {
		ans := b.do("POST", "/v1/apps/"+app+"/login", "", map[string]any{"identity_token": signToken(t, clk, app, "k2", k2, "", "u-2")})
		if ans.Status == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("node b never verified the new kid: %d %s", ans.Status, ans.Raw)
		}
		// The clock stands still: the cache's safety-net age never runs
		// out, so only the bus's invalidation lets node b see the new key.
		time.Sleep(50 * time.Millisecond)
	}
}

// TestJWKSURLRefused: without the operator's setting, a JWKS URL that is
// not HTTPS, carries a user name, or names a loopback, private or
// link-local address is a 400 with the reason, and nothing is fetched.
func TestJWKSURLRefused(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			brand := newJWKSBrand(t)
			brand.publish(map[string]crypto.Signer{"k": keyPair(t, verify.EdDSA)})
			s := start(t, backend)
			ws := s.workspace("Acme")
			app := s.app(ws, map[string]any{})
			u, _ := url.Parse(brand.URL)
			for raw, reason := range map[string]string{
				brand.URL + "/jwks":                             "loopback address",
				"https://localhost:" + u.Port() + "/jwks":       "loopback name",
				"http://brand.example/jwks":                     "must use https",
				"https://user:hunter2@brand.example/jwks":       "user name or password",
				"https://10.0.0.8/jwks":                         "private address",
				"https://169.254.169.254/latest/meta-data/":     "link-local address",
				"https://[::ffff:127.0.0.1]:" + u.Port() + "/x": "loopback address",
				"https://[fd12::1]/jwks":                        "unique-local address",
			} {
				a := s.do("PATCH", "/api/admin/apps/"+app, adminToken, map[string]any{"jwks_url": raw})
				if a.Status != 400 || a.Code() != "invalid_request" || !strings.Contains(a.Raw, reason) || strings.Contains(a.Raw, "hunter2") {
					t.Errorf("%s: %d %s, want 400 %q", raw, a.Status, a.Raw, reason)
				}
			}
			if got := s.must(200, s.do("GET", "/api/admin/apps/"+app, adminToken, nil)); got.Str("jwks_url") != "" {
				t.Errorf("a refused URL was saved: %s", got.Raw)
			}
			// A name that resolves to a loopback address (this machine's
			// host name, through /etc/hosts) passes the static check and is
			// refused when dialled: the failure is shown, no key is taken.
			host, _ := os.Hostname()
			addrs, _ := net.LookupHost(host)
			inside := len(addrs) > 0
			for _, ad := range addrs {
				if ip := net.ParseIP(ad); ip == nil || !(ip.IsLoopback() || ip.IsPrivate()) {
					inside = false
				}
			}
			if !inside {
				t.Logf("the host name %q does not resolve inside (%v): the dial-time check is shown by internal/outbound's tests", host, addrs)
				return
			}
			s.must(200, s.do("PATCH", "/api/admin/apps/"+app, adminToken, map[string]any{"jwks_url": "https://" + host + ":" + u.Port() + "/jwks"}))
			f := s.must(200, s.do("GET", "/api/admin/apps/"+app+"/jwks", adminToken, nil))
			if !strings.Contains(f.Str("error"), "resolves to a refused address") || f.Body["key_count"] != 0.0 {
				t.Errorf("a name resolving inside: %s", f.Raw)
			}
			if keys := s.must(200, s.do("GET", "/api/admin/apps/"+app+"/keys", adminToken, nil)); len(keys.Body["keys"].([]any)) != 0 {
				t.Errorf("keys were taken from a refused address: %s", keys.Raw)
			}
		})
	}
}
