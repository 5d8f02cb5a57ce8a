package httpapi

import (
	"net/http"
	"time"

	"github.com/signet-id/signet/internal/login"
	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/verify"
)

// sdkUser is the user as the SDK sees it: identities with a verified flag,
// nothing about keys or other apps.
type sdkUser struct {
	ID         string        `json:"id"`
	Name       string        `json:"name,omitempty"`
	Anonymous  bool          `json:"anonymous"`
	Identities []sdkIdentity `json:"identities"`
}

type sdkIdentity struct {
	Type     verify.IdentityType `json:"type"`
	Value    string              `json:"value"`
	Verified bool                `json:"verified"`
}

func toSDKUser(u *model.User) sdkUser {
	out := sdkUser{ID: u.ID, Name: u.Name, Anonymous: u.Anonymous, Identities: []sdkIdentity{}}
	for _, id := range u.Identities {
		out.Identities = append(out.Identities, sdkIdentity{id.Type, id.Value, id.Verified})
	}
	return out
}

// sessionAnswer is the answer of login and of GET /v1/me.
type sessionAnswer struct {
	SessionToken string    `json:"session_token,omitempty"`
	ExpiresAt    time.Time `json:"expires_at"`
	Verified     bool      `json:"verified"`
	Anonymous    bool      `json:"anonymous"`
	User         sdkUser   `json:"user"`
}

func (s *server) login(w http.ResponseWriter, r *http.Request) {
	var in login.Request
	if err := decode(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	res, err := s.logins.Login(r.Context(), r.PathValue("app"), in, s.clientAddr(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sessionAnswer{SessionToken: res.Token, ExpiresAt: res.Session.ExpiresAt,
		Verified: res.Session.Verified, Anonymous: res.Session.Anonymous, User: toSDKUser(&res.User)})
}

// sessionHandler is an SDK endpoint that needs a live session.
type sessionHandler func(w http.ResponseWriter, r *http.Request, sess *model.Session) error

func (s *server) session(h sessionHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sess, err := s.logins.Authenticate(r.Context(), bearer(r))
		if err == nil {
			err = h(w, r, sess)
		}
		if err != nil {
			s.writeError(w, r, err)
		}
	}
}

func (s *server) me(w http.ResponseWriter, r *http.Request, sess *model.Session) error {
	u, err := s.logins.User(r.Context(), sess)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sessionAnswer{ExpiresAt: sess.ExpiresAt, Verified: sess.Verified, Anonymous: sess.Anonymous, User: toSDKUser(u)})
	return nil
}

func (s *server) logout(w http.ResponseWriter, r *http.Request, sess *model.Session) error {
	if err := s.logins.Logout(r.Context(), sess); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
