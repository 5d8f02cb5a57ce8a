package httpapi

import (
	"net/http"

	"github.com/signet-id/signet/internal/admin"
)

func (s *server) createKey(w http.ResponseWriter, r *http.Request, p *principal) error {
	if _, err := s.admin.App(r.Context(), p, r.PathValue("app")); err != nil {
		return err
	}
	var in admin.KeyRequest
	if err := decodeOptional(w, r, &in); err != nil {
		return err
	}
	k, err := s.admin.CreateKey(r.Context(), p, r.PathValue("app"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, k)
	return nil
}

func (s *server) listKeys(w http.ResponseWriter, r *http.Request, p *principal) error {
	l, err := s.admin.Keys(r.Context(), p, r.PathValue("app"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, keyList{Keys: l})
	return nil
}

func (s *server) revokeKey(w http.ResponseWriter, r *http.Request, p *principal) error {
	if _, err := s.admin.RevokeKey(r.Context(), p, r.PathValue("app"), r.PathValue("key")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *server) retireKey(w http.ResponseWriter, r *http.Request, p *principal) error {
	if _, err := s.admin.Key(r.Context(), p, r.PathValue("app"), r.PathValue("key")); err != nil {
		return err
	}
	var in retireRequest
	if err := decodeOptional(w, r, &in); err != nil {
		return err
	}
	k, err := s.admin.RetireKey(r.Context(), p, r.PathValue("app"), r.PathValue("key"), in.GraceSeconds)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, k)
	return nil
}
