package server_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/signet-id/signet/sign"
	"github.com/signet-id/signet/verify"
)

// TestBrowserDeleteAndConflicts: in Chromium, at 1280 px and 390 px, the
// identity-conflicts page lists a conflict with what an admin can do, and
// deleting an app or a workspace asks for its name: a wrong one deletes
// nothing, the right one deletes. Both pages pass axe's WCAG A/AA rules and
// fit the screen. Screenshots of each.
func TestBrowserDeleteAndConflicts(t *testing.T) {
	axe := axeSource(t)
	s := start(t, "sqlite")
	ws := s.workspace("Acme")
	gone := s.workspace("Brand two")
	web := s.app(ws, map[string]any{"name": "Acme web", "platform": "web", "profile": "signet", "enforcement": "monitor"})
	old := s.app(ws, map[string]any{"name": "Old web", "platform": "web", "profile": "signet", "enforcement": "monitor"})
	kid, secret := s.Key(t, web)
	signer := sign.Signer{Profile: verify.Signet, Secret: secret, KeyID: kid, AppID: web, Now: s.Clock.Now}
	for _, c := range []sign.Claims{{UserID: "user-42", Email: "jane@example.com", Name: "Jane"}, {UserID: "user-77", Email: "jane@example.com"}} {
		tok, err := signer.Token(c)
		if err != nil {
			t.Fatal(err)
		}
		s.must(200, s.login(web, map[string]any{"identity_token": tok}))
	}
	visitor := s.must(200, s.login(old, map[string]any{"user_id": "u-1"})).Str("session_token")
	// A forged token: the log shows whom it claimed to be, unverified.
	forged, err := sign.Signer{Profile: verify.Signet, Secret: "not-the-secret-0123456789abcdef0123456789", KeyID: kid, AppID: web, Now: s.Clock.Now}.Token(sign.Claims{UserID: "user-42", Email: "jane@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	s.must(200, s.login(web, map[string]any{"identity_token": forged, "name": "Jane?"}))

	b := newBrowser(t)
	b.run(chromedp.Navigate(s.URL + "/dashboard/setup"))
	fill(b, "#setup-token", adminToken)
	fill(b, "#setup-email", "owner@acme.example")
	fill(b, "#setup-password", "correct horse battery staple")
	fill(b, "#setup-password2", "correct horse battery staple")
	click(b, "#setup-submit")
	b.waitDashboard("signed in")

	check := func(name, width string) {
		t.Helper()
		b.screenshot(name + "-" + width)
		for _, v := range axeViolations(b, axe) {
			t.Errorf("%s at %s px: %s", name, width, v)
		}
		if over := b.eval(`document.documentElement.scrollWidth - innerWidth`); over != "0" && !strings.HasPrefix(over, "-") {
			t.Errorf("%s at %s px is %s px wider than the screen: %s", name, width, over, b.eval(`[...document.querySelectorAll("body *")].filter(e => !e.closest(".sidebar") && e.getBoundingClientRect().right > innerWidth + 1).slice(0, 8).map(e => e.tagName + "." + e.className + "#" + e.id + ":" + Math.round(e.getBoundingClientRect().right)).join(" ")`))
		}
	}
	for _, w := range widths {
		b.run(chromedp.EmulateViewport(w.w, w.h))
		// The conflicts page, reached from the app page.
		b.run(chromedp.Navigate(s.URL + "/dashboard/w/" + ws + "/apps/" + web))
		click(b, "#app-conflicts-link")
		b.waitFor("the conflicts page", `document.querySelector("[data-testid=conflict-row]") !== null`)
		if got := b.eval(`document.querySelector("[data-testid=conflict-value]").textContent`); got != "jane@example.com" {
			t.Errorf("the conflict's identity: %q", got)
		}
		if b.eval(`document.querySelector("#conflicts-help").textContent.includes("rotate the key")`) != "true" {
			t.Errorf("the conflicts page does not say what to do")
		}
		check("conflicts", w.name)
		// The verification log names whom the forged login claimed.
		b.run(chromedp.Navigate(s.URL + "/dashboard/w/" + ws + "/log?result=unverified"))
		b.waitFor("the log", `document.querySelector("[data-testid=claimed-identity]") !== null`)
		if got := b.eval(`document.querySelector("[data-testid=claimed-identity]").textContent`); !strings.Contains(got, "user-42") || !strings.Contains(got, "unverified") {
			t.Errorf("the log's claimed identity: %q", got)
		}
		check("log-claimed", w.name)
		b.run(chromedp.Navigate(s.URL + "/dashboard/w/" + ws + "/apps/" + old))
		b.waitFor("the app page", `document.querySelector("#danger-zone") !== null`)
		b.screenshot("app-danger-zone-" + w.name)
		// The app's deletion, reached from the app page.
		b.run(chromedp.Navigate(s.URL + "/dashboard/w/" + ws + "/apps/" + old))
		click(b, "#app-delete-link")
		b.waitFor("the confirmation", `document.querySelector("#delete-confirm") !== null`)
		check("delete-app", w.name)
	}

	// A wrong name deletes nothing.
	fill(b, "#delete-confirm", "Old Web")
	click(b, "#delete-submit")
	b.waitFor("the refusal", `document.querySelector("[data-testid=error]") !== null`)
	b.screenshot("delete-app-wrong-name-390")
	s.must(200, s.do("GET", "/v1/me", visitor, nil))
	// The right one deletes, and the app's users are logged out.
	fill(b, "#delete-confirm", "Old web")
	click(b, "#delete-submit")
	b.waitFor("the apps page", `document.querySelector("[data-testid=flash]") !== null`)
	if got := b.eval(`document.querySelector("[data-testid=flash]").textContent`); !strings.Contains(got, "App deleted") {
		t.Errorf("the flash after deleting: %q", got)
	}
	if b.eval(`document.querySelector("#app-table").textContent.includes("Old web")`) != "false" {
		t.Errorf("the deleted app is still listed")
	}
	s.must(401, s.do("GET", "/v1/me", visitor, nil))

	// A workspace, by its owner, from its apps page.
	for _, w := range widths {
		b.run(chromedp.EmulateViewport(w.w, w.h))
		b.run(chromedp.Navigate(s.URL + "/dashboard/w/" + gone + "/apps"))
		click(b, "#workspace-delete-link")
		b.waitFor("the workspace's confirmation", `document.querySelector("#delete-confirm") !== null`)
		check("delete-workspace", w.name)
	}
	fill(b, "#delete-confirm", "Brand two")
	click(b, "#delete-submit")
	b.waitFor("the workspaces page", `document.querySelector("[data-testid=flash]") !== null`)
	if b.eval(`document.querySelector("#workspace-table").textContent.includes("Brand two")`) != "false" {
		t.Errorf("the deleted workspace is still listed")
	}
	b.screenshot("workspace-deleted-390")
	s.must(404, s.do("GET", "/api/admin/workspaces/"+gone, adminToken, nil))
}
