package storetest

import (
	"bytes"
	"reflect"
	"slices"

	"github.com/signet-id/signet/internal/model"
)

func testAccounts(e *env) {
	w, other := e.workspace(), e.workspace()
	owner := &model.Account{ID: model.NewID("acc"), Email: "owner@example.com", Role: model.RoleOwner,
		PasswordHash: "$argon2id$v=19$m=65536,t=1,p=4$c2FsdA$aGFzaA", CreatedAt: e.tick()}
	admin := &model.Account{ID: model.NewID("acc"), WorkspaceID: w.ID, Email: "admin@example.com", Role: model.RoleAdmin,
		PasswordHash: "$argon2id$x", CreatedAt: e.tick()}
	agent := &model.Account{ID: model.NewID("acc"), WorkspaceID: w.ID, Email: "agent@example.com", Role: model.RoleAgent,
		PasswordHash: "$argon2id$y", CreatedAt: e.tick()}
	for _, a := range []*model.Account{owner, admin, agent} {
		e.must(e.s.CreateAccount(e.ctx, a, nil))
	}

	got, err := e.s.AccountByEmail(e.ctx, "admin@example.com")
	e.must(err)
	want := *admin
	want.CreatedAt = ms(admin.CreatedAt)
	if !reflect.DeepEqual(*got, want) {
		e.t.Errorf("AccountByEmail =\n %+v, want\n %+v", got, want)
	}
	got, err = e.s.AccountByEmail(e.ctx, "owner@example.com")
	e.must(err)
	if got.WorkspaceID != "" || got.Role != model.RoleOwner {
		e.t.Errorf("owner account = %+v", got)
	}

	for _, tc := range []struct {
		workspace string
		want      []string
	}{
		{w.ID, []string{admin.ID, agent.ID}},
		{"", []string{owner.ID}},
		{other.ID, nil},
	} {
		l, err := e.s.Accounts(e.ctx, tc.workspace)
		e.must(err)
		var ids []string
		for _, a := range l {
			ids = append(ids, a.ID)
		}
		if !slices.Equal(ids, tc.want) {
			e.t.Errorf("Accounts(%q) = %v, want %v", tc.workspace, ids, tc.want)
		}
	}

	for _, tc := range []struct {
		name string
		err  error
		code model.Code
	}{
		{"email taken in the workspace, in another case", e.s.CreateAccount(e.ctx, &model.Account{ID: model.NewID("acc"), WorkspaceID: w.ID,
			Email: "ADMIN@Example.com", Role: model.RoleAdmin, CreatedAt: t0}, nil), model.CodeConflict},
		{"email taken by an owner", e.s.CreateAccount(e.ctx, &model.Account{ID: model.NewID("acc"),
			Email: "Owner@example.com", Role: model.RoleOwner, CreatedAt: t0}, nil), model.CodeConflict},
		{"unknown workspace", e.s.CreateAccount(e.ctx, &model.Account{ID: model.NewID("acc"), WorkspaceID: model.NewID("ws"),
			Email: "new@example.com", Role: model.RoleAgent, CreatedAt: t0}, nil), model.CodeNotFound},
		{"unknown email", func() error { _, err := e.s.AccountByEmail(e.ctx, "nobody@example.com"); return err }(), model.CodeNotFound},
	} {
		if got := model.ErrorCode(tc.err); got != tc.code {
			e.t.Errorf("%s: %v (code %q), want %q", tc.name, tc.err, got, tc.code)
		}
	}
}

func testAPITokens(e *env) {
	w, other := e.workspace(), e.workspace()
	ownerTok := &model.APIToken{ID: model.NewID("tok"), Role: model.RoleOwner, Name: "setup", TokenHash: hash("owner"), CreatedAt: e.tick()}
	adminTok := &model.APIToken{ID: model.NewID("tok"), WorkspaceID: w.ID, Role: model.RoleAdmin, Name: "ci", TokenHash: hash("admin"), CreatedAt: e.tick()}
	agentTok := &model.APIToken{ID: model.NewID("tok"), WorkspaceID: w.ID, Role: model.RoleAgent, TokenHash: hash("agent"), CreatedAt: e.tick()}
	for _, t := range []*model.APIToken{ownerTok, adminTok, agentTok} {
		e.must(e.s.CreateAPIToken(e.ctx, t, nil))
	}

	// APITokenByHash records the use.
	used := e.tick()
	got, err := e.s.APITokenByHash(e.ctx, hash("admin"), used)
	e.must(err)
	if got.ID != adminTok.ID || got.WorkspaceID != w.ID || got.Role != model.RoleAdmin || got.Name != "ci" ||
		!bytes.Equal(got.TokenHash, adminTok.TokenHash) || !got.CreatedAt.Equal(ms(adminTok.CreatedAt)) ||
		got.RevokedAt != nil || !sameTime(got.LastUsedAt, used) {
		e.t.Errorf("APITokenByHash = %+v", got)
	}
	list, err := e.s.APITokens(e.ctx, w.ID)
	e.must(err)
	if len(list) != 2 || list[0].ID != adminTok.ID || !sameTime(list[0].LastUsedAt, used) || list[1].ID != agentTok.ID ||
		list[1].LastUsedAt != nil {
		e.t.Errorf("APITokens = %+v", list)
	}
	owners, err := e.s.APITokens(e.ctx, "")
	e.must(err)
	if len(owners) != 1 || owners[0].ID != ownerTok.ID || owners[0].WorkspaceID != "" {
		e.t.Errorf("owner APITokens = %+v", owners)
	}
	none, err := e.s.APITokens(e.ctx, other.ID)
	e.must(err)
	if len(none) != 0 {
		e.t.Errorf("APITokens of another workspace = %+v", none)
	}

	// A revoked token is still found, in its state; revoking again keeps
	// the first time.
	revoked := e.tick()
	e.must(e.s.RevokeAPIToken(e.ctx, agentTok.ID, revoked, nil))
	e.must(e.s.RevokeAPIToken(e.ctx, agentTok.ID, e.tick(), nil))
	got, err = e.s.APITokenByHash(e.ctx, hash("agent"), e.tick())
	e.must(err)
	if !sameTime(got.RevokedAt, revoked) || !sameTime(got.LastUsedAt, e.now) {
		e.t.Errorf("revoked token = %+v", got)
	}

	for _, tc := range []struct {
		name string
		err  error
		code model.Code
	}{
		{"unknown hash", func() error { _, err := e.s.APITokenByHash(e.ctx, hash("nope"), e.now); return err }(), model.CodeNotFound},
		{"revoke unknown", e.s.RevokeAPIToken(e.ctx, model.NewID("tok"), e.now, nil), model.CodeNotFound},
		{"hash taken", e.s.CreateAPIToken(e.ctx, &model.APIToken{ID: model.NewID("tok"), WorkspaceID: other.ID,
			Role: model.RoleAdmin, TokenHash: hash("admin"), CreatedAt: t0}, nil), model.CodeConflict},
		{"unknown workspace", e.s.CreateAPIToken(e.ctx, &model.APIToken{ID: model.NewID("tok"), WorkspaceID: model.NewID("ws"),
			Role: model.RoleAdmin, TokenHash: hash("new"), CreatedAt: t0}, nil), model.CodeNotFound},
	} {
		if got := model.ErrorCode(tc.err); got != tc.code {
			e.t.Errorf("%s: %v (code %q), want %q", tc.name, tc.err, got, tc.code)
		}
	}
}

func testHasOwner(e *env) {
	has := func(want bool, when string) {
		e.t.Helper()
		got, err := e.s.HasOwner(e.ctx)
		e.must(err)
		if got != want {
			e.t.Errorf("HasOwner %s = %v, want %v", when, got, want)
		}
	}
	has(false, "on a fresh store")
	w := e.workspace()
	e.must(e.s.CreateAccount(e.ctx, &model.Account{ID: model.NewID("acc"), WorkspaceID: w.ID, Email: "admin@example.com",
		Role: model.RoleAdmin, CreatedAt: e.tick()}, nil))
	e.must(e.s.CreateAPIToken(e.ctx, &model.APIToken{ID: model.NewID("tok"), WorkspaceID: w.ID, Role: model.RoleAdmin,
		TokenHash: hash("admin"), CreatedAt: e.tick()}, nil))
	has(false, "with a workspace's admin account and token")
	setup := &model.APIToken{ID: model.NewID("tok"), Role: model.RoleOwner, TokenHash: hash("setup"), CreatedAt: e.tick()}
	e.must(e.s.CreateAPIToken(e.ctx, setup, nil))
	has(true, "with an owner token")
	e.must(e.s.RevokeAPIToken(e.ctx, setup.ID, e.tick(), nil))
	has(false, "once the only owner token is revoked")
	e.must(e.s.CreateAccount(e.ctx, &model.Account{ID: model.NewID("acc"), Email: "owner@example.com",
		Role: model.RoleOwner, CreatedAt: e.tick()}, nil))
	has(true, "with an owner account")
}

// testSetAccountPassword: the new hash replaces the old one of that account
// alone; an unknown account is not_found.
func testSetAccountPassword(e *env) {
	w := e.workspace()
	a := &model.Account{ID: model.NewID("acc"), WorkspaceID: w.ID, Email: "reset@example.com", Role: model.RoleAdmin,
		PasswordHash: "$argon2id$old", CreatedAt: e.tick()}
	b := &model.Account{ID: model.NewID("acc"), WorkspaceID: w.ID, Email: "other@example.com", Role: model.RoleAgent,
		PasswordHash: "$argon2id$kept", CreatedAt: e.tick()}
	e.must(e.s.CreateAccount(e.ctx, a, nil))
	e.must(e.s.CreateAccount(e.ctx, b, nil))
	e.must(e.s.SetAccountPassword(e.ctx, a.ID, "$argon2id$new"))
	got, err := e.s.AccountByEmail(e.ctx, a.Email)
	e.must(err)
	if got.PasswordHash != "$argon2id$new" || got.Role != model.RoleAdmin || got.WorkspaceID != w.ID {
		e.t.Errorf("after SetAccountPassword: %+v", got)
	}
	if got, _ := e.s.AccountByEmail(e.ctx, b.Email); got == nil || got.PasswordHash != "$argon2id$kept" {
		e.t.Errorf("another account changed: %+v", got)
	}
	if err := e.s.SetAccountPassword(e.ctx, model.NewID("acc"), "$argon2id$x"); model.ErrorCode(err) != model.CodeNotFound {
		e.t.Errorf("SetAccountPassword of an unknown account = %v, want not_found", err)
	}
}
