// Package signing holds the Go snippets a brand's backend pastes into its
// login handler: one function per Signet profile, each computing the
// user_hash (HMAC profiles) or identity_token (JWT profiles) that the SDK or
// web widget sends to Signet at login.
//
// The digests use the standard library only, exactly as the vendors' own
// samples do. The tokens use Signet's sign package (tokens.go); the stdlib
// subpackage builds the same tokens with the standard library alone.
//
// Sign on your server, never in the app or the web page: the secret must not
// reach a user's device. Never log the secret, nor a digest or token next to
// the identity it signs.
package signing

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
)

// ErrNoIdentifier means there is nothing to sign: log the user in
// anonymously, without a user_hash.
var ErrNoIdentifier = errors.New("no identifier to sign: log the user in anonymously, without a user_hash")

// HelpshiftLegacyUserHash is the helpshift-legacy user_hash: HMAC-SHA256,
// keyed with the secret as UTF-8 text, over the user id followed by the email
// (whichever are present, no separator), in padded standard base64.
//
// Pitfalls: base64, not hex. With the app's "full privacy" flag on, sign the
// user id only and leave the email out. The concatenation is ambiguous ("12" +
// "3a@b.co" = "123" + "a@b.co"): keep user ids in a shape that cannot run into
// an email (set the app's user_id_pattern), or move to the signet profile.
func HelpshiftLegacyUserHash(secret, userID, email string, fullPrivacy bool) (string, error) {
	message := userID + email
	if fullPrivacy {
		message = userID
	}
	if message == "" {
		return "", ErrNoIdentifier
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(message))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil)), nil
}

// IntercomUserHash is the intercom user_hash: hex HMAC-SHA256, keyed with the
// platform's secret as UTF-8 text, over the user_id when there is one, else
// over the email.
//
// Pitfalls: when you send both user_id and email, a hash of the email fails.
// iOS, Android and web each have their own secret (one Signet app each): sign
// with the secret of the platform that will send the hash.
func IntercomUserHash(platformSecret, userID, email string) (string, error) {
	message := userID
	if message == "" {
		message = email
	}
	if message == "" {
		return "", ErrNoIdentifier
	}
	mac := hmac.New(sha256.New, []byte(platformSecret))
	mac.Write([]byte(message))
	return hex.EncodeToString(mac.Sum(nil)), nil
}

// AkeceIdentifierHash is the akece identifier_hash: hex HMAC-SHA256, keyed
// with the inbox's validation token as UTF-8 text, over the identifier (sent
// to Signet as user_id).
//
// Pitfall: hex, not base64; the key is the inbox token exactly as copied.
func AkeceIdentifierHash(inboxToken, identifier string) (string, error) {
	if identifier == "" {
		return "", ErrNoIdentifier
	}
	mac := hmac.New(sha256.New, []byte(inboxToken))
	mac.Write([]byte(identifier))
	return hex.EncodeToString(mac.Sum(nil)), nil
}

// PylonEmailHash is the pylon-hmac email_hash: hex HMAC-SHA256 over the email,
// keyed with the hex-DECODED secret.
//
// Pitfall: the secret is hex text; decode it to bytes before use. Used as
// text, it gives a hash Signet refuses (the doctor says secret_encoding).
// Pylon's JWT secret is the opposite: used as text.
func PylonEmailHash(hexSecret, email string) (string, error) {
	key, err := hex.DecodeString(hexSecret)
	if err != nil || len(key) == 0 {
		return "", errors.New("the pylon-hmac secret must be hex, as Signet or Pylon showed it") // never echo the secret
	}
	if email == "" {
		return "", ErrNoIdentifier
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(email))
	return hex.EncodeToString(mac.Sum(nil)), nil
}

// HelpScoutSignature is the helpscout signature, Help Scout Beacon's
// secure-mode signature: hex HMAC-SHA256, keyed with the Beacon's secret
// key as UTF-8 text, over the email.
//
// Pitfall: hex. Help Scout's own Python sample base64-encodes the HMAC, which
// Signet refuses as malformed (the doctor says wrong_encoding); its Ruby
// sample's hexdigest is right.
func HelpScoutSignature(secretKey, email string) (string, error) {
	if email == "" {
		return "", ErrNoIdentifier
	}
	mac := hmac.New(sha256.New, []byte(secretKey))
	mac.Write([]byte(email))
	return hex.EncodeToString(mac.Sum(nil)), nil
}

// FrontUserHash is the front userHash, Front Chat's identity verification:
// hex HMAC-SHA256, keyed with the verification secret as UTF-8 text, over
// the user id when you send one, else over the email.
//
// Pitfall: Front signs the user id when you send one. With both sent, a hash
// of the email fails (signature_mismatch), and the email is kept as an
// unverified attribute: only the signed one is verified.
func FrontUserHash(verificationSecret, userID, email string) (string, error) {
	message := userID
	if message == "" {
		message = email
	}
	if message == "" {
		return "", ErrNoIdentifier
	}
	mac := hmac.New(sha256.New, []byte(verificationSecret))
	mac.Write([]byte(message))
	return hex.EncodeToString(mac.Sum(nil)), nil
}

// PlainEmailHash is the plain emailHash, Plain's chat authentication: hex
// HMAC-SHA256, keyed with the chat secret as UTF-8 text, over the email.
//
// Pitfall: the secret is used as text, never hex-decoded (unlike
// pylon-hmac's); the email is signed exactly as sent, not lower-cased.
func PlainEmailHash(secret, email string) (string, error) {
	if email == "" {
		return "", ErrNoIdentifier
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(email))
	return hex.EncodeToString(mac.Sum(nil)), nil
}

// GleapUserHash is the gleap userHash, the third argument of
// Gleap.identify: hex HMAC-SHA256, keyed with the identity verification
// secret as UTF-8 text, over the user id as a string.
//
// Pitfall: a numeric id is signed as its decimal text
// (strconv.FormatInt(id, 10)), the same string the page passes to
// Gleap.identify and Signet.boot; the email is not signed.
func GleapUserHash(secret, userID string) (string, error) {
	if userID == "" {
		return "", ErrNoIdentifier
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(userID))
	return hex.EncodeToString(mac.Sum(nil)), nil
}
