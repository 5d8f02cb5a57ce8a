package web_test

import (
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/signet-id/signet/sign"
	"github.com/signet-id/signet/verify"
)

var secretValue = regexp.MustCompile(`id="new-secret-value" class="mono" readonly value="([^"]+)"`)

// TestKeySecretShownOnce: a generated key's secret is in the answer to the
// form, works for a login, and never shows again — not on the next page
// load, not by sending the form again.
func TestKeySecretShownOnce(t *testing.T) {
	e := start(t)
	ws := e.workspace("Acme")
	e.account(ws, "admin@acme.test", "admin")
	appID := e.app(ws, map[string]any{"name": "Web", "profile": "intercom", "enforcement": "enforce"})
	admin := e.browser()
	admin.signIn("admin@acme.test")
	app := "/dashboard/w/" + ws + "/apps/" + appID
	page1 := admin.get(app)
	if !page1.has(`data-testid="no-key-warning"`) {
		t.Error("an app without keys is not flagged")
	}
	form := url.Values{"mode": {"generate"}, "nonce": {nonceOf(page1.Body)}}
	p := admin.post(app+"/keys", form)
	m := secretValue.FindStringSubmatch(p.Body)
	if p.Status != 201 || m == nil || !p.has("This is the only time you will see this secret") || !p.has(`id="copy-secret"`) {
		t.Fatalf("generate: %d: %s", p.Status, excerpt(p.Body))
	}
	secret := html.UnescapeString(m[1])
	if p.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("the secret's page may be cached: %q", p.Header.Get("Cache-Control"))
	}
	// The secret verifies a login.
	d, _ := sign.Signer{Profile: verify.Intercom, Secret: secret}.Digest(sign.Claims{UserID: "user-1"})
	if a := e.api("POST", "/v1/apps/"+appID+"/login", "", map[string]any{"user_id": "user-1", "user_hash": d}); a.Status != 200 || a.Body["verified"] != true {
		t.Errorf("login with the shown secret: %d %s", a.Status, a.Raw)
	}
	// Reloading the page does not show it; sending the form again does not
	// make (or show) another key.
	again := admin.get(app)
	if again.has(secret) || again.has(`id="new-secret"`) {
		t.Error("the secret shows on the next page load")
	}
	if !again.has(`data-testid="key-row"`) {
		t.Error("the key is not listed")
	}
	if p := admin.post(app+"/keys", form); p.Status != 409 || p.has(secret) {
		t.Errorf("the same form again: %d", p.Status)
	}
	keys := e.must(200, e.api("GET", "/api/admin/apps/"+appID+"/keys", adminToken, nil)).Body["keys"].([]any)
	if len(keys) != 1 {
		t.Errorf("%d keys, want 1", len(keys))
	}
	oldID := keys[0].(map[string]any)["id"].(string)

	// Import: a weak secret needs force and is flagged.
	p = admin.post(app+"/keys", url.Values{"mode": {"import"}, "secret": {"too-short"}, "nonce": {nonceOf(again.Body)}})
	if p.Status != 400 || !p.has("Import a weak secret") {
		t.Errorf("weak import without force: %d", p.Status)
	}
	p = admin.post(app+"/keys", url.Values{"mode": {"import"}, "secret": {"too-short"}, "force": {"1"}, "nonce": {nonceOf(p.Body)}})
	if p.Status != 201 || !p.has(`data-testid="weak-key-warning"`) || !p.has(`data-testid="weak-badge"`) {
		t.Errorf("weak import with force: %d: %s", p.Status, excerpt(p.Body))
	}

	// Rotate: a new key, the old one retiring with the grace period.
	p = admin.post(app+"/keys/"+oldID+"/rotate", url.Values{"grace_days": {"3"}, "nonce": {nonceOf(p.Body)}})
	m = secretValue.FindStringSubmatch(p.Body)
	if p.Status != 201 || m == nil || html.UnescapeString(m[1]) == secret || !p.has("is retiring") {
		t.Fatalf("rotate: %d: %s", p.Status, excerpt(p.Body))
	}
	if !p.has(`data-key-id="` + oldID + `" data-state="retiring"`) {
		t.Error("the rotated key is not retiring")
	}
	// A login with the old key now raises the warning.
	e.must(200, e.api("POST", "/v1/apps/"+appID+"/login", "", map[string]any{"user_id": "user-1", "user_hash": d}))
	if p := admin.get(app); !p.has(`data-testid="retiring-key-warning" data-key-id="` + oldID + `"`) {
		t.Error("no warning while the retiring key is in use")
	}
	// A day without use ends the warning.
	e.Clock.Advance(25 * time.Hour)
	admin.signIn("admin@acme.test")
	if p := admin.get(app); p.has(`data-testid="retiring-key-warning"`) {
		t.Error("the warning stays a day after the last use")
	}
	// Revoke: the key stops verifying at once.
	p = admin.post(app+"/keys/"+oldID+"/revoke", nil)
	if !p.has(`data-key-id="`+oldID+`" data-state="revoked"`) || !p.has("Key revoked") {
		t.Errorf("revoke: %d: %s", p.Status, excerpt(p.Body))
	}
	if a := e.api("POST", "/v1/apps/"+appID+"/login", "", map[string]any{"user_id": "user-1", "user_hash": d}); a.Status != 401 {
		t.Errorf("a revoked key still verifies: %d", a.Status)
	}
	// Every step is in the audit log, attributed to the admin.
	audit := admin.get("/dashboard/w/" + ws + "/audit")
	for _, action := range []string{"key.create", "key.retire", "key.revoke"} {
		if !audit.has(`data-action="` + action + `"`) {
			t.Errorf("the audit log lacks %s", action)
		}
	}
	if !strings.Contains(audit.Body, "admin@acme.test") {
		t.Error("the audit log does not name the admin")
	}
}

// TestSettingsAndEnforceConfirmation: settings go through PATCH; switching
// to enforce below 95% coverage over 7 days asks first.
func TestSettingsAndEnforceConfirmation(t *testing.T) {
	e := start(t, noGuard)
	ws := e.workspace("Acme")
	e.account(ws, "admin@acme.test", "admin")
	appID := e.app(ws, map[string]any{"name": "iOS", "platform": "ios", "profile": "intercom", "enforcement": "monitor"})
	_, secret := e.key(appID)
	admin := e.browser()
	admin.signIn("admin@acme.test")
	app := "/dashboard/w/" + ws + "/apps/" + appID
	settings := func(enforcement string, extra ...string) url.Values {
		v := url.Values{"name": {"iOS app"}, "platform": {"ios"}, "profile": {"intercom"}, "enforcement": {enforcement},
			"on_failure": {"anonymous"}, "max_token_lifetime": {"3600"}, "user_id_pattern": {"[a-z0-9-]+"}}
		for i := 0; i+1 < len(extra); i += 2 {
			v.Set(extra[i], extra[i+1])
		}
		return v
	}
	admin.get(app)
	p := admin.post(app+"/settings", settings("monitor"))
	if !p.has("Settings saved.") || !p.has(`value="iOS app"`) {
		t.Errorf("save: %d: %s", p.Status, excerpt(p.Body))
	}
	a := e.must(200, e.api("GET", "/api/admin/apps/"+appID, adminToken, nil))
	if a.Str("name") != "iOS app" || a.Str("on_failure") != "anonymous" || a.Str("user_id_pattern") != "[a-z0-9-]+" {
		t.Errorf("the app after saving: %s", a.Raw)
	}
	// Invalid settings are the API's 400, shown on the page.
	if p := admin.post(app+"/settings", settings("monitor", "user_id_pattern", "(")); p.Status != 400 || !p.has("user_id_pattern") {
		t.Errorf("a bad pattern: %d", p.Status)
	}
	// No login in 7 days: enforce asks.
	p = admin.post(app+"/settings", settings("enforce"))
	if !p.has(`id="enforce-confirm"`) || !p.has("No login was checked") {
		t.Fatalf("enforce without data: %s", excerpt(p.Body))
	}
	// 9 verified, 1 failed: 90% asks, with the numbers.
	for i := 0; i < 10; i++ {
		uid := fmt.Sprintf("user-%d", i)
		d, _ := sign.Signer{Profile: verify.Intercom, Secret: secret}.Digest(sign.Claims{UserID: uid})
		if i == 9 {
			d = strings.Repeat("0", 64)
		}
		e.api("POST", "/v1/apps/"+appID+"/login", "", map[string]any{"user_id": uid, "user_hash": d, "app_version": "2.0"})
	}
	p = admin.post(app+"/settings", settings("enforce"))
	if !p.has(`id="enforce-confirm"`) || !p.has("<strong>90.0%</strong>") || !p.has("logged in as anonymous users") {
		t.Fatalf("enforce at 90%%: %s", excerpt(p.Body))
	}
	if got := e.must(200, e.api("GET", "/api/admin/apps/"+appID, adminToken, nil)).Str("enforcement"); got != "monitor" {
		t.Errorf("enforcement changed before the confirmation: %s", got)
	}
	p = admin.post(app+"/settings", settings("enforce", "confirm", "enforce"))
	if !p.has("Settings saved.") {
		t.Errorf("confirmed: %s", excerpt(p.Body))
	}
	if got := e.must(200, e.api("GET", "/api/admin/apps/"+appID, adminToken, nil)).Str("enforcement"); got != "enforce" {
		t.Errorf("enforcement after the confirmation: %s", got)
	}
	// At 95% or more, no question.
	e.must(200, e.api("PATCH", "/api/admin/apps/"+appID, adminToken, map[string]any{"enforcement": "monitor"}))
	for i := 0; i < 10; i++ {
		uid := fmt.Sprintf("user-%d", i)
		d, _ := sign.Signer{Profile: verify.Intercom, Secret: secret}.Digest(sign.Claims{UserID: uid})
		e.api("POST", "/v1/apps/"+appID+"/login", "", map[string]any{"user_id": uid, "user_hash": d, "app_version": "2.1"})
	}
	admin.get(app)
	if p := admin.post(app+"/settings", settings("enforce")); !p.has("Settings saved.") || p.has(`id="enforce-confirm"`) {
		t.Errorf("enforce at 95%%: %s", excerpt(p.Body))
	}
	// Changing the profile while keys exist is the API's 409, shown.
	admin.get(app)
	if p := admin.post(app+"/settings", settings("enforce", "profile", "akece")); p.Status != 409 || !p.has("revoke them") {
		t.Errorf("profile change with keys: %d", p.Status)
	}
}

// TestCreateWorkspaceAndApp: the owner creates a workspace, then an app
// with every setting, from the pages.
func TestCreateWorkspaceAndApp(t *testing.T) {
	e := start(t)
	owner := e.owner()
	p := owner.post("/dashboard/workspaces", url.Values{"name": {"Acme"}})
	if !p.has("Workspace created.") || !p.has(`id="app-create-form"`) {
		t.Fatalf("create workspace: %d %s", p.Status, excerpt(p.Body))
	}
	for _, prof := range verify.Profiles() {
		if !strings.Contains(html.UnescapeString(p.Body), prof.Describe()) {
			t.Errorf("the profile %s is not described", prof)
		}
	}
	wsPath := strings.Split(p.URL, "?")[0]
	if p := owner.post(wsPath, url.Values{"name": {""}, "platform": {"ios"}, "profile": {"signet"}, "enforcement": {"monitor"}, "on_failure": {"reject"}}); p.Status != 400 {
		t.Errorf("an app without a name: %d", p.Status)
	}
	p = owner.post(wsPath, url.Values{"name": {"Acme iOS"}, "platform": {"ios"}, "profile": {"helpshift-legacy"}, "enforcement": {"monitor"},
		"on_failure": {"anonymous"}, "full_privacy": {"1"}, "user_id_pattern": {"[0-9]+"}})
	if !p.has("App created.") || !p.has(`id="settings-full-privacy" type="checkbox" name="full_privacy" value="1" checked`) {
		t.Fatalf("create app: %d %s", p.Status, excerpt(p.Body))
	}
	ws := strings.Split(wsPath, "/")[3]
	apps := e.must(200, e.api("GET", "/api/admin/workspaces/"+ws+"/apps", adminToken, nil)).Body["apps"].([]any)
	got := apps[0].(map[string]any)
	if got["profile"] != "helpshift-legacy" || got["enforcement"] != "monitor" || got["on_failure"] != "anonymous" || got["full_privacy"] != true || got["user_id_pattern"] != "[0-9]+" {
		t.Errorf("the app made: %v", got)
	}
	// Team: an admin adds an agent, who can then sign in.
	owner.get(wsPath)
	p = owner.post("/dashboard/w/"+ws+"/team/accounts", url.Values{"email": {"agent@acme.test"}, "password": {testPassword}, "role": {"agent"}})
	if !p.has("Account created.") || !p.has(`data-email="agent@acme.test"`) {
		t.Errorf("add a person: %d %s", p.Status, excerpt(p.Body))
	}
	if p := owner.post("/dashboard/w/"+ws+"/team/accounts", url.Values{"email": {"agent@acme.test"}, "password": {testPassword}, "role": {"agent"}}); p.Status != 409 {
		t.Errorf("the same email twice: %d", p.Status)
	}
	e.browser().signIn("agent@acme.test")
	// API tokens: made once, shown once, revocable.
	team := owner.get("/dashboard/w/" + ws + "/team")
	p = owner.post("/dashboard/w/"+ws+"/team/tokens", url.Values{"name": {"deploy"}, "role": {"admin"}, "nonce": {nonceOf(team.Body)}})
	tok := regexp.MustCompile(`id="new-token-value" class="mono" readonly value="(sat_[^"]+)"`).FindStringSubmatch(p.Body)
	if p.Status != 201 || tok == nil {
		t.Fatalf("new API token: %d %s", p.Status, excerpt(p.Body))
	}
	e.must(200, e.api("GET", "/api/admin/workspaces/"+ws+"/apps", tok[1], nil))
	id := regexp.MustCompile(`data-testid="token-row" data-token-id="(tok_[a-z0-9]+)"`).FindStringSubmatch(p.Body)
	owner.post("/dashboard/w/"+ws+"/team/tokens/"+id[1]+"/revoke", nil)
	if a := e.api("GET", "/api/admin/workspaces/"+ws+"/apps", tok[1], nil); a.Status != 401 {
		t.Errorf("a revoked API token: %d", a.Status)
	}
	if p := owner.post("/dashboard/w/"+ws+"/team/tokens", url.Values{"name": {"dashboard: owner@example.com"}, "role": {"admin"}, "nonce": {nonceOf(owner.get("/dashboard/w/" + ws + "/team").Body)}}); p.Status != 400 {
		t.Errorf("a token named like a dashboard session: %d", p.Status)
	}
}

// TestAudienceAliasSetting: a pylon-jwt app's page offers the Pylon app id
// (a second audience), saves it through the API and shows it; other
// profiles' pages do not offer it.
func TestAudienceAliasSetting(t *testing.T) {
	e := start(t, noGuard)
	ws := e.workspace("Acme")
	e.account(ws, "admin@acme.test", "admin")
	pylon := e.app(ws, map[string]any{"name": "Web", "platform": "web", "profile": "pylon-jwt", "enforcement": "monitor"})
	other := e.app(ws, map[string]any{"name": "iOS", "platform": "ios", "profile": "intercom"})
	admin := e.browser()
	admin.signIn("admin@acme.test")
	base := "/dashboard/w/" + ws + "/apps/"
	if p := admin.get(base + other); p.has(`id="settings-audience-alias"`) {
		t.Error("an intercom app's page offers a Pylon app id")
	}
	if p := admin.get(base + pylon); !p.has(`id="settings-audience-alias"`) {
		t.Fatalf("a pylon-jwt app's page has no Pylon app id field: %s", excerpt(p.Body))
	}
	form := url.Values{"name": {"Web"}, "platform": {"web"}, "profile": {"pylon-jwt"}, "enforcement": {"monitor"},
		"on_failure": {"reject"}, "max_token_lifetime": {"3600"}, "audience_alias": {"7d3f2c1e-pylon-widget-app-id"}}
	if p := admin.post(base+pylon+"/settings", form); !p.has("Settings saved.") || !p.has(`value="7d3f2c1e-pylon-widget-app-id"`) {
		t.Errorf("save: %d: %s", p.Status, excerpt(p.Body))
	}
	if got := e.must(200, e.api("GET", "/api/admin/apps/"+pylon, adminToken, nil)).Str("audience_alias"); got != "7d3f2c1e-pylon-widget-app-id" {
		t.Errorf("audience_alias after saving: %q", got)
	}
	// A refused value is the API's 400, shown on the page; nothing saved.
	admin.get(base + pylon)
	form.Set("audience_alias", "pylon\u202eapp")
	if p := admin.post(base+pylon+"/settings", form); p.Status != 400 || !p.has("audience_alias") {
		t.Errorf("a bidi control: %d", p.Status)
	}
}

// TestOneTimeTokensSetting: a signet app's settings form turns one-time
// tokens on and off; saving other settings keeps them; leaving the signet
// profile turns them off.
func TestOneTimeTokensSetting(t *testing.T) {
	e := start(t, noGuard)
	ws := e.workspace("Acme")
	e.account(ws, "admin@acme.test", "admin")
	appID := e.app(ws, map[string]any{"name": "Web", "platform": "web", "profile": "signet", "enforcement": "monitor"})
	admin := e.browser()
	admin.signIn("admin@acme.test")
	page := "/dashboard/w/" + ws + "/apps/" + appID
	oneTime := func() bool {
		t.Helper()
		return e.must(200, e.api("GET", "/api/admin/apps/"+appID, adminToken, nil)).Body["one_time_tokens"] == true
	}
	form := url.Values{"name": {"Web"}, "platform": {"web"}, "profile": {"signet"}, "enforcement": {"monitor"},
		"on_failure": {"reject"}, "max_token_lifetime": {"3600"}, "one_time_tokens": {"1"}}
	if p := admin.get(page); !p.has(`id="settings-one-time-tokens" type="checkbox" name="one_time_tokens" value="1" >`) {
		t.Fatalf("a signet app's page has no unchecked one-time tokens box: %s", excerpt(p.Body))
	}
	if p := admin.post(page+"/settings", form); !p.has("Settings saved.") || !p.has(`name="one_time_tokens" value="1" checked`) {
		t.Errorf("turning one-time tokens on: %d: %s", p.Status, excerpt(p.Body))
	}
	if !oneTime() {
		t.Error("one_time_tokens is off after the form turned it on")
	}
	admin.get(page)
	form.Del("one_time_tokens")
	if p := admin.post(page+"/settings", form); !p.has("Settings saved.") || oneTime() {
		t.Errorf("turning one-time tokens off: %d, on = %v", p.Status, oneTime())
	}
	admin.get(page)
	form.Set("one_time_tokens", "1")
	admin.post(page+"/settings", form)
	admin.get(page)
	form.Set("profile", "intercom")
	if p := admin.post(page+"/settings", form); !p.has("Settings saved.") || oneTime() {
		t.Errorf("leaving signet with the box checked: %d, on = %v: %s", p.Status, oneTime(), excerpt(p.Body))
	}
}
