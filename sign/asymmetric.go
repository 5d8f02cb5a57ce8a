package sign

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"fmt"

	"github.com/signet-id/signet/verify"
)

// algorithmOf is the JWS algorithm a private key signs under.
func algorithmOf(k crypto.Signer) (string, error) {
	switch k := k.(type) {
	case *ecdsa.PrivateKey:
		if k.Curve != elliptic.P256() {
			return "", errors.New("an ES256 key is on P-256")
		}
		return verify.ES256, nil
	case ed25519.PrivateKey:
		return verify.EdDSA, nil
	case *rsa.PrivateKey:
		if k.N.BitLen() < verify.MinRSABits {
			return "", fmt.Errorf("an RS256 key has %d bits or more", verify.MinRSABits)
		}
		return verify.RS256, nil
	}
	return "", fmt.Errorf("a %T cannot sign a signet token: use an ECDSA P-256, Ed25519 or RSA key", k)
}

// signWith signs input under alg: ES256 as the 64 bytes r‖s that JWS
// uses (not ASN.1), EdDSA over the input itself, RS256 as PKCS #1 v1.5.
func signWith(k crypto.Signer, alg, input string) ([]byte, error) {
	switch alg {
	case verify.ES256:
		h := sha256.Sum256([]byte(input))
		r, s, err := ecdsa.Sign(rand.Reader, k.(*ecdsa.PrivateKey), h[:])
		if err != nil {
			return nil, err
		}
		sig := make([]byte, 64)
		r.FillBytes(sig[:32])
		s.FillBytes(sig[32:])
		return sig, nil
	case verify.EdDSA:
		return ed25519.Sign(k.(ed25519.PrivateKey), []byte(input)), nil
	case verify.RS256:
		h := sha256.Sum256([]byte(input))
		return rsa.SignPKCS1v15(rand.Reader, k.(*rsa.PrivateKey), crypto.SHA256, h[:])
	}
	return nil, errors.New("no algorithm " + alg)
}
