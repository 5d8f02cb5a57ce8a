package verify_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/signet-id/signet/verify"
)

// TestDoctorNamesTheVendorsField: for the second-wave digest profiles the
// doctor's diagnosis names what the vendor calls its digest and what it
// signs, so a brand's developer finds the line of their code to change.
func TestDoctorNamesTheVendorsField(t *testing.T) {
	b64 := func(msg string) string {
		h := hmac.New(sha256.New, []byte(testSecret))
		h.Write([]byte(msg))
		return base64.StdEncoding.EncodeToString(h.Sum(nil))
	}
	tests := []struct {
		name   string
		p      verify.Profile
		req    verify.Request
		reason verify.Reason
		cause  verify.Cause
		saying []string
	}{
		{"helpscout: the signature over the user id", verify.HelpScout,
			verify.Request{UserID: "user-42", Email: "jane@example.com", Digest: hexMAC(testSecret, "user-42")},
			verify.ReasonSignatureMismatch, verify.CauseWrongMessage, []string{"covers the user id alone", "Beacon's signature", "of the email"}},
		{"helpscout: a base64 signature (Help Scout's Python sample)", verify.HelpScout,
			verify.Request{Email: "jane@example.com", Digest: b64("jane@example.com")},
			verify.ReasonMalformed, verify.CauseWrongEncoding, []string{"the digest is base64", "lower-case hex"}},
		{"front: the email hashed beside a user id", verify.Front,
			verify.Request{UserID: "user-42", Email: "jane@example.com", Digest: hexMAC(testSecret, "jane@example.com")},
			verify.ReasonSignatureMismatch, verify.CauseWrongMessage, []string{"covers the email alone", "Front signs the user id when you send one", "userHash"}},
		{"plain: the emailHash over the lower-cased email", verify.Plain,
			verify.Request{Email: "Jane@Example.com", Digest: hexMAC(testSecret, "jane@example.com")},
			verify.ReasonSignatureMismatch, verify.CauseWrongMessage, []string{"lower-cased", "emailHash"}},
		{"gleap: the userHash over the email", verify.Gleap,
			verify.Request{UserID: "user-42", Email: "jane@example.com", Digest: hexMAC(testSecret, "jane@example.com")},
			verify.ReasonSignatureMismatch, verify.CauseWrongMessage, []string{"covers the email alone", "Gleap signs the user id", "userHash"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newVerifier(t, verifierSetup{profile: tt.p})
			_, err := v.Verify(tt.req)
			if verify.ReasonOf(err) != tt.reason {
				t.Fatalf("reason %v, want %s", err, tt.reason)
			}
			d, ok := v.Diagnose(tt.req, err, nil)
			if !ok || d.Cause != tt.cause {
				t.Fatalf("diagnosis %+v (ok %v), want the cause %s", d, ok, tt.cause)
			}
			for _, s := range tt.saying {
				if !strings.Contains(d.Message, s) {
					t.Errorf("%q does not say %q", d.Message, s)
				}
			}
		})
	}
}

// TestFrontVerifiesOnlyTheSignedOne: with a user id and an email sent, a
// front digest verifies the user id alone; the email is never verified by
// it, whatever it is.
func TestFrontVerifiesOnlyTheSignedOne(t *testing.T) {
	v := newVerifier(t, verifierSetup{profile: verify.Front})
	for _, email := range []string{"jane@example.com", "victim@example.com"} {
		got, err := v.Verify(verify.Request{UserID: "user-42", Email: email, Digest: hexMAC(testSecret, "user-42")})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Identities) != 1 || got.Identities[0].Type != verify.UID || got.Identities[0].Value != "user-42" {
			t.Errorf("with the email %s: identities %+v, want the user id alone", email, got.Identities)
		}
	}
}
