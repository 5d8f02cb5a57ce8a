package httpapi

import (
	"net/http"

	"github.com/signet-id/signet/internal/model"
)

// ownerOnly serves h to a token of role owner or metrics alone: the
// metrics name every workspace's apps. Anyone else gets 401, as
// CONTRACT.md says (a separate --metrics-addr serves them without a token
// instead).
func (s *server) ownerOnly(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := s.authenticate(r)
		if err == nil && p.Role != model.RoleOwner && p.Role != model.RoleMetrics {
			err = model.Errorf(model.CodeUnauthenticated, "the metrics need an owner or metrics API token")
		}
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		h.ServeHTTP(w, r)
	})
}
