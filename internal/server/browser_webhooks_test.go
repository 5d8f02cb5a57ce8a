package server_test

import (
	"net/http"
	"strings"
	"testing"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// TestBrowserWebhooks: in a real browser, an admin adds a webhook endpoint,
// copies its secret (shown once), sees a key's event delivered to the
// loopback receiver signed with that secret, and resends it from the
// delivery log.
func TestBrowserWebhooks(t *testing.T) {
	rc := newReceiver(t, func(int, *http.Request) int { return http.StatusNoContent })
	s := start(t, "sqlite", loopbackHooks(t))
	ws := s.workspace("Acme")
	s.must(201, s.do("POST", "/api/admin/workspaces/"+ws+"/accounts", adminToken,
		map[string]any{"email": "admin@acme.example", "password": "correct horse battery staple", "role": "admin"}))
	app := s.app(ws, map[string]any{"profile": "signet"})

	b := newBrowser(t)
	b.run(cdpbrowser.GrantPermissions([]cdpbrowser.PermissionType{cdpbrowser.PermissionTypeClipboardReadWrite, cdpbrowser.PermissionTypeClipboardSanitizedWrite}).WithOrigin(s.URL))
	b.signIn(s.URL, "admin@acme.example", "correct horse battery staple")
	click(b, "#nav-webhooks")
	b.waitFor("the webhooks page", `document.querySelector("#webhook-create-form") !== null`)

	// A refused URL: the reason shows, nothing is saved.
	fill(b, "#webhook-url", "https://10.0.0.8/hook")
	click(b, "#webhook-create")
	b.waitFor("the refusal", `document.body.textContent.includes("private")`)
	if n := b.eval(`String(document.querySelectorAll("[data-testid=webhook-row]").length)`); n != "0" {
		t.Fatalf("a refused endpoint is listed (%s rows)", n)
	}

	fill(b, "#webhook-url", rc.URL+"/hook")
	fill(b, "#webhook-description", "key alerts")
	b.eval(`document.querySelectorAll("[data-testid=webhook-event]").forEach(c => { c.checked = c.value === "key.created" }); "ok"`)
	click(b, "#webhook-create")
	b.waitFor("the new secret", `document.querySelector("#new-webhook-secret") !== null`)
	secret := strings.TrimSpace(b.eval(`document.querySelector("#new-webhook-secret").value`))
	click(b, "#copy-webhook-secret")
	if copied := b.eval(`navigator.clipboard.readText()`); copied != secret || !strings.HasPrefix(secret, "whsec_") {
		t.Errorf("the clipboard holds %q, the page showed %q", copied, secret)
	}
	b.screenshot("dashboard-webhook-created")

	// A key made: its event reaches the receiver, signed with the copied secret.
	s.key(app)
	rc.waitFor(t, 1)
	checkSignature(t, rc.requests()[0], secret)

	// The delivery log shows it delivered; Resend sends it again, same id.
	b.run(chromedp.Navigate(s.URL + "/dashboard/w/" + ws + "/webhooks"))
	click(b, "[data-testid=webhook-row] a")
	b.waitFor("the delivered row", `(() => { const r = document.querySelector("[data-testid=delivery-row]"); if (!r) { location.reload(); return false } return r.dataset.status === "delivered" })()`)
	b.screenshot("dashboard-webhook-log")
	click(b, "[data-testid=delivery-resend]")
	rc.waitFor(t, 2)
	got := rc.requests()
	if got[1].header.Get("webhook-id") != got[0].header.Get("webhook-id") {
		t.Errorf("the resend carries another id: %s, then %s", got[0].header.Get("webhook-id"), got[1].header.Get("webhook-id"))
	}
	checkSignature(t, got[1], secret)
}
