package storetest

import (
	"slices"
	"time"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/verify"
)

// testPruneAttempts: the verification log loses its entries older than
// the cut-off, oldest first, at most limit per call, in every workspace;
// the entry exactly at the cut-off and newer ones stay.
func testPruneAttempts(e *env) {
	w, other := e.workspace(), e.workspace()
	a, b := e.app(w), e.app(other)
	record := func(app *model.App, at time.Time) string {
		e.t.Helper()
		x := &model.Attempt{ID: model.NewID("att"), WorkspaceID: app.WorkspaceID, AppID: app.ID, Platform: app.Platform,
			Profile: app.Profile, Result: model.ResultRejected, Reason: verify.ReasonSignatureMismatch, At: at}
		e.must(e.s.RecordAttempt(e.ctx, x))
		return x.ID
	}
	start := e.tick()
	var old []string // oldest first
	for i := range 5 {
		app := a
		if i%2 == 1 {
			app = b
		}
		old = append(old, record(app, start.Add(time.Duration(i)*time.Second)))
	}
	cut := ms(start.Add(time.Hour))
	atCut, newer, newerOther := record(a, cut), record(a, cut.Add(time.Millisecond)), record(b, cut.Add(time.Hour))

	_, err := e.s.PruneAttempts(e.ctx, cut, 0)
	e.wantCode(err, model.CodeInvalid)

	// One entry: the oldest.
	n, err := e.s.PruneAttempts(e.ctx, cut, 1)
	e.must(err)
	if n != 1 || slices.Contains(e.attemptIDs(w), old[0]) || !slices.Contains(e.attemptIDs(other), old[1]) {
		e.t.Errorf("PruneAttempts(limit 1) deleted %d, left %v and %v; want the oldest (%s) gone", n, e.attemptIDs(w), e.attemptIDs(other), old[0])
	}
	// Batches of 2: full, full, then short (nothing older left).
	var got []int
	for {
		n, err := e.s.PruneAttempts(e.ctx, cut, 2)
		e.must(err)
		got = append(got, n)
		if n < 2 {
			break
		}
	}
	if !slices.Equal(got, []int{2, 2, 0}) {
		e.t.Errorf("PruneAttempts batches deleted %v, want [2 2 0]", got)
	}
	if l := e.attemptIDs(w); !slices.Equal(l, []string{newer, atCut}) {
		e.t.Errorf("workspace's attempts after pruning = %v, want %v", l, []string{newer, atCut})
	}
	if l := e.attemptIDs(other); !slices.Equal(l, []string{newerOther}) {
		e.t.Errorf("other workspace's attempts after pruning = %v, want %v", l, []string{newerOther})
	}
	// An entry written after newer ones but older than the cut-off (a
	// clock stepped back) goes once it is among the first written that a
	// call reads; the newer ones before it stay.
	late := record(a, start)
	if n, err := e.s.PruneAttempts(e.ctx, cut, 2); err != nil || n != 0 {
		e.t.Errorf("PruneAttempts(limit 2) with two newer entries written first = %d, %v; want 0", n, err)
	}
	if n, err := e.s.PruneAttempts(e.ctx, cut, 10); err != nil || n != 1 {
		e.t.Errorf("PruneAttempts(limit 10) = %d, %v; want the entry written late deleted", n, err)
	}
	if l := e.attemptIDs(w); slices.Contains(l, late) || !slices.Equal(l, []string{newer, atCut}) {
		e.t.Errorf("workspace's attempts after pruning the late entry = %v, want %v", l, []string{newer, atCut})
	}
}

// attemptIDs lists a workspace's attempt ids, newest first.
func (e *env) attemptIDs(w *model.Workspace) []string {
	e.t.Helper()
	l, err := e.s.Attempts(e.ctx, w.ID, model.AttemptFilter{})
	e.must(err)
	return attemptIDs(l)
}

// testPruneSessions: sessions that expired or were revoked before the
// cut-off go, in batches; live sessions, sessions that ended at or after
// the cut-off, and ended sessions that an issue or a message names stay,
// and the issue and message read as before.
func testPruneSessions(e *env) {
	w := e.workspace()
	a := e.app(w)
	k := e.key(a)
	cut := ms(e.now.Add(24 * time.Hour))
	login := func(expires time.Time) *model.Session {
		e.t.Helper()
		l := e.newLogin(a, k, signed(verify.UID, model.NewID("u")))
		l.Session.ExpiresAt = expires
		return &e.login(l).Session
	}
	soon := func() time.Time { return e.now.Add(time.Minute) } // long before cut
	live := []*model.Session{login(cut.Add(30 * 24 * time.Hour)), login(cut.Add(time.Millisecond))}
	endedAtCut := login(cut)
	revokedAtCut := login(cut.Add(time.Hour))
	e.must(e.s.RevokeSession(e.ctx, revokedAtCut.ID, model.RevokedByUser, cut, nil))
	var gone []string
	for range 3 {
		gone = append(gone, login(soon()).ID)
	}
	for range 2 {
		s := login(cut.Add(30 * 24 * time.Hour)) // revoked long ago, expiry far off
		e.must(e.s.RevokeSession(e.ctx, s.ID, model.RevokedByUser, soon(), nil))
		gone = append(gone, s.ID)
	}
	// An ended session that opened an issue, and one that only wrote a
	// message in it (referenced by messages.session_id alone).
	opener := e.newLogin(a, k, signed(verify.UID, "opener"))
	opener.Session.ExpiresAt = soon()
	openerOut := e.login(opener)
	i := e.issue(openerOut, "help")
	writer := e.newLogin(a, k, signed(verify.UID, "opener"))
	writer.Session.ExpiresAt = soon()
	writerOut := e.login(writer)
	m := e.reply(writerOut, i, "more")

	_, err := e.s.PruneSessions(e.ctx, cut, 0)
	e.wantCode(err, model.CodeInvalid)
	var got []int
	for {
		n, err := e.s.PruneSessions(e.ctx, cut, 2)
		e.must(err)
		got = append(got, n)
		if n < 2 {
			break
		}
	}
	if !slices.Equal(got, []int{2, 2, 1}) {
		e.t.Errorf("PruneSessions batches deleted %v, want [2 2 1]", got)
	}
	for _, id := range gone {
		_, err := e.s.Session(e.ctx, id)
		e.wantCode(err, model.CodeNotFound)
	}
	for _, s := range append(live, endedAtCut, revokedAtCut, &openerOut.Session, &writerOut.Session) {
		if _, err := e.s.Session(e.ctx, s.ID); err != nil {
			e.t.Errorf("session %s (expires %v) after pruning: %v", s.ID, s.ExpiresAt, err)
		}
	}
	if got := e.getIssue(i.ID); got.SessionID != openerOut.Session.ID {
		e.t.Errorf("issue's session after pruning = %q, want %q", got.SessionID, openerOut.Session.ID)
	}
	if got, err := e.s.Message(e.ctx, m.ID); err != nil || got.SessionID != writerOut.Session.ID {
		e.t.Errorf("message after pruning = %+v, %v; want its session %s", got, err, writerOut.Session.ID)
	}
	if n, err := e.s.PruneSessions(e.ctx, cut, 2); err != nil || n != 0 {
		e.t.Errorf("PruneSessions again = %d, %v; want 0", n, err)
	}
}
