package verify

// intercom: Intercom's identity verification (user_hash), one secret per
// platform (iOS, Android, web).
func init() {
	Register(Description{
		Name:        Intercom,
		Summary:     "Intercom: hex HMAC-SHA256 over the user_id, else the email; one secret per platform",
		Identities:  "the user id when one is sent, else the email; with both sent, the email is not signed and stays unverified",
		Rank:        20,
		Proof:       ProofDigest,
		Secret:      SecretText,
		Encoding:    DigestHex,
		Message:     SignsUserIDElseEmail,
		MessageHint: "intercom signs the user_id when one is sent, else the email",
	})
}
