// Package secretbox encrypts app secrets at rest with AES-256-GCM under a
// master key, which comes from SIGNET_MASTER_KEY, SIGNET_MASTER_KEY_FILE or,
// failing both, a key file created on first run beside the database.
package secretbox

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// KeySize is the master key's size: AES-256.
const KeySize = 32

// version 1: version byte | 12-byte nonce | AES-256-GCM ciphertext and tag.
const version1 = 1

// Box seals and opens secrets. Safe for concurrent use.
type Box struct {
	aead     cipher.AEAD   // the primary master key: seals and opens
	previous []cipher.AEAD // earlier master keys: open only, during a rotation
	// digestKey keys Digest: derived from the primary master key, never
	// the master key itself.
	digestKey []byte
	master    []byte // the primary master key, for Derive
}

// New returns a Box for a 32-byte master key, and the previous master keys
// still accepted for opening while a rotation is under way.
func New(masterKey []byte, previous ...[]byte) (*Box, error) {
	aead, err := newAEAD(masterKey)
	if err != nil {
		return nil, err
	}
	derive := hmac.New(sha256.New, masterKey)
	derive.Write([]byte("signet secretbox digest key"))
	b := &Box{aead: aead, digestKey: derive.Sum(nil), master: bytes.Clone(masterKey)}
	for _, k := range previous {
		p, err := newAEAD(k)
		if err != nil {
			return nil, fmt.Errorf("previous master key: %w", err)
		}
		b.previous = append(b.previous, p)
	}
	return b, nil
}

// Digest returns a keyed digest of data for purpose, under a key derived
// from the primary master key: equal data give equal digests (a database
// can index them), and a copy of the database without the master key
// cannot test guesses against them. A master-key rotation changes every
// digest.
func (b *Box) Digest(purpose string, data []byte) []byte {
	h := hmac.New(sha256.New, b.digestKey)
	h.Write([]byte(purpose))
	h.Write([]byte{0})
	h.Write(data)
	return h.Sum(nil)
}

// Derive returns a 32-byte key for one purpose, named by label, derived
// from the master key with HKDF-SHA256: keys of different labels are
// independent, and none reveals the master key.
func (b *Box) Derive(label string) []byte {
	k, err := hkdf.Key(sha256.New, b.master, nil, "signet "+label, 32)
	if err != nil {
		panic(err) // only for an output length HKDF cannot give; 32 it can
	}
	return k
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("the master key is %d bytes; it must be %d", len(key), KeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// Seal encrypts secret, bound to context (the key's id): a sealed secret
// copied onto another row does not open.
func (b *Box) Seal(secret []byte, context string) []byte {
	out := make([]byte, 1+b.aead.NonceSize(), 1+b.aead.NonceSize()+len(secret)+b.aead.Overhead())
	out[0] = version1
	rand.Read(out[1:])
	return b.aead.Seal(out, out[1:], secret, []byte(context))
}

// ErrOpen means a sealed secret did not open: another master key, another
// context, or altered bytes. It says nothing more, by design.
var ErrOpen = errors.New("a sealed secret did not open with this master key")

// Open decrypts what Seal made with the same context, under the primary
// master key or a previous one.
func (b *Box) Open(sealed []byte, context string) ([]byte, error) {
	if out, err := open(b.aead, sealed, context); err == nil {
		return out, nil
	}
	for _, p := range b.previous {
		if out, err := open(p, sealed, context); err == nil {
			return out, nil
		}
	}
	return nil, ErrOpen
}

// Reseal returns sealed re-encrypted under the primary master key, or nil
// when it already is: the step of a master-key rotation.
func (b *Box) Reseal(sealed []byte, context string) ([]byte, error) {
	if _, err := open(b.aead, sealed, context); err == nil {
		return nil, nil
	}
	secret, err := b.Open(sealed, context)
	if err != nil {
		return nil, err
	}
	return b.Seal(secret, context), nil
}

func open(aead cipher.AEAD, sealed []byte, context string) ([]byte, error) {
	n := aead.NonceSize()
	if len(sealed) < 1+n+aead.Overhead() || sealed[0] != version1 {
		return nil, ErrOpen
	}
	out, err := aead.Open(nil, sealed[1:1+n], sealed[1+n:], []byte(context))
	if err != nil {
		return nil, ErrOpen
	}
	return out, nil
}

// LoadPreviousMasterKey reads the master key being rotated away from, from
// $SIGNET_MASTER_KEY_PREVIOUS or the file named by
// $SIGNET_MASTER_KEY_PREVIOUS_FILE; nil when neither is set.
func LoadPreviousMasterKey(getenv func(string) string) ([]byte, error) {
	if v := getenv("SIGNET_MASTER_KEY_PREVIOUS"); v != "" {
		k, err := parseKey(v)
		if err != nil {
			return nil, fmt.Errorf("SIGNET_MASTER_KEY_PREVIOUS: %w", err)
		}
		return k, nil
	}
	if path := getenv("SIGNET_MASTER_KEY_PREVIOUS_FILE"); path != "" {
		k, err := readKeyFile(path)
		if err != nil {
			return nil, fmt.Errorf("SIGNET_MASTER_KEY_PREVIOUS_FILE: %w", err)
		}
		return k, nil
	}
	return nil, nil
}

// Source says where LoadMasterKey found the key, for the startup log.
type Source string

// LoadMasterKey finds the master key: $SIGNET_MASTER_KEY, else the file named
// by $SIGNET_MASTER_KEY_FILE, else dataDir/master.key, created (mode 0600) with
// a random key on first run. A key is 32 bytes written as base64 or hex.
func LoadMasterKey(getenv func(string) string, dataDir string) ([]byte, Source, error) {
	if v := getenv("SIGNET_MASTER_KEY"); v != "" {
		k, err := parseKey(v)
		if err != nil {
			return nil, "", fmt.Errorf("SIGNET_MASTER_KEY: %w", err)
		}
		return k, "SIGNET_MASTER_KEY", nil
	}
	if path := getenv("SIGNET_MASTER_KEY_FILE"); path != "" {
		k, err := readKeyFile(path)
		if err != nil {
			return nil, "", fmt.Errorf("SIGNET_MASTER_KEY_FILE: %w", err)
		}
		return k, Source(path), nil
	}
	path := filepath.Join(dataDir, "master.key")
	k, err := readKeyFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		k, err = createKeyFile(path)
		if err != nil {
			return nil, "", err
		}
		return k, Source(path + " (created)"), nil
	}
	if err != nil {
		return nil, "", err
	}
	return k, Source(path), nil
}

func readKeyFile(path string) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if info.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%s is readable by others (mode %v); run: chmod 600 %s", path, info.Mode().Perm(), path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	k, err := parseKey(string(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

func createKeyFile(path string) ([]byte, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	k := make([]byte, KeySize)
	rand.Read(k)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	_, err = f.WriteString(base64.StdEncoding.EncodeToString(k) + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return nil, err
	}
	return k, nil
}

// parseKey reads 32 bytes written as base64 (either alphabet) or hex. The
// error never repeats the text.
func parseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if b, err := hex.DecodeString(s); err == nil && len(b) == KeySize {
		return b, nil
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil && len(b) == KeySize {
			return b, nil
		}
	}
	return nil, errors.New("a master key is 32 bytes written as base64 or hex (make one with: openssl rand -base64 32)")
}
