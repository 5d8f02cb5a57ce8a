package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/signet-id/signet/internal/httpapi"
	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/staff"
)

// The account pages: an admin manages one account (disable, enable,
// delete, role, a one-time password reset); everyone changes their own
// password; a reset link sets a new one. The rules are internal/staff's.

// accountView is the account page.
type accountView struct {
	Account *model.Account
	// Self: the page is the viewer's own account.
	Self bool
	// Reset is a reset token just made: shown once.
	Reset *staff.ResetToken
	// ResetURL is the link that takes it.
	ResetURL string
	Nonce    string
}

// accountsRoutes adds the account pages to mux.
func (h *handler) accountsRoutes(mux *http.ServeMux) {
	mux.Handle("GET /dashboard/accounts/{account}", h.auth(h.accountPage))
	mux.Handle("POST /dashboard/accounts/{account}/disable", h.auth(h.accountAction("disable")))
	mux.Handle("POST /dashboard/accounts/{account}/enable", h.auth(h.accountAction("enable")))
	mux.Handle("POST /dashboard/accounts/{account}/delete", h.auth(h.deleteAccount))
	mux.Handle("POST /dashboard/accounts/{account}/role", h.auth(h.setAccountRole))
	mux.Handle("POST /dashboard/accounts/{account}/reset", h.auth(h.issueReset))
	mux.Handle("GET /dashboard/account", h.auth(h.myAccountPage))
	mux.Handle("POST /dashboard/account/password", h.auth(h.changePassword))
	mux.HandleFunc("GET /dashboard/reset", h.resetPage)
	mux.HandleFunc("POST /dashboard/reset", h.redeemReset)
}

func (h *handler) accountPage(w http.ResponseWriter, r *http.Request, sess *session) error {
	return h.showAccount(w, r, sess, http.StatusOK, &accountView{}, "")
}

func (h *handler) showAccount(w http.ResponseWriter, r *http.Request, sess *session, status int, v *accountView, errMsg string) error {
	acc, err := h.staff.Account(r.Context(), h.actor(r, sess), r.PathValue("account"))
	if err != nil {
		return pageErr(err)
	}
	v.Account, v.Self, v.Nonce = acc, acc.ID == sess.AccountID, nonce()
	p := &page{Title: "Account · " + acc.Email, Nav: "team", Error: errMsg, Data: v}
	if acc.WorkspaceID != "" {
		if p.WS, err = h.admin.Workspace(r.Context(), h.actor(r, sess), acc.WorkspaceID); err != nil {
			return pageErr(err)
		}
	} else {
		p.Nav = "workspaces"
	}
	h.render(w, r, sess, status, "account", p)
	return nil
}

// accountAction disables or enables the account.
func (h *handler) accountAction(what string) authed {
	return func(w http.ResponseWriter, r *http.Request, sess *session) error {
		id := r.PathValue("account")
		var err error
		if what == "disable" {
			_, err = h.staff.DisableAccount(r.Context(), h.actor(r, sess), id)
		} else {
			_, err = h.staff.EnableAccount(r.Context(), h.actor(r, sess), id)
		}
		if model.ErrorCode(err) == model.CodeConflict {
			return h.showAccount(w, r, sess, http.StatusConflict, &accountView{}, model.ErrorMessage(err))
		} else if err != nil {
			return pageErr(err)
		}
		if what == "disable" && id == sess.AccountID {
			// One's own sessions ended with the account.
			h.clearCookie(w, r, sessionCookie)
			http.Redirect(w, r, "/dashboard/signin", http.StatusSeeOther)
			return nil
		}
		http.Redirect(w, r, "/dashboard/accounts/"+esc(id)+"?ok=account-"+what, http.StatusSeeOther)
		return nil
	}
}

func (h *handler) deleteAccount(w http.ResponseWriter, r *http.Request, sess *session) error {
	id := r.PathValue("account")
	acc, err := h.staff.Account(r.Context(), h.actor(r, sess), id)
	if err != nil {
		return pageErr(err)
	}
	err = h.staff.DeleteAccount(r.Context(), h.actor(r, sess), id)
	if model.ErrorCode(err) == model.CodeConflict {
		return h.showAccount(w, r, sess, http.StatusConflict, &accountView{}, model.ErrorMessage(err))
	} else if err != nil {
		return pageErr(err)
	}
	switch {
	case id == sess.AccountID:
		h.clearCookie(w, r, sessionCookie)
		http.Redirect(w, r, "/dashboard/signin", http.StatusSeeOther)
	case acc.WorkspaceID == "":
		http.Redirect(w, r, "/dashboard/workspaces?ok=account-deleted", http.StatusSeeOther)
	default:
		http.Redirect(w, r, "/dashboard/w/"+esc(acc.WorkspaceID)+"/team?ok=account-deleted", http.StatusSeeOther)
	}
	return nil
}

func (h *handler) setAccountRole(w http.ResponseWriter, r *http.Request, sess *session) error {
	id := r.PathValue("account")
	in := staff.RoleChange{Role: model.Role(r.PostFormValue("role")), WorkspaceID: strings.TrimSpace(r.PostFormValue("workspace_id"))}
	_, err := h.staff.SetRole(r.Context(), h.actor(r, sess), id, in)
	if c := model.ErrorCode(err); c == model.CodeConflict || c == model.CodeInvalid {
		return h.showAccount(w, r, sess, httpapi.Status(c), &accountView{}, model.ErrorMessage(err))
	} else if err != nil {
		return pageErr(err)
	}
	if id == sess.AccountID {
		h.clearCookie(w, r, sessionCookie) // the session carried the old role
		http.Redirect(w, r, "/dashboard/signin", http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, "/dashboard/accounts/"+esc(id)+"?ok=account-role", http.StatusSeeOther)
	return nil
}

func (h *handler) issueReset(w http.ResponseWriter, r *http.Request, sess *session) error {
	if first, err := h.once(r); err != nil {
		return err
	} else if !first {
		return errResubmitted
	}
	t, err := h.staff.IssueReset(r.Context(), h.actor(r, sess), r.PathValue("account"))
	if model.ErrorCode(err) == model.CodeConflict {
		return h.showAccount(w, r, sess, http.StatusConflict, &accountView{}, model.ErrorMessage(err))
	} else if err != nil {
		return pageErr(err)
	}
	w.Header().Set("Cache-Control", "no-store")
	return h.showAccount(w, r, sess, http.StatusCreated, &accountView{Reset: t, ResetURL: h.origin(r) + t.Path}, "")
}

// origin is where the dashboard is reached: the public URL, else the
// request's scheme and host.
func (h *handler) origin(r *http.Request) string {
	if h.transport.PublicURL != "" {
		return strings.TrimSuffix(h.transport.PublicURL, "/")
	}
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// myAccountView is the viewer's own account page.
type myAccountView struct {
	Email string
	Role  model.Role
	ID    string
}

func (h *handler) myAccountPage(w http.ResponseWriter, r *http.Request, sess *session) error {
	return h.showMyAccount(w, r, sess, http.StatusOK, "")
}

func (h *handler) showMyAccount(w http.ResponseWriter, r *http.Request, sess *session, status int, errMsg string) error {
	h.render(w, r, sess, status, "myaccount", &page{Title: "Your account", Nav: "account", Error: errMsg,
		Data: &myAccountView{Email: sess.email, Role: sess.role, ID: sess.AccountID}})
	return nil
}

func (h *handler) changePassword(w http.ResponseWriter, r *http.Request, sess *session) error {
	in := staff.PasswordChange{CurrentPassword: r.PostFormValue("current_password"), NewPassword: r.PostFormValue("new_password")}
	if in.NewPassword != r.PostFormValue("new_password2") {
		return h.showMyAccount(w, r, sess, http.StatusBadRequest, "The two new passwords are not the same.")
	}
	err := h.staff.ChangePassword(r.Context(), h.actor(r, sess), in)
	if wait, ok := staff.RateLimited(err); ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		return h.showMyAccount(w, r, sess, http.StatusTooManyRequests, "Too many wrong passwords: try again later.")
	}
	if c := model.ErrorCode(err); c == model.CodeInvalid || c == model.CodeForbidden {
		return h.showMyAccount(w, r, sess, httpapi.Status(c), model.ErrorMessage(err))
	} else if err != nil {
		return pageErr(err)
	}
	http.Redirect(w, r, "/dashboard/account?ok=password", http.StatusSeeOther)
	return nil
}

// resetView is the reset page.
type resetView struct {
	Token string
	Done  bool
}

func (h *handler) resetPage(w http.ResponseWriter, r *http.Request) {
	csrf := csrfToken(h.preSession(w, r))
	w.Header().Set("Cache-Control", "no-store")
	h.render(w, r, nil, http.StatusOK, "reset", &page{Title: "Choose a new password", Bare: true, CSRF: csrf,
		Data: &resetView{Token: r.URL.Query().Get("token")}})
}

func (h *handler) redeemReset(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if crossSite(r) || !h.preCSRFValid(r) {
		h.formRefused(w, r, "password reset")
		return
	}
	csrf := csrfToken(h.preSession(w, r))
	w.Header().Set("Cache-Control", "no-store")
	v := &resetView{Token: r.PostFormValue("token")}
	show := func(status int, msg string) {
		h.render(w, r, nil, status, "reset", &page{Title: "Choose a new password", Bare: true, CSRF: csrf, Error: msg, Data: v})
	}
	pw := r.PostFormValue("password")
	if pw != r.PostFormValue("password2") {
		show(http.StatusBadRequest, "The two passwords are not the same.")
		return
	}
	err := h.staff.RedeemReset(r.Context(), v.Token, pw, httpapi.ClientAddr(r, h.proxies), r.UserAgent())
	if wait, ok := staff.RateLimited(err); ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		show(http.StatusTooManyRequests, "Too many attempts from your network: try again later.")
		return
	}
	if c := model.ErrorCode(err); c == model.CodeInvalid || c == model.CodeNotFound {
		show(httpapi.Status(c), model.ErrorMessage(err))
		return
	} else if err != nil {
		h.renderError(w, r, nil, err)
		return
	}
	v.Token, v.Done = "", true
	show(http.StatusOK, "")
}
