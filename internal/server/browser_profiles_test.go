package server_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/signet-id/signet/verify"
)

// TestBrowserProfileTable: an app page, in a real browser, shows what every
// profile verifies, read from its description (issue 15): the app's own
// profile marked, Zendesk's email only when email_verified is true, and a
// phone-wide page that does not overflow (the table scrolls in its region).
func TestBrowserProfileTable(t *testing.T) {
	s := start(t, "sqlite")
	ws := s.workspace("Acme")
	app := s.app(ws, map[string]any{"name": "Acme messaging", "platform": "web", "profile": "zendesk-messaging", "enforcement": "monitor"})
	s.must(201, s.do("POST", "/api/admin/workspaces/"+ws+"/accounts", adminToken,
		map[string]any{"email": "maya@acme.example", "password": "correct horse battery staple", "role": "admin"}))

	b := newBrowser(t)
	b.signIn(s.URL, "maya@acme.example", "correct horse battery staple")
	b.run(chromedp.Navigate(s.URL + "/dashboard/w/" + ws + "/apps/" + app))
	b.waitFor("the profile table", `document.querySelector("#profile-table") !== null`)

	rows := b.eval(`JSON.stringify([...document.querySelectorAll("[data-testid=profile-row]")].map(r => [r.dataset.profile, r.getAttribute("aria-current") || "", r.querySelector("[data-testid=profile-identities]").innerText]))`)
	for _, p := range verify.Profiles() {
		if !strings.Contains(rows, `["`+string(p)+`",`) {
			t.Errorf("no row for %s: %s", p, rows)
		}
	}
	for _, want := range []string{
		`["zendesk-messaging","true","uid = external_id; the email only when email_verified is true; name is a signed attribute"]`,
		`["intercom-jwt","","uid = user_id; the email too when the token signs one"]`,
		`["drift","","uid = sub"]`,
	} {
		if !strings.Contains(rows, want) {
			t.Errorf("the table does not show %s: %s", want, rows)
		}
	}
	if n := b.eval(`document.querySelectorAll("[data-testid=profile-row][aria-current=true]").length`); n != "1" {
		t.Errorf("%s rows marked as this app's profile", n)
	}
	b.run(chromedp.ScrollIntoView("#profile-table", chromedp.ByQuery))
	b.screenshot("app-profile-table-zendesk")

	b.run(chromedp.EmulateViewport(390, 844))
	b.run(chromedp.Navigate(s.URL + "/dashboard/w/" + ws + "/apps/" + app))
	b.waitFor("the profile table on a phone", `document.querySelector("#profile-table") !== null`)
	if over := b.eval(`document.documentElement.scrollWidth - innerWidth`); over != "0" && !strings.HasPrefix(over, "-") {
		t.Errorf("the app page is %s px wider than a phone", over)
	}
	b.run(chromedp.ScrollIntoView("#profile-table", chromedp.ByQuery))
	b.screenshot("app-profile-table-phone")
}

// TestBrowserAppProfileTable: in a real browser, the app page of a front
// app shows the profile table, its own row marked and saying that only the
// signed identity is verified; on the new-app form, the user-id pattern
// shows for the profiles that sign a user id (front, gleap) and hides for
// the email-only ones (helpscout, plain).
func TestBrowserAppProfileTable(t *testing.T) {
	s := start(t, "sqlite")
	ws := s.workspace("Acme")
	app := s.app(ws, map[string]any{"name": "Acme web chat", "platform": "web", "profile": "front", "enforcement": "monitor"})
	s.must(201, s.do("POST", "/api/admin/workspaces/"+ws+"/accounts", adminToken,
		map[string]any{"email": "maya@acme.example", "password": "correct horse battery staple", "role": "admin"}))
	b := newBrowser(t)
	b.signIn(s.URL, "maya@acme.example", "correct horse battery staple")

	b.run(chromedp.Navigate(s.URL + "/dashboard/w/" + ws + "/apps/" + app))
	b.waitFor("the profile table", `document.querySelector("#profile-table") !== null`)
	current := b.eval(`Array.from(document.querySelectorAll("[data-testid=profile-row][aria-current=true]")).map(r => r.dataset.profile).join(",")`)
	if current != "front" {
		t.Errorf("rows marked current: %q, want front", current)
	}
	row := b.eval(`document.querySelector("[data-testid=profile-row][data-profile=front]").innerText`)
	if !strings.Contains(row, "only the signed one verified") || !strings.Contains(row, "this app") {
		t.Errorf("the front row says %q", row)
	}
	for _, p := range []string{"helpscout", "plain", "gleap"} {
		if b.eval(`document.querySelector("[data-testid=profile-row][data-profile=`+p+`]") !== null`) != "true" {
			t.Errorf("no row for %s", p)
		}
	}
	b.run(chromedp.ScrollIntoView("#profile-table", chromedp.ByQuery))
	b.screenshot("app-profile-table")

	b.run(chromedp.Navigate(s.URL + "/dashboard/w/" + ws + "/apps"))
	b.waitFor("the new-app form", `document.querySelector("#app-user-id-pattern") !== null`)
	for profile, shown := range map[string]string{"front": "true", "gleap": "true", "helpscout": "false", "plain": "false"} {
		click(b, "[data-testid=app-profile-"+profile+"]")
		if got := b.eval(`document.querySelector("#app-user-id-pattern").offsetParent !== null`); got != shown {
			t.Errorf("%s: the user-id pattern shown %s, want %s", profile, got, shown)
		}
	}
}
