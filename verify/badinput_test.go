package verify_test

// The "Bad input" requirement: any string of any size and any bytes, in any
// request field, gets a reason code and never a panic; the memory used is
// bounded; no error or diagnosis message ever contains a secret. These are
// ordinary tests: they run in every `go test`. They assert on memory, never
// on time.

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/signet-id/signet/internal/vectors"
	"github.com/signet-id/signet/verify"
)

const (
	badNow          = 1767225600 // the vectors' clock
	badAppID        = "app_7Hq2"
	badSignetSecret = "sg-secret-8d41b7e29c0a5f36"
	badOtherSecret  = "other-app-secret-6c1e0b8f2a9d4735"
	badRevoked      = "revoked-secret-2b7f0c9e41d3a865"
	badRevokedHex   = "0badc0ffee5eed0ff1ce7ab1e0dd5ca1ab1e7e57ed0d0ec0ffee15900dbeef00"
	badMiB          = 1 << 20
)

// badApp is one app under one profile, with its secrets.
type badApp struct {
	p       verify.Profile
	secret  string
	v       *verify.Verifier // default options
	big     *verify.Verifier // MaxTokenSize 32 MiB: oversize input reaches the parsers
	secrets []string
	cands   []verify.Candidate
}

func badApps(t *testing.T) []*badApp {
	t.Helper()
	files := vectors.MustLoad(t)
	var apps []*badApp
	for _, p := range verify.Profiles() {
		a := &badApp{p: p}
		if p == verify.Signet {
			a.secret = badSignetSecret
		} else {
			f, ok := files[string(p)]
			if !ok {
				t.Fatalf("no vectors for %s", p)
			}
			a.secret = f.Secret
			if a.secret == "" {
				a.secret = f.Cases[0].Secret
			}
		}
		revoked := badRevoked
		if p.HexSecret() {
			revoked = badRevokedHex
		}
		k1, err := verify.NewKey(p, "k1", a.secret)
		if err != nil {
			t.Fatal(err)
		}
		k0, err := verify.NewKey(p, "k0", revoked)
		if err != nil {
			t.Fatal(err)
		}
		k0.Revoked = true
		now := func() time.Time { return time.Unix(badNow, 0) }
		if a.v, err = verify.New(p, []verify.Key{k1, k0}, verify.Options{AppID: badAppID, Now: now}); err != nil {
			t.Fatal(err)
		}
		if a.big, err = verify.New(p, []verify.Key{k1, k0}, verify.Options{AppID: badAppID, Now: now, MaxTokenSize: 32 * badMiB}); err != nil {
			t.Fatal(err)
		}
		a.secrets = []string{a.secret, revoked, badOtherSecret}
		a.cands = []verify.Candidate{{Kind: verify.OtherKey, Label: "the Android app's key", Secret: badOtherSecret}}
		apps = append(apps, a)
	}
	return apps
}

func badB64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// token signs claims (and header) with the app's secret, so that they reach
// the claims parser.
func (a *badApp) token(header, claims string) string {
	in := badB64(header) + "." + badB64(claims)
	h := hmac.New(sha256.New, []byte(a.secret))
	h.Write([]byte(in))
	return in + "." + base64.RawURLEncoding.EncodeToString(h.Sum(nil))
}

func (a *badApp) header() string {
	if a.p.Description().Kid != verify.KidOptional { // signet; zendesk-messaging requires a kid
		return `{"alg":"HS256","typ":"JWT","kid":"k1"}`
	}
	return `{"alg":"HS256","typ":"JWT"}`
}

// request puts proof where the profile reads it, next to plausible identifiers.
func (a *badApp) request(proof string) verify.Request {
	if a.p.IsJWT() {
		return verify.Request{Token: proof}
	}
	return verify.Request{UserID: "user-42", Email: "jane@example.com", Digest: proof}
}

// check verifies r, which must fail with one of want (any known reason when
// want is empty), and checks the messages of the error and the doctor.
func (a *badApp) check(t *testing.T, v *verify.Verifier, name string, r verify.Request, want ...verify.Reason) {
	t.Helper()
	got, err := v.Verify(r)
	if err == nil {
		t.Fatalf("%s %s: verified %+v", a.p, name, got)
	}
	reason := verify.ReasonOf(err)
	if !slices.Contains(verify.Reasons(), reason) {
		t.Fatalf("%s %s: reason %q (%v) is not a reason code", a.p, name, reason, err)
	}
	if len(want) > 0 && !slices.Contains(want, reason) {
		t.Fatalf("%s %s: %v, want one of %v", a.p, name, err, want)
	}
	a.noSecret(t, name, "error", err.Error())
	if len(err.Error()) > 512 {
		t.Fatalf("%s %s: a %d-byte error message", a.p, name, len(err.Error()))
	}
	if d, ok := v.Diagnose(r, err, a.cands); ok {
		a.noSecret(t, name, "diagnosis", d.Message)
	}
	if d, ok := v.Diagnose(r, nil, a.cands); ok {
		t.Fatalf("%s %s: a diagnosis without an error: %+v", a.p, name, d)
	}
	if d, ok := v.Diagnose(r, errors.New("timeout"), a.cands); ok {
		t.Fatalf("%s %s: a diagnosis of a non-verification error: %+v", a.p, name, d)
	}
}

func (a *badApp) noSecret(t *testing.T, name, what, msg string) {
	t.Helper()
	for _, s := range a.secrets {
		if strings.Contains(msg, s) {
			t.Fatalf("%s %s: the %s message contains a secret: %q", a.p, name, what, msg)
		}
	}
}

// badHuge are the oversize inputs: each far above the 8 KiB default limit.
func badHuge() map[string]string {
	return map[string]string{
		"a million dots":   strings.Repeat(".", 1_000_000),
		"10 MB token":      badB64(`{"alg":"HS256"}`) + "." + strings.Repeat("eyJh", 10*badMiB/4) + "." + strings.Repeat("A", 43),
		"10 MB digest":     strings.Repeat("0123456789abcdef", 10*badMiB/16),
		"1e6 '['":          strings.Repeat("[", 1_000_000),
		"1e6 '{'":          strings.Repeat("{", 1_000_000),
		"1e6 '\"'":         strings.Repeat(`"`, 1_000_000),
		"1e6 NUL":          strings.Repeat("\x00", 1_000_000),
		"1e6 invalid UTF8": strings.Repeat("\xff", 1_000_000),
		"limit + 1":        strings.Repeat("A", verify.DefaultMaxTokenSize+1),
	}
}

// TestBadInputOversize: anything above the size limit is too_large, in every
// profile, before any parsing; under a raised limit the same input reaches
// the parsers and is still refused with a reason.
func TestBadInputOversize(t *testing.T) {
	for _, a := range badApps(t) {
		for name, s := range badHuge() {
			a.check(t, a.v, name, a.request(s), verify.ReasonTooLarge)
			if a.p.IsJWT() {
				// The 10 MB token is well-formed base64url: its signature (or
				// for signet, its missing kid) is what fails.
				a.check(t, a.big, name+" (32 MiB limit)", a.request(s), verify.ReasonMalformed, verify.ReasonSignatureMismatch, verify.ReasonKeyUnknown)
			} else {
				a.check(t, a.big, name+" (32 MiB limit)", a.request(s), verify.ReasonMalformed)
				// The same bytes as identifiers: refused, whatever the digest.
				a.check(t, a.v, name+" as user_id", verify.Request{UserID: s, Email: "jane@example.com", Digest: strings.Repeat("0", 64)},
					verify.ReasonMalformed, verify.ReasonIdentityRequired)
				a.check(t, a.v, name+" as email", verify.Request{UserID: "user-42", Email: s, Digest: strings.Repeat("0", 64)},
					verify.ReasonMalformed, verify.ReasonIdentityRequired)
			}
		}
	}
}

// TestBadInputAnyBytes: every single byte, every short structural string and
// deterministic random strings of many sizes and alphabets, in every field,
// get a reason code.
func TestBadInputAnyBytes(t *testing.T) {
	var inputs []string
	for b := range 256 {
		inputs = append(inputs, string([]byte{byte(b)}), strings.Repeat(string([]byte{byte(b)}), 44),
			strings.Repeat(string([]byte{byte(b)}), 64))
	}
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	inputs = append(inputs, "", string(all), ".", "..", "...", "....", "a.b.c", "a.b.c.d.e",
		"\xed\xa0\x80", "\xc0\xaf", "\ufeff", "e30.e30.", "e30.e30.e30", strings.Repeat("=", 44))
	rng := rand.New(rand.NewPCG(1, 2))
	alphabets := []string{
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.",
		"0123456789abcdefABCDEF", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\r\n ",
		`{}[]":,.0123456789eE+-\u tfn`,
	}
	for i := range 300 {
		size := rng.IntN(3 * verify.DefaultMaxTokenSize / 2)
		if i%3 == 0 {
			size = rng.IntN(100)
		}
		b := make([]byte, size)
		alpha := alphabets[i%len(alphabets)]
		for j := range b {
			if i%5 == 4 {
				b[j] = byte(rng.IntN(256))
			} else {
				b[j] = alpha[rng.IntN(len(alpha))]
			}
		}
		inputs = append(inputs, string(b))
	}
	for _, a := range badApps(t) {
		for i, s := range inputs {
			name := "input " + string(rune('0'+i%10))
			if len(s) > verify.DefaultMaxTokenSize {
				a.check(t, a.v, name, a.request(s), verify.ReasonTooLarge)
			} else {
				a.check(t, a.v, name, a.request(s))
			}
			if len(s) <= 64 { // and as identifiers, with and without a proof
				a.check(t, a.v, name+" as user_id", verify.Request{UserID: s, Email: s, Digest: s, Token: s})
				if !a.p.IsJWT() && s == "" {
					a.check(t, a.v, "nothing at all", verify.Request{}, verify.ReasonIdentityRequired, verify.ReasonMalformed)
				}
			}
		}
	}
}

// TestBadInputNestedJSON: deeply nested and hostile JSON, signed with the
// app's secret so that it reaches the claims parser, is claim_invalid (in a
// header, malformed) — within the default limit and, with the limit raised,
// at a million levels.
func TestBadInputNestedJSON(t *testing.T) {
	const iat = `{"iat":1767225540,"exp":1767226140,"aud":"app_7Hq2","email":"j@x","identities":[{"identifier":"uid","value":"u"}],"x":`
	fits := 2000 // levels that fit in an 8 KiB token
	claims := map[string]string{
		"nested arrays":           iat + strings.Repeat("[", fits) + strings.Repeat("]", fits) + "}",
		"nested objects":          iat + strings.Repeat(`{"a":`, fits/5) + "1" + strings.Repeat("}", fits/5) + "}",
		"unclosed arrays":         iat + strings.Repeat("[", fits),
		"only '['":                strings.Repeat("[", fits),
		"nested identities":       `{"iat":1767225540,"identities":` + strings.Repeat("[", fits) + strings.Repeat("]", fits) + "}",
		"nested metadata":         `{"iat":1767225540,"identities":[{"identifier":"uid","value":"u","metadata":` + strings.Repeat(`{"a":`, 300) + `"x"` + strings.Repeat("}", 300) + "}]}",
		"duplicate iat":           `{"iat":1767225540,"iat":1767225540,"identities":[{"identifier":"uid","value":"u"}]}`,
		"many members":            "{" + strings.Repeat(`"a":1,`, 300) + `"b":2}`,
		"long duplicate name":     `{"` + strings.Repeat("n", 2500) + `":1,"` + strings.Repeat("n", 2500) + `":2}`,
		"lone surrogate":          `{"iat":1767225540,"identities":[{"identifier":"uid","value":"\udc00"}]}`,
		"invalid UTF-8":           "{\"iat\":1767225540,\"identities\":[{\"identifier\":\"uid\",\"value\":\"\xff\"}]}",
		"a million-digit number":  `{"iat":1` + strings.Repeat("0", 5000) + `}`,
		"a huge exponent":         `{"iat":1e999999999999999999999}`,
		"a tiny exponent":         `{"iat":1e-999999999999999999999}`,
		"a zero with an exponent": `{"iat":0e999999999999}`,
	}
	for _, a := range badApps(t) {
		if !a.p.IsJWT() {
			continue
		}
		for name, c := range claims {
			tok := a.token(a.header(), c)
			if len(tok) > verify.DefaultMaxTokenSize {
				t.Fatalf("%s: the test token is %d bytes, over the limit", name, len(tok))
			}
			a.check(t, a.v, name, verify.Request{Token: tok}, verify.ReasonClaimInvalid)
		}
		hdr := `{"alg":"HS256","x":` + strings.Repeat("[", fits) + strings.Repeat("]", fits) + "}"
		a.check(t, a.v, "nested header", verify.Request{Token: a.token(hdr, `{}`)}, verify.ReasonMalformed)

		// A million levels, past the default limit: too_large; with the
		// limit raised, the parser stops at its depth bound.
		deep := a.token(a.header(), iat+strings.Repeat("[", 1_000_000)+strings.Repeat("]", 1_000_000)+"}")
		a.check(t, a.v, "1e6 levels", verify.Request{Token: deep}, verify.ReasonTooLarge)
		a.check(t, a.big, "1e6 levels (32 MiB limit)", verify.Request{Token: deep}, verify.ReasonClaimInvalid)
		open := a.token(a.header(), strings.Repeat("[", 1_000_000))
		a.check(t, a.big, "1e6 '[' claims (32 MiB limit)", verify.Request{Token: open}, verify.ReasonClaimInvalid)
		deepHdr := a.token(`{"alg":"HS256","x":`+strings.Repeat("[", 1_000_000), `{}`)
		a.check(t, a.big, "1e6 '[' header (32 MiB limit)", verify.Request{Token: deepHdr}, verify.ReasonMalformed)
	}
}

// badAlloc returns the bytes allocated per call of fn, averaged over n calls:
// the least of three rounds, since anything else running can only add.
func badAlloc(n int, fn func()) uint64 {
	fn() // warm up: lazily initialised package state is not the input's cost
	least := uint64(1<<64 - 1)
	for range 3 {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for range n {
			fn()
		}
		runtime.ReadMemStats(&after)
		least = min(least, (after.TotalAlloc-before.TotalAlloc)/uint64(n))
	}
	return least
}

// TestBadInputMemoryBound: refusing hostile input costs no more memory than
// accepting a short valid token, whatever the size of the input. Measured in
// bytes allocated (runtime.MemStats.TotalAlloc), never in time.
func TestBadInputMemoryBound(t *testing.T) {
	files := vectors.MustLoad(t)
	var valid string
	for _, c := range files[string(verify.HelpshiftUserHub)].Cases {
		if c.Valid {
			valid = c.Token
			break
		}
	}
	var hub *badApp
	for _, a := range badApps(t) {
		if a.p == verify.HelpshiftUserHub {
			hub = a
		}
	}
	if valid == "" || hub == nil {
		t.Fatal("no valid helpshift-userhub vector")
	}
	if _, err := hub.v.Verify(verify.Request{Token: valid}); err != nil {
		t.Fatalf("the reference token: %v", err)
	}
	ref := badAlloc(50, func() { hub.v.Verify(verify.Request{Token: valid}) })
	bound := min(2*ref, 4<<10)
	t.Logf("verifying a short valid token allocates %d B; hostile input may allocate at most %d B", ref, bound)

	dots := strings.Repeat(".", 1_000_000)
	for _, a := range badApps(t) {
		// The doctor's reference: explaining an ordinary short mismatch.
		short := a.request(strings.Repeat("A", 43) + "=")
		if !a.p.IsJWT() {
			short.Digest = strings.Repeat("ab", 32)
		}
		_, shortErr := a.v.Verify(short)
		diagRef := badAlloc(10, func() { a.v.Diagnose(short, shortErr, a.cands) })
		diagBound := max(2*diagRef, 4<<10)
		// extra is what a raised size limit lets through: the doctor may then
		// read the proof a few times (linear), never more.
		diagnose := func(name string, v *verify.Verifier, r verify.Request, extra uint64) {
			_, err := v.Verify(r)
			if got := badAlloc(5, func() { v.Diagnose(r, err, a.cands) }); got > diagBound+extra {
				t.Errorf("%s: diagnosing %s allocates %d B, over %d B (a short mismatch: %d B)", a.p, name, got, diagBound+extra, diagRef)
			}
		}
		for name, s := range badHuge() {
			r := a.request(s)
			if got := badAlloc(20, func() { a.v.Verify(r) }); got > bound {
				t.Errorf("%s: verifying %s allocates %d B, over %d B", a.p, name, got, bound)
			}
			diagnose(name, a.v, r, 0)
			if !a.p.IsJWT() { // the same bytes as identifiers: refused before any signature
				diagnose(name+" as user_id and email", a.v, verify.Request{UserID: s, Email: s, Digest: strings.Repeat("ab", 32)}, 0)
			}
		}
		diagnose("a million dots (32 MiB limit)", a.big, a.request(dots), 4*uint64(len(dots)))
		// A million dots under a raised limit reach the token splitter.
		r := a.request(dots)
		if got := badAlloc(20, func() { a.big.Verify(r) }); got > bound {
			t.Errorf("%s: verifying a million dots (32 MiB limit) allocates %d B, over %d B", a.p, got, bound)
		}
		if !a.p.IsJWT() {
			u := verify.Request{UserID: dots, Email: dots, Digest: strings.Repeat("0", 64)}
			if got := badAlloc(20, func() { a.v.Verify(u) }); got > bound {
				t.Errorf("%s: verifying a million-dot user_id allocates %d B, over %d B", a.p, got, bound)
			}
			continue
		}
		// A million levels of nesting, re-signed: the parser stops at its
		// depth bound; what is allocated is the decoded claims, linear in
		// the input, never a per-level structure.
		deep := a.token(a.header(), strings.Repeat("[", 1_000_000))
		if got, max := badAlloc(5, func() { a.big.Verify(verify.Request{Token: deep}) }), uint64(3*len(deep)); got > max {
			t.Errorf("%s: verifying 1e6 nested arrays allocates %d B, over %d B", a.p, got, max)
		}
	}
}
