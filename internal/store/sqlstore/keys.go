package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/verify"
)

const keyColumns = `id, app_id, workspace_id, sealed, imported, weak, fingerprint,
	created_at, retires_at, revoked_at, last_used_at, algorithm, kid`

// CreateKey stores k (already sealed), and audit in the same transaction
// when it is not nil; not_found if its app does not exist in its
// workspace, conflict if its id is taken or if its material already
// serves another profile in the workspace (one secret never serves two
// profiles: see migration 0008, whose constraints hold the rule under
// concurrent imports too). A key without Material is stored without the
// rule.
func (s *Store) CreateKey(ctx context.Context, k *model.Key, audit *model.AuditEntry) error {
	return wrap("create key", s.audited(ctx, audit, func(tx *Tx) error {
		// The app's row is held so that its profile cannot change under
		// the key being made for it.
		var profile string
		err := tx.QueryRowContext(ctx, `SELECT profile FROM apps WHERE id = $1 AND workspace_id = $2`+s.d.LockRow,
			k.AppID, k.WorkspaceID).Scan(&profile)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return model.Errorf(model.CodeNotFound, "app %s not found in workspace %s", k.AppID, k.WorkspaceID)
		case err != nil:
			return err
		}
		if len(k.Material) > 0 {
			if err := s.claimMaterial(ctx, tx, k.WorkspaceID, k.Material, profile); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO keys (`+keyColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			k.ID, k.AppID, k.WorkspaceID, k.Sealed, k.Imported, k.Weak, k.Fingerprint,
			millis(k.CreatedAt), nullMillis(k.RetiresAt), nullMillis(k.RevokedAt), nullMillis(k.LastUsedAt), keyAlgorithm(k), k.Kid)
		switch {
		case err != nil && s.d.IsForeignKeyViolation(err):
			return model.Errorf(model.CodeNotFound, "app %s not found in workspace %s", k.AppID, k.WorkspaceID)
		case err != nil && s.d.IsUniqueViolation(err):
			return model.Errorf(model.CodeConflict, "key %s already exists", k.ID)
		case err != nil:
			return err
		}
		if len(k.Material) == 0 || k.RevokedAt != nil {
			return nil
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO key_materials (key_id, workspace_id, material, profile) VALUES ($1, $2, $3, $4)`,
			k.ID, k.WorkspaceID, k.Material, profile)
		if err != nil && s.d.IsForeignKeyViolation(err) {
			// Only a race past claimMaterial gets here: the database holds the rule.
			return model.Errorf(model.CodeConflict, "this secret already serves another profile in the workspace; one secret never serves two profiles")
		}
		return err
	}))
}

// claimMaterial makes material serve profile in the workspace, inside the
// key's transaction: conflict, naming the app it serves, when a key not
// revoked already uses it under another profile.
func (s *Store) claimMaterial(ctx context.Context, tx *Tx, workspaceID string, material []byte, profile string) error {
	// Whoever inserts first holds the row; a concurrent import waits on the
	// primary key until that transaction ends, then reads its profile.
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO key_profiles (workspace_id, material, profile) VALUES ($1, $2, $3)
		ON CONFLICT (workspace_id, material) DO NOTHING`, workspaceID, material, profile); err != nil {
		return err
	}
	var held string
	if err := tx.QueryRowContext(ctx, `SELECT profile FROM key_profiles WHERE workspace_id = $1 AND material = $2`+s.d.LockRow,
		workspaceID, material).Scan(&held); err != nil {
		return err
	}
	if held == profile {
		return nil
	}
	var appID, appProfile string
	err := tx.QueryRowContext(ctx, `
		SELECT k.app_id, a.profile FROM key_materials m JOIN keys k ON k.id = m.key_id JOIN apps a ON a.id = k.app_id
		WHERE m.workspace_id = $1 AND m.material = $2 ORDER BY k.created_at, k.id LIMIT 1`,
		workspaceID, material).Scan(&appID, &appProfile)
	switch {
	case err == nil:
		return model.Errorf(model.CodeConflict, "this secret already serves app %s under profile %s; one secret never serves two profiles", appID, held)
	case !errors.Is(err, sql.ErrNoRows):
		return err
	}
	// No key uses it any more (all were revoked): it may serve this profile.
	_, err = tx.ExecContext(ctx, `UPDATE key_profiles SET profile = $3 WHERE workspace_id = $1 AND material = $2`,
		workspaceID, material, profile)
	return err
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

// RetireKey sets the end of the key's grace period, and writes audit in
// the same transaction when it is not nil; not_found; conflict if the key
// is revoked.
func (s *Store) RetireKey(ctx context.Context, id string, until time.Time, audit *model.AuditEntry) error {
	return wrap("retire key", s.audited(ctx, audit, func(tx *Tx) error {
		n, err := affected(tx.ExecContext(ctx, `
			UPDATE keys SET retires_at = $2 WHERE id = $1 AND revoked_at IS NULL`, id, millis(until)))
		if err != nil || n == 1 {
			return err
		}
		found, err := exists(ctx, tx, `SELECT 1 FROM keys WHERE id = $1`, id)
		switch {
		case err != nil:
			return err
		case !found:
			return model.Errorf(model.CodeNotFound, "key %s not found", id)
		}
		return model.Errorf(model.CodeConflict, "key %s is revoked and cannot be retired", id)
	}))
}

// RevokeKey revokes the key at `at` and, in the same transaction, ends its
// live sessions, frees its material for another profile once no other key
// uses it, and writes audit when it is not nil (its details'
// "sessions_ended" set to the count); it returns how many
// sessions ended; revoking a revoked key ends nothing; not_found.
func (s *Store) RevokeKey(ctx context.Context, id string, at time.Time, audit *model.AuditEntry) (int, error) {
	var ended int
	err := s.audited(ctx, audit, func(tx *Tx) error {
		ended = 0
		// The exclusive lock waits for the batches of logins verified with
		// the key (guardKeys holds its row in share mode), so the sessions
		// they wrote are among those ended below; the guarded UPDATE makes
		// concurrent revocations take turns on the row, and only the first
		// one changes it and ends sessions. Where writers are serialised
		// already (SQLite, ExclusiveRow empty), there is nothing to wait for.
		if s.d.ExclusiveRow != "" {
			if _, err := tx.ExecContext(ctx, `SELECT 1 FROM keys WHERE id = $1`+s.d.ExclusiveRow, id); err != nil {
				return err
			}
		}
		var appID string
		err := tx.QueryRowContext(ctx, `
			UPDATE keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING app_id`,
			id, millis(at)).Scan(&appID)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if err != nil {
			found, err := exists(ctx, tx, `SELECT 1 FROM keys WHERE id = $1`, id)
			switch {
			case err != nil:
				return err
			case !found:
				return model.Errorf(model.CodeNotFound, "key %s not found", id)
			}
			return nil
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM key_materials WHERE key_id = $1`, id); err != nil {
			return err
		}
		// The key's app leads sessions_live (app_id, key_id), the index of
		// the live sessions.
		ended, err = affected(tx.ExecContext(ctx, `
			UPDATE sessions SET revoked_at = $2, revoke_reason = $3
			WHERE app_id = $4 AND key_id = $1 AND revoked_at IS NULL AND expires_at > $2`,
			id, millis(at), model.RevokedByKey, appID))
		recordEnded(audit, ended)
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
		&created, &retires, &revoked, &used, &k.Algorithm, &k.Kid)
	if err != nil {
		return nil, err
	}
	k.CreatedAt = fromMillis(created)
	k.RetiresAt, k.RevokedAt, k.LastUsedAt = timePtr(retires), timePtr(revoked), timePtr(used)
	return &k, nil
}

// SetKeyMaterials gives keys not revoked their material (model.Key.Material)
// in one transaction: every such key when all is true (after a master-key
// rotation, which changes every digest), else those that have none (made
// before migration 0008). material computes a key's from its sealed secret
// and its app's profile. A key whose material already serves another
// profile (stored before the database held the rule), or for which
// material returns nil, is left without one;
// it returns how many keys were given one.
func (s *Store) SetKeyMaterials(ctx context.Context, all bool, material func(k *model.Key, profile verify.Profile) ([]byte, error)) (int, error) {
	var set int
	err := s.inTx(ctx, func(tx *Tx) error {
		set = 0
		if all {
			if _, err := tx.ExecContext(ctx, `DELETE FROM key_materials`); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM key_profiles`); err != nil {
				return err
			}
		}
		type row struct {
			k       model.Key
			profile verify.Profile
		}
		rows, err := listOf(ctx, tx, func(sc scanner) (*row, error) {
			var r row
			var created int64
			var retires, revoked, used sql.NullInt64
			err := sc.Scan(&r.k.ID, &r.k.AppID, &r.k.WorkspaceID, &r.k.Sealed, &r.k.Imported, &r.k.Weak, &r.k.Fingerprint,
				&created, &retires, &revoked, &used, &r.profile)
			return &r, err
		}, `SELECT k.id, k.app_id, k.workspace_id, k.sealed, k.imported, k.weak, k.fingerprint,
				k.created_at, k.retires_at, k.revoked_at, k.last_used_at, a.profile
			FROM keys k JOIN apps a ON a.id = k.app_id
			WHERE k.revoked_at IS NULL AND k.algorithm = 'HS256' AND NOT EXISTS (SELECT 1 FROM key_materials m WHERE m.key_id = k.id)
			ORDER BY k.created_at, k.id`+s.d.LockRow)
		if err != nil {
			return err
		}
		for i := range rows {
			r := &rows[i]
			m, err := material(&r.k, r.profile)
			if err != nil {
				return fmt.Errorf("key %s: %w", r.k.ID, err)
			}
			if m == nil {
				continue // no material: the key cannot serve its profile
			}
			if err := s.claimMaterial(ctx, tx, r.k.WorkspaceID, m, string(r.profile)); model.ErrorCode(err) == model.CodeConflict {
				continue
			} else if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `
				INSERT INTO key_materials (key_id, workspace_id, material, profile) VALUES ($1, $2, $3, $4)`,
				r.k.ID, r.k.WorkspaceID, m, string(r.profile)); err != nil {
				return err
			}
			set++
		}
		return nil
	})
	if err != nil {
		return 0, wrap("set key materials", err)
	}
	return set, nil
}
