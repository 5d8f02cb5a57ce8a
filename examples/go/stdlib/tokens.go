// Package stdlib signs the identity_token of the JWT profiles with Go's
// standard library alone, for a backend that would rather not import Signet's
// module. The tokens are byte for byte those of Signet's sign package: compact
// JSON in the vendors' claim order, base64url without padding, HS256.
package stdlib

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"time"
	"unicode/utf8"
)

// Identity is one entry of the identities claim (helpshift-userhub, signet).
type Identity struct {
	// Identifier is the identity type: uid, email, phone_number, facebook_id,
	// discord_id, whatsapp_id, google_playstore_id, apple_gamecenter_id,
	// nintendo_id, psn_id, xbox_live_id or steam_id.
	Identifier string            `json:"identifier"`
	Value      string            `json:"value"`
	Metadata   map[string]string `json:"metadata,omitempty"`
}

// HelpshiftClaims are a helpshift-userhub token's claims, in Helpshift's order.
type HelpshiftClaims struct {
	IssuedAt   int64      `json:"iat"` // UNIX seconds; 0 means now
	Identities []Identity `json:"identities"`
}

// PylonClaims are a pylon-jwt token's claims, in Pylon's order.
type PylonClaims struct {
	Email             string `json:"email"`
	Name              string `json:"name,omitempty"`
	Audience          string `json:"aud"` // the Signet app id (Pylon: the widget's)
	IssuedAt          int64  `json:"iat"` // UNIX seconds; 0 means now
	ExpiresAt         int64  `json:"exp"` // 0 means 10 minutes after iat
	AccountID         string `json:"account_id,omitempty"`
	AccountExternalID string `json:"account_external_id,omitempty"`
	ContactID         string `json:"contact_id,omitempty"`
	ContactExternalID string `json:"contact_external_id,omitempty"`
}

// SignetClaims are a signet token's claims.
type SignetClaims struct {
	Audience   string     `json:"aud"` // the Signet app id
	IssuedAt   int64      `json:"iat"` // UNIX seconds; 0 means now
	ExpiresAt  int64      `json:"exp"` // 0 means 10 minutes after iat
	Name       string     `json:"name,omitempty"`
	Identities []Identity `json:"identities"`
}

// KustomerClaims are a kustomer token's claims, in Kustomer's order.
type KustomerClaims struct {
	ExternalID string `json:"externalId,omitempty"` // the user id, as a string
	Email      string `json:"email,omitempty"`
	IssuedAt   int64  `json:"iat"` // UNIX seconds; 0 means now
}

// FreshdeskClaims are a freshdesk-widget token's claims, in Freshdesk's order.
type FreshdeskClaims struct {
	Name      string `json:"name,omitempty"`
	Email     string `json:"email"`
	ExpiresAt int64  `json:"exp"` // UNIX seconds; 0 means 10 minutes from now
}

const defaultLifetime = 10 * 60 // seconds, as Pylon recommends

// HelpshiftUserHubToken signs a helpshift-userhub token with the secret as
// UTF-8 text. A uid or an email identity is required.
//
// Pitfalls: iat is in seconds, not milliseconds, and may be at most 24 hours
// old when the SDK logs in: sign one per login, never cache it longer.
func HelpshiftUserHubToken(secret string, c HelpshiftClaims) (string, error) {
	if !hasUIDOrEmail(c.Identities) {
		return "", errors.New("a helpshift-userhub token signs a uid, an email or both")
	}
	if c.IssuedAt == 0 {
		c.IssuedAt = time.Now().Unix()
	}
	return hs256(secret, "", c)
}

// PylonChatWidgetToken signs a pylon-jwt token with the secret as UTF-8 text.
//
// Pitfalls: the secret is NOT hex-decoded (unlike pylon-hmac's); aud is the
// app id (the Signet app's, where Pylon had its widget's); exp is at most 15
// minutes after iat.
func PylonChatWidgetToken(secret string, c PylonClaims) (string, error) {
	if c.Email == "" || c.Audience == "" {
		return "", errors.New("a pylon-jwt token signs an email, with the app id as its audience")
	}
	if c.IssuedAt == 0 {
		c.IssuedAt = time.Now().Unix()
	}
	if c.ExpiresAt == 0 {
		c.ExpiresAt = c.IssuedAt + defaultLifetime
	}
	if c.ExpiresAt-c.IssuedAt > 15*60 {
		return "", errors.New("a pylon-jwt token lives at most 15 minutes")
	}
	return hs256(secret, "", c)
}

// SignetToken signs a signet token with the secret as UTF-8 text; keyID goes
// in the kid header so that Signet knows which of the app's keys to use.
//
// Pitfalls: aud is the Signet app id; exp − iat may not exceed the app's
// maximum lifetime (1 hour unless configured).
func SignetToken(secret, keyID string, c SignetClaims) (string, error) {
	if keyID == "" || c.Audience == "" || !hasUIDOrEmail(c.Identities) {
		return "", errors.New("a signet token names its key id and app id, and signs a uid, an email or both")
	}
	if c.IssuedAt == 0 {
		c.IssuedAt = time.Now().Unix()
	}
	if c.ExpiresAt == 0 {
		c.ExpiresAt = c.IssuedAt + defaultLifetime
	}
	return hs256(secret, keyID, c)
}

// KustomerToken signs a kustomer token (Kustomer.login's jwtToken) with the
// secret as UTF-8 text. An externalId or an email is required.
//
// Pitfalls: iat is in seconds and at most 15 minutes old when the widget
// logs in: sign one when the chat opens. When the token signs an email, the
// user is the email: the externalId is then not verified.
func KustomerToken(secret string, c KustomerClaims) (string, error) {
	if c.ExternalID == "" && c.Email == "" {
		return "", errors.New("a kustomer token signs an externalId, an email or both")
	}
	if c.IssuedAt == 0 {
		c.IssuedAt = time.Now().Unix()
	}
	return hs256(secret, "", c)
}

// FreshdeskWidgetToken signs a freshdesk-widget token with the secret as
// UTF-8 text; now is the signing time (the token carries no iat).
//
// Pitfalls: exp is in seconds, in the future and at most 2 hours ahead of
// now.
func FreshdeskWidgetToken(secret string, c FreshdeskClaims, now time.Time) (string, error) {
	if c.Email == "" {
		return "", errors.New("a freshdesk-widget token signs an email")
	}
	if c.ExpiresAt == 0 {
		c.ExpiresAt = now.Unix() + defaultLifetime
	}
	if ahead := c.ExpiresAt - now.Unix(); ahead <= 0 || ahead > 2*60*60 {
		return "", errors.New("a freshdesk-widget token expires in the future, within 2 hours")
	}
	return hs256(secret, "", c)
}

func hasUIDOrEmail(ids []Identity) bool {
	for _, id := range ids {
		if (id.Identifier == "uid" || id.Identifier == "email") && id.Value != "" {
			return true
		}
	}
	return false
}

// hs256 returns the compact JWS of claims: base64url(header) "."
// base64url(claims) "." base64url(HMAC-SHA256(secret, the first two)).
func hs256(secret, keyID string, claims any) (string, error) {
	header := struct {
		Alg string `json:"alg"`
		Typ string `json:"typ"`
		Kid string `json:"kid,omitempty"`
	}{"HS256", "JWT", keyID}
	h, err := compactJSON(header)
	if err != nil {
		return "", err
	}
	p, err := compactJSON(claims)
	if err != nil {
		return "", err
	}
	input := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(p)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(input))
	return input + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil)), nil
}

// compactJSON is json.Marshal without its HTML escaping of <, > and &, so the
// bytes match what other languages' encoders write.
func compactJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// SignetTokenES256 signs a signet token with a key pair: the same claims,
// ES256 under your P-256 private key (PKCS #8 PEM); Signet holds only the
// public key, whose id is keyID. The signature is JWS's r‖s, 64 bytes (not
// the ASN.1 that ecdsa.SignASN1 writes).
func SignetTokenES256(privateKeyPEM, keyID string, c SignetClaims) (string, error) {
	if keyID == "" || c.Audience == "" || !hasUIDOrEmail(c.Identities) {
		return "", errors.New("a signet token names its key id and app id, and signs a uid, an email or both")
	}
	block, _ := pem.Decode([]byte(privateKeyPEM))
	if block == nil {
		return "", errors.New("the private key is not PEM")
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	key, ok := parsed.(*ecdsa.PrivateKey)
	if err != nil || !ok || key.Curve.Params().Name != "P-256" {
		return "", errors.New("an ES256 key is a P-256 private key in PKCS #8 PEM")
	}
	if c.IssuedAt == 0 {
		c.IssuedAt = time.Now().Unix()
	}
	if c.ExpiresAt == 0 {
		c.ExpiresAt = c.IssuedAt + defaultLifetime
	}
	header := struct {
		Alg string `json:"alg"`
		Typ string `json:"typ"`
		Kid string `json:"kid"`
	}{"ES256", "JWT", keyID}
	h, err := compactJSON(header)
	if err != nil {
		return "", err
	}
	p, err := compactJSON(c)
	if err != nil {
		return "", err
	}
	input := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(p)
	digest := sha256.Sum256([]byte(input))
	r, s, err := ecdsa.Sign(rand.Reader, key, digest[:])
	if err != nil {
		return "", err
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return input + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// IntercomClaims are an intercom-jwt token's claims, in Intercom's order.
type IntercomClaims struct {
	UserID    string `json:"user_id"` // a string, never a number
	Email     string `json:"email,omitempty"`
	IssuedAt  int64  `json:"iat"`           // UNIX seconds; 0 means now
	ExpiresAt int64  `json:"exp,omitempty"` // 0: no exp
}

// IntercomMessengerToken signs an intercom-jwt token (Intercom's
// intercom_user_jwt) with the platform's secret as UTF-8 text.
//
// Pitfalls: user_id is a string; iOS, Android and web have one secret each.
func IntercomMessengerToken(platformSecret string, c IntercomClaims) (string, error) {
	if c.UserID == "" {
		return "", errors.New("an intercom-jwt token signs a user_id, as a string")
	}
	if c.IssuedAt == 0 {
		c.IssuedAt = time.Now().Unix()
	}
	return hs256(platformSecret, "", c)
}

// ZendeskClaims are a zendesk-messaging token's claims, in Zendesk's order;
// ZendeskMessagingToken writes scope and email_verified.
type ZendeskClaims struct {
	Scope         string `json:"scope"`
	ExternalID    string `json:"external_id"` // a string of at most 255 characters
	Name          string `json:"name,omitempty"`
	Email         string `json:"email,omitempty"` // only once your app has verified it
	EmailVerified bool   `json:"email_verified,omitempty"`
	IssuedAt      int64  `json:"iat"`           // UNIX seconds; 0 means now
	ExpiresAt     int64  `json:"exp,omitempty"` // 0: no exp
}

// ZendeskMessagingToken signs a zendesk-messaging token with the secret as
// UTF-8 text; keyID (Zendesk's app_… key id) goes in the kid header.
//
// Pitfalls: external_id is a string of at most 255 characters; the email is
// signed with email_verified: true, and without it an email is no identity.
func ZendeskMessagingToken(secret, keyID string, c ZendeskClaims) (string, error) {
	if keyID == "" || c.ExternalID == "" {
		return "", errors.New("a zendesk-messaging token names its key id (app_…) in the kid header, and signs an external_id")
	}
	if utf8.RuneCountInString(c.ExternalID) > 255 {
		return "", errors.New("a zendesk-messaging external_id is at most 255 characters")
	}
	c.Scope, c.EmailVerified = "user", c.Email != ""
	if c.IssuedAt == 0 {
		c.IssuedAt = time.Now().Unix()
	}
	return hs256(secret, keyID, c)
}

// DriftClaims are a drift token's claims.
type DriftClaims struct {
	Subject   string `json:"sub"`           // the user id, as a string
	IssuedAt  int64  `json:"iat"`           // UNIX seconds; 0 means now
	ExpiresAt int64  `json:"exp,omitempty"` // 0: no exp
}

// DriftUserToken signs a drift token (drift.identify's userJwt) with the
// secret as UTF-8 text.
func DriftUserToken(secret string, c DriftClaims) (string, error) {
	if c.Subject == "" {
		return "", errors.New("a drift token signs sub, the user id, as a string")
	}
	if c.IssuedAt == 0 {
		c.IssuedAt = time.Now().Unix()
	}
	return hs256(secret, "", c)
}
