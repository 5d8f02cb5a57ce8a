package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestCLIMissingFlag: each profile's usage error names the flag to add
// (issue 13): --kid for signet, --email where Pylon signs the email, --uid
// where akece signs the identifier, --aud for audience profiles.
func TestCLIMissingFlag(t *testing.T) {
	const secret = "hs-secret-3f9a1c7e5b2d4f60"
	const hexSecret = "9f2c4e6a8b0d1f3e5a7c9e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f1a3c5e7b9d1f"
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"signet without --kid", []string{"sign", "--profile", "signet", "--secret", secret, "--aud", "a", "--uid", "u"}, "--kid is required for the signet profile"},
		{"signet without --aud", []string{"sign", "--profile", "signet", "--secret", secret, "--kid", "k", "--uid", "u"}, "--aud is required for the signet profile"},
		{"pylon-jwt without --aud", []string{"sign", "--profile", "pylon-jwt", "--secret", secret, "--email", "a@b.co"}, "--aud is required for the pylon-jwt profile"},
		{"pylon-hmac with --uid", []string{"sign", "--profile", "pylon-hmac", "--secret", hexSecret, "--uid", "u"}, "--email is required for the pylon-hmac profile"},
		{"pylon-jwt with --uid", []string{"sign", "--profile", "pylon-jwt", "--secret", secret, "--aud", "a", "--uid", "u"}, "--email is required for the pylon-jwt profile"},
		{"akece with --email", []string{"sign", "--profile", "akece", "--secret", secret, "--email", "a@b.co"}, "--uid is required for the akece profile"},
		{"full privacy without --uid", []string{"sign", "--profile", "helpshift-legacy", "--secret", secret, "--email", "a@b.co", "--full-privacy"}, "--uid is required for the helpshift-legacy profile with --full-privacy"},
		{"intercom with nothing", []string{"sign", "--profile", "intercom", "--secret", secret}, "--uid or --email is required for the intercom profile"},
		{"verify signet without --aud", []string{"verify", "--profile", "signet", "--secret", secret, "--token", "a.b.c"}, "--aud is required for the signet profile"},
		{"verify without --digest", []string{"verify", "--profile", "akece", "--secret", secret, "--uid", "u"}, "--digest is required for the akece profile"},
		{"verify without --token", []string{"verify", "--profile", "pylon-jwt", "--secret", secret, "--aud", "a"}, "--token is required for the pylon-jwt profile"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := signet(t, tt.args...)
			if code != 2 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, tt.want)
			}
		})
	}
	// The commands "Test your setup" suggests work once the flag is there.
	for _, args := range [][]string{
		{"sign", "--profile", "signet", "--secret", secret, "--kid", "k_1", "--aud", "app_1", "--uid", "u"},
		{"sign", "--profile", "pylon-hmac", "--secret", hexSecret, "--email", "a@b.co"},
		{"sign", "--profile", "pylon-jwt", "--secret", secret, "--aud", "app_1", "--email", "a@b.co"},
	} {
		if out, stderr, code := signet(t, args...); code != 0 || strings.TrimSpace(out) == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
}

// TestCLIEmptyProof: an empty --digest or --token is a proof that fails
// with the reason malformed (exit 1), not a usage error (issue 12).
func TestCLIEmptyProof(t *testing.T) {
	const secret = "hs-secret-3f9a1c7e5b2d4f60"
	for _, args := range [][]string{
		{"verify", "--profile", "intercom", "--secret", secret, "--uid", "u", "--digest", "", "--json"},
		{"verify", "--profile", "helpshift-legacy", "--secret", secret, "--uid", "u", "--digest=", "--json"},
		{"verify", "--profile", "signet", "--secret", secret, "--aud", "app_1", "--token", "", "--json"},
		{"verify", "--profile", "helpshift-userhub", "--secret", secret, "--token=", "--json"},
	} {
		stdout, stderr, code := signet(t, args...)
		var out verifyOutput
		if err := json.Unmarshal([]byte(stdout), &out); err != nil {
			t.Fatalf("%v: exit %d, stdout %q, stderr %q: %v", args, code, stdout, stderr, err)
		}
		if code != 1 || out.Valid || out.Reason != "malformed" {
			t.Errorf("%v: exit %d, %+v; want exit 1 and reason malformed", args, code, out)
		}
	}
}
