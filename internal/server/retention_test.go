package server

import (
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/signet-id/signet/internal/login/resolution"
	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/store"
	"github.com/signet-id/signet/internal/store/storetest"
	"github.com/signet-id/signet/verify"
)

// countingStore records the rows each prune statement deleted.
type countingStore struct {
	store.Store
	attempts, sessions []int
}

func (c *countingStore) PruneAttempts(ctx context.Context, before time.Time, limit int) (int, error) {
	n, err := c.Store.PruneAttempts(ctx, before, limit)
	c.attempts = append(c.attempts, n)
	return n, err
}

func (c *countingStore) PruneSessions(ctx context.Context, endedBefore time.Time, limit int) (int, error) {
	n, err := c.Store.PruneSessions(ctx, endedBefore, limit)
	c.sessions = append(c.sessions, n)
	return n, err
}

// TestPrunerBatches: the pruner deletes the verification log past its
// retention and the sessions ended more than the grace ago, a batch at a
// time with a pause between batches, until a batch comes back short; it
// leaves newer attempts, live sessions and recently ended ones alone. A
// negative retention keeps the log.
func TestPrunerBatches(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			ctx := t.Context()
			st := &countingStore{Store: b.Open(t)}
			now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
			const retention, grace = 30 * 24 * time.Hour, 7 * 24 * time.Hour
			must := func(err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			w := &model.Workspace{ID: model.NewID("ws"), Name: "Acme", CreatedAt: now.Add(-90 * 24 * time.Hour)}
			must(st.CreateWorkspace(ctx, w, nil))
			a := &model.App{ID: model.NewID("app"), WorkspaceID: w.ID, Name: "Acme iOS", Platform: model.PlatformIOS,
				Profile: verify.Signet, Enforcement: model.EnforcementMonitor, OnFailure: model.OnFailureReject,
				MaxTokenLifetime: 3600, CreatedAt: w.CreatedAt, UpdatedAt: w.CreatedAt}
			must(st.CreateApp(ctx, a, nil))

			// A login writes a session and an attempt at `at`.
			login := func(at, expires time.Time) (session, attempt string) {
				t.Helper()
				tok := make([]byte, 32)
				rand.Read(tok)
				l := &store.Login{WorkspaceID: w.ID, AppID: a.ID, Anonymous: true, Resolve: resolution.Resolve,
					Session: model.Session{ID: model.NewID("ses"), WorkspaceID: w.ID, AppID: a.ID, TokenHash: tok,
						SignedFields: []string{}, CreatedAt: at, ExpiresAt: expires},
					Attempt: model.Attempt{ID: model.NewID("att"), WorkspaceID: w.ID, AppID: a.ID, Platform: a.Platform,
						Profile: a.Profile, Result: model.ResultAnonymous, At: at}}
				_, err := st.Login(ctx, l)
				must(err)
				return l.Session.ID, l.Attempt.ID
			}
			old := now.Add(-60 * 24 * time.Hour)
			var goneSessions, goneAttempts, keptSessions, keptAttempts []string
			for i := range 7 { // 7 old attempts, 7 sessions that expired long ago
				s, at := login(old.Add(time.Duration(i)*time.Minute), old.Add(time.Hour))
				goneSessions, goneAttempts = append(goneSessions, s), append(goneAttempts, at)
			}
			recent := now.Add(-retention + time.Minute)
			for _, expires := range []time.Time{
				now.Add(24 * time.Hour),               // live
				now.Add(-grace + time.Minute),         // ended within the grace
				now.Add(-grace).Add(time.Millisecond), // ended within the grace, to the millisecond
			} {
				s, at := login(recent, expires)
				keptSessions, keptAttempts = append(keptSessions, s), append(keptAttempts, at)
			}
			// A session revoked within the grace, and one revoked before it.
			s, at := login(recent, now.Add(24*time.Hour))
			must(st.RevokeSession(ctx, s, model.RevokedByLogout, now.Add(-time.Hour), nil))
			keptSessions, keptAttempts = append(keptSessions, s), append(keptAttempts, at)
			s, at = login(recent, now.Add(24*time.Hour))
			must(st.RevokeSession(ctx, s, model.RevokedByLogout, now.Add(-grace-time.Hour), nil))
			goneSessions, keptAttempts = append(goneSessions, s), append(keptAttempts, at)

			pauses := 0
			p := &pruner{store: st, now: func() time.Time { return now }, retention: retention, grace: grace, batch: 3,
				pause: func(context.Context) bool { pauses++; return true }, logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
			attempts, sessions, _, err := p.prune(ctx)
			must(err)
			if attempts != 7 || sessions != 8 || !slices.Equal(st.attempts, []int{3, 3, 1}) || !slices.Equal(st.sessions, []int{3, 3, 2}) || pauses != 4 {
				t.Errorf("pruned %d attempts in batches %v and %d sessions in batches %v with %d pauses; want 7 in [3 3 1], 8 in [3 3 2], 4 pauses",
					attempts, st.attempts, sessions, st.sessions, pauses)
			}
			for _, id := range goneSessions {
				if _, err := st.Session(ctx, id); model.ErrorCode(err) != model.CodeNotFound {
					t.Errorf("session %s ended long ago: %v, want not_found", id, err)
				}
			}
			for _, id := range keptSessions {
				if _, err := st.Session(ctx, id); err != nil {
					t.Errorf("session %s, live or ended within the grace: %v", id, err)
				}
			}
			l, err := st.Attempts(ctx, w.ID, model.AttemptFilter{})
			must(err)
			var ids []string
			for _, a := range l {
				ids = append(ids, a.ID)
			}
			slices.Sort(ids)
			slices.Sort(keptAttempts)
			if !slices.Equal(ids, keptAttempts) {
				t.Errorf("attempts left %v, want the recent ones %v", ids, keptAttempts)
			}

			// Nothing more to do; a negative retention keeps the log.
			st.attempts, st.sessions = nil, nil
			p.retention, p.now = -1, func() time.Time { return now.Add(365 * 24 * time.Hour) }
			attempts, _, _, err = p.prune(ctx)
			must(err)
			if attempts != 0 || st.attempts != nil {
				t.Errorf("a negative retention pruned %d attempts (%v)", attempts, st.attempts)
			}
		})
	}
}
