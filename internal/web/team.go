package web

import (
	"net/http"
	"strings"

	"github.com/signet-id/signet/internal/admin"
	"github.com/signet-id/signet/internal/model"
)

// teamView is the team page: the workspace's people (dashboard accounts),
// its API tokens, and who is signed in.
type teamView struct {
	Accounts []model.Account
	Tokens   []model.APIToken
	// Sessions are the dashboard sessions still live.
	Sessions []model.APIToken
	Email    string
	Role     string
	// NewToken is an API token's text, shown once after it was made.
	NewToken *model.APIToken
	NewText  string
	Nonce    string
}

func (h *handler) teamPage(w http.ResponseWriter, r *http.Request, sess *session) error {
	return h.showTeam(w, r, sess, http.StatusOK, &teamView{Role: "agent"}, "")
}

func (h *handler) showTeam(w http.ResponseWriter, r *http.Request, sess *session, status int, v *teamView, errMsg string) error {
	if err := requireAdmin(sess); err != nil {
		return err
	}
	ws, err := h.workspace(r, sess)
	if err != nil {
		return err
	}
	var accounts struct{ Accounts []model.Account }
	if accounts.Accounts, err = h.admin.Accounts(r.Context(), h.actor(r, sess), ws.ID); err != nil {
		return pageErr(err)
	}
	var tokens struct{ Tokens []model.APIToken }
	if tokens.Tokens, err = h.admin.Tokens(r.Context(), h.actor(r, sess), ws.ID); err != nil {
		return pageErr(err)
	}
	v.Accounts = accounts.Accounts
	now := h.now()
	for _, t := range tokens.Tokens {
		switch {
		case t.Kind == model.TokenDashboard:
			if t.RevokedAt == nil && now.Sub(t.CreatedAt) < SessionLifetime {
				v.Sessions = append(v.Sessions, t)
			}
		case t.RevokedAt == nil:
			v.Tokens = append(v.Tokens, t)
		}
	}
	v.Nonce = nonce()
	h.render(w, r, sess, status, "team", &page{Title: "Team · " + ws.Name, Nav: "team", WS: ws, Error: errMsg, Data: v})
	return nil
}

func (h *handler) createAccount(w http.ResponseWriter, r *http.Request, sess *session) error {
	v := &teamView{Email: strings.TrimSpace(r.PostFormValue("email")), Role: r.PostFormValue("role")}
	in := admin.AccountRequest{Email: v.Email, Password: r.PostFormValue("password"), Role: model.Role(v.Role)}
	_, err := h.admin.CreateAccount(r.Context(), h.actor(r, sess), r.PathValue("ws"), in)
	err = pageErr(err)
	if ae, ok := err.(*apiError); ok && (ae.Status == http.StatusBadRequest || ae.Status == http.StatusConflict) {
		msg := ae.Message
		if ae.Status == http.StatusConflict {
			msg = "An account with this email already exists."
		}
		return h.showTeam(w, r, sess, ae.Status, v, msg)
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/dashboard/w/"+esc(r.PathValue("ws"))+"/team?ok=account", http.StatusSeeOther)
	return nil
}

func (h *handler) createToken(w http.ResponseWriter, r *http.Request, sess *session) error {
	name := strings.TrimSpace(r.PostFormValue("name"))
	if strings.HasPrefix(strings.ToLower(name), strings.TrimSpace(tokenNamePrefix)) {
		return h.showTeam(w, r, sess, http.StatusBadRequest, &teamView{Role: "agent"}, "Token names starting with “dashboard:” are kept for dashboard sessions.")
	}
	if first, err := h.once(r); err != nil {
		return err
	} else if !first {
		return errResubmitted
	}
	t, err := h.admin.CreateToken(r.Context(), h.actor(r, sess), r.PathValue("ws"), admin.TokenRequest{Role: model.Role(r.PostFormValue("role")), Name: name})
	err = pageErr(err)
	if ae, ok := err.(*apiError); ok && ae.Status == http.StatusBadRequest {
		return h.showTeam(w, r, sess, ae.Status, &teamView{Role: "agent"}, ae.Message)
	} else if err != nil {
		return err
	}
	return h.showTeam(w, r, sess, http.StatusCreated, &teamView{Role: "agent", NewToken: t.APIToken, NewText: t.Token}, "")
}

func (h *handler) revokeToken(w http.ResponseWriter, r *http.Request, sess *session) error {
	if err := h.admin.RevokeToken(r.Context(), h.actor(r, sess), r.PathValue("ws"), r.PathValue("token")); err != nil {
		return pageErr(err)
	}
	http.Redirect(w, r, "/dashboard/w/"+esc(r.PathValue("ws"))+"/team?ok=tokenrev", http.StatusSeeOther)
	return nil
}
