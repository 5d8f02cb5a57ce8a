package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/store"
)

// Account returns one account; not_found.
func (s *Store) Account(ctx context.Context, id string) (*model.Account, error) {
	a, err := scanAccount(s.reader.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id = $1`, id))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, model.Errorf(model.CodeNotFound, "account %s not found", id)
	case err != nil:
		return nil, fmt.Errorf("account: %w", err)
	}
	return a, nil
}

// AccountsByEmail lists the accounts with this email, compared
// case-insensitively, oldest first (one per workspace at most, and one
// owner).
func (s *Store) AccountsByEmail(ctx context.Context, email string) ([]model.Account, error) {
	l, err := listOf(ctx, s.reader, scanAccount, `SELECT `+accountColumns+` FROM accounts WHERE email_key = $1
		ORDER BY created_at, id LIMIT 20`, model.EmailKey(email))
	if err != nil {
		return nil, fmt.Errorf("accounts by email: %w", err)
	}
	return l, nil
}

// errLastOwner is the answer to a change that would leave the instance
// without an enabled owner account.
var errLastOwner = model.Errorf(model.CodeConflict, "this is the last owner account: make another owner first")

// lockOwners holds the enabled owner accounts until the transaction ends
// and says how many there are: two owners demoting each other at once
// cannot both succeed.
func (s *Store) lockOwners(ctx context.Context, tx *Tx) (int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM accounts WHERE role = $1 AND disabled_at IS NULL ORDER BY id`+s.d.LockRow, model.RoleOwner)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
	}
	return n, rows.Err()
}

// sameState reports whether two reads of an account agree on what
// UpdateAccount writes.
func sameState(a, b *model.Account) bool {
	return a.WorkspaceID == b.WorkspaceID && a.Role == b.Role && a.PasswordHash == b.PasswordHash &&
		sameMillis(a.DisabledAt, b.DisabledAt) && bytes.Equal(a.ResetHash, b.ResetHash) && sameMillis(a.ResetExpiresAt, b.ResetExpiresAt)
}

func sameMillis(a, b *time.Time) bool {
	return a == nil && b == nil || a != nil && b != nil && a.UnixMilli() == b.UnixMilli()
}

// enabledOwner reports whether a counts toward the owners.
func enabledOwner(a *model.Account) bool { return a.Role == model.RoleOwner && a.DisabledAt == nil }

// endTokens revokes the account's live tokens at `at` (dashboard sessions
// only unless all), but keep, and returns their ids.
func endTokens(ctx context.Context, tx *Tx, accountID string, all bool, keep string, at time.Time) ([]string, error) {
	q := `UPDATE api_tokens SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL AND id <> $3`
	if !all {
		q += ` AND kind = 'dashboard'`
	}
	rows, err := tx.QueryContext(ctx, q+` RETURNING id`, accountID, millis(at), keep)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// UpdateAccount writes ch; see store.Store.
func (s *Store) UpdateAccount(ctx context.Context, ch *store.AccountChange) ([]string, error) {
	var ended []string
	a := ch.Account
	err := wrap("update account", s.audited(ctx, ch.Audit, func(tx *Tx) error {
		ended = nil
		owners, err := s.lockOwners(ctx, tx)
		if err != nil {
			return err
		}
		old, err := scanAccount(tx.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id = $1`+s.d.LockRow, a.ID))
		if errors.Is(err, sql.ErrNoRows) {
			return model.Errorf(model.CodeNotFound, "account %s not found", a.ID)
		} else if err != nil {
			return err
		}
		if ch.Prior != nil && !sameState(old, ch.Prior) {
			return model.Errorf(model.CodeConflict, "the account changed meanwhile: reload it and try again")
		}
		if enabledOwner(old) && !enabledOwner(a) && owners <= 1 {
			return errLastOwner
		}
		_, err = tx.ExecContext(ctx, `
			UPDATE accounts SET workspace_id = $2, role = $3, password_hash = $4, disabled_at = $5,
				reset_hash = $6, reset_expires_at = $7
			WHERE id = $1`,
			a.ID, nullString(a.WorkspaceID), a.Role, a.PasswordHash, nullMillis(a.DisabledAt), a.ResetHash, nullMillis(a.ResetExpiresAt))
		switch {
		case err != nil && s.d.IsUniqueViolation(err):
			return model.Errorf(model.CodeConflict, "an account with this email already exists there")
		case err != nil && s.d.IsForeignKeyViolation(err):
			return model.Errorf(model.CodeNotFound, "workspace %s not found", a.WorkspaceID)
		case err != nil:
			return err
		}
		if ch.EndSessions || ch.EndTokens {
			ended, err = endTokens(ctx, tx, a.ID, ch.EndTokens, ch.KeepToken, ch.At)
		}
		if ch.Audit != nil {
			ch.Audit.Details = withEnded(ch.Audit.Details, len(ended))
		}
		return err
	}))
	return ended, err
}

// DeleteAccount deletes an account and revokes its tokens; see store.Store.
func (s *Store) DeleteAccount(ctx context.Context, id string, at time.Time, audit *model.AuditEntry) ([]string, error) {
	var ended []string
	err := wrap("delete account", s.audited(ctx, audit, func(tx *Tx) error {
		ended = nil
		owners, err := s.lockOwners(ctx, tx)
		if err != nil {
			return err
		}
		old, err := scanAccount(tx.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id = $1`+s.d.LockRow, id))
		if errors.Is(err, sql.ErrNoRows) {
			return model.Errorf(model.CodeNotFound, "account %s not found", id)
		} else if err != nil {
			return err
		}
		if enabledOwner(old) && owners <= 1 {
			return errLastOwner
		}
		if ended, err = endTokens(ctx, tx, id, true, "", at); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM accounts WHERE id = $1`, id); err != nil {
			return err
		}
		if audit != nil {
			audit.Details = withEnded(audit.Details, len(ended))
		}
		return nil
	}))
	return ended, err
}

// RedeemReset sets a new password with a one-time reset token; see
// store.Store.
func (s *Store) RedeemReset(ctx context.Context, hash []byte, passwordHash string, at time.Time, audit *model.AuditEntry) (*model.Account, []string, error) {
	var acc *model.Account
	var ended []string
	err := wrap("redeem password reset", s.audited(ctx, audit, func(tx *Tx) error {
		ended = nil
		var err error
		acc, err = scanAccount(tx.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts
			WHERE reset_hash = $1 AND reset_expires_at > $2 AND disabled_at IS NULL`+s.d.LockRow, hash, millis(at)))
		if errors.Is(err, sql.ErrNoRows) {
			return model.Errorf(model.CodeNotFound, "this reset link is unknown, used or expired")
		} else if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET password_hash = $2, reset_hash = NULL, reset_expires_at = NULL
			WHERE id = $1`, acc.ID, passwordHash); err != nil {
			return err
		}
		acc.PasswordHash, acc.ResetHash, acc.ResetExpiresAt = passwordHash, nil, nil
		if ended, err = endTokens(ctx, tx, acc.ID, false, "", at); err != nil {
			return err
		}
		if audit != nil {
			audit.WorkspaceID, audit.TargetType, audit.TargetID = acc.WorkspaceID, "account", acc.ID
			if audit.ActorRole == "" {
				audit.ActorRole = acc.Role
			}
			audit.Details = withEnded(audit.Details, len(ended))
		}
		return nil
	}))
	if err != nil {
		return nil, nil, err
	}
	return acc, ended, nil
}

// withEnded adds how many tokens a change ended to an audit entry's details.
func withEnded(d map[string]any, n int) map[string]any {
	if d == nil {
		d = map[string]any{}
	}
	d["tokens_ended"] = n
	return d
}
