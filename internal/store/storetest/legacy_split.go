package storetest

import (
	"errors"
	"fmt"
	"sync"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/store"
	"github.com/signet-id/signet/verify"
)

// testVerifiedUser: the user who holds an identity verified, never one who
// only claims it; not_found otherwise.
func testVerifiedUser(e *env) {
	w := e.workspace()
	a := e.app(w)
	k := e.key(a)
	for i := range 3 { // claimants first: they never count
		e.login(e.newLogin(a, k, signed(verify.UID, fmt.Sprint("claimant-", i)), claimed(verify.Email, "ada@example.com")))
	}
	ada := e.login(e.newLogin(a, k, signed(verify.UID, "ada"), signed(verify.Email, "ada@example.com")))
	for _, id := range []model.Identity{signed(verify.UID, "ada"), signed(verify.Email, "ada@example.com")} {
		u, err := e.s.VerifiedUser(e.ctx, w.ID, id.Type, id.Value)
		e.must(err)
		if u.ID != ada.User.ID || len(u.Identities) != 2 {
			e.t.Errorf("VerifiedUser(%s %s) = %+v, want ada with her two identities", id.Type, id.Value, u)
		}
	}
	_, err := e.s.VerifiedUser(e.ctx, w.ID, verify.UID, "nobody")
	e.wantCode(err, model.CodeNotFound)
	_, err = e.s.VerifiedUser(e.ctx, e.workspace().ID, verify.UID, "ada")
	e.wantCode(err, model.CodeNotFound)
}

// testExactSplit: store.Login.ExactSplit lets a helpshift-legacy login join
// only the user who holds exactly its uid and email; another split fails
// with ErrSplitMismatch and writes nothing, also when two first logins race.
func testExactSplit(e *env) {
	w := e.workspace()
	a := e.app(w)
	k := e.key(a)
	exact := func(ids ...model.Identity) *store.Login {
		l := e.newLogin(a, k, ids...)
		l.ExactSplit = true
		return l
	}
	victim := e.login(exact(signed(verify.UID, "12"), signed(verify.Email, "3a@b.co")))
	again := e.login(exact(signed(verify.UID, "12"), signed(verify.Email, "3a@b.co")))
	if again.User.ID != victim.User.ID {
		e.t.Errorf("the same split again made another user")
	}
	before := e.count(w)
	for _, ids := range [][]model.Identity{
		{signed(verify.UID, "12"), signed(verify.Email, "evil@b.co")}, // her uid, another email
		{signed(verify.UID, "1"), signed(verify.Email, "3a@b.co")},    // her email, another uid
		{signed(verify.UID, "12")},                                    // her uid alone
		{signed(verify.Email, "3a@b.co")},                             // her email alone
	} {
		_, err := e.s.Login(e.ctx, exact(ids...))
		if !errors.Is(err, store.ErrSplitMismatch) {
			e.t.Errorf("login as %v: %v, want ErrSplitMismatch", ids, err)
		}
	}
	if after := e.count(w); after != before {
		e.t.Errorf("refused splits wrote: %+v, then %+v", before, after)
	}
	// Without ExactSplit the store's usual rules apply: her uid names her.
	if out := e.login(e.newLogin(a, k, signed(verify.UID, "12"))); out.User.ID != victim.User.ID {
		e.t.Errorf("a plain login of her uid found another user")
	}

	// Two first logins of different splits that share a uid, at once:
	// exactly one wins, the other is refused, never joined to the winner.
	for round := range 10 {
		uid := fmt.Sprint("race-", round)
		splits := []*store.Login{
			exact(signed(verify.UID, uid), signed(verify.Email, uid+"-first@b.co")),
			exact(signed(verify.UID, uid), signed(verify.Email, uid+"-second@b.co")),
		}
		errs := make([]error, len(splits))
		var wg sync.WaitGroup
		for i, l := range splits {
			wg.Go(func() { _, errs[i] = e.s.Login(e.ctx, l) })
		}
		wg.Wait()
		won, lost := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case errors.Is(err, store.ErrSplitMismatch):
				lost++
			default:
				e.t.Errorf("round %d: %v", round, err)
			}
		}
		if won != 1 || lost != 1 {
			e.t.Errorf("round %d: %d won, %d refused; want one each", round, won, lost)
		}
	}
}
