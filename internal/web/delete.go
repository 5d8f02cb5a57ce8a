package web

import (
	"net/http"

	"github.com/signet-id/signet/internal/model"
)

// deleteView is the confirmation page of deleting an app or a workspace:
// what goes, what stays, and a field where the admin types its name.
type deleteView struct {
	Kind   string // "app" or "workspace"
	Name   string
	ID     string
	Action string // where the form posts
	Back   string // where Cancel leads
	Goes   []string
	Stays  []string
	// Typed is what was typed when the confirmation did not match.
	Typed string
}

func appDeletion(ws *model.Workspace, a *model.App) deleteView {
	base := "/dashboard/w/" + ws.ID + "/apps/" + a.ID
	return deleteView{Kind: "app", Name: a.Name, ID: a.ID, Action: base + "/delete", Back: base,
		Goes: []string{
			"its keys: tokens and digests signed with them stop verifying",
			"its sessions, ended at once on every node: users of the app are logged out",
			"its conversations: every issue opened through it, with their messages",
			"its verification log and its identity conflicts",
		},
		Stays: []string{
			"the workspace's users and their identities (used by its other apps)",
			"the audit log, with an entry for this deletion",
		}}
}

func workspaceDeletion(ws *model.Workspace) deleteView {
	return deleteView{Kind: "workspace", Name: ws.Name, ID: ws.ID, Action: "/dashboard/w/" + ws.ID + "/delete",
		Back: "/dashboard/w/" + ws.ID + "/apps",
		Goes: []string{
			"every app of it, with its keys",
			"every user, identity and session: all its end users are logged out at once",
			"every conversation, the verification log and the identity conflicts",
			"its API tokens, and its admins' and agents' accounts and dashboard sessions",
		},
		Stays: []string{
			"its audit log: append-only, it outlives what it names; the deletion is filed in the instance audit log",
		}}
}

// deleteAppPage asks for the app's name before deleting it.
func (h *handler) deleteAppPage(w http.ResponseWriter, r *http.Request, sess *session) error {
	ws, a, err := h.appOf(r, sess)
	if err != nil {
		return err
	}
	h.showDeletion(w, r, sess, http.StatusOK, ws, appDeletion(ws, a), "")
	return nil
}

// deleteApp deletes the app once its name was typed.
func (h *handler) deleteApp(w http.ResponseWriter, r *http.Request, sess *session) error {
	ws, a, err := h.appOf(r, sess)
	if err != nil {
		return err
	}
	typed := r.PostFormValue("confirm")
	if _, err := h.admin.DeleteApp(r.Context(), h.actor(r, sess), a.ID, typed); err != nil {
		if ae, ok := pageErr(err).(*apiError); ok && ae.Status == http.StatusBadRequest {
			v := appDeletion(ws, a)
			v.Typed = typed
			h.showDeletion(w, r, sess, ae.Status, ws, v, "The name typed is not this app's: nothing was deleted.")
			return nil
		}
		return pageErr(err)
	}
	http.Redirect(w, r, "/dashboard/w/"+ws.ID+"/apps?ok=appdeleted", http.StatusSeeOther)
	return nil
}

// ownerWorkspace loads {ws} for deleting it: the owner only.
func (h *handler) ownerWorkspace(r *http.Request, sess *session) (*model.Workspace, error) {
	ws, err := h.workspace(r, sess)
	if err != nil {
		return nil, err
	}
	if sess.role != model.RoleOwner {
		return nil, &pageError{http.StatusForbidden, "Only the instance's owner deletes a workspace."}
	}
	return ws, nil
}

// deleteWorkspacePage asks for the workspace's name before deleting it.
func (h *handler) deleteWorkspacePage(w http.ResponseWriter, r *http.Request, sess *session) error {
	ws, err := h.ownerWorkspace(r, sess)
	if err != nil {
		return err
	}
	h.showDeletion(w, r, sess, http.StatusOK, ws, workspaceDeletion(ws), "")
	return nil
}

// deleteWorkspace deletes the workspace once its name was typed.
func (h *handler) deleteWorkspace(w http.ResponseWriter, r *http.Request, sess *session) error {
	ws, err := h.ownerWorkspace(r, sess)
	if err != nil {
		return err
	}
	typed := r.PostFormValue("confirm")
	if _, err := h.admin.DeleteWorkspace(r.Context(), h.actor(r, sess), ws.ID, typed); err != nil {
		if ae, ok := pageErr(err).(*apiError); ok && ae.Status == http.StatusBadRequest {
			v := workspaceDeletion(ws)
			v.Typed = typed
			h.showDeletion(w, r, sess, ae.Status, ws, v, "The name typed is not this workspace's: nothing was deleted.")
			return nil
		}
		return pageErr(err)
	}
	http.Redirect(w, r, "/dashboard/workspaces?ok=wsdeleted", http.StatusSeeOther)
	return nil
}

func (h *handler) showDeletion(w http.ResponseWriter, r *http.Request, sess *session, status int, ws *model.Workspace, v deleteView, errMsg string) {
	w.Header().Set("Cache-Control", "no-store")
	nav := "apps"
	if v.Kind == "workspace" {
		nav = "workspaces"
	}
	h.render(w, r, sess, status, "delete", &page{Title: "Delete " + v.Name, Nav: nav, WS: ws, Error: errMsg, Data: v})
}
