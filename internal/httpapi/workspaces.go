package httpapi

import (
	"net/http"

	"github.com/signet-id/signet/internal/model"
)

func (s *server) createWorkspace(w http.ResponseWriter, r *http.Request, p *principal) error {
	var in workspaceRequest
	// Who may is checked before the body is read: others learn nothing
	// from how their body is judged.
	if p.Role == model.RoleOwner {
		if err := decode(w, r, &in); err != nil {
			return err
		}
	}
	ws, err := s.admin.CreateWorkspace(r.Context(), p, in.Name)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, ws)
	return nil
}

func (s *server) listWorkspaces(w http.ResponseWriter, r *http.Request, p *principal) error {
	l, err := s.admin.Workspaces(r.Context(), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, workspaceList{Workspaces: l})
	return nil
}

func (s *server) getWorkspace(w http.ResponseWriter, r *http.Request, p *principal) error {
	ws, err := s.admin.Workspace(r.Context(), p, r.PathValue("ws"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ws)
	return nil
}

// workspace loads {ws} if p may see it (agents too).
func (s *server) workspace(r *http.Request, p *principal) (*model.Workspace, error) {
	return s.admin.Workspace(r.Context(), p, r.PathValue("ws"))
}
