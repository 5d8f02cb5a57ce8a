package server_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/signet-id/signet/internal/server"
	"github.com/signet-id/signet/internal/testenv"
	"github.com/signet-id/signet/sign"
	"github.com/signet-id/signet/verify"
)

// The widths every page is looked at: a laptop and a phone.
var widths = []struct {
	name string
	w, h int64
}{{"1280", 1280, 900}, {"390", 390, 844}}

// axeSource is axe-core's browser build, installed from npm into
// testdata/axe (npm ci there when it is missing).
func axeSource(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("testdata", "axe")
	file := filepath.Join(dir, "node_modules", "axe-core", "axe.min.js")
	if _, err := os.Stat(file); err != nil {
		npm, err := exec.LookPath("npm")
		if err != nil {
			testenv.Need(t, "npm (to install axe-core for the accessibility check)")
		}
		cmd := exec.Command(npm, "ci", "--no-audit", "--no-fund", "--loglevel=error")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("npm ci in %s: %v\n%s", dir, err, out)
		}
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// axeViolations runs axe-core's WCAG 2 A and AA rules (contrast included)
// on the page and returns what fails, one line per rule.
func axeViolations(b *browser, axe string) []string {
	b.t.Helper()
	if b.eval(`typeof axe`) != "object" {
		b.eval(axe + ";'loaded'")
	}
	// axe reads every node: on a long page (the API reference) and a busy
	// machine that takes longer than a step's usual 30 s.
	ctx, cancel := context.WithTimeout(b.ctx, 3*time.Minute)
	defer cancel()
	var out string
	err := chromedp.Run(ctx, chromedp.Evaluate(`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}).then(r =>
		JSON.stringify(r.violations.map(v => v.id + " (" + v.impact + "): " + v.nodes.slice(0, 4).map(n => n.target.join(" ") + " — " + (n.failureSummary || "").replace(/\s+/g, " ")).join(" | "))))`, &out, awaitPromise))
	if err != nil {
		b.t.Fatalf("axe on %s: %v", b.eval("location.pathname"), err)
	}
	var v []string
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		b.t.Fatalf("axe: %v: %s", err, out)
	}
	return v
}

// TestBrowserAccessibility: every dashboard page, at 1280 px and 390 px,
// passes axe-core's WCAG 2 A/AA rules (text contrast at least 4.5:1), has a
// skip link that is the first thing Tab reaches and leads to the content,
// and is no wider than the screen. Screenshots of each.
func TestBrowserAccessibility(t *testing.T) {
	axe := axeSource(t)
	s := start(t, "sqlite")
	ws := s.workspace("Acme")
	web := s.app(ws, map[string]any{"name": "Acme web", "platform": "web", "profile": "signet", "enforcement": "monitor"})
	s.app(ws, map[string]any{"name": "Acme for iOS", "platform": "ios", "profile": "helpshift-legacy", "enforcement": "enforce"})
	kid, secret := s.Key(t, web)
	s.must(201, s.do("POST", "/api/admin/workspaces/"+ws+"/accounts", adminToken,
		map[string]any{"email": "maya@acme.example", "password": "correct horse battery staple", "role": "admin"}))
	tok, err := sign.Signer{Profile: verify.Signet, Secret: secret, KeyID: kid, AppID: web, Now: s.Clock.Now}.Token(sign.Claims{UserID: "user-42", Email: "jane@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	session := s.must(200, s.login(web, map[string]any{"identity_token": tok, "name": "Jane"})).Str("session_token")
	s.must(201, s.do("POST", "/v1/issues", session, map[string]any{"message": "My parcel never came."}))
	s.must(200, s.login(web, map[string]any{"user_id": "user-7", "name": "Mallory", "app_version": "1.0"}))

	b := newBrowser(t)
	b.signIn(s.URL, "maya@acme.example", "correct horse battery staple")

	pages := []struct{ name, path, ready string }{
		{"apps", "/dashboard/w/" + ws + "/apps", `document.querySelector("#app-create")`},
		{"app", "/dashboard/w/" + ws + "/apps/" + web, `document.querySelector("#install")`},
		{"test", "/dashboard/w/" + ws + "/apps/" + web + "/test", `document.querySelector("#test-form")`},
		{"log", "/dashboard/w/" + ws + "/log", `document.querySelector("main")`},
		{"team", "/dashboard/w/" + ws + "/team", `document.querySelector("main")`},
		{"audit", "/dashboard/w/" + ws + "/audit", `document.querySelector("main")`},
		{"inbox", "/dashboard/w/" + ws + "/inbox", `document.querySelector("[data-testid=issue-item]")`},
		{"reference", "/dashboard/reference", `document.querySelectorAll("[data-testid=api-operation]").length > 20`},
	}
	for _, w := range widths {
		b.run(chromedp.EmulateViewport(w.w, w.h))
		for _, p := range pages {
			b.run(chromedp.Navigate(s.URL + p.path))
			b.waitFor(p.name+" at "+w.name, p.ready)
			b.screenshot("a11y-" + p.name + "-" + w.name)
			for _, v := range axeViolations(b, axe) {
				t.Errorf("%s at %s px: %s", p.name, w.name, v)
			}
			if over := b.eval(`document.documentElement.scrollWidth - innerWidth`); over != "0" && !strings.HasPrefix(over, "-") {
				t.Errorf("%s at %s px is %s px wider than the screen", p.name, w.name, over)
			}
		}
	}
	// The skip link: first on Tab, and it moves focus to the content.
	b.run(chromedp.Navigate(s.URL+"/dashboard/w/"+ws+"/apps"), chromedp.WaitVisible("#app-create", chromedp.ByQuery))
	b.run(chromedp.KeyEvent(kb.Tab))
	if got := b.eval(`document.activeElement.className + " " + document.activeElement.getAttribute("href")`); got != "skip-link #content" {
		t.Errorf("the first Tab reaches %q, want the skip link", got)
	}
	b.run(chromedp.KeyEvent(kb.Enter))
	b.waitFor("focus on the content", `document.activeElement && document.activeElement.id === "content"`)
}

// TestBrowserAPIReference: "API reference" opens a page that shows every
// operation of the OpenAPI document, served by Signet itself.
func TestBrowserAPIReference(t *testing.T) {
	s := start(t, "sqlite")
	s.must(201, s.do("POST", "/api/admin/workspaces/"+s.workspace("Acme")+"/accounts", adminToken,
		map[string]any{"email": "maya@acme.example", "password": "correct horse battery staple", "role": "admin"}))
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal([]byte(s.must(200, s.do("GET", "/openapi.json", "", nil)).Raw), &doc); err != nil {
		t.Fatal(err)
	}
	ops := 0
	for _, item := range doc.Paths {
		for m := range item {
			if strings.Contains("get post put patch delete", m) {
				ops++
			}
		}
	}
	b := newBrowser(t)
	b.run(chromedp.Navigate(s.URL + "/dashboard/signin"))
	fill(b, "#signin-email", "maya@acme.example")
	fill(b, "#signin-password", "correct horse battery staple")
	click(b, "#signin-submit")
	b.waitFor("signed in", `document.querySelector("#nav-api") !== null`)
	click(b, "#nav-api")
	b.waitFor("the rendered reference", `document.querySelectorAll("[data-testid=api-operation]").length > 0`)
	if got := b.eval(`document.querySelectorAll("[data-testid=api-operation]").length`); got != itoa(ops) {
		t.Errorf("%s operations shown, the document has %d", got, ops)
	}
	login := `document.querySelector('[data-testid=api-operation][data-path="/v1/apps/{app}/login"][data-method=post]')`
	if got := b.eval(login + `.textContent`); !strings.Contains(got, "identity_token") || !strings.Contains(got, "401") {
		t.Errorf("the login operation lacks its fields or answers: %.300s", got)
	}
	b.screenshot("api-reference-1280")
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// TestBrowserDemoPhone: the demo page at 390 px is no wider than the
// screen, and the widget's full-screen panel, its close button and its
// composer are all on screen.
func TestBrowserDemoPhone(t *testing.T) {
	s := start(t, "sqlite", func(c *server.Config) { c.Demo = true })
	b := newBrowser(t)
	b.run(chromedp.EmulateViewport(390, 844))
	b.run(chromedp.Navigate(s.URL + "/demo"))
	b.waitFor("the widget to log in verified", widgetState+` === "verified"`)
	if over := b.eval(`document.documentElement.scrollWidth - innerWidth`); over != "0" && !strings.HasPrefix(over, "-") {
		t.Errorf("the demo page is %s px wider than a 390 px screen", over)
	}
	b.screenshot("demo-390")
	b.eval(`window.Signet.open()`)
	b.waitFor("the earlier conversation", inWidget(`shown.includes("wrong size")`))
	b.screenshot("demo-widget-open-390") // after the panel's opening transition
	offscreen := b.eval(`(() => { const root = document.getElementById("signet-widget").shadowRoot;
		const dialog = root.querySelector("[role=dialog]");
		const out = [];
		for (const e of [dialog, ...dialog.querySelectorAll("button, textarea, input")]) {
			if (!e.getClientRects().length) continue;
			const r = e.getBoundingClientRect();
			if (r.left < -1 || r.top < -1 || r.right > innerWidth + 1 || r.bottom > innerHeight + 1) out.push((e.getAttribute("aria-label") || e.tagName) + ": " + JSON.stringify(r));
		}
		return out.join("; "); })()`)
	if offscreen != "" {
		t.Errorf("off screen at 390 px: %s", offscreen)
	}
}

// TestBrowserReplySurvivesResolve: an agent types a reply, presses Resolve
// before sending it, and finds the reply still in the composer; sent, it is
// gone for good.
func TestBrowserReplySurvivesResolve(t *testing.T) {
	s := start(t, "sqlite")
	ws := s.workspace("Acme")
	app := s.app(ws, map[string]any{"name": "Acme web", "platform": "web", "profile": "signet", "enforcement": "monitor"})
	s.must(201, s.do("POST", "/api/admin/workspaces/"+ws+"/accounts", adminToken,
		map[string]any{"email": "sam@acme.example", "password": "correct horse battery staple", "role": "agent"}))
	session := s.must(200, s.login(app, map[string]any{"user_id": "user-9", "name": "Ann"})).Str("session_token")
	issue := s.must(201, s.do("POST", "/v1/issues", session, map[string]any{"message": "Where is my refund?"})).Str("id")

	b := newBrowser(t)
	b.signIn(s.URL, "sam@acme.example", "correct horse battery staple")
	b.run(chromedp.Navigate(s.URL + "/dashboard/w/" + ws + "/inbox?issue=" + issue))
	const draft = "Your refund left on Monday; it takes"
	b.run(chromedp.WaitVisible("#reply-body", chromedp.ByQuery), chromedp.SendKeys("#reply-body", draft, chromedp.ByQuery))
	click(b, "#issue-resolve")
	b.waitFor("the resolved issue", `document.querySelector("#issue-reopen") !== null`)
	if got := b.eval(`document.querySelector("#reply-body").value`); got != draft {
		t.Errorf("after Resolve the composer holds %q, want the typed reply", got)
	}
	b.screenshot("inbox-draft-after-resolve")
	click(b, "#reply-send")
	b.waitFor("the reply in the thread", `document.querySelector("#thread").textContent.includes("refund left on Monday")`)
	b.run(chromedp.Reload())
	b.waitFor("the page again", `document.querySelector("#reply-body") !== null`)
	if got := b.eval(`document.querySelector("#reply-body").value`); got != "" {
		t.Errorf("a sent reply comes back as a draft: %q", got)
	}
}
