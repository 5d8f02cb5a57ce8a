package web

import (
	"net/http"
	"strings"

	"github.com/signet-id/signet/internal/admin"
	"github.com/signet-id/signet/internal/model"
)

// createPublicKey adds an uploaded public key (ES256, EdDSA, RS256) to a
// signet app: nothing secret to show, so the page reloads with the key
// listed.
func (h *handler) createPublicKey(w http.ResponseWriter, r *http.Request, sess *session, ws *model.Workspace, a *model.App) error {
	in := admin.PublicKeyRequest{Algorithm: r.PostFormValue("algorithm"), PublicKey: strings.TrimSpace(r.PostFormValue("public_key"))}
	if first, err := h.once(r); err != nil {
		return err
	} else if !first {
		return &pageError{http.StatusConflict, "This form was already sent: the key is listed below."}
	}
	k, err := h.admin.CreatePublicKey(r.Context(), h.actor(r, sess), a.ID, in)
	if err != nil {
		err = pageErr(err)
		if ae, ok := err.(*apiError); ok && ae.Status == http.StatusBadRequest {
			return h.showApp(w, r, sess, ae.Status, ws, a, &appView{Form: formOf(a)}, ae.Message)
		}
		return err
	}
	http.Redirect(w, r, "/dashboard/w/"+ws.ID+"/apps/"+a.ID+"?ok=public-key#key-"+k.ID, http.StatusSeeOther)
	return nil
}

// saveJWKS sets (or, empty, clears) where a signet app's brand publishes
// its keys; the set is fetched at once and its outcome shown.
func (h *handler) saveJWKS(w http.ResponseWriter, r *http.Request, sess *session) error {
	ws, a, err := h.appOf(r, sess)
	if err != nil {
		return err
	}
	u := strings.TrimSpace(r.PostFormValue("jwks_url"))
	if _, err := h.admin.UpdateApp(r.Context(), h.actor(r, sess), a.ID, admin.AppSettings{JWKSURL: &u}); err != nil {
		err = pageErr(err)
		if ae, ok := err.(*apiError); ok && ae.Status == http.StatusBadRequest {
			return h.showApp(w, r, sess, ae.Status, ws, a, &appView{Form: formOf(a)}, ae.Message)
		}
		return err
	}
	http.Redirect(w, r, "/dashboard/w/"+ws.ID+"/apps/"+a.ID+"?ok=jwks#jwks", http.StatusSeeOther)
	return nil
}

// refreshJWKS fetches the app's JWKS now.
func (h *handler) refreshJWKS(w http.ResponseWriter, r *http.Request, sess *session) error {
	ws, a, err := h.appOf(r, sess)
	if err != nil {
		return err
	}
	if _, err := h.admin.RefreshJWKS(r.Context(), h.actor(r, sess), a.ID); err != nil {
		return pageErr(err)
	}
	http.Redirect(w, r, "/dashboard/w/"+ws.ID+"/apps/"+a.ID+"#jwks", http.StatusSeeOther)
	return nil
}
