package toyprofile_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
)

// hs256 signs claims under header by hand, as a vendor's sample would.
func hs256(secret, header, claims string) string {
	enc := base64.RawURLEncoding
	input := enc.EncodeToString([]byte(header)) + "." + enc.EncodeToString([]byte(claims))
	h := hmac.New(sha256.New, []byte(secret))
	h.Write([]byte(input))
	return input + "." + enc.EncodeToString(h.Sum(nil))
}
