package toyprofile_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/signet-id/signet/verify"
)

// TestRegisterRefuses: a description that cannot work stops the program at
// start-up, naming what is missing, and is not registered.
func TestRegisterRefuses(t *testing.T) {
	jwt := func(claims ...verify.Claim) verify.Description {
		return verify.Description{Name: "toy-bad", Summary: "s", Proof: verify.ProofJWT, Claims: claims}
	}
	iat := verify.Claim{Name: "iat", Kind: verify.ClaimTime}
	uid := verify.Claim{Name: "sub", Kind: verify.ClaimIdentity, Identity: verify.UID}
	for _, tt := range []struct {
		name string
		d    verify.Description
		want string
	}{
		{"no name", verify.Description{Summary: "s", Proof: verify.ProofDigest, Message: verify.SignsUserIDElseEmail, MessageHint: "h"}, "needs a name"},
		{"no summary", verify.Description{Name: "toy-bad", Proof: verify.ProofDigest, Message: verify.SignsUserIDElseEmail, MessageHint: "h"}, "summary"},
		{"a digest without a message", verify.Description{Name: "toy-bad", Summary: "s", Proof: verify.ProofDigest}, "Message"},
		{"registered twice", verify.Description{Name: toyDigest, Summary: "s", Proof: verify.ProofDigest, Message: verify.SignsUserIDElseEmail, MessageHint: "h"}, "twice"},
		{"a token without an identity", jwt(iat), "no identity claim"},
		{"a token without times", jwt(uid), "neither iat nor exp"},
		{"OnlyIf naming no bool claim", jwt(iat, uid, verify.Claim{Name: "email", Kind: verify.ClaimIdentity, Identity: verify.Email, OnlyIf: "verified"}), "OnlyIf"},
		{"a required attribute", jwt(iat, uid, verify.Claim{Name: "name", Kind: verify.ClaimAttribute, Required: true}), "optional"},
		{"an identity claim of no known type", jwt(iat, verify.Claim{Name: "sub", Kind: verify.ClaimIdentity, Identity: "myspace_id"}), "identity type"},
		{"a time claim of another name", jwt(uid, verify.Claim{Name: "issued", Kind: verify.ClaimTime}), "iat, exp and nbf"},
		{"an audience rule without aud", func() verify.Description { d := jwt(iat, uid); d.Audience = verify.AudienceApp; return d }(), "aud"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := func() (msg string) {
				defer func() { msg = fmt.Sprint(recover()) }()
				verify.Register(tt.d)
				return ""
			}()
			if !strings.Contains(got, tt.want) {
				t.Errorf("panic %q, want one saying %q", got, tt.want)
			}
		})
	}
	if _, err := verify.ParseProfile("toy-bad"); err == nil {
		t.Error("a refused description was registered")
	}
}
