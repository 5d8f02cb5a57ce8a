package httpapi

import (
	"net/http"

	"github.com/signet-id/signet/internal/admin"
	"github.com/signet-id/signet/internal/model"
)

func (s *server) createKey(w http.ResponseWriter, r *http.Request, p *principal) error {
	if _, err := s.admin.App(r.Context(), p, r.PathValue("app")); err != nil {
		return err
	}
	var in keyCreate
	if err := decodeOptional(w, r, &in); err != nil {
		return err
	}
	if in.Algorithm != nil || in.PublicKey != nil {
		// A public key (ES256, EdDSA, RS256): no secret to show.
		if in.Secret != nil {
			return model.Errorf(model.CodeInvalid, "give a secret or a public key, not both")
		}
		k, err := s.admin.CreatePublicKey(r.Context(), p, r.PathValue("app"),
			admin.PublicKeyRequest{Algorithm: deref(in.Algorithm), PublicKey: deref(in.PublicKey)})
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusCreated, k)
		return nil
	}
	k, err := s.admin.CreateKey(r.Context(), p, r.PathValue("app"), admin.KeyRequest{Secret: in.Secret, Force: in.Force})
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

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func (s *server) getJWKS(w http.ResponseWriter, r *http.Request, p *principal) error {
	f, err := s.admin.JWKSFetch(r.Context(), p, r.PathValue("app"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, f)
	return nil
}

func (s *server) refreshJWKS(w http.ResponseWriter, r *http.Request, p *principal) error {
	f, err := s.admin.RefreshJWKS(r.Context(), p, r.PathValue("app"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, f)
	return nil
}
