package verify

// akece: Akece's inbox identity validation, keyed with the inbox's
// validation token.
func init() {
	Register(Description{
		Name:        Akece,
		Summary:     "Akece: hex HMAC-SHA256 over the identifier with the inbox's validation token",
		Identities:  "the identifier, sent as user_id",
		Rank:        30,
		Proof:       ProofDigest,
		Secret:      SecretText,
		Requires:    UID,
		Encoding:    DigestHex,
		Message:     SignsUserID(Akece),
		MessageHint: "akece signs the identifier sent as user_id",
	})
}
