package httpapi

import (
	"net/http"

	"github.com/signet-id/signet/internal/admin"
)

func (s *server) createToken(w http.ResponseWriter, r *http.Request, p *principal) error {
	if _, err := s.admin.AdminWorkspace(r.Context(), p, r.PathValue("ws")); err != nil {
		return err
	}
	var in admin.TokenRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	t, err := s.admin.CreateToken(r.Context(), p, r.PathValue("ws"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, t)
	return nil
}

func (s *server) listTokens(w http.ResponseWriter, r *http.Request, p *principal) error {
	l, err := s.admin.Tokens(r.Context(), p, r.PathValue("ws"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, tokenList{Tokens: l})
	return nil
}

func (s *server) revokeToken(w http.ResponseWriter, r *http.Request, p *principal) error {
	if err := s.admin.RevokeToken(r.Context(), p, r.PathValue("ws"), r.PathValue("token")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
