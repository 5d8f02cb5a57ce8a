package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/signet-id/signet/internal/model"
)

const auditColumns = `id, COALESCE(workspace_id, ''), actor_role, actor_id, action, target_type, target_id,
	details, ip, user_agent, at`

// AppendAudit adds an entry to the append-only audit log: the store has no
// method that changes or deletes one, and the database's triggers refuse
// UPDATE and DELETE on the table (migrations 0003). It gives an entry
// without an id one (model.NewID("aud")); invalid_request when At or Action
// is missing or Details cannot be JSON; conflict if the id is taken.
//
// Text that PostgreSQL cannot store (invalid UTF-8, NUL), such as a client's
// User-Agent cut in the middle of a character, is written with U+FFFD in its
// place, on both databases alike: an entry is never lost over a stray byte.
func (s *Store) AppendAudit(ctx context.Context, e *model.AuditEntry) error {
	return s.appendAudit(ctx, s.writer, e)
}

// appendAudit writes e through q: the writer pool, or the transaction of
// the change e records (so that both are written, or neither).
func (s *Store) appendAudit(ctx context.Context, q querier, e *model.AuditEntry) error {
	if e.At.IsZero() {
		return model.Errorf(model.CodeInvalid, "append audit: the time of the action is required")
	}
	if e.Action == "" {
		return model.Errorf(model.CodeInvalid, "append audit: the action is required")
	}
	details, err := encodeDetails(e.Details)
	if err != nil {
		return err
	}
	if e.ID == "" {
		e.ID = model.NewID("aud")
	}
	_, err = q.ExecContext(ctx, `
		INSERT INTO audit_log (id, workspace_id, actor_role, actor_id, action, target_type, target_id,
			details, ip, user_agent, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		cleanText(e.ID), nullString(cleanText(e.WorkspaceID)), cleanText(string(e.ActorRole)), cleanText(e.ActorID),
		cleanText(e.Action), cleanText(e.TargetType), cleanText(e.TargetID), details,
		cleanText(e.IP), cleanText(e.UserAgent), millis(e.At))
	switch {
	case err != nil && s.d.IsUniqueViolation(err):
		return model.Errorf(model.CodeConflict, "audit entry %s already exists", e.ID)
	case err != nil:
		return fmt.Errorf("append audit: %w", err)
	}
	// The webhook event the change reports joins the outbox in the same
	// transaction (webhooks.go).
	return s.enqueueAudited(ctx, q, e)
}

// recordEnded sets "sessions_ended" in an audit entry's details: a count
// known only inside the change's transaction.
func recordEnded(e *model.AuditEntry, n int) {
	if e == nil {
		return
	}
	if e.Details == nil {
		e.Details = map[string]any{}
	}
	e.Details["sessions_ended"] = n
}

// audited runs change in a write transaction and, in the same
// transaction, appends e when it is not nil: the change and its record
// are written together or not at all.
func (s *Store) audited(ctx context.Context, e *model.AuditEntry, change func(tx *Tx) error) error {
	return s.inTx(ctx, func(tx *Tx) error {
		if err := change(tx); err != nil {
			return err
		}
		if e == nil {
			return nil
		}
		return s.appendAudit(ctx, tx, e)
	})
}

// Audit lists a workspace's audit entries (the instance-wide ones, stored
// without a workspace, when workspaceID is ""), newest first; entries of
// the same millisecond come last written first (by seq, as messages).
// Since is inclusive; Before is the id of the last entry of the previous
// page: an unknown one, or one outside this listing's workspace, gives an
// empty page. Details come back with their numbers as json.Number, exactly
// as written.
func (s *Store) Audit(ctx context.Context, workspaceID string, f model.AuditFilter) ([]model.AuditEntry, error) {
	var w filter
	scope := "workspace_id IS NULL"
	if workspaceID != "" {
		scope = "workspace_id = " + w.arg(cleanText(workspaceID))
	}
	w.where(scope)
	if f.Action != "" {
		w.where("action = " + w.arg(cleanText(f.Action)))
	}
	if f.ActorID != "" {
		w.where("actor_id = " + w.arg(cleanText(f.ActorID)))
	}
	if f.TargetID != "" {
		w.where("target_id = " + w.arg(cleanText(f.TargetID)))
	}
	if !f.Since.IsZero() {
		w.where("at >= " + w.arg(millis(f.Since)))
	}
	if f.Before != "" {
		w.where("(at, seq) < (SELECT at, seq FROM audit_log WHERE id = " + w.arg(cleanText(f.Before)) + " AND " + scope + ")")
	}
	rows, err := s.reader.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit_log`+w.sql()+
		` ORDER BY at DESC, seq DESC`+w.limit(f.Limit), w.args...)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	defer rows.Close()
	var l []model.AuditEntry
	for rows.Next() {
		var e model.AuditEntry
		var details string
		var at int64
		err := rows.Scan(&e.ID, &e.WorkspaceID, &e.ActorRole, &e.ActorID, &e.Action, &e.TargetType, &e.TargetID,
			&details, &e.IP, &e.UserAgent, &at)
		if err != nil {
			return nil, fmt.Errorf("audit: %w", err)
		}
		if e.Details, err = decodeDetails(details); err != nil {
			return nil, fmt.Errorf("audit: entry %s: %w", e.ID, err)
		}
		e.At = fromMillis(at)
		l = append(l, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	return l, nil
}

// encodeDetails stores an entry's details as a JSON object; invalid_request
// when they cannot be JSON (a channel, a function, NaN…).
func encodeDetails(d map[string]any) (string, error) {
	if len(d) == 0 {
		return "{}", nil
	}
	b, err := json.Marshal(d)
	if err != nil {
		return "", model.Errorf(model.CodeInvalid, "append audit: the details cannot be written as JSON: %v", err)
	}
	return string(b), nil
}

// decodeDetails reads an entry's details; empty is nil. Numbers stay
// json.Number, so that large integers keep every digit.
func decodeDetails(s string) (map[string]any, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("details: %w", err)
	}
	if len(m) == 0 {
		return nil, nil
	}
	return m, nil
}

// cleanText replaces what PostgreSQL cannot store in TEXT (invalid UTF-8,
// NUL) with U+FFFD, so that both databases keep the same value.
func cleanText(s string) string {
	if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}
