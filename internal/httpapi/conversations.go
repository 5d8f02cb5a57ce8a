package httpapi

import (
	"net/http"
	"time"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/verify"
)

// sdkIssue is an issue as the SDK shows it.
type sdkIssue struct {
	ID            string            `json:"id"`
	AppID         string            `json:"app_id"`
	Status        model.IssueStatus `json:"status"`
	Preview       string            `json:"preview"`
	CreatedAt     time.Time         `json:"created_at"`
	UpdatedAt     time.Time         `json:"updated_at"`
	LastMessageAt time.Time         `json:"last_message_at"`
}

func toSDKIssue(i *model.Issue) sdkIssue {
	return sdkIssue{i.ID, i.AppID, i.Status, i.Preview, i.CreatedAt, i.UpdatedAt, i.LastMessageAt}
}

// sdkMessage is a message as the SDK shows it.
type sdkMessage struct {
	ID        string       `json:"id"`
	IssueID   string       `json:"issue_id"`
	Author    model.Author `json:"author"`
	Body      string       `json:"body"`
	CreatedAt time.Time    `json:"created_at"`
}

func toSDKMessage(m *model.Message) sdkMessage {
	return sdkMessage{m.ID, m.IssueID, m.Author, m.Body, m.CreatedAt}
}

func (s *server) listMyIssues(w http.ResponseWriter, r *http.Request, sess *model.Session) error {
	q := r.URL.Query()
	limit, err := limitParam(q.Get("limit"))
	if err != nil {
		return err
	}
	status, err := statusParam(q.Get("status"))
	if err != nil {
		return err
	}
	issues, err := s.conv.UserIssues(r.Context(), sess, model.IssueFilter{Limit: limit, Before: q.Get("before"), Status: status})
	if err != nil {
		return err
	}
	out := make([]sdkIssue, 0, len(issues))
	for i := range issues {
		out = append(out, toSDKIssue(&issues[i]))
	}
	writeJSON(w, http.StatusOK, sdkIssueList{Issues: out})
	return nil
}

func (s *server) openIssue(w http.ResponseWriter, r *http.Request, sess *model.Session) error {
	var in issueRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	i, m, err := s.conv.OpenIssue(r.Context(), sess, in.Message)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, createdIssue{toSDKIssue(i), []sdkMessage{toSDKMessage(m)}})
	return nil
}

func (s *server) listMyMessages(w http.ResponseWriter, r *http.Request, sess *model.Session) error {
	q := r.URL.Query()
	limit, err := limitParam(q.Get("limit"))
	if err != nil {
		return err
	}
	msgs, err := s.conv.UserMessages(r.Context(), sess, r.PathValue("issue"), model.MessageFilter{After: q.Get("after"), Limit: limit})
	if err != nil {
		return err
	}
	out := make([]sdkMessage, 0, len(msgs))
	for i := range msgs {
		out = append(out, toSDKMessage(&msgs[i]))
	}
	writeJSON(w, http.StatusOK, sdkMessageList{Messages: out})
	return nil
}

func (s *server) postMyMessage(w http.ResponseWriter, r *http.Request, sess *model.Session) error {
	var in messageRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	m, err := s.conv.UserReply(r.Context(), sess, r.PathValue("issue"), in.Body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toSDKMessage(m))
	return nil
}

// --- agents -----------------------------------------------------------------

// agentID names the agent behind p in the messages it writes.
func agentID(p *principal) string { return p.ID() }

func (s *server) agentListIssues(w http.ResponseWriter, r *http.Request, p *principal) error {
	ws, err := s.workspace(r, p)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := model.IssueFilter{UserID: q.Get("user"), AppID: q.Get("app"), Before: q.Get("before")}
	if f.Status, err = statusParam(q.Get("status")); err != nil {
		return err
	}
	if f.Limit, err = limitParam(q.Get("limit")); err != nil {
		return err
	}
	issues, err := s.conv.AgentIssues(r.Context(), p, ws.ID, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, issueList{Issues: nonNil(issues)})
	return nil
}

// statusParam reads ?status=: open, resolved, or nothing.
func statusParam(v string) (model.IssueStatus, error) {
	switch st := model.IssueStatus(v); st {
	case "", model.IssueOpen, model.IssueResolved:
		return st, nil
	}
	return "", model.Errorf(model.CodeInvalid, "status must be open or resolved")
}

// agentIssue loads {issue} if p may see its workspace.
func (s *server) agentIssue(r *http.Request, p *principal) (*model.Issue, error) {
	return s.conv.AgentIssue(r.Context(), p, r.PathValue("issue"))
}

// panelIdentity is one identity in the agent's user panel: verified or only
// claimed, through which app and key, and when.
type panelIdentity struct {
	Type       verify.IdentityType `json:"type"`
	Value      string              `json:"value"`
	Verified   bool                `json:"verified"`
	Metadata   map[string]string   `json:"metadata,omitempty"`
	AppID      string              `json:"app_id,omitempty"`
	AppName    string              `json:"app_name,omitempty"`
	KeyID      string              `json:"key_id,omitempty"`
	SeenAt     time.Time           `json:"seen_at"`
	VerifiedAt *time.Time          `json:"verified_at,omitempty"`
}

// userPanel is what an agent sees of the user behind an issue.
type userPanel struct {
	ID         string          `json:"id"`
	Name       string          `json:"name,omitempty"`
	Anonymous  bool            `json:"anonymous"`
	Identities []panelIdentity `json:"identities"`
}

// panel is user u's panel, naming the apps through names.
func panel(u *model.User, names map[string]string) userPanel {
	out := userPanel{ID: u.ID, Name: u.Name, Anonymous: u.Anonymous, Identities: []panelIdentity{}}
	for _, id := range u.Identities {
		out.Identities = append(out.Identities, panelIdentity{id.Type, id.Value, id.Verified, id.Metadata, id.AppID, names[id.AppID], id.KeyID, id.SeenAt, id.VerifiedAt})
	}
	return out
}

func (s *server) agentGetIssue(w http.ResponseWriter, r *http.Request, p *principal) error {
	th, err := s.conv.AgentThread(r.Context(), p, r.PathValue("issue"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, issueDetail{Issue: th.Issue, User: panel(th.User, th.AppNames), Messages: nonNil(th.Messages)})
	return nil
}

func (s *server) agentListMessages(w http.ResponseWriter, r *http.Request, p *principal) error {
	i, err := s.agentIssue(r, p)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	limit, err := limitParam(q.Get("limit"))
	if err != nil {
		return err
	}
	msgs, err := s.conv.AgentMessages(r.Context(), p, i, model.MessageFilter{After: q.Get("after"), Limit: limit})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, messageList{Messages: nonNil(msgs)})
	return nil
}

func (s *server) agentReply(w http.ResponseWriter, r *http.Request, p *principal) error {
	i, err := s.agentIssue(r, p)
	if err != nil {
		return err
	}
	var in messageRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	m, err := s.conv.AgentReply(r.Context(), i, agentID(p), in.Body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, m)
	return nil
}

// agentSetStatus returns a handler that resolves or reopens an issue.
func (s *server) agentSetStatus(status model.IssueStatus) staffHandler {
	return func(w http.ResponseWriter, r *http.Request, p *principal) error {
		i, err := s.agentIssue(r, p)
		if err != nil {
			return err
		}
		if err := s.conv.SetStatus(r.Context(), i, status); err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, i)
		return nil
	}
}
