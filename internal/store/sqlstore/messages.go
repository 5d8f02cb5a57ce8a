package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/signet-id/signet/internal/model"
)

const messageColumns = `id, issue_id, workspace_id, author, body, COALESCE(user_id, ''), COALESCE(session_id, ''),
	verified, COALESCE(agent_id, ''), created_at`

// AddMessage appends m to its issue and, in the same transaction, moves the
// issue's last activity (LastMessageAt and UpdatedAt) to m.CreatedAt, never
// back; it leaves the status alone (the caller decides). not_found if the
// issue does not exist in m's workspace (filled from the issue when empty),
// or m's user or session does not; conflict if m's id is taken.
func (s *Store) AddMessage(ctx context.Context, m *model.Message) error {
	_, err := s.addMessage(ctx, m, false)
	return err
}

// Reply appends a user's reply and, in the same transaction, reopens its
// issue if it was resolved; see store.Store.
func (s *Store) Reply(ctx context.Context, m *model.Message) (bool, error) {
	return s.addMessage(ctx, m, true)
}

func (s *Store) addMessage(ctx context.Context, m *model.Message, reopen bool) (reopened bool, err error) {
	if err := checkMessage(m); err != nil {
		return false, err
	}
	err = s.inBatch(ctx, func(ctx context.Context, tx *Tx) error {
		reopened = false // a batch may run this again
		// First, so that concurrent messages of one issue take turns on
		// its row.
		var ws string
		at := millis(m.CreatedAt)
		err := tx.QueryRowContext(ctx, `
			UPDATE issues SET last_message_at = `+latest("last_message_at", "$2")+`,
				updated_at = `+latest("updated_at", "$2")+`
			WHERE id = $1 RETURNING workspace_id`, m.IssueID, at).Scan(&ws)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return model.Errorf(model.CodeNotFound, "issue %s not found", m.IssueID)
		case err != nil:
			return fmt.Errorf("move the issue's last activity: %w", err)
		case m.WorkspaceID == "":
			m.WorkspaceID = ws
		case m.WorkspaceID != ws:
			return model.Errorf(model.CodeNotFound, "issue %s not found in workspace %s", m.IssueID, m.WorkspaceID)
		}
		if err := s.insertMessage(ctx, tx, m); err != nil || !reopen {
			return err
		}
		n, err := affected(tx.ExecContext(ctx, `
			UPDATE issues SET status = $2, updated_at = `+latest("updated_at", "$4")+`
			WHERE id = $1 AND status = $3`, m.IssueID, model.IssueOpen, model.IssueResolved, at))
		if err != nil {
			return fmt.Errorf("reopen the issue: %w", err)
		}
		reopened = n > 0
		return nil
	})
	if err != nil {
		return false, wrap("add message", err)
	}
	return reopened, nil
}

// insertMessage writes a message (AddMessage's and CreateIssue's part).
func (s *Store) insertMessage(ctx context.Context, tx *Tx, m *model.Message) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO messages (id, issue_id, workspace_id, author, body, user_id, session_id, verified, agent_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		m.ID, m.IssueID, m.WorkspaceID, m.Author, m.Body, nullString(m.UserID), nullString(m.SessionID),
		m.Verified, nullString(m.AgentID), millis(m.CreatedAt))
	switch {
	case err != nil && s.d.IsUniqueViolation(err):
		return model.Errorf(model.CodeConflict, "message %s already exists", m.ID)
	case err != nil && s.d.IsForeignKeyViolation(err):
		return model.Errorf(model.CodeNotFound, "issue %s, user %q or session %q not found in workspace %s",
			m.IssueID, m.UserID, m.SessionID, m.WorkspaceID)
	case err != nil:
		return fmt.Errorf("insert message: %w", err)
	}
	return nil
}

// Message returns one message; not_found.
func (s *Store) Message(ctx context.Context, id string) (*model.Message, error) {
	m, err := scanMessage(s.reader.QueryRowContext(ctx, `SELECT `+messageColumns+` FROM messages WHERE id = $1`, id))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, model.Errorf(model.CodeNotFound, "message %s not found", id)
	case err != nil:
		return nil, fmt.Errorf("message: %w", err)
	}
	return m, nil
}

// Messages lists an issue's messages, oldest first; those of one
// millisecond in the order they were written; none for an unknown issue. After is the id of the last message of the previous
// page; an unknown one, or one of another issue, gives an empty page.
func (s *Store) Messages(ctx context.Context, issueID string, f model.MessageFilter) ([]model.Message, error) {
	var w filter
	issue := w.arg(issueID)
	w.where("issue_id = " + issue)
	if f.After != "" {
		w.where("(created_at, seq) > (SELECT created_at, seq FROM messages WHERE id = " + w.arg(f.After) +
			" AND issue_id = " + issue + ")")
	}
	l, err := listOf(ctx, s.reader, scanMessage, `SELECT `+messageColumns+` FROM messages`+w.sql()+
		` ORDER BY created_at, seq`+w.limit(f.Limit), w.args...)
	if err != nil {
		return nil, fmt.Errorf("messages: %w", err)
	}
	return l, nil
}

// CountSessionMessages counts the messages a session wrote after `since`,
// first messages of issues included. Since is exclusive, as a rate window
// wants: a message written exactly a minute ago no longer counts in "the
// last minute", so that a client told to retry in a minute succeeds.
func (s *Store) CountSessionMessages(ctx context.Context, sessionID string, since time.Time) (int, error) {
	var n int
	err := s.reader.QueryRowContext(ctx, `
		SELECT COUNT(*) FROM messages WHERE session_id = $1 AND created_at > $2`, sessionID, millis(since)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count session messages: %w", err)
	}
	return n, nil
}

func checkMessage(m *model.Message) error {
	switch m.Author {
	case model.AuthorUser, model.AuthorAgent:
	default:
		return model.Errorf(model.CodeInvalid, "message author %q: want %q or %q", m.Author, model.AuthorUser, model.AuthorAgent)
	}
	return checkText("message body", m.Body)
}

func scanMessage(sc scanner) (*model.Message, error) {
	var m model.Message
	var created int64
	err := sc.Scan(&m.ID, &m.IssueID, &m.WorkspaceID, &m.Author, &m.Body, &m.UserID, &m.SessionID,
		&m.Verified, &m.AgentID, &created)
	if err != nil {
		return nil, err
	}
	m.CreatedAt = fromMillis(created)
	return &m, nil
}
