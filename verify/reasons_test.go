package verify_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/signet-id/signet/verify"
)

const (
	testSecret = "hs-secret-3f9a1c7e5b2d4f60"
	testNow    = 1767225600
	testApp    = "app_7Hq2"
)

// hs256 signs header.payload (JSON texts) with secret, as any JWT library
// would; tests use it to reach the checks behind the signature.
func hs256(secret, header, payload string) string {
	enc := base64.RawURLEncoding
	input := enc.EncodeToString([]byte(header)) + "." + enc.EncodeToString([]byte(payload))
	h := hmac.New(sha256.New, []byte(secret))
	h.Write([]byte(input))
	return input + "." + enc.EncodeToString(h.Sum(nil))
}

func hexMAC(key, msg string) string {
	h := hmac.New(sha256.New, []byte(key))
	h.Write([]byte(msg))
	return hex.EncodeToString(h.Sum(nil))
}

const (
	hdr       = `{"alg":"HS256","typ":"JWT"}`
	hdrKid    = `{"alg":"HS256","typ":"JWT","kid":"k1"}`
	userHubOK = `{"iat":1767225540,"identities":[{"identifier":"uid","value":"user-42"}]}`
	signetOK  = `{"aud":"app_7Hq2","iat":1767225540,"exp":1767226140,"identities":[{"identifier":"uid","value":"user-42"}]}`
)

type verifierSetup struct {
	profile verify.Profile
	keys    []verify.Key
	opts    verify.Options
}

func newVerifier(t *testing.T, s verifierSetup) *verify.Verifier {
	t.Helper()
	if s.keys == nil {
		k, err := verify.NewKey(s.profile, "k1", testSecret)
		if err != nil {
			t.Fatal(err)
		}
		s.keys = []verify.Key{k}
	}
	if s.opts.Now == nil {
		s.opts.Now = func() time.Time { return time.Unix(testNow, 0) }
	}
	if s.opts.AppID == "" {
		s.opts.AppID = testApp
	}
	v, err := verify.New(s.profile, s.keys, s.opts)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestReasonCodes has one case, at least, for every reason code of
// profiles.md, each asserting the exact code.
func TestReasonCodes(t *testing.T) {
	revoked, _ := verify.NewKey(verify.Signet, "k1", testSecret)
	revoked.Revoked = true
	tests := []struct {
		reason  verify.Reason
		name    string
		setup   verifierSetup
		request verify.Request
	}{
		{verify.ReasonMalformed, "digest is not hex", verifierSetup{profile: verify.Intercom},
			verify.Request{UserID: "user-42", Digest: strings.Repeat("zz", 32)}},
		{verify.ReasonMalformed, "token with two segments", verifierSetup{profile: verify.HelpshiftUserHub},
			verify.Request{Token: "eyJhbGciOiJIUzI1NiJ9.eyJpYXQiOjF9"}},
		{verify.ReasonTooLarge, "token over 8 KiB", verifierSetup{profile: verify.HelpshiftUserHub},
			verify.Request{Token: hs256(testSecret, hdr, `{"pad":"`+strings.Repeat("x", 8<<10)+`"}`)}},
		{verify.ReasonTooLarge, "digest over the limit", verifierSetup{profile: verify.Akece},
			verify.Request{UserID: "u", Digest: strings.Repeat("a", 9000)}},
		{verify.ReasonAlgorithmNotAllowed, "HS512", verifierSetup{profile: verify.HelpshiftUserHub},
			verify.Request{Token: hs256(testSecret, `{"alg":"HS512","typ":"JWT"}`, userHubOK)}},
		{verify.ReasonAlgorithmNotAllowed, "none", verifierSetup{profile: verify.PylonJWT},
			verify.Request{Token: base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none"}`)) + ".e30."}},
		{verify.ReasonHeaderNotAllowed, "jku", verifierSetup{profile: verify.HelpshiftUserHub},
			verify.Request{Token: hs256(testSecret, `{"alg":"HS256","jku":"https://evil.example/keys"}`, userHubOK)}},
		{verify.ReasonSignatureMismatch, "another secret", verifierSetup{profile: verify.HelpshiftUserHub},
			verify.Request{Token: hs256("another-secret", hdr, userHubOK)}},
		{verify.ReasonSignatureMismatch, "digest over another uid", verifierSetup{profile: verify.Akece},
			verify.Request{UserID: "user-43", Digest: hexMAC(testSecret, "user-42")}},
		{verify.ReasonClaimInvalid, "iat as a string", verifierSetup{profile: verify.HelpshiftUserHub},
			verify.Request{Token: hs256(testSecret, hdr, `{"iat":"1767225540","identities":[{"identifier":"uid","value":"u"}]}`)}},
		{verify.ReasonClaimInvalid, "duplicate claim", verifierSetup{profile: verify.HelpshiftUserHub},
			verify.Request{Token: hs256(testSecret, hdr, `{"iat":1767225540,"iat":1767225540,"identities":[{"identifier":"uid","value":"u"}]}`)}},
		{verify.ReasonExpired, "exp passed beyond leeway", verifierSetup{profile: verify.PylonJWT},
			verify.Request{Token: hs256(testSecret, hdr, `{"email":"a@b.co","aud":"app_7Hq2","iat":1767224900,"exp":1767225540}`)}},
		{verify.ReasonNotYetValid, "nbf ahead beyond leeway", verifierSetup{profile: verify.HelpshiftUserHub},
			verify.Request{Token: hs256(testSecret, hdr, `{"iat":1767225540,"nbf":1767225661,"identities":[{"identifier":"uid","value":"u"}]}`)}},
		{verify.ReasonIssuedInFuture, "iat ahead beyond leeway", verifierSetup{profile: verify.HelpshiftUserHub},
			verify.Request{Token: hs256(testSecret, hdr, `{"iat":1767225661,"identities":[{"identifier":"uid","value":"u"}]}`)}},
		{verify.ReasonIssuedTooLongAgo, "userhub iat 86401 s old", verifierSetup{profile: verify.HelpshiftUserHub},
			verify.Request{Token: hs256(testSecret, hdr, `{"iat":1767139199,"identities":[{"identifier":"uid","value":"u"}]}`)}},
		{verify.ReasonLifetimeTooLong, "signet lives 1 h + 1 s", verifierSetup{profile: verify.Signet},
			verify.Request{Token: hs256(testSecret, hdrKid, `{"aud":"app_7Hq2","iat":1767225540,"exp":1767229141,"identities":[{"identifier":"uid","value":"u"}]}`)}},
		{verify.ReasonLifetimeTooLong, "pylon lives 901 s", verifierSetup{profile: verify.PylonJWT},
			verify.Request{Token: hs256(testSecret, hdr, `{"email":"a@b.co","aud":"app_7Hq2","iat":1767225540,"exp":1767226441}`)}},
		{verify.ReasonAudienceMismatch, "aud names another app", verifierSetup{profile: verify.Signet},
			verify.Request{Token: hs256(testSecret, hdrKid, strings.Replace(signetOK, testApp, "app_other", 1))}},
		{verify.ReasonAudienceMismatch, "aud array without this app", verifierSetup{profile: verify.PylonJWT},
			verify.Request{Token: hs256(testSecret, hdr, `{"email":"a@b.co","aud":["app_7Hq","x"],"iat":1767225540,"exp":1767226140}`)}},
		{verify.ReasonIdentityRequired, "userhub with steam_id only", verifierSetup{profile: verify.HelpshiftUserHub},
			verify.Request{Token: hs256(testSecret, hdr, `{"iat":1767225540,"identities":[{"identifier":"steam_id","value":"7656"}]}`)}},
		{verify.ReasonIdentityRequired, "digest with no identifier", verifierSetup{profile: verify.HelpshiftLegacy},
			verify.Request{Digest: "CtlHZxJDnIMhhW2WdUs+MNUnXDmaIT1BZhoPRmW4/4I="}},
		{verify.ReasonUnknownIdentityType, "myspace_id", verifierSetup{profile: verify.Signet},
			verify.Request{Token: hs256(testSecret, hdrKid, `{"aud":"app_7Hq2","iat":1767225540,"exp":1767226140,"identities":[{"identifier":"uid","value":"u"},{"identifier":"myspace_id","value":"x"}]}`)}},
		{verify.ReasonIdentityMismatch, "client sends another uid", verifierSetup{profile: verify.Signet},
			verify.Request{UserID: "user-43", Token: hs256(testSecret, hdrKid, signetOK)}},
		{verify.ReasonIdentityMismatch, "client sends an unsigned account id", verifierSetup{profile: verify.PylonJWT},
			verify.Request{Attributes: map[string]string{"account_id": "acc_2"}, Token: hs256(testSecret, hdr, `{"email":"a@b.co","aud":"app_7Hq2","iat":1767225540,"exp":1767226140}`)}},
		{verify.ReasonKeyUnknown, "kid names no key", verifierSetup{profile: verify.Signet},
			verify.Request{Token: hs256(testSecret, `{"alg":"HS256","kid":"k9"}`, signetOK)}},
		{verify.ReasonKeyUnknown, "signet token without kid", verifierSetup{profile: verify.Signet},
			verify.Request{Token: hs256(testSecret, hdr, signetOK)}},
		{verify.ReasonKeyRevoked, "kid names a revoked key", verifierSetup{profile: verify.Signet, keys: []verify.Key{revoked}},
			verify.Request{Token: hs256(testSecret, hdrKid, signetOK)}},
	}
	covered := map[verify.Reason]bool{}
	for _, tt := range tests {
		t.Run(string(tt.reason)+"/"+tt.name, func(t *testing.T) {
			_, err := newVerifier(t, tt.setup).Verify(tt.request)
			if got := verify.ReasonOf(err); got != tt.reason {
				t.Errorf("reason = %q (%v), want %q", got, err, tt.reason)
			}
		})
		covered[tt.reason] = true
	}
	t.Run("replayed/same token twice", func(t *testing.T) {
		guard := &verify.MemoryReplayGuard{}
		v := newVerifier(t, verifierSetup{profile: verify.Signet, opts: verify.Options{Replay: guard}})
		req := verify.Request{Token: hs256(testSecret, hdrKid, signetOK)}
		if _, err := v.Verify(req); err != nil {
			t.Fatalf("first use: %v", err)
		}
		if _, err := v.Verify(req); verify.ReasonOf(err) != verify.ReasonReplayed {
			t.Errorf("second use: %v, want replayed", err)
		}
		// A different token for the same user is not a replay.
		other := hs256(testSecret, hdrKid, strings.Replace(signetOK, "1767225540", "1767225541", 1))
		if _, err := v.Verify(verify.Request{Token: other}); err != nil {
			t.Errorf("fresh token: %v", err)
		}
	})
	covered[verify.ReasonReplayed] = true
	for _, r := range verify.Reasons() {
		if !covered[r] {
			t.Errorf("no case for reason %s", r)
		}
	}
}

// TestTimeBoundaries pins leeway and the exact limits of profiles.md.
func TestTimeBoundaries(t *testing.T) {
	userhub := func(claims string) verify.Request { return verify.Request{Token: hs256(testSecret, hdr, claims)} }
	id := `"identities":[{"identifier":"uid","value":"u"}]`
	tests := []struct {
		name    string
		profile verify.Profile
		leeway  time.Duration
		req     verify.Request
		want    verify.Reason // "" = valid
	}{
		{"iat exactly 24 h old", verify.HelpshiftUserHub, 0, userhub(`{"iat":1767139200,` + id + `}`), ""},
		{"iat 24 h + 1 s old, leeway does not apply", verify.HelpshiftUserHub, 0, userhub(`{"iat":1767139199,` + id + `}`), verify.ReasonIssuedTooLongAgo},
		{"iat 60 s ahead, inside leeway", verify.HelpshiftUserHub, 0, userhub(`{"iat":1767225660,` + id + `}`), ""},
		{"iat 61 s ahead", verify.HelpshiftUserHub, 0, userhub(`{"iat":1767225661,` + id + `}`), verify.ReasonIssuedInFuture},
		{"iat 1 s ahead, no leeway", verify.HelpshiftUserHub, -1, userhub(`{"iat":1767225601,` + id + `}`), verify.ReasonIssuedInFuture},
		{"exp 59 s ago, inside leeway", verify.HelpshiftUserHub, 0, userhub(`{"iat":1767225000,"exp":1767225541,` + id + `}`), ""},
		{"exp 60 s ago", verify.HelpshiftUserHub, 0, userhub(`{"iat":1767225000,"exp":1767225540,` + id + `}`), verify.ReasonExpired},
		{"exp now, no leeway", verify.HelpshiftUserHub, -1, userhub(`{"iat":1767225000,"exp":1767225600,` + id + `}`), verify.ReasonExpired},
		{"fractional iat is truncated", verify.HelpshiftUserHub, 0, userhub(`{"iat":1767139200.9,` + id + `}`), ""},
		{"iat zero", verify.HelpshiftUserHub, 0, userhub(`{"iat":0,` + id + `}`), verify.ReasonClaimInvalid},
		{"iat negative", verify.HelpshiftUserHub, 0, userhub(`{"iat":-5,` + id + `}`), verify.ReasonClaimInvalid},
		{"iat 2^53", verify.HelpshiftUserHub, 0, userhub(`{"iat":9007199254740992,` + id + `}`), verify.ReasonClaimInvalid},
		{"iat 1e400", verify.HelpshiftUserHub, 0, userhub(`{"iat":1e400,` + id + `}`), verify.ReasonClaimInvalid},
		{"iat true", verify.HelpshiftUserHub, 0, userhub(`{"iat":true,` + id + `}`), verify.ReasonClaimInvalid},
		{"exp before iat", verify.HelpshiftUserHub, 0, userhub(`{"iat":1767225500,"exp":1767225400,` + id + `}`), verify.ReasonClaimInvalid},
		{"pylon lives exactly 900 s", verify.PylonJWT, 0, verify.Request{Token: hs256(testSecret, hdr, `{"email":"a@b.co","aud":"app_7Hq2","iat":1767225540,"exp":1767226440}`)}, ""},
		{"pylon iat 60 s ahead, inside leeway", verify.PylonJWT, 0, verify.Request{Token: hs256(testSecret, hdr, `{"email":"a@b.co","aud":"app_7Hq2","iat":1767225660,"exp":1767226000}`)}, ""},
		{"signet lives exactly 1 h", verify.Signet, 0, verify.Request{Token: hs256(testSecret, hdrKid, `{"aud":"app_7Hq2","iat":1767225540,"exp":1767229140,"identities":[{"identifier":"uid","value":"u"}]}`)}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newVerifier(t, verifierSetup{profile: tt.profile, opts: verify.Options{Leeway: tt.leeway}})
			_, err := v.Verify(tt.req)
			if got := verify.ReasonOf(err); got != tt.want {
				t.Errorf("reason = %q (%v), want %q", got, err, tt.want)
			}
		})
	}
}

// TestSignetMaxLifetime: the app's configured maximum replaces the default.
func TestSignetMaxLifetime(t *testing.T) {
	tok := hs256(testSecret, hdrKid, `{"aud":"app_7Hq2","iat":1767225540,"exp":1767227340,"identities":[{"identifier":"uid","value":"u"}]}`)
	for _, tt := range []struct {
		max  time.Duration
		want verify.Reason
	}{{0, ""}, {30 * time.Minute, ""}, {29 * time.Minute, verify.ReasonLifetimeTooLong}} {
		v := newVerifier(t, verifierSetup{profile: verify.Signet, opts: verify.Options{MaxLifetime: tt.max}})
		if _, err := v.Verify(verify.Request{Token: tok}); verify.ReasonOf(err) != tt.want {
			t.Errorf("max %v: %v, want %q", tt.max, err, tt.want)
		}
	}
}

// TestKeyRotation: any active key verifies; a revoked one never does.
func TestKeyRotation(t *testing.T) {
	oldKey, _ := verify.NewKey(verify.Intercom, "k_old", "old-secret-0123456789")
	newKey, _ := verify.NewKey(verify.Intercom, "k_new", "new-secret-0123456789")
	v := newVerifier(t, verifierSetup{profile: verify.Intercom, keys: []verify.Key{oldKey, newKey}})
	for _, k := range []struct{ id, secret string }{{"k_old", "old-secret-0123456789"}, {"k_new", "new-secret-0123456789"}} {
		got, err := v.Verify(verify.Request{UserID: "u1", Digest: hexMAC(k.secret, "u1")})
		if err != nil || got.KeyID != k.id {
			t.Errorf("%s: %v %+v", k.id, err, got)
		}
	}
	oldKey.Revoked = true
	v = newVerifier(t, verifierSetup{profile: verify.Intercom, keys: []verify.Key{oldKey, newKey}})
	req := verify.Request{UserID: "u1", Digest: hexMAC("old-secret-0123456789", "u1")}
	_, err := v.Verify(req)
	if verify.ReasonOf(err) != verify.ReasonSignatureMismatch {
		t.Fatalf("revoked key verified: %v", err)
	}
	if d, ok := v.Diagnose(req, err, nil); !ok || d.Cause != verify.CauseOtherKey || !strings.Contains(d.Message, "k_old") {
		t.Errorf("diagnosis %+v", d)
	}
}

// TestPylonEmptyName: Pylon's samples default name to "" and always sign it;
// an empty optional claim is absent, not invalid.
func TestPylonEmptyName(t *testing.T) {
	v := newVerifier(t, verifierSetup{profile: verify.PylonJWT})
	got, err := v.Verify(verify.Request{Token: hs256(testSecret, hdr, `{"email":"a@b.co","name":"","aud":"app_7Hq2","iat":1767225540,"exp":1767226140}`)})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := got.Attributes["name"]; ok {
		t.Errorf("empty name kept: %v", got.Attributes)
	}
}
