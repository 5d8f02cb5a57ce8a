package verify_test

// The attack suite: what the people who evaluate an identity-verification
// product throw at it, one table, every case asserting the exact reason code
// (or, for what must pass, the exact identities verified, byte for byte).
//
// Every case also asserts, for every failure:
//   - neither the error message nor the doctor's diagnosis contains a secret
//     (the app's, a revoked key's, another app's), the token or the digest,
//     and both are valid UTF-8 without control characters (they go to logs,
//     terminals and dashboards);
//   - the same reason comes out of a fresh verifier and out of one that has
//     just verified a valid token (the header memo must not carry over);
//   - where the doctor has something to say, the cause it names.
//
// The classes (see atkCases): alg none and its variants; other HMAC
// algorithms; key confusion; forbidden headers; kid injection; non-canonical
// base64; whitespace and line breaks; segment counts; non-object payloads;
// BOMs and invalid UTF-8; duplicate and case-variant claims; time claims;
// audience tricks; one profile's proof presented to another; identity-claim
// tricks; Unicode in identities; user id / email field confusion; the
// helpshift-legacy concatenation ambiguity; digest encodings; and, in
// TestAttackHugeInput, a 100 MB proof.
//
// Where Signet accepts something an attacker might hope it refuses, the case
// says why (the scheme allows it) and pins exactly what is verified.

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"hash"
	"maps"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/signet-id/signet/verify"
)

const (
	atkSecret        = "atk-secret-9c41e7b2a05d3f68"                                      // every profile but pylon-hmac
	atkHexSecret     = "4f1c9a7e2b6d03f58e1a7c4b9d2f6e08a3c5b7d9e1f20486a9c3e5b7d1f30a2c" // pylon-hmac
	atkRevokedSecret = "atk-revoked-0e7d5c3b1a9f8e6d"
	atkRevokedHex    = "0e7d5c3b1a9f8e6d0e7d5c3b1a9f8e6d0e7d5c3b1a9f8e6d0e7d5c3b1a9f8e6d"
	atkOtherSecret   = "atk-other-app-6b2e8d4f0a1c3e5b"
	atkApp           = "app_Atk7Hq2Zx9Lm4Pq8"
	atkNow           = 1767225600
	atkIat           = "1767225540" // now − 60
	atkExp           = "1767226140" // iat + 600
	atkUID           = "user-42"
	atkEmail         = "jane@example.com"
)

var (
	atkJWT = []verify.Profile{verify.HelpshiftUserHub, verify.PylonJWT, verify.Signet, verify.Kustomer, verify.FreshdeskWidget,
		verify.IntercomJWT, verify.ZendeskMessaging, verify.Drift}
	atkDigest = []verify.Profile{verify.HelpshiftLegacy, verify.Intercom, verify.Akece, verify.PylonHMAC,
		verify.HelpScout, verify.Front, verify.Plain, verify.Gleap}
	// atkSecrets must never appear in a message.
	atkSecrets = []string{atkSecret, atkHexSecret, atkRevokedSecret, atkRevokedHex, atkOtherSecret}
	atkCands   = []verify.Candidate{
		{Kind: verify.NotTheSecret, Label: "the app id", Secret: atkApp},
		{Kind: verify.OtherKey, Label: "key k_android of app Android", Secret: atkOtherSecret},
	}
)

// atkCase is one attack.
type atkCase struct {
	class, name string
	p           verify.Profile
	full        bool             // helpshift-legacy full privacy
	v           *verify.Verifier // a special verifier; nil: the profile's
	req         verify.Request
	want        verify.Reason     // "" = must verify
	ids         []verify.Identity // when it verifies: exactly these, in order
	cause       verify.Cause      // when set: the doctor's cause
	hidden      []string          // more strings no message may contain
}

// --- building proofs ---------------------------------------------------------

func atkB64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func atkMACWith(h func() hash.Hash, key []byte, msg string) []byte {
	m := hmac.New(h, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}

// atkSign appends the HS256 signature of input with the app's secret.
func atkSign(input string) string {
	return input + "." + base64.RawURLEncoding.EncodeToString(atkMACWith(sha256.New, []byte(atkSecret), input))
}

func atkTok(header, payload string) string { return atkSign(atkB64(header) + "." + atkB64(payload)) }

func atkHdr(p verify.Profile) string {
	if p == verify.Signet || p == verify.ZendeskMessaging { // zendesk-messaging requires a kid (profiles.md)
		return `{"alg":"HS256","typ":"JWT","kid":"k1"}`
	}
	return `{"alg":"HS256","typ":"JWT"}`
}

// atkNeedsKid: the profile's tokens carry a kid header (signet's names the
// key; zendesk-messaging requires one, profiles.md).
func atkNeedsKid(p verify.Profile) bool { return p == verify.Signet || p == verify.ZendeskMessaging }

// atkHdrWith is the profile's header with more members (for signet, kid k1 stays).
func atkHdrWith(p verify.Profile, members string) string {
	h := atkHdr(p)
	return h[:len(h)-1] + "," + members + "}"
}

// atkQ is a JSON string literal of s, without HTML escaping.
func atkQ(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(string(b))
}

func atkIdent(typ, value string) string {
	return `{"identifier":` + atkQ(typ) + `,"value":` + atkQ(value) + `}`
}

var atkStdIDs = "[" + atkIdent("uid", atkUID) + "," + atkIdent("email", atkEmail) + "]"

// atkClaims is a claims object as an ordered list of members (JSON literals).
type atkClaims [][2]string

func atkBase(p verify.Profile) atkClaims {
	switch p {
	case verify.HelpshiftUserHub:
		return atkClaims{{"iat", atkIat}, {"identities", atkStdIDs}}
	case verify.PylonJWT:
		return atkClaims{{"email", atkQ(atkEmail)}, {"aud", atkQ(atkApp)}, {"iat", atkIat}, {"exp", atkExp}}
	case verify.Kustomer:
		return atkClaims{{"externalId", atkQ(atkUID)}, {"email", atkQ(atkEmail)}, {"iat", atkIat}}
	case verify.FreshdeskWidget:
		return atkClaims{{"name", atkQ("Jane")}, {"email", atkQ(atkEmail)}, {"exp", atkExp}}
	case verify.IntercomJWT:
		return atkClaims{{"user_id", atkQ(atkUID)}, {"email", atkQ(atkEmail)}, {"iat", atkIat}, {"exp", atkExp}}
	case verify.ZendeskMessaging:
		return atkClaims{{"scope", `"user"`}, {"external_id", atkQ(atkUID)}, {"email", atkQ(atkEmail)}, {"email_verified", "true"}, {"iat", atkIat}, {"exp", atkExp}}
	case verify.Drift:
		return atkClaims{{"sub", atkQ(atkUID)}, {"iat", atkIat}, {"exp", atkExp}}
	}
	return atkClaims{{"aud", atkQ(atkApp)}, {"iat", atkIat}, {"exp", atkExp}, {"identities", atkStdIDs}}
}

// set replaces the member name, or appends it.
func (c atkClaims) set(name, lit string) atkClaims {
	out := slices.Clone(c)
	for i := range out {
		if out[i][0] == name {
			out[i][1] = lit
			return out
		}
	}
	return append(out, [2]string{name, lit})
}

// add appends a member, even one already present.
func (c atkClaims) add(name, lit string) atkClaims {
	return append(slices.Clone(c), [2]string{name, lit})
}

func (c atkClaims) del(name string) atkClaims {
	return slices.DeleteFunc(slices.Clone(c), func(m [2]string) bool { return m[0] == name })
}

// rename renames a member in place.
func (c atkClaims) rename(from, to string) atkClaims {
	out := slices.Clone(c)
	for i := range out {
		if out[i][0] == from {
			out[i][0] = to
		}
	}
	return out
}

func (c atkClaims) String() string {
	var b strings.Builder
	b.WriteByte('{')
	for i, m := range c {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(atkQ(m[0]) + ":" + m[1])
	}
	b.WriteByte('}')
	return b.String()
}

// atkValid is a valid token of profile p.
func atkValid(p verify.Profile) string { return atkTok(atkHdr(p), atkBase(p).String()) }

// atkWant are the identities a valid token of p verifies.
func atkWant(p verify.Profile) []verify.Identity {
	switch p {
	case verify.PylonJWT, verify.FreshdeskWidget, verify.Kustomer: // Kustomer: the email takes precedence
		return []verify.Identity{{Type: verify.Email, Value: atkEmail}}
	case verify.Drift:
		return []verify.Identity{{Type: verify.UID, Value: atkUID}}
	}
	return []verify.Identity{{Type: verify.UID, Value: atkUID}, {Type: verify.Email, Value: atkEmail}}
}

func atkIDs(kv ...string) []verify.Identity {
	var out []verify.Identity
	for i := 0; i < len(kv); i += 2 {
		out = append(out, verify.Identity{Type: verify.IdentityType(kv[i]), Value: kv[i+1]})
	}
	return out
}

// atkTokIDs is a valid token of p (userhub or signet) whose identities claim
// is the literal ids.
func atkTokIDs(p verify.Profile, ids string) string {
	return atkTok(atkHdr(p), atkBase(p).set("identities", ids).String())
}

// atkMAC is an HMAC digest computed from profiles.md, independently of the
// verify package: key bytes per profile, encoded as the profile writes it.
func atkMAC(p verify.Profile, secret, msg string) []byte {
	key := []byte(secret)
	if p == verify.PylonHMAC {
		var err error
		if key, err = hex.DecodeString(secret); err != nil {
			panic(err)
		}
	}
	return atkMACWith(sha256.New, key, msg)
}

func atkEnc(p verify.Profile, mac []byte) string {
	if p == verify.HelpshiftLegacy {
		return base64.StdEncoding.EncodeToString(mac)
	}
	return hex.EncodeToString(mac)
}

func atkSecretOf(p verify.Profile) string {
	if p.HexSecret() {
		return atkHexSecret
	}
	return atkSecret
}

// atkDigestOf is the digest of p over msg with the app's secret.
func atkDigestOf(p verify.Profile, msg string) string {
	return atkEnc(p, atkMAC(p, atkSecretOf(p), msg))
}

// atkVerifier is an app of profile p: key k1 (the app's secret) and the
// revoked key k0.
func atkVerifier(t testing.TB, p verify.Profile, full bool, secret string) *verify.Verifier {
	t.Helper()
	revoked := atkRevokedSecret
	if p.HexSecret() {
		revoked = atkRevokedHex
	}
	k1, err := verify.NewKey(p, "k1", secret)
	if err != nil {
		t.Fatal(err)
	}
	k0, err := verify.NewKey(p, "k0", revoked)
	if err != nil {
		t.Fatal(err)
	}
	k0.Revoked = true
	v, err := verify.New(p, []verify.Key{k1, k0}, verify.Options{AppID: atkApp, FullPrivacy: full,
		Now: func() time.Time { return time.Unix(atkNow, 0) }})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// atkDigestReq is the request of a digest profile: the fields it reads.
func atkDigestReq(p verify.Profile, digest string) verify.Request {
	switch p {
	case verify.Akece:
		return verify.Request{UserID: atkUID, Digest: digest}
	case verify.PylonHMAC:
		return verify.Request{Email: atkEmail, Digest: digest}
	case verify.Intercom:
		return verify.Request{UserID: atkUID, Digest: digest}
	case verify.HelpScout, verify.Plain:
		return verify.Request{Email: atkEmail, Digest: digest}
	case verify.Front, verify.Gleap:
		return verify.Request{UserID: atkUID, Digest: digest}
	}
	return verify.Request{UserID: atkUID, Email: atkEmail, Digest: digest}
}

// atkDigestMsg is what p signs for atkDigestReq.
func atkDigestMsg(p verify.Profile) string {
	switch p {
	case verify.PylonHMAC, verify.HelpScout, verify.Plain:
		return atkEmail
	case verify.HelpshiftLegacy:
		return atkUID + atkEmail
	}
	return atkUID
}

func atkDigestIDs(p verify.Profile) []verify.Identity {
	switch p {
	case verify.PylonHMAC, verify.HelpScout, verify.Plain:
		return atkIDs("email", atkEmail)
	case verify.HelpshiftLegacy:
		return atkIDs("uid", atkUID, "email", atkEmail)
	}
	return atkIDs("uid", atkUID)
}

// atkOdd pads a JSON object with spaces after its '{' so that its base64url
// form has a partial last quantum (length % 4 == 2): room for '=' padding
// and for trailing bits.
func atkOdd(js string) string {
	for len(js)%3 != 1 {
		js = "{ " + js[1:]
	}
	return js
}

const atkAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// atkTrailing sets a trailing bit of a canonical segment's last character:
// the same bytes, a non-canonical encoding.
func atkTrailing(seg string) string {
	if len(seg)%4 == 0 {
		panic("no trailing bits in " + seg)
	}
	i := strings.IndexByte(atkAlphabet, seg[len(seg)-1])
	return seg[:len(seg)-1] + string(atkAlphabet[i|1])
}

func atkPad(seg string) string { return seg + strings.Repeat("=", (4-len(seg)%4)%4) }

func atkStdAlphabet(seg string) string {
	return strings.NewReplacer("-", "+", "_", "/").Replace(seg)
}

func atkSplit(tok string) (h, p, s string) {
	parts := strings.Split(tok, ".")
	return parts[0], parts[1], parts[2]
}

// --- the cases ---------------------------------------------------------------

func atkCases(t *testing.T) []atkCase {
	var all []atkCase
	for _, class := range []struct {
		name string
		gen  func(t *testing.T) []atkCase
	}{
		{"alg-none", atkAlgNone},
		{"alg-hmac", atkAlgHMAC},
		{"key-confusion", atkKeyConfusion},
		{"header", atkHeaders},
		{"kid", atkKid},
		{"base64", atkBase64},
		{"whitespace", atkWhitespace},
		{"segments", atkSegments},
		{"payload-type", atkPayloadType},
		{"bom-utf8", atkBOMUTF8},
		{"duplicate-claims", atkDuplicates},
		{"time-claims", atkTimeClaims},
		{"audience", atkAudience},
		{"cross-profile", atkCrossProfile},
		{"identities", atkIdentities},
		{"unicode", atkUnicode},
		{"field-confusion", atkFieldConfusion},
		{"legacy-concat", atkLegacyConcat},
		{"digest-encoding", atkDigestEncoding},
		{"vendor-identities", atkVendorIdentities},
	} {
		for _, c := range class.gen(t) {
			c.class = class.name
			all = append(all, c)
		}
	}
	return all
}

// atkVendorIdentities: the second-wave vendors' identity claims keep the
// identity rules, and only what the vendor signs is verified (Kustomer's
// email over its externalId).
func atkVendorIdentities(t *testing.T) []atkCase {
	var out []atkCase
	tok := func(p verify.Profile, c atkClaims) string { return atkTok(atkHdr(p), c.String()) }
	k, f := verify.Kustomer, verify.FreshdeskWidget
	kb, fb := atkBase(k), atkBase(f)
	add := func(p verify.Profile, name string, r verify.Request, want verify.Reason, ids []verify.Identity) {
		out = append(out, atkCase{name: name, p: p, req: r, want: want, ids: ids})
	}
	add(k, "the email takes precedence", verify.Request{Token: tok(k, kb)}, "", atkIDs("email", atkEmail))
	add(k, "the externalId sent beside a token whose email takes precedence", verify.Request{Token: tok(k, kb), UserID: atkUID}, verify.ReasonIdentityMismatch, nil)
	add(k, "the signed email sent beside it", verify.Request{Token: tok(k, kb), Email: atkEmail}, "", atkIDs("email", atkEmail))
	add(k, "externalId alone", verify.Request{Token: tok(k, kb.del("email")), UserID: atkUID}, "", atkIDs("uid", atkUID))
	add(k, "another user id beside an externalId", verify.Request{Token: tok(k, kb.del("email")), UserID: "admin"}, verify.ReasonIdentityMismatch, nil)
	add(k, "an email sent beside an externalId alone", verify.Request{Token: tok(k, kb.del("email")), Email: atkEmail}, verify.ReasonIdentityMismatch, nil)
	for _, lit := range []string{`42`, `4.2`, `true`, `null`, `["user-42"]`, `{"id":"user-42"}`, `""`, atkQ("user\u200b-42"), atkQ("user\u202e-42"),
		atkQ("user\x00-42"), atkQ("user\u0085-42"), atkQ(strings.Repeat("u", 1025))} {
		add(k, "externalId "+lit, verify.Request{Token: tok(k, kb.set("externalId", lit))}, verify.ReasonClaimInvalid, nil)
	}
	for _, lit := range []string{`42`, `null`, `""`, atkQ("jane\u200b@example.com"), atkQ("jane\u2066@example.com")} {
		add(k, "email "+lit, verify.Request{Token: tok(k, kb.set("email", lit))}, verify.ReasonClaimInvalid, nil)
		add(f, "email "+lit, verify.Request{Token: tok(f, fb.set("email", lit))}, verify.ReasonClaimInvalid, nil)
	}
	add(f, "the signed email", verify.Request{Token: tok(f, fb), Email: atkEmail}, "", atkIDs("email", atkEmail))
	add(f, "another email beside it", verify.Request{Token: tok(f, fb), Email: "admin@example.com"}, verify.ReasonIdentityMismatch, nil)
	add(f, "a user id beside it", verify.Request{Token: tok(f, fb), UserID: atkUID}, verify.ReasonIdentityMismatch, nil)
	add(f, "an externalId claim is not Freshdesk's", verify.Request{Token: tok(f, fb.add("externalId", `"admin"`))}, "", atkIDs("email", atkEmail))
	add(f, "no email, a uid claim", verify.Request{Token: tok(f, fb.del("email").add("uid", atkQ(atkUID)))}, verify.ReasonIdentityRequired, nil)
	add(f, "an empty name is absent", verify.Request{Token: tok(f, fb.set("name", `""`))}, "", atkIDs("email", atkEmail))
	for _, lit := range []string{`5`, `null`, `["Jane"]`, atkQ("Ja\x00ne")} {
		add(f, "name "+lit, verify.Request{Token: tok(f, fb.set("name", lit))}, verify.ReasonClaimInvalid, nil)
	}
	return out
}

func atkAlgNone(t *testing.T) []atkCase {
	var out []atkCase
	for _, p := range atkJWT {
		payload := atkBase(p).String()
		for _, alg := range []string{`"none"`, `"None"`, `"NONE"`, `"nOnE"`, `""`, `null`, `"none "`, `"\u006eone"`} {
			h := `{"alg":` + alg + `,"typ":"JWT"` + map[bool]string{true: `,"kid":"k1"`}[atkNeedsKid(p)] + `}`
			in := atkB64(h) + "." + atkB64(payload)
			out = append(out,
				atkCase{name: "alg " + alg + ", no signature", p: p, req: verify.Request{Token: in + "."}, want: verify.ReasonAlgorithmNotAllowed},
				atkCase{name: "alg " + alg + ", HMAC over the secret", p: p, req: verify.Request{Token: atkSign(in)}, want: verify.ReasonAlgorithmNotAllowed},
				atkCase{name: "alg " + alg + ", 43 zero characters", p: p, req: verify.Request{Token: in + "." + strings.Repeat("A", 43)}, want: verify.ReasonAlgorithmNotAllowed})
		}
		for name, h := range map[string]string{
			"no alg":            `{"typ":"JWT"` + map[bool]string{true: `,"kid":"k1"`}[atkNeedsKid(p)] + `}`,
			"empty header":      `{}`,
			"alg array":         `{"alg":["HS256"]}`,
			"alg object":        `{"alg":{"name":"HS256"}}`,
			"alg number":        `{"alg":256}`,
			"alg true":          `{"alg":true}`,
			"alg none then kid": `{"alg":"none","kid":"k1"}`,
		} {
			in := atkB64(h) + "." + atkB64(payload)
			out = append(out,
				atkCase{name: name + ", no signature", p: p, req: verify.Request{Token: in + "."}, want: verify.ReasonAlgorithmNotAllowed},
				atkCase{name: name + ", HMAC over the secret", p: p, req: verify.Request{Token: atkSign(in)}, want: verify.ReasonAlgorithmNotAllowed})
		}
	}
	return out
}

func atkAlgHMAC(t *testing.T) []atkCase {
	var out []atkCase
	for _, p := range atkJWT {
		payload := atkB64(atkBase(p).String())
		kid := map[bool]string{true: `,"kid":"k1"`}[atkNeedsKid(p)]
		for _, a := range []struct {
			alg string
			h   func() hash.Hash
		}{
			{"HS384", sha512.New384}, {"HS512", sha512.New}, {"HS384", sha256.New}, {"HS512", sha256.New},
			{"HS256 ", sha256.New}, {" HS256", sha256.New}, {"hs256", sha256.New}, {"Hs256", sha256.New},
			{"HS256\u0000", sha256.New}, {"HS2566", sha256.New}, {"HS25", sha256.New}, {"HS-256", sha256.New},
			{"HMAC-SHA256", sha256.New}, {"HS256\u200b", sha256.New}, {"ＨＳ256", sha256.New},
		} {
			in := atkB64(`{"alg":`+atkQ(a.alg)+`,"typ":"JWT"`+kid+`}`) + "." + payload
			tok := in + "." + base64.RawURLEncoding.EncodeToString(atkMACWith(a.h, []byte(atkSecret), in))
			out = append(out, atkCase{name: "alg " + strconv.Quote(a.alg) + " signed with the real secret", p: p,
				req: verify.Request{Token: tok}, want: verify.ReasonAlgorithmNotAllowed})
		}
		// The same name, escaped: JSON says it is HS256, and it is.
		out = append(out, atkCase{name: `alg "HS\u0032\u0035\u0036" is HS256`, p: p,
			req:  verify.Request{Token: atkSign(atkB64(`{"alg":"HS\u0032\u0035\u0036","typ":"JWT"`+kid+`}`) + "." + payload)},
			want: "", ids: atkWant(p)})
	}
	return out
}

func atkKeyConfusion(t *testing.T) []atkCase {
	var out []atkCase
	// What a public key might look like if an attacker hoped Signet would
	// verify an asymmetric alg with the HMAC secret as the "public key".
	pem := "-----BEGIN PUBLIC KEY-----\n" + base64.StdEncoding.EncodeToString([]byte(atkSecret)) + "\n-----END PUBLIC KEY-----\n"
	for _, p := range atkJWT {
		payload := atkB64(atkBase(p).String())
		kid := map[bool]string{true: `,"kid":"k1"`}[atkNeedsKid(p)]
		for _, alg := range []string{"RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "ES512", "ES256K", "EdDSA", "Ed25519"} {
			in := atkB64(`{"alg":"`+alg+`","typ":"JWT"`+kid+`}`) + "." + payload
			out = append(out,
				atkCase{name: alg + " header, HMAC-SHA256 over the secret", p: p, req: verify.Request{Token: atkSign(in)}, want: verify.ReasonAlgorithmNotAllowed},
				atkCase{name: alg + " header, HMAC keyed with the secret as a PEM public key", p: p,
					req:  verify.Request{Token: in + "." + base64.RawURLEncoding.EncodeToString(atkMACWith(sha256.New, []byte(pem), in))},
					want: verify.ReasonAlgorithmNotAllowed},
				atkCase{name: alg + " header, 256-byte signature", p: p,
					req: verify.Request{Token: in + "." + strings.Repeat("Q", 342)}, want: verify.ReasonAlgorithmNotAllowed})
		}
		in := atkB64(atkHdr(p)) + "." + payload
		for name, key := range map[string][]byte{
			"HS256 keyed with the secret as a PEM public key": []byte(pem),
			"HS256 keyed with the empty key":                  {},
			"HS256 keyed with the app id":                     []byte(atkApp),
			"HS256 keyed with the secret hex-decoded?":        []byte(hex.EncodeToString([]byte(atkSecret))),
		} {
			out = append(out, atkCase{name: name, p: p,
				req: verify.Request{Token: in + "." + base64.RawURLEncoding.EncodeToString(atkMACWith(sha256.New, key, in))}, want: verify.ReasonSignatureMismatch})
		}
		sum := sha256.Sum256([]byte(in))
		out = append(out, atkCase{name: "HS256 with a bare SHA-256 (no key)", p: p,
			req: verify.Request{Token: in + "." + base64.RawURLEncoding.EncodeToString(sum[:])}, want: verify.ReasonSignatureMismatch})
		out = append(out, atkCase{name: "HS256 with an embedded jwk naming the secret", p: p,
			req:  verify.Request{Token: atkTok(atkHdrWith(p, `"jwk":{"kty":"oct","k":"`+atkB64(atkOtherSecret)+`"}`), atkBase(p).String())},
			want: verify.ReasonHeaderNotAllowed})
	}
	return out
}

func atkHeaders(t *testing.T) []atkCase {
	var out []atkCase
	for _, p := range atkJWT {
		payload := atkBase(p).String()
		for _, m := range []string{
			`"jku":"https://evil.example/jwks.json"`, `"x5u":"https://evil.example/cert.pem"`,
			`"x5c":["MIIBszCCAVmgAwIBAgIUQ"]`, `"x5t":"dGh1bWI"`, `"x5t#S256":"dGh1bWI"`,
			`"jwk":{"kty":"oct","k":"c2VjcmV0"}`, `"crit":["exp"]`, `"crit":[]`, `"b64":false`, `"b64":true`,
			`"zip":"DEF"`, `"cty":"JWT"`, `"cty":"application/json"`, `"enc":"A256GCM"`, `"epk":{}`,
			`"iss":"brand"`, `"foo":"bar"`, `"":""`, `"Alg":"HS256"`, `"ALG":"none"`, `"Typ":"JWT"`, `"KID":"k1"`,
			`"typ":"JOSE"`, `"typ":"at+jwt"`, `"typ":1`, `"typ":null`, `"typ":"JWT "`,
			`"__proto__":{"alg":"none"}`, `"constructor":{}`,
		} {
			h := atkHdrWith(p, m)
			if strings.HasPrefix(m, `"typ"`) {
				h = strings.Replace(atkHdr(p), `"typ":"JWT"`, m, 1)
			}
			out = append(out, atkCase{name: "header " + m, p: p, req: verify.Request{Token: atkTok(h, payload)}, want: verify.ReasonHeaderNotAllowed})
		}
		kid := map[bool]string{true: `,"kid":"k1"`}[atkNeedsKid(p)]
		for name, h := range map[string]string{
			"alg twice, same value":     `{"alg":"HS256","alg":"HS256"` + kid + `}`,
			"alg none then HS256":       `{"alg":"none","alg":"HS256"` + kid + `}`,
			"alg HS256 then none":       `{"alg":"HS256","alg":"none"` + kid + `}`,
			"alg HS256 then RS256":      `{"alg":"HS256","typ":"JWT","alg":"RS256"` + kid + `}`,
			"typ twice":                 `{"alg":"HS256","typ":"JWT","typ":"JWT"` + kid + `}`,
			"kid twice, k9 then k1":     `{"alg":"HS256","kid":"k9","kid":"k1"}`,
			"kid twice, k1 then k9":     `{"alg":"HS256","kid":"k1","kid":"k9"}`,
			"header is an array":        `[{"alg":"HS256"}]`,
			"header is a string":        `"HS256"`,
			"header is null":            `null`,
			"header with trailing data": `{"alg":"HS256"` + kid + `}x`,
			"two header objects":        `{"alg":"HS256"` + kid + `}{}`,
			"header not closed":         `{"alg":"HS256"` + kid,
			"header in single quotes":   `{'alg':'HS256'}`,
			"header with a comment":     `{"alg":"HS256"/* */` + kid + `}`,
		} {
			out = append(out, atkCase{name: name, p: p, req: verify.Request{Token: atkTok(h, payload)}, want: verify.ReasonMalformed})
		}
		out = append(out, atkCase{name: `typ "jwt" (any case is JWT)`, p: p,
			req: verify.Request{Token: atkTok(strings.Replace(atkHdr(p), `"JWT"`, `"jwt"`, 1), payload)}, ids: atkWant(p)})
	}
	return out
}

func atkKid(t *testing.T) []atkCase {
	var out []atkCase
	payload := atkBase(verify.Signet).String()
	long := strings.Repeat("k1/", 1300)
	for name, kid := range map[string]string{
		"path traversal":           "../../../../etc/passwd",
		"path traversal to k1":     "../k1",
		"absolute path":            "/dev/zero",
		"URL":                      "https://evil.example/k1",
		"SQL injection":            "k1' OR '1'='1",
		"SQL statement":            "k1'; DROP TABLE keys; --",
		"escaped NUL after k1":     "k1\x00",
		"escaped NUL inside":       "k1\x00../../x",
		"percent-encoded NUL":      "k1%00",
		"very long":                long,
		"log4j lookup":             "${jndi:ldap://evil.example/a}",
		"template":                 "{{.Secret}}",
		"case variant":             "K1",
		"trailing space":           "k1 ",
		"leading space":            " k1",
		"empty":                    "",
		"newline escaped":          "k1\nk0",
		"Cyrillic look-alike":      "к1",
		"full-width":               "ｋ1",
		"zero-width joiner":        "k\u200d1",
		"the revoked key's secret": atkRevokedSecret,
	} {
		h := `{"alg":"HS256","typ":"JWT","kid":` + atkQ(kid) + `}`
		c := atkCase{name: "kid " + name, p: verify.Signet, req: verify.Request{Token: atkTok(h, payload)}, want: verify.ReasonKeyUnknown}
		if len(kid) >= 4 {
			c.hidden = []string{kid} // never echoed into a message or a log
		}
		out = append(out, c)
		// helpshift-userhub and pylon-jwt have one secret and ignore kid.
		for _, p := range []verify.Profile{verify.HelpshiftUserHub, verify.PylonJWT} {
			out = append(out, atkCase{name: "kid " + name + " is ignored", p: p,
				req: verify.Request{Token: atkTok(`{"alg":"HS256","typ":"JWT","kid":`+atkQ(kid)+`}`, atkBase(p).String())}, ids: atkWant(p)})
		}
	}
	// A kid that is not a string is a header that breaks the header rules
	// (RFC 7515 §4.1.4: kid is a string): header_not_allowed, in every
	// profile, before any key is looked up. See the report of issue 6.
	for _, kid := range []string{`1`, `true`, `null`, `["k1"]`, `["k1","k0"]`, `{"id":"k1"}`, `1e400`} {
		for _, p := range atkJWT {
			out = append(out, atkCase{name: "kid " + kid, p: p,
				req: verify.Request{Token: atkTok(`{"alg":"HS256","typ":"JWT","kid":`+kid+`}`, atkBase(p).String())}, want: verify.ReasonHeaderNotAllowed})
		}
	}
	// Raw bytes JSON does not allow in a string: the header is not JSON.
	for name, raw := range map[string]string{"raw NUL": "k1\x00", "raw newline": "k1\n", "raw tab": "k\t1", "invalid UTF-8": "k1\xff", "lone surrogate": `k1\ud800`} {
		out = append(out, atkCase{name: "kid with " + name, p: verify.Signet,
			req: verify.Request{Token: atkTok(`{"alg":"HS256","typ":"JWT","kid":"`+raw+`"}`, payload)}, want: verify.ReasonMalformed})
	}
	// Signed with the revoked key's secret: never verifies; the doctor says
	// which key it was (other_key), by id, never by secret.
	for _, p := range atkJWT {
		in := atkB64(atkHdr(p)) + "." + atkB64(atkBase(p).String())
		tok := in + "." + base64.RawURLEncoding.EncodeToString(atkMACWith(sha256.New, []byte(atkRevokedSecret), in))
		// (For signet, kid k1 names the live key, whose MAC this is not.)
		out = append(out, atkCase{name: "signed with the revoked key's secret", p: p, req: verify.Request{Token: tok},
			want: verify.ReasonSignatureMismatch, cause: verify.CauseOtherKey})
	}
	in := atkB64(`{"alg":"HS256","typ":"JWT","kid":"k0"}`) + "." + atkB64(payload)
	out = append(out, atkCase{name: "kid of the revoked key, signed with its secret", p: verify.Signet,
		req: verify.Request{Token: in + "." + base64.RawURLEncoding.EncodeToString(atkMACWith(sha256.New, []byte(atkRevokedSecret), in))}, want: verify.ReasonKeyRevoked, cause: verify.CauseOtherKey})
	// The revoked key's kid, signed with the app's (live) secret: key_revoked,
	// never a fallback to another key.
	out = append(out, atkCase{name: "kid of the revoked key, signed with the live secret", p: verify.Signet,
		req: verify.Request{Token: atkTok(`{"alg":"HS256","typ":"JWT","kid":"k0"}`, payload)}, want: verify.ReasonKeyRevoked})
	return out
}

func atkBase64(t *testing.T) []atkCase {
	var out []atkCase
	for _, p := range atkJWT {
		h, pl := atkB64(atkOdd(atkHdr(p))), atkB64(atkOdd(atkBase(p).String()))
		good := atkSign(h + "." + pl)
		atkMustVerify(t, p, good)
		_, _, s := atkSplit(good)
		out = append(out,
			atkCase{name: "padded header", p: p, req: verify.Request{Token: atkSign(atkPad(h) + "." + pl)}, want: verify.ReasonMalformed},
			atkCase{name: "padded payload", p: p, req: verify.Request{Token: atkSign(h + "." + atkPad(pl))}, want: verify.ReasonMalformed},
			atkCase{name: "padded signature", p: p, req: verify.Request{Token: good + "="}, want: verify.ReasonMalformed},
			atkCase{name: "padded everything", p: p, req: verify.Request{Token: atkPad(h) + "." + atkPad(pl) + "." + atkPad(s)}, want: verify.ReasonMalformed},
			atkCase{name: "header with non-zero trailing bits", p: p, req: verify.Request{Token: atkSign(atkTrailing(h) + "." + pl)}, want: verify.ReasonMalformed},
			atkCase{name: "payload with non-zero trailing bits", p: p, req: verify.Request{Token: atkSign(h + "." + atkTrailing(pl))}, want: verify.ReasonMalformed},
			atkCase{name: "signature with non-zero trailing bits", p: p, req: verify.Request{Token: h + "." + pl + "." + atkTrailing(s)}, want: verify.ReasonMalformed},
			atkCase{name: "signature one character short", p: p, req: verify.Request{Token: good[:len(good)-1]}, want: verify.ReasonMalformed},
			atkCase{name: "signature one character long", p: p, req: verify.Request{Token: good + "A"}, want: verify.ReasonMalformed},
			atkCase{name: "signature of 33 bytes", p: p, req: verify.Request{Token: h + "." + pl + "." + base64.RawURLEncoding.EncodeToString(append(atkMACWith(sha256.New, []byte(atkSecret), h+"."+pl), 0))}, want: verify.ReasonMalformed},
			atkCase{name: "signature of 31 bytes", p: p, req: verify.Request{Token: h + "." + pl + "." + base64.RawURLEncoding.EncodeToString(atkMACWith(sha256.New, []byte(atkSecret), h+"."+pl)[:31])}, want: verify.ReasonMalformed},
			atkCase{name: "signature in hex", p: p, req: verify.Request{Token: h + "." + pl + "." + hex.EncodeToString(atkMACWith(sha256.New, []byte(atkSecret), h+"."+pl))}, want: verify.ReasonMalformed},
		)
		// The standard alphabet: a claim chosen so that the payload (and,
		// for the profiles that ignore kid, the header) holds '-' and '_'.
		for i := 0; ; i++ {
			pl := atkB64(atkBase(p).add("n", atkQ(strconv.Itoa(i)+"~~~???")).String())
			if !strings.Contains(pl, "-") || !strings.Contains(pl, "_") {
				continue
			}
			atkMustVerify(t, p, atkSign(h+"."+pl))
			// Signed over the bytes received: only the encoding refuses it.
			out = append(out, atkCase{name: "payload in the standard alphabet (+ /)", p: p,
				req: verify.Request{Token: atkSign(h + "." + atkStdAlphabet(pl))}, want: verify.ReasonMalformed})
			out = append(out, atkCase{name: "payload in the standard alphabet, padded", p: p,
				req: verify.Request{Token: atkSign(h + "." + atkPad(atkStdAlphabet(pl)))}, want: verify.ReasonMalformed})
			// Signed over the canonical bytes, re-encoded after: the doctor
			// sees that it verifies once written as base64url.
			_, _, sig := atkSplit(atkSign(h + "." + pl))
			out = append(out, atkCase{name: "payload re-encoded in the standard alphabet after signing", p: p,
				req: verify.Request{Token: h + "." + atkStdAlphabet(pl) + "." + sig}, want: verify.ReasonMalformed, cause: verify.CauseWrongEncoding})
			break
		}
		for i := 0; ; i++ {
			tok := atkTok(atkHdr(p), atkBase(p).add("n", strconv.Itoa(i)).String())
			hh, pp, ss := atkSplit(tok)
			if !strings.ContainsAny(ss, "-_") {
				continue
			}
			// Signed over the canonical bytes: the doctor sees that it
			// verifies once written as base64url.
			out = append(out, atkCase{name: "signature in the standard alphabet", p: p,
				req: verify.Request{Token: hh + "." + pp + "." + atkStdAlphabet(ss)}, want: verify.ReasonMalformed, cause: verify.CauseWrongEncoding})
			break
		}
		if p != verify.Signet {
			for i := 0; ; i++ {
				hdr := atkB64(`{"alg":"HS256","typ":"JWT","kid":` + atkQ(strconv.Itoa(i)+"~~~???") + `}`)
				if !strings.Contains(hdr, "-") || !strings.Contains(hdr, "_") {
					continue
				}
				atkMustVerify(t, p, atkSign(hdr+"."+atkB64(atkBase(p).String())))
				out = append(out, atkCase{name: "header in the standard alphabet (+ /)", p: p,
					req: verify.Request{Token: atkSign(atkStdAlphabet(hdr) + "." + atkB64(atkBase(p).String()))}, want: verify.ReasonMalformed})
				break
			}
		}
	}
	return out
}

func atkWhitespace(t *testing.T) []atkCase {
	var out []atkCase
	for _, p := range atkJWT {
		h, pl, s := atkSplit(atkValid(p))
		type pos struct {
			name string
			tok  func(ws string) string
		}
		positions := []pos{
			{"before the token", func(ws string) string { return atkSign(ws + h + "." + pl) }},
			{"inside the header", func(ws string) string { return atkSign(h[:7] + ws + h[7:] + "." + pl) }},
			{"before the first dot", func(ws string) string { return atkSign(h + ws + "." + pl) }},
			{"after the first dot", func(ws string) string { return atkSign(h + "." + ws + pl) }},
			{"inside the payload", func(ws string) string { return atkSign(h + "." + pl[:12] + ws + pl[12:]) }},
			{"before the second dot", func(ws string) string { return atkSign(h + "." + pl + ws) }},
			{"after the second dot", func(ws string) string { return h + "." + pl + "." + ws + s }},
			{"inside the signature", func(ws string) string { return h + "." + pl + "." + s[:20] + ws + s[20:] }},
			{"trailing", func(ws string) string { return h + "." + pl + "." + s + ws }},
		}
		for _, ps := range positions {
			for _, ws := range []string{" ", "\t", "\n", "\r", "\r\n", "\v", "\f", "\u00a0", "\u2028", "\u3000", "\ufeff"} {
				out = append(out, atkCase{name: "whitespace " + strconv.Quote(ws) + " " + ps.name, p: p,
					req: verify.Request{Token: ps.tok(ws)}, want: verify.ReasonMalformed})
			}
		}
		// A token wrapped at 76 columns, as a MIME encoder would.
		tok := h + "." + pl + "." + s
		var wrapped strings.Builder
		for i := 0; i < len(tok); i += 76 {
			wrapped.WriteString(tok[i:min(i+76, len(tok))])
			wrapped.WriteString("\r\n")
		}
		out = append(out, atkCase{name: "wrapped at 76 columns", p: p, req: verify.Request{Token: wrapped.String()}, want: verify.ReasonMalformed, cause: verify.CauseWrongEncoding})
		out = append(out, atkCase{name: "a NUL after the token", p: p, req: verify.Request{Token: tok + "\x00"}, want: verify.ReasonMalformed})
		out = append(out, atkCase{name: "Bearer prefix", p: p, req: verify.Request{Token: "Bearer " + tok}, want: verify.ReasonMalformed})
		out = append(out, atkCase{name: "quoted", p: p, req: verify.Request{Token: `"` + tok + `"`}, want: verify.ReasonMalformed})
	}
	return out
}

func atkSegments(t *testing.T) []atkCase {
	var out []atkCase
	for _, p := range atkJWT {
		tok := atkValid(p)
		h, pl, s := atkSplit(tok)
		// The claims read as a header: parameters other than alg, typ, kid.
		out = append(out, atkCase{name: "header and payload swapped", p: p, req: verify.Request{Token: atkSign(pl + "." + h)}, want: verify.ReasonHeaderNotAllowed})
		for name, bad := range map[string]string{
			"one segment (header)":       h,
			"one segment (payload)":      pl,
			"two segments":               h + "." + pl,
			"two segments and a dot":     h + "." + pl + ".",
			"four segments":              tok + "." + s,
			"four segments, empty last":  tok + ".",
			"four segments, dot first":   "." + tok,
			"five segments (JWE shape)":  h + "." + pl + "." + s + "." + s + "." + s,
			"a real JWE header":          atkB64(`{"alg":"RSA-OAEP","enc":"A256GCM"}`) + ".OKOawDo13gRp2ojaHV7LFpZcgV7T6DVZKTyKOMTYUmKoTCVJRgckCL9kiMT03JGeipsEdY3mx_etLbbWSrFr05kLzcSr4qKAq7YN7e9jwQRb23nfa6c9d-StnImGyFDbSv04uVuxIp5Zms1gNxKKK2Da14B8S4rzVRltdYwam_lDp5XnZAYpQdb76FdIKLaVmqgfwX7XWRxv2322i-vDxRfqNzo_tETKzpVLzfiwQyeyPGLBIO56YJ7eObdv0je81860ppamavo35UgoRdbYaBcoh9QcfylQr66oc6vFWXRcZ_ZT2LawVCWTIy3brGPi6UklfCpIMfIjf7iGdXKHzg.48V1_ALb6US04U3b.5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6jiSdiwkIr3ajwQzaBtQD_A.XFBoMYUZodetZdvTiFvSkQ",
			"empty":                      "",
			"one dot":                    ".",
			"two dots":                   "..",
			"three dots":                 "...",
			"four dots":                  "....",
			"empty header":               "." + pl + "." + s,
			"empty payload":              h + ".." + s,
			"empty signature":            h + "." + pl + ".",
			"only a signature":           ".." + s,
			"header and signature only":  h + "..",
			"dot inside a segment":       h[:5] + "." + h[5:] + "." + pl + "." + s,
			"unicode full stop":          h + "\u3002" + pl + "\u3002" + s,
			"one-dot leader as the dots": h + "\u2024" + pl + "\u2024" + s,
		} {
			out = append(out, atkCase{name: name, p: p, req: verify.Request{Token: bad}, want: verify.ReasonMalformed})
		}
	}
	return out
}

func atkPayloadType(t *testing.T) []atkCase {
	var out []atkCase
	for _, p := range atkJWT {
		for _, pl := range []string{`[]`, `[` + atkBase(p).String() + `]`, `"claims"`, `123`, `1.5e3`, `null`, `true`, `false`,
			atkQ(atkBase(p).String()), ` `, atkBase(p).String() + `x`, atkBase(p).String() + `{}`, atkBase(p).String() + `,`,
			`{"iat":` + atkIat, `{` + atkIat + `}`, `{"iat" ` + atkIat + `}`, `{iat:` + atkIat + `}`, `{"iat":01767225540}`,
			`{"iat":+1767225540}`, `{"iat":1767225540.}`, `{"iat":NaN}`, `{"iat":Infinity}`, `{"iat":0x69550000}`} {
			out = append(out, atkCase{name: "payload " + pl, p: p, req: verify.Request{Token: atkTok(atkHdr(p), pl)}, want: verify.ReasonClaimInvalid})
		}
		// An empty object lacks iat first; where iat is optional (the second
		// wave's intercom-jwt, zendesk-messaging and drift), the identity
		// claim, or zendesk-messaging's scope.
		empty := verify.ReasonClaimInvalid
		if p == verify.IntercomJWT || p == verify.Drift {
			empty = verify.ReasonIdentityRequired
		}
		out = append(out, atkCase{name: "payload {}", p: p, req: verify.Request{Token: atkTok(atkHdr(p), `{}`)}, want: empty})
	}
	return out
}

func atkBOMUTF8(t *testing.T) []atkCase {
	var out []atkCase
	for _, p := range atkJWT {
		payload := atkBase(p).String()
		kid := map[bool]string{true: `,"kid":"k1"`}[atkNeedsKid(p)]
		for name, h := range map[string]string{
			"BOM before the header JSON":        "\ufeff" + atkHdr(p),
			"BOM inside the header":             `{` + "\ufeff" + `"alg":"HS256"` + kid + `}`,
			"BOM after the header JSON":         atkHdr(p) + "\ufeff",
			"UTF-16 BOM before the header":      "\xff\xfe" + atkHdr(p),
			"invalid UTF-8 in typ":              `{"alg":"HS256","typ":"JWT` + "\xff" + `"` + kid + `}`,
			"invalid UTF-8 in a member name":    `{"alg":"HS256","t` + "\xc3" + `p":"JWT"` + kid + `}`,
			"overlong '/' in a header value":    `{"alg":"HS256","typ":"` + "\xc0\xaf" + `"` + kid + `}`,
			"invalid UTF-8 outside the strings": `{"alg":"HS256"` + "\xff" + kid + `}`,
			"UTF-16 header":                     "{\x00\"\x00a\x00l\x00g\x00\"\x00:\x00\"\x00H\x00S\x002\x005\x006\x00\"\x00}\x00",
		} {
			out = append(out, atkCase{name: name, p: p, req: verify.Request{Token: atkTok(h, payload)}, want: verify.ReasonMalformed})
		}
		for name, pl := range map[string]string{
			"BOM before the payload JSON":       "\ufeff" + payload,
			"BOM after the payload JSON":        payload + "\ufeff",
			"invalid UTF-8 in an unknown claim": payload[:len(payload)-1] + `,"note":"` + "\xff" + `"}`,
			"invalid UTF-8 in a claim name":     payload[:len(payload)-1] + `,"no` + "\xfe" + `te":1}`,
			"invalid UTF-8 outside the strings": payload[:len(payload)-1] + "\xff}",
			"overlong encoding of '\"'":         payload[:len(payload)-1] + `,"note":"` + "\xc0\xa2" + `"}`,
			"UTF-8-encoded surrogate (CESU-8)":  payload[:len(payload)-1] + `,"note":"` + "\xed\xa0\x80\xed\xb0\x80" + `"}`,
			"escaped lone high surrogate":       payload[:len(payload)-1] + `,"note":"\ud800"}`,
			"escaped lone low surrogate":        payload[:len(payload)-1] + `,"note":"\udfff x"}`,
			"escaped surrogates reversed":       payload[:len(payload)-1] + `,"note":"\udc00\ud800"}`,
			"truncated UTF-8 at the end":        payload[:len(payload)-1] + `,"note":"` + "\xe2\x82" + `"}`,
			"code point above U+10FFFF":         payload[:len(payload)-1] + `,"note":"` + "\xf4\x90\x80\x80" + `"}`,
			"UTF-16 payload":                    "{\x00}\x00",
		} {
			out = append(out, atkCase{name: name, p: p, req: verify.Request{Token: atkTok(atkHdr(p), pl)}, want: verify.ReasonClaimInvalid})
		}
		// The identity itself (or pylon's email) in invalid UTF-8.
		var bad string
		if p == verify.PylonJWT {
			bad = atkBase(p).set("email", `"jane`+"\xff"+`@example.com"`).String()
		} else {
			bad = atkBase(p).set("identities", `[{"identifier":"uid","value":"user`+"\xff"+`42"}]`).String()
		}
		out = append(out, atkCase{name: "invalid UTF-8 in the signed identity", p: p, req: verify.Request{Token: atkTok(atkHdr(p), bad)}, want: verify.ReasonClaimInvalid})
		// U+FFFD itself is a character like any other.
		out = append(out, atkCase{name: "an escaped U+FFFD in an unknown claim is fine", p: p,
			req: verify.Request{Token: atkTok(atkHdr(p), atkBase(p).add("note", `"\ufffd"`).String())}, ids: atkWant(p)})
	}
	return out
}

func atkDuplicates(t *testing.T) []atkCase {
	var out []atkCase
	add := func(p verify.Profile, name string, c atkClaims, want verify.Reason, ids []verify.Identity) {
		out = append(out, atkCase{name: name, p: p, req: verify.Request{Token: atkTok(atkHdr(p), c.String())}, want: want, ids: ids})
	}
	evil := atkQ("evil@example.com")
	for _, p := range atkJWT {
		b := atkBase(p)
		// Freshdesk reads no iat: one is ignored, whatever its case, but it
		// is still one JSON member, which may not appear twice.
		readsIat := p != verify.FreshdeskWidget
		if !readsIat {
			b = b.add("iat", atkIat)
		}
		iatVariant := func(v string) (verify.Reason, []verify.Identity) {
			if !readsIat && strings.EqualFold(v, "iat") {
				return "", atkWant(p)
			}
			return verify.ReasonClaimInvalid, nil
		}
		add(p, "iat twice, same value", b.add("iat", atkIat), verify.ReasonClaimInvalid, nil)
		add(p, "iat twice, second one fresher", b.set("iat", "1767100000").add("iat", atkIat), verify.ReasonClaimInvalid, nil)
		add(p, "exp twice", b.set("exp", atkExp).add("exp", atkExp), verify.ReasonClaimInvalid, nil)
		add(p, "nbf twice", b.add("nbf", atkIat).add("nbf", atkIat), verify.ReasonClaimInvalid, nil)
		add(p, "an unknown claim twice", b.add("jti", `"a"`).add("jti", `"a"`), verify.ReasonClaimInvalid, nil)
		add(p, "a member twice two levels down", b.add("x", `{"y":{"z":1,"z":1}}`), verify.ReasonClaimInvalid, nil)
		// Case variants of a claim the profile reads, next to a valid set.
		for _, v := range []string{"IAT", "Iat", "iAt", "Exp", "EXP", "NBF", "Nbf"} {
			want, ids := iatVariant(v)
			add(p, v+" next to the valid claims", b.add(v, atkIat), want, ids)
		}
		want, ids := iatVariant("IAT")
		add(p, "IAT instead of iat", b.rename("iat", "IAT"), want, ids)
		switch p {
		case verify.HelpshiftUserHub:
			add(p, "identities twice", b.add("identities", b[1][1]), verify.ReasonClaimInvalid, nil)
			add(p, "Identities next to identities", b.add("Identities", `[`+atkIdent("uid", "admin")+`]`), verify.ReasonClaimInvalid, nil)
			add(p, "IDENTITIES instead of identities", b.rename("identities", "IDENTITIES"), verify.ReasonClaimInvalid, nil)
			add(p, "identitieſ (long s) next to identities", b.add("identitieſ", `[`+atkIdent("uid", "admin")+`]`), verify.ReasonClaimInvalid, nil)
			// Claims userhub does not read are ignored, whatever their case:
			// the identities verified are exactly the signed identities.
			add(p, "EMAIL (not a userhub claim) is ignored", b.add("EMAIL", evil), "", atkWant(p))
			add(p, "email (not a userhub claim) is ignored", b.add("email", evil), "", atkWant(p))
			add(p, "AUD (not a userhub claim) is ignored", b.add("AUD", `"x"`), "", atkWant(p))
		case verify.PylonJWT:
			add(p, "email twice, same value", b.add("email", atkQ(atkEmail)), verify.ReasonClaimInvalid, nil)
			add(p, "email twice, evil second", b.add("email", evil), verify.ReasonClaimInvalid, nil)
			add(p, "email twice, evil first", append(atkClaims{{"email", evil}}, b...), verify.ReasonClaimInvalid, nil)
			add(p, "aud twice", b.add("aud", atkQ(atkApp)), verify.ReasonClaimInvalid, nil)
			add(p, "aud twice, other app first", append(atkClaims{{"aud", `"app_other"`}}, b...), verify.ReasonClaimInvalid, nil)
			add(p, "name twice", b.add("name", `"Jane"`).add("name", `"Admin"`), verify.ReasonClaimInvalid, nil)
			add(p, "account_id twice", b.add("account_id", `"a1"`).add("account_id", `"a2"`), verify.ReasonClaimInvalid, nil)
			for _, v := range []string{"EMAIL", "Email", "eMail", "AUD", "Aud", "NAME", "Account_Id"} {
				add(p, v+" next to the valid claims", b.add(v, evil), verify.ReasonClaimInvalid, nil)
			}
			add(p, "EMAIL instead of email", b.rename("email", "EMAIL"), verify.ReasonClaimInvalid, nil)
			add(p, "Identities (not a pylon claim) is ignored", b.add("Identities", `[`+atkIdent("uid", "admin")+`]`), "", atkWant(p))
			add(p, "identities (not a pylon claim) is ignored", b.add("identities", `[`+atkIdent("uid", "admin")+`]`), "", atkWant(p))
		case verify.Signet:
			add(p, "identities twice", b.add("identities", `[`+atkIdent("uid", "admin")+`]`), verify.ReasonClaimInvalid, nil)
			add(p, "aud twice", b.add("aud", atkQ(atkApp)), verify.ReasonClaimInvalid, nil)
			add(p, "aud twice, other app first", append(atkClaims{{"aud", `"app_other"`}}, b...), verify.ReasonClaimInvalid, nil)
			for _, v := range []string{"AUD", "Aud", "Identities", "IDENTITIES", "identitieſ", "Name"} {
				add(p, v+" next to the valid claims", b.add(v, `[`+atkIdent("uid", "admin")+`]`), verify.ReasonClaimInvalid, nil)
			}
			add(p, "AUD instead of aud", b.rename("aud", "AUD"), verify.ReasonClaimInvalid, nil)
			add(p, "EMAIL (not a signet claim) is ignored", b.add("EMAIL", evil), "", atkWant(p))
			add(p, "uid (not a signet claim) is ignored", b.add("uid", `"admin"`), "", atkWant(p))
		case verify.Kustomer:
			add(p, "externalId twice, same value", b.add("externalId", atkQ(atkUID)), verify.ReasonClaimInvalid, nil)
			add(p, "externalId twice, evil first", append(atkClaims{{"externalId", `"admin"`}}, b...), verify.ReasonClaimInvalid, nil)
			add(p, "email twice, evil second", b.add("email", evil), verify.ReasonClaimInvalid, nil)
			for _, v := range []string{"ExternalId", "externalID", "EXTERNALID", "externalid", "Email", "EMAIL"} {
				add(p, v+" next to the valid claims", b.add(v, evil), verify.ReasonClaimInvalid, nil)
			}
			add(p, "externalID instead of externalId", b.del("email").rename("externalId", "externalID"), verify.ReasonClaimInvalid, nil)
			add(p, "external_id (not a kustomer claim) is ignored", b.add("external_id", `"admin"`), "", atkWant(p))
			add(p, "identities (not a kustomer claim) is ignored", b.add("identities", `[`+atkIdent("email", "evil@example.com")+`]`), "", atkWant(p))
		case verify.FreshdeskWidget:
			add(p, "email twice, evil second", b.add("email", evil), verify.ReasonClaimInvalid, nil)
			add(p, "email twice, evil first", append(atkClaims{{"email", evil}}, b...), verify.ReasonClaimInvalid, nil)
			add(p, "name twice", b.add("name", `"Admin"`), verify.ReasonClaimInvalid, nil)
			for _, v := range []string{"Email", "EMAIL", "Name", "NAME"} {
				add(p, v+" next to the valid claims", b.add(v, evil), verify.ReasonClaimInvalid, nil)
			}
			add(p, "EMAIL instead of email", b.rename("email", "EMAIL"), verify.ReasonClaimInvalid, nil)
			add(p, "uid (not a freshdesk claim) is ignored", b.add("uid", `"admin"`), "", atkWant(p))
		case verify.IntercomJWT, verify.ZendeskMessaging, verify.Drift:
			// The second wave: the identity claim (and Zendesk's scope and
			// email_verified) twice or in another case; claims the profile
			// does not read are ignored.
			id := map[verify.Profile]string{verify.IntercomJWT: "user_id", verify.ZendeskMessaging: "external_id", verify.Drift: "sub"}[p]
			add(p, id+" twice, same value", b.add(id, atkQ(atkUID)), verify.ReasonClaimInvalid, nil)
			add(p, id+" twice, evil second", b.add(id, `"admin"`), verify.ReasonClaimInvalid, nil)
			add(p, id+" twice, evil first", append(atkClaims{{id, `"admin"`}}, b...), verify.ReasonClaimInvalid, nil)
			add(p, strings.ToUpper(id)+" next to the valid claims", b.add(strings.ToUpper(id), `"admin"`), verify.ReasonClaimInvalid, nil)
			add(p, strings.ToUpper(id)+" instead of "+id, b.rename(id, strings.ToUpper(id)), verify.ReasonClaimInvalid, nil)
			add(p, "Identities (not a "+string(p)+" claim) is ignored", b.add("Identities", `[`+atkIdent("uid", "admin")+`]`), "", atkWant(p))
			add(p, "uid (not a "+string(p)+" claim) is ignored", b.add("uid", `"admin"`), "", atkWant(p))
			if p == verify.Drift {
				add(p, "email (not a drift claim) is ignored", b.add("email", evil), "", atkWant(p))
			} else {
				add(p, "email twice, evil second", b.add("email", evil), verify.ReasonClaimInvalid, nil)
				add(p, "Email next to email", b.add("Email", evil), verify.ReasonClaimInvalid, nil)
			}
			if p == verify.ZendeskMessaging {
				add(p, "scope twice", b.add("scope", `"user"`), verify.ReasonClaimInvalid, nil)
				add(p, "Scope next to scope", b.add("Scope", `"admin"`), verify.ReasonClaimInvalid, nil)
				add(p, "email_verified twice, false then true", append(atkClaims{{"email_verified", "false"}}, b...), verify.ReasonClaimInvalid, nil)
				add(p, "Email_Verified next to email_verified", b.add("Email_Verified", "true"), verify.ReasonClaimInvalid, nil)
				add(p, "email_verified false: the email is not verified", b.set("email_verified", "false"), "", atkIDs("uid", atkUID))
				add(p, "no email_verified: the email is not verified", b.del("email_verified"), "", atkIDs("uid", atkUID))
				add(p, "email_verified \"true\"", b.set("email_verified", `"true"`), verify.ReasonClaimInvalid, nil)
				add(p, "email_verified 1", b.set("email_verified", `1`), verify.ReasonClaimInvalid, nil)
				add(p, "scope \"User\"", b.set("scope", `"User"`), verify.ReasonClaimInvalid, nil)
				add(p, "no scope", b.del("scope"), verify.ReasonClaimInvalid, nil)
				add(p, "external_id of 256 characters", b.set("external_id", atkQ(strings.Repeat("é", 256))), verify.ReasonClaimInvalid, nil)
				add(p, "external_id of 255 characters", b.set("external_id", atkQ(strings.Repeat("é", 255))), "", atkIDs("uid", strings.Repeat("é", 255), "email", atkEmail))
			}
			add(p, "a numeric "+id, b.set(id, "42"), verify.ReasonClaimInvalid, nil)
			add(p, "a null "+id, b.set(id, "null"), verify.ReasonClaimInvalid, nil)
			add(p, "an array "+id, b.set(id, `["user-42"]`), verify.ReasonClaimInvalid, nil)
			add(p, "no "+id, b.del(id), verify.ReasonIdentityRequired, nil)
		}
		if p == verify.HelpshiftUserHub || p == verify.Signet {
			// Inside identities: a member twice, a case variant, a type twice.
			add(p, "value twice in an identity", b.set("identities", `[{"identifier":"uid","value":"user-42","value":"admin"}]`), verify.ReasonClaimInvalid, nil)
			add(p, "identifier twice in an identity", b.set("identities", `[{"identifier":"email","identifier":"uid","value":"user-42"}]`), verify.ReasonClaimInvalid, nil)
			add(p, "Value next to value", b.set("identities", `[{"identifier":"uid","value":"user-42","Value":"admin"}]`), verify.ReasonClaimInvalid, nil)
			add(p, "Identifier instead of identifier", b.set("identities", `[{"Identifier":"uid","value":"user-42"}]`), verify.ReasonClaimInvalid, nil)
			add(p, "metadata key twice", b.set("identities", `[{"identifier":"uid","value":"user-42","metadata":{"plan":"free","plan":"pro"}}]`), verify.ReasonClaimInvalid, nil)
			add(p, "metadata twice", b.set("identities", `[{"identifier":"uid","value":"user-42","metadata":{},"metadata":{}}]`), verify.ReasonClaimInvalid, nil)
			add(p, "uid twice, same value", b.set("identities", "["+atkIdent("uid", atkUID)+","+atkIdent("uid", atkUID)+"]"), verify.ReasonClaimInvalid, nil)
			add(p, "uid twice, another value", b.set("identities", "["+atkIdent("uid", atkUID)+","+atkIdent("uid", "admin")+"]"), verify.ReasonClaimInvalid, nil)
			add(p, "email twice", b.set("identities", "["+atkIdent("email", atkEmail)+","+atkIdent("email", "evil@example.com")+"]"), verify.ReasonClaimInvalid, nil)
		}
	}
	return out
}

func atkTimeClaims(t *testing.T) []atkCase {
	var out []atkCase
	add := func(p verify.Profile, name string, c atkClaims, want verify.Reason, cause verify.Cause) {
		c2 := atkCase{name: name, p: p, req: verify.Request{Token: atkTok(atkHdr(p), c.String())}, want: want, cause: cause}
		if want == "" {
			c2.ids = atkWant(p)
		}
		out = append(out, c2)
	}
	for _, p := range atkJWT {
		b := atkBase(p).set("exp", atkExp)
		claims := []string{"iat", "exp", "nbf"}
		if p == verify.FreshdeskWidget { // Freshdesk reads no iat
			claims = claims[1:]
			for _, lit := range []string{`"1767225540"`, `null`, `0`, `1e400`, `9007199254740991`, atkIat + "000", "1767225900"} {
				add(p, "iat "+lit+" (not a freshdesk claim) is ignored", b.set("iat", lit), "", "")
			}
		}
		for _, claim := range claims {
			for _, lit := range []string{`"1767225540"`, `"1767225540.0"`, `""`, `true`, `false`, `{}`, `{"$date":1767225540}`,
				`[]`, `[1767225540]`, `null`} {
				add(p, claim+" is "+lit, b.set(claim, lit), verify.ReasonClaimInvalid, "")
			}
			for _, lit := range []string{`0`, `-0`, `-0.0`, `0.0`, `0e10`, `0.999`, `1e-7`, `-1`, `-1767225540`, `-1e300`,
				`9007199254740992`, `9007199254740993`, `9.007199254740992e15`, `1e300`, `1E300`, `1e400`,
				`9223372036854775807`, `9223372036854775808`, `18446744073709551616`, `1e19`, `99999999999999999999999999`} {
				add(p, claim+" = "+lit+" (out of range)", b.set(claim, lit), verify.ReasonClaimInvalid, "")
			}
		}
		// The largest time in range: 2^53 − 1.
		switch p {
		case verify.HelpshiftUserHub:
			add(p, "iat = 2^53 − 1", b.del("exp").set("iat", "9007199254740991"), verify.ReasonIssuedInFuture, "")
			add(p, "exp = 2^53 − 1 (userhub has no lifetime rule)", b.set("exp", "9007199254740991"), "", "")
			// Only iat's age bounds a userhub token: an exp in milliseconds
			// is a far-future exp, which the profile allows.
			add(p, "exp in milliseconds (userhub has no lifetime rule)", b.set("exp", atkExp+"000"), "", "")
			add(p, "iat in milliseconds", b.del("exp").set("iat", atkIat+"000"), verify.ReasonIssuedInFuture, verify.CauseMilliseconds)
			add(p, "iat 86 400.5 s old truncates to 86 401", b.del("exp").set("iat", "1767139199.5"), verify.ReasonIssuedTooLongAgo, "")
			add(p, "iat 86 400.999… s old truncates to 86 400", b.del("exp").set("iat", "1767139200.99999999999999999999"), "", "")
		case verify.Kustomer: // no lifetime rule; iat at most 15 minutes (+ leeway) old
			add(p, "exp = 2^53 − 1 (kustomer has no lifetime rule)", b.set("exp", "9007199254740991"), "", "")
			add(p, "exp in milliseconds (kustomer has no lifetime rule)", b.set("exp", atkExp+"000"), "", "")
			add(p, "iat in milliseconds", b.del("exp").set("iat", atkIat+"000"), verify.ReasonIssuedInFuture, verify.CauseMilliseconds)
			add(p, "exp missing", b.del("exp"), "", "")
			add(p, "exp equal to iat", b.set("exp", atkIat), verify.ReasonClaimInvalid, "")
			add(p, "iat 960 s old", b.del("exp").set("iat", "1767224640"), "", "")
			add(p, "iat 960.5 s old truncates to 961", b.del("exp").set("iat", "1767224639.5"), verify.ReasonIssuedTooLongAgo, "")
		case verify.FreshdeskWidget: // exp required, at most two hours ahead, exactly
			add(p, "exp = 2^53 − 1", b.set("exp", "9007199254740991"), verify.ReasonLifetimeTooLong, "")
			add(p, "exp in milliseconds", b.set("exp", atkExp+"000"), verify.ReasonLifetimeTooLong, verify.CauseMilliseconds)
			add(p, "exp missing", b.del("exp"), verify.ReasonClaimInvalid, "")
			add(p, "exp 7200 s ahead", b.set("exp", "1767232800"), "", "")
			add(p, "exp 7200.9 s ahead truncates to 7200", b.set("exp", "1767232800.9"), "", "")
			add(p, "exp 7201 s ahead", b.set("exp", "1767232801"), verify.ReasonLifetimeTooLong, "")
		case verify.IntercomJWT, verify.ZendeskMessaging, verify.Drift:
			// The second wave: exp honoured if present, no lifetime rule, iat
			// optional.
			add(p, "iat = 2^53 − 1 (after exp)", b.set("iat", "9007199254740991"), verify.ReasonClaimInvalid, "")
			add(p, "exp = 2^53 − 1 (no lifetime rule)", b.set("exp", "9007199254740991"), "", "")
			add(p, "iat and exp in milliseconds", b.set("iat", atkIat+"000").set("exp", atkExp+"000"), verify.ReasonIssuedInFuture, verify.CauseMilliseconds)
			add(p, "exp in milliseconds (no lifetime rule)", b.set("exp", atkExp+"000"), "", "")
			add(p, "iat in milliseconds (then exp is before iat)", b.set("iat", atkIat+"000"), verify.ReasonClaimInvalid, verify.CauseMilliseconds)
			add(p, "exp missing (optional)", b.del("exp"), "", "")
			add(p, "exp equal to iat", b.set("exp", atkIat), verify.ReasonClaimInvalid, "")
			add(p, "exp 61 s ago", b.set("iat", "1767225000").set("exp", "1767225539"), verify.ReasonExpired, "")
			add(p, "exp 59 s ago (leeway)", b.set("iat", "1767225000").set("exp", "1767225541"), "", "")
			add(p, "iat missing (optional)", b.del("iat"), "", "")
			add(p, "iat and exp missing (both optional)", b.del("iat").del("exp"), "", "")
		default:
			add(p, "iat = 2^53 − 1 (after exp)", b.set("iat", "9007199254740991"), verify.ReasonClaimInvalid, "")
			add(p, "exp = 2^53 − 1", b.set("exp", "9007199254740991"), verify.ReasonLifetimeTooLong, "")
			add(p, "iat and exp in milliseconds", b.set("iat", atkIat+"000").set("exp", atkExp+"000"), verify.ReasonLifetimeTooLong, verify.CauseMilliseconds)
			add(p, "exp in milliseconds", b.set("exp", atkExp+"000"), verify.ReasonLifetimeTooLong, verify.CauseMilliseconds)
			add(p, "iat in milliseconds (then exp is before iat)", b.set("iat", atkIat+"000"), verify.ReasonClaimInvalid, verify.CauseMilliseconds)
			add(p, "exp missing", b.del("exp"), verify.ReasonClaimInvalid, "")
			add(p, "exp equal to iat", b.set("exp", atkIat), verify.ReasonClaimInvalid, "")
		}
		if p != verify.IntercomJWT && p != verify.ZendeskMessaging && p != verify.Drift {
			if p != verify.FreshdeskWidget {
				add(p, "iat missing", b.del("iat"), verify.ReasonClaimInvalid, "")
			}
			add(p, "iat and exp missing", b.del("iat").del("exp"), verify.ReasonClaimInvalid, "")
		}
		// Numbers JSON allows: fractions truncate, exponents are exact.
		for _, lit := range []string{"1767225540.5", "1767225540.999999999999999999", "1.76722554e9", "1.76722554E+9",
			"176722554e1", "17672255400e-1", "1767225540e0", "1767225540999e-3", "1767225540.0000"} {
			add(p, "iat = "+lit, b.set("iat", lit), "", "")
		}
		add(p, "exp with a fraction", b.set("exp", "1767226140.75"), "", "")
		add(p, "nbf = now", b.set("nbf", "1767225600"), "", "")
		add(p, "nbf 61 s ahead", b.set("nbf", "1767225661"), verify.ReasonNotYetValid, verify.CauseClockSkew)
		if p != verify.FreshdeskWidget {
			add(p, "iat 5 minutes ahead (a skewed clock)", b.set("iat", "1767225900").set("exp", "1767226200"), verify.ReasonIssuedInFuture, verify.CauseClockSkew)
		}
	}
	return out
}

func atkAudience(t *testing.T) []atkCase {
	var out []atkCase
	for _, p := range []verify.Profile{verify.PylonJWT, verify.Signet} {
		b := atkBase(p)
		for name, lit := range map[string]string{
			"aud array without the app":    `["app_other","app_Atk7Hq2Zx9Lm4Pq"]`,
			"aud empty array":              `[]`,
			"aud a prefix of the app id":   atkQ(atkApp[:len(atkApp)-1]),
			"aud the app id as a prefix":   atkQ(atkApp + "x"),
			"aud the app id as a suffix":   atkQ("x" + atkApp),
			"aud a suffix of the app id":   atkQ(atkApp[1:]),
			"aud upper-case":               atkQ(strings.ToUpper(atkApp)),
			"aud lower-case":               atkQ(strings.ToLower(atkApp)),
			"aud with a trailing space":    atkQ(atkApp + " "),
			"aud with a trailing NUL":      atkQ(atkApp + "\x00"),
			"aud with a zero-width space":  atkQ(atkApp[:4] + "\u200b" + atkApp[4:]),
			"aud Cyrillic look-alike":      atkQ(strings.Replace(atkApp, "a", "а", 1)),
			"aud empty string":             `""`,
			"aud wildcard":                 `"*"`,
			"aud the app id, comma-joined": atkQ(atkApp + ",app_other"),
			"aud an URL of the app":        atkQ("https://signet.example/" + atkApp),
			"aud array of the empty":       `[""]`,
		} {
			out = append(out, atkCase{name: name, p: p, req: verify.Request{Token: atkTok(atkHdr(p), b.set("aud", lit).String())}, want: verify.ReasonAudienceMismatch})
		}
		for name, lit := range map[string]string{
			"aud null":                            `null`,
			"aud number":                          `123`,
			"aud true":                            `true`,
			"aud object":                          `{"` + atkApp + `":true}`,
			"aud nested array":                    `[["` + atkApp + `"]]`,
			"aud array with the app and a null":   `["` + atkApp + `",null]`,
			"aud array with the app and an array": `["` + atkApp + `",[]]`,
			"aud array with a number first":       `[1,"` + atkApp + `"]`,
		} {
			out = append(out, atkCase{name: name, p: p, req: verify.Request{Token: atkTok(atkHdr(p), b.set("aud", lit).String())}, want: verify.ReasonClaimInvalid})
		}
		out = append(out, atkCase{name: "aud missing", p: p, req: verify.Request{Token: atkTok(atkHdr(p), b.del("aud").String())}, want: verify.ReasonClaimInvalid})
		for name, lit := range map[string]string{
			"aud one-element array (golang-jwt)": `["` + atkApp + `"]`,
			"aud array that contains the app":    `["app_other","` + atkApp + `"]`,
			"aud the app twice":                  `["` + atkApp + `","` + atkApp + `"]`,
			"aud escaped, same string":           `"app\u005f` + atkApp[4:] + `"`,
		} {
			out = append(out, atkCase{name: name, p: p, req: verify.Request{Token: atkTok(atkHdr(p), b.set("aud", lit).String())}, ids: atkWant(p)})
		}
	}
	// helpshift-userhub has no audience: an aud claim is not read.
	p := verify.HelpshiftUserHub
	out = append(out, atkCase{name: "userhub ignores aud (the scheme has none)", p: p,
		req: verify.Request{Token: atkTok(atkHdr(p), atkBase(p).set("aud", `123`).String())}, ids: atkWant(p)})
	return out
}

func atkCrossProfile(t *testing.T) []atkCase {
	var out []atkCase
	hub, pylon, signet := verify.HelpshiftUserHub, verify.PylonJWT, verify.Signet
	tok := func(p verify.Profile, header string, c atkClaims) verify.Request {
		return verify.Request{Token: atkTok(header, c.String())}
	}
	plain, withKid := atkHdr(hub), atkHdr(signet)
	// Every app here has the same secret: the profile rules alone stop the
	// token. (The server never lets one secret serve two profiles of a
	// workspace: see internal/server's attack test.)
	out = append(out,
		atkCase{name: "userhub token to pylon-jwt", p: pylon, req: tok(hub, plain, atkBase(hub)), want: verify.ReasonClaimInvalid},
		atkCase{name: "userhub token with exp to pylon-jwt", p: pylon, req: tok(hub, plain, atkBase(hub).set("exp", atkExp)), want: verify.ReasonClaimInvalid},
		atkCase{name: "userhub token with exp and aud to pylon-jwt", p: pylon, req: tok(hub, plain, atkBase(hub).set("exp", atkExp).set("aud", atkQ(atkApp))), want: verify.ReasonIdentityRequired},
		atkCase{name: "userhub token to signet", p: signet, req: tok(hub, plain, atkBase(hub)), want: verify.ReasonKeyUnknown},
		atkCase{name: "userhub token with kid k1 to signet", p: signet, req: tok(hub, withKid, atkBase(hub)), want: verify.ReasonClaimInvalid},
		atkCase{name: "userhub token with kid k1 and exp to signet", p: signet, req: tok(hub, withKid, atkBase(hub).set("exp", atkExp)), want: verify.ReasonClaimInvalid},
		atkCase{name: "pylon-jwt token to userhub", p: hub, req: tok(pylon, plain, atkBase(pylon)), want: verify.ReasonIdentityRequired},
		atkCase{name: "pylon-jwt token to signet", p: signet, req: tok(pylon, plain, atkBase(pylon)), want: verify.ReasonKeyUnknown},
		atkCase{name: "pylon-jwt token with kid k1 to signet", p: signet, req: tok(pylon, withKid, atkBase(pylon)), want: verify.ReasonIdentityRequired},
		atkCase{name: "signet token to pylon-jwt", p: pylon, req: tok(signet, withKid, atkBase(signet)), want: verify.ReasonIdentityRequired},
		atkCase{name: "signet token without kid to signet", p: signet, req: tok(signet, plain, atkBase(signet)), want: verify.ReasonKeyUnknown},
		// helpshift-userhub reads iat, exp, nbf and identities, nothing else
		// (Helpshift's scheme has no audience and one secret): a signet
		// token signed with the same secret is a valid userhub token. The
		// secret is what binds a token to an app; the server refuses a
		// secret that already serves another profile.
		atkCase{name: "signet token without kid to userhub, same secret: a userhub token", p: hub, req: tok(signet, plain, atkBase(signet)), ids: atkWant(hub)},
		atkCase{name: "signet token to userhub, same secret: a userhub token", p: hub, req: tok(signet, withKid, atkBase(signet)), ids: atkWant(hub)},
	)
	// Another secret, as two apps have: the signature stops it.
	other := func(p verify.Profile) *verify.Verifier { return atkVerifier(t, p, false, atkOtherSecret) }
	out = append(out,
		atkCase{name: "signet token to a userhub app with its own secret", p: hub, v: other(hub), req: tok(signet, plain, atkBase(signet)), want: verify.ReasonSignatureMismatch},
		atkCase{name: "userhub token to a pylon-jwt app with its own secret", p: pylon, v: other(pylon), req: tok(hub, plain, atkBase(hub)), want: verify.ReasonSignatureMismatch},
	)
	// Digests. intercom and akece are the same construction (hex
	// HMAC-SHA256 over the user id, secret as text): with one secret the
	// digest is the same. pylon-hmac hex-decodes its secret, so the same
	// text keys another HMAC.
	intercomUID := atkEnc(verify.Intercom, atkMAC(verify.Intercom, atkHexSecret, atkUID))
	intercomEmail := atkEnc(verify.Intercom, atkMAC(verify.Intercom, atkHexSecret, atkEmail))
	legacy := atkEnc(verify.HelpshiftLegacy, atkMAC(verify.HelpshiftLegacy, atkHexSecret, atkUID))
	legacyBoth := atkEnc(verify.HelpshiftLegacy, atkMAC(verify.HelpshiftLegacy, atkHexSecret, atkUID+atkEmail))
	same := func(p verify.Profile) *verify.Verifier { return atkVerifier(t, p, false, atkHexSecret) }
	out = append(out,
		atkCase{name: "intercom digest to akece, same secret: the same digest", p: verify.Akece, v: same(verify.Akece),
			req: verify.Request{UserID: atkUID, Digest: intercomUID}, ids: atkIDs("uid", atkUID)},
		atkCase{name: "intercom digest (email) to pylon-hmac, same secret text", p: verify.PylonHMAC, v: same(verify.PylonHMAC),
			req: verify.Request{Email: atkEmail, Digest: intercomEmail}, want: verify.ReasonSignatureMismatch, cause: verify.CauseSecretEncoding},
		atkCase{name: "intercom digest to helpshift-legacy (hex, not base64)", p: verify.HelpshiftLegacy, v: same(verify.HelpshiftLegacy),
			req: verify.Request{UserID: atkUID, Digest: intercomUID}, want: verify.ReasonMalformed, cause: verify.CauseWrongEncoding},
		atkCase{name: "helpshift-legacy digest to intercom (base64, not hex)", p: verify.Intercom, v: same(verify.Intercom),
			req: verify.Request{UserID: atkUID, Digest: legacy}, want: verify.ReasonMalformed, cause: verify.CauseWrongEncoding},
		atkCase{name: "helpshift-legacy digest over uid+email to intercom", p: verify.Intercom, v: same(verify.Intercom),
			req: verify.Request{UserID: atkUID, Email: atkEmail, Digest: legacyBoth}, want: verify.ReasonMalformed},
		atkCase{name: "a digest as the identity token", p: verify.Signet, req: verify.Request{UserID: atkUID, Digest: atkDigestOf(verify.Intercom, atkUID)}, want: verify.ReasonMalformed},
		atkCase{name: "a hex digest as the identity token", p: verify.HelpshiftUserHub, req: verify.Request{Token: atkDigestOf(verify.Intercom, atkUID)}, want: verify.ReasonMalformed},
		atkCase{name: "a token as the digest (intercom)", p: verify.Intercom, req: verify.Request{UserID: atkUID, Digest: atkValid(hub)}, want: verify.ReasonMalformed},
		atkCase{name: "a token as the digest (helpshift-legacy)", p: verify.HelpshiftLegacy, req: verify.Request{UserID: atkUID, Digest: atkValid(hub)}, want: verify.ReasonMalformed},
		atkCase{name: "a token in the token field of a digest app", p: verify.Akece, req: verify.Request{UserID: atkUID, Token: atkValid(hub)}, want: verify.ReasonMalformed},
	)
	return out
}

func atkIdentities(t *testing.T) []atkCase {
	var out []atkCase
	for _, p := range []verify.Profile{verify.HelpshiftUserHub, verify.Signet} {
		ids := func(name, lit string, want verify.Reason, ids []verify.Identity) {
			out = append(out, atkCase{name: name, p: p, req: verify.Request{Token: atkTokIDs(p, lit)}, want: want, ids: ids})
		}
		uid := atkIdent("uid", atkUID)
		ids("empty value", `[{"identifier":"uid","value":""}]`, verify.ReasonClaimInvalid, nil)
		ids("empty value next to a good one", `[`+uid+`,{"identifier":"email","value":""}]`, verify.ReasonClaimInvalid, nil)
		ids("empty identifier", `[{"identifier":"","value":"user-42"}]`, verify.ReasonUnknownIdentityType, nil)
		ids("identifier UID", `[{"identifier":"UID","value":"user-42"}]`, verify.ReasonUnknownIdentityType, nil)
		ids("identifier 'uid '", `[{"identifier":"uid ","value":"user-42"}]`, verify.ReasonUnknownIdentityType, nil)
		ids("identifier username", `[`+uid+`,{"identifier":"username","value":"jane"}]`, verify.ReasonUnknownIdentityType, nil)
		ids("identifier with a NUL", `[{"identifier":"uid\u0000","value":"user-42"}]`, verify.ReasonUnknownIdentityType, nil)
		ids("value of 1024 bytes", `[`+atkIdent("uid", strings.Repeat("u", 1024))+`]`, "", atkIDs("uid", strings.Repeat("u", 1024)))
		ids("value of 1025 bytes", `[`+atkIdent("uid", strings.Repeat("u", 1025))+`]`, verify.ReasonClaimInvalid, nil)
		ids("value of 512 'é' (1024 bytes)", `[`+atkIdent("uid", strings.Repeat("é", 512))+`]`, "", atkIDs("uid", strings.Repeat("é", 512)))
		ids("value of 1023 bytes and an 'é' (1025 bytes)", `[`+atkIdent("uid", strings.Repeat("u", 1023)+"é")+`]`, verify.ReasonClaimInvalid, nil)
		ids("value of 1025 escaped bytes", `[{"identifier":"uid","value":"`+strings.Repeat("u", 1000)+strings.Repeat(`\u0075`, 25)+`"}]`, verify.ReasonClaimInvalid, nil)
		ids("value null", `[{"identifier":"uid","value":null}]`, verify.ReasonClaimInvalid, nil)
		ids("value a number", `[{"identifier":"uid","value":42}]`, verify.ReasonClaimInvalid, nil)
		ids("value an array", `[{"identifier":"uid","value":["user-42"]}]`, verify.ReasonClaimInvalid, nil)
		ids("value an object", `[{"identifier":"uid","value":{"id":"user-42"}}]`, verify.ReasonClaimInvalid, nil)
		ids("identifier null", `[{"identifier":null,"value":"user-42"}]`, verify.ReasonClaimInvalid, nil)
		ids("identifier an array", `[{"identifier":["uid"],"value":"user-42"}]`, verify.ReasonClaimInvalid, nil)
		ids("no value", `[{"identifier":"uid"}]`, verify.ReasonClaimInvalid, nil)
		ids("no identifier", `[{"value":"user-42"}]`, verify.ReasonClaimInvalid, nil)
		ids("empty identity object", `[{}]`, verify.ReasonClaimInvalid, nil)
		ids("identity a string", `["user-42"]`, verify.ReasonClaimInvalid, nil)
		ids("identity an array", `[["uid","user-42"]]`, verify.ReasonClaimInvalid, nil)
		ids("identity null", `[null]`, verify.ReasonClaimInvalid, nil)
		ids("identities an object", `{"uid":"user-42"}`, verify.ReasonClaimInvalid, nil)
		ids("identities a string", `"user-42"`, verify.ReasonClaimInvalid, nil)
		ids("identities null", `null`, verify.ReasonClaimInvalid, nil)
		ids("identities empty", `[]`, verify.ReasonIdentityRequired, nil)
		ids("phone_number only", `[`+atkIdent("phone_number", "+15551234567")+`]`, verify.ReasonIdentityRequired, nil)
		for _, extra := range []string{`"verified":true`, `"type":"uid"`, `"identifier2":"email"`, `"Metadata":{}`, `"":""`, `"value ":"admin"`} {
			ids("identity with "+extra, `[{"identifier":"uid","value":"user-42",`+extra+`}]`, verify.ReasonClaimInvalid, nil)
		}
		md := func(m string) string { return `[{"identifier":"uid","value":"user-42","metadata":` + m + `}]` }
		for _, m := range []string{`{"a":{"b":"c"}}`, `{"a":` + strings.Repeat(`{"a":`, 14) + `"x"` + strings.Repeat("}", 14) + `}`,
			`{"a":` + strings.Repeat(`{"a":`, 40) + `"x"` + strings.Repeat("}", 40) + `}`, `{"a":` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `}`,
			`{"plan":1}`, `{"plan":true}`, `{"plan":null}`, `{"plan":["pro"]}`, `{"plan":1.5}`, `"plan=pro"`, `["pro"]`, `null`, `42`,
			`{"":"x"}`, `{"plan":"` + strings.Repeat("p", 1025) + `"}`, `{"` + strings.Repeat("k", 129) + `":"x"}`} {
			name := m
			if len(name) > 60 {
				name = name[:60] + "…"
			}
			ids("metadata "+name, md(m), verify.ReasonClaimInvalid, nil)
		}
		var many []string
		for i := range 33 {
			many = append(many, `"k`+strconv.Itoa(i)+`":"v"`)
		}
		ids("metadata with 33 entries", md("{"+strings.Join(many, ",")+"}"), verify.ReasonClaimInvalid, nil)
		m32 := map[string]string{}
		for i := range 32 {
			m32["k"+strconv.Itoa(i)] = "v"
		}
		out = append(out, atkCase{name: "metadata with 32 entries", p: p, req: verify.Request{Token: atkTokIDs(p, md("{"+strings.Join(many[:32], ",")+"}"))},
			ids: []verify.Identity{{Type: verify.UID, Value: atkUID, Metadata: m32}}})
		out = append(out, atkCase{name: "metadata values kept exactly", p: p,
			req: verify.Request{Token: atkTokIDs(p, md(`{"plan":" Pro\u202e ","tier":"ｇｏｌｄ"}`))},
			ids: []verify.Identity{{Type: verify.UID, Value: atkUID, Metadata: map[string]string{"plan": " Pro\u202e ", "tier": "ｇｏｌｄ"}}}})
		// All twelve types once: valid, in signed order. Thirteen: refused.
		var twelve []string
		var want []verify.Identity
		for i, typ := range verify.IdentityTypes() {
			v := "v" + strconv.Itoa(i)
			twelve = append(twelve, atkIdent(string(typ), v))
			want = append(want, verify.Identity{Type: typ, Value: v})
		}
		ids("all twelve identity types", "["+strings.Join(twelve, ",")+"]", "", want)
		ids("thirteen identities (a type twice)", "["+strings.Join(twelve, ",")+","+atkIdent("steam_id", "x")+"]", verify.ReasonClaimInvalid, nil)
		ids("thirteen identities (an unknown type)", "["+strings.Join(twelve, ",")+","+atkIdent("myspace_id", "x")+"]", verify.ReasonClaimInvalid, nil)
		ids("a hundred identities", "["+strings.Repeat(uid+",", 99)+uid+"]", verify.ReasonClaimInvalid, nil)
		ids("identities nested", "[["+uid+"]]", verify.ReasonClaimInvalid, nil)
	}
	// pylon-jwt's email and optional claims.
	p := verify.PylonJWT
	b := atkBase(p)
	for name, c := range map[string]atkClaims{
		"email empty":                  b.set("email", `""`),
		"email null":                   b.set("email", `null`),
		"email a number":               b.set("email", `42`),
		"email an array":               b.set("email", `["jane@example.com"]`),
		"email an object":              b.set("email", `{"value":"jane@example.com"}`),
		"email of 1025 bytes":          b.set("email", atkQ(strings.Repeat("j", 1013)+"@example.com")),
		"name null":                    b.add("name", `null`),
		"name a number":                b.add("name", `1`),
		"name with a control":          b.add("name", `"Jane"`),
		"name of 1025 bytes":           b.add("name", atkQ(strings.Repeat("n", 1025))),
		"account_id an object":         b.add("account_id", `{}`),
		"contact_external_id a number": b.add("contact_external_id", `7`),
	} {
		out = append(out, atkCase{name: name, p: p, req: verify.Request{Token: atkTok(atkHdr(p), c.String())}, want: verify.ReasonClaimInvalid})
	}
	out = append(out,
		atkCase{name: "email missing", p: p, req: verify.Request{Token: atkTok(atkHdr(p), b.del("email").String())}, want: verify.ReasonIdentityRequired},
		atkCase{name: "email of 1024 bytes", p: p, req: verify.Request{Token: atkTok(atkHdr(p), b.set("email", atkQ(strings.Repeat("j", 1012)+"@example.com")).String())},
			ids: atkIDs("email", strings.Repeat("j", 1012)+"@example.com")},
		atkCase{name: "name empty is absent", p: p, req: verify.Request{Token: atkTok(atkHdr(p), b.add("name", `""`).String())}, ids: atkWant(p)},
	)
	return out
}

// atkLookalikes are values an attacker hopes someone folds, trims or
// normalises into user-42 or jane@example.com.
var atkLookalikes = []struct{ name, uid, email string }{
	{"RTL override (U+202E)", "user\u202e24-", "jane@example.com\u202e"},
	{"bidi isolate (U+2066…U+2069)", "\u2066user-42\u2069", "\u2066jane@example.com\u2069"},
	{"zero-width space", "user\u200b-42", "jane\u200b@example.com"},
	{"zero-width joiner", "user-42\u200d", "jane@exa\u200dmple.com"},
	{"zero-width no-break space (BOM)", "\ufeffuser-42", "\ufeffjane@example.com"},
	{"word joiner", "user\u2060-42", "jane@example\u2060.com"},
	{"soft hyphen", "user\u00ad-42", "ja\u00adne@example.com"},
	{"Cyrillic е", "usеr-42", "jаne@example.com"},
	{"Greek ο and Α", "user-42\u0391", "jane@exam\u03bfple.com"},
	{"full-width", "ｕｓｅｒ－４２", "ｊａｎｅ＠ｅｘａｍｐｌｅ．ｃｏｍ"},
	{"mathematical bold", "𝐮𝐬𝐞𝐫-42", "𝐣ane@example.com"},
	{"combining acute (NFD)", "use\u0301r-42", "jane@exa\u0301mple.com"},
	{"Kelvin sign K", "user-42\u212a", "jane@\u212aexample.com"},
	{"dotless ı", "user-42ı", "jıne@example.com"},
	{"leading space", " user-42", " jane@example.com"},
	{"trailing space", "user-42 ", "jane@example.com "},
	{"no-break space", "user-42\u00a0", "jane@example.com\u00a0"},
	{"upper case", "User-42", "Jane@Example.com"},
	{"ideographic space", "user-42\u3000", "jane@example.com\u3000"},
}

// atkInvisible reports whether s holds an invisible formatting character
// (Unicode category Cf: bidi controls, zero-width characters, U+FEFF, the
// soft hyphen), which no identity may hold (issue 12).
func atkInvisible(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Cf, r) })
}

func atkUnicode(t *testing.T) []atkCase {
	var out []atkCase
	for _, l := range atkLookalikes {
		if atkInvisible(l.uid) && atkInvisible(l.email) {
			// Refused like a control character: claim_invalid when signed,
			// identity_mismatch when sent next to a plain token, malformed
			// in a digest's request.
			for _, p := range []verify.Profile{verify.HelpshiftUserHub, verify.Signet} {
				out = append(out,
					atkCase{name: l.name + ": a signed uid is refused", p: p, req: verify.Request{Token: atkTokIDs(p, "["+atkIdent("uid", l.uid)+"]")}, want: verify.ReasonClaimInvalid},
					atkCase{name: l.name + ": a signed email is refused", p: p, req: verify.Request{Token: atkTokIDs(p, "["+atkIdent("uid", atkUID)+","+atkIdent("email", l.email)+"]")}, want: verify.ReasonClaimInvalid},
					atkCase{name: l.name + ": sent next to a plain token (uid)", p: p, req: verify.Request{Token: atkValid(p), UserID: l.uid}, want: verify.ReasonIdentityMismatch},
				)
			}
			p := verify.PylonJWT
			out = append(out, atkCase{name: l.name + ": a signed email is refused", p: p,
				req: verify.Request{Token: atkTok(atkHdr(p), atkBase(p).set("email", atkQ(l.email)).String())}, want: verify.ReasonClaimInvalid})
			for _, p := range atkDigest {
				r := atkDigestReq(p, "")
				if r.UserID != "" {
					r.UserID = l.uid
				}
				if r.Email != "" {
					r.Email = l.email
				}
				r.Digest = atkDigestOf(p, r.UserID+r.Email) // even signed: refused
				out = append(out, atkCase{name: l.name + ": in a sent identifier, digest over it", p: p, req: r, want: verify.ReasonMalformed})
			}
			continue
		}
		// Tokens: the verified identity is exactly the signed bytes, and the
		// plain value sent next to the look-alike token (or the reverse) is
		// identity_mismatch.
		for _, p := range []verify.Profile{verify.HelpshiftUserHub, verify.Signet} {
			look := atkTokIDs(p, "["+atkIdent("uid", l.uid)+","+atkIdent("email", l.email)+"]")
			out = append(out,
				atkCase{name: l.name + ": signed, verified exactly", p: p, req: verify.Request{Token: look}, ids: atkIDs("uid", l.uid, "email", l.email)},
				atkCase{name: l.name + ": signed and sent, verified exactly", p: p, req: verify.Request{Token: look, UserID: l.uid, Email: l.email}, ids: atkIDs("uid", l.uid, "email", l.email)},
				atkCase{name: l.name + ": plain uid sent next to it", p: p, req: verify.Request{Token: look, UserID: atkUID}, want: verify.ReasonIdentityMismatch},
				atkCase{name: l.name + ": plain email sent next to it", p: p, req: verify.Request{Token: look, Email: atkEmail}, want: verify.ReasonIdentityMismatch},
				atkCase{name: l.name + ": sent next to a plain token (uid)", p: p, req: verify.Request{Token: atkValid(p), UserID: l.uid}, want: verify.ReasonIdentityMismatch},
				atkCase{name: l.name + ": sent next to a plain token (email)", p: p, req: verify.Request{Token: atkValid(p), Email: l.email}, want: verify.ReasonIdentityMismatch},
				atkCase{name: l.name + ": sent as another identity", p: p, req: verify.Request{Token: atkValid(p), Identities: atkIDs("uid", l.uid)}, want: verify.ReasonIdentityMismatch},
			)
		}
		p := verify.PylonJWT
		look := atkTok(atkHdr(p), atkBase(p).set("email", atkQ(l.email)).String())
		out = append(out,
			atkCase{name: l.name + ": signed email verified exactly", p: p, req: verify.Request{Token: look}, ids: atkIDs("email", l.email)},
			atkCase{name: l.name + ": plain email next to it", p: p, req: verify.Request{Token: look, Email: atkEmail}, want: verify.ReasonIdentityMismatch},
			atkCase{name: l.name + ": next to a plain token", p: p, req: verify.Request{Token: atkValid(p), Email: l.email}, want: verify.ReasonIdentityMismatch},
		)
		// Digests: the digest covers exactly the bytes sent.
		for _, p := range atkDigest {
			lr := atkDigestReq(p, "")
			if lr.UserID != "" {
				lr.UserID = l.uid
			}
			if lr.Email != "" {
				lr.Email = l.email
			}
			msg := lr.UserID + lr.Email
			if p == verify.Intercom || p == verify.Front {
				msg = lr.UserID
			}
			var want []verify.Identity
			if lr.UserID != "" {
				want = append(want, verify.Identity{Type: verify.UID, Value: lr.UserID})
			}
			if lr.Email != "" && p != verify.Intercom && p != verify.Front {
				want = append(want, verify.Identity{Type: verify.Email, Value: lr.Email})
			}
			lr.Digest = atkDigestOf(p, msg)
			plain := atkDigestReq(p, atkDigestOf(p, atkDigestMsg(p)))
			swapped := plain
			swapped.UserID, swapped.Email = lr.UserID, lr.Email
			out = append(out,
				atkCase{name: l.name + ": digest over it, verified exactly", p: p, req: lr, ids: want},
				atkCase{name: l.name + ": its digest with the plain identifiers", p: p, req: verify.Request{UserID: plain.UserID, Email: plain.Email, Digest: lr.Digest}, want: verify.ReasonSignatureMismatch},
				atkCase{name: l.name + ": the plain digest with it", p: p, req: swapped, want: verify.ReasonSignatureMismatch},
			)
		}
	}
	// Control characters are never an identity: in a signed claim
	// claim_invalid, in a request field malformed.
	for _, c := range []string{"\x00", "\x01", "\x07", "\t", "\n", "\r", "\x1b", "\x1f", "\x7f", "\u0080", "\u0085", "\u009b", "\u009f"} {
		q := strconv.QuoteToASCII(c)
		for _, p := range []verify.Profile{verify.HelpshiftUserHub, verify.Signet} {
			out = append(out, atkCase{name: "control " + q + " in a signed uid", p: p,
				req: verify.Request{Token: atkTokIDs(p, "["+atkIdent("uid", "user"+c+"-42")+"]")}, want: verify.ReasonClaimInvalid})
			out = append(out, atkCase{name: "control " + q + " in a sent uid", p: p,
				req: verify.Request{Token: atkValid(p), UserID: atkUID + c}, want: verify.ReasonIdentityMismatch})
		}
		out = append(out, atkCase{name: "control " + q + " in a signed email", p: verify.PylonJWT,
			req: verify.Request{Token: atkTok(atkHdr(verify.PylonJWT), atkBase(verify.PylonJWT).set("email", atkQ("jane"+c+"@example.com")).String())}, want: verify.ReasonClaimInvalid})
		for _, p := range atkDigest {
			r := atkDigestReq(p, "")
			if r.UserID != "" {
				r.UserID += c
			} else {
				r.Email += c
			}
			r.Digest = atkDigestOf(p, r.UserID+r.Email) // even signed: refused
			out = append(out, atkCase{name: "control " + q + " in a sent identifier, digest over it", p: p, req: r, want: verify.ReasonMalformed})
		}
	}
	return out
}

func atkFieldConfusion(t *testing.T) []atkCase {
	var out []atkCase
	uidD := func(p verify.Profile) string { return atkDigestOf(p, atkUID) }
	emailD := func(p verify.Profile) string { return atkDigestOf(p, atkEmail) }
	// Digests sign bytes, not fields: where a profile takes the bytes from
	// either field, a digest moves between them, and what is verified is
	// the field it was sent in, never the other.
	for _, p := range []verify.Profile{verify.Intercom, verify.HelpshiftLegacy, verify.Front} {
		out = append(out,
			atkCase{name: "uid digest sent as the email", p: p, req: verify.Request{Email: atkUID, Digest: uidD(p)}, ids: atkIDs("email", atkUID)},
			atkCase{name: "email digest sent as the uid", p: p, req: verify.Request{UserID: atkEmail, Digest: emailD(p)}, ids: atkIDs("uid", atkEmail)},
			atkCase{name: "uid digest with uid and email swapped", p: p, req: verify.Request{UserID: atkEmail, Email: atkUID, Digest: uidD(p)}, want: verify.ReasonSignatureMismatch},
		)
	}
	// intercom: with both sent, the digest is over the user_id; one over
	// the email is a mismatch, never a fallback, and the email rides along
	// unsigned (not among the identities).
	out = append(out,
		atkCase{name: "intercom: email digest with both sent", p: verify.Intercom, req: verify.Request{UserID: atkUID, Email: atkEmail, Digest: emailD(verify.Intercom)}, want: verify.ReasonSignatureMismatch, cause: verify.CauseWrongMessage},
		atkCase{name: "intercom: uid digest with both sent signs the uid only", p: verify.Intercom, req: verify.Request{UserID: atkUID, Email: atkEmail, Digest: uidD(verify.Intercom)}, ids: atkIDs("uid", atkUID)},
		atkCase{name: "intercom: uid digest with the victim's email", p: verify.Intercom, req: verify.Request{UserID: atkUID, Email: "victim@example.com", Digest: uidD(verify.Intercom)}, ids: atkIDs("uid", atkUID)},
		atkCase{name: "akece: uid digest sent as the email", p: verify.Akece, req: verify.Request{Email: atkUID, Digest: uidD(verify.Akece)}, want: verify.ReasonIdentityRequired},
		atkCase{name: "akece: a digest over the email bytes, sent as the identifier", p: verify.Akece, req: verify.Request{UserID: atkEmail, Digest: emailD(verify.Akece)}, ids: atkIDs("uid", atkEmail)},
		atkCase{name: "akece: email digest with the email in the email field", p: verify.Akece, req: verify.Request{UserID: atkUID, Email: atkEmail, Digest: emailD(verify.Akece)}, want: verify.ReasonSignatureMismatch},
		atkCase{name: "pylon-hmac: a digest over the uid bytes, sent as the email", p: verify.PylonHMAC, req: verify.Request{Email: atkUID, Digest: uidD(verify.PylonHMAC)}, ids: atkIDs("email", atkUID)},
		atkCase{name: "pylon-hmac: uid digest with the uid in the uid field", p: verify.PylonHMAC, req: verify.Request{UserID: atkUID, Email: atkEmail, Digest: uidD(verify.PylonHMAC)}, want: verify.ReasonSignatureMismatch},
		atkCase{name: "akece: the email rides along unsigned", p: verify.Akece, req: verify.Request{UserID: atkUID, Email: "victim@example.com", Digest: uidD(verify.Akece)}, ids: atkIDs("uid", atkUID)},
		atkCase{name: "pylon-hmac: email digest sent as the uid", p: verify.PylonHMAC, req: verify.Request{UserID: atkEmail, Digest: emailD(verify.PylonHMAC)}, want: verify.ReasonIdentityRequired},
		atkCase{name: "pylon-hmac: the uid rides along unsigned", p: verify.PylonHMAC, req: verify.Request{UserID: "admin", Email: atkEmail, Digest: emailD(verify.PylonHMAC)}, ids: atkIDs("email", atkEmail)},
		atkCase{name: "pylon-hmac: email digest with the uid in both fields", p: verify.PylonHMAC, req: verify.Request{UserID: atkEmail, Email: atkUID, Digest: emailD(verify.PylonHMAC)}, want: verify.ReasonSignatureMismatch},
		atkCase{name: "helpshift-legacy full privacy: uid digest sent as the email", p: verify.HelpshiftLegacy, full: true, req: verify.Request{Email: atkUID, Digest: uidD(verify.HelpshiftLegacy)}, want: verify.ReasonIdentityRequired},
		atkCase{name: "helpshift-legacy full privacy: the email rides along unsigned", p: verify.HelpshiftLegacy, full: true, req: verify.Request{UserID: atkUID, Email: "victim@example.com", Digest: uidD(verify.HelpshiftLegacy)}, ids: atkIDs("uid", atkUID)},
		// front: "the signed one", as intercom; helpscout and plain sign the
		// email alone, gleap the user id alone.
		atkCase{name: "front: email digest with both sent", p: verify.Front, req: verify.Request{UserID: atkUID, Email: atkEmail, Digest: emailD(verify.Front)}, want: verify.ReasonSignatureMismatch, cause: verify.CauseWrongMessage},
		atkCase{name: "front: uid digest with both sent signs the uid only", p: verify.Front, req: verify.Request{UserID: atkUID, Email: atkEmail, Digest: uidD(verify.Front)}, ids: atkIDs("uid", atkUID)},
		atkCase{name: "front: uid digest with the victim's email", p: verify.Front, req: verify.Request{UserID: atkUID, Email: "victim@example.com", Digest: uidD(verify.Front)}, ids: atkIDs("uid", atkUID)},
		atkCase{name: "front: email digest with the victim's uid", p: verify.Front, req: verify.Request{UserID: "admin", Email: atkEmail, Digest: emailD(verify.Front)}, want: verify.ReasonSignatureMismatch, cause: verify.CauseWrongMessage},
	)
	for _, p := range []verify.Profile{verify.HelpScout, verify.Plain} {
		out = append(out,
			atkCase{name: string(p) + ": a digest over the uid bytes, sent as the email", p: p, req: verify.Request{Email: atkUID, Digest: uidD(p)}, ids: atkIDs("email", atkUID)},
			atkCase{name: string(p) + ": uid digest with the uid in the uid field", p: p, req: verify.Request{UserID: atkUID, Email: atkEmail, Digest: uidD(p)}, want: verify.ReasonSignatureMismatch, cause: verify.CauseWrongMessage},
			atkCase{name: string(p) + ": email digest sent as the uid", p: p, req: verify.Request{UserID: atkEmail, Digest: emailD(p)}, want: verify.ReasonIdentityRequired},
			atkCase{name: string(p) + ": the uid rides along unsigned", p: p, req: verify.Request{UserID: "admin", Email: atkEmail, Digest: emailD(p)}, ids: atkIDs("email", atkEmail)},
			atkCase{name: string(p) + ": email digest with the uid in both fields", p: p, req: verify.Request{UserID: atkEmail, Email: atkUID, Digest: emailD(p)}, want: verify.ReasonSignatureMismatch},
		)
	}
	out = append(out,
		atkCase{name: "gleap: uid digest sent as the email", p: verify.Gleap, req: verify.Request{Email: atkUID, Digest: uidD(verify.Gleap)}, want: verify.ReasonIdentityRequired},
		atkCase{name: "gleap: a digest over the email bytes, sent as the user id", p: verify.Gleap, req: verify.Request{UserID: atkEmail, Digest: emailD(verify.Gleap)}, ids: atkIDs("uid", atkEmail)},
		atkCase{name: "gleap: email digest with the email in the email field", p: verify.Gleap, req: verify.Request{UserID: atkUID, Email: atkEmail, Digest: emailD(verify.Gleap)}, want: verify.ReasonSignatureMismatch, cause: verify.CauseWrongMessage},
		atkCase{name: "gleap: the email rides along unsigned", p: verify.Gleap, req: verify.Request{UserID: atkUID, Email: "victim@example.com", Digest: uidD(verify.Gleap)}, ids: atkIDs("uid", atkUID)},
	)
	// Tokens say which identity is which: the fields sent must match the
	// signed identity of that type.
	for _, p := range []verify.Profile{verify.HelpshiftUserHub, verify.Signet} {
		out = append(out,
			atkCase{name: "uid sent as the email", p: p, req: verify.Request{Token: atkValid(p), Email: atkUID}, want: verify.ReasonIdentityMismatch},
			atkCase{name: "email sent as the uid", p: p, req: verify.Request{Token: atkValid(p), UserID: atkEmail}, want: verify.ReasonIdentityMismatch},
			atkCase{name: "uid and email swapped", p: p, req: verify.Request{Token: atkValid(p), UserID: atkEmail, Email: atkUID}, want: verify.ReasonIdentityMismatch},
			atkCase{name: "uid sent as an email identity", p: p, req: verify.Request{Token: atkValid(p), Identities: atkIDs("email", atkUID)}, want: verify.ReasonIdentityMismatch},
			atkCase{name: "a token signing user-42 as an email, sent as the uid", p: p,
				req: verify.Request{Token: atkTokIDs(p, "["+atkIdent("email", atkUID)+"]"), UserID: atkUID}, want: verify.ReasonIdentityMismatch},
			atkCase{name: "a token signing the email as a uid, sent as the email", p: p,
				req: verify.Request{Token: atkTokIDs(p, "["+atkIdent("uid", atkEmail)+"]"), Email: atkEmail}, want: verify.ReasonIdentityMismatch},
			atkCase{name: "a token signing a uid only, an email sent", p: p,
				req: verify.Request{Token: atkTokIDs(p, "["+atkIdent("uid", atkUID)+"]"), UserID: atkUID, Email: atkEmail}, want: verify.ReasonIdentityMismatch},
			atkCase{name: "an unsigned phone number sent", p: p,
				req: verify.Request{Token: atkValid(p), Identities: atkIDs("phone_number", "+15551234567")}, want: verify.ReasonIdentityMismatch},
			atkCase{name: "the signed fields sent as signed", p: p, req: verify.Request{Token: atkValid(p), UserID: atkUID, Email: atkEmail}, ids: atkWant(p)},
		)
	}
	p := verify.PylonJWT
	out = append(out,
		atkCase{name: "the email sent as the uid", p: p, req: verify.Request{Token: atkValid(p), UserID: atkEmail}, want: verify.ReasonIdentityMismatch},
		atkCase{name: "any uid sent", p: p, req: verify.Request{Token: atkValid(p), UserID: atkUID, Email: atkEmail}, want: verify.ReasonIdentityMismatch},
		atkCase{name: "an unsigned account_id sent", p: p, req: verify.Request{Token: atkValid(p), Attributes: map[string]string{"contact_id": "c_1"}}, want: verify.ReasonIdentityMismatch},
		atkCase{name: "the signed email sent", p: p, req: verify.Request{Token: atkValid(p), Email: atkEmail}, ids: atkWant(p)},
	)
	return out
}

func atkLegacyConcat(t *testing.T) []atkCase {
	p := verify.HelpshiftLegacy
	d := atkDigestOf(p, "123a@b.co")
	// One digest, five readings: helpshift-legacy signs uid+email with no
	// separator, so every split of the message verifies, each as the
	// identities it was sent as. Compatibility requires it (profiles.md);
	// the server never lets such a login take over an identity verified for
	// another user.
	out := []atkCase{
		{name: `uid "12" + email "3a@b.co"`, p: p, req: verify.Request{UserID: "12", Email: "3a@b.co", Digest: d}, ids: atkIDs("uid", "12", "email", "3a@b.co")},
		{name: `uid "123" + email "a@b.co"`, p: p, req: verify.Request{UserID: "123", Email: "a@b.co", Digest: d}, ids: atkIDs("uid", "123", "email", "a@b.co")},
		{name: `uid "1" + email "23a@b.co"`, p: p, req: verify.Request{UserID: "1", Email: "23a@b.co", Digest: d}, ids: atkIDs("uid", "1", "email", "23a@b.co")},
		{name: `uid "123a@b.co" alone`, p: p, req: verify.Request{UserID: "123a@b.co", Digest: d}, ids: atkIDs("uid", "123a@b.co")},
		{name: `email "123a@b.co" alone`, p: p, req: verify.Request{Email: "123a@b.co", Digest: d}, ids: atkIDs("email", "123a@b.co")},
		{name: `uid "12" + email "3a@b.cox"`, p: p, req: verify.Request{UserID: "12", Email: "3a@b.cox", Digest: d}, want: verify.ReasonSignatureMismatch},
	}
	// Full privacy signs the uid only: no split moves bytes between fields,
	// and the email is never covered.
	full := atkDigestOf(p, "123")
	out = append(out,
		atkCase{name: `full privacy: the concatenated digest, uid "12" + email "3a@b.co"`, p: p, full: true, req: verify.Request{UserID: "12", Email: "3a@b.co", Digest: d}, want: verify.ReasonSignatureMismatch, cause: verify.CauseWrongMessage},
		atkCase{name: `full privacy: the concatenated digest, uid "123" + email "a@b.co"`, p: p, full: true, req: verify.Request{UserID: "123", Email: "a@b.co", Digest: d}, want: verify.ReasonSignatureMismatch, cause: verify.CauseWrongMessage},
		atkCase{name: `full privacy: uid "123", any email, covers the uid only`, p: p, full: true, req: verify.Request{UserID: "123", Email: "a@b.co", Digest: full}, ids: atkIDs("uid", "123")},
		atkCase{name: `full privacy: uid "12" + email "3" with the digest of "123"`, p: p, full: true, req: verify.Request{UserID: "12", Email: "3", Digest: full}, want: verify.ReasonSignatureMismatch},
		atkCase{name: `full privacy: uid "1" with the digest of "123"`, p: p, full: true, req: verify.Request{UserID: "1", Digest: full}, want: verify.ReasonSignatureMismatch},
		atkCase{name: `full privacy: email "123" alone`, p: p, full: true, req: verify.Request{Email: "123", Digest: full}, want: verify.ReasonIdentityRequired},
	)
	return out
}

func atkDigestEncoding(t *testing.T) []atkCase {
	var out []atkCase
	for _, p := range []verify.Profile{verify.Intercom, verify.Akece, verify.PylonHMAC, verify.HelpScout, verify.Front, verify.Plain, verify.Gleap} {
		mac := atkMAC(p, atkSecretOf(p), atkDigestMsg(p))
		h := hex.EncodeToString(mac)
		req := func(d string) verify.Request { return atkDigestReq(p, d) }
		for name, d := range map[string]string{
			"31 bytes (62 hex)":                h[:62],
			"63 hex characters":                h[:63],
			"65 hex characters":                h + "0",
			"33 bytes (66 hex)":                h + "00",
			"0x prefix":                        "0x" + h,
			"0x prefix, 62 hex":                "0x" + h[:62],
			"a NUL in place of the last digit": h[:63] + "\x00",
			"a space inside":                   h[:32] + " " + h[32:],
			"a space in place of a digit":      h[:32] + " " + h[33:],
			"hex with colons": strings.Join(func() []string {
				var s []string
				for i := 0; i < 64; i += 2 {
					s = append(s, h[i:i+2])
				}
				return s
			}(), ":"),
			"full-width digits": strings.Map(func(r rune) rune {
				if r >= '0' && r <= '9' {
					return r - '0' + '０'
				}
				return r
			}, h),
			"an empty digest":            "",
			"64 spaces":                  strings.Repeat(" ", 64),
			"64 'g'":                     strings.Repeat("g", 64),
			"SHA-256 length, minus sign": "-" + h[1:],
		} {
			out = append(out, atkCase{name: name, p: p, req: req(d), want: verify.ReasonMalformed})
		}
		for name, d := range map[string]string{
			"base64 (padded)":               base64.StdEncoding.EncodeToString(mac),
			"base64 unpadded":               base64.RawStdEncoding.EncodeToString(mac),
			"base64url":                     base64.URLEncoding.EncodeToString(mac),
			"base64url unpadded":            base64.RawURLEncoding.EncodeToString(mac),
			"leading space":                 " " + h,
			"trailing newline":              h + "\n",
			"trailing CRLF":                 h + "\r\n",
			"surrounded by tabs":            "\t" + h + "\t",
			"upper-case hex, leading space": " " + strings.ToUpper(h),
		} {
			out = append(out, atkCase{name: name, p: p, req: req(d), want: verify.ReasonMalformed, cause: verify.CauseWrongEncoding})
		}
		out = append(out,
			atkCase{name: "upper-case hex", p: p, req: req(strings.ToUpper(h)), ids: atkDigestIDs(p)},
			atkCase{name: "mixed-case hex", p: p, req: req(strings.ToUpper(h[:31]) + h[31:]), ids: atkDigestIDs(p)},
			atkCase{name: "hex of another message", p: p, req: req(hex.EncodeToString(atkMAC(p, atkSecretOf(p), "user-43"))), want: verify.ReasonSignatureMismatch},
			atkCase{name: "hex of the 31-byte prefix, zero-padded", p: p, req: req(h[:62] + "00"), want: verify.ReasonSignatureMismatch},
		)
	}
	p := verify.HelpshiftLegacy
	req := func(d string) verify.Request { return atkDigestReq(p, d) }
	mac := atkMAC(p, atkSecret, atkDigestMsg(p))
	d := base64.StdEncoding.EncodeToString(mac)
	for name, bad := range map[string]string{
		"31 bytes (44 characters, one '=')": base64.StdEncoding.EncodeToString(mac[:31]),
		"33 bytes (44 characters, no '=')":  base64.StdEncoding.EncodeToString(append(slices.Clone(mac), 0)),
		"30 bytes":                          base64.StdEncoding.EncodeToString(mac[:30]),
		"double padding":                    d[:43] + "==",
		"padding in the middle":             d[:20] + "=" + d[21:],
		"non-zero trailing bits":            d[:42] + string(atkStdB64Trailing(d[42])) + "=",
		"a newline in place of '='":         d[:43] + "\n",
		"a CR in place of '='":              d[:43] + "\r",
		"a space in place of '='":           d[:43] + " ",
		"a newline inside, one char less":   d[:20] + "\n" + d[21:],
		"a NUL in place of '='":             d[:43] + "\x00",
		"an empty digest":                   "",
		"44 '='":                            strings.Repeat("=", 44),
	} {
		out = append(out, atkCase{name: name, p: p, req: req(bad), want: verify.ReasonMalformed})
	}
	for name, bad := range map[string]string{
		"hex":                  hex.EncodeToString(mac),
		"upper-case hex":       strings.ToUpper(hex.EncodeToString(mac)),
		"unpadded":             d[:43],
		"leading space":        " " + d,
		"trailing newline":     d + "\n",
		"trailing CRLF":        d + "\r\n",
		"surrounded by spaces": " " + d + " ",
	} {
		out = append(out, atkCase{name: name, p: p, req: req(bad), want: verify.ReasonMalformed, cause: verify.CauseWrongEncoding})
	}
	// base64url: a digest that has '+' or '/', written with '-' and '_'.
	for i := 0; ; i++ {
		uid := "user-" + strconv.Itoa(i)
		m := atkMAC(p, atkSecret, uid)
		std := base64.StdEncoding.EncodeToString(m)
		if !strings.ContainsAny(std, "+/") {
			continue
		}
		out = append(out,
			atkCase{name: "base64url", p: p, req: verify.Request{UserID: uid, Digest: base64.URLEncoding.EncodeToString(m)}, want: verify.ReasonMalformed, cause: verify.CauseWrongEncoding},
			atkCase{name: "base64url unpadded", p: p, req: verify.Request{UserID: uid, Digest: base64.RawURLEncoding.EncodeToString(m)}, want: verify.ReasonMalformed, cause: verify.CauseWrongEncoding},
		)
		break
	}
	// Upper-cased base64 is other bytes: a digest whose upper-case form
	// still decodes strictly is a plain mismatch.
	for i := 0; ; i++ {
		uid := "user-" + strconv.Itoa(i)
		std := base64.StdEncoding.EncodeToString(atkMAC(p, atkSecret, uid))
		up := strings.ToUpper(std)
		if up == std {
			continue
		}
		if _, err := base64.StdEncoding.Strict().DecodeString(up); err != nil {
			continue
		}
		out = append(out, atkCase{name: "upper-cased base64", p: p, req: verify.Request{UserID: uid, Digest: up}, want: verify.ReasonSignatureMismatch})
		break
	}
	out = append(out, atkCase{name: "the digest as sent", p: p, req: req(d), ids: atkDigestIDs(p)})
	return out
}

// atkStdB64Trailing returns c (a standard base64 character encoding the last
// of 32 bytes, with 2 trailing bits) with a trailing bit set.
func atkStdB64Trailing(c byte) byte {
	const std = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	return std[strings.IndexByte(std, c)|1]
}

// atkMustVerify checks that a test's unmutated token is valid, so that the
// mutation is the only fault of the mutated one.
func atkMustVerify(t *testing.T, p verify.Profile, tok string) {
	t.Helper()
	if _, err := atkVerifier(t, p, false, atkSecretOf(p)).Verify(verify.Request{Token: tok}); err != nil {
		t.Fatalf("%s: the unmutated token does not verify: %v", p, err)
	}
}

// --- running -------------------------------------------------------------------

// atkMessageOK reports what is wrong with a message meant for logs and
// people: "" when nothing.
func atkMessageOK(msg string, c *atkCase) string {
	if !utf8.ValidString(msg) {
		return "is not valid UTF-8"
	}
	for _, r := range msg {
		if r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 || r == 0x202e || r == 0x2066 {
			return "holds a control character " + strconv.QuoteRune(r)
		}
	}
	for _, s := range atkSecrets {
		if strings.Contains(msg, s) {
			return "contains a secret"
		}
	}
	for _, s := range append([]string{c.req.Token, c.req.Digest}, c.hidden...) {
		if len(s) >= 12 && strings.Contains(msg, s) {
			return "contains the presented proof or an attacker-chosen value"
		}
	}
	return ""
}

func atkSameIDs(got, want []verify.Identity) bool {
	return slices.EqualFunc(got, want, func(a, b verify.Identity) bool {
		return a.Type == b.Type && a.Value == b.Value && maps.Equal(a.Metadata, b.Metadata)
	})
}

// TestAttack runs the attack table. Each case: a fresh verifier of the
// profile, and the same request on a verifier that has just verified a
// valid proof (whose header it remembers).
func TestAttack(t *testing.T) {
	cases := atkCases(t)
	type key struct {
		p    verify.Profile
		full bool
	}
	primed := map[key]*verify.Verifier{}
	valid := func(p verify.Profile, full bool) verify.Request {
		if p.IsJWT() {
			return verify.Request{Token: atkValid(p)}
		}
		r := atkDigestReq(p, "")
		msg := atkDigestMsg(p)
		if full {
			r.Email, msg = "", atkUID
		}
		r.Digest = atkDigestOf(p, msg)
		return r
	}
	count := map[string]int{}
	for _, c := range cases {
		count[c.class]++
		c := c
		t.Run(c.class+"/"+string(c.p)+"/"+c.name, func(t *testing.T) {
			if c.want == "" && c.ids == nil {
				t.Fatal("a case that must verify names the identities it verifies")
			}
			v := c.v
			if v == nil {
				v = atkVerifier(t, c.p, c.full, atkSecretOf(c.p))
			}
			got, err := v.Verify(c.req)
			reason := verify.ReasonOf(err)
			if err != nil && reason == "" {
				t.Fatalf("an error that is not a verification failure: %v", err)
			}
			if reason != c.want {
				t.Fatalf("reason %q (%v), want %q", reason, err, orValid(c.want))
			}
			if err == nil {
				if !atkSameIDs(got.Identities, c.ids) {
					t.Fatalf("verified %+q, want exactly %+q", got.Identities, c.ids)
				}
				if got.Profile != c.p || got.KeyID != "k1" {
					t.Fatalf("verified by %s key %q", got.Profile, got.KeyID)
				}
			} else {
				if p := atkMessageOK(err.Error(), &c); p != "" {
					t.Fatalf("the error message %s: %q", p, err.Error())
				}
				d, ok := v.Diagnose(c.req, err, atkCands)
				if ok {
					if p := atkMessageOK(d.Message, &c); p != "" {
						t.Fatalf("the diagnosis %s: %q", p, d.Message)
					}
				}
				if c.cause != "" && (!ok || d.Cause != c.cause) {
					t.Fatalf("diagnosis %+v (%v), want cause %q", d, ok, c.cause)
				}
			}
			if c.v != nil {
				return
			}
			k := key{c.p, c.full}
			pv := primed[k]
			if pv == nil {
				pv = atkVerifier(t, c.p, c.full, atkSecretOf(c.p))
				primed[k] = pv
			}
			if _, err := pv.Verify(valid(c.p, c.full)); err != nil {
				t.Fatalf("the valid proof: %v", err)
			}
			if _, err := pv.Verify(c.req); verify.ReasonOf(err) != c.want {
				t.Fatalf("after a valid proof: %v, want %q", err, orValid(c.want))
			}
		})
	}
	classes := slices.Sorted(maps.Keys(count))
	total := 0
	for _, cl := range classes {
		total += count[cl]
		t.Logf("%-18s %4d cases", cl, count[cl])
	}
	t.Logf("%-18s %4d cases", "total", total)
}

func orValid(r verify.Reason) string {
	if r == "" {
		return "valid"
	}
	return string(r)
}

// TestAttackHugeInput: a 100 MB token, digest or identifier is refused
// with the exact reason, by its length alone: the verifier neither copies
// nor scans it, and the doctor does not look at it. Measured in allocations
// and bytes (testing.AllocsPerRun, runtime.MemStats), never in time.
func TestAttackHugeInput(t *testing.T) {
	huge := strings.Repeat("A", 100<<20)
	// A well-formed JWS shape, so that only its size can refuse it.
	hugeJWS := atkB64(atkHdr(verify.Signet)) + "." + huge[:100<<20-200] + "." + strings.Repeat("A", 43)
	hugeHex := strings.Repeat("0", 100<<20)
	type hc struct {
		name string
		p    verify.Profile
		req  verify.Request
		want verify.Reason
	}
	var cases []hc
	for _, p := range atkJWT {
		cases = append(cases,
			hc{"100 MB token", p, verify.Request{Token: huge}, verify.ReasonTooLarge},
			hc{"100 MB JWS-shaped token", p, verify.Request{Token: hugeJWS}, verify.ReasonTooLarge},
			hc{"100 MB token with identifiers", p, verify.Request{Token: hugeJWS, UserID: atkUID, Email: atkEmail}, verify.ReasonTooLarge},
			// The identifier is compared with the signed one, never scanned.
			hc{"100 MB uid next to a valid token", p, verify.Request{Token: atkValid(p), UserID: huge}, verify.ReasonIdentityMismatch},
		)
	}
	for _, p := range atkDigest {
		r := atkDigestReq(p, hugeHex)
		cases = append(cases, hc{"100 MB digest", p, r, verify.ReasonTooLarge})
		r = atkDigestReq(p, atkDigestOf(p, atkDigestMsg(p)))
		if r.UserID != "" {
			r.UserID = huge
		} else {
			r.Email = huge
		}
		cases = append(cases, hc{"100 MB identifier", p, r, verify.ReasonMalformed})
	}
	for _, c := range cases {
		t.Run(string(c.p)+"/"+c.name, func(t *testing.T) {
			v := atkVerifier(t, c.p, false, atkSecretOf(c.p))
			_, err := v.Verify(c.req)
			if got := verify.ReasonOf(err); got != c.want {
				t.Fatalf("reason %q (%v), want %q", got, err, c.want)
			}
			if len(err.Error()) > 200 || strings.Contains(err.Error(), "AAAAAAAA") {
				t.Fatalf("the message echoes the input: %.200q", err.Error())
			}
			// At most the *Error and its message, beyond what verifying the rest of
			// the request costs; a copy or a decoding of the input would be
			// a 100 MB allocation.
			var refAllocs float64
			var refBytes uint64
			if c.want == verify.ReasonIdentityMismatch {
				ref := c.req
				ref.UserID = atkUID + "x" // the same failure, with a short identifier
				refAllocs = testing.AllocsPerRun(20, func() { v.Verify(ref) })
				refBytes = atkBytesPerRun(20, func() { v.Verify(ref) })
			}
			if n := testing.AllocsPerRun(20, func() { v.Verify(c.req) }); n > refAllocs+2 {
				t.Errorf("%v allocations per refusal (%v for a short input)", n, refAllocs)
			}
			if b := atkBytesPerRun(20, func() { v.Verify(c.req) }); b > refBytes+1<<10 {
				t.Errorf("%d bytes allocated per refusal (%d for a short input)", b, refBytes)
			}
			if d, ok := v.Diagnose(c.req, err, atkCands); ok && c.want == verify.ReasonTooLarge {
				t.Errorf("the doctor looked at a too-large proof: %+v", d)
			}
			// The doctor's bound for the input sizes it does examine: the
			// work over a huge identifier it must refuse is none at all.
			if b := atkBytesPerRun(5, func() { v.Diagnose(c.req, err, atkCands) }); b > 64<<10 {
				t.Errorf("diagnosing allocates %d bytes", b)
			}
		})
	}
}

// atkBytesPerRun is the bytes fn allocates per call: the least of three
// rounds of n calls (anything running alongside can only add).
func atkBytesPerRun(n int, fn func()) uint64 {
	fn()
	least := ^uint64(0)
	for range 3 {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		for range n {
			fn()
		}
		runtime.ReadMemStats(&after)
		least = min(least, (after.TotalAlloc-before.TotalAlloc)/uint64(n))
	}
	return least
}
