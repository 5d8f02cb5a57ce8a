package httpapi

import (
	"net/http"

	"github.com/signet-id/signet/internal/model"
)

func (s *server) listAudit(w http.ResponseWriter, r *http.Request, p *principal) error {
	wsID := r.PathValue("ws")
	// The owner also reads a deleted workspace's log (admin.Service.Audit).
	if wsID != "" && p.Role != model.RoleOwner {
		if _, err := s.admin.AdminWorkspace(r.Context(), p, wsID); err != nil {
			return err
		}
	} else if p.Role != model.RoleOwner {
		return model.Errorf(model.CodeForbidden, "only the instance owner reads the instance-wide audit log")
	}
	q := r.URL.Query()
	f := model.AuditFilter{Action: q.Get("action"), ActorID: q.Get("actor"), TargetID: q.Get("target"), Before: q.Get("before")}
	var err error
	if f.Limit, err = limitParam(q.Get("limit")); err != nil {
		return err
	}
	if err := timeParam(q, "since", &f.Since); err != nil {
		return err
	}
	l, err := s.admin.Audit(r.Context(), p, wsID, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, auditList{Entries: l})
	return nil
}
