package web_test

import (
	"html"
	"strings"
	"testing"

	"github.com/signet-id/signet/sign"
	"github.com/signet-id/signet/verify"
)

// TestAppPageProfileTableKustomer: a Kustomer app's page says under its
// profile choice what it verifies (the email taking precedence), and the
// profile table shows that rule from the description, the app's own
// profile marked.
func TestAppPageProfileTableKustomer(t *testing.T) {
	_, text := profileTable(t, verify.Kustomer)
	for _, want := range []string{"takes precedence", `id="settings-profile-identities"`} {
		if !strings.Contains(text, want) {
			t.Fatalf("the app page does not say %q", want)
		}
	}
	under, _, _ := strings.Cut(text[strings.Index(text, `id="settings-profile-identities"`):], "</small>")
	if !strings.Contains(under, verify.Kustomer.Description().Identities) {
		t.Errorf("under the profile choice: %q", under)
	}
}

// TestInstallSnippetVendorJWT: a second-wave JWT profile is a token in the
// install section's embed (identityToken and fetchIdentityToken, no
// userHash), without a kid line: the dashboard reads the description, not
// the profile's name.
func TestInstallSnippetVendorJWT(t *testing.T) {
	e := start(t)
	e.owner()
	ws := e.workspace("Acme")
	e.account(ws, "maya@acme.test", "admin")
	b := e.browser()
	b.signIn("maya@acme.test")
	for _, profile := range []string{"kustomer", "freshdesk-widget"} {
		app := e.app(ws, map[string]any{"name": profile, "platform": "web", "profile": profile, "enforcement": "monitor"})
		e.key(app)
		text := html.UnescapeString(b.get("/dashboard/w/" + ws + "/apps/" + app).Body)
		i := strings.Index(text, `id="install-embed"`)
		if i < 0 {
			t.Fatalf("%s: no install embed", profile)
		}
		embed, _, _ := strings.Cut(text[i:], "</pre>")
		if !strings.Contains(embed, "identityToken:") || !strings.Contains(embed, "fetchIdentityToken:") || strings.Contains(embed, "userHash:") {
			t.Errorf("%s: the embed is not a token's: %s", profile, embed)
		}
		if strings.Contains(text, `SIGNET_KEY_ID = "`) || !strings.Contains(text, "Send the result as <code>identityToken</code>") {
			t.Errorf("%s: the install section signs a digest or names a kid", profile)
		}
	}
}

// TestInboxNameSignedByFreshdesk: a name signed inside a freshdesk-widget
// token is not marked unsigned in the inbox; the name a Kustomer token
// cannot sign is.
func TestInboxNameSignedByFreshdesk(t *testing.T) {
	e := start(t)
	ws := e.workspace("Acme")
	fd := e.app(ws, map[string]any{"name": "Help widget", "platform": "web", "profile": "freshdesk-widget", "enforcement": "monitor"})
	ku := e.app(ws, map[string]any{"name": "Chat", "platform": "web", "profile": "kustomer", "enforcement": "monitor"})
	_, fdSecret := e.key(fd)
	_, kuSecret := e.key(ku)
	e.account(ws, "maya@acme.test", "admin")
	fdTok, err := sign.Signer{Profile: verify.FreshdeskWidget, Secret: fdSecret, Now: e.Clock.Now}.Token(sign.Claims{Email: "jane@example.com", Name: "Jane Signed"})
	if err != nil {
		t.Fatal(err)
	}
	kuTok, err := sign.Signer{Profile: verify.Kustomer, Secret: kuSecret, Now: e.Clock.Now}.Token(sign.Claims{UserID: "u-9", Email: "hank@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []struct {
		app  string
		body map[string]any
	}{{fd, map[string]any{"identity_token": fdTok}}, {ku, map[string]any{"identity_token": kuTok, "name": "Hank Claimed"}}} {
		s := e.must(200, e.Login(t, l.app, l.body))
		if s.Body["verified"] != true {
			t.Fatalf("login: %v", s.Body)
		}
		e.must(201, e.api("POST", "/v1/issues", s.Str("session_token"), map[string]any{"message": "hello"}))
	}
	b := e.browser()
	b.signIn("maya@acme.test")
	rows := strings.Split(b.get("/dashboard/w/"+ws+"/inbox").Body, `data-testid="issue-item"`)[1:]
	if len(rows) != 2 {
		t.Fatalf("%d issues listed", len(rows))
	}
	for _, row := range rows {
		switch {
		case strings.Contains(row, "Jane Signed"):
			if strings.Contains(row, "unsigned name") {
				t.Errorf("the name signed by Freshdesk's token is marked unsigned")
			}
		case strings.Contains(row, "Hank Claimed"):
			if !strings.Contains(row, "unsigned name") {
				t.Errorf("the name sent beside a Kustomer token is not marked unsigned")
			}
		default:
			t.Errorf("an issue without its user's name: %.300s", row)
		}
	}
}
