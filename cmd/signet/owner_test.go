package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/signet-id/signet/internal/store/storetest"
)

// The demo's and the owner's ways in, as `signet serve` prints them.
var (
	ownerTokenLine = regexp.MustCompile(`(?m)^\s+(sat_[A-Za-z0-9_-]+|[A-Za-z0-9_-]{40,})\s*$`)
	demoPassword   = regexp.MustCompile(`sign in as (\S+) with the password (\S+) \(shown once\)\.\n`)
	newPassword    = regexp.MustCompile(`(?m)^    (\S+)$`)
	csrfInput      = regexp.MustCompile(`name="csrf" (?:value|content)="([0-9a-f]{64})"`)
)

// ownerToken is the first-run owner token a server printed, or "".
func ownerToken(out string) string {
	if !strings.Contains(out, "owner API token is shown once") {
		return ""
	}
	m := ownerTokenLine.FindStringSubmatch(out[strings.Index(out, "owner API token is shown once"):])
	if m == nil {
		return ""
	}
	return m[1]
}

// dashboard is a person at the dashboard, with a cookie jar.
type dashboard struct {
	t    *testing.T
	base string
	c    *http.Client
	csrf string
}

func newDashboard(t *testing.T, base string) *dashboard {
	jar, _ := cookiejar.New(nil)
	return &dashboard{t: t, base: base, c: &http.Client{Jar: jar}}
}

// get returns the status, the final path and the body.
func (d *dashboard) get(path string) (int, string, string) {
	d.t.Helper()
	resp, err := d.c.Get(d.base + path)
	if err != nil {
		d.t.Fatal(err)
	}
	return d.read(resp)
}

func (d *dashboard) post(path string, form url.Values) (int, string, string) {
	d.t.Helper()
	form.Set("csrf", d.csrf)
	resp, err := d.c.PostForm(d.base+path, form)
	if err != nil {
		d.t.Fatal(err)
	}
	return d.read(resp)
}

func (d *dashboard) read(resp *http.Response) (int, string, string) {
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if m := csrfInput.FindSubmatch(b); m != nil {
		d.csrf = string(m[1])
	}
	return resp.StatusCode, resp.Request.URL.Path, string(b)
}

// setUp creates the owner account through /dashboard/setup with token.
func (d *dashboard) setUp(token, email, password string) (int, string, string) {
	d.t.Helper()
	code, path, body := d.get("/dashboard/setup")
	if code != 200 || path != "/dashboard/setup" {
		d.t.Fatalf("/dashboard/setup is closed: %d at %s", code, path)
	}
	_ = body
	return d.post("/dashboard/setup", url.Values{"token": {token}, "email": {email}, "password": {password}, "password2": {password}})
}

// signIn signs in and reports whether the dashboard let them in.
func (d *dashboard) signIn(email, password string) bool {
	d.t.Helper()
	d.get("/dashboard/signin")
	code, path, _ := d.post("/dashboard/signin", url.Values{"email": {email}, "password": {password}})
	return code == 200 && !strings.Contains(path, "/signin") && !strings.Contains(path, "/setup")
}

// signedIn reports whether the dashboard still knows this person.
func (d *dashboard) signedIn() bool {
	d.t.Helper()
	code, path, _ := d.get("/dashboard/")
	return code == 200 && !strings.Contains(path, "/signin") && !strings.Contains(path, "/setup")
}

const ownerPassword = "a long owner password"

// TestDemoOnFreshFolderPrintsOwnerToken: `serve --demo` on a fresh folder
// prints the owner token beside the demo's password, and that token sets
// the owner account up.
func TestDemoOnFreshFolderPrintsOwnerToken(t *testing.T) {
	s := startServe(t, nil, "--addr", "127.0.0.1:0", "--data-dir", t.TempDir(), "--demo")
	out := s.Output()
	token := ownerToken(out)
	if token == "" || demoPassword.FindStringSubmatch(out) == nil {
		t.Fatalf("serve --demo on a fresh folder must print the owner token and the demo's password:\n%s", out)
	}
	d := newDashboard(t, s.URL)
	if code, path, body := d.setUp(token, "me@example.com", ownerPassword); code != 200 || !strings.HasPrefix(path, "/dashboard/workspaces") {
		t.Fatalf("setup with the printed owner token: %d at %s\n%s", code, path, body)
	}
	m := demoPassword.FindStringSubmatch(out)
	if !newDashboard(t, s.URL).signIn(m[1], m[2]) {
		t.Errorf("the demo's printed password does not sign in")
	}
}

// TestDemoAfterServeKeepsSetupOpen: `serve`, then `serve --demo` in the same
// folder: the demo's account does not close /dashboard/setup, so the token
// the first run printed still creates the owner account; a third run
// tells how to get the demo's password again.
func TestDemoAfterServeKeepsSetupOpen(t *testing.T) {
	dir := t.TempDir()
	s := startServe(t, nil, "--addr", "127.0.0.1:0", "--data-dir", dir)
	token := ownerToken(s.Output())
	if token == "" {
		t.Fatalf("the first run printed no owner token:\n%s", s.Output())
	}
	s.stop(t)

	s = startServe(t, nil, "--addr", "127.0.0.1:0", "--data-dir", dir, "--demo")
	m := demoPassword.FindStringSubmatch(s.Output())
	if m == nil {
		t.Fatalf("serve --demo printed no demo password:\n%s", s.Output())
	}
	d := newDashboard(t, s.URL)
	if code, path, body := d.setUp(token, "me@example.com", ownerPassword); code != 200 || !strings.HasPrefix(path, "/dashboard/workspaces") {
		t.Fatalf("setup with the first run's owner token after serve --demo: %d at %s\n%s", code, path, body)
	}
	if !newDashboard(t, s.URL).signIn("me@example.com", ownerPassword) || !newDashboard(t, s.URL).signIn(m[1], m[2]) {
		t.Errorf("the owner and the demo account must both sign in")
	}
	s.stop(t)

	s = startServe(t, nil, "--addr", "127.0.0.1:0", "--data-dir", dir, "--demo")
	if !strings.Contains(s.Output(), "signet admin reset-password --database sqlite:"+dir) {
		t.Errorf("a later demo run must say how to reset the demo's password:\n%s", s.Output())
	}
}

// TestAdminResetPassword: on a running server's data, SQLite and
// PostgreSQL, the command prints a new password once; the old one stops
// working, the account's open dashboard session ends, the new one signs in.
func TestAdminResetPassword(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			dir := t.TempDir()
			data := []string{"--data-dir", dir}
			if backend == "postgres" {
				data = []string{"--database", storetest.PostgresURL(t), "--data-dir", dir}
			}
			s := startServe(t, nil, append([]string{"--addr", "127.0.0.1:0", "--demo"}, data...)...)
			m := demoPassword.FindStringSubmatch(s.Output())
			if m == nil {
				t.Fatalf("no demo password:\n%s", s.Output())
			}
			email, old := m[1], m[2]
			before := newDashboard(t, s.URL)
			if !before.signIn(email, old) || !before.signedIn() {
				t.Fatal("the demo password does not sign in")
			}

			stdout, stderr, code := signet(t, append([]string{"admin", "reset-password", "--email", email}, data...)...)
			if code != 0 {
				t.Fatalf("reset-password: exit %d\n%s%s", code, stdout, stderr)
			}
			pm := newPassword.FindStringSubmatch(stdout)
			if pm == nil || !strings.Contains(stdout, "1 dashboard session(s) of this account ended") {
				t.Fatalf("reset-password printed:\n%s", stdout)
			}
			fresh := pm[1]
			if before.signedIn() {
				t.Errorf("the session opened with the old password is still signed in")
			}
			if newDashboard(t, s.URL).signIn(email, old) {
				t.Errorf("the old password still signs in")
			}
			if !newDashboard(t, s.URL).signIn(email, fresh) {
				t.Errorf("the new password does not sign in")
			}
			if strings.Contains(stderr, fresh) {
				t.Errorf("the password went to stderr too")
			}
		})
	}
}

// TestAdminResetPasswordBadInput: an unknown email or a folder with no
// database changes nothing, says why, and exits 1; no email is a usage
// error.
func TestAdminResetPasswordBadInput(t *testing.T) {
	empty := t.TempDir()
	if _, stderr, code := signet(t, "admin", "reset-password", "--data-dir", empty, "--email", "a@example.com"); code != 1 || !strings.Contains(stderr, "no Signet database") {
		t.Errorf("no database: exit %d, %q", code, stderr)
	}
	if out, _ := exec.Command("ls", empty).Output(); len(out) != 0 {
		t.Errorf("reset-password created files in an empty folder: %s", out)
	}
	if _, stderr, code := signet(t, "admin", "reset-password", "--email", ""); code != 2 || !strings.Contains(stderr, "--email is required") {
		t.Errorf("no email: exit %d, %q", code, stderr)
	}
	if _, stderr, code := signet(t, "admin", "frobnicate"); code != 2 || !strings.Contains(stderr, "unknown command") {
		t.Errorf("unknown admin command: exit %d, %q", code, stderr)
	}
	dir := t.TempDir()
	s := startServe(t, nil, "--addr", "127.0.0.1:0", "--data-dir", dir)
	s.stop(t)
	if _, stderr, code := signet(t, "admin", "reset-password", "--data", dir, "--email", "nobody@example.com"); code != 1 || !strings.Contains(stderr, "no dashboard account") {
		t.Errorf("unknown email: exit %d, %q", code, stderr)
	}
}
