package httpapi

import (
	"net/http"

	"github.com/signet-id/signet/internal/login"
	"github.com/signet-id/signet/verify"
)

// testAnswer is the verdict of POST /api/admin/apps/{app}/test, shaped like
// `signet verify --json` plus the key that verified.
type testAnswer struct {
	Valid      bool              `json:"valid"`
	Reason     verify.Reason     `json:"reason,omitempty"`
	Cause      verify.Cause      `json:"cause,omitempty"`
	Message    string            `json:"message"`
	Diagnosis  string            `json:"diagnosis,omitempty"`
	KeyID      string            `json:"key_id,omitempty"`
	Identities []verify.Identity `json:"identities"`
}

// testSetup checks a proof against the app's keys and settings, with the
// doctor, as a login would; it creates no session, writes nothing to the
// verification log and counts no failure. Admins only: the doctor's cause is
// for the brand, never for end users.
func (s *server) testSetup(w http.ResponseWriter, r *http.Request, p *principal) error {
	a, err := s.app(r, p)
	if err != nil {
		return err
	}
	var in setupTestRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	res, err := s.logins.Test(r.Context(), a, login.Request{UserID: in.UserID, Email: in.Email,
		UserHash: in.UserHash, IdentityToken: in.IdentityToken})
	if err != nil {
		return err
	}
	out := testAnswer{Valid: res.Valid, Reason: res.Reason, Cause: res.Cause, Message: res.Message,
		Diagnosis: res.Diagnosis, KeyID: res.KeyID, Identities: []verify.Identity{}}
	for _, id := range res.Identities {
		out.Identities = append(out.Identities, verify.Identity{Type: id.Type, Value: id.Value})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
