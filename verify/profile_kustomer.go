package verify

// Kustomer is Kustomer's chat identity JWT (profiles.md, "Second-wave vendor
// profiles").
const Kustomer Profile = "kustomer"

// kustomer: the brand's backend signs {externalId, email, iat} and hands the
// token to Kustomer.login's jwtToken. The iat is at most 15 minutes old,
// plus the leeway, and not in the future; the email, when the token signs
// one, takes precedence over the externalId.
func init() {
	Register(Description{
		Name:       Kustomer,
		Summary:    "Kustomer: HS256 JWT with externalId and/or email, iat at most 15 min old",
		Identities: "the email when the token signs one (it takes precedence: the externalId is then ignored), else uid = externalId",
		Rank:       60,
		Proof:      ProofJWT,
		Secret:     SecretText,
		Requires:   "",
		// In the order of Kustomer's samples; exp and nbf are honoured if present.
		Claims: []Claim{
			{Name: "externalId", Kind: ClaimIdentity, Identity: UID},
			{Name: "email", Kind: ClaimIdentity, Identity: Email},
			{Name: "iat", Kind: ClaimTime, Required: true},
			{Name: "exp", Kind: ClaimTime},
			{Name: "nbf", Kind: ClaimTime},
		},
		MaxAge:    900,
		AgeLeeway: true,
		Prefer:    Email,
	})
}
