// Package sign is what a brand's Go backend imports to sign its logged-in
// user's identity for Signet: a digest (user_hash) for the HMAC profiles, a
// token (identity_token) for the JWT profiles.
//
// The secret belongs on the brand's server only: never ship it in an app or
// a web page. Sign on the server when the user logs in, and hand the digest or
// token to the SDK or web widget.
//
//	s := sign.Signer{Profile: verify.Signet, Secret: os.Getenv("SIGNET_SECRET"), KeyID: "k_1", AppID: "app_7Hq2"}
//	token, err := s.Token(sign.Claims{UserID: user.ID, Email: user.Email})
package sign

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"time"

	"github.com/signet-id/signet/verify"
)

// DefaultTokenLifetime is the lifetime of pylon-jwt and signet tokens when
// Claims.ExpiresAt is zero: ten minutes, as Pylon recommends. A token only
// has to live until the SDK logs in with it.
const DefaultTokenLifetime = 10 * time.Minute

// Signer signs identities for one app with one secret.
type Signer struct {
	// Profile is the app's verification profile.
	Profile verify.Profile
	// Secret is the app's secret exactly as Signet (or the vendor) showed it.
	Secret string
	// KeyID names the key in a signet token's kid header.
	KeyID string
	// AppID is the audience of pylon-jwt and signet tokens.
	AppID string
	// FullPrivacy makes helpshift-legacy digests cover the user id only.
	FullPrivacy bool
	// Now is the clock for iat; nil means time.Now.
	Now func() time.Time
}

// Claims are the identity being signed.
type Claims struct {
	UserID string // uid; akece's identifier
	Email  string
	// Identities are further identities for helpshift-userhub and signet
	// tokens: phone_number, steam_id… (uid and email go in UserID and Email).
	Identities []verify.Identity
	// Metadata is attached to the uid identity, or to the email when there is
	// no uid (helpshift-userhub and signet).
	Metadata map[string]string
	// Name is the user's display name (pylon-jwt, signet).
	Name string
	// Attributes are pylon-jwt's optional account_id, account_external_id,
	// contact_id and contact_external_id.
	Attributes map[string]string
	// IssuedAt is the token's iat; zero means now.
	IssuedAt time.Time
	// ExpiresAt is the token's exp; zero means IssuedAt + DefaultTokenLifetime
	// for pylon-jwt and signet, and no exp for helpshift-userhub.
	ExpiresAt time.Time
}

// Sign returns a digest for an HMAC profile or a token for a JWT profile.
func (s Signer) Sign(c Claims) (string, error) {
	if s.Profile.IsJWT() {
		return s.Token(c)
	}
	return s.Digest(c)
}

// Digest returns the user_hash of an HMAC digest profile for c.UserID and
// c.Email, encoded as the profile writes it.
func (s Signer) Digest(c Claims) (string, error) {
	if s.Profile.IsJWT() {
		return "", errors.New("profile " + string(s.Profile) + " signs a token, not a digest")
	}
	key, err := verify.MACKey(s.Profile, s.Secret)
	if err != nil {
		return "", err
	}
	msg, _, err := verify.DigestMessage(s.Profile, c.UserID, c.Email, s.FullPrivacy)
	if err != nil {
		return "", err
	}
	h := hmac.New(sha256.New, key)
	h.Write([]byte(msg))
	return verify.EncodeDigest(s.Profile, h.Sum(nil)), nil
}

// Token returns the HS256 identity_token of a JWT profile for c.
func (s Signer) Token(c Claims) (string, error) {
	if !s.Profile.IsJWT() {
		return "", errors.New("profile " + string(s.Profile) + " signs a digest, not a token")
	}
	key, err := verify.MACKey(s.Profile, s.Secret)
	if err != nil {
		return "", err
	}
	payload, err := s.payload(c)
	if err != nil {
		return "", err
	}
	header := &object{}
	header.set("alg", "HS256")
	header.set("typ", "JWT")
	if s.Profile == verify.Signet {
		if s.KeyID == "" {
			return "", errors.New("a signet token names its key: set the key id")
		}
		header.set("kid", s.KeyID)
	}
	// MarshalJSON directly: json.Marshal would escape < > & again, and the
	// token would differ from what the vendors' JavaScript samples sign.
	h, err := header.MarshalJSON()
	if err != nil {
		return "", err
	}
	p, err := payload.MarshalJSON()
	if err != nil {
		return "", err
	}
	input := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(p)
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(input))
	return input + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil)), nil
}

type identityClaim struct {
	Identifier verify.IdentityType `json:"identifier"`
	Value      string              `json:"value"`
	Metadata   map[string]string   `json:"metadata,omitempty"`
}

// object is a JSON object that keeps its members in the order they were set,
// so tokens come out with the claim order of the vendors' own samples.
type object struct {
	names  []string
	values []any
}

func (o *object) set(name string, value any) {
	o.names = append(o.names, name)
	o.values = append(o.values, value)
}

func (o *object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	b.WriteByte('{')
	for i, name := range o.names {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := enc.Encode(name); err != nil {
			return nil, err
		}
		b.Truncate(b.Len() - 1) // Encode's newline
		b.WriteByte(':')
		if err := enc.Encode(o.values[i]); err != nil {
			return nil, err
		}
		b.Truncate(b.Len() - 1)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// payload builds the claims in the order of each vendor's sample: Helpshift
// {iat, identities}, Pylon {email, name, aud, iat, exp, ids…}.
func (s Signer) payload(c Claims) (*object, error) {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	iat := c.IssuedAt
	if iat.IsZero() {
		iat = now()
	}
	exp := c.ExpiresAt
	if exp.IsZero() && s.Profile != verify.HelpshiftUserHub {
		exp = iat.Add(DefaultTokenLifetime)
	}
	if s.Profile.NeedsAudience() && s.AppID == "" {
		return nil, errors.New("a " + string(s.Profile) + " token names the app id as its audience: set the app id")
	}
	p := &object{}
	if s.Profile == verify.PylonJWT {
		if c.Email == "" {
			return nil, errors.New("a pylon-jwt token signs an email: set it")
		}
		if c.UserID != "" || len(c.Identities) > 0 || len(c.Metadata) > 0 {
			return nil, errors.New("a pylon-jwt token signs an email only, not a user id, metadata or other identities")
		}
		for k := range c.Attributes {
			if !contains(verify.PylonAttributes(), k) || k == "name" {
				return nil, errors.New("pylon-jwt has no " + k + " claim")
			}
		}
		p.set("email", c.Email)
		if c.Name != "" {
			p.set("name", c.Name)
		}
		p.set("aud", s.AppID)
		p.set("iat", iat.Unix())
		p.set("exp", exp.Unix())
		for _, k := range verify.PylonAttributes() {
			if v, ok := c.Attributes[k]; ok {
				p.set(k, v)
			}
		}
		return p, nil
	}
	if len(c.Attributes) > 0 {
		return nil, errors.New("attributes are pylon-jwt claims")
	}
	var ids []identityClaim
	if c.UserID != "" {
		ids = append(ids, identityClaim{Identifier: verify.UID, Value: c.UserID})
	}
	if c.Email != "" {
		ids = append(ids, identityClaim{Identifier: verify.Email, Value: c.Email})
	}
	if len(ids) == 0 {
		return nil, errors.New("a token signs a uid, an email or both: set one")
	}
	if len(c.Metadata) > 0 {
		ids[0].Metadata = c.Metadata
	}
	for _, id := range c.Identities {
		if id.Type == verify.UID || id.Type == verify.Email {
			return nil, errors.New("put the uid and email in UserID and Email, not in Identities")
		}
		ids = append(ids, identityClaim{Identifier: id.Type, Value: id.Value, Metadata: id.Metadata})
	}
	if s.Profile == verify.Signet {
		p.set("aud", s.AppID)
	}
	p.set("iat", iat.Unix())
	if !exp.IsZero() {
		p.set("exp", exp.Unix())
	}
	if c.Name != "" {
		p.set("name", c.Name)
	}
	p.set("identities", ids)
	return p, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
