package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/signet-id/signet/internal/server"
)

// TestSetupFlow: a fresh server sends visitors to /dashboard/setup; the
// owner token printed at first run (and nothing else) creates the owner
// account, which is then signed in; setup is gone afterwards.
func TestSetupFlow(t *testing.T) {
	e := start(t, func(c *server.Config) { c.AdminToken = "" })
	// The token is printed just after "Signet is running", which is all
	// start waits for: give the server a moment to print it.
	var printed string
	for i := 0; i < 200 && printed == ""; i++ {
		if printed = regexp.MustCompile(`sat_[A-Za-z0-9_-]{43}`).FindString(e.Out.String()); printed == "" {
			time.Sleep(10 * time.Millisecond)
		}
	}
	if printed == "" {
		t.Fatalf("no first-run token printed: %s", e.Out.String())
	}
	if !strings.Contains(e.Out.String(), "/dashboard/setup") {
		t.Error("the first-run message does not point to the dashboard's setup")
	}
	b := e.browser()
	p := b.get("/")
	if p.URL != "/dashboard/setup" || !p.has(`id="setup-form"`) {
		t.Fatalf("/ leads to %s, want the setup page", p.URL)
	}
	if !b.get("/dashboard/signin").has(`id="setup-link"`) {
		t.Error("the sign-in page does not offer setup on a fresh install")
	}
	b.get("/dashboard/setup")
	form := func(token, pw2 string) url.Values {
		return url.Values{"token": {token}, "email": {"owner@example.com"}, "password": {testPassword}, "password2": {pw2}}
	}
	tests := []struct {
		name   string
		form   url.Values
		status int
		want   string
	}{
		{"wrong token", form("sat_"+strings.Repeat("x", 43), testPassword), 401, "not an owner API token"},
		{"no token", form("", testPassword), 401, "not an owner API token"},
		{"passwords differ", form(printed, testPassword+"!"), 400, "not the same"},
		{"short password", url.Values{"token": {printed}, "email": {"owner@example.com"}, "password": {"short"}, "password2": {"short"}}, 400, "12 to 1024"},
		{"no email", url.Values{"token": {printed}, "email": {"owner"}, "password": {testPassword}, "password2": {testPassword}}, 400, "email"},
	}
	for _, tt := range tests {
		p := b.post("/dashboard/setup", tt.form)
		if p.Status != tt.status || !p.has(tt.want) {
			t.Errorf("%s: %d, want %d with %q: %s", tt.name, p.Status, tt.status, tt.want, excerpt(p.Body))
		}
	}
	// A workspace admin's token is not an owner's.
	ws := e.must(201, e.api("POST", "/api/admin/workspaces", printed, map[string]any{"name": "Acme"})).Str("id")
	adminTok := e.must(201, e.api("POST", "/api/admin/workspaces/"+ws+"/tokens", printed, map[string]any{"role": "admin"})).Str("token")
	if p := b.post("/dashboard/setup", form(adminTok, testPassword)); p.Status != 401 {
		t.Errorf("an admin token set the owner up: %d", p.Status)
	}

	p = b.post("/dashboard/setup", form(printed, testPassword))
	if p.Status != 200 || p.URL != "/dashboard/workspaces?ok=welcome" || !p.has("Welcome to Signet") {
		t.Fatalf("setup: %d at %s: %s", p.Status, p.URL, excerpt(p.Body))
	}
	if !p.has("owner@example.com") || !p.has(`id="nav-workspaces"`) {
		t.Error("the owner is not signed in after setup")
	}
	// Setup is gone: the page redirects, the form is refused.
	other := e.browser()
	if p := other.get("/dashboard/setup"); p.URL != "/dashboard/signin" {
		t.Errorf("setup still offered after an owner exists: %s", p.URL)
	}
	if p := other.get("/dashboard/"); p.URL != "/dashboard/signin" {
		t.Errorf("/dashboard/ leads to %s, want sign-in", p.URL)
	}
	other.get("/dashboard/signin")
	if p := other.post("/dashboard/setup", form(printed, testPassword)); p.Status != 409 {
		t.Errorf("a second setup: %d", p.Status)
	}
	// The owner signs in with the new account; the account's creation is
	// in the instance-wide audit log, attributed to the printed token.
	other.signIn("owner@example.com")
	audit := other.get("/dashboard/audit")
	if !audit.has(`data-action="account.create"`) || !audit.has(`data-action="dashboard.signin"`) || !audit.has("first-run owner token") {
		t.Errorf("the instance audit log misses setup or sign-in: %s", excerpt(audit.Body))
	}
}

// TestSignIn: the right password signs in (and lands on the role's first
// page); a wrong one, or an unknown email, is refused alike; too many
// failures per email or per address answer 429 with the wait, until the
// window ends.
func TestSignIn(t *testing.T) {
	e := start(t)
	ws := e.workspace("Acme")
	e.account(ws, "admin@acme.test", "admin")
	e.account(ws, "agent@acme.test", "agent")

	if p := e.browser().signIn("admin@acme.test"); p.URL != "/dashboard/w/"+ws+"/apps" {
		t.Errorf("an admin lands on %s", p.URL)
	}
	if p := e.browser().signIn("agent@acme.test"); p.URL != "/dashboard/w/"+ws+"/inbox" {
		t.Errorf("an agent lands on %s", p.URL)
	}
	// Where the visitor wanted to go, inside the dashboard only.
	b := e.browser()
	if p := b.get("/dashboard/w/" + ws + "/log?result=rejected"); !strings.HasPrefix(p.URL, "/dashboard/signin?next=") {
		t.Fatalf("a page without a session leads to %s", p.URL)
	}
	p := b.post("/dashboard/signin", url.Values{"email": {"admin@acme.test"}, "password": {testPassword}, "next": {"/dashboard/w/" + ws + "/log?result=rejected"}})
	if p.URL != "/dashboard/w/"+ws+"/log?result=rejected" {
		t.Errorf("after sign-in: %s", p.URL)
	}
	b = e.browser()
	b.get("/dashboard/signin")
	if p := b.post("/dashboard/signin", url.Values{"email": {"admin@acme.test"}, "password": {testPassword}, "next": {"//evil.example/"}}); p.URL != "/dashboard/w/"+ws+"/apps" {
		t.Errorf("next=//evil.example/ led to %s", p.URL)
	}

	b = e.browser()
	b.get("/dashboard/signin")
	wrong := b.post("/dashboard/signin", url.Values{"email": {"admin@acme.test"}, "password": {"wrong password!"}})
	unknown := b.post("/dashboard/signin", url.Values{"email": {"nobody@acme.test"}, "password": {testPassword}})
	for _, p := range []page{wrong, unknown} {
		if p.Status != 401 || !p.has("The email or password is not right.") || b.cookie("signet_dashboard") != "" {
			t.Errorf("a failed sign-in: %d %s", p.Status, excerpt(p.Body))
		}
	}
	if !strings.Contains(wrong.Body, `value="admin@acme.test"`) {
		t.Error("the email is not kept in the form after a failure")
	}

	// Per email: 10 failures in 15 minutes, then 429 even with the right
	// password, from another browser too.
	for i := 0; i < 8; i++ { // 2 already
		b.post("/dashboard/signin", url.Values{"email": {"admin@acme.test"}, "password": {"wrong password!"}})
	}
	c := e.browser()
	c.get("/dashboard/signin")
	p = c.post("/dashboard/signin", url.Values{"email": {"admin@acme.test"}, "password": {testPassword}})
	if p.Status != http.StatusTooManyRequests || !p.has(`data-testid="throttled"`) || p.Header.Get("Retry-After") == "" {
		t.Fatalf("11th attempt: %d, Retry-After %q: %s", p.Status, p.Header.Get("Retry-After"), excerpt(p.Body))
	}
	if !p.has("15 minutes") {
		t.Errorf("the wait is not shown: %s", excerpt(p.Body))
	}
	e.Clock.Advance(15*time.Minute + time.Second)
	c.signIn("admin@acme.test")
}

// TestSignInThrottlePerAddress: failures on many emails from one address
// are throttled too.
func TestSignInThrottlePerAddress(t *testing.T) {
	e := start(t)
	ws := e.workspace("Acme")
	e.account(ws, "admin@acme.test", "admin")
	b := e.browser()
	b.get("/dashboard/signin")
	for i := 0; i < 10; i++ {
		b.post("/dashboard/signin", url.Values{"email": {"guess" + string(rune('a'+i)) + "@acme.test"}, "password": {"x"}})
	}
	if p := b.post("/dashboard/signin", url.Values{"email": {"admin@acme.test"}, "password": {testPassword}}); p.Status != 429 {
		t.Errorf("after 10 failures from one address: %d", p.Status)
	}
}

// TestSessionCookie: the session is an HttpOnly, Secure, SameSite=Strict
// cookie on /dashboard for 12 hours, holding an API token; it ends after 12
// hours (and its token is revoked), and on sign-out (revoked too).
func TestSessionCookie(t *testing.T) {
	e := start(t)
	ws := e.workspace("Acme")
	e.account(ws, "admin@acme.test", "admin")
	b := e.browser()
	b.get("/dashboard/signin")
	noFollow := *b.client
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	form := url.Values{"email": {"admin@acme.test"}, "password": {testPassword}, "csrf": {b.csrf}}
	req, _ := http.NewRequest("POST", e.URL+"/dashboard/signin", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := noFollow.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var session *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "signet_dashboard" {
			session = c
		}
	}
	if resp.StatusCode != http.StatusSeeOther || session == nil {
		t.Fatalf("sign-in answered %d without the session cookie", resp.StatusCode)
	}
	if !session.HttpOnly || !session.Secure || session.SameSite != http.SameSiteStrictMode || session.Path != "/dashboard" || session.MaxAge != 12*3600 {
		t.Errorf("cookie flags: %s", resp.Header.Values("Set-Cookie"))
	}
	if !strings.HasPrefix(session.Value, "sat_") {
		t.Errorf("the cookie does not hold an API token")
	}
	// The cookie's token is an API token of the admin's role and workspace.
	if a := e.api("GET", "/api/admin/workspaces/"+ws+"/apps", session.Value, nil); a.Status != 200 {
		t.Errorf("the session's token: %d", a.Status)
	}

	// 12 hours later the dashboard refuses it, and revokes it.
	e.Clock.Advance(12*time.Hour - time.Minute)
	if p := b.get("/dashboard/w/" + ws + "/apps"); p.URL != "/dashboard/w/"+ws+"/apps" {
		t.Fatalf("an 11h59 session is refused: %s", p.URL)
	}
	e.Clock.Advance(time.Minute)
	if p := b.get("/dashboard/w/" + ws + "/apps"); !strings.HasPrefix(p.URL, "/dashboard/signin") {
		t.Errorf("a 12 h session still works: %s", p.URL)
	}
	if a := e.api("GET", "/api/admin/workspaces/"+ws+"/apps", session.Value, nil); a.Status != 401 {
		t.Errorf("the expired session's token still works on the API: %d", a.Status)
	}

	// Sign-out revokes the token at once.
	b.signIn("admin@acme.test")
	token := b.cookie("signet_dashboard")
	e.must(200, e.api("GET", "/api/admin/workspaces/"+ws+"/apps", token, nil))
	p := b.post("/dashboard/signout", nil)
	if !strings.HasPrefix(p.URL, "/dashboard/signin") || b.cookie("signet_dashboard") != "" {
		t.Errorf("sign-out leads to %s, cookie %q", p.URL, b.cookie("signet_dashboard"))
	}
	if a := e.api("GET", "/api/admin/workspaces/"+ws+"/apps", token, nil); a.Status != 401 {
		t.Errorf("the token still works after sign-out: %d", a.Status)
	}
	// Replaying the old cookie gets nowhere.
	u, _ := url.Parse(e.URL + "/dashboard/")
	b.jar.SetCookies(u, []*http.Cookie{{Name: "signet_dashboard", Value: token, Path: "/dashboard"}})
	if p := b.get("/dashboard/w/" + ws + "/apps"); !strings.HasPrefix(p.URL, "/dashboard/signin") {
		t.Errorf("a signed-out cookie still works: %s", p.URL)
	}
	// Sign-out and sign-in are in the workspace's audit log.
	b.signIn("admin@acme.test")
	audit := b.get("/dashboard/w/" + ws + "/audit")
	if !audit.has(`data-action="dashboard.signout"`) || !audit.has(`data-action="dashboard.signin"`) {
		t.Errorf("sign-in and sign-out are not audited: %s", excerpt(audit.Body))
	}
	// An API token that is not a dashboard session is refused as a cookie.
	apiTok := e.must(201, e.api("POST", "/api/admin/workspaces/"+ws+"/tokens", adminToken, map[string]any{"role": "admin"})).Str("token")
	c := e.browser()
	c.jar.SetCookies(u, []*http.Cookie{{Name: "signet_dashboard", Value: apiTok, Path: "/dashboard"}})
	if p := c.get("/dashboard/w/" + ws + "/apps"); !strings.HasPrefix(p.URL, "/dashboard/signin") {
		t.Errorf("a plain API token works as a session cookie: %s", p.URL)
	}
}

// TestInsecureWarning: over plain HTTP on a public host, where browsers drop
// the Secure session cookie, the sign-in page says so.
func TestInsecureWarning(t *testing.T) {
	e := start(t)
	get := func(host, proto string) page {
		req, _ := http.NewRequest("GET", e.URL+"/dashboard/signin", nil)
		req.Host = host
		if proto != "" {
			req.Header.Set("X-Forwarded-Proto", proto)
		}
		return e.browser().do(req)
	}
	for _, tc := range []struct {
		host, proto string
		warn        bool
	}{{"signet.example.com", "", true}, {"signet.example.com", "https", false}, {"localhost:8080", "", false}, {"127.0.0.1:8080", "", false}, {"[::1]:8080", "", false}} {
		if got := get(tc.host, tc.proto).has(`data-testid="insecure-warning"`); got != tc.warn {
			t.Errorf("host %s proto %q: warning %v", tc.host, tc.proto, got)
		}
	}
}
