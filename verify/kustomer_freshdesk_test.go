package verify_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/signet-id/signet/sign"
	"github.com/signet-id/signet/verify"
)

// TestKustomerRules pins Kustomer's rules beyond the vectors: the 15
// minutes follow the configured leeway, an exp is honoured when present,
// the email takes precedence, and every refusal names Kustomer's own claim.
func TestKustomerRules(t *testing.T) {
	at := func(d int64) string { return strconv.FormatInt(testNow+d, 10) }
	tok := func(claims string) string { return hs256(testSecret, hdr, claims) }
	tests := []struct {
		name   string
		leeway time.Duration
		token  string
		reason verify.Reason
		saying string // in the refusal's message
		ids    string // the verified identities, "type=value" joined by " "
	}{
		{"email over externalId", 0, tok(`{"externalId":"user-42","email":"jane@example.com","iat":` + at(-60) + `}`), "", "", "email=jane@example.com"},
		{"externalId alone", 0, tok(`{"externalId":"user-42","iat":` + at(-60) + `}`), "", "", "uid=user-42"},
		{"a 2-minute leeway: iat 17 minutes old", 2 * time.Minute, tok(`{"externalId":"u","iat":` + at(-1020) + `}`), "", "", "uid=u"},
		{"a 2-minute leeway: iat 17 minutes and 1 s old", 2 * time.Minute, tok(`{"externalId":"u","iat":` + at(-1021) + `}`),
			verify.ReasonIssuedTooLongAgo, "iat is at most 15 minutes old", ""},
		{"exp honoured", 0, tok(`{"externalId":"u","iat":` + at(-300) + `,"exp":` + at(-61) + `}`), verify.ReasonExpired, "expired", ""},
		{"exp in the future", 0, tok(`{"externalId":"u","iat":` + at(-300) + `,"exp":` + at(600) + `}`), "", "", "uid=u"},
		{"nbf honoured", 0, tok(`{"externalId":"u","iat":` + at(-60) + `,"nbf":` + at(61) + `}`), verify.ReasonNotYetValid, "nbf", ""},
		{"no iat", 0, tok(`{"externalId":"u"}`), verify.ReasonClaimInvalid, "no iat claim", ""},
		{"no identity", 0, tok(`{"iat":` + at(-60) + `}`), verify.ReasonIdentityRequired, "no externalId nor email claim", ""},
		{"numeric externalId", 0, tok(`{"externalId":42,"iat":` + at(-60) + `}`), verify.ReasonClaimInvalid, "externalId claim must be a string", ""},
		{"externalID", 0, tok(`{"externalID":"u","iat":` + at(-60) + `}`), verify.ReasonClaimInvalid, `differs from "externalId" only by letter case`, ""},
		{"an empty email does not take precedence", 0, tok(`{"externalId":"u","email":"","iat":` + at(-60) + `}`), verify.ReasonClaimInvalid, "email is empty", ""},
		{"a zero-width space in the email", 0, tok(`{"externalId":"u","email":"ja\u200bne@example.com","iat":` + at(-60) + `}`), verify.ReasonClaimInvalid, "email", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newVerifier(t, verifierSetup{profile: verify.Kustomer, opts: verify.Options{Leeway: tt.leeway}})
			got, err := v.Verify(verify.Request{Token: tt.token})
			if verify.ReasonOf(err) != tt.reason {
				t.Fatalf("got %v, want reason %q", err, tt.reason)
			}
			if err != nil {
				if !strings.Contains(err.Error(), tt.saying) {
					t.Errorf("%q does not say %q", err.Error(), tt.saying)
				}
				return
			}
			var ids []string
			for _, id := range got.Identities {
				ids = append(ids, string(id.Type)+"="+id.Value)
			}
			if strings.Join(ids, " ") != tt.ids {
				t.Errorf("identities %v, want %s", ids, tt.ids)
			}
		})
	}
}

// TestFreshdeskRules pins the Freshdesk help widget's rules beyond the
// vectors: the two hours ahead are exact whatever the leeway, the leeway
// applies to a passed exp, an iat is not Freshdesk's, and every refusal
// names Freshdesk's own claim.
func TestFreshdeskRules(t *testing.T) {
	at := func(d int64) string { return strconv.FormatInt(testNow+d, 10) }
	tok := func(claims string) string { return hs256(testSecret, hdr, claims) }
	tests := []struct {
		name   string
		leeway time.Duration
		token  string
		reason verify.Reason
		saying string
	}{
		{"two hours ahead", 0, tok(`{"email":"a@b.co","exp":` + at(7200) + `}`), "", ""},
		{"two hours and a second ahead, with a 5-minute leeway", 5 * time.Minute, tok(`{"email":"a@b.co","exp":` + at(7201) + `}`),
			verify.ReasonLifetimeTooLong, "exp is at most 2 hours ahead of now"},
		{"exp passed 30 s ago, within the leeway", 0, tok(`{"email":"a@b.co","exp":` + at(-30) + `}`), "", ""},
		{"exp passed 60 s ago", 0, tok(`{"email":"a@b.co","exp":` + at(-60) + `}`), verify.ReasonExpired, "expired"},
		{"an iat is not read", 0, tok(`{"email":"a@b.co","iat":"yesterday","exp":` + at(600) + `}`), "", ""},
		{"nbf honoured", 0, tok(`{"email":"a@b.co","exp":` + at(600) + `,"nbf":` + at(61) + `}`), verify.ReasonNotYetValid, "nbf"},
		{"no exp", 0, tok(`{"email":"a@b.co"}`), verify.ReasonClaimInvalid, "no exp claim"},
		{"exp as a string", 0, tok(`{"email":"a@b.co","exp":"` + at(600) + `"}`), verify.ReasonClaimInvalid, "exp claim must be a number"},
		{"no email", 0, tok(`{"name":"Jane","exp":` + at(600) + `}`), verify.ReasonIdentityRequired, "no email claim"},
		{"name not a string", 0, tok(`{"name":7,"email":"a@b.co","exp":` + at(600) + `}`), verify.ReasonClaimInvalid, "name claim must be a string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newVerifier(t, verifierSetup{profile: verify.FreshdeskWidget, opts: verify.Options{Leeway: tt.leeway}})
			_, err := v.Verify(verify.Request{Token: tt.token})
			if verify.ReasonOf(err) != tt.reason {
				t.Fatalf("got %v, want reason %q", err, tt.reason)
			}
			if err != nil && !strings.Contains(err.Error(), tt.saying) {
				t.Errorf("%q does not say %q", err.Error(), tt.saying)
			}
		})
	}
}

// TestKustomerFreshdeskDoctor: the doctor names the vendor's time claim
// when it is written in milliseconds (Date.now()) or signed by a server
// whose clock is ahead.
func TestKustomerFreshdeskDoctor(t *testing.T) {
	tests := []struct {
		profile verify.Profile
		claims  string
		cause   verify.Cause
		saying  string
	}{
		{verify.Kustomer, `{"externalId":"u","iat":` + strconv.FormatInt(testNow*1000, 10) + `}`, verify.CauseMilliseconds, "the iat claim is in milliseconds"},
		{verify.Kustomer, `{"email":"a@b.co","iat":` + strconv.FormatInt(testNow+240, 10) + `}`, verify.CauseClockSkew, "the iat claim is 240 s in the future"},
		{verify.FreshdeskWidget, `{"email":"a@b.co","exp":` + strconv.FormatInt((testNow+600)*1000, 10) + `}`, verify.CauseMilliseconds, "the exp claim is in milliseconds"},
	}
	for _, tt := range tests {
		v := newVerifier(t, verifierSetup{profile: tt.profile})
		req := verify.Request{Token: hs256(testSecret, hdr, tt.claims)}
		_, err := v.Verify(req)
		d, ok := v.Diagnose(req, err, nil)
		if !ok || d.Cause != tt.cause || !strings.Contains(d.Message, tt.saying) {
			t.Errorf("%s %s: %v; diagnosis %+v (ok %v), want %s saying %q", tt.profile, tt.claims, err, d, ok, tt.cause, tt.saying)
		}
	}
}

// TestKustomerFreshdeskSigner: the sign package writes each vendor's claims
// in its samples' order, and its tokens verify.
func TestKustomerFreshdeskSigner(t *testing.T) {
	now := func() time.Time { return time.Unix(testNow, 0) }
	tests := []struct {
		profile verify.Profile
		claims  sign.Claims
		payload string
	}{
		{verify.Kustomer, sign.Claims{UserID: "user-42", Email: "jane@example.com"},
			`{"externalId":"user-42","email":"jane@example.com","iat":` + strconv.FormatInt(testNow, 10) + `}`},
		{verify.FreshdeskWidget, sign.Claims{Email: "jane@example.com", Name: "Jane"},
			`{"name":"Jane","email":"jane@example.com","exp":` + strconv.FormatInt(testNow+600, 10) + `}`},
	}
	for _, tt := range tests {
		token, err := sign.Signer{Profile: tt.profile, Secret: testSecret, Now: now}.Sign(tt.claims)
		if err != nil {
			t.Fatalf("%s: %v", tt.profile, err)
		}
		if want := hs256(testSecret, hdr, tt.payload); token != want {
			t.Errorf("%s: signed %s, want %s", tt.profile, token, want)
		}
		if _, err := newVerifier(t, verifierSetup{profile: tt.profile}).Verify(verify.Request{Token: token}); err != nil {
			t.Errorf("%s: %v", tt.profile, err)
		}
	}
	if _, err := (sign.Signer{Profile: verify.FreshdeskWidget, Secret: testSecret}).Sign(sign.Claims{UserID: "u"}); err == nil {
		t.Error("freshdesk-widget signed a user id")
	}
}
