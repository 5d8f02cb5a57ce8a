package verify

import "fmt"

// Profile names one verification scheme.
type Profile string

// The profiles Signet speaks.
const (
	HelpshiftLegacy  Profile = "helpshift-legacy"
	HelpshiftUserHub Profile = "helpshift-userhub"
	Intercom         Profile = "intercom"
	Akece            Profile = "akece"
	PylonHMAC        Profile = "pylon-hmac"
	PylonJWT         Profile = "pylon-jwt"
	Signet           Profile = "signet"
)

// Profiles lists every profile, digest profiles first.
var profiles = [...]Profile{HelpshiftLegacy, Intercom, Akece, PylonHMAC, HelpshiftUserHub, PylonJWT, Signet}

// Profiles returns every profile Signet supports.
func Profiles() []Profile { p := profiles; return p[:] }

// ParseProfile returns the profile named s, or an error naming the valid ones.
func ParseProfile(s string) (Profile, error) {
	for _, p := range profiles {
		if string(p) == s {
			return p, nil
		}
	}
	return "", fmt.Errorf("unknown profile %q (want one of %v)", s, profiles)
}

// IsJWT reports whether the profile's proof is a JWT (identity_token) rather
// than an HMAC digest (user_hash).
func (p Profile) IsJWT() bool {
	return p == HelpshiftUserHub || p == PylonJWT || p == Signet
}

// HexSecret reports whether the profile's secret is hex text that is decoded to
// bytes before use as the HMAC key (pylon-hmac).
func (p Profile) HexSecret() bool { return p == PylonHMAC }

// NeedsAudience reports whether tokens of this profile carry an `aud` claim
// that must name the app.
func (p Profile) NeedsAudience() bool { return p == PylonJWT || p == Signet }

// IdentityType is the kind of an identity: uid, email, phone_number…
type IdentityType string

// The twelve identity types of the Helpshift User Hub, used by the
// helpshift-userhub and signet profiles.
const (
	UID               IdentityType = "uid"
	Email             IdentityType = "email"
	PhoneNumber       IdentityType = "phone_number"
	FacebookID        IdentityType = "facebook_id"
	DiscordID         IdentityType = "discord_id"
	WhatsAppID        IdentityType = "whatsapp_id"
	GooglePlayStoreID IdentityType = "google_playstore_id"
	AppleGameCenterID IdentityType = "apple_gamecenter_id"
	NintendoID        IdentityType = "nintendo_id"
	PSNID             IdentityType = "psn_id"
	XboxLiveID        IdentityType = "xbox_live_id"
	SteamID           IdentityType = "steam_id"
)

var identityTypes = [...]IdentityType{UID, Email, PhoneNumber, FacebookID, DiscordID, WhatsAppID,
	GooglePlayStoreID, AppleGameCenterID, NintendoID, PSNID, XboxLiveID, SteamID}

// IdentityTypes returns the twelve known identity types.
func IdentityTypes() []IdentityType { t := identityTypes; return t[:] }

// Known reports whether t is one of the twelve identity types.
func (t IdentityType) Known() bool {
	for _, k := range identityTypes {
		if k == t {
			return true
		}
	}
	return false
}

// Identity is one identifier of a user, exactly as signed: its bytes are never
// folded, trimmed or normalised.
type Identity struct {
	Type     IdentityType      `json:"type"`
	Value    string            `json:"value"`
	Metadata map[string]string `json:"metadata,omitempty"`
}

// PylonAttributes are the optional pylon-jwt claims that, when the widget also
// sends them, must equal the signed values.
var pylonAttributes = [...]string{"name", "account_id", "account_external_id", "contact_id", "contact_external_id"}

// PylonAttributes returns the names of the optional pylon-jwt claims.
func PylonAttributes() []string { a := pylonAttributes; return a[:] }

// Describe says in one line what the profile signs and how.
func (p Profile) Describe() string {
	switch p {
	case HelpshiftLegacy:
		return "Helpshift (legacy): base64 HMAC-SHA256 over user id + email; full privacy signs the user id only"
	case HelpshiftUserHub:
		return "Helpshift User Hub: HS256 JWT with identities; iat at most 24 h old"
	case Intercom:
		return "Intercom: hex HMAC-SHA256 over the user_id, else the email; one secret per platform"
	case Akece:
		return "Akece: hex HMAC-SHA256 over the identifier with the inbox's validation token"
	case PylonHMAC:
		return "Pylon (HMAC): hex HMAC-SHA256 over the email, with the hex-decoded secret"
	case PylonJWT:
		return "Pylon (JWT): HS256 JWT with email, aud = app id, iat and exp at most 15 min later"
	case Signet:
		return "Signet: HS256 JWT with kid, aud = app id, iat, exp and identities; lifetime at most 1 h by default"
	}
	return ""
}
