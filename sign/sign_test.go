package sign_test

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/signet-id/signet/internal/vectors"
	"github.com/signet-id/signet/sign"
	"github.com/signet-id/signet/verify"
)

// TestVectorDigests: the library reproduces every valid digest of the vectors.
func TestVectorDigests(t *testing.T) {
	files := vectors.MustLoad(t)
	n := 0
	for _, scheme := range vectors.Schemes(files) {
		p, _ := verify.ParseProfile(scheme)
		if p.IsJWT() {
			continue
		}
		for _, c := range files[scheme].Cases {
			if !c.Valid {
				continue
			}
			n++
			s := sign.Signer{Profile: p, Secret: c.Secret, FullPrivacy: c.FullPrivacy}
			got, err := s.Digest(sign.Claims{UserID: c.UserID(), Email: c.EmailSent()})
			if err != nil {
				t.Errorf("%s/%s: %v", scheme, c.Name, err)
				continue
			}
			if got != c.Digest && !(p != verify.HelpshiftLegacy && strings.EqualFold(got, c.Digest)) {
				t.Errorf("%s/%s: %s, want %s", scheme, c.Name, got, c.Digest)
			}
		}
	}
	if n < 12 {
		t.Errorf("only %d valid digest vectors", n)
	}
}

// TestTokensVerify: every token the library signs verifies, for every JWT
// profile, with the identities it was given.
func TestTokensVerify(t *testing.T) {
	now := time.Unix(1767225600, 0)
	clock := func() time.Time { return now }
	claims := sign.Claims{UserID: "user-42", Email: "zoë@example.org",
		Identities: []verify.Identity{{Type: verify.SteamID, Value: "7656"}, {Type: verify.PhoneNumber, Value: "+33 6 12 34 56 78"}},
		Metadata:   map[string]string{"plan": "gold"}}
	for _, p := range []verify.Profile{verify.HelpshiftUserHub, verify.PylonJWT, verify.Signet} {
		t.Run(string(p), func(t *testing.T) {
			c := claims
			if p == verify.PylonJWT {
				c = sign.Claims{Email: "zoë@example.org", Name: "Zoë <admin>", Attributes: map[string]string{"account_id": "acc_1"}}
			}
			s := sign.Signer{Profile: p, Secret: "hs-secret-3f9a1c7e5b2d4f60", KeyID: "k_1", AppID: "app_1", Now: clock}
			token, err := s.Token(c)
			if err != nil {
				t.Fatal(err)
			}
			key, _ := verify.NewKey(p, "k_1", s.Secret)
			v, _ := verify.New(p, []verify.Key{key}, verify.Options{AppID: "app_1", Now: clock})
			got, err := v.Verify(verify.Request{Token: token, Email: "zoë@example.org", Attributes: c.Attributes})
			if err != nil {
				t.Fatal(err)
			}
			if p == verify.PylonJWT {
				if got.Attributes["name"] != "Zoë <admin>" || got.Identities[0].Value != "zoë@example.org" {
					t.Errorf("%+v", got)
				}
				if got.ExpiresAt-got.IssuedAt != int64(sign.DefaultTokenLifetime/time.Second) {
					t.Errorf("lifetime %d", got.ExpiresAt-got.IssuedAt)
				}
				return
			}
			if len(got.Identities) != 4 || got.Identities[0].Metadata["plan"] != "gold" || got.Identities[3].Value != "+33 6 12 34 56 78" {
				t.Errorf("identities %+v", got.Identities)
			}
		})
	}
}

// TestTokenBytes: claims are written as JavaScript's JSON.stringify writes
// them (no \u003c escapes), so a token matches the vendors' samples byte for byte.
func TestTokenBytes(t *testing.T) {
	s := sign.Signer{Profile: verify.PylonJWT, Secret: "hs-secret-3f9a1c7e5b2d4f60", AppID: "app_1"}
	token, err := s.Token(sign.Claims{Email: "a&b@example.com", Name: "<Zoë>", IssuedAt: time.Unix(1767225570, 0)})
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := base64.RawURLEncoding.DecodeString(strings.Split(token, ".")[1])
	want := `{"email":"a&b@example.com","name":"<Zoë>","aud":"app_1","iat":1767225570,"exp":1767226170}`
	if string(payload) != want {
		t.Errorf("payload %s\nwant    %s", payload, want)
	}
}

// TestSignRefuses: what the library refuses to sign, with a reason.
func TestSignRefuses(t *testing.T) {
	tests := []struct {
		name   string
		signer sign.Signer
		claims sign.Claims
		want   string
	}{
		{"pylon-hmac secret not hex", sign.Signer{Profile: verify.PylonHMAC, Secret: "not-hex"}, sign.Claims{Email: "a@b.co"}, "hex"},
		{"empty secret", sign.Signer{Profile: verify.Intercom}, sign.Claims{UserID: "u"}, "empty"},
		{"no identity", sign.Signer{Profile: verify.Akece, Secret: "s"}, sign.Claims{}, "identifier"},
		{"signet without key id", sign.Signer{Profile: verify.Signet, Secret: "s", AppID: "a"}, sign.Claims{UserID: "u"}, "key id"},
		{"pylon-jwt without app id", sign.Signer{Profile: verify.PylonJWT, Secret: "s"}, sign.Claims{Email: "a@b.co"}, "app id"},
		{"pylon-jwt with a uid", sign.Signer{Profile: verify.PylonJWT, Secret: "s", AppID: "a"}, sign.Claims{Email: "a@b.co", UserID: "u"}, "email only"},
		{"unknown pylon claim", sign.Signer{Profile: verify.PylonJWT, Secret: "s", AppID: "a"}, sign.Claims{Email: "a@b.co", Attributes: map[string]string{"admin": "true"}}, "no admin claim"},
		{"uid in Identities", sign.Signer{Profile: verify.HelpshiftUserHub, Secret: "s"}, sign.Claims{Identities: []verify.Identity{{Type: verify.UID, Value: "u"}}}, "uid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.signer.Sign(tt.claims)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one saying %q", err, tt.want)
			}
		})
	}
}
