package storetest

import (
	"sync"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/verify"
)

// testClaimedIdentity: the identity a failed attempt named is kept and
// read back, whether the attempt is written alone, with others in one
// batch (group commit), or by a login that let the user in unverified.
func testClaimedIdentity(e *env) {
	w := e.workspace()
	a := e.app(w)
	rejected := func(uid, email string) *model.Attempt {
		return &model.Attempt{ID: model.NewID("att"), WorkspaceID: w.ID, AppID: a.ID, Platform: a.Platform,
			Profile: a.Profile, Result: model.ResultRejected, Reason: verify.ReasonSignatureMismatch,
			ClaimedUserID: uid, ClaimedEmail: email, At: e.tick()}
	}
	alone := rejected("ada", "ada@example.com")
	e.must(e.s.RecordAttempt(e.ctx, alone))

	// Concurrent rejections share a batch: its multi-row insert carries
	// the claimed identity too.
	var batch []*model.Attempt
	for i := range 12 {
		batch = append(batch, rejected("user-"+string(rune('a'+i)), ""))
	}
	var wg sync.WaitGroup
	errs := make([]error, len(batch))
	for i, at := range batch {
		wg.Go(func() { errs[i] = e.s.RecordAttempt(e.ctx, at) })
	}
	wg.Wait()
	for _, err := range errs {
		e.must(err)
	}

	monitor := e.newLogin(a, nil, claimed(verify.UID, "grace"))
	monitor.Attempt.ClaimedUserID = "grace"
	e.login(monitor)

	l, err := e.s.Attempts(e.ctx, w.ID, model.AttemptFilter{})
	e.must(err)
	got := map[string]model.Attempt{}
	for _, at := range l {
		got[at.ID] = at
	}
	if g := got[alone.ID]; g.ClaimedUserID != "ada" || g.ClaimedEmail != "ada@example.com" {
		e.t.Errorf("attempt written alone: claimed %q %q, want ada, ada@example.com", g.ClaimedUserID, g.ClaimedEmail)
	}
	for _, at := range batch {
		if g := got[at.ID]; g.ClaimedUserID != at.ClaimedUserID || g.ClaimedEmail != "" {
			e.t.Errorf("attempt %s of a batch: claimed %q %q, want %q", at.ID, g.ClaimedUserID, g.ClaimedEmail, at.ClaimedUserID)
		}
	}
	if g := got[monitor.Attempt.ID]; g.ClaimedUserID != "grace" || g.UserID == "" {
		e.t.Errorf("unverified login's attempt: claimed %q, user %q", g.ClaimedUserID, g.UserID)
	}
}

// testNameSigned: whether the display name was signed is stored with it by
// every login path (a new user, a returning user's batched login) and
// changes when a later login sends the name another way.
func testNameSigned(e *env) {
	w := e.workspace()
	a := e.app(w)
	k := e.key(a)

	first := e.newLogin(a, k, signed(verify.UID, "ada"))
	first.Name, first.NameSigned = "Ada", true
	out := e.login(first)
	if !out.User.NameSigned {
		e.t.Errorf("new user: NameSigned false in the outcome")
	}
	e.wantName(out.User.ID, "Ada", true)

	// A returning user whose app sends the name unsigned.
	again := e.newLogin(a, k, signed(verify.UID, "ada"))
	again.Holder = &out.User
	again.Name = "Ada L."
	if got := e.login(again); got.User.NameSigned || got.User.Name != "Ada L." {
		e.t.Errorf("returning login: name %q signed %v, want Ada L. unsigned", got.User.Name, got.User.NameSigned)
	}
	e.wantName(out.User.ID, "Ada L.", false)

	// The same name, now signed: the fact alone changes.
	signedAgain := e.newLogin(a, k, signed(verify.UID, "ada"))
	held, err := e.s.User(e.ctx, out.User.ID)
	e.must(err)
	signedAgain.Holder = held
	signedAgain.Name, signedAgain.NameSigned = "Ada L.", true
	e.login(signedAgain)
	e.wantName(out.User.ID, "Ada L.", true)

	// A login without a name keeps what is stored.
	e.login(e.newLogin(a, k, signed(verify.UID, "ada")))
	e.wantName(out.User.ID, "Ada L.", true)

	unverified := e.newLogin(a, nil, claimed(verify.UID, "bob"))
	unverified.Name = "Bob"
	u := e.login(unverified).User
	e.wantName(u.ID, "Bob", false)
	if !u.NameUnsigned() {
		e.t.Errorf("an unsigned name is not labelled unsigned")
	}
}

func (e *env) wantName(userID, name string, signed bool) {
	e.t.Helper()
	u, err := e.s.User(e.ctx, userID)
	e.must(err)
	if u.Name != name || u.NameSigned != signed {
		e.t.Errorf("user %s: name %q signed %v, want %q signed %v", userID, u.Name, u.NameSigned, name, signed)
	}
	l, err := e.s.Users(e.ctx, u.WorkspaceID, model.UserFilter{})
	e.must(err)
	for _, lu := range l {
		if lu.ID == userID && lu.NameSigned != signed {
			e.t.Errorf("Users: user %s signed %v, want %v", userID, lu.NameSigned, signed)
		}
	}
}
