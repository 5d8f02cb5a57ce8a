package verify_test

import (
	"fmt"
	"testing"

	"github.com/signet-id/signet/verify"
)

// TestPylonAudienceAlias: a pylon-jwt app may also accept the vendor's app
// id as aud (Options.Audience), so a migrating brand's tokens verify
// unchanged; any other aud is still audience_mismatch, and no other profile
// takes a second audience.
func TestPylonAudienceAlias(t *testing.T) {
	const pylonApp = "7d3f2c1e-pylon-widget-app-id"
	v := newVerifier(t, verifierSetup{profile: verify.PylonJWT, opts: verify.Options{AppID: testApp, Audience: pylonApp}})
	for _, c := range []struct {
		aud  string // the aud claim's JSON
		want verify.Reason
	}{
		{`"` + testApp + `"`, ""},
		{`"` + pylonApp + `"`, ""},
		{`["` + pylonApp + `"]`, ""},
		{`["someone-else","` + pylonApp + `"]`, ""},
		{`"someone-else"`, verify.ReasonAudienceMismatch},
		{`"7D3F2C1E-PYLON-WIDGET-APP-ID"`, verify.ReasonAudienceMismatch}, // exact bytes, never folded
		{`"` + pylonApp + ` "`, verify.ReasonAudienceMismatch},
		{`""`, verify.ReasonAudienceMismatch},
	} {
		payload := fmt.Sprintf(`{"email":"jane@example.com","aud":%s,"iat":%d,"exp":%d}`, c.aud, testNow-60, testNow+600)
		_, err := v.Verify(verify.Request{Email: "jane@example.com", Token: hs256(testSecret, hdr, payload)})
		if got := verify.ReasonOf(err); got != c.want {
			t.Errorf("aud %s: reason %q (%v), want %q", c.aud, got, err, c.want)
		}
	}
	// Without the alias the vendor's app id is refused, as profiles.md says.
	strict := newVerifier(t, verifierSetup{profile: verify.PylonJWT, opts: verify.Options{AppID: testApp}})
	payload := fmt.Sprintf(`{"email":"jane@example.com","aud":"%s","iat":%d,"exp":%d}`, pylonApp, testNow-60, testNow+600)
	if _, err := strict.Verify(verify.Request{Email: "jane@example.com", Token: hs256(testSecret, hdr, payload)}); verify.ReasonOf(err) != verify.ReasonAudienceMismatch {
		t.Errorf("no alias, the vendor's app id: %v", err)
	}
	for _, p := range []verify.Profile{verify.Signet, verify.HelpshiftUserHub, verify.Intercom} {
		if _, err := verify.New(p, nil, verify.Options{AppID: testApp, Audience: pylonApp}); err == nil {
			t.Errorf("%s took a second audience", p)
		}
	}
}
