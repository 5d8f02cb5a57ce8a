package staff_test

import (
	"context"
	"crypto/rand"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/signet-id/signet/internal/admin"
	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/secretbox"
	"github.com/signet-id/signet/internal/staff"
	"github.com/signet-id/signet/internal/store"
	"github.com/signet-id/signet/internal/store/storetest"
)

const ownerToken = "owner-token-for-the-staff-test-0123456789"

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

type env struct {
	ctx   context.Context
	st    store.Store
	clock *clock
	svc   *staff.Service
	adm   *admin.Service
}

func newEnv(t *testing.T, open func(*testing.T) store.Store, failures int) *env {
	e := &env{ctx: t.Context(), st: open(t), clock: &clock{now: time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)}}
	e.svc = staff.New(staff.Config{Store: e.st, Now: e.clock.Now, AdminToken: ownerToken, SignInFailures: failures, SignInWindow: time.Hour})
	master := make([]byte, 32)
	rand.Read(master)
	box, err := secretbox.New(master)
	if err != nil {
		t.Fatal(err)
	}
	e.adm = admin.New(e.st, box, e.clock.Now, nil)
	return e
}

// auditActions lists the instance's audit actions, oldest first.
func (e *env) auditActions(t *testing.T, ws string) []string {
	t.Helper()
	l, err := e.st.Audit(e.ctx, ws, model.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := len(l) - 1; i >= 0; i-- {
		out = append(out, l[i].Action)
	}
	return out
}

func codeOf(err error) model.Code { return model.ErrorCode(err) }

// TestSetup: the first run creates the owner account once, for the holder
// of an owner token, each refusal with its code; the account and the
// sign-in are in the audit log.
func TestSetup(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			e := newEnv(t, b.Open, 0)
			if !e.svc.NeedsSetup(e.ctx) {
				t.Fatal("a fresh store needs no setup")
			}
			good := staff.SetupRequest{OwnerToken: ownerToken, Email: "owner@acme.test", Password: "a long owner password", Password2: "a long owner password"}
			for _, c := range []struct {
				name string
				edit func(r *staff.SetupRequest)
				want error
			}{
				{"not an email", func(r *staff.SetupRequest) { r.Email = "owner" }, staff.ErrSetupEmail},
				{"a short password", func(r *staff.SetupRequest) { r.Password, r.Password2 = "short", "short" }, staff.ErrSetupPassword},
				{"passwords that differ", func(r *staff.SetupRequest) { r.Password2 = "another long password" }, staff.ErrSetupRepeat},
				{"not an owner token", func(r *staff.SetupRequest) { r.OwnerToken = "guess-" + ownerToken }, staff.ErrNotOwnerToken},
			} {
				r := good
				c.edit(&r)
				if _, err := e.svc.Setup(e.ctx, r, "203.0.113.5", "staff_test"); err != c.want {
					t.Errorf("%s: %v, want %v", c.name, err, c.want)
				}
			}
			if !e.svc.NeedsSetup(e.ctx) {
				t.Fatal("a refused setup set Signet up")
			}
			sess, err := e.svc.Setup(e.ctx, good, "203.0.113.5", "staff_test")
			if err != nil {
				t.Fatal(err)
			}
			if sess.Role != model.RoleOwner || sess.WorkspaceID != "" || sess.Email != good.Email || sess.CSRF == "" {
				t.Errorf("setup's session: %+v", sess)
			}
			if e.svc.NeedsSetup(e.ctx) {
				t.Error("set up, Signet still needs setup")
			}
			if _, err := e.svc.Setup(e.ctx, good, "203.0.113.5", "staff_test"); err != staff.ErrSetUp || codeOf(err) != model.CodeConflict {
				t.Errorf("a second setup: %v, want ErrSetUp (conflict)", err)
			}
			if got := e.auditActions(t, ""); len(got) != 2 || got[0] != "account.create" || got[1] != "dashboard.signin" {
				t.Errorf("the instance's audit log: %v, want account.create then dashboard.signin", got)
			}
		})
	}
}

// TestSessions: a sign-in starts a dashboard session (a token of kind
// dashboard) that Session finds until it is signed out or outlives
// SessionLifetime; an API token is never a dashboard session.
func TestSessions(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			e := newEnv(t, b.Open, 0)
			owner := &model.Actor{Role: model.RoleOwner, Address: "203.0.113.5"}
			ws, err := e.adm.CreateWorkspace(e.ctx, owner, "Acme")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.adm.CreateAccount(e.ctx, owner, ws.ID, admin.AccountRequest{Email: "ann@acme.test", Password: "ann's long password", Role: model.RoleAgent}); err != nil {
				t.Fatal(err)
			}
			if _, err := e.svc.SignIn(e.ctx, "ann@acme.test", "not ann's password", "203.0.113.5", "staff_test"); err != staff.ErrWrongPassword {
				t.Errorf("a wrong password: %v, want ErrWrongPassword", err)
			}
			if _, err := e.svc.SignIn(e.ctx, "nobody@acme.test", "ann's long password", "203.0.113.5", "staff_test"); err != staff.ErrWrongPassword {
				t.Errorf("an unknown email: %v, want ErrWrongPassword (the same answer)", err)
			}
			sess, err := e.svc.SignIn(e.ctx, "ann@acme.test", "ann's long password", "203.0.113.5", "staff_test")
			if err != nil {
				t.Fatal(err)
			}
			got, err := e.svc.Session(e.ctx, sess.Token)
			if err != nil || got.TokenID != sess.TokenID || got.Role != model.RoleAgent || got.WorkspaceID != ws.ID || got.CSRF != staff.CSRFToken(sess.Token) {
				t.Fatalf("Session of a live sign-in: %+v %v", got, err)
			}
			tokens, err := e.st.APITokens(e.ctx, ws.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(tokens) != 1 || tokens[0].Kind != model.TokenDashboard {
				t.Errorf("the sign-in's token: %+v, want one of kind dashboard", tokens)
			}
			// The session is an actor the admin service takes: an agent's.
			if _, err := e.adm.Users(e.ctx, sess.Actor("203.0.113.5", "staff_test"), ws.ID, model.UserFilter{Limit: 1}); err != nil {
				t.Errorf("the session's actor reads users: %v", err)
			}
			if _, err := e.adm.Keys(e.ctx, sess.Actor("203.0.113.5", "staff_test"), "app_aaaaaaaaaaaaaaaa"); codeOf(err) != model.CodeNotFound {
				t.Errorf("the session's actor on an unknown app: %v", err)
			}

			// An API token of the workspace is not a dashboard session.
			api, err := e.adm.CreateToken(e.ctx, owner, ws.ID, admin.TokenRequest{Role: model.RoleAdmin})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.svc.Session(e.ctx, api.Token); codeOf(err) != model.CodeUnauthenticated {
				t.Errorf("an API token as a dashboard session: %v, want unauthenticated", err)
			}

			// Signed out: refused, with its audit entry.
			if err := e.svc.SignOut(e.ctx, got, "203.0.113.5", "staff_test"); err != nil {
				t.Fatal(err)
			}
			if _, err := e.svc.Session(e.ctx, sess.Token); codeOf(err) != model.CodeUnauthenticated {
				t.Errorf("a signed-out session: %v, want unauthenticated", err)
			}
			want := []string{"account.create", "dashboard.signin", "token.create", "dashboard.signout"}
			if got := e.auditActions(t, ws.ID); !slices.Equal(got, want) {
				t.Errorf("the workspace's audit log: %v, want %v", got, want)
			}

			// A session ends SessionLifetime after it started.
			sess, err = e.svc.SignIn(e.ctx, "ann@acme.test", "ann's long password", "203.0.113.5", "staff_test")
			if err != nil {
				t.Fatal(err)
			}
			e.clock.Add(staff.SessionLifetime - time.Second)
			if _, err := e.svc.Session(e.ctx, sess.Token); err != nil {
				t.Errorf("a session a second before its end: %v", err)
			}
			e.clock.Add(time.Second)
			if _, err := e.svc.Session(e.ctx, sess.Token); codeOf(err) != model.CodeUnauthenticated {
				t.Errorf("a session at its end: %v, want unauthenticated", err)
			}
		})
	}
}

// TestSignInLimit: past SignInFailures wrong passwords for an email, even
// the right one is refused rate_limited, with how long to wait.
func TestSignInLimit(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			e := newEnv(t, b.Open, 2)
			owner := &model.Actor{Role: model.RoleOwner}
			ws, err := e.adm.CreateWorkspace(e.ctx, owner, "Acme")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.adm.CreateAccount(e.ctx, owner, ws.ID, admin.AccountRequest{Email: "ann@acme.test", Password: "ann's long password", Role: model.RoleAdmin}); err != nil {
				t.Fatal(err)
			}
			for range 2 {
				if _, err := e.svc.SignIn(e.ctx, "ann@acme.test", "wrong password!", "203.0.113.5", "staff_test"); err != staff.ErrWrongPassword {
					t.Fatalf("a wrong password: %v", err)
				}
			}
			_, err = e.svc.SignIn(e.ctx, "ann@acme.test", "ann's long password", "203.0.113.5", "staff_test")
			wait, limited := staff.RateLimited(err)
			if !limited || wait <= 0 || codeOf(err) != model.CodeRateLimited {
				t.Fatalf("the right password after the limit: %v, want rate_limited with a wait", err)
			}
			e.clock.Add(time.Hour + time.Second)
			if _, err := e.svc.SignIn(e.ctx, "ann@acme.test", "ann's long password", "203.0.113.5", "staff_test"); err != nil {
				t.Errorf("after the window: %v", err)
			}
		})
	}
}

// TestCSRF: a form's token is the session's, compared in constant time;
// nothing matches an empty expectation.
func TestCSRF(t *testing.T) {
	a, b := staff.CSRFToken("cookie one"), staff.CSRFToken("cookie two")
	if a == b || a != staff.CSRFToken("cookie one") || len(a) != 64 {
		t.Fatalf("CSRFToken: %q, %q", a, b)
	}
	for _, c := range []struct {
		got, want string
		ok        bool
	}{{a, a, true}, {b, a, false}, {"", a, false}, {"", "", false}, {a[:63], a, false}} {
		if staff.CSRFValid(c.got, c.want) != c.ok {
			t.Errorf("CSRFValid(%q, %q) = %v", c.got, c.want, !c.ok)
		}
	}
}

// TestTokenNames: a workspace's token names only for an actor who may see
// the workspace.
func TestTokenNames(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			e := newEnv(t, b.Open, 0)
			owner := &model.Actor{Role: model.RoleOwner}
			ws, err := e.adm.CreateWorkspace(e.ctx, owner, "Acme")
			if err != nil {
				t.Fatal(err)
			}
			tok, err := e.adm.CreateToken(e.ctx, owner, ws.ID, admin.TokenRequest{Role: model.RoleAgent, Name: "inbox bot"})
			if err != nil {
				t.Fatal(err)
			}
			if got := e.svc.TokenNames(e.ctx, &model.Actor{Role: model.RoleAgent, WorkspaceID: ws.ID}, ws.ID); got[tok.ID] != "inbox bot" {
				t.Errorf("the workspace's agent: %v", got)
			}
			if got := e.svc.TokenNames(e.ctx, &model.Actor{Role: model.RoleAdmin, WorkspaceID: "ws_aaaaaaaaaaaaaaaa"}, ws.ID); len(got) != 0 {
				t.Errorf("another workspace's admin sees %v", got)
			}
		})
	}
}
