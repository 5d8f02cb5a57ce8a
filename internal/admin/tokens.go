package admin

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"strings"
	"time"

	"github.com/signet-id/signet/internal/login"
	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/password"
	"github.com/signet-id/signet/verify"
)

// TokenPrefix marks Signet API tokens for secret scanners.
const TokenPrefix = "sat_"

// TokenLength is the length of an API token's text.
const TokenLength = len(TokenPrefix) + 43

// NewTokenText returns a new API token's text and the hash that is stored.
func NewTokenText() (string, []byte) {
	var b [32]byte
	rand.Read(b[:])
	t := TokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	return t, login.HashToken(t)
}

// DashboardTokenPrefix started the name of every dashboard session's token
// before tokens had a kind; names starting so stay reserved.
const DashboardTokenPrefix = "dashboard:"

// TokenRequest asks for an API token.
type TokenRequest struct {
	Role model.Role `json:"role"`
	Name string     `json:"name"`
	// ExpiresIn is the token's life in seconds; nil: until revoked.
	ExpiresIn *int64 `json:"expires_in"`
}

// NewToken is a token just created, with its text: shown this once.
type NewToken struct {
	*model.APIToken
	Token string `json:"token"`
}

// CreateToken creates an API token for workspace wsID. not_found,
// forbidden; invalid_request for a role other than admin or agent, a life
// outside model.MinAPITokenLifetime to model.MaxAPITokenLifetime, or a
// name that is not text of at most 200 bytes or is reserved.
func (s *Service) CreateToken(ctx context.Context, actor *model.Actor, wsID string, in TokenRequest) (*NewToken, error) {
	ws, err := s.AdminWorkspace(ctx, actor, wsID)
	if err != nil {
		return nil, err
	}
	if in.Role != model.RoleAdmin && in.Role != model.RoleAgent {
		return nil, model.Errorf(model.CodeInvalid, "role must be admin or agent")
	}
	minLife, maxLife := int64(model.MinAPITokenLifetime/time.Second), int64(model.MaxAPITokenLifetime/time.Second)
	if in.ExpiresIn != nil && (*in.ExpiresIn < minLife || *in.ExpiresIn > maxLife) {
		return nil, model.Errorf(model.CodeInvalid, "expires_in must be between %d and %d seconds", minLife, maxLife)
	}
	if len(in.Name) > 200 || !verify.ValidIdentityValue(in.Name) {
		return nil, model.Errorf(model.CodeInvalid, "name must be text of at most 200 bytes")
	}
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(in.Name)), DashboardTokenPrefix) {
		// Such names marked dashboard sessions once; a token named so could
		// still pass for a person's session to a reader of the audit log.
		return nil, model.Errorf(model.CodeInvalid, "names starting with %q are reserved for dashboard sessions", DashboardTokenPrefix)
	}
	text, hash := NewTokenText()
	// AccountID: a person who made a token saw its text; disabling or
	// deleting their account revokes it.
	t := &model.APIToken{ID: model.NewID("tok"), WorkspaceID: ws.ID, Role: in.Role, Name: in.Name, TokenHash: hash, CreatedAt: s.now(),
		AccountID: actor.AccountID}
	if in.ExpiresIn != nil {
		t.ExpiresAt = new(t.CreatedAt.Add(time.Duration(*in.ExpiresIn) * time.Second))
	}
	e := actor.Audit(t.CreatedAt, ws.ID, "token.create", "token", t.ID, map[string]any{"role": t.Role, "name": t.Name})
	if err := s.store.CreateAPIToken(ctx, t, e); err != nil {
		return nil, err
	}
	return &NewToken{t, text}, nil
}

// Tokens lists a workspace's API tokens, oldest first; not_found, forbidden.
func (s *Service) Tokens(ctx context.Context, actor *model.Actor, wsID string) ([]model.APIToken, error) {
	return listIn(ctx, s, actor, wsID, s.store.APITokens)
}

// RevokeToken revokes API token id of workspace wsID; not_found, forbidden.
func (s *Service) RevokeToken(ctx context.Context, actor *model.Actor, wsID, id string) error {
	tokens, err := s.Tokens(ctx, actor, wsID)
	if err != nil {
		return err
	}
	for _, t := range tokens {
		if t.ID == id {
			e := actor.Audit(s.now(), t.WorkspaceID, "token.revoke", "token", t.ID, map[string]any{"role": t.Role})
			return s.store.RevokeAPIToken(ctx, t.ID, e.At, e)
		}
	}
	return NotFound("token")
}

// AccountRequest asks for a dashboard account.
type AccountRequest struct {
	Email    string     `json:"email"`
	Password string     `json:"password"`
	Role     model.Role `json:"role"`
}

// CreateAccount creates a dashboard account in workspace wsID. not_found,
// forbidden; invalid_request for a role other than admin or agent, an email
// that is not one, a password outside 12 to 1024 bytes; conflict for an
// email taken.
func (s *Service) CreateAccount(ctx context.Context, actor *model.Actor, wsID string, in AccountRequest) (*model.Account, error) {
	ws, err := s.AdminWorkspace(ctx, actor, wsID)
	if err != nil {
		return nil, err
	}
	switch {
	case in.Role != model.RoleAdmin && in.Role != model.RoleAgent:
		return nil, model.Errorf(model.CodeInvalid, "role must be admin or agent")
	case !strings.Contains(in.Email, "@") || len(in.Email) > 254 || !verify.ValidIdentityValue(in.Email):
		return nil, model.Errorf(model.CodeInvalid, "email must be an email address")
	case len(in.Password) < 12 || len(in.Password) > 1024:
		return nil, model.Errorf(model.CodeInvalid, "password must be 12 to 1024 bytes")
	}
	a := &model.Account{ID: model.NewID("acc"), WorkspaceID: ws.ID, Email: in.Email, Role: in.Role,
		PasswordHash: password.Hash(in.Password), CreatedAt: s.now()}
	e := actor.Audit(a.CreatedAt, ws.ID, "account.create", "account", a.ID, map[string]any{"email": a.Email, "role": a.Role})
	if err := s.store.CreateAccount(ctx, a, e); err != nil {
		return nil, err
	}
	return a, nil
}

// Accounts lists a workspace's accounts; not_found, forbidden.
func (s *Service) Accounts(ctx context.Context, actor *model.Actor, wsID string) ([]model.Account, error) {
	return listIn(ctx, s, actor, wsID, s.store.Accounts)
}

// TokenActor returns the actor of a live API token's text, for the API's
// bearer authentication (the store finds no token past its expires_at).
// Errors: unauthenticated (malformed, unknown, revoked or expired).
func (s *Service) TokenActor(ctx context.Context, text string) (*model.Actor, error) {
	if !strings.HasPrefix(text, TokenPrefix) || len(text) != TokenLength {
		return nil, model.Errorf(model.CodeUnauthenticated, "unknown API token")
	}
	t, err := s.store.APITokenByHash(ctx, login.HashToken(text), s.now())
	if model.ErrorCode(err) == model.CodeNotFound || err == nil && t.RevokedAt != nil {
		return nil, model.Errorf(model.CodeUnauthenticated, "unknown, revoked or expired API token")
	}
	if err != nil {
		return nil, err
	}
	a := &model.Actor{Role: t.Role, WorkspaceID: t.WorkspaceID, TokenID: t.ID}
	if t.Kind == model.TokenDashboard {
		a.AccountID = t.AccountID // a person's session: their own password is theirs to change
	}
	return a, nil
}
