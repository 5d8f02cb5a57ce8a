package verify

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// Key algorithms. A key verifies under its own algorithm only: an HMAC
// secret never verifies an ES256, EdDSA or RS256 token, and a public key
// never verifies an HS256 one (the algorithm-confusion attack, where a
// public key is used as an HMAC secret).
const (
	HS256 = "HS256" // HMAC-SHA256 under a shared secret: every profile
	ES256 = "ES256" // ECDSA over P-256 with SHA-256: signet only
	EdDSA = "EdDSA" // Ed25519: signet only
	RS256 = "RS256" // RSASSA-PKCS1-v1_5 with SHA-256, 2048 bits or more: signet only
)

// PublicKeyAlgorithms are the algorithms of public keys, in the order
// messages list them.
var PublicKeyAlgorithms = []string{ES256, EdDSA, RS256}

// Bounds of an RSA key: under 2048 bits is weak; past 8192 bits one
// verification costs more than a login should.
const (
	MinRSABits = 2048
	MaxRSABits = 8192
)

// maxSignatureLength bounds a decoded signature (an 8192-bit RSA one).
const maxSignatureLength = MaxRSABits / 8

// IsPublicKeyAlgorithm reports whether alg is ES256, EdDSA or RS256.
func IsPublicKeyAlgorithm(alg string) bool {
	return alg == ES256 || alg == EdDSA || alg == RS256
}

// NewPublicKey makes the key id from pub, which verifies tokens under alg
// only: an *ecdsa.PublicKey on P-256 for ES256, an ed25519.PublicKey for
// EdDSA, an *rsa.PublicKey of 2048 to 8192 bits for RS256. A token names it
// with kid = id (see Published for a JWKS key's own kid).
func NewPublicKey(id, alg string, pub crypto.PublicKey) (Key, error) {
	if err := checkPublicKey(alg, pub); err != nil {
		return Key{}, err
	}
	return Key{ID: id, kid: id, alg: alg, pub: pub}, nil
}

// Published returns k as a key of the app's JWKS, which tokens name by the
// JWKS's kid (the doctor then says "the JWKS does not list it" of a kid it
// does not know).
func (k Key) Published(kid string) Key {
	k.kid, k.published = kid, true
	return k
}

// Algorithm is the algorithm the key verifies under: HS256 for a secret.
func (k Key) Algorithm() string {
	if k.alg == "" {
		return HS256
	}
	return k.alg
}

// Kid is what a token's kid header names the key by: its id, or the JWKS's
// kid for a published key.
func (k Key) Kid() string {
	if k.kid == "" {
		return k.ID
	}
	return k.kid
}

func checkPublicKey(alg string, pub crypto.PublicKey) error {
	switch alg {
	case ES256:
		k, ok := pub.(*ecdsa.PublicKey)
		if !ok {
			return fmt.Errorf("an ES256 key is an elliptic-curve key on P-256, and this one is %s", keyKind(pub))
		}
		if k.Curve != elliptic.P256() {
			return fmt.Errorf("an ES256 key is on the curve P-256, and this one is on %s", k.Curve.Params().Name)
		}
	case EdDSA:
		k, ok := pub.(ed25519.PublicKey)
		if !ok {
			return fmt.Errorf("an EdDSA key is an Ed25519 key, and this one is %s", keyKind(pub))
		}
		if len(k) != ed25519.PublicKeySize {
			return errors.New("an Ed25519 public key is 32 bytes")
		}
	case RS256:
		k, ok := pub.(*rsa.PublicKey)
		if !ok {
			return fmt.Errorf("an RS256 key is an RSA key, and this one is %s", keyKind(pub))
		}
		if n := k.N.BitLen(); n < MinRSABits || n > MaxRSABits {
			return fmt.Errorf("an RS256 key has %d to %d bits, and this one has %d", MinRSABits, MaxRSABits, n)
		}
		if k.E < 3 || k.E%2 == 0 {
			return errors.New("the RSA key's public exponent is not an odd number of 3 or more")
		}
	case HS256:
		return errors.New("HS256 takes a shared secret, not a public key")
	default:
		return fmt.Errorf("algorithm %s is not one of ES256, EdDSA or RS256", quoteShort(alg))
	}
	return nil
}

func keyKind(pub crypto.PublicKey) string {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		return "an elliptic-curve key on " + k.Curve.Params().Name
	case ed25519.PublicKey:
		return "an Ed25519 key"
	case *rsa.PublicKey:
		return "an RSA key"
	}
	return fmt.Sprintf("a %T", pub)
}

// ParsePublicKey reads a public key for alg from text: a PEM block
// "PUBLIC KEY" (SubjectPublicKeyInfo) or a JWK (a JSON object). A private
// key, a certificate or anything else is refused with the reason.
func ParsePublicKey(alg, text string) (crypto.PublicKey, error) {
	text = strings.TrimSpace(text)
	if len(text) > 16<<10 {
		return nil, errors.New("the public key is longer than 16 KiB")
	}
	var pub crypto.PublicKey
	if strings.HasPrefix(text, "{") {
		jwk, err := ParseJWK([]byte(text))
		if err != nil {
			return nil, err
		}
		if jwk.Alg != alg {
			return nil, fmt.Errorf("the JWK is an %s key, not %s", jwk.Alg, alg)
		}
		pub = jwk.Public
	} else {
		block, rest := pem.Decode([]byte(text))
		switch {
		case block == nil:
			return nil, errors.New("the public key is neither PEM (-----BEGIN PUBLIC KEY-----) nor a JWK (a JSON object)")
		case strings.Contains(block.Type, "PRIVATE"):
			return nil, errors.New("this is a private key: upload the public key only (-----BEGIN PUBLIC KEY-----), and keep the private key on your server")
		case block.Type == "CERTIFICATE":
			return nil, errors.New("this is a certificate: upload its public key (-----BEGIN PUBLIC KEY-----)")
		case block.Type != "PUBLIC KEY":
			return nil, fmt.Errorf("a PEM block %s is not a SubjectPublicKeyInfo (-----BEGIN PUBLIC KEY-----)", quoteShort(block.Type))
		case len(strings.TrimSpace(string(rest))) > 0:
			return nil, errors.New("the text holds more than one PEM block: upload one public key")
		}
		var err error
		if pub, err = x509.ParsePKIXPublicKey(block.Bytes); err != nil {
			return nil, errors.New("the PEM block is not a valid SubjectPublicKeyInfo")
		}
	}
	if err := checkPublicKey(alg, pub); err != nil {
		return nil, err
	}
	return pub, nil
}

// MarshalPublicKey writes pub as PEM (SubjectPublicKeyInfo).
func MarshalPublicKey(pub crypto.PublicKey) (string, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})), nil
}

// JWK is one public key of a JWK Set, checked: its kid, its algorithm
// (given, or that of its key type and curve) and the key.
type JWK struct {
	Kid    string
	Alg    string
	Public crypto.PublicKey
}

// jwkJSON holds the members of a JWK that matter here.
type jwkJSON struct {
	Kty    string   `json:"kty"`
	Kid    *string  `json:"kid"`
	Alg    string   `json:"alg"`
	Use    string   `json:"use"`
	KeyOps []string `json:"key_ops"`
	Crv    string   `json:"crv"`
	X      string   `json:"x"`
	Y      string   `json:"y"`
	N      string   `json:"n"`
	E      string   `json:"e"`
	// Members of a private or symmetric key: their presence is refused.
	D string `json:"d"`
	P string `json:"p"`
	K string `json:"k"`
}

// ParseJWK reads one public JWK (RFC 7517): kty EC (crv P-256), OKP (crv
// Ed25519) or RSA. A symmetric (oct) key, a private key, a use other than
// sig or an alg that is not the key's own is refused.
func ParseJWK(raw []byte) (JWK, error) {
	var j jwkJSON
	if err := json.Unmarshal(raw, &j); err != nil {
		return JWK{}, errors.New("the JWK is not a JSON object")
	}
	return j.parse()
}

func (j *jwkJSON) parse() (JWK, error) {
	var out JWK
	if j.Kid != nil {
		out.Kid = *j.Kid
	}
	switch {
	case j.Kty == "oct":
		return out, errors.New("a symmetric (oct) key is never taken from a JWK: Signet keeps shared secrets itself")
	case j.D != "" || j.P != "" || j.K != "":
		return out, errors.New("the JWK holds private key material: publish the public key only")
	case j.Use != "" && j.Use != "sig":
		return out, fmt.Errorf("the JWK's use is %s, not sig", quoteShort(j.Use))
	}
	if j.KeyOps != nil && !contains(j.KeyOps, "verify") {
		return out, errors.New("the JWK's key_ops do not include verify")
	}
	var alg string
	var err error
	switch j.Kty {
	case "EC":
		alg = ES256
		if j.Crv != "P-256" {
			return out, fmt.Errorf("an EC key's crv must be P-256 (ES256), not %s", quoteShort(j.Crv))
		}
		var x, y []byte
		if x, err = jwkBytes(j.X, "x", 32); err == nil {
			y, err = jwkBytes(j.Y, "y", 32)
		}
		if err != nil {
			return out, err
		}
		point := append(append([]byte{4}, x...), y...)
		if out.Public, err = ecdsa.ParseUncompressedPublicKey(elliptic.P256(), point); err != nil {
			return out, errors.New("the EC key's x and y are not a point of P-256")
		}
	case "OKP":
		alg = EdDSA
		if j.Crv != "Ed25519" {
			return out, fmt.Errorf("an OKP key's crv must be Ed25519 (EdDSA), not %s", quoteShort(j.Crv))
		}
		x, err := jwkBytes(j.X, "x", ed25519.PublicKeySize)
		if err != nil {
			return out, err
		}
		out.Public = ed25519.PublicKey(x)
	case "RSA":
		alg = RS256
		n, err := jwkBytes(j.N, "n", 0)
		if err != nil {
			return out, err
		}
		e, err := jwkBytes(j.E, "e", 0)
		if err != nil {
			return out, err
		}
		if len(e) > 4 || len(n) == 0 || n[0] == 0 {
			return out, errors.New("the RSA key's n or e is not a minimal positive integer")
		}
		var ev int
		for _, b := range e {
			ev = ev<<8 | int(b)
		}
		out.Public = &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: ev}
	case "":
		return out, errors.New("the JWK has no kty")
	default:
		return out, fmt.Errorf("key type %s is not EC, OKP or RSA", quoteShort(j.Kty))
	}
	if j.Alg != "" && j.Alg != alg {
		return out, fmt.Errorf("the JWK's alg %s is not its key's algorithm (%s)", quoteShort(j.Alg), alg)
	}
	out.Alg = alg
	if err := checkPublicKey(alg, out.Public); err != nil {
		return out, err
	}
	return out, nil
}

// jwkBytes decodes a base64url member, of exactly size bytes when size > 0.
func jwkBytes(s, name string, size int) ([]byte, error) {
	b, err := strictRawURL.DecodeString(s)
	switch {
	case s == "":
		return nil, fmt.Errorf("the JWK has no %s", name)
	case err != nil:
		return nil, fmt.Errorf("the JWK's %s is not base64url without padding", name)
	case size > 0 && len(b) != size:
		return nil, fmt.Errorf("the JWK's %s is %d bytes, not %d", name, len(b), size)
	}
	return b, nil
}

// ParseJWKS reads a JWK Set (RFC 7517 §5): {"keys": [...]}. Every key
// needs a kid, unique in the set (a duplicate would let the set's order
// decide which key verifies); any key the rules refuse (an oct key, a
// private key, a weak RSA key) refuses the whole set, so that a
// publishing mistake is seen rather than half-applied. At most max keys.
func ParseJWKS(body []byte, max int) ([]JWK, error) {
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(body, &set); err != nil {
		return nil, errors.New("the JWKS is not a JSON object")
	}
	if set.Keys == nil {
		return nil, errors.New(`the JWKS has no "keys" array`)
	}
	if len(set.Keys) > max {
		return nil, fmt.Errorf("the JWKS lists %d keys, more than %d", len(set.Keys), max)
	}
	out := make([]JWK, 0, len(set.Keys))
	seen := map[string]bool{}
	for i, raw := range set.Keys {
		var j jwkJSON
		if err := json.Unmarshal(raw, &j); err != nil {
			return nil, fmt.Errorf("key %d of the JWKS is not a JSON object", i+1)
		}
		k, err := j.parse()
		if err != nil {
			return nil, fmt.Errorf("key %d of the JWKS: %v", i+1, err)
		}
		switch {
		case j.Kid == nil || k.Kid == "":
			return nil, fmt.Errorf("key %d of the JWKS has no kid: tokens select their key by kid", i+1)
		case len(k.Kid) > 200:
			return nil, fmt.Errorf("key %d of the JWKS has a kid longer than 200 bytes", i+1)
		case seen[k.Kid]:
			return nil, fmt.Errorf("the JWKS lists kid %s twice", quoteShort(k.Kid))
		}
		seen[k.Kid] = true
		out = append(out, k)
	}
	return out, nil
}

// verifyAnyAlgorithm is verifyToken for a verifier holding public keys:
// the header's alg is read first (HS256, ES256, EdDSA or RS256, nothing
// else), the kid selects the key, and the key's own algorithm must be the
// header's before the signature is checked.
func (v *Verifier) verifyAnyAlgorithm(r *Request) (*Verified, error) {
	if len(r.Token) > v.maxTokenSize {
		return nil, fail(ReasonTooLarge, "the token is larger than the limit")
	}
	if r.Token == "" {
		return nil, fail(ReasonMalformed, "no identity token was sent")
	}
	jws, alg, e := parseAnyJWS(r.Token)
	if e != nil {
		return nil, e
	}
	i, e := v.selectKey(jws, alg)
	if e != nil {
		return nil, e
	}
	key := &v.keys[i]
	if !v.signatureValid(i, jws) {
		return nil, fail(ReasonSignatureMismatch, "the token's signature does not match the key its kid names")
	}
	var c claims
	if e := v.readClaims(jws.payload, &c); e != nil {
		return nil, e
	}
	if e := v.checkClaims(&c); e != nil {
		return nil, e
	}
	out := v.verified(&c)
	out.Profile, out.KeyID, out.Attributes, out.IssuedAt, out.ExpiresAt = v.profile, key.ID, c.attrs, c.iat, c.exp
	out.TokenID = c.jti
	if e := matchRequest(r, out); e != nil {
		return nil, e
	}
	if v.replay != nil && v.replay.Seen(sha256.Sum256(jws.signature), v.replayExpiry(&c)) {
		return nil, fail(ReasonReplayed, "this token was already used to log in")
	}
	return out, nil
}

// parseAnyJWS splits a token whose alg may be any algorithm of a key:
// structure and header as parseCompactJWS, a signature of any length up to
// maxSignatureLength.
func parseAnyJWS(token string) (*compactJWS, string, *Error) {
	first := strings.IndexByte(token, '.')
	last := strings.LastIndexByte(token, '.')
	if first < 0 || first == last || strings.IndexByte(token[first+1:last], '.') >= 0 {
		if strings.Count(token, ".") == 4 {
			return nil, "", fail(ReasonMalformed, "the token has five segments: it is an encrypted JWE, not a signed JWS")
		}
		return nil, "", fail(ReasonMalformed, "a compact JWS has exactly three segments separated by '.'")
	}
	hSeg, pSeg, sSeg := token[:first], token[first+1:last], token[last+1:]
	if hSeg == "" || pSeg == "" {
		return nil, "", fail(ReasonMalformed, "the token's header or payload is empty")
	}
	header, e := decodeSegmentString(hSeg, "header")
	if e != nil {
		return nil, "", e
	}
	alg := peekAlg(header)
	if alg != HS256 && !IsPublicKeyAlgorithm(alg) {
		return nil, "", fail(ReasonAlgorithmNotAllowed, "the token's alg must be the algorithm of the key its kid names: HS256, ES256, EdDSA or RS256")
	}
	j := &compactJWS{signingInput: token[:last]}
	if e := j.readHeaderString(header, alg); e != nil {
		return nil, "", e
	}
	if j.payload, e = decodeSegmentString(pSeg, "payload"); e != nil {
		return nil, "", e
	}
	if strictRawURL.DecodedLen(len(sSeg)) > maxSignatureLength {
		return nil, "", fail(ReasonMalformed, "the token's signature is longer than any key's")
	}
	sig, e := decodeSegment(sSeg, "signature")
	if e != nil {
		return nil, "", e
	}
	j.signature = sig
	return j, alg, nil
}

// peekAlg returns the header's alg when it is a string, else "".
func peekAlg(header string) string {
	var buf [4]jsonMember
	members, ok := scanFlatObject(header, buf[:0])
	if !ok {
		var err error
		if members, err = parseJSONObject(header); err != nil {
			return ""
		}
	}
	for _, m := range members {
		if m.name == "alg" && m.value.kind == jsonString {
			return m.value.text
		}
	}
	return ""
}

// selectKey finds the key the token's kid names: one that verifies when
// several share the kid (a JWKS key replaced under the same kid), and
// whose algorithm is the token's alg.
func (v *Verifier) selectKey(jws *compactJWS, alg string) (int, *Error) {
	if !jws.hasKid {
		return 0, fail(ReasonKeyUnknown, "a "+string(v.profile)+" token names its key in the kid header, and this one has none")
	}
	found, revoked := -1, false
	for i := range v.keys {
		k := &v.keys[i]
		if k.Kid() != jws.kid {
			continue
		}
		if k.Revoked {
			revoked = true
			continue
		}
		found = i
		break
	}
	switch {
	case found < 0 && revoked:
		return 0, fail(ReasonKeyRevoked, "the token's kid names a revoked key")
	case found < 0:
		return 0, fail(ReasonKeyUnknown, "the token's kid names no key of this app")
	}
	if have := v.keys[found].Algorithm(); have != alg {
		return 0, fail(ReasonAlgorithmNotAllowed, "the token's alg is "+alg+", and the key its kid names verifies "+have+" only")
	}
	return found, nil
}

// signatureValid checks the token's signature with key i, under the key's
// algorithm (which selectKey made sure is the token's).
func (v *Verifier) signatureValid(i int, jws *compactJWS) bool {
	k := &v.keys[i]
	sig := jws.signature
	switch k.Algorithm() {
	case HS256:
		return len(sig) == sha256.Size && v.macEqual(i, sig, jws.signingInput)
	case ES256:
		if len(sig) != 64 {
			return false
		}
		h := sha256.Sum256([]byte(jws.signingInput))
		return ecdsa.Verify(k.pub.(*ecdsa.PublicKey), h[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:]))
	case EdDSA:
		return len(sig) == ed25519.SignatureSize && ed25519.Verify(k.pub.(ed25519.PublicKey), []byte(jws.signingInput), sig)
	case RS256:
		pub := k.pub.(*rsa.PublicKey)
		if len(sig) != pub.Size() {
			return false
		}
		h := sha256.Sum256([]byte(jws.signingInput))
		return rsa.VerifyPKCS1v15(pub, crypto.SHA256, h[:], sig) == nil
	}
	return false
}

// diagnoseAnyAlgorithm is the doctor for a verifier holding public keys:
// a token whose alg is not its key's, a kid the JWKS does not list, a
// signature made with another of the app's private keys. ok is false when
// it has nothing to say (the HS256 doctor may then).
func (v *Verifier) diagnoseAnyAlgorithm(r *Request, reason Reason) (Diagnosis, bool) {
	jws, alg, e := parseAnyJWS(r.Token)
	if e != nil {
		return Diagnosis{}, false
	}
	named := -1
	for i := range v.keys {
		if v.keys[i].Kid() == jws.kid && jws.hasKid {
			if named < 0 || !v.keys[i].Revoked {
				named = i
			}
		}
	}
	switch reason {
	case ReasonAlgorithmNotAllowed:
		if named < 0 {
			return Diagnosis{}, false
		}
		k := &v.keys[named]
		msg := "the token's alg is " + alg + ", which is not the algorithm of the key its kid names: key " + quoteShort(k.ID) + " verifies " + k.Algorithm() + " only"
		switch {
		case alg == HS256:
			msg += "; sign with the private key under " + k.Algorithm() + " (an HS256 token is never checked against a public key: that is the algorithm-confusion attack)"
		case k.Algorithm() == HS256:
			msg += "; a shared secret verifies HS256 tokens only: sign with the secret under HS256, or upload the public key of your key pair and name it in kid"
		default:
			msg += "; sign under " + k.Algorithm() + ", or name in kid the key of your " + alg + " key pair"
		}
		return Diagnosis{CauseAlgorithmMismatch, msg}, true
	case ReasonKeyUnknown, ReasonKeyRevoked:
		if other := v.otherKeyVerifying(jws, alg, named); other >= 0 {
			return Diagnosis{CauseOtherKey, "the token was signed with the private key of key " + quoteShort(v.keys[other].Kid()) + ", but its kid names " + quoteShort(jws.kid)}, true
		}
		if v.jwksURL == "" {
			return Diagnosis{}, false
		}
		if named >= 0 && v.keys[named].published {
			return Diagnosis{CauseKeyNotPublished, "signed with a key the JWKS no longer lists: kid " + quoteShort(jws.kid) + " was removed from " + v.jwksURL + " (or revoked here); sign with a key the JWKS lists"}, true
		}
		if named < 0 {
			return Diagnosis{CauseKeyNotPublished, "signed with a key the JWKS does not list: kid " + quoteShort(jws.kid) + " is not in " + v.jwksURL + "; publish its public key there (Signet fetches the set again on an unknown kid, at most once a minute)"}, true
		}
		return Diagnosis{}, false
	case ReasonSignatureMismatch:
		if named < 0 || v.keys[named].Algorithm() == HS256 {
			return Diagnosis{}, false
		}
		if other := v.otherKeyVerifying(jws, alg, named); other >= 0 {
			return Diagnosis{CauseOtherKey, "the token was signed with the private key of key " + quoteShort(v.keys[other].Kid()) + ", but its kid names " + quoteShort(jws.kid)}, true
		}
		where := "the public key uploaded as " + quoteShort(v.keys[named].ID)
		if v.keys[named].published {
			where = "the public key " + v.jwksURL + " lists as " + quoteShort(jws.kid)
		}
		return Diagnosis{CauseUnknown, "the " + alg + " signature does not verify under " + where + ": most likely the token was signed with another private key, or the header and payload were changed after signing"}, true
	}
	return Diagnosis{}, false
}

// otherKeyVerifying is the index of another key of the app, of alg, not
// revoked, under which the token's signature verifies, or -1.
func (v *Verifier) otherKeyVerifying(jws *compactJWS, alg string, except int) int {
	if alg == HS256 {
		return -1 // the HS256 doctor tries secrets, variants and candidates
	}
	for i := range v.keys {
		if i != except && !v.keys[i].Revoked && v.keys[i].Algorithm() == alg && v.signatureValid(i, jws) {
			return i
		}
	}
	return -1
}
