package verify_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/signet-id/signet/verify"
)

func rawMAC(key []byte, msg string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(msg))
	return h.Sum(nil)
}

// TestDoctor has a case for every cause code, made by committing the mistake
// the cause names.
func TestDoctor(t *testing.T) {
	const hexSecret = "9f2c4e6a8b0d1f3e5a7c9e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f1a3c5e7b9d1f"
	hexKey, _ := hex.DecodeString(hexSecret)
	pylonKey, _ := verify.NewKey(verify.PylonHMAC, "k1", hexSecret)
	legacyB64 := func(msg string) string { return base64.StdEncoding.EncodeToString(rawMAC([]byte(testSecret), msg)) }
	other := []verify.Candidate{
		{Kind: verify.OtherKey, Label: "key k_android of app Android", Secret: "android-secret-abcdef"},
		{Kind: verify.NotTheSecret, Label: "the app id", Secret: testApp},
	}
	userhub := func(claims string) verify.Request { return verify.Request{Token: hs256(testSecret, hdr, claims)} }
	id := `"identities":[{"identifier":"uid","value":"u"}]`
	tests := []struct {
		name   string
		setup  verifierSetup
		req    verify.Request
		cause  verify.Cause
		saying string // in the message
	}{
		{"legacy: email alone", verifierSetup{profile: verify.HelpshiftLegacy},
			verify.Request{UserID: "user-42", Email: "jane@example.com", Digest: legacyB64("jane@example.com")}, verify.CauseWrongMessage, "email alone"},
		{"legacy: reversed order", verifierSetup{profile: verify.HelpshiftLegacy},
			verify.Request{UserID: "user-42", Email: "jane@example.com", Digest: legacyB64("jane@example.comuser-42")}, verify.CauseWrongMessage, "email followed by the user id"},
		{"legacy: separator", verifierSetup{profile: verify.HelpshiftLegacy},
			verify.Request{UserID: "user-42", Email: "jane@example.com", Digest: legacyB64("user-42:jane@example.com")}, verify.CauseWrongMessage, `":"`},
		{"legacy: full privacy, digest over both", verifierSetup{profile: verify.HelpshiftLegacy, opts: verify.Options{FullPrivacy: true}},
			verify.Request{UserID: "user-42", Email: "jane@example.com", Digest: legacyB64("user-42jane@example.com")}, verify.CauseWrongMessage, "full privacy"},
		{"intercom: lower-cased email", verifierSetup{profile: verify.Intercom},
			verify.Request{Email: "Jane@Example.com", Digest: hexMAC(testSecret, "jane@example.com")}, verify.CauseWrongMessage, "lower-cased"},
		{"intercom: trimmed", verifierSetup{profile: verify.Intercom},
			verify.Request{UserID: " user-42", Digest: hexMAC(testSecret, "user-42")}, verify.CauseWrongMessage, "trimmed"},
		{"legacy: hex instead of base64", verifierSetup{profile: verify.HelpshiftLegacy},
			verify.Request{UserID: "user-42", Digest: hexMAC(testSecret, "user-42")}, verify.CauseWrongEncoding, "hex"},
		{"intercom: base64 instead of hex", verifierSetup{profile: verify.Intercom},
			verify.Request{UserID: "user-42", Digest: legacyB64("user-42")}, verify.CauseWrongEncoding, "base64"},
		{"legacy: base64url", verifierSetup{profile: verify.HelpshiftLegacy},
			verify.Request{UserID: "user-42", Digest: base64.RawURLEncoding.EncodeToString(rawMAC([]byte(testSecret), "user-42"))}, verify.CauseWrongEncoding, "base64url"},
		{"pylon-hmac: secret used as text", verifierSetup{profile: verify.PylonHMAC, keys: []verify.Key{pylonKey}},
			verify.Request{Email: "a@b.co", Digest: hexMAC(hexSecret, "a@b.co")}, verify.CauseSecretEncoding, "hex-decodes"},
		{"pylon-jwt: secret hex-decoded", verifierSetup{profile: verify.PylonJWT, keys: mustKeys(t, verify.PylonJWT, hexSecret)},
			verify.Request{Token: hs256(string(hexKey), hdr, `{"email":"a@b.co","aud":"app_7Hq2","iat":1767225540,"exp":1767226140}`)}, verify.CauseSecretEncoding, "hex-decoded"},
		{"userhub: iat in milliseconds", verifierSetup{profile: verify.HelpshiftUserHub},
			userhub(`{"iat":1767225540000,` + id + `}`), verify.CauseMilliseconds, "milliseconds"},
		{"pylon: exp in milliseconds", verifierSetup{profile: verify.PylonJWT},
			verify.Request{Token: hs256(testSecret, hdr, `{"email":"a@b.co","aud":"app_7Hq2","iat":1767225540,"exp":1767226140000}`)}, verify.CauseMilliseconds, "exp"},
		{"userhub: clock 5 minutes ahead", verifierSetup{profile: verify.HelpshiftUserHub},
			userhub(`{"iat":1767225900,` + id + `}`), verify.CauseClockSkew, "300 s"},
		{"intercom: android key on iOS", verifierSetup{profile: verify.Intercom},
			verify.Request{UserID: "user-42", Digest: hexMAC("android-secret-abcdef", "user-42")}, verify.CauseOtherKey, "k_android"},
		{"signet: kid of another app", verifierSetup{profile: verify.Signet},
			verify.Request{Token: hs256("android-secret-abcdef", `{"alg":"HS256","kid":"k_android"}`, signetOK)}, verify.CauseOtherKey, "k_android"},
		{"akece: keyed with the app id", verifierSetup{profile: verify.Akece},
			verify.Request{UserID: "user-42", Digest: hexMAC(testApp, "user-42")}, verify.CauseNotTheSecret, "app id"},
		{"userhub: JWT with padding", verifierSetup{profile: verify.HelpshiftUserHub},
			verify.Request{Token: padSegments(hs256(testSecret, hdr, `{"iat":1767225540,`+id+`}`))}, verify.CauseWrongEncoding, "base64url"},
		{"userhub: JWT with a line break", verifierSetup{profile: verify.HelpshiftUserHub},
			verify.Request{Token: insertAt(hs256(testSecret, hdr, `{"iat":1767225540,`+id+`}`), 20, "\n")}, verify.CauseWrongEncoding, "whitespace"},
		{"intercom: another secret", verifierSetup{profile: verify.Intercom},
			verify.Request{UserID: "user-42", Digest: hexMAC("who-knows", "user-42")}, verify.CauseUnknown, "different secret"},
		{"userhub: another secret", verifierSetup{profile: verify.HelpshiftUserHub},
			verify.Request{Token: hs256("who-knows", hdr, `{"iat":1767225540,`+id+`}`)}, verify.CauseUnknown, "different secret"},
		{"not a digest at all", verifierSetup{profile: verify.Intercom},
			verify.Request{UserID: "user-42", Digest: "password1"}, verify.CauseUnknown, "32 bytes"},
	}
	covered := map[verify.Cause]bool{}
	for _, tt := range tests {
		covered[tt.cause] = true
		t.Run(string(tt.cause)+"/"+tt.name, func(t *testing.T) {
			v := newVerifier(t, tt.setup)
			_, err := v.Verify(tt.req)
			if err == nil {
				t.Fatal("the mistaken proof verified")
			}
			d, ok := v.Diagnose(tt.req, err, other)
			if !ok || d.Cause != tt.cause {
				t.Fatalf("cause %q (%q), want %q; reason %v", d.Cause, d.Message, tt.cause, err)
			}
			if !strings.Contains(d.Message, tt.saying) {
				t.Errorf("message %q does not say %q", d.Message, tt.saying)
			}
			for _, secret := range []string{testSecret, "android-secret-abcdef", hexSecret} {
				if strings.Contains(d.Message, secret) || strings.Contains(err.Error(), secret) {
					t.Errorf("a secret leaked into %q / %q", d.Message, err)
				}
			}
		})
	}
	for _, c := range []verify.Cause{verify.CauseWrongMessage, verify.CauseWrongEncoding, verify.CauseSecretEncoding,
		verify.CauseMilliseconds, verify.CauseClockSkew, verify.CauseOtherKey, verify.CauseNotTheSecret, verify.CauseUnknown} {
		if !covered[c] {
			t.Errorf("no case for cause %s", c)
		}
	}
}

// TestDoctorSilent: failures the reason already explains get no cause.
func TestDoctorSilent(t *testing.T) {
	v := newVerifier(t, verifierSetup{profile: verify.HelpshiftUserHub})
	req := verify.Request{Token: hs256(testSecret, hdr, `{"iat":1767225540,"identities":[{"identifier":"myspace_id","value":"x"}]}`)}
	_, err := v.Verify(req)
	if d, ok := v.Diagnose(req, err, nil); ok {
		t.Errorf("unexpected diagnosis %+v for %v", d, err)
	}
	if _, ok := v.Diagnose(req, nil, nil); ok {
		t.Error("a diagnosis without an error")
	}
}

func mustKeys(t *testing.T, p verify.Profile, secret string) []verify.Key {
	k, err := verify.NewKey(p, "k1", secret)
	if err != nil {
		t.Fatal(err)
	}
	return []verify.Key{k}
}

// padSegments writes each segment with '=' padding, as a base64 encoder
// that is not base64url-raw would.
func padSegments(token string) string {
	parts := strings.Split(token, ".")
	for i, p := range parts {
		if n := len(p) % 4; n != 0 {
			parts[i] = p + strings.Repeat("=", 4-n)
		}
	}
	return strings.Join(parts, ".")
}

func insertAt(s string, i int, what string) string { return s[:i] + what + s[i:] }
