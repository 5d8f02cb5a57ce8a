package verify

import "errors"

// Reason is the stable code of why a verification failed (profiles.md).
type Reason string

// The reason codes. Stable: they appear in JSON output, API error bodies,
// the verification log and metrics labels.
const (
	ReasonMalformed           Reason = "malformed"
	ReasonTooLarge            Reason = "too_large"
	ReasonAlgorithmNotAllowed Reason = "algorithm_not_allowed"
	ReasonHeaderNotAllowed    Reason = "header_not_allowed"
	ReasonSignatureMismatch   Reason = "signature_mismatch"
	ReasonClaimInvalid        Reason = "claim_invalid"
	ReasonExpired             Reason = "expired"
	ReasonNotYetValid         Reason = "not_yet_valid"
	ReasonIssuedInFuture      Reason = "issued_in_future"
	ReasonIssuedTooLongAgo    Reason = "issued_too_long_ago"
	ReasonLifetimeTooLong     Reason = "lifetime_too_long"
	ReasonAudienceMismatch    Reason = "audience_mismatch"
	ReasonIdentityRequired    Reason = "identity_required"
	ReasonUnknownIdentityType Reason = "unknown_identity_type"
	ReasonIdentityMismatch    Reason = "identity_mismatch"
	ReasonReplayed            Reason = "replayed"
	ReasonKeyUnknown          Reason = "key_unknown"
	ReasonKeyRevoked          Reason = "key_revoked"
)

// Reasons returns every reason code.
func Reasons() []Reason {
	return []Reason{ReasonMalformed, ReasonTooLarge, ReasonAlgorithmNotAllowed, ReasonHeaderNotAllowed,
		ReasonSignatureMismatch, ReasonClaimInvalid, ReasonExpired, ReasonNotYetValid, ReasonIssuedInFuture,
		ReasonIssuedTooLongAgo, ReasonLifetimeTooLong, ReasonAudienceMismatch, ReasonIdentityRequired,
		ReasonUnknownIdentityType, ReasonIdentityMismatch, ReasonReplayed, ReasonKeyUnknown, ReasonKeyRevoked}
}

// Cause is the doctor's code for why a signature did not match (profiles.md).
type Cause string

// The cause codes.
const (
	CauseWrongMessage   Cause = "wrong_message"
	CauseWrongEncoding  Cause = "wrong_encoding"
	CauseSecretEncoding Cause = "secret_encoding"
	CauseMilliseconds   Cause = "milliseconds"
	CauseClockSkew      Cause = "clock_skew"
	CauseOtherKey       Cause = "other_key"
	CauseNotTheSecret   Cause = "not_the_secret"
	// CauseAlgorithmMismatch: the token's alg is not the algorithm of the
	// key its kid names (an HS256 token for a public key: the confusion).
	CauseAlgorithmMismatch Cause = "algorithm_mismatch"
	// CauseKeyNotPublished: the token is signed with a key the app's JWKS
	// does not list (or no longer lists).
	CauseKeyNotPublished Cause = "key_not_published"
	CauseUnknown         Cause = "unknown"
)

// Error is a failed verification: a stable Reason and a message for a person.
// The message never contains a secret, digest or token.
type Error struct {
	Reason  Reason
	Message string
}

func (e *Error) Error() string { return string(e.Reason) + ": " + e.Message }

func fail(r Reason, msg string) *Error { return &Error{Reason: r, Message: msg} }

// ReasonOf returns the reason code of err, or "" when err is nil or not a
// verification failure.
func ReasonOf(err error) Reason {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ""
}
