// Package events is the live-update bus behind server-sent events: a write
// that changed a conversation publishes an Event, and every open stream whose
// filter accepts it, on any node, is told to reload what it shows.
//
// Delivery is best effort and never blocks the publisher. A stream that
// could have missed an event is ended instead (Subscription.Lost), so its
// client reconnects and re-reads: a missed update costs a reload, never a
// stale screen.
package events

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/signet-id/signet/internal/model"
)

// Kind says what changed.
type Kind string

// Kinds of events.
const (
	IssueCreated   Kind = "issue.created"   // a user opened an issue
	IssueStatus    Kind = "issue.status"    // an issue was resolved or reopened
	MessageCreated Kind = "message.created" // a message was added to an issue

	// AppChanged says an app's settings or keys changed: every node drops
	// what it cached of the app (AppID).
	AppChanged Kind = "app.changed"
	// SessionsEnded says sessions ended: one (SessionID), a user's
	// (UserID), an app's (AppID) or a key's (KeyID); every node drops them
	// from its session cache.
	SessionsEnded Kind = "sessions.ended"
	// IssuesMoved says a user's issues changed hands (an anonymous session's
	// issues handed over to UserID at a verified login): every node drops
	// what it cached of the user's issue list.
	IssuesMoved Kind = "issues.moved"
	// FailureCounted says a failed attempt was counted under a throttle key
	// (ThrottleKey) and gives the window's state (Count, ResetAt in UNIX
	// milliseconds): every node's limiter learns it without a read.
	FailureCounted Kind = "failure.counted"
	// TokenRevoked says an API token (TokenID) was revoked: every node
	// closes the live streams it opened, at once rather than at their next
	// heartbeat.
	TokenRevoked Kind = "token.revoked"
)

// Conversation reports whether k is about a conversation (what streams
// show), as opposed to what keeps the nodes' caches and limiters true.
func (k Kind) Conversation() bool {
	return k == IssueCreated || k == IssueStatus || k == MessageCreated
}

// Event says that something changed. It carries ids only: a PostgreSQL
// NOTIFY payload is limited to 8000 bytes, and a subscriber loads what it
// shows, with its own access checks.
type Event struct {
	Kind        Kind   `json:"k"`
	WorkspaceID string `json:"w,omitempty"`
	IssueID     string `json:"i,omitempty"`
	UserID      string `json:"u,omitempty"` // the issue's user; for SessionsEnded, the user whose sessions ended
	MessageID   string `json:"m,omitempty"`
	AppID       string `json:"a,omitempty"`
	SessionID   string `json:"s,omitempty"`
	KeyID       string `json:"y,omitempty"`
	ThrottleKey string `json:"t,omitempty"`
	Count       int    `json:"n,omitempty"`
	ResetAt     int64  `json:"r,omitempty"`
	TokenID     string `json:"tk,omitempty"`
}

// maxIDLen bounds each id, so a payload stays far below NOTIFY's limit and
// junk received from the database is not handed to subscribers.
const maxIDLen = 128

// check returns why e cannot be published or delivered, or nil.
func (e Event) check() error {
	switch e.Kind {
	case IssueCreated, IssueStatus, MessageCreated:
		if e.WorkspaceID == "" || e.IssueID == "" || e.UserID == "" {
			return errors.New("events: an event needs a workspace, an issue and a user id")
		}
		if e.Kind == MessageCreated && e.MessageID == "" {
			return errors.New("events: a message.created event needs a message id")
		}
	case AppChanged:
		if e.AppID == "" {
			return errors.New("events: an app.changed event needs an app id")
		}
	case SessionsEnded:
		if e.SessionID == "" && e.UserID == "" && e.AppID == "" && e.KeyID == "" {
			return errors.New("events: a sessions.ended event needs a session, user, app or key id")
		}
	case IssuesMoved:
		if e.WorkspaceID == "" || e.UserID == "" {
			return errors.New("events: an issues.moved event needs a workspace and a user id")
		}
	case FailureCounted:
		if e.ThrottleKey == "" || e.Count < 1 || e.ResetAt <= 0 {
			return errors.New("events: a failure.counted event needs a key, a count and a window end")
		}
	case TokenRevoked:
		if e.TokenID == "" {
			return errors.New("events: a token.revoked event needs a token id")
		}
	default:
		return fmt.Errorf("events: unknown kind %q", e.Kind)
	}
	for _, id := range []string{e.WorkspaceID, e.IssueID, e.UserID, e.MessageID, e.AppID, e.SessionID, e.KeyID, e.ThrottleKey, e.TokenID} {
		if len(id) > maxIDLen {
			return fmt.Errorf("events: an id is longer than %d bytes", maxIDLen)
		}
	}
	return nil
}

// ErrClosed is returned by Publish on a closed bus. Its code is
// unavailable, as for a node shutting down.
var ErrClosed error = &model.Error{Code: model.CodeUnavailable, Message: "the event bus is closed"}

// Bus carries events from writers to the subscriptions of every node.
type Bus interface {
	// Publish sends e to every subscription of every node, this one
	// included. Call it after the change committed; it is best effort (an
	// error means subscribers may not hear of the change, never that the
	// change failed), so callers log its error rather than fail the request.
	// It returns an error for an invalid event and ErrClosed after Close.
	Publish(ctx context.Context, e Event) error
	// Subscribe returns a subscription receiving the events match accepts
	// (all events for a nil match). match runs on the publishing goroutine
	// with the bus locked: it must be quick and must not call the bus.
	Subscribe(match func(Event) bool) *Subscription
	// Close ends every subscription as lost and releases the bus. It is
	// idempotent.
	Close() error
	// Listening reports whether the bus hears every node's events now, and
	// the epoch: a number that changes whenever events may have been
	// missed (the listener lost its connection). A cache filled in one
	// epoch is not trusted in another, nor while the bus is not listening.
	Listening() (epoch uint64, ok bool)
}

// bufferSize is how many events a subscription holds before it counts as
// fallen behind. It bounds memory per stream whatever its client does; an
// SSE writer drains it at network speed, so only a stalled client fills it.
const bufferSize = 64

// Subscription receives the events its filter accepts, in publishing order
// (per node of origin, for PostgreSQL).
//
// C is closed when the subscription ends: by Close, or because it fell
// behind (its buffer was full), or because the bus may have dropped events
// (a PostgreSQL listener reconnected, or the bus closed). In the last two
// cases Lost reports true and the stream must be rebuilt from the database.
type Subscription struct {
	// C delivers the events.
	C <-chan Event

	c     chan Event
	match func(Event) bool
	bus   *Local
	lost  atomic.Bool
	ended bool // guarded by bus.mu
}

// Close ends the subscription and closes C; Lost stays false unless the bus
// had already ended it as lost. It is idempotent.
func (s *Subscription) Close() {
	s.bus.mu.Lock()
	defer s.bus.mu.Unlock()
	s.end(false)
}

// Lost reports whether the subscription was ended because events may have
// been missed, so the client must reconnect and re-read.
func (s *Subscription) Lost() bool { return s.lost.Load() }

// end ends s, once; the caller holds s.bus.mu. Lost is set before C is
// closed, so a receiver that sees C closed also sees Lost.
func (s *Subscription) end(lost bool) {
	if s.ended {
		return
	}
	s.ended = true
	if lost {
		s.lost.Store(true)
	}
	delete(s.bus.subs, s)
	close(s.c)
}

// Local fans events out to the subscriptions of one process: the whole bus
// for SQLite, where one process serves everything, and the delivering half
// of Postgres. It starts no goroutine.
type Local struct {
	mu     sync.Mutex
	subs   map[*Subscription]struct{}
	closed bool
}

var (
	_ Bus = (*Local)(nil)
	_ Bus = (*Postgres)(nil)
)

// NewLocal returns an in-process bus.
func NewLocal() *Local {
	return &Local{subs: make(map[*Subscription]struct{})}
}

// Publish delivers e to this process's subscriptions. It never blocks: a
// subscription with a full buffer is ended as lost instead.
func (l *Local) Publish(_ context.Context, e Event) error {
	if err := e.check(); err != nil {
		return err
	}
	if !l.deliver(e) {
		return ErrClosed
	}
	return nil
}

// Subscribe returns a subscription to the events match accepts (all for a
// nil match). On a closed bus it returns one already ended as lost.
func (l *Local) Subscribe(match func(Event) bool) *Subscription {
	c := make(chan Event, bufferSize)
	s := &Subscription{C: c, c: c, match: match, bus: l}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		s.end(true)
	} else {
		l.subs[s] = struct{}{}
	}
	return s
}

// Listening is always true for an in-process bus: it misses nothing until
// it is closed.
func (l *Local) Listening() (uint64, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return 0, !l.closed
}

// Close ends every subscription as lost: their clients reconnect, to
// another node if this one is shutting down. It is idempotent.
func (l *Local) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	l.endAllLocked()
	return nil
}

// deliver hands e to every subscription that accepts it, and reports false
// on a closed bus. Sends and closes of C all happen under mu, so a send
// never races a close.
func (l *Local) deliver(e Event) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return false
	}
	for s := range l.subs {
		if s.match != nil && !s.match(e) {
			continue
		}
		select {
		case s.c <- e:
		default:
			s.end(true) // fallen behind: never wait for a slow client
		}
	}
	return true
}

// endAll ends every current subscription as lost, leaving the bus open.
func (l *Local) endAll() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.endAllLocked()
}

func (l *Local) endAllLocked() {
	for s := range l.subs {
		s.end(true) // end deletes from subs: allowed while ranging
	}
}
