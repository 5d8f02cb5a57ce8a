package httpapi

import (
	"context"
	_ "embed"
	"net/http"
	"time"

	"github.com/signet-id/signet/internal/buildinfo"
)

//go:embed openapi.json
var openAPI []byte

func (s *server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, health{Status: "ok", Version: buildinfo.Version()})
}

// readyz answers 200 while the database answers and the server is not
// shutting down, so a load balancer stops sending before it stops.
func (s *server) readyz(w http.ResponseWriter, r *http.Request) {
	if s.draining != nil && s.draining() {
		writeJSON(w, http.StatusServiceUnavailable, readiness{Status: "shutting down"})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.db.Ping(ctx); err != nil {
		s.log.WarnContext(r.Context(), "readiness: database unreachable", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, readiness{Status: "database unreachable"})
		return
	}
	writeJSON(w, http.StatusOK, readiness{Status: "ready"})
}

func (s *server) openapi(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write(openAPI)
}
