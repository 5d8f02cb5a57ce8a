package web

import (
	"net/http"

	"github.com/signet-id/signet/internal/model"
)

// person is who wrote an issue, as the inbox list shows them.
type person struct {
	Label     string
	Verified  bool
	Anonymous bool
	// NameUnsigned: the name shown is the app's claim, not signed
	// (model.User.NameUnsigned, from what the login that set it stored).
	NameUnsigned bool
}

// people finds the user of each issue on the list (one lookup per user),
// through the conversation service as the issue page does.
func (h *handler) people(r *http.Request, sess *session, ws string, issues []model.Issue) map[string]person {
	out := map[string]person{}
	for _, is := range issues {
		if _, done := out[is.UserID]; done || is.UserID == "" {
			continue
		}
		user, err := h.conv.AgentIssueUser(r.Context(), h.actor(r, sess), &is)
		if err != nil {
			continue
		}
		panel := panelOf(user, nil)
		u := &panel
		out[is.UserID] = person{Label: u.Label(), Verified: u.Verified(), Anonymous: u.Anonymous, NameUnsigned: nameUnsigned(u)}
	}
	return out
}
