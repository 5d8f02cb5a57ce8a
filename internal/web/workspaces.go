package web

import (
	"net/http"
	"strings"

	"github.com/signet-id/signet/internal/admin"
	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/verify"
)

// workspace loads the {ws} of the URL through the admin service: 404 for one the
// session does not belong to.
func (h *handler) workspace(r *http.Request, sess *session) (*model.Workspace, error) {
	id := r.PathValue("ws")
	if !model.ValidID("ws", id) {
		return nil, &pageError{http.StatusNotFound, "There is no such workspace."}
	}
	ws, err := h.admin.Workspace(r.Context(), h.actor(r, sess), id)
	return ws, pageErr(err)
}

// requireAdmin refuses agents the pages of keys, settings and logs.
func requireAdmin(sess *session) error {
	if !sess.canAdmin() {
		return &pageError{http.StatusForbidden, "Agents see the inbox only: keys, settings and logs are for admins."}
	}
	return nil
}

type workspacesView struct {
	Workspaces []model.Workspace
	Name       string
}

func (h *handler) workspacesPage(w http.ResponseWriter, r *http.Request, sess *session) error {
	var list struct{ Workspaces []model.Workspace }
	var err error
	if list.Workspaces, err = h.admin.Workspaces(r.Context(), h.actor(r, sess)); err != nil {
		return pageErr(err)
	}
	if sess.role != model.RoleOwner && len(list.Workspaces) == 1 {
		http.Redirect(w, r, sess.home(), http.StatusSeeOther)
		return nil
	}
	h.render(w, r, sess, http.StatusOK, "workspaces", &page{Title: "Workspaces", Nav: "workspaces",
		Workspaces: list.Workspaces, Data: workspacesView{Workspaces: list.Workspaces}})
	return nil
}

func (h *handler) createWorkspace(w http.ResponseWriter, r *http.Request, sess *session) error {
	name := strings.TrimSpace(r.PostFormValue("name"))
	ws, err := h.admin.CreateWorkspace(r.Context(), h.actor(r, sess), name)
	if err != nil {
		err = pageErr(err)
		if ae, ok := err.(*apiError); ok && ae.Status == http.StatusBadRequest {
			var list struct{ Workspaces []model.Workspace }
			list.Workspaces, _ = h.admin.Workspaces(r.Context(), h.actor(r, sess))
			h.render(w, r, sess, ae.Status, "workspaces", &page{Title: "Workspaces", Nav: "workspaces", Error: ae.Message,
				Workspaces: list.Workspaces, Data: workspacesView{Workspaces: list.Workspaces, Name: name}})
			return nil
		}
		return err
	}
	http.Redirect(w, r, "/dashboard/w/"+ws.ID+"/apps?ok=workspace", http.StatusSeeOther)
	return nil
}

// switchWorkspace is the workspace switcher's target (a GET form).
func (h *handler) switchWorkspace(w http.ResponseWriter, r *http.Request, sess *session) error {
	id := r.URL.Query().Get("ws")
	if !model.ValidID("ws", id) {
		http.Redirect(w, r, "/dashboard/workspaces", http.StatusSeeOther)
		return nil
	}
	if sess.role == model.RoleAgent {
		http.Redirect(w, r, "/dashboard/w/"+id+"/inbox", http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, "/dashboard/w/"+id+"/apps", http.StatusSeeOther)
	return nil
}

func (h *handler) workspaceHome(w http.ResponseWriter, r *http.Request, sess *session) error {
	ws, err := h.workspace(r, sess)
	if err != nil {
		return err
	}
	if sess.canAdmin() {
		http.Redirect(w, r, "/dashboard/w/"+ws.ID+"/apps", http.StatusSeeOther)
	} else {
		http.Redirect(w, r, "/dashboard/w/"+ws.ID+"/inbox", http.StatusSeeOther)
	}
	return nil
}

// --- apps -------------------------------------------------------------------

// appForm is the create-app form's values (kept when it is shown again).
type appForm struct {
	Name, Platform, Profile, Enforcement, OnFailure, UserIDPattern string
	FullPrivacy                                                    bool
}

type appsView struct {
	Apps []model.App
	Form appForm
	// Profiles are every profile with its one-line description.
	Profiles []profileOption
}

type profileOption struct {
	Name        verify.Profile
	Description string
	// Identities says which identities a verified proof yields and when
	// (the app page's profile table).
	Identities string
}

func profileOptions() []profileOption {
	var out []profileOption
	for _, p := range verify.Profiles() {
		out = append(out, profileOption{p, p.Describe(), p.Description().Identities})
	}
	return out
}

// userIDProfiles names, space-separated, the profiles whose proof can sign a
// user id: the pages show the user-id pattern for them only. Read from each
// profile's description, never from its name.
func userIDProfiles() string {
	var names []string
	for _, p := range verify.Profiles() {
		d := p.Description()
		signs := false
		if d.Proof == verify.ProofDigest {
			signs = d.Requires != verify.Email
		}
		for _, c := range d.Claims {
			signs = signs || c.Kind == verify.ClaimIdentities || c.Kind == verify.ClaimIdentity && c.Identity == verify.UID
		}
		if signs {
			names = append(names, string(p))
		}
	}
	return strings.Join(names, " ")
}

func (h *handler) appsPage(w http.ResponseWriter, r *http.Request, sess *session) error {
	return h.showApps(w, r, sess, http.StatusOK, appForm{Platform: "web", Profile: string(verify.Signet),
		Enforcement: string(model.EnforcementMonitor), OnFailure: string(model.OnFailureReject)}, "")
}

func (h *handler) showApps(w http.ResponseWriter, r *http.Request, sess *session, status int, form appForm, errMsg string) error {
	if err := requireAdmin(sess); err != nil {
		return err
	}
	ws, err := h.workspace(r, sess)
	if err != nil {
		return err
	}
	var list struct{ Apps []model.App }
	if list.Apps, err = h.admin.Apps(r.Context(), h.actor(r, sess), ws.ID); err != nil {
		return pageErr(err)
	}
	h.render(w, r, sess, status, "apps", &page{Title: "Apps · " + ws.Name, Nav: "apps", WS: ws, Error: errMsg,
		Data: appsView{Apps: list.Apps, Form: form, Profiles: profileOptions()}})
	return nil
}

func (h *handler) createApp(w http.ResponseWriter, r *http.Request, sess *session) error {
	if err := requireAdmin(sess); err != nil {
		return err
	}
	f := appForm{Name: strings.TrimSpace(r.PostFormValue("name")), Platform: r.PostFormValue("platform"),
		Profile: r.PostFormValue("profile"), Enforcement: r.PostFormValue("enforcement"),
		OnFailure: r.PostFormValue("on_failure"), UserIDPattern: r.PostFormValue("user_id_pattern"),
		FullPrivacy: r.PostFormValue("full_privacy") != ""}
	platform, profile := model.Platform(f.Platform), verify.Profile(f.Profile)
	enforcement, onFailure := model.Enforcement(f.Enforcement), model.OnFailure(f.OnFailure)
	in := admin.AppSettings{Name: &f.Name, Platform: &platform, Profile: &profile, Enforcement: &enforcement,
		OnFailure: &onFailure, FullPrivacy: &f.FullPrivacy, UserIDPattern: &f.UserIDPattern}
	app, err := h.admin.CreateApp(r.Context(), h.actor(r, sess), r.PathValue("ws"), in)
	err = pageErr(err)
	if ae, ok := err.(*apiError); ok && ae.Status == http.StatusBadRequest {
		return h.showApps(w, r, sess, ae.Status, f, ae.Message)
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/dashboard/w/"+app.WorkspaceID+"/apps/"+app.ID+"?ok=app", http.StatusSeeOther)
	return nil
}
