package verify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// DigestMessage returns the bytes that an HMAC digest profile signs for these
// identifiers, and the identities that the digest therefore covers.
// An empty identifier is absent.
func DigestMessage(p Profile, uid, email string, fullPrivacy bool) (string, []Identity, error) {
	d := descriptions[p]
	if d == nil || d.Proof != ProofDigest {
		return "", nil, fail(ReasonMalformed, string(p)+" is not an HMAC digest profile")
	}
	msg, ids, e := d.Message(uid, email, fullPrivacy)
	if e != nil {
		return "", nil, e
	}
	return msg, ids, nil
}

// SignsUserIDElseEmail is the Message of a profile that signs the user id
// when one is sent, else the email (intercom). With both sent, only the user
// id is signed: a digest over the email is a signature_mismatch.
func SignsUserIDElseEmail(uid, email string, _ bool) (string, []Identity, *Error) {
	if uid != "" {
		return uid, []Identity{{Type: UID, Value: uid}}, nil
	}
	if email != "" {
		return email, []Identity{{Type: Email, Value: email}}, nil
	}
	return "", nil, fail(ReasonIdentityRequired, "neither a user_id nor an email was sent")
}

// SignsUserID returns the Message of profile p, which signs the user id
// (akece's identifier) alone.
func SignsUserID(p Profile) func(uid, email string, fullPrivacy bool) (string, []Identity, *Error) {
	missing := "no identifier was sent (" + string(p) + " signs the user_id)"
	return func(uid, _ string, _ bool) (string, []Identity, *Error) {
		if uid == "" {
			return "", nil, fail(ReasonIdentityRequired, missing)
		}
		return uid, []Identity{{Type: UID, Value: uid}}, nil
	}
}

// SignsEmail returns the Message of profile p, which signs the email alone.
func SignsEmail(p Profile) func(uid, email string, fullPrivacy bool) (string, []Identity, *Error) {
	missing := "no email was sent (" + string(p) + " signs the email)"
	return func(_, email string, _ bool) (string, []Identity, *Error) {
		if email == "" {
			return "", nil, fail(ReasonIdentityRequired, missing)
		}
		return email, []Identity{{Type: Email, Value: email}}, nil
	}
}

// EncodeDigest encodes a 32-byte MAC as profile p's digests are written:
// padded standard base64 or lower-case hex, as its description says.
func EncodeDigest(p Profile, mac []byte) string {
	if d := descriptions[p]; d != nil && d.Encoding == DigestBase64 {
		return base64.StdEncoding.EncodeToString(mac)
	}
	return hex.EncodeToString(mac)
}

// legacyDigestLen is the length of 32 bytes in padded standard base64.
const legacyDigestLen = 44

// decodeDigest decodes a presented digest strictly into exactly 32 bytes.
func decodeDigest(p Profile, d string, out *[sha256.Size]byte) *Error {
	return decodeDigestAs(descriptions[p], d, out)
}

// decodeDigestAs decodes a presented digest as desc writes it.
func decodeDigestAs(desc *Description, d string, out *[sha256.Size]byte) *Error {
	if d == "" {
		return fail(ReasonMalformed, "no digest (user_hash) was sent")
	}
	if desc.Encoding == DigestBase64 {
		var buf [legacyDigestLen]byte
		if len(d) != len(buf) {
			return fail(ReasonMalformed, "a "+string(desc.Name)+" digest is 44 characters of padded standard base64")
		}
		for i := 0; i < len(d); i++ {
			if d[i] == '\r' || d[i] == '\n' { // skipped by Go's decoder even in strict mode
				return fail(ReasonMalformed, "the digest contains a line break")
			}
		}
		n, err := base64.StdEncoding.Strict().Decode(buf[:], []byte(d))
		if err != nil || n != sha256.Size {
			return fail(ReasonMalformed, "the digest is not 32 bytes of padded standard base64")
		}
		copy(out[:], buf[:n])
		return nil
	}
	if len(d) != 2*sha256.Size {
		return fail(ReasonMalformed, "a "+string(desc.Name)+" digest is 64 hex characters")
	}
	if _, err := hex.Decode(out[:], []byte(d)); err != nil {
		return fail(ReasonMalformed, "the digest is not hex")
	}
	return nil
}

// macEqual computes HMAC-SHA256(key, msg) and compares it with want in
// constant time.
func macEqual(key []byte, msg string, want []byte) bool {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(msg))
	var sum [sha256.Size]byte
	return hmac.Equal(h.Sum(sum[:0]), want)
}

func (v *Verifier) verifyDigest(r *Request) (*Verified, error) {
	if len(r.Digest) > v.maxTokenSize {
		return nil, fail(ReasonTooLarge, "the digest is larger than the limit")
	}
	uid, email := r.UserID, r.Email
	if e := checkRequestValue("user_id", uid); e != nil {
		return nil, e
	}
	if e := checkRequestValue("email", email); e != nil {
		return nil, e
	}
	msg, covered, e := v.desc.Message(uid, email, v.fullPrivacy)
	if e != nil {
		return nil, e
	}
	var want [sha256.Size]byte
	if e := decodeDigestAs(v.desc, r.Digest, &want); e != nil {
		return nil, e
	}
	for i := range v.keys {
		k := &v.keys[i]
		if !k.Revoked && v.macEqual(i, want[:], msg) {
			return &Verified{Profile: v.profile, KeyID: k.ID, Identities: covered}, nil
		}
	}
	return nil, fail(ReasonSignatureMismatch, "the digest does not match the identifiers with this app's secret")
}
