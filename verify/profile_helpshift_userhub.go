package verify

// helpshift-userhub: Helpshift User Hub's JWT, with an identities array of
// the twelve identity types.
func init() {
	Register(Description{
		Name:       HelpshiftUserHub,
		Summary:    "Helpshift User Hub: HS256 JWT with identities; iat at most 24 h old",
		Identities: "every identity of the identities claim (a uid or an email among them)",
		Rank:       10,
		Proof:      ProofJWT,
		Secret:     SecretText,
		Claims: []Claim{
			{Name: "iat", Kind: ClaimTime, Required: true},
			{Name: "exp", Kind: ClaimTime},
			{Name: "nbf", Kind: ClaimTime},
			{Name: "name", Kind: ClaimUnread},
			{Name: "identities", Kind: ClaimIdentities, Required: true},
		},
		MaxAge: 86400,
	})
}
