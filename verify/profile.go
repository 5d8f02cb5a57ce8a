package verify

import (
	"cmp"
	"fmt"
	"slices"
)

// Profile names one verification scheme. What a profile is — its proof, its
// secret, what it signs, its claim and time rules, what the doctor says — is
// its Description, one file per profile (profile_<name>.go); nothing else in
// Signet switches on the name. CONTRIBUTING.md says how to add one.
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

// The table of profiles: filled by Register from each profile file's init,
// read-only afterwards (so readers need no lock).
var (
	descriptions = map[Profile]*Description{}
	listed       []Profile // sorted: digest profiles first, then by Rank
)

// Register adds a profile to the table. Call it from an init function only:
// the table is read without a lock once the program runs. It panics on a
// description that is incomplete or names a registered profile, as
// database/sql.Register does: both are programming errors.
func Register(d Description) {
	if err := d.check(); err != nil {
		panic("verify.Register: " + err.Error())
	}
	if _, dup := descriptions[d.Name]; dup {
		panic("verify.Register: profile " + string(d.Name) + " is registered twice")
	}
	d.prepare()
	descriptions[d.Name] = &d
	listed = append(listed, d.Name)
	slices.SortStableFunc(listed, func(a, b Profile) int {
		da, db := descriptions[a], descriptions[b]
		return cmp.Or(cmp.Compare(da.Proof, db.Proof), cmp.Compare(da.Rank, db.Rank), cmp.Compare(a, b))
	})
}

// Profiles returns every profile Signet supports, digest profiles first.
func Profiles() []Profile { return slices.Clone(listed) }

// ParseProfile returns the profile named s, or an error naming the valid ones.
func ParseProfile(s string) (Profile, error) {
	if _, ok := descriptions[Profile(s)]; ok {
		return Profile(s), nil
	}
	return "", fmt.Errorf("unknown profile %q (want one of %v)", s, listed)
}

// Description returns what the profile is, or nil for an unknown profile.
// The description is shared: do not modify it.
func (p Profile) Description() *Description { return descriptions[p] }

// IsJWT reports whether the profile's proof is a JWT (identity_token) rather
// than an HMAC digest (user_hash).
func (p Profile) IsJWT() bool {
	d := descriptions[p]
	return d != nil && d.Proof == ProofJWT
}

// HexSecret reports whether the profile's secret is hex text that is decoded to
// bytes before use as the HMAC key (pylon-hmac).
func (p Profile) HexSecret() bool {
	d := descriptions[p]
	return d != nil && d.Secret == SecretHex
}

// NeedsAudience reports whether tokens of this profile carry an `aud` claim
// that must name the app.
func (p Profile) NeedsAudience() bool {
	d := descriptions[p]
	return d != nil && d.Audience != AudienceNone
}

// TakesAudienceAlias reports whether the profile's tokens may name a second
// audience, the vendor's app id (pylon-jwt): an app's audience_alias.
func (p Profile) TakesAudienceAlias() bool {
	d := descriptions[p]
	return d != nil && d.Audience == AudienceAppOrAlias
}

// KeyByKid reports whether the profile's tokens name their key in the kid
// header (signet): signing needs the key id.
func (p Profile) KeyByKid() bool {
	d := descriptions[p]
	return d != nil && d.Kid == KidSelectsKey
}

// Describe says in one line what the profile signs and how.
func (p Profile) Describe() string {
	if d := descriptions[p]; d != nil {
		return d.Summary
	}
	return ""
}

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

// PylonAttributes returns the names of the optional pylon-jwt claims that,
// when the widget also sends them, must equal the signed values.
func PylonAttributes() []string { return PylonJWT.Description().Attributes() }
