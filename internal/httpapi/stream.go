package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/signet-id/signet/internal/events"
	"github.com/signet-id/signet/internal/model"
)

// heartbeat keeps streams open through proxies and re-checks the session.
const heartbeat = 15 * time.Second

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

// stream runs one event stream until the client leaves, the server stops,
// check fails (the session ended), or the subscription is lost (the client
// then reconnects and re-reads: the "resync" event says so).
func (s *server) stream(w http.ResponseWriter, r *http.Request, match func(events.Event) bool,
	render func(*sse, events.Event) error, check func() error) error {
	if s.bus == nil {
		return model.Errorf(model.CodeUnavailable, "live updates are not enabled on this server")
	}
	sub := s.bus.Subscribe(match)
	defer sub.Close()
	out, err := startSSE(w)
	if err != nil {
		return err
	}
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return nil
		case <-s.stopping:
			out.send("bye", "", map[string]string{"reason": "server shutting down; reconnect"})
			return nil
		case e, ok := <-sub.C:
			if !ok {
				out.send("resync", "", map[string]string{"reason": "updates were missed; re-read and reconnect"})
				return nil
			}
			if err := render(out, e); err != nil {
				// What the event names could not be read (or written): the
				// client must re-read rather than silently miss it.
				s.log.DebugContext(r.Context(), "stream ended", "err", err)
				out.send("resync", "", map[string]string{"reason": "an update could not be delivered; re-read and reconnect"})
				return nil
			}
		case <-tick.C:
			if err := check(); err != nil {
				out.send("session_ended", "", map[string]string{"code": string(model.ErrorCode(err))})
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
	return s.stream(w, r,
		func(e events.Event) bool {
			return e.Kind.Conversation() && e.UserID == sess.UserID && e.WorkspaceID == sess.WorkspaceID
		},
		func(out *sse, e events.Event) error {
			switch e.Kind {
			case events.MessageCreated, events.IssueCreated:
				m, err := s.store.Message(ctx, e.MessageID)
				if err != nil {
					return err
				}
				return out.send("message", m.ID, toSDKMessage(m))
			case events.IssueStatus:
				i, err := s.store.Issue(ctx, e.IssueID)
				if err != nil {
					return err
				}
				return out.send("issue", "", toSDKIssue(i))
			}
			return nil
		},
		func() error {
			cur, err := s.store.Session(ctx, sess.ID)
			if err != nil {
				return err
			}
			return cur.Check(s.now())
		})
}

// agentEvents streams a workspace's new issues, messages and status changes.
func (s *server) agentEvents(w http.ResponseWriter, r *http.Request, p *principal) error {
	ws, err := s.workspace(r, p)
	if err != nil {
		return err
	}
	ctx := r.Context()
	return s.stream(w, r,
		func(e events.Event) bool { return e.Kind.Conversation() && e.WorkspaceID == ws.ID },
		func(out *sse, e events.Event) error {
			i, err := s.store.Issue(ctx, e.IssueID)
			if err != nil {
				return err
			}
			switch e.Kind {
			case events.IssueCreated:
				return out.send("issue", "", i)
			case events.MessageCreated:
				m, err := s.store.Message(ctx, e.MessageID)
				if err != nil {
					return err
				}
				return out.send("message", m.ID, map[string]any{"issue": i, "message": m})
			case events.IssueStatus:
				return out.send("issue", "", i)
			}
			return nil
		},
		func() error {
			_, err := s.authenticate(r)
			return err
		})
}
