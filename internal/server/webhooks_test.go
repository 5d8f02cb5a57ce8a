package server_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signet-id/signet/internal/outbound"
	"github.com/signet-id/signet/internal/server"
	"github.com/signet-id/signet/internal/testserver"
	"github.com/signet-id/signet/internal/webhook"
)

// received is one request a webhook receiver got.
type received struct {
	header http.Header
	body   []byte
}

// receiver is a loopback webhook endpoint; answer decides each request's
// status from its number (1 for the first), and may block.
type receiver struct {
	*httptest.Server
	mu   sync.Mutex
	got  []received
	seen chan int // the number of each request as it arrives
}

func newReceiver(t *testing.T, answer func(n int, r *http.Request) int) *receiver {
	rc := &receiver{seen: make(chan int, 100)}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.got = append(rc.got, received{r.Header.Clone(), body})
		n := len(rc.got)
		rc.mu.Unlock()
		rc.seen <- n
		w.WriteHeader(answer(n, r))
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) requests() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

// waitFor waits for the receiver's n-th request, at most a bounded time.
func (rc *receiver) waitFor(t *testing.T, n int) {
	t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		select {
		case got := <-rc.seen:
			if got >= n {
				return
			}
		case <-deadline:
			t.Fatalf("the receiver did not get request %d in time (got %d)", n, len(rc.requests()))
		}
	}
}

// checkSignature verifies a delivery as a brand's receiver would, written
// here from the Standard Webhooks rule and not with Signet's code: one of
// the v1 signatures is base64 HMAC-SHA256 of "id.timestamp.body" under the
// secret's decoded bytes.
func checkSignature(t *testing.T, r received, secret string) {
	t.Helper()
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil || !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("secret %q is not whsec_ and base64", secret)
	}
	id, ts := r.header.Get("webhook-id"), r.header.Get("webhook-timestamp")
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + ts + "."))
	mac.Write(r.body)
	want := "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
	for _, sig := range strings.Fields(r.header.Get("webhook-signature")) {
		if hmac.Equal([]byte(sig), []byte(want)) {
			return
		}
	}
	t.Fatalf("no signature of %q verifies under the secret (id %s, timestamp %s)", r.header.Get("webhook-signature"), id, ts)
}

// event decodes a delivery's body.
func event(t *testing.T, r received) (typ string, data map[string]any) {
	t.Helper()
	var b struct {
		Type      string         `json:"type"`
		Timestamp string         `json:"timestamp"`
		Data      map[string]any `json:"data"`
	}
	if err := json.Unmarshal(r.body, &b); err != nil || b.Timestamp == "" {
		t.Fatalf("delivery body %s: %v", r.body, err)
	}
	return b.Type, b.Data
}

// loopbackHooks lets deliveries reach the test's loopback receivers, and
// times them for a test: a poll every 20 ms, retries a second apart (of
// the fake clock, which the test advances).
func loopbackHooks(t *testing.T) func(*server.Config) {
	p, err := outbound.ParsePolicy("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	return func(c *server.Config) {
		c.Outbound = p
		c.Webhooks = webhook.Config{Poll: 20 * time.Millisecond, FirstRetry: time.Second, MaxRetry: time.Second,
			Timeout: 5 * time.Second}
	}
}

// node is a server the test stops itself (a node that goes away).
type node struct {
	*testserver.Server
	stop func()
}

func startNode(t *testing.T, dsn, dir string, clk *clock, configure ...func(*server.Config)) *node {
	t.Helper()
	logs, out := &syncBuffer{}, &syncBuffer{}
	cfg := server.Config{Addr: "127.0.0.1:0", Database: dsn, DataDir: dir, AdminToken: adminToken,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Getenv: func(string) string { return "" }, Out: out, Now: clk.Now}
	for _, c := range configure {
		c(&cfg)
	}
	ctx, cancel := context.WithCancel(context.Background())
	m, err := server.New(ctx, cfg)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if err := m.Listen(); err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	s := testserver.Attach(t, "http://"+m.Addr(), clk, logs, out)
	var once sync.Once
	n := &node{Server: s, stop: func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("node stopped with %v", err)
			}
			s.CheckLeaks(t)
		})
	}}
	t.Cleanup(n.stop)
	for i := 0; i < 200 && !strings.Contains(out.String(), "Signet is running"); i++ {
		time.Sleep(5 * time.Millisecond)
	}
	return n
}

// TestWebhookDeliveries: on both databases, over real HTTP, events reach a
// loopback receiver signed as Standard Webhooks says (checked here
// independently): an issue a user opens, an agent's reply, a key made; a
// receiver that fails first gets the event again after a backoff; a node
// stopped in the middle of a delivery leaves it to the next node, which
// delivers it once its lease ends.
func TestWebhookDeliveries(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			dir := t.TempDir()
			dsn := testserver.Database(t, backend, dir)
			clk := newClock()
			release := make(chan struct{})
			// Keys: the first attempt fails, the second hangs until its node
			// is gone, the third is taken.
			keys := newReceiver(t, func(n int, r *http.Request) int {
				switch n {
				case 1:
					return http.StatusServiceUnavailable
				case 2:
					select {
					case <-release:
					case <-r.Context().Done():
					}
					return http.StatusInternalServerError
				}
				return http.StatusNoContent
			})
			chat := newReceiver(t, func(int, *http.Request) int { return http.StatusOK })

			a := startNode(t, dsn, dir, clk, loopbackHooks(t))
			ws := testserver.Must(t, 201, a.Do(t, "POST", "/api/admin/workspaces", adminToken, map[string]any{"name": "Acme"})).Str("id")
			app := a.App(t, ws, map[string]any{"profile": "signet", "enforcement": "off"})
			hookOf := func(url string, events ...string) (string, string) {
				h := testserver.Must(t, 201, a.Do(t, "POST", "/api/admin/workspaces/"+ws+"/webhooks", adminToken,
					map[string]any{"url": url, "events": events}))
				return h.Str("id"), h.Str("secret")
			}
			keysHook, keysSecret := hookOf(keys.URL+"/keys", "key.created", "key.revoked")
			_, chatSecret := hookOf(chat.URL+"/chat", "issue.created", "message.created")

			// A user opens an issue; an agent answers.
			session := testserver.Must(t, 200, a.Login(t, app, map[string]any{"user_id": "u-1"})).Str("session_token")
			issue := testserver.Must(t, 201, a.Do(t, "POST", "/v1/issues", session, map[string]any{"message": "my order is late"})).Str("id")
			agent := testserver.Must(t, 201, a.Do(t, "POST", "/api/admin/workspaces/"+ws+"/tokens", adminToken, map[string]any{"role": "agent"})).Str("token")
			testserver.Must(t, 201, a.Do(t, "POST", "/api/agent/issues/"+issue+"/messages", agent, map[string]any{"body": "it ships today"}))
			chat.waitFor(t, 2)
			types := map[string]map[string]any{}
			for _, r := range chat.requests() {
				checkSignature(t, r, chatSecret)
				typ, data := event(t, r)
				types[typ] = data
			}
			if d := types["issue.created"]; d == nil || d["issue_id"] != issue || d["workspace_id"] != ws {
				t.Errorf("issue.created: %v", types)
			}
			if d := types["message.created"]; d == nil || d["author"] != "agent" || d["body"] != "it ships today" || d["issue_id"] != issue {
				t.Errorf("message.created: %v", types)
			}

			// A key is made: its event joins the outbox with the key; the first
			// attempt is refused.
			key, _ := a.Key(t, app)
			keys.waitFor(t, 1)
			deliveries := "/api/admin/webhooks/" + keysHook + "/deliveries"
			waitUntil(t, func() bool {
				l := a.Do(t, "GET", deliveries, adminToken, nil).Body["deliveries"].([]any)
				return len(l) == 1 && l[0].(map[string]any)["attempts"] == 1.0
			})
			// The retry is due after the backoff: the node sends it, and is
			// stopped while the receiver holds it.
			clk.Advance(2 * time.Second)
			keys.waitFor(t, 2)
			a.stop()
			close(release)

			// Another node (the same database) takes the delivery over once
			// the stopped node's lease has ended.
			b := startNode(t, dsn, dir, clk, loopbackHooks(t))
			clk.Advance(15 * time.Second)
			keys.waitFor(t, 3)
			got := keys.requests()
			for _, r := range got {
				checkSignature(t, r, keysSecret)
				if r.header.Get("webhook-id") != got[0].header.Get("webhook-id") || string(r.body) != string(got[0].body) {
					t.Errorf("attempts differ: %s %s, then %s %s", got[0].header.Get("webhook-id"), got[0].body, r.header.Get("webhook-id"), r.body)
				}
			}
			if typ, data := event(t, got[2]); typ != "key.created" || data["key_id"] != key || data["app_id"] != app {
				t.Errorf("key.created: %s %v", typ, data)
			}
			waitUntil(t, func() bool {
				l := b.Do(t, "GET", deliveries, adminToken, nil).Body["deliveries"].([]any)
				d := l[0].(map[string]any)
				return d["status"] == "delivered" && d["last_status"] == 204.0
			})
		})
	}
}

// waitUntil polls cond for a bounded time.
func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	for range 300 {
		if cond() {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the condition did not hold in time")
}

// TestWebhookAccess: on both databases, a workspace's admin manages its
// own endpoints only (another workspace's are not found, listed or
// changed), agents cannot manage webhooks at all, and a URL that is not
// HTTPS or names an internal address is refused with the reason.
func TestWebhookAccess(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			// inside.example is a public-looking name that resolves inside.
			s := start(t, backend, func(c *server.Config) {
				c.Webhooks.Lookup = func(_ context.Context, host string) ([]netip.Addr, error) {
					if host == "inside.example" {
						return []netip.Addr{netip.MustParseAddr("10.1.2.3")}, nil
					}
					return nil, errors.New("no such host")
				}
			})
			ws, other := s.workspace("Acme"), s.workspace("Globex")
			tokenOf := func(ws, role string) string {
				return s.must(201, s.do("POST", "/api/admin/workspaces/"+ws+"/tokens", adminToken, map[string]any{"role": role})).Str("token")
			}
			admin, otherAdmin, agent := tokenOf(ws, "admin"), tokenOf(other, "admin"), tokenOf(ws, "agent")
			body := map[string]any{"url": "https://hooks.example.com/signet", "events": []string{"message.created"}}
			h := s.must(201, s.do("POST", "/api/admin/workspaces/"+ws+"/webhooks", admin, body))
			id := h.Str("id")
			if !strings.HasPrefix(h.Str("secret"), "whsec_") {
				t.Fatalf("secret: %s", h.Raw)
			}
			if g := s.must(200, s.do("GET", "/api/admin/webhooks/"+id, admin, nil)); strings.Contains(g.Raw, "whsec_") {
				t.Errorf("the secret is shown again: %s", g.Raw)
			}

			// Another workspace's admin: not found, whatever the route.
			for _, r := range []struct{ method, path string }{
				{"GET", "/api/admin/workspaces/" + ws + "/webhooks"},
				{"POST", "/api/admin/workspaces/" + ws + "/webhooks"},
				{"GET", "/api/admin/webhooks/" + id},
				{"PATCH", "/api/admin/webhooks/" + id},
				{"DELETE", "/api/admin/webhooks/" + id},
				{"POST", "/api/admin/webhooks/" + id + "/rotate"},
				{"GET", "/api/admin/webhooks/" + id + "/deliveries"},
			} {
				if a := s.do(r.method, r.path, otherAdmin, body); a.Status != 404 || a.Code() != "not_found" {
					t.Errorf("%s %s by another workspace's admin: %d %s", r.method, r.path, a.Status, a.Raw)
				}
				if a := s.do(r.method, r.path, agent, body); a.Status != 403 || a.Code() != "forbidden" {
					t.Errorf("%s %s by an agent: %d %s", r.method, r.path, a.Status, a.Raw)
				}
			}
			if l := s.must(200, s.do("GET", "/api/admin/workspaces/"+other+"/webhooks", otherAdmin, nil)).Body["webhooks"].([]any); len(l) != 0 {
				t.Errorf("another workspace lists %v", l)
			}
			if l := s.must(200, s.do("GET", "/api/admin/workspaces/"+ws+"/webhooks", admin, nil)).Body["webhooks"].([]any); len(l) != 1 {
				t.Errorf("the workspace lists %v", l)
			}

			// Destinations the outbound policy refuses, with the reason.
			for url, reason := range map[string]string{
				"http://hooks.example.com/signet":   "https",
				"https://127.0.0.1:9/signet":        "loopback",
				"https://10.0.0.8/signet":           "private",
				"https://169.254.169.254/metadata":  "link-local",
				"https://localhost/signet":          "loopback",
				"https://user:pw@hooks.example.com": "password",
				"https://inside.example/signet":     "inside.example resolves to 10.1.2.3",
			} {
				a := s.do("POST", "/api/admin/workspaces/"+ws+"/webhooks", admin, map[string]any{"url": url, "events": []string{"key.created"}})
				if a.Status != 400 || a.Code() != "invalid_request" || !strings.Contains(a.Raw, reason) {
					t.Errorf("%s: %d %s, want 400 invalid_request saying %q", url, a.Status, a.Raw, reason)
				}
			}
			if l := s.must(200, s.do("GET", "/api/admin/workspaces/"+ws+"/webhooks", admin, nil)).Body["webhooks"].([]any); len(l) != 1 {
				t.Errorf("a refused endpoint was saved: %v", l)
			}
		})
	}
}

// TestRotateMasterKeyWebhooks: signet rotate-master-key reseals webhook
// secrets too: after it, a server on the new master key alone signs
// deliveries with the secret the endpoint was given.
func TestRotateMasterKeyWebhooks(t *testing.T) {
	dir := t.TempDir()
	dsn := "sqlite:" + filepath.Join(dir, "signet.db")
	oldKey, newKey := strings.Repeat("33", 32), strings.Repeat("44", 32)
	env := func(vars map[string]string) func(string) string { return func(k string) string { return vars[k] } }
	clk := newClock()
	rc := newReceiver(t, func(int, *http.Request) int { return http.StatusNoContent })
	s := startNode(t, dsn, dir, clk, loopbackHooks(t), func(c *server.Config) { c.Getenv = env(map[string]string{"SIGNET_MASTER_KEY": oldKey}) })
	ws := testserver.Must(t, 201, s.Do(t, "POST", "/api/admin/workspaces", adminToken, map[string]any{"name": "Acme"})).Str("id")
	app := s.App(t, ws, map[string]any{"profile": "signet"})
	h := testserver.Must(t, 201, s.Do(t, "POST", "/api/admin/workspaces/"+ws+"/webhooks", adminToken,
		map[string]any{"url": rc.URL, "events": []string{"key.created"}}))
	// A rotation's overlap: the previous secret is resealed too.
	rotated := testserver.Must(t, 200, s.Do(t, "POST", "/api/admin/webhooks/"+h.Str("id")+"/rotate", adminToken, map[string]any{}))
	s.stop()
	// Sealed at rest: neither secret's text nor key bytes are in the database's files.
	for _, secret := range []string{h.Str("secret"), rotated.Str("secret")} {
		key, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
		for _, f := range []string{"signet.db", "signet.db-wal"} {
			raw, err := os.ReadFile(filepath.Join(dir, f))
			if err != nil && f == "signet.db" {
				t.Fatal(err)
			}
			if bytes.Contains(raw, []byte(secret)) || bytes.Contains(raw, key) {
				t.Fatalf("a webhook secret stands in %s", f)
			}
		}
	}

	if _, err := server.RotateMasterKey(context.Background(), server.Config{Database: dsn, DataDir: dir,
		Getenv: env(map[string]string{"SIGNET_MASTER_KEY": newKey, "SIGNET_MASTER_KEY_PREVIOUS": oldKey})}); err != nil {
		t.Fatal(err)
	}
	again := startOn(t, dsn, dir, clk, loopbackHooks(t), func(c *server.Config) { c.Getenv = env(map[string]string{"SIGNET_MASTER_KEY": newKey}) })
	again.key(app)
	rc.waitFor(t, 1)
	r := rc.requests()[0]
	checkSignature(t, r, rotated.Str("secret"))
	checkSignature(t, r, h.Str("secret"))
}

// TestWebhookDetectedEvents: on both databases, over real HTTP, failed
// logins past the threshold raise verification.failures_spiked (once),
// and an app's enforcement change raises app.enforcement_changed.
func TestWebhookDetectedEvents(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			rc := newReceiver(t, func(int, *http.Request) int { return http.StatusOK })
			s := start(t, backend, loopbackHooks(t), func(c *server.Config) {
				c.Webhooks.DetectEvery, c.Webhooks.SpikeMin, c.Webhooks.SpikeShare = 50*time.Millisecond, 3, 0.5
			})
			ws := s.workspace("Acme")
			app := s.app(ws, map[string]any{"profile": "intercom", "enforcement": "enforce", "on_failure": "reject"})
			s.key(app)
			h := s.must(201, s.do("POST", "/api/admin/workspaces/"+ws+"/webhooks", adminToken,
				map[string]any{"url": rc.URL, "events": []string{"verification.failures_spiked", "app.enforcement_changed"}}))
			for i := range 3 {
				a := s.login(app, map[string]any{"user_id": fmt.Sprintf("u-%d", i), "user_hash": strings.Repeat("ab", 32)})
				if a.Status != 401 {
					t.Fatalf("a forged digest: %d %s", a.Status, a.Raw)
				}
			}
			rc.waitFor(t, 1)
			s.must(200, s.do("PATCH", "/api/admin/apps/"+app, adminToken, map[string]any{"enforcement": "monitor"}))
			rc.waitFor(t, 2)
			time.Sleep(200 * time.Millisecond) // detection runs again: no second spike for this window
			got := rc.requests()
			if len(got) != 2 {
				t.Fatalf("%d deliveries, want 2", len(got))
			}
			spike, changed := map[string]any{}, map[string]any{}
			for _, r := range got {
				checkSignature(t, r, h.Str("secret"))
				switch typ, data := event(t, r); typ {
				case "verification.failures_spiked":
					spike = data
				case "app.enforcement_changed":
					changed = data
				}
			}
			if spike["app_id"] != app || spike["failed"] != 3.0 || spike["checked"] != 3.0 {
				t.Errorf("verification.failures_spiked: %v", spike)
			}
			if changed["app_id"] != app || changed["enforcement"] != "monitor" {
				t.Errorf("app.enforcement_changed: %v", changed)
			}
		})
	}
}
