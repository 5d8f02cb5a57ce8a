package staff

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"time"

	"github.com/signet-id/signet/internal/admin"
	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/password"
	"github.com/signet-id/signet/internal/store"
)

// The account lifecycle: disable, enable, delete, change a role, change
// one's own password, and an admin's one-time password reset. Who may:
// an owner, on every account; a workspace admin, on its workspace's
// accounts only (another workspace's are not_found); an agent, on none
// (forbidden), but its own password. Every change is written with its
// audit entry in one transaction, and the tokens it ends are revoked in
// that transaction too: on every node at once (the store's cache
// publishes them on the events bus). Each entry's "tokens_ended" is set
// by the store to how many it revoked. The instance keeps at least one
// enabled owner account (the database holds the rule).

// ResetLifetime is how long an admin's password-reset token works.
const ResetLifetime = 24 * time.Hour

// ResetPrefix starts a password-reset token, for secret scanners.
const ResetPrefix = "srs_"

// resetLength is a reset token's length: the prefix and 32 random bytes.
const resetLength = len(ResetPrefix) + 43

// Lifecycle errors, each with its own message.
var (
	ErrAccountDisabled = model.Errorf(model.CodeUnauthenticated, "this account is disabled: ask an admin of your workspace")
	ErrNotAPerson      = model.Errorf(model.CodeForbidden, "only a person signed in to the dashboard has a password to change (an API token has none)")
	ErrCurrentPassword = model.Errorf(model.CodeForbidden, "the current password is not right")
	ErrPassword        = model.Errorf(model.CodeInvalid, "the new password must be 12 to 1024 bytes long")
	ErrResetUnknown    = model.Errorf(model.CodeNotFound, "this reset link is unknown, already used or expired: ask an admin for a new one")
)

// account returns account id for an actor who may manage it: not_found
// when the actor may not see its workspace, forbidden when it may see
// but not administer it.
func (s *Service) account(ctx context.Context, actor *model.Actor, id string) (*model.Account, error) {
	if !model.ValidID("acc", id) {
		return nil, admin.NotFound("account")
	}
	acc, err := s.store.Account(ctx, id)
	if model.ErrorCode(err) == model.CodeNotFound {
		return nil, admin.NotFound("account")
	} else if err != nil {
		return nil, err
	}
	if !actor.CanSee(acc.WorkspaceID) {
		return nil, admin.NotFound("account")
	}
	if !actor.CanAdminister(acc.WorkspaceID) {
		return nil, model.Errorf(model.CodeForbidden, "only admins manage accounts")
	}
	return acc, nil
}

// Account returns account id, for an actor who may manage it; not_found,
// forbidden.
func (s *Service) Account(ctx context.Context, actor *model.Actor, id string) (*model.Account, error) {
	return s.account(ctx, actor, id)
}

// DisableAccount disables account id: it cannot sign in, and every token
// it holds (its dashboard sessions and the API tokens it made) is revoked
// at once. Disabling a disabled account changes nothing. not_found,
// forbidden; conflict for the last enabled owner.
func (s *Service) DisableAccount(ctx context.Context, actor *model.Actor, id string) (*model.Account, error) {
	acc, err := s.account(ctx, actor, id)
	if err != nil || acc.DisabledAt != nil {
		return acc, err
	}
	now := s.now()
	next := *acc
	next.DisabledAt, next.ResetHash, next.ResetExpiresAt = &now, nil, nil
	e := actor.Audit(now, acc.WorkspaceID, "account.disable", "account", acc.ID, map[string]any{"email": acc.Email, "tokens_ended": 0})
	if _, err := s.store.UpdateAccount(ctx, &store.AccountChange{Account: &next, Prior: acc, EndTokens: true, At: now, Audit: e}); err != nil {
		return nil, err
	}
	return &next, nil
}

// EnableAccount enables account id again (its revoked tokens stay
// revoked); not_found, forbidden.
func (s *Service) EnableAccount(ctx context.Context, actor *model.Actor, id string) (*model.Account, error) {
	acc, err := s.account(ctx, actor, id)
	if err != nil || acc.DisabledAt == nil {
		return acc, err
	}
	now := s.now()
	next := *acc
	next.DisabledAt = nil
	e := actor.Audit(now, acc.WorkspaceID, "account.enable", "account", acc.ID, map[string]any{"email": acc.Email, "tokens_ended": 0})
	if _, err := s.store.UpdateAccount(ctx, &store.AccountChange{Account: &next, Prior: acc, At: now, Audit: e}); err != nil {
		return nil, err
	}
	return &next, nil
}

// DeleteAccount deletes account id and revokes every token it holds;
// not_found, forbidden; conflict for the last enabled owner.
func (s *Service) DeleteAccount(ctx context.Context, actor *model.Actor, id string) error {
	acc, err := s.account(ctx, actor, id)
	if err != nil {
		return err
	}
	now := s.now()
	e := actor.Audit(now, acc.WorkspaceID, "account.delete", "account", acc.ID, map[string]any{"email": acc.Email, "role": acc.Role, "tokens_ended": 0})
	_, err = s.store.DeleteAccount(ctx, acc.ID, now, e)
	return err
}

// RoleChange asks for an account's new role.
type RoleChange struct {
	Role model.Role `json:"role"`
	// WorkspaceID is where an owner made admin or agent goes (required
	// then); otherwise the account stays in its workspace.
	WorkspaceID string `json:"workspace_id"`
}

// SetRole changes account id's role and ends its dashboard sessions
// (they carry the old role). A workspace admin gives admin or agent
// within its workspace; only an owner makes or unmakes owners.
// not_found (also for an unknown workspace), forbidden; invalid_request
// for an unknown role, or an owner demoted without a workspace; conflict
// for the last enabled owner, or an email taken in the workspace.
func (s *Service) SetRole(ctx context.Context, actor *model.Actor, id string, in RoleChange) (*model.Account, error) {
	acc, err := s.account(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	ws := acc.WorkspaceID
	switch in.Role {
	case model.RoleOwner:
		ws = ""
	case model.RoleAdmin, model.RoleAgent:
		if in.WorkspaceID != "" {
			ws = in.WorkspaceID
		}
		if ws == "" {
			return nil, model.Errorf(model.CodeInvalid, "workspace_id is required to make an owner an admin or agent")
		}
		if !model.ValidID("ws", ws) {
			return nil, admin.NotFound("workspace")
		}
	default:
		return nil, model.Errorf(model.CodeInvalid, "role must be owner, admin or agent")
	}
	if !actor.CanAdminister(ws) {
		if ws == "" {
			return nil, model.Errorf(model.CodeForbidden, "only an owner makes owners")
		}
		return nil, admin.NotFound("workspace")
	}
	if in.Role == acc.Role && ws == acc.WorkspaceID {
		return acc, nil
	}
	now := s.now()
	next := *acc
	next.Role, next.WorkspaceID = in.Role, ws
	e := actor.Audit(now, acc.WorkspaceID, "account.role", "account", acc.ID,
		map[string]any{"email": acc.Email, "from": acc.Role, "to": in.Role, "workspace_id": ws, "tokens_ended": 0})
	if _, err := s.store.UpdateAccount(ctx, &store.AccountChange{Account: &next, Prior: acc, EndSessions: true, At: now, Audit: e}); err != nil {
		return nil, err
	}
	return &next, nil
}

// PasswordChange is a person's change of their own password.
type PasswordChange struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

// ChangePassword changes the actor's own password, given the current one,
// and ends the account's other dashboard sessions. forbidden
// (ErrNotAPerson for an API token; ErrCurrentPassword, counted as a
// failure); invalid_request (ErrPassword); rate_limited.
func (s *Service) ChangePassword(ctx context.Context, actor *model.Actor, in PasswordChange) error {
	if actor.AccountID == "" {
		return ErrNotAPerson
	}
	acc, err := s.store.Account(ctx, actor.AccountID)
	if model.ErrorCode(err) == model.CodeNotFound || err == nil && acc.DisabledAt != nil {
		return ErrNotAPerson
	} else if err != nil {
		return err
	}
	if len(in.NewPassword) < 12 || len(in.NewPassword) > 1024 {
		return ErrPassword
	}
	ticket, err := s.try(ctx, []string{"dash-password:" + acc.ID})
	if err != nil {
		return err
	}
	ok := len(in.CurrentPassword) <= 1024 && s.verify(in.CurrentPassword, acc.PasswordHash)
	s.done(ctx, ticket, !ok)
	if !ok {
		return ErrCurrentPassword
	}
	now := s.now()
	next := *acc
	next.PasswordHash = password.Hash(in.NewPassword)
	e := actor.Audit(now, acc.WorkspaceID, "account.password_change", "account", acc.ID, map[string]any{"email": acc.Email, "tokens_ended": 0})
	_, err = s.store.UpdateAccount(ctx, &store.AccountChange{Account: &next, Prior: acc, EndSessions: true, KeepToken: actor.TokenID, At: now, Audit: e})
	return err
}

// verify checks a password under the bound on concurrent argon2id checks.
func (s *Service) verify(pw, hash string) bool {
	s.hashing <- struct{}{}
	defer func() { <-s.hashing }()
	return password.Verify(pw, hash)
}

// ResetToken is a one-time password-reset token: its text is shown once.
type ResetToken struct {
	AccountID string    `json:"account_id"`
	Token     string    `json:"reset_token"`
	ExpiresAt time.Time `json:"expires_at"`
	// Path is the dashboard page that takes it, to be put after the
	// dashboard's address.
	Path string `json:"reset_path"`
}

// IssueReset makes a one-time password-reset token for account id, valid
// for ResetLifetime; a new one replaces any pending one. The password
// stays until the token is used. not_found, forbidden; conflict for a
// disabled account.
func (s *Service) IssueReset(ctx context.Context, actor *model.Actor, id string) (*ResetToken, error) {
	acc, err := s.account(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if acc.DisabledAt != nil {
		return nil, model.Errorf(model.CodeConflict, "the account is disabled: enable it first")
	}
	var b [32]byte
	rand.Read(b[:])
	text := ResetPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	h := sha256.Sum256([]byte(text))
	now := s.now()
	next := *acc
	next.ResetHash, next.ResetExpiresAt = h[:], new(now.Add(ResetLifetime))
	e := actor.Audit(now, acc.WorkspaceID, "account.password_reset_issue", "account", acc.ID,
		map[string]any{"email": acc.Email, "expires_at": next.ResetExpiresAt.UnixMilli(), "tokens_ended": 0})
	if _, err := s.store.UpdateAccount(ctx, &store.AccountChange{Account: &next, Prior: acc, At: now, Audit: e}); err != nil {
		return nil, err
	}
	return &ResetToken{AccountID: acc.ID, Token: text, ExpiresAt: *next.ResetExpiresAt, Path: "/dashboard/reset?token=" + text}, nil
}

// RedeemReset sets a new password with a reset token, once, and ends the
// account's dashboard sessions. not_found (ErrResetUnknown: unknown, used,
// expired, or the account disabled); invalid_request (ErrPassword);
// rate_limited, per address.
func (s *Service) RedeemReset(ctx context.Context, token, newPassword, address, userAgent string) error {
	if len(newPassword) < 12 || len(newPassword) > 1024 {
		return ErrPassword
	}
	ticket, err := s.try(ctx, throttleKeys("reset", address)[1:])
	if err != nil {
		return err
	}
	if !strings.HasPrefix(token, ResetPrefix) || len(token) != resetLength {
		s.done(ctx, ticket, true)
		return ErrResetUnknown
	}
	h := sha256.Sum256([]byte(token))
	now := s.now()
	e := &model.AuditEntry{ID: model.NewID("aud"), ActorID: "password reset link", Action: "account.password_reset",
		IP: address, UserAgent: truncate(userAgent, 300), At: now}
	_, _, err = s.store.RedeemReset(ctx, h[:], password.Hash(newPassword), now, e)
	s.done(ctx, ticket, model.ErrorCode(err) == model.CodeNotFound)
	if model.ErrorCode(err) == model.CodeNotFound {
		return ErrResetUnknown
	}
	return err
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
