package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/signet-id/signet/internal/model"
)

const webhookColumns = `id, workspace_id, url, events, description, sealed, previous_sealed, previous_until,
	created_at, updated_at, disabled_at, disabled_reason, failing_since`

const deliveryColumns = `endpoint_id, event_id, workspace_id, event_type, payload, status, attempts, created_at,
	next_attempt_at, last_attempt_at, last_status, last_error, delivered_at`

// CreateWebhook stores w, and audit in the same transaction; not_found if
// its workspace does not exist, conflict if its id is taken.
func (s *Store) CreateWebhook(ctx context.Context, w *model.Webhook, audit *model.AuditEntry) error {
	return wrap("create webhook", s.audited(ctx, audit, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO webhook_endpoints (`+webhookColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			w.ID, w.WorkspaceID, w.URL, encodeStrings(w.Events), w.Description, w.Sealed, nullBytes(w.PreviousSealed),
			nullMillis(w.PreviousUntil), millis(w.CreatedAt), millis(w.UpdatedAt), nullMillis(w.DisabledAt),
			w.DisabledReason, nullMillis(w.FailingSince))
		switch {
		case err != nil && s.d.IsForeignKeyViolation(err):
			return model.Errorf(model.CodeNotFound, "workspace %s not found", w.WorkspaceID)
		case err != nil && s.d.IsUniqueViolation(err):
			return model.Errorf(model.CodeConflict, "webhook %s already exists", w.ID)
		}
		return err
	}))
}

// Webhook returns one endpoint; not_found.
func (s *Store) Webhook(ctx context.Context, id string) (*model.Webhook, error) {
	return s.webhook(ctx, s.reader, id)
}

func (s *Store) webhook(ctx context.Context, q querier, id string) (*model.Webhook, error) {
	w, err := scanWebhook(q.QueryRowContext(ctx, `SELECT `+webhookColumns+` FROM webhook_endpoints WHERE id = $1`, id))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, model.Errorf(model.CodeNotFound, "webhook %s not found", id)
	case err != nil:
		return nil, fmt.Errorf("webhook: %w", err)
	}
	return w, nil
}

// Webhooks lists a workspace's endpoints, oldest first.
func (s *Store) Webhooks(ctx context.Context, workspaceID string) ([]model.Webhook, error) {
	l, err := listOf(ctx, s.reader, scanWebhook, `SELECT `+webhookColumns+` FROM webhook_endpoints
		WHERE workspace_id = $1 ORDER BY created_at, id`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("webhooks: %w", err)
	}
	return l, nil
}

// UpdateWebhook saves w's settings, secrets and state; not_found.
func (s *Store) UpdateWebhook(ctx context.Context, w *model.Webhook, audit *model.AuditEntry) error {
	return wrap("update webhook", s.audited(ctx, audit, func(tx *Tx) error {
		n, err := affected(tx.ExecContext(ctx, `
			UPDATE webhook_endpoints SET url = $2, events = $3, description = $4, sealed = $5, previous_sealed = $6,
				previous_until = $7, updated_at = $8, disabled_at = $9, disabled_reason = $10, failing_since = $11
			WHERE id = $1`,
			w.ID, w.URL, encodeStrings(w.Events), w.Description, w.Sealed, nullBytes(w.PreviousSealed),
			nullMillis(w.PreviousUntil), millis(w.UpdatedAt), nullMillis(w.DisabledAt), w.DisabledReason,
			nullMillis(w.FailingSince)))
		switch {
		case err != nil:
			return err
		case n == 0:
			return model.Errorf(model.CodeNotFound, "webhook %s not found", w.ID)
		}
		return nil
	}))
}

// DisableWebhook disables an enabled endpoint, with audit; false when it
// was disabled already (then nothing is written).
func (s *Store) DisableWebhook(ctx context.Context, id string, at time.Time, reason string, audit *model.AuditEntry) (bool, error) {
	var changed bool
	err := s.inTx(ctx, func(tx *Tx) error {
		n, err := affected(tx.ExecContext(ctx, `
			UPDATE webhook_endpoints SET disabled_at = $2, disabled_reason = $3, updated_at = $2
			WHERE id = $1 AND disabled_at IS NULL`, id, millis(at), reason))
		if err != nil || n == 0 {
			return err
		}
		changed = true
		if audit == nil {
			return nil
		}
		return s.appendAudit(ctx, tx, audit)
	})
	return changed, wrap("disable webhook", err)
}

// DeleteWebhook deletes an endpoint and, with it, its deliveries; not_found.
func (s *Store) DeleteWebhook(ctx context.Context, id string, audit *model.AuditEntry) error {
	return wrap("delete webhook", s.audited(ctx, audit, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM webhook_deliveries WHERE endpoint_id = $1`, id); err != nil {
			return err
		}
		n, err := affected(tx.ExecContext(ctx, `DELETE FROM webhook_endpoints WHERE id = $1`, id))
		switch {
		case err != nil:
			return err
		case n == 0:
			return model.Errorf(model.CodeNotFound, "webhook %s not found", id)
		}
		return nil
	}))
}

// EnqueueEvent adds a pending delivery of ev for each subscribed endpoint.
func (s *Store) EnqueueEvent(ctx context.Context, ev *model.WebhookEvent, body []byte) (int, error) {
	n, err := s.enqueue(ctx, s.writer, ev, body)
	return n, wrap("enqueue webhook event", err)
}

// enqueue writes ev's deliveries through q: the writer pool, or the
// transaction of the change ev reports. One statement: the subscribed
// endpoints are read and their deliveries written together. An endpoint's
// events are a JSON array of names, matched as a quoted string.
func (s *Store) enqueue(ctx context.Context, q querier, ev *model.WebhookEvent, body []byte) (int, error) {
	return affected(q.ExecContext(ctx, `
		INSERT INTO webhook_deliveries (endpoint_id, event_id, workspace_id, event_type, payload, status, attempts,
			created_at, next_attempt_at)
		SELECT id, $1, workspace_id, $2, $3, 'pending', 0, $4, $4 FROM webhook_endpoints
		WHERE workspace_id = $5 AND disabled_at IS NULL AND events LIKE $6
		ON CONFLICT (endpoint_id, event_id) DO NOTHING`,
		ev.ID, ev.Type, string(body), millis(ev.At), ev.WorkspaceID, `%"`+ev.Type+`"%`))
}

// enqueueAudited enqueues, in the transaction of an audited change, the
// webhook event the change reports (model.EventOfAudit), if any.
func (s *Store) enqueueAudited(ctx context.Context, q querier, e *model.AuditEntry) error {
	ev := model.EventOfAudit(e)
	if ev == nil {
		return nil
	}
	body, err := model.EventBody(ev)
	if err != nil {
		return err
	}
	_, err = s.enqueue(ctx, q, ev, body)
	return err
}

// ClaimDeliveries leases due deliveries to the caller. On PostgreSQL the
// rows another node is claiming at the same moment are skipped (SKIP
// LOCKED), not waited for; on SQLite the one statement runs alone.
func (s *Store) ClaimDeliveries(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]model.WebhookDelivery, error) {
	if limit < 1 {
		return nil, model.Errorf(model.CodeInvalid, "claim deliveries: limit must be 1 or more")
	}
	skip := ""
	if s.d.Name == "postgres" {
		skip = " FOR UPDATE OF d SKIP LOCKED"
	}
	l, err := listOf(ctx, s.writer, scanDelivery, `
		UPDATE webhook_deliveries SET lease_until = $2
		WHERE (endpoint_id, event_id) IN (
			SELECT d.endpoint_id, d.event_id FROM webhook_deliveries d
			JOIN webhook_endpoints e ON e.id = d.endpoint_id
			WHERE d.status = 'pending' AND d.next_attempt_at <= $1
				AND (d.lease_until IS NULL OR d.lease_until <= $1) AND e.disabled_at IS NULL
			ORDER BY d.next_attempt_at, d.event_id LIMIT `+fmt.Sprint(limit)+skip+`)
		RETURNING `+deliveryColumns, millis(now), millis(now.Add(lease)))
	if err != nil {
		return nil, fmt.Errorf("claim deliveries: %w", err)
	}
	return l, nil
}

// FinishDelivery records an attempt and releases its lease.
func (s *Store) FinishDelivery(ctx context.Context, endpointID, eventID string, o model.DeliveryOutcome) (*model.Webhook, error) {
	var w *model.Webhook
	err := s.inTx(ctx, func(tx *Tx) error {
		status, next := model.DeliveryFailed, sql.NullInt64{}
		switch {
		case o.Delivered:
			status = model.DeliveryDelivered
		case o.Next != nil:
			status, next = model.DeliveryPending, sql.NullInt64{Int64: millis(*o.Next), Valid: true}
		}
		var delivered any
		if o.Delivered {
			delivered = millis(o.At)
		}
		n, err := affected(tx.ExecContext(ctx, `
			UPDATE webhook_deliveries SET status = $3, attempts = attempts + 1,
				next_attempt_at = COALESCE($4, next_attempt_at), lease_until = NULL, last_attempt_at = $5,
				last_status = $6, last_error = $7, delivered_at = $8
			WHERE endpoint_id = $1 AND event_id = $2`,
			endpointID, eventID, status, next, millis(o.At), o.Status, cleanText(o.Error), delivered))
		switch {
		case err != nil:
			return err
		case n == 0:
			return model.Errorf(model.CodeNotFound, "delivery %s of webhook %s not found", eventID, endpointID)
		}
		if o.Delivered {
			_, err = tx.ExecContext(ctx, `UPDATE webhook_endpoints SET failing_since = NULL WHERE id = $1`, endpointID)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, $2)
				WHERE id = $1`, endpointID, millis(o.At))
		}
		if err != nil {
			return err
		}
		w, err = s.webhook(ctx, tx, endpointID)
		return err
	})
	return w, wrap("finish delivery", err)
}

// WebhookDeliveries lists an endpoint's deliveries, newest first.
func (s *Store) WebhookDeliveries(ctx context.Context, endpointID string, f model.DeliveryFilter) ([]model.WebhookDelivery, error) {
	var w filter
	w.where("endpoint_id = " + w.arg(endpointID))
	if f.Status != "" {
		w.where("status = " + w.arg(f.Status))
	}
	l, err := listOf(ctx, s.reader, scanDelivery, `SELECT `+deliveryColumns+` FROM webhook_deliveries`+w.sql()+
		` ORDER BY created_at DESC, event_id DESC`+w.limit(f.Limit), w.args...)
	if err != nil {
		return nil, fmt.Errorf("webhook deliveries: %w", err)
	}
	return l, nil
}

// WebhookDelivery returns one delivery; not_found.
func (s *Store) WebhookDelivery(ctx context.Context, endpointID, eventID string) (*model.WebhookDelivery, error) {
	d, err := scanDelivery(s.reader.QueryRowContext(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries
		WHERE endpoint_id = $1 AND event_id = $2`, endpointID, eventID))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, model.Errorf(model.CodeNotFound, "delivery %s of webhook %s not found", eventID, endpointID)
	case err != nil:
		return nil, fmt.Errorf("webhook delivery: %w", err)
	}
	return d, nil
}

// ResendDelivery makes a delivery pending again, due at `at`; not_found.
// Its created_at moves to `at`, which starts the retry window again.
func (s *Store) ResendDelivery(ctx context.Context, endpointID, eventID string, at time.Time, audit *model.AuditEntry) error {
	return wrap("resend delivery", s.audited(ctx, audit, func(tx *Tx) error {
		n, err := affected(tx.ExecContext(ctx, `
			UPDATE webhook_deliveries SET status = 'pending', attempts = 0, created_at = $3, next_attempt_at = $3,
				lease_until = NULL, delivered_at = NULL
			WHERE endpoint_id = $1 AND event_id = $2`, endpointID, eventID, millis(at)))
		switch {
		case err != nil:
			return err
		case n == 0:
			return model.Errorf(model.CodeNotFound, "delivery %s of webhook %s not found", eventID, endpointID)
		}
		return nil
	}))
}

// PruneDeliveries deletes ended deliveries enqueued before `before`, at
// most limit, oldest first.
func (s *Store) PruneDeliveries(ctx context.Context, before time.Time, limit int) (int, error) {
	if limit < 1 {
		return 0, model.Errorf(model.CodeInvalid, "prune deliveries: limit must be 1 or more")
	}
	n, err := affected(s.writer.ExecContext(ctx, `
		DELETE FROM webhook_deliveries WHERE (endpoint_id, event_id) IN (
			SELECT endpoint_id, event_id FROM webhook_deliveries
			WHERE status <> 'pending' AND created_at < $1
			ORDER BY created_at LIMIT `+fmt.Sprint(limit)+`)`, millis(before)))
	if err != nil {
		return n, fmt.Errorf("prune deliveries: %w", err)
	}
	return n, nil
}

// AppFailures counts checked logins and failures per app since `since`,
// for the workspaces with an enabled endpoint. Throttled attempts were
// never checked; a failure is an attempt with a reason.
func (s *Store) AppFailures(ctx context.Context, since time.Time) ([]model.AppFailures, error) {
	rows, err := s.reader.QueryContext(ctx, `
		SELECT app_id, workspace_id, COUNT(*), SUM(CASE WHEN reason <> '' THEN 1 ELSE 0 END) FROM attempts
		WHERE at >= $1 AND result <> $2
			AND workspace_id IN (SELECT workspace_id FROM webhook_endpoints WHERE disabled_at IS NULL)
		GROUP BY app_id, workspace_id ORDER BY app_id`, millis(since), string(model.ResultThrottled))
	if err != nil {
		return nil, fmt.Errorf("app failures: %w", err)
	}
	defer rows.Close()
	var l []model.AppFailures
	for rows.Next() {
		var f model.AppFailures
		if err := rows.Scan(&f.AppID, &f.WorkspaceID, &f.Total, &f.Failed); err != nil {
			return nil, fmt.Errorf("app failures: %w", err)
		}
		l = append(l, f)
	}
	return l, rows.Err()
}

// RetiringKeysUsed lists keys in their grace period at now, used after since.
func (s *Store) RetiringKeysUsed(ctx context.Context, since, now time.Time) ([]model.Key, error) {
	l, err := listOf(ctx, s.reader, scanKey, `SELECT `+keyColumns+` FROM keys
		WHERE revoked_at IS NULL AND retires_at IS NOT NULL AND retires_at > $1 AND last_used_at > $2
			AND workspace_id IN (SELECT workspace_id FROM webhook_endpoints WHERE disabled_at IS NULL)
		ORDER BY created_at, id`, millis(now), millis(since))
	if err != nil {
		return nil, fmt.Errorf("retiring keys used: %w", err)
	}
	return l, nil
}

func scanWebhook(sc scanner) (*model.Webhook, error) {
	var w model.Webhook
	var events string
	var prevUntil, disabled, failing sql.NullInt64
	var created, updated int64
	err := sc.Scan(&w.ID, &w.WorkspaceID, &w.URL, &events, &w.Description, &w.Sealed, &w.PreviousSealed, &prevUntil,
		&created, &updated, &disabled, &w.DisabledReason, &failing)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(events), &w.Events); err != nil {
		return nil, fmt.Errorf("webhook %s events: %w", w.ID, err)
	}
	if len(w.PreviousSealed) == 0 {
		w.PreviousSealed = nil
	}
	w.PreviousUntil, w.DisabledAt, w.FailingSince = timePtr(prevUntil), timePtr(disabled), timePtr(failing)
	w.CreatedAt, w.UpdatedAt = fromMillis(created), fromMillis(updated)
	return &w, nil
}

func scanDelivery(sc scanner) (*model.WebhookDelivery, error) {
	var d model.WebhookDelivery
	var created, next int64
	var last, delivered, status sql.NullInt64
	err := sc.Scan(&d.EndpointID, &d.EventID, &d.WorkspaceID, &d.EventType, &d.Payload, &d.Status, &d.Attempts,
		&created, &next, &last, &status, &d.LastError, &delivered)
	if err != nil {
		return nil, err
	}
	d.CreatedAt, d.LastAttemptAt, d.DeliveredAt = fromMillis(created), timePtr(last), timePtr(delivered)
	d.LastStatus = int(status.Int64)
	if d.Status == model.DeliveryPending {
		t := fromMillis(next)
		d.NextAttemptAt = &t
	}
	return &d, nil
}

// nullBytes stores optional bytes: NULL when empty.
func nullBytes(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}
