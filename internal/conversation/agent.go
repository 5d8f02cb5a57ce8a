package conversation

import (
	"context"

	"github.com/signet-id/signet/internal/model"
)

// AgentIssues lists workspace ws's issues, by last activity, for an actor
// who may see the workspace (its agents too); not_found otherwise.
func (s *Service) AgentIssues(ctx context.Context, actor *model.Actor, ws string, f model.IssueFilter) ([]model.Issue, error) {
	if !model.ValidID("ws", ws) || !actor.CanSee(ws) {
		return nil, model.Errorf(model.CodeNotFound, "no such workspace")
	}
	return s.Store.Issues(ctx, ws, f)
}

// AgentIssue returns issue id for an actor who may see its workspace;
// not_found otherwise.
func (s *Service) AgentIssue(ctx context.Context, actor *model.Actor, id string) (*model.Issue, error) {
	if !model.ValidID("iss", id) {
		return nil, model.Errorf(model.CodeNotFound, "no such issue")
	}
	i, err := s.Store.Issue(ctx, id)
	if model.ErrorCode(err) == model.CodeNotFound || err == nil && !actor.CanSee(i.WorkspaceID) {
		return nil, model.Errorf(model.CodeNotFound, "no such issue")
	}
	return i, err
}

// Thread is an issue as an agent reads it: its user, with every identity,
// the names of the workspace's apps, and its messages, oldest first.
type Thread struct {
	Issue    *model.Issue
	User     *model.User
	AppNames map[string]string
	Messages []model.Message
}

// AgentThread returns issue id's thread (its first 500 messages) for an
// actor who may see its workspace; not_found otherwise.
func (s *Service) AgentThread(ctx context.Context, actor *model.Actor, id string) (*Thread, error) {
	i, err := s.AgentIssue(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	u, err := s.Store.User(ctx, i.UserID)
	if err != nil {
		return nil, err
	}
	apps, err := s.Store.Apps(ctx, i.WorkspaceID)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, a := range apps {
		names[a.ID] = a.Name
	}
	msgs, err := s.Store.Messages(ctx, i.ID, model.MessageFilter{Limit: 500})
	if err != nil {
		return nil, err
	}
	return &Thread{Issue: i, User: u, AppNames: names, Messages: msgs}, nil
}

// AgentIssueUser returns the user behind issue i, with every identity, for
// an actor who may see i's workspace; not_found otherwise.
func (s *Service) AgentIssueUser(ctx context.Context, actor *model.Actor, i *model.Issue) (*model.User, error) {
	if !actor.CanSee(i.WorkspaceID) {
		return nil, model.Errorf(model.CodeNotFound, "no such issue")
	}
	return s.Store.User(ctx, i.UserID)
}

// AgentMessages lists issue i's messages, oldest first, for an actor who
// may see i's workspace; not_found otherwise.
func (s *Service) AgentMessages(ctx context.Context, actor *model.Actor, i *model.Issue, f model.MessageFilter) ([]model.Message, error) {
	if !actor.CanSee(i.WorkspaceID) {
		return nil, model.Errorf(model.CodeNotFound, "no such issue")
	}
	return s.Store.Messages(ctx, i.ID, f)
}

// EventIssue and EventMessage read what a live-update event names, for a
// stream that has already matched the event to its reader (its workspace,
// or its session's user): they check nothing themselves.
func (s *Service) EventIssue(ctx context.Context, id string) (*model.Issue, error) {
	return s.Store.Issue(ctx, id)
}

// EventMessage reads message id for a stream (see EventIssue).
func (s *Service) EventMessage(ctx context.Context, id string) (*model.Message, error) {
	return s.Store.Message(ctx, id)
}
