package web_test

import (
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/signet-id/signet/internal/login"
	"github.com/signet-id/signet/internal/server"
	"github.com/signet-id/signet/sign"
	"github.com/signet-id/signet/verify"
)

// noGuard turns brute-force limits off: seeding logs many failures from
// one address.
func noGuard(c *server.Config) {
	c.Guard = login.Guard{IdentityFailures: -1, AddressFailures: -1, FailuresThenSuccess: -1, Devices: -1}
}

// world is a workspace with apps, keys, ten days of logins and
// conversations: what a brand in its migration looks like.
type world struct {
	WS                    string
	Legacy, Web, Android  string // apps: helpshift-legacy monitor, signet enforce, intercom off
	LegacyKey, LegacySec  string
	Issue, UserSession    string
	Owner, Admin, Agent   *browser
	AdminEmail, AgentMail string
}

func seed(t *testing.T, e *env) *world {
	t.Helper()
	w := &world{AdminEmail: "maya@acme.test", AgentMail: "sam@acme.test"}
	w.Owner = e.owner()
	w.WS = e.workspace("Acme Games")
	e.workspace("Northwind Support")
	w.Legacy = e.app(w.WS, map[string]any{"name": "Acme for iOS", "platform": "ios", "profile": "helpshift-legacy", "enforcement": "monitor"})
	w.Web = e.app(w.WS, map[string]any{"name": "Acme web chat", "platform": "web", "profile": "signet", "enforcement": "enforce"})
	w.Android = e.app(w.WS, map[string]any{"name": "Acme for Android", "platform": "android", "profile": "intercom", "enforcement": "off"})
	oldKey, oldSecret := e.key(w.Legacy)
	e.account(w.WS, w.AdminEmail, "admin")
	e.account(w.WS, w.AgentMail, "agent")
	webKey, webSecret := e.key(w.Web)
	e.key(w.Android)

	logIn := func(app string, body map[string]any) answer {
		return e.api("POST", "/v1/apps/"+app+"/login", "", body)
	}
	legacy := sign.Signer{Profile: verify.HelpshiftLegacy, Secret: oldSecret}
	// Ten days of the migration: new versions sign, 4.9 does not yet, 5.0
	// signs with a bug (the email alone) on some days.
	for day := 0; day < 10; day++ {
		for i := 0; i < 6+day; i++ {
			uid, email := fmt.Sprintf("user-%d", i), fmt.Sprintf("player%d@example.com", i)
			d, _ := legacy.Digest(sign.Claims{UserID: uid, Email: email})
			logIn(w.Legacy, map[string]any{"user_id": uid, "email": email, "user_hash": d, "app_version": "5.2.0"})
		}
		for i := 0; i < 4; i++ {
			uid, email := fmt.Sprintf("old-%d", i), fmt.Sprintf("old%d@example.com", i)
			logIn(w.Legacy, map[string]any{"user_id": uid, "email": email, "app_version": "4.9.1"})
		}
		if day%3 == 1 {
			bad, _ := legacy.Digest(sign.Claims{Email: "bug@example.com"})
			logIn(w.Legacy, map[string]any{"user_id": "bug-1", "email": "bug@example.com", "user_hash": bad, "app_version": "5.0.0"})
			logIn(w.Legacy, map[string]any{"app_version": "5.0.0"}) // anonymous: not counted
		}
		e.Clock.Advance(24 * time.Hour)
	}
	// A rotation under way: a new key, the old one retiring and still used.
	newKey, _ := e.key(w.Legacy)
	_ = newKey
	e.must(200, e.api("POST", "/api/admin/apps/"+w.Legacy+"/keys/"+oldKey+"/retire", adminToken, map[string]any{"grace_seconds": 3 * 86400}))
	d, _ := legacy.Digest(sign.Claims{UserID: "user-1", Email: "player1@example.com"})
	logIn(w.Legacy, map[string]any{"user_id": "user-1", "email": "player1@example.com", "user_hash": d, "app_version": "5.2.0"})
	e.must(201, e.api("POST", "/api/admin/apps/"+w.Android+"/keys", adminToken, map[string]any{"secret": "short-secret", "force": true}))
	w.LegacyKey, w.LegacySec = oldKey, oldSecret

	// Conversations: a verified web user with a phone number, an
	// unverified one, an anonymous visitor.
	webSigner := sign.Signer{Profile: verify.Signet, Secret: webSecret, KeyID: webKey, AppID: w.Web, Now: e.Clock.Now}
	tok, err := webSigner.Token(sign.Claims{UserID: "user-42", Email: "jane@example.com", Name: "Jane Cooper",
		Identities: []verify.Identity{{Type: verify.PhoneNumber, Value: "+14155550123"}}, Metadata: map[string]string{"plan": "pro", "country": "US"}})
	if err != nil {
		t.Fatal(err)
	}
	jane := e.must(200, logIn(w.Web, map[string]any{"identity_token": tok, "app_version": "web-2026.11"})).Str("session_token")
	w.UserSession = jane
	w.Issue = e.must(201, e.api("POST", "/v1/issues", jane, map[string]any{"message": "I can't restore my purchases after reinstalling the game. My order id is 1234-5678."})).Str("id")
	e.Clock.Advance(3 * time.Minute)
	e.must(201, e.api("POST", "/v1/issues/"+w.Issue+"/messages", jane, map[string]any{"body": "It says \"no purchases found\" on the restore screen."}))
	unv := e.must(200, logIn(w.Legacy, map[string]any{"user_id": "old-7", "email": "ma\u0441k@example.com", "app_version": "4.9.1"})).Str("session_token")
	e.must(201, e.api("POST", "/v1/issues", unv, map[string]any{"message": "Please change the email on my account, I lost access to the old one."}))
	anon := e.must(200, logIn(w.Web, map[string]any{})).Str("session_token")
	e.must(201, e.api("POST", "/v1/issues", anon, map[string]any{"message": "Do you ship to Canada?"}))

	w.Owner = e.browser() // the setup's session ended days ago
	w.Owner.signIn("owner@example.com")
	w.Admin = e.browser()
	w.Admin.signIn(w.AdminEmail)
	w.Agent = e.browser()
	w.Agent.signIn(w.AgentMail)
	p := w.Agent.get("/dashboard/w/" + w.WS + "/inbox?issue=" + w.Issue)
	w.Agent.post("/dashboard/w/"+w.WS+"/inbox/"+w.Issue+"/reply", url.Values{"body": {"Hi Jane, sorry about that! I can see your order. Could you tell me which device you reinstalled on?"}})
	_ = p
	e.Clock.Advance(2 * time.Minute)
	e.must(201, e.api("POST", "/v1/issues/"+w.Issue+"/messages", jane, map[string]any{"body": "An iPad Air, iOS 19."}))
	return w
}

// TestPagesRender walks every page as the owner, an admin and an agent: each
// renders (no template error), with the security headers.
func TestPagesRender(t *testing.T) {
	e := start(t, noGuard)
	w := seed(t, e)
	app := "/dashboard/w/" + w.WS + "/apps/" + w.Legacy
	pages := []struct {
		who  *browser
		path string
		want string
	}{
		{w.Owner, "/dashboard/workspaces", `data-testid="workspace-row"`},
		{w.Owner, "/dashboard/audit", `id="audit-table"`},
		{w.Owner, "/dashboard/w/" + w.WS + "/apps", `data-testid="app-row"`},
		{w.Admin, "/dashboard/w/" + w.WS + "/apps", `id="app-create-form"`},
		{w.Admin, app, `id="readiness-chart"`},
		{w.Admin, app + "?days=30", `id="readiness-table"`},
		{w.Admin, app + "?days=7&rv=4.9.1", `id="readiness-all-versions"`},
		{w.Admin, "/dashboard/w/" + w.WS + "/apps/" + w.Web, `id="settings-form"`},
		{w.Admin, "/dashboard/w/" + w.WS + "/apps/" + w.Android, `data-testid="weak-key-warning"`},
		{w.Admin, app + "/test", `id="test-form"`},
		{w.Admin, "/dashboard/w/" + w.WS + "/apps/" + w.Web + "/test", `id="test-identity-token"`},
		{w.Admin, "/dashboard/w/" + w.WS + "/log", `data-testid="attempt-row"`},
		{w.Admin, "/dashboard/w/" + w.WS + "/log?result=unverified&since=24h&app=" + w.Legacy, `data-testid="attempt-row"`},
		{w.Admin, "/dashboard/w/" + w.WS + "/audit", `data-testid="audit-row"`},
		{w.Admin, "/dashboard/w/" + w.WS + "/team", `data-testid="account-row"`},
		{w.Admin, "/dashboard/w/" + w.WS + "/inbox", `data-testid="issue-item"`},
		{w.Agent, "/dashboard/w/" + w.WS + "/inbox?issue=" + w.Issue, `data-testid="identity"`},
		{w.Agent, "/dashboard/w/" + w.WS + "/inbox?status=resolved", `data-testid="empty"`},
		{w.Agent, "/dashboard/w/" + w.WS + "/inbox?status=all&issue=" + w.Issue + "&fragment=thread", `id="thread"`},
		{w.Agent, "/dashboard/w/" + w.WS + "/inbox?fragment=list", `id="issue-list"`},
	}
	for _, pg := range pages {
		p := pg.who.get(pg.path)
		if p.Status != 200 || !p.has(pg.want) {
			t.Errorf("%s: %d, want 200 with %s: %s", pg.path, p.Status, pg.want, excerpt(p.Body))
			continue
		}
		checkHeaders(t, pg.path, p)
	}
	// The retiring key still in use is flagged.
	if p := w.Admin.get(app); !p.has(`data-testid="retiring-key-warning" data-key-id="` + w.LegacyKey + `"`) {
		t.Errorf("no warning for the retiring key still in use: %s", excerpt(p.Body))
	}
	// The user panel: verified identities with their app and key, the claim.
	p := w.Agent.get("/dashboard/w/" + w.WS + "/inbox?issue=" + w.Issue)
	for _, want := range []string{`data-type="uid" data-verified="true"`, `data-type="phone_number" data-verified="true"`,
		"Acme web chat", `<dd dir="auto">pro</dd>`, "Jane Cooper", `data-author="agent"`} {
		if !p.has(want) {
			t.Errorf("the conversation lacks %s", want)
		}
	}
}

// checkHeaders checks the dashboard's security headers on a page.
func checkHeaders(t *testing.T, path string, p page) {
	t.Helper()
	want := map[string]string{
		"Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
		"X-Frame-Options":         "DENY",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "same-origin",
	}
	for k, v := range want {
		if got := p.Header.Get(k); got != v {
			t.Errorf("%s: %s = %q, want %q", path, k, got, v)
		}
	}
	if strings.Contains(p.Body, "<script>") || regexp.MustCompile(`\sstyle="|<style`).MatchString(p.Body) || strings.Contains(p.Body, " onclick=") {
		t.Errorf("%s: inline script or style (the CSP forbids it)", path)
	}
}

// TestSnapshots writes the dashboard's pages, as a signed-in person sees
// them, to $SIGNET_WEB_SNAPSHOTS (with the static files beside them) for a
// look in a browser: `chromium --screenshot file://…/app.html`.
func TestSnapshots(t *testing.T) {
	dir := os.Getenv("SIGNET_WEB_SNAPSHOTS")
	if dir == "" {
		t.Skip("set SIGNET_WEB_SNAPSHOTS to a folder to write page snapshots")
	}
	fresh := start(t, func(c *server.Config) { c.AdminToken = "" })
	e := start(t, noGuard)
	w := seed(t, e)
	app := "/dashboard/w/" + w.WS + "/apps/" + w.Legacy
	save := func(name string, p page) {
		html := strings.ReplaceAll(p.Body, `"/dashboard/static/`, `"static/`)
		if err := os.WriteFile(filepath.Join(dir, name+".html"), []byte(html), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.MkdirAll(filepath.Join(dir, "static"), 0o755)
	fs.WalkDir(os.DirFS("static"), ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(filepath.Join("static", p))
			os.WriteFile(filepath.Join(dir, "static", p), b, 0o644)
		}
		return nil
	})
	save("setup", fresh.browser().get("/dashboard/setup"))
	anon := e.browser()
	save("signin", anon.get("/dashboard/signin"))
	anon.get("/dashboard/signin")
	save("signin-failed", anon.post("/dashboard/signin", url.Values{"email": {"maya@acme.test"}, "password": {"nope"}}))
	save("workspaces", w.Owner.get("/dashboard/workspaces"))
	save("apps", w.Admin.get("/dashboard/w/"+w.WS+"/apps"))
	save("app", w.Admin.get(app))
	save("app-30", w.Admin.get(app+"?days=30"))
	w.Admin.get(app)
	save("app-new-key", w.Admin.post(app+"/keys", url.Values{"mode": {"generate"}, "nonce": {nonceOf(w.Admin.get(app).Body)}}))
	p := w.Admin.get(app)
	save("app-confirm-enforce", w.Admin.post(app+"/settings", url.Values{"name": {"Acme for iOS"}, "platform": {"ios"},
		"profile": {"helpshift-legacy"}, "enforcement": {"enforce"}, "on_failure": {"reject"}, "max_token_lifetime": {"3600"}}))
	_ = p
	save("app-web", w.Admin.get("/dashboard/w/"+w.WS+"/apps/"+w.Web))
	w.Admin.get(app + "/test")
	bad, _ := sign.Signer{Profile: verify.HelpshiftLegacy, Secret: w.LegacySec}.Digest(sign.Claims{Email: "jane@example.com"})
	save("test", w.Admin.post(app+"/test", url.Values{"user_id": {"user-42"}, "email": {"jane@example.com"}, "user_hash": {bad}}))
	good, _ := sign.Signer{Profile: verify.HelpshiftLegacy, Secret: w.LegacySec}.Digest(sign.Claims{UserID: "user-42", Email: "jane@example.com"})
	save("test-valid", w.Admin.post(app+"/test", url.Values{"user_id": {"user-42"}, "email": {"jane@example.com"}, "user_hash": {good}}))
	save("log", w.Admin.get("/dashboard/w/"+w.WS+"/log"))
	save("audit", w.Admin.get("/dashboard/w/"+w.WS+"/audit"))
	save("team", w.Admin.get("/dashboard/w/"+w.WS+"/team"))
	save("inbox", w.Agent.get("/dashboard/w/"+w.WS+"/inbox?issue="+w.Issue))
	save("inbox-empty", w.Agent.get("/dashboard/w/"+w.WS+"/inbox"))
	save("agent-403", w.Agent.get(app))
	t.Logf("snapshots in %s", dir)
}

var nonceRE = regexp.MustCompile(`name="nonce" value="([0-9a-f]{32})"`)

func nonceOf(body string) string {
	m := nonceRE.FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}
