package server

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/signet-id/signet/internal/admin"
	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/password"
)

// Reset is what ResetPassword did.
type Reset struct {
	Account model.Account
	// Password is the new password, to be shown once.
	Password string
	// SessionsEnded counts the account's dashboard sessions it ended.
	SessionsEnded int
}

// ResetPassword gives the dashboard account with this email a new random
// password, ends its dashboard sessions and records the change in the audit
// log: what `signet admin reset-password` runs on a server's data, for an
// operator locked out of the dashboard. Errors: not_found (no such account).
func ResetPassword(ctx context.Context, cfg Config, email string) (*Reset, error) {
	if cfg.DataDir == "" {
		cfg.DataDir = "signet-data"
	}
	if cfg.Database == "" {
		cfg.Database = "sqlite:" + filepath.Join(cfg.DataDir, "signet.db")
	}
	if cfg.Now == nil {
		cfg.Now = nowUTC
	}
	// Opening SQLite creates a database: a mistyped folder must not.
	if path, ok := strings.CutPrefix(cfg.Database, "sqlite:"); ok {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("no Signet database at %s: give the server's --data-dir or --database", path)
		}
	}
	st, err := OpenStore(ctx, cfg.Database)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	acc, err := st.AccountByEmail(ctx, email)
	if err != nil {
		return nil, err
	}
	var b [18]byte
	rand.Read(b[:])
	out := &Reset{Account: *acc, Password: base64.RawURLEncoding.EncodeToString(b[:])}
	if err := st.SetAccountPassword(ctx, acc.ID, password.Hash(out.Password)); err != nil {
		return nil, err
	}
	// A dashboard session is a token of kind dashboard named after its account: every
	// one still open ends, so whoever held the old password is out.
	now := cfg.Now()
	tokens, err := st.APITokens(ctx, acc.WorkspaceID)
	if err != nil {
		return out, fmt.Errorf("the password was changed, but the account's sessions could not be listed: %w", err)
	}
	for _, t := range tokens {
		if t.RevokedAt == nil && t.Kind == model.TokenDashboard && t.Name == admin.DashboardTokenPrefix+" "+acc.Email {
			if err := st.RevokeAPIToken(ctx, t.ID, now, nil); err != nil {
				return out, fmt.Errorf("the password was changed, but a session could not be ended: %w", err)
			}
			out.SessionsEnded++
		}
	}
	entry := &model.AuditEntry{ID: model.NewID("aud"), WorkspaceID: acc.WorkspaceID, ActorRole: model.RoleOwner,
		ActorID: "signet admin reset-password", Action: "account.password_reset", TargetType: "account", TargetID: acc.ID,
		Details: map[string]any{"email": acc.Email, "sessions_ended": out.SessionsEnded}, IP: "local", At: now}
	if err := st.AppendAudit(ctx, entry); err != nil {
		return out, fmt.Errorf("the password was changed, but the audit entry was not written: %w", err)
	}
	return out, nil
}

func nowUTC() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }
