// Package conversation keeps the rule that identity verification exists to
// protect: nobody sees anyone else's support history. A session sees the
// issues of its user, and users are shared between logins only when
// verified — so a verified user sees their issues from every device and app
// of the workspace, and an unverified or anonymous login only what it
// created. Someone else's issue is not_found, never forbidden: existence does
// not leak. Agents see their workspace's issues.
package conversation

import (
	"context"
	"log/slog"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/signet-id/signet/internal/events"
	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/store"
	"github.com/signet-id/signet/internal/throttle"
)

// Defaults of Service's limits.
const (
	DefaultMaxBody           = 10_000 // bytes of a message
	DefaultIssuesPerMinute   = 5      // per session
	DefaultMessagesPerMinute = 30     // per session
	previewRunes             = 140
)

// Service is the conversation API's logic, shared by the SDK and agent
// endpoints.
type Service struct {
	Store store.Store
	// Bus carries live updates to every node's streams; nil sends none.
	Bus events.Bus
	Log *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Limits; zero means the default.
	MaxBody, IssuesPerMinute, MessagesPerMinute int
	// Webhooks, when set, hears of new issues and of agents' messages
	// (internal/webhook), right after they are written.
	Webhooks Notifier

	// serial makes a session's count and write one step on this node
	// (throttle.KeyLock): concurrent requests of one session cannot all
	// pass the same count. Over N nodes, at most N × the limit.
	serial throttle.KeyLock
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func orDefault(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}

// CheckBody validates a message body: 1 to MaxBody bytes of UTF-8 text, not
// only spaces, no control characters but line breaks and tabs.
func (s *Service) CheckBody(body string) error {
	max := orDefault(s.MaxBody, DefaultMaxBody)
	switch {
	case strings.TrimSpace(body) == "":
		return model.Errorf(model.CodeInvalid, "body is required: the message text")
	case len(body) > max:
		return model.Errorf(model.CodeInvalid, "body is longer than %d bytes", max)
	case !utf8.ValidString(body):
		return model.Errorf(model.CodeInvalid, "body must be UTF-8 text")
	}
	for _, r := range body {
		if unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' {
			return model.Errorf(model.CodeInvalid, "body holds a control character")
		}
	}
	return nil
}

// limit refuses with rate_limited when count in the last minute reached max.
func (s *Service) limit(ctx context.Context, count func(context.Context, string, time.Time) (int, error), sess *model.Session, max int, what string) error {
	// The window is the last minute, (now − 60 s, now]: what was written
	// exactly a minute ago no longer counts, as Retry-After promises.
	n, err := count(ctx, sess.ID, s.now().Add(-time.Minute))
	if err != nil {
		return err
	}
	if n >= max {
		return &model.Error{Code: model.CodeRateLimited, Message: "too many " + what + " in a minute; try again shortly", RetryAfter: time.Minute}
	}
	return nil
}

// publish tells every node; a failure only costs live updates (clients
// re-read on reconnect), so it is logged, not returned.
func (s *Service) publish(ctx context.Context, e events.Event) {
	if s.Bus == nil {
		return
	}
	if err := s.Bus.Publish(ctx, e); err != nil && s.Log != nil {
		s.Log.WarnContext(ctx, "live update not published", "kind", string(e.Kind), "issue", e.IssueID, "err", err)
	}
}

// --- the SDK side: a session and its user's issues ---------------------------

// UserIssues lists the session user's issues. A cursor naming anyone
// else's issue reads as an unknown one (an empty page): existence does not
// leak through paging either.
func (s *Service) UserIssues(ctx context.Context, sess *model.Session, f model.IssueFilter) ([]model.Issue, error) {
	if f.Before != "" {
		if _, err := s.UserIssue(ctx, sess, f.Before); model.ErrorCode(err) == model.CodeNotFound {
			return []model.Issue{}, nil
		} else if err != nil {
			return nil, err
		}
	}
	f.UserID = sess.UserID
	return s.Store.Issues(ctx, sess.WorkspaceID, f)
}

// UserIssue returns an issue of the session's user; not_found for any other.
func (s *Service) UserIssue(ctx context.Context, sess *model.Session, id string) (*model.Issue, error) {
	if !model.ValidID("iss", id) {
		return nil, notFound()
	}
	i, err := s.Store.Issue(ctx, id)
	if model.ErrorCode(err) == model.CodeNotFound || err == nil && (i.UserID != sess.UserID || i.WorkspaceID != sess.WorkspaceID) {
		return nil, notFound()
	}
	return i, err
}

func notFound() error { return model.Errorf(model.CodeNotFound, "no such issue") }

// OpenIssue starts an issue with its first message, written by the session.
func (s *Service) OpenIssue(ctx context.Context, sess *model.Session, body string) (*model.Issue, *model.Message, error) {
	if err := s.CheckBody(body); err != nil {
		return nil, nil, err
	}
	defer s.serial.Lock("issues:" + sess.ID)()
	if err := s.limit(ctx, s.Store.CountSessionIssues, sess, orDefault(s.IssuesPerMinute, DefaultIssuesPerMinute), "new issues"); err != nil {
		return nil, nil, err
	}
	now := s.now()
	i := &model.Issue{ID: model.NewID("iss"), WorkspaceID: sess.WorkspaceID, AppID: sess.AppID, UserID: sess.UserID,
		Status: model.IssueOpen, Preview: preview(body), CreatedAt: now, UpdatedAt: now, LastMessageAt: now, SessionID: sess.ID}
	m := s.userMessage(sess, i.ID, body, now)
	if err := s.Store.CreateIssue(ctx, i, m); err != nil {
		return nil, nil, err
	}
	s.publish(ctx, events.Event{Kind: events.IssueCreated, WorkspaceID: i.WorkspaceID, IssueID: i.ID, UserID: i.UserID, MessageID: m.ID})
	s.notify(ctx, model.EventIssueCreated, i, m)
	return i, m, nil
}

func (s *Service) userMessage(sess *model.Session, issueID, body string, now time.Time) *model.Message {
	return &model.Message{ID: model.NewID("msg"), IssueID: issueID, WorkspaceID: sess.WorkspaceID, Author: model.AuthorUser,
		Body: body, CreatedAt: now, UserID: sess.UserID, SessionID: sess.ID, Verified: sess.Verified}
}

// UserMessages lists the messages of one of the session user's issues.
func (s *Service) UserMessages(ctx context.Context, sess *model.Session, issueID string, f model.MessageFilter) ([]model.Message, error) {
	if _, err := s.UserIssue(ctx, sess, issueID); err != nil {
		return nil, err
	}
	return s.Store.Messages(ctx, issueID, f)
}

// UserReply adds the session user's message to their issue; a resolved
// issue reopens.
func (s *Service) UserReply(ctx context.Context, sess *model.Session, issueID, body string) (*model.Message, error) {
	i, err := s.UserIssue(ctx, sess, issueID)
	if err != nil {
		return nil, err
	}
	if err := s.CheckBody(body); err != nil {
		return nil, err
	}
	unlock := s.serial.Lock("messages:" + sess.ID)
	if err := s.limit(ctx, s.Store.CountSessionMessages, sess, orDefault(s.MessagesPerMinute, DefaultMessagesPerMinute), "messages"); err != nil {
		unlock()
		return nil, err
	}
	now := s.now()
	m := s.userMessage(sess, i.ID, body, now)
	reopened, err := s.Store.Reply(ctx, m)
	unlock()
	if err != nil {
		return nil, err
	}
	s.publish(ctx, events.Event{Kind: events.MessageCreated, WorkspaceID: i.WorkspaceID, IssueID: i.ID, UserID: i.UserID, MessageID: m.ID})
	if reopened {
		i.Status, i.UpdatedAt = model.IssueOpen, now
		s.publish(ctx, events.Event{Kind: events.IssueStatus, WorkspaceID: i.WorkspaceID, IssueID: i.ID, UserID: i.UserID})
	}
	return m, nil
}

// --- the agent side: a workspace's issues ------------------------------------

// AgentReply adds an agent's message to an issue of the workspace.
func (s *Service) AgentReply(ctx context.Context, i *model.Issue, agentID, body string) (*model.Message, error) {
	if err := s.CheckBody(body); err != nil {
		return nil, err
	}
	m := &model.Message{ID: model.NewID("msg"), IssueID: i.ID, WorkspaceID: i.WorkspaceID, Author: model.AuthorAgent,
		Body: body, CreatedAt: s.now(), AgentID: agentID}
	if err := s.Store.AddMessage(ctx, m); err != nil {
		return nil, err
	}
	s.publish(ctx, events.Event{Kind: events.MessageCreated, WorkspaceID: i.WorkspaceID, IssueID: i.ID, UserID: i.UserID, MessageID: m.ID})
	s.notify(ctx, model.EventMessageCreated, i, m)
	return m, nil
}

// SetStatus resolves or reopens an issue.
func (s *Service) SetStatus(ctx context.Context, i *model.Issue, status model.IssueStatus) error {
	if i.Status == status {
		return nil
	}
	return s.setStatus(ctx, i, status, s.now())
}

func (s *Service) setStatus(ctx context.Context, i *model.Issue, status model.IssueStatus, now time.Time) error {
	if err := s.Store.SetIssueStatus(ctx, i.ID, status, now); err != nil {
		return err
	}
	i.Status, i.UpdatedAt = status, now
	s.publish(ctx, events.Event{Kind: events.IssueStatus, WorkspaceID: i.WorkspaceID, IssueID: i.ID, UserID: i.UserID})
	return nil
}

// preview is the start of a message, cut on a rune boundary.
func preview(body string) string {
	body = strings.TrimSpace(body)
	if utf8.RuneCountInString(body) <= previewRunes {
		return body
	}
	runes := []rune(body)
	return string(runes[:previewRunes]) + "…"
}
