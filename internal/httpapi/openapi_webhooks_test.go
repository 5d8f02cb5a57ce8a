package httpapi

import (
	"maps"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/outbound"
	"github.com/signet-id/signet/internal/secretbox"
	"github.com/signet-id/signet/internal/store"
	"github.com/signet-id/signet/internal/webhook"
)

// oaWebhookService is the live test's webhook service: deliveries may reach
// the test's loopback receiver, and the retry window is a second of the
// test's clock, so that an endpoint is disabled within the test.
func oaWebhookService(t *testing.T, st store.Store, box *secretbox.Box, clock *oaClock) *webhook.Service {
	t.Helper()
	p, err := outbound.ParsePolicy("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	return webhook.New(webhook.Config{Store: st, Box: box, Policy: p, Now: clock.Now, RetryWindow: time.Second,
		FirstRetry: 100 * time.Millisecond, MaxRetry: 100 * time.Millisecond, Timeout: 5 * time.Second})
}

// oaWebhooks drives every webhook route through success and failure: a
// delivery that fails until the endpoint is disabled (webhook.disable in
// the audit log), a resend, a rotation, a deletion. It returns the path
// parameters the shared-failure loop needs.
func oaWebhooks(t *testing.T, c *oaChecker, svc *webhook.Service, clock *oaClock, owner, adminTok, ws string) map[string]string {
	t.Helper()
	agentTok := c.want(c.do("POST", "/api/admin/workspaces/"+ws+"/tokens", owner, map[string]any{"role": "agent"}), 201, "").str("token")
	var mu sync.Mutex
	var got []http.Header
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Header.Clone())
		mu.Unlock()
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer receiver.Close()
	create := "/api/admin/workspaces/" + ws + "/webhooks"

	c.want(c.do("POST", create, agentTok, map[string]any{"url": receiver.URL, "events": []string{"issue.created"}}), 403, "forbidden")
	c.want(c.do("GET", create, agentTok, nil), 403, "forbidden")
	for _, bad := range []map[string]any{
		{"events": []string{"issue.created"}},
		{"url": receiver.URL},
		{"url": "http://hooks.example.com/x", "events": []string{"issue.created"}},
		{"url": "https://10.1.2.3/x", "events": []string{"issue.created"}},
		{"url": "https://localhost/x", "events": []string{"issue.created"}},
		{"url": "https://hooks.example.com/x", "events": []string{}},
		{"url": "https://hooks.example.com/x", "events": []string{"issue.opened"}},
	} {
		c.want(c.do("POST", create, adminTok, bad), 400, "invalid_request")
	}
	created := c.want(c.do("POST", create, adminTok, map[string]any{"url": receiver.URL + "/hook",
		"events": []string{"issue.created", "message.created"}, "description": "brand backend"}), 201, "")
	id, secret := created.str("id"), created.str("secret")
	if !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("secret %q is not whsec_…", secret)
	}
	if l := c.want(c.do("GET", create, adminTok, nil), 200, "").obj()["webhooks"].([]any); len(l) != 1 || strings.Contains(string(c.do("GET", create, adminTok, nil).raw), secret) {
		t.Errorf("listing: %v (and never the secret)", l)
	}
	c.want(c.do("GET", "/api/admin/webhooks/"+id, owner, nil), 200, "")
	c.want(c.do("GET", "/api/admin/webhooks/whk_aaaaaaaaaaaaaaaa", owner, nil), 404, "not_found")
	c.want(c.do("GET", "/api/admin/webhooks/"+id, agentTok, nil), 403, "forbidden")
	c.want(c.do("PATCH", "/api/admin/webhooks/"+id, adminTok, map[string]any{"url": "ftp://hooks.example.com/"}), 400, "invalid_request")
	if a := c.want(c.do("PATCH", "/api/admin/webhooks/"+id, adminTok, map[string]any{"description": "push notifications"}), 200, ""); a.str("description") != "push notifications" {
		t.Errorf("patched: %s", a.raw)
	}
	c.want(c.do("POST", "/api/admin/webhooks/"+id+"/rotate", adminTok, map[string]any{"overlap_seconds": -1}), 400, "invalid_request")
	rotated := c.want(c.do("POST", "/api/admin/webhooks/"+id+"/rotate", adminTok, map[string]any{}), 200, "")
	if rotated.str("secret") == secret || rotated.str("previous_secret_until") == "" {
		t.Errorf("rotated: %s", rotated.raw)
	}

	// An event, its delivery refused, then refused past the retry window:
	// the delivery fails and the endpoint is disabled.
	svc.Notify(t.Context(), ws, model.EventIssueCreated, clock.Now(), map[string]any{"issue_id": "iss_aaaaaaaaaaaaaaaa"})
	if n := svc.SendDue(t.Context()); n != 1 {
		t.Fatalf("deliveries sent: %d, want 1", n)
	}
	mu.Lock()
	if len(got) != 1 || got[0].Get("webhook-id") == "" || len(strings.Fields(got[0].Get("webhook-signature"))) != 2 {
		t.Errorf("the receiver got %v, want one request signed twice (the rotation's overlap)", got)
	}
	mu.Unlock()
	deliveries := "/api/admin/webhooks/" + id + "/deliveries"
	l := c.want(c.do("GET", deliveries, adminTok, nil), 200, "").obj()["deliveries"].([]any)
	if len(l) != 1 || oaMapOf(l[0])["status"] != "pending" {
		t.Fatalf("deliveries after a refusal: %v", l)
	}
	event := oaMapOf(l[0])["event_id"].(string)
	c.want(c.do("GET", deliveries+"?status=lost", adminTok, nil), 400, "invalid_request")
	c.want(c.do("GET", deliveries+"?limit=0", adminTok, nil), 400, "invalid_request")
	clock.Add(2 * time.Second)
	svc.SendDue(t.Context())
	if a := c.want(c.do("GET", "/api/admin/webhooks/"+id, adminTok, nil), 200, ""); a.str("disabled_reason") != "failing" {
		t.Errorf("after a window of failures: %s", a.raw)
	}
	if l := c.want(c.do("GET", deliveries+"?status=failed&limit=5", adminTok, nil), 200, "").obj()["deliveries"].([]any); len(l) != 1 {
		t.Errorf("failed deliveries: %v", l)
	}
	c.want(c.do("POST", deliveries+"/evt_aaaaaaaaaaaaaaaa/resend", adminTok, nil), 404, "not_found")
	if a := c.want(c.do("POST", deliveries+"/"+event+"/resend", adminTok, nil), 202, ""); a.str("status") != "pending" {
		t.Errorf("resent: %s", a.raw)
	}
	c.want(c.do("PATCH", "/api/admin/webhooks/"+id, adminTok, map[string]any{"disabled": false}), 200, "")

	gone := c.want(c.do("POST", create, owner, map[string]any{"url": "https://hooks.example.com/x", "events": []string{"key.created"}}), 201, "").str("id")
	c.want(c.do("DELETE", "/api/admin/webhooks/"+gone, agentTok, nil), 403, "forbidden")
	c.want(c.do("DELETE", "/api/admin/webhooks/"+gone, adminTok, nil), 204, "")
	c.want(c.do("DELETE", "/api/admin/webhooks/"+gone, adminTok, nil), 404, "not_found")
	return map[string]string{"webhook": id, "event": event}
}

// TestOpenAPIWebhookSchemas checks the webhook schemas against the Go types
// the handlers answer and read.
func TestOpenAPIWebhookSchemas(t *testing.T) {
	schemas := oaLoadDoc(t)["components"].(map[string]any)["schemas"].(map[string]any)
	for _, a := range []struct {
		schema string
		v      any
		answer bool
	}{
		{"Webhook", model.Webhook{}, true},
		{"CreatedWebhook", webhook.Created{}, true},
		{"WebhookDelivery", model.WebhookDelivery{}, true},
		{"WebhookCreate", webhook.Request{}, false},
		{"WebhookPatch", webhook.Request{}, false},
	} {
		s := oaMapOf(schemas[a.schema])
		props := oaMapOf(s["properties"])
		fields := oaJSONFields(reflect.TypeOf(a.v))
		if got, want := slices.Sorted(maps.Keys(props)), slices.Sorted(maps.Keys(fields)); !slices.Equal(got, want) {
			t.Errorf("%s: properties %v, Go fields %v", a.schema, got, want)
		}
		if s["additionalProperties"] != false {
			t.Errorf("%s: additionalProperties must be false", a.schema)
		}
		if !a.answer {
			continue
		}
		required := map[string]bool{}
		for _, r := range s["required"].([]any) {
			required[r.(string)] = true
		}
		for name, omitted := range fields {
			if !omitted && !required[name] {
				t.Errorf("%s: %q is always written: list it as required", a.schema, name)
			}
			if omitted && required[name] {
				t.Errorf("%s: %q is omitted when empty: not required", a.schema, name)
			}
		}
	}
	var events []string
	for _, e := range oaMapOf(schemas["WebhookEventType"])["enum"].([]any) {
		events = append(events, e.(string))
	}
	if !slices.Equal(slices.Sorted(slices.Values(events)), slices.Sorted(slices.Values(model.WebhookEventTypes))) {
		t.Errorf("WebhookEventType lists %v, model.WebhookEventTypes %v", events, model.WebhookEventTypes)
	}
}
