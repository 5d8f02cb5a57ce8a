package verify

// helpshift-legacy: Helpshift's original identity verification, a base64
// HMAC-SHA256 over the user id and the email joined with no separator.
func init() {
	Register(Description{
		Name:            HelpshiftLegacy,
		Summary:         "Helpshift (legacy): base64 HMAC-SHA256 over user id + email; full privacy signs the user id only",
		Identities:      "the user id and the email sent, both verified; with full privacy the user id only",
		Rank:            10,
		Proof:           ProofDigest,
		Secret:          SecretText,
		Encoding:        DigestBase64,
		Message:         helpshiftLegacyMessage,
		MessageHint:     "helpshift-legacy signs the user id followed by the email, no separator",
		FullPrivacyHint: "with full privacy, helpshift-legacy signs the user id only",
		// uid "12" + email "3a@b.co" and uid "123" + email "a@b.co" give
		// one digest: see internal/login/legacy.go.
		SplitAmbiguous: true,
	})
}

func helpshiftLegacyMessage(uid, email string, fullPrivacy bool) (string, []Identity, *Error) {
	if fullPrivacy {
		if uid == "" {
			return "", nil, fail(ReasonIdentityRequired, "with full privacy the digest covers the user id, and none was sent")
		}
		return uid, []Identity{{Type: UID, Value: uid}}, nil
	}
	switch {
	case uid != "" && email != "":
		return uid + email, []Identity{{Type: UID, Value: uid}, {Type: Email, Value: email}}, nil
	case uid != "":
		return uid, []Identity{{Type: UID, Value: uid}}, nil
	case email != "":
		return email, []Identity{{Type: Email, Value: email}}, nil
	}
	return "", nil, fail(ReasonIdentityRequired, "neither a user id nor an email was sent")
}
