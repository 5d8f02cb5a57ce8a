package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/signet-id/signet/internal/model"
)

// SyncJWKS makes the app's JWKS keys those of a set just fetched, in one
// transaction with the fetch's record: a key the set lists that the app
// does not hold (by kid and fingerprint) is added; one it holds but had
// dropped is active again (unless revoked); one no longer listed stops
// verifying at fetch.CheckedAt (retired, its sessions kept: revoking is
// an admin's act). It returns whether any key changed; not_found.
func (s *Store) SyncJWKS(ctx context.Context, appID string, keys []model.Key, fetch *model.JWKSFetch) (bool, error) {
	changed := false
	err := s.inTx(ctx, func(tx *Tx) error {
		changed = false
		var ws string
		err := tx.QueryRowContext(ctx, `SELECT workspace_id FROM apps WHERE id = $1`+s.d.LockRow, appID).Scan(&ws)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return model.Errorf(model.CodeNotFound, "app %s not found", appID)
		case err != nil:
			return err
		}
		held, err := listOf(ctx, tx, scanKey, `SELECT `+keyColumns+` FROM keys WHERE app_id = $1 AND kid <> '' ORDER BY created_at, id`, appID)
		if err != nil {
			return err
		}
		at := millis(fetch.CheckedAt)
		listed := map[string]bool{}
		for i := range keys {
			k := &keys[i]
			listed[k.Kid+"\x00"+k.Fingerprint] = true
			var have *model.Key
			for j := range held {
				if h := &held[j]; h.Kid == k.Kid && h.Fingerprint == k.Fingerprint && h.Algorithm == k.Algorithm {
					have = h
				}
			}
			switch {
			case have == nil:
				if _, err := tx.ExecContext(ctx, `
					INSERT INTO keys (`+keyColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, NULL, NULL, $9, $10)`,
					k.ID, appID, ws, k.Sealed, false, false, k.Fingerprint, millis(k.CreatedAt), k.Algorithm, k.Kid); err != nil {
					return err
				}
				changed = true
			case have.RevokedAt == nil && have.RetiresAt != nil:
				if _, err := tx.ExecContext(ctx, `UPDATE keys SET retires_at = NULL WHERE id = $1`, have.ID); err != nil {
					return err
				}
				changed = true
			}
		}
		for j := range held {
			h := &held[j]
			if listed[h.Kid+"\x00"+h.Fingerprint] || h.RevokedAt != nil || h.RetiresAt != nil {
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE keys SET retires_at = $2 WHERE id = $1`, h.ID, at); err != nil {
				return err
			}
			changed = true
		}
		return s.saveJWKSFetch(ctx, tx, fetch)
	})
	if err != nil {
		return false, wrap("sync jwks", err)
	}
	return changed, nil
}

// RecordJWKSFetch saves the outcome of a fetch that changed no key (a
// failure, or a set as it was).
func (s *Store) RecordJWKSFetch(ctx context.Context, fetch *model.JWKSFetch) error {
	return wrap("record jwks fetch", s.inTx(ctx, func(tx *Tx) error {
		return s.saveJWKSFetch(ctx, tx, fetch)
	}))
}

func (s *Store) saveJWKSFetch(ctx context.Context, tx *Tx, f *model.JWKSFetch) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO jwks_fetches (app_id, url, fetched_at, checked_at, error, failures, key_count)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (app_id) DO UPDATE SET url = excluded.url, fetched_at = excluded.fetched_at,
			checked_at = excluded.checked_at, error = excluded.error, failures = excluded.failures,
			key_count = excluded.key_count`,
		f.AppID, f.URL, nullMillis(f.FetchedAt), millis(f.CheckedAt), f.Error, f.Failures, f.KeyCount)
	if err != nil && s.d.IsForeignKeyViolation(err) {
		return model.Errorf(model.CodeNotFound, "app %s not found", f.AppID)
	}
	return err
}

// JWKSFetch returns the last fetch of the app's JWKS; not_found if none.
func (s *Store) JWKSFetch(ctx context.Context, appID string) (*model.JWKSFetch, error) {
	var f model.JWKSFetch
	var fetched sql.NullInt64
	var checked int64
	err := s.reader.QueryRowContext(ctx, `
		SELECT app_id, url, fetched_at, checked_at, error, failures, key_count FROM jwks_fetches WHERE app_id = $1`, appID).
		Scan(&f.AppID, &f.URL, &fetched, &checked, &f.Error, &f.Failures, &f.KeyCount)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, model.Errorf(model.CodeNotFound, "app %s has no JWKS fetch", appID)
	case err != nil:
		return nil, fmt.Errorf("jwks fetch: %w", err)
	}
	f.FetchedAt, f.CheckedAt = timePtr(fetched), fromMillis(checked)
	return &f, nil
}

// keyAlgorithm is k's algorithm as stored: HS256 when unset.
func keyAlgorithm(k *model.Key) string {
	if k.Algorithm == "" {
		return "HS256"
	}
	return k.Algorithm
}
