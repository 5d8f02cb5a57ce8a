package model

import (
	"crypto/sha256"
	"encoding/json"
	"strings"
	"time"
)

// Webhook event types: what an endpoint may subscribe to.
const (
	// EventFailuresSpiked: an app's share of failed verifications went over
	// the threshold within a window.
	EventFailuresSpiked = "verification.failures_spiked"
	// EventKeyRetiringStillUsed: a key inside its grace period still signs logins.
	EventKeyRetiringStillUsed = "key.retiring_still_used"
	// EventEnforcementChanged: an app's enforcement was set.
	EventEnforcementChanged = "app.enforcement_changed"
	// EventKeyCreated and EventKeyRevoked: an app's key was made or revoked.
	EventKeyCreated = "key.created"
	EventKeyRevoked = "key.revoked"
	// EventIssueCreated: a user opened an issue.
	EventIssueCreated = "issue.created"
	// EventMessageCreated: an agent wrote to a user (a brand's backend may
	// push a notification to a backgrounded app).
	EventMessageCreated = "message.created"
)

// WebhookEventTypes lists every event type, in the order the dashboard shows them.
var WebhookEventTypes = []string{
	EventMessageCreated, EventIssueCreated, EventFailuresSpiked, EventKeyRetiringStillUsed,
	EventEnforcementChanged, EventKeyCreated, EventKeyRevoked,
}

// ValidWebhookEvent reports whether t is an event type.
func ValidWebhookEvent(t string) bool {
	for _, e := range WebhookEventTypes {
		if e == t {
			return true
		}
	}
	return false
}

// Webhook is one endpoint of a workspace: a URL, the events it subscribes
// to, and the secret that signs what it receives (sealed; shown once).
type Webhook struct {
	ID          string   `json:"id"`
	WorkspaceID string   `json:"workspace_id"`
	URL         string   `json:"url"`
	Events      []string `json:"events"`
	Description string   `json:"description"`
	// Sealed is the signing secret's bytes, sealed under the master key.
	Sealed []byte `json:"-"`
	// PreviousSealed, until PreviousUntil, is the secret before the last
	// rotation: deliveries carry a signature under each (the overlap).
	PreviousSealed []byte     `json:"-"`
	PreviousUntil  *time.Time `json:"previous_secret_until,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
	// DisabledAt, when set, stops deliveries (by an admin, or after a day
	// of failures: DisabledReason says which).
	DisabledAt     *time.Time `json:"disabled_at,omitempty"`
	DisabledReason string     `json:"disabled_reason,omitempty"`
	// FailingSince is the first failed attempt since the last success.
	FailingSince *time.Time `json:"failing_since,omitempty"`
}

// Subscribes reports whether the endpoint takes events of type t.
func (w *Webhook) Subscribes(t string) bool {
	for _, e := range w.Events {
		if e == t {
			return true
		}
	}
	return false
}

// WebhookEvent is one event to deliver to a workspace's endpoints.
type WebhookEvent struct {
	// ID is the webhook-id every endpoint receives, the same on every
	// attempt: a receiver drops what it has seen.
	ID          string
	WorkspaceID string
	Type        string
	At          time.Time
	Data        map[string]any
}

// Delivery states.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryFailed    = "failed" // given up after the retry window
)

// WebhookDelivery is one event for one endpoint: the outbox row and its log.
type WebhookDelivery struct {
	EndpointID  string `json:"endpoint_id"`
	EventID     string `json:"event_id"`
	WorkspaceID string `json:"-"`
	EventType   string `json:"event_type"`
	// Payload is the body, exactly as signed and sent.
	Payload       string     `json:"payload"`
	Status        string     `json:"status"`
	Attempts      int        `json:"attempts"`
	CreatedAt     time.Time  `json:"created_at"`
	NextAttemptAt *time.Time `json:"next_attempt_at,omitempty"` // while pending
	LastAttemptAt *time.Time `json:"last_attempt_at,omitempty"`
	// LastStatus is the receiver's HTTP status at the last attempt; 0 when
	// none came (refused, timed out).
	LastStatus  int        `json:"last_status"`
	LastError   string     `json:"last_error,omitempty"`
	DeliveredAt *time.Time `json:"delivered_at,omitempty"`
}

// DeliveryFilter narrows a delivery log, newest first.
type DeliveryFilter struct {
	Status string
	Limit  int
}

// DeliveryOutcome is what one attempt of a delivery came to.
type DeliveryOutcome struct {
	At time.Time
	// Delivered: the receiver answered 2xx.
	Delivered bool
	Status    int
	Error     string
	// Next is when to try again after a failure; nil gives up (failed).
	Next *time.Time
}

// AppFailures counts an app's checked logins and failures since a time.
type AppFailures struct {
	AppID       string
	WorkspaceID string
	Total       int
	Failed      int
}

// EventOfAudit is the webhook event an audited change reports, or nil: the
// store enqueues it in the change's own transaction. Its id follows from
// the audit entry's, so that the event is enqueued once.
func EventOfAudit(e *AuditEntry) *WebhookEvent {
	if e == nil || e.WorkspaceID == "" {
		return nil
	}
	ev := &WebhookEvent{ID: "evt_" + strings.TrimPrefix(e.ID, "aud_"), WorkspaceID: e.WorkspaceID, At: e.At,
		Data: map[string]any{"workspace_id": e.WorkspaceID}}
	switch e.Action {
	case "key.create":
		ev.Type = EventKeyCreated
		ev.Data["key_id"], ev.Data["app_id"] = e.TargetID, e.Details["app_id"]
	case "key.revoke":
		ev.Type = EventKeyRevoked
		ev.Data["key_id"], ev.Data["app_id"] = e.TargetID, e.Details["app_id"]
		ev.Data["sessions_ended"] = e.Details["sessions_ended"]
	case "app.update":
		enf, ok := e.Details["enforcement"]
		if !ok {
			return nil
		}
		ev.Type = EventEnforcementChanged
		ev.Data["app_id"], ev.Data["enforcement"] = e.TargetID, enf
	default:
		return nil
	}
	return ev
}

// EventBody is the body every endpoint receives for ev:
// {"type", "timestamp", "data"} (Standard Webhooks).
func EventBody(ev *WebhookEvent) ([]byte, error) {
	data := ev.Data
	if data == nil {
		data = map[string]any{}
	}
	return json.Marshal(struct {
		Type      string         `json:"type"`
		Timestamp string         `json:"timestamp"`
		Data      map[string]any `json:"data"`
	}{ev.Type, ev.At.UTC().Format(time.RFC3339Nano), data})
}

// EventID is the id of an event that several nodes may raise at once (a
// detection): derived from seed, so that the outbox keeps it once.
func EventID(seed string) string {
	h := sha256.Sum256([]byte("signet webhook event\x00" + seed))
	return "evt_" + idEncoding.EncodeToString(h[:10])
}
