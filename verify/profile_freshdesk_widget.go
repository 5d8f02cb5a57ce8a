package verify

// FreshdeskWidget is the JWT of Freshdesk's help widget (profiles.md,
// "Second-wave vendor profiles").
const FreshdeskWidget Profile = "freshdesk-widget"

// freshdesk-widget: the brand's backend signs {name, email, exp} and hands
// the token to the widget's authenticate callback. The exp is required, in
// the future and at most two hours ahead of now.
func init() {
	Register(Description{
		Name:       FreshdeskWidget,
		Summary:    "Freshdesk help widget: HS256 JWT with email and exp at most 2 hours ahead",
		Identities: "the email; name is a signed attribute",
		Rank:       70,
		Proof:      ProofJWT,
		Secret:     SecretText,
		Requires:   Email,
		// In the order of Freshdesk's samples; nbf is honoured if present.
		Claims: []Claim{
			{Name: "name", Kind: ClaimAttribute},
			{Name: "email", Kind: ClaimIdentity, Identity: Email, Required: true},
			{Name: "exp", Kind: ClaimTime, Required: true},
			{Name: "nbf", Kind: ClaimTime},
		},
		MaxAhead: 7200,
	})
}
