package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/signet-id/signet/internal/model"
)

const keyColumns = `id, app_id, workspace_id, sealed, imported, weak, fingerprint,
	created_at, retires_at, revoked_at, last_used_at`

// CreateKey stores k (already sealed); not_found if its app does not exist
// in its workspace, conflict if its id is taken.
func (s *Store) CreateKey(ctx context.Context, k *model.Key) error {
	_, err := s.writer.ExecContext(ctx, `
		INSERT INTO keys (`+keyColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		k.ID, k.AppID, k.WorkspaceID, k.Sealed, k.Imported, k.Weak, k.Fingerprint,
		millis(k.CreatedAt), nullMillis(k.RetiresAt), nullMillis(k.RevokedAt), nullMillis(k.LastUsedAt))
	switch {
	case err != nil && s.d.IsForeignKeyViolation(err):
		return model.Errorf(model.CodeNotFound, "app %s not found in workspace %s", k.AppID, k.WorkspaceID)
	case err != nil && s.d.IsUniqueViolation(err):
		return model.Errorf(model.CodeConflict, "key %s already exists", k.ID)
	case err != nil:
		return fmt.Errorf("create key: %w", err)
	}
	return nil
}

// Key returns one key; not_found.
func (s *Store) Key(ctx context.Context, id string) (*model.Key, error) {
	k, err := scanKey(s.reader.QueryRowContext(ctx, `SELECT `+keyColumns+` FROM keys WHERE id = $1`, id))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, model.Errorf(model.CodeNotFound, "key %s not found", id)
	case err != nil:
		return nil, fmt.Errorf("key: %w", err)
	}
	return k, nil
}

// AppKeys lists an app's keys in every state, oldest first.
func (s *Store) AppKeys(ctx context.Context, appID string) ([]model.Key, error) {
	return s.keys(ctx, `SELECT `+keyColumns+` FROM keys WHERE app_id = $1 ORDER BY created_at, id`, appID)
}

// WorkspaceKeys lists every key of a workspace's apps, oldest first.
func (s *Store) WorkspaceKeys(ctx context.Context, workspaceID string) ([]model.Key, error) {
	return s.keys(ctx, `SELECT `+keyColumns+` FROM keys WHERE workspace_id = $1 ORDER BY created_at, id`, workspaceID)
}

func (s *Store) keys(ctx context.Context, query string, args ...any) ([]model.Key, error) {
	l, err := listOf(ctx, s.reader, scanKey, query, args...)
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	return l, nil
}

// RetireKey sets the end of the key's grace period; not_found; conflict if
// the key is revoked.
func (s *Store) RetireKey(ctx context.Context, id string, until time.Time) error {
	n, err := affected(s.writer.ExecContext(ctx, `
		UPDATE keys SET retires_at = $2 WHERE id = $1 AND revoked_at IS NULL`, id, millis(until)))
	if err != nil {
		return fmt.Errorf("retire key: %w", err)
	}
	if n == 1 {
		return nil
	}
	found, err := exists(ctx, s.writer, `SELECT 1 FROM keys WHERE id = $1`, id)
	switch {
	case err != nil:
		return fmt.Errorf("retire key: %w", err)
	case !found:
		return model.Errorf(model.CodeNotFound, "key %s not found", id)
	}
	return model.Errorf(model.CodeConflict, "key %s is revoked and cannot be retired", id)
}

// RevokeKey revokes the key at `at` and, in the same transaction, ends its
// live sessions, returning how many; revoking a revoked key ends nothing;
// not_found.
func (s *Store) RevokeKey(ctx context.Context, id string, at time.Time) (int, error) {
	var ended int
	err := s.inTx(ctx, func(tx *Tx) error {
		ended = 0
		// The guarded UPDATE makes concurrent revocations take turns on the
		// key's row; only the first one changes it and ends sessions.
		n, err := affected(tx.ExecContext(ctx, `
			UPDATE keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL`, id, millis(at)))
		if err != nil {
			return err
		}
		if n == 0 {
			found, err := exists(ctx, tx, `SELECT 1 FROM keys WHERE id = $1`, id)
			switch {
			case err != nil:
				return err
			case !found:
				return model.Errorf(model.CodeNotFound, "key %s not found", id)
			}
			return nil
		}
		ended, err = affected(tx.ExecContext(ctx, `
			UPDATE sessions SET revoked_at = $2, revoke_reason = $3
			WHERE key_id = $1 AND revoked_at IS NULL AND expires_at > $2`,
			id, millis(at), model.RevokedByKey))
		return err
	})
	if err != nil {
		return 0, wrap("revoke key", err)
	}
	return ended, nil
}

// ResealKeys rewrites every key's sealed secret with reseal, in one
// transaction (master-key rotation): all keys or none. reseal sees each key,
// in every state, oldest first; it returns nil to leave a key as it is, and
// a key given back its own sealed bytes is left as it is too. It returns
// how many keys changed. An error from reseal, or an empty non-nil secret,
// rolls everything back and is returned.
//
// The keys' rows are held until the commit (PostgreSQL: a second rotation
// waits, then sees the first one's secrets; SQLite: the writer is held), so
// logins marking a key used wait for it. A transaction retried after a
// deadlock calls reseal again for every key. A key created meanwhile by a
// node still sealing under the old master key is not resealed: run it again.
func (s *Store) ResealKeys(ctx context.Context, reseal func(k *model.Key) ([]byte, error)) (int, error) {
	var changed int
	err := s.inTx(ctx, func(tx *Tx) error {
		changed = 0
		l, err := listOf(ctx, tx, scanKey, `SELECT `+keyColumns+` FROM keys ORDER BY created_at, id`+s.d.LockRow)
		if err != nil {
			return err
		}
		for i := range l {
			k := &l[i]
			old, oldFingerprint := bytes.Clone(k.Sealed), k.Fingerprint // reseal may change k
			sealed, err := reseal(k)
			switch {
			case err != nil:
				return fmt.Errorf("key %s: %w", k.ID, err)
			case sealed == nil:
				sealed = old
			case len(sealed) == 0:
				return model.Errorf(model.CodeInvalid, "reseal keys: key %s was given an empty secret", k.ID)
			}
			if bytes.Equal(sealed, old) && k.Fingerprint == oldFingerprint {
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE keys SET sealed = $2, fingerprint = $3 WHERE id = $1`, k.ID, sealed, k.Fingerprint); err != nil {
				return err
			}
			changed++
		}
		return nil
	})
	if err != nil {
		return 0, wrap("reseal keys", err)
	}
	return changed, nil
}

func scanKey(sc scanner) (*model.Key, error) {
	var k model.Key
	var created int64
	var retires, revoked, used sql.NullInt64
	err := sc.Scan(&k.ID, &k.AppID, &k.WorkspaceID, &k.Sealed, &k.Imported, &k.Weak, &k.Fingerprint,
		&created, &retires, &revoked, &used)
	if err != nil {
		return nil, err
	}
	k.CreatedAt = fromMillis(created)
	k.RetiresAt, k.RevokedAt, k.LastUsedAt = timePtr(retires), timePtr(revoked), timePtr(used)
	return &k, nil
}
