package sqlstore

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"time"

	"github.com/signet-id/signet/internal/model"
)

const sessionColumns = `id, workspace_id, app_id, user_id, token_hash, COALESCE(key_id, ''), verified, anonymous,
	signed_fields, device_id, app_version, created_at, expires_at, revoked_at, revoke_reason`

// createSession inserts a session (Login's part).
func (s *Store) createSession(ctx context.Context, tx *Tx, ss *model.Session) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO sessions (id, workspace_id, app_id, user_id, token_hash, key_id, verified, anonymous,
			signed_fields, device_id, app_version, created_at, expires_at, revoked_at, revoke_reason)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		ss.ID, ss.WorkspaceID, ss.AppID, ss.UserID, ss.TokenHash, nullString(ss.KeyID), ss.Verified, ss.Anonymous,
		encodeStrings(ss.SignedFields), ss.DeviceID, ss.AppVersion, millis(ss.CreatedAt), millis(ss.ExpiresAt),
		nullMillis(ss.RevokedAt), ss.RevokeReason)
	switch {
	case err != nil && s.d.IsUniqueViolation(err):
		return model.Errorf(model.CodeConflict, "session %s already exists", ss.ID)
	case err != nil && s.d.IsForeignKeyViolation(err):
		return model.Errorf(model.CodeNotFound, "app %s or key %s not found in workspace %s", ss.AppID, ss.KeyID, ss.WorkspaceID)
	case err != nil:
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// SessionByToken finds a session by what its token names, whatever its
// state; see store.Store. A token of today's shape is found by its
// session's id (the primary key) and its hash compared here; a legacy one
// through sessions_legacy_token, which holds the rows of tokens issued
// before migration 0020 alone.
func (s *Store) SessionByToken(ctx context.Context, sessionID string, hash []byte) (*model.Session, error) {
	var ss *model.Session
	var err error
	if sessionID == "" {
		ss, err = scanSession(s.reader.QueryRowContext(ctx, `SELECT `+sessionColumns+`
			FROM sessions WHERE token_hash = $1 AND legacy_token`, hash))
	} else {
		ss, err = scanSession(s.reader.QueryRowContext(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE id = $1`, sessionID))
		// Compared whether the id was found or not, in constant time: a
		// wrong secret and an unknown id answer alike.
		stored := make([]byte, len(hash))
		if err == nil {
			stored = ss.TokenHash
		}
		if subtle.ConstantTimeCompare(stored, hash) != 1 && err == nil {
			err = sql.ErrNoRows
		}
	}
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, model.Errorf(model.CodeNotFound, "no session has this token")
	case err != nil:
		return nil, fmt.Errorf("session by token: %w", err)
	}
	return ss, nil
}

// Session returns one session; not_found.
func (s *Store) Session(ctx context.Context, id string) (*model.Session, error) {
	ss, err := scanSession(s.reader.QueryRowContext(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE id = $1`, id))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, model.Errorf(model.CodeNotFound, "session %s not found", id)
	case err != nil:
		return nil, fmt.Errorf("session: %w", err)
	}
	return ss, nil
}

// Sessions lists a workspace's sessions, newest first. Live needs Now.
func (s *Store) Sessions(ctx context.Context, workspaceID string, f model.SessionFilter) ([]model.Session, error) {
	if f.Live && f.Now.IsZero() {
		return nil, model.Errorf(model.CodeInvalid, "sessions: a live filter needs the time")
	}
	var w filter
	w.where("workspace_id = " + w.arg(workspaceID))
	if f.UserID != "" {
		w.where("user_id = " + w.arg(f.UserID))
	}
	if f.AppID != "" {
		w.where("app_id = " + w.arg(f.AppID))
	}
	if f.KeyID != "" {
		w.where("key_id = " + w.arg(f.KeyID))
	}
	if f.Live {
		w.where("revoked_at IS NULL AND expires_at > " + w.arg(millis(f.Now)))
	}
	l, err := listOf(ctx, s.reader, scanSession, `SELECT `+sessionColumns+` FROM sessions`+w.sql()+
		` ORDER BY created_at DESC, id DESC`+w.limit(f.Limit), w.args...)
	if err != nil {
		return nil, fmt.Errorf("sessions: %w", err)
	}
	return l, nil
}

// RevokeSession ends one session; ending an ended session is a no-op that
// keeps the first reason (and writes no audit entry); not_found.
func (s *Store) RevokeSession(ctx context.Context, id, reason string, at time.Time, audit *model.AuditEntry) error {
	return s.inTx(ctx, func(tx *Tx) error {
		n, err := affected(tx.ExecContext(ctx, `
			UPDATE sessions SET revoked_at = $2, revoke_reason = $3 WHERE id = $1 AND revoked_at IS NULL`,
			id, millis(at), reason))
		if err != nil {
			return fmt.Errorf("revoke session: %w", err)
		}
		if n == 1 {
			return s.auditEnded(ctx, tx, audit, -1)
		}
		found, err := exists(ctx, tx, `SELECT 1 FROM sessions WHERE id = $1`, id)
		switch {
		case err != nil:
			return fmt.Errorf("revoke session: %w", err)
		case !found:
			return model.Errorf(model.CodeNotFound, "session %s not found", id)
		}
		return nil
	})
}

// RevokeUserSessions ends every live session of a user, returning how many.
func (s *Store) RevokeUserSessions(ctx context.Context, userID, reason string, at time.Time, audit *model.AuditEntry) (int, error) {
	return s.revokeSessions(ctx, "user_id", userID, reason, at, audit)
}

// RevokeAppSessions ends every live session of an app, returning how many.
func (s *Store) RevokeAppSessions(ctx context.Context, appID, reason string, at time.Time, audit *model.AuditEntry) (int, error) {
	return s.revokeSessions(ctx, "app_id", appID, reason, at, audit)
}

// revokeSessions ends the live sessions whose column (user_id or app_id)
// is id: one statement, and the audit entry, if any, in its transaction.
func (s *Store) revokeSessions(ctx context.Context, column, id, reason string, at time.Time, audit *model.AuditEntry) (int, error) {
	query := `UPDATE sessions SET revoked_at = $2, revoke_reason = $3
		WHERE ` + column + ` = $1 AND revoked_at IS NULL AND expires_at > $2`
	if audit == nil { // one statement: atomic without a transaction
		n, err := affected(s.writer.ExecContext(ctx, query, id, millis(at), reason))
		if err != nil {
			return 0, fmt.Errorf("revoke sessions: %w", err)
		}
		return n, nil
	}
	var n int
	err := s.inTx(ctx, func(tx *Tx) error {
		var err error
		if n, err = affected(tx.ExecContext(ctx, query, id, millis(at), reason)); err != nil {
			return fmt.Errorf("revoke sessions: %w", err)
		}
		return s.auditEnded(ctx, tx, audit, n)
	})
	return n, err
}

// auditEnded appends audit (when set) inside tx, with how many sessions
// ended in its details (n ≥ 0).
func (s *Store) auditEnded(ctx context.Context, tx *Tx, audit *model.AuditEntry, n int) error {
	if audit == nil {
		return nil
	}
	if n >= 0 {
		details := maps.Clone(audit.Details)
		if details == nil {
			details = map[string]any{}
		}
		details["sessions_ended"] = n
		audit.Details = details
	}
	return s.appendAudit(ctx, tx, audit)
}

// CountUserDevices counts distinct device ids since `since`, current included.
func (s *Store) CountUserDevices(ctx context.Context, userID string, since time.Time, current string) (int, error) {
	var n int
	err := s.reader.QueryRowContext(ctx, `
		SELECT COUNT(*) FROM (
			SELECT device_id FROM sessions
			WHERE user_id = $1 AND created_at > $2 AND device_id <> ''
			UNION
			SELECT CAST($3 AS TEXT) WHERE CAST($3 AS TEXT) <> ''
		) devices`, userID, millis(since), current).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count user devices: %w", err)
	}
	return n, nil
}

// DeviceSeen reports whether deviceID logged in for the user after since.
func (s *Store) DeviceSeen(ctx context.Context, userID, deviceID string, since time.Time) (bool, error) {
	var seen bool
	err := s.reader.QueryRowContext(ctx, `
		SELECT EXISTS (SELECT 1 FROM sessions WHERE user_id = $1 AND device_id = $2 AND created_at > $3)`,
		userID, deviceID, millis(since)).Scan(&seen)
	if err != nil {
		return false, fmt.Errorf("device seen: %w", err)
	}
	return seen, nil
}

func scanSession(sc scanner) (*model.Session, error) {
	var ss model.Session
	var signed string
	var created, expires int64
	var revoked sql.NullInt64
	err := sc.Scan(&ss.ID, &ss.WorkspaceID, &ss.AppID, &ss.UserID, &ss.TokenHash, &ss.KeyID, &ss.Verified, &ss.Anonymous,
		&signed, &ss.DeviceID, &ss.AppVersion, &created, &expires, &revoked, &ss.RevokeReason)
	if err != nil {
		return nil, err
	}
	if ss.SignedFields, err = decodeStrings(signed); err != nil {
		return nil, err
	}
	ss.CreatedAt, ss.ExpiresAt, ss.RevokedAt = fromMillis(created), fromMillis(expires), timePtr(revoked)
	return &ss, nil
}
