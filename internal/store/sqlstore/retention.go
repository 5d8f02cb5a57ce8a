package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/signet-id/signet/internal/model"
)

// PruneAttempts deletes, of the limit attempts written first (seq, the
// primary key), those with at < before, returning how many. The log is
// written in the order of its times, to within a batch of logins (or a
// clock's step back): an entry may outlive the cut-off by that much, never
// go before it, and each call reads at most limit rows however large the
// log. Nothing references attempts, so the delete checks no foreign key.
func (s *Store) PruneAttempts(ctx context.Context, before time.Time, limit int) (int, error) {
	if limit < 1 {
		return 0, model.Errorf(model.CodeInvalid, "a prune limit must be 1 or more")
	}
	n, err := affected(s.writer.ExecContext(ctx, `
		DELETE FROM attempts WHERE seq IN (
			SELECT seq FROM (SELECT seq, at FROM attempts ORDER BY seq LIMIT $2) AS first_written
			WHERE at < $1)`, millis(before), limit))
	if err != nil {
		return 0, fmt.Errorf("prune attempts: %w", err)
	}
	return n, nil
}

// PruneSessions deletes at most limit sessions that expired or were revoked
// before endedBefore, returning how many.
//
// issues.session_id (the session that opened an issue) and
// messages.session_id (the session that wrote a message) reference
// sessions. Both columns are nullable, but they are what the per-session
// conversation limits count and what a message keeps of its author as it
// was when written, so they are never nulled: a session they name is kept
// instead. Such sessions grow only as fast as conversations do (which
// have limits of their own); the sessions of logins that never wrote
// anything, nearly all of them, go.
func (s *Store) PruneSessions(ctx context.Context, endedBefore time.Time, limit int) (int, error) {
	if limit < 1 {
		return 0, model.Errorf(model.CodeInvalid, "a prune limit must be 1 or more")
	}
	n, err := affected(s.writer.ExecContext(ctx, `
		DELETE FROM sessions WHERE id IN (
			SELECT id FROM sessions
			WHERE (expires_at < $1 OR revoked_at < $1)
				AND NOT EXISTS (SELECT 1 FROM issues WHERE issues.session_id = sessions.id)
				AND NOT EXISTS (SELECT 1 FROM messages WHERE messages.session_id = sessions.id)
			LIMIT $2)`, millis(endedBefore), limit))
	if err != nil {
		return 0, fmt.Errorf("prune sessions: %w", err)
	}
	return n, nil
}

// PruneUsedTokens deletes at most limit one-time tokens' ids whose token
// expired before `before` (the used_tokens_expires_at index), returning
// how many.
func (s *Store) PruneUsedTokens(ctx context.Context, before time.Time, limit int) (int, error) {
	if limit < 1 {
		return 0, model.Errorf(model.CodeInvalid, "a prune limit must be 1 or more")
	}
	n, err := affected(s.writer.ExecContext(ctx, `
		DELETE FROM used_tokens WHERE (app_id, jti) IN (
			SELECT app_id, jti FROM used_tokens WHERE expires_at < $1 ORDER BY expires_at LIMIT $2)`, millis(before), limit))
	if err != nil {
		return 0, fmt.Errorf("prune used tokens: %w", err)
	}
	return n, nil
}
