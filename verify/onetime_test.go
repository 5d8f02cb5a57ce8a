package verify_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/signet-id/signet/verify"
)

// TestTokenID: a signet token's jti is Verified.TokenID; with OneTimeTokens
// a token without a usable jti is claim_invalid, naming jti; without it,
// jti is not required and an unusable one is ignored. Only a profile that
// reads jti takes OneTimeTokens.
func TestTokenID(t *testing.T) {
	key, err := verify.NewKey(verify.Signet, "k1", testSecret)
	if err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return time.Unix(testNow, 0) }
	newVerifier := func(oneTime bool) *verify.Verifier {
		v, err := verify.New(verify.Signet, []verify.Key{key}, verify.Options{AppID: testApp, Now: now, OneTimeTokens: oneTime})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	token := func(jti string) string {
		return hs256(testSecret, hdrKid, fmt.Sprintf(`{"aud":%q,"iat":%d,"exp":%d,"identities":[{"identifier":"uid","value":"u-1"}]%s}`,
			testApp, testNow-10, testNow+600, jti))
	}
	for _, c := range []struct {
		name, jti string
		oneTime   bool
		want      string // TokenID, or the reason when it starts with "!"
	}{
		{"jti", `,"jti":"a-1"`, true, "a-1"},
		{"jti, setting off", `,"jti":"a-1"`, false, "a-1"},
		{"none", ``, true, "!claim_invalid"},
		{"none, setting off", ``, false, ""},
		{"empty", `,"jti":""`, true, "!claim_invalid"},
		{"a number", `,"jti":42`, true, "!claim_invalid"},
		{"a number, setting off", `,"jti":42`, false, ""},
		{"a control character", `,"jti":"a\u0001"`, true, "!claim_invalid"},
	} {
		got, err := newVerifier(c.oneTime).Verify(verify.Request{Token: token(c.jti)})
		switch {
		case c.want != "" && c.want[0] == '!':
			e, _ := err.(*verify.Error)
			if verify.ReasonOf(err) != verify.Reason(c.want[1:]) || e == nil || !strings.Contains(e.Message, "jti") {
				t.Errorf("%s: %v, want %s naming jti", c.name, err, c.want[1:])
			}
		case err != nil:
			t.Errorf("%s: %v", c.name, err)
		case got.TokenID != c.want:
			t.Errorf("%s: TokenID %q, want %q", c.name, got.TokenID, c.want)
		}
	}
	ik, _ := verify.NewKey(verify.Intercom, "k1", testSecret)
	if _, err := verify.New(verify.Intercom, []verify.Key{ik}, verify.Options{OneTimeTokens: true}); err == nil {
		t.Error("an intercom verifier took OneTimeTokens")
	}
}
