package verify

// Fuzz targets for `go test -fuzz`. Each is seeded from testdata/vectors
// (tokens, digests, identifiers) and from hand-picked tricky inputs, and
// checks its invariants against oracles written from profiles.md rather than
// from this package's code. The seeds also run in a plain `go test`.
//
// Run one target at a time, for example:
//
//	go test ./verify -run '^$' -fuzz '^FuzzVerifyPylonJWT$' -fuzztime 60s
//
// The per-profile targets take (uid, email, proof, resign). With resign set
// the proof is re-signed with the app's secret before verifying, so that the
// fuzzer reaches what lies behind the signature check: for a digest profile
// the digest becomes the correct one for (uid, email) under profiles.md; for
// a JWT profile a proof that starts with a base64url character and holds a
// '.' keeps everything before its last '.' and gets a fresh signature, and
// any other proof is the claims JSON itself, wrapped in the profile's usual
// header and signed.

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/signet-id/signet/internal/vectors"
)

const (
	fzNow    = 1767225600 // the vectors' clock
	fzAppID  = "app_7Hq2"
	fzLeeway = 60
	// Secrets the verifier or the doctor know besides the vectors' own; none
	// may ever appear in an error or diagnosis message.
	fzSignetSecret     = "sg-secret-8d41b7e29c0a5f36"
	fzRevokedSecret    = "revoked-secret-2b7f0c9e41d3a865"
	fzRevokedHexSecret = "0badc0ffee5eed0ff1ce7ab1e0dd5ca1ab1e7e57ed0d0ec0ffee15900dbeef00"
	fzOtherSecret      = "other-app-secret-6c1e0b8f2a9d4735"
	fzMaxMessage       = 512 // bytes of an error message: attacker text is quoted short
	fzMaxDiagnosis     = 1024
	fzMaxTokenSize     = DefaultMaxTokenSize
)

var fzCauses = []Cause{CauseWrongMessage, CauseWrongEncoding, CauseSecretEncoding, CauseMilliseconds,
	CauseClockSkew, CauseOtherKey, CauseNotTheSecret, CauseUnknown}

// fzEnv is one app under one profile: its verifiers, its keys and what the
// fuzz oracles need to know about them.
type fzEnv struct {
	p       Profile
	secret  string // of the active key "k1"
	mac     []byte // HMAC key bytes of k1 as profiles.md derives them
	v       *Verifier
	vFull   *Verifier // helpshift-legacy with full privacy; nil otherwise
	secrets []string  // every secret known to the verifier or the doctor
	cands   []Candidate
	vecs    vectors.File
}

func fzNewEnv(tb testing.TB, p Profile) *fzEnv {
	tb.Helper()
	e := &fzEnv{p: p}
	if p == Signet {
		e.secret = fzSignetSecret
	} else {
		files, err := vectors.Load()
		if err != nil {
			tb.Fatalf("loading testdata/vectors: %v", err)
		}
		e.vecs = files[string(p)]
		e.secret = e.vecs.Secret
		if e.secret == "" && len(e.vecs.Cases) > 0 {
			e.secret = e.vecs.Cases[0].Secret
		}
		if e.secret == "" {
			tb.Fatalf("no secret in the %s vectors", p)
		}
	}
	if p == PylonHMAC { // profiles.md: hex-decode(secret)
		b, err := hex.DecodeString(e.secret)
		if err != nil {
			tb.Fatal(err)
		}
		e.mac = b
	} else {
		e.mac = []byte(e.secret)
	}
	revoked := fzRevokedSecret
	if p == PylonHMAC {
		revoked = fzRevokedHexSecret
	}
	k1, err := NewKey(p, "k1", e.secret)
	if err != nil {
		tb.Fatal(err)
	}
	k0, err := NewKey(p, "k0", revoked)
	if err != nil {
		tb.Fatal(err)
	}
	k0.Revoked = true
	keys := []Key{k0, k1}
	now := func() time.Time { return time.Unix(fzNow, 0) }
	if e.v, err = New(p, keys, Options{AppID: fzAppID, Now: now}); err != nil {
		tb.Fatal(err)
	}
	if p == HelpshiftLegacy {
		if e.vFull, err = New(p, keys, Options{AppID: fzAppID, FullPrivacy: true, Now: now}); err != nil {
			tb.Fatal(err)
		}
	}
	e.cands = []Candidate{
		{Kind: OtherKey, Label: "the Android app's key", Secret: fzOtherSecret},
		{Kind: NotTheSecret, Label: "the app id", Secret: fzAppID},
	}
	e.secrets = []string{e.secret, revoked, fzOtherSecret}
	return e
}

// ---- helpers shared by the oracles ----

// fzBase64URLByte: the base64url alphabet, or the '.' between segments.
func fzBase64URLByte(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
}

func fzB64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func fzHMAC(key []byte, msg string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(msg))
	return h.Sum(nil)
}

// fzSignJWS appends an HS256 signature to signingInput.
func fzSignJWS(key []byte, signingInput string) string {
	return signingInput + "." + base64.RawURLEncoding.EncodeToString(fzHMAC(key, signingInput))
}

func (e *fzEnv) header() string {
	if e.p == Signet || e.p == ZendeskMessaging { // profiles.md: zendesk-messaging's kid header is required
		return `{"alg":"HS256","typ":"JWT","kid":"k1"}`
	}
	return `{"alg":"HS256","typ":"JWT"}`
}

// token signs claims under the profile's usual header with k1.
func (e *fzEnv) token(claims string) string {
	return fzSignJWS(e.mac, fzB64(e.header())+"."+fzB64(claims))
}

// resign: a proof that starts like a token (a base64url character) keeps
// everything before its last '.' and is signed again; any other proof, such
// as one starting with '{', is the claims JSON itself.
func (e *fzEnv) resign(proof string) string {
	if i := strings.LastIndexByte(proof, '.'); i >= 0 && fzBase64URLByte(proof[0]) && proof[0] != '.' {
		return fzSignJWS(e.mac, proof[:i])
	}
	return e.token(proof)
}

// fzValueOK: an identity value no identity can hold is refused (claims.go
// documents it): more than 1024 bytes, invalid UTF-8, a control character,
// an invisible formatting character (Unicode category Cf).
func fzValueOK(s string) bool {
	if len(s) > MaxIdentityLength || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return false
		}
	}
	return true
}

// fzDigestMessage is the message table of profiles.md, written again.
func fzDigestMessage(p Profile, full bool, uid, email string) (string, []Identity, bool) {
	u := Identity{Type: UID, Value: uid}
	m := Identity{Type: Email, Value: email}
	switch p {
	case HelpshiftLegacy:
		switch {
		case full && uid != "":
			return uid, []Identity{u}, true
		case full:
			return "", nil, false
		case uid != "" && email != "":
			return uid + email, []Identity{u, m}, true
		case uid != "":
			return uid, []Identity{u}, true
		case email != "":
			return email, []Identity{m}, true
		}
	case Intercom:
		if uid != "" {
			return uid, []Identity{u}, true
		}
		if email != "" {
			return email, []Identity{m}, true
		}
	case Akece:
		if uid != "" {
			return uid, []Identity{u}, true
		}
	case PylonHMAC:
		if email != "" {
			return email, []Identity{m}, true
		}
	case HelpScout, Plain: // the email alone
		if email != "" {
			return email, []Identity{m}, true
		}
	case Front: // the signed one: the user id when sent, else the email
		if uid != "" {
			return uid, []Identity{u}, true
		}
		if email != "" {
			return email, []Identity{m}, true
		}
	case Gleap: // the user id alone
		if uid != "" {
			return uid, []Identity{u}, true
		}
	}
	return "", nil, false
}

// fzCanonicalDigest decodes d when it is exactly the canonical encoding of
// 32 bytes under profile p (hex of either case; padded standard base64).
func fzCanonicalDigest(p Profile, d string) ([]byte, bool) {
	if p == HelpshiftLegacy {
		b, err := base64.StdEncoding.DecodeString(d)
		return b, err == nil && len(b) == 32 && base64.StdEncoding.EncodeToString(b) == d
	}
	b, err := hex.DecodeString(d)
	return b, err == nil && len(b) == 32 && hex.EncodeToString(b) == strings.ToLower(d)
}

func fzEncodeDigest(p Profile, mac []byte) string {
	if p == HelpshiftLegacy {
		return base64.StdEncoding.EncodeToString(mac)
	}
	return hex.EncodeToString(mac)
}

// fzTruncate returns the exact integer part of a JSON number literal
// (profiles.md: "a fraction is truncated"), computed without floating point.
// ok is false when its magnitude is 2^53 or more.
func fzTruncate(lit string) (int64, bool) {
	mant, exp := lit, int64(0)
	if i := strings.IndexAny(lit, "eE"); i >= 0 {
		mant = lit[:i]
		x, err := strconv.ParseInt(lit[i+1:], 10, 64)
		if err != nil { // an exponent beyond int64
			x = 1 << 40
			if strings.HasPrefix(lit[i+1:], "-") {
				x = -x
			}
		}
		exp = x
	}
	nonzero := strings.ContainsAny(mant, "123456789")
	switch {
	case !nonzero:
		return 0, true
	case exp > 1<<20:
		return 0, false
	case exp < -(1 << 20):
		return 0, true
	}
	r, ok := new(big.Rat).SetString(mant)
	if !ok {
		panic("fzTruncate: " + lit)
	}
	pow := new(big.Int).Exp(big.NewInt(10), big.NewInt(max(exp, -exp)), nil)
	if exp > 0 {
		r.Mul(r, new(big.Rat).SetInt(pow))
	} else {
		r.Quo(r, new(big.Rat).SetInt(pow))
	}
	q := new(big.Int).Quo(r.Num(), r.Denom()) // truncates toward zero
	if q.CmpAbs(big.NewInt(1<<53)) >= 0 {
		return 0, false
	}
	return q.Int64(), true
}

// fzCarries reports whether the request itself carries s: then a message that
// quotes the attacker's own input may contain it without leaking anything.
func fzCarries(r Request, s string) bool {
	texts := []string{r.UserID, r.Email, r.Digest, r.Token}
	for _, seg := range strings.Split(r.Token, ".") {
		for _, enc := range []*base64.Encoding{base64.RawURLEncoding, base64.URLEncoding,
			base64.RawStdEncoding, base64.StdEncoding} {
			if b, err := enc.DecodeString(seg); err == nil {
				texts = append(texts, string(b))
				texts = append(texts, fzJSONStrings(string(b))...)
			}
		}
	}
	for _, t := range texts {
		if strings.Contains(t, s) {
			return true
		}
	}
	return false
}

// fzJSONStrings unescapes every JSON string literal found in s.
func fzJSONStrings(s string) []string {
	var out []string
	for i := 0; i < len(s); i++ {
		if s[i] != '"' {
			continue
		}
		j := i + 1
		for j < len(s) && s[j] != '"' {
			if s[j] == '\\' {
				j++
			}
			j++
		}
		if j >= len(s) {
			break
		}
		var u string
		if json.Unmarshal([]byte(s[i:j+1]), &u) == nil {
			out = append(out, u)
		}
		i = j
	}
	return out
}

// ---- invariants common to every profile ----

func (e *fzEnv) checkMessage(t *testing.T, what, msg string, limit int, r Request) {
	t.Helper()
	if msg == "" {
		t.Fatalf("%s is empty", what)
	}
	if len(msg) > limit {
		t.Fatalf("%s is %d bytes (limit %d): %.200q…", what, len(msg), limit, msg)
	}
	for _, s := range e.secrets {
		if strings.Contains(msg, s) && !fzCarries(r, s) {
			t.Fatalf("%s contains a secret: %q", what, msg)
		}
	}
	if len(r.Token) >= 16 && strings.Contains(msg, r.Token) {
		t.Fatalf("%s contains the token: %q", what, msg)
	}
	if len(r.Digest) >= 16 && strings.Contains(msg, r.Digest) {
		t.Fatalf("%s contains the digest: %q", what, msg)
	}
}

// checkCommon: Verify is deterministic, fails only with a known reason and a
// clean message, and the doctor speaks only about verification errors.
func (e *fzEnv) checkCommon(t *testing.T, v *Verifier, r Request, got *Verified, err error) {
	t.Helper()
	if (got == nil) == (err == nil) {
		t.Fatalf("Verify returned %v and %v", got, err)
	}
	if err != nil {
		var ve *Error
		if !errors.As(err, &ve) {
			t.Fatalf("error %T is not a *verify.Error: %v", err, err)
		}
		if !slices.Contains(Reasons(), ReasonOf(err)) {
			t.Fatalf("reason %q is not one of Reasons(): %v", ReasonOf(err), err)
		}
		e.checkMessage(t, "error message", err.Error(), fzMaxMessage, r)
	}
	got2, err2 := v.Verify(r)
	if !reflect.DeepEqual(got, got2) || fmt.Sprint(err) != fmt.Sprint(err2) {
		t.Fatalf("verifying twice differs: %+v, %v then %+v, %v", got, err, got2, err2)
	}
	d, ok := v.Diagnose(r, err, e.cands)
	if err == nil && ok {
		t.Fatalf("Diagnose of a success returned %+v", d)
	}
	if ok {
		if !slices.Contains(fzCauses, d.Cause) {
			t.Fatalf("cause %q is not a known cause", d.Cause)
		}
		e.checkMessage(t, "diagnosis", d.Message, fzMaxDiagnosis, r)
	}
	if d, ok := v.Diagnose(r, errors.New("connection reset"), e.cands); ok {
		t.Fatalf("Diagnose of a non-verification error returned %+v", d)
	}
}

// ---- digest profiles ----

func (e *fzEnv) fuzzDigest(t *testing.T, uid, email, proof string, resign bool) {
	for _, v := range []*Verifier{e.v, e.vFull} {
		if v == nil {
			continue
		}
		full := v == e.vFull
		msg, covered, hasID := fzDigestMessage(e.p, full, uid, email)
		digest := proof
		if resign && hasID {
			digest = fzEncodeDigest(e.p, fzHMAC(e.mac, msg))
		}
		r := Request{UserID: uid, Email: email, Digest: digest}
		got, err := v.Verify(r)
		e.checkCommon(t, v, r, got, err)

		// The oracle: every check of profiles.md that fails; the reason must
		// be one of them, and none failing means the digest verifies.
		var failing []Reason
		if len(digest) > fzMaxTokenSize {
			failing = append(failing, ReasonTooLarge)
		}
		if !fzValueOK(uid) || !fzValueOK(email) {
			failing = append(failing, ReasonMalformed)
		}
		if !hasID {
			failing = append(failing, ReasonIdentityRequired)
		}
		want, canonical := fzCanonicalDigest(e.p, digest)
		if !canonical {
			failing = append(failing, ReasonMalformed)
		} else if hasID && !hmac.Equal(want, fzHMAC(e.mac, msg)) {
			failing = append(failing, ReasonSignatureMismatch)
		}
		if len(failing) > 0 {
			if err == nil {
				t.Fatalf("full privacy %v: verified although %v: %+v", full, failing, got)
			}
			if !slices.Contains(failing, ReasonOf(err)) {
				t.Fatalf("full privacy %v: reason %v, want one of %v", full, err, failing)
			}
			continue
		}
		if err != nil {
			t.Fatalf("full privacy %v: want valid, got %v", full, err)
		}
		wantV := &Verified{Profile: e.p, KeyID: "k1", Identities: covered}
		if !reflect.DeepEqual(got, wantV) {
			t.Fatalf("full privacy %v: verified %+v, want %+v", full, got, wantV)
		}
		if e.p != HelpshiftLegacy { // hex of either case
			for _, d := range []string{strings.ToUpper(digest), strings.ToLower(digest)} {
				if _, err := v.Verify(Request{UserID: uid, Email: email, Digest: d}); err != nil {
					t.Fatalf("hex digest %q in another case: %v", d, err)
				}
			}
		}
	}
}

// ---- JWT profiles ----

var fzAfterSignature = []Reason{ReasonClaimInvalid, ReasonExpired, ReasonNotYetValid, ReasonIssuedInFuture,
	ReasonIssuedTooLongAgo, ReasonLifetimeTooLong, ReasonAudienceMismatch, ReasonIdentityRequired,
	ReasonUnknownIdentityType, ReasonIdentityMismatch}

func (e *fzEnv) jwtReasons() []Reason {
	rs := []Reason{ReasonMalformed, ReasonTooLarge, ReasonAlgorithmNotAllowed, ReasonHeaderNotAllowed,
		ReasonSignatureMismatch, ReasonClaimInvalid, ReasonExpired, ReasonNotYetValid, ReasonIssuedInFuture,
		ReasonIdentityRequired, ReasonIdentityMismatch}
	switch e.p {
	case HelpshiftUserHub:
		rs = append(rs, ReasonIssuedTooLongAgo, ReasonUnknownIdentityType)
	case PylonJWT:
		rs = append(rs, ReasonLifetimeTooLong, ReasonAudienceMismatch)
	case Signet:
		rs = append(rs, ReasonLifetimeTooLong, ReasonAudienceMismatch, ReasonUnknownIdentityType,
			ReasonKeyUnknown, ReasonKeyRevoked)
	case Kustomer:
		rs = append(rs, ReasonIssuedTooLongAgo)
	case FreshdeskWidget:
		rs = append(rs, ReasonLifetimeTooLong)
	case ZendeskMessaging:
		rs = append(rs, ReasonKeyUnknown)
	}
	return rs
}

// fzSignedByK1 reports whether the token's last segment is, in any base64url
// reading, the HS256 MAC of everything before it under k1.
func (e *fzEnv) signedByK1(token string) bool {
	i := strings.LastIndexByte(token, '.')
	if i < 0 {
		return false
	}
	sig, err := base64.RawURLEncoding.DecodeString(token[i+1:])
	return err == nil && hmac.Equal(sig, fzHMAC(e.mac, token[:i]))
}

func (e *fzEnv) fuzzJWT(t *testing.T, uid, email, proof string, resign bool) {
	token := proof
	if resign {
		token = e.resign(proof)
	}
	r := Request{UserID: uid, Email: email, Token: token}
	got, err := e.v.Verify(r)
	e.checkCommon(t, e.v, r, got, err)
	reason := ReasonOf(err)
	switch {
	case len(token) > fzMaxTokenSize:
		if reason != ReasonTooLarge {
			t.Fatalf("a %d-byte token: %v, want too_large", len(token), err)
		}
		return
	case reason == ReasonTooLarge:
		t.Fatalf("a %d-byte token is not too large: %v", len(token), err)
	case token == "" || strings.Count(token, ".") != 2:
		if reason != ReasonMalformed {
			t.Fatalf("%d segments: %v, want malformed", strings.Count(token, ".")+1, err)
		}
		return
	}
	if err != nil {
		if !slices.Contains(e.jwtReasons(), reason) {
			t.Fatalf("reason %q is not one a %s token can fail with", reason, e.p)
		}
		// The signature is checked over the received bytes before any claim
		// is trusted; and a token signed by the app's key is never a mismatch.
		signed := e.signedByK1(token)
		if slices.Contains(fzAfterSignature, reason) && !signed {
			t.Fatalf("%v, but the token is not signed with the app's key", err)
		}
		if reason == ReasonSignatureMismatch && signed {
			t.Fatalf("%v, but the token is signed with the app's key", err)
		}
		return
	}
	e.checkJWTSuccess(t, r, got)
}

// checkJWTSuccess re-reads an accepted token with encoding/json and checks
// profiles.md's rules and that everything verified is exactly what is signed.
func (e *fzEnv) checkJWTSuccess(t *testing.T, r Request, got *Verified) {
	t.Helper()
	seg := strings.Split(r.Token, ".")
	if len(seg) != 3 {
		t.Fatalf("verified a token of %d segments", len(seg))
	}
	for _, c := range []byte(r.Token) {
		if !fzBase64URLByte(c) {
			t.Fatalf("verified a token holding %q", c)
		}
	}
	if !e.signedByK1(r.Token) || got.KeyID != "k1" || got.Profile != e.p {
		t.Fatalf("verified %+v, but k1 did not sign it", got)
	}
	hb, err1 := base64.RawURLEncoding.Strict().DecodeString(seg[0])
	pb, err2 := base64.RawURLEncoding.Strict().DecodeString(seg[1])
	if err1 != nil || err2 != nil || fzB64(string(hb)) != seg[0] || fzB64(string(pb)) != seg[1] {
		t.Fatalf("verified non-canonical base64url: %v %v", err1, err2)
	}
	var header map[string]any
	if err := json.Unmarshal(hb, &header); err != nil || !json.Valid(hb) {
		t.Fatalf("verified a header encoding/json refuses: %v", err)
	}
	for name, val := range header {
		switch name {
		case "alg":
			if val != "HS256" {
				t.Fatalf("verified alg %v", val)
			}
		case "typ":
			if s, ok := val.(string); !ok || !strings.EqualFold(s, "JWT") {
				t.Fatalf("verified typ %v", val)
			}
		case "kid":
			if e.p == Signet && val != got.KeyID {
				t.Fatalf("verified kid %v with key %s", val, got.KeyID)
			}
		default:
			t.Fatalf("verified header parameter %q", name)
		}
	}
	if _, ok := header["alg"]; !ok {
		t.Fatalf("verified a header without alg")
	}
	if (e.p == Signet || e.p == ZendeskMessaging) && header["kid"] == nil {
		t.Fatalf("verified a %s token without kid", e.p)
	}

	var claims map[string]json.RawMessage
	if err := json.Unmarshal(pb, &claims); err != nil || !json.Valid(pb) {
		t.Fatalf("verified claims encoding/json refuses: %v", err)
	}
	timeOf := func(name string) (int64, bool) {
		raw, ok := claims[name]
		if !ok {
			return 0, false
		}
		var n json.Number
		if err := json.Unmarshal(raw, &n); err != nil {
			t.Fatalf("verified a %s that is not a number: %s", name, raw)
		}
		v, ok := fzTruncate(string(n))
		if !ok || v <= 0 {
			t.Fatalf("verified %s %s out of range", name, n)
		}
		return v, true
	}
	// profiles.md: Freshdesk's tokens carry no iat, and none is read: an
	// iat there (whatever its value) verifies nothing and bounds nothing.
	readsIat := e.p != FreshdeskWidget
	iat, hasIat := int64(0), true
	if readsIat {
		iat, hasIat = timeOf("iat")
	}
	exp, hasExp := timeOf("exp")
	nbf, hasNbf := timeOf("nbf")
	// profiles.md, second wave: intercom-jwt, zendesk-messaging and drift
	// require no iat.
	iatOptional := e.p == IntercomJWT || e.p == ZendeskMessaging || e.p == Drift
	if !hasIat && !iatOptional || got.IssuedAt != iat || got.ExpiresAt != exp {
		t.Fatalf("verified iat %d exp %d; signed iat %d (present %v), exp %d", got.IssuedAt, got.ExpiresAt, iat, hasIat, exp)
	}
	now := int64(fzNow)
	if iat > now+fzLeeway || hasNbf && nbf > now+fzLeeway || hasExp && now >= exp+fzLeeway {
		t.Fatalf("verified iat %d nbf %d exp %d at %d", iat, nbf, exp, now)
	}
	if hasExp && exp <= iat {
		t.Fatalf("verified exp %d not after iat %d", exp, iat)
	}
	switch e.p {
	case HelpshiftUserHub:
		if iat < now-86400 {
			t.Fatalf("verified an iat %d s old", now-iat)
		}
	case PylonJWT:
		if !hasExp || exp-iat > 900 {
			t.Fatalf("verified a pylon-jwt lifetime of %d s (exp present %v)", exp-iat, hasExp)
		}
	case Signet:
		if !hasExp || exp-iat > int64(DefaultMaxLifetime/time.Second) {
			t.Fatalf("verified a signet lifetime of %d s (exp present %v)", exp-iat, hasExp)
		}
	case Kustomer: // 15 minutes, plus the leeway
		if iat < now-900-fzLeeway {
			t.Fatalf("verified a kustomer iat %d s old", now-iat)
		}
	case FreshdeskWidget: // exp required, at most two hours ahead, exactly
		if !hasExp || exp > now+7200 {
			t.Fatalf("verified a freshdesk-widget exp %d s ahead (present %v)", exp-now, hasExp)
		}
	}
	if e.p.NeedsAudience() {
		var one string
		var many []string
		raw := claims["aud"]
		if json.Unmarshal(raw, &one) == nil {
			many = []string{one}
		} else if json.Unmarshal(raw, &many) != nil {
			t.Fatalf("verified aud %s", raw)
		}
		if !slices.Contains(many, fzAppID) {
			t.Fatalf("verified aud %s for app %s", raw, fzAppID)
		}
	}

	// Identities and attributes: exactly the signed strings.
	str := func(name string) (string, bool) {
		raw, ok := claims[name]
		if !ok {
			return "", false
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			t.Fatalf("verified a non-string %s: %s", name, raw)
		}
		return s, true
	}
	var wantIDs []Identity
	var wantAttrs map[string]string
	addAttr := func(name string) { // an empty one is absent (Pylon's samples send name "")
		if s, ok := str(name); ok && s != "" {
			if wantAttrs == nil {
				wantAttrs = map[string]string{}
			}
			wantAttrs[name] = s
		}
	}
	// signedID reads a second-wave identity claim: a non-empty string of
	// acceptable characters, at most max characters when max > 0.
	signedID := func(name string, max int) (string, bool) {
		v, ok := str(name)
		if ok && (v == "" || !fzValueOK(v) || max > 0 && utf8.RuneCountInString(v) > max) {
			t.Fatalf("verified %s %q", name, v)
		}
		return v, ok
	}
	switch e.p {
	case PylonJWT:
		email, ok := str("email")
		if !ok {
			t.Fatalf("verified a pylon-jwt without email")
		}
		wantIDs = []Identity{{Type: Email, Value: email}}
		for _, a := range PylonAttributes() {
			addAttr(a)
		}
	case IntercomJWT: // uid = user_id (required); email if present
		uid, ok := signedID("user_id", 0)
		if !ok {
			t.Fatalf("verified an intercom-jwt token without user_id")
		}
		wantIDs = []Identity{{Type: UID, Value: uid}}
		if email, ok := signedID("email", 0); ok {
			wantIDs = append(wantIDs, Identity{Type: Email, Value: email})
		}
	case ZendeskMessaging: // scope = "user"; uid = external_id (≤ 255); email only when email_verified is true
		if scope, ok := str("scope"); !ok || scope != "user" {
			t.Fatalf("verified scope %q (present %v)", scope, ok)
		}
		uid, ok := signedID("external_id", 255)
		if !ok {
			t.Fatalf("verified a zendesk-messaging token without external_id")
		}
		wantIDs = []Identity{{Type: UID, Value: uid}}
		verified := false
		if raw, ok := claims["email_verified"]; ok {
			if err := json.Unmarshal(raw, &verified); err != nil || string(raw) != "true" && string(raw) != "false" {
				t.Fatalf("verified email_verified %s", raw)
			}
		}
		if email, ok := signedID("email", 0); ok && verified {
			wantIDs = append(wantIDs, Identity{Type: Email, Value: email})
		}
		addAttr("name")
	case Drift: // uid = sub
		uid, ok := signedID("sub", 0)
		if !ok {
			t.Fatalf("verified a drift token without sub")
		}
		wantIDs = []Identity{{Type: UID, Value: uid}}
	case Kustomer: // the email takes precedence over the externalId
		email, hasEmail := str("email")
		ext, hasExt := str("externalId")
		switch {
		case hasEmail && email != "":
			wantIDs = []Identity{{Type: Email, Value: email}}
		case hasExt && ext != "":
			wantIDs = []Identity{{Type: UID, Value: ext}}
		default:
			t.Fatalf("verified a kustomer token without externalId or email")
		}
	case FreshdeskWidget:
		email, ok := str("email")
		if !ok || email == "" {
			t.Fatalf("verified a freshdesk-widget token without email")
		}
		wantIDs = []Identity{{Type: Email, Value: email}}
		addAttr("name")
	default:
		var ids []map[string]json.RawMessage
		if err := json.Unmarshal(claims["identities"], &ids); err != nil {
			t.Fatalf("verified identities %s: %v", claims["identities"], err)
		}
		for _, m := range ids {
			var id Identity
			var typ string
			for name, raw := range m {
				var err error
				switch name {
				case "identifier":
					err = json.Unmarshal(raw, &typ)
				case "value":
					err = json.Unmarshal(raw, &id.Value)
				case "metadata":
					err = json.Unmarshal(raw, &id.Metadata)
					if id.Metadata == nil {
						err = errors.New("null metadata")
					}
				default:
					err = errors.New("unknown member " + name)
				}
				if err != nil {
					t.Fatalf("verified identity %v: %v", m, err)
				}
			}
			id.Type = IdentityType(typ)
			if !id.Type.Known() || !fzValueOK(id.Value) || id.Value == "" {
				t.Fatalf("verified identity %+v", id)
			}
			wantIDs = append(wantIDs, id)
		}
		if !slices.ContainsFunc(wantIDs, func(id Identity) bool { return id.Type == UID || id.Type == Email }) {
			t.Fatalf("verified identities without uid or email: %+v", wantIDs)
		}
		if e.p == Signet {
			addAttr("name")
		}
	}
	if !reflect.DeepEqual(got.Identities, wantIDs) {
		t.Fatalf("verified identities %+v, signed %+v", got.Identities, wantIDs)
	}
	if !reflect.DeepEqual(got.Attributes, wantAttrs) {
		t.Fatalf("verified attributes %v, signed %v", got.Attributes, wantAttrs)
	}
	for _, sent := range []Identity{{Type: UID, Value: r.UserID}, {Type: Email, Value: r.Email}} {
		if sent.Value == "" {
			continue
		}
		i := slices.IndexFunc(got.Identities, func(id Identity) bool { return id.Type == sent.Type })
		if i < 0 || got.Identities[i].Value != sent.Value {
			t.Fatalf("verified although the request's %s %q is not the signed one: %+v", sent.Type, sent.Value, got.Identities)
		}
	}
}

// ---- seeds ----

type fzSeed struct {
	uid, email, proof string
	resign            bool
}

func (e *fzEnv) add(f *testing.F, seeds []fzSeed) {
	for _, s := range seeds {
		f.Add(s.uid, s.email, s.proof, s.resign)
	}
}

func (e *fzEnv) digestSeeds() []fzSeed {
	var seeds []fzSeed
	var good string
	for _, c := range e.vecs.Cases {
		seeds = append(seeds, fzSeed{c.UserID(), c.EmailSent(), c.Digest, false},
			fzSeed{c.UserID(), c.EmailSent(), "", true})
		if c.Valid && good == "" && c.Secret == e.secret {
			good = c.Digest
		}
	}
	ids := [][2]string{
		{"user-42", "jane@example.com"}, {"12", "3a@b.co"}, {"123", "a@b.co"}, {"", ""},
		{"user-42 ", " jane@example.com"}, {"USER-42", "Jane@Example.COM"}, {"e\u0301", "zoë@example.org"},
		{"a\x00b", "x"}, {"\xff", "\xfe@x"}, {"\u2028", "line\nbreak@x"}, {"\x7f", "tab\t@x"},
		{strings.Repeat("u", MaxIdentityLength), ""}, {strings.Repeat("u", MaxIdentityLength+1), "j@x"},
		{"\ufeffuid", "\u200b@x"}, {"\U0001F600", "a@b"}, {"\xed\xa0\x80", "lone@surrogate"},
	}
	for _, id := range ids {
		seeds = append(seeds, fzSeed{id[0], id[1], "", true}, fzSeed{id[0], id[1], good, false})
	}
	var sum [32]byte
	sum[0], sum[31] = 0xab, 0xcd
	hexd, b64 := hex.EncodeToString(sum[:]), base64.StdEncoding.EncodeToString(sum[:])
	for _, d := range []string{
		good, strings.ToUpper(good), strings.ToLower(good), good + "\n", "\n" + good, " " + good, good + "=",
		good[:len(good)-1], good + good, hexd, strings.ToUpper(hexd), b64,
		strings.TrimRight(b64, "="), strings.NewReplacer("+", "-", "/", "_").Replace(b64),
		b64[:20] + "\r\n" + b64[22:], b64[:42] + "B=", b64[:43] + "=", strings.Repeat("=", 44),
		hexd[:62], hexd + "00", hexd[:63] + "g", hexd[:62] + "\r\n", strings.Repeat("０", 32),
		"", " ", "\x00", "0x" + hexd[2:], strings.Repeat("A", fzMaxTokenSize+1),
	} {
		seeds = append(seeds, fzSeed{"user-42", "jane@example.com", d, false}, fzSeed{"", "jane@example.com", d, false})
	}
	return seeds
}

// fzClaimsSeeds are claims, most of them valid but for one detail, written
// with %[1]d = iat (a minute ago), %[2]d = exp (nine minutes ahead).
var fzClaimsSeeds = []string{
	`{"iat":%[1]d,"exp":%[2]d,"aud":"app_7Hq2","email":"jane@example.com","identities":[{"identifier":"uid","value":"user-42"},{"identifier":"email","value":"jane@example.com"}]}`,
	`{"iat":%[1]d,"exp":%[2]d,"aud":["x","app_7Hq2"],"email":"jane@example.com","name":"Jane","account_id":"acc_1","contact_external_id":"c-9","identities":[{"identifier":"email","value":"jane@example.com","metadata":{"plan":"gold"}}]}`,
	// time claims
	`{"iat":1767225540.99999999,"exp":1767226440.5,"aud":"app_7Hq2","email":"j@x","identities":[{"identifier":"uid","value":"u"}]}`,
	`{"iat":1.76722554099999999e9,"exp":1767226441,"aud":"app_7Hq2","email":"j@x","identities":[{"identifier":"uid","value":"u"}]}`,
	`{"iat":1767225540,"exp":1767226440.99999999,"aud":"app_7Hq2","email":"j@x","identities":[{"identifier":"uid","value":"u"}]}`,
	`{"iat":1767139200,"exp":1767139260,"aud":"app_7Hq2","email":"j@x","identities":[{"identifier":"uid","value":"u"}]}`,
	`{"iat":1767139199.9999999999,"identities":[{"identifier":"uid","value":"u"}]}`,
	`{"iat":1767225660.0000001,"exp":1767226000,"aud":"app_7Hq2","email":"j@x","identities":[{"identifier":"uid","value":"u"}]}`,
	`{"iat":%[1]d,"iat":%[1]d,"exp":%[2]d,"aud":"app_7Hq2","email":"j@x","identities":[{"identifier":"uid","value":"u"}]}`,
	`{"IAT":%[1]d,"exp":%[2]d,"aud":"app_7Hq2","email":"j@x","identities":[{"identifier":"uid","value":"u"}]}`,
	`{"iat":"%[1]d","exp":%[2]d,"aud":"app_7Hq2","email":"j@x","identities":[{"identifier":"uid","value":"u"}]}`,
	`{"iat":1767225540000,"exp":1767226140000,"aud":"app_7Hq2","email":"j@x","identities":[{"identifier":"uid","value":"u"}]}`,
	`{"iat":1E+3,"exp":-0,"aud":"app_7Hq2","email":"j@x","identities":[{"identifier":"uid","value":"u"}]}`,
	`{"iat":9007199254740991.5,"exp":9007199254740992,"email":"j@x","identities":[{"identifier":"uid","value":"u"}]}`,
	`{"iat":1e999999999,"exp":1e-999999999,"identities":[]}`,
	`{"iat":0.5,"exp":-1,"identities":[]}`,
	`{"iat":%[1]d,"exp":%[1]d,"aud":"app_7Hq2","email":"j@x","identities":[{"identifier":"uid","value":"u"}]}`,
	`{"iat":%[1]d,"exp":%[2]d,"nbf":1767225661,"aud":"app_7Hq2","email":"j@x","identities":[{"identifier":"uid","value":"u"}]}`,
	`{"iat":%[1]d,"exp":%[2]d,"nbf":1767225660,"aud":"app_7Hq2","email":"j@x","identities":[{"identifier":"uid","value":"u"}]}`,
	`{"iat":1767225000,"exp":1767225541,"aud":"app_7Hq2","email":"j@x","identities":[{"identifier":"uid","value":"u"}]}`,
	`{"iat":1767225000,"exp":1767228601,"aud":"app_7Hq2","email":"j@x","identities":[{"identifier":"uid","value":"u"}]}`,
	// Kustomer: externalId, email, iat within 15 minutes (+ leeway)
	`{"externalId":"user-42","email":"jane@example.com","iat":%[1]d}`,
	`{"externalId":"user-42","iat":1767224640}`,
	`{"externalId":"user-42","iat":1767224639}`,
	`{"externalId":42,"iat":%[1]d}`,
	`{"externalID":"user-42","iat":%[1]d}`,
	`{"externalId":"user-42","email":"","iat":%[1]d}`,
	`{"externalId":"","email":"jane@example.com","iat":%[1]d}`,
	`{"email":"jane@example.com","iat":1767225600000}`,
	// Freshdesk: name, email, exp at most two hours ahead
	`{"name":"Jane","email":"jane@example.com","exp":%[2]d}`,
	`{"email":"jane@example.com","exp":1767232800}`,
	`{"email":"jane@example.com","exp":1767232801}`,
	`{"email":"jane@example.com","exp":1767225540,"iat":1767999999}`,
	`{"name":7,"email":"jane@example.com","exp":%[2]d}`,
	`{"name":"Jane","Email":"jane@example.com","exp":%[2]d}`,
	// audience
	`{"iat":%[1]d,"exp":%[2]d,"aud":[],"email":"j@x","identities":[{"identifier":"uid","value":"u"}]}`,
	`{"iat":%[1]d,"exp":%[2]d,"aud":"APP_7HQ2","email":"j@x","identities":[{"identifier":"uid","value":"u"}]}`,
	`{"iat":%[1]d,"exp":%[2]d,"aud":5,"email":"j@x","identities":[{"identifier":"uid","value":"u"}]}`,
	`{"iat":%[1]d,"exp":%[2]d,"aud":["app_7Hq2",null],"email":"j@x","identities":[{"identifier":"uid","value":"u"}]}`,
	// identities
	`{"iat":%[1]d,"exp":%[2]d,"aud":"app_7Hq2","email":"J@X ","identities":[{"identifier":"uid","value":"User-42 "},{"identifier":"steam_id","value":"s"}]}`,
	`{"iat":%[1]d,"exp":%[2]d,"aud":"app_7Hq2","identities":[{"identifier":"steam_id","value":"s"}]}`,
	`{"iat":%[1]d,"exp":%[2]d,"aud":"app_7Hq2","identities":[{"identifier":"UID","value":"u"}]}`,
	`{"iat":%[1]d,"exp":%[2]d,"aud":"app_7Hq2","identities":[{"identifier":"uid","value":"u"},{"identifier":"uid","value":"v"}]}`,
	`{"iat":%[1]d,"exp":%[2]d,"aud":"app_7Hq2","identities":[{"identifier":"uid","value":""}]}`,
	`{"iat":%[1]d,"exp":%[2]d,"aud":"app_7Hq2","identities":[{"identifier":"uid","value":"a\u0000b"}]}`,
	`{"iat":%[1]d,"exp":%[2]d,"aud":"app_7Hq2","identities":[{"identifier":"uid","value":"\u007f"}]}`,
	`{"iat":%[1]d,"exp":%[2]d,"aud":"app_7Hq2","identities":[{"identifier":"uid","value":"e\u0301\u2028\ud83d\ude00"}]}`,
	`{"iat":%[1]d,"exp":%[2]d,"aud":"app_7Hq2","identities":[{"identifier":"uid","value":"\ud800"}]}`,
	`{"iat":%[1]d,"exp":%[2]d,"aud":"app_7Hq2","identities":[{"identifier":"uid","value":"u","Value":"v"}]}`,
	`{"iat":%[1]d,"exp":%[2]d,"aud":"app_7Hq2","identities":[{"identifier":"uid","value":"u","metadata":{"k":1}}]}`,
	`{"iat":%[1]d,"exp":%[2]d,"aud":"app_7Hq2","identities":[{"identifier":"uid","value":"u","metadata":null}]}`,
	`{"iat":%[1]d,"exp":%[2]d,"aud":"app_7Hq2","identities":[{"identifier":"uid","value":"u","metadata":{"":"x"}}]}`,
	`{"iat":%[1]d,"exp":%[2]d,"aud":"app_7Hq2","identities":{"identifier":"uid","value":"u"}}`,
	`{"iat":%[1]d,"exp":%[2]d,"aud":"app_7Hq2","identities":[]}`,
	`{"iat":%[1]d,"exp":%[2]d,"aud":"app_7Hq2","email":"","name":5}`,
	`{"iat":%[1]d,"exp":%[2]d,"aud":"app_7Hq2","Email":"j@x","email":"k@x"}`,
	`{"iat":%[1]d,"exp":%[2]d,"aud":"app_7Hq2","email":"j@x","Account_ID":"a"}`,
	// JSON structure
	`{"iat":%[1]d,"exp":%[2]d,"aud":"app_7Hq2","email":"j@x","x":[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]],"identities":[{"identifier":"uid","value":"u"}]}`,
	`{"iat":%[1]d,"exp":%[2]d,"aud":"app_7Hq2","email":"j@x","x":[[[[[[[[[[[[[[1]]]]]]]]]]]]]],"identities":[{"identifier":"uid","value":"u"}]}`,
	" \r\n\t{\"iat\":%[1]d,\"exp\":%[2]d,\"aud\":\"app_7Hq2\",\"email\":\"j@x\",\"identities\":[{\"identifier\":\"uid\",\"value\":\"u\"}]} \n",
	"\ufeff{\"iat\":%[1]d}",
	"{\"iat\":%[1]d,\"email\":\"\xff\"}",
	`{"iat":%[1]d,"x":"\u12"}`, `{"iat":%[1]d,"x":01}`, `{"iat":%[1]d,"x":1.}`, `{"iat":%[1]d,"x":.5}`,
	`{"iat":%[1]d,"x":+1}`, `{"iat":%[1]d,"x":truex}`, `{"iat":%[1]d,"x":nul}`, `{"iat":%[1]d,}`,
	`{"iat":%[1]d}{}`, `{"iat":%[1]d`, `{}`, `[]`, `null`, `"x"`, ``, `{"a":"\/\b\f\n\r\t\"\\"}`,
	// second wave: intercom-jwt (user_id), zendesk-messaging (scope, external_id, email_verified), drift (sub)
	`{"user_id":"user-42","email":"jane@example.com","iat":%[1]d,"exp":%[2]d}`,
	`{"user_id":42,"email":"jane@example.com"}`,
	`{"user_id":"","email":"jane@example.com"}`,
	`{"user_id":"user-42","User_ID":"user-43"}`,
	`{"scope":"user","external_id":"user-42","name":"Jane","email":"jane@example.com","email_verified":true,"iat":%[1]d,"exp":%[2]d}`,
	`{"scope":"user","external_id":"user-42","email":"jane@example.com","email_verified":false}`,
	`{"scope":"user","external_id":"user-42","email":"jane@example.com","email_verified":"true"}`,
	`{"scope":"user","external_id":"user-42","email":"jane@example.com","email_verified":1}`,
	`{"scope":"User","external_id":"user-42"}`,
	`{"external_id":"user-42","email_verified":true}`,
	`{"scope":"user","external_id":12345}`,
	`{"scope":"user","external_id":"` + strings.Repeat("é", 255) + `"}`,
	`{"scope":"user","external_id":"` + strings.Repeat("é", 256) + `"}`,
	`{"scope":"user","external_id":"user-42","email_verified":true}`,
	`{"sub":"user-42","iat":%[1]d,"exp":%[2]d}`,
	`{"sub":42}`,
	`{"sub":["user-42"]}`,
	`{"sub":"user-42","Sub":"user-43"}`,
	`{"sub":"user-42","exp":1767225539}`,
}

func (e *fzEnv) jwtSeeds() []fzSeed {
	var seeds []fzSeed
	for _, c := range e.vecs.Cases {
		seeds = append(seeds, fzSeed{c.UserID(), c.EmailSent(), c.Token, false},
			fzSeed{c.UserID(), c.EmailSent(), c.Token, true})
		if parts := strings.Split(c.Token, "."); len(parts) == 3 {
			if claims, err := base64.RawURLEncoding.DecodeString(parts[1]); err == nil {
				seeds = append(seeds, fzSeed{c.UserID(), c.EmailSent(), string(claims), true})
			}
		}
	}
	var claims []string
	for _, s := range fzClaimsSeeds {
		c := s
		if strings.Contains(s, "%[") {
			c = fmt.Sprintf(s, fzNow-60, fzNow+540)
		}
		claims = append(claims, c)
		seeds = append(seeds, fzSeed{"", "", c, true})
	}
	good := e.token(claims[0])
	for _, id := range [][2]string{{"u", "j@x"}, {"user-42", ""}, {"", "jane@example.com"},
		{"user-42 ", ""}, {"USER-42", ""}, {"", "Jane@Example.com"}, {"user-43", "jane@example.com"}} {
		seeds = append(seeds, fzSeed{id[0], id[1], good, false}, fzSeed{id[0], id[1], claims[1], true})
	}
	_, ps, _ := strings.Cut(good, ".")
	p, s, _ := strings.Cut(ps, ".")
	hdr := func(header string) string { return fzB64(header) + "." + p + "." + s }
	for _, tok := range []string{
		good + "=", good[:10] + "\n" + good[10:], good[:40] + " " + good[40:], good + "\r\n",
		strings.NewReplacer("-", "+", "_", "/").Replace(good), good + ".x", good + ".x.y", "a.b", "..", "...", "....",
		"a.b.c", "e30.e30.", "e30..x", ".e30.x", good[:len(good)-1], good + "A", good + "AA",
		hdr(`{"alg":"none"}`), hdr(`{"alg":"HS256","alg":"HS256"}`), hdr(`{"alg":"hs256"}`),
		hdr(`{"alg":"HS256","jku":"https://x"}`), hdr(`{"alg":"HS256","kid":5}`), hdr(`{"alg":"HS256","typ":"jwt"}`),
		hdr(`{"alg":"HS256","typ":"JOSE"}`), hdr(`{"typ":"JWT"}`), hdr(`{"alg":"HS256","kid":"k0"}`),
		hdr(`{"alg":"HS256","kid":"k9"}`), hdr(`{"alg":"HS256","kid":"k1"}`), hdr(`{"alg":"HS256","Alg":"none"}`),
		hdr(`{"alg":"HS256","crit":["exp"]}`), hdr(`{"alg":"RS256"}`), hdr(`{"alg":"HS256","kid":"k1","zip":"DEF"}`),
		hdr(`[]`), hdr(`{"alg":"HS256"`), hdr(" {\"alg\":\"HS256\"} "),
		"eyJhbGciOiJIUzI1NiJ9." + p + "." + s, "eyJhbGciOiJIUzI1NiJ8." + p + "." + s, // canonical / not
		strings.Repeat(".", 100), strings.Repeat("A", fzMaxTokenSize+1), strings.Repeat("A", fzMaxTokenSize-10) + ".A.A",
		"\x00.\xff.\x80",
	} {
		seeds = append(seeds, fzSeed{"", "", tok, false}, fzSeed{"", "", tok, true})
	}
	return seeds
}

func fzProfileTarget(f *testing.F, p Profile) {
	e := fzNewEnv(f, p)
	if p.IsJWT() {
		e.add(f, e.jwtSeeds())
		f.Fuzz(e.fuzzJWT)
		return
	}
	e.add(f, e.digestSeeds())
	f.Fuzz(e.fuzzDigest)
}

// One target per profile: go test -fuzz runs one target at a time.

func FuzzVerifyHelpshiftLegacy(f *testing.F)  { fzProfileTarget(f, HelpshiftLegacy) }
func FuzzVerifyIntercom(f *testing.F)         { fzProfileTarget(f, Intercom) }
func FuzzVerifyAkece(f *testing.F)            { fzProfileTarget(f, Akece) }
func FuzzVerifyPylonHMAC(f *testing.F)        { fzProfileTarget(f, PylonHMAC) }
func FuzzVerifyHelpshiftUserHub(f *testing.F) { fzProfileTarget(f, HelpshiftUserHub) }
func FuzzVerifyPylonJWT(f *testing.F)         { fzProfileTarget(f, PylonJWT) }
func FuzzVerifySignet(f *testing.F)           { fzProfileTarget(f, Signet) }
func FuzzVerifyHelpScout(f *testing.F)        { fzProfileTarget(f, HelpScout) }
func FuzzVerifyFront(f *testing.F)            { fzProfileTarget(f, Front) }
func FuzzVerifyPlain(f *testing.F)            { fzProfileTarget(f, Plain) }
func FuzzVerifyGleap(f *testing.F)            { fzProfileTarget(f, Gleap) }
func FuzzVerifyKustomer(f *testing.F)         { fzProfileTarget(f, Kustomer) }
func FuzzVerifyFreshdeskWidget(f *testing.F)  { fzProfileTarget(f, FreshdeskWidget) }
func FuzzVerifyIntercomJWT(f *testing.F)      { fzProfileTarget(f, IntercomJWT) }
func FuzzVerifyZendeskMessaging(f *testing.F) { fzProfileTarget(f, ZendeskMessaging) }
func FuzzVerifyDrift(f *testing.F)            { fzProfileTarget(f, Drift) }

// ---- parsers ----

// FuzzDecodeDigest: for every digest profile, decodeDigest accepts exactly
// the canonical encodings of 32 bytes (hex in either case; padded standard
// base64), and what it decodes re-encodes to the input.
func FuzzDecodeDigest(f *testing.F) {
	files, err := vectors.Load()
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range files {
		for _, c := range file.Cases {
			if c.Digest != "" {
				f.Add(c.Digest)
				f.Add(strings.ToUpper(c.Digest))
				f.Add(c.Digest[:len(c.Digest)-2] + "\r\n")
			}
		}
	}
	var sum [32]byte
	for i := range sum {
		sum[i] = byte(i * 37)
	}
	b64, hx := base64.StdEncoding.EncodeToString(sum[:]), hex.EncodeToString(sum[:])
	for _, s := range []string{"", b64, hx, strings.ToUpper(hx), b64[:42] + "B=", b64[:42] + "A=", b64[:43] + "=",
		strings.TrimRight(b64, "=") + "A", strings.NewReplacer("+", "-", "/", "_").Replace(b64),
		strings.Repeat("=", 44), strings.Repeat("A", 43) + "=", strings.Repeat("A", 42) + "==", hx[:62] + "Gg",
		hx[:63] + " ", hx + "\n", strings.Repeat("0", 64), strings.Repeat("٠", 32), "\xff\xfe",
		b64[:10] + "\n" + b64[11:], hx[:10] + "\r" + hx[11:]} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, d string) {
		for _, p := range []Profile{HelpshiftLegacy, Intercom, Akece, PylonHMAC, HelpScout, Front, Plain, Gleap} {
			var out [sha256.Size]byte
			e := decodeDigest(p, d, &out)
			want, canonical := fzCanonicalDigest(p, d)
			if e != nil {
				if e.Reason != ReasonMalformed {
					t.Fatalf("%s: reason %v, want malformed", p, e)
				}
				if canonical {
					t.Fatalf("%s: refused the canonical digest %q: %v", p, d, e)
				}
				if strings.Contains(e.Message, d) && len(d) >= 16 {
					t.Fatalf("%s: message contains the digest: %q", p, e.Message)
				}
				continue
			}
			enc := fzEncodeDigest(p, out[:])
			if p != HelpshiftLegacy {
				enc, d = strings.ToLower(enc), strings.ToLower(d)
			}
			if enc != d {
				t.Fatalf("%s: accepted %q, which re-encodes to %q", p, d, enc)
			}
			if !canonical || string(want) != string(out[:]) {
				t.Fatalf("%s: accepted %q as %x; encoding/hex or encoding/base64 read %x (canonical %v)", p, d, out, want, canonical)
			}
		}
	})
}

// fzTree turns a value of the strict parser into what encoding/json
// (with UseNumber) makes of the same text.
func fzTree(v jsonValue) any {
	switch v.kind {
	case jsonNull:
		return nil
	case jsonBool:
		return v.boolean
	case jsonNumber:
		return json.Number(v.text)
	case jsonString:
		return v.text
	case jsonArray:
		a := make([]any, len(v.array))
		for i, x := range v.array {
			a[i] = fzTree(x)
		}
		return a
	}
	m := make(map[string]any, len(v.object))
	for _, x := range v.object {
		m[x.name] = fzTree(x.value)
	}
	return m
}

// fzCheckStrictJSON: whenever parseJSONObject accepts s, encoding/json
// accepts it too, as an object, and reads the same members and values; our
// parser is never more lenient than encoding/json.
func fzCheckStrictJSON(t *testing.T, s string) {
	t.Helper()
	members, err := parseJSONObject(s)
	if err != nil {
		if len(err.Error()) > fzMaxMessage/2 {
			t.Fatalf("JSON error of %d bytes: %.200q…", len(err.Error()), err.Error())
		}
		return
	}
	if !json.Valid([]byte(s)) {
		t.Fatalf("parseJSONObject accepts %q, which encoding/json refuses", s)
	}
	if strings.TrimLeft(s, " \t\r\n")[0] != '{' {
		t.Fatalf("parseJSONObject accepts %q, which is not an object", s)
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var want map[string]any
	if err := dec.Decode(&want); err != nil {
		t.Fatalf("encoding/json cannot decode %q as an object: %v", s, err)
	}
	if len(want) != len(members) {
		t.Fatalf("%q: %d members, encoding/json reads %d distinct ones", s, len(members), len(want))
	}
	if got := fzTree(jsonValue{kind: jsonObject, object: members}); !reflect.DeepEqual(got, want) {
		t.Fatalf("%q: parsed as %#v, encoding/json reads %#v", s, got, want)
	}
}

// FuzzParseToken: parseCompactJWS never panics; what it accepts re-encodes to
// the token byte for byte; its header and claims, and the input itself read as
// JSON, pass the strict-JSON property.
func FuzzParseToken(f *testing.F) {
	files, err := vectors.Load()
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range files {
		for _, c := range file.Cases {
			if c.Token == "" {
				continue
			}
			f.Add(c.Token)
			for _, seg := range strings.Split(c.Token, ".")[:2] {
				if b, err := base64.RawURLEncoding.DecodeString(seg); err == nil {
					f.Add(string(b))
				}
			}
		}
	}
	for _, s := range fzClaimsSeeds {
		if strings.Contains(s, "%[") {
			s = fmt.Sprintf(s, fzNow-60, fzNow+540)
		}
		f.Add(s)
		f.Add(fzB64(`{"alg":"HS256"}`) + "." + fzB64(s) + "." + fzB64(strings.Repeat("s", 32)))
	}
	for _, s := range []string{
		`{"a":"\ud83d\ude00","b":"\ud83d","c":"\ude00"}`, `{"a":"\ud83dx"}`, `{"a":"\ud83d\u0041"}`,
		"{\"a\":\"\xed\xa0\x80\"}", "{\"a\":\"\xc0\xaf\"}", "{\"a\":\"\x7f\"}", "{\"a\":\"\x1f\"}",
		`{"a":-0.0e-0,"b":1E+2,"c":-1e-2}`, `{"a":-}`, `{"a":1e}`, `{"a":[1,]}`, `{"a":[,1]}`,
		`{"":1,"\u0000":2}`, `{"a":1,"\u0061":2}`, `{"a":1 , "b" : [ true , false , null ] }`,
		"{\"a\":1}\x00", "{\"a\":1}\u00a0", "\u00a0{}", "{\v}", `{"a":"\x"}`, `{"a":"\U0041"}`,
		strings.Repeat(`{"a":`, 20) + "1" + strings.Repeat("}", 20), strings.Repeat("[", 1000),
		"e30.e30." + fzB64(strings.Repeat("s", 32)), "e30=.e30." + fzB64(strings.Repeat("s", 32)),
	} {
		f.Add(s)
	}
	sig := fzB64(strings.Repeat("s", 32))
	f.Fuzz(func(t *testing.T, token string) {
		fzCheckStrictJSON(t, token)
		jws, e := parseCompactJWS(token, "HS256")
		if e != nil {
			switch e.Reason {
			case ReasonMalformed, ReasonAlgorithmNotAllowed, ReasonHeaderNotAllowed:
			default:
				t.Fatalf("reason %v", e)
			}
			if len(e.Error()) > fzMaxMessage {
				t.Fatalf("message of %d bytes: %.200q…", len(e.Error()), e.Error())
			}
			// The same bytes, as claims of a well-formed token, still parse
			// without panicking (the claims are read by the caller).
			if _, e2 := parseCompactJWS(fzB64(`{"alg":"HS256"}`)+"."+fzB64(token)+"."+sig, "HS256"); e2 != nil && token != "" {
				t.Fatalf("a token around any non-empty claims bytes: %v", e2)
			}
			return
		}
		last := strings.LastIndexByte(token, '.')
		seg := strings.Split(token, ".")
		if len(seg) != 3 || seg[0] == "" || seg[1] == "" {
			t.Fatalf("accepted %d segments (or an empty one): %q", len(seg), token)
		}
		if jws.signingInput != token[:last] || !strings.HasPrefix(token, jws.signingInput+".") {
			t.Fatalf("signing input %q is not the token's header.payload", jws.signingInput)
		}
		if len(jws.signature) != 32 {
			t.Fatalf("accepted a %d-byte signature", len(jws.signature))
		}
		if jws.signingInput+"."+base64.RawURLEncoding.EncodeToString(jws.signature) != token {
			t.Fatalf("the signature does not re-encode to the token")
		}
		header, err := base64.RawURLEncoding.DecodeString(seg[0])
		if err != nil || fzB64(string(header)) != seg[0] {
			t.Fatalf("accepted a header that is not canonical base64url: %v", err)
		}
		if fzB64(jws.payload) != seg[1] {
			t.Fatalf("the payload does not re-encode to the token")
		}
		for _, c := range []byte(token) {
			if !fzBase64URLByte(c) {
				t.Fatalf("accepted a token holding %q", c)
			}
		}
		var h map[string]any
		if err := json.Unmarshal(header, &h); err != nil || !json.Valid(header) {
			t.Fatalf("accepted a header encoding/json refuses: %q: %v", header, err)
		}
		if h["alg"] != "HS256" {
			t.Fatalf("accepted alg %v", h["alg"])
		}
		for name := range h {
			if name != "alg" && name != "typ" && name != "kid" {
				t.Fatalf("accepted header parameter %q", name)
			}
		}
		if kid, ok := h["kid"]; ok != jws.hasKid || ok && kid != jws.kid {
			t.Fatalf("kid %q (%v), encoding/json reads %v (%v)", jws.kid, jws.hasKid, kid, ok)
		}
		fzCheckStrictJSON(t, string(header))
		fzCheckStrictJSON(t, jws.payload)
	})
}
