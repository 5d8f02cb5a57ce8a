package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/signet-id/signet/internal/model"
)

// previewRunes is how much of the first message an issue's preview keeps
// when the caller leaves it empty.
const previewRunes = 140

const issueColumns = `id, workspace_id, app_id, user_id, COALESCE(session_id, ''), status, preview,
	created_at, updated_at, last_message_at`

// CreateIssue stores an issue and its first message in one transaction;
// not_found if its app, user or session does not exist in its workspace,
// conflict if the issue's or the message's id is taken. The store fills what
// the caller left empty: the message's IssueID and WorkspaceID, the status
// (open), the preview (the first 140 characters of the message), UpdatedAt
// (CreatedAt) and LastMessageAt (the message's CreatedAt).
func (s *Store) CreateIssue(ctx context.Context, i *model.Issue, first *model.Message) error {
	if first == nil {
		return model.Errorf(model.CodeInvalid, "create issue: the first message is required")
	}
	if first.IssueID == "" {
		first.IssueID = i.ID
	}
	if first.WorkspaceID == "" {
		first.WorkspaceID = i.WorkspaceID
	}
	if first.IssueID != i.ID || first.WorkspaceID != i.WorkspaceID {
		return model.Errorf(model.CodeInvalid, "create issue: the first message belongs to another issue or workspace")
	}
	if i.Status == "" {
		i.Status = model.IssueOpen
	}
	if i.Preview == "" {
		i.Preview = preview(first.Body)
	}
	if i.UpdatedAt.IsZero() {
		i.UpdatedAt = i.CreatedAt
	}
	if i.LastMessageAt.IsZero() {
		i.LastMessageAt = first.CreatedAt
	}
	if err := checkIssue(i); err != nil {
		return err
	}
	if err := checkMessage(first); err != nil {
		return err
	}
	err := s.inBatch(ctx, func(ctx context.Context, tx *Tx) error {
		if err := s.sessionStillLive(ctx, tx, i.SessionID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `
			INSERT INTO issues (id, workspace_id, app_id, user_id, session_id, status, preview,
				created_at, updated_at, last_message_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			i.ID, i.WorkspaceID, i.AppID, i.UserID, nullString(i.SessionID), i.Status, i.Preview,
			millis(i.CreatedAt), millis(i.UpdatedAt), millis(i.LastMessageAt))
		switch {
		case err != nil && s.d.IsUniqueViolation(err):
			return model.Errorf(model.CodeConflict, "issue %s already exists", i.ID)
		case err != nil && s.d.IsForeignKeyViolation(err):
			return model.Errorf(model.CodeNotFound, "app %s, user %s or session %q not found in workspace %s",
				i.AppID, i.UserID, i.SessionID, i.WorkspaceID)
		case err != nil:
			return fmt.Errorf("insert issue: %w", err)
		}
		return s.insertMessage(ctx, tx, first)
	})
	if err != nil {
		return wrap("create issue", err)
	}
	return nil
}

// Issue returns one issue; not_found.
func (s *Store) Issue(ctx context.Context, id string) (*model.Issue, error) {
	i, err := scanIssue(s.reader.QueryRowContext(ctx, `SELECT `+issueColumns+` FROM issues WHERE id = $1`, id))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, model.Errorf(model.CodeNotFound, "issue %s not found", id)
	case err != nil:
		return nil, fmt.Errorf("issue: %w", err)
	}
	return i, nil
}

// Issues lists a workspace's issues by last activity, newest first (ties by
// id). Before is the id of the last issue of the previous page; an unknown
// one, or one of another workspace, gives an empty page.
func (s *Store) Issues(ctx context.Context, workspaceID string, f model.IssueFilter) ([]model.Issue, error) {
	var w filter
	ws := w.arg(workspaceID)
	w.where("workspace_id = " + ws)
	if f.UserID != "" {
		w.where("user_id = " + w.arg(f.UserID))
	}
	if f.AppID != "" {
		w.where("app_id = " + w.arg(f.AppID))
	}
	if f.Status != "" {
		w.where("status = " + w.arg(f.Status))
	}
	if f.Before != "" {
		w.where("(last_message_at, id) < (SELECT last_message_at, id FROM issues WHERE id = " + w.arg(f.Before) +
			" AND workspace_id = " + ws + ")")
	}
	l, err := listOf(ctx, s.reader, scanIssue, `SELECT `+issueColumns+` FROM issues`+w.sql()+
		` ORDER BY last_message_at DESC, id DESC`+w.limit(f.Limit), w.args...)
	if err != nil {
		return nil, fmt.Errorf("issues: %w", err)
	}
	return l, nil
}

// SetIssueStatus opens or resolves an issue at `at`; not_found. UpdatedAt
// never moves back: a change stamped earlier than the last one keeps it.
func (s *Store) SetIssueStatus(ctx context.Context, id string, status model.IssueStatus, at time.Time) error {
	if err := checkStatus(status); err != nil {
		return err
	}
	n, err := affected(s.writer.ExecContext(ctx, `
		UPDATE issues SET status = $2, updated_at = `+latest("updated_at", "$3")+` WHERE id = $1`,
		id, status, millis(at)))
	switch {
	case err != nil:
		return fmt.Errorf("set issue status: %w", err)
	case n == 0:
		return model.Errorf(model.CodeNotFound, "issue %s not found", id)
	}
	return nil
}

// CountSessionIssues counts the issues a session opened after `since`
// (exclusive, as CountSessionMessages).
func (s *Store) CountSessionIssues(ctx context.Context, sessionID string, since time.Time) (int, error) {
	var n int
	err := s.reader.QueryRowContext(ctx, `
		SELECT COUNT(*) FROM issues WHERE session_id = $1 AND created_at > $2`, sessionID, millis(since)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count session issues: %w", err)
	}
	return n, nil
}

// sessionStillLive locks the row of the session opening an issue and
// refuses one that ended since the request was authenticated: a hand-over
// (which ends the anonymous session, then moves its user's issues) and an
// issue opened by that session at the same moment take turns on the row, so
// the issue is either moved or refused, never left behind with the ended
// anonymous user. Issues opened by no session (imports) pass.
func (s *Store) sessionStillLive(ctx context.Context, tx *Tx, sessionID string) error {
	if sessionID == "" {
		return nil
	}
	var revoked sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT revoked_at FROM sessions WHERE id = $1`+s.d.LockRow, sessionID).Scan(&revoked)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return model.Errorf(model.CodeNotFound, "session %s not found", sessionID)
	case err != nil:
		return fmt.Errorf("lock the session: %w", err)
	case revoked.Valid:
		return model.Errorf(model.CodeSessionRevoked, "the session has ended")
	}
	return nil
}

// handOver moves the issues of an anonymous session's user to userID and
// ends that session (Login's part), returning how many issues moved. It
// does nothing unless the session is live at `at`, anonymous (its user
// too) and of the workspace. The guarded UPDATE takes the session's row
// lock: of two logins handing over one session, the second finds it ended.
func (s *Store) handOver(ctx context.Context, tx *Tx, sessionID, workspaceID, userID string, at time.Time) (int, error) {
	var anonymous string
	err := tx.QueryRowContext(ctx, `
		UPDATE sessions SET revoked_at = $3, revoke_reason = $4
		WHERE id = $1 AND workspace_id = $2 AND anonymous AND revoked_at IS NULL AND expires_at > $3
			AND user_id <> $5
			AND EXISTS (SELECT 1 FROM users WHERE users.id = sessions.user_id AND users.anonymous)
		RETURNING user_id`,
		sessionID, workspaceID, millis(at), model.RevokedByHandOver, userID).Scan(&anonymous)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return 0, nil
	case err != nil:
		return 0, fmt.Errorf("hand over: end the anonymous session: %w", err)
	}
	// Messages keep their author (user_id, session_id, verified) as written.
	n, err := affected(tx.ExecContext(ctx, `
		UPDATE issues SET user_id = $1 WHERE user_id = $2 AND workspace_id = $3`,
		userID, anonymous, workspaceID))
	if err != nil {
		return 0, fmt.Errorf("hand over: move the issues: %w", err)
	}
	return n, nil
}

func scanIssue(sc scanner) (*model.Issue, error) {
	var i model.Issue
	var created, updated, last int64
	err := sc.Scan(&i.ID, &i.WorkspaceID, &i.AppID, &i.UserID, &i.SessionID, &i.Status, &i.Preview,
		&created, &updated, &last)
	if err != nil {
		return nil, err
	}
	i.CreatedAt, i.UpdatedAt, i.LastMessageAt = fromMillis(created), fromMillis(updated), fromMillis(last)
	return &i, nil
}

// preview is the first previewRunes characters of a message, cut between
// two characters, never inside one.
func preview(body string) string {
	n := 0
	for i := range body {
		if n == previewRunes {
			return body[:i]
		}
		n++
	}
	return body
}

// latest is a portable max of a column and a value: SQLite has no
// GREATEST, PostgreSQL no two-argument MAX.
func latest(column, value string) string {
	return "CASE WHEN " + column + " > " + value + " THEN " + column + " ELSE " + value + " END"
}

func checkIssue(i *model.Issue) error {
	if err := checkStatus(i.Status); err != nil {
		return err
	}
	return checkText("preview", i.Preview)
}

func checkStatus(status model.IssueStatus) error {
	switch status {
	case model.IssueOpen, model.IssueResolved:
		return nil
	}
	return model.Errorf(model.CodeInvalid, "issue status %q: want %q or %q", status, model.IssueOpen, model.IssueResolved)
}

// checkText refuses text that PostgreSQL cannot store (invalid UTF-8, NUL),
// so that both databases refuse it alike, as invalid_request.
func checkText(field, s string) error {
	if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
		return model.Errorf(model.CodeInvalid, "the %s must be UTF-8 text without NUL", field)
	}
	return nil
}
