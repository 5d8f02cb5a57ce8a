package storetest

import (
	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/verify"
)

// testDeleteApp: deleting an app removes it, its keys, sessions,
// conversations, log and conflicts, with its audit entry, and nothing of
// another app or workspace; users and identities stay.
func testDeleteApp(e *env) {
	w, other := e.workspace(), e.workspace()
	a, b, oa := e.app(w), e.app(w), e.app(other)
	ka, kb := e.key(a), e.key(b)
	e.key(oa)
	ada := e.login(e.newLogin(a, ka, signed(verify.UID, "ada")))
	adaOnB := e.login(e.newLogin(b, kb, signed(verify.UID, "ada")))
	bob := e.login(e.newLogin(b, kb, signed(verify.UID, "bob")))
	onA := e.issue(ada, "about app a")
	onB := e.issue(adaOnB, "about app b")
	crossed := e.reply(ada, onB, "ada, from app a's session, on app b's issue")
	// App a publishes a JWKS: its fetch record goes with it.
	e.must(e.s.RecordJWKSFetch(e.ctx, &model.JWKSFetch{AppID: a.ID, URL: "https://brand.example/jwks.json", CheckedAt: e.tick()}))
	e.must(e.s.RecordAttempt(e.ctx, &model.Attempt{ID: model.NewID("att"), WorkspaceID: w.ID, AppID: a.ID,
		Platform: a.Platform, Profile: a.Profile, Result: model.ResultRejected, ClaimedUserID: "x", At: e.tick()}))
	// A conflict through app a: bob's email signed for ada's uid.
	e.login(e.newLogin(b, kb, signed(verify.UID, "bob"), signed(verify.Email, "bob@example.com")))
	e.login(e.newLogin(a, ka, signed(verify.UID, "ada"), signed(verify.Email, "bob@example.com")))
	if c, err := e.s.Conflicts(e.ctx, w.ID); err != nil || len(c) != 1 || c[0].AppID != a.ID {
		e.t.Fatalf("conflicts before = %+v, %v", c, err)
	}

	_, err := e.s.DeleteApp(e.ctx, "app_aaaaaaaaaaaaaaaa", e.tick(), e.entry(w.ID, "app.delete", "app_aaaaaaaaaaaaaaaa"))
	e.wantCode(err, model.CodeNotFound)

	audit := e.entry(w.ID, "app.delete", a.ID)
	n, err := e.s.DeleteApp(e.ctx, a.ID, e.tick(), audit)
	e.must(err)
	if n != 2 {
		e.t.Errorf("DeleteApp ended %d sessions, want 2 (ada's two logins through it)", n)
	}
	_, err = e.s.App(e.ctx, a.ID)
	e.wantCode(err, model.CodeNotFound)
	_, err = e.s.Key(e.ctx, ka.ID)
	e.wantCode(err, model.CodeNotFound)
	_, err = e.s.Session(e.ctx, ada.Session.ID)
	e.wantCode(err, model.CodeNotFound)
	_, err = e.s.SessionByToken(e.ctx, ada.Session.ID, ada.Session.TokenHash)
	e.wantCode(err, model.CodeNotFound)
	_, err = e.s.Issue(e.ctx, onA.ID)
	e.wantCode(err, model.CodeNotFound)
	// What is another app's stays: its sessions, issues, and the message a
	// session of the deleted app wrote there.
	_, err = e.s.Session(e.ctx, bob.Session.ID)
	e.must(err)
	_, err = e.s.Issue(e.ctx, onB.ID)
	e.must(err)
	m, err := e.s.Message(e.ctx, crossed.ID)
	e.must(err)
	if m.SessionID != "" || m.UserID != ada.User.ID {
		e.t.Errorf("the crossed message: session %q user %q, want no session, ada", m.SessionID, m.UserID)
	}
	atts, err := e.s.Attempts(e.ctx, w.ID, model.AttemptFilter{AppID: a.ID})
	e.must(err)
	if len(atts) != 0 {
		e.t.Errorf("the deleted app's attempts stay: %d", len(atts))
	}
	if c, err := e.s.Conflicts(e.ctx, w.ID); err != nil || len(c) != 0 {
		e.t.Errorf("conflicts after = %+v, %v", c, err)
	}
	u, err := e.s.User(e.ctx, ada.User.ID)
	e.must(err)
	if id, ok := identity(u, verify.UID, "ada"); !ok || !id.Verified || id.AppID == a.ID || id.KeyID == ka.ID {
		e.t.Errorf("ada's uid after the delete: %+v (found %v)", id, ok)
	}
	if apps, err := e.s.Apps(e.ctx, other.ID); err != nil || len(apps) != 1 {
		e.t.Errorf("the other workspace's apps: %v, %v", apps, err)
	}
	l, err := e.s.Audit(e.ctx, w.ID, model.AuditFilter{Action: "app.delete"})
	e.must(err)
	if len(l) != 1 || l[0].TargetID != a.ID || l[0].Details["sessions_ended"] == nil {
		e.t.Errorf("app.delete entries: %+v", l)
	}
	// The app's login path is gone with it: the next login is refused.
	_, err = e.s.Login(e.ctx, e.newLogin(a, nil, claimed(verify.UID, "late")))
	if err == nil {
		e.t.Errorf("a login through the deleted app was written")
	}
}

// testDeleteWorkspace: deleting a workspace removes everything in it but
// its audit log; the entry is written with it; another workspace stays.
func testDeleteWorkspace(e *env) {
	w, other := e.workspace(), e.workspace()
	a, oa := e.app(w), e.app(other)
	k, ok := e.key(a), e.key(oa)
	ada := e.login(e.newLogin(a, k, signed(verify.UID, "ada")))
	e.issue(ada, "hello")
	kept := e.login(e.newLogin(oa, ok, signed(verify.UID, "ada")))
	e.must(e.s.RecordJWKSFetch(e.ctx, &model.JWKSFetch{AppID: a.ID, URL: "https://brand.example/jwks.json", CheckedAt: e.tick()}))
	tok := &model.APIToken{ID: model.NewID("tok"), WorkspaceID: w.ID, Role: model.RoleAdmin, Name: "ci", TokenHash: hash("del-admin"), CreatedAt: e.tick()}
	e.must(e.s.CreateAPIToken(e.ctx, tok, e.entry(w.ID, "token.create", "tok")))
	acc := &model.Account{ID: model.NewID("acc"), WorkspaceID: w.ID, Email: "gone@example.com", Role: model.RoleAdmin,
		PasswordHash: "$argon2id$z", CreatedAt: e.tick()}
	e.must(e.s.CreateAccount(e.ctx, acc, nil))
	e.must(e.s.RememberAddress(e.ctx, ada.User.ID, "addr", e.tick()))

	_, err := e.s.DeleteWorkspace(e.ctx, "ws_aaaaaaaaaaaaaaaa", e.tick(), e.entry("", "workspace.delete", "ws_aaaaaaaaaaaaaaaa"))
	e.wantCode(err, model.CodeNotFound)

	n, err := e.s.DeleteWorkspace(e.ctx, w.ID, e.tick(), e.entry("", "workspace.delete", w.ID))
	e.must(err)
	if n != 1 {
		e.t.Errorf("DeleteWorkspace ended %d sessions, want 1", n)
	}
	_, err = e.s.Workspace(e.ctx, w.ID)
	e.wantCode(err, model.CodeNotFound)
	if c := e.count(w); c != (counts{}) {
		e.t.Errorf("what is left of the workspace: %+v", c)
	}
	for _, check := range []func() (int, error){
		func() (int, error) { l, err := e.s.Apps(e.ctx, w.ID); return len(l), err },
		func() (int, error) { l, err := e.s.WorkspaceKeys(e.ctx, w.ID); return len(l), err },
		func() (int, error) { l, err := e.s.APITokens(e.ctx, w.ID); return len(l), err },
		func() (int, error) { l, err := e.s.Accounts(e.ctx, w.ID); return len(l), err },
		func() (int, error) { l, err := e.s.Issues(e.ctx, w.ID, model.IssueFilter{}); return len(l), err },
	} {
		if left, err := check(); err != nil || left != 0 {
			e.t.Errorf("rows left: %d, %v", left, err)
		}
	}
	_, err = e.s.APITokenByHash(e.ctx, hash("del-admin"), e.tick())
	e.wantCode(err, model.CodeNotFound)
	_, err = e.s.AccountByEmail(e.ctx, "gone@example.com")
	e.wantCode(err, model.CodeNotFound)
	if known, err := e.s.AddressKnown(e.ctx, ada.User.ID, "addr", t0); err != nil || known {
		e.t.Errorf("a known address of a deleted user stays: %v, %v", known, err)
	}
	// The audit log stays, and the deletion is in the instance's.
	if got := e.auditActions(w.ID); len(got) != 1 || got[0] != "token.create" {
		e.t.Errorf("the deleted workspace's audit log: %v", got)
	}
	if l, err := e.s.Audit(e.ctx, "", model.AuditFilter{Action: "workspace.delete"}); err != nil || len(l) != 1 || l[0].TargetID != w.ID {
		e.t.Errorf("workspace.delete entries: %+v, %v", l, err)
	}
	// The other workspace is whole.
	if _, err := e.s.Session(e.ctx, kept.Session.ID); err != nil {
		e.t.Errorf("the other workspace's session: %v", err)
	}
	if c := e.count(other); c.users != 1 || c.sessions != 1 {
		e.t.Errorf("the other workspace: %+v", c)
	}
}
