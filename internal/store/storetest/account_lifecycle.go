package storetest

import (
	"fmt"
	"slices"
	"sync"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/store"
)

// testAccountEmails: emails are unique per workspace and among owners,
// compared case-insensitively; the same address may sit in two workspaces.
func testAccountEmails(e *env) {
	w, other := e.workspace(), e.workspace()
	a := &model.Account{ID: model.NewID("acc"), WorkspaceID: w.ID, Email: "Ana@Example.com", Role: model.RoleAdmin, PasswordHash: "h", CreatedAt: e.tick()}
	e.must(e.s.CreateAccount(e.ctx, a, nil))
	b := &model.Account{ID: model.NewID("acc"), WorkspaceID: other.ID, Email: "ana@example.com", Role: model.RoleAgent, PasswordHash: "h", CreatedAt: e.tick()}
	e.must(e.s.CreateAccount(e.ctx, b, nil))
	e.wantCode(e.s.CreateAccount(e.ctx, &model.Account{ID: model.NewID("acc"), WorkspaceID: w.ID, Email: "ANA@example.COM",
		Role: model.RoleAgent, PasswordHash: "h", CreatedAt: e.tick()}, nil), model.CodeConflict)
	got, err := e.s.AccountByEmail(e.ctx, "aNa@exAmple.com")
	e.must(err)
	if got.ID != a.ID || got.Email != "Ana@Example.com" {
		e.t.Errorf("AccountByEmail = %+v, want the oldest, as written", got)
	}
	l, err := e.s.AccountsByEmail(e.ctx, "ANA@EXAMPLE.COM")
	e.must(err)
	if len(l) != 2 || l[0].ID != a.ID || l[1].ID != b.ID {
		e.t.Errorf("AccountsByEmail = %+v", l)
	}
	// Moving b into w, where its email is taken, is a conflict.
	moved := *b
	moved.WorkspaceID = w.ID
	_, err = e.s.UpdateAccount(e.ctx, &store.AccountChange{Account: &moved, At: e.tick()})
	e.wantCode(err, model.CodeConflict)
}

// testAccountLifecycle: disabling, deleting, the last owner, one-time resets.
func testAccountLifecycle(e *env) {
	w := e.workspace()
	owner := &model.Account{ID: model.NewID("acc"), Email: "owner@example.com", Role: model.RoleOwner, PasswordHash: "h", CreatedAt: e.tick()}
	agent := &model.Account{ID: model.NewID("acc"), WorkspaceID: w.ID, Email: "agent@example.com", Role: model.RoleAgent, PasswordHash: "h", CreatedAt: e.tick()}
	e.must(e.s.CreateAccount(e.ctx, owner, nil))
	e.must(e.s.CreateAccount(e.ctx, agent, nil))
	token := func(acc *model.Account, kind model.TokenKind, name string) *model.APIToken {
		t := &model.APIToken{ID: model.NewID("tok"), WorkspaceID: acc.WorkspaceID, Role: acc.Role, Kind: kind, Name: name,
			TokenHash: hash(name), CreatedAt: e.tick(), AccountID: acc.ID}
		e.must(e.s.CreateAPIToken(e.ctx, t, nil))
		return t
	}
	s1, s2 := token(agent, model.TokenDashboard, "s1"), token(agent, model.TokenDashboard, "s2")
	made := token(agent, model.TokenAPI, "made")
	unrelated := &model.APIToken{ID: model.NewID("tok"), WorkspaceID: w.ID, Role: model.RoleAdmin, Name: "ci", TokenHash: hash("ci"), CreatedAt: e.tick()}
	e.must(e.s.CreateAPIToken(e.ctx, unrelated, nil))
	got, err := e.s.APITokenByHash(e.ctx, hash("s1"), e.now)
	e.must(err)
	if got.AccountID != agent.ID {
		e.t.Errorf("token account = %q, want %q", got.AccountID, agent.ID)
	}
	revoked := func(name string) bool {
		t, err := e.s.APITokenByHash(e.ctx, hash(name), e.now)
		e.must(err)
		return t.RevokedAt != nil
	}

	// Ending sessions but one keeps it and the API token made.
	changed := *agent
	changed.PasswordHash = "h2"
	ended, err := e.s.UpdateAccount(e.ctx, &store.AccountChange{Account: &changed, EndSessions: true, KeepToken: s2.ID, At: e.tick()})
	e.must(err)
	if !slices.Equal(ended, []string{s1.ID}) || !revoked("s1") || revoked("s2") || revoked("made") {
		e.t.Errorf("ending sessions but s2: ended %v", ended)
	}

	// Disabling ends every token the account holds, with the audit entry.
	changed.DisabledAt = new(e.tick())
	audit := (&model.Actor{Role: model.RoleOwner}).Audit(e.now, w.ID, "account.disable", "account", agent.ID, nil)
	ended, err = e.s.UpdateAccount(e.ctx, &store.AccountChange{Account: &changed, EndTokens: true, At: e.now, Audit: audit})
	e.must(err)
	slices.Sort(ended)
	want := []string{s2.ID, made.ID}
	slices.Sort(want)
	if !slices.Equal(ended, want) || !revoked("made") || revoked("ci") {
		e.t.Errorf("disable ended %v, want %v", ended, want)
	}
	acc, err := e.s.Account(e.ctx, agent.ID)
	e.must(err)
	if !sameTime(acc.DisabledAt, e.now) || acc.PasswordHash != "h2" {
		e.t.Errorf("disabled account = %+v", acc)
	}
	entries, err := e.s.Audit(e.ctx, w.ID, model.AuditFilter{Action: "account.disable"})
	e.must(err)
	if len(entries) != 1 || entries[0].Details["tokens_ended"] == nil {
		e.t.Errorf("audit = %+v", entries)
	}

	// The last owner cannot be disabled, demoted or deleted; nothing is written.
	for name, change := range map[string]func(a *model.Account){
		"disable": func(a *model.Account) { a.DisabledAt = new(e.now) },
		"demote":  func(a *model.Account) { a.Role, a.WorkspaceID = model.RoleAdmin, w.ID },
	} {
		o := *owner
		change(&o)
		audit := (&model.Actor{Role: model.RoleOwner}).Audit(e.tick(), "", "account.x", "account", owner.ID, nil)
		_, err := e.s.UpdateAccount(e.ctx, &store.AccountChange{Account: &o, EndTokens: true, At: e.now, Audit: audit})
		if model.ErrorCode(err) != model.CodeConflict {
			e.t.Errorf("%s the last owner: %v, want conflict", name, err)
		}
	}
	_, err = e.s.DeleteAccount(e.ctx, owner.ID, e.tick(), nil)
	e.wantCode(err, model.CodeConflict)
	if entries, _ := e.s.Audit(e.ctx, "", model.AuditFilter{Action: "account.x"}); len(entries) != 0 {
		e.t.Errorf("a refused change wrote its audit entry: %+v", entries)
	}
	// With a second owner, the first may go.
	second := &model.Account{ID: model.NewID("acc"), Email: "second@example.com", Role: model.RoleOwner, PasswordHash: "h", CreatedAt: e.tick()}
	e.must(e.s.CreateAccount(e.ctx, second, nil))
	_, err = e.s.DeleteAccount(e.ctx, owner.ID, e.tick(), nil)
	e.must(err)
	_, err = e.s.Account(e.ctx, owner.ID)
	e.wantCode(err, model.CodeNotFound)
	_, err = e.s.DeleteAccount(e.ctx, owner.ID, e.tick(), nil)
	e.wantCode(err, model.CodeNotFound)

	// A reset token works once, before it expires, for an enabled account.
	admin := &model.Account{ID: model.NewID("acc"), WorkspaceID: w.ID, Email: "admin@example.com", Role: model.RoleAdmin, PasswordHash: "old", CreatedAt: e.tick()}
	e.must(e.s.CreateAccount(e.ctx, admin, nil))
	sess := token(admin, model.TokenDashboard, "admin-session")
	withReset := *admin
	withReset.ResetHash, withReset.ResetExpiresAt = hash("reset"), new(e.now.Add(3600e9))
	_, err = e.s.UpdateAccount(e.ctx, &store.AccountChange{Account: &withReset, At: e.tick()})
	e.must(err)
	_, _, err = e.s.RedeemReset(e.ctx, hash("reset"), "new", e.now.Add(3601e9), nil)
	e.wantCode(err, model.CodeNotFound)
	audit = (&model.Actor{Role: model.RoleAdmin}).Audit(e.tick(), "", "account.password_reset", "", "", nil)
	acc, ended, err = e.s.RedeemReset(e.ctx, hash("reset"), "new", e.now, audit)
	e.must(err)
	if acc.ID != admin.ID || !slices.Equal(ended, []string{sess.ID}) || audit.TargetID != admin.ID || audit.WorkspaceID != w.ID {
		e.t.Errorf("RedeemReset = %+v, %v, audit %+v", acc, ended, audit)
	}
	if acc, _ := e.s.Account(e.ctx, admin.ID); acc.PasswordHash != "new" || acc.ResetHash != nil || acc.ResetExpiresAt != nil {
		e.t.Errorf("after the reset: %+v", acc)
	}
	_, _, err = e.s.RedeemReset(e.ctx, hash("reset"), "again", e.tick(), nil)
	e.wantCode(err, model.CodeNotFound)

	// A change read before another is refused, not written over it: a
	// reset issued from a read made before the disabling does not enable
	// the account again.
	read, err := e.s.Account(e.ctx, admin.ID)
	e.must(err)
	disabled := *read
	disabled.DisabledAt = new(e.tick())
	_, err = e.s.UpdateAccount(e.ctx, &store.AccountChange{Account: &disabled, Prior: read, EndTokens: true, At: e.now})
	e.must(err)
	stale := *read
	stale.ResetHash, stale.ResetExpiresAt = hash("late"), new(e.now.Add(3600e9))
	_, err = e.s.UpdateAccount(e.ctx, &store.AccountChange{Account: &stale, Prior: read, At: e.tick()})
	e.wantCode(err, model.CodeConflict)
	if acc, _ := e.s.Account(e.ctx, admin.ID); acc.DisabledAt == nil || acc.ResetHash != nil {
		e.t.Errorf("a stale change was written: %+v", acc)
	}
}

// testLastOwnerConcurrent: two owners disabling each other at once leave
// one enabled owner, whatever the interleaving.
func testLastOwnerConcurrent(e *env) {
	owner := func(n int) *model.Account {
		a := &model.Account{ID: model.NewID("acc"), Email: fmt.Sprintf("owner%d@example.com", n), Role: model.RoleOwner, PasswordHash: "h", CreatedAt: e.tick()}
		e.must(e.s.CreateAccount(e.ctx, a, nil))
		return a
	}
	survivor := owner(0)
	for round := 1; round <= 8; round++ {
		pair := []*model.Account{survivor, owner(round)}
		at := e.tick()
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, target := range pair {
			wg.Add(1)
			go func() {
				defer wg.Done()
				next := *target
				next.DisabledAt = &at
				_, errs[i] = e.s.UpdateAccount(e.ctx, &store.AccountChange{Account: &next, EndTokens: true, At: at})
			}()
		}
		wg.Wait()
		var enabled []*model.Account
		for i, err := range errs {
			switch model.ErrorCode(err) {
			case "":
			case model.CodeConflict:
				enabled = append(enabled, pair[i])
			default:
				e.t.Fatalf("round %d: %v", round, err)
			}
		}
		owners, err := e.s.Accounts(e.ctx, "")
		e.must(err)
		var live []string
		for _, o := range owners {
			if o.DisabledAt == nil {
				live = append(live, o.ID)
			}
		}
		if len(enabled) != 1 || len(live) != 1 || live[0] != enabled[0].ID {
			e.t.Fatalf("round %d: enabled owners %v after two concurrent disablings (%v, %v)", round, live, errs[0], errs[1])
		}
		survivor = enabled[0]
	}
}
