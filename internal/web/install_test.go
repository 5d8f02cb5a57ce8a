package web_test

import (
	"html"
	"strings"
	"testing"

	"github.com/signet-id/signet/examples"
)

// TestInstallSnippet: the app page shows the widget's embed with the app's
// id, and the profile's signing function in the six languages exactly as
// examples/ has it, with the app id (and for signet the key id, the kid)
// filled in — and never the secret.
func TestInstallSnippet(t *testing.T) {
	e := start(t)
	e.owner()
	ws := e.workspace("Acme")
	web := e.app(ws, map[string]any{"name": "Acme web", "platform": "web", "profile": "signet", "enforcement": "monitor"})
	pylon := e.app(ws, map[string]any{"name": "Acme Pylon", "platform": "web", "profile": "pylon-hmac", "enforcement": "monitor"})
	webKey, webSecret := e.key(web)
	e.account(ws, "maya@acme.test", "admin")
	b := e.browser()
	b.signIn("maya@acme.test")

	cases := []struct {
		app, profile, boot string
		want, not          []string
	}{
		{web, "signet", "identityToken:", []string{`SIGNET_KEY_ID = "` + webKey + `"`, "fetchIdentityToken:",
			"Key <code>" + webKey + "</code> is the token's <code>kid</code>"}, []string{webSecret, "userHash:"}},
		{pylon, "pylon-hmac", "userHash:", []string{`email: "jane@example.com"`},
			[]string{`SIGNET_KEY_ID = "`, "identityToken:", "userId:"}},
	}
	for _, c := range cases {
		p := b.get("/dashboard/w/" + ws + "/apps/" + c.app)
		if p.Status != 200 || !p.has(`id="install"`) {
			t.Fatalf("%s: %d, no install section: %s", c.profile, p.Status, excerpt(p.Body))
		}
		text := html.UnescapeString(p.Body)
		want := append([]string{`<script src="` + e.URL + `/widget.js"></script>`, `appId: "` + c.app + `"`, c.boot,
			`SIGNET_APP_ID = "` + c.app + `"`, `const signetAppID = "` + c.app + `"`}, c.want...)
		for _, lang := range examples.Languages {
			f, err := examples.FunctionFor(lang, c.profile)
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, f.Code, "The whole of "+f.File)
		}
		for _, s := range want {
			if !strings.Contains(text, s) {
				t.Errorf("%s: the app page lacks %q", c.profile, s)
			}
		}
		// What must not be there: in the embed and the filled-in lines (the
		// whole files, shown too, mention every option).
		embed, _, _ := strings.Cut(text[strings.Index(text, `id="install-embed"`):], "</pre>")
		for _, s := range c.not {
			if strings.Contains(embed, s) || (strings.HasPrefix(s, "SIGNET") && strings.Contains(text, s)) || strings.Contains(text, webSecret) {
				t.Errorf("%s: the app page shows %q", c.profile, s)
			}
		}
	}
}
