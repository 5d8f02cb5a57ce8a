package verify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf8"
)

// CandidateKind says what an extra secret handed to the doctor is.
type CandidateKind int

const (
	// OtherKey is another key the brand has: another platform's app, a
	// retired or revoked key. A match is the cause other_key.
	OtherKey CandidateKind = iota
	// NotTheSecret is a value integrators mistake for the secret: the app id,
	// an API key. A match is the cause not_the_secret.
	NotTheSecret
)

// Candidate is a secret the doctor may try besides the app's own keys.
type Candidate struct {
	Kind CandidateKind
	// Label names the candidate in the diagnosis ("key k_12 of app iOS",
	// "the app id"); it must not contain the secret.
	Label  string
	Secret string
}

// Diagnosis is the doctor's finding: why a proof failed, for the brand's
// developers and admins, never for the end user.
type Diagnosis struct {
	Cause   Cause
	Message string
}

// Diagnose explains the failure err of Verify(r): it re-computes the
// signature under the mistakes integrators make, with the app's keys and the
// candidates. ok is false when the doctor has nothing to add to the reason
// (for example an unknown identity type). A signature that matches nothing is
// CauseUnknown. The work is bounded: a few hundred HMACs at most.
func (v *Verifier) Diagnose(r Request, err error, candidates []Candidate) (d Diagnosis, ok bool) {
	reason := ReasonOf(err)
	if reason == "" {
		return Diagnosis{}, false
	}
	if len(r.Token) > v.maxTokenSize || len(r.Digest) > v.maxTokenSize {
		return Diagnosis{}, false
	}
	// Identifiers above the limit are refused before any signature is
	// checked; re-computing digests over them would be unbounded work.
	if len(r.UserID) > MaxIdentityLength || len(r.Email) > MaxIdentityLength {
		return Diagnosis{}, false
	}
	if r.Digest == "" && r.Token == "" {
		return Diagnosis{}, false // nothing was presented: the reason says so
	}
	keys := v.keyVariants(candidates)
	if v.anyAlg && v.desc.Proof == ProofJWT {
		if d, ok := v.diagnoseAnyAlgorithm(&r, reason); ok {
			return d, true
		}
	}
	if v.desc.Proof == ProofJWT {
		return v.diagnoseToken(&r, reason, keys)
	}
	if reason != ReasonSignatureMismatch && reason != ReasonMalformed {
		return Diagnosis{}, false
	}
	return v.diagnoseDigest(&r, keys)
}

// keyVariant is one key the doctor tries; cause is "" for an app key used
// as the profile says.
type keyVariant struct {
	mac   []byte
	cause Cause
	note  string
}

func (v *Verifier) keyVariants(candidates []Candidate) []keyVariant {
	var out []keyVariant
	add := func(mac []byte, cause Cause, note string) {
		for _, k := range out {
			if hmac.Equal(k.mac, mac) {
				return
			}
		}
		out = append(out, keyVariant{mac, cause, note})
	}
	for _, k := range v.keys {
		if !k.Revoked && k.Algorithm() == HS256 {
			add(k.mac, "", "")
		}
	}
	for _, k := range v.keys {
		if !k.Revoked && k.Algorithm() == HS256 {
			for _, alt := range v.secretAlternatives(k.secret) {
				add(alt.mac, CauseSecretEncoding, alt.note)
			}
		}
	}
	for _, k := range v.keys {
		if k.Revoked && k.Algorithm() == HS256 {
			add(k.mac, CauseOtherKey, "the revoked key "+quoteShort(k.ID))
		}
	}
	for _, c := range candidates {
		cause := CauseOtherKey
		if c.Kind == NotTheSecret {
			cause = CauseNotTheSecret
		}
		if mac, err := MACKey(v.profile, c.Secret); err == nil {
			add(mac, cause, c.Label)
		}
		add([]byte(c.Secret), cause, c.Label)
		for _, alt := range v.secretAlternatives(c.Secret) {
			add(alt.mac, cause, c.Label)
		}
	}
	return out
}

type secretAlt struct {
	mac  []byte
	note string
}

// secretAlternatives are the wrong ways to turn secret into key bytes.
func (v *Verifier) secretAlternatives(secret string) []secretAlt {
	if v.desc.Secret == SecretHex {
		return []secretAlt{{[]byte(secret), "the secret was used as text; " + string(v.profile) + " hex-decodes it to bytes first"}}
	}
	var alts []secretAlt
	if b, err := hex.DecodeString(secret); err == nil && len(b) > 0 {
		alts = append(alts, secretAlt{b, "the secret was hex-decoded; " + string(v.profile) + " uses it exactly as displayed, as UTF-8 text"})
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.Strict().DecodeString(secret); err == nil && len(b) > 0 && len(secret) >= 8 {
			alts = append(alts, secretAlt{b, "the secret was base64-decoded; " + string(v.profile) + " uses it exactly as displayed, as UTF-8 text"})
			break
		}
	}
	return alts
}

// presented is one reading of a digest: its bytes and whether that reading
// is the profile's own encoding.
type presented struct {
	mac  []byte
	ok   bool
	note string
}

// digestReadings reads d as every encoding; found gets, for a person, what
// each encoding that decodes it yields when that is not 32 bytes.
func (v *Verifier) digestReadings(d string, found *[]string) []presented {
	var out []presented
	var strict [sha256.Size]byte
	if decodeDigestAs(v.desc, d, &strict) == nil {
		out = append(out, presented{strict[:], true, ""})
	}
	want := v.desc.Encoding.String()
	t := strings.TrimSpace(d)
	try := func(b []byte, err error, note string) {
		if err == nil && len(b) != sha256.Size {
			*found = append(*found, fmt.Sprintf("as %s it is %d bytes", strings.TrimPrefix(note, "the digest is "), len(b)))
		}
		if err != nil || len(b) != sha256.Size {
			return
		}
		for _, p := range out {
			if hmac.Equal(p.mac, b) {
				return
			}
		}
		out = append(out, presented{b, false, note + ", where " + string(v.profile) + " expects " + want})
	}
	b, err := hex.DecodeString(t)
	try(b, err, "the digest is hex")
	for _, e := range digestEncodings {
		b, err := e.enc.DecodeString(t)
		try(b, err, "the digest is "+e.name)
	}
	if t != d {
		for i := range out {
			if !out[i].ok && out[i].note != "" {
				out[i].note += " (and has surrounding whitespace)"
			}
		}
	}
	return out
}

// message is one candidate signed message.
type message struct {
	text string
	ok   bool
	note string
}

func (v *Verifier) digestMessages(r *Request) []message {
	var out []message
	add := func(text string, note string) {
		if text == "" {
			return
		}
		for _, m := range out {
			if m.text == text {
				return
			}
		}
		out = append(out, message{text, note == "", note})
	}
	if msg, _, err := DigestMessage(v.profile, r.UserID, r.Email, v.fullPrivacy); err == nil {
		add(msg, "")
	}
	uid, email := r.UserID, r.Email
	add(email, "the digest covers the email alone")
	add(uid, "the digest covers the user id alone")
	if uid != "" && email != "" {
		add(uid+email, "the digest covers the user id followed by the email")
		add(email+uid, "the digest covers the email followed by the user id")
		for _, sep := range []string{":", "|", ",", " ", "\n"} {
			add(uid+sep+email, fmt.Sprintf("the digest covers the user id and the email joined by %q", sep))
		}
	}
	for _, base := range []struct{ uid, email string }{{uid, email}, {uid, ""}, {"", email}} {
		if msg, _, err := DigestMessage(v.profile, strings.TrimSpace(base.uid), strings.TrimSpace(base.email), v.fullPrivacy); err == nil {
			add(msg, "the digest covers the trimmed identifiers; Signet signs them exactly as sent")
		}
		if msg, _, err := DigestMessage(v.profile, strings.ToLower(base.uid), strings.ToLower(base.email), v.fullPrivacy); err == nil {
			add(msg, "the digest covers the lower-cased identifiers; Signet signs them exactly as sent")
		}
	}
	return out
}

// digestEncodings are the base64 forms the doctor reads a digest in,
// besides hex.
var digestEncodings = [...]struct {
	enc  *base64.Encoding
	name string
}{
	{base64.StdEncoding, "base64"},
	{base64.RawStdEncoding, "unpadded base64"},
	{base64.URLEncoding, "base64url"},
	{base64.RawURLEncoding, "unpadded base64url"},
}

func (v *Verifier) expectedMessage() string {
	if v.fullPrivacy && v.desc.FullPrivacyHint != "" {
		return v.desc.FullPrivacyHint
	}
	return v.desc.MessageHint
}

// undecodable says what a digest that no encoding reads as 32 bytes is:
// the encodings tried, and what each found instead. It never repeats the
// digest.
func (v *Verifier) undecodable(d string, found []string) string {
	t := strings.TrimSpace(d)
	if len(found) == 0 {
		found = append(found, "it reads in none of them: "+strangeCharacter(t))
	}
	return fmt.Sprintf("the digest is %d characters; tried hex, base64, unpadded base64, base64url and unpadded base64url: %s; "+
		"an HMAC-SHA256 digest is 32 bytes, which %s writes as %s (%d characters)",
		utf8.RuneCountInString(d), strings.Join(found, ", "), v.profile, v.desc.Encoding, len(EncodeDigest(v.profile, make([]byte, sha256.Size))))
}

// strangeCharacter names the first character of s that neither hex nor any
// base64 alphabet holds, by its class (never the digest's own text).
func strangeCharacter(s string) string {
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9', r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r == '+', r == '/', r == '-', r == '_', r == '=':
			continue
		case r == ' ' || r == '\t':
			return fmt.Sprintf("it holds whitespace at character %d", i+1)
		case r == '\r' || r == '\n':
			return fmt.Sprintf("it holds a line break at character %d", i+1)
		case r >= utf8.RuneSelf:
			return fmt.Sprintf("it holds a non-ASCII character (%U) at byte %d", r, i+1)
		default:
			return fmt.Sprintf("it holds %q at byte %d, which no encoding uses", r, i+1)
		}
	}
	return "its characters are in the alphabets, its length or padding is not"
}

// noActiveKey is the doctor's answer when nothing matched and the app has
// no key that verifies: no secret of the brand's can be right.
const noActiveKey = "this app has no active key: create or import one (a revoked key never verifies)"

func (v *Verifier) hasActiveKey() bool {
	for _, k := range v.keys {
		if !k.Revoked {
			return true
		}
	}
	return false
}

func (v *Verifier) diagnoseDigest(r *Request, keys []keyVariant) (Diagnosis, bool) {
	var found []string
	readings := v.digestReadings(r.Digest, &found)
	if len(readings) == 0 {
		return Diagnosis{CauseUnknown, v.undecodable(r.Digest, found)}, true
	}
	messages := v.digestMessages(r)
	var best *Diagnosis
	bestMistakes := 4
	var sum [sha256.Size]byte
	for _, k := range keys {
		for _, m := range messages {
			h := hmac.New(sha256.New, k.mac)
			h.Write([]byte(m.text))
			mac := h.Sum(sum[:0])
			for _, p := range readings {
				if !hmac.Equal(mac, p.mac) {
					continue
				}
				mistakes := btoi(k.cause != "") + btoi(!m.ok) + btoi(!p.ok)
				if mistakes == 0 || mistakes >= bestMistakes {
					continue
				}
				bestMistakes = mistakes
				d := describe(k, m, p, v.expectedMessage())
				best = &d
			}
		}
	}
	if best == nil && !v.hasActiveKey() {
		return Diagnosis{CauseUnknown, noActiveKey}, true
	}
	if best == nil {
		return Diagnosis{CauseUnknown, "no variant of the message, encoding or secret matches: most likely the digest was made with a different secret"}, true
	}
	return *best, true
}

// describe names the first mistake as the cause and lists all of them.
func describe(k keyVariant, m message, p presented, expected string) Diagnosis {
	var cause Cause
	var notes []string
	if k.cause != "" {
		cause = k.cause
		switch k.cause {
		case CauseOtherKey:
			notes = append(notes, "it was made with "+k.note+", not with this app's key")
		case CauseNotTheSecret:
			notes = append(notes, "it was keyed with "+k.note+" instead of the secret")
		default:
			notes = append(notes, k.note)
		}
	}
	if !m.ok {
		if cause == "" {
			cause = CauseWrongMessage
		}
		notes = append(notes, m.note+"; "+expected)
	}
	if !p.ok {
		if cause == "" {
			cause = CauseWrongEncoding
		}
		notes = append(notes, p.note)
	}
	return Diagnosis{Cause: cause, Message: strings.Join(notes, "; and ")}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (v *Verifier) diagnoseToken(r *Request, reason Reason, keys []keyVariant) (Diagnosis, bool) {
	switch reason {
	case ReasonMalformed:
		return v.diagnoseTokenEncoding(r.Token)
	case ReasonSignatureMismatch, ReasonKeyUnknown, ReasonKeyRevoked:
		jws, e := parseCompactJWS(r.Token, "HS256")
		if e != nil {
			return Diagnosis{}, false
		}
		for _, k := range keys {
			if k.cause != "" && macEqual(k.mac, jws.signingInput, jws.signature) {
				return describe(k, message{ok: true}, presented{ok: true}, ""), true
			}
		}
		if reason != ReasonSignatureMismatch {
			return Diagnosis{}, false
		}
		if !v.hasActiveKey() {
			return Diagnosis{CauseUnknown, noActiveKey}, true
		}
		return Diagnosis{CauseUnknown, "no variant of the secret matches: most likely the token was signed with a different secret"}, true
	case ReasonIssuedInFuture, ReasonNotYetValid, ReasonExpired, ReasonIssuedTooLongAgo,
		ReasonLifetimeTooLong, ReasonClaimInvalid:
		return v.diagnoseTimes(r.Token, reason)
	}
	return Diagnosis{}, false
}

// diagnoseTokenEncoding finds whether a malformed token verifies once
// written as compact base64url: no padding, no whitespace, the URL alphabet.
func (v *Verifier) diagnoseTokenEncoding(token string) (Diagnosis, bool) {
	clean := strings.Map(func(c rune) rune {
		switch c {
		case ' ', '\t', '\r', '\n', '=':
			return -1
		case '+':
			return '-'
		case '/':
			return '_'
		}
		return c
	}, token)
	if clean == token {
		return Diagnosis{}, false
	}
	if _, err := v.Verify(Request{Token: clean}); err == nil || ReasonOf(err) != ReasonMalformed && ReasonOf(err) != ReasonSignatureMismatch {
		return Diagnosis{CauseWrongEncoding, "the token verifies once written as compact JWS: base64url ('-' and '_'), no '=' padding, no whitespace or line breaks"}, true
	}
	return Diagnosis{}, false
}

// diagnoseTimes looks at the time claims of a token whose signature matched.
func (v *Verifier) diagnoseTimes(token string, reason Reason) (Diagnosis, bool) {
	jws, e := parseCompactJWS(token, "HS256")
	if e != nil {
		return Diagnosis{}, false
	}
	members, err := parseJSONObject(jws.payload)
	if err != nil {
		return Diagnosis{}, false
	}
	now := v.now().Unix()
	const tenYears = 10 * 365 * 86400
	for _, m := range members {
		if m.name != "iat" && m.name != "exp" && m.name != "nbf" {
			continue
		}
		t, e := timeClaim(m)
		if e != nil {
			continue
		}
		if t > 100_000_000_000 && abs(t/1000-now) < tenYears {
			return Diagnosis{CauseMilliseconds, "the " + m.name + " claim is in milliseconds; JWT times are UNIX seconds (divide by 1000)"}, true
		}
	}
	if reason != ReasonIssuedInFuture && reason != ReasonNotYetValid {
		return Diagnosis{}, false
	}
	for _, m := range members {
		if m.name != "iat" && m.name != "nbf" {
			continue
		}
		if t, e := timeClaim(m); e == nil && t > now && t-now <= 3600 {
			return Diagnosis{CauseClockSkew, fmt.Sprintf("the %s claim is %d s in the future: the clock of the server that signs the token is ahead", m.name, t-now)}, true
		}
	}
	return Diagnosis{}, false
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}
