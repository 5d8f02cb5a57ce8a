package model

import "time"

// AuditEntry is one admin action in the append-only audit log: who did
// what, to what, when and from where. Details never hold a secret.
type AuditEntry struct {
	ID          string `json:"id"`
	WorkspaceID string `json:"workspace_id,omitempty"` // empty for instance-wide actions
	// ActorRole and ActorID name who acted: an API token's role and id, or
	// "owner" for SIGNET_ADMIN_TOKEN.
	ActorRole Role   `json:"actor_role"`
	ActorID   string `json:"actor_id"`
	// Action is a stable verb such as "key.create" or "app.update".
	Action     string `json:"action"`
	TargetType string `json:"target_type"`
	TargetID   string `json:"target_id"`
	// Details are the changed settings and other context, never a secret.
	Details   map[string]any `json:"details,omitempty"`
	IP        string         `json:"ip"`
	UserAgent string         `json:"user_agent,omitempty"`
	At        time.Time      `json:"at"`
}

// AuditFilter narrows the audit log, newest first.
type AuditFilter struct {
	Action   string
	ActorID  string
	TargetID string
	Since    time.Time
	Limit    int
	// Before is a cursor: entries older than this entry id.
	Before string
}

// Throttle is a fixed-window failure counter's state.
type Throttle struct {
	Count   int
	ResetAt time.Time // when the window ends and the count starts again
}
