package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/signet-id/signet/internal/events"
	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/throttle"
)

// heartbeat keeps streams open through proxies and re-checks the session.
const heartbeat = 15 * time.Second

// StreamLimits bound the live event streams (/v1/events, the agent API's
// events) of one node. A stream over a limit is refused with 429 and
// Retry-After. Zero values are the defaults; a negative limit is off.
type StreamLimits struct {
	// PerSession is how many streams one session (or API token) may hold
	// open at once.
	PerSession int
	// PerAddress is how many streams one client address may hold open at
	// once; IPv6 addresses count per /64.
	PerAddress int
	// Total is how many streams this node holds open at once. Keep it well
	// below the server's connection cap, so that logins and health checks
	// still find a connection under a flood of streams.
	Total int
	// Lifetime is how long a stream lasts; then it ends with a "resync"
	// event and the client reconnects (and passes the checks again).
	Lifetime time.Duration
}

// Defaults of StreamLimits.
const (
	DefaultStreamsPerSession = 8
	DefaultStreamsPerAddress = 64
	DefaultStreams           = 10000
	DefaultStreamLifetime    = time.Hour
)

// streamRetry is the Retry-After of a refused stream: streams end when
// their tab closes, so a slot frees up soon.
const streamRetry = 10 * time.Second

// streamGate counts the open streams against StreamLimits.
type streamGate struct {
	limits StreamLimits
	slots  *throttle.Slots
}

func newStreamGate(l StreamLimits) *streamGate {
	or := func(v, def int) int {
		if v == 0 {
			return def
		}
		return v
	}
	l.PerSession = or(l.PerSession, DefaultStreamsPerSession)
	l.PerAddress = or(l.PerAddress, DefaultStreamsPerAddress)
	l.Total = or(l.Total, DefaultStreams)
	if l.Lifetime <= 0 {
		l.Lifetime = DefaultStreamLifetime
	}
	return &streamGate{limits: l, slots: &throttle.Slots{Total: l.Total}}
}

// open takes a stream's slots for the session (or token) owner and the
// client address addr, or answers rate_limited.
func (g *streamGate) open(owner, addr string) (release func(), err error) {
	release, ok := g.slots.Acquire(
		throttle.SlotCheck{Key: "s:" + owner, Max: g.limits.PerSession},
		throttle.SlotCheck{Key: "a:" + throttle.AddressGroup(addr), Max: g.limits.PerAddress})
	if !ok {
		return nil, throttle.RateLimited(streamRetry, "too many live update streams are open; close one or try again shortly")
	}
	return release, nil
}

// sse writes server-sent events on one response.
type sse struct {
	w  http.ResponseWriter
	rc *http.ResponseController
}

func startSSE(w http.ResponseWriter) (*sse, error) {
	rc := http.NewResponseController(w)
	// A stream outlives the server's write timeout, which protects the
	// other endpoints: lift it for this response only.
	if err := rc.SetWriteDeadline(time.Time{}); err != nil {
		return nil, err
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	w.WriteHeader(http.StatusOK)
	s := &sse{w, rc}
	return s, s.comment("connected")
}

func (s *sse) comment(text string) error {
	if _, err := fmt.Fprintf(s.w, ": %s\n\n", text); err != nil {
		return err
	}
	return s.rc.Flush()
}

func (s *sse) send(event, id string, data any) error {
	j, err := json.Marshal(data)
	if err != nil {
		return err
	}
	if id != "" {
		fmt.Fprintf(s.w, "id: %s\n", id)
	}
	if _, err := fmt.Fprintf(s.w, "event: %s\ndata: %s\n\n", event, j); err != nil {
		return err
	}
	return s.rc.Flush()
}

// streamOf says what one stream shows and whose it is.
type streamOf struct {
	// owner is the session or API token the stream counts against.
	owner string
	// match accepts the conversation events the stream shows.
	match func(events.Event) bool
	// render writes one accepted event.
	render func(*sse, events.Event) error
	// check returns why the stream's session or token is no longer good.
	check func() error
	// mayEnd accepts the events that may have ended the session or token
	// (a revocation): check then runs at once, not at the next heartbeat,
	// so a revoked credential stops receiving within moments on every node.
	mayEnd func(events.Event) bool
}

// stream runs one event stream until the client leaves, the server stops,
// check fails (the session ended), its lifetime runs out, or the
// subscription is lost (the client then reconnects and re-reads: the
// "resync" event says so).
func (s *server) stream(w http.ResponseWriter, r *http.Request, st streamOf) error {
	if s.bus == nil {
		return model.Errorf(model.CodeUnavailable, "live updates are not enabled on this server")
	}
	release, err := s.streams.open(st.owner, s.clientAddr(r))
	if err != nil {
		return err
	}
	defer release()
	sub := s.bus.Subscribe(func(e events.Event) bool { return st.match(e) || st.mayEnd(e) })
	defer sub.Close()
	out, err := startSSE(w)
	if err != nil {
		return err
	}
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	lifetime := time.NewTimer(s.streams.limits.Lifetime)
	defer lifetime.Stop()
	ended := func() bool {
		if err := st.check(); err != nil {
			out.send("session_ended", "", streamSessionEnded{Code: model.ErrorCode(err)})
			return true
		}
		return false
	}
	for {
		select {
		case <-r.Context().Done():
			return nil
		case <-s.stopping:
			out.send("bye", "", streamNotice{Reason: "server shutting down; reconnect"})
			return nil
		case <-lifetime.C:
			out.send("resync", "", streamNotice{Reason: "this stream reached its lifetime; re-read and reconnect"})
			return nil
		case e, ok := <-sub.C:
			if !ok {
				out.send("resync", "", streamNotice{Reason: "updates were missed; re-read and reconnect"})
				return nil
			}
			if st.mayEnd(e) {
				if ended() {
					return nil
				}
				if !st.match(e) {
					continue
				}
			}
			if err := st.render(out, e); err != nil {
				// What the event names could not be read (or written): the
				// client must re-read rather than silently miss it.
				s.log.DebugContext(r.Context(), "stream ended", "err", err)
				out.send("resync", "", streamNotice{Reason: "an update could not be delivered; re-read and reconnect"})
				return nil
			}
		case <-tick.C:
			if ended() {
				return nil
			}
			if err := out.comment("ping"); err != nil {
				return nil
			}
		}
	}
}

// myEvents streams the session user's conversation updates: new messages
// (an agent's reply, or their own from another device) and status changes.
func (s *server) myEvents(w http.ResponseWriter, r *http.Request, sess *model.Session) error {
	ctx := r.Context()
	return s.stream(w, r, streamOf{
		owner: sess.ID,
		match: func(e events.Event) bool {
			return e.Kind.Conversation() && e.UserID == sess.UserID && e.WorkspaceID == sess.WorkspaceID
		},
		mayEnd: func(e events.Event) bool {
			return e.Kind == events.SessionsEnded && (e.SessionID == sess.ID || e.UserID == sess.UserID ||
				e.AppID == sess.AppID || e.KeyID != "" && e.KeyID == sess.KeyID)
		},
		render: func(out *sse, e events.Event) error {
			switch e.Kind {
			case events.MessageCreated, events.IssueCreated:
				m, err := s.conv.EventMessage(ctx, e.MessageID)
				if err != nil {
					return err
				}
				return out.send("message", m.ID, toSDKMessage(m))
			case events.IssueStatus:
				i, err := s.conv.EventIssue(ctx, e.IssueID)
				if err != nil {
					return err
				}
				return out.send("issue", "", toSDKIssue(i))
			}
			return nil
		},
		check: func() error {
			// Read from the database, never a cache: the revocation that
			// woke this check may not have reached this node's cache yet.
			return s.logins.Recheck(ctx, sess)
		},
	})
}

// agentEvents streams a workspace's new issues, messages and status changes.
func (s *server) agentEvents(w http.ResponseWriter, r *http.Request, p *principal) error {
	ws, err := s.workspace(r, p)
	if err != nil {
		return err
	}
	ctx := r.Context()
	owner := p.TokenID
	if owner == "" {
		owner = "SIGNET_ADMIN_TOKEN"
	}
	return s.stream(w, r, streamOf{
		owner: owner,
		match: func(e events.Event) bool { return e.Kind.Conversation() && e.WorkspaceID == ws.ID },
		mayEnd: func(e events.Event) bool {
			return e.Kind == events.TokenRevoked && e.TokenID == p.TokenID
		},
		render: func(out *sse, e events.Event) error {
			i, err := s.conv.EventIssue(ctx, e.IssueID)
			if err != nil {
				return err
			}
			switch e.Kind {
			case events.IssueCreated:
				return out.send("issue", "", i)
			case events.MessageCreated:
				m, err := s.conv.EventMessage(ctx, e.MessageID)
				if err != nil {
					return err
				}
				return out.send("message", m.ID, agentMessageEvent{Issue: i, Message: m})
			case events.IssueStatus:
				return out.send("issue", "", i)
			}
			return nil
		},
		check: func() error {
			_, err := s.authenticate(r)
			return err
		},
	})
}
