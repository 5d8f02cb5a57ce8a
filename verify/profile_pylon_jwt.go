package verify

// pylon-jwt: Pylon's chat identity verification by JWT; the secret is used
// exactly as displayed (not hex-decoded, unlike pylon-hmac).
func init() {
	Register(Description{
		Name:       PylonJWT,
		Summary:    "Pylon (JWT): HS256 JWT with email, aud = app id, iat and exp at most 15 min later",
		Identities: "the email; name and the account and contact ids are signed attributes",
		Rank:       20,
		Proof:      ProofJWT,
		Secret:     SecretText,
		Requires:   Email,
		// In the order of Pylon's samples.
		Claims: []Claim{
			{Name: "email", Kind: ClaimIdentity, Identity: Email, Required: true},
			{Name: "name", Kind: ClaimAttribute},
			{Name: "aud", Kind: ClaimAudience, Required: true},
			{Name: "iat", Kind: ClaimTime, Required: true},
			{Name: "exp", Kind: ClaimTime, Required: true},
			{Name: "nbf", Kind: ClaimTime},
			{Name: "account_id", Kind: ClaimAttribute},
			{Name: "account_external_id", Kind: ClaimAttribute},
			{Name: "contact_id", Kind: ClaimAttribute},
			{Name: "contact_external_id", Kind: ClaimAttribute},
		},
		// golang-jwt, which Pylon's Go sample uses, writes a one-element array.
		Audience:    AudienceAppOrAlias,
		MaxLifetime: 900,
	})
}
