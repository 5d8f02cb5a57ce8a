package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/signet-id/signet/internal/model"
)

// panelIdentity is one identity of the agent's user panel.
type panelIdentity struct {
	Type       string            `json:"type"`
	Value      string            `json:"value"`
	Verified   bool              `json:"verified"`
	Metadata   map[string]string `json:"metadata"`
	AppID      string            `json:"app_id"`
	AppName    string            `json:"app_name"`
	KeyID      string            `json:"key_id"`
	SeenAt     time.Time         `json:"seen_at"`
	VerifiedAt *time.Time        `json:"verified_at"`
}

// userPanel is who is behind an issue, as agents see it.
type userPanel struct {
	ID         string          `json:"id"`
	Name       string          `json:"name"`
	Anonymous  bool            `json:"anonymous"`
	NameSigned bool            `json:"name_signed"`
	Identities []panelIdentity `json:"identities"`
}

// panelOf is user u's panel, naming the apps through names.
func panelOf(u *model.User, names map[string]string) userPanel {
	out := userPanel{ID: u.ID, Name: u.Name, Anonymous: u.Anonymous, NameSigned: u.NameSigned, Identities: []panelIdentity{}}
	for _, id := range u.Identities {
		out.Identities = append(out.Identities, panelIdentity{Type: string(id.Type), Value: id.Value, Verified: id.Verified,
			Metadata: id.Metadata, AppID: id.AppID, AppName: names[id.AppID], KeyID: id.KeyID, SeenAt: id.SeenAt, VerifiedAt: id.VerifiedAt})
	}
	return out
}

// Verified reports whether any identity of the user is verified.
func (u *userPanel) Verified() bool {
	for _, id := range u.Identities {
		if id.Verified {
			return true
		}
	}
	return false
}

// Label is how the conversation names the user.
func (u *userPanel) Label() string {
	if u.Name != "" {
		return u.Name
	}
	for _, t := range []string{"email", "uid"} {
		for _, id := range u.Identities {
			if id.Type == t {
				return id.Value
			}
		}
	}
	if u.Anonymous {
		return "Anonymous visitor"
	}
	return "Unnamed user"
}

type messageRow struct {
	model.Message
	AgentName string
	Mine      bool
}

type inboxView struct {
	Status  string
	Issues  []model.Issue
	AppName map[string]string
	People  map[string]person
	// Open is the issue shown, with its messages and user panel.
	Open     *model.Issue
	User     *userPanel
	Messages []messageRow
	// UserNameUnsigned: the open issue's user's name is not signed
	// (nameUnsigned).
	UserNameUnsigned bool
	// Base is the inbox's URL with the status filter, for links.
	Base string
}

// IssueLink is the link that opens issue id, keeping the filter.
func (v *inboxView) IssueLink(id string) string {
	q := url.Values{"issue": {id}}
	if v.Status != "open" {
		q.Set("status", v.Status)
	}
	return "?" + q.Encode()
}

func (h *handler) inboxPage(w http.ResponseWriter, r *http.Request, sess *session) error {
	ws, err := h.workspace(r, sess)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	v := &inboxView{Status: q.Get("status"), AppName: map[string]string{}}
	if v.Status != "resolved" && v.Status != "all" {
		v.Status = "open"
	}
	f := model.IssueFilter{Limit: 100}
	if v.Status != "all" {
		f.Status = model.IssueStatus(v.Status)
	}
	if v.Issues, err = h.conv.AgentIssues(r.Context(), h.actor(r, sess), ws.ID, f); err != nil {
		return pageErr(err)
	}
	v.People = h.people(r, sess, ws.ID, v.Issues)
	if sess.canAdmin() {
		if apps, err := h.admin.Apps(r.Context(), h.actor(r, sess), ws.ID); err == nil {
			for _, a := range apps {
				v.AppName[a.ID] = a.Name
			}
		}
	}
	if id := q.Get("issue"); id != "" {
		th, err := h.conv.AgentThread(r.Context(), h.actor(r, sess), id)
		if err != nil {
			return pageErr(err)
		}
		detail := struct {
			Issue    model.Issue
			User     userPanel
			Messages []model.Message
		}{Issue: *th.Issue, User: panelOf(th.User, th.AppNames), Messages: th.Messages}
		if detail.Issue.WorkspaceID != ws.ID {
			return &pageError{http.StatusNotFound, "There is no such issue in this workspace."}
		}
		v.Open, v.User = &detail.Issue, &detail.User
		v.UserNameUnsigned = nameUnsigned(v.User)
		for _, id := range detail.User.Identities {
			if id.AppName != "" {
				v.AppName[id.AppID] = id.AppName
			}
		}
		names := h.agentNames(r, sess, ws.ID)
		for _, m := range detail.Messages {
			row := messageRow{Message: m, Mine: m.AgentID == sess.tokenID}
			if m.Author == model.AuthorAgent {
				row.AgentName = names[m.AgentID]
				if row.AgentName == "" {
					row.AgentName = "Agent"
				}
			}
			v.Messages = append(v.Messages, row)
		}
	}
	switch q.Get("fragment") {
	case "list":
		h.fragment(w, r, sess, ws, "inbox-list", v)
		return nil
	case "thread":
		h.fragment(w, r, sess, ws, "inbox-thread-fragment", v)
		return nil
	}
	h.render(w, r, sess, http.StatusOK, "inbox", &page{Title: "Inbox · " + ws.Name, Nav: "inbox", WS: ws,
		Scripts: []string{"inbox.js"}, Data: v})
	return nil
}

// fragment renders one part of the inbox, for the live updates to swap in.
func (h *handler) fragment(w http.ResponseWriter, r *http.Request, sess *session, ws *model.Workspace, name string, v *inboxView) {
	p := &page{WS: ws, Bare: true, Data: v}
	h.fill(r, sess, p)
	h.execute(w, r, http.StatusOK, "inbox", name, p)
}

// agentNames names the agents who write messages: the accounts behind
// dashboard sessions, or API tokens' names.
func (h *handler) agentNames(r *http.Request, sess *session, wsID string) map[string]string {
	out := map[string]string{"owner": "Owner"}
	for _, ws := range []string{wsID, ""} {
		for id, name := range h.staff.TokenNames(r.Context(), h.actor(r, sess), ws) {
			out[id] = strings.TrimPrefix(name, tokenNamePrefix)
		}
	}
	return out
}

// inboxReturn is where an inbox action goes back to.
func inboxReturn(r *http.Request, ok string) string {
	q := url.Values{"issue": {r.PathValue("issue")}, "ok": {ok}}
	if s := r.PostFormValue("status"); s == "resolved" || s == "all" {
		q.Set("status", s)
	}
	return "/dashboard/w/" + esc(r.PathValue("ws")) + "/inbox?" + q.Encode()
}

func (h *handler) reply(w http.ResponseWriter, r *http.Request, sess *session) error {
	body := r.PostFormValue("body")
	if strings.TrimSpace(body) == "" {
		http.Redirect(w, r, inboxReturn(r, ""), http.StatusSeeOther)
		return nil
	}
	i, err := h.conv.AgentIssue(r.Context(), h.actor(r, sess), r.PathValue("issue"))
	if err == nil {
		_, err = h.conv.AgentReply(r.Context(), i, h.actor(r, sess).ID(), body)
	}
	if err != nil {
		return pageErr(err)
	}
	http.Redirect(w, r, inboxReturn(r, "sent")+"#composer", http.StatusSeeOther)
	return nil
}

// setStatus resolves or reopens an issue.
func (h *handler) setStatus(action string) authed {
	return func(w http.ResponseWriter, r *http.Request, sess *session) error {
		status := map[string]model.IssueStatus{"resolve": model.IssueResolved, "reopen": model.IssueOpen}[action]
		i, err := h.conv.AgentIssue(r.Context(), h.actor(r, sess), r.PathValue("issue"))
		if err == nil {
			err = h.conv.SetStatus(r.Context(), i, status)
		}
		if err != nil {
			return pageErr(err)
		}
		http.Redirect(w, r, inboxReturn(r, map[string]string{"resolve": "resolved", "reopen": "reopened"}[action]), http.StatusSeeOther)
		return nil
	}
}
