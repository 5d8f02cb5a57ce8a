package admin_test

import (
	"context"
	"crypto/rand"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signet-id/signet/internal/admin"
	"github.com/signet-id/signet/internal/login"
	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/secretbox"
	"github.com/signet-id/signet/internal/store"
	"github.com/signet-id/signet/internal/store/storetest"
	"github.com/signet-id/signet/verify"
)

// clock is a fake clock the service and the test share.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }
func ptr[T any](v T) *T              { return &v }
func codeOf(err error) model.Code    { return model.ErrorCode(err) }
func actorOf(role model.Role, ws string) *model.Actor {
	return &model.Actor{Role: role, WorkspaceID: ws, TokenID: model.NewID("tok"), Address: "203.0.113.5", UserAgent: "admin_test"}
}

// env is one service over a fresh store, with two workspaces (A and B), an
// app in A and the actors of both.
type env struct {
	t              *testing.T
	ctx            context.Context
	st             store.Store
	box            *secretbox.Box
	clock          *clock
	svc            *admin.Service
	owner          *model.Actor
	adminA, agentA *model.Actor
	adminB         *model.Actor
	wsA, wsB       *model.Workspace
	appA           *model.App
	userA          *model.User
	sessionA       *model.Session
	logins         *login.Service
}

func newEnv(t *testing.T, open func(*testing.T) store.Store) *env {
	e := &env{t: t, ctx: t.Context(), st: open(t), clock: &clock{now: time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)}}
	master := make([]byte, 32)
	rand.Read(master)
	box, err := secretbox.New(master)
	if err != nil {
		t.Fatal(err)
	}
	e.box = box
	e.svc = admin.New(e.st, box, e.clock.Now, nil)
	e.owner = actorOf(model.RoleOwner, "")
	if e.wsA, err = e.svc.CreateWorkspace(e.ctx, e.owner, "Acme"); err != nil {
		t.Fatal(err)
	}
	if e.wsB, err = e.svc.CreateWorkspace(e.ctx, e.owner, "Other brand"); err != nil {
		t.Fatal(err)
	}
	e.adminA, e.agentA, e.adminB = actorOf(model.RoleAdmin, e.wsA.ID), actorOf(model.RoleAgent, e.wsA.ID), actorOf(model.RoleAdmin, e.wsB.ID)
	if e.appA, err = e.svc.CreateApp(e.ctx, e.adminA, e.wsA.ID, admin.AppSettings{Name: ptr("Acme web"), Platform: ptr(model.PlatformWeb)}); err != nil {
		t.Fatal(err)
	}
	// An anonymous login makes a user and a session of workspace A.
	e.logins = &login.Service{Store: e.st, Box: box, Now: e.clock.Now}
	res, err := e.logins.Login(e.ctx, e.appA.ID, login.Request{}, "198.51.100.7")
	if err != nil {
		t.Fatal(err)
	}
	e.userA, e.sessionA = &res.User, &res.Session
	return e
}

// audit returns workspace ws's audit log ("" for the instance's), newest first.
func (e *env) audit(ws string) []model.AuditEntry {
	e.t.Helper()
	l, err := e.st.Audit(e.ctx, ws, model.AuditFilter{})
	if err != nil {
		e.t.Fatal(err)
	}
	return l
}

func eachBackend(t *testing.T, f func(t *testing.T, e *env)) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) { f(t, newEnv(t, b.Open)) })
	}
}

// TestAuthorization: what each actor may reach, through CanAdminister and
// CanSee. An owner reaches everything; a workspace's admin its workspace;
// its agent sees users and sessions but never keys or settings
// (forbidden); another workspace's admin learns nothing (not_found).
func TestAuthorization(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		type call func(a *model.Actor) error
		calls := []struct {
			name string
			call call
			// the answer of owner, adminA, agentA, adminB
			want [4]model.Code
		}{
			{"CreateWorkspace", func(a *model.Actor) error { _, err := e.svc.CreateWorkspace(e.ctx, a, "New"); return err },
				[4]model.Code{"", model.CodeForbidden, model.CodeForbidden, model.CodeForbidden}},
			{"Workspace", func(a *model.Actor) error { _, err := e.svc.Workspace(e.ctx, a, e.wsA.ID); return err },
				[4]model.Code{"", "", "", model.CodeNotFound}},
			{"AdminWorkspace", func(a *model.Actor) error { _, err := e.svc.AdminWorkspace(e.ctx, a, e.wsA.ID); return err },
				[4]model.Code{"", "", model.CodeForbidden, model.CodeNotFound}},
			{"CreateApp", func(a *model.Actor) error {
				_, err := e.svc.CreateApp(e.ctx, a, e.wsA.ID, admin.AppSettings{Name: ptr("x"), Platform: ptr(model.PlatformIOS)})
				return err
			}, [4]model.Code{"", "", model.CodeForbidden, model.CodeNotFound}},
			{"App", func(a *model.Actor) error { _, err := e.svc.App(e.ctx, a, e.appA.ID); return err },
				[4]model.Code{"", "", model.CodeForbidden, model.CodeNotFound}},
			{"UpdateApp", func(a *model.Actor) error {
				_, err := e.svc.UpdateApp(e.ctx, a, e.appA.ID, admin.AppSettings{Name: ptr("Renamed")})
				return err
			}, [4]model.Code{"", "", model.CodeForbidden, model.CodeNotFound}},
			{"CreateKey", func(a *model.Actor) error {
				_, err := e.svc.CreateKey(e.ctx, a, e.appA.ID, admin.KeyRequest{})
				return err
			},
				[4]model.Code{"", "", model.CodeForbidden, model.CodeNotFound}},
			{"Keys", func(a *model.Actor) error { _, err := e.svc.Keys(e.ctx, a, e.appA.ID); return err },
				[4]model.Code{"", "", model.CodeForbidden, model.CodeNotFound}},
			{"CreateToken", func(a *model.Actor) error {
				_, err := e.svc.CreateToken(e.ctx, a, e.wsA.ID, admin.TokenRequest{Role: model.RoleAgent})
				return err
			}, [4]model.Code{"", "", model.CodeForbidden, model.CodeNotFound}},
			{"Tokens", func(a *model.Actor) error { _, err := e.svc.Tokens(e.ctx, a, e.wsA.ID); return err },
				[4]model.Code{"", "", model.CodeForbidden, model.CodeNotFound}},
			{"Accounts", func(a *model.Actor) error { _, err := e.svc.Accounts(e.ctx, a, e.wsA.ID); return err },
				[4]model.Code{"", "", model.CodeForbidden, model.CodeNotFound}},
			{"Users", func(a *model.Actor) error {
				_, err := e.svc.Users(e.ctx, a, e.wsA.ID, model.UserFilter{Limit: 10})
				return err
			},
				[4]model.Code{"", "", "", model.CodeNotFound}},
			{"User", func(a *model.Actor) error { _, err := e.svc.User(e.ctx, a, e.userA.ID); return err },
				[4]model.Code{"", "", "", model.CodeNotFound}},
			{"Sessions", func(a *model.Actor) error {
				_, err := e.svc.Sessions(e.ctx, a, e.wsA.ID, model.SessionFilter{Limit: 10})
				return err
			}, [4]model.Code{"", "", model.CodeForbidden, model.CodeNotFound}},
			{"Attempts", func(a *model.Actor) error {
				_, err := e.svc.Attempts(e.ctx, a, e.wsA.ID, model.AttemptFilter{Limit: 10})
				return err
			}, [4]model.Code{"", "", model.CodeForbidden, model.CodeNotFound}},
			{"Audit of the workspace", func(a *model.Actor) error { _, err := e.svc.Audit(e.ctx, a, e.wsA.ID, model.AuditFilter{}); return err },
				[4]model.Code{"", "", model.CodeForbidden, model.CodeNotFound}},
			{"Audit of the instance", func(a *model.Actor) error { _, err := e.svc.Audit(e.ctx, a, "", model.AuditFilter{}); return err },
				[4]model.Code{"", model.CodeForbidden, model.CodeForbidden, model.CodeForbidden}},
			{"EndAppSessions", func(a *model.Actor) error { _, err := e.svc.EndAppSessions(e.ctx, a, e.appA.ID); return err },
				[4]model.Code{"", "", model.CodeForbidden, model.CodeNotFound}},
		}
		actors := []*model.Actor{e.owner, e.adminA, e.agentA, e.adminB}
		names := []string{"owner", "admin of A", "agent of A", "admin of B"}
		for _, c := range calls {
			// The refused first: a change an allowed actor makes must not
			// hide what the others are answered.
			for _, i := range []int{3, 2, 1, 0} {
				if got := codeOf(c.call(actors[i])); got != c.want[i] {
					t.Errorf("%s by the %s: %q, want %q", c.name, names[i], got, c.want[i])
				}
			}
		}
		// Ids of another kind or malformed are not_found, for everyone.
		for _, id := range []string{"nonsense", e.wsA.ID, "app_aaaaaaaaaaaaaaaa"} {
			if _, err := e.svc.App(e.ctx, e.owner, id); codeOf(err) != model.CodeNotFound {
				t.Errorf("App(%q): %v, want not_found", id, err)
			}
		}
		// The session revocations: an agent may see a session but not end it.
		if err := e.svc.RevokeSession(e.ctx, e.adminB, e.sessionA.ID); codeOf(err) != model.CodeNotFound {
			t.Errorf("RevokeSession by another workspace's admin: %v, want not_found", err)
		}
		if err := e.svc.RevokeSession(e.ctx, e.agentA, e.sessionA.ID); codeOf(err) != model.CodeForbidden {
			t.Errorf("RevokeSession by an agent: %v, want forbidden", err)
		}
		if _, err := e.svc.EndUserSessions(e.ctx, e.agentA, e.userA.ID); codeOf(err) != model.CodeForbidden {
			t.Errorf("EndUserSessions by an agent: %v, want forbidden", err)
		}
		if err := e.svc.RevokeSession(e.ctx, e.adminA, e.sessionA.ID); err != nil {
			t.Errorf("RevokeSession by the workspace's admin: %v", err)
		}
	})
}

// TestAuditInTheChange: every change writes one audit entry naming the
// actor, the target and the change's time; a change refused, by the
// service or by the database, writes none, since the entry is written in
// the change's transaction.
func TestAuditInTheChange(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		// The workspace's log is newest first; the set-up wrote app.create.
		last := func(ws string) *model.AuditEntry {
			t.Helper()
			l := e.audit(ws)
			if len(l) == 0 {
				t.Fatalf("no audit entry in %q", ws)
			}
			return &l[0]
		}
		count := func(ws string) int { return len(e.audit(ws)) }
		check := func(what string, ws string, before int, action, target string, at time.Time) {
			by := e.adminA
			if ws == "" {
				by = e.owner
			}
			t.Helper()
			if got := count(ws); got != before+1 {
				t.Errorf("%s: %d audit entries written, want 1", what, got-before)
				return
			}
			a := last(ws)
			if a.Action != action || a.TargetID != target || a.ActorID != by.TokenID || a.ActorRole != by.Role ||
				!a.At.Equal(at) || a.IP != "203.0.113.5" || a.UserAgent != "admin_test" {
				t.Errorf("%s: entry %+v, want %s of %s at %v by the actor", what, a, action, target, at)
			}
		}

		n := count("")
		ws, err := e.svc.CreateWorkspace(e.ctx, e.owner, "Third")
		if err != nil {
			t.Fatal(err)
		}
		check("CreateWorkspace", "", n, "workspace.create", ws.ID, ws.CreatedAt)
		n = count("")
		if _, err := e.svc.CreateWorkspace(e.ctx, e.owner, ""); codeOf(err) != model.CodeInvalid {
			t.Errorf("CreateWorkspace without a name: %v", err)
		}
		if count("") != n {
			t.Errorf("a refused CreateWorkspace wrote an audit entry")
		}

		e.clock.Add(time.Second)
		n = count(e.wsA.ID)
		a, err := e.svc.CreateApp(e.ctx, e.adminA, e.wsA.ID, admin.AppSettings{Name: ptr("Acme iOS"), Platform: ptr(model.PlatformIOS), Profile: ptr(verify.Intercom)})
		if err != nil {
			t.Fatal(err)
		}
		check("CreateApp", e.wsA.ID, n, "app.create", a.ID, a.CreatedAt)
		if d := last(e.wsA.ID).Details; d["name"] != "Acme iOS" {
			t.Errorf("app.create details %v: the settings given", d)
		}

		e.clock.Add(time.Second)
		n = count(e.wsA.ID)
		a, err = e.svc.UpdateApp(e.ctx, e.adminA, a.ID, admin.AppSettings{Enforcement: ptr(model.EnforcementMonitor)})
		if err != nil {
			t.Fatal(err)
		}
		check("UpdateApp", e.wsA.ID, n, "app.update", a.ID, a.UpdatedAt)

		e.clock.Add(time.Second)
		n = count(e.wsA.ID)
		k, err := e.svc.CreateKey(e.ctx, e.adminA, a.ID, admin.KeyRequest{Secret: ptr("a brand's own secret, long enough")})
		if err != nil {
			t.Fatal(err)
		}
		check("CreateKey", e.wsA.ID, n, "key.create", k.ID, k.CreatedAt)
		if d := last(e.wsA.ID).Details; d["imported"] != true || d["fingerprint"] != k.Fingerprint {
			t.Errorf("key.create details %v", d)
		}
		for _, v := range last(e.wsA.ID).Details {
			if s, ok := v.(string); ok && strings.Contains(s, "brand's own secret") {
				t.Errorf("key.create details hold the secret")
			}
		}

		// The same secret for an app of another profile is refused (one
		// secret never serves two profiles): no entry either.
		e.clock.Add(time.Second)
		n = count(e.wsA.ID)
		if _, err := e.svc.CreateKey(e.ctx, e.adminA, e.appA.ID, admin.KeyRequest{Secret: ptr("a brand's own secret, long enough")}); codeOf(err) != model.CodeConflict {
			t.Errorf("the same secret under another profile: %v, want conflict", err)
		}
		if count(e.wsA.ID) != n {
			t.Errorf("a refused CreateKey wrote an audit entry")
		}

		e.clock.Add(time.Second)
		n = count(e.wsA.ID)
		v, err := e.svc.RetireKey(e.ctx, e.adminA, a.ID, k.ID, ptr(int64(3600)))
		if err != nil {
			t.Fatal(err)
		}
		check("RetireKey", e.wsA.ID, n, "key.retire", k.ID, e.clock.Now())
		if v.State != model.KeyRetiring {
			t.Errorf("retired key's state %q", v.State)
		}

		e.clock.Add(time.Second)
		n = count(e.wsA.ID)
		if _, err := e.svc.RevokeKey(e.ctx, e.adminA, a.ID, k.ID); err != nil {
			t.Fatal(err)
		}
		check("RevokeKey", e.wsA.ID, n, "key.revoke", k.ID, e.clock.Now())
		n = count(e.wsA.ID)
		if _, err := e.svc.RetireKey(e.ctx, e.adminA, a.ID, k.ID, nil); codeOf(err) != model.CodeConflict {
			t.Errorf("retiring a revoked key: %v, want conflict", err)
		}
		if count(e.wsA.ID) != n {
			t.Errorf("a refused RetireKey wrote an audit entry")
		}

		e.clock.Add(time.Second)
		n = count(e.wsA.ID)
		tok, err := e.svc.CreateToken(e.ctx, e.adminA, e.wsA.ID, admin.TokenRequest{Role: model.RoleAgent, Name: "inbox bot"})
		if err != nil {
			t.Fatal(err)
		}
		check("CreateToken", e.wsA.ID, n, "token.create", tok.ID, tok.CreatedAt)
		e.clock.Add(time.Second)
		n = count(e.wsA.ID)
		if err := e.svc.RevokeToken(e.ctx, e.adminA, e.wsA.ID, tok.ID); err != nil {
			t.Fatal(err)
		}
		check("RevokeToken", e.wsA.ID, n, "token.revoke", tok.ID, e.clock.Now())

		e.clock.Add(time.Second)
		n = count(e.wsA.ID)
		acc, err := e.svc.CreateAccount(e.ctx, e.adminA, e.wsA.ID, admin.AccountRequest{Email: "ann@acme.test", Password: "correct horse battery", Role: model.RoleAgent})
		if err != nil {
			t.Fatal(err)
		}
		check("CreateAccount", e.wsA.ID, n, "account.create", acc.ID, acc.CreatedAt)
		if d := last(e.wsA.ID).Details; strings.Contains(strings.ToLower(strings.Join(keysOf(d), " ")), "password") {
			t.Errorf("account.create details name the password: %v", d)
		}
		// The email is taken: the database's unique index refuses the
		// account, and its entry goes with it.
		n = count(e.wsA.ID)
		if _, err := e.svc.CreateAccount(e.ctx, e.adminA, e.wsA.ID, admin.AccountRequest{Email: "ann@acme.test", Password: "another long password", Role: model.RoleAdmin}); codeOf(err) != model.CodeConflict {
			t.Errorf("an email taken: %v, want conflict", err)
		}
		if count(e.wsA.ID) != n {
			t.Errorf("a CreateAccount the database refused wrote an audit entry")
		}
	})
}

func keysOf(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestErrorCodes: each method answers the codes its doc comment names.
func TestErrorCodes(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx, s, ad := e.ctx, e.svc, e.adminA
		signet := e.appA.ID
		key, err := s.CreateKey(ctx, ad, signet, admin.KeyRequest{})
		if err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name string
			err  error
			want model.Code
		}{
			{"CreateWorkspace: a name over 200 bytes", func() error { _, err := s.CreateWorkspace(ctx, e.owner, strings.Repeat("a", 201)); return err }(), model.CodeInvalid},
			{"CreateWorkspace: an unprintable name", func() error { _, err := s.CreateWorkspace(ctx, e.owner, "a\x00b"); return err }(), model.CodeInvalid},
			{"CreateApp: no platform", func() error { _, err := s.CreateApp(ctx, ad, e.wsA.ID, admin.AppSettings{Name: ptr("x")}); return err }(), model.CodeInvalid},
			{"CreateApp: an unknown profile", func() error {
				_, err := s.CreateApp(ctx, ad, e.wsA.ID, admin.AppSettings{Name: ptr("x"), Platform: ptr(model.PlatformWeb), Profile: ptr(verify.Profile("nope"))})
				return err
			}(), model.CodeInvalid},
			{"UpdateApp: a profile change while keys verify", func() error {
				_, err := s.UpdateApp(ctx, ad, signet, admin.AppSettings{Profile: ptr(verify.Intercom)})
				return err
			}(), model.CodeConflict},
			{"UpdateApp: a max_token_lifetime out of range", func() error {
				_, err := s.UpdateApp(ctx, ad, signet, admin.AppSettings{MaxTokenLifetime: ptr(int64(10))})
				return err
			}(), model.CodeInvalid},
			{"CreateKey: a weak secret", func() error {
				_, err := s.CreateKey(ctx, ad, signet, admin.KeyRequest{Secret: ptr("secret")})
				return err
			}(), model.CodeWeakSecret},
			{"Key: another app's key id", func() error { _, err := s.Key(ctx, ad, signet, "key_aaaaaaaaaaaaaaaa"); return err }(), model.CodeNotFound},
			{"RetireKey: a negative grace", func() error { _, err := s.RetireKey(ctx, ad, signet, key.ID, ptr(int64(-1))); return err }(), model.CodeInvalid},
			{"RetireKey: a grace over a year", func() error { _, err := s.RetireKey(ctx, ad, signet, key.ID, ptr(int64(366*86400))); return err }(), model.CodeInvalid},
			{"CreateToken: an owner role", func() error {
				_, err := s.CreateToken(ctx, ad, e.wsA.ID, admin.TokenRequest{Role: model.RoleOwner})
				return err
			}(), model.CodeInvalid},
			{"CreateToken: a life under the minimum", func() error {
				_, err := s.CreateToken(ctx, ad, e.wsA.ID, admin.TokenRequest{Role: model.RoleAgent, ExpiresIn: ptr(int64(1))})
				return err
			}(), model.CodeInvalid},
			{"CreateToken: a reserved name", func() error {
				_, err := s.CreateToken(ctx, ad, e.wsA.ID, admin.TokenRequest{Role: model.RoleAgent, Name: "Dashboard: ann@acme.test"})
				return err
			}(), model.CodeInvalid},
			{"RevokeToken: an unknown token", func() error { return s.RevokeToken(ctx, ad, e.wsA.ID, "tok_aaaaaaaaaaaaaaaa") }(), model.CodeNotFound},
			{"CreateAccount: an owner role", func() error {
				_, err := s.CreateAccount(ctx, ad, e.wsA.ID, admin.AccountRequest{Email: "a@b.test", Password: "long enough password", Role: model.RoleOwner})
				return err
			}(), model.CodeInvalid},
			{"CreateAccount: not an email", func() error {
				_, err := s.CreateAccount(ctx, ad, e.wsA.ID, admin.AccountRequest{Email: "ann", Password: "long enough password", Role: model.RoleAgent})
				return err
			}(), model.CodeInvalid},
			{"CreateAccount: a short password", func() error {
				_, err := s.CreateAccount(ctx, ad, e.wsA.ID, admin.AccountRequest{Email: "a@b.test", Password: "short", Role: model.RoleAgent})
				return err
			}(), model.CodeInvalid},
			{"User: a malformed id", func() error { _, err := s.User(ctx, ad, "usr_x"); return err }(), model.CodeNotFound},
			{"RevokeSession: an unknown session", func() error { return s.RevokeSession(ctx, ad, "ses_aaaaaaaaaaaaaaaa") }(), model.CodeNotFound},
			{"TokenActor: not a token", func() error { _, err := s.TokenActor(ctx, "nonsense"); return err }(), model.CodeUnauthenticated},
			{"TokenActor: an unknown token", func() error { _, err := s.TokenActor(ctx, admin.TokenPrefix+strings.Repeat("A", 43)); return err }(), model.CodeUnauthenticated},
		}
		for _, c := range cases {
			if got := codeOf(c.err); got != c.want {
				t.Errorf("%s: %v (%q), want %q", c.name, c.err, got, c.want)
			}
		}
		// TokenActor: a live token is its actor; revoked, it is refused.
		tok, err := s.CreateToken(ctx, ad, e.wsA.ID, admin.TokenRequest{Role: model.RoleAgent})
		if err != nil {
			t.Fatal(err)
		}
		if a, err := s.TokenActor(ctx, tok.Token); err != nil || a.Role != model.RoleAgent || a.WorkspaceID != e.wsA.ID || a.TokenID != tok.ID {
			t.Errorf("TokenActor of a live token: %+v %v", a, err)
		}
		if err := s.RevokeToken(ctx, ad, e.wsA.ID, tok.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.TokenActor(ctx, tok.Token); codeOf(err) != model.CodeUnauthenticated {
			t.Errorf("TokenActor of a revoked token: %v, want unauthenticated", err)
		}
		// An expiring token stops being an actor at its expiry.
		tok, err = s.CreateToken(ctx, ad, e.wsA.ID, admin.TokenRequest{Role: model.RoleAgent, ExpiresIn: ptr(int64(model.MinAPITokenLifetime / time.Second))})
		if err != nil {
			t.Fatal(err)
		}
		e.clock.Add(model.MinAPITokenLifetime)
		if _, err := s.TokenActor(ctx, tok.Token); codeOf(err) != model.CodeUnauthenticated {
			t.Errorf("TokenActor of an expired token: %v, want unauthenticated", err)
		}
	})
}
