package httpapi

import "net/http"

// deleteApp deletes {app} once ?confirm= names it (admin.Service.DeleteApp).
func (s *server) deleteApp(w http.ResponseWriter, r *http.Request, p *principal) error {
	n, err := s.admin.DeleteApp(r.Context(), p, r.PathValue("app"), r.URL.Query().Get("confirm"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, endedSessions{Ended: n})
	return nil
}

// deleteWorkspace deletes {ws} once ?confirm= names it
// (admin.Service.DeleteWorkspace).
func (s *server) deleteWorkspace(w http.ResponseWriter, r *http.Request, p *principal) error {
	n, err := s.admin.DeleteWorkspace(r.Context(), p, r.PathValue("ws"), r.URL.Query().Get("confirm"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, endedSessions{Ended: n})
	return nil
}
