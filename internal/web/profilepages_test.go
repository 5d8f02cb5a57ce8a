package web_test

import (
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/signet-id/signet/verify"
)

// TestAppPageProfileTable: the app page's profile table shows, for every
// profile, what the brand's backend signs and which identities a verified
// proof yields, from the profile's description (Front's "only the signed one
// verified" among them); the app's own profile is marked.
func TestAppPageProfileTable(t *testing.T) {
	rows, _ := profileTable(t, verify.Front)
	if !strings.Contains(rows[verify.Front], "only the signed one verified") {
		t.Errorf("front: the row does not say only the signed one is verified: %s", rows[verify.Front])
	}
}

// profileTable opens, as a workspace admin, the page of an app of profile
// current and checks its profile table: a row per profile in
// verify.Profiles' order, each showing its description's summary and
// identities, and current's alone marked as this app's. It returns each
// row's cells by profile, and the page's text.
func profileTable(t *testing.T, current verify.Profile) (map[verify.Profile]string, string) {
	t.Helper()
	e := start(t)
	e.owner()
	ws := e.workspace("Acme")
	app := e.app(ws, map[string]any{"name": "Acme chat", "platform": "web", "profile": string(current), "enforcement": "monitor"})
	e.account(ws, "maya@acme.test", "admin")
	b := e.browser()
	b.signIn("maya@acme.test")
	p := b.get("/dashboard/w/" + ws + "/apps/" + app)
	if p.Status != 200 || !p.has(`id="profile-table"`) {
		t.Fatalf("%d, no profile table: %s", p.Status, excerpt(p.Body))
	}
	text := html.UnescapeString(p.Body)
	rows := regexp.MustCompile(`(?s)<tr data-testid="profile-row" data-profile="([^"]+)"([^>]*)>(.*?)</tr>`).FindAllStringSubmatch(text, -1)
	if len(rows) != len(verify.Profiles()) {
		t.Fatalf("%d rows, want one per profile (%d)", len(rows), len(verify.Profiles()))
	}
	cells := map[verify.Profile]string{}
	for i, r := range rows {
		prof := verify.Profile(r[1])
		if prof != verify.Profiles()[i] {
			t.Errorf("row %d is %s, want %s", i, prof, verify.Profiles()[i])
		}
		d := prof.Description()
		if d == nil || !strings.Contains(r[3], d.Summary) || !strings.Contains(r[3], d.Identities) || !strings.Contains(r[3], prof.Describe()) {
			t.Errorf("%s: the row does not show its summary and identities: %s", prof, r[3])
		}
		marked := strings.Contains(r[2], `aria-current="true"`)
		if marked != (prof == current) || marked != strings.Contains(r[3], "this app") {
			t.Errorf("%s: marked current %v", prof, marked)
		}
		cells[prof] = r[3]
	}
	return cells, text
}

// TestUserIDPatternProfiles: the user-id pattern field is offered for the
// profiles whose proof signs a user id, read from their descriptions: front
// and gleap among them, not the email-only helpscout, plain or pylon ones.
func TestUserIDPatternProfiles(t *testing.T) {
	e := start(t)
	e.owner()
	ws := e.workspace("Acme")
	app := e.app(ws, map[string]any{"name": "Acme web", "platform": "web", "profile": "gleap", "enforcement": "monitor"})
	e.account(ws, "maya@acme.test", "admin")
	b := e.browser()
	b.signIn("maya@acme.test")
	for _, path := range []string{"/dashboard/w/" + ws + "/apps", "/dashboard/w/" + ws + "/apps/" + app} {
		p := b.get(path)
		m := regexp.MustCompile(`data-profiles="([^"]*)"><span>User-id pattern`).FindStringSubmatch(p.Body)
		if p.Status != 200 || m == nil {
			t.Fatalf("%s: %d, no user-id pattern field", path, p.Status)
		}
		got := strings.Fields(m[1])
		for _, want := range []string{"helpshift-legacy", "intercom", "akece", "helpshift-userhub", "signet", "front", "gleap"} {
			if !listHas(got, want) {
				t.Errorf("%s: the user-id pattern is not offered for %s (%v)", path, want, got)
			}
		}
		for _, not := range []string{"pylon-hmac", "pylon-jwt", "helpscout", "plain"} {
			if listHas(got, not) {
				t.Errorf("%s: the user-id pattern is offered for %s, which signs no user id", path, not)
			}
		}
	}
}

// TestInstallEmbedFollowsTheProfile: the widget's embed on the app page
// carries the identifier the profile signs, from its description: the email
// for helpscout and plain, the user id for gleap, both for front.
func TestInstallEmbedFollowsTheProfile(t *testing.T) {
	e := start(t)
	e.owner()
	ws := e.workspace("Acme")
	e.account(ws, "maya@acme.test", "admin")
	b := e.browser()
	b.signIn("maya@acme.test")
	for _, c := range []struct {
		profile   string
		want, not []string
	}{
		{"helpscout", []string{`email: "jane@example.com"`, "userHash:"}, []string{"userId:", "identityToken:"}},
		{"plain", []string{`email: "jane@example.com"`, "userHash:"}, []string{"userId:", "identityToken:"}},
		{"gleap", []string{`userId: "user-42"`, "userHash:"}, []string{"email:", "identityToken:"}},
		{"front", []string{`userId: "user-42"`, `email: "jane@example.com"`, "userHash:"}, []string{"identityToken:"}},
	} {
		app := e.app(ws, map[string]any{"name": "Acme " + c.profile, "platform": "web", "profile": c.profile, "enforcement": "monitor"})
		p := b.get("/dashboard/w/" + ws + "/apps/" + app)
		text := html.UnescapeString(p.Body)
		i := strings.Index(text, `id="install-embed"`)
		if p.Status != 200 || i < 0 {
			t.Fatalf("%s: %d, no install embed", c.profile, p.Status)
		}
		embed, _, _ := strings.Cut(text[i:], "</pre>")
		for _, s := range c.want {
			if !strings.Contains(embed, s) {
				t.Errorf("%s: the embed lacks %q:\n%s", c.profile, s, embed)
			}
		}
		for _, s := range c.not {
			if strings.Contains(embed, s) {
				t.Errorf("%s: the embed has %q:\n%s", c.profile, s, embed)
			}
		}
	}
}

func listHas(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestNewSecretSaysWhatItSigns: the note under a new secret follows the
// profile's proof (IsJWT), not its name: a token profile's backend signs
// tokens, a digest profile's computes the user_hash.
func TestNewSecretSaysWhatItSigns(t *testing.T) {
	e := start(t)
	ws := e.workspace("Acme")
	e.account(ws, "admin@acme.test", "admin")
	admin := e.browser()
	admin.signIn("admin@acme.test")
	for profile, want := range map[string]string{
		"pylon-jwt":         "Your backend signs its tokens with this secret",
		"helpshift-userhub": "Your backend signs its tokens with this secret",
		"helpscout":         "Your backend computes the <code>user_hash</code> with this secret",
		"gleap":             "Your backend computes the <code>user_hash</code> with this secret",
	} {
		appID := e.app(ws, map[string]any{"name": "Web " + profile, "profile": profile, "enforcement": "monitor"})
		app := "/dashboard/w/" + ws + "/apps/" + appID
		p := admin.post(app+"/keys", url.Values{"mode": {"generate"}, "nonce": {nonceOf(admin.get(app).Body)}})
		if p.Status != 201 || !p.has(want) {
			t.Errorf("%s: %d, the new secret's note does not say %q", profile, p.Status, want)
		}
	}
}
