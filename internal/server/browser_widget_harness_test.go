package server_test

// The harness of the widget's browser tests (browser_widget_test.go): the
// widget served from one origin through a proxy the test controls, a
// brand's page on another origin, and one isolated Chromium page per story,
// driven with chromedp like the dashboard's tests.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// widgetWait is how long a step waits for a condition: generous for a busy two-core machine.
const widgetWait = 30 * time.Second

// widgetProxy is the origin that serves widget.js and passes the API on to
// Signet, so a test can cut the event streams, refuse new ones, or make the
// network fail for messages.
type widgetProxy struct {
	*httptest.Server
	blockEvents atomic.Bool  // answer GET /v1/events with 503
	blocked     atomic.Int32 // how many were
	failPosts   atomic.Bool  // drop the connection of POST /v1/issues… (a network failure)
	down        atomic.Bool  // drop the connection of every /v1/ request (Signet unreachable)
	connected   atomic.Int32 // streams the server has said ": connected" on
	mu          sync.Mutex
	streams     map[*struct{}]context.CancelFunc
}

func newWidgetProxy(t *testing.T, signetURL string) *widgetProxy {
	target, _ := url.Parse(signetURL)
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.FlushInterval = -1
	p := &widgetProxy{streams: map[*struct{}]context.CancelFunc{}}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if (r.Method == "POST" && strings.HasPrefix(r.URL.Path, "/v1/issues") && p.failPosts.Load()) || (strings.HasPrefix(r.URL.Path, "/v1/") && p.down.Load()) {
			if hj, ok := w.(http.Hijacker); ok {
				if c, _, err := hj.Hijack(); err == nil {
					c.Close()
					return
				}
			}
		}
		if r.Method == "GET" && r.URL.Path == "/v1/events" {
			p.events(w, r, signetURL)
			return
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		p.dropStreams()
		p.CloseClientConnections()
		p.Close()
	})
	return p
}

// events passes one event stream on, noting when the server has subscribed it.
func (p *widgetProxy) events(w http.ResponseWriter, r *http.Request, signetURL string) {
	if p.blockEvents.Load() {
		p.blocked.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.WriteHeader(503)
		io.WriteString(w, `{"error":{"code":"unavailable","message":"blocked by the test"}}`)
		return
	}
	ctx, cancel := context.WithCancel(r.Context())
	key := &struct{}{}
	p.mu.Lock()
	p.streams[key] = cancel
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		delete(p.streams, key)
		p.mu.Unlock()
		cancel()
	}()
	req, _ := http.NewRequestWithContext(ctx, "GET", signetURL+r.URL.RequestURI(), nil)
	req.Header = r.Header.Clone()
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		w.WriteHeader(502)
		return
	}
	defer res.Body.Close()
	for k, v := range res.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(res.StatusCode)
	flusher, _ := w.(http.Flusher)
	if flusher != nil {
		flusher.Flush()
	}
	var head []byte
	counted := false
	defer func() {
		if counted {
			p.connected.Add(-1)
		}
	}()
	buf := make([]byte, 4096)
	for {
		n, err := res.Body.Read(buf)
		if n > 0 {
			if !counted && res.StatusCode == 200 {
				head = append(head, buf[:n]...)
				if bytes.Contains(head, []byte(": connected\n")) || bytes.Contains(head, []byte(": connected\r")) {
					counted = true
					p.connected.Add(1)
				}
			}
			if _, werr := w.Write(buf[:n]); werr != nil {
				return
			}
			if flusher != nil {
				flusher.Flush()
			}
		}
		if err != nil {
			return
		}
	}
}

// dropStreams cuts the event streams in flight (for tests of reconnection).
func (p *widgetProxy) dropStreams() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, cancel := range p.streams {
		cancel()
	}
}

// brandSite is a pretend brand's site on another origin (localhost, where
// the widget is on 127.0.0.1): /page.html embeds the widget with the boot
// options from its query string; /token signs a fresh identity token.
type brandSite struct {
	URL string
}

// The page's own styles are deliberately hostile: none of them may reach the widget.
const brandPageHTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Acme — a pretend brand</title>
<style>
  body { margin: 0; font: 18px/1.6 Georgia, serif; color: #333; background: #fbfaf7; }
  main { max-width: 720px; margin: 0 auto; padding: 48px 24px; }
  h1 { font-size: 40px; margin: 0 0 12px; }
  div, button, textarea { border: 3px dashed red !important; font-family: "Comic Sans MS", cursive; }
  button { background: hotpink; border-radius: 0; }
  * { letter-spacing: 2px; }
  #chat { height: 560px; max-width: 420px; margin: 24px auto; border: 0 !important; }
</style>
<!--HEAD-->
</head>
<body>
<main>
  <h1>Acme Outdoor</h1>
  <p>Tents, stoves and everything for the trail. This page stands for a brand's site;
     the support widget comes from the Signet server, on another origin.</p>
  <p><a href="#">A link on the page</a></p>
  <!--CHAT-->
</main>
<!--BODY-->
</body>
</html>
`

// The boot script: the query string is the options (keys starting with _ are
// the harness's; _json is a JSON object merged in, for options that are not strings).
const brandBootJS = `
  const q = new URLSearchParams(location.search);
  const o = Object.fromEntries([...q].filter(([k]) => !k.startsWith('_')));
  if (q.has('_json')) Object.assign(o, JSON.parse(q.get('_json')));
  if (o.fetchToken) {
    const p = new URLSearchParams(o.fetchToken);
    o.fetchIdentityToken = async () => {
      window.__fetched = (window.__fetched || 0) + 1;
      const r = await fetch('/token?' + p);
      if (!r.ok) throw new Error('no token');
      return r.text();
    };
    delete o.fetchToken;
  }
  window.__boot = Signet.boot(o);
`

// What a native app's WebView bridge looks like to the page (Android's
// addJavascriptInterface object): the test plays the app's side.
const nativeBridgeJS = `
  window.__native = [];
  window.SignetAndroid = { postMessage: (s) => window.__native.push(JSON.parse(s)) };
`

func newBrandSite(t *testing.T, widgetURL string, token func(q url.Values) string) *brandSite {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if r.URL.Path == "/token" && token != nil {
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, token(q))
			return
		}
		if r.URL.Path != "/page.html" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if q.Has("_csp") {
			// A strict brand page: no inline styles, Trusted Types, only the Signet host to talk to.
			w.Header().Set("Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline' "+widgetURL+"; connect-src 'self' "+widgetURL+
				"; style-src 'self'; img-src 'none'; font-src 'none'; require-trusted-types-for 'script'")
		}
		native := ""
		if q.Has("_native") {
			native = "<script>" + nativeBridgeJS + "</script>\n"
		}
		tags := native + `<script src="` + html.EscapeString(widgetURL) + `/widget.js"></script>` + "\n<script>" + brandBootJS + "</script>"
		page := brandPageHTML
		if q.Has("_inline") {
			page = strings.Replace(page, "<!--CHAT-->", `<div id="chat"></div>`, 1)
		}
		if q.Has("_head") {
			page = strings.Replace(page, "<!--HEAD-->", tags, 1)
		} else {
			page = strings.Replace(page, "<!--BODY-->", tags, 1)
		}
		io.WriteString(w, page)
	}))
	t.Cleanup(srv.Close)
	return &brandSite{URL: strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)}
}

// page is the brand page's URL with these boot options.
func (s *brandSite) page(o map[string]string) string {
	q := url.Values{}
	for k, v := range o {
		q.Set(k, v)
	}
	return s.URL + "/page.html?" + q.Encode()
}

// wpage is one Chromium page in its own browser context (its own storage),
// with what it logged and requested.
type wpage struct {
	t *testing.T
	*pageState
}

type pageState struct {
	ctx      context.Context
	mu       sync.Mutex
	console  []string
	logs     []string
	requests []string
}

// in is the same page, for a subtest (whose t a failure must stop).
func (p *wpage) in(t *testing.T) *wpage { return &wpage{t: t, pageState: p.pageState} }

type viewport struct {
	width, height int64
	mobile        bool
}

var desktop = viewport{1280, 800, false}

// newWPage opens a page in a browser of its own, closed at cleanup.
func newWPage(t *testing.T, vp viewport) *wpage {
	t.Helper()
	// A browser of its own, so its own storage (a device of its own, as the
	// stories need). Chromium's new browser contexts would be lighter, but
	// headless Chromium opens no tab in one without a window of its own.
	ctx := newBrowser(t).ctx
	p := &wpage{t: t, pageState: &pageState{ctx: ctx}}
	chromedp.ListenTarget(ctx, func(ev any) {
		p.mu.Lock()
		defer p.mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			var parts []string
			for _, a := range e.Args {
				var s string
				if json.Unmarshal(a.Value, &s) == nil {
					parts = append(parts, s)
				} else if len(a.Value) > 0 {
					parts = append(parts, string(a.Value))
				} else {
					parts = append(parts, a.Description)
				}
			}
			p.console = append(p.console, string(e.Type)+": "+strings.Join(parts, " "))
		case *runtime.EventExceptionThrown:
			p.console = append(p.console, "EXCEPTION "+e.ExceptionDetails.Error())
		case *log.EventEntryAdded:
			p.logs = append(p.logs, e.Entry.Text)
		case *network.EventRequestWillBeSent:
			p.requests = append(p.requests, e.Request.URL)
		}
	})
	p.run(network.Enable(), log.Enable(), p.viewportAction(vp))
	return p
}

func (p *wpage) viewportAction(vp viewport) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		if err := emulation.SetDeviceMetricsOverride(vp.width, vp.height, 1, vp.mobile).Do(ctx); err != nil {
			return err
		}
		return emulation.SetTouchEmulationEnabled(vp.mobile).Do(ctx)
	})
}

// resize sets the page's viewport.
func (p *wpage) resize(vp viewport) { p.t.Helper(); p.run(p.viewportAction(vp)) }

func (p *wpage) run(actions ...chromedp.Action) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, widgetWait)
	defer cancel()
	if err := chromedp.Run(ctx, actions...); err != nil {
		p.t.Fatalf("browser: %v", err)
	}
}

// goto navigates and waits until the new document has loaded.
func (p *wpage) goto_(u string) {
	p.t.Helper()
	p.loaded(func(ctx context.Context) error { _, _, _, _, err := page.Navigate(u).Do(ctx); return err })
}

func (p *wpage) reload() {
	p.t.Helper()
	p.loaded(func(ctx context.Context) error { return page.Reload().Do(ctx) })
}

// loaded runs a navigation and waits until a new document is complete (the
// old one is marked first, so its own readyState does not count).
func (p *wpage) loaded(navigate func(context.Context) error) {
	p.t.Helper()
	p.eval(`window.__old = true`)
	p.run(chromedp.ActionFunc(navigate))
	p.wait("the page to load", `!window.__old && document.readyState === 'complete'`)
}

// inShadow wraps an expression so that S is the widget's shadow root (or null).
func inShadow(expr string) string {
	return `(async () => { const S = (document.getElementById("signet-widget") || {}).shadowRoot || null; return (` + expr + `); })()`
}

// eval evaluates an expression (S is the widget's shadow root; promises are
// awaited) and returns its value as a string ("" for null and undefined).
func (p *wpage) eval(expr string) string {
	p.t.Helper()
	v, err := p.try(expr)
	if err != nil {
		p.t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

func (p *wpage) try(expr string) (string, error) {
	var out any
	ctx, cancel := context.WithTimeout(p.ctx, widgetWait)
	defer cancel()
	err := chromedp.Run(ctx, chromedp.Evaluate(inShadow(expr), &out, awaitPromise))
	if err != nil {
		return "", err
	}
	if out == nil {
		return "", nil
	}
	if s, ok := out.(string); ok {
		return s, nil
	}
	j, _ := json.Marshal(out)
	return string(j), nil
}

// wait polls an expression until it is truthy and returns its value.
func (p *wpage) wait(what, expr string, timeout ...time.Duration) string {
	p.t.Helper()
	limit := widgetWait
	if len(timeout) > 0 {
		limit = timeout[0]
	}
	deadline := time.Now().Add(limit)
	for {
		v, err := p.try(`(() => { try { return (` + expr + `) || null; } catch { return null; } })()`)
		if err == nil && v != "" && v != "false" && v != "0" {
			return v
		}
		if time.Now().After(deadline) {
			p.shot("timeout-" + slug(what))
			p.t.Fatalf("timed out after %s waiting for %s (%s): %v\nconsole: %s", limit, what, expr, err, strings.Join(p.consoleLines(), "\n"))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// boot waits for Signet.boot()'s promise and returns the state it resolved to.
func (p *wpage) boot() string {
	p.t.Helper()
	return p.eval(`Promise.race([window.__boot, new Promise((r) => setTimeout(() => r('boot timed out'), 30000))])`)
}

// settled waits until the widget's finite animations have ended.
func (p *wpage) settled() {
	p.t.Helper()
	p.wait("the widget to stop animating", `!S || S.getAnimations().every((a) => a.playState !== 'running' || a.effect.getComputedTiming().endTime === Infinity)`)
}

// click is a real mouse click at the center of the element an expression
// names, once it has stopped moving and nothing covers that point.
func (p *wpage) click(expr string) {
	p.t.Helper()
	p.settled()
	box := p.wait(expr+" to be clickable", `(() => { const el = (`+expr+`); const r = el.getBoundingClientRect();
		const x = r.x + r.width / 2, y = r.y + r.height / 2; const hit = el.getRootNode().elementFromPoint(x, y);
		return r.width > 0 && el.contains(hit) && JSON.stringify([x, y]); })()`)
	var xy [2]float64
	if err := json.Unmarshal([]byte(box), &xy); err != nil {
		p.t.Fatalf("click %s: %v (%s)", expr, err, box)
	}
	p.run(chromedp.MouseClickXY(xy[0], xy[1]))
}

// key presses one key (kb.Enter, kb.Escape, kb.Tab) on what has the focus:
// a key down (carrying "\r" for Enter, which the composer turns into a send)
// and a key up, as a keyboard does.
func (p *wpage) key(k string) {
	p.t.Helper()
	names := map[string]struct {
		name string
		code int64
	}{kb.Enter: {"Enter", 13}, kb.Escape: {"Escape", 27}, kb.Tab: {"Tab", 9}}
	n, ok := names[k]
	if !ok {
		p.t.Fatalf("key %q", k)
	}
	p.run(chromedp.ActionFunc(func(ctx context.Context) error {
		down := input.DispatchKeyEvent(input.KeyDown).WithKey(n.name).WithCode(n.name).WithWindowsVirtualKeyCode(n.code).WithNativeVirtualKeyCode(n.code)
		if k == kb.Enter {
			down = down.WithText("\r")
		}
		if err := down.Do(ctx); err != nil {
			return err
		}
		return input.DispatchKeyEvent(input.KeyUp).WithKey(n.name).WithCode(n.name).WithWindowsVirtualKeyCode(n.code).WithNativeVirtualKeyCode(n.code).Do(ctx)
	}))
}

// typeText types into what has the focus.
func (p *wpage) typeText(s string) {
	p.t.Helper()
	p.run(chromedp.ActionFunc(func(ctx context.Context) error { return input.InsertText(s).Do(ctx) }))
}

// sendText writes a message in the composer and presses Enter.
func (p *wpage) sendText(s string) {
	p.t.Helper()
	p.eval(`S.querySelector('textarea').focus()`)
	p.typeText(s)
	p.key(kb.Enter)
}

// shot saves a screenshot of the page once the widget has stopped moving.
func (p *wpage) shot(name string) {
	p.t.Helper()
	if _, err := p.try(`!S || S.getAnimations().every((a) => a.playState !== 'running' || a.effect.getComputedTiming().endTime === Infinity)`); err != nil {
		return
	}
	(&browser{t: p.t, ctx: p.ctx}).screenshot("widget-" + name)
}

func (p *wpage) consoleLines() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.console...)
}

func (p *wpage) logLines() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.logs...)
}

func (p *wpage) requested() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.requests...)
}

// origins are the origins of the http(s) requests a page made.
func (p *wpage) origins() []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range p.requested() {
		u, err := url.Parse(r)
		if err != nil || !strings.HasPrefix(u.Scheme, "http") {
			continue
		}
		o := u.Scheme + "://" + u.Host
		if !seen[o] {
			seen[o] = true
			out = append(out, o)
		}
	}
	return out
}

// until waits for a condition of the test's own (not the page's).
func until(t *testing.T, what string, limit time.Duration, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(limit); !ok(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", limit, what)
		}
	}
}

func mustEqual(t *testing.T, what string, got, want any) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("%s: got %v, want %v", what, got, want)
	}
}
