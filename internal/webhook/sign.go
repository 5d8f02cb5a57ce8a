package webhook

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"
)

// SecretPrefix starts every endpoint secret (Standard Webhooks): the bytes
// that sign follow it in standard base64.
const SecretPrefix = "whsec_"

// secretBytes is the length of a generated secret's key.
const secretBytes = 32

// newSecret returns a fresh secret's key bytes and its text, shown once.
func newSecret() ([]byte, string) {
	key := make([]byte, secretBytes)
	rand.Read(key)
	return key, SecretPrefix + base64.StdEncoding.EncodeToString(key)
}

// SecretKey decodes a secret's text into the key bytes that sign.
func SecretKey(secret string) ([]byte, error) {
	rest, ok := strings.CutPrefix(secret, SecretPrefix)
	if !ok {
		return nil, errors.New("a webhook secret starts with " + SecretPrefix)
	}
	key, err := base64.StdEncoding.DecodeString(rest)
	if err != nil || len(key) == 0 {
		return nil, errors.New("a webhook secret is " + SecretPrefix + " and standard base64")
	}
	return key, nil
}

// Signature is one "v1," signature of a message: base64 HMAC-SHA256 of
// "id.timestamp.body" under key.
func Signature(key []byte, id string, at time.Time, body []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id + "." + strconv.FormatInt(at.Unix(), 10) + "."))
	m.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// SignatureHeader is the webhook-signature header: one signature per key,
// space-separated (during a rotation's overlap, the new and the previous).
func SignatureHeader(keys [][]byte, id string, at time.Time, body []byte) string {
	sigs := make([]string, 0, len(keys))
	for _, k := range keys {
		sigs = append(sigs, Signature(k, id, at, body))
	}
	return strings.Join(sigs, " ")
}

// Verify checks a delivery as a receiver does: the timestamp within
// tolerance of now, and one of the header's v1 signatures made with key
// (compared in constant time). Signet's own tests use it; the brand's
// snippets in examples/ do the same in six languages.
func Verify(key []byte, id, timestamp, header string, body []byte, now time.Time, tolerance time.Duration) error {
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return errors.New("webhook-timestamp is not a number of seconds")
	}
	at := time.Unix(ts, 0)
	if now.Sub(at) > tolerance || at.Sub(now) > tolerance {
		return errors.New("webhook-timestamp is too far from now")
	}
	want := Signature(key, id, at, body)
	for _, sig := range strings.Fields(header) {
		if hmac.Equal([]byte(sig), []byte(want)) {
			return nil
		}
	}
	return errors.New("no signature matches")
}
