package httpapi

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/signet-id/signet/internal/login"
	"github.com/signet-id/signet/internal/model"
)

// principal is who calls the admin or agent API.
type principal struct {
	role        model.Role
	workspaceID string // "" for an owner
	tokenID     string // "" for SIGNET_ADMIN_TOKEN
}

// administers reports whether p may manage workspace ws: keys, settings, tokens.
func (p *principal) administers(ws string) bool {
	return p.role == model.RoleOwner || p.role == model.RoleAdmin && p.workspaceID == ws
}

// belongs reports whether p may see workspace ws's users and sessions (an
// agent may; never its keys or settings).
func (p *principal) belongs(ws string) bool {
	return p.role == model.RoleOwner || p.workspaceID == ws
}

// apiTokenPrefix marks Signet API tokens for secret scanners.
const apiTokenPrefix = "sat_"

// newAPIToken returns a token's text and the hash that is stored.
func newAPIToken() (string, []byte) {
	var b [32]byte
	rand.Read(b[:])
	t := apiTokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	return t, login.HashToken(t)
}

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
	if s.adminTokenHash != nil {
		h := sha256.Sum256([]byte(token))
		if subtle.ConstantTimeCompare(h[:], s.adminTokenHash) == 1 {
			return &principal{role: model.RoleOwner}, nil
		}
	}
	if !strings.HasPrefix(token, apiTokenPrefix) || len(token) != len(apiTokenPrefix)+43 {
		return nil, model.Errorf(model.CodeUnauthenticated, "unknown API token")
	}
	// The store finds no token past its expires_at: the expiry is checked
	// by the lookup itself, here, in the dashboard, everywhere.
	t, err := s.store.APITokenByHash(r.Context(), login.HashToken(token), s.now())
	if model.ErrorCode(err) == model.CodeNotFound || err == nil && t.RevokedAt != nil {
		return nil, model.Errorf(model.CodeUnauthenticated, "unknown, revoked or expired API token")
	}
	if err != nil {
		return nil, err
	}
	return &principal{role: t.Role, workspaceID: t.WorkspaceID, tokenID: t.ID}, nil
}

// staffHandler is an admin or agent endpoint.
type staffHandler func(w http.ResponseWriter, r *http.Request, p *principal) error

// staff authenticates the caller, then runs h.
func (s *server) staff(h staffHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, err := s.authenticate(r)
		if err == nil {
			err = h(w, r.WithContext(withPrincipal(r.Context(), p)), p)
		}
		if err != nil {
			s.writeError(w, r, err)
		}
	}
}

// notFound is the answer for what the caller may not see: existence never leaks.
func notFound(what string) error { return model.Errorf(model.CodeNotFound, "no such %s", what) }

// NewOwnerToken returns a new owner API token's text and stored hash (for the
// first-run bootstrap).
func NewOwnerToken() (string, []byte) { return newAPIToken() }
