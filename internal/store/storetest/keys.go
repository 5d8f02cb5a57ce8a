package storetest

import (
	"bytes"
	"errors"
	"slices"
	"time"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/verify"
)

func testKeys(e *env) {
	w, other := e.workspace(), e.workspace()
	a, b, c := e.app(w), e.app(w), e.app(other)

	used, retires := e.now.Add(-time.Minute), e.now.Add(time.Hour)
	imported := &model.Key{ID: model.NewID("key"), AppID: a.ID, WorkspaceID: w.ID, Sealed: []byte{0, 1, 2, 255},
		Imported: true, Weak: true, Fingerprint: "ab12cd", CreatedAt: e.tick(), RetiresAt: &retires, LastUsedAt: &used}
	e.must(e.s.CreateKey(e.ctx, imported, nil))
	k2, k3, kc := e.key(a), e.key(b), e.key(c)

	got, err := e.s.Key(e.ctx, imported.ID)
	e.must(err)
	if got.ID != imported.ID || got.AppID != a.ID || got.WorkspaceID != w.ID || !bytes.Equal(got.Sealed, imported.Sealed) ||
		!got.Imported || !got.Weak || got.Fingerprint != "ab12cd" || !got.CreatedAt.Equal(ms(imported.CreatedAt)) ||
		!sameTime(got.RetiresAt, retires) || !sameTime(got.LastUsedAt, used) || got.RevokedAt != nil {
		e.t.Errorf("Key = %+v, want %+v", got, imported)
	}

	appKeys, err := e.s.AppKeys(e.ctx, a.ID)
	e.must(err)
	if ids := keyIDs(appKeys); len(ids) != 2 || ids[0] != imported.ID || ids[1] != k2.ID {
		e.t.Errorf("AppKeys = %v, want [%s %s]", ids, imported.ID, k2.ID)
	}
	wsKeys, err := e.s.WorkspaceKeys(e.ctx, w.ID)
	e.must(err)
	if ids := keyIDs(wsKeys); len(ids) != 3 || ids[0] != imported.ID || ids[1] != k2.ID || ids[2] != k3.ID {
		e.t.Errorf("WorkspaceKeys = %v, want the workspace's three keys, oldest first", ids)
	}

	// RetireKey sets (and may move) the end of the grace period.
	until := e.now.Add(48 * time.Hour)
	e.must(e.s.RetireKey(e.ctx, k2.ID, until, nil))
	got, err = e.s.Key(e.ctx, k2.ID)
	e.must(err)
	if !sameTime(got.RetiresAt, until) || got.State(e.now) != model.KeyRetiring {
		e.t.Errorf("after RetireKey: RetiresAt %v, state %s", got.RetiresAt, got.State(e.now))
	}

	// Every read returns Weak; keys made without it are not weak.
	got, err = e.s.Key(e.ctx, kc.ID)
	e.must(err)
	if got.Weak || got.Imported {
		e.t.Errorf("a key created without Weak or Imported reads back %+v", got)
	}
	for _, l := range [][]model.Key{appKeys, wsKeys} {
		for _, k := range l {
			if k.Weak != (k.ID == imported.ID) {
				e.t.Errorf("listed key %s: Weak %v", k.ID, k.Weak)
			}
		}
	}

	// Revoked keys stay listed, in every state.
	_, err = e.s.RevokeKey(e.ctx, k3.ID, e.tick(), nil)
	e.must(err)
	appKeys, err = e.s.AppKeys(e.ctx, b.ID)
	e.must(err)
	if len(appKeys) != 1 || appKeys[0].State(e.now) != model.KeyRevoked {
		e.t.Errorf("AppKeys after revoking = %+v", appKeys)
	}

	unknown := model.NewID("key")
	for _, tc := range []struct {
		name string
		err  error
		code model.Code
	}{
		{"Key of an unknown id", func() error { _, err := e.s.Key(e.ctx, unknown); return err }(), model.CodeNotFound},
		{"CreateKey for an unknown app", e.s.CreateKey(e.ctx, &model.Key{ID: model.NewID("key"), AppID: model.NewID("app"),
			WorkspaceID: w.ID, Sealed: []byte{1}, CreatedAt: t0}, nil), model.CodeNotFound},
		{"CreateKey naming another workspace than its app's", e.s.CreateKey(e.ctx, &model.Key{ID: model.NewID("key"),
			AppID: a.ID, WorkspaceID: other.ID, Sealed: []byte{1}, CreatedAt: t0}, nil), model.CodeNotFound},
		{"CreateKey with a taken id", e.s.CreateKey(e.ctx, k2, nil), model.CodeConflict},
		{"RetireKey of an unknown id", e.s.RetireKey(e.ctx, unknown, until, nil), model.CodeNotFound},
		{"RetireKey of a revoked key", e.s.RetireKey(e.ctx, k3.ID, until, nil), model.CodeConflict},
		{"RevokeKey of an unknown id", func() error { _, err := e.s.RevokeKey(e.ctx, unknown, t0, nil); return err }(), model.CodeNotFound},
	} {
		if got := model.ErrorCode(tc.err); got != tc.code {
			e.t.Errorf("%s: %v (code %q), want %q", tc.name, tc.err, got, tc.code)
		}
	}
	// The refused retirement changed nothing.
	got, err = e.s.Key(e.ctx, k3.ID)
	e.must(err)
	if got.RetiresAt != nil {
		e.t.Errorf("a revoked key was given a retirement: %+v", got)
	}
}

func keyIDs(l []model.Key) []string {
	var ids []string
	for _, k := range l {
		ids = append(ids, k.ID)
	}
	return ids
}

// testRevokeKey: RevokeKey ends exactly the key's live sessions.
func testRevokeKey(e *env) {
	w := e.workspace()
	a, b := e.app(w), e.app(w)
	k1, k2, kb := e.key(a), e.key(a), e.key(b)
	uid := func(v string) model.Identity { return signed(verify.UID, v) }

	live1 := e.login(e.newLogin(a, k1, uid("u1"))).Session
	live2 := e.login(e.newLogin(a, k1, uid("u2"))).Session
	byAdmin := e.login(e.newLogin(a, k1, uid("u3"))).Session
	e.must(e.s.RevokeSession(e.ctx, byAdmin.ID, model.RevokedByAdmin, e.tick(), nil))
	// A session that expires before the revocation is no longer live.
	short := e.newLogin(a, k1, uid("u4"))
	short.Session.ExpiresAt = short.Session.CreatedAt.Add(time.Second)
	expired := e.login(short).Session
	otherKey := e.login(e.newLogin(a, k2, uid("u1"))).Session
	otherApp := e.login(e.newLogin(b, kb, uid("u1"))).Session
	unverified := e.login(e.newLogin(a, nil, claimed(verify.UID, "u1"))).Session

	at := e.tick()
	n, err := e.s.RevokeKey(e.ctx, k1.ID, at, nil)
	e.must(err)
	if n != 2 {
		e.t.Errorf("RevokeKey ended %d sessions, want 2", n)
	}
	for _, tc := range []struct {
		name   string
		id     string
		reason string // "" for a session still live
	}{
		{"live session of the key", live1.ID, model.RevokedByKey},
		{"second live session of the key", live2.ID, model.RevokedByKey},
		{"session ended by an admin before", byAdmin.ID, model.RevokedByAdmin},
		{"expired session of the key", expired.ID, ""},
		{"session of another key of the app", otherKey.ID, ""},
		{"session of another app", otherApp.ID, ""},
		{"unverified session", unverified.ID, ""},
	} {
		s, err := e.s.Session(e.ctx, tc.id)
		e.must(err)
		switch {
		case tc.reason == "" && s.RevokedAt != nil:
			e.t.Errorf("%s: ended (%s), want untouched", tc.name, s.RevokeReason)
		case tc.reason != "" && (s.RevokedAt == nil || s.RevokeReason != tc.reason):
			e.t.Errorf("%s: revoked at %v for %q, want %q", tc.name, s.RevokedAt, s.RevokeReason, tc.reason)
		case tc.reason == model.RevokedByKey && !sameTime(s.RevokedAt, at):
			e.t.Errorf("%s: revoked at %v, want %v", tc.name, s.RevokedAt, ms(at))
		}
	}
	k, err := e.s.Key(e.ctx, k1.ID)
	e.must(err)
	if !sameTime(k.RevokedAt, at) {
		e.t.Errorf("key revoked at %v, want %v", k.RevokedAt, ms(at))
	}

	// Revoking again ends nothing and keeps the first time.
	n, err = e.s.RevokeKey(e.ctx, k1.ID, e.tick(), nil)
	e.must(err)
	k, _ = e.s.Key(e.ctx, k1.ID)
	if n != 0 || !sameTime(k.RevokedAt, at) {
		e.t.Errorf("second RevokeKey: ended %d, revoked at %v; want 0 and %v", n, k.RevokedAt, ms(at))
	}

	// A login through the revoked key is refused and writes nothing.
	before := e.count(w)
	_, err = e.s.Login(e.ctx, e.newLogin(a, k1, uid("u9")))
	e.wantCode(err, model.CodeConflict)
	if after := e.count(w); after != before {
		e.t.Errorf("a login with a revoked key wrote: %+v, then %+v", before, after)
	}
}

// testResealKeys: ResealKeys rewrites every key's sealed secret, and only
// that, in one transaction: all keys or none.
func testResealKeys(e *env) {
	// No keys: nothing to do.
	n, err := e.s.ResealKeys(e.ctx, func(k *model.Key) ([]byte, error) {
		e.t.Errorf("reseal called for %s on an empty store", k.ID)
		return nil, nil
	})
	if err != nil || n != 0 {
		e.t.Errorf("ResealKeys on an empty store: %d, %v", n, err)
	}

	w, other := e.workspace(), e.workspace()
	a, b := e.app(w), e.app(other)
	k1, k2 := e.key(a), e.key(b)
	weak := &model.Key{ID: model.NewID("key"), AppID: a.ID, WorkspaceID: w.ID, Sealed: random(48), Imported: true,
		Weak: true, Fingerprint: "fp-weak", CreatedAt: e.tick()}
	e.must(e.s.CreateKey(e.ctx, weak, nil))
	revoked := e.key(a)
	_, err = e.s.RevokeKey(e.ctx, revoked.ID, e.tick(), nil)
	e.must(err)
	snapshot := func() map[string]model.Key {
		e.t.Helper()
		m := map[string]model.Key{}
		for _, ws := range []string{w.ID, other.ID} {
			l, err := e.s.WorkspaceKeys(e.ctx, ws)
			e.must(err)
			for _, k := range l {
				m[k.ID] = k
			}
		}
		return m
	}
	unchanged := func(what string, before map[string]model.Key) {
		e.t.Helper()
		for id, k := range snapshot() {
			if !bytes.Equal(k.Sealed, before[id].Sealed) {
				e.t.Errorf("%s: key %s was resealed", what, id)
			}
		}
	}
	before := snapshot()
	if len(before) != 4 {
		e.t.Fatalf("%d keys, want 4", len(before))
	}
	newSealed := func(k *model.Key) []byte { return append([]byte("new:"), k.Sealed...) }

	// An error on the second key rolls back the first, and is returned.
	errBoom := errors.New("the new master key is gone")
	var calls []string
	n, err = e.s.ResealKeys(e.ctx, func(k *model.Key) ([]byte, error) {
		calls = append(calls, k.ID)
		if len(calls) == 2 {
			return nil, errBoom
		}
		return newSealed(k), nil
	})
	if !errors.Is(err, errBoom) || n != 0 {
		e.t.Errorf("ResealKeys with a failing reseal: %d, %v; want 0 and the reseal's error", n, err)
	}
	if len(calls) != 2 {
		e.t.Errorf("reseal was called for %v, want it to stop at the second key", calls)
	}
	unchanged("after a failed reseal", before)

	// So does an empty secret, which would destroy the key.
	n, err = e.s.ResealKeys(e.ctx, func(k *model.Key) ([]byte, error) {
		if k.ID == revoked.ID {
			return []byte{}, nil
		}
		return newSealed(k), nil
	})
	if model.ErrorCode(err) != model.CodeInvalid || n != 0 {
		e.t.Errorf("ResealKeys giving an empty secret: %d, %v; want invalid_request", n, err)
	}
	unchanged("after an empty secret", before)

	// nil, or the same bytes, leaves a key as it is; every other key, in
	// every state, is resealed, and nothing else about it changes.
	calls = nil
	n, err = e.s.ResealKeys(e.ctx, func(k *model.Key) ([]byte, error) {
		calls = append(calls, k.ID)
		want := before[k.ID]
		if !bytes.Equal(k.Sealed, want.Sealed) || k.Weak != want.Weak || k.Fingerprint != want.Fingerprint {
			e.t.Errorf("reseal was given %+v, want the stored key %+v", k, want)
		}
		switch k.ID {
		case k2.ID:
			return nil, nil
		case weak.ID:
			return bytes.Clone(k.Sealed), nil
		}
		return newSealed(k), nil
	})
	e.must(err)
	if n != 2 {
		e.t.Errorf("ResealKeys changed %d keys, want 2", n)
	}
	if want := []string{k1.ID, k2.ID, weak.ID, revoked.ID}; !slices.Equal(calls, want) {
		e.t.Errorf("reseal was called for %v, want every key once, oldest first: %v", calls, want)
	}
	after := snapshot()
	for id, k := range after {
		want := before[id]
		if id == k1.ID || id == revoked.ID {
			want.Sealed = newSealed(&want)
		}
		if !bytes.Equal(k.Sealed, want.Sealed) || k.Weak != want.Weak || k.Imported != want.Imported ||
			k.Fingerprint != want.Fingerprint || !k.CreatedAt.Equal(want.CreatedAt) || k.State(e.now) != want.State(e.now) {
			e.t.Errorf("after ResealKeys: key %+v, want %+v", k, want)
		}
	}
}
