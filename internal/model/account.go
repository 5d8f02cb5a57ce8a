package model

import (
	"strings"
	"time"
)

// Role is what an account or API token may do within its workspace.
type Role string

// Roles.
const (
	// RoleOwner is the instance's operator: every workspace, and creating them.
	RoleOwner Role = "owner"
	// RoleAdmin manages a workspace: apps, keys, settings, tokens, accounts.
	RoleAdmin Role = "admin"
	// RoleAgent answers users: never sees or changes keys or settings.
	RoleAgent Role = "agent"
	// RoleMetrics is a token's only: it reads GET /metrics and nothing
	// else (instance-wide, made by an owner).
	RoleMetrics Role = "metrics"
)

// Account is a person who signs in to the dashboard.
type Account struct {
	ID          string `json:"id"`
	WorkspaceID string `json:"workspace_id,omitempty"` // empty for an owner
	Email       string `json:"email"`
	Role        Role   `json:"role"`
	// PasswordHash is an argon2id hash in the PHC string format.
	PasswordHash string    `json:"-"`
	CreatedAt    time.Time `json:"created_at"`
	// DisabledAt, when set, is when the account was disabled: it cannot
	// sign in, and its sessions and tokens ended then.
	DisabledAt *time.Time `json:"disabled_at,omitempty"`
	// ResetHash is the SHA-256 of a one-time password-reset token an admin
	// made, valid until ResetExpiresAt; nil when none is pending.
	ResetHash      []byte     `json:"-"`
	ResetExpiresAt *time.Time `json:"reset_expires_at,omitempty"`
}

// EmailKey is how account emails are compared: case-insensitively (unique
// per workspace, and among owners).
func EmailKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// APIToken is a bearer token for the admin or agent API, limited to one
// workspace and role (or, for RoleOwner, the whole instance). Only its hash
// is stored.
type APIToken struct {
	ID          string `json:"id"`
	WorkspaceID string `json:"workspace_id,omitempty"`
	Role        Role   `json:"role"`
	Name        string `json:"name,omitempty"`
	// Kind says whether the token is an API token or a dashboard session.
	Kind TokenKind `json:"-"`
	// AccountID is the account the token belongs to: the person signed in
	// for a dashboard session, the person who made it for an API token
	// made through the dashboard; "" otherwise. Disabling or deleting the
	// account revokes it.
	AccountID  string     `json:"account_id,omitempty"`
	TokenHash  []byte     `json:"-"`
	CreatedAt  time.Time  `json:"created_at"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	// ExpiresAt, when set, is when the token stops working; nil: it lasts
	// until revoked.
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
}

// API token lifetimes that POST /api/admin/workspaces/{ws}/tokens accepts
// as expires_in.
const (
	MinAPITokenLifetime = time.Minute
	MaxAPITokenLifetime = 366 * 24 * time.Hour
)

// TokenKind is what a token is for.
type TokenKind string

// Token kinds.
const (
	// TokenAPI is an API token: made by an admin, or an owner token.
	TokenAPI TokenKind = "api"
	// TokenDashboard is a person's dashboard session (internal/staff).
	TokenDashboard TokenKind = "dashboard"
)
