package model

import "time"

// Actor is who asks for an admin or agent action: an API token's holder, a
// person signed in to the dashboard (their session is a token too), or the
// instance's operator with SIGNET_ADMIN_TOKEN.
type Actor struct {
	Role Role
	// WorkspaceID is the workspace the actor belongs to; "" for an owner.
	WorkspaceID string
	// TokenID is the API token (or dashboard session) acting; "" for
	// SIGNET_ADMIN_TOKEN.
	TokenID string
	// AccountID is the dashboard account acting (a dashboard session, in
	// the dashboard or as an API bearer token); "" for API tokens.
	AccountID string
	// Address and UserAgent say where the request came from, for the audit log.
	Address   string
	UserAgent string
}

// CanAdminister reports whether the actor may manage workspace ws: its
// apps, keys, settings, tokens and accounts.
func (a *Actor) CanAdminister(ws string) bool {
	return a.Role == RoleOwner || a.Role == RoleAdmin && a.WorkspaceID == ws
}

// CanSee reports whether the actor may see workspace ws's users, sessions
// and conversations (an agent may; never its keys or settings).
func (a *Actor) CanSee(ws string) bool {
	return a.Role == RoleOwner || a.WorkspaceID != "" && a.WorkspaceID == ws && (a.Role == RoleAdmin || a.Role == RoleAgent)
}

// ID names the actor in the audit log: the token's id, or "owner" for
// SIGNET_ADMIN_TOKEN.
func (a *Actor) ID() string {
	if a.TokenID == "" {
		return "owner"
	}
	return a.TokenID
}

// Audit returns the audit entry of an action the actor takes at `at`.
func (a *Actor) Audit(at time.Time, workspaceID, action, targetType, targetID string, details map[string]any) *AuditEntry {
	ua := a.UserAgent
	if len(ua) > 300 {
		ua = ua[:300]
	}
	return &AuditEntry{ID: NewID("aud"), WorkspaceID: workspaceID, ActorRole: a.Role, ActorID: a.ID(),
		Action: action, TargetType: targetType, TargetID: targetID, Details: details, IP: a.Address, UserAgent: ua, At: at}
}
