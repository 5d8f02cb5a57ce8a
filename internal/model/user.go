package model

import (
	"time"

	"github.com/signet-id/signet/verify"
)

// User is an end user of a workspace: verified identities name them;
// anonymous users have none.
type User struct {
	ID          string `json:"id"`
	WorkspaceID string `json:"workspace_id"`
	Anonymous   bool   `json:"anonymous"`
	Name        string `json:"name,omitempty"`
	// NameSigned says the login that set Name carried it inside the
	// signature (a signed claim of the token), stored at that login.
	NameSigned bool       `json:"name_signed"`
	CreatedAt  time.Time  `json:"created_at"`
	Identities []Identity `json:"identities"`
}

// NameUnsigned reports whether the user's display name is shown as
// unsigned: a name the app sent that no signature covered. This is the
// one place the dashboard's "unsigned" label is decided.
func (u *User) NameUnsigned() bool { return u.Name != "" && !u.NameSigned }

// Identity is one identifier of a user, either verified (covered by a
// signature that Signet checked) or only claimed (sent, not signed: stored
// for agents to see, never used to find or link a user).
type Identity struct {
	Type     verify.IdentityType `json:"type"`
	Value    string              `json:"value"`
	Verified bool                `json:"verified"`
	Metadata map[string]string   `json:"metadata,omitempty"`
	// AppID and KeyID say through which app and key it was last verified
	// (or, for a claim, through which app it was sent).
	AppID string `json:"app_id,omitempty"`
	KeyID string `json:"key_id,omitempty"`
	// SeenAt is when it was last presented; VerifiedAt when last verified.
	SeenAt     time.Time  `json:"seen_at"`
	VerifiedAt *time.Time `json:"verified_at,omitempty"`
}

// IdentityConflict records a signed identity that another verified user
// already holds: Signet never merges users silently.
type IdentityConflict struct {
	WorkspaceID string              `json:"workspace_id"`
	Type        verify.IdentityType `json:"type"`
	Value       string              `json:"value"`
	HolderID    string              `json:"holder_id"`   // the user who holds it
	ClaimantID  string              `json:"claimant_id"` // the user who presented it
	AppID       string              `json:"app_id"`
	At          time.Time           `json:"at"`
}

// UserFilter narrows a listing of users.
type UserFilter struct {
	// Identity, when set, finds users holding this identity value (verified
	// or claimed), for an admin's search.
	Identity string
	Limit    int
	// Before is a cursor: users created before this id's user.
	Before string
}
