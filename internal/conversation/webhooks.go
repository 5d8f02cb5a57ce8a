package conversation

import (
	"context"
	"time"

	"github.com/signet-id/signet/internal/model"
)

// Notifier is told of the events a conversation raises for webhooks
// (webhook.Service.Notify); it logs its own failures.
type Notifier interface {
	Notify(ctx context.Context, workspaceID, typ string, at time.Time, data map[string]any)
}

// notify raises a webhook event about message m of issue i: what a brand's
// backend needs to push a notification (who, which issue, the text).
func (s *Service) notify(ctx context.Context, typ string, i *model.Issue, m *model.Message) {
	if s.Webhooks == nil {
		return
	}
	data := map[string]any{"app_id": i.AppID, "issue_id": i.ID, "user_id": i.UserID, "message_id": m.ID,
		"author": string(m.Author), "body": m.Body}
	if m.AgentID != "" {
		data["agent_id"] = m.AgentID
	}
	s.Webhooks.Notify(ctx, i.WorkspaceID, typ, m.CreatedAt, data)
}
