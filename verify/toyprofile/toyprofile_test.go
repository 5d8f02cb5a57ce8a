// Package toyprofile_test follows CONTRIBUTING.md's "Add a vendor profile"
// once, for two vendors that do not exist: it registers their descriptions
// as a profile file would, then signs, verifies, peeks and diagnoses through
// the same code paths as the real profiles. It lives in a package of its
// own so that its toys never appear in another test's verify.Profiles().
package toyprofile_test

import (
	"strings"
	"testing"
	"time"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/sign"
	"github.com/signet-id/signet/verify"
)

// The two toys, as their profile files (verify/profile_toy_*.go) would
// declare them: a digest vendor and a JWT vendor using the rules the
// second-wave vendors need.
const (
	toyDigest verify.Profile = "toy-digest"
	toyJWT    verify.Profile = "toy-jwt"
)

func init() {
	// A Front-like digest: the user id when one is sent, else the email;
	// lower-case hex.
	verify.Register(verify.Description{
		Name:        toyDigest,
		Summary:     "Toy (digest): hex HMAC-SHA256 over the user id, else the email",
		Identities:  "the user id when one is sent, else the email (only the signed one is verified)",
		Rank:        1000,
		Proof:       verify.ProofDigest,
		Secret:      verify.SecretText,
		Encoding:    verify.DigestHex,
		Message:     verify.SignsUserIDElseEmail,
		MessageHint: "Toy signs the user id when you send one, else the email",
	})
	// A JWT with Zendesk's kid, scope and email_verified, Kustomer's 15
	// minutes and Freshdesk's two hours.
	verify.Register(verify.Description{
		Name:       toyJWT,
		Summary:    "Toy (JWT): HS256 JWT with kid, scope = user, external_id; iat at most 15 min old",
		Identities: "uid = external_id; the email only when email_verified is true",
		Rank:       1000,
		Proof:      verify.ProofJWT,
		Secret:     verify.SecretText,
		Requires:   verify.UID,
		Claims: []verify.Claim{
			{Name: "scope", Kind: verify.ClaimString, Required: true, Equals: "user"},
			{Name: "external_id", Kind: verify.ClaimIdentity, Identity: verify.UID, Required: true, MaxLength: 255},
			{Name: "email", Kind: verify.ClaimIdentity, Identity: verify.Email, OnlyIf: "email_verified"},
			{Name: "email_verified", Kind: verify.ClaimBool},
			{Name: "name", Kind: verify.ClaimAttribute},
			{Name: "iat", Kind: verify.ClaimTime, Required: true},
			{Name: "exp", Kind: verify.ClaimTime, Required: true},
		},
		Kid:       verify.KidRequired,
		MaxAge:    900,
		AgeLeeway: true,
		MaxAhead:  7200,
	})
}

const (
	secret = "toy-secret-5e1f0c9a7b3d2e4f"
	appID  = "app_toy1"
	now    = 1767225600
)

func clock() time.Time { return time.Unix(now, 0) }

func verifier(t *testing.T, p verify.Profile, keys ...verify.Key) *verify.Verifier {
	t.Helper()
	if keys == nil {
		k, err := verify.NewKey(p, "k1", secret)
		if err != nil {
			t.Fatal(err)
		}
		keys = []verify.Key{k}
	}
	v, err := verify.New(p, keys, verify.Options{AppID: appID, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestToyProfileIsListed: step 1's one file is enough for the table, the
// model's profile list (app validation) and the dashboard's choice.
func TestToyProfileIsListed(t *testing.T) {
	for _, p := range []verify.Profile{toyDigest, toyJWT} {
		if got, err := verify.ParseProfile(string(p)); err != nil || got != p {
			t.Fatalf("ParseProfile(%s) = %v, %v", p, got, err)
		}
		listed := false
		for _, q := range verify.Profiles() {
			listed = listed || q == p
		}
		if !listed || p.Describe() == "" {
			t.Errorf("%s: listed %v, summary %q", p, listed, p.Describe())
		}
		app := &model.App{ID: "app_1", WorkspaceID: "ws_1", Name: "Toy", Platform: model.PlatformWeb, Profile: p,
			Enforcement: model.EnforcementEnforce, OnFailure: model.OnFailureReject, MaxTokenLifetime: 3600}
		if err := app.Validate(); err != nil {
			t.Errorf("an app with profile %s: %v", p, err)
		}
	}
	if !toyJWT.IsJWT() || toyDigest.IsJWT() || toyJWT.NeedsAudience() || toyJWT.KeyByKid() {
		t.Error("the profile methods do not read the descriptions")
	}
	// The profile list keeps digest profiles first.
	ps := verify.Profiles()
	seenJWT := false
	for _, p := range ps {
		if p.IsJWT() {
			seenJWT = true
		} else if seenJWT {
			t.Errorf("digest profile %s listed after a JWT profile: %v", p, ps)
		}
	}
}

// TestToyDigest signs and verifies a digest, and the doctor explains the
// mistakes: a wrong secret, the email signed beside a user id.
func TestToyDigest(t *testing.T) {
	s := sign.Signer{Profile: toyDigest, Secret: secret}
	d, err := s.Sign(sign.Claims{UserID: "user-42", Email: "jane@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if len(d) != 64 || strings.ToLower(d) != d {
		t.Fatalf("digest %q is not lower-case hex", d)
	}
	v := verifier(t, toyDigest)
	got, err := v.Verify(verify.Request{UserID: "user-42", Email: "jane@example.com", Digest: d})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Identities) != 1 || got.Identities[0].Type != verify.UID || got.Identities[0].Value != "user-42" {
		t.Errorf("identities %+v: only the signed user id", got.Identities)
	}
	overEmail, _ := sign.Signer{Profile: toyDigest, Secret: secret}.Sign(sign.Claims{Email: "jane@example.com"})
	wrongSecret, _ := sign.Signer{Profile: toyDigest, Secret: "not-the-toy-secret"}.Sign(sign.Claims{UserID: "user-42"})
	for _, tt := range []struct {
		name   string
		req    verify.Request
		reason verify.Reason
		cause  verify.Cause
		saying string
	}{
		{"the email signed beside a user id", verify.Request{UserID: "user-42", Email: "jane@example.com", Digest: overEmail},
			verify.ReasonSignatureMismatch, verify.CauseWrongMessage, "Toy signs the user id when you send one"},
		{"a wrong secret", verify.Request{UserID: "user-42", Digest: wrongSecret},
			verify.ReasonSignatureMismatch, verify.CauseUnknown, "different secret"},
		{"base64 instead of hex", verify.Request{UserID: "user-42", Digest: "8J+Ygg=="},
			verify.ReasonMalformed, verify.CauseUnknown, "lower-case hex (64 characters)"},
		{"a zero-width space in the user id", verify.Request{UserID: "user\u200b-42", Digest: d},
			verify.ReasonMalformed, "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := v.Verify(tt.req)
			if verify.ReasonOf(err) != tt.reason {
				t.Fatalf("reason %v, want %s", err, tt.reason)
			}
			if tt.cause == "" {
				return
			}
			diag, ok := v.Diagnose(tt.req, err, nil)
			if !ok || diag.Cause != tt.cause || !strings.Contains(diag.Message, tt.saying) {
				t.Errorf("diagnosis %+v (ok %v), want %s saying %q", diag, ok, tt.cause, tt.saying)
			}
		})
	}
}

// TestToyJWT signs and verifies a token under the second-wave rules, and
// the doctor explains a wrong secret.
func TestToyJWT(t *testing.T) {
	s := sign.Signer{Profile: toyJWT, Secret: secret, KeyID: "k1", Now: clock}
	token, err := s.Sign(sign.Claims{UserID: "user-42", Email: "jane@example.com", Name: "Jane"})
	if err != nil {
		t.Fatal(err)
	}
	v := verifier(t, toyJWT)
	got, err := v.Verify(verify.Request{Token: token})
	if err != nil {
		t.Fatal(err)
	}
	// The signer wrote email_verified: true beside the email it signed.
	if len(got.Identities) != 2 || got.Identities[0].Value != "user-42" || got.Identities[1].Value != "jane@example.com" ||
		got.Attributes["name"] != "Jane" {
		t.Errorf("verified %+v", got)
	}
	if ids := verify.PeekIdentities(toyJWT, token); len(ids) != 2 {
		t.Errorf("peek: %+v", ids)
	}
	tok := func(header, claims string) string { return hs256(secret, header, claims) }
	const hdr = `{"alg":"HS256","typ":"JWT","kid":"k1"}`
	for _, tt := range []struct {
		name   string
		token  string
		reason verify.Reason
		ids    int // verified identities when valid
	}{
		{"email without email_verified: not verified", tok(hdr, `{"scope":"user","external_id":"u1","email":"a@b.co","iat":1767225500,"exp":1767226000}`), "", 1},
		{"email_verified false", tok(hdr, `{"scope":"user","external_id":"u1","email":"a@b.co","email_verified":false,"iat":1767225500,"exp":1767226000}`), "", 1},
		{"no kid", tok(`{"alg":"HS256"}`, `{"scope":"user","external_id":"u1","iat":1767225500,"exp":1767226000}`), verify.ReasonKeyUnknown, 0},
		{"no scope", tok(hdr, `{"external_id":"u1","iat":1767225500,"exp":1767226000}`), verify.ReasonClaimInvalid, 0},
		{"scope not user", tok(hdr, `{"scope":"admin","external_id":"u1","iat":1767225500,"exp":1767226000}`), verify.ReasonClaimInvalid, 0},
		{"numeric external_id", tok(hdr, `{"scope":"user","external_id":42,"iat":1767225500,"exp":1767226000}`), verify.ReasonClaimInvalid, 0},
		{"external_id of 256 characters", tok(hdr, `{"scope":"user","external_id":"`+strings.Repeat("é", 256)+`","iat":1767225500,"exp":1767226000}`), verify.ReasonClaimInvalid, 0},
		{"no external_id", tok(hdr, `{"scope":"user","email":"a@b.co","email_verified":true,"iat":1767225500,"exp":1767226000}`), verify.ReasonIdentityRequired, 0},
		{"iat 15 min + leeway old", tok(hdr, `{"scope":"user","external_id":"u1","iat":1767224640,"exp":1767226000}`), "", 1},
		{"iat older than 15 min + leeway", tok(hdr, `{"scope":"user","external_id":"u1","iat":1767224639,"exp":1767226000}`), verify.ReasonIssuedTooLongAgo, 0},
		{"exp two hours ahead", tok(hdr, `{"scope":"user","external_id":"u1","iat":1767225500,"exp":1767232800}`), "", 1},
		{"exp more than two hours ahead", tok(hdr, `{"scope":"user","external_id":"u1","iat":1767225500,"exp":1767232801}`), verify.ReasonLifetimeTooLong, 0},
		{"Scope in another case", tok(hdr, `{"Scope":"user","scope":"user","external_id":"u1","iat":1767225500,"exp":1767226000}`), verify.ReasonClaimInvalid, 0},
		{"RTL override in the external_id", tok(hdr, `{"scope":"user","external_id":"u\u202e1","iat":1767225500,"exp":1767226000}`), verify.ReasonClaimInvalid, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := v.Verify(verify.Request{Token: tt.token})
			if verify.ReasonOf(err) != tt.reason {
				t.Fatalf("got %v, want reason %q", err, tt.reason)
			}
			if err == nil && len(got.Identities) != tt.ids {
				t.Errorf("identities %+v, want %d", got.Identities, tt.ids)
			}
		})
	}
	// A wrong secret: the doctor says so.
	bad, err := sign.Signer{Profile: toyJWT, Secret: "not-the-toy-secret", KeyID: "k1", Now: clock}.Sign(sign.Claims{UserID: "u1"})
	if err != nil {
		t.Fatal(err)
	}
	req := verify.Request{Token: bad}
	_, err = v.Verify(req)
	if verify.ReasonOf(err) != verify.ReasonSignatureMismatch {
		t.Fatalf("wrong secret: %v", err)
	}
	if d, ok := v.Diagnose(req, err, nil); !ok || d.Cause != verify.CauseUnknown || !strings.Contains(d.Message, "different secret") {
		t.Errorf("diagnosis %+v (ok %v)", d, ok)
	}
	// And names the old key when the brand signs with a revoked one.
	old, _ := verify.NewKey(toyJWT, "k0", "not-the-toy-secret")
	old.Revoked = true
	cur, _ := verify.NewKey(toyJWT, "k1", secret)
	v2 := verifier(t, toyJWT, cur, old)
	_, err = v2.Verify(req)
	if d, ok := v2.Diagnose(req, err, nil); !ok || d.Cause != verify.CauseOtherKey {
		t.Errorf("revoked key: diagnosis %+v (ok %v)", d, ok)
	}
	// The signer refuses what the profile cannot carry.
	if _, err := s.Sign(sign.Claims{Email: "a@b.co"}); err == nil || !strings.Contains(err.Error(), "user id") {
		t.Errorf("no user id: %v", err)
	}
	if _, err := (sign.Signer{Profile: toyJWT, Secret: secret, Now: clock}).Sign(sign.Claims{UserID: "u1"}); err == nil || !strings.Contains(err.Error(), "key id") {
		t.Errorf("no key id: %v", err)
	}
}
