package web

import (
	"net/http"
	"strings"

	"github.com/signet-id/signet/internal/login"
	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/verify"
)

// testForm is what "Test your setup" sends.
type testForm struct {
	UserID        string `json:"user_id"`
	Email         string `json:"email"`
	UserHash      string `json:"user_hash"`
	IdentityToken string `json:"identity_token"`
}

// testVerdict is the answer of POST /api/admin/apps/{app}/test.
type testVerdict struct {
	Valid      bool              `json:"valid"`
	Reason     string            `json:"reason"`
	Cause      string            `json:"cause"`
	Message    string            `json:"message"`
	Diagnosis  string            `json:"diagnosis"`
	KeyID      string            `json:"key_id"`
	Identities []verify.Identity `json:"identities"`
}

type testView struct {
	App     model.App
	JWT     bool
	Form    testForm
	Verdict *testVerdict
	// Keys counts the keys that verify; with none every test fails.
	Keys int
}

func (h *handler) testPage(w http.ResponseWriter, r *http.Request, sess *session) error {
	return h.showTest(w, r, sess, testForm{}, nil)
}

func (h *handler) runTest(w http.ResponseWriter, r *http.Request, sess *session) error {
	f := testForm{UserID: r.PostFormValue("user_id"), Email: r.PostFormValue("email"),
		UserHash: strings.TrimSpace(r.PostFormValue("user_hash")), IdentityToken: strings.TrimSpace(r.PostFormValue("identity_token"))}
	return h.showTest(w, r, sess, f, &f)
}

func (h *handler) showTest(w http.ResponseWriter, r *http.Request, sess *session, f testForm, run *testForm) error {
	ws, a, err := h.appOf(r, sess)
	if err != nil {
		return err
	}
	v := testView{App: *a, JWT: a.Profile.IsJWT(), Form: f}
	keys, err := h.admin.Keys(r.Context(), h.actor(r, sess), a.ID)
	if err != nil {
		return pageErr(err)
	}
	for _, k := range keys {
		if k.State == model.KeyActive || k.State == model.KeyRetiring {
			v.Keys++
		}
	}
	errMsg := ""
	if run != nil {
		// The login's own verification path: the same keys, settings and
		// doctor as a real login, writing nothing.
		res, err := h.logins.Test(r.Context(), a, login.Request{UserID: run.UserID, Email: run.Email,
			UserHash: run.UserHash, IdentityToken: run.IdentityToken})
		err = pageErr(err)
		if ae, ok := err.(*apiError); ok && ae.Status == http.StatusBadRequest {
			errMsg = ae.Message
		} else if err != nil {
			return err
		} else {
			verdict := testVerdict{Valid: res.Valid, Reason: string(res.Reason), Cause: string(res.Cause), Message: res.Message,
				Diagnosis: res.Diagnosis, KeyID: res.KeyID, Identities: []verify.Identity{}}
			for _, id := range res.Identities {
				verdict.Identities = append(verdict.Identities, verify.Identity{Type: id.Type, Value: id.Value})
			}
			v.Verdict = &verdict
		}
	}
	h.render(w, r, sess, http.StatusOK, "test", &page{Title: "Test your setup · " + a.Name, Nav: "apps", WS: ws, Error: errMsg, Data: v})
	return nil
}
