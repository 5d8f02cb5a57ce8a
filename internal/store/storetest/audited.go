package storetest

import (
	"slices"
	"strings"
	"sync"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/verify"
)

// entry is an audit entry at the next tick, not yet written.
func (e *env) entry(ws, action, target string) *model.AuditEntry {
	return &model.AuditEntry{ID: model.NewID("aud"), WorkspaceID: ws, ActorRole: model.RoleAdmin, ActorID: "tok_test",
		Action: action, TargetType: "thing", TargetID: target, Details: map[string]any{"n": 1}, At: e.tick()}
}

// auditActions lists the actions of a workspace's audit log, oldest first.
func (e *env) auditActions(ws string) []string {
	e.t.Helper()
	l, err := e.s.Audit(e.ctx, ws, model.AuditFilter{})
	e.must(err)
	var out []string
	for i := len(l) - 1; i >= 0; i-- {
		out = append(out, l[i].Action)
	}
	return out
}

// testAuditedWrites: a write given an audit entry writes both in one
// transaction; when the entry cannot be written, the change is not either.
func testAuditedWrites(e *env) {
	w := e.workspace()
	bad := func() *model.AuditEntry { return &model.AuditEntry{WorkspaceID: w.ID, At: e.tick()} } // no action: invalid

	// CreateApp: with its entry; with a bad entry, no app.
	a := e.app(w)
	a2 := *a
	a2.ID = model.NewID("app")
	e.wantCode(e.s.CreateApp(e.ctx, &a2, bad()), model.CodeInvalid)
	e.wantCode(func() error { _, err := e.s.App(e.ctx, a2.ID); return err }(), model.CodeNotFound)
	a2.ID = model.NewID("app")
	e.must(e.s.CreateApp(e.ctx, &a2, e.entry(w.ID, "app.create", a2.ID)))

	// UpdateApp: a bad entry leaves the old name.
	a2.Name = "Renamed"
	e.wantCode(e.s.UpdateApp(e.ctx, &a2, bad()), model.CodeInvalid)
	if got, err := e.s.App(e.ctx, a2.ID); err != nil || got.Name != "Acme iOS" {
		e.t.Errorf("UpdateApp with an unwritable entry changed the app: %+v %v", got, err)
	}
	e.must(e.s.UpdateApp(e.ctx, &a2, e.entry(w.ID, "app.update", a2.ID)))

	// CreateKey, RetireKey, RevokeKey.
	k := &model.Key{ID: model.NewID("key"), AppID: a.ID, WorkspaceID: w.ID, Sealed: random(48), Fingerprint: "fp", CreatedAt: e.tick()}
	e.wantCode(e.s.CreateKey(e.ctx, k, bad()), model.CodeInvalid)
	e.wantCode(func() error { _, err := e.s.Key(e.ctx, k.ID); return err }(), model.CodeNotFound)
	e.must(e.s.CreateKey(e.ctx, k, e.entry(w.ID, "key.create", k.ID)))
	e.wantCode(e.s.RetireKey(e.ctx, k.ID, e.now.Add(1e12), bad()), model.CodeInvalid)
	if got, _ := e.s.Key(e.ctx, k.ID); got.RetiresAt != nil {
		e.t.Errorf("RetireKey with an unwritable entry retired the key")
	}
	e.must(e.s.RetireKey(e.ctx, k.ID, e.now.Add(1e12), e.entry(w.ID, "key.retire", k.ID)))
	_, err := e.s.RevokeKey(e.ctx, k.ID, e.tick(), bad())
	e.wantCode(err, model.CodeInvalid)
	if got, _ := e.s.Key(e.ctx, k.ID); got.RevokedAt != nil {
		e.t.Errorf("RevokeKey with an unwritable entry revoked the key")
	}
	revoke := e.entry(w.ID, "key.revoke", k.ID)
	if _, err := e.s.RevokeKey(e.ctx, k.ID, e.tick(), revoke); err != nil {
		e.t.Fatal(err)
	}
	if revoke.Details["sessions_ended"] != 0 {
		e.t.Errorf("RevokeKey's entry: details %v, want sessions_ended 0", revoke.Details)
	}

	// Tokens and accounts.
	tok := &model.APIToken{ID: model.NewID("tok"), WorkspaceID: w.ID, Role: model.RoleAgent, TokenHash: random(32), CreatedAt: e.tick()}
	e.wantCode(e.s.CreateAPIToken(e.ctx, tok, bad()), model.CodeInvalid)
	e.must(e.s.CreateAPIToken(e.ctx, tok, e.entry(w.ID, "token.create", tok.ID)))
	e.wantCode(e.s.RevokeAPIToken(e.ctx, tok.ID, e.tick(), bad()), model.CodeInvalid)
	if l, _ := e.s.APITokens(e.ctx, w.ID); len(l) != 1 || l[0].RevokedAt != nil {
		e.t.Errorf("RevokeAPIToken with an unwritable entry revoked the token: %+v", l)
	}
	e.must(e.s.RevokeAPIToken(e.ctx, tok.ID, e.tick(), e.entry(w.ID, "token.revoke", tok.ID)))
	acc := &model.Account{ID: model.NewID("acc"), WorkspaceID: w.ID, Email: "a-" + w.ID + "@example.com", Role: model.RoleAgent,
		PasswordHash: "x", CreatedAt: e.tick()}
	e.wantCode(e.s.CreateAccount(e.ctx, acc, bad()), model.CodeInvalid)
	e.must(e.s.CreateAccount(e.ctx, acc, e.entry(w.ID, "account.create", acc.ID)))

	// CreateWorkspace, whose entry is instance-wide.
	w2 := &model.Workspace{ID: model.NewID("ws"), Name: "Other", CreatedAt: e.tick()}
	e.wantCode(e.s.CreateWorkspace(e.ctx, w2, bad()), model.CodeInvalid)
	e.wantCode(func() error { _, err := e.s.Workspace(e.ctx, w2.ID); return err }(), model.CodeNotFound)
	e.must(e.s.CreateWorkspace(e.ctx, w2, e.entry("", "workspace.create", w2.ID)))

	want := []string{"app.create", "app.update", "key.create", "key.retire", "key.revoke", "token.create", "token.revoke", "account.create"}
	if got := e.auditActions(w.ID); !slices.Equal(got, want) {
		e.t.Errorf("audit log %v, want %v", got, want)
	}
	if got := e.auditActions(""); !slices.Equal(got, []string{"workspace.create"}) {
		e.t.Errorf("instance-wide audit log %v", got)
	}
	// A failed change writes no entry: a key for an unknown app.
	ghost := &model.Key{ID: model.NewID("key"), AppID: model.NewID("app"), WorkspaceID: w.ID, Sealed: random(48), CreatedAt: e.tick()}
	e.wantCode(e.s.CreateKey(e.ctx, ghost, e.entry(w.ID, "key.create", ghost.ID)), model.CodeNotFound)
	if got := e.auditActions(w.ID); len(got) != len(want) {
		e.t.Errorf("a failed change wrote an entry: %v", got)
	}
}

// materialKey is a key of app a whose key bytes digest to material.
func (e *env) materialKey(a *model.App, material []byte) *model.Key {
	return &model.Key{ID: model.NewID("key"), AppID: a.ID, WorkspaceID: a.WorkspaceID, Sealed: random(48),
		Fingerprint: "fp", Material: material, CreatedAt: e.tick()}
}

// appOf makes an app of workspace w under profile p.
func (e *env) appOf(w *model.Workspace, p verify.Profile) *model.App {
	a := e.app(w)
	a.Profile = p
	e.must(e.s.UpdateApp(e.ctx, a, nil))
	return a
}

// testKeyMaterial: one material (key bytes) never serves two profiles in a
// workspace while a key that is not revoked uses it; the same profile, or
// another workspace, may share it.
func testKeyMaterial(e *env) {
	w, other := e.workspace(), e.workspace()
	intercom, intercom2 := e.appOf(w, verify.Intercom), e.appOf(w, verify.Intercom)
	pylon := e.appOf(w, verify.PylonHMAC)
	elsewhere := e.appOf(other, verify.PylonHMAC)
	m := random(32)

	first := e.materialKey(intercom, m)
	e.must(e.s.CreateKey(e.ctx, first, nil))
	e.must(e.s.CreateKey(e.ctx, e.materialKey(intercom2, m), nil)) // the same profile: shared
	e.must(e.s.CreateKey(e.ctx, e.materialKey(elsewhere, m), nil)) // another workspace
	refused := e.materialKey(pylon, m)
	err := e.s.CreateKey(e.ctx, refused, e.entry(w.ID, "key.create", refused.ID))
	e.wantCode(err, model.CodeConflict)
	if err != nil && !strings.Contains(err.Error(), intercom.ID) {
		e.t.Errorf("the conflict does not name the app the secret serves: %v", err)
	}
	e.wantCode(func() error { _, err := e.s.Key(e.ctx, refused.ID); return err }(), model.CodeNotFound)
	if got := e.auditActions(w.ID); len(got) != 0 {
		e.t.Errorf("a refused key wrote an entry: %v", got)
	}

	// Once every key using it is revoked, the material may serve another profile.
	keys, _ := e.s.WorkspaceKeys(e.ctx, w.ID)
	for _, k := range keys {
		if _, err := e.s.RevokeKey(e.ctx, k.ID, e.tick(), nil); err != nil {
			e.t.Fatal(err)
		}
	}
	e.must(e.s.CreateKey(e.ctx, e.materialKey(pylon, m), nil))
	e.wantCode(e.s.CreateKey(e.ctx, e.materialKey(intercom, m), nil), model.CodeConflict)
	// A revoked key is stored without claiming its material.
	gone := e.materialKey(intercom, m)
	gone.RevokedAt = new(e.tick())
	e.wantCode(e.s.CreateKey(e.ctx, gone, nil), model.CodeConflict)
}

// testKeyMaterialConcurrent: imports of one material into apps of two
// profiles at once: the database lets one profile have it, never both.
func testKeyMaterialConcurrent(e *env) {
	for round := range 5 {
		w := e.workspace()
		a, b := e.appOf(w, verify.Intercom), e.appOf(w, verify.PylonHMAC)
		m := random(32)
		const each = 4
		var wg sync.WaitGroup
		errs := make([]error, 2*each)
		for i := range 2 * each {
			app := a
			if i%2 == 1 {
				app = b
			}
			k := e.materialKey(app, m)
			wg.Go(func() { errs[i] = e.s.CreateKey(e.ctx, k, nil) })
		}
		wg.Wait()
		won := map[string]bool{}
		for i, err := range errs {
			switch model.ErrorCode(err) {
			case "":
				won[[]string{"intercom", "pylon-hmac"}[i%2]] = true
			case model.CodeConflict:
			default:
				e.t.Errorf("round %d: import %d: %v", round, i, err)
			}
		}
		if len(won) != 1 {
			e.t.Errorf("round %d: the material serves %v; exactly one profile may have it", round, won)
		}
	}
}

// testSetKeyMaterials: keys stored without a material get one; one serving
// another profile already is left without; a rebuild recomputes them all.
func testSetKeyMaterials(e *env) {
	w := e.workspace()
	intercom, intercom2, pylon := e.appOf(w, verify.Intercom), e.appOf(w, verify.Intercom), e.appOf(w, verify.PylonHMAC)
	old := []*model.Key{e.key(intercom), e.key(intercom2), e.key(pylon)} // no material: made "before"
	m := random(32)
	n, err := e.s.SetKeyMaterials(e.ctx, false, func(k *model.Key, p verify.Profile) ([]byte, error) { return m, nil })
	e.must(err)
	if n != 2 {
		e.t.Errorf("SetKeyMaterials gave %d keys a material; want the two intercom ones (the pylon-hmac one conflicts)", n)
	}
	e.wantCode(e.s.CreateKey(e.ctx, e.materialKey(pylon, m), nil), model.CodeConflict)
	if n, err := e.s.SetKeyMaterials(e.ctx, false, func(*model.Key, verify.Profile) ([]byte, error) { return random(32), nil }); err != nil || n != 1 {
		e.t.Errorf("a second backfill: %d, %v; want only the key left without one", n, err)
	}
	// A rebuild (a new master key): every live key gets the new digest.
	m2 := random(32)
	n, err = e.s.SetKeyMaterials(e.ctx, true, func(k *model.Key, p verify.Profile) ([]byte, error) {
		if k.ID == old[2].ID {
			return nil, nil // cannot serve its profile: left out
		}
		return m2, nil
	})
	e.must(err)
	if n != 2 {
		e.t.Errorf("the rebuild gave %d keys a material, want 2", n)
	}
	e.must(e.s.CreateKey(e.ctx, e.materialKey(pylon, m), nil)) // the old digest is gone
	e.wantCode(e.s.CreateKey(e.ctx, e.materialKey(pylon, m2), nil), model.CodeConflict)
}

// testTokenKind: a token keeps its kind; one stored without is an API token.
func testTokenKind(e *env) {
	w := e.workspace()
	api := &model.APIToken{ID: model.NewID("tok"), WorkspaceID: w.ID, Role: model.RoleAdmin, TokenHash: random(32), CreatedAt: e.tick()}
	dash := &model.APIToken{ID: model.NewID("tok"), WorkspaceID: w.ID, Role: model.RoleAgent, Kind: model.TokenDashboard,
		Name: "dashboard: a@example.com", TokenHash: random(32), CreatedAt: e.tick()}
	e.must(e.s.CreateAPIToken(e.ctx, api, nil))
	e.must(e.s.CreateAPIToken(e.ctx, dash, nil))
	l, err := e.s.APITokens(e.ctx, w.ID)
	e.must(err)
	if len(l) != 2 || l[0].Kind != model.TokenAPI || l[1].Kind != model.TokenDashboard {
		e.t.Errorf("APITokens = %+v, want an api token then a dashboard one", l)
	}
	got, err := e.s.APITokenByHash(e.ctx, dash.TokenHash, e.tick())
	e.must(err)
	if got.Kind != model.TokenDashboard {
		e.t.Errorf("APITokenByHash: kind %q", got.Kind)
	}
}

// testAuditedRevocations: ending sessions with an audit entry writes both
// in one transaction, the entry counting the sessions ended; a bad entry
// ends none; a session that was already ended writes no entry.
func testAuditedRevocations(e *env) {
	w := e.workspace()
	a := e.app(w)
	k := &model.Key{ID: model.NewID("key"), AppID: a.ID, WorkspaceID: w.ID, Sealed: random(48), Fingerprint: "fp", CreatedAt: e.tick()}
	e.must(e.s.CreateKey(e.ctx, k, nil))
	uid := model.Identity{Type: "uid", Value: "user-" + w.ID, Verified: true}
	one := e.login(e.newLogin(a, k, uid))
	two := e.login(e.newLogin(a, k, uid))
	bad := &model.AuditEntry{WorkspaceID: w.ID, At: e.tick()} // no action: invalid
	live := func(id string) bool {
		s, err := e.s.Session(e.ctx, id)
		e.must(err)
		return s.RevokedAt == nil
	}

	_, err := e.s.RevokeUserSessions(e.ctx, one.User.ID, model.RevokedByUser, e.tick(), bad)
	e.wantCode(err, model.CodeInvalid)
	e.wantCode(e.s.RevokeSession(e.ctx, one.Session.ID, model.RevokedByAdmin, e.tick(), bad), model.CodeInvalid)
	if !live(one.Session.ID) || !live(two.Session.ID) {
		e.t.Errorf("a revocation with an unwritable entry ended sessions")
	}
	e.must(e.s.RevokeSession(e.ctx, one.Session.ID, model.RevokedByAdmin, e.tick(), e.entry(w.ID, "session.revoke", one.Session.ID)))
	// Already ended: nothing changes, nothing is recorded.
	e.must(e.s.RevokeSession(e.ctx, one.Session.ID, model.RevokedByAdmin, e.tick(), e.entry(w.ID, "session.revoke", one.Session.ID)))
	entry := e.entry(w.ID, "user.sessions.revoke", one.User.ID)
	n, err := e.s.RevokeUserSessions(e.ctx, one.User.ID, model.RevokedByUser, e.tick(), entry)
	e.must(err)
	if n != 1 || live(two.Session.ID) || entry.Details["sessions_ended"] != 1 {
		e.t.Errorf("RevokeUserSessions ended %d, entry details %v", n, entry.Details)
	}
	entry = e.entry(w.ID, "app.sessions.revoke", a.ID)
	if n, err := e.s.RevokeAppSessions(e.ctx, a.ID, model.RevokedByApp, e.tick(), entry); err != nil || n != 0 || entry.Details["sessions_ended"] != 0 {
		e.t.Errorf("RevokeAppSessions with none live: %d %v, details %v", n, err, entry.Details)
	}
	want := []string{"session.revoke", "user.sessions.revoke", "app.sessions.revoke"}
	if got := e.auditActions(w.ID); !slices.Equal(got, want) {
		e.t.Errorf("audit log %v, want %v", got, want)
	}
}
