package staff

import (
	"bytes"
	"context"
	"crypto/subtle"
	"strings"
	"time"

	"github.com/signet-id/signet/internal/admin"
	"github.com/signet-id/signet/internal/login"
	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/verify"
)

// Owner tokens are tokens: the first-run token a fresh install prints and
// SIGNET_ADMIN_TOKEN are rows of the token table like any other (owner
// role, no workspace), listed without their text, revocable, and the
// first-run one expiring. SIGNET_ADMIN_TOKEN gets its row the first time
// it is used; revoked, it stays refused until the variable holds another
// value.

// Names of the owner tokens Signet makes itself.
const (
	FirstRunTokenName = "first-run owner token"
	EnvTokenName      = "SIGNET_ADMIN_TOKEN"
)

// errOwnersOnly is the answer to anyone but an owner reaching for
// instance-wide tokens.
var errOwnersOnly = model.Errorf(model.CodeForbidden, "only the instance owner manages instance-wide tokens")

// IsAdminToken reports whether text is SIGNET_ADMIN_TOKEN, in constant time.
func (s *Service) IsAdminToken(text string) bool {
	if s.adminHash == nil {
		return false
	}
	h := login.HashToken(text)
	return subtle.ConstantTimeCompare(h, s.adminHash) == 1
}

// AdminTokenActor is the actor of SIGNET_ADMIN_TOKEN (the caller checked
// IsAdminToken), once its row (made on first use) says it is live:
// unauthenticated once it was revoked or expired. Its actions are logged
// as "owner", as they always were. While the database does not answer, the
// token works on its own: it is the operator's way in.
func (s *Service) AdminTokenActor(ctx context.Context) (*model.Actor, error) {
	owner := &model.Actor{Role: model.RoleOwner}
	now := s.now()
	for range 2 {
		t, err := s.store.APITokenByHash(ctx, s.adminHash, now)
		switch {
		case err == nil && t.RevokedAt == nil:
			return owner, nil
		case err == nil:
			return nil, model.Errorf(model.CodeUnauthenticated, "SIGNET_ADMIN_TOKEN was revoked: give the variable a new value")
		case model.ErrorCode(err) != model.CodeNotFound:
			s.log.WarnContext(ctx, "SIGNET_ADMIN_TOKEN accepted without its row: the database did not answer", "err", err)
			return owner, nil
		}
		t = &model.APIToken{ID: model.NewID("tok"), Role: model.RoleOwner, Kind: model.TokenAPI, Name: EnvTokenName,
			TokenHash: s.adminHash, CreatedAt: now}
		// Bookkeeping, not anyone's action: no audit entry (the operator set
		// the variable; its revocation is audited).
		err = s.store.CreateAPIToken(ctx, t, nil)
		if err == nil {
			return owner, nil
		}
		if model.ErrorCode(err) != model.CodeConflict {
			s.log.WarnContext(ctx, "SIGNET_ADMIN_TOKEN accepted without its row: the database did not take it", "err", err)
			return owner, nil
		}
		// Another node made it meanwhile, or it exists but expired: look again.
	}
	return nil, model.Errorf(model.CodeUnauthenticated, "SIGNET_ADMIN_TOKEN has expired")
}

// OwnerTokens lists the instance-wide API tokens (owner and metrics; not
// the owners' dashboard sessions), oldest first, never their text; owners
// only (forbidden).
func (s *Service) OwnerTokens(ctx context.Context, actor *model.Actor) ([]model.APIToken, error) {
	if actor.Role != model.RoleOwner {
		return nil, errOwnersOnly
	}
	l, err := s.store.APITokens(ctx, "")
	if err != nil {
		return nil, err
	}
	out := []model.APIToken{}
	for _, t := range l {
		if t.Kind != model.TokenDashboard {
			out = append(out, t)
		}
	}
	return out, nil
}

// InstanceTokenRequest asks for an instance-wide token.
type InstanceTokenRequest struct {
	// Role is owner (everything) or metrics (GET /metrics, nothing else).
	Role model.Role `json:"role"`
	Name string     `json:"name"`
	// ExpiresIn is the token's life in seconds; nil: until revoked.
	ExpiresIn *int64 `json:"expires_in"`
}

// CreateInstanceToken makes an owner or metrics token; owners only
// (forbidden); invalid_request for another role, a life out of bounds or
// a bad name.
func (s *Service) CreateInstanceToken(ctx context.Context, actor *model.Actor, in InstanceTokenRequest) (*admin.NewToken, error) {
	if actor.Role != model.RoleOwner {
		return nil, errOwnersOnly
	}
	if in.Role != model.RoleOwner && in.Role != model.RoleMetrics {
		return nil, model.Errorf(model.CodeInvalid, "role must be owner or metrics")
	}
	minLife, maxLife := int64(model.MinAPITokenLifetime/time.Second), int64(model.MaxAPITokenLifetime/time.Second)
	if in.ExpiresIn != nil && (*in.ExpiresIn < minLife || *in.ExpiresIn > maxLife) {
		return nil, model.Errorf(model.CodeInvalid, "expires_in must be between %d and %d seconds", minLife, maxLife)
	}
	if len(in.Name) > 200 || !verify.ValidIdentityValue(in.Name) {
		return nil, model.Errorf(model.CodeInvalid, "name must be text of at most 200 bytes")
	}
	if n := strings.ToLower(strings.TrimSpace(in.Name)); strings.HasPrefix(n, admin.DashboardTokenPrefix) ||
		n == strings.ToLower(FirstRunTokenName) || n == strings.ToLower(EnvTokenName) {
		return nil, model.Errorf(model.CodeInvalid, "that name is reserved for the tokens Signet makes itself")
	}
	text, hash := admin.NewTokenText()
	t := &model.APIToken{ID: model.NewID("tok"), Role: in.Role, Kind: model.TokenAPI, Name: in.Name, TokenHash: hash,
		CreatedAt: s.now(), AccountID: actor.AccountID}
	if in.ExpiresIn != nil {
		t.ExpiresAt = new(t.CreatedAt.Add(time.Duration(*in.ExpiresIn) * time.Second))
	}
	e := actor.Audit(t.CreatedAt, "", "token.create", "token", t.ID, map[string]any{"role": t.Role, "name": t.Name})
	if err := s.store.CreateAPIToken(ctx, t, e); err != nil {
		return nil, err
	}
	return &admin.NewToken{APIToken: t, Token: text}, nil
}

// RevokeOwnerToken revokes an instance-wide token (the first-run token and
// SIGNET_ADMIN_TOKEN included); not_found, also for anyone but an owner.
func (s *Service) RevokeOwnerToken(ctx context.Context, actor *model.Actor, id string) error {
	if actor.Role != model.RoleOwner {
		return admin.NotFound("token") // what is not theirs to see does not exist for them
	}
	l, err := s.store.APITokens(ctx, "")
	if err != nil {
		return err
	}
	for _, t := range l {
		if t.ID == id {
			e := actor.Audit(s.now(), "", "token.revoke", "token", t.ID, map[string]any{"role": t.Role})
			return s.store.RevokeAPIToken(ctx, t.ID, e.At, e)
		}
	}
	return admin.NotFound("token")
}

// RevokeFirstRunTokens revokes the live first-run tokens once an owner
// account exists (unless the operator keeps them: Config.KeepSetupToken),
// returning how many it revoked.
func (s *Service) RevokeFirstRunTokens(ctx context.Context, actor *model.Actor) (int, error) {
	if s.keepSetupToken {
		return 0, nil
	}
	if owners, err := s.store.Accounts(ctx, ""); err != nil || len(owners) == 0 {
		return 0, err
	}
	l, err := s.store.APITokens(ctx, "")
	if err != nil {
		return 0, err
	}
	n := 0
	for _, t := range l {
		if t.Kind == model.TokenAPI && t.Name == FirstRunTokenName && t.RevokedAt == nil {
			e := actor.Audit(s.now(), "", "token.revoke", "token", t.ID, map[string]any{"role": t.Role})
			if err := s.store.RevokeAPIToken(ctx, t.ID, e.At, e); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

// NeedsSetupToken reports whether a fresh first-run token is needed: no
// owner account, and no owner API token alive (unrevoked, unexpired; the
// row of a SIGNET_ADMIN_TOKEN no longer set does not count).
func (s *Service) NeedsSetupToken(ctx context.Context) (bool, error) {
	if owners, err := s.store.Accounts(ctx, ""); err != nil || len(owners) > 0 {
		return false, err
	}
	l, err := s.store.APITokens(ctx, "")
	if err != nil {
		return false, err
	}
	now := s.now()
	for _, t := range l {
		// SIGNET_ADMIN_TOKEN's row counts only while the variable holds
		// that token: unset, it lets no one in.
		env := t.Name == EnvTokenName && (s.adminHash == nil || !bytes.Equal(t.TokenHash, s.adminHash))
		if t.Role == model.RoleOwner && t.RevokedAt == nil && (t.ExpiresAt == nil || t.ExpiresAt.After(now)) && !env {
			return false, nil
		}
	}
	return true, nil
}
