package verify_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/signet-id/signet/verify"
)

// TestDoctorNoActiveKey: when nothing matches and the app has no key that
// verifies (none at all, or revoked ones only), the doctor says so rather
// than blaming a different secret (issue 13).
func TestDoctorNoActiveKey(t *testing.T) {
	revoked := mustKeys(t, verify.Intercom, testSecret)
	revoked[0].Revoked = true
	revokedJWT := mustKeys(t, verify.HelpshiftUserHub, testSecret)
	revokedJWT[0].Revoked = true
	userhub := verify.Request{Token: hs256("who-knows", hdr, `{"iat":1767225540,"identities":[{"identifier":"uid","value":"u"}]}`)}
	tests := []struct {
		name  string
		setup verifierSetup
		req   verify.Request
	}{
		{"digest, no key", verifierSetup{profile: verify.Intercom, keys: []verify.Key{}},
			verify.Request{UserID: "user-42", Digest: hexMAC("who-knows", "user-42")}},
		{"digest, a revoked key only", verifierSetup{profile: verify.Intercom, keys: revoked},
			verify.Request{UserID: "user-42", Digest: hexMAC("who-knows", "user-42")}},
		{"token, no key", verifierSetup{profile: verify.HelpshiftUserHub, keys: []verify.Key{}}, userhub},
		{"token, a revoked key only", verifierSetup{profile: verify.HelpshiftUserHub, keys: revokedJWT}, userhub},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newVerifier(t, tt.setup)
			_, err := v.Verify(tt.req)
			d, ok := v.Diagnose(tt.req, err, nil)
			if !ok || d.Cause != verify.CauseUnknown || !strings.Contains(d.Message, "this app has no active key") ||
				strings.Contains(d.Message, "different secret") {
				t.Errorf("diagnosis %+v (ok %v) for %v", d, ok, err)
			}
		})
	}
	// With an active key the answer stays the different secret.
	v := newVerifier(t, verifierSetup{profile: verify.Intercom})
	req := verify.Request{UserID: "user-42", Digest: hexMAC("who-knows", "user-42")}
	_, err := v.Verify(req)
	if d, _ := v.Diagnose(req, err, nil); !strings.Contains(d.Message, "different secret") {
		t.Errorf("with a key: %+v", d)
	}
}

// TestDoctorUndecodable: a digest that no encoding reads as 32 bytes gets
// the encodings tried and what each found, never the digest itself.
func TestDoctorUndecodable(t *testing.T) {
	sha1Hex := strings.Repeat("a1", 20)
	tests := []struct {
		name    string
		profile verify.Profile
		digest  string
		saying  []string
	}{
		{"a SHA-1 hex digest", verify.Intercom, sha1Hex,
			[]string{"tried hex, base64, unpadded base64, base64url and unpadded base64url", "as hex it is 20 bytes", "40 characters", "lower-case hex (64 characters)"}},
		{"a password", verify.Intercom, "password1",
			[]string{"tried hex", "9 characters", "reads in none of them", "length or padding"}},
		{"a space inside", verify.HelpshiftLegacy, "abc def",
			[]string{"whitespace at character 4", "padded standard base64 (44 characters)"}},
		{"a non-ASCII character", verify.PylonHMAC, "abc\u00e9",
			[]string{"non-ASCII character (U+00E9)"}},
		{"a punctuation mark", verify.Akece, "ab.cd",
			[]string{`'.'`, "which no encoding uses"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newVerifier(t, verifierSetup{profile: tt.profile, keys: mustKeys(t, tt.profile, strings.Repeat("5a", 32))})
			req := verify.Request{UserID: "user-42", Email: "a@b.co", Digest: tt.digest}
			_, err := v.Verify(req)
			d, ok := v.Diagnose(req, err, nil)
			if !ok || d.Cause != verify.CauseUnknown {
				t.Fatalf("diagnosis %+v (ok %v) for %v", d, ok, err)
			}
			for _, s := range tt.saying {
				if !strings.Contains(d.Message, s) {
					t.Errorf("%q does not say %q", d.Message, s)
				}
			}
			if strings.Contains(d.Message, "no known encoding") || len(tt.digest) > 4 && strings.Contains(d.Message, tt.digest) {
				t.Errorf("%q", d.Message)
			}
		})
	}
}

// TestMACsComparedInConstantTime: the package compares MACs and key bytes
// with hmac.Equal only; bytes.Equal returns early on the first difference
// (issue 12).
func TestMACsComparedInConstantTime(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{"bytes.Equal(", "subtle.ConstantTimeCompare(", "string(mac) ==", "bytes.Compare("} {
			if strings.Contains(string(b), bad) {
				t.Errorf("%s uses %s; compare MACs with hmac.Equal", f, bad)
			}
		}
	}
}
