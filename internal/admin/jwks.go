package admin

import (
	"context"

	"github.com/signet-id/signet/internal/jwks"
	"github.com/signet-id/signet/internal/keyring"
	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/verify"
)

// UseJWKS makes the service accept JWKS URLs, checked by f's outbound
// policy and fetched by f when set.
func (s *Service) UseJWKS(f *jwks.Fetcher) { s.jwks = f }

// checkJWKSURL checks a JWKS URL being set: the outbound policy's rules
// (HTTPS, no user name, no internal address), invalid_request with the
// reason.
func (s *Service) checkJWKSURL(a *model.App, url *string) error {
	if url == nil || *url == "" {
		return nil
	}
	if s.jwks == nil {
		return model.Errorf(model.CodeInvalid, "jwks_url: this server does not fetch JWKS")
	}
	if err := s.jwks.CheckURL(*url); err != nil {
		return model.Errorf(model.CodeInvalid, "jwks_url: %v", err)
	}
	return nil
}

// jwksChanged fetches the app's set at once when its URL was set or
// changed (a failure is recorded and shown with the app, the keys stay as
// they were), and retires the set's keys when the URL was cleared.
func (s *Service) jwksChanged(ctx context.Context, a *model.App, before string) {
	switch {
	case a.JWKSURL == before:
	case a.JWKSURL == "":
		// No set any more: its keys stop verifying now.
		rec := &model.JWKSFetch{AppID: a.ID, CheckedAt: s.now()}
		if _, err := s.store.SyncJWKS(ctx, a.ID, nil, rec); err != nil {
			s.log.WarnContext(ctx, "jwks: the set's keys were not retired", "app", a.ID, "err", err)
		}
	case s.jwks != nil:
		if _, err := s.jwks.Fetch(ctx, a); err != nil {
			s.log.InfoContext(ctx, "jwks: the first fetch failed", "app", a.ID, "err", err)
		}
	}
}

// JWKSFetch returns the last fetch of app appID's JWKS; not_found (also
// when the app publishes none or was never fetched), forbidden.
func (s *Service) JWKSFetch(ctx context.Context, actor *model.Actor, appID string) (*model.JWKSFetch, error) {
	a, err := s.App(ctx, actor, appID)
	if err != nil {
		return nil, err
	}
	if a.JWKSURL == "" {
		return nil, model.Errorf(model.CodeNotFound, "app %s publishes no JWKS", a.ID)
	}
	f, err := s.store.JWKSFetch(ctx, a.ID)
	if err != nil {
		return nil, orNotFound(err, "JWKS fetch")
	}
	return f, nil
}

// RefreshJWKS fetches app appID's JWKS now and returns the outcome (a
// failure is in it, not an error); not_found, forbidden.
func (s *Service) RefreshJWKS(ctx context.Context, actor *model.Actor, appID string) (*model.JWKSFetch, error) {
	a, err := s.App(ctx, actor, appID)
	if err != nil {
		return nil, err
	}
	if a.JWKSURL == "" || s.jwks == nil {
		return nil, model.Errorf(model.CodeNotFound, "app %s publishes no JWKS", a.ID)
	}
	s.jwks.Fetch(ctx, a) // a failure is recorded
	return s.store.JWKSFetch(ctx, a.ID)
}

// PublicKeyRequest uploads a public key: the algorithm it verifies under
// and its PEM (SubjectPublicKeyInfo) or JWK.
type PublicKeyRequest struct {
	Algorithm string `json:"algorithm"`
	PublicKey string `json:"public_key"`
}

// CreatePublicKey adds a public key to signet app appID: tokens naming it
// in kid (its id) and signed under its algorithm by the private key verify.
// not_found, forbidden; invalid_request for another profile, an algorithm
// other than ES256, EdDSA and RS256, or a key that is malformed, private,
// of another type or an RSA key under 2048 bits.
func (s *Service) CreatePublicKey(ctx context.Context, actor *model.Actor, appID string, in PublicKeyRequest) (*KeyView, error) {
	a, err := s.App(ctx, actor, appID)
	if err != nil {
		return nil, err
	}
	if a.Profile != verify.Signet {
		return nil, model.Errorf(model.CodeInvalid, "public keys are for signet apps; a %s app verifies with a shared secret", a.Profile)
	}
	if !verify.IsPublicKeyAlgorithm(in.Algorithm) {
		return nil, model.Errorf(model.CodeInvalid, "algorithm must be ES256, EdDSA or RS256")
	}
	if in.PublicKey == "" {
		return nil, model.Errorf(model.CodeInvalid, "public_key is required: the PEM (-----BEGIN PUBLIC KEY-----) or JWK of your key pair's public key")
	}
	pub, err := verify.ParsePublicKey(in.Algorithm, in.PublicKey)
	if err != nil {
		return nil, model.Errorf(model.CodeInvalid, "public_key: %v", err)
	}
	k, err := keyring.NewPublicKey(s.box, a, in.Algorithm, pub, s.now())
	if err != nil {
		return nil, err
	}
	e := actor.Audit(k.CreatedAt, a.WorkspaceID, "key.create", "key", k.ID,
		map[string]any{"app_id": a.ID, "imported": true, "weak": false, "fingerprint": k.Fingerprint, "algorithm": k.Algorithm})
	if err := s.store.CreateKey(ctx, k, e); err != nil {
		return nil, err
	}
	v := s.view(k)
	return &v, nil
}
