package storetest

import (
	"sync"
	"time"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/verify"
)

func (e *env) webhook(w *model.Workspace, events ...string) *model.Webhook {
	e.t.Helper()
	at := e.tick()
	h := &model.Webhook{ID: model.NewID("whk"), WorkspaceID: w.ID, URL: "https://hooks.example.com/" + w.ID,
		Events: events, Sealed: random(40), CreatedAt: at, UpdatedAt: at}
	e.must(e.s.CreateWebhook(e.ctx, h, nil))
	return h
}

func (e *env) event(w *model.Workspace, typ string) *model.WebhookEvent {
	return &model.WebhookEvent{ID: model.NewID("evt"), WorkspaceID: w.ID, Type: typ, At: e.tick(),
		Data: map[string]any{"workspace_id": w.ID}}
}

func (e *env) enqueue(ev *model.WebhookEvent) int {
	e.t.Helper()
	body, err := model.EventBody(ev)
	e.must(err)
	n, err := e.s.EnqueueEvent(e.ctx, ev, body)
	e.must(err)
	return n
}

// testWebhooks: endpoints are stored, listed per workspace, updated and
// deleted with their deliveries.
func testWebhooks(e *env) {
	ws, other := e.workspace(), e.workspace()
	h := e.webhook(ws, model.EventMessageCreated, model.EventKeyCreated)
	e.webhook(other, model.EventMessageCreated)
	got, err := e.s.Webhook(e.ctx, h.ID)
	e.must(err)
	if got.URL != h.URL || len(got.Events) != 2 || string(got.Sealed) != string(h.Sealed) || got.PreviousSealed != nil ||
		!got.CreatedAt.Equal(ms(h.CreatedAt)) || got.DisabledAt != nil {
		e.t.Fatalf("webhook read back = %+v, want %+v", got, h)
	}
	l, err := e.s.Webhooks(e.ctx, ws.ID)
	e.must(err)
	if len(l) != 1 || l[0].ID != h.ID {
		e.t.Fatalf("workspace's webhooks = %+v, want only %s", l, h.ID)
	}
	e.wantCode(e.s.CreateWebhook(e.ctx, &model.Webhook{ID: model.NewID("whk"), WorkspaceID: "ws_nope", URL: "https://x",
		Sealed: random(8), CreatedAt: e.now, UpdatedAt: e.now}, nil), model.CodeNotFound)

	until := e.tick().Add(time.Hour)
	got.URL, got.Events, got.PreviousSealed, got.PreviousUntil, got.UpdatedAt = "https://b.example.com/", []string{model.EventIssueCreated}, got.Sealed, &until, e.now
	got.Sealed = random(40)
	e.must(e.s.UpdateWebhook(e.ctx, got, nil))
	again, err := e.s.Webhook(e.ctx, h.ID)
	e.must(err)
	if again.URL != got.URL || len(again.Events) != 1 || string(again.PreviousSealed) != string(h.Sealed) || !sameTime(again.PreviousUntil, until) {
		e.t.Fatalf("webhook after update = %+v", again)
	}
	e.wantCode(e.s.UpdateWebhook(e.ctx, &model.Webhook{ID: "whk_nope", Sealed: random(8)}, nil), model.CodeNotFound)

	// Disabling twice writes once.
	at := e.tick()
	audit := &model.AuditEntry{WorkspaceID: ws.ID, ActorRole: "system", ActorID: "signet", Action: "webhook.disable",
		TargetType: "webhook", TargetID: h.ID, At: at}
	changed, err := e.s.DisableWebhook(e.ctx, h.ID, at, "failing", audit)
	e.must(err)
	again2 := *audit
	again2.ID = ""
	changed2, err := e.s.DisableWebhook(e.ctx, h.ID, e.tick(), "failing", &again2)
	e.must(err)
	if !changed || changed2 {
		e.t.Fatalf("disable twice = %v, %v; want true, false", changed, changed2)
	}
	entries, err := e.s.Audit(e.ctx, ws.ID, model.AuditFilter{Action: "webhook.disable"})
	e.must(err)
	if len(entries) != 1 {
		e.t.Fatalf("audit entries of the disabling = %d, want 1", len(entries))
	}
	d, err := e.s.Webhook(e.ctx, h.ID)
	e.must(err)
	if !sameTime(d.DisabledAt, at) || d.DisabledReason != "failing" {
		e.t.Fatalf("disabled webhook = %+v", d)
	}

	// Deleting takes the deliveries with it.
	h2 := e.webhook(ws, model.EventIssueCreated)
	if n := e.enqueue(e.event(ws, model.EventIssueCreated)); n != 1 {
		e.t.Fatalf("enqueued for %d endpoints, want 1 (the disabled one takes nothing)", n)
	}
	e.must(e.s.DeleteWebhook(e.ctx, h2.ID, nil))
	e.wantCode(e.s.DeleteWebhook(e.ctx, h2.ID, nil), model.CodeNotFound)
	if l, err := e.s.WebhookDeliveries(e.ctx, h2.ID, model.DeliveryFilter{}); err != nil || len(l) != 0 {
		e.t.Fatalf("deliveries of a deleted endpoint = %v, %v", l, err)
	}
}

// testWebhookOutbox: an event reaches the subscribed, enabled endpoints of
// its workspace once; a claimed delivery is leased; outcomes are recorded;
// a resend makes it pending again.
func testWebhookOutbox(e *env) {
	ws, other := e.workspace(), e.workspace()
	msg := e.webhook(ws, model.EventMessageCreated)
	both := e.webhook(ws, model.EventMessageCreated, model.EventIssueCreated)
	e.webhook(ws, model.EventKeyCreated)
	e.webhook(other, model.EventMessageCreated)

	ev := e.event(ws, model.EventMessageCreated)
	if n := e.enqueue(ev); n != 2 {
		e.t.Fatalf("message.created enqueued for %d endpoints, want 2", n)
	}
	if n := e.enqueue(ev); n != 0 {
		e.t.Fatalf("the same event enqueued again for %d endpoints, want 0", n)
	}
	claimed, err := e.s.ClaimDeliveries(e.ctx, e.now, time.Minute, 10)
	e.must(err)
	if len(claimed) != 2 || claimed[0].EventID != ev.ID || claimed[0].Status != model.DeliveryPending ||
		claimed[0].WorkspaceID != ws.ID || claimed[0].EventType != model.EventMessageCreated {
		e.t.Fatalf("claimed = %+v, want the event's two deliveries", claimed)
	}
	body, _ := model.EventBody(ev)
	if claimed[0].Payload != string(body) {
		e.t.Fatalf("payload = %s, want %s", claimed[0].Payload, body)
	}
	// Leased: nobody else claims them until the lease ends.
	if again, err := e.s.ClaimDeliveries(e.ctx, e.now.Add(59*time.Second), time.Minute, 10); err != nil || len(again) != 0 {
		e.t.Fatalf("claimed under a lease = %v, %v", again, err)
	}
	later := e.now.Add(61 * time.Second)
	taken, err := e.s.ClaimDeliveries(e.ctx, later, time.Minute, 1)
	e.must(err)
	if len(taken) != 1 {
		e.t.Fatalf("claimed after the lease ended (limit 1) = %d deliveries, want 1", len(taken))
	}

	// A failure: pending until next, the endpoint failing since then.
	at := e.tick()
	next := at.Add(10 * time.Second)
	w, err := e.s.FinishDelivery(e.ctx, msg.ID, ev.ID, model.DeliveryOutcome{At: at, Status: 500, Error: "HTTP 500", Next: &next})
	e.must(err)
	if !sameTime(w.FailingSince, at) {
		e.t.Fatalf("failing_since = %v, want %v", w.FailingSince, at)
	}
	d, err := e.s.WebhookDelivery(e.ctx, msg.ID, ev.ID)
	e.must(err)
	if d.Status != model.DeliveryPending || d.Attempts != 1 || d.LastStatus != 500 || d.LastError != "HTTP 500" ||
		!sameTime(d.NextAttemptAt, next) || !sameTime(d.LastAttemptAt, at) {
		e.t.Fatalf("delivery after a failure = %+v", d)
	}
	if l, err := e.s.ClaimDeliveries(e.ctx, next.Add(-time.Millisecond), time.Minute, 10); err != nil || len(l) > 1 || len(l) == 1 && l[0].EndpointID == msg.ID {
		e.t.Fatalf("claimed before the retry is due = %+v, %v", l, err)
	}
	// A second failure keeps the first failure's time.
	at2 := next
	next2 := at2.Add(20 * time.Second)
	w, err = e.s.FinishDelivery(e.ctx, msg.ID, ev.ID, model.DeliveryOutcome{At: at2, Error: "refused", Next: &next2})
	e.must(err)
	if !sameTime(w.FailingSince, at) {
		e.t.Fatalf("failing_since after a second failure = %v, want the first %v", w.FailingSince, at)
	}
	// Success clears it.
	w, err = e.s.FinishDelivery(e.ctx, msg.ID, ev.ID, model.DeliveryOutcome{At: next2, Delivered: true, Status: 204})
	e.must(err)
	if w.FailingSince != nil {
		e.t.Fatalf("failing_since after a success = %v", w.FailingSince)
	}
	d, err = e.s.WebhookDelivery(e.ctx, msg.ID, ev.ID)
	e.must(err)
	if d.Status != model.DeliveryDelivered || d.Attempts != 3 || !sameTime(d.DeliveredAt, next2) || d.NextAttemptAt != nil {
		e.t.Fatalf("delivered = %+v", d)
	}
	// Given up: failed, never claimed again.
	_, err = e.s.FinishDelivery(e.ctx, both.ID, ev.ID, model.DeliveryOutcome{At: next2, Error: "timeout"})
	e.must(err)
	if l, err := e.s.ClaimDeliveries(e.ctx, next2.Add(48*time.Hour), time.Minute, 10); err != nil || len(l) != 0 {
		e.t.Fatalf("claimed after delivered and failed = %+v, %v", l, err)
	}
	failed, err := e.s.WebhookDeliveries(e.ctx, both.ID, model.DeliveryFilter{Status: model.DeliveryFailed})
	e.must(err)
	if len(failed) != 1 || failed[0].EventID != ev.ID {
		e.t.Fatalf("failed deliveries = %+v", failed)
	}
	_, err = e.s.FinishDelivery(e.ctx, both.ID, "evt_nope", model.DeliveryOutcome{At: next2})
	e.wantCode(err, model.CodeNotFound)

	// Resend: pending again, due now, attempts from zero.
	re := next2.Add(time.Hour)
	e.must(e.s.ResendDelivery(e.ctx, both.ID, ev.ID, re, nil))
	l, err := e.s.ClaimDeliveries(e.ctx, re, time.Minute, 10)
	e.must(err)
	if len(l) != 1 || l[0].EndpointID != both.ID || l[0].Attempts != 0 {
		e.t.Fatalf("claimed after a resend = %+v", l)
	}
	e.wantCode(e.s.ResendDelivery(e.ctx, both.ID, "evt_nope", re, nil), model.CodeNotFound)

	// A disabled endpoint's deliveries wait.
	ev2 := e.event(ws, model.EventIssueCreated)
	e.enqueue(ev2)
	_, err = e.s.DisableWebhook(e.ctx, both.ID, e.now, "by an admin", nil)
	e.must(err)
	if l, err := e.s.ClaimDeliveries(e.ctx, e.now.Add(time.Hour), time.Minute, 10); err != nil || len(l) != 0 {
		e.t.Fatalf("claimed for a disabled endpoint = %+v, %v", l, err)
	}

	// Newest first, limited.
	ev3 := e.event(ws, model.EventMessageCreated)
	e.enqueue(ev3)
	log, err := e.s.WebhookDeliveries(e.ctx, msg.ID, model.DeliveryFilter{Limit: 1})
	e.must(err)
	if len(log) != 1 || log[0].EventID != ev3.ID {
		e.t.Fatalf("newest delivery = %+v, want %s", log, ev3.ID)
	}
}

// testWebhookAuditedEvents: a key made or revoked, or an app's enforcement
// set, enqueues its event in the change's transaction; a change that fails
// enqueues nothing.
func testWebhookAuditedEvents(e *env) {
	ws := e.workspace()
	a := e.app(ws)
	h := e.webhook(ws, model.EventKeyCreated, model.EventKeyRevoked, model.EventEnforcementChanged)
	audit := func(action, typ, id string, details map[string]any) *model.AuditEntry {
		return &model.AuditEntry{ID: model.NewID("aud"), WorkspaceID: ws.ID, ActorRole: model.RoleAdmin, ActorID: "tok_x",
			Action: action, TargetType: typ, TargetID: id, Details: details, At: e.tick()}
	}
	k := &model.Key{ID: model.NewID("key"), AppID: a.ID, WorkspaceID: ws.ID, Sealed: random(48), Fingerprint: "fp", CreatedAt: e.tick()}
	e.must(e.s.CreateKey(e.ctx, k, audit("key.create", "key", k.ID, map[string]any{"app_id": a.ID})))
	_, err := e.s.RevokeKey(e.ctx, k.ID, e.tick(), audit("key.revoke", "key", k.ID, map[string]any{"app_id": a.ID}))
	e.must(err)
	a.Enforcement, a.UpdatedAt = model.EnforcementMonitor, e.tick()
	e.must(e.s.UpdateApp(e.ctx, a, audit("app.update", "app", a.ID, map[string]any{"enforcement": "monitor"})))
	a.Name = "renamed"
	e.must(e.s.UpdateApp(e.ctx, a, audit("app.update", "app", a.ID, map[string]any{"name": "renamed"})))
	// A failing change: a key for an app that does not exist.
	bad := &model.Key{ID: model.NewID("key"), AppID: "app_nope", WorkspaceID: ws.ID, Sealed: random(48), CreatedAt: e.tick()}
	e.wantCode(e.s.CreateKey(e.ctx, bad, audit("key.create", "key", bad.ID, map[string]any{"app_id": "app_nope"})), model.CodeNotFound)

	l, err := e.s.WebhookDeliveries(e.ctx, h.ID, model.DeliveryFilter{})
	e.must(err)
	var types []string
	for _, d := range l {
		types = append(types, d.EventType)
	}
	want := []string{model.EventEnforcementChanged, model.EventKeyRevoked, model.EventKeyCreated}
	if len(types) != len(want) {
		e.t.Fatalf("events enqueued = %v, want %v", types, want)
	}
	for i := range want {
		if types[i] != want[i] {
			e.t.Fatalf("events enqueued = %v, want %v", types, want)
		}
	}
}

// testWebhookClaimConcurrent: nodes claiming at once never take the same
// delivery.
func testWebhookClaimConcurrent(e *env) {
	ws := e.workspace()
	e.webhook(ws, model.EventIssueCreated)
	const events = 40
	for range events {
		e.enqueue(e.event(ws, model.EventIssueCreated))
	}
	now := e.tick()
	var mu sync.Mutex
	seen := map[string]int{}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				l, err := e.s.ClaimDeliveries(e.ctx, now, time.Minute, 3)
				if err != nil {
					e.t.Error(err)
					return
				}
				if len(l) == 0 {
					return
				}
				mu.Lock()
				for _, d := range l {
					seen[d.EventID]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(seen) != events {
		e.t.Fatalf("claimed %d distinct deliveries, want %d", len(seen), events)
	}
	for id, n := range seen {
		if n != 1 {
			e.t.Fatalf("delivery %s claimed %d times", id, n)
		}
	}
}

// testWebhookDetections: failure counts per app, and retiring keys still
// used, for workspaces with an endpoint only.
func testWebhookDetections(e *env) {
	ws, quiet := e.workspace(), e.workspace()
	a, b := e.app(ws), e.app(quiet)
	k := e.key(a)
	e.webhook(ws, model.EventFailuresSpiked)
	since := e.tick()
	for i, reason := range []string{"", "signature_mismatch", "expired", ""} {
		for _, app := range []*model.App{a, b} {
			at := &model.Attempt{ID: model.NewID("att"), WorkspaceID: app.WorkspaceID, AppID: app.ID, Platform: app.Platform,
				Profile: app.Profile, Result: model.ResultRejected, Reason: verify.Reason(reason), At: e.tick()}
			if reason == "" {
				at.Result = model.ResultUnverified
			}
			if i == 3 {
				at.Result, at.Reason = model.ResultThrottled, "rate_limited"
			}
			e.must(e.s.RecordAttempt(e.ctx, at))
		}
	}
	l, err := e.s.AppFailures(e.ctx, since)
	e.must(err)
	if len(l) != 1 || l[0].AppID != a.ID || l[0].WorkspaceID != ws.ID || l[0].Total != 3 || l[0].Failed != 2 {
		e.t.Fatalf("app failures = %+v, want app %s: 3 checked, 2 failed", l, a.ID)
	}

	// A key in its grace period, used since: listed; before: not.
	e.must(e.s.RetireKey(e.ctx, k.ID, e.now.Add(time.Hour), nil))
	used, err := e.s.RetiringKeysUsed(e.ctx, since, e.tick())
	e.must(err)
	if len(used) != 0 {
		e.t.Fatalf("retiring keys used (never used) = %+v", used)
	}
	l2 := e.newLogin(a, k, signed("uid", "u-1"))
	e.login(l2)
	used, err = e.s.RetiringKeysUsed(e.ctx, since, e.tick())
	e.must(err)
	if len(used) != 1 || used[0].ID != k.ID {
		e.t.Fatalf("retiring keys used = %+v, want %s", used, k.ID)
	}
	if used, err := e.s.RetiringKeysUsed(e.ctx, since, e.now.Add(2*time.Hour)); err != nil || len(used) != 0 {
		e.t.Fatalf("retired keys listed as retiring = %+v, %v", used, err)
	}
}

// testPruneDeliveries: ended deliveries older than the cut go, in batches;
// pending ones stay whatever their age.
func testPruneDeliveries(e *env) {
	ws := e.workspace()
	h := e.webhook(ws, model.EventIssueCreated)
	var evs []*model.WebhookEvent
	for range 3 {
		ev := e.event(ws, model.EventIssueCreated)
		e.enqueue(ev)
		evs = append(evs, ev)
	}
	at := e.tick()
	_, err := e.s.FinishDelivery(e.ctx, h.ID, evs[0].ID, model.DeliveryOutcome{At: at, Delivered: true, Status: 200})
	e.must(err)
	_, err = e.s.FinishDelivery(e.ctx, h.ID, evs[1].ID, model.DeliveryOutcome{At: at, Error: "gave up"})
	e.must(err)
	_, err = e.s.PruneDeliveries(e.ctx, at, 0)
	e.wantCode(err, model.CodeInvalid)
	n, err := e.s.PruneDeliveries(e.ctx, evs[0].At, 10)
	e.must(err)
	if n != 0 {
		e.t.Fatalf("pruned %d enqueued at or after the cut", n)
	}
	n, err = e.s.PruneDeliveries(e.ctx, e.tick(), 1)
	e.must(err)
	n2, err := e.s.PruneDeliveries(e.ctx, e.now, 10)
	e.must(err)
	if n != 1 || n2 != 1 {
		e.t.Fatalf("pruned %d then %d, want 1 and 1", n, n2)
	}
	l, err := e.s.WebhookDeliveries(e.ctx, h.ID, model.DeliveryFilter{})
	e.must(err)
	if len(l) != 1 || l[0].EventID != evs[2].ID || l[0].Status != model.DeliveryPending {
		e.t.Fatalf("left after pruning: %+v, want the pending one", l)
	}
}

// testWebhooksWorkspaceDeleted: deleting a workspace deletes its endpoints
// and their deliveries, and nothing of another workspace's.
func testWebhooksWorkspaceDeleted(e *env) {
	ws, other := e.workspace(), e.workspace()
	h := e.webhook(ws, model.EventIssueCreated)
	kept := e.webhook(other, model.EventIssueCreated)
	e.enqueue(e.event(ws, model.EventIssueCreated))
	e.enqueue(e.event(other, model.EventIssueCreated))
	_, err := e.s.DeleteWorkspace(e.ctx, ws.ID, e.tick(), nil)
	e.must(err)
	_, err = e.s.Webhook(e.ctx, h.ID)
	e.wantCode(err, model.CodeNotFound)
	if l, err := e.s.WebhookDeliveries(e.ctx, h.ID, model.DeliveryFilter{}); err != nil || len(l) != 0 {
		e.t.Fatalf("deliveries of a deleted workspace: %v %v", l, err)
	}
	if l, err := e.s.WebhookDeliveries(e.ctx, kept.ID, model.DeliveryFilter{}); err != nil || len(l) != 1 {
		e.t.Fatalf("another workspace's deliveries: %v %v", l, err)
	}
}
