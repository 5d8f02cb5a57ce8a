package web

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/signet-id/signet/internal/admin"
	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/verify"
)

// keyRow is a key as the API lists it, with what the page derives.
type keyRow struct {
	model.Key
	State model.KeyState `json:"state"`
	// StillUsed: retiring, yet used within the last day — something still
	// signs with it.
	StillUsed bool `json:"-"`
}

// newSecret is a key's secret, shown once right after it was made.
type newSecret struct {
	KeyID    string
	Secret   string
	Imported bool
	Weak     bool
	// Retired names the key a rotation retired, and until when.
	Retired      string
	RetiredUntil time.Time
}

// settingsForm is the settings form's values: the app's, or those just
// submitted when they need a confirmation or were refused.
type settingsForm struct {
	Name, Platform, Profile, Enforcement, OnFailure, UserIDPattern, AudienceAlias string
	FullPrivacy, OneTimeTokens                                                    bool
	MaxTokenLifetime                                                              int64
}

func formOf(a *model.App) settingsForm {
	return settingsForm{Name: a.Name, Platform: string(a.Platform), Profile: string(a.Profile),
		Enforcement: string(a.Enforcement), OnFailure: string(a.OnFailure), UserIDPattern: a.UserIDPattern,
		AudienceAlias: a.AudienceAlias, FullPrivacy: a.FullPrivacy, MaxTokenLifetime: a.MaxTokenLifetime,
		OneTimeTokens: a.OneTimeTokens}
}

type appView struct {
	App      model.App
	Form     settingsForm
	Keys     []keyRow
	Profiles []profileOption
	// NewSecret is set only on the answer that created the key.
	NewSecret *newSecret
	// Nonce makes a key-creating form usable once (a reload must not make
	// a second key).
	Nonce     string
	Readiness *readinessView
	// ConfirmEnforce asks before switching to enforce with low coverage.
	ConfirmEnforce bool
	// Warnings: retiring keys still in use, weak keys.
	StillUsed []keyRow
	Weak      []keyRow
	Verifying int
	Install   *installView
	// JWKS is the last fetch of the app's JWKS, when it publishes one.
	JWKS *model.JWKSFetch
}

// appOf loads {app} through the API and checks it belongs to {ws}.
func (h *handler) appOf(r *http.Request, sess *session) (*model.Workspace, *model.App, error) {
	if err := requireAdmin(sess); err != nil {
		return nil, nil, err
	}
	ws, err := h.workspace(r, sess)
	if err != nil {
		return nil, nil, err
	}
	id := r.PathValue("app")
	if !model.ValidID("app", id) {
		return nil, nil, &pageError{http.StatusNotFound, "There is no such app."}
	}
	a, err := h.admin.App(r.Context(), h.actor(r, sess), id)
	if err != nil {
		return nil, nil, pageErr(err)
	}
	if a.WorkspaceID != ws.ID {
		return nil, nil, &pageError{http.StatusNotFound, "There is no such app."}
	}
	return ws, a, nil
}

func (h *handler) appPage(w http.ResponseWriter, r *http.Request, sess *session) error {
	ws, a, err := h.appOf(r, sess)
	if err != nil {
		return err
	}
	return h.showApp(w, r, sess, http.StatusOK, ws, a, &appView{Form: formOf(a)}, "")
}

// showApp renders the app page with v's extras (a new secret, a pending
// confirmation, the form as submitted).
func (h *handler) showApp(w http.ResponseWriter, r *http.Request, sess *session, status int, ws *model.Workspace, a *model.App, v *appView, errMsg string) error {
	v.App = *a
	v.Profiles = profileOptions()
	views, err := h.admin.Keys(r.Context(), h.actor(r, sess), a.ID)
	if err != nil {
		return pageErr(err)
	}
	var keys struct{ Keys []keyRow }
	for _, kv := range views {
		keys.Keys = append(keys.Keys, keyRow{Key: kv.Key, State: kv.State})
	}
	now := h.now()
	for i := range keys.Keys {
		k := &keys.Keys[i]
		if stillSigns(*k, keys.Keys, now) {
			k.StillUsed = true
			v.StillUsed = append(v.StillUsed, *k)
		}
		if k.Weak && (k.State == model.KeyActive || k.State == model.KeyRetiring) {
			v.Weak = append(v.Weak, *k)
		}
		if k.State == model.KeyActive || k.State == model.KeyRetiring {
			v.Verifying++
		}
	}
	// Newest first: the key just made is at the top.
	for i, j := 0, len(keys.Keys)-1; i < j; i, j = i+1, j-1 {
		keys.Keys[i], keys.Keys[j] = keys.Keys[j], keys.Keys[i]
	}
	v.Keys = keys.Keys
	v.Install = installFor(r, a, keys.Keys)
	v.Nonce = nonce()
	rd, err := h.readiness(r, sess, a.ID)
	if err != nil {
		return err
	}
	v.Readiness = rd
	if a.JWKSURL != "" {
		f, err := h.admin.JWKSFetch(r.Context(), h.actor(r, sess), a.ID)
		if err != nil && model.ErrorCode(err) != model.CodeNotFound {
			return pageErr(err)
		}
		v.JWKS = f
	}
	w.Header().Set("Cache-Control", "no-store")
	h.render(w, r, sess, status, "app", &page{Title: a.Name, Nav: "apps", WS: ws, Error: errMsg, Data: v})
	return nil
}

func nonce() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// once reports whether a key-creating form's nonce is used for the first
// time (shared by every node through the store's counters).
func (h *handler) once(r *http.Request) (bool, error) {
	return h.staff.Once(r.Context(), r.PostFormValue("nonce"))
}

var errResubmitted = &pageError{http.StatusConflict, "This form was already sent, and a secret is shown only once. " +
	"If you lost it, generate another key and revoke the one you cannot use."}

func (h *handler) saveSettings(w http.ResponseWriter, r *http.Request, sess *session) error {
	ws, a, err := h.appOf(r, sess)
	if err != nil {
		return err
	}
	f := settingsForm{Name: strings.TrimSpace(r.PostFormValue("name")), Platform: r.PostFormValue("platform"),
		Profile: r.PostFormValue("profile"), Enforcement: r.PostFormValue("enforcement"), OnFailure: r.PostFormValue("on_failure"),
		UserIDPattern: r.PostFormValue("user_id_pattern"), AudienceAlias: strings.TrimSpace(r.PostFormValue("audience_alias")),
		FullPrivacy: r.PostFormValue("full_privacy") != ""}
	// One-time tokens are a signet setting: a form moving the app to
	// another profile turns them off (the checkbox is hidden then).
	f.OneTimeTokens = r.PostFormValue("one_time_tokens") != "" && f.Profile == string(verify.Signet)
	lifetime, err := strconv.ParseInt(r.PostFormValue("max_token_lifetime"), 10, 64)
	if err != nil {
		return h.showApp(w, r, sess, http.StatusBadRequest, ws, a, &appView{Form: f}, "The token lifetime must be a number of seconds.")
	}
	f.MaxTokenLifetime = lifetime
	if f.Enforcement == string(model.EnforcementEnforce) && a.Enforcement != model.EnforcementEnforce && r.PostFormValue("confirm") != "enforce" {
		rd, err := h.readiness(r, sess, a.ID)
		if err != nil {
			return err
		}
		if !rd.Ready7 {
			return h.showApp(w, r, sess, http.StatusOK, ws, a, &appView{Form: f, ConfirmEnforce: true}, "")
		}
	}
	platform, profile := model.Platform(f.Platform), verify.Profile(f.Profile)
	enforcement, onFailure := model.Enforcement(f.Enforcement), model.OnFailure(f.OnFailure)
	in := admin.AppSettings{Name: &f.Name, Platform: &platform, Profile: &profile, Enforcement: &enforcement,
		OnFailure: &onFailure, FullPrivacy: &f.FullPrivacy, UserIDPattern: &f.UserIDPattern,
		MaxTokenLifetime: &f.MaxTokenLifetime, AudienceAlias: &f.AudienceAlias, OneTimeTokens: &f.OneTimeTokens}
	if _, err := h.admin.UpdateApp(r.Context(), h.actor(r, sess), a.ID, in); err != nil {
		err = pageErr(err)
		if ae, ok := err.(*apiError); ok && (ae.Status == http.StatusBadRequest || ae.Status == http.StatusConflict) {
			return h.showApp(w, r, sess, ae.Status, ws, a, &appView{Form: f}, ae.Message)
		}
		return err
	}
	http.Redirect(w, r, "/dashboard/w/"+ws.ID+"/apps/"+a.ID+"?ok=saved", http.StatusSeeOther)
	return nil
}

func (h *handler) createKey(w http.ResponseWriter, r *http.Request, sess *session) error {
	ws, a, err := h.appOf(r, sess)
	if err != nil {
		return err
	}
	if r.PostFormValue("mode") == "public" {
		return h.createPublicKey(w, r, sess, ws, a)
	}
	var in admin.KeyRequest
	if r.PostFormValue("mode") == "import" {
		secret := r.PostFormValue("secret")
		in = admin.KeyRequest{Secret: &secret, Force: r.PostFormValue("force") != ""}
	}
	if first, err := h.once(r); err != nil {
		return err
	} else if !first {
		return errResubmitted
	}
	k, err := h.admin.CreateKey(r.Context(), h.actor(r, sess), a.ID, in)
	if err != nil {
		err = pageErr(err)
		if ae, ok := err.(*apiError); ok && ae.Status < 500 && ae.Status != http.StatusForbidden && ae.Status != http.StatusNotFound {
			msg := ae.Message
			if ae.Code == string(model.CodeWeakSecret) {
				msg = "This secret is shorter than 16 bytes. To import it anyway, tick “Import a weak secret” — it will be flagged weak until you rotate it."
			}
			return h.showApp(w, r, sess, ae.Status, ws, a, &appView{Form: formOf(a)}, msg)
		}
		return err
	}
	v := &appView{Form: formOf(a), NewSecret: &newSecret{KeyID: k.ID, Secret: k.Secret, Imported: k.Imported, Weak: k.Weak}}
	return h.showApp(w, r, sess, http.StatusCreated, ws, a, v, "")
}

// graceSeconds reads the grace period in days (default 7, 0 to 365).
func graceSeconds(r *http.Request) (int64, error) {
	v := r.PostFormValue("grace_days")
	if v == "" {
		return 7 * 86400, nil
	}
	d, err := strconv.ParseFloat(v, 64)
	if err != nil || d < 0 || d > 365 {
		return 0, &pageError{http.StatusBadRequest, "The grace period must be between 0 and 365 days."}
	}
	return int64(d * 86400), nil
}

func (h *handler) retireKey(w http.ResponseWriter, r *http.Request, sess *session) error {
	ws, a, err := h.appOf(r, sess)
	if err != nil {
		return err
	}
	grace, err := graceSeconds(r)
	if err != nil {
		return err
	}
	if _, err := h.admin.RetireKey(r.Context(), h.actor(r, sess), a.ID, r.PathValue("key"), &grace); err != nil {
		return pageErr(err)
	}
	http.Redirect(w, r, "/dashboard/w/"+ws.ID+"/apps/"+a.ID+"?ok=retired#keys", http.StatusSeeOther)
	return nil
}

// rotateKey generates a new key and retires the old one with a grace
// period, so that the brand's backend can move to the new secret.
func (h *handler) rotateKey(w http.ResponseWriter, r *http.Request, sess *session) error {
	ws, a, err := h.appOf(r, sess)
	if err != nil {
		return err
	}
	grace, err := graceSeconds(r)
	if err != nil {
		return err
	}
	if first, err := h.once(r); err != nil {
		return err
	} else if !first {
		return errResubmitted
	}
	k, err := h.admin.CreateKey(r.Context(), h.actor(r, sess), a.ID, admin.KeyRequest{})
	if err != nil {
		return pageErr(err)
	}
	old, err := h.admin.RetireKey(r.Context(), h.actor(r, sess), a.ID, r.PathValue("key"), &grace)
	if err != nil {
		err = pageErr(err)
		// The new key exists: show its secret anyway, and the failure.
		v := &appView{Form: formOf(a), NewSecret: &newSecret{KeyID: k.ID, Secret: k.Secret}}
		return h.showApp(w, r, sess, http.StatusCreated, ws, a, v, "The new key was made, but the old one could not be retired: "+err.Error())
	}
	v := &appView{Form: formOf(a), NewSecret: &newSecret{KeyID: k.ID, Secret: k.Secret, Retired: old.ID}}
	if old.RetiresAt != nil {
		v.NewSecret.RetiredUntil = *old.RetiresAt
	}
	return h.showApp(w, r, sess, http.StatusCreated, ws, a, v, "")
}

func (h *handler) revokeKey(w http.ResponseWriter, r *http.Request, sess *session) error {
	ws, a, err := h.appOf(r, sess)
	if err != nil {
		return err
	}
	if _, err := h.admin.RevokeKey(r.Context(), h.actor(r, sess), a.ID, r.PathValue("key")); err != nil {
		return pageErr(err)
	}
	http.Redirect(w, r, "/dashboard/w/"+ws.ID+"/apps/"+a.ID+"?ok=revoked#keys", http.StatusSeeOther)
	return nil
}
