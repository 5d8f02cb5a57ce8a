package verify

// Plain is Plain's chat authentication (profiles.md, "Second-wave vendor
// profiles"): customerDetails.emailHash is the hex HMAC-SHA256 of the email.
const Plain Profile = "plain"

func init() {
	Register(Description{
		Name:        Plain,
		Summary:     "Plain: hex HMAC-SHA256 over the email (Plain's emailHash)",
		Identities:  "the email",
		Rank:        70,
		Proof:       ProofDigest,
		Secret:      SecretText,
		Requires:    Email,
		Encoding:    DigestHex,
		Message:     SignsEmail(Plain),
		MessageHint: "Plain signs the email: its emailHash is the hex HMAC-SHA256 of customerDetails.email",
	})
}
