package verify

// ZendeskMessaging is Zendesk messaging's end-user authentication JWT
// (profiles.md, "Second-wave vendor profiles").
const ZendeskMessaging Profile = "zendesk-messaging"

// zendesk-messaging: a kid header naming the signing key (Zendesk's app_…
// key id: required, every key of the app is tried), scope = "user", a
// string external_id of at most 255 characters, and an email that counts
// only when email_verified is true.
func init() {
	Register(Description{
		Name:       ZendeskMessaging,
		Summary:    "Zendesk messaging: HS256 JWT with a kid header, scope = user, a string external_id (≤ 255 characters), exp honoured",
		Identities: "uid = external_id; the email only when email_verified is true; name is a signed attribute",
		Rank:       40,
		Proof:      ProofJWT,
		Secret:     SecretText,
		Requires:   UID,
		// In the order of Zendesk's samples.
		Claims: []Claim{
			{Name: "scope", Kind: ClaimString, Required: true, Equals: "user"},
			{Name: "external_id", Kind: ClaimIdentity, Identity: UID, Required: true, MaxLength: 255},
			{Name: "name", Kind: ClaimAttribute},
			{Name: "email", Kind: ClaimIdentity, Identity: Email, OnlyIf: "email_verified"},
			{Name: "email_verified", Kind: ClaimBool},
			{Name: "iat", Kind: ClaimTime},
			{Name: "exp", Kind: ClaimTime},
			{Name: "nbf", Kind: ClaimTime}, // honoured if present, as the vendors' JWT libraries do
		},
		Kid: KidRequired,
	})
}
