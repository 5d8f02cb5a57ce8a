// Package stdlib signs the identity_token of the JWT profiles with Go's
// standard library alone, for a backend that would rather not import Signet's
// module. The tokens are byte for byte those of Signet's sign package: compact
// JSON in the vendors' claim order, base64url without padding, HS256.
package stdlib

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
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
