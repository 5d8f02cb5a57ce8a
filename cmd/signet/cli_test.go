package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/signet-id/signet/internal/vectors"
	"github.com/signet-id/signet/verify"
)

// signetBin is the binary built once for these tests: the CLI is tested as a
// user runs it.
var signetBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "signet-cli")
	if err != nil {
		panic(err)
	}
	signetBin = filepath.Join(dir, "signet")
	if out, err := exec.Command("go", "build", "-o", signetBin, ".").CombinedOutput(); err != nil {
		os.Stderr.Write(out)
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// signet runs the binary and returns stdout, stderr and the exit code.
func signet(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(signetBin, args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return stdout.String(), stderr.String(), code
}

// identityArgs are the identity flags for what a vector's client sends.
func identityArgs(c vectors.Case) []string {
	var args []string
	if uid := c.UserID(); uid != "" {
		args = append(args, "--uid", uid)
	}
	if email := c.EmailSent(); email != "" {
		args = append(args, "--email", email)
	}
	if c.FullPrivacy {
		args = append(args, "--full-privacy")
	}
	return args
}

type jsonAnswer struct {
	Valid      bool    `json:"valid"`
	Reason     *string `json:"reason"`
	Cause      *string `json:"cause"`
	Message    *string `json:"message"`
	Identities []struct {
		Type  string `json:"type"`
		Value string `json:"value"`
	} `json:"identities"`
}

// TestCLIVectors runs every vector through `signet verify --json` and, for
// valid ones, `signet sign`.
func TestCLIVectors(t *testing.T) {
	files := vectors.MustLoad(t)
	for _, scheme := range vectors.Schemes(files) {
		for _, c := range files[scheme].Cases {
			t.Run(scheme+"/"+c.Name, func(t *testing.T) {
				args := []string{"verify", "--json", "--profile", scheme, "--secret", c.Secret}
				args = append(args, identityArgs(c)...)
				if c.Token != "" {
					args = append(args, "--token", c.Token)
				} else {
					args = append(args, "--digest", c.Digest)
				}
				if c.AppID != "" {
					args = append(args, "--aud", c.AppID)
				}
				if c.Now != 0 {
					args = append(args, "--now", strconv.FormatInt(c.Now, 10))
				}
				stdout, stderr, code := signet(t, args...)
				var got jsonAnswer
				if err := json.Unmarshal([]byte(stdout), &got); err != nil {
					t.Fatalf("output is not one JSON object: %v\n%s%s", err, stdout, stderr)
				}
				if got.Message == nil || *got.Message == "" {
					t.Errorf("no message: %s", stdout)
				}
				if got.Identities == nil {
					t.Errorf("identities must be an array, even empty: %s", stdout)
				}
				if c.Valid {
					if code != 0 || !got.Valid || got.Reason != nil || got.Cause != nil {
						t.Fatalf("want valid, exit 0; got exit %d: %s", code, stdout)
					}
					if c.Identities != nil {
						var pairs [][2]string
						for _, id := range got.Identities {
							pairs = append(pairs, [2]string{id.Type, id.Value})
						}
						if !slices.Equal(pairs, c.Identities) {
							t.Errorf("identities = %v, want %v", pairs, c.Identities)
						}
					}
					checkSign(t, scheme, c)
					return
				}
				if code != 1 || got.Valid {
					t.Fatalf("want invalid, exit 1; got exit %d: %s", code, stdout)
				}
				if got.Reason == nil || !slices.Contains(c.Reason, *got.Reason) {
					t.Errorf("reason = %v, want one of %v", stdout, c.Reason)
				}
				if c.Cause != "" && (got.Cause == nil || *got.Cause != c.Cause) {
					t.Errorf("cause: got %s, want %q", stdout, c.Cause)
				}
			})
		}
	}
}

// checkSign asks `signet sign` for the vector's digest or token and compares.
func checkSign(t *testing.T, scheme string, c vectors.Case) {
	t.Helper()
	args := []string{"sign", "--profile", scheme, "--secret", c.Secret}
	if c.Digest != "" {
		args = append(args, identityArgs(c)...)
		stdout, stderr, code := signet(t, args...)
		got := strings.TrimSuffix(stdout, "\n")
		// Hex is case-insensitive; sign writes lower case, as the vendors' samples do.
		if code != 0 || strings.Contains(got, "\n") || !(got == c.Digest || scheme != "helpshift-legacy" && strings.EqualFold(got, c.Digest)) {
			t.Errorf("sign = %q (exit %d, %s), want %q", stdout, code, stderr, c.Digest)
		}
		return
	}
	claims := decodeClaims(t, c.Token)
	p, err := verify.ParseProfile(scheme)
	if err != nil {
		t.Fatal(err)
	}
	args = append(args, claimArgs(p.Description(), claims)...)
	if kid, ok := verify.PeekKeyID(c.Token); ok {
		args = append(args, "--kid", kid)
	}
	if c.AppID != "" {
		args = append(args, "--aud", c.AppID)
	}
	stdout, stderr, code := signet(t, args...)
	token := strings.TrimSuffix(stdout, "\n")
	if code != 0 {
		t.Fatalf("sign: exit %d: %s", code, stderr)
	}
	if why := notReproducible(p.Description(), claims); why != "" {
		// The token cannot be reproduced byte for byte, so it must at least
		// verify to the same identities.
		vargs := []string{"verify", "--json", "--profile", scheme, "--secret", c.Secret, "--now", strconv.FormatInt(c.Now, 10), "--token", token}
		if c.AppID != "" {
			vargs = append(vargs, "--aud", c.AppID)
		}
		stdout, _, code := signet(t, vargs...)
		var got jsonAnswer
		if err := json.Unmarshal([]byte(stdout), &got); err != nil || code != 0 {
			t.Fatalf("the signed token (%s) does not verify: %s", why, stdout)
		}
		if c.Identities != nil {
			var pairs [][2]string
			for _, id := range got.Identities {
				pairs = append(pairs, [2]string{id.Type, id.Value})
			}
			if !slices.Equal(pairs, c.Identities) {
				t.Errorf("the signed token (%s) verifies to %v, want %v", why, pairs, c.Identities)
			}
		}
		return
	}
	if token != c.Token {
		t.Errorf("sign = %s\nwant   %s", token, c.Token)
	}
}

// notReproducible says why `signet sign` cannot write a vector's claims byte
// for byte, or "": an aud array (Signet writes a string), a claim the
// profile does not read, or a flag claim (email_verified) that is not true
// (Signet writes it true beside the email it vouches for).
func notReproducible(d *verify.Description, claims map[string]any) string {
	if _, isArray := claims["aud"].([]any); isArray {
		return "aud is an array"
	}
	for name, value := range claims {
		r, ok := d.Claim(name)
		switch {
		case !ok:
			return "the profile does not read " + name
		case r.Kind == verify.ClaimBool && value != true:
			return name + " is not true"
		case r.OnlyIf != "" && claims[r.OnlyIf] != true:
			return name + " without " + r.OnlyIf
		}
	}
	return ""
}

func decodeClaims(t *testing.T, token string) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	if err := json.Unmarshal(b, &claims); err != nil {
		t.Fatal(err)
	}
	return claims
}

// claimArgs are the sign flags that reproduce a vector token's claims, as
// the profile reads them.
func claimArgs(d *verify.Description, claims map[string]any) []string {
	var args []string
	num := func(name string) {
		if f, ok := claims[name].(float64); ok {
			args = append(args, "--"+name, strconv.FormatInt(int64(f), 10))
		}
	}
	num("iat")
	num("exp")
	for _, r := range d.Claims {
		s, ok := claims[r.Name].(string)
		switch {
		case !ok:
		case r.Kind == verify.ClaimIdentity && (r.OnlyIf == "" || claims[r.OnlyIf] == true):
			args = append(args, "--"+string(r.Identity), s)
		case r.Name == "name" && (r.Kind == verify.ClaimAttribute || r.Kind == verify.ClaimUnread):
			args = append(args, "--name", s)
		case r.Kind == verify.ClaimAttribute:
			args = append(args, "--attr", r.Name+"="+s)
		}
	}
	ids, _ := claims["identities"].([]any)
	for _, el := range ids {
		id := el.(map[string]any)
		typ, value := id["identifier"].(string), id["value"].(string)
		switch typ {
		case "uid", "email":
			args = append(args, "--"+typ, value)
		default:
			args = append(args, "--identity", typ+"="+value)
		}
		md, _ := id["metadata"].(map[string]any)
		for k, v := range md {
			args = append(args, "--metadata", k+"="+v.(string))
		}
	}
	return args
}

// TestCLIUsage pins the exit codes and messages of misuse: 2, with a line
// that says what to fix, and never the secret.
func TestCLIUsage(t *testing.T) {
	const secret = "hs-secret-3f9a1c7e5b2d4f60"
	tests := []struct {
		name string
		args []string
		want string // in stderr
	}{
		{"no command", nil, "Usage:"},
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"no profile", []string{"verify", "--secret", secret, "--digest", "x"}, "--profile"},
		{"unknown profile", []string{"sign", "--profile", "okta", "--secret", secret, "--uid", "u"}, `unknown profile "okta"`},
		{"no secret", []string{"sign", "--profile", "intercom", "--uid", "u"}, "--secret is required"},
		{"digest and token", []string{"verify", "--profile", "intercom", "--secret", secret, "--uid", "u", "--digest", "a", "--token", "b"}, "not both"},
		{"token on a digest profile", []string{"verify", "--profile", "intercom", "--secret", secret, "--uid", "u", "--token", "a.b.c"}, "give --digest"},
		{"digest on a token profile", []string{"verify", "--profile", "pylon-jwt", "--secret", secret, "--aud", "a", "--digest", "ab"}, "give --token"},
		{"nothing to verify", []string{"verify", "--profile", "akece", "--secret", secret, "--uid", "u"}, "--digest is required"},
		{"no audience", []string{"verify", "--profile", "signet", "--secret", secret, "--token", "a.b.c"}, "give --aud"},
		{"pylon-hmac secret not hex", []string{"verify", "--profile", "pylon-hmac", "--secret", secret, "--email", "a@b.co", "--digest", strings.Repeat("0", 64)}, "hex"},
		{"unknown identity type", []string{"sign", "--profile", "signet", "--secret", secret, "--kid", "k", "--aud", "a", "--identity", "myspace_id=1"}, "unknown identity type"},
		{"bad identity flag", []string{"sign", "--profile", "signet", "--secret", secret, "--identity", "steam_id"}, "NAME=VALUE"},
		{"token flags on a digest profile", []string{"sign", "--profile", "intercom", "--secret", secret, "--uid", "u", "--iat", "5"}, "for token profiles"},
		{"bad time", []string{"verify", "--profile", "intercom", "--secret", secret, "--uid", "u", "--digest", "ab", "--now", "yesterday"}, "UNIX seconds"},
		{"signet without kid", []string{"sign", "--profile", "signet", "--secret", secret, "--aud", "a", "--uid", "u"}, "key id"},
		{"nothing to sign", []string{"sign", "--profile", "helpshift-legacy", "--secret", secret}, "neither a user id nor an email"},
		{"stray argument", []string{"sign", "--profile", "intercom", "--secret", secret, "--uid", "u", "extra"}, `unexpected argument "extra"`},
		{"bad log retention", []string{"serve", "--log-retention", "a month"}, "log-retention"},
		{"zendesk-messaging without kid", []string{"sign", "--profile", "zendesk-messaging", "--secret", secret, "--uid", "u"}, "--kid is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := signet(t, tt.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2 (stdout %q)", code, stdout)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr %q does not say %q", stderr, tt.want)
			}
			if strings.Contains(stderr, secret) || strings.Contains(stdout, secret) {
				t.Errorf("the secret was printed")
			}
		})
	}
}

// TestCLIHelp checks that --help explains each command with examples.
func TestCLIHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"help"}, {"sign", "--help"}, {"verify", "--help"}} {
		stdout, _, code := signet(t, args...)
		if code != 0 || !strings.Contains(stdout, "Usage") {
			t.Errorf("%v: exit %d, output %q", args, code, stdout)
		}
		for _, p := range []string{"helpshift-legacy", "pylon-jwt"} {
			if !strings.Contains(stdout, p) {
				t.Errorf("%v: help does not mention %s", args, p)
			}
		}
	}
}

// TestCLIText checks the readable output names the reason and the cause.
func TestCLIText(t *testing.T) {
	stdout, _, code := signet(t, "verify", "--profile", "intercom", "--secret", "s3cret-value",
		"--other-secret", "android-secret", "--uid", "user-42",
		"--digest", mustSign(t, "intercom", "android-secret", "--uid", "user-42"))
	if code != 1 || !strings.Contains(stdout, "INVALID") || !strings.Contains(stdout, "signature_mismatch") ||
		!strings.Contains(stdout, "other_key") || !strings.Contains(stdout, "--other-secret #1") {
		t.Errorf("exit %d, output:\n%s", code, stdout)
	}
	if strings.Contains(stdout, "android-secret") || strings.Contains(stdout, "s3cret-value") {
		t.Errorf("a secret was printed:\n%s", stdout)
	}
	stdout, _, code = signet(t, "verify", "--profile", "intercom", "--secret", "s3cret-value", "--uid", "user-42",
		"--digest", mustSign(t, "intercom", "s3cret-value", "--uid", "user-42"))
	if code != 0 || !strings.Contains(stdout, "VALID") || !strings.Contains(stdout, `"user-42"`) {
		t.Errorf("exit %d, output:\n%s", code, stdout)
	}
}

// TestCLINotTheSecret: a digest keyed with the app id is diagnosed as such.
func TestCLINotTheSecret(t *testing.T) {
	token := mustSign(t, "pylon-jwt", "app_7Hq2", "--aud", "app_7Hq2", "--email", "a@b.co")
	stdout, _, code := signet(t, "verify", "--json", "--profile", "pylon-jwt", "--secret", "the-real-secret", "--aud", "app_7Hq2", "--token", token)
	var got jsonAnswer
	if err := json.Unmarshal([]byte(stdout), &got); err != nil || code != 1 || got.Cause == nil || *got.Cause != "not_the_secret" {
		t.Errorf("exit %d, output %s", code, stdout)
	}
}

func mustSign(t *testing.T, profile, secret string, args ...string) string {
	t.Helper()
	stdout, stderr, code := signet(t, append([]string{"sign", "--profile", profile, "--secret", secret}, args...)...)
	if code != 0 {
		t.Fatalf("sign: exit %d: %s", code, stderr)
	}
	return strings.TrimSpace(stdout)
}
