package model

import "time"

// IssueStatus is where a conversation stands.
type IssueStatus string

// Issue statuses.
const (
	IssueOpen     IssueStatus = "open"
	IssueResolved IssueStatus = "resolved"
)

// Issue is a support conversation of one user. Who may see it follows from
// UserID alone: users are shared between logins only when verified, so a
// verified user sees their issues from every device and app of the
// workspace, and an unverified or anonymous login only what it created.
type Issue struct {
	ID          string      `json:"id"`
	WorkspaceID string      `json:"workspace_id"`
	AppID       string      `json:"app_id"`
	UserID      string      `json:"user_id"`
	Status      IssueStatus `json:"status"`
	// Preview is the start of the first message, for lists.
	Preview       string    `json:"preview"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
	LastMessageAt time.Time `json:"last_message_at"`
	// SessionID is the session that opened it (for the per-session limit).
	SessionID string `json:"-"`
}

// Author says who wrote a message.
type Author string

// Authors.
const (
	AuthorUser  Author = "user"
	AuthorAgent Author = "agent"
)

// Message is one message of an issue.
type Message struct {
	ID          string    `json:"id"`
	IssueID     string    `json:"issue_id"`
	WorkspaceID string    `json:"workspace_id"`
	Author      Author    `json:"author"`
	Body        string    `json:"body"`
	CreatedAt   time.Time `json:"created_at"`
	// UserID and SessionID are the user author's; Verified whether that
	// session was verified when the message was written.
	UserID    string `json:"user_id,omitempty"`
	SessionID string `json:"-"`
	Verified  bool   `json:"verified"`
	// AgentID names the agent author (an API token or account id).
	AgentID string `json:"agent_id,omitempty"`
}

// IssueFilter narrows a listing of issues, newest activity first.
type IssueFilter struct {
	UserID string
	AppID  string
	Status IssueStatus
	Limit  int
	// Before is a cursor: issues whose last activity is older than this
	// issue's (ties broken by id).
	Before string
}

// MessageFilter pages through an issue's messages, oldest first.
type MessageFilter struct {
	// After is a cursor: messages after this message id.
	After string
	Limit int
}
