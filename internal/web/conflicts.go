package web

import (
	"net/http"

	"github.com/signet-id/signet/internal/model"
)

// maxConflictRows bounds the conflicts page (each row reads two users).
const maxConflictRows = 100

// conflictRow is one identity conflict with the people and app it names.
type conflictRow struct {
	model.IdentityConflict
	Holder, Claimant conflictUser
	AppName          string
}

// conflictUser is a user as a conflict row shows them.
type conflictUser struct {
	ID, Label    string
	NameUnsigned bool
	Found        bool
}

type conflictsView struct {
	Conflicts []conflictRow
	Apps      []model.App
	// App filters the list (the app page links with ?app=).
	App, AppName string
	More         bool
}

// conflictsPage lists the workspace's identity conflicts: a signed
// identity that another verified user already holds, which Signet never
// merges; each row says who holds it and who presented it, and what an
// admin can do.
func (h *handler) conflictsPage(w http.ResponseWriter, r *http.Request, sess *session) error {
	if err := requireAdmin(sess); err != nil {
		return err
	}
	ws, err := h.workspace(r, sess)
	if err != nil {
		return err
	}
	actor := h.actor(r, sess)
	all, err := h.admin.Conflicts(r.Context(), actor, ws.ID)
	if err != nil {
		return pageErr(err)
	}
	apps, err := h.admin.Apps(r.Context(), actor, ws.ID)
	if err != nil {
		return pageErr(err)
	}
	v := conflictsView{Apps: apps, App: r.URL.Query().Get("app")}
	names := map[string]string{}
	for _, a := range apps {
		names[a.ID] = a.Name
	}
	v.AppName = names[v.App]
	users := map[string]conflictUser{}
	user := func(id string) conflictUser {
		if u, ok := users[id]; ok {
			return u
		}
		cu := conflictUser{ID: id, Label: id}
		if u, err := h.admin.User(r.Context(), actor, id); err == nil {
			panel := panelOf(u, nil)
			cu.Label, cu.NameUnsigned, cu.Found = panel.Label(), u.NameUnsigned(), true
		}
		users[id] = cu
		return cu
	}
	for _, c := range all {
		if v.App != "" && c.AppID != v.App {
			continue
		}
		if len(v.Conflicts) == maxConflictRows {
			v.More = true
			break
		}
		v.Conflicts = append(v.Conflicts, conflictRow{IdentityConflict: c, Holder: user(c.HolderID),
			Claimant: user(c.ClaimantID), AppName: names[c.AppID]})
	}
	w.Header().Set("Cache-Control", "no-store")
	h.render(w, r, sess, http.StatusOK, "conflicts", &page{Title: "Identity conflicts · " + ws.Name, Nav: "apps", WS: ws, Data: v})
	return nil
}

// endConflictSessions ends the sessions of one user of a conflict (the
// form's user), then shows the conflicts again.
func (h *handler) endConflictSessions(w http.ResponseWriter, r *http.Request, sess *session) error {
	if err := requireAdmin(sess); err != nil {
		return err
	}
	ws, err := h.workspace(r, sess)
	if err != nil {
		return err
	}
	actor := h.actor(r, sess)
	u, err := h.admin.User(r.Context(), actor, r.PostFormValue("user"))
	if err != nil {
		return pageErr(err)
	}
	if u.WorkspaceID != ws.ID {
		return &pageError{http.StatusNotFound, "There is no such user."}
	}
	if _, err := h.admin.EndUserSessions(r.Context(), actor, u.ID); err != nil {
		return pageErr(err)
	}
	back := "/dashboard/w/" + ws.ID + "/conflicts?ok=ended"
	if app := r.PostFormValue("app"); model.ValidID("app", app) {
		back += "&app=" + app
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}
