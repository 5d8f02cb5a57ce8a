package verify

// signet: Signet's own profile, for brands starting fresh: a key id, an
// audience and a bounded lifetime on top of the User Hub's identities.
func init() {
	Register(Description{
		Name:       Signet,
		Summary:    "Signet: HS256 JWT with kid, aud = app id, iat, exp and identities; lifetime at most 1 h by default",
		Identities: "every identity of the identities claim (a uid or an email among them); name is a signed attribute",
		Rank:       90,
		Proof:      ProofJWT,
		Secret:     SecretText,
		Claims: []Claim{
			{Name: "aud", Kind: ClaimAudience, Required: true},
			{Name: "iat", Kind: ClaimTime, Required: true},
			{Name: "exp", Kind: ClaimTime, Required: true},
			{Name: "nbf", Kind: ClaimTime},
			{Name: "name", Kind: ClaimAttribute},
			{Name: "identities", Kind: ClaimIdentities, Required: true},
			{Name: "jti", Kind: ClaimTokenID},
		},
		Kid:         KidSelectsKey,
		Audience:    AudienceApp,
		AppLifetime: true,
	})
}
