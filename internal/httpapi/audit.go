package httpapi

import (
	"net/http"
	"time"

	"github.com/signet-id/signet/internal/model"
)

// audit appends an admin action to the audit log. It runs after the action
// succeeded; if the entry cannot be written the action is already done, so
// the failure is logged loudly rather than answered.
func (s *server) audit(r *http.Request, p *principal, workspaceID, action, targetType, targetID string, details map[string]any) {
	actor := p.tokenID
	if actor == "" {
		actor = "owner"
	}
	ua := r.UserAgent()
	if len(ua) > 300 {
		ua = ua[:300]
	}
	e := &model.AuditEntry{ID: model.NewID("aud"), WorkspaceID: workspaceID, ActorRole: p.role, ActorID: actor,
		Action: action, TargetType: targetType, TargetID: targetID, Details: details, IP: s.clientAddr(r), UserAgent: ua, At: s.now()}
	if err := s.store.AppendAudit(r.Context(), e); err != nil {
		s.log.ErrorContext(r.Context(), "audit entry not written", "action", action, "target", targetID, "err", err)
	}
}

func (s *server) listAudit(w http.ResponseWriter, r *http.Request, p *principal) error {
	wsID := ""
	if r.PathValue("ws") != "" {
		ws, err := s.adminWorkspace(r, p)
		if err != nil {
			return err
		}
		wsID = ws.ID
	} else if p.role != model.RoleOwner {
		return model.Errorf(model.CodeForbidden, "only the instance owner reads the instance-wide audit log")
	}
	q := r.URL.Query()
	f := model.AuditFilter{Action: q.Get("action"), ActorID: q.Get("actor"), TargetID: q.Get("target"), Before: q.Get("before")}
	var err error
	if f.Limit, err = limitParam(q.Get("limit")); err != nil {
		return err
	}
	if v := q.Get("since"); v != "" {
		if f.Since, err = time.Parse(time.RFC3339, v); err != nil {
			return model.Errorf(model.CodeInvalid, "since must be an RFC 3339 time, such as 2026-11-21T10:00:00Z")
		}
	}
	entries, err := s.store.Audit(r.Context(), wsID, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": nonNil(entries)})
	return nil
}
