package sqlstore

import (
	"context"
	"fmt"

	"github.com/signet-id/signet/internal/model"
)

// RecordAttempt writes an attempt that created no session (a rejection);
// not_found if its app does not exist in its workspace.
// It shares the transaction of the logins being written (group commit).
func (s *Store) RecordAttempt(ctx context.Context, a *model.Attempt) error {
	if err := s.commits.submit(ctx, &job{attempt: a, done: make(chan struct{})}); err != nil {
		return wrap("record attempt", err)
	}
	return nil
}

// insertAttempt writes an attempt through q (the writer, or Login's transaction).
func (s *Store) insertAttempt(ctx context.Context, q querier, a *model.Attempt) error {
	_, err := q.ExecContext(ctx, `
		INSERT INTO attempts (id, workspace_id, app_id, platform, profile, app_version, result,
			reason, cause, diagnosis, key_id, user_id, at, claimed_user_id, claimed_email)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		a.ID, a.WorkspaceID, a.AppID, a.Platform, a.Profile, a.AppVersion, a.Result,
		a.Reason, a.Cause, a.Diagnosis, a.KeyID, nullString(a.UserID), millis(a.At), a.ClaimedUserID, a.ClaimedEmail)
	switch {
	case err != nil && s.d.IsUniqueViolation(err):
		return model.Errorf(model.CodeConflict, "attempt %s already exists", a.ID)
	case err != nil && s.d.IsForeignKeyViolation(err):
		return model.Errorf(model.CodeNotFound, "app %s (of workspace %s) or user %q not found", a.AppID, a.WorkspaceID, a.UserID)
	case err != nil:
		return fmt.Errorf("insert attempt: %w", err)
	}
	return nil
}

// Attempts lists a workspace's verification log, newest first; attempts of
// the same millisecond come last written first (by seq, as the audit log).
// Since is inclusive, Until exclusive; Before is the id of the last attempt
// of the previous page.
func (s *Store) Attempts(ctx context.Context, workspaceID string, f model.AttemptFilter) ([]model.Attempt, error) {
	var w filter
	w.where("workspace_id = " + w.arg(workspaceID))
	if f.AppID != "" {
		w.where("app_id = " + w.arg(f.AppID))
	}
	if f.Result != "" {
		w.where("result = " + w.arg(f.Result))
	}
	if f.Reason != "" {
		w.where("reason = " + w.arg(f.Reason))
	}
	if f.UserID != "" {
		w.where("user_id = " + w.arg(f.UserID))
	}
	if !f.Since.IsZero() {
		w.where("at >= " + w.arg(millis(f.Since)))
	}
	if !f.Until.IsZero() {
		w.where("at < " + w.arg(millis(f.Until)))
	}
	if f.Before != "" {
		w.where("(at, seq) < (SELECT at, seq FROM attempts WHERE id = " + w.arg(f.Before) + ")")
	}
	rows, err := s.reader.QueryContext(ctx, `
		SELECT id, workspace_id, app_id, platform, profile, app_version, result, reason, cause, diagnosis,
			key_id, COALESCE(user_id, ''), at, claimed_user_id, claimed_email
		FROM attempts`+w.sql()+` ORDER BY at DESC, seq DESC`+w.limit(f.Limit), w.args...)
	if err != nil {
		return nil, fmt.Errorf("attempts: %w", err)
	}
	defer rows.Close()
	var l []model.Attempt
	for rows.Next() {
		var a model.Attempt
		var at int64
		err := rows.Scan(&a.ID, &a.WorkspaceID, &a.AppID, &a.Platform, &a.Profile, &a.AppVersion, &a.Result,
			&a.Reason, &a.Cause, &a.Diagnosis, &a.KeyID, &a.UserID, &at, &a.ClaimedUserID, &a.ClaimedEmail)
		if err != nil {
			return nil, fmt.Errorf("attempts: %w", err)
		}
		a.At = fromMillis(at)
		l = append(l, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("attempts: %w", err)
	}
	return l, nil
}
