package admin

import (
	"context"
	"time"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/verify"
)

// AppSettings are the settings of an app that creating and changing one
// take; a nil field is left as it is (or at its default).
type AppSettings struct {
	Name             *string            `json:"name"`
	Platform         *model.Platform    `json:"platform"`
	Profile          *verify.Profile    `json:"profile"`
	Enforcement      *model.Enforcement `json:"enforcement"`
	OnFailure        *model.OnFailure   `json:"on_failure"`
	FullPrivacy      *bool              `json:"full_privacy"`
	MaxTokenLifetime *int64             `json:"max_token_lifetime"`
	UserIDPattern    *string            `json:"user_id_pattern"`
	AudienceAlias    *string            `json:"audience_alias"`
	// JWKSURL is where a signet app's brand publishes its public keys
	// (jwks.go); "" stops fetching (the set's keys stop verifying).
	JWKSURL *string `json:"jwks_url"`
	// OneTimeTokens, for a signet app, accepts each token once (a jti is
	// then required; a second use is replayed).
	OneTimeTokens *bool `json:"one_time_tokens"`
}

// changes lists the settings given, for the audit log.
func (in *AppSettings) changes() map[string]any {
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
	add("jwks_url", in.JWKSURL != nil, deref(in.JWKSURL))
	add("one_time_tokens", in.OneTimeTokens != nil, deref(in.OneTimeTokens))
	return out
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func setIf[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}

func (in *AppSettings) apply(a *model.App) {
	setIf(&a.Name, in.Name)
	setIf(&a.UserIDPattern, in.UserIDPattern)
	setIf(&a.AudienceAlias, in.AudienceAlias)
	setIf(&a.JWKSURL, in.JWKSURL)
	setIf(&a.Platform, in.Platform)
	setIf(&a.Profile, in.Profile)
	setIf(&a.Enforcement, in.Enforcement)
	setIf(&a.OnFailure, in.OnFailure)
	setIf(&a.FullPrivacy, in.FullPrivacy)
	setIf(&a.MaxTokenLifetime, in.MaxTokenLifetime)
	setIf(&a.OneTimeTokens, in.OneTimeTokens)
}

// CreateApp creates an app in workspace wsID with the settings given and
// safe defaults for the others (the signet profile, enforce, reject).
// not_found, forbidden (an agent), invalid_request (model.App.Validate).
func (s *Service) CreateApp(ctx context.Context, actor *model.Actor, wsID string, in AppSettings) (*model.App, error) {
	ws, err := s.AdminWorkspace(ctx, actor, wsID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	a := &model.App{ID: model.NewID("app"), WorkspaceID: ws.ID, Profile: verify.Signet,
		Enforcement: model.EnforcementEnforce, OnFailure: model.OnFailureReject,
		MaxTokenLifetime: int64(verify.DefaultMaxLifetime / time.Second), CreatedAt: now, UpdatedAt: now}
	in.apply(a)
	if err := a.Validate(); err != nil {
		return nil, err
	}
	if err := s.checkJWKSURL(a, in.JWKSURL); err != nil {
		return nil, err
	}
	e := actor.Audit(now, a.WorkspaceID, "app.create", "app", a.ID, in.changes())
	if err := s.store.CreateApp(ctx, a, e); err != nil {
		return nil, err
	}
	s.jwksChanged(ctx, a, "")
	return a, nil
}

// Apps lists a workspace's apps, oldest first; not_found, forbidden.
func (s *Service) Apps(ctx context.Context, actor *model.Actor, wsID string) ([]model.App, error) {
	return listIn(ctx, s, actor, wsID, s.store.Apps)
}

// App returns app id if the actor administers its workspace; not_found
// when the actor may not see it, forbidden for its agents.
func (s *Service) App(ctx context.Context, actor *model.Actor, id string) (*model.App, error) {
	if !model.ValidID("app", id) {
		return nil, NotFound("app")
	}
	a, err := s.store.App(ctx, id)
	if err != nil {
		return nil, orNotFound(err, "app")
	}
	if !actor.CanSee(a.WorkspaceID) {
		return nil, NotFound("app")
	}
	if !actor.CanAdminister(a.WorkspaceID) {
		return nil, errSettings()
	}
	return a, nil
}

// UpdateApp changes the settings given of app id. not_found, forbidden,
// invalid_request (model.App.Validate); conflict for a profile change while
// the app has keys that verify (a key is made for one profile).
func (s *Service) UpdateApp(ctx context.Context, actor *model.Actor, id string, in AppSettings) (*model.App, error) {
	a, err := s.App(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	before, beforeURL := a.Profile, a.JWKSURL
	in.apply(a)
	if err := a.Validate(); err != nil {
		return nil, err
	}
	if err := s.checkJWKSURL(a, in.JWKSURL); err != nil {
		return nil, err
	}
	if a.Profile != before {
		if err := s.noLiveKeys(ctx, a.ID, before); err != nil {
			return nil, err
		}
	}
	a.UpdatedAt = s.now()
	e := actor.Audit(a.UpdatedAt, a.WorkspaceID, "app.update", "app", a.ID, in.changes())
	if err := s.store.UpdateApp(ctx, a, e); err != nil {
		return nil, err
	}
	s.jwksChanged(ctx, a, beforeURL)
	return a, nil
}

// noLiveKeys refuses a profile change while the app has keys that verify:
// they would serve another profile (pylon-hmac's are hex).
func (s *Service) noLiveKeys(ctx context.Context, appID string, profile verify.Profile) error {
	keys, err := s.store.AppKeys(ctx, appID)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if k.Verifies(s.now()) {
			return model.Errorf(model.CodeConflict, "the app has keys for %s; revoke them before changing its profile", profile)
		}
	}
	return nil
}
