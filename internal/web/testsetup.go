package web

import (
	"net/http"
	"strings"

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
	var keys struct{ Keys []keyRow }
	if err := h.call(r, sess, "GET", "/api/admin/apps/"+esc(a.ID)+"/keys", nil, &keys); err != nil {
		return err
	}
	for _, k := range keys.Keys {
		if k.State == model.KeyActive || k.State == model.KeyRetiring {
			v.Keys++
		}
	}
	errMsg := ""
	if run != nil {
		var verdict testVerdict
		err := h.call(r, sess, "POST", "/api/admin/apps/"+esc(a.ID)+"/test", run, &verdict)
		if ae, ok := err.(*apiError); ok && ae.Status == http.StatusBadRequest {
			errMsg = ae.Message
		} else if err != nil {
			return err
		} else {
			v.Verdict = &verdict
		}
	}
	h.render(w, r, sess, http.StatusOK, "test", &page{Title: "Test your setup · " + a.Name, Nav: "apps", WS: ws, Error: errMsg, Data: v})
	return nil
}
