package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/signet-id/signet/internal/testenv"
)

// browser is one headless Debian Chromium, driven over the DevTools protocol.
type browser struct {
	t   *testing.T
	ctx context.Context
}

// chromium finds Debian's Chromium; the project never downloads a browser.
func chromium(t *testing.T) string {
	for _, p := range []string{os.Getenv("SIGNET_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := exec.LookPath(p); err == nil {
			return p
		}
	}
	testenv.Need(t, "Chromium (apt-get install chromium)")
	return ""
}

// newBrowser starts a browser for the test, closed at cleanup.
func newBrowser(t *testing.T) *browser {
	t.Helper()
	// Not t.TempDir: Chromium's helper processes can still be writing the
	// profile for a moment after the browser exits, which would fail the
	// test at cleanup. The profile is removed with retries instead.
	profile, err := os.MkdirTemp("", "signet-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(profile),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.WindowSize(1440, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() {
		// Close the browser politely (Browser.close), then stop the process.
		closeCtx, stop := context.WithTimeout(context.Background(), 5*time.Second)
		defer stop()
		_ = chromedp.Cancel(ctx)
		cancel()
		cancelAlloc()
		removeProfile(closeCtx, t, profile)
	})
	if err := chromedp.Run(ctx); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	return &browser{t: t, ctx: ctx}
}

// removeProfile deletes a browser profile directory, retrying while
// Chromium's last helper processes finish writing to it.
func removeProfile(ctx context.Context, t *testing.T, dir string) {
	for {
		err := os.RemoveAll(dir)
		if err == nil {
			return
		}
		select {
		case <-ctx.Done():
			t.Logf("leaving the browser profile %s behind: %v", dir, err)
			return
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// tab opens a new tab (its own page) in the same browser.
func (b *browser) tab() *browser {
	ctx, cancel := chromedp.NewContext(b.ctx)
	b.t.Cleanup(cancel)
	if err := chromedp.Run(ctx); err != nil {
		b.t.Fatal(err)
	}
	return &browser{t: b.t, ctx: ctx}
}

func (b *browser) run(actions ...chromedp.Action) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Run(ctx, actions...); err != nil {
		b.t.Fatalf("browser: %v", err)
	}
}

// eval runs a JavaScript expression and returns its value as a string.
func (b *browser) eval(expr string) string {
	b.t.Helper()
	var out any
	b.run(chromedp.Evaluate(expr, &out, awaitPromise))
	if out == nil {
		return ""
	}
	return fmt.Sprint(out)
}

func awaitPromise(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }

// waitFor polls a JavaScript expression until it is truthy.
func (b *browser) waitFor(what, expr string) {
	b.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		var ok bool
		err := chromedp.Run(b.ctx, chromedp.Evaluate("Boolean("+expr+")", &ok))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			b.screenshot("timeout-" + slug(what))
			b.t.Fatalf("waiting for %s: %v (expression %s)", what, err, expr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// screenshot saves the page as a test artifact: $SIGNET_ARTIFACTS (or
// .artifacts/ at the repository's root)/screenshots/NAME.png.
func (b *browser) screenshot(name string) string {
	b.t.Helper()
	// Let the widget's and the dashboard's transitions finish: a picture
	// for people to look at, not a timing assertion.
	b.run(chromedp.Sleep(600 * time.Millisecond))
	var png []byte
	if err := chromedp.Run(b.ctx, chromedp.FullScreenshot(&png, 100)); err != nil { // quality 100 writes PNG, below it JPEG
		b.t.Logf("screenshot %s: %v", name, err)
		return ""
	}
	dir := os.Getenv("SIGNET_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("..", "..", ".artifacts")
	}
	dir = filepath.Join(dir, "screenshots")
	os.MkdirAll(dir, 0o755)
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
	}
	return path
}

func slug(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, strings.ToLower(s))
}

// widgetSend types a message into the widget's composer and sends it, once
// the composer is on screen and not busy sending: the panel opens on a
// loading view whose (hidden) composer ignores a send.
func (b *browser) widgetSend(text string) {
	b.t.Helper()
	b.waitFor("the widget's composer", inWidget(`root.querySelector("form.composer:not([hidden]) textarea") !== null && root.querySelector("button.send:not([aria-disabled])") !== null`))
	b.eval(inWidget(`(() => { const ta = root.querySelector("textarea"); ta.value = ` + jsString(text) + `;
		ta.dispatchEvent(new Event("input", {bubbles: true})); root.querySelector("button.send").click(); return true })()`))
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	q, _ := json.Marshal(s)
	return string(q)
}

// inWidget is a JavaScript expression evaluated inside the widget's shadow
// root; `shown` is the text a person sees there (without the screen-reader
// announcements, which repeat new messages).
func inWidget(expr string) string {
	return `(() => { const h = document.getElementById("signet-widget"); const root = h && h.shadowRoot; if (!root) return null;
		const copy = document.createElement("div"); copy.append(...[...root.children].map(n => n.cloneNode(true)));
		copy.querySelectorAll(".sr, [hidden]").forEach(n => n.remove()); const shown = copy.textContent;
		return (` + expr + `); })()`
}
