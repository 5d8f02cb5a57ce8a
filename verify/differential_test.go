package verify_test

// Differential test: Signet's JWT profiles against github.com/golang-jwt/jwt/v5.
//
// For each JWT profile (helpshift-userhub, pylon-jwt, signet, and the second
// wave's intercom-jwt, zendesk-messaging and drift) the test starts
// from valid tokens (the vectors' valid tokens and tokens made with the sign
// package) and derives, deterministically, tens of thousands of mutations:
// byte flips, insertions and deletions; segment swaps and counts; '=' padding,
// the standard alphabet, whitespace and line breaks, non-canonical trailing
// bits; header variants (alg none/None/NONE/HS384/HS512… re-signed with the
// real secret, jku/x5u/jwk/crit/b64/zip…, kid games, duplicates); payload
// variants (non-object JSON, duplicate and case-variant claims, time claims as
// strings/negative/zero/huge/fractions/milliseconds, boundary times, aud
// tricks, identity tricks, a BOM, invalid UTF-8, lone surrogates, JSON limits)
// and byte flips of the decoded JSON, re-signed so that they reach the claim
// checks. Each token goes through three judges:
//
//   - Signet: verify.New(profile, keys, Options{AppID, Now: fixed clock}).
//   - golang-jwt v5, configured strictly: WithValidMethods(HS256),
//     WithStrictDecoding (WithPaddingAllowed not set), WithIssuedAt,
//     WithLeeway(60 s), WithTimeFunc(fixed clock), and for the profiles with an
//     audience WithAudience(app id) and WithExpirationRequired; claims decoded
//     into a typed struct holding exactly the claims the profile interprets
//     (as a Go integrator would write it); the signet keyfunc accepts only
//     kid "k1", the zendesk-messaging keyfunc any string kid.
//   - An oracle written from ../shared/profiles.md (plus Signet's documented
//     limits), independent of the verify package: encoding/json, a token
//     walk for duplicates and limits, exact decimal arithmetic for times.
//     It lists every rule a token breaks, each with the reason code Signet
//     must give and whether golang-jwt enforces that rule too.
//
// Asserted for every token:
//   - Signet accepts ⇔ the oracle finds no broken rule; when Signet rejects,
//     its reason is the reason of one of the broken rules.
//   - Every token Signet accepts, golang-jwt accepts too, with one documented
//     exception (golang-jwt-float-rounding, below).
//   - When golang-jwt accepts a token Signet rejects, Signet's reason is
//     explained by a rule that golang-jwt does not enforce. Those divergences
//     are counted by category, and the set of categories seen (as the sole
//     explanation of at least one token) must be exactly stricterThanGolangJWT:
//     a new, unexplained divergence fails the test, and so does a documented
//     one that no longer happens.
//
// Where Signet is stricter than golang-jwt (golang-jwt accepts, Signet rejects):
//
//   - token-size (too_large): tokens over 8 KiB. golang-jwt has no limit.
//   - line-break (malformed): CR or LF inside a segment. Go's base64 decoders
//     skip CR and LF even in strict mode, so golang-jwt accepts a token with
//     line breaks; profiles.md allows no whitespace or line breaks anywhere.
//   - duplicate-member (malformed in the header, claim_invalid in the claims):
//     a header parameter or a claim (at any depth: metadata too) that appears
//     twice. encoding/json keeps the last one, so {"aud":"other","aud":"app"}
//     or {"alg":"none","alg":"HS256"} pass golang-jwt; another parser keeping
//     the first would read a different token.
//   - invalid-utf8 (malformed / claim_invalid): invalid UTF-8 bytes or lone
//     surrogate escapes anywhere in the header or the claims. encoding/json
//     silently replaces them with U+FFFD, so two different signed byte strings
//     would decode to the same identity.
//   - json-limits (malformed / claim_invalid): JSON nested deeper than 16 or
//     an object or array with more than 256 members. encoding/json allows
//     10 000 levels.
//   - header-param (header_not_allowed): header parameters other than alg, typ
//     and kid (jku, x5u, jwk, x5c, crit, b64, zip, cty, case variants such as
//     "ALG"…), a typ other than "JWT" (any case) and a kid that is not a
//     string. golang-jwt ignores them, which means it silently ignores crit
//     and b64:false, whose whole point is to change how the token is read.
//   - claims-not-object (claim_invalid): the claims JSON `null`. encoding/json
//     decodes null into a claims struct as "no claims at all", and
//     helpshift-userhub has no claim golang-jwt can require.
//   - case-variant-claim (claim_invalid): a claim whose name differs from an
//     interpreted one only by letter case ("IAT", "Email", "identitieſ" with
//     a long s). encoding/json matches struct fields case-insensitively, so
//     golang-jwt reads "EXP" as exp and "Email" as email.
//   - time-claim-type (claim_invalid): iat/exp/nbf as a quoted number
//     ("1767225540") or null. encoding/json decodes a quoted number into
//     json.Number, and null as an absent claim.
//   - time-claim-range (claim_invalid): iat/exp/nbf ≤ 0 or ≥ 2^53 (zero,
//     negative, 1e300…). golang-jwt accepts any float64 as a time.
//   - exact-truncation (expired / lifetime…): a time literal with more
//     fraction digits than float64 holds ("1767225540.99999999999999999").
//     profiles.md truncates the fraction; golang-jwt rounds the literal to a
//     float64 first, which here gives the next second.
//   - iat-required (claim_invalid): a token without iat. golang-jwt's
//     WithIssuedAt checks iat only when present; no option requires it.
//   - exp-not-after-iat (claim_invalid): exp ≤ iat. golang-jwt does not relate
//     the two.
//   - lifetime (lifetime_too_long): exp − iat over 900 s (pylon-jwt) or over
//     the app's maximum, 1 h by default (signet). golang-jwt has no lifetime
//     rule.
//   - iat-max-age (issued_too_long_ago): a helpshift-userhub iat older than
//     86 400 s. golang-jwt has no maximum age.
//   - identity-rules (identity_required / unknown_identity_type /
//     claim_invalid): the identities claim (array of at most twelve
//     {identifier, value, metadata} objects, known types, no type twice, uid
//     and/or email present, metadata string→string within limits, no other
//     member and no case variant inside an identity), pylon's email, and the
//     signed string values (email, name, pylon's ids, identity values: no
//     control characters, at most 1024 bytes, not null; non-empty, except
//     that a name or pylon id "" counts as absent, as Pylon's samples send it).
//     golang-jwt knows nothing of identities; a struct field stays "" for null.
//     The second wave's identity claims (intercom-jwt's user_id,
//     zendesk-messaging's external_id, drift's sub) obey the same value rules
//     and are required.
//   - vendor-claims (claim_invalid): zendesk-messaging's scope, which must be
//     the string "user"; its external_id, at most 255 characters; and its
//     email_verified, true or false (not null). golang-jwt reads them as
//     plain struct fields.
//
// Where golang-jwt rejects a token Signet accepts (the one exception):
//
//   - golang-jwt-float-rounding: the same long time literals. With
//     iat = now + 60.99999999999999999, profiles.md truncates to now + 60,
//     inside the leeway; golang-jwt rounds to now + 61 and says "used before
//     issued". Signet follows profiles.md.
//
// Everything else agrees: alg none/None/NONE/HS384/HS512/RS256…, missing alg,
// padding, the standard alphabet, spaces, tabs, non-canonical trailing bits,
// two/four/five segments, BOM-prefixed or trailing-garbage JSON, non-object
// claims other than null, bad signatures and keys, expiry, nbf and iat in the
// future (with the same 60 s leeway on both sides), audience, required exp
// and aud.

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"maps"
	"math"
	"math/big"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/golang-jwt/jwt/v5"

	"github.com/signet-id/signet/internal/vectors"
	"github.com/signet-id/signet/sign"
	"github.com/signet-id/signet/verify"
)

// stricterThanGolangJWT are the categories of tokens golang-jwt accepts and
// Signet rejects; see the comment at the top of the file for the reasons.
var stricterThanGolangJWT = []string{
	"token-size",
	"line-break",
	"duplicate-member",
	"invalid-utf8",
	"json-limits",
	"header-param",
	"claims-not-object",
	"case-variant-claim",
	"time-claim-type",
	"time-claim-range",
	"exact-truncation",
	"iat-required",
	"exp-not-after-iat",
	"lifetime",
	"iat-max-age",
	"identity-rules",
	"vendor-claims",
}

// looserThanGolangJWT are the categories of tokens Signet accepts and
// golang-jwt rejects.
var looserThanGolangJWT = []string{"golang-jwt-float-rounding"}

const (
	diffNow        = 1767225600 // the vectors' clock
	diffAppID      = "app_7Hq2"
	diffSecret     = "hs-secret-3f9a1c7e5b2d4f60"               // helpshift-userhub and pylon-jwt vectors
	signetSecret   = "sg_live_4c1e9b7a2f5d8e3c6b0a9f1d7e2c5b8a" // kid k1
	signetRetired  = "sg_live_retired_0f3e6d9c2b5a8e1d4c7b"     // kid k0, revoked
	diffLeeway     = 60
	diffMaxSize    = 8 << 10
	signetLifetime = 3600
)

var diffClock = func() time.Time { return time.Unix(diffNow, 0) }

// ---------------------------------------------------------------------------
// The three judges.

type judge struct {
	p         verify.Profile
	key       []byte // k1
	revoked   []byte // k0, signet only
	v         *verify.Verifier
	peer      *jwt.Parser
	newClaims func() jwt.Claims
	keyfunc   jwt.Keyfunc
	exact     oracle
	float     oracle // the oracle with golang-jwt's float64 view of times
}

func newJudge(t testing.TB, p verify.Profile) *judge {
	t.Helper()
	secret := diffSecret
	if p == verify.Signet {
		secret = signetSecret
	}
	k1, err := verify.NewKey(p, "k1", secret)
	if err != nil {
		t.Fatal(err)
	}
	keys := []verify.Key{k1}
	j := &judge{p: p, key: []byte(secret)}
	if p == verify.Signet {
		k0, err := verify.NewKey(p, "k0", signetRetired)
		if err != nil {
			t.Fatal(err)
		}
		k0.Revoked = true
		keys = append(keys, k0)
		j.revoked = []byte(signetRetired)
	}
	j.v, err = verify.New(p, keys, verify.Options{AppID: diffAppID, Now: diffClock})
	if err != nil {
		t.Fatal(err)
	}
	j.peer = peerParser(p)
	j.newClaims = peerClaimsFor(p)
	key := j.key
	j.keyfunc = func(tok *jwt.Token) (any, error) {
		if p == verify.Signet {
			if kid, _ := tok.Header["kid"].(string); kid != "k1" {
				return nil, errors.New("unknown kid")
			}
		}
		if _, ok := tok.Header["kid"].(string); p == verify.ZendeskMessaging && !ok {
			return nil, errors.New("no kid") // Zendesk's tokens name their key
		}
		return key, nil
	}
	j.exact = oracle{p: p, key: j.key, revoked: j.revoked}
	j.float = j.exact
	j.float.floatTimes = true
	return j
}

// peerParser is golang-jwt configured as strictly as it goes for profile p.
func peerParser(p verify.Profile) *jwt.Parser {
	opts := []jwt.ParserOption{
		jwt.WithValidMethods([]string{"HS256"}),
		jwt.WithStrictDecoding(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(diffLeeway * time.Second),
		jwt.WithTimeFunc(diffClock),
	}
	if p.NeedsAudience() {
		opts = append(opts, jwt.WithAudience(diffAppID), jwt.WithExpirationRequired())
	}
	if p == verify.FreshdeskWidget {
		opts = append(opts, jwt.WithExpirationRequired())
	}
	return jwt.NewParser(opts...)
}

// The peer's claims: exactly the claims each profile interprets, typed.
type peerTimes struct {
	Exp *jwt.NumericDate `json:"exp,omitempty"`
	Iat *jwt.NumericDate `json:"iat,omitempty"`
	Nbf *jwt.NumericDate `json:"nbf,omitempty"`
}

func (c peerTimes) GetExpirationTime() (*jwt.NumericDate, error) { return c.Exp, nil }
func (c peerTimes) GetIssuedAt() (*jwt.NumericDate, error)       { return c.Iat, nil }
func (c peerTimes) GetNotBefore() (*jwt.NumericDate, error)      { return c.Nbf, nil }
func (c peerTimes) GetIssuer() (string, error)                   { return "", nil }
func (c peerTimes) GetSubject() (string, error)                  { return "", nil }
func (c peerTimes) GetAudience() (jwt.ClaimStrings, error)       { return nil, nil }

type peerIdentity struct {
	Identifier string            `json:"identifier"`
	Value      string            `json:"value"`
	Metadata   map[string]string `json:"metadata,omitempty"`
}

type userHubClaims struct {
	peerTimes
	Identities []peerIdentity `json:"identities"`
}

type pylonClaims struct {
	peerTimes
	Aud               jwt.ClaimStrings `json:"aud"`
	Email             string           `json:"email"`
	Name              string           `json:"name,omitempty"`
	AccountID         string           `json:"account_id,omitempty"`
	AccountExternalID string           `json:"account_external_id,omitempty"`
	ContactID         string           `json:"contact_id,omitempty"`
	ContactExternalID string           `json:"contact_external_id,omitempty"`
}

func (c pylonClaims) GetAudience() (jwt.ClaimStrings, error) { return c.Aud, nil }

type signetClaims struct {
	peerTimes
	Aud        jwt.ClaimStrings `json:"aud"`
	Identities []peerIdentity   `json:"identities"`
	Name       string           `json:"name,omitempty"`
}

func (c signetClaims) GetAudience() (jwt.ClaimStrings, error) { return c.Aud, nil }

type kustomerClaims struct {
	peerTimes
	ExternalID string `json:"externalId,omitempty"`
	Email      string `json:"email,omitempty"`
}

// freshdeskClaims has no iat: Freshdesk's tokens carry none, and an iat is
// not read.
type freshdeskClaims struct {
	Exp   *jwt.NumericDate `json:"exp,omitempty"`
	Nbf   *jwt.NumericDate `json:"nbf,omitempty"`
	Name  string           `json:"name,omitempty"`
	Email string           `json:"email"`
}

func (c freshdeskClaims) GetExpirationTime() (*jwt.NumericDate, error) { return c.Exp, nil }
func (c freshdeskClaims) GetIssuedAt() (*jwt.NumericDate, error)       { return nil, nil }
func (c freshdeskClaims) GetNotBefore() (*jwt.NumericDate, error)      { return c.Nbf, nil }
func (c freshdeskClaims) GetIssuer() (string, error)                   { return "", nil }
func (c freshdeskClaims) GetSubject() (string, error)                  { return "", nil }
func (c freshdeskClaims) GetAudience() (jwt.ClaimStrings, error)       { return nil, nil }

type intercomClaims struct {
	peerTimes
	UserID string `json:"user_id"`
	Email  string `json:"email,omitempty"`
}

type zendeskClaims struct {
	peerTimes
	Scope         string `json:"scope"`
	ExternalID    string `json:"external_id"`
	Name          string `json:"name,omitempty"`
	Email         string `json:"email,omitempty"`
	EmailVerified *bool  `json:"email_verified,omitempty"`
}

type driftClaims struct {
	peerTimes
	Sub string `json:"sub"`
}

func peerClaimsFor(p verify.Profile) func() jwt.Claims {
	switch p {
	case verify.HelpshiftUserHub:
		return func() jwt.Claims { return &userHubClaims{} }
	case verify.PylonJWT:
		return func() jwt.Claims { return &pylonClaims{} }
	case verify.Kustomer:
		return func() jwt.Claims { return &kustomerClaims{} }
	case verify.FreshdeskWidget:
		return func() jwt.Claims { return &freshdeskClaims{} }
	case verify.IntercomJWT:
		return func() jwt.Claims { return &intercomClaims{} }
	case verify.ZendeskMessaging:
		return func() jwt.Claims { return &zendeskClaims{} }
	case verify.Drift:
		return func() jwt.Claims { return &driftClaims{} }
	}
	return func() jwt.Claims { return &signetClaims{} }
}

// ---------------------------------------------------------------------------
// The oracle: profiles.md, restated independently of the verify package.

type violation struct {
	reason verify.Reason
	rule   string // what is wrong
	// category is "" when golang-jwt, configured as above, refuses such a
	// token too; otherwise one of stricterThanGolangJWT.
	category string
}

func (v violation) String() string {
	c := v.category
	if c == "" {
		c = "shared"
	}
	return string(v.reason) + "/" + v.rule + "[" + c + "]"
}

type oracle struct {
	p          verify.Profile
	key        []byte
	revoked    []byte
	floatTimes bool // read times as golang-jwt does: float64, then truncated
}

var twoTo53 = new(big.Int).Lsh(big.NewInt(1), 53)

func isB64URL(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

// segment decodes one base64url segment as profiles.md says.
func segment(seg, what string) ([]byte, *violation) {
	var lineBreak bool
	for i := 0; i < len(seg); i++ {
		switch c := seg[i]; {
		case isB64URL(c):
		case c == '\r' || c == '\n':
			lineBreak = true
		default:
			return nil, &violation{verify.ReasonMalformed, what + " has a byte outside base64url", ""}
		}
	}
	stripped := strings.NewReplacer("\r", "", "\n", "").Replace(seg)
	b, err := base64.RawURLEncoding.Strict().DecodeString(stripped)
	if err != nil {
		return nil, &violation{verify.ReasonMalformed, what + " is not canonical base64url", ""}
	}
	if lineBreak {
		return b, &violation{verify.ReasonMalformed, what + " has a line break", "line-break"}
	}
	return b, nil
}

// jsonShape checks that b is one JSON object under the strict rules:
// UTF-8, no lone surrogate, no member twice, depth ≤ 16, ≤ 256 members.
func jsonShape(b []byte, reason verify.Reason, nullCategory string) []violation {
	if !json.Valid(b) {
		return []violation{{reason, "not JSON", ""}}
	}
	t := bytes.TrimLeft(b, " \t\r\n")
	if t[0] == 'n' {
		return []violation{{reason, "JSON null", nullCategory}}
	}
	if t[0] != '{' {
		return []violation{{reason, "not a JSON object", ""}}
	}
	var out []violation
	if !utf8.Valid(b) {
		out = append(out, violation{reason, "invalid UTF-8", "invalid-utf8"})
	}
	if hasLoneSurrogate(b) {
		out = append(out, violation{reason, "lone surrogate", "invalid-utf8"})
	}
	type frame struct {
		object, wantKey bool
		keys            map[string]bool
		n               int
	}
	var stack []*frame
	var dup, limits bool
	valueDone := func() {
		if len(stack) > 0 && stack[len(stack)-1].object {
			stack[len(stack)-1].wantKey = true
		}
	}
	enter := func() { // a value begins
		if len(stack) > 16 {
			limits = true
		}
		if len(stack) > 0 && !stack[len(stack)-1].object {
			if stack[len(stack)-1].n++; stack[len(stack)-1].n > 256 {
				limits = true
			}
		}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			panic(err) // json.Valid said yes
		}
		if n := len(stack); n > 0 && stack[n-1].wantKey {
			if d, ok := tok.(json.Delim); ok && d == '}' {
				stack = stack[:n-1]
				valueDone()
				continue
			}
			f := stack[n-1]
			k := tok.(string)
			if f.keys[k] {
				dup = true
			}
			f.keys[k] = true
			if f.n++; f.n > 256 {
				limits = true
			}
			f.wantKey = false
			continue
		}
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				enter()
				stack = append(stack, &frame{object: d == '{', wantKey: d == '{', keys: map[string]bool{}})
			default: // ']'
				stack = stack[:len(stack)-1]
				valueDone()
			}
			continue
		}
		enter()
		valueDone()
	}
	if dup {
		out = append(out, violation{reason, "a member appears twice", "duplicate-member"})
	}
	if limits {
		out = append(out, violation{reason, "JSON too deep or too wide", "json-limits"})
	}
	return out
}

func hasLoneSurrogate(b []byte) bool {
	hex4 := func(i int) rune {
		if i+4 > len(b) {
			return -1
		}
		r, err := strconv.ParseUint(string(b[i:i+4]), 16, 32)
		if err != nil {
			return -1
		}
		return rune(r)
	}
	in := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if !in {
			in = c == '"'
			continue
		}
		switch c {
		case '"':
			in = false
		case '\\':
			if i+1 < len(b) && b[i+1] == 'u' {
				r := hex4(i + 2)
				switch {
				case r >= 0xD800 && r < 0xDC00:
					if i+7 < len(b) && b[i+6] == '\\' && b[i+7] == 'u' {
						if r2 := hex4(i + 8); r2 >= 0xDC00 && r2 <= 0xDFFF {
							i += 11
							continue
						}
					}
					return true
				case r >= 0xDC00 && r <= 0xDFFF:
					return true
				}
				i += 5
				continue
			}
			i++
		}
	}
	return false
}

func decodeMap(b []byte) map[string]any {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		panic(err)
	}
	return m
}

var knownTypes = []string{"uid", "email", "phone_number", "facebook_id", "discord_id", "whatsapp_id",
	"google_playstore_id", "apple_gamecenter_id", "nintendo_id", "psn_id", "xbox_live_id", "steam_id"}

// interpreted are the claim names each profile reads.
func interpreted(p verify.Profile) []string {
	switch p {
	case verify.HelpshiftUserHub:
		return []string{"iat", "exp", "nbf", "identities"}
	case verify.PylonJWT:
		return []string{"iat", "exp", "nbf", "aud", "email", "name", "account_id", "account_external_id", "contact_id", "contact_external_id"}
	case verify.Kustomer:
		return []string{"iat", "exp", "nbf", "externalId", "email"}
	case verify.FreshdeskWidget:
		return []string{"exp", "nbf", "name", "email"}
	case verify.IntercomJWT:
		return []string{"iat", "exp", "nbf", "user_id", "email"}
	case verify.ZendeskMessaging:
		return []string{"iat", "exp", "nbf", "scope", "external_id", "name", "email", "email_verified"}
	case verify.Drift:
		return []string{"iat", "exp", "nbf", "sub"}
	}
	return []string{"iat", "exp", "nbf", "aud", "identities", "name"}
}

// check lists the rules token breaks, in the order the checks apply; it
// stops after the first stage that fails, as a verifier must.
func (o *oracle) check(token string) []violation {
	one := func(r verify.Reason, rule, cat string) []violation { return []violation{{r, rule, cat}} }
	if len(token) > diffMaxSize {
		return one(verify.ReasonTooLarge, "over 8 KiB", "token-size")
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return one(verify.ReasonMalformed, "not three segments", "")
	}
	if parts[0] == "" || parts[1] == "" {
		return one(verify.ReasonMalformed, "empty header or payload", "")
	}
	hb, v := segment(parts[0], "header")
	if v != nil {
		return []violation{*v}
	}
	if vs := jsonShape(hb, verify.ReasonMalformed, ""); len(vs) > 0 {
		return vs
	}
	header := decodeMap(hb)
	var out []violation
	add := func(r verify.Reason, rule, cat string) { out = append(out, violation{r, rule, cat}) }
	for k, val := range header {
		switch k {
		case "alg":
			if s, ok := val.(string); !ok || s != "HS256" {
				add(verify.ReasonAlgorithmNotAllowed, "alg is not HS256", "")
			}
		case "typ":
			if s, ok := val.(string); !ok || !strings.EqualFold(s, "JWT") {
				add(verify.ReasonHeaderNotAllowed, "typ is not JWT", "header-param")
			}
		case "kid":
			if _, ok := val.(string); !ok {
				add(verify.ReasonHeaderNotAllowed, "kid is not a string", "header-param")
			}
		default:
			add(verify.ReasonHeaderNotAllowed, "header parameter "+k, "header-param")
		}
	}
	if _, ok := header["alg"]; !ok {
		add(verify.ReasonAlgorithmNotAllowed, "no alg", "")
	}
	if len(out) > 0 {
		return out
	}
	pb, v := segment(parts[1], "payload")
	if v != nil {
		return []violation{*v}
	}
	sig, v := segment(parts[2], "signature")
	if v != nil {
		return []violation{*v}
	}
	if len(sig) != 32 {
		return one(verify.ReasonMalformed, "signature is not 32 bytes", "")
	}
	if o.p == verify.Signet {
		kid, ok := header["kid"].(string)
		switch {
		case !ok:
			return one(verify.ReasonKeyUnknown, "no kid", "")
		case kid == "k0":
			return one(verify.ReasonKeyRevoked, "kid names the revoked key", "")
		case kid != "k1":
			return one(verify.ReasonKeyUnknown, "kid names no key", "")
		}
	}
	if _, ok := header["kid"].(string); o.p == verify.ZendeskMessaging && !ok {
		return one(verify.ReasonKeyUnknown, "no kid", "")
	}
	mac := hmac.New(sha256.New, o.key)
	mac.Write([]byte(parts[0] + "." + parts[1]))
	if !hmac.Equal(mac.Sum(nil), sig) {
		return one(verify.ReasonSignatureMismatch, "signature", "")
	}
	if vs := jsonShape(pb, verify.ReasonClaimInvalid, "claims-not-object"); len(vs) > 0 {
		return vs
	}
	return o.claims(decodeMap(pb))
}

func (o *oracle) timeValue(name string, val any) (int64, *violation) {
	bad := func(rule, cat string) *violation {
		return &violation{verify.ReasonClaimInvalid, name + " " + rule, cat}
	}
	switch x := val.(type) {
	case json.Number:
		var t *big.Int
		if o.floatTimes {
			f, err := strconv.ParseFloat(string(x), 64)
			if err != nil || math.IsInf(f, 0) {
				return 0, bad("is out of float64 range", "time-claim-range")
			}
			t, _ = new(big.Float).SetFloat64(math.Trunc(f)).Int(nil)
		} else {
			r, ok := new(big.Rat).SetString(string(x))
			if !ok {
				panic("bad JSON number " + string(x))
			}
			t = new(big.Int).Quo(r.Num(), r.Denom()) // truncates toward zero
		}
		if t.Sign() <= 0 || t.Cmp(twoTo53) >= 0 {
			return 0, bad("is out of range", "time-claim-range")
		}
		return t.Int64(), nil
	case nil:
		return 0, bad("is null", "time-claim-type")
	case string:
		return 0, bad("is a string", "time-claim-type")
	}
	return 0, bad("is not a number", "")
}

// signedIdentity is signedValue for an identity value, which also holds no
// invisible formatting character (Unicode category Cf).
func signedIdentity(name string, val any) *violation {
	if s, ok := val.(string); ok && s != "" && len(s) <= 1024 && strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Cf, r) }) {
		return &violation{verify.ReasonClaimInvalid, name + " has an invisible formatting character", "identity-rules"}
	}
	return signedValue(name, val)
}

// signedValue checks a signed string value (email, name, ids, identity values).
func signedValue(name string, val any) *violation {
	switch s := val.(type) {
	case string:
		switch {
		case s == "":
			return &violation{verify.ReasonClaimInvalid, name + " is empty", "identity-rules"}
		case len(s) > 1024:
			return &violation{verify.ReasonClaimInvalid, name + " is over 1024 bytes", "identity-rules"}
		case strings.ContainsFunc(s, unicode.IsControl):
			return &violation{verify.ReasonClaimInvalid, name + " has a control character", "identity-rules"}
		}
		return nil
	case nil:
		return &violation{verify.ReasonClaimInvalid, name + " is null", "identity-rules"}
	}
	return &violation{verify.ReasonClaimInvalid, name + " is not a string", ""}
}

// identities checks the identities claim; it returns the types it holds.
func identities(val any, add func(verify.Reason, string, string)) []string {
	bad := func(rule, cat string) { add(verify.ReasonClaimInvalid, rule, cat) }
	arr, ok := val.([]any)
	if !ok {
		if val == nil {
			bad("identities is null", "identity-rules")
		} else {
			bad("identities is not an array", "")
		}
		return nil
	}
	if len(arr) > 12 {
		bad("more than twelve identities", "identity-rules")
	}
	var types []string
	for _, el := range arr {
		obj, ok := el.(map[string]any)
		if !ok {
			if el == nil {
				bad("an identity is null", "identity-rules")
			} else {
				bad("an identity is not an object", "")
			}
			continue
		}
		var typ, value string
		var hasType, hasValue, fine = false, false, true
		for k, mv := range obj {
			switch k {
			case "identifier", "value":
				s, ok := mv.(string)
				if !ok {
					cat := ""
					if mv == nil {
						cat = "identity-rules"
					}
					bad("an identity's "+k+" is not a string", cat)
					fine = false
					continue
				}
				if k == "identifier" {
					typ, hasType = s, true
				} else {
					value, hasValue = s, true
				}
			case "metadata":
				md, ok := mv.(map[string]any)
				if !ok {
					cat := ""
					if mv == nil {
						cat = "identity-rules"
					}
					bad("metadata is not an object", cat)
					fine = false
					continue
				}
				if len(md) > 32 {
					bad("more than 32 metadata entries", "identity-rules")
					fine = false
				}
				for mk, mval := range md {
					s, ok := mval.(string)
					if !ok {
						cat := ""
						if mval == nil {
							cat = "identity-rules"
						}
						bad("a metadata value is not a string", cat)
						fine = false
						continue
					}
					if mk == "" || len(mk) > 128 || len(s) > 1024 {
						bad("a metadata entry is empty or too long", "identity-rules")
						fine = false
					}
				}
			default:
				bad("an identity has member "+k, "identity-rules")
				fine = false
			}
		}
		if !fine {
			continue
		}
		if !hasType || !hasValue {
			bad("an identity lacks identifier or value", "identity-rules")
			continue
		}
		if !slices.Contains(knownTypes, typ) {
			add(verify.ReasonUnknownIdentityType, "unknown identity type", "identity-rules")
			continue
		}
		if v := signedIdentity("identity value", value); v != nil {
			add(v.reason, v.rule, v.category)
			continue
		}
		if slices.Contains(types, typ) {
			bad("an identity type appears twice", "identity-rules")
		}
		types = append(types, typ)
	}
	return types
}

func (o *oracle) claims(m map[string]any) []violation {
	var out []violation
	add := func(r verify.Reason, rule, cat string) { out = append(out, violation{r, rule, cat}) }
	names := interpreted(o.p)
	for k := range m {
		if slices.Contains(names, k) {
			continue
		}
		for _, n := range names {
			if strings.EqualFold(k, n) {
				add(verify.ReasonClaimInvalid, "claim "+k+" is a case variant of "+n, "case-variant-claim")
			}
		}
	}
	times := map[string]int64{}
	for _, n := range []string{"iat", "exp", "nbf"} {
		if val, ok := m[n]; ok && slices.Contains(names, n) {
			t, v := o.timeValue(n, val)
			if v != nil {
				out = append(out, *v)
				continue
			}
			times[n] = t
		}
	}
	var aud []string
	audVal, hasAud := m["aud"]
	if o.p.NeedsAudience() && hasAud {
		switch a := audVal.(type) {
		case string:
			aud = []string{a}
		case []any:
			for _, x := range a {
				s, ok := x.(string)
				if !ok {
					add(verify.ReasonClaimInvalid, "aud holds a non-string", "")
					break
				}
				aud = append(aud, s)
			}
		default:
			add(verify.ReasonClaimInvalid, "aud is not a string or an array", "")
		}
	}
	var types []string
	idVal, hasIdentities := m["identities"]
	if slices.Contains(names, "identities") && hasIdentities {
		types = identities(idVal, add)
	}
	_, hasEmail := m["email"]
	idClaim := secondWaveID[o.p]
	if idClaim != "" {
		o.secondWave(m, add)
	}
	_, hasExternalID := m["externalId"]
	for _, n := range names {
		if idClaim != "" {
			break // read by secondWave
		}
		identity := n == "email" || n == "externalId"
		if identity || n == "name" || strings.HasSuffix(n, "_id") {
			if val, ok := m[n]; ok {
				if val == "" && !identity {
					continue // Pylon's samples send name "" when unknown: absent
				}
				check := signedValue
				if identity {
					check = signedIdentity
				}
				if v := check(n, val); v != nil {
					out = append(out, *v)
				}
			}
		}
	}
	if len(out) > 0 {
		return out // the claims could not be read
	}
	iat, hasIat := times["iat"]
	exp, hasExp := times["exp"]
	nbf, hasNbf := times["nbf"]
	const now = diffNow
	if !hasIat && idClaim == "" && slices.Contains(names, "iat") {
		add(verify.ReasonClaimInvalid, "no iat", "iat-required")
	}
	if o.p != verify.HelpshiftUserHub && o.p != verify.Kustomer && idClaim == "" && !hasExp {
		add(verify.ReasonClaimInvalid, "no exp", "")
	}
	if o.p.NeedsAudience() {
		if !hasAud {
			add(verify.ReasonClaimInvalid, "no aud", "")
		} else if !slices.Contains(aud, diffAppID) {
			add(verify.ReasonAudienceMismatch, "aud", "")
		}
	}
	if hasIat && hasExp {
		if exp <= iat {
			add(verify.ReasonClaimInvalid, "exp not after iat", "exp-not-after-iat")
		}
		if o.p == verify.PylonJWT && exp-iat > 900 || o.p == verify.Signet && exp-iat > signetLifetime {
			add(verify.ReasonLifetimeTooLong, "lifetime", "lifetime")
		}
	}
	if hasIat && iat > now+diffLeeway {
		add(verify.ReasonIssuedInFuture, "iat in the future", "")
	}
	if hasNbf && nbf > now+diffLeeway {
		add(verify.ReasonNotYetValid, "nbf in the future", "")
	}
	if hasExp && now >= exp+diffLeeway {
		add(verify.ReasonExpired, "expired", "")
	}
	if o.p == verify.HelpshiftUserHub && hasIat && iat < now-86400 {
		add(verify.ReasonIssuedTooLongAgo, "iat over 24 h old", "iat-max-age")
	}
	if _, ok := m["scope"]; o.p == verify.ZendeskMessaging && !ok {
		add(verify.ReasonClaimInvalid, "no scope", "vendor-claims")
	}
	if o.p == verify.Kustomer && hasIat && iat < now-900-diffLeeway { // 15 minutes, plus the leeway
		add(verify.ReasonIssuedTooLongAgo, "iat over 15 min old", "iat-max-age")
	}
	if o.p == verify.FreshdeskWidget && hasExp && exp > now+7200 { // two hours ahead, exactly
		add(verify.ReasonLifetimeTooLong, "exp over 2 h ahead", "lifetime")
	}
	switch {
	case idClaim != "":
		if _, ok := m[idClaim]; !ok {
			add(verify.ReasonIdentityRequired, "no "+idClaim, "identity-rules")
		}
	case o.p == verify.PylonJWT || o.p == verify.FreshdeskWidget:
		if !hasEmail {
			add(verify.ReasonIdentityRequired, "no email", "identity-rules")
		}
	case o.p == verify.Kustomer:
		if !hasEmail && !hasExternalID {
			add(verify.ReasonIdentityRequired, "no externalId nor email", "identity-rules")
		}
	case !slices.Contains(types, "uid") && !slices.Contains(types, "email"):
		add(verify.ReasonIdentityRequired, "no uid nor email", "identity-rules")
	}
	return out
}

// secondWaveID is the claim that signs the user id in the second wave's JWT
// profiles (profiles.md); their iat and exp are optional.
var secondWaveID = map[verify.Profile]string{verify.IntercomJWT: "user_id", verify.ZendeskMessaging: "external_id", verify.Drift: "sub"}

// secondWave reads the second wave's claims: the identity claims (the user
// id, and the email where the profile reads one) by the identity value rules,
// zendesk-messaging's external_id of at most 255 characters, its scope
// "user", its email_verified true or false, and its name (an attribute: ""
// is absent).
func (o *oracle) secondWave(m map[string]any, add func(verify.Reason, string, string)) {
	id := secondWaveID[o.p]
	for _, n := range []string{id, "email"} {
		val, ok := m[n]
		if !ok || n == "email" && o.p == verify.Drift {
			continue
		}
		if v := signedIdentity(n, val); v != nil {
			add(v.reason, v.rule, v.category)
			continue
		}
		if s := val.(string); n == "external_id" && utf8.RuneCountInString(s) > 255 {
			add(verify.ReasonClaimInvalid, "external_id over 255 characters", "vendor-claims")
		}
	}
	if o.p != verify.ZendeskMessaging {
		return
	}
	if val, ok := m["scope"]; ok {
		switch s, isString := val.(string); {
		case !isString && val != nil:
			add(verify.ReasonClaimInvalid, "scope is not a string", "")
		case s != "user":
			add(verify.ReasonClaimInvalid, "scope is not \"user\"", "vendor-claims")
		}
	}
	if val, ok := m["email_verified"]; ok {
		switch val.(type) {
		case bool:
		case nil:
			add(verify.ReasonClaimInvalid, "email_verified is null", "vendor-claims")
		default:
			add(verify.ReasonClaimInvalid, "email_verified is not true or false", "")
		}
	}
	if val, ok := m["name"]; ok && val != "" {
		if v := signedValue("name", val); v != nil {
			add(v.reason, v.rule, v.category)
		}
	}
}

// ---------------------------------------------------------------------------
// Building tokens.

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func macB64(h func() hash.Hash, key []byte, input string) string {
	m := hmac.New(h, key)
	m.Write([]byte(input))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// signed returns input.signature, HS256 over exactly the bytes of input.
func (j *judge) signed(input string) string { return input + "." + macB64(sha256.New, j.key, input) }

// tok encodes header and payload JSON and signs them.
func (j *judge) tok(header, payload string) string { return j.signed(b64(header) + "." + b64(payload)) }

func q(s string) string { // a JSON string literal
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// member is one member of a JSON object, both parts as raw JSON text, so
// that a name may be escaped, duplicated or invalid UTF-8.
type member struct{ name, value string }

func membersOf(obj string) []member {
	dec := json.NewDecoder(strings.NewReader(obj))
	if _, err := dec.Token(); err != nil {
		panic(err)
	}
	var out []member
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			panic(err)
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			panic(err)
		}
		out = append(out, member{q(k.(string)), string(raw)})
	}
	return out
}

func objectOf(ms []member) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, m := range ms {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(m.name + ":" + m.value)
	}
	b.WriteByte('}')
	return b.String()
}

func with(ms []member, name, value string) []member { // set or append
	out := slices.Clone(ms)
	for i := range out {
		if out[i].name == q(name) {
			out[i].value = value
			return out
		}
	}
	return append(out, member{q(name), value})
}

func without(ms []member, name string) []member {
	return slices.DeleteFunc(slices.Clone(ms), func(m member) bool { return m.name == q(name) })
}

func valueOf(ms []member, name string) (string, bool) {
	for _, m := range ms {
		if m.name == q(name) {
			return m.value, true
		}
	}
	return "", false
}

// ---------------------------------------------------------------------------
// Mutations.

type mutant struct {
	kind  string // the family, for messages
	token string
}

type base struct {
	name            string
	header, payload string // decoded JSON
	token           string
}

func (j *judge) bases(t testing.TB) []base {
	t.Helper()
	var out []base
	addToken := func(name, tok string) {
		parts := strings.Split(tok, ".")
		h, err1 := base64.RawURLEncoding.DecodeString(parts[0])
		p, err2 := base64.RawURLEncoding.DecodeString(parts[1])
		if err1 != nil || err2 != nil {
			t.Fatalf("base %s: %v %v", name, err1, err2)
		}
		for _, b := range out {
			if b.token == tok {
				return
			}
		}
		out = append(out, base{name, string(h), string(p), tok})
	}
	if f, ok := vectors.MustLoad(t)[string(j.p)]; ok {
		for _, c := range f.Cases {
			if c.Valid && c.Token != "" && c.Secret == diffSecret && c.Now == diffNow && (c.AppID == "" || c.AppID == diffAppID) {
				addToken("vector "+c.Name, c.Token)
			}
		}
	}
	now := diffClock()
	s := sign.Signer{Profile: j.p, Secret: string(j.key), KeyID: "k1", AppID: diffAppID, Now: diffClock}
	var claims []sign.Claims
	switch j.p {
	case verify.HelpshiftUserHub:
		claims = []sign.Claims{
			{UserID: "user-42", Email: "jane@example.com", IssuedAt: now.Add(-time.Minute)},
			{UserID: "user-42", Metadata: map[string]string{"plan": "gold", "tier": "2"},
				Identities: []verify.Identity{{Type: verify.PhoneNumber, Value: "+15551234567"}, {Type: verify.SteamID, Value: "76561198000000000"}}},
			{Email: "zoë@example.org", IssuedAt: now.Add(-2 * time.Hour), ExpiresAt: now.Add(time.Hour)},
		}
	case verify.PylonJWT:
		claims = []sign.Claims{
			{Email: "jane@example.com", Name: "Jane", IssuedAt: now.Add(-30 * time.Second)},
			{Email: "jane@example.com", Name: "Jane Doe", Attributes: map[string]string{"account_id": "acc_1", "contact_external_id": "c-9"},
				IssuedAt: now.Add(-5 * time.Minute), ExpiresAt: now.Add(10 * time.Minute)},
		}
	case verify.Kustomer:
		claims = []sign.Claims{
			{UserID: "user-42", Email: "jane@example.com", IssuedAt: now.Add(-30 * time.Second)},
			{UserID: "user-42", IssuedAt: now.Add(-10 * time.Minute)},
			{Email: "zoë@example.org", IssuedAt: now.Add(-time.Minute), ExpiresAt: now.Add(10 * time.Minute)},
		}
	case verify.FreshdeskWidget:
		claims = []sign.Claims{
			{Email: "jane@example.com", Name: "Jane", IssuedAt: now},
			{Email: "zoë@example.org", IssuedAt: now, ExpiresAt: now.Add(2 * time.Hour)},
		}
	case verify.IntercomJWT:
		claims = []sign.Claims{
			{UserID: "user-42", Email: "jane@example.com", IssuedAt: now.Add(-30 * time.Second), ExpiresAt: now.Add(time.Hour)},
			{UserID: "u-7", IssuedAt: now.Add(-10 * time.Minute)},
		}
	case verify.ZendeskMessaging:
		claims = []sign.Claims{
			{UserID: "user-42", Email: "jane@example.com", Name: "Jane", IssuedAt: now.Add(-30 * time.Second), ExpiresAt: now.Add(time.Hour)},
			{UserID: "u-7", IssuedAt: now.Add(-10 * time.Minute)},
		}
	case verify.Drift:
		claims = []sign.Claims{
			{UserID: "user-42", IssuedAt: now.Add(-30 * time.Second), ExpiresAt: now.Add(time.Hour)},
			{UserID: "u-7", IssuedAt: now.Add(-10 * time.Minute)},
		}
	case verify.Signet:
		claims = []sign.Claims{
			{UserID: "user-42", Email: "jane@example.com", Name: "Jane", IssuedAt: now.Add(-30 * time.Second)},
			{UserID: "u-7", Metadata: map[string]string{"plan": "gold"}, Identities: []verify.Identity{{Type: verify.DiscordID, Value: "jane#0001"}},
				IssuedAt: now.Add(-10 * time.Minute), ExpiresAt: now.Add(50 * time.Minute)},
		}
	}
	for i, c := range claims {
		tok, err := s.Sign(c)
		if err != nil {
			t.Fatal(err)
		}
		addToken(fmt.Sprintf("sign #%d", i), tok)
	}
	return out
}

// rawMutants edit the token text without re-signing.
func rawMutants(tok string, emit func(kind, tok string)) {
	repl := []string{".", "=", "+", "/", " ", "\t", "\n", "\r", "\x00", "\xff", "A", "_", "-"}
	ins := []string{"\n", "\r\n", " ", "=", ".", "A"}
	for i := 0; i < len(tok); i++ {
		c := tok[i]
		emit("raw flip", tok[:i]+string(rune(c^0x01))+tok[i+1:])
		emit("raw flip", tok[:i]+string(rune(c^0x20))+tok[i+1:])
		for _, r := range repl {
			emit("raw replace", tok[:i]+r+tok[i+1:])
		}
		for _, r := range ins {
			emit("raw insert", tok[:i]+r+tok[i:])
		}
		emit("raw delete", tok[:i]+tok[i+1:])
	}
	for _, r := range ins {
		emit("raw append", tok+r)
	}
}

// segmentMutants play with segments, re-signing what a signature covers.
func (j *judge) segmentMutants(b base, emit func(kind, tok string)) {
	hs, ps := b64(b.header), b64(b.payload)
	good := j.signed(hs + "." + ps)
	sig := good[strings.LastIndexByte(good, '.')+1:]
	emit("segments", hs+"."+ps)
	emit("segments", hs+"."+ps+".")
	emit("segments", hs+"."+ps+"."+sig+"."+sig)
	emit("segments", good+".")
	emit("segments", hs+"."+ps+"."+sig+"."+sig+"."+sig)
	emit("segments", hs+"."+ps+"."+sig+".."+sig)
	emit("segments", hs+".."+ps+"."+sig)
	emit("segments", j.signed(hs+"."+ps+"."+ps))
	emit("segments", "."+ps+"."+sig)
	emit("segments", j.signed("."+ps))
	emit("segments", j.signed(hs+"."))
	emit("segments", hs+"."+ps+"."+sig+"."+hs+"."+ps) // JWE-shaped
	emit("swap", j.signed(ps+"."+hs))
	emit("swap", hs+"."+sig+"."+ps)
	emit("swap", sig+"."+ps+"."+hs)
	emit("swap", j.signed(hs+"."+hs))
	emit("swap", j.signed(ps+"."+ps))
	emit("signature", hs+"."+ps+"."+sig[:len(sig)-1])
	emit("signature", hs+"."+ps+"."+sig+"A")
	emit("signature", hs+"."+ps+"."+strings.Repeat("A", 43))
	emit("signature", hs+"."+ps+"."+macB64(sha512.New384, j.key, hs+"."+ps))
	emit("signature", hs+"."+ps+"."+macB64(sha256.New, []byte("not-the-secret"), hs+"."+ps))
	emit("signature", hs+"."+ps+"."+base64.RawStdEncoding.EncodeToString(mustB64(sig)))
	emit("signature", hs+"."+ps+"."+base64.RawURLEncoding.EncodeToString(append(mustB64(sig), 0)))
	if j.revoked != nil {
		emit("revoked key", hs+"."+ps+"."+macB64(sha256.New, j.revoked, hs+"."+ps))
	}
	// Padding, the standard alphabet, whitespace, trailing bits: in the
	// header or payload (re-signed over the received bytes) or the signature.
	edits := func(seg string) []string {
		var out []string
		for _, pad := range []string{"=", "==", "===", strings.Repeat("=", (4-len(seg)%4)%4)} {
			out = append(out, seg+pad)
		}
		out = append(out, "="+seg, seg[:len(seg)/2]+"="+seg[len(seg)/2:])
		out = append(out, strings.NewReplacer("-", "+", "_", "/").Replace(seg))
		for _, ws := range []string{" ", "\t", "\n", "\r", "\r\n", "\v", "\f", "\u00a0"} {
			for _, at := range []int{0, 1, len(seg) / 2, len(seg) - 1, len(seg)} {
				out = append(out, seg[:at]+ws+seg[at:])
			}
		}
		const alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
		last := strings.IndexByte(alpha, seg[len(seg)-1])
		for _, x := range []int{1, 2, 3, 4, 8, 12, 15} {
			out = append(out, seg[:len(seg)-1]+string(alpha[last^x]))
		}
		return out
	}
	for _, h := range edits(hs) {
		emit("header segment", j.signed(h+"."+ps))
	}
	for _, p := range edits(ps) {
		emit("payload segment", j.signed(hs+"."+p))
	}
	for _, s := range edits(sig) {
		emit("signature segment", hs+"."+ps+"."+s)
	}
	// The standard alphabet where base64url differs: a claim whose bytes
	// encode to '-' and '_'.
	ms := membersOf(b.payload)
	tricky := objectOf(append(slices.Clone(ms), member{q("x"), q("??>>??>>~~")}))
	tp := b64(tricky)
	emit("std alphabet", j.signed(hs+"."+tp))
	std := strings.NewReplacer("-", "+", "_", "/").Replace(tp)
	emit("std alphabet", j.signed(hs+"."+std))
	emit("std alphabet", j.signed(hs+"."+base64.StdEncoding.EncodeToString([]byte(tricky))))
	emit("std alphabet", hs+"."+ps+"."+strings.NewReplacer("-", "+", "_", "/").Replace(sig))
	emit("whitespace", " "+good)
	emit("whitespace", good+"\n")
	emit("whitespace", good+" ")
	emit("whitespace", strings.Replace(good, ".", "\n.", 1))
	emit("whitespace", strings.Replace(good, ".", ".\n", 1))
	emit("whitespace", j.signed(hs+"\n."+ps))
	emit("whitespace", j.signed(hs+".\n"+ps))
}

func mustB64(s string) []byte {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// headerMutants re-sign the payload under other headers.
func (j *judge) headerMutants(b base, emit func(kind, tok string)) {
	ps := b64(b.payload)
	std := []string{`"alg":"HS256"`, `"typ":"JWT"`}
	if j.p == verify.Signet || j.p == verify.ZendeskMessaging {
		std = append(std, `"kid":"k1"`)
	}
	obj := func(ms ...string) string { return "{" + strings.Join(ms, ",") + "}" }
	replace := func(prefix, with string) []string { // std with the member named by prefix replaced
		var out []string
		for _, m := range std {
			if strings.HasPrefix(m, prefix) {
				if with != "" {
					out = append(out, with)
				}
				continue
			}
			out = append(out, m)
		}
		return out
	}
	hdr := func(kind, h string) { emit(kind, j.tok(h, b.payload)) }
	for _, alg := range []string{`"none"`, `"None"`, `"NONE"`, `"nOnE"`, `"HS384"`, `"HS512"`, `"RS256"`, `"ES256"`,
		`"EdDSA"`, `"PS256"`, `"hs256"`, `"HS256 "`, `" HS256"`, `""`, `null`, `5`, `true`, `["HS256"]`, `{"alg":"HS256"}`,
		`"HS256\u0000"`, `"HS\u0032\u0035\u0036"`, `"HS256"`} {
		h := obj(replace(`"alg"`, `"alg":`+alg)...)
		hdr("alg "+alg, h)
		in := b64(h) + "." + ps
		emit("alg "+alg+" unsigned", in+".")
		emit("alg "+alg+" HS384", in+"."+macB64(sha512.New384, j.key, in))
		emit("alg "+alg+" HS512", in+"."+macB64(sha512.New, j.key, in))
	}
	hdr("no alg", obj(replace(`"alg"`, "")...))
	hdr("alg twice", obj(append([]string{`"alg":"none"`}, std...)...))
	hdr("alg twice", obj(append(slices.Clone(std), `"alg":"none"`)...))
	hdr("alg twice", obj(append(slices.Clone(std), `"alg":"HS256"`)...))
	hdr("alg twice", obj(append(slices.Clone(std), `"\u0061lg":"HS256"`)...))
	hdr("alg escaped", obj(replace(`"alg"`, `"\u0061lg":"HS256"`)...))
	for _, typ := range []string{`"JWT"`, `"jwt"`, `"Jwt"`, `"JOSE"`, `"JOSE+JSON"`, `"at+jwt"`, `"application/jwt"`, `""`, `null`, `5`, `["JWT"]`, `"JW\u0054"`} {
		hdr("typ "+typ, obj(replace(`"typ"`, `"typ":`+typ)...))
	}
	hdr("no typ", obj(replace(`"typ"`, "")...))
	hdr("typ twice", obj(append(slices.Clone(std), `"typ":"JOSE"`)...))
	hdr("typ twice", obj(append([]string{`"typ":"JOSE"`}, std...)...))
	for _, kid := range []string{`"k1"`, `"K1"`, `"k0"`, `"k2"`, `""`, `null`, `5`, `["k1"]`, `{"k":"k1"}`, `"k1 "`, `"../k1"`, `"\u006b1"`, "\"k\xff1\"", `"k\ud8001"`} {
		hdr("kid "+kid, obj(append(replace(`"kid"`, ""), `"kid":`+kid)...))
	}
	hdr("no kid", obj(replace(`"kid"`, "")...))
	hdr("kid twice", obj(append(replace(`"kid"`, ""), `"kid":"k2"`, `"kid":"k1"`)...))
	hdr("kid twice", obj(append(replace(`"kid"`, ""), `"kid":"k1"`, `"kid":"k2"`)...))
	if j.revoked != nil {
		h := obj(append(replace(`"kid"`, ""), `"kid":"k0"`)...)
		in := b64(h) + "." + ps
		emit("kid of the revoked key", in+"."+macB64(sha256.New, j.revoked, in))
	}
	for _, extra := range []string{`"jku":"https://evil.example/jwks.json"`, `"x5u":"https://evil.example/cert.pem"`,
		`"jwk":{"kty":"oct","k":"c2VjcmV0"}`, `"x5c":["MIIBIjANBgkq"]`, `"x5t":"dGh1bWI"`, `"x5t#S256":"dGh1bWI"`,
		`"crit":["exp"]`, `"crit":[]`, `"crit":["b64"],"b64":false`, `"b64":false`, `"b64":true`, `"zip":"DEF"`,
		`"cty":"JWT"`, `"enc":"A128GCM"`, `"ALG":"HS256"`, `"Alg":"none"`, `"Typ":"JWT"`, `"KID":"k1"`, `"iat":1767225540`,
		`"foo":"bar"`, `"":""`, `"alg2":"HS256"`, `"x":null`, "\"typ\xff\":\"JWT\"", `"x":` + strings.Repeat("[", 17) + strings.Repeat("]", 17),
		`"x":` + strings.Repeat("[", 15) + strings.Repeat("]", 15)} {
		hdr("header param "+extra, obj(append(slices.Clone(std), extra)...))
		hdr("header param first "+extra, obj(append([]string{extra}, std...)...))
	}
	h := obj(std...)
	for _, raw := range []string{"null", "[]", "[" + h + "]", `"HS256"`, "1", "true", "", " ", "{}", h + " x", h + "{}",
		"\ufeff" + h, h + "\n", " \t" + h + "\r\n", "{\n  " + strings.Join(std, ",\n  ") + "\n}",
		strings.Replace(h, `"JWT"`, "\"JW\xffT\"", 1), strings.Replace(h, `"JWT"`, `"JWT\ud800"`, 1),
		strings.Replace(h, `"JWT"`, `"\ud83d\ude00"`, 1), strings.Replace(h, `"JWT"`, `"JWT\u0000"`, 1),
		strings.Replace(h, `"JWT"`, "\"JWT\x01\"", 1)} {
		hdr("header JSON", raw)
	}
}

// payloadMutants re-sign variants of the claims under the base header.
func (j *judge) payloadMutants(b base, emit func(kind, tok string)) {
	ms := membersOf(b.payload)
	pl := func(kind, payload string) { emit(kind, j.tok(b.header, payload)) }
	set := func(kind string, ms []member) { pl(kind, objectOf(ms)) }
	p := objectOf(ms)
	for _, raw := range []string{"null", " null ", "[]", "[" + p + "]", `"claims"`, "1", "true", "false", "", " ", "{}",
		p + " x", p + "{}", p + "null", "\ufeff" + p, p + "\n", " \t" + p + "\r\n", "\x00" + p, p + "\x00"} {
		pl("claims JSON", raw)
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, []byte(p), "", "\t"); err != nil {
		panic(err)
	}
	pl("claims JSON", pretty.String())

	// Every member: removed, doubled, renamed, retyped, spoilt.
	for i, m := range ms {
		name, _ := strconv.Unquote(m.name)
		other := func(ms []member) []member { return slices.Delete(slices.Clone(ms), i, i+1) }
		set("drop "+name, other(ms))
		set("twice "+name, append(slices.Clone(ms), m))
		set("twice "+name, append([]member{m}, ms...))
		for _, v := range []string{`"other"`, `0`, `1767225000`, `null`, `[]`} {
			set("twice "+name, append(slices.Clone(ms), member{m.name, v}))
			set("twice "+name, append([]member{{m.name, v}}, ms...))
		}
		variants := []string{strings.ToUpper(name), strings.ToUpper(name[:1]) + name[1:], name + " ", " " + name, "x" + name,
			strings.ReplaceAll(name, "s", "ſ"), strings.ReplaceAll(name, "i", "ı"), strings.ReplaceAll(name, "k", "\u212a")}
		for _, vn := range variants {
			if vn == name {
				continue
			}
			renamed := slices.Clone(ms)
			renamed[i].name = q(vn)
			set("rename "+name, renamed)
			set("case twin "+name, append(slices.Clone(ms), member{q(vn), m.value}))
			set("case twin "+name, append([]member{{q(vn), m.value}}, ms...))
		}
		esc := slices.Clone(ms)
		esc[i].name = fmt.Sprintf(`"\u%04x%s"`, name[0], name[1:])
		set("escaped name "+name, esc)
		set("escaped twin "+name, append(slices.Clone(ms), member{esc[i].name, m.value}))
		invalid := slices.Clone(ms)
		invalid[i].name = q(name[:1])[:2] + "\xff" + name[1:] + `"`
		set("invalid UTF-8 name "+name, invalid)
		for _, v := range []string{`null`, `true`, `0`, `""`, `[]`, `{}`, `"x"`, `[` + m.value + `]`, `{"v":` + m.value + `}`} {
			set("retype "+name, with(ms, name, v))
		}
		if strings.HasPrefix(m.value, `"`) && len(m.value) > 2 {
			inner := m.value[1 : len(m.value)-1]
			for _, s := range []string{"\xff" + inner, inner + "\xc3", inner + `\ud800`, `\udc00` + inner, inner + `\ud83d\ude00`,
				inner + `\u0000`, inner + `\u007f`, inner + `\u0085`, inner + `\u2028`, inner + "\u00e9", `\u00` + fmt.Sprintf("%02x", inner[0]) + inner[1:]} {
				set("spoil "+name, with(ms, name, `"`+s+`"`))
			}
		}
	}

	// Times: one claim at a time, then boundaries.
	iatRaw, hasIat := valueOf(ms, "iat")
	iat, _ := strconv.ParseInt(iatRaw, 10, 64)
	if !hasIat {
		iat = diffNow - 60
	}
	for _, n := range []string{"iat", "exp", "nbf"} {
		v, ok := valueOf(ms, n)
		if !ok {
			v = strconv.FormatInt(diffNow-60, 10)
		}
		vi, _ := strconv.ParseInt(v, 10, 64)
		for _, x := range []string{q(v), `"` + v + `.5"`, `"abc"`, "-" + v, "0", "-0", "0.0", "1", "0.5", "-1", "1e-9",
			v + ".5", v + ".999", v + ".99999999999999999", v + ".0", v + "e0", v + "E+0", v + ".0e0",
			fmt.Sprintf("%d.%se9", vi/1e9, strconv.FormatInt(vi%1e9, 10)), strconv.FormatInt(vi*1000, 10),
			"9007199254740991", "9007199254740992", "9007199254740993", "9007199254740991.5", "9007199254740991.99999",
			"1e15", "1e20", "-1e20", "1e300", "1e400", "-1e400", "1.7976931348623157e308", "null", "true", "{}", "[" + v + "]",
			"0" + v, "+" + v, v + ".", "." + v, "0x69565e00", "Infinity", "NaN"} {
			pl("time "+n+"="+x, objectOf(with(ms, n, x)))
		}
	}
	needExp := j.p != verify.HelpshiftUserHub && j.p != verify.Kustomer && secondWaveID[j.p] == ""
	offsets := []int64{-86401, -86400, -86399, -3601, -3600, -901, -900, -120, -61, -60, -59, -1, 0, 1, 59, 60, 61, 120}
	for _, io := range offsets {
		ti := diffNow + io
		for _, eo := range []int64{-61, -60, -59, 0, 1} {
			set("times", with(with(ms, "iat", strconv.FormatInt(ti, 10)), "exp", strconv.FormatInt(diffNow+eo, 10)))
		}
		for _, life := range []int64{-1, 0, 1, 899, 900, 901, 3599, 3600, 3601, 86400} {
			set("times", with(with(ms, "iat", strconv.FormatInt(ti, 10)), "exp", strconv.FormatInt(ti+life, 10)))
		}
		if !needExp {
			set("times", with(without(ms, "exp"), "iat", strconv.FormatInt(ti, 10)))
		}
		set("nbf", with(ms, "nbf", strconv.FormatInt(ti, 10)))
	}
	frac := ".99999999999999999"
	for _, tc := range [][2]string{
		{strconv.Itoa(diffNow+60) + ".5", ""},
		{strconv.Itoa(diffNow+60) + frac, ""},
		{strconv.Itoa(diffNow+60) + frac, strconv.Itoa(diffNow+600) + frac},
		{strconv.Itoa(diffNow-100) + frac, strconv.Itoa(diffNow - 100 + 901)},
		{strconv.Itoa(diffNow-100) + frac, strconv.Itoa(diffNow - 100 + 3601)},
		{strconv.Itoa(diffNow-100) + ".5", strconv.Itoa(diffNow - 100 + 901)},
		{strconv.Itoa(diffNow-86401) + frac, ""},
		{strconv.Itoa(diffNow-86401) + ".5", ""},
		{strconv.Itoa(diffNow-120) + frac, strconv.Itoa(diffNow-60) + frac},
		{strconv.Itoa(diffNow-120) + frac, strconv.Itoa(diffNow-61) + frac},
		{strconv.Itoa(diffNow - 120), strconv.Itoa(diffNow-60) + ".5"},
		{strconv.Itoa(diffNow - 120), strconv.Itoa(diffNow-119) + frac},
		{strconv.Itoa(diffNow-120) + frac, strconv.Itoa(diffNow-120) + frac},
	} {
		m2 := with(ms, "iat", tc[0])
		if tc[1] != "" {
			m2 = with(m2, "exp", tc[1])
		}
		set("fractional times", m2)
		if !needExp && tc[1] == "" {
			set("fractional times", without(m2, "exp"))
		}
	}
	set("fractional nbf", with(ms, "nbf", strconv.Itoa(diffNow+60)+frac))
	set("fractional nbf", with(ms, "nbf", strconv.Itoa(diffNow+60)+".5"))
	set("milliseconds", with(with(ms, "iat", strconv.FormatInt(iat*1000, 10)), "exp", strconv.FormatInt((iat+600)*1000, 10)))
	set("milliseconds", with(ms, "exp", strconv.FormatInt((iat+600)*1000, 10)))

	// Audience.
	if j.p.NeedsAudience() {
		a := diffAppID
		for _, aud := range []string{q(a), `""`, `null`, `5`, `true`, `{}`, `[]`, `[` + q(a) + `]`, `[` + q(a) + `,` + q(a) + `]`,
			`["other",` + q(a) + `]`, `[` + q(a) + `,"other"]`, `["other"]`, `[` + q(a) + `,5]`, `[` + q(a) + `,null]`, `[[` + q(a) + `]]`,
			`[""]`, `["",` + q(a) + `]`, q(strings.ToUpper(a)), q(a + " "), q(" " + a), `"` + a + `\u0000"`, `"\u0061pp_7Hq2"`,
			`{"aud":` + q(a) + `}`, `"other"`} {
			set("aud "+aud, with(ms, "aud", aud))
		}
		set("no aud", without(ms, "aud"))
		set("aud twice", append(with(ms, "aud", `"other"`), member{q("aud"), q(a)}))
		set("aud twice", append(with(ms, "aud", q(a)), member{q("aud"), `"other"`}))
		set("aud twice", append(with(ms, "aud", `"other"`), member{`"\u0061ud"`, q(a)}))
		set("Aud", append(with(ms, "aud", `"other"`), member{q("Aud"), q(a)}))
		set("Aud", append(without(ms, "aud"), member{q("AUD"), q(a)}))
	}

	// Identities.
	if slices.Contains(interpreted(j.p), "identities") {
		id := func(typ, value string, more ...string) string {
			return "{" + strings.Join(append([]string{`"identifier":` + typ, `"value":` + value}, more...), ",") + "}"
		}
		uid := id(`"uid"`, `"user-42"`)
		var all []string
		for _, t := range knownTypes {
			all = append(all, id(q(t), q("v-"+t)))
		}
		md := func(n int, k, v string) string {
			var es []string
			for i := 0; i < n; i++ {
				es = append(es, fmt.Sprintf(`%s:%s`, q(fmt.Sprintf("%s%d", k, i)), q(v)))
			}
			return "{" + strings.Join(es, ",") + "}"
		}
		long := strings.Repeat("x", 1024)
		for _, ids := range []string{`null`, `{}`, `[]`, `"uid"`, `5`, `[null]`, `[5]`, `["uid"]`, `[{}]`, `[[` + uid + `]]`,
			`[{"identifier":"uid"}]`, `[{"value":"user-42"}]`, `[` + uid + `]`, `[` + uid + `,null]`,
			`[` + id(`"steam_id"`, `"7656"`) + `]`, `[` + id(`"email"`, `"a@b.co"`) + `]`, `[` + id(`"UID"`, `"x"`) + `]`,
			`[` + id(`"Email"`, `"a@b.co"`) + `]`, `[` + uid + `,` + id(`"myspace_id"`, `"x"`) + `]`, `[` + id(`"myspace_id"`, `"x"`) + `,` + uid + `]`,
			`[` + uid + `,` + id(`"uid"`, `"user-43"`) + `]`, `[` + uid + `,` + uid + `]`,
			`[` + id(`"uid"`, `""`) + `]`, `[` + id(`"uid"`, `null`) + `]`, `[` + id(`"uid"`, `5`) + `]`, `[` + id(`null`, `"x"`) + `]`,
			`[` + id(`5`, `"x"`) + `]`, `[` + id(`""`, `"x"`) + `]`, `[` + id(`"uid"`, `"\u0000x"`) + `]`, `[` + id(`"uid"`, `"a\u007fb"`) + `]`,
			`[` + id(`"uid"`, `"a\u0085"`) + `]`, `[` + id(`"uid"`, `"a\tb"`) + `]`, `[` + id(`"uid"`, `"a\u2028b"`) + `]`,
			`[` + id(`"uid"`, q(long)) + `]`, `[` + id(`"uid"`, q(long+"x")) + `]`, `[` + id(`"uid"`, "\"a\xffb\"") + `]`,
			`[` + id(`"uid"`, `"a\ud800"`) + `]`, `[` + id(`"uid"`, `"\ud83d\ude00"`) + `]`, `[` + id(`"uid"`, `" user-42 "`) + `]`,
			`[` + id(`"uid"`, `"x"`, `"metadata":null`) + `]`, `[` + id(`"uid"`, `"x"`, `"metadata":5`) + `]`,
			`[` + id(`"uid"`, `"x"`, `"metadata":"plan"`) + `]`, `[` + id(`"uid"`, `"x"`, `"metadata":[]`) + `]`,
			`[` + id(`"uid"`, `"x"`, `"metadata":{}`) + `]`, `[` + id(`"uid"`, `"x"`, `"metadata":{"a":5}`) + `]`,
			`[` + id(`"uid"`, `"x"`, `"metadata":{"a":null}`) + `]`, `[` + id(`"uid"`, `"x"`, `"metadata":{"":"x"}`) + `]`,
			`[` + id(`"uid"`, `"x"`, `"metadata":{"a":"1","a":"2"}`) + `]`, `[` + id(`"uid"`, `"x"`, `"metadata":{"a":{"b":"c"}}`) + `]`,
			`[` + id(`"uid"`, `"x"`, `"metadata":`+md(32, "k", "v")) + `]`, `[` + id(`"uid"`, `"x"`, `"metadata":`+md(33, "k", "v")) + `]`,
			`[` + id(`"uid"`, `"x"`, `"metadata":`+md(1, strings.Repeat("k", 127), "v")) + `]`,
			`[` + id(`"uid"`, `"x"`, `"metadata":`+md(1, strings.Repeat("k", 128), "v")) + `]`,
			`[` + id(`"uid"`, `"x"`, `"metadata":`+md(1, "k", long)) + `]`, `[` + id(`"uid"`, `"x"`, `"metadata":`+md(1, "k", long+"x")) + `]`,
			`[` + id(`"uid"`, `"x"`, `"metadata":{"a":"\u0000"}`) + `]`,
			`[` + id(`"uid"`, `"x"`, `"extra":1`) + `]`, `[` + id(`"uid"`, `"x"`, `"Identifier":"email"`) + `]`,
			`[{"Identifier":"uid","value":"x"}]`, `[{"identifier":"uid","VALUE":"x"}]`, `[` + id(`"uid"`, `"x"`, `"Metadata":{}`) + `]`,
			`[{"identifier":"uid","identifier":"email","value":"x"}]`, `[{"identifier":"uid","value":"x","value":"y"}]`,
			"[" + strings.Join(all, ",") + "]", "[" + strings.Join(append(slices.Clone(all), uid), ",") + "]",
			"[" + strings.Join(all[2:], ",") + "]"} {
			set("identities "+ids, with(ms, "identities", ids))
		}
		set("no identities", without(ms, "identities"))
	}

	// Pylon's email and ids; the signet name.
	for _, n := range []string{"email", "name", "account_id", "contact_external_id", "externalId"} {
		if (secondWaveID[j.p] != "" || !slices.Contains(interpreted(j.p), n)) && n != "name" {
			continue // the second wave's email is below
		}
		for _, v := range []string{`null`, `5`, `""`, `"a\u0000b"`, `"\u007f"`, `"a\tb"`, q(strings.Repeat("e", 1024)), q(strings.Repeat("e", 1025)),
			"\"a\xffb\"", `"\ud800"`, `["x"]`, `{}`, `"jane@example.com"`, `" jane@example.com"`} {
			set(n+" "+v, with(ms, n, v))
		}
		set("no "+n, without(ms, n))
	}
	// The second wave's claims: the user id, Zendesk's scope, email_verified
	// and email.
	if id := secondWaveID[j.p]; id != "" {
		for _, v := range []string{`null`, `5`, `""`, `"a\u0000b"`, `"\u007f"`, `"a\tb"`, `"a\u200bb"`, q(strings.Repeat("e", 255)),
			q(strings.Repeat("é", 255)), q(strings.Repeat("é", 256)), q(strings.Repeat("e", 1024)), q(strings.Repeat("e", 1025)),
			"\"a\xffb\"", `"\ud800"`, `["x"]`, `{}`, `"user-42"`, `" user-42"`, `true`} {
			set(id+" "+v, with(ms, id, v))
			set("email "+v, with(ms, "email", v))
		}
		set("no "+id, without(ms, id))
		set("no email", without(ms, "email"))
		for _, v := range []string{`"user"`, `"User"`, `"USER"`, `"admin"`, `""`, `null`, `5`, `["user"]`, `"user "`} {
			set("scope "+v, with(ms, "scope", v))
		}
		set("no scope", without(ms, "scope"))
		for _, v := range []string{`true`, `false`, `null`, `"true"`, `1`, `0`, `[]`} {
			set("email_verified "+v, with(ms, "email_verified", v))
		}
		set("no email_verified", without(ms, "email_verified"))
	}

	// Unknown claims, JSON limits, size.
	for _, extra := range []member{{q("iss"), "5"}, {q("sub"), "null"}, {q("jti"), "[1,2]"}, {q("x"), `{"y":[]}`},
		{q("x"), "1e400"}, {q("x"), "-0.0e-0"}, {q("x"), `"\u0000"`}, {q("x"), `"\ud83d\ude00"`}, {q("x"), `"\ud800"`},
		{q("x"), "\"\xff\""}, {"\"\xff\"", "1"}, {q(""), "1"}, {q("x"), strings.Repeat("[", 15) + strings.Repeat("]", 15)},
		{q("x"), strings.Repeat("[", 16) + strings.Repeat("]", 16)}, {q("x"), strings.Repeat(`{"a":`, 15) + "1" + strings.Repeat("}", 15)},
		{q("x"), strings.Repeat(`{"a":`, 16) + "1" + strings.Repeat("}", 16)}, {q("x"), strings.Repeat("[", 15) + "1" + strings.Repeat("]", 15)},
		{q("x"), "[" + strings.TrimSuffix(strings.Repeat("0,", 256), ",") + "]"}, {q("x"), "[" + strings.TrimSuffix(strings.Repeat("0,", 257), ",") + "]"},
		{q("x"), `{"a":1,"a":1}`}, {q("x"), `[{"a":1,"a":1}]`}} {
		set("extra claim "+extra.name+":"+extra.value, append(slices.Clone(ms), extra))
	}
	for _, n := range []int{256 - len(ms), 257 - len(ms)} {
		many := slices.Clone(ms)
		for i := 0; i < n; i++ {
			many = append(many, member{q(fmt.Sprintf("c%d", i)), "0"})
		}
		set("many claims", many)
	}
	// Sizes around the 8 KiB limit: token length = header + payload + 45.
	hl := len(b64(b.header))
	for _, total := range []int{diffMaxSize - 1, diffMaxSize, diffMaxSize + 1, diffMaxSize + 2} {
		padded := func(n int) string {
			return objectOf(append(slices.Clone(ms), member{q("pad"), q(strings.Repeat("p", n))}))
		}
		n0 := len(padded(0))
		// find n with hl + 1 + len(b64(padded(n))) + 1 + 43 == total
		for n := (total-hl-45)*3/4 - n0 - 3; n < (total-hl-45)*3/4-n0+3; n++ {
			if n >= 0 && hl+len(b64(padded(n)))+45 == total {
				pl(fmt.Sprintf("size %d", total), padded(n))
			}
		}
	}
}

// jsonFlipMutants flip bytes of the decoded header and payload, re-signed.
func (j *judge) jsonFlipMutants(b base, emit func(kind, tok string)) {
	repl := func(s string, i int) []string {
		c := s[i]
		// c^0x20 swaps the case of a letter; string(rune(x)) of x ≥ 0x80 is a
		// two-byte character in place of one byte, which is fine too.
		return []string{string(rune(c ^ 0x20)), string(rune(c ^ 0x01)), "\xff", "\x7f", "\x00", `"`, `\`, " ", "0", "9"}
	}
	for i := 0; i < len(b.header); i++ {
		for _, r := range repl(b.header, i) {
			emit("header JSON flip", j.tok(b.header[:i]+r+b.header[i+1:], b.payload))
		}
		emit("header JSON delete", j.tok(b.header[:i]+b.header[i+1:], b.payload))
	}
	for i := 0; i < len(b.payload); i++ {
		for _, r := range repl(b.payload, i) {
			emit("payload JSON flip", j.tok(b.header, b.payload[:i]+r+b.payload[i+1:]))
		}
		emit("payload JSON delete", j.tok(b.header, b.payload[:i]+b.payload[i+1:]))
	}
}

// ---------------------------------------------------------------------------
// The test.

type tally struct {
	mutants, signetAccepts, peerAccepts int
	stricter                            map[string]int    // category → tokens with that sole explanation
	examples                            map[string]string // category → one mutant kind
	ambiguous                           int
	looser                              map[string]int
	failures                            []string
}

func (tl *tally) failf(format string, args ...any) {
	tl.failures = append(tl.failures, fmt.Sprintf(format, args...))
}

func describeToken(tok string) string {
	parts := strings.SplitN(tok, ".", 3)
	var h, p []byte
	if len(parts) >= 2 {
		h, _ = base64.RawURLEncoding.DecodeString(parts[0])
		p, _ = base64.RawURLEncoding.DecodeString(parts[1])
	}
	if len(p) > 300 {
		p = append(p[:300:300], "…"...)
	}
	if len(tok) > 200 {
		tok = tok[:200] + "…"
	}
	return fmt.Sprintf("token %q\n\theader %q\n\tclaims %q", tok, h, p)
}

func hasRule(vs []violation, rule string) bool {
	return slices.ContainsFunc(vs, func(v violation) bool { return v.rule == rule })
}

func (j *judge) judge(m mutant, tl *tally) {
	tl.mutants++
	_, err := j.v.Verify(verify.Request{Token: m.token})
	reason := verify.ReasonOf(err)
	if err != nil && reason == "" {
		tl.failf("%s: Signet failed without a reason: %v\n\t%s", m.kind, err, describeToken(m.token))
		return
	}
	_, perr := j.peer.ParseWithClaims(m.token, j.newClaims(), j.keyfunc)
	peerOK := perr == nil
	want := j.exact.check(m.token)
	if err == nil {
		tl.signetAccepts++
	}
	if peerOK {
		tl.peerAccepts++
	}
	switch {
	case err == nil && len(want) > 0:
		tl.failf("%s: Signet accepts a token that breaks profiles.md %v\n\t%s", m.kind, want, describeToken(m.token))
	case err == nil && !peerOK:
		fv := j.float.check(m.token)
		if len(fv) > 0 && !slices.ContainsFunc(fv, func(v violation) bool {
			return v.category != "" || v.reason != verify.ReasonIssuedInFuture && v.reason != verify.ReasonNotYetValid && v.reason != verify.ReasonExpired
		}) {
			tl.looser["golang-jwt-float-rounding"]++
			return
		}
		tl.failf("%s: Signet accepts a token golang-jwt rejects (%v)\n\t%s", m.kind, perr, describeToken(m.token))
	case err != nil && len(want) == 0:
		tl.failf("%s: Signet rejects a token valid under profiles.md: %v\n\t%s", m.kind, err, describeToken(m.token))
	case err != nil && !slices.ContainsFunc(want, func(v violation) bool { return v.reason == reason }):
		tl.failf("%s: Signet's reason %s (%v) is not among %v\n\t%s", m.kind, reason, err, want, describeToken(m.token))
	case err != nil && peerOK:
		fv := j.float.check(m.token)
		cats := map[string]bool{}
		for _, v := range want {
			if v.category == "" {
				if hasRule(fv, v.rule) {
					tl.failf("%s: golang-jwt accepts a token breaking %v, which it is meant to enforce\n\t%s", m.kind, v, describeToken(m.token))
					return
				}
				v.category = "exact-truncation"
			}
			if v.reason == reason {
				cats[v.category] = true
			}
		}
		switch len(cats) {
		case 0:
			tl.failf("%s: unexplained divergence: golang-jwt accepts, Signet says %v; the oracle: %v\n\t%s", m.kind, err, want, describeToken(m.token))
		case 1:
			for c := range cats {
				tl.stricter[c]++
				if _, ok := tl.examples[c]; !ok {
					tl.examples[c] = m.kind
				}
			}
		default:
			tl.ambiguous++
		}
	}
}

func TestDifferentialGolangJWT(t *testing.T) {
	all := &tally{stricter: map[string]int{}, examples: map[string]string{}, looser: map[string]int{}}
	var mu sync.Mutex
	t.Run("profiles", func(t *testing.T) {
		for _, p := range []verify.Profile{verify.HelpshiftUserHub, verify.PylonJWT, verify.Signet, verify.Kustomer, verify.FreshdeskWidget,
			verify.IntercomJWT, verify.ZendeskMessaging, verify.Drift} {
			t.Run(string(p), func(t *testing.T) {
				t.Parallel()
				tl := differential(t, p)
				mu.Lock()
				defer mu.Unlock()
				all.mutants += tl.mutants
				all.ambiguous += tl.ambiguous
				for c, n := range tl.stricter {
					all.stricter[c] += n
					if _, ok := all.examples[c]; !ok {
						all.examples[c] = string(p) + ": " + tl.examples[c]
					}
				}
				for c, n := range tl.looser {
					all.looser[c] += n
				}
			})
		}
	})
	if t.Failed() {
		return
	}
	got := slices.Sorted(maps.Keys(all.stricter))
	want := slices.Sorted(slices.Values(stricterThanGolangJWT))
	if !slices.Equal(got, want) {
		t.Errorf("categories where Signet is stricter than golang-jwt:\n got %v\nwant %v\n(update stricterThanGolangJWT and the comment at the top of the file, with the reason)", got, want)
	}
	gotLoose := slices.Sorted(maps.Keys(all.looser))
	if !slices.Equal(gotLoose, looserThanGolangJWT) {
		t.Errorf("categories where golang-jwt rejects what Signet accepts: got %v, want %v", gotLoose, looserThanGolangJWT)
	}
	var lines []string
	for _, c := range got {
		lines = append(lines, fmt.Sprintf("%-20s %6d  e.g. %s", c, all.stricter[c], all.examples[c]))
	}
	sort.Strings(lines)
	t.Logf("%d mutants; stricter than golang-jwt by category:\n%s\n(%d more with several explanations); looser: %v",
		all.mutants, strings.Join(lines, "\n"), all.ambiguous, all.looser)
}

// differential runs every mutation of profile p's valid tokens through the
// three judges.
func differential(t *testing.T, p verify.Profile) *tally {
	j := newJudge(t, p)
	tl := &tally{stricter: map[string]int{}, examples: map[string]string{}, looser: map[string]int{}}
	bases := j.bases(t)
	if len(bases) < 2 {
		t.Fatalf("only %d base tokens", len(bases))
	}
	for _, b := range bases {
		if _, err := j.v.Verify(verify.Request{Token: b.token}); err != nil {
			t.Fatalf("base %s: Signet rejects it: %v", b.name, err)
		}
		if _, err := j.peer.ParseWithClaims(b.token, j.newClaims(), j.keyfunc); err != nil {
			t.Fatalf("base %s: golang-jwt rejects it: %v", b.name, err)
		}
		if v := j.exact.check(b.token); len(v) > 0 {
			t.Fatalf("base %s: the oracle rejects it: %v", b.name, v)
		}
	}
	seen := map[string]bool{}
	emit := func(kind, tok string) {
		if seen[tok] {
			return
		}
		seen[tok] = true
		j.judge(mutant{kind, tok}, tl)
	}
	for i, b := range bases {
		// -short: byte-level edits of the token text (which only ever meet
		// a bad encoding or a bad signature) for two tokens only.
		if i < 2 || !testing.Short() {
			rawMutants(b.token, emit)
		}
		j.segmentMutants(b, emit)
		j.headerMutants(b, emit)
		j.payloadMutants(b, emit)
		j.jsonFlipMutants(b, emit)
	}
	for i, f := range tl.failures {
		if i == 40 {
			t.Errorf("… and %d more", len(tl.failures)-i)
			break
		}
		t.Error(f)
	}
	t.Logf("%d mutants from %d valid tokens: Signet accepts %d, golang-jwt accepts %d; stricter %v (ambiguous %d); looser %v",
		tl.mutants, len(bases), tl.signetAccepts, tl.peerAccepts, tl.stricter, tl.ambiguous, tl.looser)
	return tl
}
