// Package store defines how Signet keeps its data: one Store interface,
// implemented over SQL for both SQLite (the embedded default) and PostgreSQL
// (many stateless nodes), and one conformance suite (storetest) that both run.
//
// Errors: a missing row is an error coded model.CodeNotFound; a uniqueness
// violation model.CodeConflict. Times are stored in UNIX milliseconds (UTC).
// Methods never log and never return a secret.
package store

import (
	"context"
	"errors"
	"time"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/verify"
)

// Store is Signet's storage.
type Store interface {
	// Ping checks the database answers (for /readyz).
	Ping(ctx context.Context) error
	// Close releases the database.
	Close() error
	// Unavailable reports whether err, returned by a method of the Store,
	// means the database cannot serve right now (unreachable, restarting,
	// locked or full) rather than a fault in the request or in Signet.
	Unavailable(err error) bool

	// CreateWorkspace stores w; w.ID and w.CreatedAt are set by the caller.
	CreateWorkspace(ctx context.Context, w *model.Workspace, audit *model.AuditEntry) error
	// Workspace returns one workspace; not_found.
	Workspace(ctx context.Context, id string) (*model.Workspace, error)
	// Workspaces lists all workspaces, oldest first.
	Workspaces(ctx context.Context) ([]model.Workspace, error)

	// CreateApp stores a; not_found if its workspace does not exist.
	CreateApp(ctx context.Context, a *model.App, audit *model.AuditEntry) error
	// App returns one app; not_found.
	App(ctx context.Context, id string) (*model.App, error)
	// Apps lists a workspace's apps, oldest first.
	Apps(ctx context.Context, workspaceID string) ([]model.App, error)
	// UpdateApp saves a's settings (every field but ID, WorkspaceID,
	// CreatedAt); not_found.
	UpdateApp(ctx context.Context, a *model.App, audit *model.AuditEntry) error

	// DeleteApp deletes app id and what is its alone, in one transaction
	// with the audit entry (Details["sessions_ended"] set): its keys, its
	// sessions (ended at once: deleted), its conversations (issues and
	// their messages), its verification log and identity conflicts. Users
	// stay (they belong to the workspace), as do their identities, which
	// forget the app and key they came through; another app's messages
	// written by one of its sessions stay, without the session. It returns
	// how many live sessions it ended; not_found.
	DeleteApp(ctx context.Context, id string, at time.Time, audit *model.AuditEntry) (int, error)
	// DeleteWorkspace deletes workspace id and everything in it — apps,
	// keys, users and identities, sessions, conversations, the
	// verification log, identity conflicts, API tokens, dashboard sessions
	// and staff accounts — in one transaction with the audit entry
	// (Details["sessions_ended"] set). The audit log is kept: it is
	// append-only and outlives what it names. It returns how many live
	// sessions it ended; not_found.
	DeleteWorkspace(ctx context.Context, id string, at time.Time, audit *model.AuditEntry) (int, error)

	// CreateKey stores k (already sealed); not_found if its app does not
	// exist; conflict if k.Material already serves another profile in the
	// workspace through a key not revoked (one secret never serves two
	// profiles), a rule the database holds under concurrent imports too.
	CreateKey(ctx context.Context, k *model.Key, audit *model.AuditEntry) error
	// Key returns one key; not_found.
	Key(ctx context.Context, id string) (*model.Key, error)
	// AppKeys lists an app's keys in every state, oldest first.
	AppKeys(ctx context.Context, appID string) ([]model.Key, error)
	// WorkspaceKeys lists every key of a workspace's apps, oldest first.
	WorkspaceKeys(ctx context.Context, workspaceID string) ([]model.Key, error)
	// RetireKey sets the end of k's grace period; not_found; conflict if
	// the key is revoked.
	RetireKey(ctx context.Context, id string, until time.Time, audit *model.AuditEntry) error
	// RevokeKey revokes the key at `at` and, in the same transaction, ends
	// every live session it created (reason model.RevokedByKey) and nothing
	// else; it returns how many sessions it ended. Revoking a revoked key is
	// a no-op that ends nothing; not_found. The audit entry, when given, is
	// written with Details["sessions_ended"] set. A revoked key's material may
	// then serve another profile once no other key uses it.
	RevokeKey(ctx context.Context, id string, at time.Time, audit *model.AuditEntry) (int, error)

	// SyncJWKS makes the app's JWKS keys (model.Key.Kid set) those of a
	// set just fetched, with the fetch's record, in one transaction: keys
	// (sealed, with Kid, Algorithm and Fingerprint) the app does not hold
	// by kid and fingerprint are added, dropped ones listed again become
	// active (unless revoked), held ones no longer listed stop verifying
	// at fetch.CheckedAt. It reports whether a key changed; not_found.
	SyncJWKS(ctx context.Context, appID string, keys []model.Key, fetch *model.JWKSFetch) (bool, error)
	// RecordJWKSFetch saves a fetch's outcome when no key changes (a
	// failure); not_found if the app does not exist.
	RecordJWKSFetch(ctx context.Context, fetch *model.JWKSFetch) error
	// JWKSFetch returns the last fetch of an app's JWKS; not_found if none.
	JWKSFetch(ctx context.Context, appID string) (*model.JWKSFetch, error)

	// Login writes everything a successful login produces, in one
	// transaction: it resolves the user (see Login), creates the session,
	// records the attempt and marks the key used. On error nothing is written.
	Login(ctx context.Context, l *Login) (*LoginOutcome, error)
	// RecordAttempt writes an attempt that created no session (a rejection).
	RecordAttempt(ctx context.Context, a *model.Attempt) error
	// Attempts lists a workspace's verification log, newest first;
	// attempts written in the same millisecond come last written first.
	Attempts(ctx context.Context, workspaceID string, f model.AttemptFilter) ([]model.Attempt, error)

	// User returns one user with all their identities; not_found.
	User(ctx context.Context, id string) (*model.User, error)
	// Users lists a workspace's users with their identities, newest first.
	Users(ctx context.Context, workspaceID string, f model.UserFilter) ([]model.User, error)
	// VerifiedUser returns the user who holds the identity verified in the
	// workspace (at most one does); not_found when nobody does.
	VerifiedUser(ctx context.Context, workspaceID string, typ verify.IdentityType, value string) (*model.User, error)
	// Conflicts lists the identity conflicts recorded in a workspace, newest first.
	Conflicts(ctx context.Context, workspaceID string) ([]model.IdentityConflict, error)

	// SessionByToken finds a session, whatever its state, by what its
	// token names: the session's id and the SHA-256 of the token's text,
	// which must match (compared in constant time), or, for a token of the
	// legacy shape that names no session (sessionID ""), the hash alone;
	// not_found, the same for an unknown id and a wrong hash.
	SessionByToken(ctx context.Context, sessionID string, hash []byte) (*model.Session, error)
	// Session returns one session; not_found.
	Session(ctx context.Context, id string) (*model.Session, error)
	// Sessions lists a workspace's sessions, newest first.
	Sessions(ctx context.Context, workspaceID string, f model.SessionFilter) ([]model.Session, error)
	// RevokeSession ends one session; ending an ended session is a no-op
	// that keeps the first reason; not_found.
	RevokeSession(ctx context.Context, id, reason string, at time.Time, audit *model.AuditEntry) error
	// RevokeUserSessions ends every live session of a user, returning how many.
	// A non-nil audit entry is appended in the same transaction, with
	// "sessions_ended" (how many) added to its details; so for the others.
	RevokeUserSessions(ctx context.Context, userID, reason string, at time.Time, audit *model.AuditEntry) (int, error)

	// CreateAccount stores a; conflict if the email is taken.
	CreateAccount(ctx context.Context, a *model.Account, audit *model.AuditEntry) error
	// AccountByEmail finds the oldest account with this email, compared
	// case-insensitively; not_found.
	AccountByEmail(ctx context.Context, email string) (*model.Account, error)
	// AccountsByEmail lists the accounts with this email, compared
	// case-insensitively (one per workspace at most, and one owner),
	// oldest first.
	AccountsByEmail(ctx context.Context, email string) ([]model.Account, error)
	// Account returns one account; not_found.
	Account(ctx context.Context, id string) (*model.Account, error)
	// UpdateAccount writes ch.Account's workspace, role, password hash,
	// disabled and reset fields and, in the same transaction, revokes the
	// account's tokens ch asks for and writes ch.Audit (with
	// Details["tokens_ended"]). It returns the ids of the tokens it revoked.
	// not_found; not_found for a workspace that does not exist; conflict
	// when the account changed since ch.Prior was read, when the email is
	// taken where the account moves, or when the change would leave no
	// enabled owner account (the database holds the rule
	// under concurrent changes).
	UpdateAccount(ctx context.Context, ch *AccountChange) ([]string, error)
	// DeleteAccount deletes an account and revokes every token it holds,
	// with audit, in one transaction; it returns the revoked tokens' ids.
	// not_found; conflict for the last enabled owner account.
	DeleteAccount(ctx context.Context, id string, at time.Time, audit *model.AuditEntry) ([]string, error)
	// RedeemReset finds the enabled account whose pending reset token
	// hashes to hash and has not expired at `at`, sets its password hash,
	// clears the reset (it works once), revokes its dashboard sessions and
	// writes audit (its workspace, target and, when empty, actor role set
	// to the account's), in one
	// transaction. It returns the account and the revoked tokens' ids;
	// not_found for an unknown, used or expired token.
	RedeemReset(ctx context.Context, hash []byte, passwordHash string, at time.Time, audit *model.AuditEntry) (*model.Account, []string, error)
	// Accounts lists a workspace's accounts (owners when workspaceID is "").
	Accounts(ctx context.Context, workspaceID string) ([]model.Account, error)
	// SetAccountPassword replaces an account's password hash; not_found.
	SetAccountPassword(ctx context.Context, id, passwordHash string) error

	// CreateAPIToken stores t (its hash only).
	CreateAPIToken(ctx context.Context, t *model.APIToken, audit *model.AuditEntry) error
	// APITokenByHash finds a token by the SHA-256 of its text, revoked or
	// not, and records its use at `at`; not_found, also for a token whose
	// ExpiresAt is at or before `at` (an expired token is never returned).
	APITokenByHash(ctx context.Context, hash []byte, at time.Time) (*model.APIToken, error)
	// APITokens lists a workspace's tokens (owner tokens when workspaceID is "").
	APITokens(ctx context.Context, workspaceID string) ([]model.APIToken, error)
	// RevokeAPIToken revokes a token; not_found.
	RevokeAPIToken(ctx context.Context, id string, at time.Time, audit *model.AuditEntry) error
	// CreateIssue stores an issue and its first message in one transaction.
	CreateIssue(ctx context.Context, i *model.Issue, first *model.Message) error
	// Issue returns one issue; not_found.
	Issue(ctx context.Context, id string) (*model.Issue, error)
	// Issues lists a workspace's issues by last activity, newest first.
	Issues(ctx context.Context, workspaceID string, f model.IssueFilter) ([]model.Issue, error)
	// AddMessage appends m to its issue and moves the issue's last
	// activity; not_found if the issue does not exist.
	AddMessage(ctx context.Context, m *model.Message) error
	// Reply is AddMessage for a user's reply: in the same transaction a
	// resolved issue reopens (at the message's time). It reports whether
	// the issue reopened.
	Reply(ctx context.Context, m *model.Message) (reopened bool, err error)
	// Messages lists an issue's messages, oldest first; messages written in
	// the same millisecond keep the order they were written in.
	Messages(ctx context.Context, issueID string, f model.MessageFilter) ([]model.Message, error)
	// Message returns one message; not_found.
	Message(ctx context.Context, id string) (*model.Message, error)
	// SetIssueStatus opens or resolves an issue at `at`; not_found.
	SetIssueStatus(ctx context.Context, id string, status model.IssueStatus, at time.Time) error
	// CountSessionIssues counts the issues a session opened after `since`
	// (exclusive: the window of a rate limit).
	CountSessionIssues(ctx context.Context, sessionID string, since time.Time) (int, error)
	// CountSessionMessages counts the messages a session wrote after `since`
	// (exclusive).
	CountSessionMessages(ctx context.Context, sessionID string, since time.Time) (int, error)

	// Hit counts one failure under key in a fixed window of length window
	// starting at the first failure; a window that ended at or before `at`
	// starts again at 1. It returns the state after counting. Every node of
	// one database shares the counters.
	Hit(ctx context.Context, key string, window time.Duration, at time.Time) (model.Throttle, error)
	// Throttled returns key's state at `at` without counting (Count 0 when
	// there is no live window).
	Throttled(ctx context.Context, key string, at time.Time) (model.Throttle, error)
	// LiveThrottles returns every window still live at `at` (reset_at >
	// at), by key: what a node's limiter loads when it cannot know what it
	// missed. The table holds recent failures only, so it is small.
	LiveThrottles(ctx context.Context, at time.Time) (map[string]model.Throttle, error)
	// PurgeThrottles deletes the windows that ended before `at`.
	PurgeThrottles(ctx context.Context, at time.Time) (int, error)

	// AppendAudit adds an entry to the audit log. The write methods that
	// take an audit entry (CreateApp, CreateKey…) write it in the same
	// transaction as the change it records: both, or neither; nil writes
	// none (seeding, tools, tests).
	//
	// AppendAudit adds an entry to the audit log. The log is append-only:
	// the store offers no way to change or delete an entry, and the
	// database refuses UPDATE and DELETE on it.
	AppendAudit(ctx context.Context, e *model.AuditEntry) error
	// Audit lists a workspace's audit entries (instance-wide ones when
	// workspaceID is ""), newest first.
	Audit(ctx context.Context, workspaceID string, f model.AuditFilter) ([]model.AuditEntry, error)

	// Readiness counts an app's checked logins (model.Attempt.Checked) of
	// the verification log from `since` (inclusive) on, per UTC day,
	// platform and app version, with how many were signed
	// (model.Attempt.Signed); the database does the counting. At most
	// `versions` app versions are kept apart: the ones with the most
	// checked logins since `since` (ties: the most recently seen first);
	// the others are summed per day and platform under
	// model.OtherAppVersion. Buckets with no checked login are left out;
	// the order is day, platform, app version (byte order).
	Readiness(ctx context.Context, appID string, since time.Time, versions int) ([]model.ReadinessBucket, error)
	// PruneAttempts deletes, of the limit verification-log entries written
	// first, those older than `before` (At < before), and returns how many
	// it deleted: fewer than limit means none older is left, but for
	// entries written out of time order (by a batch of logins, a clock's
	// step), which go on a later call. One short statement, so that
	// callers can prune in batches between logins; invalid if limit < 1.
	PruneAttempts(ctx context.Context, before time.Time, limit int) (int, error)
	// PruneSessions deletes at most limit sessions that ended before
	// endedBefore (expired: ExpiresAt < endedBefore, or revoked: RevokedAt
	// < endedBefore) and returns how many it deleted. A session that an
	// issue or a message names (who opened it, who wrote it) is kept
	// whatever its age, so that no reference breaks: fewer than limit
	// means no other ended session is left. Live sessions are never
	// deleted; invalid if limit < 1.
	PruneSessions(ctx context.Context, endedBefore time.Time, limit int) (int, error)
	// PruneUsedTokens deletes at most limit one-time tokens' ids
	// (Login.OneTimeToken) whose token expired before `before`, returning
	// how many: fewer than limit means none is left. Invalid if limit < 1.
	PruneUsedTokens(ctx context.Context, before time.Time, limit int) (int, error)

	// RevokeAppSessions ends every live session of an app, returning how many.
	RevokeAppSessions(ctx context.Context, appID, reason string, at time.Time, audit *model.AuditEntry) (int, error)
	// CountUserDevices counts the distinct device ids of the user's
	// sessions created after `since`, counting `current` too (the device
	// logging in now); sessions without a device id tell nothing. One
	// bounded query, whatever the user's history.
	CountUserDevices(ctx context.Context, userID string, since time.Time, current string) (int, error)
	// DeviceSeen reports whether the user has a session from deviceID
	// created after `since` (an index lookup).
	DeviceSeen(ctx context.Context, userID, deviceID string, since time.Time) (bool, error)
	// RememberAddress records that the user logged in, verified, from the
	// address group addrKey (hashed) at `at`.
	RememberAddress(ctx context.Context, userID, addrKey string, at time.Time) error
	// AddressKnown reports whether the user logged in, verified, from
	// addrKey after `since` (a primary-key lookup).
	AddressKnown(ctx context.Context, userID, addrKey string, since time.Time) (bool, error)
	// ForgetAddresses deletes the known addresses last seen before
	// `before`, returning how many.
	ForgetAddresses(ctx context.Context, before time.Time) (int, error)
	// ResealKeys rewrites every key's sealed secret with reseal, in one
	// transaction (master-key rotation): all keys or none. It returns how
	// many changed; reseal returns nil to leave a key's secret as it is.
	// A fingerprint reseal set on k is written too (keyring.Refingerprint).
	ResealKeys(ctx context.Context, reseal func(k *model.Key) ([]byte, error)) (int, error)

	// SetKeyMaterials gives keys that are not revoked their material
	// (model.Key.Material), computed by material from the sealed secret and
	// the app's profile, in one transaction: every such key when all is
	// true (after a master-key rotation), else those without one (made
	// before the database held the one-profile rule). A key whose material
	// already serves another profile is left without one. It returns how
	// many keys were given one.
	SetKeyMaterials(ctx context.Context, all bool, material func(k *model.Key, profile verify.Profile) ([]byte, error)) (int, error)

	// HasOwner reports whether any owner account or unrevoked owner API
	// token exists (false on a fresh install: serve then prints a one-time
	// setup token).
	HasOwner(ctx context.Context) (bool, error)

	// Webhooks keeps webhook endpoints and their outbox (webhooks.go).
	Webhooks
}

// AccountChange is a change to an account (Store.UpdateAccount).
type AccountChange struct {
	// Account is the account as it is to be (ID names it).
	Account *model.Account
	// EndSessions revokes the account's dashboard sessions; EndTokens
	// every token it holds (its sessions and the API tokens it made).
	EndSessions, EndTokens bool
	// KeepToken is a token not to revoke (the session changing its own
	// password).
	KeepToken string
	// Prior, when set, is the account as the caller read it: the change is
	// refused (conflict) if the account changed since, so that two changes
	// read at once cannot undo each other (a reset issued while the account
	// was being disabled cannot enable it again).
	Prior *model.Account
	At    time.Time
	Audit *model.AuditEntry
}

// UsedToken is a one-time token's id as a login claims it: kept until the
// token expires, then pruned.
type UsedToken struct {
	JTI       string
	ExpiresAt time.Time
}

// Login is what a successful login (a session is issued) writes.
//
// The user is resolved within the workspace by these rules:
//   - Anonymous: a new anonymous user, no identities.
//   - Otherwise, Identities with Verified=true were covered by the signature;
//     the others are claims: stored on the user, never used to find or link.
//   - No verified identity (enforcement off, a monitor failure): a new user
//     holding only the claims.
//   - A verified uid names one user: the user holding that uid verified, else
//     a new user.
//   - With no verified uid, a verified email names the user holding it
//     verified; failing that, the first other verified identity held
//     verified (in verify.IdentityTypes order: phone_number, …) does. With a
//     verified uid unknown so far, that email (or identity) held by a user
//     who has no verified uid links to that user.
//   - Each verified identity is attached, verified, to the resolved user
//     (refreshing AppID, KeyID, Metadata, SeenAt, VerifiedAt) unless another
//     user holds it verified: then a model.IdentityConflict is recorded and
//     the value is kept on the resolved user as a claim only. Never merged.
//   - A (workspace, type, value) is held verified by at most one user, even
//     under concurrent logins: the database enforces it.
type Login struct {
	WorkspaceID string
	AppID       string
	Anonymous   bool
	Identities  []model.Identity
	// Name is the display name sent at login, stored on the user.
	Name string
	// NameSigned says Name was covered by the login's signature; stored
	// with it (model.User.NameSigned).
	NameSigned bool
	// Session is the session to create; the store sets UserID.
	Session model.Session
	// Attempt is the log entry; the store sets UserID.
	Attempt model.Attempt
	// HandOver, when set on a verified login, is the session id of an
	// anonymous session on the same device: in the same transaction its
	// issues (and their messages) move to the resolved user and it ends
	// (reason model.RevokedByHandOver). Ignored unless the login is
	// verified and that session is live, anonymous and of the same
	// workspace: a verified user's data never moves to anyone.
	HandOver string
	// ExactSplit is for helpshift-legacy, whose digest fits every split of
	// the text uid‖email: the login may join an existing user only if that
	// user's verified uid and email are exactly the login's verified uid
	// and email. Otherwise Login fails with ErrSplitMismatch and writes
	// nothing. Checked inside the login's transaction, so two concurrent
	// first logins of different splits cannot both pass.
	ExactSplit bool
	// Holder, when set, is the user the caller read as holding the
	// login's first verified identity, with their identities as read. When
	// the holder holds every verified identity of the login, and every
	// claim, the login is a returning user's: the store refreshes those
	// identities and writes the session and the log entry without reading
	// them again (a verified identity never changes holder). Otherwise it
	// is ignored.
	Holder *model.User
	// Resolve decides, from what the store read inside the login's
	// transaction (LoginFacts), which user the login belongs to and what
	// it attaches (resolution.Resolve). The store holds no policy of its own:
	// it reads the facts, runs Resolve and writes the resolution. Required.
	Resolve func(*LoginFacts) (*Resolution, error)
	// OneTimeToken, when set, is the jti of the login's token, for an app
	// that accepts each token once (model.App.OneTimeTokens): the login
	// claims it for AppID in its own transaction, and when the app's
	// tokens had used it before (or an earlier login of the same batch
	// did) Login fails with a *model.Error coded replayed and writes
	// nothing. A login that fails otherwise leaves it unclaimed.
	OneTimeToken *UsedToken
}

// LoginFacts is what a login's resolution depends on, read by the store
// inside the login's transaction: what was verified and claimed, and who
// holds each verified identity.
type LoginFacts struct {
	// Verified are the login's verified identities, each once, in
	// resolution order: uids first, then emails, then the other types.
	Verified []model.Identity
	// Claims are the identities the login sent without proof, each once
	// (an identity both verified and claimed is only in Verified).
	Claims []model.Identity
	// Holders[i] is the user holding Verified[i] verified, or "".
	Holders []string
	// Held lists, for each user of Holders, the identities that user
	// holds verified, as stored (metadata included). When a login brings
	// a verified uid nobody holds, the store locks those users before
	// reading Held, so that two logins cannot both link a new uid to the
	// same user.
	Held map[string][]model.Identity
	// ExactSplit is store.Login.ExactSplit.
	ExactSplit bool
}

// Resolution is a login's resolution: the store writes it.
type Resolution struct {
	// UserID is the existing user the login belongs to; "" for a new one.
	UserID string
	// Attach are the verified identities the user gains or refreshes.
	Attach []model.Identity
	// Claims are attached as claims: what the login claimed, and verified
	// identities another user holds (each also a conflict).
	Claims []model.Identity
	// Conflicts name the verified identities another user holds (Type,
	// Value and HolderID set; the store fills in the rest).
	Conflicts []model.IdentityConflict
	// Changed are the verified identities an existing user gains or whose
	// metadata changes (LoginOutcome.Changed).
	Changed []model.Identity
}

// ErrSplitMismatch is Login's failure when store.Login.ExactSplit is set
// and the identities presented are a different split of an existing
// user's (login/legacy.go).
var ErrSplitMismatch = errors.New("store: the login's uid and email are not exactly those of the user who holds them")

// LoginOutcome is the user and session a login produced.
type LoginOutcome struct {
	User      model.User
	Session   model.Session
	Conflicts []model.IdentityConflict
	// Changed are the verified identities this login attached to an
	// existing user or whose metadata it changed (for the log).
	Changed []model.Identity
	// HandedOver counts the issues moved from the anonymous session.
	HandedOver int
}
