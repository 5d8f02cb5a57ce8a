package server_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/signet-id/signet/verify"
)

// TestBrowserProfileTableKustomer: in a real browser, a Kustomer app's page says
// under its profile choice that the email takes precedence, and its
// profile table lists every profile's identity rule with this app's row
// marked, on a desktop screen and on a phone without scrolling sideways.
func TestBrowserProfileTableKustomer(t *testing.T) {
	s := start(t, "sqlite")
	ws := s.workspace("Acme")
	app := s.app(ws, map[string]any{"name": "Acme chat", "platform": "web", "profile": "kustomer", "enforcement": "monitor"})
	s.must(201, s.do("POST", "/api/admin/workspaces/"+ws+"/accounts", adminToken,
		map[string]any{"email": "maya@acme.example", "password": "correct horse battery staple", "role": "admin"}))
	b := newBrowser(t)
	b.signIn(s.URL, "maya@acme.example", "correct horse battery staple")
	for _, w := range widths {
		b.run(chromedp.EmulateViewport(w.w, w.h))
		b.run(chromedp.Navigate(s.URL + "/dashboard/w/" + ws + "/apps/" + app + "#profile-table-title"))
		b.waitFor("the profile table at "+w.name, `document.querySelectorAll("#profile-table [data-testid=profile-row]").length > 0`)
		if n := b.eval(`document.querySelectorAll("#profile-table [data-testid=profile-row]").length`); n != itoa(len(verify.Profiles())) {
			t.Errorf("%s rows, want %d", n, len(verify.Profiles()))
		}
		if cur := b.eval(`document.querySelector("#profile-table tr[aria-current=true]").dataset.profile`); cur != "kustomer" {
			t.Errorf("the marked row is %q", cur)
		}
		rule := b.eval(`document.querySelector("#profile-table tr[data-profile=kustomer] [data-testid=profile-identities]").innerText`)
		if rule != verify.Kustomer.Description().Identities || !strings.Contains(rule, "takes precedence") {
			t.Errorf("kustomer's identity rule reads %q", rule)
		}
		if under := b.eval(`document.querySelector("#settings-profile-identities").innerText`); !strings.Contains(under, "takes precedence") {
			t.Errorf("under the profile choice: %q", under)
		}
		if visible := b.eval(`(() => { const r = document.querySelector("#profile-table tr[aria-current=true]").getBoundingClientRect(); return r.width > 0 && r.height > 0 })()`); visible != "true" {
			t.Errorf("the app's own row is not shown at %s px", w.name)
		}
		if fits := b.eval(`(() => { const t = document.querySelector("#profile-table").getBoundingClientRect(), c = document.querySelector("#settings").getBoundingClientRect(); return t.left >= c.left - 1 && t.right <= c.right + 1 })()`); fits != "true" {
			t.Errorf("the profile table runs out of its card at %s px", w.name)
		}
		if over := b.eval(`document.documentElement.scrollWidth - innerWidth`); over != "0" && !strings.HasPrefix(over, "-") {
			t.Errorf("the app page at %s px is %s px wider than the screen", w.name, over)
		}
		b.screenshot("app-profile-table-kustomer-" + w.name)
	}
}
