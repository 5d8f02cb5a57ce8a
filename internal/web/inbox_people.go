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
	// (nameUnsigned).
	NameUnsigned bool
}

// people finds the user of each issue on the list (one lookup per user),
// through the conversation service as the issue page does.
func (h *handler) people(r *http.Request, sess *session, ws string, issues []model.Issue) map[string]person {
	out := map[string]person{}
	var profiles map[string]string
	loaded := false
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
		p := person{Label: u.Label(), Verified: u.Verified(), Anonymous: u.Anonymous}
		if u.Name != "" {
			if !loaded {
				profiles, loaded = h.appProfiles(r, sess, ws), true
			}
			p.NameUnsigned = nameUnsigned(u, profiles)
		}
		out[is.UserID] = p
	}
	return out
}

// appProfiles maps the workspace's app ids to their profiles (empty for an
// agent, who may not read apps: nil).
func (h *handler) appProfiles(r *http.Request, sess *session, ws string) map[string]string {
	if !sess.canAdmin() {
		return nil
	}
	out := map[string]string{}
	if apps, err := h.admin.Apps(r.Context(), h.actor(r, sess), ws); err == nil {
		for _, a := range apps {
			out[a.ID] = string(a.Profile)
		}
	}
	return out
}
