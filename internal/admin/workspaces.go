package admin

import (
	"context"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/verify"
)

// CreateWorkspace creates a workspace named name. forbidden unless the
// actor is the instance's owner; invalid_request for a missing or
// unprintable name, or one over 200 bytes.
func (s *Service) CreateWorkspace(ctx context.Context, actor *model.Actor, name string) (*model.Workspace, error) {
	if actor.Role != model.RoleOwner {
		return nil, model.Errorf(model.CodeForbidden, "only the instance owner creates workspaces")
	}
	if name == "" || len(name) > 200 || !verify.ValidIdentityValue(name) {
		return nil, model.Errorf(model.CodeInvalid, "name is required: text of at most 200 bytes")
	}
	ws := &model.Workspace{ID: model.NewID("ws"), Name: name, CreatedAt: s.now()}
	// An instance-wide action: the owner's log, not the new workspace's.
	e := actor.Audit(ws.CreatedAt, "", "workspace.create", "workspace", ws.ID, map[string]any{"name": ws.Name})
	if err := s.store.CreateWorkspace(ctx, ws, e); err != nil {
		return nil, err
	}
	return ws, nil
}

// Workspaces lists the workspaces the actor may see, oldest first.
func (s *Service) Workspaces(ctx context.Context, actor *model.Actor) ([]model.Workspace, error) {
	all, err := s.store.Workspaces(ctx)
	if err != nil {
		return nil, err
	}
	out := []model.Workspace{}
	for _, ws := range all {
		if actor.CanSee(ws.ID) {
			out = append(out, ws)
		}
	}
	return out, nil
}

// Workspace returns workspace id if the actor may see it; not_found.
func (s *Service) Workspace(ctx context.Context, actor *model.Actor, id string) (*model.Workspace, error) {
	if !model.ValidID("ws", id) || !actor.CanSee(id) {
		return nil, NotFound("workspace")
	}
	ws, err := s.store.Workspace(ctx, id)
	return ws, orNotFound(err, "workspace")
}

// AdminWorkspace returns workspace id if the actor administers it;
// not_found when the actor may not see it, forbidden for its agents.
func (s *Service) AdminWorkspace(ctx context.Context, actor *model.Actor, id string) (*model.Workspace, error) {
	ws, err := s.Workspace(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if !actor.CanAdminister(ws.ID) {
		return nil, errSettings()
	}
	return ws, nil
}
