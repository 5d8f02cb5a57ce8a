package verify

import "strings"

// PeekKeyID returns the kid header of a token without verifying anything, so
// a tool can pick which key to verify it with. The result is untrusted input.
func PeekKeyID(token string) (string, bool) {
	if len(token) > DefaultMaxTokenSize {
		return "", false
	}
	dot := strings.IndexByte(token, '.')
	if dot < 0 {
		return "", false
	}
	header, e := decodeSegment(token[:dot], "header")
	if e != nil {
		return "", false
	}
	var j compactJWS
	alg := peekAlg(string(header)) // whatever it is: only the kid is wanted
	if j.readHeader(header, alg) != nil && !j.hasKid {
		return "", false
	}
	return j.kid, j.hasKid
}

// ValidIdentityValue reports whether v may be an identity value: valid
// UTF-8, no control character, at most MaxIdentityLength bytes. Empty is
// valid (absent).
func ValidIdentityValue(v string) bool { return valueProblem(v) == "" }

// ValidIdentity reports whether v may be a user id or email that a proof
// signs: ValidIdentityValue, and no invisible formatting character (Unicode
// category Cf: bidi controls, zero-width characters, U+FEFF). A login that
// checks its fields with it refuses them before verification, as it does
// control characters; verification refuses them in any case. Empty is valid.
func ValidIdentity(v string) bool { return identityProblem(v) == "" }

// PeekIdentities returns the uid and email a token claims, without
// verifying it: untrusted, for keying a brute-force counter before the
// signature is checked. Nil when the token cannot be read or the profile
// signs no token.
func PeekIdentities(p Profile, token string) []Identity {
	d := descriptions[p]
	if d == nil || d.Proof != ProofJWT || len(token) > DefaultMaxTokenSize {
		return nil
	}
	first, last := strings.IndexByte(token, '.'), strings.LastIndexByte(token, '.')
	if first < 0 || first == last {
		return nil
	}
	payload, e := decodeSegment(token[first+1:last], "payload")
	if e != nil {
		return nil
	}
	members, err := parseJSONObject(string(payload))
	if err != nil {
		return nil
	}
	var out []Identity
	for _, m := range members {
		r, ok := d.Claim(m.name)
		switch {
		case !ok:
		case r.Kind == ClaimIdentity && (r.Identity == UID || r.Identity == Email):
			if value, e := stringClaim(m, &r); e == nil {
				out = append(out, Identity{Type: r.Identity, Value: value})
			}
		case r.Kind == ClaimIdentities && m.value.kind == jsonArray:
			for _, el := range m.value.array {
				id, e := identityObject(el)
				if e == nil && (id.Type == UID || id.Type == Email) {
					out = append(out, Identity{Type: id.Type, Value: id.Value})
				}
			}
		}
	}
	return out
}
