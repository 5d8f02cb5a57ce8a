package admin

import (
	"context"
	"time"

	"github.com/signet-id/signet/internal/keyring"
	"github.com/signet-id/signet/internal/model"
)

// KeyView is a key as admins see it: never its secret.
type KeyView struct {
	model.Key
	State model.KeyState `json:"state"`
}

// NewKey is a key just created, with its secret: shown this once.
type NewKey struct {
	KeyView
	Secret string `json:"secret"`
}

// KeyRequest asks for a key: a generated one, or the brand's own Secret.
type KeyRequest struct {
	// Secret, when set, is a secret to import.
	Secret *string `json:"secret"`
	// Force imports a weak secret (flagged weak).
	Force bool `json:"force"`
}

func (s *Service) view(k *model.Key) KeyView { return KeyView{*k, k.State(s.now())} }

// CreateKey makes a key for app appID: generated in the form the app's
// profile needs, or imported. not_found, forbidden; invalid_request for a
// secret the profile cannot use; weak_secret for a weak one without Force;
// conflict when the secret's key bytes already serve another profile in
// the workspace (one secret never serves two profiles: held by the
// database, under concurrent imports too).
func (s *Service) CreateKey(ctx context.Context, actor *model.Actor, appID string, in KeyRequest) (*NewKey, error) {
	a, err := s.App(ctx, actor, appID)
	if err != nil {
		return nil, err
	}
	secret, imported, weak := keyring.Generate(a.Profile), false, false
	if in.Secret != nil {
		if weak, err = keyring.CheckImport(a.Profile, *in.Secret, in.Force); err != nil {
			return nil, err
		}
		secret, imported = *in.Secret, true
	}
	if err := s.sameTextElsewhere(ctx, a, secret); err != nil {
		return nil, err
	}
	k := keyring.New(s.box, a, secret, imported, s.now())
	k.Weak = weak
	e := actor.Audit(k.CreatedAt, a.WorkspaceID, "key.create", "key", k.ID,
		map[string]any{"app_id": a.ID, "imported": imported, "weak": weak, "fingerprint": k.Fingerprint, "algorithm": k.Algorithm})
	if err := s.store.CreateKey(ctx, k, e); err != nil {
		return nil, err
	}
	return &NewKey{s.view(k), secret}, nil
}

// Keys lists app appID's keys in every state, oldest first; not_found,
// forbidden.
func (s *Service) Keys(ctx context.Context, actor *model.Actor, appID string) ([]KeyView, error) {
	a, err := s.App(ctx, actor, appID)
	if err != nil {
		return nil, err
	}
	keys, err := s.store.AppKeys(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	out := make([]KeyView, 0, len(keys))
	for i := range keys {
		out = append(out, s.view(&keys[i]))
	}
	return out, nil
}

// Key returns key keyID of app appID; not_found, forbidden.
func (s *Service) Key(ctx context.Context, actor *model.Actor, appID, keyID string) (*model.Key, error) {
	a, err := s.App(ctx, actor, appID)
	if err != nil {
		return nil, err
	}
	if !model.ValidID("key", keyID) {
		return nil, NotFound("key")
	}
	k, err := s.store.Key(ctx, keyID)
	if err != nil {
		return nil, orNotFound(err, "key")
	}
	if k.AppID != a.ID {
		return nil, NotFound("key")
	}
	return k, nil
}

// RevokeKey revokes a key at once and ends the sessions it created,
// returning how many; revoking a revoked key ends nothing. not_found,
// forbidden.
func (s *Service) RevokeKey(ctx context.Context, actor *model.Actor, appID, keyID string) (int, error) {
	k, err := s.Key(ctx, actor, appID, keyID)
	if err != nil {
		return 0, err
	}
	now := s.now()
	// The store sets sessions_ended, known only in the revocation's transaction.
	e := actor.Audit(now, k.WorkspaceID, "key.revoke", "key", k.ID, map[string]any{"app_id": k.AppID, "sessions_ended": 0})
	ended, err := s.store.RevokeKey(ctx, k.ID, now, e)
	if err != nil {
		return 0, err
	}
	s.log.InfoContext(ctx, "key revoked", "key", k.ID, "app", k.AppID, "sessions_ended", ended)
	return ended, nil
}

// DefaultGrace is how long a retired key keeps verifying unless told.
const DefaultGrace = 7 * 24 * time.Hour

// RetireKey ends a key's life after a grace period (DefaultGrace when
// graceSeconds is nil). not_found, forbidden; invalid_request for a grace
// outside 0 to one year; conflict for a revoked key.
func (s *Service) RetireKey(ctx context.Context, actor *model.Actor, appID, keyID string, graceSeconds *int64) (*KeyView, error) {
	k, err := s.Key(ctx, actor, appID, keyID)
	if err != nil {
		return nil, err
	}
	grace := DefaultGrace
	if graceSeconds != nil {
		if *graceSeconds < 0 || *graceSeconds > 365*86400 {
			return nil, model.Errorf(model.CodeInvalid, "grace_seconds must be between 0 and one year")
		}
		grace = time.Duration(*graceSeconds) * time.Second
	}
	now := s.now()
	until := now.Add(grace)
	e := actor.Audit(now, k.WorkspaceID, "key.retire", "key", k.ID, map[string]any{"app_id": k.AppID, "retires_at": until})
	if err := s.store.RetireKey(ctx, k.ID, until, e); err != nil {
		return nil, err
	}
	if grace == 0 {
		// No grace is a revocation: the key's sessions end too, on every node.
		e := actor.Audit(now, k.WorkspaceID, "key.revoke", "key", k.ID, map[string]any{"app_id": k.AppID, "sessions_ended": 0})
		if _, err := s.store.RevokeKey(ctx, k.ID, until, e); err != nil {
			return nil, err
		}
		k.RevokedAt = &until
	}
	k.RetiresAt = &until
	v := s.view(k)
	return &v, nil
}

// sameTextElsewhere refuses a secret whose text already serves an app of
// the workspace under another profile, by fingerprint: the rule as it was
// before the database held it, kept for keys stored without a material
// (made before migration 0008, or under a previous master key). The store
// holds the rule for every key made since, by key bytes, race or not.
func (s *Service) sameTextElsewhere(ctx context.Context, a *model.App, secret string) error {
	fp := keyring.Fingerprint(s.box, secret)
	keys, err := s.store.WorkspaceKeys(ctx, a.WorkspaceID)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if k.Fingerprint != fp || k.RevokedAt != nil {
			continue
		}
		other, err := s.store.App(ctx, k.AppID)
		if err != nil {
			return err
		}
		if other.Profile != a.Profile {
			return model.Errorf(model.CodeConflict, "this secret already serves app %s under profile %s; one secret never serves two profiles", other.ID, other.Profile)
		}
	}
	return nil
}
