package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/signet-id/signet/verify"
)

// TestSignPrivateKey: signet sign --private-key signs a signet token that
// the app's public key verifies, under each algorithm and PEM form; a bad
// file is a usage error that never prints the key.
func TestSignPrivateKey(t *testing.T) {
	dir := t.TempDir()
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	rs, _ := rsa.GenerateKey(rand.Reader, 2048)
	sec1, _ := x509.MarshalECPrivateKey(ec)
	pk8 := func(k any) []byte { b, _ := x509.MarshalPKCS8PrivateKey(k); return b }
	cases := []struct {
		alg, typ string
		der      []byte
		pub      crypto.PublicKey
	}{
		{verify.ES256, "EC PRIVATE KEY", sec1, ec.Public()},
		{verify.ES256, "PRIVATE KEY", pk8(ec), ec.Public()},
		{verify.EdDSA, "PRIVATE KEY", pk8(ed), ed.Public()},
		{verify.RS256, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rs), rs.Public()},
	}
	for i, c := range cases {
		file := filepath.Join(dir, c.alg+c.typ+".pem")
		os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: c.typ, Bytes: c.der}), 0o600)
		out, errOut, code := signet(t, "sign", "--profile", "signet", "--private-key", file, "--kid", "key_x", "--aud", "app_x", "--uid", "u-1")
		if code != 0 {
			t.Fatalf("case %d: exit %d: %s", i, code, errOut)
		}
		key, err := verify.NewPublicKey("key_x", c.alg, c.pub)
		if err != nil {
			t.Fatal(err)
		}
		v, _ := verify.New(verify.Signet, []verify.Key{key}, verify.Options{AppID: "app_x"})
		if got, err := v.Verify(verify.Request{Token: strings.TrimSpace(out), UserID: "u-1"}); err != nil || got.KeyID != "key_x" {
			t.Errorf("case %d (%s %s): %v", i, c.alg, c.typ, err)
		}
	}
	bad := filepath.Join(dir, "bad.pem")
	os.WriteFile(bad, []byte("-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1ieXRlcw==\n-----END PRIVATE KEY-----\n"), 0o600)
	_, errOut, code := signet(t, "sign", "--profile", "signet", "--private-key", bad, "--kid", "k", "--aud", "a", "--uid", "u")
	if code != 2 || !strings.Contains(errOut, "not a valid private key") || strings.Contains(errOut, "c2VjcmV0") {
		t.Errorf("a bad key file: %d %s", code, errOut)
	}
	_, errOut, code = signet(t, "sign", "--profile", "intercom", "--private-key", bad, "--uid", "u")
	if code != 2 || !strings.Contains(errOut, "signs signet tokens") {
		t.Errorf("intercom with a private key: %d %s", code, errOut)
	}
}

// TestVerifyPublicKey: signet verify --public-key checks a token signed by
// --private-key, names the algorithm mismatch of an HS256 token keyed with
// the public key, and refuses a private key given as the public one.
func TestVerifyPublicKey(t *testing.T) {
	dir := t.TempDir()
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(ec)
	privFile := filepath.Join(dir, "brand.pem")
	os.WriteFile(privFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600)
	pubPEM, _ := verify.MarshalPublicKey(ec.Public())
	pubFile := filepath.Join(dir, "brand.pub.pem")
	os.WriteFile(pubFile, []byte(pubPEM), 0o644)
	tok, _, code := signet(t, "sign", "--profile", "signet", "--private-key", privFile, "--kid", "key_x", "--aud", "app_x", "--uid", "u-1")
	if code != 0 {
		t.Fatal("sign failed")
	}
	out, errOut, code := signet(t, "verify", "--profile", "signet", "--public-key", pubFile, "--alg", "ES256", "--aud", "app_x", "--token", strings.TrimSpace(tok), "--json")
	if code != 0 || !strings.Contains(out, `"valid":true`) {
		t.Fatalf("a valid ES256 token: %d %s %s", code, out, errOut)
	}
	forged, _, _ := signet(t, "sign", "--profile", "signet", "--secret", pubPEM, "--kid", "key_x", "--aud", "app_x", "--uid", "u-1")
	out, _, code = signet(t, "verify", "--profile", "signet", "--public-key", pubFile, "--alg", "ES256", "--aud", "app_x", "--token", strings.TrimSpace(forged), "--json")
	if code != 1 || !strings.Contains(out, `"algorithm_not_allowed"`) || !strings.Contains(out, `"algorithm_mismatch"`) {
		t.Errorf("HS256 keyed with the public key: %d %s", code, out)
	}
	_, errOut, code = signet(t, "verify", "--profile", "signet", "--public-key", privFile, "--alg", "ES256", "--aud", "app_x", "--token", strings.TrimSpace(tok))
	if code != 2 || !strings.Contains(errOut, "this is a private key") {
		t.Errorf("a private key as --public-key: %d %s", code, errOut)
	}
}
