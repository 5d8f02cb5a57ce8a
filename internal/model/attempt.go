package model

import (
	"time"
	"unicode/utf8"

	"github.com/signet-id/signet/verify"
)

// LoginResult is how a login attempt ended.
type LoginResult string

// Login results.
const (
	ResultVerified   LoginResult = "verified"   // signature checked: a verified session
	ResultUnverified LoginResult = "unverified" // let in without trust (off, or a monitor failure)
	ResultAnonymous  LoginResult = "anonymous"  // no identity, or a failure on an anonymous app
	ResultRejected   LoginResult = "rejected"   // refused with 401
	// ResultThrottled is refused with 429 before verification (metrics
	// only: throttled attempts are not written to the log).
	ResultThrottled LoginResult = "throttled"
)

// Attempt is one entry of the verification log: every login attempt. It
// never holds the secret, digest or token.
type Attempt struct {
	ID          string         `json:"id"`
	WorkspaceID string         `json:"workspace_id"`
	AppID       string         `json:"app_id"`
	Platform    Platform       `json:"platform"`
	Profile     verify.Profile `json:"profile"`
	AppVersion  string         `json:"app_version,omitempty"`
	Result      LoginResult    `json:"result"`
	// Reason and Cause explain a failed verification (codes of verify).
	Reason verify.Reason `json:"reason,omitempty"`
	Cause  verify.Cause  `json:"cause,omitempty"`
	// Diagnosis is the doctor's explanation, for the brand's admins.
	Diagnosis string `json:"diagnosis,omitempty"`
	KeyID     string `json:"key_id,omitempty"`
	UserID    string `json:"user_id,omitempty"`
	// ClaimedUserID and ClaimedEmail are the identity an attempt that was
	// not verified named (the request's fields, or a token's unverified
	// payload): unverified, attacker-chosen text, kept so that an admin
	// finds who failed. Set through ClaimedValue; empty on a verified
	// attempt, whose UserID says who it was.
	ClaimedUserID string    `json:"claimed_user_id,omitempty"`
	ClaimedEmail  string    `json:"claimed_email,omitempty"`
	At            time.Time `json:"at"`
}

// MaxClaimed bounds a claimed identity kept in the verification log, in
// bytes: enough for any real user id or email, little for a flood.
const MaxClaimed = 128

// ClaimedInvalid is what the log keeps instead of a claimed identity that
// breaks the identity character rules (verify.ValidIdentity: control or
// invisible formatting characters, invalid UTF-8).
const ClaimedInvalid = "(not shown: invalid characters)"

// ClaimedValue is v as the verification log keeps it: as given when it
// passes the identity character rules, cut to MaxClaimed bytes (at a
// character boundary, marked with "…"), else ClaimedInvalid.
func ClaimedValue(v string) string {
	if !verify.ValidIdentity(v) {
		return ClaimedInvalid
	}
	if len(v) <= MaxClaimed {
		return v
	}
	cut := MaxClaimed - len("…")
	for cut > 0 && !utf8.RuneStart(v[cut]) {
		cut--
	}
	return v[:cut] + "…"
}

// AttemptFilter narrows the verification log.
type AttemptFilter struct {
	AppID  string
	Result LoginResult
	Reason verify.Reason
	UserID string
	Since  time.Time
	Until  time.Time
	Limit  int
	// Before is a cursor: attempts older than this attempt id.
	Before string
}
