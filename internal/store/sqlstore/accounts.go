package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/signet-id/signet/internal/model"
)

const accountColumns = `id, COALESCE(workspace_id, ''), email, role, password_hash, created_at, disabled_at, reset_hash, reset_expires_at`

// CreateAccount stores a, and audit in the same transaction when it is not
// nil; conflict if the email (or id) is taken, not_found if its workspace
// does not exist. Emails are unique per workspace (and among owners),
// compared case-insensitively (model.EmailKey).
func (s *Store) CreateAccount(ctx context.Context, a *model.Account, audit *model.AuditEntry) error {
	return wrap("create account", s.audited(ctx, audit, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO accounts (id, workspace_id, email, email_key, role, password_hash, created_at, disabled_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			a.ID, nullString(a.WorkspaceID), a.Email, model.EmailKey(a.Email), a.Role, a.PasswordHash, millis(a.CreatedAt), nullMillis(a.DisabledAt))
		switch {
		case err != nil && s.d.IsUniqueViolation(err):
			return model.Errorf(model.CodeConflict, "an account with this email already exists")
		case err != nil && s.d.IsForeignKeyViolation(err):
			return model.Errorf(model.CodeNotFound, "workspace %s not found", a.WorkspaceID)
		}
		return err
	}))
}

// AccountByEmail finds the oldest account with this email, compared
// case-insensitively; not_found.
func (s *Store) AccountByEmail(ctx context.Context, email string) (*model.Account, error) {
	a, err := scanAccount(s.reader.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE email_key = $1
		ORDER BY created_at, id LIMIT 1`, model.EmailKey(email)))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, model.Errorf(model.CodeNotFound, "no account has this email")
	case err != nil:
		return nil, fmt.Errorf("account by email: %w", err)
	}
	return a, nil
}

// Accounts lists a workspace's accounts (owners when workspaceID is ""),
// oldest first.
func (s *Store) Accounts(ctx context.Context, workspaceID string) ([]model.Account, error) {
	var w filter
	if workspaceID == "" {
		w.where("workspace_id IS NULL")
	} else {
		w.where("workspace_id = " + w.arg(workspaceID))
	}
	l, err := listOf(ctx, s.reader, scanAccount, `SELECT `+accountColumns+` FROM accounts`+w.sql()+` ORDER BY created_at, id`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("accounts: %w", err)
	}
	return l, nil
}

// SetAccountPassword replaces an account's password hash; not_found.
func (s *Store) SetAccountPassword(ctx context.Context, id, passwordHash string) error {
	res, err := s.writer.ExecContext(ctx, `UPDATE accounts SET password_hash = $1 WHERE id = $2`, passwordHash, id)
	if err != nil {
		return fmt.Errorf("set account password: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("set account password: %w", err)
	} else if n == 0 {
		return model.Errorf(model.CodeNotFound, "account %s not found", id)
	}
	return nil
}

// HasOwner reports whether an owner account or an unrevoked owner API token
// exists. A revoked token does not count: an instance whose only owner
// credential was revoked needs a setup token again.
func (s *Store) HasOwner(ctx context.Context) (bool, error) {
	var has bool
	err := s.reader.QueryRowContext(ctx, `
		SELECT EXISTS (SELECT 1 FROM accounts WHERE role = $1)
			OR EXISTS (SELECT 1 FROM api_tokens WHERE role = $1 AND revoked_at IS NULL)`,
		model.RoleOwner).Scan(&has)
	if err != nil {
		return false, fmt.Errorf("has owner: %w", err)
	}
	return has, nil
}

func scanAccount(sc scanner) (*model.Account, error) {
	var a model.Account
	var created int64
	var disabled, resetExpires sql.NullInt64
	if err := sc.Scan(&a.ID, &a.WorkspaceID, &a.Email, &a.Role, &a.PasswordHash, &created, &disabled, &a.ResetHash, &resetExpires); err != nil {
		return nil, err
	}
	a.CreatedAt, a.DisabledAt, a.ResetExpiresAt = fromMillis(created), timePtr(disabled), timePtr(resetExpires)
	return &a, nil
}
