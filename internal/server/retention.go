package server

import (
	"context"
	"log/slog"
	"time"

	"github.com/signet-id/signet/internal/store"
)

// Retention: what the database keeps of the past. The audit log is
// append-only and never pruned.
const (
	// DefaultLogRetention is how long the verification log is kept when
	// Config.LogRetention is 0.
	DefaultLogRetention = 30 * 24 * time.Hour
	// SessionGrace is how long an ended session (expired, or revoked) is
	// kept after it ended. Until then its token still answers
	// session_expired or session_revoked, which tell the SDK why; after
	// it, unauthenticated, as an unknown token does. A week covers a
	// device that was off over a weekend or a holiday.
	SessionGrace = 7 * 24 * time.Hour

	// pruneBatch rows are deleted per statement, then the pruner pauses
	// for prunePause: each statement holds SQLite's single writer for a
	// few milliseconds only, and logins queued behind it go first.
	pruneBatch = 500
	prunePause = 20 * time.Millisecond
	// pruneEvery is how often a node prunes. Every node does; on one
	// database they only share the work.
	pruneEvery = 10 * time.Minute
)

// pruner deletes, in small batches, the verification log past its
// retention and the sessions ended more than SessionGrace ago.
type pruner struct {
	store store.Store
	now   func() time.Time
	// retention is the verification log's; negative keeps it forever.
	retention time.Duration
	grace     time.Duration
	batch     int
	// pause waits between two batches; false when ctx ended.
	pause  func(ctx context.Context) bool
	logger *slog.Logger
}

// run prunes every pruneEvery until ctx ends.
func (p *pruner) run(ctx context.Context) {
	every(ctx, pruneEvery, func() {
		attempts, sessions, tokens, err := p.prune(ctx)
		if err != nil && ctx.Err() == nil {
			p.logger.Warn("pruning the verification log, ended sessions and expired one-time tokens failed", "err", err)
		}
		if attempts > 0 || sessions > 0 || tokens > 0 {
			p.logger.Info("pruned", "attempts", attempts, "sessions", sessions, "used_tokens", tokens)
		}
	})
}

// prune deletes what is past retention now, batch after batch, until a
// batch deletes fewer rows than its size; it returns how many of each it
// deleted. One-time tokens' ids go once their token expired: it can no
// longer verify, so nothing is left to refuse.
func (p *pruner) prune(ctx context.Context) (attempts, sessions, tokens int, err error) {
	now := p.now()
	if p.retention >= 0 {
		if attempts, err = p.batches(ctx, func() (int, error) {
			return p.store.PruneAttempts(ctx, now.Add(-p.retention), p.batch)
		}); err != nil {
			return attempts, 0, 0, err
		}
	}
	if sessions, err = p.batches(ctx, func() (int, error) {
		return p.store.PruneSessions(ctx, now.Add(-p.grace), p.batch)
	}); err != nil {
		return attempts, sessions, 0, err
	}
	tokens, err = p.batches(ctx, func() (int, error) {
		return p.store.PruneUsedTokens(ctx, now, p.batch)
	})
	return attempts, sessions, tokens, err
}

// batches calls del until it deletes fewer than a batch, pausing between
// calls, and returns the sum.
func (p *pruner) batches(ctx context.Context, del func() (int, error)) (int, error) {
	total := 0
	for {
		n, err := del()
		total += n
		if err != nil || n < p.batch {
			return total, err
		}
		if !p.pause(ctx) {
			return total, ctx.Err()
		}
	}
}

// sleep waits d unless ctx ends first; it reports whether d passed.
func sleep(d time.Duration) func(ctx context.Context) bool {
	return func(ctx context.Context) bool {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
			return true
		}
	}
}

// prune runs the node's pruner until ctx ends.
func (m *Main) prune(ctx context.Context) {
	p := &pruner{store: m.store, now: m.cfg.Now, retention: m.cfg.LogRetention, grace: SessionGrace,
		batch: pruneBatch, pause: sleep(prunePause), logger: m.cfg.Logger}
	p.run(ctx)
}
