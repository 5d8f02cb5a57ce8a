package httpapi

import (
	"net/http"

	"github.com/signet-id/signet/internal/staff"
)

// The staff account lifecycle and the owner tokens: the rules are
// internal/staff's; these handlers decode and answer.

func (s *server) getAccount(w http.ResponseWriter, r *http.Request, p *principal) error {
	a, err := s.staffs.Account(r.Context(), p, r.PathValue("account"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *server) disableAccount(w http.ResponseWriter, r *http.Request, p *principal) error {
	a, err := s.staffs.DisableAccount(r.Context(), p, r.PathValue("account"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *server) enableAccount(w http.ResponseWriter, r *http.Request, p *principal) error {
	a, err := s.staffs.EnableAccount(r.Context(), p, r.PathValue("account"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *server) deleteAccount(w http.ResponseWriter, r *http.Request, p *principal) error {
	if err := s.staffs.DeleteAccount(r.Context(), p, r.PathValue("account")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *server) patchAccount(w http.ResponseWriter, r *http.Request, p *principal) error {
	if _, err := s.staffs.Account(r.Context(), p, r.PathValue("account")); err != nil {
		return err
	}
	var in staff.RoleChange
	if err := decode(w, r, &in); err != nil {
		return err
	}
	a, err := s.staffs.SetRole(r.Context(), p, r.PathValue("account"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *server) resetAccountPassword(w http.ResponseWriter, r *http.Request, p *principal) error {
	t, err := s.staffs.IssueReset(r.Context(), p, r.PathValue("account"))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, t)
	return nil
}

func (s *server) changeOwnPassword(w http.ResponseWriter, r *http.Request, p *principal) error {
	var in staff.PasswordChange
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := s.staffs.ChangePassword(r.Context(), p, in); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *server) listOwnerTokens(w http.ResponseWriter, r *http.Request, p *principal) error {
	l, err := s.staffs.OwnerTokens(r.Context(), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, tokenList{Tokens: l})
	return nil
}

func (s *server) createOwnerToken(w http.ResponseWriter, r *http.Request, p *principal) error {
	var in staff.InstanceTokenRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	t, err := s.staffs.CreateInstanceToken(r.Context(), p, in)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, t)
	return nil
}

func (s *server) revokeOwnerToken(w http.ResponseWriter, r *http.Request, p *principal) error {
	if err := s.staffs.RevokeOwnerToken(r.Context(), p, r.PathValue("token")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
