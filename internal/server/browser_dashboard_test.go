package server_test

import (
	"fmt"
	"strings"
	"testing"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/signet-id/signet/sign"
	"github.com/signet-id/signet/verify"
)

// signIn signs in to the dashboard at base with the sign-in form, and
// waits for the dashboard (waitDashboard).
func (b *browser) signIn(base, email, password string) {
	b.t.Helper()
	b.run(chromedp.Navigate(base + "/dashboard/signin"))
	fill(b, "#signin-email", email)
	fill(b, "#signin-password", password)
	click(b, "#signin-submit")
	b.waitDashboard("signed in")
}

// waitDashboard waits for a signed-in dashboard page, parsed whole: its
// navigation comes first, and under load a test found it on screen before
// the sign-out button further down (a CI run failed on it).
func (b *browser) waitDashboard(what string) {
	b.t.Helper()
	b.waitFor(what, `document.querySelector("[data-testid=nav]") !== null && document.readyState === "complete"`)
}

// fill sets a form field the way typing would (input and change events).

func fill(b *browser, selector, value string) {
	b.t.Helper()
	b.run(chromedp.WaitVisible(selector, chromedp.ByQuery), chromedp.SetValue(selector, value, chromedp.ByQuery))
}

func click(b *browser, selector string) {
	b.t.Helper()
	b.run(chromedp.WaitVisible(selector, chromedp.ByQuery), chromedp.Click(selector, chromedp.ByQuery))
}

// TestBrowserDashboard: an admin sets up Signet, creates an app, generates a
// key and copies it; the copied secret verifies; the rollout readiness chart
// renders with data; an agent's reply typed in the inbox reaches the widget
// live.
func TestBrowserDashboard(t *testing.T) {
	s := start(t, "sqlite")
	b := newBrowser(t)
	b.run(cdpbrowser.GrantPermissions([]cdpbrowser.PermissionType{cdpbrowser.PermissionTypeClipboardReadWrite, cdpbrowser.PermissionTypeClipboardSanitizedWrite}).WithOrigin(s.URL))

	// First-run setup with the owner token, then signed in.
	b.run(chromedp.Navigate(s.URL + "/dashboard/setup"))
	b.screenshot("dashboard-setup")
	fill(b, "#setup-token", adminToken)
	fill(b, "#setup-email", "owner@acme.example")
	fill(b, "#setup-password", "correct horse battery staple")
	fill(b, "#setup-password2", "correct horse battery staple")
	click(b, "#setup-submit")
	b.waitDashboard("the signed-in dashboard")
	// Sign out, then sign in through the form, as an admin does every day.
	b.eval(`document.querySelector("#signout").form ? document.querySelector("#signout").form.submit() : document.querySelector("#signout").click()`)
	b.waitFor("the sign-in page", `document.querySelector("#signin-form") !== null`)
	fill(b, "#signin-email", "owner@acme.example")
	fill(b, "#signin-password", "correct horse battery staple")
	b.screenshot("dashboard-signin")
	click(b, "#signin-submit")
	b.waitDashboard("signed in again")

	// A workspace and an app in monitor mode.
	b.run(chromedp.Navigate(s.URL + "/dashboard/"))
	fill(b, "#workspace-name", "Acme")
	click(b, "#workspace-create")
	b.waitFor("the workspace's apps page", `document.querySelector("#app-name") !== null`)
	fill(b, "#app-name", "Acme web")
	b.run(chromedp.SetValue("#app-platform", "web", chromedp.ByQuery))
	click(b, "[data-testid=app-profile-signet]")
	b.run(chromedp.SetValue("#app-enforcement", "monitor", chromedp.ByQuery))
	click(b, "#app-create")
	b.waitFor("the app page", `document.querySelector("#key-generate") !== null`)
	appPage := b.eval(`location.href`)
	app := b.eval(`(location.pathname.match(/app_[a-z2-7]{16}/) || [""])[0]`)
	ws := b.eval(`(location.pathname.match(/ws_[a-z2-7]{16}/) || [""])[0]`)
	if app == "" || ws == "" {
		t.Fatalf("app page %s", appPage)
	}

	// Generate a key: the secret is shown once, with a Copy button.
	click(b, "#key-generate")
	b.waitFor("the new secret", `document.querySelector("#new-secret-value") !== null`)
	secret := strings.TrimSpace(b.eval(`document.querySelector("#new-secret-value").textContent || document.querySelector("#new-secret-value").value`))
	kid := b.eval(`document.querySelector("#new-secret").dataset.keyId`)
	click(b, "#copy-secret")
	if copied := b.eval(`navigator.clipboard.readText()`); copied != secret || len(secret) < 32 {
		t.Errorf("the clipboard holds %q, the page showed %q", copied, secret)
	}
	b.screenshot("dashboard-new-key")
	// The copied secret signs identities Signet verifies.
	signer := sign.Signer{Profile: verify.Signet, Secret: secret, KeyID: kid, AppID: app, Now: s.Clock.Now}
	token := func(uid string) string {
		tok, err := signer.Token(sign.Claims{UserID: uid})
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	// Monitor mode: some app versions sign, older ones do not yet.
	for i := 0; i < 6; i++ {
		s.must(200, s.login(app, map[string]any{"identity_token": token(fmt.Sprint("user-", i)), "app_version": "2.1.0"}))
	}
	for i := 0; i < 3; i++ {
		s.must(200, s.login(app, map[string]any{"user_id": fmt.Sprint("old-", i), "app_version": "1.9.4"}))
	}
	b.run(chromedp.Navigate(appPage))
	b.waitFor("the readiness chart", `document.querySelector("#readiness-chart svg, svg#readiness-chart") !== null`)
	coverage := b.eval(`document.querySelector("#coverage-7").textContent`)
	if !strings.Contains(coverage, "66.7") {
		t.Errorf("7-day coverage %q, want 67%% (6 of 9 logins verified)", coverage)
	}
	if rows := b.eval(`document.querySelectorAll("[data-testid=readiness-row]").length`); rows != "2" {
		t.Errorf("%s readiness rows, want one per app version", rows)
	}
	b.screenshot("dashboard-readiness")

	// The widget on a brand page, as alice, who opens an issue.
	brand := newBrowser(t)
	brand.run(chromedp.Navigate(brandPage(t, s.URL, app, token("alice"), func() string { return token("alice") })))
	brand.waitFor("a verified login", widgetState+` === "verified"`)
	brand.eval(`window.Signet.open()`)
	brand.widgetSend("The zipper broke on day two.")
	brand.waitFor("the conversation", inWidget(`root.querySelector(".thread") && root.querySelector(".thread").textContent.includes("zipper")`))
	issues := s.must(200, s.do("GET", "/api/agent/workspaces/"+ws+"/issues", adminToken, nil)).Body["issues"].([]any)
	if len(issues) != 1 {
		t.Fatalf("issues %v", issues)
	}
	issue := issues[0].(map[string]any)["id"].(string)

	// The agent answers from the inbox.
	b.run(chromedp.Navigate(s.URL + "/dashboard/w/" + ws + "/inbox"))
	b.waitFor("the inbox to go live", `document.querySelector("#live-status") && document.querySelector("#live-status").dataset.state === "live"`)
	click(b, `[data-testid=issue-item][data-issue-id="`+issue+`"]`)
	b.waitFor("the thread and the user panel", `document.querySelector("#thread") && document.querySelector("#thread").textContent.includes("zipper") && document.querySelector("#user-panel [data-testid=identity][data-verified=true]") !== null`)
	fill(b, "#reply-body", "So sorry! A replacement is on its way.")
	click(b, "#reply-send")
	brand.waitFor("the agent's reply in the widget, live", inWidget(`root.querySelector(".thread").textContent.includes("A replacement is on its way.")`))
	b.waitFor("the reply in the inbox thread", `document.querySelector("#thread").textContent.includes("A replacement is on its way.")`)
	b.screenshot("dashboard-inbox")
	brand.screenshot("widget-reply-from-dashboard")
}
