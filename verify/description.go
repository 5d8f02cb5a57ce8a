package verify

import (
	"errors"
	"strconv"
	"strings"
)

// Description is everything that makes one profile what it is. Each profile
// fills one, in its own file, and registers it; the verifier, the signer
// (package sign), the doctor, peek, login and the dashboard read it.
type Description struct {
	// Name is the profile's name, as apps, the CLI and the API spell it.
	Name Profile
	// Summary says in one line what the profile signs and how (--help, the
	// dashboard's profile choice).
	Summary string
	// Identities says for a person which identities a verified proof
	// yields and when (the dashboard's profile table).
	Identities string
	// Rank orders the profile in lists, within its proof kind: lower first.
	Rank int

	// Proof is what the brand's backend sends: a digest or a token.
	Proof ProofKind
	// Secret is how the secret the brand holds becomes the HMAC key bytes.
	Secret SecretForm
	// Requires is the identifier every proof must carry: UID, Email, or ""
	// when either will do. The CLI names the missing flag from it.
	Requires IdentityType

	// Digest profiles.

	// Encoding is how the digest is written.
	Encoding DigestEncoding
	// Message returns the bytes the digest covers for the identifiers sent
	// (empty means absent) and the identities it therefore verifies; a
	// failure is an *Error (identity_required). See MessageOf and friends.
	Message func(uid, email string, fullPrivacy bool) (string, []Identity, *Error)
	// MessageHint tells the doctor's reader what the profile signs;
	// FullPrivacyHint replaces it for an app with full privacy.
	MessageHint, FullPrivacyHint string
	// SplitAmbiguous: the message joins the user id and the email with no
	// separator, so one digest fits several splits of one text
	// (helpshift-legacy); login then refuses to take over another user.
	SplitAmbiguous bool

	// JWT profiles (HS256 compact JWS, strict JSON; see profiles.md).

	// Claims are the claims the profile reads, in the order the signer
	// writes them. Any other claim is ignored, except one that differs from
	// a listed name by letter case only, which is refused.
	Claims []Claim
	// Kid says what the kid header means.
	Kid KidRule
	// Audience says what the aud claim must name.
	Audience AudienceRule
	// MaxAge bounds now − iat in seconds (issued_too_long_ago); 0: no
	// bound. Exact (no leeway) unless AgeLeeway: Helpshift's 24 h are exact,
	// Kustomer's 15 minutes are "plus leeway".
	MaxAge    int64
	AgeLeeway bool
	// MaxLifetime bounds exp − iat in seconds (lifetime_too_long); 0: no
	// bound, unless AppLifetime.
	MaxLifetime int64
	// AppLifetime: exp − iat is bounded by the app's maximum lifetime
	// (Options.MaxLifetime, one hour by default).
	AppLifetime bool
	// MaxAhead bounds exp − now in seconds, exactly (lifetime_too_long:
	// Freshdesk's two hours); 0: no bound.
	MaxAhead int64
	// Prefer, when set and a token signs an identity of this type, makes it
	// the only identity the token verifies (Kustomer's email over its
	// externalId); the other identity claims are then ignored.
	Prefer IdentityType

	// Worked out by Register from Claims, for the verifier's hot path.
	rules              map[string]int // claim name → index in Claims
	read               []string       // the names of the claims the verifier reads (not ClaimUnread)…
	readIndex          []int          // …and their indexes in Claims
	onlyIf             bool           // some identity claim has an OnlyIf
	strings            uint64         // bits of the required ClaimString and ClaimBool claims
	identityRequired   uint64         // bits of the required ClaimIdentity claims
	identitiesRequired bool           // the ClaimIdentities claim is required
	iatRequired        bool
	expRequired        bool
}

// prepare works out the unexported fields from Claims.
func (d *Description) prepare() {
	d.rules = make(map[string]int, len(d.Claims))
	for i, c := range d.Claims {
		d.rules[c.Name] = i
		if c.Kind != ClaimUnread {
			d.read = append(d.read, c.Name)
			d.readIndex = append(d.readIndex, i)
		}
		d.onlyIf = d.onlyIf || c.OnlyIf != ""
		switch {
		case !c.Required:
		case c.Kind == ClaimString || c.Kind == ClaimBool:
			d.strings |= 1 << i
		case c.Kind == ClaimIdentity:
			d.identityRequired |= 1 << i
		case c.Kind == ClaimIdentities:
			d.identitiesRequired = true
		case c.Name == "iat":
			d.iatRequired = true
		case c.Name == "exp":
			d.expRequired = true
		}
	}
}

// verifiedIf reports whether an identity of type t that a token signs is
// verified, given the true ClaimBool claims (bits of truth).
func (d *Description) verifiedIf(t IdentityType, truth uint64) bool {
	for _, c := range d.Claims {
		if c.Kind == ClaimIdentity && c.Identity == t && c.OnlyIf != "" {
			i, ok := d.rules[c.OnlyIf]
			return ok && truth&(1<<i) != 0
		}
	}
	return true
}

// identityClaimNames lists the identity claims for a message: "email or
// externalId".
func (d *Description) identityClaimNames() string {
	var names []string
	for _, c := range d.Claims {
		if c.Kind == ClaimIdentity || c.Kind == ClaimIdentities {
			names = append(names, c.Name)
		}
	}
	return "no " + strings.Join(names, " nor ") + " claim"
}

// ProofKind is what the brand's backend sends as its proof.
type ProofKind int

// The proof kinds.
const (
	// ProofDigest is an HMAC-SHA256 digest (user_hash) of the identifiers.
	ProofDigest ProofKind = iota
	// ProofJWT is an HS256 compact JWS (identity_token).
	ProofJWT
)

// SecretForm is how a secret becomes HMAC key bytes.
type SecretForm int

// The secret forms.
const (
	// SecretText keys the HMAC with the secret's UTF-8 bytes, exactly as shown.
	SecretText SecretForm = iota
	// SecretHex hex-decodes the secret first; a secret that is not hex is
	// refused when it is created.
	SecretHex
)

// DigestEncoding is how a digest is written.
type DigestEncoding int

// The digest encodings. Either way a digest is exactly 32 bytes.
const (
	// DigestHex is hex, read in either case, written lower-case (64 characters).
	DigestHex DigestEncoding = iota
	// DigestBase64 is padded standard base64 (44 characters).
	DigestBase64
)

// String names the encoding for a person.
func (e DigestEncoding) String() string {
	if e == DigestBase64 {
		return "padded standard base64"
	}
	return "lower-case hex"
}

// KidRule says what a token's kid header means.
type KidRule int

// The kid rules.
const (
	// KidOptional: a kid header is allowed and ignored; every key is tried.
	KidOptional KidRule = iota
	// KidRequired: a token without a kid is refused (key_unknown); every key
	// is tried.
	KidRequired
	// KidSelectsKey: the kid names the one key to verify with (signet).
	KidSelectsKey
)

// AudienceRule says what a token's aud claim must name.
type AudienceRule int

// The audience rules.
const (
	// AudienceNone: aud is not read.
	AudienceNone AudienceRule = iota
	// AudienceApp: aud is required and must name the app id (a string, or an
	// array holding it).
	AudienceApp
	// AudienceAppOrAlias: as AudienceApp, or the app's alias, the vendor's
	// app id that a migrating brand's backend already writes (pylon-jwt).
	AudienceAppOrAlias
)

// Claim is one claim a JWT profile reads.
type Claim struct {
	// Name is the claim's name, exactly.
	Name string
	// Kind is how its value is read.
	Kind ClaimKind
	// Required: a token without it is refused — identity_required for an
	// identity, claim_invalid otherwise.
	Required bool
	// Identity is the identity type a ClaimIdentity claim verifies.
	Identity IdentityType
	// OnlyIf names a ClaimBool claim that must be true for this identity to
	// be verified (Zendesk's email_verified); otherwise it is ignored.
	OnlyIf string
	// Equals is the value a ClaimString claim must have (Zendesk's scope).
	Equals string
	// MaxLength bounds a string value in characters; 0: the usual 1024 bytes.
	MaxLength int
	// Numeric also accepts a JSON integer for a ClaimIdentity, read as its
	// decimal text; otherwise a number is claim_invalid.
	Numeric bool
}

// ClaimKind is how a claim's value is read.
type ClaimKind int

// The claim kinds.
const (
	// ClaimTime is iat, exp or nbf: a NumericDate.
	ClaimTime ClaimKind = iota
	// ClaimAudience is aud: a string or an array of strings.
	ClaimAudience
	// ClaimIdentities is Helpshift's identities array of
	// {identifier, value, metadata}.
	ClaimIdentities
	// ClaimIdentity is one identity as a string claim (pylon-jwt's email).
	ClaimIdentity
	// ClaimAttribute is an optional signed string (name, account_id…): ""
	// is absent; when the client also sends it, it must be equal.
	ClaimAttribute
	// ClaimString is a string the profile requires, usually a constant.
	ClaimString
	// ClaimBool is true or false (Zendesk's email_verified).
	ClaimBool
	// ClaimUnread is written by the signer (as the vendor's samples do) and
	// not read by the verifier: Helpshift's name.
	ClaimUnread
	// ClaimTokenID is jti: an optional string naming the token, which an
	// app that accepts each token once requires (Options.OneTimeTokens).
	ClaimTokenID
)

// Attributes returns the names of the profile's attribute claims, in order.
func (d *Description) Attributes() []string {
	var out []string
	for _, c := range d.Claims {
		if c.Kind == ClaimAttribute {
			out = append(out, c.Name)
		}
	}
	return out
}

// Claim returns the profile's claim named name, if it reads one.
func (d *Description) Claim(name string) (Claim, bool) {
	if i, ok := d.rules[name]; ok {
		return d.Claims[i], true
	}
	return Claim{}, false
}

// check refuses a description that cannot work.
func (d *Description) check() error {
	switch {
	case d.Name == "":
		return errors.New("a profile needs a name")
	case d.Summary == "":
		return errors.New("profile " + string(d.Name) + " needs a summary")
	case d.Requires != "" && d.Requires != UID && d.Requires != Email:
		return errors.New("profile " + string(d.Name) + ": Requires is uid, email or empty")
	}
	switch d.Proof {
	case ProofDigest:
		if d.Message == nil || d.MessageHint == "" {
			return errors.New("digest profile " + string(d.Name) + " needs a Message and a MessageHint")
		}
		if len(d.Claims) > 0 {
			return errors.New("digest profile " + string(d.Name) + " has no claims")
		}
	case ProofJWT:
		return d.checkClaims()
	default:
		return errors.New("profile " + string(d.Name) + " has an unknown proof kind")
	}
	return nil
}

func (d *Description) checkClaims() error {
	if d.Message != nil {
		return errors.New("JWT profile " + string(d.Name) + " signs claims, not a digest message")
	}
	if len(d.Claims) > 64 {
		return errors.New("JWT profile " + string(d.Name) + " reads at most 64 claims")
	}
	seen := map[string]bool{}
	identities := 0
	for _, c := range d.Claims {
		bad := func(what string) error {
			return errors.New("profile " + string(d.Name) + ", claim " + strconv.Quote(c.Name) + ": " + what)
		}
		if c.Name == "" || seen[c.Name] {
			return bad("a claim needs a name of its own")
		}
		seen[c.Name] = true
		switch c.Kind {
		case ClaimTime:
			if c.Name != "iat" && c.Name != "exp" && c.Name != "nbf" {
				return bad("time claims are iat, exp and nbf")
			}
		case ClaimAudience:
			if c.Name != "aud" || d.Audience == AudienceNone {
				return bad("the audience claim is aud, with an Audience rule")
			}
		case ClaimIdentities, ClaimIdentity:
			identities++
			if c.Kind == ClaimIdentity && identities > maxIdentityClaims {
				return bad("a profile reads at most 4 identity claims")
			}
			if c.Kind == ClaimIdentity && !c.Identity.Known() {
				return bad("an identity claim names its identity type")
			}
		case ClaimString, ClaimBool:
		case ClaimTokenID:
			if c.Name != "jti" || c.Required {
				return bad("the token id claim is jti, optional")
			}
		case ClaimAttribute, ClaimUnread:
			if c.Required {
				return bad("an attribute is optional")
			}
		default:
			return bad("unknown kind")
		}
	}
	for _, c := range d.Claims {
		if c.OnlyIf != "" {
			if b, ok := seenBool(d.Claims, c.OnlyIf); !ok || !b {
				return errors.New("profile " + string(d.Name) + ": OnlyIf " + strconv.Quote(c.OnlyIf) + " names no bool claim")
			}
		}
	}
	if identities == 0 {
		return errors.New("JWT profile " + string(d.Name) + " reads no identity claim")
	}
	if !seen["iat"] && !seen["exp"] {
		return errors.New("JWT profile " + string(d.Name) + " reads neither iat nor exp")
	}
	if d.Audience != AudienceNone && !seen["aud"] {
		return errors.New("JWT profile " + string(d.Name) + " has an audience rule and no aud claim")
	}
	return nil
}

func seenBool(claims []Claim, name string) (isBool, found bool) {
	for _, c := range claims {
		if c.Name == name {
			return c.Kind == ClaimBool, true
		}
	}
	return false, false
}
