package verify

// Gleap is Gleap's identity verification (profiles.md, "Second-wave vendor
// profiles"): the userHash that Gleap.identify takes is the hex HMAC-SHA256
// of the user id, as a string.
const Gleap Profile = "gleap"

func init() {
	Register(Description{
		Name:        Gleap,
		Summary:     "Gleap: hex HMAC-SHA256 over the user id as a string (Gleap's userHash)",
		Identities:  "the user id",
		Rank:        80,
		Proof:       ProofDigest,
		Secret:      SecretText,
		Requires:    UID,
		Encoding:    DigestHex,
		Message:     SignsUserID(Gleap),
		MessageHint: "Gleap signs the user id, as the string Gleap.identify receives: its userHash is the hex HMAC-SHA256 of the user id",
	})
}
