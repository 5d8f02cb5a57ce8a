// Package staff is how people reach the dashboard: first-run setup of the
// owner account, sign-in with a password under failure limits, dashboard
// sessions (tokens of kind model.TokenDashboard, which the API accepts too,
// expiring with the session) and the CSRF tokens of the dashboard's forms.
// The dashboard (internal/web) keeps the cookies; this package keeps the
// rules.
package staff

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/signet-id/signet/internal/admin"
	"github.com/signet-id/signet/internal/login"
	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/password"
	"github.com/signet-id/signet/internal/store"
	"github.com/signet-id/signet/internal/throttle"
	"github.com/signet-id/signet/verify"
)

// Defaults of Config.
const (
	DefaultSignInFailures = 10
	DefaultSignInWindow   = 15 * time.Minute
	// SessionLifetime is how long a dashboard session lasts: its token
	// expires then, for the API too.
	SessionLifetime = 12 * time.Hour
	// tokenNamePrefix starts a dashboard session's token name, before the
	// account's email: what the token lists show.
	tokenNamePrefix = admin.DashboardTokenPrefix + " "
)

// Config is what the service needs.
type Config struct {
	Store store.Store
	// Limiter counts failed sign-ins; nil makes one for this node.
	Limiter *throttle.Limiter
	Now     func() time.Time
	Logger  *slog.Logger
	// AdminToken is SIGNET_ADMIN_TOKEN, an owner token setup accepts.
	AdminToken string
	// SignInFailures per SignInWindow, per email and per client address;
	// 0 means the defaults.
	SignInFailures int
	SignInWindow   time.Duration
	// KeepSetupToken keeps the first-run owner token working after an
	// owner account exists (--keep-setup-token); it is revoked otherwise.
	KeepSetupToken bool
}

// Service signs staff in and keeps their sessions.
type Service struct {
	store     store.Store
	limiter   *throttle.Limiter
	now       func() time.Time
	log       *slog.Logger
	adminHash []byte
	limit     throttle.Limit
	// dummyHash is verified against for an unknown email, so that the time
	// a sign-in takes does not tell whether the account exists.
	dummyHash func() string
	// hashing bounds concurrent argon2id verifications (64 MiB each).
	hashing        chan struct{}
	keepSetupToken bool
}

// New returns the service.
func New(c Config) *Service {
	s := &Service{store: c.Store, limiter: c.Limiter, now: c.Now, log: c.Logger, hashing: make(chan struct{}, 4), keepSetupToken: c.KeepSetupToken,
		limit: throttle.Limit{Max: c.SignInFailures, Window: c.SignInWindow}}
	if s.limiter == nil {
		s.limiter = throttle.New(c.Store, nil, nil)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.limit.Max == 0 {
		s.limit.Max = DefaultSignInFailures
	}
	if s.limit.Window == 0 {
		s.limit.Window = DefaultSignInWindow
	}
	// Slow down before the lock: past half the limit each failure waits.
	s.limit.SlowAfter, s.limit.Delay = s.limit.Max/2, throttle.SignInDelay
	if c.AdminToken != "" {
		h := sha256.Sum256([]byte(c.AdminToken))
		s.adminHash = h[:]
	}
	s.dummyHash = sync.OnceValue(func() string { return password.Hash("signet: no such account") })
	go s.dummyHash() // ready before the first sign-in, so even that one takes the usual time
	return s
}

// Session is a signed-in staff member.
type Session struct {
	// Token is the session token's text: the cookie's value, nowhere else.
	Token   string
	TokenID string
	// AccountID is the account signed in.
	AccountID string
	Email     string
	Role      model.Role
	// WorkspaceID is "" for an owner.
	WorkspaceID string
	// CSRF is the token the session's forms carry.
	CSRF string
}

// Actor is the session as the services' actor, from address with userAgent.
func (s *Session) Actor(address, userAgent string) *model.Actor {
	return &model.Actor{Role: s.Role, WorkspaceID: s.WorkspaceID, TokenID: s.TokenID, AccountID: s.AccountID, Address: address, UserAgent: userAgent}
}

// CSRFToken derives a CSRF token from a cookie's secret value: a page can
// only know it by reading the dashboard's own HTML.
func CSRFToken(secret string) string {
	key := sha256.Sum256([]byte(secret))
	m := hmac.New(sha256.New, key[:])
	m.Write([]byte("signet csrf"))
	return hex.EncodeToString(m.Sum(nil))
}

// CSRFValid compares a token sent with the one expected, in constant time.
func CSRFValid(got, want string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// errRefused is Session's answer for a token that is not a live dashboard
// session.
var errRefused = model.Errorf(model.CodeUnauthenticated, "no such dashboard session")

// Session finds the dashboard session whose token is text.
// unauthenticated when the token is unknown, revoked, not a dashboard
// session, older than SessionLifetime (it is then revoked) or no longer
// matches its account; any other error is the database's.
func (s *Service) Session(ctx context.Context, text string) (*Session, error) {
	now := s.now()
	t, err := s.store.APITokenByHash(ctx, login.HashToken(text), now)
	if model.ErrorCode(err) == model.CodeNotFound {
		return nil, errRefused
	}
	if err != nil {
		return nil, err
	}
	if t.RevokedAt != nil || t.Kind != model.TokenDashboard || !strings.HasPrefix(t.Name, tokenNamePrefix) {
		return nil, errRefused
	}
	if now.Sub(t.CreatedAt) >= SessionLifetime {
		if err := s.store.RevokeAPIToken(ctx, t.ID, now, nil); err != nil {
			s.log.WarnContext(ctx, "expired dashboard session not revoked", "token", t.ID, "err", err)
		}
		return nil, errRefused
	}
	// The token names its account (migration 0013 gave the older ones
	// theirs): a disabled, deleted or changed account has no session.
	if t.AccountID == "" {
		return nil, errRefused
	}
	acc, err := s.store.Account(ctx, t.AccountID)
	if model.ErrorCode(err) == model.CodeNotFound {
		return nil, errRefused
	}
	if err != nil {
		return nil, err
	}
	if acc.DisabledAt != nil || acc.Role != t.Role || acc.WorkspaceID != t.WorkspaceID {
		return nil, errRefused
	}
	return &Session{Token: text, TokenID: t.ID, AccountID: acc.ID, Email: acc.Email, Role: t.Role, WorkspaceID: t.WorkspaceID, CSRF: CSRFToken(text)}, nil
}

// start signs acc in: a new token of kind dashboard, of the account's role
// and workspace, expiring with the session, written with its audit entry.
// The account's expired dashboard tokens are revoked on the way.
func (s *Service) start(ctx context.Context, acc *model.Account, address, userAgent string) (*Session, error) {
	now := s.now()
	text, hash := admin.NewTokenText()
	t := &model.APIToken{ID: model.NewID("tok"), WorkspaceID: acc.WorkspaceID, Role: acc.Role, Kind: model.TokenDashboard,
		Name: tokenNamePrefix + acc.Email, TokenHash: hash, CreatedAt: now, ExpiresAt: new(now.Add(SessionLifetime)), AccountID: acc.ID}
	actor := &model.Actor{Role: acc.Role, WorkspaceID: acc.WorkspaceID, TokenID: t.ID, AccountID: acc.ID, Address: address, UserAgent: userAgent}
	e := actor.Audit(now, acc.WorkspaceID, "dashboard.signin", "account", acc.ID, map[string]any{"email": acc.Email})
	if err := s.store.CreateAPIToken(ctx, t, e); err != nil {
		return nil, err
	}
	if old, err := s.store.APITokens(ctx, acc.WorkspaceID); err == nil {
		for _, o := range old {
			if o.Kind == model.TokenDashboard && o.AccountID == acc.ID && o.RevokedAt == nil && now.Sub(o.CreatedAt) >= SessionLifetime {
				s.store.RevokeAPIToken(ctx, o.ID, now, nil)
			}
		}
	}
	return &Session{Token: text, TokenID: t.ID, AccountID: acc.ID, Email: acc.Email, Role: acc.Role, WorkspaceID: acc.WorkspaceID, CSRF: CSRFToken(text)}, nil
}

// SignOut ends the session, with its audit entry.
func (s *Service) SignOut(ctx context.Context, sess *Session, address, userAgent string) error {
	now := s.now()
	e := sess.Actor(address, userAgent).Audit(now, sess.WorkspaceID, "dashboard.signout", "token", sess.TokenID, nil)
	return s.store.RevokeAPIToken(ctx, sess.TokenID, now, e)
}

// throttleKeys name the sign-in failure counters: an email from an
// address (an IPv6 /64), and an address (throttle.SignInKeys). A flood of
// wrong passwords from elsewhere never locks an owner out of their own
// address.
func throttleKeys(email, addr string) []string { return throttle.SignInKeys(email, addr) }

// try admits one check under the limits of keys, checking and counting in
// one step: concurrent wrong passwords get no more checks than the limit.
// rate_limited (with RetryAfter) when a key used up its failures.
func (s *Service) try(ctx context.Context, keys []string) (*throttle.Ticket, error) {
	checks := make([]throttle.Check, len(keys))
	for i, k := range keys {
		checks[i] = throttle.Check{Key: k, Limit: s.limit}
	}
	return s.limiter.Try(ctx, s.now(), checks...)
}

// done ends a check, counting it when it failed.
func (s *Service) done(ctx context.Context, t *throttle.Ticket, failed bool) {
	if err := t.Done(ctx, s.now(), failed); err != nil {
		s.log.WarnContext(ctx, "sign-in failure not counted", "err", err)
	}
}

// ErrWrongPassword is SignIn's answer for an unknown email or a wrong
// password: the two are not told apart.
var ErrWrongPassword = model.Errorf(model.CodeUnauthenticated, "the email or password is not right")

// SignIn checks email and password and starts a session. unauthenticated
// (ErrWrongPassword); rate_limited, with RetryAfter, once the email or the
// address used up its failures.
func (s *Service) SignIn(ctx context.Context, email, pw, address, userAgent string) (*Session, error) {
	ticket, err := s.try(ctx, throttleKeys(email, address))
	if err != nil {
		return nil, err
	}
	acc, ok := s.checkPassword(ctx, email, pw)
	s.done(ctx, ticket, !ok || acc.DisabledAt != nil)
	if !ok {
		s.log.InfoContext(ctx, "dashboard sign-in failed", "addr", address)
		return nil, ErrWrongPassword
	}
	if acc.DisabledAt != nil {
		s.log.InfoContext(ctx, "dashboard sign-in to a disabled account", "addr", address, "account", acc.ID)
		return nil, ErrAccountDisabled
	}
	return s.start(ctx, acc, address, userAgent)
}

// checkPassword finds the account and checks its password. An unknown email
// costs the same argon2id work as a known one. An email may name accounts
// in several workspaces (emails are unique per workspace): the oldest
// whose password matches signs in; at most maxSameEmail are tried.
func (s *Service) checkPassword(ctx context.Context, email, pw string) (*model.Account, bool) {
	if len(pw) > 1024 || len(email) > 254 {
		return nil, false
	}
	accounts, err := s.store.AccountsByEmail(ctx, email)
	if err != nil {
		s.log.ErrorContext(ctx, "sign-in: account lookup failed", "err", err)
	}
	if len(accounts) == 0 {
		s.verify(pw, s.dummyHash())
		return nil, false
	}
	for i := range accounts[:min(len(accounts), maxSameEmail)] {
		if s.verify(pw, accounts[i].PasswordHash) {
			return &accounts[i], true
		}
	}
	return nil, false
}

// maxSameEmail bounds the argon2id checks one sign-in makes.
const maxSameEmail = 5

// NeedsSetup reports whether no owner account exists yet: then Setup
// creates one.
func (s *Service) NeedsSetup(ctx context.Context) bool {
	owners, err := s.store.Accounts(ctx, "")
	return err == nil && len(owners) == 0
}

// SetupRequest is the first-run form.
type SetupRequest struct {
	// OwnerToken is the owner API token the first run printed, or
	// SIGNET_ADMIN_TOKEN.
	OwnerToken string
	Email      string
	Password   string
	// Password2 repeats Password.
	Password2 string
}

// Setup errors, each with its own message for the form.
var (
	ErrSetUp         = model.Errorf(model.CodeConflict, "Signet is already set up: sign in with the owner account")
	ErrSetupEmail    = model.Errorf(model.CodeInvalid, "enter your email address")
	ErrSetupPassword = model.Errorf(model.CodeInvalid, "the password must be 12 to 1024 bytes long")
	ErrSetupRepeat   = model.Errorf(model.CodeInvalid, "the two passwords are not the same")
	ErrNotOwnerToken = model.Errorf(model.CodeUnauthenticated, "that is not an owner API token")
	ErrEmailTaken    = model.Errorf(model.CodeConflict, "an account with this email already exists")
)

// Setup creates the owner account, once, for the holder of an owner token,
// and signs them in. conflict (ErrSetUp, ErrEmailTaken); invalid_request
// (ErrSetupEmail, ErrSetupPassword, ErrSetupRepeat); unauthenticated
// (ErrNotOwnerToken, counted as a failure of the address); rate_limited.
func (s *Service) Setup(ctx context.Context, in SetupRequest, address, userAgent string) (*Session, error) {
	if !s.NeedsSetup(ctx) {
		return nil, ErrSetUp
	}
	ticket, err := s.try(ctx, throttleKeys("setup", address)[1:])
	if err != nil {
		return nil, err
	}
	counted := false
	defer func() { s.done(ctx, ticket, counted) }()
	switch {
	case !strings.Contains(in.Email, "@") || len(in.Email) > 254 || !verify.ValidIdentityValue(in.Email):
		return nil, ErrSetupEmail
	case len(in.Password) < 12 || len(in.Password) > 1024:
		return nil, ErrSetupPassword
	case in.Password2 != in.Password:
		return nil, ErrSetupRepeat
	}
	actor, err := s.owner(ctx, in.OwnerToken)
	if err != nil {
		counted = model.ErrorCode(err) == model.CodeUnauthenticated
		return nil, err
	}
	actor.Address, actor.UserAgent = address, userAgent
	acc := &model.Account{ID: model.NewID("acc"), Email: in.Email, Role: model.RoleOwner,
		PasswordHash: password.Hash(in.Password), CreatedAt: s.now()}
	e := actor.Audit(acc.CreatedAt, "", "account.create", "account", acc.ID, map[string]any{"email": acc.Email, "role": acc.Role, "via": "dashboard setup"})
	if err := s.store.CreateAccount(ctx, acc, e); err != nil {
		if model.ErrorCode(err) == model.CodeConflict {
			return nil, ErrEmailTaken
		}
		return nil, err
	}
	// The owner signs in with a password from now on: the first-run token,
	// printed in a terminal, stops working (unless kept).
	if n, err := s.RevokeFirstRunTokens(ctx, actor); err != nil {
		s.log.ErrorContext(ctx, "setup: the first-run token was not revoked", "err", err)
	} else if n > 0 {
		s.log.InfoContext(ctx, "setup: the first-run owner token is revoked now that an owner account exists", "tokens", n)
	}
	return s.start(ctx, acc, address, userAgent)
}

// owner returns the actor of an owner token: SIGNET_ADMIN_TOKEN, or a live
// owner API token; ErrNotOwnerToken otherwise.
func (s *Service) owner(ctx context.Context, token string) (*model.Actor, error) {
	if s.IsAdminToken(token) {
		a, err := s.AdminTokenActor(ctx)
		if model.ErrorCode(err) == model.CodeUnauthenticated {
			return nil, ErrNotOwnerToken
		}
		return a, err
	}
	if !strings.HasPrefix(token, admin.TokenPrefix) || len(token) != admin.TokenLength {
		return nil, ErrNotOwnerToken
	}
	t, err := s.store.APITokenByHash(ctx, login.HashToken(token), s.now())
	switch {
	case model.ErrorCode(err) == model.CodeNotFound:
		return nil, ErrNotOwnerToken
	case err != nil:
		return nil, err
	case t.RevokedAt != nil || t.Role != model.RoleOwner:
		return nil, ErrNotOwnerToken
	}
	return &model.Actor{Role: model.RoleOwner, TokenID: t.ID}, nil
}

// Once reports whether a form's nonce is used for the first time (shared
// by every node through the store's counters): a form that makes a secret
// is taken once.
func (s *Service) Once(ctx context.Context, nonce string) (bool, error) {
	if len(nonce) != 32 {
		return false, nil
	}
	t, err := s.store.Hit(ctx, "dash-once:"+nonce, 24*time.Hour, s.now())
	if err != nil {
		return false, err
	}
	return t.Count == 1, nil
}

// TokenNames names the tokens of a workspace (owner tokens when ws is ""),
// by id: who wrote a reply or an audit entry, as the dashboard shows it.
// A workspace's only for an actor who may see it (none otherwise); the
// owners' for everyone, since owners act in every workspace.
func (s *Service) TokenNames(ctx context.Context, actor *model.Actor, ws string) map[string]string {
	out := map[string]string{}
	if ws != "" && !actor.CanSee(ws) {
		return out
	}
	l, err := s.store.APITokens(ctx, ws)
	if err != nil {
		return out
	}
	for _, t := range l {
		out[t.ID] = t.Name
	}
	return out
}

// RateLimited returns how long to wait when err is rate_limited.
func RateLimited(err error) (time.Duration, bool) {
	var e *model.Error
	if errors.As(err, &e) && e.Code == model.CodeRateLimited {
		return e.RetryAfter, true
	}
	return 0, false
}
