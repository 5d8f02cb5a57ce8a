package storetest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/signet-id/signet/internal/login/resolution"
	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/store"
	"github.com/signet-id/signet/verify"
)

// BenchmarkReturningLogins measures the store's side of returning verified
// logins (a uid signed, an email claimed, the holder read first as the
// login service does), written by 64 concurrent callers so that they share
// commits: what the group commit costs per login, without HTTP.
func BenchmarkReturningLogins(b *testing.B, s store.Store) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	w := &model.Workspace{ID: model.NewID("ws"), Name: "bench", CreatedAt: now}
	a := &model.App{ID: model.NewID("app"), WorkspaceID: w.ID, Name: "web", Platform: model.PlatformWeb,
		Profile: verify.Intercom, Enforcement: model.EnforcementEnforce, OnFailure: model.OnFailureReject, CreatedAt: now, UpdatedAt: now}
	k := &model.Key{ID: model.NewID("key"), AppID: a.ID, WorkspaceID: w.ID, Sealed: random(48), Fingerprint: "fp", CreatedAt: now}
	for _, err := range []error{s.CreateWorkspace(ctx, w, nil), s.CreateApp(ctx, a, nil), s.CreateKey(ctx, k, nil)} {
		if err != nil {
			b.Fatal(err)
		}
	}
	login := func(uid string, at time.Time, holder *model.User) *store.Login {
		l := &store.Login{WorkspaceID: w.ID, AppID: a.ID, Holder: holder, Resolve: resolution.Resolve, Identities: []model.Identity{
			{Type: verify.UID, Value: uid, Verified: true}, {Type: verify.Email, Value: uid + "@example.com"}}}
		l.Session = model.Session{ID: model.NewID("ses"), WorkspaceID: w.ID, AppID: a.ID, TokenHash: random(32), KeyID: k.ID,
			Verified: true, SignedFields: []string{"uid"}, DeviceID: "device-" + uid, AppVersion: "4.2.0", CreatedAt: at, ExpiresAt: at.Add(720 * time.Hour)}
		l.Attempt = model.Attempt{ID: model.NewID("att"), WorkspaceID: w.ID, AppID: a.ID, Platform: a.Platform, Profile: a.Profile,
			AppVersion: "4.2.0", Result: model.ResultVerified, KeyID: k.ID, At: at}
		return l
	}
	const users = 2000
	for i := range users {
		if _, err := s.Login(ctx, login(fmt.Sprintf("user-%05d", i), now, nil)); err != nil {
			b.Fatal(err)
		}
	}
	var next atomic.Int64
	b.SetParallelism(32)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			uid := fmt.Sprintf("user-%05d", next.Add(1)%users)
			h, err := s.VerifiedUser(ctx, w.ID, verify.UID, uid)
			if err != nil {
				b.Error(err)
				return
			}
			if _, err := s.Login(ctx, login(uid, now.Add(time.Minute), h)); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "logins/s")
}
