package server_test

import (
	"fmt"
	"html/template"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/signet-id/signet/internal/server"
	"github.com/signet-id/signet/sign"
	"github.com/signet-id/signet/verify"
)

// widgetState is the host element's data-signet-state.
const widgetState = `(document.getElementById("signet-widget") || {dataset: {}}).dataset.signetState`

// TestBrowserDemo: `signet serve --demo` shows the whole product: the
// brand's page, the widget verified, the earlier conversation.
func TestBrowserDemo(t *testing.T) {
	s := start(t, "sqlite", func(c *server.Config) { c.Demo = true })
	b := newBrowser(t)
	b.run(chromedp.Navigate(s.URL + "/demo"))
	b.waitFor("the widget to log in verified", widgetState+` === "verified"`)
	b.eval(`window.Signet.open()`)
	b.waitFor("the earlier conversation", inWidget(`shown.includes("wrong size")`))
	b.screenshot("demo-widget-open")
}

// brandPage serves a pretend brand's site on its own origin: a page that
// embeds the widget from Signet's origin, and a backend endpoint that signs
// a fresh token (fetchIdentityToken).
func brandPage(t *testing.T, signetURL, appID, firstToken string, fresh func() string) string {
	page := template.Must(template.New("p").Parse(`<!doctype html><html><head><title>Brand</title></head>
<body><h1>Brand site</h1><p id="note">A page on another origin.</p>
<script src="{{.Signet}}/widget.js"></script>
<script>
Signet.boot({ appId: {{.App}}, identityToken: {{.Token}},
  fetchIdentityToken: async () => (await fetch("/token", {method: "POST"})).text() });
</script></body></html>`))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/token":
			fmt.Fprint(w, fresh())
		default:
			w.Header().Set("Content-Type", "text/html")
			page.Execute(w, map[string]string{"Signet": signetURL, "App": appID, "Token": firstToken})
		}
	}))
	t.Cleanup(srv.Close)
	// 127.0.0.1 vs localhost: another origin for the browser.
	return strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
}

// TestBrowserWidget: on a brand page of another origin the widget shows a
// verified user's history, and an agent's reply arrives live.
func TestBrowserWidget(t *testing.T) {
	s := start(t, "sqlite")
	ws := s.workspace("Acme")
	app := s.app(ws, map[string]any{"profile": "signet"})
	kid, secret := s.key(app)
	signer := sign.Signer{Profile: verify.Signet, Secret: secret, KeyID: kid, AppID: app, Now: s.Clock.Now}
	token := func() string {
		tok, err := signer.Token(sign.Claims{UserID: "alice", Email: "alice@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	// Alice's earlier issue, opened from another device.
	earlier := s.must(200, s.login(app, map[string]any{"identity_token": token()})).Str("session_token")
	issue := s.must(201, s.do("POST", "/v1/issues", earlier, map[string]any{"message": "Where is my parcel?"})).Str("id")
	agent := s.must(201, s.do("POST", "/api/admin/workspaces/"+ws+"/tokens", adminToken, map[string]any{"role": "agent"})).Str("token")

	var fetched atomic.Int32 // calls to the brand's fetchIdentityToken endpoint
	fresh := func() string { fetched.Add(1); return token() }
	b := newBrowser(t)
	b.run(chromedp.Navigate(brandPage(t, s.URL, app, token(), fresh)))
	b.waitFor("a verified login", widgetState+` === "verified"`)
	b.eval(`window.Signet.open()`)
	b.waitFor("the earlier issue in the list", inWidget(`shown.includes("Where is my parcel?")`))
	b.screenshot("widget-history")
	if b.eval(inWidget(`(() => { const card = root.querySelector('.card[data-id="`+issue+`"]'); card && card.click(); return !!card })()`)) != "true" {
		t.Fatal("no card for the earlier issue")
	}
	b.waitFor("the conversation", inWidget(`root.querySelector(".thread") && root.querySelector(".thread").textContent.includes("Where is my parcel?")`))
	s.must(201, s.do("POST", "/api/agent/issues/"+issue+"/messages", agent, map[string]any{"body": "It ships today, Alice!"}))
	b.waitFor("the agent's reply in the thread, live", inWidget(`root.querySelector(".thread").textContent.includes("It ships today, Alice!")`))
	b.screenshot("widget-live-reply")

	// Alice opens another issue from her other device: the open widget's
	// list shows it without a reload.
	other := s.must(201, s.do("POST", "/v1/issues", earlier, map[string]any{"message": "Also, the invoice is missing"})).Str("id")
	b.eval(inWidget(`(() => { const back = root.querySelector('button[aria-label="Back to your conversations"]'); back && back.click(); return !!back })()`))
	b.waitFor("the issue from the other device in the list", inWidget(`root.querySelector('.card[data-id="`+other+`"]') !== null && shown.includes("Also, the invoice is missing")`))
	if b.eval(inWidget(`(() => { const card = root.querySelector('.card[data-id="`+issue+`"]'); card && card.click(); return !!card })()`)) != "true" {
		t.Fatal("no card for the first issue after the list refreshed")
	}
	b.waitFor("the first conversation again", inWidget(`root.querySelector(".thread") && root.querySelector(".thread").textContent.includes("It ships today, Alice!")`))

	// A month later the session has expired: the next message makes the
	// widget fetch a fresh token and log in again, and the panel keeps
	// showing the conversation.
	s.Clock.Advance(31 * 24 * time.Hour)
	b.widgetSend("Still waiting, a month later")
	b.waitFor("the message sent after a fresh login", inWidget(`root.querySelector(".thread").textContent.includes("Still waiting, a month later")`))
	if fetched.Load() == 0 {
		t.Error("fetchIdentityToken was never called")
	}
	if b.eval(inWidget(`root.querySelector(".thread").textContent.includes("It ships today, Alice!")`)) != "true" {
		t.Error("the panel lost the conversation on re-login")
	}
	if st := b.eval(widgetState); st != "verified" {
		t.Errorf("state after re-login: %s", st)
	}
	msgs := s.must(200, s.do("GET", "/api/agent/issues/"+issue, agent, nil)).Body["messages"].([]any)
	if last := msgs[len(msgs)-1].(map[string]any); last["body"] != "Still waiting, a month later" || last["verified"] != true {
		t.Errorf("the message after re-login: %v", last)
	}
	// No third-party request: every resource came from the two origins.
	third := b.eval(`performance.getEntriesByType("resource").map(e => new URL(e.name).host).filter(h => h !== location.host && h !== "` + strings.TrimPrefix(s.URL, "http://") + `").join(",")`)
	if third != "" {
		t.Errorf("requests to third parties: %s", third)
	}
}

// TestBrowserAuthFailed: a forged token on a reject app shows the
// authentication-failed screen.
func TestBrowserAuthFailed(t *testing.T) {
	s := start(t, "sqlite")
	ws := s.workspace("Acme")
	app := s.app(ws, map[string]any{"profile": "signet", "on_failure": "reject"})
	kid, _ := s.key(app)
	forged, err := (&sign.Signer{Profile: verify.Signet, Secret: "not-the-apps-secret-0123456789", KeyID: kid, AppID: app, Now: s.Clock.Now}).Token(sign.Claims{UserID: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t)
	b.run(chromedp.Navigate(brandPage(t, s.URL, app, forged, func() string { return forged })))
	b.waitFor("the auth-failed state", widgetState+` === "auth-failed"`)
	b.eval(`window.Signet.open()`)
	b.waitFor("the authentication failed screen", inWidget(`/authentication failed/i.test(shown) && /couldn.t verify/i.test(shown)`))
	b.screenshot("widget-auth-failed")
}

// TestBrowserAnonymous: an app whose failure mode is anonymous works
// without an error, and an anonymous visitor can open an issue.
func TestBrowserAnonymous(t *testing.T) {
	s := start(t, "sqlite")
	ws := s.workspace("Acme")
	app := s.app(ws, map[string]any{"profile": "signet", "on_failure": "anonymous"})
	kid, _ := s.key(app)
	forged, _ := (&sign.Signer{Profile: verify.Signet, Secret: "not-the-apps-secret-0123456789", KeyID: kid, AppID: app, Now: s.Clock.Now}).Token(sign.Claims{UserID: "alice"})
	b := newBrowser(t)
	b.run(chromedp.Navigate(brandPage(t, s.URL, app, forged, func() string { return forged })))
	b.waitFor("the anonymous state", widgetState+` === "anonymous"`)
	b.eval(`window.Signet.open()`)
	b.waitFor("the composer, without an error", inWidget(`/how can we help/i.test(shown) && !/authentication failed/i.test(shown)`))
	b.widgetSend("Hello from an anonymous visitor")
	b.waitFor("the visitor's message in its conversation", inWidget(`root.querySelector(".thread") && root.querySelector(".thread").textContent.includes("Hello from an anonymous visitor")`))
	b.screenshot("widget-anonymous")
	issues := s.must(200, s.do("GET", "/api/agent/workspaces/"+ws+"/issues", adminToken, nil)).Body["issues"].([]any)
	if len(issues) != 1 || !strings.Contains(issues[0].(map[string]any)["preview"].(string), "anonymous visitor") {
		t.Errorf("the agents see %v", issues)
	}
}
