package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/signet-id/signet/internal/model"
)

// Hit counts one failure under key in a fixed window of length window that
// starts at the first failure; a window that ended at or before `at` starts
// again at 1. It is one statement, an upsert, so that concurrent failures
// on every node never lose a count: PostgreSQL holds the key's row for the
// update (and a second insert of a new key waits, then updates), SQLite's
// writers take turns on the file. invalid_request for an empty or non-text
// key, or a window under a millisecond (the store's resolution).
func (s *Store) Hit(ctx context.Context, key string, window time.Duration, at time.Time) (model.Throttle, error) {
	if err := checkThrottleKey(key); err != nil {
		return model.Throttle{}, err
	}
	if window < time.Millisecond {
		return model.Throttle{}, model.Errorf(model.CodeInvalid, "hit: the window must be at least a millisecond, not %v", window)
	}
	var t model.Throttle
	var reset int64
	err := s.writer.QueryRowContext(ctx, `
		INSERT INTO throttles (key, count, reset_at) VALUES ($1, 1, $3)
		ON CONFLICT (key) DO UPDATE SET
			count = CASE WHEN throttles.reset_at <= $2 THEN 1 ELSE throttles.count + 1 END,
			reset_at = CASE WHEN throttles.reset_at <= $2 THEN $3 ELSE throttles.reset_at END
		RETURNING count, reset_at`,
		key, millis(at), millis(at.Add(window))).Scan(&t.Count, &reset)
	if err != nil {
		return model.Throttle{}, fmt.Errorf("hit: %w", err)
	}
	t.ResetAt = fromMillis(reset)
	return t, nil
}

// Throttled returns key's state at `at` without counting: Count 0 and no
// ResetAt when there is no live window (none, or one that ended at or
// before `at`).
func (s *Store) Throttled(ctx context.Context, key string, at time.Time) (model.Throttle, error) {
	if err := checkThrottleKey(key); err != nil {
		return model.Throttle{}, err
	}
	var t model.Throttle
	var reset int64
	err := s.reader.QueryRowContext(ctx, `
		SELECT count, reset_at FROM throttles WHERE key = $1 AND reset_at > $2`, key, millis(at)).Scan(&t.Count, &reset)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return model.Throttle{}, nil
	case err != nil:
		return model.Throttle{}, fmt.Errorf("throttled: %w", err)
	}
	t.ResetAt = fromMillis(reset)
	return t, nil
}

// LiveThrottles returns every window live at `at`, by key.
func (s *Store) LiveThrottles(ctx context.Context, at time.Time) (map[string]model.Throttle, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT key, count, reset_at FROM throttles WHERE reset_at > $1`, millis(at))
	if err != nil {
		return nil, fmt.Errorf("live throttles: %w", err)
	}
	defer rows.Close()
	out := map[string]model.Throttle{}
	for rows.Next() {
		var key string
		var t model.Throttle
		var reset int64
		if err := rows.Scan(&key, &t.Count, &reset); err != nil {
			return nil, fmt.Errorf("live throttles: %w", err)
		}
		t.ResetAt = fromMillis(reset)
		out[key] = t
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("live throttles: %w", err)
	}
	return out, nil
}

// PurgeThrottles deletes the windows that ended before `at` (reset_at <
// at), returning how many.
func (s *Store) PurgeThrottles(ctx context.Context, at time.Time) (int, error) {
	n, err := affected(s.writer.ExecContext(ctx, `DELETE FROM throttles WHERE reset_at < $1`, millis(at)))
	if err != nil {
		return 0, fmt.Errorf("purge throttles: %w", err)
	}
	return n, nil
}

func checkThrottleKey(key string) error {
	if key == "" {
		return model.Errorf(model.CodeInvalid, "a throttle key is required")
	}
	return checkText("throttle key", key)
}
