package httpapi

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/signet-id/signet/internal/keyring"
	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/password"
	"github.com/signet-id/signet/internal/store"
	"github.com/signet-id/signet/verify"
)

// --- workspaces -------------------------------------------------------------

func (s *server) createWorkspace(w http.ResponseWriter, r *http.Request, p *principal) error {
	if p.role != model.RoleOwner {
		return model.Errorf(model.CodeForbidden, "only the instance owner creates workspaces")
	}
	var in struct {
		Name string `json:"name"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.Name == "" || len(in.Name) > 200 || !verify.ValidIdentityValue(in.Name) {
		return model.Errorf(model.CodeInvalid, "name is required: text of at most 200 bytes")
	}
	ws := &model.Workspace{ID: model.NewID("ws"), Name: in.Name, CreatedAt: s.now()}
	if err := s.store.CreateWorkspace(r.Context(), ws); err != nil {
		return err
	}
	// An instance-wide action: the owner's log, not the new workspace's.
	s.audit(r, p, "", "workspace.create", "workspace", ws.ID, map[string]any{"name": ws.Name})
	writeJSON(w, http.StatusCreated, ws)
	return nil
}

func (s *server) listWorkspaces(w http.ResponseWriter, r *http.Request, p *principal) error {
	all, err := s.store.Workspaces(r.Context())
	if err != nil {
		return err
	}
	out := []model.Workspace{}
	for _, ws := range all {
		if p.belongs(ws.ID) {
			out = append(out, ws)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"workspaces": out})
	return nil
}

// workspace loads {ws} if p belongs to it.
func (s *server) workspace(r *http.Request, p *principal) (*model.Workspace, error) {
	id := r.PathValue("ws")
	if !model.ValidID("ws", id) || !p.belongs(id) {
		return nil, notFound("workspace")
	}
	ws, err := s.store.Workspace(r.Context(), id)
	if model.ErrorCode(err) == model.CodeNotFound {
		return nil, notFound("workspace")
	}
	return ws, err
}

// adminWorkspace loads {ws} if p administers it.
func (s *server) adminWorkspace(r *http.Request, p *principal) (*model.Workspace, error) {
	ws, err := s.workspace(r, p)
	if err != nil {
		return nil, err
	}
	if !p.administers(ws.ID) {
		return nil, model.Errorf(model.CodeForbidden, "agents cannot see or change keys or settings")
	}
	return ws, nil
}

func (s *server) getWorkspace(w http.ResponseWriter, r *http.Request, p *principal) error {
	ws, err := s.workspace(r, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ws)
	return nil
}

// --- apps -------------------------------------------------------------------

// appSettings are the fields of an app that POST and PATCH take.
type appSettings struct {
	Name             *string            `json:"name"`
	Platform         *model.Platform    `json:"platform"`
	Profile          *verify.Profile    `json:"profile"`
	Enforcement      *model.Enforcement `json:"enforcement"`
	OnFailure        *model.OnFailure   `json:"on_failure"`
	FullPrivacy      *bool              `json:"full_privacy"`
	MaxTokenLifetime *int64             `json:"max_token_lifetime"`
	UserIDPattern    *string            `json:"user_id_pattern"`
	AudienceAlias    *string            `json:"audience_alias"`
}

// changes lists the settings given, for the audit log.
func (in *appSettings) changes() map[string]any {
	out := map[string]any{}
	add := func(name string, set bool, v any) {
		if set {
			out[name] = v
		}
	}
	add("name", in.Name != nil, deref(in.Name))
	add("platform", in.Platform != nil, deref(in.Platform))
	add("profile", in.Profile != nil, deref(in.Profile))
	add("enforcement", in.Enforcement != nil, deref(in.Enforcement))
	add("on_failure", in.OnFailure != nil, deref(in.OnFailure))
	add("full_privacy", in.FullPrivacy != nil, deref(in.FullPrivacy))
	add("max_token_lifetime", in.MaxTokenLifetime != nil, deref(in.MaxTokenLifetime))
	add("user_id_pattern", in.UserIDPattern != nil, deref(in.UserIDPattern))
	add("audience_alias", in.AudienceAlias != nil, deref(in.AudienceAlias))
	return out
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func (in *appSettings) apply(a *model.App) {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&a.Name, in.Name)
	set(&a.UserIDPattern, in.UserIDPattern)
	set(&a.AudienceAlias, in.AudienceAlias)
	if in.Platform != nil {
		a.Platform = *in.Platform
	}
	if in.Profile != nil {
		a.Profile = *in.Profile
	}
	if in.Enforcement != nil {
		a.Enforcement = *in.Enforcement
	}
	if in.OnFailure != nil {
		a.OnFailure = *in.OnFailure
	}
	if in.FullPrivacy != nil {
		a.FullPrivacy = *in.FullPrivacy
	}
	if in.MaxTokenLifetime != nil {
		a.MaxTokenLifetime = *in.MaxTokenLifetime
	}
}

func (s *server) createApp(w http.ResponseWriter, r *http.Request, p *principal) error {
	ws, err := s.adminWorkspace(r, p)
	if err != nil {
		return err
	}
	var in appSettings
	if err := decode(w, r, &in); err != nil {
		return err
	}
	now := s.now()
	// Safe defaults: a new app enforces verification and rejects failures.
	a := &model.App{ID: model.NewID("app"), WorkspaceID: ws.ID, Profile: verify.Signet,
		Enforcement: model.EnforcementEnforce, OnFailure: model.OnFailureReject,
		MaxTokenLifetime: int64(verify.DefaultMaxLifetime / time.Second), CreatedAt: now, UpdatedAt: now}
	in.apply(a)
	if err := a.Validate(); err != nil {
		return err
	}
	if err := s.store.CreateApp(r.Context(), a); err != nil {
		return err
	}
	s.audit(r, p, a.WorkspaceID, "app.create", "app", a.ID, in.changes())
	writeJSON(w, http.StatusCreated, a)
	return nil
}

// app loads {app} if p administers its workspace.
func (s *server) app(r *http.Request, p *principal) (*model.App, error) {
	id := r.PathValue("app")
	if !model.ValidID("app", id) {
		return nil, notFound("app")
	}
	a, err := s.store.App(r.Context(), id)
	if model.ErrorCode(err) == model.CodeNotFound || err == nil && !p.belongs(a.WorkspaceID) {
		return nil, notFound("app")
	}
	if err != nil {
		return nil, err
	}
	if !p.administers(a.WorkspaceID) {
		return nil, model.Errorf(model.CodeForbidden, "agents cannot see or change keys or settings")
	}
	return a, nil
}

func (s *server) getApp(w http.ResponseWriter, r *http.Request, p *principal) error {
	a, err := s.app(r, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *server) patchApp(w http.ResponseWriter, r *http.Request, p *principal) error {
	a, err := s.app(r, p)
	if err != nil {
		return err
	}
	var in appSettings
	if err := decode(w, r, &in); err != nil {
		return err
	}
	before := a.Profile
	in.apply(a)
	if err := a.Validate(); err != nil {
		return err
	}
	if a.Profile != before {
		// A key is made for one profile (pylon-hmac's is hex): a profile
		// change would make its keys serve another.
		keys, err := s.store.AppKeys(r.Context(), a.ID)
		if err != nil {
			return err
		}
		for _, k := range keys {
			if k.Verifies(s.now()) {
				return model.Errorf(model.CodeConflict, "the app has keys for %s; revoke them before changing its profile", before)
			}
		}
	}
	a.UpdatedAt = s.now()
	if err := s.store.UpdateApp(r.Context(), a); err != nil {
		return err
	}
	s.audit(r, p, a.WorkspaceID, "app.update", "app", a.ID, in.changes())
	writeJSON(w, http.StatusOK, a)
	return nil
}

// --- keys -------------------------------------------------------------------

// keyView is a key as the API shows it: never its secret.
type keyView struct {
	model.Key
	State model.KeyState `json:"state"`
}

func (s *server) view(k *model.Key) keyView { return keyView{*k, k.State(s.now())} }

func (s *server) createKey(w http.ResponseWriter, r *http.Request, p *principal) error {
	a, err := s.app(r, p)
	if err != nil {
		return err
	}
	var in struct {
		Secret *string `json:"secret"`
		Force  bool    `json:"force"`
	}
	if err := decodeOptional(w, r, &in); err != nil {
		return err
	}
	secret, imported, weak := keyring.Generate(a.Profile), false, false
	if in.Secret != nil {
		var err error
		if weak, err = keyring.CheckImport(a.Profile, *in.Secret, in.Force); err != nil {
			return err
		}
		secret, imported = *in.Secret, true
	}
	if err := s.secretServesOneProfile(r, a, secret); err != nil {
		return err
	}
	k := keyring.New(s.box, a, secret, imported, s.now())
	k.Weak = weak
	if err := s.store.CreateKey(r.Context(), k); err != nil {
		return err
	}
	s.audit(r, p, a.WorkspaceID, "key.create", "key", k.ID, map[string]any{"app_id": a.ID, "imported": imported, "weak": weak, "fingerprint": k.Fingerprint})
	writeJSON(w, http.StatusCreated, struct {
		keyView
		Secret string `json:"secret"`
	}{s.view(k), secret})
	return nil
}

// secretServesOneProfile refuses a secret that already serves an app of the
// workspace under another profile: a secret shared across schemes lets a
// proof made for one be replayed as the other.
func (s *server) secretServesOneProfile(r *http.Request, a *model.App, secret string) error {
	fp := keyring.Fingerprint(s.box, secret)
	keys, err := s.store.WorkspaceKeys(r.Context(), a.WorkspaceID)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if k.Fingerprint != fp || k.RevokedAt != nil {
			continue
		}
		other, err := s.store.App(r.Context(), k.AppID)
		if err != nil {
			return err
		}
		if other.Profile != a.Profile {
			return model.Errorf(model.CodeConflict, "this secret already serves app %s under profile %s; one secret never serves two profiles", other.ID, other.Profile)
		}
	}
	return nil
}

func (s *server) listKeys(w http.ResponseWriter, r *http.Request, p *principal) error {
	a, err := s.app(r, p)
	if err != nil {
		return err
	}
	keys, err := s.store.AppKeys(r.Context(), a.ID)
	if err != nil {
		return err
	}
	out := make([]keyView, 0, len(keys))
	for i := range keys {
		out = append(out, s.view(&keys[i]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"keys": out})
	return nil
}

// key loads {key} of {app}.
func (s *server) key(r *http.Request, p *principal) (*model.Key, error) {
	a, err := s.app(r, p)
	if err != nil {
		return nil, err
	}
	id := r.PathValue("key")
	if !model.ValidID("key", id) {
		return nil, notFound("key")
	}
	k, err := s.store.Key(r.Context(), id)
	if model.ErrorCode(err) == model.CodeNotFound || err == nil && k.AppID != a.ID {
		return nil, notFound("key")
	}
	return k, err
}

func (s *server) revokeKey(w http.ResponseWriter, r *http.Request, p *principal) error {
	k, err := s.key(r, p)
	if err != nil {
		return err
	}
	ended, err := s.store.RevokeKey(r.Context(), k.ID, s.now())
	if err != nil {
		return err
	}
	s.log.InfoContext(r.Context(), "key revoked", "key", k.ID, "app", k.AppID, "sessions_ended", ended)
	s.audit(r, p, k.WorkspaceID, "key.revoke", "key", k.ID, map[string]any{"app_id": k.AppID, "sessions_ended": ended})
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// defaultGrace is how long a retired key keeps verifying unless told.
const defaultGrace = 7 * 24 * time.Hour

func (s *server) retireKey(w http.ResponseWriter, r *http.Request, p *principal) error {
	k, err := s.key(r, p)
	if err != nil {
		return err
	}
	var in struct {
		GraceSeconds *int64 `json:"grace_seconds"`
	}
	if err := decodeOptional(w, r, &in); err != nil {
		return err
	}
	grace := defaultGrace
	if in.GraceSeconds != nil {
		if *in.GraceSeconds < 0 || *in.GraceSeconds > 365*86400 {
			return model.Errorf(model.CodeInvalid, "grace_seconds must be between 0 and one year")
		}
		grace = time.Duration(*in.GraceSeconds) * time.Second
	}
	until := s.now().Add(grace)
	if err := s.store.RetireKey(r.Context(), k.ID, until); err != nil {
		return err
	}
	if grace == 0 { // no grace is a revocation: the key's sessions end too, on every node
		if _, err := s.store.RevokeKey(r.Context(), k.ID, until); err != nil {
			return err
		}
		k.RevokedAt = &until
	}
	k.RetiresAt = &until
	s.audit(r, p, k.WorkspaceID, "key.retire", "key", k.ID, map[string]any{"app_id": k.AppID, "retires_at": until})
	writeJSON(w, http.StatusOK, s.view(k))
	return nil
}

// --- API tokens and accounts -----------------------------------------------

func (s *server) createToken(w http.ResponseWriter, r *http.Request, p *principal) error {
	ws, err := s.adminWorkspace(r, p)
	if err != nil {
		return err
	}
	var in struct {
		Role model.Role `json:"role"`
		Name string     `json:"name"`
		// ExpiresIn is the token's life in seconds; absent: until revoked.
		ExpiresIn *int64 `json:"expires_in"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.Role != model.RoleAdmin && in.Role != model.RoleAgent {
		return model.Errorf(model.CodeInvalid, "role must be admin or agent")
	}
	minLife, maxLife := int64(model.MinAPITokenLifetime/time.Second), int64(model.MaxAPITokenLifetime/time.Second)
	if in.ExpiresIn != nil && (*in.ExpiresIn < minLife || *in.ExpiresIn > maxLife) {
		return model.Errorf(model.CodeInvalid, "expires_in must be between %d and %d seconds", minLife, maxLife)
	}
	if len(in.Name) > 200 || !verify.ValidIdentityValue(in.Name) {
		return model.Errorf(model.CodeInvalid, "name must be text of at most 200 bytes")
	}
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(in.Name)), DashboardTokenPrefix) {
		// Dashboard sessions are tokens named so; a token an admin names so
		// would pass for a person's session in the dashboard and its audit.
		return model.Errorf(model.CodeInvalid, "names starting with %q are reserved for dashboard sessions", DashboardTokenPrefix)
	}
	text, hash := newAPIToken()
	t := &model.APIToken{ID: model.NewID("tok"), WorkspaceID: ws.ID, Role: in.Role, Name: in.Name, TokenHash: hash, CreatedAt: s.now()}
	if in.ExpiresIn != nil {
		t.ExpiresAt = new(t.CreatedAt.Add(time.Duration(*in.ExpiresIn) * time.Second))
	}
	if err := s.store.CreateAPIToken(r.Context(), t); err != nil {
		return err
	}
	s.audit(r, p, ws.ID, "token.create", "token", t.ID, map[string]any{"role": t.Role, "name": t.Name})
	writeJSON(w, http.StatusCreated, struct {
		*model.APIToken
		Token string `json:"token"`
	}{t, text})
	return nil
}

func (s *server) revokeToken(w http.ResponseWriter, r *http.Request, p *principal) error {
	ws, err := s.adminWorkspace(r, p)
	if err != nil {
		return err
	}
	tokens, err := s.store.APITokens(r.Context(), ws.ID)
	if err != nil {
		return err
	}
	for _, t := range tokens {
		if t.ID == r.PathValue("token") {
			if err := s.store.RevokeAPIToken(r.Context(), t.ID, s.now()); err != nil {
				return err
			}
			s.audit(r, p, ws.ID, "token.revoke", "token", t.ID, map[string]any{"role": t.Role})
			w.WriteHeader(http.StatusNoContent)
			return nil
		}
	}
	return notFound("token")
}

func (s *server) createAccount(w http.ResponseWriter, r *http.Request, p *principal) error {
	ws, err := s.adminWorkspace(r, p)
	if err != nil {
		return err
	}
	var in struct {
		Email    string     `json:"email"`
		Password string     `json:"password"`
		Role     model.Role `json:"role"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	switch {
	case in.Role != model.RoleAdmin && in.Role != model.RoleAgent:
		return model.Errorf(model.CodeInvalid, "role must be admin or agent")
	case !strings.Contains(in.Email, "@") || len(in.Email) > 254 || !verify.ValidIdentityValue(in.Email):
		return model.Errorf(model.CodeInvalid, "email must be an email address")
	case len(in.Password) < 12 || len(in.Password) > 1024:
		return model.Errorf(model.CodeInvalid, "password must be 12 to 1024 bytes")
	}
	a := &model.Account{ID: model.NewID("acc"), WorkspaceID: ws.ID, Email: in.Email, Role: in.Role,
		PasswordHash: password.Hash(in.Password), CreatedAt: s.now()}
	if err := s.store.CreateAccount(r.Context(), a); err != nil {
		return err
	}
	s.audit(r, p, ws.ID, "account.create", "account", a.ID, map[string]any{"email": a.Email, "role": a.Role})
	writeJSON(w, http.StatusCreated, a)
	return nil
}

// --- users, sessions and the verification log (agents may read users) ------

func (s *server) listUsers(w http.ResponseWriter, r *http.Request, p *principal) error {
	ws, err := s.workspace(r, p)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	limit, err := limitParam(q.Get("limit"))
	if err != nil {
		return err
	}
	users, err := s.store.Users(r.Context(), ws.ID, model.UserFilter{Identity: q.Get("identity"), Limit: limit, Before: q.Get("before")})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": nonNil(users)})
	return nil
}

// user loads {user} if p belongs to its workspace.
func (s *server) user(r *http.Request, p *principal) (*model.User, error) {
	id := r.PathValue("user")
	if !model.ValidID("usr", id) {
		return nil, notFound("user")
	}
	u, err := s.store.User(r.Context(), id)
	if model.ErrorCode(err) == model.CodeNotFound || err == nil && !p.belongs(u.WorkspaceID) {
		return nil, notFound("user")
	}
	return u, err
}

func (s *server) getUser(w http.ResponseWriter, r *http.Request, p *principal) error {
	u, err := s.user(r, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (s *server) endUserSessions(w http.ResponseWriter, r *http.Request, p *principal) error {
	u, err := s.user(r, p)
	if err != nil {
		return err
	}
	if !p.administers(u.WorkspaceID) {
		return model.Errorf(model.CodeForbidden, "only admins end sessions")
	}
	n, err := s.store.RevokeUserSessions(r.Context(), u.ID, model.RevokedByUser, s.now())
	if err != nil {
		return err
	}
	s.audit(r, p, u.WorkspaceID, "user.sessions.revoke", "user", u.ID, map[string]any{"sessions_ended": n})
	writeJSON(w, http.StatusOK, map[string]int{"ended": n})
	return nil
}

func (s *server) endAppSessions(w http.ResponseWriter, r *http.Request, p *principal) error {
	a, err := s.app(r, p)
	if err != nil {
		return err
	}
	n, err := s.store.RevokeAppSessions(r.Context(), a.ID, model.RevokedByApp, s.now())
	if err != nil {
		return err
	}
	s.audit(r, p, a.WorkspaceID, "app.sessions.revoke", "app", a.ID, map[string]any{"sessions_ended": n})
	writeJSON(w, http.StatusOK, map[string]int{"ended": n})
	return nil
}

func (s *server) listSessions(w http.ResponseWriter, r *http.Request, p *principal) error {
	ws, err := s.adminWorkspace(r, p)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	limit, err := limitParam(q.Get("limit"))
	if err != nil {
		return err
	}
	sessions, err := s.store.Sessions(r.Context(), ws.ID, model.SessionFilter{UserID: q.Get("user"), AppID: q.Get("app"),
		KeyID: q.Get("key"), Live: q.Get("live") == "true", Now: s.now(), Limit: limit})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"sessions": nonNil(sessions)})
	return nil
}

func (s *server) revokeSession(w http.ResponseWriter, r *http.Request, p *principal) error {
	id := r.PathValue("session")
	if !model.ValidID("ses", id) {
		return notFound("session")
	}
	sess, err := s.store.Session(r.Context(), id)
	if model.ErrorCode(err) == model.CodeNotFound || err == nil && !p.belongs(sess.WorkspaceID) {
		return notFound("session")
	}
	if err != nil {
		return err
	}
	if !p.administers(sess.WorkspaceID) {
		return model.Errorf(model.CodeForbidden, "only admins end sessions")
	}
	if err := s.store.RevokeSession(r.Context(), id, model.RevokedByAdmin, s.now()); err != nil {
		return err
	}
	s.audit(r, p, sess.WorkspaceID, "session.revoke", "session", id, map[string]any{"user_id": sess.UserID})
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *server) listAttempts(w http.ResponseWriter, r *http.Request, p *principal) error {
	ws, err := s.adminWorkspace(r, p)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := model.AttemptFilter{AppID: q.Get("app"), Result: model.LoginResult(q.Get("result")), Reason: verify.Reason(q.Get("reason")),
		UserID: q.Get("user"), Before: q.Get("before")}
	if f.Limit, err = limitParam(q.Get("limit")); err != nil {
		return err
	}
	for _, t := range []struct {
		name string
		dst  *time.Time
	}{{"since", &f.Since}, {"until", &f.Until}} {
		if v := q.Get(t.name); v != "" {
			ts, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return model.Errorf(model.CodeInvalid, "%s must be an RFC 3339 time, such as 2026-11-21T10:00:00Z", t.name)
			}
			*t.dst = ts
		}
	}
	attempts, err := s.store.Attempts(r.Context(), ws.ID, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"attempts": nonNil(attempts)})
	return nil
}

// DashboardTokenPrefix starts the name of every dashboard session's token.
const DashboardTokenPrefix = "dashboard:"

// adminList answers GET /api/admin/workspaces/{ws}/<name> for an admin of
// the workspace: {"<name>": what list returns, [] when empty}.
func adminList[T any](s *server, name string, list func(st store.Store, ctx context.Context, workspaceID string) ([]T, error)) staffHandler {
	return func(w http.ResponseWriter, r *http.Request, p *principal) error {
		ws, err := s.adminWorkspace(r, p)
		if err != nil {
			return err
		}
		items, err := list(s.store, r.Context(), ws.ID)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, map[string]any{name: nonNil(items)})
		return nil
	}
}

// limitParam reads ?limit=, 1 to 500, default 100.
func limitParam(v string) (int, error) {
	if v == "" {
		return 100, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 500 {
		return 0, model.Errorf(model.CodeInvalid, "limit must be between 1 and 500")
	}
	return n, nil
}

// nonNil makes an empty list encode as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
