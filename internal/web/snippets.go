package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/signet-id/signet/examples"
	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/verify"
)

// installView is the app page's install snippet: the widget's embed and the
// brand backend's signing code, with this app's id (and, for the signet
// profile, its key id) filled in.
type installView struct {
	AppID, Profile string
	// KeyID is the newest active key's id, or "" when the app has none.
	KeyID string
	// JWT: the profile signs a token (identityToken), not a digest (userHash).
	JWT bool
	// Embed is the HTML a brand's page carries.
	Embed     string
	Languages []installLanguage
}

// installLanguage is the signing code in one language.
type installLanguage struct {
	Name, Label, File string
	// Config sets the ids and reads the secret; Code is the profile's
	// function exactly as examples/ has it (and tests it); Whole is the
	// file, with the helpers the function calls.
	Config, Code, Whole string
}

// installFor builds the install snippet of app a, whose keys are keys
// (newest first).
func installFor(r *http.Request, a *model.App, keys []keyRow) *installView {
	profile := fmt.Sprint(a.Profile)
	v := &installView{AppID: a.ID, Profile: profile}
	v.JWT = a.Profile.IsJWT()
	for _, k := range keys {
		if k.State == model.KeyActive {
			v.KeyID = k.ID
			break
		}
	}
	v.Embed = embedSnippet(origin(r), a.ID, a.Profile, v.JWT)
	keyID := v.KeyID
	if keyID == "" {
		keyID = "<KEY_ID>"
	}
	for _, lang := range examples.Languages {
		f, err := examples.FunctionFor(lang, profile)
		if err != nil {
			continue // a profile without snippets shows the embed only
		}
		v.Languages = append(v.Languages, installLanguage{Name: lang.Name, Label: lang.Label, File: f.File,
			Config: configSnippet(lang.Name, a.ID, keyID, a.Profile.KeyByKid()), Code: f.Code, Whole: f.Whole})
	}
	return v
}

// origin is where the dashboard was reached, which serves widget.js too.
func origin(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// embedSnippet is the widget's two tags with the boot options that profile
// signs (web/widget/README.md lists every option): the identifier its
// description requires, or both.
func embedSnippet(origin, appID string, profile verify.Profile, jwt bool) string {
	var requires verify.IdentityType
	if d := profile.Description(); d != nil {
		requires = d.Requires
	}
	var opts []string
	switch {
	case jwt:
		opts = []string{
			`// signed by your backend for the signed-in user (the code below):`,
			`identityToken: "<the token>",`,
			`// a fresh one when the session ends (an endpoint of your backend):`,
			`fetchIdentityToken: async () => (await fetch("/signet-token")).text(),`,
		}
	case requires == verify.Email:
		opts = []string{`email: "jane@example.com",`, `name: "Jane", // not signed: shown to agents as unsigned`,
			`userHash: "<the digest of the email, from your backend>",`}
	case requires == verify.UID:
		opts = []string{`userId: "user-42",`, `name: "Jane", // not signed: shown to agents as unsigned`,
			`userHash: "<the digest of the user id, from your backend>",`}
	default:
		opts = []string{`userId: "user-42",`, `email: "jane@example.com",`, `name: "Jane", // not signed: shown to agents as unsigned`,
			`userHash: "<the digest, from your backend>",`}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "<script src=\"%s/widget.js\"></script>\n<script>\n  Signet.boot({\n    appId: %q,\n", origin, appID)
	for _, o := range opts {
		b.WriteString("    " + o + "\n")
	}
	b.WriteString("  });\n</script>")
	return b.String()
}

// configSnippet sets the app id (and the key id, which the signet profile
// writes as the token's kid) and reads the secret from the environment.
func configSnippet(lang, appID, keyID string, withKey bool) string {
	type form struct{ app, key, secret string }
	forms := map[string]form{
		"go":     {"const signetAppID = %q", "const signetKeyID = %q // the token's kid", `secret := os.Getenv("SIGNET_SECRET") // never in the app or the page`},
		"node":   {"const SIGNET_APP_ID = %q;", "const SIGNET_KEY_ID = %q; // the token's kid", `const secret = process.env.SIGNET_SECRET; // never in the app or the page`},
		"python": {"SIGNET_APP_ID = %q", "SIGNET_KEY_ID = %q  # the token's kid", `secret = os.environ["SIGNET_SECRET"]  # never in the app or the page`},
		"ruby":   {"SIGNET_APP_ID = %q", "SIGNET_KEY_ID = %q # the token's kid", `secret = ENV.fetch("SIGNET_SECRET") # never in the app or the page`},
		"php":    {"const SIGNET_APP_ID = %q;", "const SIGNET_KEY_ID = %q; // the token's kid", `$secret = getenv('SIGNET_SECRET'); // never in the app or the page`},
		"java":   {"static final String SIGNET_APP_ID = %q;", "static final String SIGNET_KEY_ID = %q; // the token's kid", `String secret = System.getenv("SIGNET_SECRET"); // never in the app or the page`},
	}
	f := forms[lang]
	lines := []string{fmt.Sprintf(f.app, appID)}
	if withKey {
		lines = append(lines, fmt.Sprintf(f.key, keyID))
	}
	return strings.Join(append(lines, f.secret), "\n")
}
