package keyring

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/secretbox"
	"github.com/signet-id/signet/verify"
)

func TestGenerate(t *testing.T) {
	for _, p := range verify.Profiles() {
		a, b := Generate(p), Generate(p)
		if a == b {
			t.Fatalf("%s: two equal secrets", p)
		}
		if weak, err := CheckImport(p, a, false); err != nil || weak {
			t.Errorf("%s: a generated secret fails its own check: %v", p, err)
		}
		if p == verify.PylonHMAC {
			if raw, err := hex.DecodeString(a); err != nil || len(raw) != 32 {
				t.Errorf("pylon-hmac secret is not 32 bytes of hex")
			}
		}
	}
}

func TestCheckImport(t *testing.T) {
	tests := []struct {
		p      verify.Profile
		secret string
		force  bool
		code   model.Code
	}{
		{verify.PylonHMAC, "not hex at all, not at all", false, model.CodeInvalid},
		{verify.PylonHMAC, "abcd", false, model.CodeWeakSecret},
		{verify.PylonHMAC, "abcd", true, ""},
		{verify.Intercom, "x7Qz9", false, model.CodeWeakSecret},
		{verify.Intercom, "x7Qz9", true, ""},
		{verify.Intercom, "", true, model.CodeInvalid},
		{verify.Intercom, "hs-secret-3f9a1c7e5b2d4f60", false, ""},
	}
	for _, tt := range tests {
		weak, err := CheckImport(tt.p, tt.secret, tt.force)
		if wantWeak := len(tt.secret) < MinSecretLength && tt.code != model.CodeInvalid; err == nil && weak != wantWeak {
			t.Errorf("%s %q: weak=%v", tt.p, tt.secret, weak)
		}
		if model.ErrorCode(err) != tt.code {
			t.Errorf("%s %q force=%v: %v, want %q", tt.p, tt.secret, tt.force, err, tt.code)
		}
		if err != nil && strings.Contains(err.Error(), tt.secret) && tt.secret != "" {
			t.Errorf("the error repeats the secret: %v", err)
		}
	}
}

func TestVerifierKeys(t *testing.T) {
	box, _ := secretbox.New(bytes.Repeat([]byte{1}, 32))
	now := time.Unix(1767225600, 0)
	app := &model.App{ID: "app_1", WorkspaceID: "ws_1", Profile: verify.Intercom}
	active := New(box, app, "active-secret-0123456789", false, now)
	retiring := New(box, app, "retiring-secret-0123456789", true, now)
	until := now.Add(time.Hour)
	retiring.RetiresAt = &until
	retired := New(box, app, "retired-secret-0123456789", true, now)
	past := now.Add(-time.Second)
	retired.RetiresAt = &past
	revoked := New(box, app, "revoked-secret-0123456789", false, now)
	revoked.RevokedAt = &past
	if bytes.Contains(active.Sealed, []byte("active-secret")) {
		t.Fatal("sealed key holds the secret in clear")
	}
	keys, err := VerifierKeys(box, verify.Intercom, []model.Key{*active, *retiring, *retired, *revoked}, now)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{active.ID: false, retiring.ID: false, retired.ID: true, revoked.ID: true}
	for _, k := range keys {
		if k.Revoked != want[k.ID] {
			t.Errorf("%s revoked=%v, want %v", k.ID, k.Revoked, want[k.ID])
		}
	}
	other, _ := secretbox.New(bytes.Repeat([]byte{2}, 32))
	if _, err := VerifierKeys(other, verify.Intercom, []model.Key{*active}, now); err == nil {
		t.Error("opened with the wrong master key")
	}
}

func TestWeak(t *testing.T) {
	weak := []string{
		"aaaaaaaaaaaaaaaa", "passwordpassword", "your_secret_key", "YOUR-SECRET-KEY-HERE", "secret", "changeme",
		"changemechangeme", "0123456789abcdef", "abcdefghijklmnopqrstuvwxyz", "1234567890123456",
		"qwertyuiopasdfghjkl", "abcabcabcabcabcabc", "Password123456789", "supersecretkey!!",
		"deadbeefdeadbeefdeadbeefdeadbeef", "c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3",
	}
	for _, s := range weak {
		if !Weak(s) {
			t.Errorf("%q passes as strong (%.0f bits)", s, Strength(s))
		}
	}
	strong := []string{
		"hs-secret-3f9a1c7e5b2d4f60", "acme-helpshift-secret-2019", "a-long-enough-vendor-secret-0001",
		"q7Rk2vXn9TzL4mWp8sJd", "5f1c9e0a7b3d2e8f46a1c0b9d7e35f28", "Tr0ub4dor&3-horse-staple",
	}
	for _, p := range verify.Profiles() {
		strong = append(strong, Generate(p))
	}
	for _, s := range strong {
		if Weak(s) {
			t.Errorf("%q is called weak (%.0f bits)", s, Strength(s))
		}
	}
	for _, s := range []string{"passwordpassword", "0123456789abcdef"} {
		if _, err := CheckImport(verify.Intercom, s, false); model.ErrorCode(err) != model.CodeWeakSecret {
			t.Errorf("CheckImport(%q): %v, want weak_secret", s, err)
		}
		if weak, err := CheckImport(verify.Intercom, s, true); err != nil || !weak {
			t.Errorf("CheckImport(%q, force): weak=%v %v", s, weak, err)
		}
	}
}

func TestFingerprintIsKeyed(t *testing.T) {
	a, _ := secretbox.New(bytes.Repeat([]byte{1}, secretbox.KeySize))
	b, _ := secretbox.New(bytes.Repeat([]byte{2}, secretbox.KeySize))
	const secret = "acme-intercom-secret-2021"
	fa := Fingerprint(a, secret)
	if len(fa) != 16 || fa != Fingerprint(a, secret) {
		t.Fatalf("fingerprint %q is not 16 stable hex digits", fa)
	}
	if fa == Fingerprint(b, secret) {
		t.Error("two master keys give one fingerprint: it is not keyed")
	}
	if fa == Fingerprint(a, secret+"x") {
		t.Error("two secrets share a fingerprint")
	}
}
