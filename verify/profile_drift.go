package verify

// Drift is Drift's identity JWT (profiles.md, "Second-wave vendor
// profiles").
const Drift Profile = "drift"

// drift: the brand's backend signs {sub: the user id} and hands the token
// to drift.identify's userJwt.
func init() {
	Register(Description{
		Name:       Drift,
		Summary:    "Drift: HS256 JWT with sub = the user id, exp honoured",
		Identities: "uid = sub",
		Rank:       50,
		Proof:      ProofJWT,
		Secret:     SecretText,
		Requires:   UID,
		// In the order of Drift's samples.
		Claims: []Claim{
			{Name: "sub", Kind: ClaimIdentity, Identity: UID, Required: true},
			{Name: "iat", Kind: ClaimTime},
			{Name: "exp", Kind: ClaimTime},
			{Name: "nbf", Kind: ClaimTime}, // honoured if present, as the vendors' JWT libraries do
		},
	})
}
