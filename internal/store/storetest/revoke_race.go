package storetest

import (
	"fmt"
	"sync"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/store"
	"github.com/signet-id/signet/verify"
)

// testRevokeKeyDuringLogins: a key revoked while returning logins verified
// with it are being written in batches leaves none of their sessions live.
// Each login either wrote its session before the revocation, which ended
// it, or was refused (conflict): a batch holds its keys' rows until it
// commits, and RevokeKey waits for it (sqlstore's guardKeys). On
// PostgreSQL, where batches lock those rows in a mode that lets the key's
// last use be recorded meanwhile, RevokeKey must lock the row exclusively
// first: without that it ended the live sessions while a batch was still
// writing more.
func testRevokeKeyDuringLogins(e *env) {
	w := e.workspace()
	a := e.app(w)
	const users, rounds, keys = 16, 8, 4
	uid := func(i int) model.Identity { return signed(verify.UID, fmt.Sprint("racer-", i)) }
	for range keys {
		k := e.key(a)
		for i := range users {
			e.login(e.newLogin(a, k, uid(i)))
		}
		logins := make([][]*store.Login, users)
		for i := range logins {
			for range rounds {
				logins[i] = append(logins[i], e.newLogin(a, k, uid(i)))
			}
		}
		at := e.tick()
		// The revocation starts once a few logins are through, while the
		// others are being written.
		started := make(chan struct{}, users*rounds)
		var logging sync.WaitGroup
		for i := range users {
			logging.Go(func() {
				for _, l := range logins[i] {
					_, err := e.s.Login(e.ctx, l)
					switch model.ErrorCode(err) {
					case "":
						started <- struct{}{}
					case model.CodeConflict: // revoked during the login
					default:
						e.t.Errorf("login: %v", err)
					}
				}
			})
		}
		loggedIn := make(chan struct{})
		go func() { logging.Wait(); close(loggedIn) }()
		for range users / 2 {
			select {
			case <-started:
			case <-loggedIn: // fewer succeeded: revoke now rather than never
			}
		}
		if _, err := e.s.RevokeKey(e.ctx, k.ID, at, nil); err != nil {
			e.t.Errorf("RevokeKey: %v", err)
		}
		<-loggedIn
		live, err := e.s.Sessions(e.ctx, w.ID, model.SessionFilter{KeyID: k.ID, Live: true, Now: e.tick()})
		e.must(err)
		if len(live) > 0 {
			e.t.Errorf("%d sessions of a revoked key are live", len(live))
		}
	}
}
