package storetest

import (
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/store"
	"github.com/signet-id/signet/verify"
)

// replayed is the code of a login whose one-time token was used before.
const replayed = model.Code(verify.ReasonReplayed)

// oneTimeLogin is a verified login of uid claiming jti, kept until expires.
func (e *env) oneTimeLogin(a *model.App, k *model.Key, uid, jti string, expires time.Time) *store.Login {
	l := e.newLogin(a, k, signed(verify.UID, uid))
	l.OneTimeToken = &store.UsedToken{JTI: jti, ExpiresAt: expires}
	return l
}

// wantNotWritten checks that nothing of l was written: no session, no
// attempt.
func (e *env) wantNotWritten(w *model.Workspace, l *store.Login, before counts) {
	e.t.Helper()
	_, err := e.s.Session(e.ctx, l.Session.ID)
	e.wantCode(err, model.CodeNotFound)
	if c := e.count(w); c.sessions != before.sessions || c.attempts != before.attempts {
		e.t.Errorf("a refused login wrote rows: %+v, before %+v", c, before)
	}
}

// testOneTimeTokens: a login's one-time token is claimed once per app: a
// second login with it (later, or in the same batch) fails with replayed
// and writes nothing; another app's token of the same jti is its own; a
// login that fails for another reason leaves its token unclaimed.
func testOneTimeTokens(e *env) {
	w := e.workspace()
	a, b := e.app(w), e.app(w)
	ka, kb := e.key(a), e.key(b)
	exp := e.now.Add(time.Hour)
	a.OneTimeTokens = true
	e.must(e.s.UpdateApp(e.ctx, a, nil))
	if got, err := e.s.App(e.ctx, a.ID); err != nil || !got.OneTimeTokens {
		e.t.Errorf("App after turning one-time tokens on = %+v, %v", got, err)
	}

	first := e.login(e.oneTimeLogin(a, ka, "u1", "jti-1", exp))
	before := e.count(w)
	again := e.oneTimeLogin(a, ka, "u1", "jti-1", exp)
	_, err := e.s.Login(e.ctx, again)
	e.wantCode(err, replayed)
	e.wantNotWritten(w, again, before)
	if again.Session.UserID != "" || again.Attempt.UserID != "" {
		e.t.Errorf("a replayed login was given user %q / %q", again.Session.UserID, again.Attempt.UserID)
	}
	// Another user's login with the same jti is just as replayed.
	_, err = e.s.Login(e.ctx, e.oneTimeLogin(a, ka, "u2", "jti-1", exp))
	e.wantCode(err, replayed)
	// The same jti in another app is that app's own; and logins without a
	// one-time token are unaffected.
	e.login(e.oneTimeLogin(b, kb, "u1", "jti-1", exp))
	e.login(e.newLogin(a, ka, signed(verify.UID, "u1")))
	if _, err := e.s.Session(e.ctx, first.Session.ID); err != nil {
		e.t.Errorf("the first login's session: %v", err)
	}

	// A login that fails after claiming (its resolution refuses it) frees
	// its token: the next login with it succeeds.
	failing := e.oneTimeLogin(a, ka, "u3", "jti-2", exp)
	refusal := model.Errorf(model.CodeConflict, "refused by the test's resolution")
	failing.Resolve = func(*store.LoginFacts) (*store.Resolution, error) { return nil, refusal }
	_, err = e.s.Login(e.ctx, failing)
	e.wantCode(err, model.CodeConflict)
	e.login(e.oneTimeLogin(a, ka, "u3", "jti-2", exp))

	// Concurrent logins with one jti, most of them in one batch: exactly
	// one is written, every other is replayed.
	const n = 20
	logins := make([]*store.Login, n)
	for i := range logins {
		logins[i] = e.oneTimeLogin(a, ka, fmt.Sprintf("racer-%d", i%3), "jti-race", exp)
	}
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i, l := range logins {
		wg.Go(func() { _, errs[i] = e.s.Login(e.ctx, l) })
	}
	wg.Wait()
	ok := 0
	for i, err := range errs {
		switch {
		case err == nil:
			ok++
		case model.ErrorCode(err) != replayed:
			e.t.Errorf("login %d: %v, want replayed", i, err)
		default:
			_, err := e.s.Session(e.ctx, logins[i].Session.ID)
			e.wantCode(err, model.CodeNotFound)
		}
	}
	if ok != 1 {
		e.t.Errorf("%d of %d concurrent logins with one jti succeeded, want 1", ok, n)
	}

	// Many distinct jtis at once: each is claimed by its own login.
	for i := range logins {
		logins[i] = e.oneTimeLogin(a, ka, fmt.Sprintf("many-%d", i), fmt.Sprintf("jti-many-%d", i), exp)
	}
	for i, l := range logins {
		wg.Go(func() { _, errs[i] = e.s.Login(e.ctx, l) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			e.t.Errorf("login %d with its own jti: %v", i, err)
		}
	}

	// Deleting the app forgets its tokens; the other app's stay used.
	_, err = e.s.DeleteApp(e.ctx, a.ID, e.now, nil)
	e.must(err)
	_, err = e.s.Login(e.ctx, e.oneTimeLogin(b, kb, "u1", "jti-1", exp))
	e.wantCode(err, replayed)
}

// testPruneUsedTokens: used tokens whose expiry passed the cut-off go, in
// batches, and their jti can be used again; the others stay used.
func testPruneUsedTokens(e *env) {
	w := e.workspace()
	a := e.app(w)
	k := e.key(a)
	cut := ms(e.now.Add(time.Hour))
	var gone, kept []string
	for i := range 3 {
		jti := fmt.Sprintf("old-%d", i)
		e.login(e.oneTimeLogin(a, k, "u", jti, cut.Add(-time.Duration(i+1)*time.Minute)))
		gone = append(gone, jti)
	}
	for i, at := range []time.Time{cut, cut.Add(time.Minute)} {
		jti := fmt.Sprintf("live-%d", i)
		e.login(e.oneTimeLogin(a, k, "u", jti, at))
		kept = append(kept, jti)
	}
	_, err := e.s.PruneUsedTokens(e.ctx, cut, 0)
	e.wantCode(err, model.CodeInvalid)
	var got []int
	for {
		n, err := e.s.PruneUsedTokens(e.ctx, cut, 2)
		e.must(err)
		got = append(got, n)
		if n < 2 {
			break
		}
	}
	if !slices.Equal(got, []int{2, 1}) {
		e.t.Errorf("PruneUsedTokens batches deleted %v, want [2 1]", got)
	}
	for _, jti := range kept {
		_, err := e.s.Login(e.ctx, e.oneTimeLogin(a, k, "u", jti, cut.Add(time.Hour)))
		if model.ErrorCode(err) != replayed {
			e.t.Errorf("token %s, not expired at the cut-off, after pruning: %v, want replayed", jti, err)
		}
	}
	for _, jti := range gone {
		e.login(e.oneTimeLogin(a, k, "u", jti, cut.Add(time.Hour)))
	}
}
