package server_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserSmoke: the browser starts and reads a page of the server.
func TestBrowserSmoke(t *testing.T) {
	s := start(t, "sqlite")
	b := newBrowser(t)
	b.run(chromedp.Navigate(s.URL + "/healthz"))
	if got := b.eval("document.body.innerText"); !strings.Contains(got, `"ok"`) {
		t.Errorf("page text %q", got)
	}
}
