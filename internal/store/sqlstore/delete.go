package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/signet-id/signet/internal/model"
)

// DeleteApp deletes an app and what belongs to it alone, with the audit
// entry, in one transaction; see store.Store.
func (s *Store) DeleteApp(ctx context.Context, id string, at time.Time, audit *model.AuditEntry) (int, error) {
	var ended int
	err := s.audited(ctx, audit, func(tx *Tx) error {
		var ws string
		err := tx.QueryRowContext(ctx, `SELECT workspace_id FROM apps WHERE id = $1`, id).Scan(&ws)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return model.Errorf(model.CodeNotFound, "app %s not found", id)
		case err != nil:
			return fmt.Errorf("app: %w", err)
		}
		if err := tx.QueryRowContext(ctx, `
			SELECT COUNT(*) FROM sessions WHERE app_id = $1 AND revoked_at IS NULL AND expires_at > $2`,
			id, millis(at)).Scan(&ended); err != nil {
			return fmt.Errorf("count live sessions: %w", err)
		}
		recordEnded(audit, ended)
		// Children before parents. The app's sessions may have written in
		// another app's conversations (a verified user's other devices):
		// those messages and issues stay, without their session.
		return execAll(ctx, tx, id, []string{
			`UPDATE messages SET session_id = NULL WHERE session_id IN (SELECT id FROM sessions WHERE app_id = $1)`,
			`UPDATE issues SET session_id = NULL WHERE app_id <> $1 AND session_id IN (SELECT id FROM sessions WHERE app_id = $1)`,
			`DELETE FROM messages WHERE issue_id IN (SELECT id FROM issues WHERE app_id = $1)`,
			`DELETE FROM issues WHERE app_id = $1`,
			`DELETE FROM attempts WHERE app_id = $1`,
			`DELETE FROM identity_conflicts WHERE app_id = $1`,
			// A user's identities stay theirs: only the app and key they
			// came through are forgotten.
			`UPDATE identities SET key_id = NULL WHERE key_id IN (SELECT id FROM keys WHERE app_id = $1)`,
			`UPDATE identities SET app_id = NULL WHERE app_id = $1`,
			`DELETE FROM sessions WHERE app_id = $1`,
			`DELETE FROM key_materials WHERE key_id IN (SELECT id FROM keys WHERE app_id = $1)`,
			`DELETE FROM keys WHERE app_id = $1`,
			`DELETE FROM jwks_fetches WHERE app_id = $1`,
			`DELETE FROM used_tokens WHERE app_id = $1`,
			`DELETE FROM apps WHERE id = $1`,
		})
	})
	if err != nil {
		return 0, wrap("delete app", err)
	}
	return ended, nil
}

// DeleteWorkspace deletes a workspace and everything in it but its audit
// log, with the audit entry, in one transaction; see store.Store.
func (s *Store) DeleteWorkspace(ctx context.Context, id string, at time.Time, audit *model.AuditEntry) (int, error) {
	var ended int
	err := s.audited(ctx, audit, func(tx *Tx) error {
		var found int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM workspaces WHERE id = $1`, id).Scan(&found)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return model.Errorf(model.CodeNotFound, "workspace %s not found", id)
		case err != nil:
			return fmt.Errorf("workspace: %w", err)
		}
		if err := tx.QueryRowContext(ctx, `
			SELECT COUNT(*) FROM sessions WHERE workspace_id = $1 AND revoked_at IS NULL AND expires_at > $2`,
			id, millis(at)).Scan(&ended); err != nil {
			return fmt.Errorf("count live sessions: %w", err)
		}
		recordEnded(audit, ended)
		return execAll(ctx, tx, id, []string{
			`DELETE FROM messages WHERE workspace_id = $1`,
			`DELETE FROM issues WHERE workspace_id = $1`,
			`DELETE FROM attempts WHERE workspace_id = $1`,
			`DELETE FROM identity_conflicts WHERE workspace_id = $1`,
			`DELETE FROM known_addresses WHERE user_id IN (SELECT id FROM users WHERE workspace_id = $1)`,
			`DELETE FROM identities WHERE workspace_id = $1`,
			`DELETE FROM sessions WHERE workspace_id = $1`,
			`DELETE FROM key_materials WHERE workspace_id = $1`,
			`DELETE FROM key_profiles WHERE workspace_id = $1`,
			`DELETE FROM keys WHERE workspace_id = $1`,
			`DELETE FROM jwks_fetches WHERE app_id IN (SELECT id FROM apps WHERE workspace_id = $1)`,
			`DELETE FROM used_tokens WHERE app_id IN (SELECT id FROM apps WHERE workspace_id = $1)`,
			`DELETE FROM apps WHERE workspace_id = $1`,
			`DELETE FROM users WHERE workspace_id = $1`,
			// The workspace's API tokens and dashboard sessions (kind
			// dashboard), then its staff accounts.
			`DELETE FROM api_tokens WHERE workspace_id = $1`,
			`DELETE FROM accounts WHERE workspace_id = $1`,
			`DELETE FROM webhook_deliveries WHERE workspace_id = $1`,
			`DELETE FROM webhook_endpoints WHERE workspace_id = $1`,
			`DELETE FROM workspaces WHERE id = $1`,
		})
	})
	if err != nil {
		return 0, wrap("delete workspace", err)
	}
	return ended, nil
}

// execAll runs each statement with the one argument arg, in order.
func execAll(ctx context.Context, tx *Tx, arg string, statements []string) error {
	for _, q := range statements {
		if _, err := tx.ExecContext(ctx, q, arg); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return nil
}
