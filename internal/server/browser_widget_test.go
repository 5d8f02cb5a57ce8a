package server_test

// The web widget end to end in Debian's Chromium: a real Signet server, the
// widget served from one origin and a brand's page on another (the harness:
// browser_widget_harness_test.go). These stories were web/widget's
// scripts/e2e.mjs (a hand-written DevTools client); they run on chromedp
// now, as the dashboard's tests do, with every assertion kept.

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp/kb"

	"github.com/signet-id/signet/internal/server"
	"github.com/signet-id/signet/sign"
	"github.com/signet-id/signet/verify"
)

const (
	wState  = `(document.getElementById('signet-widget') || {dataset: {}}).dataset.signetState`
	wActive = `(S.activeElement && (S.activeElement.getAttribute('aria-label') || S.activeElement.className || S.activeElement.tagName))`
	wLive   = `S.querySelector('[aria-live=polite]').textContent`
)

// widgetApp is an app of the stories' server with its key.
type widgetApp struct{ id, kid, secret string }

type widgetWorld struct {
	s     *testServer
	ws    string
	agent string
	proxy *widgetProxy
	site  *brandSite
}

func (w *widgetWorld) app(t *testing.T, profile, enforcement, onFailure string) widgetApp {
	w.s.t = t
	id := w.s.app(w.ws, map[string]any{"name": profile + " " + enforcement, "profile": profile, "enforcement": enforcement, "on_failure": onFailure})
	kid, secret := w.s.key(id)
	return widgetApp{id, kid, secret}
}

func (w *widgetWorld) digest(t *testing.T, a widgetApp, uid string) string {
	d, err := (sign.Signer{Profile: verify.Intercom, Secret: a.secret, AppID: a.id, Now: w.s.Clock.Now}).Digest(sign.Claims{UserID: uid})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func (w *widgetWorld) token(t *testing.T, a widgetApp, uid string) string {
	tok, err := (sign.Signer{Profile: verify.Signet, Secret: a.secret, KeyID: a.kid, AppID: a.id, Now: w.s.Clock.Now}).Token(sign.Claims{UserID: uid})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// TestBrowserWidgetStories: a visitor's story from anonymous to verified,
// live replies and reconnection, re-login, failures, strict pages, phones.
func TestBrowserWidgetStories(t *testing.T) {
	// In parallel with the package's other browser tests: each has its own
	// server and browsers, and together they stay within go test's 10 minutes.
	t.Parallel()
	s := start(t, "sqlite")
	w := &widgetWorld{s: s}
	w.ws = s.workspace("Acme")
	rej := w.app(t, "intercom", "enforce", "reject")
	mon := w.app(t, "intercom", "monitor", "reject")
	jwt := w.app(t, "signet", "enforce", "reject")
	w.agent = s.must(201, s.do("POST", "/api/admin/workspaces/"+w.ws+"/tokens", adminToken, map[string]any{"role": "agent"})).Str("token")
	w.proxy = newWidgetProxy(t, s.URL)
	w.site = newBrandSite(t, w.proxy.URL, func(q url.Values) string { return w.token(t, jwt, q.Get("uid")) })
	if w.proxy.URL == w.site.URL {
		t.Fatal("the widget and the page must be on two origins")
	}
	// Every story starts a minute later: the per-address limits on
	// unsigned logins count per minute, and this server's clock is the test's.
	run := func(name string, f func(t *testing.T)) {
		s.Clock.Advance(time.Minute)
		t.Run(name, func(t *testing.T) { s.t = t; f(t) })
		s.t = t
	}

	// One visitor's page, shared by the stories that follow their story.
	visitor := newWPage(t, desktop)

	run("anonymous visitor boots, opens, writes; the host comes from the script URL", func(t *testing.T) {
		p := visitor.in(t)
		p.goto_(w.site.page(map[string]string{"appId": rej.id}))
		mustEqual(t, "boot", p.boot(), "anonymous")
		mustEqual(t, "state", p.eval(wState), "anonymous")
		mustEqual(t, "aria-expanded", p.eval(`S.querySelector('.launcher').getAttribute('aria-expanded')`), "false")
		p.shot("launcher-1280")
		p.click(`S.querySelector('.launcher')`)
		mustEqual(t, "aria-expanded", p.eval(`S.querySelector('.launcher').getAttribute('aria-expanded')`), "true")
		mustEqual(t, "aria-modal", p.eval(`S.querySelector('[role=dialog]').getAttribute('aria-modal')`), "false")
		mustEqual(t, "the dialog's label", p.eval(`S.getElementById(S.querySelector('[role=dialog]').getAttribute('aria-labelledby')).textContent`), "Support")
		mustEqual(t, "focus moves into the panel", p.eval(`S.activeElement && S.activeElement.tagName`), "TEXTAREA")
		p.shot("anonymous-new-1280")
		p.sendText("Hello, my order #1234 never arrived.")
		p.wait("the message", `S.querySelectorAll('.msg.user').length === 1`)
		if !strings.Contains(p.eval(`S.querySelector('.msg.user .bubble').textContent`), "order #1234") {
			t.Error("the bubble lacks the message")
		}
		mustEqual(t, "focus stays in the composer", p.eval(`S.activeElement && S.activeElement.tagName`), "TEXTAREA")
		got := p.origins()
		want := []string{w.site.URL, w.proxy.URL}
		slices.Sort(got)
		slices.Sort(want)
		mustEqual(t, "requests only to the page and the Signet host", got, want)
	})

	run("Escape closes and focus returns to the launcher", func(t *testing.T) {
		p := visitor.in(t)
		p.key(kb.Escape)
		mustEqual(t, "hidden", p.eval(`S.querySelector('[role=dialog]').hidden`), "true")
		mustEqual(t, "focus", p.eval(wActive), "Open support chat")
	})

	run("reload: the anonymous visitor keeps their issue", func(t *testing.T) {
		p := visitor.in(t)
		p.reload()
		mustEqual(t, "boot", p.boot(), "anonymous")
		p.eval(`Signet.open()`)
		p.wait("one card", `S.querySelectorAll('.card').length === 1`)
		if !regexp.MustCompile(`(?s)Open.*order #1234`).MatchString(p.eval(`S.querySelector('.card').textContent`)) {
			t.Error("the card lacks the issue")
		}
		mustEqual(t, "focus on the first conversation", p.eval(`S.activeElement && S.activeElement.className`), "card")
	})

	run("verified login on the same device takes the anonymous issues over", func(t *testing.T) {
		p := visitor.in(t)
		p.goto_(w.site.page(map[string]string{"appId": rej.id, "userId": "user-42", "email": "jane@example.com", "userHash": w.digest(t, rej, "user-42"), "name": "Jane"}))
		mustEqual(t, "boot", p.boot(), "verified")
		mustEqual(t, "state", p.eval(wState), "verified")
		p.eval(`Signet.open()`)
		p.wait("one card", `S.querySelectorAll('.card').length === 1`)
		if !strings.Contains(p.eval(`S.querySelector('.card').textContent`), "order #1234") {
			t.Error("the anonymous issue was not handed over")
		}
		mustEqual(t, "the anonymous session is forgotten", p.eval(`localStorage.getItem('signet:anon:`+rej.id+`@`+w.proxy.URL+`') === null`), "true")
	})

	var issueID string
	run("an agent reply and a status change arrive live and are announced", func(t *testing.T) {
		p := visitor.in(t)
		p.click(`S.querySelector('.card')`)
		p.wait("the conversation", `S.querySelectorAll('.msg').length === 1`)
		issueID = s.must(200, s.do("GET", "/api/agent/workspaces/"+w.ws+"/issues", w.agent, nil)).Body["issues"].([]any)[0].(map[string]any)["id"].(string)
		// The server has subscribed this page's stream: what follows is pushed, not re-read.
		until(t, "a connected event stream", widgetWait, func() bool { return w.proxy.connected.Load() > 0 })
		s.must(201, s.do("POST", "/api/agent/issues/"+issueID+"/messages", w.agent, map[string]any{"body": "Sorry about that! It ships today: https://example.com/track/1234."}))
		p.wait("the reply", `S.querySelectorAll('.msg.agent').length === 1`)
		p.wait("the reply announced", `/New reply from Support/.test(`+wLive+`)`)
		mustEqual(t, "the link", p.eval(`S.querySelector('.msg.agent a').href`), "https://example.com/track/1234")
		s.must(200, s.do("POST", "/api/agent/issues/"+issueID+"/resolve", w.agent, map[string]any{}))
		p.wait("the resolved banner", `!S.querySelector('.banner').hidden`)
		p.wait("the status change announced", `/resolved/.test(`+wLive+`)`)
		p.shot("verified-thread-1280")
	})

	run("the user replies (the issue reopens); the list shows it newest first", func(t *testing.T) {
		p := visitor.in(t)
		p.sendText("Thanks!")
		p.wait("the reply", `S.querySelectorAll('.msg.user').length === 2`)
		p.wait("no banner", `S.querySelector('.banner').hidden`)
		p.eval(`S.querySelector('[aria-label="Back to your conversations"]').click()`)
		p.wait("the issue open again", `S.querySelector('.card .st').textContent === 'Open'`)
		p.shot("verified-list-1280")
	})

	run("a verified reload reuses its session: no new login, no new verification", func(t *testing.T) {
		p := visitor.in(t)
		before := len(p.requested())
		p.reload()
		mustEqual(t, "boot", p.boot(), "verified")
		for _, u := range p.requested()[before:] {
			if strings.Contains(u, "/login") {
				t.Errorf("a login after the reload: %s", u)
			}
		}
	})

	run("the stream reconnects with backoff and re-reads what it missed", func(t *testing.T) {
		p := visitor.in(t)
		p.eval(`Signet.open()`)
		p.click(`S.querySelector('.card')`)
		p.wait("the messages", `S.querySelectorAll('.msg').length >= 3`)
		until(t, "a connected event stream", widgetWait, func() bool { return w.proxy.connected.Load() > 0 })
		refused := w.proxy.blocked.Load()
		w.proxy.blockEvents.Store(true)
		w.proxy.dropStreams()
		s.must(201, s.do("POST", "/api/agent/issues/"+issueID+"/messages", w.agent, map[string]any{"body": "Written while you were offline"}))
		// The widget keeps trying (and is refused) twice: the stream is down meanwhile.
		until(t, "two reconnection attempts", 60*time.Second, func() bool { return w.proxy.blocked.Load() >= refused+2 })
		mustEqual(t, "nothing arrives while the stream is down", p.eval(`S.querySelector('.msgs').textContent.includes('offline')`), "false")
		w.proxy.blockEvents.Store(false)
		p.wait("the missed message", `S.querySelector('.msgs').textContent.includes('Written while you were offline')`, 60*time.Second)
		until(t, "a connected event stream again", widgetWait, func() bool { return w.proxy.connected.Load() > 0 })
		s.must(201, s.do("POST", "/api/agent/issues/"+issueID+"/messages", w.agent, map[string]any{"body": "And live again"}))
		p.wait("a live message", `S.querySelector('.msgs').textContent.includes('And live again')`)
	})

	run("styles stay in the shadow root; reduced motion turns animations off", func(t *testing.T) {
		p := visitor.in(t)
		mustEqual(t, "only the page's own styles", p.eval(`document.querySelectorAll('style, link[rel=stylesheet]').length`), "1")
		mustEqual(t, "no adopted sheet on the page", p.eval(`document.adoptedStyleSheets.length`), "0")
		if p.eval(`getComputedStyle(S.querySelector('.launcher')).fontFamily`) == "" {
			t.Error("no font on the launcher")
		}
		mustEqual(t, "the page's dashed borders", p.eval(`getComputedStyle(S.querySelector('.card, .msg .bubble')).borderStyle.includes('dashed')`), "false")
		p.run(emulation.SetEmulatedMedia().WithFeatures([]*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}}))
		mustEqual(t, "animation", p.eval(`getComputedStyle(S.querySelector('.panel')).animationName`), "none")
		p.run(emulation.SetEmulatedMedia().WithFeatures([]*emulation.MediaFeature{}))
	})

	run("Tab reaches every control, with a visible focus style", func(t *testing.T) {
		p := visitor.in(t)
		p.eval(`S.querySelector('[aria-label="Back to your conversations"]').click()`)
		p.eval(`S.querySelector('[aria-label="Close support chat"]').focus()`)
		var seen []string
		for i := 0; i < 3; i++ {
			p.key(kb.Tab)
			seen = append(seen, p.eval(wActive))
		}
		mustEqual(t, "close → conversation → new conversation → launcher", seen, []string{"card", "primary", "Close support chat"})
		if p.eval(`(() => { S.querySelector('.primary').focus(); return getComputedStyle(S.querySelector('.primary')).outlineStyle; })()`) == "none" {
			t.Error("no focus outline")
		}
	})

	run("session revoked: fetchIdentityToken, log in again, retry once, the panel kept", func(t *testing.T) {
		p := newWPage(t, desktop)
		p.goto_(w.site.page(map[string]string{"appId": jwt.id, "identityToken": w.token(t, jwt, "user-77"), "fetchToken": "uid=user-77"}))
		mustEqual(t, "boot", p.boot(), "verified")
		p.eval(`Signet.open()`)
		p.sendText("First message")
		p.wait("the first message", `S.querySelectorAll('.msg.user').length === 1`)
		s.must(200, s.do("POST", "/api/admin/apps/"+jwt.id+"/sessions/revoke", adminToken, map[string]any{}))
		p.sendText("Second message")
		p.wait("the second message", `S.querySelectorAll('.msg.user').length === 2`)
		mustEqual(t, "fresh tokens fetched", p.eval(`window.__fetched`), "1")
		mustEqual(t, "state", p.eval(wState), "verified")
		if !regexp.MustCompile(`(?s)First message.*Second message`).MatchString(p.eval(`S.querySelector('.msgs').textContent`)) {
			t.Error("the panel lost the conversation")
		}
	})

	run("session revoked without fetchIdentityToken: authentication failed for a verified user, the draft kept", func(t *testing.T) {
		p := newWPage(t, desktop)
		p.goto_(w.site.page(map[string]string{"appId": jwt.id, "identityToken": w.token(t, jwt, "user-78")}))
		mustEqual(t, "boot", p.boot(), "verified")
		p.eval(`Signet.open()`)
		// A draft in the composer when the session ends: the revocation
		// reaches the widget through its live stream within a second
		// (streams close on revocation), whether or not a send fails first.
		p.eval(`S.querySelector('textarea').focus()`)
		p.typeText("Hello?")
		s.must(200, s.do("POST", "/api/admin/apps/"+jwt.id+"/sessions/revoke", adminToken, map[string]any{}))
		p.key(kb.Enter)
		p.wait("auth-failed", wState+` === 'auth-failed'`)
		if !strings.Contains(p.eval(`S.querySelector('.main').textContent`), "Authentication failed") {
			t.Error("no authentication failed screen")
		}
		p.wait("the console warning naming the cause", `true`)
		if !slices.ContainsFunc(p.consoleLines(), func(l string) bool {
			return strings.Contains(l, "[expired]") && strings.Contains(l, "fetchIdentityToken")
		}) {
			t.Errorf("no console warning for the expired session: %q", p.consoleLines())
		}
		mustEqual(t, "the draft is kept for after Retry", p.eval(`S.querySelector('textarea').value`), "Hello?")
	})

	run("a bad signature on a reject app: the calm failure screen, the reason in the console", func(t *testing.T) {
		p := newWPage(t, desktop)
		p.goto_(w.site.page(map[string]string{"appId": rej.id, "userId": "user-42", "userHash": w.digest(t, rej, "someone-else")}))
		mustEqual(t, "boot", p.boot(), "auth-failed")
		mustEqual(t, "state", p.eval(wState), "auth-failed")
		p.eval(`Signet.open()`)
		text := p.eval(`S.querySelector('.main').textContent`)
		if !strings.Contains(text, "We couldn't verify your identity. Please sign in again or contact support.") {
			t.Errorf("the screen says %q", text)
		}
		// The reason code is the developer's: in the console, never on the end user's screen.
		if strings.Contains(text, "code:") || strings.Contains(text, "signature_mismatch") {
			t.Errorf("a raw code on the end user's screen: %q", text)
		}
		if !slices.ContainsFunc(p.consoleLines(), func(l string) bool {
			return strings.Contains(l, "Signet: ") && strings.Contains(l, "signature_mismatch") && strings.Contains(l, "[rejected]")
		}) {
			t.Errorf("no console warning with the reason code: %q", p.consoleLines())
		}
		mustEqual(t, "the Retry button", p.eval(`S.querySelector('.retry') && S.querySelector('.retry').textContent`), "Try again")
		p.shot("auth-failed-1280")
		p.resize(viewport{390, 844, true})
		p.shot("auth-failed-390")
	})

	run("a bad signature on a monitor app: unverified", func(t *testing.T) {
		p := newWPage(t, desktop)
		p.goto_(w.site.page(map[string]string{"appId": mon.id, "userId": "user-9", "userHash": "deadbeef"}))
		mustEqual(t, "boot", p.boot(), "unverified")
	})

	run(`429: "sending messages too fast", with Retry-After`, func(t *testing.T) {
		p := newWPage(t, desktop)
		p.goto_(w.site.page(map[string]string{"appId": rej.id}))
		p.boot()
		p.eval(`Signet.open()`)
		// The server allows 5 new issues a minute per session: the sixth is refused.
		sent := 0
		for refused := false; !refused; sent++ {
			if sent >= 20 {
				t.Fatal("no 429 after 20 new issues")
			}
			p.eval(`S.querySelector('[aria-label="Back to your conversations"]').hidden || S.querySelector('[aria-label="Back to your conversations"]').click()`)
			if sent > 0 {
				p.eval(`S.querySelector('.primary').click()`)
			}
			p.sendText(fmt.Sprintf("Issue %d", sent))
			refused = p.wait("sent or refused", `!S.querySelector('.notice').hidden ? 'refused' : S.querySelectorAll('.msg.user').length === 1 && 'sent'`) == "refused"
		}
		if sent < 6 {
			t.Errorf("refused after %d issues, not 5", sent-1)
		}
		if !regexp.MustCompile(`You're sending messages too fast — try again in \d+ s`).MatchString(p.eval(`S.querySelector('.notice').textContent`)) {
			t.Error("no rate-limit notice")
		}
		mustEqual(t, "the draft is kept", p.eval(`S.querySelector('textarea').value`), fmt.Sprintf("Issue %d", sent-1))
		p.shot("rate-limited-1280")
	})

	run("a strict page: CSP without unsafe-inline styles, Trusted Types, tags in <head>", func(t *testing.T) {
		p := newWPage(t, desktop)
		p.goto_(w.site.page(map[string]string{"appId": rej.id, "_csp": "1", "_head": "1"}))
		mustEqual(t, "boot", p.boot(), "anonymous")
		p.eval(`Signet.open()`)
		mustEqual(t, "the widget is styled", p.eval(`getComputedStyle(S.querySelector('.launcher')).borderRadius`), "50%")
		mustEqual(t, "the panel", p.eval(`getComputedStyle(S.querySelector('.panel')).position`), "fixed")
		p.sendText("From a strict page")
		p.wait("the message", `S.querySelectorAll('.msg.user').length === 1`)
		until(t, "the CSP in force (the page's own <style> refused)", widgetWait, func() bool {
			return slices.ContainsFunc(p.logLines(), func(l string) bool { return strings.Contains(l, "Content Security Policy") })
		})
		for _, v := range p.logLines() {
			if strings.Contains(v, "Content Security Policy") && (!regexp.MustCompile(`inline style|style-src`).MatchString(v) || strings.Contains(v, "widget")) {
				t.Errorf("a violation caused by the widget: %s", v)
			}
		}
		for _, l := range p.consoleLines() {
			if strings.HasPrefix(l, "EXCEPTION") {
				t.Errorf("an exception: %s", l)
			}
		}
	})

	run("served by the Signet server itself (GET /widget.js), embedded on another origin", func(t *testing.T) {
		r := s.do("GET", "/widget.js", "", nil)
		mustEqual(t, "status", r.Status, 200)
		if !strings.Contains(r.Header.Get("Content-Type"), "javascript") {
			t.Errorf("content type %q", r.Header.Get("Content-Type"))
		}
		if r.Header.Get("Cross-Origin-Resource-Policy") == "same-origin" {
			t.Error("CORP same-origin on widget.js")
		}
		direct := newBrandSite(t, s.URL, nil)
		p := newWPage(t, desktop)
		p.goto_(direct.page(map[string]string{"appId": mon.id, "userId": "user-direct", "userHash": w.digest(t, mon, "user-direct")}))
		mustEqual(t, "boot", p.boot(), "verified")
		p.eval(`Signet.open()`)
		p.sendText("Hello from a page on another origin")
		p.wait("the message", `S.querySelectorAll('.msg.user').length === 1`)
		got := p.origins()
		want := []string{s.URL, direct.URL}
		slices.Sort(got)
		slices.Sort(want)
		mustEqual(t, "origins", got, want)
	})

	run("phones: the panel takes the whole screen", func(t *testing.T) {
		p := newWPage(t, viewport{390, 844, true})
		p.goto_(w.site.page(map[string]string{"appId": rej.id, "accentColor": "#0f766e"}))
		p.boot()
		p.shot("launcher-390")
		p.resize(viewport{375, 740, true})
		p.eval(`Signet.open()`)
		p.settled() // after the opening animation
		p.wait("a full-screen panel", `(() => { const r = S.querySelector('[role=dialog]').getBoundingClientRect(); return [r.x, r.y, r.width, r.height].join() === '0,0,375,740'; })()`)
		mustEqual(t, "the header has the close button", p.eval(`getComputedStyle(S.querySelector('.launcher')).display`), "none")
		p.shot("mobile-375")
		p.resize(viewport{390, 844, true})
		p.wait("a full-screen panel at 390 px", `(() => { const r = S.querySelector('[role=dialog]').getBoundingClientRect(); return [r.x, r.y, r.width, r.height].join() === '0,0,390,844'; })()`)
		p.wait("the close button and the composer on screen", `[S.querySelector('[aria-label="Close support chat"]'), S.querySelector('textarea')].every((el) => { const r = el.getBoundingClientRect(); return r.left >= 0 && r.right <= 390 && r.bottom <= 844 && r.width > 0; })`)
		p.shot("panel-390")
	})

	run("shutdown removes the widget; boot again replaces it", func(t *testing.T) {
		p := visitor.in(t)
		p.eval(`Signet.shutdown()`)
		mustEqual(t, "hosts", p.eval(`document.querySelectorAll('#signet-widget').length`), "0")
		p.eval(`Signet.boot({ appId: '` + rej.id + `' })`)
		p.eval(`Signet.boot({ appId: '` + rej.id + `' })`)
		mustEqual(t, "hosts", p.eval(`document.querySelectorAll('#signet-widget').length`), "1")
		p.wait("anonymous", wState+` === 'anonymous'`)
	})

	run("no console errors, no token in the console", func(t *testing.T) {
		p := visitor.in(t)
		for _, l := range p.consoleLines() {
			if regexp.MustCompile(`(?i)EXCEPTION|error`).MatchString(l) {
				t.Errorf("console: %s", l)
			}
			if strings.Contains(l, "sst_") {
				t.Errorf("a token in the console: %s", l)
			}
		}
	})
}

// TestBrowserWidgetSessionExpired: a verified user logs in again with a
// fresh token; an anonymous visitor gets a new anonymous session.
func TestBrowserWidgetSessionExpired(t *testing.T) {
	// In parallel with the package's other browser tests: each has its own
	// server and browsers, and together they stay within go test's 10 minutes.
	t.Parallel()
	s := start(t, "sqlite", func(c *server.Config) { c.SessionLifetime = time.Hour })
	w := &widgetWorld{s: s}
	w.ws = s.workspace("Short")
	a := w.app(t, "signet", "enforce", "reject")
	w.proxy = newWidgetProxy(t, s.URL)
	w.site = newBrandSite(t, w.proxy.URL, func(url.Values) string { return w.token(t, a, "user-5") })
	stored := func(p *wpage, kind string) string {
		return p.wait("the stored "+kind+" session", `JSON.parse(localStorage.getItem('signet:`+kind+`:`+a.id+`@`+w.proxy.URL+`')).t`)
	}
	v := newWPage(t, desktop)
	an := newWPage(t, desktop)
	v.goto_(w.site.page(map[string]string{"appId": a.id, "identityToken": w.token(t, a, "user-5"), "fetchToken": "x=1"}))
	an.goto_(w.site.page(map[string]string{"appId": a.id}))
	mustEqual(t, "verified boot", v.boot(), "verified")
	mustEqual(t, "anonymous boot", an.boot(), "anonymous")
	v.eval(`Signet.open()`)
	v.sendText("Before expiry")
	v.wait("the message", `S.querySelectorAll('.msg.user').length === 1`)
	an.eval(`Signet.open()`)
	anSession := stored(an, "anon")
	stored(v, "session")
	fetched := v.eval(`window.__fetched || 0`)
	s.Clock.Advance(2 * time.Hour)
	r := s.do("GET", "/v1/issues", anSession, nil)
	mustEqual(t, "the anonymous session expired", r.Status, 401)

	v.sendText("After expiry")
	v.wait("the message after expiry", `S.querySelectorAll('.msg.user').length === 2`)
	mustEqual(t, "one fresh token for one expired session", v.eval(`window.__fetched`), fmt.Sprint(atoi(fetched)+1))
	mustEqual(t, "state", v.eval(wState), "verified")
	if !regexp.MustCompile(`(?s)Before expiry.*After expiry`).MatchString(v.eval(`S.querySelector('.msgs').textContent`)) {
		t.Error("the panel lost the conversation")
	}
	an.sendText("Anonymous after expiry")
	an.wait("the anonymous message", `S.querySelectorAll('.msg.user').length === 1`)
	mustEqual(t, "state", an.eval(wState), "anonymous")
	if stored(an, "anon") == anSession {
		t.Error("no new anonymous session")
	}
}

func atoi(s string) int {
	n := 0
	fmt.Sscan(s, &n)
	return n
}

// TestBrowserWidgetFailures: every failure gives the end user a calm,
// translated message with Retry and no raw code, the developer a console
// line naming the cause, boot() a documented state; nothing typed is lost.
func TestBrowserWidgetFailures(t *testing.T) {
	// In parallel with the package's other browser tests: each has its own
	// server and browsers, and together they stay within go test's 10 minutes.
	t.Parallel()
	s := start(t, "sqlite")
	w := &widgetWorld{s: s}
	w.ws = s.workspace("Acme")
	rej := w.app(t, "intercom", "enforce", "reject")
	jwt := w.app(t, "signet", "enforce", "reject")
	w.proxy = newWidgetProxy(t, s.URL)
	var fresh atomic.Value
	fresh.Store("")
	w.site = newBrandSite(t, w.proxy.URL, func(q url.Values) string {
		if v := fresh.Load().(string); v != "" {
			return v
		}
		return w.token(t, jwt, q.Get("uid"))
	})
	warned := func(p *wpage, parts ...string) bool {
		return slices.ContainsFunc(p.consoleLines(), func(l string) bool {
			for _, part := range parts {
				if !strings.Contains(l, part) {
					return false
				}
			}
			return strings.HasPrefix(l, "warning: Signet")
		})
	}
	calm := func(t *testing.T, p *wpage) {
		t.Helper()
		text := p.eval(`S.querySelector('.main').textContent`)
		if regexp.MustCompile(`code:|not_found|signature_mismatch|unauthenticated|http_\d`).MatchString(text) {
			t.Errorf("a raw code on the end user's screen: %q", text)
		}
	}

	t.Run("an unknown app id", func(t *testing.T) {
		p := newWPage(t, desktop)
		p.goto_(w.site.page(map[string]string{"appId": "app_doesnotexist"}))
		mustEqual(t, "boot", p.boot(), "unavailable")
		mustEqual(t, "state", p.eval(wState), "unavailable")
		p.eval(`Signet.open()`)
		if !strings.Contains(p.eval(`S.querySelector('.main').textContent`), "Support chat is unavailable") {
			t.Error("no unavailable message")
		}
		calm(t, p)
		mustEqual(t, "Retry", p.eval(`S.querySelector('.retry').textContent`), "Try again")
		if !warned(p, `no app has the id "app_doesnotexist"`, "[unknown_app]") {
			t.Errorf("console: %q", p.consoleLines())
		}
		p.shot("unavailable-1280")
	})

	t.Run("an unsigned login on an enforcing app", func(t *testing.T) {
		p := newWPage(t, desktop)
		p.goto_(w.site.page(map[string]string{"appId": rej.id, "userId": "user-1"}))
		mustEqual(t, "boot", p.boot(), "auth-failed")
		p.eval(`Signet.open()`)
		calm(t, p)
		if !warned(p, "enforces verification", "[unsigned_refused]") {
			t.Errorf("console: %q", p.consoleLines())
		}
	})

	t.Run("a rejected token, then Retry with a fresh one from fetchIdentityToken", func(t *testing.T) {
		forged, _ := (sign.Signer{Profile: verify.Signet, Secret: "not-the-apps-secret-0123456789", KeyID: jwt.kid, AppID: jwt.id, Now: s.Clock.Now}).Token(sign.Claims{UserID: "user-r"})
		fresh.Store(forged)
		p := newWPage(t, desktop)
		p.goto_(w.site.page(map[string]string{"appId": jwt.id, "identityToken": forged, "fetchToken": "uid=user-r"}))
		mustEqual(t, "boot", p.boot(), "auth-failed")
		if !warned(p, "signature_mismatch", "[rejected]") {
			t.Errorf("console: %q", p.consoleLines())
		}
		p.eval(`Signet.open()`)
		fresh.Store("")
		p.click(`S.querySelector('.retry')`)
		p.wait("verified after Retry", wState+` === 'verified'`)
		p.wait("the welcome screen", `/How can we help/.test(S.querySelector('.main').textContent)`)
	})

	t.Run("a network failure: boot resolves connecting, and the widget keeps trying", func(t *testing.T) {
		p := newWPage(t, desktop)
		p.goto_(w.site.page(map[string]string{"appId": rej.id, "host": "http://127.0.0.1:1"}))
		mustEqual(t, "boot", p.boot(), "connecting")
		if !warned(p, "cannot reach http://127.0.0.1:1", "[network]") {
			t.Errorf("console: %q", p.consoleLines())
		}
		p.eval(`Signet.open()`)
		p.wait("the connecting screen", `/We can't reach support right now/.test(S.querySelector('.main').textContent)`, 60*time.Second)
		calm(t, p)
		p.shot("connecting-1280")
	})

	t.Run("Signet unreachable at boot: connecting, then the widget connects by itself", func(t *testing.T) {
		w.proxy.down.Store(true)
		defer w.proxy.down.Store(false)
		p := newWPage(t, desktop)
		p.goto_(w.site.page(map[string]string{"appId": rej.id}))
		mustEqual(t, "boot", p.boot(), "connecting")
		mustEqual(t, "state", p.eval(wState), "connecting")
		p.eval(`Signet.open()`)
		p.wait("the connecting screen with Try again", `/We can't reach support right now/.test(S.querySelector('.main').textContent) && S.querySelector('.retry')`, 60*time.Second)
		if !warned(p, "[network]") {
			t.Errorf("console: %q", p.consoleLines())
		}
		w.proxy.down.Store(false)
		p.click(`S.querySelector('.retry')`)
		p.wait("the widget connected", wState+` === 'anonymous'`, 60*time.Second)
		p.wait("the welcome screen", `/How can we help/.test(S.querySelector('.main').textContent)`)
	})

	t.Run("a message that fails to send stays in the composer", func(t *testing.T) {
		p := newWPage(t, desktop)
		p.goto_(w.site.page(map[string]string{"appId": rej.id}))
		mustEqual(t, "boot", p.boot(), "anonymous")
		p.eval(`Signet.open()`)
		w.proxy.failPosts.Store(true)
		p.sendText("Please keep this text")
		p.wait("the offline notice", `!S.querySelector('.notice').hidden && /couldn't reach support/.test(S.querySelector('.notice').textContent)`)
		mustEqual(t, "the draft", p.eval(`S.querySelector('textarea').value`), "Please keep this text")
		if !warned(p, "[network]") {
			t.Errorf("console: %q", p.consoleLines())
		}
		w.proxy.failPosts.Store(false)
		p.eval(`S.querySelector('textarea').focus()`)
		p.key(kb.Enter)
		p.wait("sent once the network is back", `S.querySelectorAll('.msg.user').length === 1`)
		mustEqual(t, "the composer empties", p.eval(`S.querySelector('textarea').value`), "")
	})

	t.Run("wrong options: a console line each, boot still resolves", func(t *testing.T) {
		p := newWPage(t, desktop)
		p.goto_(w.site.page(map[string]string{"appId": rej.id, "accentColour": "red", "accentColor": "not-a-colour", "_json": `{"launcher": "no"}`}))
		mustEqual(t, "boot", p.boot(), "anonymous")
		for _, want := range []string{`unknown option "accentColour"`, `"not-a-colour" is not a CSS color`, `option "launcher" must be a boolean`} {
			if !slices.ContainsFunc(p.consoleLines(), func(l string) bool { return strings.Contains(l, want) }) {
				t.Errorf("no console line %q: %q", want, p.consoleLines())
			}
		}
		mustEqual(t, "no appId", p.eval(`Signet.boot({})`), "unavailable")
	})
}

// TestBrowserWidgetEmbedding: the inline mode, no launcher, customisation
// (title, greeting, French, colours, position), bidirectional text, and the
// WebView bridge's JavaScript side.
func TestBrowserWidgetEmbedding(t *testing.T) {
	// In parallel with the package's other browser tests: each has its own
	// server and browsers, and together they stay within go test's 10 minutes.
	t.Parallel()
	s := start(t, "sqlite")
	w := &widgetWorld{s: s}
	w.ws = s.workspace("Acme")
	jwt := w.app(t, "signet", "enforce", "reject")
	w.agent = s.must(201, s.do("POST", "/api/admin/workspaces/"+w.ws+"/tokens", adminToken, map[string]any{"role": "agent"})).Str("token")
	w.proxy = newWidgetProxy(t, s.URL)
	w.site = newBrandSite(t, w.proxy.URL, func(q url.Values) string { return w.token(t, jwt, q.Get("uid")) })

	t.Run("inline: the chat in the page's element, no launcher, no close button", func(t *testing.T) {
		p := newWPage(t, desktop)
		p.goto_(w.site.page(map[string]string{"appId": jwt.id, "_inline": "1", "_json": `{"container": "#chat"}`}))
		mustEqual(t, "boot", p.boot(), "anonymous")
		mustEqual(t, "inside the container", p.eval(`document.getElementById('signet-widget').parentElement.id`), "chat")
		mustEqual(t, "the panel shows without a click", p.eval(`S.querySelector('[role=dialog]').hidden`), "false")
		mustEqual(t, "no launcher", p.eval(`getComputedStyle(S.querySelector('.launcher')).display`), "none")
		mustEqual(t, "no close button", p.eval(`S.querySelector('[aria-label="Close support chat"]').hidden`), "true")
		mustEqual(t, "in the page's flow", p.eval(`getComputedStyle(S.querySelector('.panel')).position`), "relative")
		mustEqual(t, "the panel fills the element", p.eval(`(() => { const c = document.getElementById('chat').getBoundingClientRect(), r = S.querySelector('.panel').getBoundingClientRect(); return Math.abs(c.width - r.width) < 1 && Math.abs(c.height - r.height) < 1; })()`), "true")
		mustEqual(t, "the page keeps its focus", p.eval(`document.activeElement === document.body`), "true")
		p.sendText("Hello from the inline chat")
		p.wait("the message", `S.querySelectorAll('.msg.user').length === 1`)
		p.key(kb.Escape)
		mustEqual(t, "Escape does not close it", p.eval(`S.querySelector('[role=dialog]').hidden`), "false")
		p.shot("inline-1280")
		p.resize(viewport{390, 844, true})
		p.wait("the inline panel fits 390 px", `(() => { const r = S.querySelector('.panel').getBoundingClientRect(); return r.left >= 0 && r.right <= 390; })()`)
		p.shot("inline-390")
	})

	t.Run("no launcher: the page opens the panel itself", func(t *testing.T) {
		p := newWPage(t, desktop)
		p.goto_(w.site.page(map[string]string{"appId": jwt.id, "_json": `{"launcher": false}`}))
		mustEqual(t, "boot", p.boot(), "anonymous")
		mustEqual(t, "no launcher", p.eval(`S.querySelector('.launcher').hidden`), "true")
		mustEqual(t, "closed", p.eval(`S.querySelector('[role=dialog]').hidden`), "true")
		p.eval(`Signet.open()`)
		p.wait("open", `!S.querySelector('[role=dialog]').hidden`)
		p.eval(`S.querySelector('[aria-label="Close support chat"]').click()`)
		p.wait("closed again", `S.querySelector('[role=dialog]').hidden`)
	})

	t.Run("customised: French, a title and greeting, colours, on the left", func(t *testing.T) {
		p := newWPage(t, desktop)
		p.goto_(w.site.page(map[string]string{"appId": jwt.id, "locale": "fr", "greeting": "Une question sur votre commande ?",
			"_json": `{"colors": {"accent": "#7c3aed", "header": "#111827", "launcher": "#f59e0b"}, "position": "left", "strings": {"newConversation": "Écrire à Acme"}}`}))
		mustEqual(t, "boot", p.boot(), "anonymous")
		mustEqual(t, "the launcher on the left", p.eval(`(() => { const r = S.querySelector('.launcher').getBoundingClientRect(); return r.left < 40; })()`), "true")
		mustEqual(t, "the launcher's label in French", p.eval(`S.querySelector('.launcher').getAttribute('aria-label')`), "Ouvrir le chat d'assistance")
		mustEqual(t, "the launcher's colour", p.eval(`getComputedStyle(S.querySelector('.launcher')).backgroundColor`), "rgb(245, 158, 11)")
		p.eval(`Signet.open()`)
		mustEqual(t, "the French title", p.eval(`S.getElementById('sg-title').textContent`), "Assistance")
		mustEqual(t, "the header's colour", p.eval(`getComputedStyle(S.querySelector('.hd')).backgroundColor`), "rgb(17, 24, 39)")
		mustEqual(t, "white on a dark header", p.eval(`getComputedStyle(S.querySelector('.hd')).color`), "rgb(255, 255, 255)")
		text := p.eval(`S.querySelector('.main').textContent`)
		for _, want := range []string{"Comment pouvons-nous vous aider ?", "Une question sur votre commande ?", "Vos conversations sont conservées dans ce navigateur."} {
			if !strings.Contains(text, want) {
				t.Errorf("the welcome screen lacks %q: %q", want, text)
			}
		}
		mustEqual(t, "the placeholder", p.eval(`S.querySelector('textarea').placeholder`), "Décrivez votre question…")
		p.sendText("Bonjour")
		p.wait("the message", `S.querySelectorAll('.msg.user').length === 1`)
		p.eval(`S.querySelector('[aria-label="Retour à vos conversations"]').click()`)
		p.wait("the list in French", `S.querySelector('.cards-title').textContent === 'Vos conversations' && S.querySelector('.primary').textContent === 'Écrire à Acme'`)
		p.shot("french-left-1280")
		w.s.t = t
		p2 := newWPage(t, desktop)
		p2.goto_(w.site.page(map[string]string{"appId": jwt.id, "title": "Acme Help"}))
		p2.boot()
		p2.eval(`Signet.open()`)
		mustEqual(t, "the title", p2.eval(`S.getElementById('sg-title').textContent`), "Acme Help")
	})

	t.Run("bidi: a right-to-left override in a name and a message stays inside them", func(t *testing.T) {
		w.s.t = t
		p := newWPage(t, desktop)
		evilName := "\u202eNadia"
		p.goto_(w.site.page(map[string]string{"appId": jwt.id, "identityToken": w.token(t, jwt, "user-bidi"), "_json": `{"strings": {"agent": "` + evilName + `"}}`}))
		mustEqual(t, "boot", p.boot(), "verified")
		p.eval(`Signet.open()`)
		p.sendText("\u202eevil text")
		p.wait("the message", `S.querySelectorAll('.msg.user').length === 1`)
		issue := ""
		for _, i := range s.must(200, s.do("GET", "/api/agent/workspaces/"+w.ws+"/issues", w.agent, nil)).Body["issues"].([]any) {
			if m := i.(map[string]any); strings.Contains(fmt.Sprint(m["preview"]), "evil text") {
				issue = m["id"].(string)
			}
		}
		if issue == "" {
			t.Fatal("the agents do not see the issue")
		}
		s.must(201, s.do("POST", "/api/agent/issues/"+issue+"/messages", w.agent, map[string]any{"body": "Hello \u202eevil reply"}))
		p.wait("the agent's reply", `S.querySelectorAll('.msg.agent').length === 1`)
		// Bodies: each bubble is its own direction-isolated paragraph.
		mustEqual(t, "bubbles dir=auto and isolated", p.eval(`[...S.querySelectorAll('.bubble')].every((b) => b.getAttribute('dir') === 'auto' && ['isolate', 'plaintext'].includes(getComputedStyle(b).unicodeBidi))`), "true")
		// The name: in a <bdi>, so its override does not reverse the time after it.
		mustEqual(t, "the name in <bdi>", p.eval(`S.querySelector('.msg.agent .meta bdi').textContent`), evilName)
		mustEqual(t, "the time stays after the name", p.eval(`(() => { const m = S.querySelector('.msg.agent .meta'); const n = m.querySelector('bdi').getBoundingClientRect(), t = m.querySelector('time').getBoundingClientRect(); return t.left >= n.right - 1; })()`), "true")
		mustEqual(t, "the composer is dir=auto", p.eval(`S.querySelector('textarea').getAttribute('dir')`), "auto")
		p.shot("bidi-1280")
	})

	t.Run("the WebView bridge: state out, fresh tokens in", func(t *testing.T) {
		w.s.t = t
		p := newWPage(t, viewport{390, 844, true})
		p.goto_(w.site.page(map[string]string{"appId": jwt.id, "identityToken": w.token(t, jwt, "user-app"), "_native": "android", "_inline": "1", "_json": `{"container": "#chat"}`}))
		mustEqual(t, "boot", p.boot(), "verified")
		state := p.wait("the state posted to the app", `JSON.stringify(window.__native.filter((m) => m.type === 'signet:state').pop())`)
		if !strings.Contains(state, `"state":"verified"`) || !strings.Contains(state, `"verified":true`) || !strings.Contains(state, `"userId":"usr_`) {
			t.Errorf("the state message: %s", state)
		}
		if strings.Contains(p.eval(`JSON.stringify(window.__native)`), "sst_") {
			t.Error("a session token passed to the app")
		}
		p.sendText("From the app")
		p.wait("the message", `S.querySelectorAll('.msg.user').length === 1`)
		s.must(200, s.do("POST", "/api/admin/apps/"+jwt.id+"/sessions/revoke", adminToken, map[string]any{}))
		p.sendText("After the revocation")
		// The app is asked for a fresh token, and hands one in (as evaluateJavascript would).
		reqID := p.wait("a token request", `(window.__native.find((m) => m.type === 'signet:token-request') || {}).id`)
		mustEqual(t, "answered", p.eval(`Signet.provideIdentityToken(`+jsString(reqID)+`, `+jsString(w.token(t, jwt, "user-app"))+`)`), "true")
		p.wait("the message after the fresh login", `S.querySelectorAll('.msg.user').length === 2`)
		mustEqual(t, "still verified", p.eval(wState), "verified")
		p.shot("webview-390")
	})
}
