package storetest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/signet-id/signet/internal/login/resolution"
	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/store"
)

// What Before0020 writes: a session whose token has the shape of the tokens
// issued before migration 0020 ("sst_" and 43 characters, naming no
// session), an issue it opened and the message it wrote.
const (
	// UpgradeApp is the app of Before0020, whose logins are anonymous.
	UpgradeApp       = "app_aaaaaaaaaaaaaaaa"
	upgradeSession   = "ses_aaaaaaaaaaaaaaaa"
	upgradeIssue     = "iss_aaaaaaaaaaaaaaaa"
	upgradeMessage   = "msg_aaaaaaaaaaaaaaaa"
	upgradeOldToken  = "sst_0ld-t0ken_0f-f0rty-thr33-char4cters-0000000"
	upgradeCreatedAt = 1_700_000_000_000 // 2023-11-14, in milliseconds
)

// UpgradeNow is the clock of CheckUpgradeTo0020: after Before0020's
// session was made, before it expires.
func UpgradeNow() time.Time { return time.UnixMilli(upgradeCreatedAt).Add(24 * time.Hour) }

// Authenticator is login.Service as CheckUpgradeTo0020 uses it, with a
// clock at UpgradeNow: storetest may not import internal/login, whose
// dependencies' tests import storetest.
type Authenticator interface {
	// Authenticate is login.Service.Authenticate.
	Authenticate(ctx context.Context, token string) (*model.Session, error)
}

// Before0020 writes, through db (a database at schema 0019), a workspace,
// an app, a user, a live session with a token of the old shape, an issue
// the session opened and a message it wrote, as Signet wrote them before
// migration 0020 (lean sessions). CheckUpgradeTo0020 then uses them.
func Before0020(t *testing.T, db *sql.DB) {
	t.Helper()
	if len(upgradeOldToken) != len("sst_")+43 {
		t.Fatalf("the old token has %d characters", len(upgradeOldToken))
	}
	hash := sha256.Sum256([]byte(upgradeOldToken))
	expires := time.UnixMilli(upgradeCreatedAt).Add(model.DefaultSessionLifetime).UnixMilli()
	for _, stmt := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO workspaces (id, name, created_at) VALUES ('ws_1', 'Acme', 0)`, nil},
		{`INSERT INTO apps (id, workspace_id, name, platform, profile, enforcement, on_failure, full_privacy,
			max_token_lifetime, user_id_pattern, created_at, updated_at)
			VALUES ($1, 'ws_1', 'iOS', 'ios', 'signet', 'enforce', 'anonymous', FALSE, 3600, '', 0, 0)`, []any{UpgradeApp}},
		{`INSERT INTO users (id, workspace_id, anonymous, name, created_at) VALUES ('usr_1', 'ws_1', TRUE, '', $1)`,
			[]any{upgradeCreatedAt}},
		{`INSERT INTO sessions (id, workspace_id, app_id, user_id, token_hash, key_id, verified, anonymous,
			signed_fields, device_id, app_version, created_at, expires_at, revoked_at, revoke_reason)
			VALUES ($1, 'ws_1', $2, 'usr_1', $3, NULL, FALSE, TRUE, '[]', 'device-1', '1.0', $4, $5, NULL, '')`,
			[]any{upgradeSession, UpgradeApp, hash[:], upgradeCreatedAt, expires}},
		{`INSERT INTO issues (id, workspace_id, app_id, user_id, session_id, status, preview, created_at, updated_at,
			last_message_at)
			VALUES ($1, 'ws_1', $2, 'usr_1', $3, 'open', 'help', $4, $4, $4)`,
			[]any{upgradeIssue, UpgradeApp, upgradeSession, upgradeCreatedAt}},
		{`INSERT INTO messages (id, issue_id, workspace_id, author, body, user_id, session_id, verified, agent_id,
			created_at)
			VALUES ($1, $2, 'ws_1', 'user', 'help', 'usr_1', $3, FALSE, NULL, $4)`,
			[]any{upgradeMessage, upgradeIssue, upgradeSession, upgradeCreatedAt}},
	} {
		if _, err := db.ExecContext(t.Context(), stmt.sql, stmt.args...); err != nil {
			t.Fatalf("%s: %v", stmt.sql, err)
		}
	}
}

// CheckUpgradeTo0020: the old token still authenticates, its issue and
// message still name its session, a new login's token (newLogin logs in to
// UpgradeApp and returns it) names its session and authenticates, a wrong
// secret and an unknown session are refused alike, and the session's
// foreign keys still hold.
func CheckUpgradeTo0020(t *testing.T, s store.Store, svc Authenticator, newLogin func() string) {
	t.Helper()
	ctx := t.Context()
	upgradeNow := UpgradeNow()

	old, err := svc.Authenticate(ctx, upgradeOldToken)
	if err != nil {
		t.Fatalf("the token issued before the upgrade: %v", err)
	}
	if old.ID != upgradeSession || old.UserID != "usr_1" || !old.Anonymous || old.RevokedAt != nil {
		t.Errorf("the old token's session = %+v", old)
	}
	i, err := s.Issue(ctx, upgradeIssue)
	if err != nil {
		t.Fatal(err)
	}
	if i.SessionID != upgradeSession {
		t.Errorf("the issue's session = %q, want %q", i.SessionID, upgradeSession)
	}
	msgs, err := s.Messages(ctx, upgradeIssue, model.MessageFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 || msgs[0].ID != upgradeMessage || msgs[0].SessionID != upgradeSession {
		t.Errorf("the issue's messages = %+v", msgs)
	}

	token := newLogin()
	got, err := svc.Authenticate(ctx, token)
	if err != nil || got.ID == upgradeSession || !got.Anonymous {
		t.Fatalf("the new token authenticates %+v, %v", got, err)
	}
	named := "sst_" + strings.TrimPrefix(got.ID, "ses_") + "_"
	if len(token) != len(named)+43 || !strings.HasPrefix(token, named) {
		t.Fatalf("a new token %q does not name its session %s", token, got.ID)
	}

	// The right session with a wrong secret, and a session that does not
	// exist: the same code and message. So are the secret of an old token
	// given with a session id, and an old token one character off.
	secret := token[len(named):]
	flipped := []byte(secret)
	flipped[0] = 'A'
	if secret[0] == 'A' {
		flipped[0] = 'B'
	}
	unknown := "sst_" + strings.TrimPrefix(model.NewOrderedID("ses", upgradeNow), "ses_") + "_" + secret
	refusals := map[string]string{
		"right session, wrong secret":  named + string(flipped),
		"unknown session":              unknown,
		"old secret, new session":      named + upgradeOldToken[len("sst_"):],
		"old token, one character off": upgradeOldToken[:len(upgradeOldToken)-1] + "1",
	}
	var first string
	for name, token := range refusals {
		_, err := svc.Authenticate(ctx, token)
		if model.ErrorCode(err) != model.CodeUnauthenticated {
			t.Errorf("%s: %v, want unauthenticated", name, err)
			continue
		}
		if first == "" {
			first = err.Error()
		} else if err.Error() != first {
			t.Errorf("%s: %q, not what another refusal said (%q)", name, err, first)
		}
	}

	// The rebuilt table still checks its own foreign keys (SQLite: they
	// are on again on the writer's connection): a session naming a key
	// that does not exist is refused.
	l := &store.Login{WorkspaceID: "ws_1", AppID: UpgradeApp, Anonymous: true, Resolve: resolution.Resolve}
	l.Session = model.Session{ID: model.NewOrderedID("ses", upgradeNow), WorkspaceID: "ws_1", AppID: UpgradeApp,
		TokenHash: make([]byte, 32), KeyID: model.NewID("key"), Anonymous: true, SignedFields: []string{},
		CreatedAt: upgradeNow, ExpiresAt: upgradeNow.Add(time.Hour)}
	l.Attempt = model.Attempt{ID: model.NewOrderedID("att", upgradeNow), WorkspaceID: "ws_1", AppID: UpgradeApp,
		Platform: model.PlatformIOS, Profile: "signet", Result: model.ResultAnonymous, At: upgradeNow}
	if _, err := s.Login(ctx, l); model.ErrorCode(err) != model.CodeNotFound {
		t.Errorf("a session naming an unknown key: %v, want not_found (its foreign key)", err)
	}
}
