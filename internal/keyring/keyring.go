// Package keyring makes, checks and unseals app keys: a generated secret in
// the form its profile needs, an imported vendor secret checked before it is
// stored, and the sealed secrets turned back into verify.Keys at login.
package keyring

import (
	"context"
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/secretbox"
	"github.com/signet-id/signet/verify"
)

// MinSecretLength is the shortest imported secret accepted without force:
// 16 bytes. Generated secrets carry 256 bits.
const MinSecretLength = 16

// Generate returns a new random secret of 256 bits in the form profile p
// uses: hex for pylon-hmac (Pylon hex-decodes it), base64url text otherwise.
func Generate(p verify.Profile) string {
	var b [32]byte
	rand.Read(b[:])
	if p.HexSecret() {
		return hex.EncodeToString(b[:])
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// CheckImport checks a brand's existing secret for profile p. A secret the
// profile cannot use is invalid_request; a weak one (Weak: under 16 bytes,
// or guessable: a common password, a vendor placeholder, a repeated or
// sequential pattern) weak_secret unless force, and then weak is true: the
// key is flagged. Errors never repeat the secret.
func CheckImport(p verify.Profile, secret string, force bool) (weak bool, err error) {
	if _, err := verify.MACKey(p, secret); err != nil {
		return false, model.Errorf(model.CodeInvalid, "secret: %v", err)
	}
	switch {
	case !Weak(secret):
		return false, nil
	case force:
		return true, nil
	case len(secret) < MinSecretLength:
		return true, model.Errorf(model.CodeWeakSecret, "the secret is shorter than %d bytes; import it anyway with \"force\": true, and rotate it soon", MinSecretLength)
	}
	return true, model.Errorf(model.CodeWeakSecret, "the secret is easy to guess (a common word or placeholder, or a repeated or sequential pattern); import it anyway with \"force\": true, and rotate it soon")
}

// Fingerprint is a short, non-reversible label of a secret, so admins can
// tell keys apart without seeing them: HMAC-SHA256 of the secret under a
// key derived from the master key (secretbox.Derive), so a copied
// database without the master key gives a dictionary attack nothing to
// test guesses against. 16 hex digits (the unkeyed fingerprints of
// earlier versions had 12; Refingerprint replaces them).
func Fingerprint(box *secretbox.Box, secret string) string {
	h := hmac.New(sha256.New, box.Derive(fingerprintLabel))
	h.Write([]byte(secret))
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// fingerprintLabel is the domain of the fingerprint key: no other use of
// secretbox.Derive shares it.
const fingerprintLabel = "key fingerprint v1"

// New seals secret into a key for app a, with its material (Material).
func New(box *secretbox.Box, a *model.App, secret string, imported bool, now time.Time) *model.Key {
	id := model.NewID("key")
	k := &model.Key{ID: id, AppID: a.ID, WorkspaceID: a.WorkspaceID, Sealed: box.Seal([]byte(secret), id),
		Imported: imported, Fingerprint: Fingerprint(box, secret), CreatedAt: now, Algorithm: verify.HS256}
	k.Material, _ = Material(box, a.Profile, secret) // a secret New is given passed CheckImport or Generate
	return k
}

// Material is the keyed digest of the key bytes profile p makes of secret
// (verify.MACKey: a pylon-hmac secret is hex-decoded, others are their
// text), under a key derived from the master key: a secret given as text
// to one app and as hex to another is the same material, which the store
// lets serve one profile only in a workspace.
func Material(box *secretbox.Box, p verify.Profile, secret string) ([]byte, error) {
	b, err := verify.MACKey(p, secret)
	if err != nil {
		return nil, err
	}
	return box.Digest("signet key material", b), nil
}

// Resealer rewrites every key in one transaction (store.Store.ResealKeys):
// the sealed secret reseal returns, and the fingerprint it set on k.
type Resealer interface {
	ResealKeys(ctx context.Context, reseal func(k *model.Key) ([]byte, error)) (int, error)
}

// Refingerprint recomputes every stored key's fingerprint under box's
// master key, writing those that differ (all of them after an upgrade from
// unkeyed fingerprints, or after a master-key rotation; none otherwise).
// It returns how many changed.
func Refingerprint(ctx context.Context, st Resealer, box *secretbox.Box) (int, error) {
	return st.ResealKeys(ctx, func(k *model.Key) ([]byte, error) {
		secret, err := Open(box, k)
		if err != nil {
			return nil, fmt.Errorf("key %s does not open with the master key: %w", k.ID, err)
		}
		k.Fingerprint = Fingerprint(box, secret)
		return nil, nil
	})
}

// Open unseals k's secret.
func Open(box *secretbox.Box, k *model.Key) (string, error) {
	b, err := box.Open(k.Sealed, k.ID)
	return string(b), err
}

// VerifierKeys unseals an app's keys for verification at now. Keys that no
// longer verify (revoked, or retired past their grace) are included as
// revoked: they never verify, but they name key_revoked and the doctor's
// other_key.
func VerifierKeys(box *secretbox.Box, p verify.Profile, keys []model.Key, now time.Time) ([]verify.Key, error) {
	out := make([]verify.Key, 0, len(keys))
	for i := range keys {
		k := &keys[i]
		secret, err := Open(box, k)
		if err != nil {
			return nil, err
		}
		var vk verify.Key
		if k.IsPublicKey() {
			vk, err = publicKey(k, secret)
		} else {
			vk, err = verify.NewKey(p, k.ID, secret)
		}
		if err != nil {
			continue // stored before a rule tightened: it cannot verify under p
		}
		vk.Revoked = !k.Verifies(now)
		out = append(out, vk)
	}
	return out, nil
}

// NewPublicKey seals the PEM of pub (verify.ParsePublicKey's) into a key of
// app a that verifies under alg only. Its fingerprint is keyed like a
// secret's, over the PEM; it has no material (a public key serves the
// signet profile alone).
func NewPublicKey(box *secretbox.Box, a *model.App, alg string, pub crypto.PublicKey, now time.Time) (*model.Key, error) {
	text, err := verify.MarshalPublicKey(pub)
	if err != nil {
		return nil, model.Errorf(model.CodeInvalid, "public_key: %v", err)
	}
	id := model.NewID("key")
	return &model.Key{ID: id, AppID: a.ID, WorkspaceID: a.WorkspaceID, Sealed: box.Seal([]byte(text), id),
		Imported: true, Fingerprint: Fingerprint(box, text), CreatedAt: now, Algorithm: alg}, nil
}

// publicKey turns a stored public key (its PEM) into a verify.Key, named
// by the JWKS's kid when it came from there.
func publicKey(k *model.Key, text string) (verify.Key, error) {
	pub, err := verify.ParsePublicKey(k.Algorithm, text)
	if err != nil {
		return verify.Key{}, err
	}
	vk, err := verify.NewPublicKey(k.ID, k.Algorithm, pub)
	if err != nil {
		return verify.Key{}, err
	}
	if k.Published() {
		vk = vk.Published(k.Kid)
	}
	return vk, nil
}
