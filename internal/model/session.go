package model

import "time"

// Session is a logged-in SDK or widget session. Only a hash of its token is
// stored; the token itself goes to the client once.
type Session struct {
	ID          string `json:"id"`
	WorkspaceID string `json:"workspace_id"`
	AppID       string `json:"app_id"`
	UserID      string `json:"user_id"`
	// TokenHash is SHA-256 of the session token.
	TokenHash []byte `json:"-"`
	// KeyID is the key whose signature verified this session's login.
	KeyID     string `json:"key_id,omitempty"`
	Verified  bool   `json:"verified"`
	Anonymous bool   `json:"anonymous"`
	// SignedFields are the login fields the signature covered (user_id,
	// email, identities…); the others were only claimed.
	SignedFields []string   `json:"signed_fields"`
	DeviceID     string     `json:"device_id,omitempty"`
	AppVersion   string     `json:"app_version,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	ExpiresAt    time.Time  `json:"expires_at"`
	RevokedAt    *time.Time `json:"revoked_at,omitempty"`
	RevokeReason string     `json:"revoke_reason,omitempty"`
}

// Why a session was ended.
const (
	RevokedByAdmin  = "admin"
	RevokedByLogout = "logout"
	RevokedByKey    = "key_revoked"
	RevokedByUser   = "user_sessions_ended"
	// RevokedByHandOver ends an anonymous session whose issues moved to
	// the verified user who logged in on the same device.
	RevokedByHandOver = "handed_over"
	// RevokedBySuspicion ends sessions when a suspicious-activity signal fires.
	RevokedBySuspicion = "suspicious_activity"
	// RevokedByApp ends every session of an app at an admin's request.
	RevokedByApp = "app_sessions_ended"
)

// Check returns nil for a live session at now, else an error coded
// session_expired or session_revoked.
func (s *Session) Check(now time.Time) error {
	if s.RevokedAt != nil {
		return Errorf(CodeSessionRevoked, "this session was ended; log in again")
	}
	if !now.Before(s.ExpiresAt) {
		return Errorf(CodeSessionExpired, "this session has expired; log in again with a fresh signature")
	}
	return nil
}

// SessionFilter narrows a listing of sessions.
type SessionFilter struct {
	UserID string
	AppID  string
	KeyID  string
	// Live, when true, lists only sessions neither revoked nor expired at Now.
	Live  bool
	Now   time.Time
	Limit int
}
