package examples

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/signet-id/signet/internal/testenv"
	"github.com/signet-id/signet/internal/vectors"
	"github.com/signet-id/signet/sign"
	"github.com/signet-id/signet/verify"
)

// TestSnippets runs every language's snippets, through its harness, against
// every case of testdata/vectors and the signet profile's own cases:
//
//   - HMAC profiles: every valid digest is reproduced exactly (hex
//     case-insensitively only where the vector is upper-case hex); for an
//     invalid vector, the snippet's digest for the case's identifiers is not
//     the presented one; every digest made verifies with Signet's verifier.
//   - JWT profiles: the snippet, given the claims decoded from the vector's
//     token, reproduces it byte for byte wherever the vector was signed the
//     way the snippet signs (expectJWT says where not); the tokens of valid
//     vectors verify and yield the vector's identities; where a vector was
//     signed with another key or algorithm, the snippet's token differs and
//     verifies; where its claims break a limit the snippet enforces, the
//     snippet refuses.
//   - signet, and unicode, metadata and every optional claim for the other
//     JWT profiles: the token equals what Signet's sign package makes and
//     verifies with verify.Verifier.
//   - Refusals (no identifier, a non-hex pylon-hmac secret…) say why and
//     never echo the secret.
//
// A missing interpreter skips its language on a laptop and fails under CI.
func TestSnippets(t *testing.T) {
	checks := buildChecks(t)
	binDir := t.TempDir() // the parent's: it outlives the parallel subtests
	var goHarness struct {
		once sync.Once
		path string
		err  error
		out  []byte
	}
	buildGo := func(t *testing.T) string {
		goTool := lookPath(t, "go", "the go command")
		goHarness.once.Do(func() {
			goHarness.path = filepath.Join(binDir, "harness")
			cmd := exec.Command(goTool, "build", "-o", goHarness.path, "./go/harness")
			goHarness.out, goHarness.err = cmd.CombinedOutput()
		})
		if goHarness.err != nil {
			t.Fatalf("go build ./go/harness: %v\n%s", goHarness.err, goHarness.out)
		}
		return goHarness.path
	}
	languages := []struct {
		name  string
		start func(t *testing.T) *exec.Cmd
	}{
		{"go", func(t *testing.T) *exec.Cmd { return exec.Command(buildGo(t)) }},
		{"go-stdlib", func(t *testing.T) *exec.Cmd { return exec.Command(buildGo(t), "-stdlib") }},
		{"node", func(t *testing.T) *exec.Cmd {
			node := lookPath(t, "node", "node (Node.js 20)")
			if _, err := os.Stat("node/node_modules/jsonwebtoken"); err != nil {
				npm := lookPath(t, "npm", "npm")
				cmd := exec.Command(npm, "ci", "--no-audit", "--no-fund", "--loglevel=error")
				cmd.Dir = "node"
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("npm ci in examples/node: %v\n%s", err, out)
				}
			}
			return exec.Command(node, "node/harness.js")
		}},
		{"python", func(t *testing.T) *exec.Cmd {
			cmd := exec.Command(lookPath(t, "python3", "python3"), "-B", "python/harness.py")
			cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
			return cmd
		}},
		{"java", func(t *testing.T) *exec.Cmd {
			javac := lookPath(t, "javac", "javac (a Java 17 JDK)")
			java := lookPath(t, "java", "java (a Java 17 JDK)")
			classes := t.TempDir()
			cmd := exec.Command(javac, "-encoding", "UTF-8", "-d", classes, "java/IdentitySigning.java", "java/Harness.java")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("javac: %v\n%s", err, out)
			}
			return exec.Command(java, "-cp", classes, "Harness")
		}},
		{"ruby", func(t *testing.T) *exec.Cmd {
			return exec.Command(lookPath(t, "ruby", "ruby"), "ruby/harness.rb")
		}},
		{"php", func(t *testing.T) *exec.Cmd {
			return exec.Command(lookPath(t, "php", "php (php-cli)"), "php/harness.php")
		}},
	}
	for _, lang := range languages {
		t.Run(lang.name, func(t *testing.T) {
			t.Parallel()
			cmd := lang.start(t)
			outputs := runHarness(t, cmd, checks)
			var tally tally
			for i, c := range checks {
				got := outputs[i]
				kind, err := c.judge(lang.name, got)
				if err != nil {
					t.Errorf("%s: %v\n  output: %s", c.name, err, got)
					continue
				}
				tally.add(c, kind)
			}
			t.Log(tally.report())
		})
	}
}

// check is one harness request and how to judge what the snippet printed.
type check struct {
	profile string
	name    string
	request map[string]any
	judge   func(lang, out string) (outcome, error)
}

// outcome is what a passing check established.
type outcome string

const (
	digestExact     outcome = "digest reproduced"
	digestFoldCase  outcome = "upper-case hex digest reproduced (case-insensitively)"
	digestDiffers   outcome = "invalid digest not reproduced; the snippet's verifies"
	tokenExact      outcome = "token byte-exact"
	tokenVerified   outcome = "token verifies (not byte-exact by design)"
	tokenDiffers    outcome = "invalid token not reproduced; the snippet's verifies"
	refused         outcome = "refused, without echoing the secret"
	referenceTokens outcome = "token byte-exact with the sign package, verifies"
	es256Verified   outcome = "ES256 token: header and claims byte-exact with the sign package, verifies under the public key"
)

type tally struct {
	n      int
	counts map[outcome]int
	exact  []string
	perPro map[string]int
}

func (t *tally) add(c check, o outcome) {
	if t.counts == nil {
		t.counts, t.perPro = map[outcome]int{}, map[string]int{}
	}
	t.n++
	t.counts[o]++
	t.perPro[c.profile]++
	if o == tokenExact || o == referenceTokens {
		t.exact = append(t.exact, c.name)
	}
}

func (t *tally) report() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d checks passed:", t.n)
	var outs []string
	for o, n := range t.counts {
		outs = append(outs, fmt.Sprintf("\n  %3d %s", n, o))
	}
	sort.Strings(outs)
	b.WriteString(strings.Join(outs, ""))
	var pros []string
	for p, n := range t.perPro {
		pros = append(pros, fmt.Sprintf("%s %d", p, n))
	}
	sort.Strings(pros)
	fmt.Fprintf(&b, "\n  per profile: %s", strings.Join(pros, ", "))
	fmt.Fprintf(&b, "\n  byte-exact tokens (%d): %s", len(t.exact), strings.Join(t.exact, "; "))
	return b.String()
}

// runHarness sends every request, one JSON object per line, and returns one
// output line per request.
func runHarness(t *testing.T, cmd *exec.Cmd, checks []check) []string {
	t.Helper()
	var in bytes.Buffer
	for _, c := range checks {
		line, err := json.Marshal(c.request)
		if err != nil {
			t.Fatal(err)
		}
		in.Write(line)
		in.WriteByte('\n')
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = &in, &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v: %v\n%s", cmd.Args, err, stderr.String())
	}
	lines := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
	if len(lines) != len(checks) {
		t.Fatalf("%v printed %d lines for %d requests\nstderr: %s", cmd.Args, len(lines), len(checks), stderr.String())
	}
	return lines
}

func lookPath(t *testing.T, file, what string) string {
	t.Helper()
	p, err := exec.LookPath(file)
	if err != nil {
		testenv.Need(t, what)
	}
	return p
}

func buildChecks(t *testing.T) []check {
	t.Helper()
	files := vectors.MustLoad(t)
	var checks []check
	for _, scheme := range vectors.Schemes(files) {
		p, err := verify.ParseProfile(scheme)
		if err != nil {
			t.Fatalf("vectors for an unknown profile: %v", err)
		}
		for _, c := range files[scheme].Cases {
			if p.IsJWT() {
				checks = append(checks, tokenVectorCheck(t, p, c))
			} else {
				checks = append(checks, digestVectorCheck(p, c))
			}
		}
	}
	checks = append(checks, referenceChecks(t)...)
	checks = append(checks, refusalChecks()...)
	return checks
}

// digestVectorCheck: the snippet's digest for the case's identifiers.
func digestVectorCheck(p verify.Profile, c vectors.Case) check {
	req := map[string]any{"profile": string(p), "secret": c.Secret}
	for k, v := range map[string]*string{"uid": c.UID, "email": c.Email, "identifier": c.Identifier} {
		if v != nil {
			req[k] = *v
		}
	}
	if c.FullPrivacy {
		req["full_privacy"] = true
	}
	upperHex := p != verify.HelpshiftLegacy && c.Digest != strings.ToLower(c.Digest)
	if !c.Valid && contains(c.Reason, string(verify.ReasonIdentityRequired)) {
		// The profile's identifier is missing: the snippet has nothing to sign.
		return check{profile: string(p), name: string(p) + "/" + c.Name, request: req, judge: func(_, out string) (outcome, error) {
			return judgeRefusal(out, c.Secret, "nothing to sign")
		}}
	}
	return check{profile: string(p), name: string(p) + "/" + c.Name, request: req, judge: func(_, out string) (outcome, error) {
		if err := verifyDigest(p, c, out); err != nil {
			return "", err
		}
		same := out == c.Digest || upperHex && strings.EqualFold(out, c.Digest)
		switch {
		case c.Valid && !same:
			return "", fmt.Errorf("digest %s, want %s", out, c.Digest)
		case !c.Valid && (same || p != verify.HelpshiftLegacy && strings.EqualFold(out, c.Digest)):
			return "", fmt.Errorf("reproduced the invalid digest %s", c.Digest)
		case !c.Valid:
			return digestDiffers, nil
		case upperHex:
			return digestFoldCase, nil
		}
		return digestExact, nil
	}}
}

// verifyDigest checks that Signet accepts the snippet's digest for the
// case's identifiers.
func verifyDigest(p verify.Profile, c vectors.Case, digest string) error {
	v, err := verifier(p, c.Secret, verify.Options{FullPrivacy: c.FullPrivacy})
	if err != nil {
		return err
	}
	if _, err := v.Verify(verify.Request{UserID: c.UserID(), Email: c.EmailSent(), Digest: digest}); err != nil {
		return fmt.Errorf("Signet refuses the snippet's digest: %v", err)
	}
	return nil
}

// expectJWT says what a snippet does with the claims of a vector's token,
// and why when it does not reproduce it.
func expectJWT(p verify.Profile, c vectors.Case, header, payload map[string]any) (outcome, string) {
	alg := fmt.Sprint(header["alg"])
	switch {
	case alg != "HS256":
		return tokenDiffers, "the vector is not HS256; snippets always sign HS256"
	case contains(c.Reason, string(verify.ReasonSignatureMismatch)):
		return tokenDiffers, "the vector was signed with another key"
	case payload["iat"] == nil && readsClaim(p, "iat"):
		return tokenDiffers, "the vector has no iat; snippets always sign one"
	case p == verify.HelpshiftUserHub && !hasUIDOrEmail(payload["identities"]):
		return refused, "no uid or email to sign"
	case p == verify.PylonJWT && number(payload["exp"])-number(payload["iat"]) > 900:
		return refused, "a pylon-jwt token lives at most 15 minutes"
	case p == verify.Kustomer && payload["externalId"] != nil && !isString(payload["externalId"]):
		return tokenDiffers, "the vector's externalId is a number; snippets sign it as a string"
	case p == verify.Kustomer && !isString(payload["externalId"]) && !isString(payload["email"]):
		return refused, "no externalId nor email to sign"
	case p == verify.FreshdeskWidget && !isString(payload["email"]):
		return refused, "no email to sign"
	case p == verify.FreshdeskWidget && payload["exp"] == nil:
		return tokenDiffers, "the vector has no exp; snippets always sign one"
	case p == verify.FreshdeskWidget && (number(payload["exp"]) <= float64(c.Now) || number(payload["exp"])-float64(c.Now) > 7200):
		return refused, "a freshdesk-widget token expires in the future, within 2 hours"
	}
	if o, why := expectClaims(p.Description(), header, payload); o != "" {
		return o, why
	}
	if _, isArray := payload["aud"].([]any); isArray {
		return tokenVerified, "snippets write aud as a string, as jsonwebtoken does"
	}
	return tokenExact, ""
}

// tokenVectorCheck: the snippet's token for the claims of the vector's token.
func tokenVectorCheck(t *testing.T, p verify.Profile, c vectors.Case) check {
	header, payload := decodeJWT(t, c.Token)
	want, why := expectJWT(p, c, header, payload)
	req := map[string]any{"profile": string(p), "secret": c.Secret}
	if iat, ok := payload["iat"]; ok {
		req["iat"] = int64(number(iat))
	} else {
		req["iat"] = c.Now - 60
	}
	if exp, ok := payload["exp"]; ok {
		req["exp"] = int64(number(exp))
	}
	switch p {
	case verify.HelpshiftUserHub:
		req["identities"] = payload["identities"]
	case verify.PylonJWT:
		req["email"] = payload["email"]
		req["app_id"] = c.AppID
		if aud, ok := payload["aud"].(string); ok {
			req["app_id"] = aud
		}
		if name, ok := payload["name"]; ok {
			req["name"] = name
		}
		attrs := map[string]any{}
		for _, k := range verify.PylonAttributes() {
			if v, ok := payload[k]; ok && k != "name" {
				attrs[k] = v
			}
		}
		if len(attrs) > 0 {
			req["attributes"] = attrs
		}
	case verify.Kustomer:
		if id, ok := payload["externalId"]; ok {
			req["uid"] = fmt.Sprint(id)
		}
		if email, ok := payload["email"]; ok {
			req["email"] = email
		}
	case verify.FreshdeskWidget:
		req["iat"] = c.Now // the token has no iat: the snippet's "now"
		for _, k := range []string{"email", "name"} {
			if v, ok := payload[k]; ok {
				req[k] = v
			}
		}
	default: // profiles whose identities are claims of their own: as their descriptions read them
		for k, v := range snippetFields(p.Description(), header, payload) {
			req[k] = v
		}
	}
	signed := signedIdentities(p, payload)
	return check{profile: string(p), name: string(p) + "/" + c.Name, request: req, judge: func(_, out string) (outcome, error) {
		if want == refused {
			return judgeRefusal(out, c.Secret, why)
		}
		if strings.HasPrefix(out, "error:") {
			return "", fmt.Errorf("the snippet refused (want %s)", want)
		}
		if want == tokenExact && out != c.Token {
			return "", fmt.Errorf("not the vector's token:\n  got  %s\n  want %s", describeJWT(out), describeJWT(c.Token))
		}
		if want != tokenExact && out == c.Token {
			return "", fmt.Errorf("reproduced the vector's token, which it should not (%s)", why)
		}
		v, err := verifier(p, c.Secret, verify.Options{AppID: c.AppID, Now: clock(c.Now)})
		if err != nil {
			return "", err
		}
		sent := verify.Request{UserID: c.Request["uid"], Email: c.Request["email"], Token: out}
		if want == tokenDiffers && contains(c.Reason, string(verify.ReasonIdentityMismatch)) {
			// The vector's token signs what the client sends differently; the
			// snippet's, which cannot, must verify on its own.
			sent = verify.Request{Token: out}
		}
		got, err := v.Verify(sent)
		if want == tokenExact && !c.Valid {
			// The same bytes as the vector: Signet must give its verdict.
			if err == nil || !contains(c.Reason, string(verify.ReasonOf(err))) {
				return "", fmt.Errorf("Signet says %v for the reproduced token, want one of %v", err, c.Reason)
			}
			return tokenExact, nil
		}
		if err != nil {
			return "", fmt.Errorf("Signet refuses the snippet's token: %v", err)
		}
		if err := sameIdentities(got.Identities, signed); err != nil {
			return "", err
		}
		if c.Identities != nil {
			var pairs [][2]string
			for _, id := range got.Identities {
				pairs = append(pairs, [2]string{string(id.Type), id.Value})
			}
			if !reflect.DeepEqual(pairs, c.Identities) {
				return "", fmt.Errorf("identities %v, want the vector's %v", pairs, c.Identities)
			}
		}
		return want, nil
	}}
}

// referenceChecks are the signet profile's cases, and unicode, metadata and
// every optional claim for the other JWT profiles: each snippet must make the
// token Signet's sign package makes, and it must verify.
func referenceChecks(t *testing.T) []check {
	const (
		secret = "hs-secret-3f9a1c7e5b2d4f60"
		appID  = "app_7Hq2"
		now    = 1767225600
	)
	all := []map[string]any{}
	var others []verify.Identity
	for _, typ := range verify.IdentityTypes() {
		id := map[string]any{"identifier": string(typ), "value": "v-" + string(typ) + " ü"}
		if typ == verify.UID {
			id["metadata"] = map[string]any{"plan": "gold", "tier": "1"}
		}
		if typ == verify.SteamID {
			id["metadata"] = map[string]any{"region": "EU"}
		}
		all = append(all, id)
		if typ != verify.UID && typ != verify.Email {
			var md map[string]string
			if typ == verify.SteamID {
				md = map[string]string{"region": "EU"}
			}
			others = append(others, verify.Identity{Type: typ, Value: "v-" + string(typ) + " ü", Metadata: md})
		}
	}
	cases := []struct {
		name   string
		req    map[string]any
		signer sign.Signer
		claims sign.Claims
	}{
		{
			name: "helpshift-userhub/unicode, HTML-ish and quoted values, metadata, further identities",
			req: map[string]any{"profile": "helpshift-userhub", "secret": secret, "iat": now - 60, "identities": []map[string]any{
				{"identifier": "uid", "value": "zoë-ü/42", "metadata": map[string]any{"plan": "gold"}},
				{"identifier": "email", "value": `zoë+<support>&"q"@example.org`},
				{"identifier": "phone_number", "value": "+33 6 12 34 56 78", "metadata": map[string]any{"country": "FR"}},
				{"identifier": "steam_id", "value": "76561198000000000 🎮"},
			}},
			signer: sign.Signer{Profile: verify.HelpshiftUserHub, Secret: secret},
			claims: sign.Claims{UserID: "zoë-ü/42", Email: `zoë+<support>&"q"@example.org`, Metadata: map[string]string{"plan": "gold"},
				Identities: []verify.Identity{{Type: verify.PhoneNumber, Value: "+33 6 12 34 56 78", Metadata: map[string]string{"country": "FR"}},
					{Type: verify.SteamID, Value: "76561198000000000 🎮"}},
				IssuedAt: time.Unix(now-60, 0)},
		},
		{
			name: "pylon-jwt/every optional id, 15-minute lifetime, unicode name",
			req: map[string]any{"profile": "pylon-jwt", "secret": secret, "app_id": appID, "iat": now - 30, "exp": now - 30 + 900,
				"email": "Zoë.O'Brien+support@example.org", "name": `Zoë "Z" O'Brien <admin> 🎮`,
				"attributes": map[string]any{"contact_external_id": "c-9", "account_id": "acc_1", "contact_id": "con_2", "account_external_id": "a/1"}},
			signer: sign.Signer{Profile: verify.PylonJWT, Secret: secret, AppID: appID},
			claims: sign.Claims{Email: "Zoë.O'Brien+support@example.org", Name: `Zoë "Z" O'Brien <admin> 🎮`,
				Attributes: map[string]string{"account_id": "acc_1", "account_external_id": "a/1", "contact_id": "con_2", "contact_external_id": "c-9"},
				IssuedAt:   time.Unix(now-30, 0), ExpiresAt: time.Unix(now-30+900, 0)},
		},
		{
			name: "kustomer/unicode, HTML-ish and quoted externalId and email",
			req: map[string]any{"profile": "kustomer", "secret": secret, "iat": now - 30,
				"uid": `zoë-ü/42 <"q">&`, "email": "Zoë.O'Brien+support@example.org"},
			signer: sign.Signer{Profile: verify.Kustomer, Secret: secret},
			claims: sign.Claims{UserID: `zoë-ü/42 <"q">&`, Email: "Zoë.O'Brien+support@example.org", IssuedAt: time.Unix(now-30, 0)},
		},
		{
			name: "freshdesk-widget/unicode name, exp 2 hours ahead",
			req: map[string]any{"profile": "freshdesk-widget", "secret": secret, "iat": now, "exp": now + 7200,
				"email": "zoë+<support>@example.org", "name": `Zoë "Z" O'Brien <admin> 🎮`},
			signer: sign.Signer{Profile: verify.FreshdeskWidget, Secret: secret},
			claims: sign.Claims{Email: "zoë+<support>@example.org", Name: `Zoë "Z" O'Brien <admin> 🎮`,
				IssuedAt: time.Unix(now, 0), ExpiresAt: time.Unix(now+7200, 0)},
		},
		{
			name: "signet/uid and email, default 10-minute lifetime",
			req: map[string]any{"profile": "signet", "secret": secret, "kid": "k_2026_01", "app_id": appID, "iat": now - 60,
				"uid": "user-42", "email": "jane@example.com"},
			signer: sign.Signer{Profile: verify.Signet, Secret: secret, KeyID: "k_2026_01", AppID: appID},
			claims: sign.Claims{UserID: "user-42", Email: "jane@example.com", IssuedAt: time.Unix(now-60, 0)},
		},
		{
			name: "signet/email only",
			req: map[string]any{"profile": "signet", "secret": secret, "kid": "k_1", "app_id": appID, "iat": now,
				"email": "jane@example.com"},
			signer: sign.Signer{Profile: verify.Signet, Secret: secret, KeyID: "k_1", AppID: appID},
			claims: sign.Claims{Email: "jane@example.com", IssuedAt: time.Unix(now, 0)},
		},
		{
			name: "signet/all twelve identity types, metadata, name, 1-hour lifetime",
			req: map[string]any{"profile": "signet", "secret": secret, "kid": "k_1", "app_id": appID, "iat": now - 10, "exp": now - 10 + 3600,
				"name": "Zoë <admin>", "identities": all},
			signer: sign.Signer{Profile: verify.Signet, Secret: secret, KeyID: "k_1", AppID: appID},
			claims: sign.Claims{UserID: "v-uid ü", Email: "v-email ü", Metadata: map[string]string{"plan": "gold", "tier": "1"},
				Identities: others, Name: "Zoë <admin>", IssuedAt: time.Unix(now-10, 0), ExpiresAt: time.Unix(now-10+3600, 0)},
		},
		{
			name: "intercom-jwt/unicode, quotes and <>& in user_id and email, 1-hour exp",
			req: map[string]any{"profile": "intercom-jwt", "secret": secret, "iat": now - 60, "exp": now - 60 + 3600,
				"uid": `zoë-ü/42 "q" <a&b>`, "email": `zoë+<support>&"q"@example.org`},
			signer: sign.Signer{Profile: verify.IntercomJWT, Secret: secret},
			claims: sign.Claims{UserID: `zoë-ü/42 "q" <a&b>`, Email: `zoë+<support>&"q"@example.org`,
				IssuedAt: time.Unix(now-60, 0), ExpiresAt: time.Unix(now-60+3600, 0)},
		},
		{
			name: "zendesk-messaging/unicode name, verified email, 255-character external_id, 1-hour exp",
			req: map[string]any{"profile": "zendesk-messaging", "secret": secret, "kid": "app_65a1f0c2d3e4b5a6c7d8e9f0",
				"iat": now - 60, "exp": now - 60 + 3600, "uid": strings.Repeat("ü", 254) + "🎮", "name": `Zoë "Z" O'Brien <admin> 🎮`,
				"email": "Zoë.O'Brien+support@example.org"},
			signer: sign.Signer{Profile: verify.ZendeskMessaging, Secret: secret, KeyID: "app_65a1f0c2d3e4b5a6c7d8e9f0"},
			claims: sign.Claims{UserID: strings.Repeat("ü", 254) + "🎮", Name: `Zoë "Z" O'Brien <admin> 🎮`,
				Email: "Zoë.O'Brien+support@example.org", IssuedAt: time.Unix(now-60, 0), ExpiresAt: time.Unix(now-60+3600, 0)},
		},
		{
			name:   "drift/unicode sub, no exp",
			req:    map[string]any{"profile": "drift", "secret": secret, "iat": now, "uid": "zoë-ü/42 🎮"},
			signer: sign.Signer{Profile: verify.Drift, Secret: secret},
			claims: sign.Claims{UserID: "zoë-ü/42 🎮", IssuedAt: time.Unix(now, 0)},
		},
	}
	var checks []check
	for _, rc := range cases {
		want, err := rc.signer.Token(rc.claims)
		if err != nil {
			t.Fatalf("%s: the sign package: %v", rc.name, err)
		}
		p, kid := rc.signer.Profile, rc.signer.KeyID
		checks = append(checks, check{profile: string(p), name: rc.name, request: rc.req, judge: func(lang, out string) (outcome, error) {
			// Every language writes < > & as they are, as jsonwebtoken does.
			if out != want {
				return "", fmt.Errorf("not the sign package's token:\n  got  %s\n  want %s", describeJWT(out), describeJWT(want))
			}
			key, err := verify.NewKey(p, kid, secret)
			if err != nil {
				return "", err
			}
			v, err := verify.New(p, []verify.Key{key}, verify.Options{AppID: appID, Now: clock(now)})
			if err != nil {
				return "", err
			}
			got, err := v.Verify(verify.Request{Token: out})
			if err != nil {
				return "", fmt.Errorf("Signet refuses the snippet's token: %v", err)
			}
			if got.KeyID != kid {
				return "", fmt.Errorf("verified with key %q, want %q", got.KeyID, kid)
			}
			var payload map[string]any
			if err := json.Unmarshal(segment(out, 1), &payload); err != nil {
				return "", err
			}
			return referenceTokens, sameIdentities(got.Identities, signedIdentities(p, payload))
		}})
	}
	// The signet cases again, signed ES256 with a key pair: the header and
	// claims are the sign package's, byte for byte (ECDSA signatures are
	// random), and the token verifies under the public key.
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(priv)
	privPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	pub, err := verify.NewPublicKey("key_es256", verify.ES256, priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	for _, rc := range cases {
		if rc.signer.Profile != verify.Signet {
			continue
		}
		req := maps.Clone(rc.req)
		delete(req, "secret")
		req["private_key"], req["kid"] = privPEM, pub.ID
		s := rc.signer
		s.Secret, s.PrivateKey, s.KeyID = "", priv, pub.ID
		want, err := s.Token(rc.claims)
		if err != nil {
			t.Fatalf("%s: the sign package: %v", rc.name, err)
		}
		checks = append(checks, check{profile: "signet", name: strings.Replace(rc.name, "signet/", "signet ES256/", 1), request: req,
			judge: func(lang, out string) (outcome, error) {
				if signingInput(out) != signingInput(want) {
					return "", fmt.Errorf("not the sign package's header and claims:\n  got  %s\n  want %s", describeJWT(out), describeJWT(want))
				}
				v, err := verify.New(verify.Signet, []verify.Key{pub}, verify.Options{AppID: appID, Now: clock(now)})
				if err != nil {
					return "", err
				}
				got, err := v.Verify(verify.Request{Token: out})
				if err != nil {
					return "", fmt.Errorf("Signet refuses the snippet's ES256 token: %v", err)
				}
				var payload map[string]any
				if err := json.Unmarshal(segment(out, 1), &payload); err != nil {
					return "", err
				}
				return es256Verified, sameIdentities(got.Identities, signedIdentities(verify.Signet, payload))
			}})
	}
	return checks
}

// signingInput is a token's header.payload.
func signingInput(token string) string {
	if i := strings.LastIndexByte(token, '.'); i >= 0 {
		return token[:i]
	}
	return token
}

// refusalChecks: what every snippet must refuse, saying why without the secret.
func refusalChecks() []check {
	const secret = "SECRET-MARKER-do-not-print-4f7a"
	cases := []struct {
		name, why string
		req       map[string]any
	}{
		{"pylon-hmac/a secret that is not hex", "hex", map[string]any{"profile": "pylon-hmac", "secret": secret, "email": "jane@example.com"}},
		{"pylon-hmac/an odd number of hex digits", "hex", map[string]any{"profile": "pylon-hmac", "secret": "9f2c4", "email": "jane@example.com"}},
		{"intercom/no user_id nor email", "anonymous", map[string]any{"profile": "intercom", "secret": secret}},
		{"akece/no identifier", "anonymous", map[string]any{"profile": "akece", "secret": secret}},
		{"helpshift-legacy/full privacy without a user id", "anonymous", map[string]any{"profile": "helpshift-legacy", "secret": secret,
			"email": "jane@example.com", "full_privacy": true}},
		{"pylon-jwt/a 901-second lifetime", "15 minutes", map[string]any{"profile": "pylon-jwt", "secret": secret, "app_id": "app_7Hq2",
			"email": "jane@example.com", "iat": 1767225600, "exp": 1767225600 + 901}},
		{"pylon-jwt/no app id", "app id", map[string]any{"profile": "pylon-jwt", "secret": secret, "email": "jane@example.com"}},
		{"signet/no key id", "key id", map[string]any{"profile": "signet", "secret": secret, "app_id": "app_7Hq2", "uid": "user-42"}},
		{"helpshift-userhub/no uid nor email", "uid", map[string]any{"profile": "helpshift-userhub", "secret": secret,
			"identities": []map[string]any{{"identifier": "phone_number", "value": "+33 6 12 34 56 78"}}}},
		{"helpscout/a user id but no email", "anonymous", map[string]any{"profile": "helpscout", "secret": secret, "uid": "user-42"}},
		{"front/no user id nor email", "anonymous", map[string]any{"profile": "front", "secret": secret}},
		{"plain/a user id but no email", "anonymous", map[string]any{"profile": "plain", "secret": secret, "uid": "user-42"}},
		{"gleap/an email but no user id", "anonymous", map[string]any{"profile": "gleap", "secret": secret, "email": "jane@example.com"}},
		{"kustomer/no externalId nor email", "externalId", map[string]any{"profile": "kustomer", "secret": secret}},
		{"freshdesk-widget/no email", "email", map[string]any{"profile": "freshdesk-widget", "secret": secret, "name": "Jane"}},
		{"freshdesk-widget/exp 2 hours and 1 second ahead", "2 hours", map[string]any{"profile": "freshdesk-widget", "secret": secret,
			"email": "jane@example.com", "iat": 1767225600, "exp": 1767225600 + 7201}},
		{"intercom-jwt/no user_id", "user_id", map[string]any{"profile": "intercom-jwt", "secret": secret, "email": "jane@example.com"}},
		{"zendesk-messaging/no key id", "key id", map[string]any{"profile": "zendesk-messaging", "secret": secret, "uid": "user-42"}},
		{"zendesk-messaging/no external_id", "external_id", map[string]any{"profile": "zendesk-messaging", "secret": secret,
			"kid": "app_65a1f0c2d3e4b5a6c7d8e9f0", "email": "jane@example.com"}},
		{"zendesk-messaging/a 256-character external_id", "255 characters", map[string]any{"profile": "zendesk-messaging",
			"secret": secret, "kid": "app_65a1f0c2d3e4b5a6c7d8e9f0", "uid": strings.Repeat("é", 256)}},
		{"drift/no user id", "sub", map[string]any{"profile": "drift", "secret": secret}},
	}
	var checks []check
	for _, rc := range cases {
		checks = append(checks, check{profile: fmt.Sprint(rc.req["profile"]), name: rc.name, request: rc.req,
			judge: func(_, out string) (outcome, error) {
				o, err := judgeRefusal(out, secret, rc.why)
				if err == nil && !strings.Contains(out, rc.why) {
					err = fmt.Errorf("the refusal does not mention %q", rc.why)
				}
				return o, err
			}})
	}
	return checks
}

func judgeRefusal(out, secret, why string) (outcome, error) {
	if !strings.HasPrefix(out, "error: ") {
		return "", fmt.Errorf("signed, want a refusal (%s)", why)
	}
	if strings.Contains(out, secret) {
		return "", fmt.Errorf("the refusal echoes the secret")
	}
	return refused, nil
}

// signedIdentities are the identities a token's payload signs, in order.
func signedIdentities(p verify.Profile, payload map[string]any) []verify.Identity {
	if p == verify.PylonJWT || p == verify.FreshdeskWidget {
		return []verify.Identity{{Type: verify.Email, Value: fmt.Sprint(payload["email"])}}
	}
	if p == verify.Kustomer {
		// The email takes precedence over the externalId.
		if isString(payload["email"]) {
			return []verify.Identity{{Type: verify.Email, Value: fmt.Sprint(payload["email"])}}
		}
		return []verify.Identity{{Type: verify.UID, Value: fmt.Sprint(payload["externalId"])}}
	}
	if _, arrayed := payload["identities"]; !arrayed {
		return claimIdentities(p.Description(), payload)
	}
	var ids []verify.Identity
	list, _ := payload["identities"].([]any)
	for _, x := range list {
		m, _ := x.(map[string]any)
		id := verify.Identity{Type: verify.IdentityType(fmt.Sprint(m["identifier"])), Value: fmt.Sprint(m["value"])}
		if md, ok := m["metadata"].(map[string]any); ok {
			id.Metadata = map[string]string{}
			for k, v := range md {
				id.Metadata[k] = fmt.Sprint(v)
			}
		}
		ids = append(ids, id)
	}
	return ids
}

func sameIdentities(got, want []verify.Identity) error {
	norm := func(ids []verify.Identity) []verify.Identity {
		out := make([]verify.Identity, len(ids))
		for i, id := range ids {
			if len(id.Metadata) == 0 {
				id.Metadata = nil
			}
			out[i] = id
		}
		return out
	}
	if !reflect.DeepEqual(norm(got), norm(want)) {
		return fmt.Errorf("Signet yields the identities %+v, want %+v", got, want)
	}
	return nil
}

func hasUIDOrEmail(identities any) bool {
	list, _ := identities.([]any)
	for _, x := range list {
		if m, ok := x.(map[string]any); ok && (m["identifier"] == "uid" || m["identifier"] == "email") && m["value"] != "" {
			return true
		}
	}
	return false
}

// verifier is Signet's verifier for one app with one key.
func verifier(p verify.Profile, secret string, o verify.Options) (*verify.Verifier, error) {
	key, err := verify.NewKey(p, "k", secret)
	if err != nil {
		return nil, fmt.Errorf("the secret is unusable for %s: %v", p, err)
	}
	return verify.New(p, []verify.Key{key}, o)
}

func clock(unix int64) func() time.Time {
	return func() time.Time { return time.Unix(unix, 0) }
}

func segment(token string, i int) []byte {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil
	}
	b, _ := base64.RawURLEncoding.DecodeString(parts[i])
	return b
}

func decodeJWT(t *testing.T, token string) (header, payload map[string]any) {
	t.Helper()
	for i, dst := range []*map[string]any{&header, &payload} {
		dec := json.NewDecoder(bytes.NewReader(segment(token, i)))
		dec.UseNumber()
		if err := dec.Decode(dst); err != nil {
			t.Fatalf("a vector token's segment %d: %v", i, err)
		}
	}
	return header, payload
}

// describeJWT shows a token's header and claims, for a failure message.
func describeJWT(token string) string {
	return fmt.Sprintf("%s %s (%s)", segment(token, 0), segment(token, 1), token)
}

func number(v any) float64 {
	n, ok := v.(json.Number)
	if !ok {
		return 0
	}
	f, _ := n.Float64()
	return f
}

// isString reports whether a decoded claim is a non-empty string.
func isString(v any) bool {
	s, ok := v.(string)
	return ok && s != ""
}

// readsClaim reports whether the profile reads the claim name.
func readsClaim(p verify.Profile, name string) bool {
	_, ok := p.Description().Claim(name)
	return ok
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// expectClaims says what a snippet does with a vector's claims under the
// profile's description, where that is not reproducing them: a snippet
// always writes a kid where one is required, the constant claims (scope =
// "user"), string identities, and a flag claim (email_verified) true beside
// the identity it vouches for; it signs only the claims the profile reads,
// and refuses a missing or too long identity.
func expectClaims(d *verify.Description, header, payload map[string]any) (outcome, string) {
	if _, arrayed := payload["identities"]; arrayed {
		return "", ""
	}
	for _, r := range d.Claims {
		v, ok := payload[r.Name]
		switch {
		case r.Kind == verify.ClaimIdentity && r.Required && (!ok || v == ""):
			return refused, "no " + r.Name + " to sign"
		case r.Kind == verify.ClaimIdentity && r.MaxLength > 0 && utf8.RuneCountInString(fmt.Sprint(v)) > r.MaxLength:
			return refused, fmt.Sprintf("%s is at most %d characters", r.Name, r.MaxLength)
		}
	}
	for name := range header {
		if name != "alg" && name != "typ" && name != "kid" {
			return tokenDiffers, "the vector's header carries " + name + "; snippets write alg, typ and kid only"
		}
	}
	if _, ok := header["kid"]; !ok && d.Kid != verify.KidOptional {
		return tokenDiffers, "the vector has no kid; snippets always write one"
	}
	for name, v := range payload {
		r, ok := d.Claim(name)
		switch {
		case !ok:
			return tokenDiffers, "the vector signs " + name + ", which the profile does not read and snippets do not write"
		case r.Kind == verify.ClaimIdentity:
			if _, isString := v.(string); !isString {
				return tokenDiffers, "the vector's " + name + " is not a string; snippets write a string"
			}
			if r.OnlyIf != "" && payload[r.OnlyIf] != true {
				return tokenDiffers, "snippets sign an email with " + r.OnlyIf + ": true, and leave an unverified one out"
			}
		case r.Kind == verify.ClaimBool && v != true:
			return tokenDiffers, "snippets write " + name + " true, or not at all"
		}
	}
	for _, r := range d.Claims {
		if r.Kind == verify.ClaimString && r.Equals != "" && payload[r.Name] != r.Equals {
			return tokenDiffers, "snippets always write " + r.Name + " = " + r.Equals
		}
	}
	return "", ""
}

// snippetFields are the harness fields for a vector's claims, read as the
// profile's description reads them: the user id (a number as its decimal
// text), the email when it counts, the name and the kid.
func snippetFields(d *verify.Description, header, payload map[string]any) map[string]any {
	req := map[string]any{}
	for _, r := range d.Claims {
		v, ok := payload[r.Name]
		if !ok {
			continue
		}
		switch {
		case r.Kind == verify.ClaimIdentity && r.Identity == verify.UID:
			req["uid"] = fmt.Sprint(v)
		case r.Kind == verify.ClaimIdentity && r.Identity == verify.Email && (r.OnlyIf == "" || payload[r.OnlyIf] == true):
			req["email"] = v
		case r.Kind == verify.ClaimAttribute && r.Name == "name":
			req["name"] = v
		}
	}
	if kid, ok := header["kid"]; ok {
		req["kid"] = kid
	} else if d.Kid != verify.KidOptional {
		req["kid"] = "k_snippet"
	}
	return req
}

// claimIdentities are the identities a token of a profile with identity
// claims of its own signs, in the description's order: each identity claim
// present (a number as its text), an OnlyIf one only when its flag is true,
// and only the preferred one when the profile prefers one.
func claimIdentities(d *verify.Description, payload map[string]any) []verify.Identity {
	var ids []verify.Identity
	for _, r := range d.Claims {
		v, ok := payload[r.Name]
		if r.Kind != verify.ClaimIdentity || !ok || r.OnlyIf != "" && payload[r.OnlyIf] != true {
			continue
		}
		ids = append(ids, verify.Identity{Type: r.Identity, Value: fmt.Sprint(v)})
	}
	for _, id := range ids {
		if d.Prefer != "" && id.Type == d.Prefer {
			return []verify.Identity{id}
		}
	}
	return ids
}
