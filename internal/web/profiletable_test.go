package web_test

import (
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/signet-id/signet/verify"
)

// TestProfileTable: the app page's profile table has a row for every
// profile with the identities it verifies, read from its description (the
// second-wave rules among them: Zendesk's email only when email_verified is
// true), and marks the app's own profile.
func TestProfileTable(t *testing.T) {
	e := start(t, noGuard)
	ws := e.workspace("Acme")
	e.account(ws, "admin@acme.test", "admin")
	app := e.app(ws, map[string]any{"name": "Messaging", "platform": "web", "profile": "zendesk-messaging", "enforcement": "monitor"})
	admin := e.browser()
	admin.signIn("admin@acme.test")
	p := admin.get("/dashboard/w/" + ws + "/apps/" + app)
	if !p.has(`id="profile-table"`) {
		t.Fatalf("no profile table: %d %s", p.Status, excerpt(p.Body))
	}
	row := regexp.MustCompile(`(?s)<tr data-testid="profile-row" data-profile="([a-z-]+)"( class="row-current" aria-current="true")?\s*>(.*?)</tr>`)
	rows := map[string]string{}
	var current []string
	for _, m := range row.FindAllStringSubmatch(p.Body, -1) {
		rows[m[1]] = html.UnescapeString(m[3])
		if m[2] != "" {
			current = append(current, m[1])
		}
	}
	for _, prof := range verify.Profiles() {
		cells, ok := rows[string(prof)]
		if !ok {
			t.Errorf("no row for %s", prof)
			continue
		}
		if !strings.Contains(cells, prof.Description().Identities) || !strings.Contains(cells, prof.Describe()) {
			t.Errorf("the %s row does not show its rules: %s", prof, cells)
		}
	}
	if len(rows) != len(verify.Profiles()) || len(current) != 1 || current[0] != "zendesk-messaging" {
		t.Errorf("%d rows for %d profiles, current %v", len(rows), len(verify.Profiles()), current)
	}
	// A JWT profile's install snippet boots the widget with a token.
	if !p.has(`identityToken: &#34;&lt;the token&gt;&#34;`) || p.has(`userHash: &#34;`) {
		t.Errorf("the install snippet of a zendesk-messaging app does not boot with a token: %s", excerpt(p.Body))
	}
	for prof, want := range map[string]string{
		"zendesk-messaging": "the email only when email_verified is true",
		"intercom-jwt":      "uid = user_id",
		"drift":             "uid = sub",
	} {
		if !strings.Contains(rows[prof], want) {
			t.Errorf("the %s row does not say %q: %s", prof, want, rows[prof])
		}
	}
}
