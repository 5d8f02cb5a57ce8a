package httpapi

import (
	"net/http"

	"github.com/signet-id/signet/internal/admin"
	"github.com/signet-id/signet/internal/model"
)

func (s *server) createApp(w http.ResponseWriter, r *http.Request, p *principal) error {
	ws, err := s.admin.AdminWorkspace(r.Context(), p, r.PathValue("ws"))
	if err != nil {
		return err
	}
	var in admin.AppSettings
	if err := decode(w, r, &in); err != nil {
		return err
	}
	a, err := s.admin.CreateApp(r.Context(), p, ws.ID, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, a)
	return nil
}

func (s *server) listApps(w http.ResponseWriter, r *http.Request, p *principal) error {
	l, err := s.admin.Apps(r.Context(), p, r.PathValue("ws"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, appList{Apps: l})
	return nil
}

func (s *server) getApp(w http.ResponseWriter, r *http.Request, p *principal) error {
	a, err := s.admin.App(r.Context(), p, r.PathValue("app"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *server) patchApp(w http.ResponseWriter, r *http.Request, p *principal) error {
	if _, err := s.admin.App(r.Context(), p, r.PathValue("app")); err != nil {
		return err
	}
	var in admin.AppSettings
	if err := decode(w, r, &in); err != nil {
		return err
	}
	a, err := s.admin.UpdateApp(r.Context(), p, r.PathValue("app"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *server) endAppSessions(w http.ResponseWriter, r *http.Request, p *principal) error {
	n, err := s.admin.EndAppSessions(r.Context(), p, r.PathValue("app"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, endedSessions{Ended: n})
	return nil
}

// app loads {app} if p administers its workspace.
func (s *server) app(r *http.Request, p *principal) (*model.App, error) {
	return s.admin.App(r.Context(), p, r.PathValue("app"))
}
