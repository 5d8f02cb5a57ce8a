package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/signet-id/signet/internal/model"
)

// tokenColumns are written; tokenFields read them back (owner tokens have
// no workspace).
const (
	tokenColumns = `id, workspace_id, role, name, kind, token_hash, created_at, revoked_at, last_used_at, expires_at, account_id`
	tokenFields  = `id, COALESCE(workspace_id, ''), role, name, kind, token_hash, created_at, revoked_at, last_used_at, expires_at, COALESCE(account_id, '')`
)

// CreateAPIToken stores t (its hash only), and audit in the same
// transaction when it is not nil; conflict if its id or hash is taken,
// not_found if its workspace does not exist.
func (s *Store) CreateAPIToken(ctx context.Context, t *model.APIToken, audit *model.AuditEntry) error {
	kind := t.Kind
	if kind == "" {
		kind = model.TokenAPI
	}
	return wrap("create API token", s.audited(ctx, audit, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO api_tokens (`+tokenColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			t.ID, nullString(t.WorkspaceID), t.Role, t.Name, kind, t.TokenHash, millis(t.CreatedAt),
			nullMillis(t.RevokedAt), nullMillis(t.LastUsedAt), nullMillis(t.ExpiresAt), nullString(t.AccountID))
		switch {
		case err != nil && s.d.IsUniqueViolation(err):
			return model.Errorf(model.CodeConflict, "API token %s or its hash already exists", t.ID)
		case err != nil && s.d.IsForeignKeyViolation(err):
			return model.Errorf(model.CodeNotFound, "workspace %s not found", t.WorkspaceID)
		}
		return err
	}))
}

// APITokenByHash finds a token by the SHA-256 of its text, revoked or not,
// and records its use at `at`; not_found, also for a token expired at `at`.
// The expiry is part of the one statement that finds the token, so no
// caller can get hold of an expired token, and its last use stays the
// last time it worked.
func (s *Store) APITokenByHash(ctx context.Context, hash []byte, at time.Time) (*model.APIToken, error) {
	t, err := scanToken(s.writer.QueryRowContext(ctx, `
		UPDATE api_tokens SET last_used_at = $2
		WHERE token_hash = $1 AND (expires_at IS NULL OR expires_at > $2)
		RETURNING `+tokenFields, hash, millis(at)))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, model.Errorf(model.CodeNotFound, "no live API token has this hash: unknown, or expired")
	case err != nil:
		return nil, fmt.Errorf("API token by hash: %w", err)
	}
	return t, nil
}

// APITokens lists a workspace's tokens (owner tokens when workspaceID is
// ""), oldest first.
func (s *Store) APITokens(ctx context.Context, workspaceID string) ([]model.APIToken, error) {
	var w filter
	if workspaceID == "" {
		w.where("workspace_id IS NULL")
	} else {
		w.where("workspace_id = " + w.arg(workspaceID))
	}
	l, err := listOf(ctx, s.reader, scanToken, `SELECT `+tokenFields+` FROM api_tokens`+w.sql()+` ORDER BY created_at, id`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("API tokens: %w", err)
	}
	return l, nil
}

// RevokeAPIToken revokes a token, and writes audit in the same transaction
// when it is not nil; revoking it again keeps the first time; not_found.
func (s *Store) RevokeAPIToken(ctx context.Context, id string, at time.Time, audit *model.AuditEntry) error {
	return wrap("revoke API token", s.audited(ctx, audit, func(tx *Tx) error {
		n, err := affected(tx.ExecContext(ctx, `
			UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1`, id, millis(at)))
		switch {
		case err != nil:
			return err
		case n == 0:
			return model.Errorf(model.CodeNotFound, "API token %s not found", id)
		}
		return nil
	}))
}

func scanToken(sc scanner) (*model.APIToken, error) {
	var t model.APIToken
	var created int64
	var revoked, used, expires sql.NullInt64
	if err := sc.Scan(&t.ID, &t.WorkspaceID, &t.Role, &t.Name, &t.Kind, &t.TokenHash, &created, &revoked, &used, &expires, &t.AccountID); err != nil {
		return nil, err
	}
	t.CreatedAt, t.RevokedAt, t.LastUsedAt, t.ExpiresAt = fromMillis(created), timePtr(revoked), timePtr(used), timePtr(expires)
	return &t, nil
}
