package httpapi

import (
	"net/http"
	"strings"

	"github.com/signet-id/signet/internal/admin"
	"github.com/signet-id/signet/internal/model"
)

// principal is who calls the admin or agent API: a domain actor, whose
// CanAdminister and CanSee say what it may reach.
type principal = model.Actor

// bearer returns the Authorization: Bearer credential, or "".
func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "Bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// authenticate finds the principal of an admin or agent request.
func (s *server) authenticate(r *http.Request) (*principal, error) {
	token := bearer(r)
	if token == "" {
		return nil, model.Errorf(model.CodeUnauthenticated, "an API token is required: Authorization: Bearer TOKEN")
	}
	if s.staffs.IsAdminToken(token) {
		// SIGNET_ADMIN_TOKEN is a row of the token table like any other:
		// listed, revocable (internal/staff).
		a, err := s.staffs.AdminTokenActor(r.Context())
		if err != nil {
			return nil, err
		}
		return s.actor(r, a), nil
	}
	p, err := s.admin.TokenActor(r.Context(), token)
	if err != nil {
		return nil, err
	}
	return s.actor(r, p), nil
}

// actor adds where r came from to a, for the audit log.
func (s *server) actor(r *http.Request, a *principal) *principal {
	a.Address, a.UserAgent = s.clientAddr(r), r.UserAgent()
	return a
}

// staffHandler is an admin or agent endpoint.
type staffHandler func(w http.ResponseWriter, r *http.Request, p *principal) error

// staff authenticates the caller, then runs h.
func (s *server) staff(h staffHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, err := s.authenticate(r)
		if err == nil && p.Role == model.RoleMetrics {
			err = model.Errorf(model.CodeForbidden, "a metrics token reads GET /metrics and nothing else")
		}
		if err == nil {
			err = h(w, r, p)
		}
		if err != nil {
			s.writeError(w, r, err)
		}
	}
}

// notFound is the answer for what the caller may not see: existence never leaks.
func notFound(what string) error { return admin.NotFound(what) }

// NewOwnerToken returns a new owner API token's text and stored hash (for the
// first-run bootstrap).
func NewOwnerToken() (string, []byte) { return admin.NewTokenText() }
