package verify

// HelpScout is Help Scout Beacon's secure mode (profiles.md, "Second-wave
// vendor profiles"): Beacon's signature is the hex HMAC-SHA256 of the email.
const HelpScout Profile = "helpscout"

func init() {
	Register(Description{
		Name:        HelpScout,
		Summary:     "Help Scout Beacon: hex HMAC-SHA256 over the email (Beacon's signature)",
		Identities:  "the email",
		Rank:        50,
		Proof:       ProofDigest,
		Secret:      SecretText,
		Requires:    Email,
		Encoding:    DigestHex,
		Message:     SignsEmail(HelpScout),
		MessageHint: "Help Scout signs the email: Beacon's signature is the hex HMAC-SHA256 of the email sent with it",
	})
}
