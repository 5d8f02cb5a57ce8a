package model

import "time"

// OtherAppVersion is the app version under which rollout readiness counts
// the versions past the ones it keeps apart (ReadinessVersions): app
// versions are chosen by clients, so their number has no bound of its own.
// A version literally named "other" is counted with them.
const OtherAppVersion = "other"

// ReadinessVersions is how many app versions of one app rollout readiness
// keeps apart: the ones with the most checked logins in the window.
const ReadinessVersions = 20

// ReadinessBucket counts one UTC day's checked logins of one app, platform
// and app version (rollout readiness).
type ReadinessBucket struct {
	// Day is the bucket's UTC day, at 00:00 UTC.
	Day        time.Time
	Platform   Platform
	AppVersion string
	// Total counts the checked logins (Attempt.Checked).
	Total int
	// Verified counts the signed ones (Attempt.Signed).
	Verified int
}

// Checked reports whether an attempt's identity was verified or failed
// verification: a failure always has a reason; an anonymous visitor and an
// unchecked login (enforcement off) have none. Rollout readiness counts
// these; the store computes the same rule in SQL.
func (a *Attempt) Checked() bool {
	return a.Signed() || a.Reason != ""
}

// Signed reports whether an attempt's signature verified: a verified
// login, or one refused afterwards for suspicious activity (rejected with
// no reason, and the key that verified it). Readiness measures whether the
// brand's clients sign correctly, so the refusal still counts as signed.
func (a *Attempt) Signed() bool {
	return a.Result == ResultVerified ||
		a.Result == ResultRejected && a.Reason == "" && a.KeyID != ""
}
