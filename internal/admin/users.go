package admin

import (
	"context"
	"time"

	"github.com/signet-id/signet/internal/model"
)

// Users lists a workspace's users, newest first; agents may. not_found.
func (s *Service) Users(ctx context.Context, actor *model.Actor, wsID string, f model.UserFilter) ([]model.User, error) {
	ws, err := s.Workspace(ctx, actor, wsID)
	if err != nil {
		return nil, err
	}
	users, err := s.store.Users(ctx, ws.ID, f)
	return nonNil(users), err
}

// User returns user id if the actor may see its workspace; not_found.
func (s *Service) User(ctx context.Context, actor *model.Actor, id string) (*model.User, error) {
	if !model.ValidID("usr", id) {
		return nil, NotFound("user")
	}
	u, err := s.store.User(ctx, id)
	if err != nil {
		return nil, orNotFound(err, "user")
	}
	if !actor.CanSee(u.WorkspaceID) {
		return nil, NotFound("user")
	}
	return u, nil
}

// EndUserSessions ends every live session of user id, returning how many;
// not_found; forbidden for an agent.
func (s *Service) EndUserSessions(ctx context.Context, actor *model.Actor, id string) (int, error) {
	u, err := s.User(ctx, actor, id)
	if err != nil {
		return 0, err
	}
	if !actor.CanAdminister(u.WorkspaceID) {
		return 0, model.Errorf(model.CodeForbidden, "only admins end sessions")
	}
	now := s.now()
	return s.store.RevokeUserSessions(ctx, u.ID, model.RevokedByUser, now,
		actor.Audit(now, u.WorkspaceID, "user.sessions.revoke", "user", u.ID, map[string]any{"sessions_ended": 0})) // the store counts them
}

// EndAppSessions ends every live session of app id, returning how many;
// not_found, forbidden.
func (s *Service) EndAppSessions(ctx context.Context, actor *model.Actor, id string) (int, error) {
	a, err := s.App(ctx, actor, id)
	if err != nil {
		return 0, err
	}
	now := s.now()
	return s.store.RevokeAppSessions(ctx, a.ID, model.RevokedByApp, now,
		actor.Audit(now, a.WorkspaceID, "app.sessions.revoke", "app", a.ID, map[string]any{"sessions_ended": 0})) // the store counts them
}

// Sessions lists a workspace's sessions, newest first; not_found, forbidden.
func (s *Service) Sessions(ctx context.Context, actor *model.Actor, wsID string, f model.SessionFilter) ([]model.Session, error) {
	ws, err := s.AdminWorkspace(ctx, actor, wsID)
	if err != nil {
		return nil, err
	}
	f.Now = s.now()
	l, err := s.store.Sessions(ctx, ws.ID, f)
	return nonNil(l), err
}

// RevokeSession ends session id; not_found; forbidden for an agent.
func (s *Service) RevokeSession(ctx context.Context, actor *model.Actor, id string) error {
	if !model.ValidID("ses", id) {
		return NotFound("session")
	}
	sess, err := s.store.Session(ctx, id)
	if err != nil {
		return orNotFound(err, "session")
	}
	if !actor.CanSee(sess.WorkspaceID) {
		return NotFound("session")
	}
	if !actor.CanAdminister(sess.WorkspaceID) {
		return model.Errorf(model.CodeForbidden, "only admins end sessions")
	}
	now := s.now()
	return s.store.RevokeSession(ctx, id, model.RevokedByAdmin, now,
		actor.Audit(now, sess.WorkspaceID, "session.revoke", "session", id, map[string]any{"user_id": sess.UserID}))
}

// Attempts lists a workspace's verification log, newest first; not_found,
// forbidden.
func (s *Service) Attempts(ctx context.Context, actor *model.Actor, wsID string, f model.AttemptFilter) ([]model.Attempt, error) {
	ws, err := s.AdminWorkspace(ctx, actor, wsID)
	if err != nil {
		return nil, err
	}
	l, err := s.store.Attempts(ctx, ws.ID, f)
	return nonNil(l), err
}

// Conflicts lists a workspace's identity conflicts; not_found, forbidden.
func (s *Service) Conflicts(ctx context.Context, actor *model.Actor, wsID string) ([]model.IdentityConflict, error) {
	return listIn(ctx, s, actor, wsID, s.store.Conflicts)
}

// Audit lists a workspace's audit log, or the instance-wide one when wsID
// is "" (owners only), newest first; not_found, forbidden.
func (s *Service) Audit(ctx context.Context, actor *model.Actor, wsID string, f model.AuditFilter) ([]model.AuditEntry, error) {
	switch {
	case wsID != "" && actor.Role == model.RoleOwner && model.ValidID("ws", wsID):
		// The owner reads a workspace's log even once the workspace is
		// deleted: the log is kept (DeleteWorkspace). A workspace that
		// never was is not_found.
		if _, err := s.store.Workspace(ctx, wsID); model.ErrorCode(err) == model.CodeNotFound {
			l, err := s.store.Audit(ctx, wsID, model.AuditFilter{Limit: 1})
			if err != nil {
				return nil, err
			}
			if len(l) == 0 {
				return nil, NotFound("workspace")
			}
		} else if err != nil {
			return nil, err
		}
	case wsID != "":
		ws, err := s.AdminWorkspace(ctx, actor, wsID)
		if err != nil {
			return nil, err
		}
		wsID = ws.ID
	case actor.Role != model.RoleOwner:
		return nil, model.Errorf(model.CodeForbidden, "only the instance owner reads the instance-wide audit log")
	}
	l, err := s.store.Audit(ctx, wsID, f)
	return nonNil(l), err
}

// Readiness counts app appID's checked logins from `since` on, per UTC day,
// platform and app version (store.Store.Readiness); not_found, forbidden.
func (s *Service) Readiness(ctx context.Context, actor *model.Actor, appID string, since time.Time, versions int) (*model.App, []model.ReadinessBucket, error) {
	a, err := s.App(ctx, actor, appID)
	if err != nil {
		return nil, nil, err
	}
	l, err := s.store.Readiness(ctx, a.ID, since, versions)
	return a, l, err
}
