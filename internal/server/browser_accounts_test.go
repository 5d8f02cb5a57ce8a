package server_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserAccounts: an admin manages a colleague's account from the
// dashboard (new role, a reset link the colleague uses, disable, enable,
// delete) and changes their own password; each action takes effect on
// the colleague's session at once.
func TestBrowserAccounts(t *testing.T) {
	s := start(t, "sqlite")
	ws := s.workspace("Acme")
	for _, a := range []struct{ email, role string }{{"lead@acme.example", "admin"}, {"ana@acme.example", "agent"}} {
		s.must(201, s.do("POST", "/api/admin/workspaces/"+ws+"/accounts", adminToken,
			map[string]any{"email": a.email, "password": staffPassword, "role": a.role}))
	}
	b := newBrowser(t)
	b.signIn(s.URL, "lead@acme.example", staffPassword)

	// The team page leads to Ana's account.
	b.run(chromedp.Navigate(s.URL + "/dashboard/w/" + ws + "/team"))
	click(b, `[data-testid=account-row][data-email="ana@acme.example"] [data-testid=account-manage]`)
	b.waitFor("the account page", `document.querySelector("#account-email") !== null`)
	mustEqual(t, "the account page's email", b.eval(`document.querySelector("#account-email").textContent`), "ana@acme.example")
	b.screenshot("dashboard-account")

	// A new role ends Ana's session.
	_, ana := signedIn(t, s, "ana@acme.example", staffPassword)
	b.run(chromedp.SetValue("#account-role-select", "admin", chromedp.ByQuery))
	click(b, "#account-role-save")
	b.waitFor("the role changed", `document.querySelector("[data-testid=flash]") !== null && document.querySelector("#account-role-badge").textContent === "admin"`)
	if a := s.do("GET", "/api/agent/workspaces/"+ws+"/issues", ana, nil); a.Status != 401 {
		t.Errorf("Ana's session after a new role: %d", a.Status)
	}

	// A reset link, shown once, which Ana uses in her own browser.
	click(b, "#account-reset")
	b.waitFor("the reset link", `document.querySelector("#reset-link") !== null`)
	link := b.eval(`document.querySelector("#reset-link").value`)
	if !strings.HasPrefix(link, s.URL+"/dashboard/reset?token=srs_") {
		t.Fatalf("reset link %q", link)
	}
	s.Remember("reset link", strings.TrimPrefix(link, s.URL+"/dashboard/reset?token="))
	const chosen = "ana chose this password"
	s.Remember("password", chosen)
	other := newBrowser(t)
	other.run(chromedp.Navigate(link))
	fill(other, "#reset-password", chosen)
	fill(other, "#reset-password2", chosen)
	click(other, "#reset-submit")
	other.waitFor("the password set", `document.querySelector("[data-testid=reset-done]") !== null`)
	_, ana = signedIn(t, s, "ana@acme.example", chosen)

	// Disabled: her session ends at once; enabled: she may sign in again.
	b.run(chromedp.Navigate(s.URL + "/dashboard/accounts/" + b.eval(`(location.pathname.match(/acc_[a-z2-7]{16}/) || [""])[0]`)))
	click(b, "#account-disable")
	b.waitFor("disabled", `document.querySelector("#account-state").dataset.state === "disabled"`)
	if a := s.do("GET", "/api/agent/workspaces/"+ws+"/issues", ana, nil); a.Status != 401 {
		t.Errorf("Ana's session after disabling: %d", a.Status)
	}
	if tok, _ := newDashboard(t, s).signIn("ana@acme.example", chosen); tok != "" {
		t.Error("a disabled account signed in")
	}
	click(b, "#account-enable")
	b.waitFor("enabled", `document.querySelector("#account-state").dataset.state === "enabled"`)
	signedIn(t, s, "ana@acme.example", chosen)

	// Deleted: back on the team page, without her.
	click(b, "#account-delete")
	click(b, "#account-delete-confirm")
	b.waitFor("the team page", `location.pathname.endsWith("/team") && document.querySelector("[data-testid=flash]") !== null`)
	mustEqual(t, "Ana's row", b.eval(`String(document.querySelector('[data-email="ana@acme.example"]') === null)`), "true")

	// The lead's own password.
	const mine = "the lead's new password"
	s.Remember("password", mine)
	click(b, "#account-menu summary")
	click(b, "#my-account")
	fill(b, "#current-password", staffPassword)
	fill(b, "#new-password", mine)
	fill(b, "#new-password2", mine)
	click(b, "#password-save")
	b.waitFor("the password changed", `document.querySelector("[data-testid=flash]") !== null`)
	signedIn(t, s, "lead@acme.example", mine)
}
