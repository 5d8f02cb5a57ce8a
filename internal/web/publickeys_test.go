package web_test

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/signet-id/signet/internal/outbound"
	"github.com/signet-id/signet/internal/server"
	"github.com/signet-id/signet/verify"
)

// TestKeyPairsOnTheAppPage: a signet app's page uploads a public key,
// saves a JWKS URL (fetched at once, its keys listed with their kid), and
// shows a failing fetch with its reason while the last good set stays.
func TestKeyPairsOnTheAppPage(t *testing.T) {
	var mu sync.Mutex
	body := ""
	brand := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, body)
	}))
	defer brand.Close()
	serve := func(s string) { mu.Lock(); body = s; mu.Unlock() }
	e := start(t, func(c *server.Config) {
		p, _ := outbound.ParsePolicy("127.0.0.1")
		p.RootCAs = brand.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
		c.Outbound = p
	})
	ws := e.workspace("Acme")
	e.account(ws, "admin@acme.test", "admin")
	app := e.app(ws, map[string]any{"name": "Web", "profile": "signet"})
	other := e.app(ws, map[string]any{"name": "iOS", "platform": "ios", "profile": "intercom"})
	admin := e.browser()
	admin.signIn("admin@acme.test")
	base := "/dashboard/w/" + ws + "/apps/"
	if p := admin.get(base + other); p.has(`id="jwks"`) {
		t.Error("an intercom app's page offers key pairs")
	}
	page := admin.get(base + app)
	if !page.has(`id="public-key-form"`) || !page.has(`id="jwks-form"`) {
		t.Fatalf("a signet app's page has no key-pair section: %s", excerpt(page.Body))
	}

	// Upload a public key.
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	pubPEM, _ := verify.MarshalPublicKey(&k.PublicKey)
	p := admin.post(base+app+"/keys", url.Values{"mode": {"public"}, "nonce": {nonceOf(page.Body)}, "algorithm": {"ES256"}, "public_key": {pubPEM}})
	if !p.has("Public key added.") || !p.has(`data-testid="key-algorithm">ES256 public key`) {
		t.Fatalf("upload: %d: %s", p.Status, excerpt(p.Body))
	}
	// A private key is refused with the reason; nothing is added.
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	privPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	page = admin.get(base + app)
	p = admin.post(base+app+"/keys", url.Values{"mode": {"public"}, "nonce": {nonceOf(page.Body)}, "algorithm": {"ES256"}, "public_key": {privPEM}})
	if p.Status != 400 || !p.has("this is a private key") {
		t.Errorf("a private key: %d: %s", p.Status, excerpt(p.Body))
	}
	if n := strings.Count(admin.get(base+app).Body, `data-testid="key-algorithm"`); n != 1 {
		t.Errorf("%d public keys listed, want 1", n)
	}

	// A JWKS: saved, fetched at once, its key listed by kid.
	edPub, _, _ := ed25519.GenerateKey(rand.Reader)
	serve(`{"keys":[{"kty":"OKP","crv":"Ed25519","kid":"2026-12","x":"` + base64.RawURLEncoding.EncodeToString(edPub) + `"}]}`)
	admin.get(base + app)
	p = admin.post(base+app+"/jwks", url.Values{"jwks_url": {brand.URL + "/jwks.json"}})
	if !p.has(`data-testid="jwks-status"`) || !p.has("badge-ok") || !p.has(`data-testid="key-kid">2026-12`) || p.has(`data-testid="jwks-failure"`) {
		t.Fatalf("JWKS saved: %d: %s", p.Status, excerpt(p.Body))
	}
	// The set breaks: "Fetch now" shows the failure, the key stays.
	serve(`{"keys":[{"kty":"OKP","crv":"Ed25519","kid":"a","x":"` + base64.RawURLEncoding.EncodeToString(edPub) + `"},{"kty":"OKP","crv":"Ed25519","kid":"a","x":"` + base64.RawURLEncoding.EncodeToString(edPub) + `"}]}`)
	p = admin.post(base+app+"/jwks/refresh", nil)
	if !p.has(`data-testid="jwks-failure"`) || !p.has(`lists kid &#34;a&#34; twice`) || !p.has("stays in force") || !p.has(`data-testid="key-kid">2026-12`) {
		t.Errorf("a failing fetch: %d: %s", p.Status, excerpt(p.Body))
	}
	// A URL the policy refuses: 400 with the reason.
	p = admin.post(base+app+"/jwks", url.Values{"jwks_url": {"http://brand.example/jwks.json"}})
	if p.Status != 400 || !p.has("must use https") {
		t.Errorf("plain http: %d: %s", p.Status, excerpt(p.Body))
	}
}
