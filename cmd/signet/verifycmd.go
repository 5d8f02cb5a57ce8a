package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/signet-id/signet/verify"
)

const verifyHelp = `Usage: signet verify --profile P --secret S [identity flags] (--digest D | --token T)

Checks a digest (user_hash) or token (identity_token) exactly as the Signet
server does at login, and when it fails, says why: the reason code, and the
doctor's cause, found by re-computing the signature under the mistakes
integrators make (wrong message, hex instead of base64, a hex-decoded secret,
iat in milliseconds, a clock that is off, another key…).

With --digest, the identity flags are what the digest was computed for. With
--token, they are what the app sends next to the token, and must equal the
signed values.

Exit status: 0 valid, 1 invalid, 2 usage error.

Examples:
  signet verify --profile helpshift-legacy --secret "$SECRET" --uid user-42 --email jane@example.com --digest 'WYaPCcRULPdIvU3mc5SZf3nGzzA8vy3uCGhla3hHCOc='
  signet verify --profile pylon-jwt --secret "$SECRET" --aud "$APP_ID" --token "$TOKEN" --json
  signet verify --profile intercom --secret "$IOS_SECRET" --other-secret "$ANDROID_SECRET" --uid user-42 --digest "$HASH"
  signet verify --profile signet --public-key brand-es256.pub.pem --alg ES256 --aud "$APP_ID" --token "$TOKEN"
`

// verifyOutput is the --json answer (CONTRACT.md).
type verifyOutput struct {
	Valid      bool             `json:"valid"`
	Reason     verify.Reason    `json:"reason,omitempty"`
	Cause      verify.Cause     `json:"cause,omitempty"`
	Message    string           `json:"message"`
	Diagnosis  string           `json:"diagnosis,omitempty"`
	Identities []outputIdentity `json:"identities"`
}

type outputIdentity struct {
	Type  verify.IdentityType `json:"type"`
	Value string              `json:"value"`
}

func runVerify(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := newFlagSet("verify", verifyHelp, stderr)
	profile := fs.String("profile", "", "the verification profile: "+fmt.Sprint(verify.Profiles()))
	var secret secretFlags
	secret.register(fs)
	var ids identityFlags
	ids.register(fs)
	digest := fs.String("digest", "", "the digest (user_hash) to check, for an HMAC profile")
	token := fs.String("token", "", "the token (identity_token) to check, for a JWT profile")
	aud := fs.String("aud", "", "the app id that pylon-jwt and signet tokens must name as their audience")
	kid := fs.String("kid", "", "the id of the key --secret is (signet); default: the kid the token names")
	fullPrivacy := fs.Bool("full-privacy", false, "helpshift-legacy with full privacy: the digest covers the user id only")
	var now unixFlag
	fs.Var(&now, "now", "check as if the time were these UNIX `seconds` (default now)")
	leeway := fs.Duration("leeway", verify.DefaultLeeway, "clock leeway on exp and on a future iat or nbf")
	maxLifetime := fs.Duration("max-lifetime", verify.DefaultMaxLifetime, "the longest exp − iat of a signet token")
	var others pairList
	fs.Func("other-secret", "another secret of yours to try when the signature fails (another platform's or an old key; repeatable)", func(s string) error {
		others = append(others, pair{value: s})
		return nil
	})
	publicKey := fs.String("public-key", "", "check a signet token against the public key in this `file` (PEM or JWK) instead of a secret; with --alg")
	alg := fs.String("alg", "", "the algorithm of --public-key: ES256, EdDSA or RS256")
	asJSON := fs.Bool("json", false, "print one JSON object instead of text")
	if code, done := parse(fs, args, stdout); done {
		return code
	}
	p, err := verify.ParseProfile(*profile)
	if err != nil {
		return usageError(stderr, "verify", errors.New("--profile: "+err.Error()))
	}
	var s string
	if *publicKey == "" {
		if s, err = secret.value(getenv); err != nil {
			return usageError(stderr, "verify", err)
		}
	} else if p != verify.Signet {
		return usageError(stderr, "verify", fmt.Errorf("--public-key checks signet tokens; %s is signed with a shared secret", p))
	}
	// A --digest or --token given empty is a proof that fails (malformed),
	// not a usage error: a script passing an empty variable gets a reason.
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	switch {
	case given["digest"] && given["token"]:
		return usageError(stderr, "verify", errors.New("give --digest or --token, not both"))
	case p.IsJWT() && given["digest"]:
		return usageError(stderr, "verify", fmt.Errorf("%s is a token profile: give --token", p))
	case !p.IsJWT() && given["token"]:
		return usageError(stderr, "verify", fmt.Errorf("%s is a digest profile: give --digest", p))
	case !given["digest"] && !given["token"]:
		if p.IsJWT() {
			return usageError(stderr, "verify", fmt.Errorf("--token is required for the %s profile", p))
		}
		return usageError(stderr, "verify", fmt.Errorf("--digest is required for the %s profile", p))
	case p.NeedsAudience() && *aud == "":
		return usageError(stderr, "verify", fmt.Errorf("--aud is required for the %s profile: give --aud with the app id its tokens name as their audience", p))
	}
	uid, email, otherIDs, attrs, err := ids.resolve()
	if err != nil {
		return usageError(stderr, "verify", err)
	}
	keyID := *kid
	if keyID == "" {
		keyID, _ = verify.PeekKeyID(*token)
	}
	var key verify.Key
	if *publicKey != "" {
		text, rerr := os.ReadFile(*publicKey)
		if rerr != nil {
			return usageError(stderr, "verify", fmt.Errorf("--public-key: %w", rerr))
		}
		pub, perr := verify.ParsePublicKey(*alg, string(text))
		if perr != nil {
			return usageError(stderr, "verify", fmt.Errorf("--public-key: %v", perr))
		}
		if key, err = verify.NewPublicKey(keyID, *alg, pub); err != nil {
			return usageError(stderr, "verify", fmt.Errorf("--public-key: %v", err))
		}
	} else if key, err = verify.NewKey(p, keyID, s); err != nil {
		return usageError(stderr, "verify", fmt.Errorf("--secret: %v", err))
	}
	clock := time.Now
	if now.set {
		clock = now.time
	}
	v, err := verify.New(p, []verify.Key{key}, verify.Options{AppID: *aud, FullPrivacy: *fullPrivacy,
		Leeway: nonZeroLeeway(*leeway), MaxLifetime: *maxLifetime, Now: clock})
	if err != nil {
		return usageError(stderr, "verify", err)
	}
	req := verify.Request{UserID: uid, Email: email, Identities: otherIDs, Attributes: attrs, Digest: *digest, Token: *token}
	out := check(v, req, candidates(others, *aud))
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.Encode(out)
	} else {
		fmt.Fprint(stdout, out.text(p))
	}
	if out.Valid {
		return exitValid
	}
	return exitInvalid
}

// nonZeroLeeway maps a --leeway of 0 to verify's "no leeway".
func nonZeroLeeway(d time.Duration) time.Duration {
	if d == 0 {
		return -1
	}
	return d
}

// candidates are what the doctor tries besides the secret: the other
// secrets given, and the app id (keying with it is a known mistake).
func candidates(others pairList, appID string) []verify.Candidate {
	var c []verify.Candidate
	for i, o := range others {
		c = append(c, verify.Candidate{Kind: verify.OtherKey, Label: "--other-secret #" + strconv.Itoa(i+1), Secret: o.value})
	}
	if appID != "" {
		c = append(c, verify.Candidate{Kind: verify.NotTheSecret, Label: "the app id", Secret: appID})
	}
	return c
}

func check(v *verify.Verifier, req verify.Request, cands []verify.Candidate) verifyOutput {
	got, err := v.Verify(req)
	if err == nil {
		out := verifyOutput{Valid: true, Identities: []outputIdentity{}}
		for _, id := range got.Identities {
			out.Identities = append(out.Identities, outputIdentity{id.Type, id.Value})
		}
		what := "digest"
		if v.Profile().IsJWT() {
			what = "token"
		}
		out.Message = "the " + what + " is valid: it was signed with this secret for these identities"
		return out
	}
	out := verifyOutput{Reason: verify.ReasonOf(err), Identities: []outputIdentity{}}
	var ve *verify.Error
	if errors.As(err, &ve) {
		out.Message = ve.Message
	} else {
		out.Message = err.Error()
	}
	if d, ok := v.Diagnose(req, err, cands); ok {
		out.Cause, out.Diagnosis = d.Cause, d.Message
	}
	return out
}

// text renders the result for a person.
func (o verifyOutput) text(p verify.Profile) string {
	var b strings.Builder
	if o.Valid {
		fmt.Fprintf(&b, "VALID (%s)\n  %s\n", p, o.Message)
		for _, id := range o.Identities {
			fmt.Fprintf(&b, "  signed %-10s %q\n", id.Type+":", id.Value)
		}
		return b.String()
	}
	fmt.Fprintf(&b, "INVALID (%s)\n  reason: %s — %s\n", p, o.Reason, o.Message)
	if o.Cause != "" {
		fmt.Fprintf(&b, "  cause:  %s — %s\n", o.Cause, o.Diagnosis)
	}
	return b.String()
}
