package signing

import (
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"time"
	"unicode/utf8"

	"github.com/signet-id/signet/sign"
	"github.com/signet-id/signet/verify"
)

// PylonMaxLifetime is the longest a pylon-jwt token may live (exp − iat).
const PylonMaxLifetime = 15 * time.Minute

// HelpshiftUserHubToken is the helpshift-userhub identity_token: an HS256 JWT,
// keyed with the secret as UTF-8 text, with the claims {iat, identities}.
// c.UserID and/or c.Email are required; c.Identities adds phone_number,
// steam_id… and c.Metadata goes on the uid (or the email).
//
// Pitfalls: iat is UNIX seconds (c.IssuedAt, zero means now), and a token
// older than 24 hours is refused: sign one per login, never cache it longer.
func HelpshiftUserHubToken(secret string, c sign.Claims) (string, error) {
	s := sign.Signer{Profile: verify.HelpshiftUserHub, Secret: secret}
	return s.Token(c)
}

// PylonChatWidgetToken is the pylon-jwt identity_token: an HS256 JWT, keyed
// with the secret as UTF-8 text, with the claims {email, name, aud, iat, exp}
// and optionally c.Attributes' account_id, account_external_id, contact_id
// and contact_external_id (the widget must send the same values).
//
// Pitfalls: the secret is used as text, NOT hex-decoded (unlike pylon-hmac).
// appID, the aud claim, is the Signet app id (where Pylon had its widget's).
// exp is at most 15 minutes after iat: the default is 10 minutes (c.ExpiresAt
// zero).
func PylonChatWidgetToken(secret, appID string, c sign.Claims) (string, error) {
	if c.IssuedAt.IsZero() {
		c.IssuedAt = time.Now()
	}
	if !c.ExpiresAt.IsZero() && c.ExpiresAt.Sub(c.IssuedAt) > PylonMaxLifetime {
		return "", errors.New("a pylon-jwt token lives at most 15 minutes")
	}
	s := sign.Signer{Profile: verify.PylonJWT, Secret: secret, AppID: appID}
	return s.Token(c)
}

// SignetToken is the signet identity_token: an HS256 JWT whose kid header
// names the key, with the claims {aud, iat, exp, name, identities}.
//
// Pitfalls: keyID is the id Signet showed with the secret, so keys can be
// rotated; aud is the Signet app id; exp defaults to 10 minutes after iat and
// may not exceed the app's maximum lifetime (1 hour unless configured).
func SignetToken(secret, keyID, appID string, c sign.Claims) (string, error) {
	s := sign.Signer{Profile: verify.Signet, Secret: secret, KeyID: keyID, AppID: appID}
	return s.Token(c)
}

// SignetTokenES256 is the signet identity_token signed with a key pair:
// the same claims, ES256 under your P-256 private key (PKCS #8 or SEC 1
// PEM); Signet holds only the public key, whose id is keyID.
//
// Pitfalls: keep the private key on your server (a secret store, a KMS);
// the key id is the one Signet showed when the public key was uploaded.
func SignetTokenES256(privateKeyPEM, keyID, appID string, c sign.Claims) (string, error) {
	block, _ := pem.Decode([]byte(privateKeyPEM))
	if block == nil {
		return "", errors.New("the private key is not PEM")
	}
	var key any
	var err error
	if block.Type == "EC PRIVATE KEY" {
		key, err = x509.ParseECPrivateKey(block.Bytes)
	} else {
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	}
	ec, ok := key.(*ecdsa.PrivateKey)
	if err != nil || !ok {
		return "", errors.New("an ES256 key is a P-256 private key")
	}
	s := sign.Signer{Profile: verify.Signet, PrivateKey: ec, KeyID: keyID, AppID: appID}
	return s.Token(c)
}

// KustomerToken is the kustomer identity_token (Kustomer.login's jwtToken):
// an HS256 JWT, keyed with the secret as UTF-8 text, with the claims
// {externalId, email, iat}. c.UserID (the externalId) and/or c.Email are
// required.
//
// Pitfalls: iat is UNIX seconds (c.IssuedAt, zero means now) and the token
// is refused once 15 minutes old: sign one when the chat opens, not once per
// session. The externalId is a string (strconv.Itoa your numeric ids). When
// the token signs an email, the user is the email: the externalId is then
// not verified.
func KustomerToken(secret string, c sign.Claims) (string, error) {
	if c.UserID == "" && c.Email == "" {
		return "", errors.New("a kustomer token signs an externalId, an email or both")
	}
	s := sign.Signer{Profile: verify.Kustomer, Secret: secret}
	return s.Token(c)
}

// FreshdeskMaxAhead is the furthest ahead of now a freshdesk-widget token's
// exp may be.
const FreshdeskMaxAhead = 2 * time.Hour

// FreshdeskWidgetToken is the freshdesk-widget identity_token (what the help
// widget's authenticate callback returned): an HS256 JWT, keyed with the
// secret as UTF-8 text, with the claims {name, email, exp}. c.Email is
// required; c.IssuedAt is "now" (zero means now; the token has no iat).
//
// Pitfalls: exp is UNIX seconds, in the future and at most 2 hours ahead of
// now: the default is 10 minutes (c.ExpiresAt zero).
func FreshdeskWidgetToken(secret string, c sign.Claims) (string, error) {
	if c.IssuedAt.IsZero() {
		c.IssuedAt = time.Now()
	}
	if !c.ExpiresAt.IsZero() && (!c.ExpiresAt.After(c.IssuedAt) || c.ExpiresAt.Sub(c.IssuedAt) > FreshdeskMaxAhead) {
		return "", errors.New("a freshdesk-widget token expires in the future, within 2 hours")
	}
	s := sign.Signer{Profile: verify.FreshdeskWidget, Secret: secret}
	return s.Token(c)
}

// IntercomMessengerToken is the intercom-jwt identity_token (Intercom's
// intercom_user_jwt): an HS256 JWT, keyed with the platform's secret as UTF-8
// text, with the claims {user_id, email, iat, exp}. c.UserID is required;
// c.Email is signed when set; c.ExpiresAt zero writes no exp.
//
// Pitfalls: user_id is a string (strconv.Itoa(user.ID): Intercom and Signet
// refuse a number); iOS, Android and web have one secret each, as for the
// user_hash.
func IntercomMessengerToken(platformSecret string, c sign.Claims) (string, error) {
	s := sign.Signer{Profile: verify.IntercomJWT, Secret: platformSecret}
	return s.Token(c)
}

// ZendeskMessagingToken is the zendesk-messaging identity_token: an HS256
// JWT, keyed with the secret as UTF-8 text, whose kid header is the key id
// Zendesk showed with the secret (app_…), with the claims {scope: "user",
// external_id, name, email, email_verified, iat, exp}. c.UserID is the
// external_id; c.Email is signed with email_verified: true, so set it only
// once your app has verified it.
//
// Pitfalls: external_id is a string of at most 255 characters (a number is
// the 401 Zendesk users meet most); scope "user" is written for you.
func ZendeskMessagingToken(secret, keyID string, c sign.Claims) (string, error) {
	if utf8.RuneCountInString(c.UserID) > 255 {
		return "", errors.New("a zendesk-messaging external_id is at most 255 characters")
	}
	s := sign.Signer{Profile: verify.ZendeskMessaging, Secret: secret, KeyID: keyID}
	return s.Token(c)
}

// DriftUserToken is the drift identity_token (drift.identify's userJwt): an
// HS256 JWT, keyed with the secret as UTF-8 text, with the claims {sub, iat,
// exp}, sub being c.UserID.
//
// Pitfalls: sub is a string, and the only identity the token signs: leave
// c.Email empty.
func DriftUserToken(secret string, c sign.Claims) (string, error) {
	s := sign.Signer{Profile: verify.Drift, Secret: secret}
	return s.Token(c)
}
