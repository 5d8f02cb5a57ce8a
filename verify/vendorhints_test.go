package verify_test

import (
	"strings"
	"testing"

	"github.com/signet-id/signet/verify"
)

// TestVendorHints: a token that breaks a second-wave vendor's rule is
// refused with a message naming the vendor's own claim, and saying what to
// write instead (issue 15): Zendesk's numeric external_id and missing scope,
// Intercom's numeric user_id, Drift's missing sub, and an email the widget
// sends that Zendesk's token signs without email_verified.
func TestVendorHints(t *testing.T) {
	const kidHdr = `{"alg":"HS256","typ":"JWT","kid":"app_65a1f0c2d3e4b5a6c7d8e9f0"}`
	tests := []struct {
		name    string
		profile verify.Profile
		header  string
		claims  string
		email   string // sent beside the token
		reason  verify.Reason
		saying  []string
	}{
		{"zendesk: a numeric external_id", verify.ZendeskMessaging, kidHdr, `{"scope":"user","external_id":123,"iat":1767225540}`, "",
			verify.ReasonClaimInvalid, []string{"external_id claim must be a string", "this one is a number", `"123", not 123`}},
		{"zendesk: no scope", verify.ZendeskMessaging, kidHdr, `{"external_id":"user-42","iat":1767225540}`, "",
			verify.ReasonClaimInvalid, []string{"no scope claim", `zendesk-messaging tokens carry scope = "user"`}},
		{"zendesk: scope admin", verify.ZendeskMessaging, kidHdr, `{"scope":"admin","external_id":"user-42","iat":1767225540}`, "",
			verify.ReasonClaimInvalid, []string{`the scope claim must be "user"`}},
		{"zendesk: 256 characters", verify.ZendeskMessaging, kidHdr, `{"scope":"user","external_id":"` + strings.Repeat("x", 256) + `","iat":1767225540}`, "",
			verify.ReasonClaimInvalid, []string{"external_id is longer than 255 characters"}},
		{"zendesk: no kid", verify.ZendeskMessaging, hdr, `{"scope":"user","external_id":"user-42","iat":1767225540}`, "",
			verify.ReasonKeyUnknown, []string{"zendesk-messaging token names its key in the kid header"}},
		{"zendesk: an unverified email sent", verify.ZendeskMessaging, kidHdr,
			`{"scope":"user","external_id":"user-42","email":"jane@example.com","email_verified":false,"iat":1767225540}`, "jane@example.com",
			verify.ReasonIdentityMismatch, []string{"does not verify", "its email claim only with email_verified: true"}},
		{"intercom-jwt: a numeric user_id", verify.IntercomJWT, hdr, `{"user_id":42,"iat":1767225540}`, "",
			verify.ReasonClaimInvalid, []string{"user_id claim must be a string"}},
		{"intercom-jwt: no user_id", verify.IntercomJWT, hdr, `{"email":"jane@example.com","iat":1767225540}`, "",
			verify.ReasonIdentityRequired, []string{"no user_id claim"}},
		{"drift: no sub", verify.Drift, hdr, `{"iat":1767225540}`, "",
			verify.ReasonIdentityRequired, []string{"no sub claim"}},
		{"drift: a numeric sub", verify.Drift, hdr, `{"sub":42,"iat":1767225540}`, "",
			verify.ReasonClaimInvalid, []string{"sub claim must be a string"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newVerifier(t, verifierSetup{profile: tt.profile})
			_, err := v.Verify(verify.Request{Email: tt.email, Token: hs256(testSecret, tt.header, tt.claims)})
			if verify.ReasonOf(err) != tt.reason {
				t.Fatalf("got %v, want %s", err, tt.reason)
			}
			for _, s := range tt.saying {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("%q does not say %q", err, s)
				}
			}
		})
	}
	// The same email, verified, is no mismatch.
	v := newVerifier(t, verifierSetup{profile: verify.ZendeskMessaging})
	tok := hs256(testSecret, kidHdr, `{"scope":"user","external_id":"user-42","email":"jane@example.com","email_verified":true,"iat":1767225540}`)
	if got, err := v.Verify(verify.Request{Email: "jane@example.com", Token: tok}); err != nil || len(got.Identities) != 2 {
		t.Fatalf("a verified email: %v, %+v", err, got)
	}
}
