package verify_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/signet-id/signet/sign"
	"github.com/signet-id/signet/verify"
)

// TestIdentityCharacters runs testdata/identity-characters.json through
// every profile: a user id or email holding a bidirectional control, a
// zero-width or other invisible formatting character (Unicode Cf) is
// refused with the reason a control character gets — malformed in a
// digest's request, claim_invalid in a token — even when the proof is
// signed over it; the other characters verify exactly as signed.
func TestIdentityCharacters(t *testing.T) {
	var file struct {
		Cases []struct {
			Name    string `json:"name"`
			Char    string `json:"char"`
			Refused bool   `json:"refused"`
		} `json:"cases"`
	}
	b, err := os.ReadFile("testdata/identity-characters.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &file); err != nil {
		t.Fatal(err)
	}
	if len(file.Cases) < 20 {
		t.Fatalf("%d cases", len(file.Cases))
	}
	clock := func() time.Time { return time.Unix(testNow, 0) }
	for _, p := range verify.Profiles() {
		secret := testSecret
		if p.HexSecret() {
			secret = strings.Repeat("5a", 32)
		}
		key, err := verify.NewKey(p, "k1", secret)
		if err != nil {
			t.Fatal(err)
		}
		v, err := verify.New(p, []verify.Key{key}, verify.Options{AppID: testApp, Now: clock})
		if err != nil {
			t.Fatal(err)
		}
		s := sign.Signer{Profile: p, Secret: secret, KeyID: "k1", AppID: testApp, Now: clock}
		for _, c := range file.Cases {
			for _, field := range []verify.IdentityType{verify.UID, verify.Email} {
				if r := p.Description().Requires; r != "" && r != field {
					continue
				}
				var claims sign.Claims
				var want string
				if field == verify.UID {
					want = "user" + c.Char + "-42"
					claims.UserID = want
				} else {
					want = "jane" + c.Char + "@example.com"
					claims.Email = want
				}
				t.Run(string(p)+"/"+string(field)+"/"+c.Name, func(t *testing.T) {
					proof, err := s.Sign(claims)
					if err != nil {
						t.Fatal(err)
					}
					req := verify.Request{UserID: claims.UserID, Email: claims.Email}
					refusal := verify.ReasonMalformed
					if p.IsJWT() {
						req = verify.Request{Token: proof}
						refusal = verify.ReasonClaimInvalid
					} else {
						req.Digest = proof
					}
					got, err := v.Verify(req)
					if c.Refused {
						if verify.ReasonOf(err) != refusal {
							t.Fatalf("got %v (%v), want %s", got, err, refusal)
						}
						return
					}
					if err != nil {
						t.Fatalf("refused: %v", err)
					}
					if len(got.Identities) != 1 || got.Identities[0].Type != field || got.Identities[0].Value != want {
						t.Errorf("identities %+v, want %s %q exactly", got.Identities, field, want)
					}
				})
			}
		}
	}
}

// TestValidIdentity: ValidIdentity refuses what verification refuses in a
// user id or email; ValidIdentityValue (names, device ids) keeps allowing
// the formatting characters right-to-left names need.
func TestValidIdentity(t *testing.T) {
	for _, tt := range []struct {
		v               string
		identity, value bool
	}{
		{"", true, true}, {"user-42", true, true}, {"jané@example.com", true, true},
		{"user\u202e42", false, true}, {"\ufeffuser", false, true}, {"a\u200bb", false, true}, {"\u061cname", false, true},
		{"a\x00b", false, false}, {"a\u0085b", false, false}, {"\xff", false, false},
	} {
		if got := verify.ValidIdentity(tt.v); got != tt.identity {
			t.Errorf("ValidIdentity(%q) = %v", tt.v, got)
		}
		if got := verify.ValidIdentityValue(tt.v); got != tt.value {
			t.Errorf("ValidIdentityValue(%q) = %v", tt.v, got)
		}
	}
}
