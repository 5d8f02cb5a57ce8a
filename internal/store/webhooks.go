package store

import (
	"context"
	"time"

	"github.com/signet-id/signet/internal/model"
)

// Webhooks keeps a workspace's webhook endpoints and the outbox of their
// deliveries (internal/webhook). Write methods that take an audit entry
// write it in the same transaction.
//
// Events reach the outbox in two ways: a change written with an audit entry
// that model.EventOfAudit maps to an event (a key made or revoked, an app's
// enforcement set) enqueues it in that same transaction, through every
// write method that takes an audit entry; other events (an issue, an
// agent's message, what the webhook service detects) are enqueued with
// EnqueueEvent right after the change they report.
type Webhooks interface {
	// CreateWebhook stores w (its secret already sealed); not_found if its
	// workspace does not exist.
	CreateWebhook(ctx context.Context, w *model.Webhook, audit *model.AuditEntry) error
	// Webhook returns one endpoint; not_found.
	Webhook(ctx context.Context, id string) (*model.Webhook, error)
	// Webhooks lists a workspace's endpoints, oldest first.
	Webhooks(ctx context.Context, workspaceID string) ([]model.Webhook, error)
	// UpdateWebhook saves w's URL, events, description, secrets and
	// disabled state; not_found.
	UpdateWebhook(ctx context.Context, w *model.Webhook, audit *model.AuditEntry) error
	// DisableWebhook disables an enabled endpoint at `at` for reason, with
	// audit in the same transaction; it reports false, writing nothing, when
	// the endpoint was already disabled (two nodes deciding at once).
	DisableWebhook(ctx context.Context, id string, at time.Time, reason string, audit *model.AuditEntry) (bool, error)
	// DeleteWebhook deletes an endpoint and its deliveries; not_found.
	DeleteWebhook(ctx context.Context, id string, audit *model.AuditEntry) error

	// EnqueueEvent adds one pending delivery of ev, due at once, for every
	// enabled endpoint of ev's workspace subscribed to ev.Type, and returns
	// how many; an endpoint that already has ev.ID is skipped (an event
	// enqueued twice, by two nodes, is delivered once). body is the payload.
	EnqueueEvent(ctx context.Context, ev *model.WebhookEvent, body []byte) (int, error)
	// ClaimDeliveries leases up to limit pending deliveries due at `now`
	// (next attempt at or before now, not leased, endpoint enabled) to the
	// caller until now+lease, oldest due first: another node claims none of
	// them meanwhile, and takes them over once the lease ends (a node that
	// stopped mid-delivery).
	ClaimDeliveries(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]model.WebhookDelivery, error)
	// FinishDelivery records an attempt's outcome and releases the lease:
	// delivered (the endpoint's failing_since cleared), or pending until
	// o.Next, or failed when o.Next is nil (the endpoint's failing_since set
	// when unset). It returns the endpoint as it then is; not_found.
	FinishDelivery(ctx context.Context, endpointID, eventID string, o model.DeliveryOutcome) (*model.Webhook, error)
	// WebhookDeliveries lists an endpoint's deliveries, newest first.
	WebhookDeliveries(ctx context.Context, endpointID string, f model.DeliveryFilter) ([]model.WebhookDelivery, error)
	// WebhookDelivery returns one delivery; not_found.
	WebhookDelivery(ctx context.Context, endpointID, eventID string) (*model.WebhookDelivery, error)
	// ResendDelivery makes a delivery pending again, due at `at`, with its
	// attempts counted from zero (the retry window starts again at `at`),
	// with audit in the same transaction; not_found.
	ResendDelivery(ctx context.Context, endpointID, eventID string, at time.Time, audit *model.AuditEntry) error

	// PruneDeliveries deletes at most limit deliveries that ended
	// (delivered or failed) and were enqueued before `before`, and returns
	// how many; pending ones are never deleted; invalid if limit < 1.
	PruneDeliveries(ctx context.Context, before time.Time, limit int) (int, error)

	// AppFailures counts, per app of the workspaces that have an enabled
	// endpoint, the logins whose signature was checked since `since`
	// (inclusive) and how many of them failed (a reason recorded).
	AppFailures(ctx context.Context, since time.Time) ([]model.AppFailures, error)
	// RetiringKeysUsed lists the keys inside their grace period at `now`,
	// of workspaces that have an enabled endpoint, last used after `since`.
	RetiringKeysUsed(ctx context.Context, since, now time.Time) ([]model.Key, error)
}
