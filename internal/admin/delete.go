package admin

import (
	"context"

	"github.com/signet-id/signet/internal/model"
)

// errConfirm is the answer to a delete whose confirmation is not the
// name of what it deletes.
func errConfirm(what string) error {
	return model.Errorf(model.CodeInvalid, "confirm must be the %s's name, exactly as shown", what)
}

// DeleteApp deletes app id — its keys, sessions (ended at once, on every
// node), conversations, verification log and identity conflicts — once
// confirm is its name; users and their identities stay in the workspace.
// The audit entry (app.delete) is written in the same transaction. It
// returns how many live sessions it ended. not_found, forbidden (an
// agent), invalid_request (confirm is not the app's name).
func (s *Service) DeleteApp(ctx context.Context, actor *model.Actor, id, confirm string) (int, error) {
	a, err := s.App(ctx, actor, id)
	if err != nil {
		return 0, err
	}
	if confirm != a.Name {
		return 0, errConfirm("app")
	}
	now := s.now()
	// The store sets sessions_ended, known only in the deletion's transaction.
	e := actor.Audit(now, a.WorkspaceID, "app.delete", "app", a.ID,
		map[string]any{"name": a.Name, "platform": a.Platform, "profile": a.Profile, "sessions_ended": 0})
	n, err := s.store.DeleteApp(ctx, a.ID, now, e)
	if err != nil {
		return 0, orNotFound(err, "app")
	}
	s.log.InfoContext(ctx, "app deleted", "app", a.ID, "workspace", a.WorkspaceID, "sessions_ended", n)
	return n, nil
}

// DeleteWorkspace deletes workspace id and everything in it (apps, keys,
// users, sessions, tokens, dashboard accounts, conversations, logs) once
// confirm is its name. Its audit log is kept, and the deletion is filed in
// the instance's log (workspace.delete), written in the same transaction.
// Only the instance's owner may. It returns how many live sessions it
// ended. not_found (a workspace the actor may not see), forbidden (not the
// owner), invalid_request (confirm is not the workspace's name).
func (s *Service) DeleteWorkspace(ctx context.Context, actor *model.Actor, id, confirm string) (int, error) {
	ws, err := s.Workspace(ctx, actor, id)
	if err != nil {
		return 0, err
	}
	if actor.Role != model.RoleOwner {
		return 0, model.Errorf(model.CodeForbidden, "only the instance owner deletes workspaces")
	}
	if confirm != ws.Name {
		return 0, errConfirm("workspace")
	}
	now := s.now()
	e := actor.Audit(now, "", "workspace.delete", "workspace", ws.ID, map[string]any{"name": ws.Name, "sessions_ended": 0})
	n, err := s.store.DeleteWorkspace(ctx, ws.ID, now, e)
	if err != nil {
		return 0, orNotFound(err, "workspace")
	}
	s.log.InfoContext(ctx, "workspace deleted", "workspace", ws.ID, "sessions_ended", n)
	return n, nil
}
