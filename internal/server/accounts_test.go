package server_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/signet-id/signet/internal/server"
	"github.com/signet-id/signet/internal/store/storetest"
)

const staffPassword = "correct horse battery"

var csrfInPage = regexp.MustCompile(`name="csrf" value="([0-9a-f]{64})"`)

// dashboard is a person's browser without JavaScript: a cookie jar that
// sends the dashboard's forms.
type dashboard struct {
	t      *testing.T
	s      *testServer
	client *http.Client
	csrf   string
}

func newDashboard(t *testing.T, s *testServer) *dashboard {
	jar, _ := cookiejar.New(nil)
	return &dashboard{t: t, s: s, client: &http.Client{Jar: jar}}
}

// send makes a request with headers and returns the status, final path and body.
func (d *dashboard) send(method, path string, form url.Values, headers map[string]string) (int, string, string) {
	d.t.Helper()
	var body io.Reader
	if form != nil {
		if _, set := form["csrf"]; !set {
			form.Set("csrf", d.csrf)
		}
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, d.s.URL+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := d.client.Do(req)
	if err != nil {
		d.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if m := csrfInPage.FindStringSubmatch(string(raw)); m != nil {
		d.csrf = m[1]
	}
	return resp.StatusCode, resp.Request.URL.Path, string(raw)
}

func (d *dashboard) get(path string) (int, string, string) {
	d.t.Helper()
	return d.send("GET", path, nil, nil)
}

func (d *dashboard) post(path string, form url.Values) (int, string, string) {
	d.t.Helper()
	return d.send("POST", path, form, nil)
}

// session is the session cookie's value: the session's token.
func (d *dashboard) session() string {
	u, _ := url.Parse(d.s.URL + "/dashboard/")
	for _, c := range d.client.Jar.Cookies(u) {
		if c.Name == "signet_dashboard" {
			return c.Value
		}
	}
	return ""
}

// signIn signs in with email and password and returns the session token
// ("" when refused) and the page.
func (d *dashboard) signIn(email, password string) (string, string) {
	d.t.Helper()
	d.get("/dashboard/signin")
	_, _, body := d.post("/dashboard/signin", url.Values{"email": {email}, "password": {password}})
	d.s.Remember("dashboard session", d.session())
	return d.session(), body
}

// signedIn signs in, failing the test when refused.
func signedIn(t *testing.T, s *testServer, email, password string) (*dashboard, string) {
	t.Helper()
	d := newDashboard(t, s)
	tok, body := d.signIn(email, password)
	if tok == "" {
		t.Fatalf("sign-in of %s refused: %.300s", email, body)
	}
	return d, tok
}

// setupOwner creates the owner account through /dashboard/setup.
func setupOwner(t *testing.T, s *testServer, email string) (*dashboard, string) {
	t.Helper()
	d := newDashboard(t, s)
	d.get("/dashboard/setup")
	if st, path, body := d.post("/dashboard/setup", url.Values{"token": {adminToken}, "email": {email},
		"password": {staffPassword}, "password2": {staffPassword}}); st != 200 || !strings.HasPrefix(path, "/dashboard/workspaces") {
		t.Fatalf("setup: %d at %s: %.300s", st, path, body)
	}
	s.Remember("dashboard session", d.session())
	return d, d.session()
}

// TestAccountLifecycle: an admin disables, re-enables, re-roles and deletes
// an account over the API; disabling ends its sessions, the API tokens it
// made and its open streams at once, and it cannot sign in; everything is
// in the audit log.
func TestAccountLifecycle(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			s := start(t, backend)
			ws := s.workspace("Acme")
			adminTok := s.must(201, s.do("POST", "/api/admin/workspaces/"+ws+"/tokens", adminToken, map[string]any{"role": "admin"})).Str("token")
			lead := s.must(201, s.do("POST", "/api/admin/workspaces/"+ws+"/accounts", adminTok,
				map[string]any{"email": "lead@acme.example", "password": staffPassword, "role": "admin"})).Str("id")
			_, leadSession := signedIn(t, s, "lead@acme.example", staffPassword)
			// What the lead makes with their session belongs to them.
			made := s.must(201, s.do("POST", "/api/admin/workspaces/"+ws+"/tokens", leadSession, map[string]any{"role": "agent", "name": "lead's script"}))
			if made.Str("account_id") != lead {
				t.Errorf("a token made in a session: account_id %q, want %q", made.Str("account_id"), lead)
			}
			other := s.must(201, s.do("POST", "/api/admin/workspaces/"+ws+"/tokens", adminTok, map[string]any{"role": "agent"})).Str("token")
			stream := events(t, s.URL+"/api/agent/workspaces/"+ws+"/events", leadSession)
			madeStream := events(t, s.URL+"/api/agent/workspaces/"+ws+"/events", made.Str("token"))

			acc := s.must(200, s.do("POST", "/api/admin/accounts/"+lead+"/disable", adminTok, nil))
			if acc.Str("disabled_at") == "" {
				t.Errorf("disabled account: %s", acc.Raw)
			}
			awaitWithin(t, stream, "session_ended", closeWithin)
			awaitWithin(t, madeStream, "session_ended", closeWithin)
			for name, tok := range map[string]string{"session": leadSession, "token it made": made.Str("token")} {
				if a := s.do("GET", "/api/admin/workspaces/"+ws+"/users", tok, nil); a.Status != 401 {
					t.Errorf("the disabled account's %s: %d %s", name, a.Status, a.Raw)
				}
			}
			s.must(200, s.do("GET", "/api/admin/workspaces/"+ws+"/users", other, nil)) // someone else's token lives on
			if tok, body := newDashboard(t, s).signIn("lead@acme.example", staffPassword); tok != "" || !strings.Contains(body, "disabled") {
				t.Errorf("a disabled account signed in (%q): %.300s", tok, body)
			}

			// Enabled again, it signs in; its old tokens stay revoked.
			s.must(200, s.do("POST", "/api/admin/accounts/"+lead+"/enable", adminTok, nil))
			_, again := signedIn(t, s, "lead@acme.example", staffPassword)
			if a := s.do("GET", "/api/admin/workspaces/"+ws+"/users", made.Str("token"), nil); a.Status != 401 {
				t.Errorf("a token revoked by the disabling works again: %d", a.Status)
			}

			// A new role ends the sessions, which carried the old one.
			if a := s.must(200, s.do("PATCH", "/api/admin/accounts/"+lead, adminTok, map[string]any{"role": "agent"})); a.Str("role") != "agent" {
				t.Errorf("role: %s", a.Raw)
			}
			if a := s.do("GET", "/api/admin/workspaces/"+ws+"/users", again, nil); a.Status != 401 {
				t.Errorf("a session of the old role: %d", a.Status)
			}
			_, asAgent := signedIn(t, s, "lead@acme.example", staffPassword)
			s.must(403, s.do("GET", "/api/admin/workspaces/"+ws+"/tokens", asAgent, nil))
			// An agent manages no account, not even its own role.
			s.must(403, s.do("PATCH", "/api/admin/accounts/"+lead, asAgent, map[string]any{"role": "admin"}))

			// Deleted, its session ends and it is gone.
			agentStream := events(t, s.URL+"/api/agent/workspaces/"+ws+"/events", asAgent)
			s.must(204, s.do("DELETE", "/api/admin/accounts/"+lead, adminTok, nil))
			awaitWithin(t, agentStream, "session_ended", closeWithin)
			s.must(404, s.do("GET", "/api/admin/accounts/"+lead, adminTok, nil))
			if tok, _ := newDashboard(t, s).signIn("lead@acme.example", staffPassword); tok != "" {
				t.Error("a deleted account signed in")
			}

			// Every action is in the workspace's audit log.
			audit := s.must(200, s.do("GET", "/api/admin/workspaces/"+ws+"/audit?target="+lead+"&limit=50", adminTok, nil))
			got := map[string]bool{}
			for _, e := range audit.Body["entries"].([]any) {
				got[e.(map[string]any)["action"].(string)] = true
			}
			for _, want := range []string{"account.create", "account.disable", "account.enable", "account.role", "account.delete"} {
				if !got[want] {
					t.Errorf("no %s in the audit log: %v", want, got)
				}
			}
		})
	}
}

// TestAccountIsolation: a workspace admin acts on its own workspace's
// accounts only; another's are not_found, and nothing changes.
func TestAccountIsolation(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			s := start(t, backend)
			ws, ws2 := s.workspace("Acme"), s.workspace("Rival")
			acc := s.must(201, s.do("POST", "/api/admin/workspaces/"+ws+"/accounts", adminToken,
				map[string]any{"email": "ana@acme.example", "password": staffPassword, "role": "agent"})).Str("id")
			rival := s.must(201, s.do("POST", "/api/admin/workspaces/"+ws2+"/tokens", adminToken, map[string]any{"role": "admin"})).Str("token")
			for _, c := range []struct{ method, path string }{
				{"GET", "/api/admin/accounts/" + acc}, {"PATCH", "/api/admin/accounts/" + acc},
				{"DELETE", "/api/admin/accounts/" + acc}, {"POST", "/api/admin/accounts/" + acc + "/disable"},
				{"POST", "/api/admin/accounts/" + acc + "/enable"}, {"POST", "/api/admin/accounts/" + acc + "/password-reset"},
			} {
				var body any
				if c.method == "PATCH" {
					body = map[string]any{"role": "admin"}
				}
				if a := s.do(c.method, c.path, rival, body); a.Status != 404 || a.Code() != "not_found" {
					t.Errorf("%s %s by another workspace's admin: %d %s", c.method, c.path, a.Status, a.Raw)
				}
			}
			// Moving an account into one's own workspace is not theirs either.
			if a := s.do("PATCH", "/api/admin/accounts/"+acc, adminToken, map[string]any{"role": "agent", "workspace_id": ws2}); a.Status != 200 {
				t.Errorf("an owner moves an account: %d %s", a.Status, a.Raw)
			}
			s.must(200, s.do("GET", "/api/admin/accounts/"+acc, rival, nil))
			ws1Admin := s.must(201, s.do("POST", "/api/admin/workspaces/"+ws+"/tokens", adminToken, map[string]any{"role": "admin"})).Str("token")
			if a := s.do("PATCH", "/api/admin/accounts/"+acc, rival, map[string]any{"role": "agent", "workspace_id": ws}); a.Status != 404 {
				t.Errorf("an admin moves an account into another workspace: %d %s", a.Status, a.Raw)
			}
			s.must(404, s.do("GET", "/api/admin/accounts/"+acc, ws1Admin, nil))
			a := s.must(200, s.do("GET", "/api/admin/workspaces/"+ws2+"/accounts", rival, nil))
			if l := a.Body["accounts"].([]any); len(l) != 1 || l[0].(map[string]any)["role"] != "agent" {
				t.Errorf("accounts after the refused changes: %s", a.Raw)
			}
		})
	}
}

// TestLastOwner: the last enabled owner account can be neither disabled,
// demoted nor deleted; with a second owner it can.
func TestLastOwner(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			s := start(t, backend)
			ws := s.workspace("Acme")
			setupOwner(t, s, "owner@acme.example")
			owners := s.must(200, s.do("GET", "/api/admin/audit?action=account.create&limit=5", adminToken, nil)).Body["entries"].([]any)
			if len(owners) != 1 {
				t.Fatalf("owner account.create entries: %v", owners)
			}
			owner := owners[0].(map[string]any)["target_id"].(string)
			for _, c := range []struct {
				method, path string
				body         any
			}{
				{"POST", "/api/admin/accounts/" + owner + "/disable", nil},
				{"DELETE", "/api/admin/accounts/" + owner, nil},
				{"PATCH", "/api/admin/accounts/" + owner, map[string]any{"role": "admin", "workspace_id": ws}},
			} {
				if a := s.do(c.method, c.path, adminToken, c.body); a.Status != 409 || a.Code() != "conflict" {
					t.Errorf("%s %s on the last owner: %d %s", c.method, c.path, a.Status, a.Raw)
				}
			}
			if a := s.must(200, s.do("GET", "/api/admin/accounts/"+owner, adminToken, nil)); a.Str("role") != "owner" || a.Str("disabled_at") != "" {
				t.Errorf("the last owner changed: %s", a.Raw)
			}
			// A second owner (an admin promoted), and the first may step down.
			second := s.must(201, s.do("POST", "/api/admin/workspaces/"+ws+"/accounts", adminToken,
				map[string]any{"email": "second@acme.example", "password": staffPassword, "role": "admin"})).Str("id")
			s.must(200, s.do("PATCH", "/api/admin/accounts/"+second, adminToken, map[string]any{"role": "owner"}))
			if a := s.must(200, s.do("PATCH", "/api/admin/accounts/"+owner, adminToken, map[string]any{"role": "admin", "workspace_id": ws})); a.Str("workspace_id") != ws {
				t.Errorf("demoted owner: %s", a.Raw)
			}
			s.must(409, s.do("DELETE", "/api/admin/accounts/"+second, adminToken, nil))
		})
	}
}

// TestOwnPasswordAndReset: a person changes their password with the current
// one (their other sessions end); an admin's reset link works once, ends
// the sessions, and expires.
func TestOwnPasswordAndReset(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			s := start(t, backend)
			ws := s.workspace("Acme")
			acc := s.must(201, s.do("POST", "/api/admin/workspaces/"+ws+"/accounts", adminToken,
				map[string]any{"email": "ana@acme.example", "password": staffPassword, "role": "agent"})).Str("id")
			_, first := signedIn(t, s, "ana@acme.example", staffPassword)
			d, second := signedIn(t, s, "ANA@acme.example", staffPassword) // emails compare case-insensitively
			const newPassword = "a much newer horse battery"
			s.Remember("password", newPassword)
			if a := s.do("POST", "/api/admin/account/password", second, map[string]any{"current_password": "wrong password here", "new_password": newPassword}); a.Status != 403 {
				t.Errorf("a wrong current password: %d %s", a.Status, a.Raw)
			}
			if a := s.do("POST", "/api/admin/account/password", adminToken, map[string]any{"current_password": staffPassword, "new_password": newPassword}); a.Status != 403 {
				t.Errorf("an API token changes a password: %d %s", a.Status, a.Raw)
			}
			s.must(204, s.do("POST", "/api/admin/account/password", second, map[string]any{"current_password": staffPassword, "new_password": newPassword}))
			if a := s.do("GET", "/api/agent/workspaces/"+ws+"/issues", first, nil); a.Status != 401 {
				t.Errorf("the other session lives on: %d", a.Status)
			}
			s.must(200, s.do("GET", "/api/agent/workspaces/"+ws+"/issues", second, nil))
			if st, _, _ := d.get("/dashboard/account"); st != 200 {
				t.Errorf("the account page: %d", st)
			}
			if tok, _ := newDashboard(t, s).signIn("ana@acme.example", staffPassword); tok != "" {
				t.Error("the old password still signs in")
			}
			signedIn(t, s, "ana@acme.example", newPassword)

			// An admin's reset link.
			reset := s.must(201, s.do("POST", "/api/admin/accounts/"+acc+"/password-reset", adminToken, nil))
			s.Remember("reset token", reset.Str("reset_token"))
			if !strings.HasPrefix(reset.Str("reset_path"), "/dashboard/reset?token=") || reset.Str("expires_at") == "" {
				t.Fatalf("reset: %s", reset.Raw)
			}
			if a := s.must(200, s.do("GET", "/api/admin/accounts/"+acc, adminToken, nil)); a.Str("reset_expires_at") == "" {
				t.Errorf("the pending reset is not shown: %s", a.Raw)
			}
			const resetPassword = "the password chosen by reset"
			s.Remember("password", resetPassword)
			redeem := func() (int, string) {
				p := newDashboard(t, s)
				p.get(reset.Str("reset_path"))
				st, _, body := p.post("/dashboard/reset", url.Values{"token": {reset.Str("reset_token")}, "password": {resetPassword}, "password2": {resetPassword}})
				return st, body
			}
			if st, body := redeem(); st != 200 || !strings.Contains(body, "reset-done") {
				t.Fatalf("reset: %d %.400s", st, body)
			}
			if a := s.do("GET", "/api/agent/workspaces/"+ws+"/issues", second, nil); a.Status != 401 {
				t.Errorf("a session lives on after the reset: %d", a.Status)
			}
			if st, _ := redeem(); st != 404 {
				t.Errorf("a reset link used twice: %d", st)
			}
			signedIn(t, s, "ana@acme.example", resetPassword)

			// An expired link does nothing.
			late := s.must(201, s.do("POST", "/api/admin/accounts/"+acc+"/password-reset", adminToken, nil))
			s.Remember("reset token", late.Str("reset_token"))
			s.Clock.Advance(25 * time.Hour)
			p := newDashboard(t, s)
			p.get("/dashboard/reset")
			if st, _, _ := p.post("/dashboard/reset", url.Values{"token": {late.Str("reset_token")}, "password": {newPassword}, "password2": {newPassword}}); st != 404 {
				t.Errorf("an expired reset link: %d", st)
			}
			signedIn(t, s, "ana@acme.example", resetPassword)
		})
	}
}

// TestDisableAcrossNodes: disabling an account through one node closes
// the streams its session holds open on another at once.
func TestDisableAcrossNodes(t *testing.T) {
	dsn := storetest.PostgresURL(t)
	dir := t.TempDir()
	clk := newClock()
	a, b := startOn(t, dsn, dir, clk), startOn(t, dsn, dir, clk)
	ws := a.workspace("Acme")
	acc := a.must(201, a.do("POST", "/api/admin/workspaces/"+ws+"/accounts", adminToken,
		map[string]any{"email": "ana@acme.example", "password": staffPassword, "role": "agent"})).Str("id")
	_, session := signedIn(t, b, "ana@acme.example", staffPassword)
	stream := events(t, b.URL+"/api/agent/workspaces/"+ws+"/events", session)
	a.must(200, a.do("POST", "/api/admin/accounts/"+acc+"/disable", adminToken, nil))
	awaitWithin(t, stream, "session_ended", closeWithin)
	if r := b.do("GET", "/api/agent/workspaces/"+ws+"/issues", session, nil); r.Status != 401 {
		t.Errorf("the session on the other node: %d", r.Status)
	}
}

// TestAccountEmailsPerWorkspace: an email is unique in its workspace,
// whatever its case, and free in another.
func TestAccountEmailsPerWorkspace(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			s := start(t, backend)
			ws, ws2 := s.workspace("Acme"), s.workspace("Rival")
			create := func(ws, email string) answer {
				return s.do("POST", "/api/admin/workspaces/"+ws+"/accounts", adminToken, map[string]any{"email": email, "password": staffPassword, "role": "agent"})
			}
			s.must(201, create(ws, "Ana@Acme.example"))
			if a := create(ws, "ana@ACME.example"); a.Status != 409 {
				t.Errorf("the same email in another case, same workspace: %d %s", a.Status, a.Raw)
			}
			s.must(201, create(ws2, "ana@acme.example")) // another workspace cannot learn of or squat it
			signedIn(t, s, "aNa@acme.EXAMPLE", staffPassword)
		})
	}
}

// TestOwnerTokensAreTokens: SIGNET_ADMIN_TOKEN and the first-run token
// are listed without their text and can be revoked; the first-run token
// is revoked once the owner account exists, unless kept.
func TestOwnerTokensAreTokens(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			s := start(t, backend)
			s.workspace("Acme") // a first use
			list := s.must(200, s.do("GET", "/api/admin/tokens", adminToken, nil))
			if strings.Contains(list.Raw, adminToken) || !strings.Contains(list.Raw, `"name":"SIGNET_ADMIN_TOKEN"`) {
				t.Fatalf("owner tokens: %s", list.Raw)
			}
			env := list.Body["tokens"].([]any)[0].(map[string]any)["id"].(string)
			spare := s.must(201, s.do("POST", "/api/admin/tokens", adminToken, map[string]any{"role": "owner", "name": "break glass"}))
			s.Remember("owner token", spare.Str("token"))
			s.must(204, s.do("DELETE", "/api/admin/tokens/"+env, spare.Str("token"), nil))
			if a := s.do("GET", "/api/admin/workspaces", adminToken, nil); a.Status != 401 {
				t.Errorf("a revoked SIGNET_ADMIN_TOKEN: %d", a.Status)
			}

			// The first-run token expires unused; the next start prints another.
			t.Run("expires", func(t *testing.T) {
				fresh := start(t, backend, func(c *server.Config) { c.AdminToken = "" })
				re := regexp.MustCompile(`(?m)^\s+(sat_\S+)\s*$`)
				within(t, 5*time.Second, func() bool { return re.MatchString(fresh.Out.String()) })
				first := re.FindStringSubmatch(fresh.Out.String())[1]
				fresh.Remember("first-run token", first)
				fresh.must(200, fresh.do("GET", "/api/admin/tokens", first, nil))
				fresh.Clock.Advance(server.DefaultSetupTokenLifetime + time.Minute)
				if a := fresh.do("GET", "/api/admin/tokens", first, nil); a.Status != 401 {
					t.Errorf("an expired first-run token: %d", a.Status)
				}
				again := startOn(t, fresh.DSN, fresh.DataDir, fresh.Clock, func(c *server.Config) { c.AdminToken = "" })
				within(t, 5*time.Second, func() bool { return re.MatchString(again.Out.String()) })
				again.must(200, again.do("GET", "/api/admin/tokens", re.FindStringSubmatch(again.Out.String())[1], nil))
			})
			// Once the variable is unset, its row lets no one in: the next
			// start prints a first-run token.
			t.Run("SIGNET_ADMIN_TOKEN unset", func(t *testing.T) {
				used := start(t, backend)
				used.workspace("Acme")
				again := startOn(t, used.DSN, used.DataDir, used.Clock, func(c *server.Config) { c.AdminToken = "" })
				within(t, 5*time.Second, func() bool { return strings.Contains(again.Out.String(), "First run.") })
				if !strings.Contains(again.Out.String(), "First run.") {
					t.Errorf("no first-run token once SIGNET_ADMIN_TOKEN is unset: %s", again.Out.String())
				}
				if a := again.do("GET", "/api/admin/workspaces", adminToken, nil); a.Status != 401 {
					t.Errorf("SIGNET_ADMIN_TOKEN, unset, still works: %d", a.Status)
				}
			})
			for _, keep := range []bool{false, true} {
				t.Run(map[bool]string{false: "revoked at setup", true: "kept"}[keep], func(t *testing.T) {
					fresh := start(t, backend, func(c *server.Config) { c.AdminToken, c.KeepSetupToken = "", keep })
					var m []string
					within(t, 5*time.Second, func() bool {
						m = regexp.MustCompile(`(?m)^\s+(sat_\S+)\s*$`).FindStringSubmatch(fresh.Out.String())
						return m != nil && strings.Contains(fresh.Out.String(), "DELETE /api/admin/tokens/")
					})
					if m == nil {
						t.Fatalf("no first-run token printed: %s", fresh.Out.String())
					}
					first := m[1]
					if !strings.Contains(fresh.Out.String(), "--keep-setup-token") {
						t.Errorf("serve does not say how to keep the first-run token: %s", fresh.Out.String())
					}
					l := fresh.must(200, fresh.do("GET", "/api/admin/tokens", first, nil))
					tok := l.Body["tokens"].([]any)[0].(map[string]any)
					if tok["name"] != "first-run owner token" || tok["expires_at"] == nil || strings.Contains(l.Raw, first) {
						t.Errorf("first-run token listed as %s", l.Raw)
					}
					d := newDashboard(t, fresh)
					d.get("/dashboard/setup")
					if st, path, body := d.post("/dashboard/setup", url.Values{"token": {first}, "email": {"owner@acme.example"},
						"password": {staffPassword}, "password2": {staffPassword}}); st != 200 || !strings.HasPrefix(path, "/dashboard/workspaces") {
						t.Fatalf("setup: %d at %s: %.300s", st, path, body)
					}
					fresh.Remember("dashboard session", d.session())
					want := 401
					if keep {
						want = 200
					}
					if a := fresh.do("GET", "/api/admin/workspaces", first, nil); a.Status != want {
						t.Errorf("keep=%v: the first-run token after setup: %d, want %d", keep, a.Status, want)
					}
				})
			}
		})
	}
}

// TestMetricsToken: a metrics token reads /metrics and nothing else.
func TestMetricsToken(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			s := start(t, backend)
			ws := s.workspace("Acme")
			m := s.must(201, s.do("POST", "/api/admin/tokens", adminToken, map[string]any{"role": "metrics", "name": "prometheus"}))
			s.Remember("metrics token", m.Str("token"))
			s.must(200, s.do("GET", "/metrics", m.Str("token"), nil))
			for _, c := range []struct{ method, path string }{
				{"GET", "/api/admin/workspaces"}, {"GET", "/api/admin/workspaces/" + ws}, {"GET", "/api/admin/tokens"},
				{"GET", "/api/agent/workspaces/" + ws + "/issues"}, {"GET", "/api/admin/audit"},
			} {
				if a := s.do(c.method, c.path, m.Str("token"), nil); a.Status != 403 {
					t.Errorf("a metrics token on %s %s: %d %s", c.method, c.path, a.Status, a.Raw)
				}
			}
			admin := s.must(201, s.do("POST", "/api/admin/workspaces/"+ws+"/tokens", adminToken, map[string]any{"role": "admin"})).Str("token")
			s.must(403, s.do("POST", "/api/admin/tokens", admin, map[string]any{"role": "metrics"}))
			s.must(400, s.do("POST", "/api/admin/workspaces/"+ws+"/tokens", adminToken, map[string]any{"role": "metrics"}))
		})
	}
}
