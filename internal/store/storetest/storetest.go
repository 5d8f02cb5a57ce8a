// Package storetest is the conformance suite every store.Store runs (Run),
// and the helpers other packages' tests use to get a real database: SQLite
// in a temporary directory, or a fresh PostgreSQL database (Backends).
//
// The suite checks each method and each rule of store.go's doc comments
// through the public interface only, with a fixed clock, never the wall one.
package storetest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"slices"
	"testing"
	"time"

	"github.com/signet-id/signet/internal/login/resolution"
	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/store"
	"github.com/signet-id/signet/verify"
)

// Run runs the conformance suite; open returns a fresh, empty store, closed
// when its test ends.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(e *env)
	}{
		{"Ping", testPing},
		{"Workspaces", testWorkspaces},
		{"Apps", testApps},
		{"Keys", testKeys},
		{"RevokeKey", testRevokeKey},
		{"RevokeKeyDuringLogins", testRevokeKeyDuringLogins},
		{"Login", testLogin},
		{"LoginConcurrent", testLoginConcurrent},
		{"LoginWritesNothingOnError", testLoginAtomic},
		{"LoginChanged", testLoginChanged},
		{"ReturningLogin", testReturningLogin},
		{"VerifiedUser", testVerifiedUser},
		{"ExactSplit", testExactSplit},
		{"HandOver", testHandOver},
		{"HandOverConcurrent", testHandOverConcurrent},
		{"HandOverWhileOpening", testHandOverWhileOpening},
		{"Sessions", testSessions},
		{"RevokeSessions", testRevokeSessions},
		{"Attempts", testAttempts},
		{"AttemptsSameMillisecond", testAttemptsSameMillisecond},
		{"PruneAttempts", testPruneAttempts},
		{"PruneSessions", testPruneSessions},
		{"OneTimeTokens", testOneTimeTokens},
		{"PruneUsedTokens", testPruneUsedTokens},
		{"Readiness", testReadiness},
		{"ReadinessVersionCap", testReadinessVersionCap},
		{"Users", testUsers},
		{"Accounts", testAccounts},
		{"SetAccountPassword", testSetAccountPassword},
		{"APITokens", testAPITokens},
		{"APITokenExpiry", testAPITokenExpiry},
		{"HasOwner", testHasOwner},
		{"Issues", testIssues},
		{"CreateIssueWritesNothingOnError", testCreateIssueAtomic},
		{"IssueListing", testIssueListing},
		{"IssuePreview", testIssuePreview},
		{"Messages", testMessages},
		{"ReplyReopens", testReplyReopens},
		{"IssueCounts", testIssueCounts},
		{"Throttles", testThrottles},
		{"PurgeThrottles", testPurgeThrottles},
		{"ThrottlesConcurrent", testThrottlesConcurrent},
		{"KnownAddresses", testKnownAddresses},
		{"Audit", testAudit},
		{"AuditWrites", testAuditWrites},
		{"AuditAppendOnly", testAuditAppendOnly},
		{"RevokeAppSessions", testRevokeAppSessions},
		{"CountUserDevices", testCountUserDevices},
		{"ResealKeys", testResealKeys},
		{"AuditedWrites", testAuditedWrites},
		{"AuditedRevocations", testAuditedRevocations},
		{"KeyMaterial", testKeyMaterial},
		{"KeyMaterialConcurrent", testKeyMaterialConcurrent},
		{"SetKeyMaterials", testSetKeyMaterials},
		{"TokenKind", testTokenKind},
		{"ClaimedIdentity", testClaimedIdentity},
		{"NameSigned", testNameSigned},
		{"DeleteApp", testDeleteApp},
		{"DeleteWorkspace", testDeleteWorkspace},
		{"PublicKeys", testPublicKeys},
		{"SyncJWKS", testSyncJWKS},
		{"AccountEmails", testAccountEmails},
		{"AccountLifecycle", testAccountLifecycle},
		{"LastOwnerConcurrent", testLastOwnerConcurrent},
		{"Webhooks", testWebhooks},
		{"WebhookOutbox", testWebhookOutbox},
		{"WebhookAuditedEvents", testWebhookAuditedEvents},
		{"WebhookClaimConcurrent", testWebhookClaimConcurrent},
		{"WebhookDetections", testWebhookDetections},
		{"PruneDeliveries", testPruneDeliveries},
		{"WebhooksWorkspaceDeleted", testWebhooksWorkspaceDeleted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn(&env{t: t, ctx: t.Context(), s: open(t), now: t0})
		})
	}
}

// t0 is the suite's clock origin. Its nanoseconds check that times are kept
// to the millisecond: what comes back is t0.Truncate(time.Millisecond).
var t0 = time.Date(2026, 3, 1, 12, 0, 0, 123_456_789, time.UTC)

// env is one test's store and fake clock, with fixture builders.
type env struct {
	t   *testing.T
	ctx context.Context
	s   store.Store
	now time.Time
}

// sub returns an env for a subtest on the same store.
func (e *env) sub(t *testing.T) *env {
	return &env{t: t, ctx: t.Context(), s: e.s, now: e.now}
}

// tick advances the clock by a second and returns the new time, so that
// "newest first" has a clear order.
func (e *env) tick() time.Time {
	e.now = e.now.Add(time.Second)
	return e.now
}

func (e *env) must(err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
}

// wantCode fails unless err carries code.
func (e *env) wantCode(err error, code model.Code) {
	e.t.Helper()
	if got := model.ErrorCode(err); got != code {
		e.t.Fatalf("error = %v (code %q), want code %q", err, got, code)
	}
}

func (e *env) workspace() *model.Workspace {
	e.t.Helper()
	w := &model.Workspace{ID: model.NewID("ws"), Name: "Acme", CreatedAt: e.tick()}
	e.must(e.s.CreateWorkspace(e.ctx, w, nil))
	return w
}

func (e *env) app(w *model.Workspace) *model.App {
	e.t.Helper()
	at := e.tick()
	a := &model.App{ID: model.NewID("app"), WorkspaceID: w.ID, Name: "Acme iOS", Platform: model.PlatformIOS,
		Profile: verify.Signet, Enforcement: model.EnforcementEnforce, OnFailure: model.OnFailureReject,
		MaxTokenLifetime: 3600, CreatedAt: at, UpdatedAt: at}
	e.must(e.s.CreateApp(e.ctx, a, nil))
	return a
}

func (e *env) key(a *model.App) *model.Key {
	e.t.Helper()
	k := &model.Key{ID: model.NewID("key"), AppID: a.ID, WorkspaceID: a.WorkspaceID, Sealed: random(48),
		Fingerprint: "fp-" + a.ID, CreatedAt: e.tick()}
	e.must(e.s.CreateKey(e.ctx, k, nil))
	return k
}

// signed is an identity covered by the login's signature.
func signed(t verify.IdentityType, value string) model.Identity {
	return model.Identity{Type: t, Value: value, Verified: true}
}

// claimed is an identity sent but not signed.
func claimed(t verify.IdentityType, value string) model.Identity {
	return model.Identity{Type: t, Value: value}
}

// newLogin builds a login through app a at the next tick: anonymous without
// identities, verified by k when one identity is signed.
func (e *env) newLogin(a *model.App, k *model.Key, ids ...model.Identity) *store.Login {
	at := e.tick()
	verified := slices.ContainsFunc(ids, func(id model.Identity) bool { return id.Verified })
	l := &store.Login{WorkspaceID: a.WorkspaceID, AppID: a.ID, Anonymous: len(ids) == 0, Identities: ids,
		Resolve: resolution.Resolve}
	result, keyID := model.ResultUnverified, ""
	switch {
	case l.Anonymous:
		result = model.ResultAnonymous
	case verified && k != nil:
		result, keyID = model.ResultVerified, k.ID
	}
	l.Session = model.Session{ID: model.NewID("ses"), WorkspaceID: a.WorkspaceID, AppID: a.ID,
		TokenHash: random(32), KeyID: keyID, Verified: keyID != "", Anonymous: l.Anonymous,
		SignedFields: []string{"user_id"}, DeviceID: "device-1", AppVersion: "1.2.3",
		CreatedAt: at, ExpiresAt: at.Add(30 * 24 * time.Hour)}
	l.Attempt = model.Attempt{ID: model.NewID("att"), WorkspaceID: a.WorkspaceID, AppID: a.ID,
		Platform: a.Platform, Profile: a.Profile, AppVersion: "1.2.3", Result: result, KeyID: keyID, At: at}
	return l
}

// login runs a login that must succeed.
func (e *env) login(l *store.Login) *store.LoginOutcome {
	e.t.Helper()
	out, err := e.s.Login(e.ctx, l)
	e.must(err)
	return out
}

// counts are a workspace's rows, read through the public interface.
type counts struct{ users, identities, sessions, attempts, conflicts int }

func (e *env) count(w *model.Workspace) counts {
	e.t.Helper()
	users, err := e.s.Users(e.ctx, w.ID, model.UserFilter{})
	e.must(err)
	sessions, err := e.s.Sessions(e.ctx, w.ID, model.SessionFilter{})
	e.must(err)
	attempts, err := e.s.Attempts(e.ctx, w.ID, model.AttemptFilter{})
	e.must(err)
	conflicts, err := e.s.Conflicts(e.ctx, w.ID)
	e.must(err)
	c := counts{users: len(users), sessions: len(sessions), attempts: len(attempts), conflicts: len(conflicts)}
	for _, u := range users {
		c.identities += len(u.Identities)
	}
	return c
}

// identity returns the user's identity of that type and value.
func identity(u *model.User, t verify.IdentityType, value string) (model.Identity, bool) {
	for _, id := range u.Identities {
		if id.Type == t && id.Value == value {
			return id, true
		}
	}
	return model.Identity{}, false
}

// ms is t as the store keeps it.
func ms(t time.Time) time.Time { return t.Truncate(time.Millisecond) }

// sameTime compares an optional stored time with the time written.
func sameTime(got *time.Time, want time.Time) bool { return got != nil && got.Equal(ms(want)) }

func random(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// hash is the SHA-256 of s, as tokens are stored.
func hash(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

func testPing(e *env) {
	e.must(e.s.Ping(e.ctx))
}
