package storetest

import (
	"time"

	"github.com/signet-id/signet/internal/model"
)

// testAPITokenExpiry: a token's ExpiresAt is stored and read back (to the
// millisecond), and APITokenByHash does not find a token from its
// ExpiresAt on, nor records that use.
func testAPITokenExpiry(e *env) {
	w := e.workspace()
	created := e.tick()
	expires := created.Add(time.Hour)
	expiring := &model.APIToken{ID: model.NewID("tok"), WorkspaceID: w.ID, Role: model.RoleAgent, Name: "an hour",
		TokenHash: hash("expiring"), CreatedAt: created, ExpiresAt: &expires}
	lasting := &model.APIToken{ID: model.NewID("tok"), WorkspaceID: w.ID, Role: model.RoleAdmin, Name: "until revoked",
		TokenHash: hash("lasting"), CreatedAt: created}
	owner := &model.APIToken{ID: model.NewID("tok"), Role: model.RoleOwner, Name: "owner, a day",
		TokenHash: hash("owner"), CreatedAt: created, ExpiresAt: new(created.Add(24 * time.Hour))}
	for _, t := range []*model.APIToken{expiring, lasting, owner} {
		e.must(e.s.CreateAPIToken(e.ctx, t, nil))
	}

	// Read back by every way in.
	got, err := e.s.APITokenByHash(e.ctx, hash("expiring"), created)
	e.must(err)
	if got.ID != expiring.ID || !sameTime(got.ExpiresAt, expires) {
		e.t.Errorf("APITokenByHash = %+v, want expires_at %v", got, ms(expires))
	}
	list, err := e.s.APITokens(e.ctx, w.ID)
	e.must(err)
	byID := map[string]model.APIToken{}
	for _, t := range list {
		byID[t.ID] = t
	}
	if t := byID[expiring.ID]; !sameTime(t.ExpiresAt, expires) {
		e.t.Errorf("APITokens: the expiring token = %+v, want expires_at %v", t, ms(expires))
	}
	if t, ok := byID[lasting.ID]; !ok || t.ExpiresAt != nil {
		e.t.Errorf("APITokens: the lasting token = %+v, want no expires_at", t)
	}
	owners, err := e.s.APITokens(e.ctx, "")
	e.must(err)
	if len(owners) != 1 || !sameTime(owners[0].ExpiresAt, *owner.ExpiresAt) {
		e.t.Errorf("owner APITokens = %+v", owners)
	}

	// The token works up to its last millisecond, and not from ExpiresAt on.
	lastGood := ms(expires).Add(-time.Millisecond)
	for _, tc := range []struct {
		name  string
		hash  []byte
		at    time.Time
		found bool
	}{
		{"expiring, a millisecond before", hash("expiring"), lastGood, true},
		{"expiring, at its expires_at", hash("expiring"), ms(expires), false},
		{"expiring, at expires_at's nanoseconds", hash("expiring"), expires, false},
		{"expiring, a year later", hash("expiring"), expires.Add(365 * 24 * time.Hour), false},
		{"lasting, ten years later", hash("lasting"), created.Add(10 * 365 * 24 * time.Hour), true},
		{"owner, within its day", hash("owner"), created.Add(23 * time.Hour), true},
		{"owner, after its day", hash("owner"), created.Add(25 * time.Hour), false},
	} {
		got, err := e.s.APITokenByHash(e.ctx, tc.hash, tc.at)
		switch {
		case tc.found && err != nil:
			e.t.Errorf("%s: %v, want the token", tc.name, err)
		case !tc.found && model.ErrorCode(err) != model.CodeNotFound:
			e.t.Errorf("%s: %+v, %v, want not_found", tc.name, got, err)
		}
	}

	// A refused use is not recorded: last_used_at is the last one that worked.
	list, err = e.s.APITokens(e.ctx, w.ID)
	e.must(err)
	for _, t := range list {
		if t.ID == expiring.ID && !sameTime(t.LastUsedAt, lastGood) {
			e.t.Errorf("expired token's last_used_at = %v, want %v", t.LastUsedAt, lastGood)
		}
	}

	// Revoked and expired is still not found; revoking an expired token works.
	e.must(e.s.RevokeAPIToken(e.ctx, expiring.ID, expires.Add(time.Minute), nil))
	if _, err := e.s.APITokenByHash(e.ctx, hash("expiring"), expires.Add(2*time.Minute)); model.ErrorCode(err) != model.CodeNotFound {
		e.t.Errorf("revoked, expired token: %v, want not_found", err)
	}
}
