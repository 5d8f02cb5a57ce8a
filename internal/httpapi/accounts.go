package httpapi

import (
	"net/http"

	"github.com/signet-id/signet/internal/admin"
)

func (s *server) createAccount(w http.ResponseWriter, r *http.Request, p *principal) error {
	if _, err := s.admin.AdminWorkspace(r.Context(), p, r.PathValue("ws")); err != nil {
		return err
	}
	var in admin.AccountRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	a, err := s.admin.CreateAccount(r.Context(), p, r.PathValue("ws"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, a)
	return nil
}

func (s *server) listAccounts(w http.ResponseWriter, r *http.Request, p *principal) error {
	l, err := s.admin.Accounts(r.Context(), p, r.PathValue("ws"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, accountList{Accounts: l})
	return nil
}
