package verify

// pylon-hmac: Pylon's chat identity verification by digest; Pylon's own
// samples hex-decode the secret before keying the HMAC.
func init() {
	Register(Description{
		Name:        PylonHMAC,
		Summary:     "Pylon (HMAC): hex HMAC-SHA256 over the email, with the hex-decoded secret",
		Identities:  "the email",
		Rank:        40,
		Proof:       ProofDigest,
		Secret:      SecretHex,
		Requires:    Email,
		Encoding:    DigestHex,
		Message:     SignsEmail(PylonHMAC),
		MessageHint: "pylon-hmac signs the email",
	})
}
