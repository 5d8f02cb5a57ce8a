package verify

import (
	"crypto"
	"encoding/hex"
	"errors"
	"log/slog"
	"unicode/utf8"
)

// MaxSecretLength bounds a secret's length in bytes.
const MaxSecretLength = 1024

// Key is one secret of an app under one profile. Its secret is unexported and
// never printed: fmt and log/slog show only the key id.
type Key struct {
	// ID names the key: the `kid` of signet tokens, and what the server
	// records on each session the key created.
	ID string
	// Revoked keys never verify; a signet token whose kid names one fails with
	// key_revoked, and the doctor reports a match with one as other_key.
	Revoked bool

	secret string // as shown to the brand, exactly
	mac    []byte // the HMAC key bytes the profile derives from the secret

	// A public key (asymmetric.go): its algorithm (ES256, EdDSA, RS256;
	// "" is HS256), the key, the kid tokens name it by (its ID unless the
	// app's JWKS names it), and whether it came from the JWKS.
	alg       string
	pub       crypto.PublicKey
	kid       string
	published bool
}

// NewKey prepares secret, as the brand has it, for use under profile p.
// For pylon-hmac the secret must be hex: Pylon's own samples hex-decode it.
// The error never contains the secret.
func NewKey(p Profile, id, secret string) (Key, error) {
	mac, err := MACKey(p, secret)
	if err != nil {
		return Key{}, err
	}
	return Key{ID: id, secret: secret, mac: mac}, nil
}

// MACKey returns the HMAC key bytes that profile p derives from secret. The
// error never contains the secret.
func MACKey(p Profile, secret string) ([]byte, error) {
	switch {
	case secret == "":
		return nil, errors.New("the secret is empty")
	case len(secret) > MaxSecretLength:
		return nil, errors.New("the secret is longer than 1024 bytes")
	case !utf8.ValidString(secret):
		return nil, errors.New("the secret is not valid UTF-8 text")
	}
	if p.HexSecret() {
		b, err := hex.DecodeString(secret)
		if err != nil {
			return nil, errors.New("a " + string(p) + " secret is hex text (0-9, a-f), and this one is not")
		}
		return b, nil
	}
	return []byte(secret), nil
}

// String shows the key id only.
func (k Key) String() string { return "key " + k.ID }

// GoString shows the key id only, also under %#v.
func (k Key) GoString() string { return "verify.Key{ID: " + k.ID + ", secret: redacted}" }

// LogValue keeps the secret out of structured logs.
func (k Key) LogValue() slog.Value { return slog.StringValue(k.ID) }
