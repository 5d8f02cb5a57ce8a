package webhook

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/signet-id/signet/internal/login/resolution"
	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/outbound"
	"github.com/signet-id/signet/internal/secretbox"
	"github.com/signet-id/signet/internal/store"
	"github.com/signet-id/signet/internal/store/storetest"
	"github.com/signet-id/signet/verify"
)

// TestSignatureSpecExample: the Standard Webhooks specification's example.
func TestSignatureSpecExample(t *testing.T) {
	key, err := SecretKey("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	if err != nil {
		t.Fatal(err)
	}
	got := Signature(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`))
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Fatalf("signature %s, want %s", got, want)
	}
	at := time.Unix(1614265330, 0)
	if err := Verify(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", "v1,x "+got, []byte(`{"test": 2432232314}`), at, time.Minute); err != nil {
		t.Errorf("verify: %v", err)
	}
	if err := Verify(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", got, []byte(`{"test": 2432232314}`), at.Add(2*time.Minute), time.Minute); err == nil {
		t.Errorf("an old timestamp verified")
	}
	for _, bad := range []string{"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_!!", "whsec_"} {
		if _, err := SecretKey(bad); err == nil {
			t.Errorf("secret %q accepted", bad)
		}
	}
	k, text := newSecret()
	if back, err := SecretKey(text); err != nil || string(back) != string(k) || len(k) != secretBytes {
		t.Errorf("a new secret does not decode to its key: %v", err)
	}
}

// TestBackoff: exponential, capped, with jitter in the upper half.
func TestBackoff(t *testing.T) {
	s := New(Config{FirstRetry: time.Second, MaxRetry: time.Minute})
	for n, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 4: 8 * time.Second, 7: time.Minute, 60: time.Minute} {
		seen := map[time.Duration]bool{}
		for range 50 {
			d := s.backoff(n)
			if d < want/2 || d > want {
				t.Fatalf("backoff(%d) = %v, want within [%v, %v]", n, d, want/2, want)
			}
			seen[d] = true
		}
		if len(seen) < 2 {
			t.Errorf("backoff(%d) has no jitter: %v", n, seen)
		}
	}
}

// fakeClock is a clock the test moves.
type fakeClock struct{ ms atomic.Int64 }

func (c *fakeClock) Now() time.Time          { return time.UnixMilli(c.ms.Load()).UTC() }
func (c *fakeClock) Advance(d time.Duration) { c.ms.Add(d.Milliseconds()) }

// TestGiveUpAndDisable, on both databases: a receiver that always fails is
// retried after growing waits until the retry window ends; then the
// delivery is failed and the endpoint disabled, once, with an audit entry.
func TestGiveUpAndDisable(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			clk := &fakeClock{}
			clk.ms.Store(time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC).UnixMilli())
			box, err := secretbox.New(make([]byte, 32))
			if err != nil {
				t.Fatal(err)
			}
			var hits atomic.Int32
			rc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				w.WriteHeader(http.StatusBadGateway)
			}))
			defer rc.Close()
			policy, _ := outbound.ParsePolicy("127.0.0.1")
			s := New(Config{Store: st, Box: box, Policy: policy, Now: clk.Now, RetryWindow: time.Hour,
				FirstRetry: time.Minute, MaxRetry: 20 * time.Minute})
			ctx := t.Context()
			ws := &model.Workspace{ID: model.NewID("ws"), Name: "Acme", CreatedAt: clk.Now()}
			if err := st.CreateWorkspace(ctx, ws, nil); err != nil {
				t.Fatal(err)
			}
			owner := &model.Actor{Role: model.RoleOwner}
			url := rc.URL
			h, err := s.Create(ctx, owner, ws.ID, Request{URL: &url, Events: []string{model.EventIssueCreated}})
			if err != nil {
				t.Fatal(err)
			}
			s.Notify(ctx, ws.ID, model.EventIssueCreated, clk.Now(), nil)
			var waits []time.Duration
			last := clk.Now()
			for range 400 {
				if s.SendDue(ctx) == 0 {
					clk.Advance(15 * time.Second)
					continue
				}
				waits = append(waits, clk.Now().Sub(last))
				last = clk.Now()
				l, err := st.WebhookDeliveries(ctx, h.ID, model.DeliveryFilter{})
				if err != nil {
					t.Fatal(err)
				}
				if l[0].Status == model.DeliveryFailed {
					break
				}
			}
			l, _ := st.WebhookDeliveries(ctx, h.ID, model.DeliveryFilter{})
			if l[0].Status != model.DeliveryFailed || l[0].LastStatus != http.StatusBadGateway || int(hits.Load()) != l[0].Attempts {
				t.Fatalf("after the window: %+v (receiver hit %d times)", l[0], hits.Load())
			}
			// The waits grow (backoff), within the window. The last one may
			// be short: the final attempt falls due at the window's end.
			if len(waits) < 4 || slices.Max(waits[2:]) <= waits[1] {
				t.Errorf("waits between attempts: %v", waits)
			}
			w, _ := st.Webhook(ctx, h.ID)
			if w.DisabledAt == nil || w.DisabledReason != ReasonFailing {
				t.Fatalf("endpoint after a window of failures: %+v", w)
			}
			audit, _ := st.Audit(ctx, ws.ID, model.AuditFilter{Action: "webhook.disable"})
			if len(audit) != 1 || audit[0].ActorRole != "system" || audit[0].TargetID != h.ID {
				t.Fatalf("audit of the disabling: %+v", audit)
			}
			// Disabled: new events are not enqueued for it, and nothing is sent.
			s.Notify(ctx, ws.ID, model.EventIssueCreated, clk.Now(), nil)
			clk.Advance(time.Hour)
			if n := s.SendDue(ctx); n != 0 {
				t.Errorf("sent %d deliveries to a disabled endpoint", n)
			}
			// The log keeps ended deliveries for Retention, then forgets them.
			s.prune(ctx)
			if l, _ := st.WebhookDeliveries(ctx, h.ID, model.DeliveryFilter{}); len(l) != 1 {
				t.Fatalf("pruned within the retention: %+v", l)
			}
			clk.Advance(DefaultRetention)
			s.prune(ctx)
			if l, _ := st.WebhookDeliveries(ctx, h.ID, model.DeliveryFilter{}); len(l) != 0 {
				t.Fatalf("kept past the retention: %+v", l)
			}
		})
	}
}

// TestDetect, on both databases: a spike of failures raises one event per
// app and window however often (and on however many nodes) detection runs;
// a retiring key that signs a login raises key.retiring_still_used.
func TestDetect(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			clk := &fakeClock{}
			clk.ms.Store(time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC).UnixMilli())
			box, _ := secretbox.New(make([]byte, 32))
			ctx := t.Context()
			ws := &model.Workspace{ID: model.NewID("ws"), Name: "Acme", CreatedAt: clk.Now()}
			a := &model.App{ID: model.NewID("app"), WorkspaceID: ws.ID, Name: "web", Platform: model.PlatformWeb, Profile: verify.Signet,
				Enforcement: model.EnforcementEnforce, OnFailure: model.OnFailureReject, MaxTokenLifetime: 3600, CreatedAt: clk.Now(), UpdatedAt: clk.Now()}
			if err := st.CreateWorkspace(ctx, ws, nil); err != nil {
				t.Fatal(err)
			}
			if err := st.CreateApp(ctx, a, nil); err != nil {
				t.Fatal(err)
			}
			nodes := []*Service{}
			for range 2 {
				nodes = append(nodes, New(Config{Store: st, Box: box, Now: clk.Now, SpikeMin: 10, SpikeShare: 0.5, SpikeWindow: 10 * time.Minute}))
			}
			url := "https://hooks.example.com/x"
			h, err := nodes[0].Create(ctx, &model.Actor{Role: model.RoleOwner}, ws.ID,
				Request{URL: &url, Events: []string{model.EventFailuresSpiked, model.EventKeyRetiringStillUsed}})
			if err != nil {
				t.Fatal(err)
			}
			attempt := func(reason verify.Reason) {
				clk.Advance(time.Second)
				res := model.ResultUnverified
				if reason != "" {
					res = model.ResultRejected
				}
				if err := st.RecordAttempt(ctx, &model.Attempt{ID: model.NewID("att"), WorkspaceID: ws.ID, AppID: a.ID, Platform: a.Platform,
					Profile: a.Profile, Result: res, Reason: reason, At: clk.Now()}); err != nil {
					t.Fatal(err)
				}
			}
			count := func(typ string) int {
				l, err := st.WebhookDeliveries(ctx, h.ID, model.DeliveryFilter{})
				if err != nil {
					t.Fatal(err)
				}
				n := 0
				for _, d := range l {
					if d.EventType == typ {
						n++
					}
				}
				return n
			}
			for range 6 {
				attempt("")
			}
			for range 3 {
				attempt("signature_mismatch")
			}
			nodes[0].Detect(ctx) // 9 logins: under SpikeMin
			if n := count(model.EventFailuresSpiked); n != 0 {
				t.Fatalf("spike raised under the minimum: %d", n)
			}
			for range 4 {
				attempt("expired")
			}
			nodes[0].Detect(ctx) // 7 of 13 failed: over half
			var wg sync.WaitGroup
			for _, n := range nodes {
				wg.Add(1)
				go func() { defer wg.Done(); n.Detect(ctx) }()
			}
			wg.Wait()
			if n := count(model.EventFailuresSpiked); n != 1 {
				t.Fatalf("spike events: %d, want 1 for this window", n)
			}
			l, _ := st.WebhookDeliveries(ctx, h.ID, model.DeliveryFilter{})
			if !strings.Contains(l[0].Payload, `"failed":7`) || !strings.Contains(l[0].Payload, `"checked":13`) {
				t.Fatalf("spike delivery: %s", l[0].Payload)
			}

			// A retiring key used since the last detection.
			k := &model.Key{ID: model.NewID("key"), AppID: a.ID, WorkspaceID: ws.ID, Sealed: box.Seal([]byte("s"), "k"), Fingerprint: "fp", CreatedAt: clk.Now()}
			if err := st.CreateKey(ctx, k, nil); err != nil {
				t.Fatal(err)
			}
			if err := st.RetireKey(ctx, k.ID, clk.Now().Add(24*time.Hour), nil); err != nil {
				t.Fatal(err)
			}
			nodes[1].Detect(ctx)
			if n := count(model.EventKeyRetiringStillUsed); n != 0 {
				t.Fatalf("retiring key never used raised %d events", n)
			}
			if _, err := st.Login(ctx, loginWith(a, k, clk.Now())); err != nil {
				t.Fatal(err)
			}
			clk.Advance(time.Second)
			nodes[1].Detect(ctx)
			nodes[0].Detect(ctx)
			if n := count(model.EventKeyRetiringStillUsed); n != 1 {
				t.Fatalf("key.retiring_still_used events: %d, want 1", n)
			}
		})
	}
}

// loginWith is a verified login through key k at `at`.
func loginWith(a *model.App, k *model.Key, at time.Time) *store.Login {
	ids := []model.Identity{{Type: verify.UID, Value: "u-1", Verified: true}}
	return &store.Login{WorkspaceID: a.WorkspaceID, AppID: a.ID, Identities: ids, Resolve: resolution.Resolve,
		Session: model.Session{ID: model.NewID("ses"), WorkspaceID: a.WorkspaceID, AppID: a.ID, TokenHash: []byte(model.NewID("tok")),
			KeyID: k.ID, Verified: true, CreatedAt: at, ExpiresAt: at.Add(time.Hour)},
		Attempt: model.Attempt{ID: model.NewID("att"), WorkspaceID: a.WorkspaceID, AppID: a.ID, Platform: a.Platform,
			Profile: a.Profile, Result: model.ResultVerified, KeyID: k.ID, At: at}}
}

// TestResolvedAddress: a host name that resolves to an address the policy
// forbids is refused when the endpoint is set, with the reason; one listed
// by the operator is not resolved; one that does not resolve now is kept.
func TestResolvedAddress(t *testing.T) {
	st := storetest.SQLite(t)
	box, _ := secretbox.New(make([]byte, 32))
	ctx := t.Context()
	ws := &model.Workspace{ID: model.NewID("ws"), Name: "Acme", CreatedAt: time.Now()}
	if err := st.CreateWorkspace(ctx, ws, nil); err != nil {
		t.Fatal(err)
	}
	var looked atomic.Int32
	lookup := func(_ context.Context, host string) ([]netip.Addr, error) {
		looked.Add(1)
		switch host {
		case "inside.example":
			return []netip.Addr{netip.MustParseAddr("10.0.0.5")}, nil
		case "rebind.example":
			return []netip.Addr{netip.MustParseAddr("93.184.216.34"), netip.MustParseAddr("::ffff:127.0.0.1")}, nil
		case "v6.example":
			return []netip.Addr{netip.MustParseAddr("fe80::1")}, nil
		case "public.example":
			return []netip.Addr{netip.MustParseAddr("93.184.216.34")}, nil
		}
		return nil, errors.New("no such host")
	}
	policy, _ := outbound.ParsePolicy("listed.example")
	s := New(Config{Store: st, Box: box, Policy: policy, Lookup: lookup})
	owner := &model.Actor{Role: model.RoleOwner}
	for host, want := range map[string]string{
		"inside.example": "10.0.0.5", "rebind.example": "127.0.0.1", "v6.example": "fe80::1",
		"public.example": "", "nowhere.example": "", "listed.example": "",
	} {
		u := "https://" + host + "/hook"
		_, err := s.Create(ctx, owner, ws.ID, Request{URL: &u, Events: []string{model.EventKeyCreated}})
		switch {
		case want == "" && err != nil:
			t.Errorf("%s: %v", host, err)
		case want != "" && (model.ErrorCode(err) != model.CodeInvalid || !strings.Contains(err.Error(), want)):
			t.Errorf("%s: %v, want invalid_request naming %s", host, err, want)
		}
	}
	if n := looked.Load(); n != 5 {
		t.Errorf("%d lookups, want 5 (the listed host is not resolved)", n)
	}
}
