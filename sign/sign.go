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
	"crypto"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
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
	// PrivateKey, instead of Secret, signs signet tokens with the private
	// key of a key pair whose public key the app holds (or publishes in
	// its JWKS): an *ecdsa.PrivateKey on P-256 signs ES256, an
	// ed25519.PrivateKey EdDSA, an *rsa.PrivateKey RS256.
	PrivateKey crypto.Signer
	// KeyID names the key in the kid header, for a profile whose tokens
	// carry one (signet); the other profiles write no kid.
	KeyID string
	// AppID is the audience of the tokens of a profile with an audience
	// rule (pylon-jwt, signet).
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
	alg := verify.HS256
	var key []byte
	if s.PrivateKey != nil {
		var err error
		if alg, err = algorithmOf(s.PrivateKey); err != nil {
			return "", err
		}
		if s.Profile != verify.Signet {
			return "", errors.New("profile " + string(s.Profile) + " is signed with a shared secret; private keys sign signet tokens")
		}
	} else {
		var err error
		if key, err = verify.MACKey(s.Profile, s.Secret); err != nil {
			return "", err
		}
	}
	payload, err := s.payload(c)
	if err != nil {
		return "", err
	}
	header := &object{}
	header.set("alg", alg)
	header.set("typ", "JWT")
	if s.Profile.Description().Kid != verify.KidOptional {
		if s.KeyID == "" {
			return "", errors.New("a " + string(s.Profile) + " token names its key: set the key id")
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
	if s.PrivateKey != nil {
		sig, err := signWith(s.PrivateKey, alg, input)
		if err != nil {
			return "", err
		}
		return input + "." + base64.RawURLEncoding.EncodeToString(sig), nil
	}
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

// payload builds the claims the profile reads, in the order its description
// lists them, which is the order of each vendor's sample: Helpshift
// {iat, identities}, Pylon {email, name, aud, iat, exp, ids…}.
func (s Signer) payload(c Claims) (*object, error) {
	d := s.Profile.Description()
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	iat := c.IssuedAt
	if iat.IsZero() {
		iat = now()
	}
	exp := c.ExpiresAt
	if exp.IsZero() && requires(d, "exp") {
		exp = iat.Add(DefaultTokenLifetime)
	}
	if d.Audience != verify.AudienceNone && s.AppID == "" {
		return nil, errors.New("a " + string(s.Profile) + " token names the app id as its audience: set the app id")
	}
	_, arrayed := identitiesClaim(d)
	if err := checkFields(d, c, arrayed); err != nil {
		return nil, err
	}
	var ids []identityClaim
	if arrayed {
		var err error
		if ids, err = identityArray(c); err != nil {
			return nil, err
		}
	}
	p := &object{}
	for _, r := range d.Claims {
		switch r.Kind {
		case verify.ClaimTime:
			switch {
			case r.Name == "iat":
				p.set("iat", iat.Unix())
			case r.Name == "exp" && !exp.IsZero():
				p.set("exp", exp.Unix())
			}
		case verify.ClaimAudience:
			p.set(r.Name, s.AppID)
		case verify.ClaimIdentities:
			p.set(r.Name, ids)
		case verify.ClaimIdentity:
			if v := identityValue(c, r.Identity); v != "" {
				p.set(r.Name, v)
			}
		case verify.ClaimAttribute, verify.ClaimUnread:
			if v := attributeValue(c, r.Name); v != "" {
				p.set(r.Name, v)
			}
		case verify.ClaimString:
			if r.Equals != "" {
				p.set(r.Name, r.Equals)
			}
		case verify.ClaimBool:
			if vouches(d, r.Name, c) {
				p.set(r.Name, true)
			}
		}
	}
	return p, nil
}

// checkFields refuses claims that the profile's token cannot carry, and a
// missing identity it requires.
func checkFields(d *verify.Description, c Claims, arrayed bool) error {
	p := string(d.Name)
	if !arrayed {
		for _, r := range d.Claims {
			if r.Kind == verify.ClaimIdentity && r.Required && identityValue(c, r.Identity) == "" {
				return errors.New("a " + p + " token signs " + article(r.Identity) + " as its " + r.Name + " claim: set it")
			}
		}
		if c.UserID != "" && !readsIdentity(d, verify.UID) || c.Email != "" && !readsIdentity(d, verify.Email) ||
			len(c.Identities) > 0 || len(c.Metadata) > 0 {
			return errors.New("a " + p + " token signs " + signedList(d) + " only, not a user id, metadata or other identities")
		}
		if c.UserID == "" && c.Email == "" {
			return errors.New("a " + p + " token signs " + signedList(d) + ": set one")
		}
	}
	if c.Name != "" && !readsName(d) {
		return errors.New(p + " has no name claim")
	}
	attrs := d.Attributes()
	if len(c.Attributes) > 0 && (len(attrs) == 0 || len(attrs) == 1 && attrs[0] == "name") {
		return errors.New("attributes are pylon-jwt claims")
	}
	for k := range c.Attributes {
		if !contains(attrs, k) || k == "name" {
			return errors.New(p + " has no " + k + " claim")
		}
	}
	return nil
}

// identityArray builds Helpshift's identities array: uid, email, then the
// others; metadata goes to the first.
func identityArray(c Claims) ([]identityClaim, error) {
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
	return ids, nil
}

func requires(d *verify.Description, name string) bool {
	r, ok := d.Claim(name)
	return ok && r.Required
}

func identitiesClaim(d *verify.Description) (string, bool) {
	for _, r := range d.Claims {
		if r.Kind == verify.ClaimIdentities {
			return r.Name, true
		}
	}
	return "", false
}

func readsIdentity(d *verify.Description, t verify.IdentityType) bool {
	for _, r := range d.Claims {
		if r.Kind == verify.ClaimIdentity && r.Identity == t {
			return true
		}
	}
	return false
}

func readsName(d *verify.Description) bool {
	r, ok := d.Claim("name")
	return ok && (r.Kind == verify.ClaimAttribute || r.Kind == verify.ClaimUnread)
}

func identityValue(c Claims, t verify.IdentityType) string {
	switch t {
	case verify.UID:
		return c.UserID
	case verify.Email:
		return c.Email
	}
	return ""
}

func attributeValue(c Claims, name string) string {
	if name == "name" {
		return c.Name
	}
	return c.Attributes[name]
}

// vouches reports whether the bool claim name vouches for an identity the
// token carries (Zendesk's email_verified for the email): then it is true.
func vouches(d *verify.Description, name string, c Claims) bool {
	for _, r := range d.Claims {
		if r.Kind == verify.ClaimIdentity && r.OnlyIf == name && identityValue(c, r.Identity) != "" {
			return true
		}
	}
	return false
}

func article(t verify.IdentityType) string {
	if t == verify.Email {
		return "an email"
	}
	return "a user id"
}

// signedList says which identities a profile's token signs: "an email",
// "a user id or an email".
func signedList(d *verify.Description) string {
	var out []string
	for _, t := range []verify.IdentityType{verify.UID, verify.Email} {
		if readsIdentity(d, t) {
			out = append(out, article(t))
		}
	}
	return strings.Join(out, " or ")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
