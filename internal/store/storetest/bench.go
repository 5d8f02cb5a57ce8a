package storetest

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
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
		l.Session = model.Session{ID: model.NewOrderedID("ses", time.Now()), WorkspaceID: w.ID, AppID: a.ID, TokenHash: random(32), KeyID: k.ID,
			Verified: true, SignedFields: []string{"uid"}, DeviceID: "device-" + uid, AppVersion: "4.2.0", CreatedAt: at, ExpiresAt: at.Add(720 * time.Hour)}
		l.Attempt = model.Attempt{ID: model.NewOrderedID("att", time.Now()), WorkspaceID: w.ID, AppID: a.ID, Platform: a.Platform, Profile: a.Profile,
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
	cpu, written := ProcessCPU(), processWritten()
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
	// CPU time per login (user and system, every thread of the process):
	// on a machine whose cores are shared, steadier than the wall clock.
	b.ReportMetric(float64((ProcessCPU()-cpu).Microseconds())/float64(b.N), "cpu-µs/login")
	// Bytes handed to write(2) per login (on SQLite, the WAL frames of the
	// pages a login dirties): whatever the machine is doing, the same.
	if written >= 0 {
		b.ReportMetric(float64(processWritten()-written)/float64(b.N), "written-B/login")
	}
}

// processWritten is how many bytes this process has passed to write
// calls so far (Linux's /proc/self/io), or -1.
func processWritten() int64 {
	raw, err := os.ReadFile("/proc/self/io")
	if err != nil {
		return -1
	}
	for line := range strings.Lines(string(raw)) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "wchar: "); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return -1
			}
			return n
		}
	}
	return -1
}

// ProcessCPU is the CPU time this process has used so far, in every
// thread: benchmarks report it per operation.
func ProcessCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
