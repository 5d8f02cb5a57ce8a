package verify

// IntercomJWT is Intercom's Messenger security JWT, the successor to its
// HMAC user_hash (profiles.md, "Second-wave vendor profiles").
const IntercomJWT Profile = "intercom-jwt"

// intercom-jwt: the brand's backend signs {user_id, email…} with the
// Messenger's secret, one per platform as for intercom, and the Messenger
// sends it as intercom_user_jwt.
func init() {
	Register(Description{
		Name:       IntercomJWT,
		Summary:    "Intercom (Messenger JWT): HS256 JWT with user_id, the email if present, exp honoured; one secret per platform",
		Identities: "uid = user_id; the email too when the token signs one",
		Rank:       30,
		Proof:      ProofJWT,
		Secret:     SecretText,
		Requires:   UID,
		// In the order of Intercom's samples.
		Claims: []Claim{
			{Name: "user_id", Kind: ClaimIdentity, Identity: UID, Required: true},
			{Name: "email", Kind: ClaimIdentity, Identity: Email},
			{Name: "iat", Kind: ClaimTime},
			{Name: "exp", Kind: ClaimTime},
			{Name: "nbf", Kind: ClaimTime}, // honoured if present, as the vendors' JWT libraries do
		},
	})
}
