package verify

// Front is Front Chat's identity verification (profiles.md, "Second-wave
// vendor profiles"): the userHash is the hex HMAC-SHA256 of "the signed
// one", the user id when one is sent, else the email.
const Front Profile = "front"

func init() {
	Register(Description{
		Name:        Front,
		Summary:     "Front Chat: hex HMAC-SHA256 over the user id when one is sent, else the email (Front's userHash)",
		Identities:  "only the signed one verified: the user id when one is sent, else the email; with both sent, the email is not signed and stays unverified",
		Rank:        60,
		Proof:       ProofDigest,
		Secret:      SecretText,
		Encoding:    DigestHex,
		Message:     SignsUserIDElseEmail,
		MessageHint: "Front signs the user id when you send one (userId), else the email: its userHash covers that one alone",
	})
}
