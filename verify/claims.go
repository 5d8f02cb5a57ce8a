package verify

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on identities, applied to signed claims and request fields alike.
const (
	MaxIdentityLength = 1024 // bytes of one identity value
	maxMetadata       = 32   // entries per identity
	maxMetadataKey    = 128  // bytes
	maxMetadataValue  = 1024 // bytes
	maxTime           = 1 << 53
)

// claims are the parts of a JWT payload the profiles read, after the
// signature has been checked.
type claims struct {
	iat, exp, nbf          int64
	hasIat, hasExp, hasNbf bool
	aud                    []string
	hasAud                 bool
	ids                    [maxIdentityClaims]Identity // of ClaimIdentity claims, in signed order
	nids                   int
	identities             []Identity // of a ClaimIdentities claim
	hasIdentities          bool
	seen                   uint64 // bit i: the profile's Claims[i] is present
	truth                  uint64 // bit i: Claims[i] is a ClaimBool, and true
	attrs                  map[string]string
	jti                    string // "" when absent, or not a usable string
}

// maxTokenID bounds a jti in characters.
const maxTokenID = 200

// maxIdentityClaims bounds a profile's ClaimIdentity claims.
const maxIdentityClaims = 4

// readClaims reads payload into c, which it does not retain, under the
// profile's claim rules.
func (v *Verifier) readClaims(payload string, c *claims) *Error {
	// The tree lives in sc until it is released: c keeps strings of it, never
	// a slice (aud, identities and maps are built anew).
	sc := getJSONScratch()
	defer sc.release()
	members, err := sc.parse(payload, true)
	if err != nil {
		return fail(ReasonClaimInvalid, "the claims are not a valid JSON object: "+err.Error())
	}
	names := v.desc.read
	for k := range members {
		m := &members[k]
		i := -1
		for j, n := range names {
			if m.name == n {
				i = v.desc.readIndex[j]
				break
			}
			// A member whose name differs from a claim's only by letter case
			// is refused: other parsers (encoding/json among them) would read
			// it as that claim.
			if strings.EqualFold(m.name, n) {
				return fail(ReasonClaimInvalid, "claim "+quoteShort(m.name)+" differs from "+strconv.Quote(n)+" only by letter case")
			}
		}
		if i < 0 {
			continue // unknown claims are allowed and ignored
		}
		c.seen |= 1 << i
		if e := c.read(m, &v.desc.Claims[i], i); e != nil {
			return e
		}
	}
	return nil
}

// read reads member m under rule r, the profile's claim number i.
func (c *claims) read(m *jsonMember, r *Claim, i int) *Error {
	var e *Error
	switch r.Kind {
	case ClaimTime:
		switch m.name {
		case "iat":
			c.iat, e = timeClaim(*m)
			c.hasIat = true
		case "exp":
			c.exp, e = timeClaim(*m)
			c.hasExp = true
		case "nbf":
			c.nbf, e = timeClaim(*m)
			c.hasNbf = true
		}
	case ClaimAudience:
		c.aud, e = audienceClaim(m.value)
		c.hasAud = true
	case ClaimIdentities:
		c.identities, e = identitiesClaim(m.value)
		c.hasIdentities = true
	case ClaimIdentity:
		var value string
		if value, e = stringClaim(*m, r); e != nil {
			return e
		}
		if e = checkSignedIdentity(m.name, value, r.MaxLength); e == nil {
			c.ids[c.nids] = Identity{Type: r.Identity, Value: value}
			c.nids++
		}
	case ClaimAttribute:
		if m.value.kind != jsonString {
			return fail(ReasonClaimInvalid, "the "+m.name+" claim must be a string")
		}
		if m.value.text == "" {
			return nil // Pylon's samples always send name, "" when unknown: absent
		}
		if e = checkSignedValue(m.name, m.value.text); e == nil {
			if c.attrs == nil {
				c.attrs = make(map[string]string, 2)
			}
			c.attrs[m.name] = m.value.text
		}
	case ClaimString:
		if m.value.kind != jsonString {
			return fail(ReasonClaimInvalid, "the "+m.name+" claim must be a string")
		}
		if r.Equals != "" && m.value.text != r.Equals {
			return fail(ReasonClaimInvalid, "the "+m.name+" claim must be "+strconv.Quote(r.Equals))
		}
		e = checkSignedText(m.name, m.value.text, r.MaxLength)
	case ClaimTokenID:
		// Read only when the app accepts each token once (checkClaims):
		// a jti that is not a usable string is then as absent.
		if m.value.kind == jsonString && m.value.text != "" && checkSignedText(m.name, m.value.text, maxTokenID) == nil {
			c.jti = m.value.text
		}
	case ClaimBool:
		if m.value.kind != jsonBool {
			return fail(ReasonClaimInvalid, "the "+m.name+" claim must be true or false")
		}
		if m.value.boolean {
			c.truth |= 1 << i
		}
	}
	return e
}

// stringClaim reads an identity claim's value: a string, or, when the rule
// allows it, an integer read as its decimal text.
func stringClaim(m jsonMember, r *Claim) (string, *Error) {
	switch {
	case m.value.kind == jsonString:
		return m.value.text, nil
	case m.value.kind == jsonNumber && r.Numeric:
		if _, ok := smallInteger(m.value.text); ok {
			return m.value.text, nil
		}
		return "", fail(ReasonClaimInvalid, "the "+m.name+" claim must be a string or a whole number")
	case m.value.kind == jsonNumber:
		// The mistake of a backend whose JSON encoder writes the database id
		// as it is (Zendesk's numeric external_id, Intercom's user_id).
		return "", fail(ReasonClaimInvalid, "the "+m.name+" claim must be a string, and this one is a number: write it in quotes (\"123\", not 123)")
	}
	return "", fail(ReasonClaimInvalid, "the "+m.name+" claim must be a string")
}

// timeClaim reads a NumericDate: a JSON number with 0 < t < 2^53; a fraction
// is truncated.
func timeClaim(m jsonMember) (int64, *Error) {
	if m.value.kind != jsonNumber {
		return 0, fail(ReasonClaimInvalid, "the "+m.name+" claim must be a number of seconds, not a "+m.value.kind.String())
	}
	t, ok := smallInteger(m.value.text)
	if !ok {
		t, ok = truncateNumber(m.value.text)
	}
	if !ok || t <= 0 || t >= maxTime {
		return 0, fail(ReasonClaimInvalid, "the "+m.name+" claim is out of range (0 < t < 2^53 seconds)")
	}
	return t, nil
}

// smallInteger is truncateNumber's fast path for the usual literal: at most
// 15 digits (below 2^53), no sign, fraction or exponent.
func smallInteger(lit string) (int64, bool) {
	if len(lit) == 0 || len(lit) > 15 {
		return 0, false
	}
	var t int64
	for i := 0; i < len(lit); i++ {
		c := lit[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		t = t*10 + int64(c-'0')
	}
	return t, true
}

// truncateNumber returns the integer part of a JSON number literal exactly,
// from its digits: never through a float64, which would round
// 1767225540.99999999 up to 1767225541 and move the exact time limits by a
// second. ok is false when the magnitude is 2^53 or more.
func truncateNumber(lit string) (int64, bool) {
	neg := strings.HasPrefix(lit, "-")
	if neg {
		lit = lit[1:]
	}
	mant, exp := lit, 0
	if i := strings.IndexAny(lit, "eE"); i >= 0 {
		mant = lit[:i]
		e, err := strconv.Atoi(lit[i+1:])
		if err != nil || e > 1<<30 || e < -(1<<30) { // beyond any literal's digits
			e = 1 << 30
			if strings.HasPrefix(lit[i+1:], "-") {
				e = -e
			}
		}
		exp = e
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	n := len(intPart) + len(frac)
	digit := func(i int) int64 {
		switch {
		case i < len(intPart):
			return int64(intPart[i] - '0')
		case i < n:
			return int64(frac[i-len(intPart)] - '0')
		}
		return 0
	}
	first := 0 // skip leading zeros, so that the loop below stays short
	for first < n && digit(first) == 0 {
		first++
	}
	if first == n {
		return 0, true
	}
	var t int64
	for i := first; i < len(intPart)+exp; i++ { // the digits before the point
		if t = t*10 + digit(i); t >= maxTime {
			return 0, false
		}
	}
	if neg {
		t = -t
	}
	return t, true
}

func audienceClaim(v jsonValue) ([]string, *Error) {
	switch v.kind {
	case jsonString:
		return []string{v.text}, nil
	case jsonArray:
		aud := make([]string, 0, len(v.array))
		for _, a := range v.array {
			if a.kind != jsonString {
				return nil, fail(ReasonClaimInvalid, "the aud claim must be a string or an array of strings")
			}
			aud = append(aud, a.text)
		}
		return aud, nil
	}
	return nil, fail(ReasonClaimInvalid, "the aud claim must be a string or an array of strings")
}

func identitiesClaim(v jsonValue) ([]Identity, *Error) {
	if v.kind != jsonArray {
		return nil, fail(ReasonClaimInvalid, "the identities claim must be an array")
	}
	if len(v.array) > len(identityTypes) {
		return nil, fail(ReasonClaimInvalid, "the identities claim holds more identities than there are identity types")
	}
	ids := make([]Identity, 0, len(v.array))
	for _, el := range v.array {
		id, e := identityObject(el)
		if e != nil {
			return nil, e
		}
		for _, prev := range ids {
			if prev.Type == id.Type {
				return nil, fail(ReasonClaimInvalid, "identity type "+string(id.Type)+" appears twice")
			}
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func identityObject(v jsonValue) (Identity, *Error) {
	if v.kind != jsonObject {
		return Identity{}, fail(ReasonClaimInvalid, "each identity must be an object {identifier, value, metadata}")
	}
	var id Identity
	var hasType, hasValue bool
	for _, m := range v.object {
		switch m.name {
		case "identifier":
			if m.value.kind != jsonString {
				return Identity{}, fail(ReasonClaimInvalid, "an identity's identifier must be a string")
			}
			id.Type, hasType = IdentityType(m.value.text), true
		case "value":
			if m.value.kind != jsonString {
				return Identity{}, fail(ReasonClaimInvalid, "an identity's value must be a string")
			}
			id.Value, hasValue = m.value.text, true
		case "metadata":
			md, e := metadataObject(m.value)
			if e != nil {
				return Identity{}, e
			}
			id.Metadata = md
		default:
			return Identity{}, fail(ReasonClaimInvalid, "an identity holds identifier, value and metadata, not "+quoteShort(m.name))
		}
	}
	if !hasType || !hasValue {
		return Identity{}, fail(ReasonClaimInvalid, "each identity needs an identifier and a value")
	}
	if !id.Type.Known() {
		return Identity{}, fail(ReasonUnknownIdentityType, "identity type "+quoteShort(string(id.Type))+" is not one of the twelve known types")
	}
	if e := checkSignedIdentity(string(id.Type), id.Value, 0); e != nil {
		return Identity{}, e
	}
	return id, nil
}

func metadataObject(v jsonValue) (map[string]string, *Error) {
	if v.kind != jsonObject {
		return nil, fail(ReasonClaimInvalid, "an identity's metadata must be an object of strings")
	}
	if len(v.object) > maxMetadata {
		return nil, fail(ReasonClaimInvalid, "an identity's metadata holds more than 32 entries")
	}
	md := make(map[string]string, len(v.object))
	for _, m := range v.object {
		if m.value.kind != jsonString {
			return nil, fail(ReasonClaimInvalid, "metadata values must be strings")
		}
		if m.name == "" || len(m.name) > maxMetadataKey || len(m.value.text) > maxMetadataValue {
			return nil, fail(ReasonClaimInvalid, "a metadata name is empty or a metadata entry is too long")
		}
		md[m.name] = m.value.text
	}
	return md, nil
}

// valueProblem says what is wrong with an identity value, or "" if nothing.
// Values are kept as their exact bytes; only what no identity can hold is
// refused: invalid UTF-8, control characters, an oversize value.
func valueProblem(v string) string {
	if len(v) > MaxIdentityLength {
		return "is longer than 1024 bytes"
	}
	ascii := true // the usual value: then only C0 controls and DEL can appear
	for i := 0; i < len(v); i++ {
		if c := v[i]; c >= utf8.RuneSelf {
			ascii = false
			break
		} else if c < 0x20 || c == 0x7f {
			return "contains a control character"
		}
	}
	if ascii {
		return ""
	}
	if !utf8.ValidString(v) {
		return "is not valid UTF-8"
	}
	for _, r := range v {
		if unicode.IsControl(r) {
			return "contains a control character"
		}
	}
	return ""
}

// identityProblem is valueProblem for an identity value, which also holds
// no invisible formatting character (Unicode category Cf: bidirectional
// controls such as U+202E, zero-width characters, U+FEFF…): two values that
// look alike must not name two users, nor one value look like another.
func identityProblem(v string) string {
	if p := valueProblem(v); p != "" {
		return p
	}
	for i := 0; i < len(v); i++ {
		if v[i] >= utf8.RuneSelf { // ASCII holds no format character
			for _, r := range v[i:] {
				if unicode.Is(unicode.Cf, r) {
					return "contains an invisible formatting character (" + fmt.Sprintf("%U", r) + ")"
				}
			}
			break
		}
	}
	return ""
}

func checkSignedValue(name, v string) *Error {
	if v == "" {
		return fail(ReasonClaimInvalid, "the signed "+name+" is empty")
	}
	if p := valueProblem(v); p != "" {
		return fail(ReasonClaimInvalid, "the signed "+name+" "+p)
	}
	return nil
}

// checkSignedIdentity checks a signed identity value; maxLength, when not
// 0, bounds it in characters.
func checkSignedIdentity(name, v string, maxLength int) *Error {
	if v == "" {
		return fail(ReasonClaimInvalid, "the signed "+name+" is empty")
	}
	if p := identityProblem(v); p != "" {
		return fail(ReasonClaimInvalid, "the signed "+name+" "+p)
	}
	if maxLength > 0 && utf8.RuneCountInString(v) > maxLength {
		return fail(ReasonClaimInvalid, "the signed "+name+" is longer than "+strconv.Itoa(maxLength)+" characters")
	}
	return nil
}

// checkSignedText checks a signed string claim that is not an identity.
func checkSignedText(name, v string, maxLength int) *Error {
	if p := valueProblem(v); p != "" {
		return fail(ReasonClaimInvalid, "the signed "+name+" "+p)
	}
	if maxLength > 0 && utf8.RuneCountInString(v) > maxLength {
		return fail(ReasonClaimInvalid, "the signed "+name+" is longer than "+strconv.Itoa(maxLength)+" characters")
	}
	return nil
}

func checkRequestValue(name, v string) *Error {
	if p := identityProblem(v); p != "" {
		return fail(ReasonMalformed, "the "+name+" sent "+p)
	}
	return nil
}
