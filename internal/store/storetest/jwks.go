package storetest

import (
	"time"

	"github.com/signet-id/signet/internal/model"
)

// testPublicKeys: a key's algorithm and kid are stored and read back; an
// app's JWKS URL too; keys made without an algorithm read back as HS256.
func testPublicKeys(e *env) {
	w := e.workspace()
	a := e.app(w)
	secret := e.key(a)
	pub := &model.Key{ID: model.NewID("key"), AppID: a.ID, WorkspaceID: w.ID, Sealed: random(48),
		Fingerprint: "fp-pub", CreatedAt: e.tick(), Algorithm: "ES256"}
	e.must(e.s.CreateKey(e.ctx, pub, nil))
	got, err := e.s.Key(e.ctx, pub.ID)
	e.must(err)
	if got.Algorithm != "ES256" || got.Kid != "" || !got.IsPublicKey() {
		e.t.Errorf("public key reads back %+v", got)
	}
	got, err = e.s.Key(e.ctx, secret.ID)
	e.must(err)
	if got.Algorithm != "HS256" || got.IsPublicKey() {
		e.t.Errorf("a key made without an algorithm reads back %q", got.Algorithm)
	}

	a.JWKSURL = "https://brand.example/jwks.json"
	a.UpdatedAt = e.tick()
	e.must(e.s.UpdateApp(e.ctx, a, nil))
	ga, err := e.s.App(e.ctx, a.ID)
	e.must(err)
	if ga.JWKSURL != a.JWKSURL {
		e.t.Errorf("JWKSURL = %q", ga.JWKSURL)
	}
	apps, err := e.s.Apps(e.ctx, w.ID)
	e.must(err)
	if len(apps) != 1 || apps[0].JWKSURL != a.JWKSURL {
		e.t.Errorf("Apps: %+v", apps)
	}
}

// testSyncJWKS: a fetched set's keys are added, a dropped one stops
// verifying at the fetch, one listed again is active again, a revoked one
// stays revoked; the fetch's record reads back; a failure is recorded
// without touching keys.
func testSyncJWKS(e *env) {
	w := e.workspace()
	a := e.app(w)
	own := e.key(a) // a key made here is never touched by a sync
	jwk := func(kid, fp string) model.Key {
		return model.Key{ID: model.NewID("key"), AppID: a.ID, WorkspaceID: w.ID, Sealed: random(48),
			Fingerprint: fp, CreatedAt: e.tick(), Algorithm: "EdDSA", Kid: kid}
	}
	_, err := e.s.JWKSFetch(e.ctx, a.ID)
	e.wantCode(err, model.CodeNotFound)

	fetch := func(keys int) *model.JWKSFetch {
		at := e.tick()
		return &model.JWKSFetch{AppID: a.ID, URL: "https://brand.example/jwks.json", FetchedAt: &at, CheckedAt: at, KeyCount: keys}
	}
	k1, k2 := jwk("2026-11", "fp1"), jwk("2026-12", "fp2")
	changed, err := e.s.SyncJWKS(e.ctx, a.ID, []model.Key{k1, k2}, fetch(2))
	e.must(err)
	if !changed {
		e.t.Error("a first set changed nothing")
	}
	// The same set again: nothing changes (new ids are not inserted).
	changed, err = e.s.SyncJWKS(e.ctx, a.ID, []model.Key{jwk("2026-11", "fp1"), jwk("2026-12", "fp2")}, fetch(2))
	e.must(err)
	if changed {
		e.t.Error("the same set changed keys")
	}
	byKid := func() map[string][]model.Key {
		keys, err := e.s.AppKeys(e.ctx, a.ID)
		e.must(err)
		m := map[string][]model.Key{}
		for _, k := range keys {
			m[k.Kid] = append(m[k.Kid], k)
		}
		return m
	}
	m := byKid()
	if len(m["2026-11"]) != 1 || len(m["2026-12"]) != 1 || len(m[""]) != 1 || m[""][0].ID != own.ID ||
		m["2026-11"][0].Algorithm != "EdDSA" || m["2026-11"][0].ID != k1.ID {
		e.t.Fatalf("after the first sync: %+v", m)
	}

	// 2026-11 dropped, 2027-01 added.
	f := fetch(2)
	changed, err = e.s.SyncJWKS(e.ctx, a.ID, []model.Key{jwk("2026-12", "fp2"), jwk("2027-01", "fp3")}, f)
	e.must(err)
	m = byKid()
	if !changed || len(m["2027-01"]) != 1 || !sameTime(m["2026-11"][0].RetiresAt, f.CheckedAt) ||
		m["2026-11"][0].State(f.CheckedAt) != model.KeyRetired || m["2026-12"][0].RetiresAt != nil || m[""][0].RetiresAt != nil {
		e.t.Fatalf("after a rotation: changed %v, %+v", changed, m)
	}
	// The same kid with another key: a new key, the old one dropped.
	changed, err = e.s.SyncJWKS(e.ctx, a.ID, []model.Key{jwk("2026-12", "fp2b"), jwk("2027-01", "fp3")}, fetch(2))
	e.must(err)
	m = byKid()
	if !changed || len(m["2026-12"]) != 2 {
		e.t.Fatalf("a replaced kid: %+v", m["2026-12"])
	}
	// 2026-11 listed again: active again. 2027-01 revoked, then listed: stays revoked.
	_, err = e.s.RevokeKey(e.ctx, m["2027-01"][0].ID, e.tick(), nil)
	e.must(err)
	_, err = e.s.SyncJWKS(e.ctx, a.ID, []model.Key{jwk("2026-11", "fp1"), jwk("2026-12", "fp2b"), jwk("2027-01", "fp3")}, fetch(3))
	e.must(err)
	m = byKid()
	if m["2026-11"][0].RetiresAt != nil || m["2027-01"][0].RevokedAt == nil || len(m["2027-01"]) != 1 {
		e.t.Fatalf("listed again: %+v", m)
	}

	// A failure is recorded; keys stay.
	last := fetch(3)
	e.must(e.s.RecordJWKSFetch(e.ctx, last))
	held, err := e.s.AppKeys(e.ctx, a.ID)
	e.must(err)
	before := len(held)
	failedAt := e.tick()
	e.must(e.s.RecordJWKSFetch(e.ctx, &model.JWKSFetch{AppID: a.ID, URL: last.URL, FetchedAt: last.FetchedAt, CheckedAt: failedAt,
		Error: "the JWKS is not a JSON object", Failures: 2, KeyCount: 3}))
	got, err := e.s.JWKSFetch(e.ctx, a.ID)
	e.must(err)
	if got.Error != "the JWKS is not a JSON object" || got.Failures != 2 || got.KeyCount != 3 || !sameTime(got.FetchedAt, *last.FetchedAt) ||
		!got.CheckedAt.Equal(ms(failedAt)) || got.URL != last.URL {
		e.t.Errorf("JWKSFetch = %+v", got)
	}
	keys, err := e.s.AppKeys(e.ctx, a.ID)
	e.must(err)
	if len(keys) != before {
		e.t.Errorf("a failure changed the keys: %d, was %d", len(keys), before)
	}
	_, err = e.s.SyncJWKS(e.ctx, model.NewID("app"), nil, &model.JWKSFetch{AppID: "x", CheckedAt: time.Now()})
	e.wantCode(err, model.CodeNotFound)
}
