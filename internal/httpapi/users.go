package httpapi

import (
	"net/http"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/verify"
)

// Users, their sessions and the verification log: agents may read users.

func (s *server) listUsers(w http.ResponseWriter, r *http.Request, p *principal) error {
	if _, err := s.admin.Workspace(r.Context(), p, r.PathValue("ws")); err != nil {
		return err
	}
	q := r.URL.Query()
	limit, err := limitParam(q.Get("limit"))
	if err != nil {
		return err
	}
	l, err := s.admin.Users(r.Context(), p, r.PathValue("ws"), model.UserFilter{Identity: q.Get("identity"), Limit: limit, Before: q.Get("before")})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, userList{Users: l})
	return nil
}

func (s *server) getUser(w http.ResponseWriter, r *http.Request, p *principal) error {
	u, err := s.admin.User(r.Context(), p, r.PathValue("user"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (s *server) endUserSessions(w http.ResponseWriter, r *http.Request, p *principal) error {
	n, err := s.admin.EndUserSessions(r.Context(), p, r.PathValue("user"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, endedSessions{Ended: n})
	return nil
}

func (s *server) listSessions(w http.ResponseWriter, r *http.Request, p *principal) error {
	if _, err := s.admin.AdminWorkspace(r.Context(), p, r.PathValue("ws")); err != nil {
		return err
	}
	q := r.URL.Query()
	limit, err := limitParam(q.Get("limit"))
	if err != nil {
		return err
	}
	l, err := s.admin.Sessions(r.Context(), p, r.PathValue("ws"), model.SessionFilter{UserID: q.Get("user"), AppID: q.Get("app"),
		KeyID: q.Get("key"), Live: q.Get("live") == "true", Limit: limit})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sessionList{Sessions: l})
	return nil
}

func (s *server) revokeSession(w http.ResponseWriter, r *http.Request, p *principal) error {
	if err := s.admin.RevokeSession(r.Context(), p, r.PathValue("session")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *server) listAttempts(w http.ResponseWriter, r *http.Request, p *principal) error {
	if _, err := s.admin.AdminWorkspace(r.Context(), p, r.PathValue("ws")); err != nil {
		return err
	}
	q := r.URL.Query()
	f := model.AttemptFilter{AppID: q.Get("app"), Result: model.LoginResult(q.Get("result")), Reason: verify.Reason(q.Get("reason")),
		UserID: q.Get("user"), Before: q.Get("before")}
	var err error
	if f.Limit, err = limitParam(q.Get("limit")); err != nil {
		return err
	}
	if err := timeParam(q, "since", &f.Since); err != nil {
		return err
	}
	if err := timeParam(q, "until", &f.Until); err != nil {
		return err
	}
	l, err := s.admin.Attempts(r.Context(), p, r.PathValue("ws"), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, attemptList{Attempts: l})
	return nil
}

func (s *server) listConflicts(w http.ResponseWriter, r *http.Request, p *principal) error {
	l, err := s.admin.Conflicts(r.Context(), p, r.PathValue("ws"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, conflictList{Conflicts: l})
	return nil
}
