package server_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

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
	b.run(chromedp.Navigate(s.URL + "/dashboard/signin"))
	fill(b, "#signin-email", "maya@acme.example")
	fill(b, "#signin-password", "correct horse battery staple")
	click(b, "#signin-submit")
	b.waitFor("signed in", `document.querySelector("[data-testid=nav]") !== null`)

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
