package model

import (
	"time"

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
	Diagnosis string    `json:"diagnosis,omitempty"`
	KeyID     string    `json:"key_id,omitempty"`
	UserID    string    `json:"user_id,omitempty"`
	At        time.Time `json:"at"`
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
