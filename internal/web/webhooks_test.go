package web_test

import (
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/signet-id/signet/internal/outbound"
	"github.com/signet-id/signet/internal/server"
	"github.com/signet-id/signet/internal/webhook"
)

var webhookSecretValue = regexp.MustCompile(`id="new-webhook-secret" class="mono" readonly value="(whsec_[^"]+)"`)

// webhookSecret is the secret a page shows, unescaped; "" when none.
func webhookSecret(body string) string {
	m := webhookSecretValue.FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// TestWebhooksPage: an admin adds an endpoint in the dashboard and sees its
// secret once; a URL the outbound policy refuses is shown with the reason;
// the endpoint's page shows its delivery log, whose failed delivery the
// admin resends; rotate, pause and delete work; agents and another
// workspace's admin are kept out.
func TestWebhooksPage(t *testing.T) {
	var fail atomic.Bool
	fail.Store(true)
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if fail.Load() {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer receiver.Close()
	policy, _ := outbound.ParsePolicy("127.0.0.1")
	e := start(t, func(c *server.Config) {
		c.Outbound = policy
		c.Webhooks = webhook.Config{Poll: 20 * time.Millisecond, FirstRetry: time.Second, MaxRetry: time.Second}
	})
	ws, other := e.workspace("Acme"), e.workspace("Globex")
	e.account(ws, "admin@acme.example", "admin")
	e.account(ws, "agent@acme.example", "agent")
	e.account(other, "admin@globex.example", "admin")
	b := e.browser()
	b.signIn("admin@acme.example")
	list := "/dashboard/w/" + ws + "/webhooks"
	p := b.get(list)
	if p.Status != 200 || !p.has(`id="webhook-create-form"`) {
		t.Fatalf("webhooks page: %d %s", p.Status, excerpt(p.Body))
	}
	nonce := nonceOf(p.Body)
	p = b.post(list, url.Values{"url": {"http://hooks.example.com/x"}, "event": {"key.created"}, "nonce": {nonce}})
	if p.Status != 400 || !p.has("https") {
		t.Fatalf("a plain-HTTP URL: %d %s", p.Status, excerpt(p.Body))
	}
	p = b.post(list, url.Values{"url": {receiver.URL + "/hook"}, "event": {"key.created", "key.revoked"},
		"description": {"alerts"}, "nonce": {nonceOf(p.Body)}})
	secret := webhookSecret(p.Body)
	if p.Status != 201 || secret == "" {
		t.Fatalf("endpoint created: %d %s", p.Status, excerpt(p.Body))
	}
	e.Remember("webhook secret", secret)
	if p := b.get(list); strings.Contains(p.Body, secret) || !p.has(`data-testid="webhook-row"`) {
		t.Fatalf("the list shows the secret again, or no row: %s", excerpt(p.Body))
	}
	id := regexp.MustCompile(`data-webhook-id="(whk_[a-z2-7]{16})"`).FindStringSubmatch(p.Body)[1]

	// A key made: its delivery fails at first; the log shows it.
	app := e.app(ws, map[string]any{"profile": "signet"})
	e.key(app)
	page := list + "/" + id
	deadline := time.Now().Add(10 * time.Second)
	for p = b.get(page); !p.has(`data-status="pending"`) || !p.has("HTTP 500"); p = b.get(page) {
		if time.Now().After(deadline) {
			t.Fatalf("the delivery log never showed the failed attempt: %s", excerpt(p.Body))
		}
		time.Sleep(50 * time.Millisecond)
	}
	event := regexp.MustCompile(`data-event-id="(evt_[a-z2-7]{16})"`).FindStringSubmatch(p.Body)[1]
	fail.Store(false)
	p = b.post(page+"/deliveries/"+event+"/resend", nil)
	for ; !p.has(`data-status="delivered"`); p = b.get(page) {
		if time.Now().After(deadline) {
			t.Fatalf("the resent delivery was never delivered: %s", excerpt(p.Body))
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !p.has("HTTP 204") {
		t.Errorf("delivered row: %s", excerpt(p.Body))
	}

	// Rotate: a new secret, once; pause; delete.
	p = b.post(page+"/rotate", url.Values{"nonce": {nonceOf(p.Body)}})
	if s := webhookSecret(p.Body); p.Status != 200 || s == "" || s == secret {
		t.Fatalf("rotation: %d %s", p.Status, excerpt(p.Body))
	} else {
		e.Remember("webhook secret", s)
	}
	if p = b.post(page+"/state", url.Values{"disabled": {"true"}}); !p.has(`id="webhook-enable"`) {
		t.Fatalf("paused: %s", excerpt(p.Body))
	}

	// Others are kept out.
	agent := e.browser()
	agent.signIn("agent@acme.example")
	if p := agent.get(list); p.Status != 403 {
		t.Errorf("an agent on the webhooks page: %d", p.Status)
	}
	if p := agent.get(page); p.Status != 403 {
		t.Errorf("an agent on an endpoint's page: %d", p.Status)
	}
	stranger := e.browser()
	stranger.signIn("admin@globex.example")
	if p := stranger.get(page); p.Status != 404 {
		t.Errorf("another workspace's admin on the endpoint's page: %d", p.Status)
	}
	if p := stranger.get("/dashboard/w/" + other + "/webhooks/" + id); p.Status != 404 {
		t.Errorf("the endpoint under another workspace's path: %d", p.Status)
	}

	if p = b.post(page+"/delete", nil); p.Status != 200 || p.has(`data-testid="webhook-row"`) {
		t.Fatalf("deleted: %d %s", p.Status, excerpt(p.Body))
	}
}
