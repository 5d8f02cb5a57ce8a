package storetest

import (
	"bytes"
	"database/sql"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/store"
	"github.com/signet-id/signet/verify"
)

// testLogin checks store.Login's user-resolution rules, one scenario per
// subtest, each in a workspace of its own.
func testLogin(e *env) {
	scenarios := []struct {
		name string
		fn   func(e *env, w *model.Workspace, a *model.App, k *model.Key)
	}{
		{"what a login writes", loginWrites},
		{"anonymous: a new user each time, no identities", loginAnonymous},
		{"claims only: a new user each time", loginClaimsOnly},
		{"verified uid: the same user again, through any app of the workspace", loginVerifiedUID},
		{"the same uid in another workspace is another user", loginOtherWorkspace},
		{"verified email without uid: its holder", loginVerifiedEmail},
		{"new uid with an email held by a user without uid: links", loginLinks},
		{"new uid with an email held by a user with a uid: conflict, kept as claim", loginConflict},
		{"claims never find a user", loginClaimsNeverFind},
		{"a claim never changes a verified identity", loginClaimKeepsVerified},
		{"re-login refreshes the identity and the name", loginRefreshes},
		{"other verified identities name their holder", loginOtherTypes},
		{"duplicate identities in one login", loginDuplicates},
		{"a login's parts must agree", loginMismatch},
	}
	for _, sc := range scenarios {
		e.t.Run(sc.name, func(t *testing.T) {
			e := e.sub(t)
			w := e.workspace()
			a := e.app(w)
			sc.fn(e, w, a, e.key(a))
		})
	}
}

func loginWrites(e *env, w *model.Workspace, a *model.App, k *model.Key) {
	l := e.newLogin(a, k, signed(verify.UID, "u1"), claimed(verify.PhoneNumber, "+15550100"))
	l.Name = "Ada"
	out := e.login(l)

	if out.User.ID == "" || out.User.WorkspaceID != w.ID || out.User.Anonymous || out.User.Name != "Ada" ||
		!out.User.CreatedAt.Equal(ms(l.Session.CreatedAt)) {
		e.t.Errorf("User = %+v", out.User)
	}
	if out.Session.UserID != out.User.ID || l.Session.UserID != out.User.ID || l.Attempt.UserID != out.User.ID {
		e.t.Errorf("session user %q, login's session %q and attempt %q, want %q",
			out.Session.UserID, l.Session.UserID, l.Attempt.UserID, out.User.ID)
	}
	if len(out.Conflicts) != 0 {
		e.t.Errorf("Conflicts = %+v", out.Conflicts)
	}
	uid, ok := identity(&out.User, verify.UID, "u1")
	if !ok || !uid.Verified || uid.AppID != a.ID || uid.KeyID != k.ID || !uid.SeenAt.Equal(ms(l.Session.CreatedAt)) ||
		!sameTime(uid.VerifiedAt, l.Session.CreatedAt) {
		e.t.Errorf("uid identity = %+v", uid)
	}
	phone, ok := identity(&out.User, verify.PhoneNumber, "+15550100")
	if !ok || phone.Verified || phone.KeyID != "" || phone.VerifiedAt != nil || phone.AppID != a.ID {
		e.t.Errorf("claimed phone = %+v", phone)
	}

	// Everything is readable back: the session by its token, with
	// every field; the attempt with its user; the key marked used.
	s, err := e.s.SessionByToken(e.ctx, l.Session.ID, l.Session.TokenHash)
	e.must(err)
	want := l.Session
	want.CreatedAt, want.ExpiresAt = ms(want.CreatedAt), ms(want.ExpiresAt)
	if s.ID != want.ID || s.WorkspaceID != w.ID || s.AppID != a.ID || s.UserID != out.User.ID ||
		!bytes.Equal(s.TokenHash, want.TokenHash) || s.KeyID != k.ID || !s.Verified || s.Anonymous ||
		fmt.Sprint(s.SignedFields) != "[user_id]" || s.DeviceID != "device-1" || s.AppVersion != "1.2.3" ||
		!s.CreatedAt.Equal(want.CreatedAt) || !s.ExpiresAt.Equal(want.ExpiresAt) || s.RevokedAt != nil || s.RevokeReason != "" {
		e.t.Errorf("SessionByToken =\n %+v, want\n %+v", s, want)
	}
	attempts, err := e.s.Attempts(e.ctx, w.ID, model.AttemptFilter{})
	e.must(err)
	if len(attempts) != 1 || attempts[0].ID != l.Attempt.ID || attempts[0].UserID != out.User.ID {
		e.t.Errorf("Attempts = %+v", attempts)
	}
	key, err := e.s.Key(e.ctx, k.ID)
	e.must(err)
	if !sameTime(key.LastUsedAt, l.Session.CreatedAt) {
		e.t.Errorf("key last used %v, want %v", key.LastUsedAt, ms(l.Session.CreatedAt))
	}
	u, err := e.s.User(e.ctx, out.User.ID)
	e.must(err)
	if u.Name != "Ada" || len(u.Identities) != 2 {
		e.t.Errorf("User = %+v", u)
	}
}

func loginAnonymous(e *env, w *model.Workspace, a *model.App, k *model.Key) {
	first := e.login(e.newLogin(a, nil))
	l := e.newLogin(a, nil)
	// Identities sent with an anonymous login are not stored.
	l.Identities = []model.Identity{claimed(verify.Email, "x@example.com")}
	second := e.login(l)
	for _, out := range []*store.LoginOutcome{first, second} {
		if !out.User.Anonymous || len(out.User.Identities) != 0 || !out.Session.Anonymous {
			e.t.Errorf("anonymous login: user %+v, session anonymous %v", out.User, out.Session.Anonymous)
		}
	}
	if first.User.ID == second.User.ID {
		e.t.Error("two anonymous logins share a user")
	}
}

func loginClaimsOnly(e *env, w *model.Workspace, a *model.App, k *model.Key) {
	ids := []model.Identity{claimed(verify.UID, "u1"), claimed(verify.Email, "x@example.com")}
	first := e.login(e.newLogin(a, nil, ids...))
	second := e.login(e.newLogin(a, nil, ids...))
	if first.User.ID == second.User.ID {
		e.t.Error("two logins with the same claims share a user")
	}
	for _, out := range []*store.LoginOutcome{first, second} {
		if len(out.User.Identities) != 2 || out.User.Identities[0].Verified || out.User.Identities[1].Verified ||
			out.User.Anonymous || out.Session.Verified {
			e.t.Errorf("claims-only user = %+v", out.User)
		}
	}
}

func loginVerifiedUID(e *env, w *model.Workspace, a *model.App, k *model.Key) {
	first := e.login(e.newLogin(a, k, signed(verify.UID, "u1")))
	again := e.login(e.newLogin(a, k, signed(verify.UID, "u1")))
	b := e.app(w)
	kb := e.key(b)
	viaOtherApp := e.login(e.newLogin(b, kb, signed(verify.UID, "u1")))
	if again.User.ID != first.User.ID || viaOtherApp.User.ID != first.User.ID {
		e.t.Errorf("users %s, %s, %s: want one", first.User.ID, again.User.ID, viaOtherApp.User.ID)
	}
	if c := e.count(w); c.users != 1 || c.identities != 1 || c.sessions != 3 || c.conflicts != 0 {
		e.t.Errorf("counts = %+v", c)
	}
	// The identity says through which app and key it was last verified.
	uid, _ := identity(&viaOtherApp.User, verify.UID, "u1")
	if uid.AppID != b.ID || uid.KeyID != kb.ID {
		e.t.Errorf("uid verified last through %s/%s, want %s/%s", uid.AppID, uid.KeyID, b.ID, kb.ID)
	}
}

func loginOtherWorkspace(e *env, w *model.Workspace, a *model.App, k *model.Key) {
	here := e.login(e.newLogin(a, k, signed(verify.UID, "u1")))
	b := e.app(e.workspace())
	there := e.login(e.newLogin(b, e.key(b), signed(verify.UID, "u1")))
	if here.User.ID == there.User.ID || there.User.WorkspaceID != b.WorkspaceID {
		e.t.Errorf("users %+v and %+v: want two, one per workspace", here.User, there.User)
	}
	if len(here.Conflicts)+len(there.Conflicts) != 0 {
		e.t.Error("a uid in two workspaces was taken for a conflict")
	}
}

func loginVerifiedEmail(e *env, w *model.Workspace, a *model.App, k *model.Key) {
	first := e.login(e.newLogin(a, k, signed(verify.Email, "x@example.com")))
	again := e.login(e.newLogin(a, k, signed(verify.Email, "x@example.com"), claimed(verify.UID, "claimed-uid")))
	if again.User.ID != first.User.ID {
		e.t.Errorf("a verified email found %s, want its holder %s", again.User.ID, first.User.ID)
	}
}

func loginLinks(e *env, w *model.Workspace, a *model.App, k *model.Key) {
	holder := e.login(e.newLogin(a, k, signed(verify.Email, "x@example.com")))
	linked := e.login(e.newLogin(a, k, signed(verify.UID, "u1"), signed(verify.Email, "x@example.com")))
	if linked.User.ID != holder.User.ID {
		e.t.Fatalf("a new uid with the email of a user without uid made user %s, want %s", linked.User.ID, holder.User.ID)
	}
	for _, want := range []model.Identity{signed(verify.UID, "u1"), signed(verify.Email, "x@example.com")} {
		if id, ok := identity(&linked.User, want.Type, want.Value); !ok || !id.Verified {
			e.t.Errorf("linked user lacks verified %s %s: %+v", want.Type, want.Value, linked.User.Identities)
		}
	}
	// From now on the uid alone finds the user.
	if byUID := e.login(e.newLogin(a, k, signed(verify.UID, "u1"))); byUID.User.ID != holder.User.ID {
		e.t.Errorf("the linked uid found %s, want %s", byUID.User.ID, holder.User.ID)
	}
	if c := e.count(w); c.users != 1 || c.conflicts != 0 {
		e.t.Errorf("counts = %+v", c)
	}
}

func loginConflict(e *env, w *model.Workspace, a *model.App, k *model.Key) {
	email := signed(verify.Email, "x@example.com")
	email.Metadata = map[string]string{"source": "second"}
	holder := e.login(e.newLogin(a, k, signed(verify.UID, "u1"), signed(verify.Email, "x@example.com")))
	l := e.newLogin(a, k, signed(verify.UID, "u2"), email)
	claimant := e.login(l)

	if claimant.User.ID == holder.User.ID {
		e.t.Fatal("a second uid with a taken email was merged into the holder")
	}
	want := model.IdentityConflict{WorkspaceID: w.ID, Type: verify.Email, Value: "x@example.com",
		HolderID: holder.User.ID, ClaimantID: claimant.User.ID, AppID: a.ID, At: ms(l.Session.CreatedAt)}
	if len(claimant.Conflicts) != 1 || claimant.Conflicts[0].HolderID != want.HolderID ||
		claimant.Conflicts[0].ClaimantID != want.ClaimantID {
		e.t.Errorf("outcome conflicts = %+v, want %+v", claimant.Conflicts, want)
	}
	recorded, err := e.s.Conflicts(e.ctx, w.ID)
	e.must(err)
	if len(recorded) != 1 || recorded[0] != want {
		e.t.Errorf("Conflicts =\n %+v, want\n %+v", recorded, want)
	}
	// The claimant keeps the value as a claim; the holder keeps it verified.
	if id, ok := identity(&claimant.User, verify.Email, "x@example.com"); !ok || id.Verified || id.VerifiedAt != nil || id.KeyID != "" {
		e.t.Errorf("claimant's email = %+v, %v; want a claim", id, ok)
	}
	if id, ok := identity(&claimant.User, verify.UID, "u2"); !ok || !id.Verified {
		e.t.Errorf("claimant's uid = %+v, want verified", id)
	}
	h, err := e.s.User(e.ctx, holder.User.ID)
	e.must(err)
	if id, ok := identity(h, verify.Email, "x@example.com"); !ok || !id.Verified || id.Metadata != nil {
		e.t.Errorf("holder's email = %+v, want verified and unchanged", id)
	}
	// The same login again finds the claimant by its uid and records the
	// conflict again, still without merging.
	again := e.login(e.newLogin(a, k, signed(verify.UID, "u2"), signed(verify.Email, "x@example.com")))
	if again.User.ID != claimant.User.ID || len(again.Conflicts) != 1 {
		e.t.Errorf("again: user %s with %d conflicts, want %s with 1", again.User.ID, len(again.Conflicts), claimant.User.ID)
	}
	recorded, err = e.s.Conflicts(e.ctx, w.ID)
	e.must(err)
	if len(recorded) != 2 || !recorded[0].At.After(recorded[1].At) {
		e.t.Errorf("Conflicts = %+v, want two, newest first", recorded)
	}
}

func loginClaimsNeverFind(e *env, w *model.Workspace, a *model.App, k *model.Key) {
	claimant := e.login(e.newLogin(a, nil, claimed(verify.Email, "x@example.com"), claimed(verify.UID, "u1")))
	// A verified email (or uid) that someone only claimed names a new user.
	owner := e.login(e.newLogin(a, k, signed(verify.Email, "x@example.com")))
	if owner.User.ID == claimant.User.ID {
		e.t.Error("a claimed email was used to find the user for a verified one")
	}
	byUID := e.login(e.newLogin(a, k, signed(verify.UID, "u1")))
	if byUID.User.ID == claimant.User.ID || byUID.User.ID == owner.User.ID {
		e.t.Error("a claimed uid was used to find the user for a verified one")
	}
	// A claim of a verified value does not reach its holder either.
	again := e.login(e.newLogin(a, nil, claimed(verify.Email, "x@example.com")))
	if again.User.ID == owner.User.ID || again.User.ID == claimant.User.ID {
		e.t.Error("a claim found a user")
	}
	if len(owner.Conflicts)+len(byUID.Conflicts)+len(again.Conflicts) != 0 {
		e.t.Error("a claim was taken for a conflict")
	}
	c, err := e.s.User(e.ctx, claimant.User.ID)
	e.must(err)
	if id, ok := identity(c, verify.Email, "x@example.com"); !ok || id.Verified {
		e.t.Errorf("the claimant's claim became %+v", id)
	}
}

func loginClaimKeepsVerified(e *env, w *model.Workspace, a *model.App, k *model.Key) {
	email := signed(verify.Email, "x@example.com")
	email.Metadata = map[string]string{"plan": "gold"}
	first := e.login(e.newLogin(a, k, signed(verify.UID, "u1"), email))
	forged := claimed(verify.Email, "x@example.com")
	forged.Metadata = map[string]string{"plan": "free"}
	l := e.newLogin(a, k, signed(verify.UID, "u1"), forged)
	out := e.login(l)
	id, ok := identity(&out.User, verify.Email, "x@example.com")
	if out.User.ID != first.User.ID || !ok || !id.Verified || id.Metadata["plan"] != "gold" ||
		!sameTime(id.VerifiedAt, first.Session.CreatedAt) || !id.SeenAt.Equal(ms(l.Session.CreatedAt)) {
		e.t.Errorf("after a claim of a verified email: %+v", id)
	}
}

func loginRefreshes(e *env, w *model.Workspace, a *model.App, k *model.Key) {
	uid := signed(verify.UID, "u1")
	uid.Metadata = map[string]string{"tier": "1"}
	first := e.newLogin(a, k, uid)
	first.Name = "Ada"
	e.login(first)

	b := e.app(w)
	kb := e.key(b)
	uid.Metadata = map[string]string{"tier": "2", "region": "eu"}
	second := e.newLogin(b, kb, uid)
	second.Name = "Ada L."
	out := e.login(second)
	id, _ := identity(&out.User, verify.UID, "u1")
	if id.AppID != b.ID || id.KeyID != kb.ID || !maps.Equal(id.Metadata, uid.Metadata) ||
		!sameTime(id.VerifiedAt, second.Session.CreatedAt) || !id.SeenAt.Equal(ms(second.Session.CreatedAt)) {
		e.t.Errorf("refreshed identity = %+v", id)
	}
	if out.User.Name != "Ada L." || !out.User.CreatedAt.Equal(ms(first.Session.CreatedAt)) {
		e.t.Errorf("refreshed user = %+v", out.User)
	}
	// A login without a name keeps the last one.
	third := e.login(e.newLogin(a, k, signed(verify.UID, "u1")))
	if third.User.Name != "Ada L." {
		e.t.Errorf("name = %q after a login without one", third.User.Name)
	}
}

func loginOtherTypes(e *env, w *model.Workspace, a *model.App, k *model.Key) {
	first := e.login(e.newLogin(a, k, signed(verify.PhoneNumber, "+15550100")))
	again := e.login(e.newLogin(a, k, signed(verify.PhoneNumber, "+15550100"), signed(verify.SteamID, "76561197960287930")))
	if again.User.ID != first.User.ID || len(again.Conflicts) != 0 {
		e.t.Errorf("a verified phone number found %s with %d conflicts, want its holder %s", again.User.ID,
			len(again.Conflicts), first.User.ID)
	}
	// The email comes before other types when they name different users.
	byEmail := e.login(e.newLogin(a, k, signed(verify.Email, "x@example.com")))
	both := e.login(e.newLogin(a, k, signed(verify.SteamID, "76561197960287930"), signed(verify.Email, "x@example.com")))
	if both.User.ID != byEmail.User.ID || len(both.Conflicts) != 1 || both.Conflicts[0].Type != verify.SteamID {
		e.t.Errorf("email and steam id of two users: user %s, conflicts %+v; want %s and a steam_id conflict",
			both.User.ID, both.Conflicts, byEmail.User.ID)
	}
}

func loginDuplicates(e *env, w *model.Workspace, a *model.App, k *model.Key) {
	out := e.login(e.newLogin(a, k, claimed(verify.Email, "x@example.com"), signed(verify.UID, "u1"),
		signed(verify.Email, "x@example.com"), signed(verify.UID, "u1")))
	if len(out.User.Identities) != 2 || !out.User.Identities[0].Verified || !out.User.Identities[1].Verified {
		e.t.Errorf("identities = %+v, want uid and email once each, verified", out.User.Identities)
	}
}

func loginMismatch(e *env, w *model.Workspace, a *model.App, k *model.Key) {
	b := e.app(e.workspace())
	for _, tc := range []struct {
		name  string
		spoil func(l *store.Login)
	}{
		{"session of another app", func(l *store.Login) { l.Session.AppID = b.ID }},
		{"attempt of another workspace", func(l *store.Login) { l.Attempt.WorkspaceID = b.WorkspaceID }},
		{"no workspace", func(l *store.Login) { l.WorkspaceID = "" }},
	} {
		l := e.newLogin(a, k, signed(verify.UID, "u1"))
		tc.spoil(l)
		_, err := e.s.Login(e.ctx, l)
		if model.ErrorCode(err) != model.CodeInvalid {
			e.t.Errorf("%s: %v, want invalid_request", tc.name, err)
		}
	}
	if c := e.count(w); c != (counts{}) {
		e.t.Errorf("refused logins wrote %+v", c)
	}
}

// testLoginConcurrent: logins racing with one new uid make exactly one user.
func testLoginConcurrent(e *env) {
	w := e.workspace()
	a := e.app(w)
	k := e.key(a)
	const n = 20
	logins := make([]*store.Login, n)
	for i := range logins {
		logins[i] = e.newLogin(a, k, signed(verify.UID, "racer"), signed(verify.Email, "racer@example.com"))
	}
	users := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i, l := range logins {
		wg.Go(func() {
			out, err := e.s.Login(e.ctx, l)
			if err == nil {
				users[i] = out.User.ID
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			e.t.Errorf("login %d: %v", i, err)
		}
		if users[i] != users[0] {
			e.t.Errorf("login %d made user %s, login 0 user %s", i, users[i], users[0])
		}
	}
	if c := e.count(w); c.users != 1 || c.identities != 2 || c.sessions != n || c.attempts != n || c.conflicts != 0 {
		e.t.Errorf("after %d concurrent logins: %+v, want one user with two identities", n, c)
	}

	// Concurrent logins with different new uids and one email held by a
	// user without uid: one links, the others get new users and conflicts.
	e.login(e.newLogin(a, k, signed(verify.Email, "shared@example.com")))
	for i := range logins {
		logins[i] = e.newLogin(a, k, signed(verify.UID, fmt.Sprintf("uid-%d", i)), signed(verify.Email, "shared@example.com"))
	}
	var linked sync.Map
	for i, l := range logins {
		wg.Go(func() {
			out, err := e.s.Login(e.ctx, l)
			if err != nil {
				e.t.Errorf("login %d: %v", i, err)
				return
			}
			if len(out.Conflicts) == 0 {
				linked.Store(out.User.ID, true)
			}
		})
	}
	wg.Wait()
	holders := 0
	linked.Range(func(any, any) bool { holders++; return true })
	users2, err := e.s.Users(e.ctx, w.ID, model.UserFilter{Identity: "shared@example.com"})
	e.must(err)
	verifiedBy, uids := 0, 0
	for _, u := range users2 {
		if id, ok := identity(&u, verify.Email, "shared@example.com"); ok && id.Verified {
			verifiedBy++
			for _, id := range u.Identities {
				if id.Type == verify.UID && id.Verified {
					uids++
				}
			}
		}
	}
	if holders != 1 || verifiedBy != 1 || uids != 1 {
		e.t.Errorf("%d logins linked, %d users hold the email verified with %d uids; want 1, 1, 1", holders, verifiedBy, uids)
	}
	conflicts, err := e.s.Conflicts(e.ctx, w.ID)
	e.must(err)
	if len(conflicts) != n-1 {
		e.t.Errorf("%d conflicts, want %d", len(conflicts), n-1)
	}
}

// testLoginAtomic: a login that fails midway writes nothing.
func testLoginAtomic(e *env) {
	w := e.workspace()
	a := e.app(w)
	k := e.key(a)
	holder := e.login(e.newLogin(a, k, signed(verify.UID, "u1"), signed(verify.Email, "x@example.com")))
	rejected := &model.Attempt{ID: model.NewID("att"), WorkspaceID: w.ID, AppID: a.ID, Result: model.ResultRejected,
		Reason: verify.ReasonSignatureMismatch, At: e.tick()}
	e.must(e.s.RecordAttempt(e.ctx, rejected))
	before := e.count(w)
	keyBefore, err := e.s.Key(e.ctx, k.ID)
	e.must(err)

	for _, tc := range []struct {
		name  string
		login func() *store.Login
		code  model.Code
	}{
		{"session id already used", func() *store.Login {
			// It would create a user, identities and a conflict first.
			l := e.newLogin(a, k, signed(verify.UID, "u2"), signed(verify.Email, "x@example.com"))
			l.Session.ID = holder.Session.ID
			return l
		}, model.CodeConflict},
		{"session id already used, known user", func() *store.Login {
			l := e.newLogin(a, k, signed(verify.UID, "u1"), claimed(verify.PhoneNumber, "+15550100"))
			l.Session.ID = holder.Session.ID
			return l
		}, model.CodeConflict},
		{"attempt id already used", func() *store.Login {
			l := e.newLogin(a, k, signed(verify.UID, "u3"))
			l.Attempt.ID = rejected.ID
			return l
		}, model.CodeConflict},
		{"unknown app", func() *store.Login {
			l := e.newLogin(a, k, signed(verify.UID, "u4"))
			unknown := model.NewID("app")
			l.AppID, l.Session.AppID, l.Attempt.AppID = unknown, unknown, unknown
			return l
		}, model.CodeNotFound},
		{"unknown key", func() *store.Login {
			l := e.newLogin(a, k, signed(verify.UID, "u5"))
			l.Session.KeyID = model.NewID("key")
			return l
		}, model.CodeNotFound},
	} {
		_, err := e.s.Login(e.ctx, tc.login())
		if got := model.ErrorCode(err); got != tc.code {
			e.t.Errorf("%s: %v (code %q), want %q", tc.name, err, got, tc.code)
		}
		if after := e.count(w); after != before {
			e.t.Errorf("%s: wrote: %+v, then %+v", tc.name, before, after)
		}
	}
	u, err := e.s.User(e.ctx, holder.User.ID)
	e.must(err)
	if len(u.Identities) != 2 || !u.Identities[0].SeenAt.Equal(ms(holder.Session.CreatedAt)) {
		e.t.Errorf("the holder changed: %+v", u.Identities)
	}
	keyAfter, err := e.s.Key(e.ctx, k.ID)
	e.must(err)
	if !keyAfter.LastUsedAt.Equal(*keyBefore.LastUsedAt) {
		e.t.Errorf("key last used moved from %v to %v", keyBefore.LastUsedAt, keyAfter.LastUsedAt)
	}
}

// testHandOver checks store.Login.HandOver: an anonymous session's issues
// move to the verified user who logs in, and only then.
func testHandOver(e *env) {
	scenarios := []struct {
		name string
		fn   func(e *env, w *model.Workspace, a *model.App, k *model.Key)
	}{
		{"moves the issues to the verified user and ends the session", handOverMoves},
		{"to a returning verified user, through another app", handOverReturning},
		{"ignored for a login that is not verified", handOverUnverifiedLogin},
		{"never from a session that is not anonymous", handOverNotAnonymous},
		{"ignored for an expired or ended session", handOverNotLive},
		{"ignored for another workspace's session", handOverOtherWorkspace},
		{"once only", handOverOnce},
		{"a failed login hands nothing over", handOverAtomic},
	}
	for _, sc := range scenarios {
		e.t.Run(sc.name, func(t *testing.T) {
			e := e.sub(t)
			w := e.workspace()
			a := e.app(w)
			sc.fn(e, w, a, e.key(a))
		})
	}
}

// handOverLogin is a verified login of uid asking for anon's issues.
func (e *env) handOverLogin(a *model.App, k *model.Key, uid string, anon *store.LoginOutcome) *store.Login {
	l := e.newLogin(a, k, signed(verify.UID, uid))
	l.HandOver = anon.Session.ID
	return l
}

// wantNotHandedOver checks that a login (out, when it succeeded) moved
// nothing from the session of from, which keeps its issues and its state.
func (e *env) wantNotHandedOver(out *store.LoginOutcome, from *store.LoginOutcome, issues []string) {
	e.t.Helper()
	if out.HandedOver != 0 {
		e.t.Errorf("HandedOver = %d, want 0", out.HandedOver)
	}
	ss, err := e.s.Session(e.ctx, from.Session.ID)
	e.must(err)
	if ss.RevokeReason == model.RevokedByHandOver {
		e.t.Errorf("the session was ended by a hand-over: %+v", ss)
	}
	w := &model.Workspace{ID: from.User.WorkspaceID}
	if got := e.issues(w, model.IssueFilter{UserID: from.User.ID}); !slices.Equal(got, issues) {
		e.t.Errorf("the session's user has issues %v, want %v", got, issues)
	}
	if out.User.ID == "" || out.User.ID == from.User.ID {
		return
	}
	if got := e.issues(&model.Workspace{ID: out.User.WorkspaceID}, model.IssueFilter{UserID: out.User.ID}); got != nil {
		e.t.Errorf("the login's user received %v", got)
	}
}

func handOverMoves(e *env, w *model.Workspace, a *model.App, k *model.Key) {
	anon := e.login(e.newLogin(a, nil))
	i1 := e.issue(anon, "first")
	i2 := e.issue(anon, "second")
	reply := e.reply(anon, i1, "anyone?")
	agent := e.agentReply(i1, "tok_agent", "yes")
	before1, before2 := e.getIssue(i1.ID), e.getIssue(i2.ID)
	otherAnon := e.login(e.newLogin(a, nil))
	untouched := e.issue(otherAnon, "another device")

	l := e.handOverLogin(a, k, "ada", anon)
	out := e.login(l)
	if out.HandedOver != 2 {
		e.t.Errorf("HandedOver = %d, want 2", out.HandedOver)
	}
	if got := e.issues(w, model.IssueFilter{UserID: out.User.ID}); !slices.Equal(got, []string{i1.ID, i2.ID}) {
		e.t.Errorf("the verified user's issues = %v, want %v", got, []string{i1.ID, i2.ID})
	}
	if got := e.issues(w, model.IssueFilter{UserID: anon.User.ID}); got != nil {
		e.t.Errorf("the anonymous user kept %v", got)
	}
	// Only the owner changes: not the activity, not the status, not the
	// session that opened it.
	for _, before := range []*model.Issue{before1, before2} {
		want := *before
		want.UserID = out.User.ID
		if got := e.getIssue(before.ID); *got != want {
			e.t.Errorf("handed-over issue =\n %+v, want\n %+v", got, want)
		}
	}
	// The messages keep their author as written: the anonymous user and
	// session, unverified.
	l1, err := e.s.Messages(e.ctx, i1.ID, model.MessageFilter{})
	e.must(err)
	if len(l1) != 3 || l1[1] != storedMessage(*reply) || l1[2] != storedMessage(*agent) ||
		l1[0].UserID != anon.User.ID || l1[0].SessionID != anon.Session.ID || l1[0].Verified {
		e.t.Errorf("handed-over messages = %+v", l1)
	}
	// The anonymous session ended at the login's time.
	ss, err := e.s.Session(e.ctx, anon.Session.ID)
	e.must(err)
	if ss.RevokeReason != model.RevokedByHandOver || !sameTime(ss.RevokedAt, l.Session.CreatedAt) {
		e.t.Errorf("anonymous session after the hand-over: %q at %v", ss.RevokeReason, ss.RevokedAt)
	}
	// The login's own session is live; the other anonymous session and
	// its issue are untouched.
	if ss, err := e.s.Session(e.ctx, out.Session.ID); err != nil || ss.RevokedAt != nil {
		e.t.Errorf("the login's session: %+v, %v", ss, err)
	}
	if ss, err := e.s.Session(e.ctx, otherAnon.Session.ID); err != nil || ss.RevokedAt != nil {
		e.t.Errorf("the other anonymous session: %+v, %v", ss, err)
	}
	if got := e.getIssue(untouched.ID); got.UserID != otherAnon.User.ID {
		e.t.Errorf("the other anonymous session's issue moved to %s", got.UserID)
	}
	// The per-session counts stay with the session that wrote.
	if n, err := e.s.CountSessionIssues(e.ctx, anon.Session.ID, t0); err != nil || n != 2 {
		e.t.Errorf("CountSessionIssues of the anonymous session = %d, %v; want 2", n, err)
	}
}

func handOverReturning(e *env, w *model.Workspace, a *model.App, k *model.Key) {
	ada := e.login(e.newLogin(a, k, signed(verify.UID, "ada")))
	own := e.issue(ada, "from my phone")
	b := e.app(w)
	anon := e.login(e.newLogin(b, nil))
	moved := e.issue(anon, "from the web, before logging in")

	out := e.login(e.handOverLogin(b, e.key(b), "ada", anon))
	if out.User.ID != ada.User.ID || out.HandedOver != 1 {
		e.t.Errorf("user %s with %d handed over, want %s with 1", out.User.ID, out.HandedOver, ada.User.ID)
	}
	if got := e.issues(w, model.IssueFilter{UserID: ada.User.ID}); !slices.Equal(got, []string{moved.ID, own.ID}) {
		e.t.Errorf("issues = %v, want %v", got, []string{moved.ID, own.ID})
	}
	// An anonymous session without issues still ends; nothing moves.
	empty := e.login(e.newLogin(a, nil))
	out = e.login(e.handOverLogin(a, k, "ada", empty))
	ss, err := e.s.Session(e.ctx, empty.Session.ID)
	e.must(err)
	if out.HandedOver != 0 || ss.RevokeReason != model.RevokedByHandOver {
		e.t.Errorf("empty hand-over: %d moved, session %q", out.HandedOver, ss.RevokeReason)
	}
}

func handOverUnverifiedLogin(e *env, w *model.Workspace, a *model.App, k *model.Key) {
	anon := e.login(e.newLogin(a, nil))
	i := e.issue(anon, "mine")
	// Claims only (enforcement off, a monitor failure): never receives.
	claims := e.newLogin(a, nil, claimed(verify.UID, "ada"))
	claims.HandOver = anon.Session.ID
	e.wantNotHandedOver(e.login(claims), anon, []string{i.ID})
	// Signed identities but an unverified session (no key): not verified.
	unsigned := e.newLogin(a, nil, signed(verify.UID, "ada"))
	unsigned.HandOver = anon.Session.ID
	e.wantNotHandedOver(e.login(unsigned), anon, []string{i.ID})
	// Another anonymous login.
	other := e.newLogin(a, nil)
	other.HandOver = anon.Session.ID
	e.wantNotHandedOver(e.login(other), anon, []string{i.ID})
	// An unknown session id is ignored too; the login goes through.
	unknown := e.newLogin(a, k, signed(verify.UID, "ada"))
	unknown.HandOver = model.NewID("ses")
	if out := e.login(unknown); out.HandedOver != 0 {
		e.t.Errorf("HandedOver = %d for an unknown session", out.HandedOver)
	}
	if ss, err := e.s.Session(e.ctx, anon.Session.ID); err != nil || ss.RevokedAt != nil {
		e.t.Errorf("anonymous session = %+v, %v; want live", ss, err)
	}
}

func handOverNotAnonymous(e *env, w *model.Workspace, a *model.App, k *model.Key) {
	// A verified user's data never moves, to anyone.
	bob := e.login(e.newLogin(a, k, signed(verify.UID, "bob")))
	bobs := e.issue(bob, "bob's")
	e.wantNotHandedOver(e.login(e.handOverLogin(a, k, "ada", bob)), bob, []string{bobs.ID})
	// Nor an unverified user's (claims only), though not anonymous.
	cy := e.login(e.newLogin(a, nil, claimed(verify.UID, "cy")))
	cys := e.issue(cy, "cy's")
	e.wantNotHandedOver(e.login(e.handOverLogin(a, k, "ada", cy)), cy, []string{cys.ID})
	// Nor the login's own user's other session.
	ada := e.login(e.newLogin(a, k, signed(verify.UID, "ada")))
	adas := e.issue(ada, "ada's")
	e.wantNotHandedOver(e.login(e.handOverLogin(a, k, "ada", ada)), ada, []string{adas.ID})
	for _, s := range []*store.LoginOutcome{bob, cy, ada} {
		if ss, err := e.s.Session(e.ctx, s.Session.ID); err != nil || ss.RevokedAt != nil {
			e.t.Errorf("session %+v, %v; want live", ss, err)
		}
	}
}

func handOverNotLive(e *env, w *model.Workspace, a *model.App, k *model.Key) {
	// Expired before the login, and exactly at its time (the end is
	// exclusive, as in model.Session.Check).
	for _, after := range []time.Duration{time.Second, 2 * time.Second} {
		l := e.newLogin(a, nil)
		l.Session.ExpiresAt = l.Session.CreatedAt.Add(after)
		anon := e.login(l)
		i := e.issue(anon, "expired")
		login := e.handOverLogin(a, k, "ada", anon)
		if !login.Session.CreatedAt.Equal(l.Session.CreatedAt.Add(2 * time.Second)) {
			e.t.Fatalf("the clock moved unexpectedly")
		}
		e.wantNotHandedOver(e.login(login), anon, []string{i.ID})
		if ss, _ := e.s.Session(e.ctx, anon.Session.ID); ss.RevokedAt != nil {
			e.t.Errorf("an expired session was ended: %+v", ss)
		}
	}
	// Ended (logged out): it keeps its reason.
	anon := e.login(e.newLogin(a, nil))
	i := e.issue(anon, "logged out")
	e.must(e.s.RevokeSession(e.ctx, anon.Session.ID, model.RevokedByLogout, e.tick(), nil))
	e.wantNotHandedOver(e.login(e.handOverLogin(a, k, "ada", anon)), anon, []string{i.ID})
	if ss, _ := e.s.Session(e.ctx, anon.Session.ID); ss.RevokeReason != model.RevokedByLogout {
		e.t.Errorf("an ended session's reason became %q", ss.RevokeReason)
	}
}

func handOverOtherWorkspace(e *env, w *model.Workspace, a *model.App, k *model.Key) {
	oa := e.app(e.workspace())
	anon := e.login(e.newLogin(oa, nil))
	i := e.issue(anon, "elsewhere")
	out := e.login(e.handOverLogin(a, k, "ada", anon))
	e.wantNotHandedOver(out, anon, []string{i.ID})
	if got := e.issues(w, model.IssueFilter{}); got != nil {
		e.t.Errorf("the login's workspace has issues %v", got)
	}
	if ss, _ := e.s.Session(e.ctx, anon.Session.ID); ss.RevokedAt != nil {
		e.t.Errorf("another workspace's session was ended: %+v", ss)
	}
}

func handOverOnce(e *env, w *model.Workspace, a *model.App, k *model.Key) {
	anon := e.login(e.newLogin(a, nil))
	i := e.issue(anon, "mine")
	ada := e.login(e.handOverLogin(a, k, "ada", anon))
	// The session ended: a second login (another user) gets nothing, and
	// the first user's issue stays theirs.
	bob := e.login(e.handOverLogin(a, k, "bob", anon))
	if ada.HandedOver != 1 || bob.HandedOver != 0 {
		e.t.Errorf("HandedOver %d then %d, want 1 then 0", ada.HandedOver, bob.HandedOver)
	}
	if got := e.getIssue(i.ID); got.UserID != ada.User.ID {
		e.t.Errorf("the issue belongs to %s, want %s", got.UserID, ada.User.ID)
	}
}

func handOverAtomic(e *env, w *model.Workspace, a *model.App, k *model.Key) {
	anon := e.login(e.newLogin(a, nil))
	i := e.issue(anon, "mine")
	// A login through a revoked key fails last, when it marks the key
	// used: after the hand-over.
	revoked := e.key(a)
	_, err := e.s.RevokeKey(e.ctx, revoked.ID, e.tick(), nil)
	e.must(err)
	_, err = e.s.Login(e.ctx, e.handOverLogin(a, revoked, "ada", anon))
	e.wantCode(err, model.CodeConflict)
	// And one whose session id is taken, before it.
	l := e.handOverLogin(a, k, "ada", anon)
	l.Session.ID = anon.Session.ID
	_, err = e.s.Login(e.ctx, l)
	e.wantCode(err, model.CodeConflict)

	e.wantNotHandedOver(&store.LoginOutcome{}, anon, []string{i.ID})
	if ss, _ := e.s.Session(e.ctx, anon.Session.ID); ss.RevokedAt != nil {
		e.t.Errorf("a failed login ended the anonymous session: %+v", ss)
	}
	if c := e.count(w); c.users != 1 || c.sessions != 1 {
		e.t.Errorf("failed logins wrote: %+v", c)
	}
}

// testHandOverConcurrent: logins of different users racing for one
// anonymous session's issues: exactly one gets them.
func testHandOverConcurrent(e *env) {
	w := e.workspace()
	a := e.app(w)
	k := e.key(a)
	anon := e.login(e.newLogin(a, nil))
	for range 3 {
		e.issue(anon, "mine")
	}
	const n = 10
	logins := make([]*store.Login, n)
	for i := range logins {
		logins[i] = e.handOverLogin(a, k, fmt.Sprintf("user-%d", i), anon)
	}
	outs := make([]*store.LoginOutcome, n)
	var wg sync.WaitGroup
	for i, l := range logins {
		wg.Go(func() {
			out, err := e.s.Login(e.ctx, l)
			if err != nil {
				e.t.Errorf("login %d: %v", i, err)
				return
			}
			outs[i] = out
		})
	}
	wg.Wait()
	winners, moved := 0, 0
	var winner string
	for _, out := range outs {
		if out != nil && out.HandedOver > 0 {
			winners++
			moved += out.HandedOver
			winner = out.User.ID
		}
	}
	if winners != 1 || moved != 3 {
		e.t.Fatalf("%d logins received %d issues, want 1 login with 3", winners, moved)
	}
	if got := e.issues(w, model.IssueFilter{UserID: winner}); len(got) != 3 {
		e.t.Errorf("the winner has %d issues, want 3", len(got))
	}
}

// testHandOverWhileOpening: an anonymous session opens issues while a
// verified login takes its issues over; every issue the session opened
// ends with the verified user, or its opening was refused because the
// session had ended: none is left behind with the anonymous user.
func testHandOverWhileOpening(e *env) {
	w := e.workspace()
	a := e.app(w)
	k := e.key(a)
	for round := range 5 {
		anon := e.login(e.newLogin(a, nil))
		const n = 8
		opened := make([]string, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				issue, first := e.newIssue(anon, "opened during the hand-over")
				switch err := e.s.CreateIssue(e.ctx, issue, first); model.ErrorCode(err) {
				case "":
					opened[i] = issue.ID
				case model.CodeSessionRevoked:
				default:
					e.t.Errorf("round %d: CreateIssue: %v", round, err)
				}
			})
		}
		var verified *store.LoginOutcome
		wg.Go(func() {
			out, err := e.s.Login(e.ctx, e.handOverLogin(a, k, fmt.Sprint("hand-over-", round), anon))
			if err != nil {
				e.t.Errorf("round %d: login: %v", round, err)
			}
			verified = out
		})
		wg.Wait()
		if verified == nil {
			continue
		}
		for _, id := range opened {
			if id == "" {
				continue
			}
			if got := e.getIssue(id); got.UserID != verified.User.ID {
				e.t.Errorf("round %d: issue %s stayed with %s, not the verified user", round, id, got.UserID)
			}
		}
		// After the hand-over the anonymous session opens nothing.
		issue, first := e.newIssue(anon, "too late")
		e.wantCode(e.s.CreateIssue(e.ctx, issue, first), model.CodeSessionRevoked)
	}
}

// testLoginChanged checks LoginOutcome.Changed: the verified identities a
// login attached to an existing user or whose metadata it changed.
func testLoginChanged(e *env) {
	w := e.workspace()
	a := e.app(w)
	k := e.key(a)
	types := func(l []model.Identity) []string {
		var s []string
		for _, id := range l {
			s = append(s, string(id.Type)+":"+id.Value)
		}
		return s
	}
	want := func(name string, out *store.LoginOutcome, ids ...string) {
		e.t.Helper()
		if got := types(out.Changed); !slices.Equal(got, ids) {
			e.t.Errorf("%s: Changed = %v, want %v", name, got, ids)
		}
	}

	uid := signed(verify.UID, "ada")
	uid.Metadata = map[string]string{"plan": "gold"}
	first := e.login(e.newLogin(a, k, uid, claimed(verify.Email, "ada@example.com")))
	want("a new user", first)
	want("an identical login", e.login(e.newLogin(a, k, uid, claimed(verify.Email, "ada@example.com"))))
	// Through another app and key, with the same metadata: no change.
	b := e.app(w)
	want("another app", e.login(e.newLogin(b, e.key(b), uid)))

	// A returning user gains a verified email: it was a claim.
	l := e.newLogin(a, k, uid, signed(verify.Email, "ada@example.com"), signed(verify.PhoneNumber, "+15550100"))
	out := e.login(l)
	want("a new email and phone number", out, "email:ada@example.com", "phone_number:+15550100")
	for _, id := range out.Changed {
		if !id.Verified || id.KeyID != k.ID || id.AppID != a.ID || !sameTime(id.VerifiedAt, l.Session.CreatedAt) {
			e.t.Errorf("changed identity = %+v, want it as stored", id)
		}
	}
	want("the same again", e.login(e.newLogin(a, k, uid, signed(verify.Email, "ada@example.com"))))

	// Metadata changed, added or removed.
	uid.Metadata = map[string]string{"plan": "platinum"}
	out = e.login(e.newLogin(a, k, uid))
	want("changed metadata", out, "uid:ada")
	if id, _ := identity(&out.User, verify.UID, "ada"); id.Metadata["plan"] != "platinum" {
		e.t.Errorf("uid = %+v", id)
	}
	if out := e.login(e.newLogin(a, k, signed(verify.UID, "ada"))); len(out.Changed) != 1 || out.Changed[0].Metadata != nil {
		e.t.Errorf("removed metadata: Changed = %+v", out.Changed)
	}
	want("no metadata again", e.login(e.newLogin(a, k, signed(verify.UID, "ada"))))

	// Claims never count; nor does an identity another user holds (a
	// conflict, kept as a claim).
	e.login(e.newLogin(a, k, signed(verify.UID, "bob"), signed(verify.Email, "bob@example.com")))
	out = e.login(e.newLogin(a, k, signed(verify.UID, "ada"), signed(verify.Email, "bob@example.com"),
		claimed(verify.SteamID, "76561197960287930")))
	want("a conflict and a claim", out)
	if len(out.Conflicts) != 1 {
		e.t.Errorf("Conflicts = %+v", out.Conflicts)
	}
	// A new user made by an email found no one: new, so nothing changed.
	want("a brand-new user with two identities",
		e.login(e.newLogin(a, k, signed(verify.UID, "cy"), signed(verify.Email, "cy@example.com"))))
	// Linking a new uid to the holder of an email changes that user.
	e.login(e.newLogin(a, k, signed(verify.Email, "dee@example.com")))
	want("a linked uid", e.login(e.newLogin(a, k, signed(verify.UID, "dee"), signed(verify.Email, "dee@example.com"))),
		"uid:dee")
}

// testReturningLogin: a login given its Holder (a returning user's, as the
// login service reads it) writes and answers exactly what the full
// resolution would: the outcome is the user as stored afterwards, Changed
// names what changed, the key's last use moves. A Holder that does not
// hold everything the login presents is ignored. Concurrent logins share
// commits, and one that fails fails alone.
func testReturningLogin(e *env) {
	w := e.workspace()
	a := e.app(w)
	k := e.key(a)
	holder := func(value string) *model.User {
		e.t.Helper()
		u, err := e.s.VerifiedUser(e.ctx, w.ID, verify.UID, value)
		e.must(err)
		return u
	}
	same := func(name string, out *store.LoginOutcome) {
		e.t.Helper()
		stored, err := e.s.User(e.ctx, out.User.ID)
		e.must(err)
		if !reflect.DeepEqual(&out.User, stored) {
			e.t.Errorf("%s: the outcome's user\n%+v\nis not the stored user\n%+v", name, out.User, *stored)
		}
		s, err := e.s.SessionByToken(e.ctx, out.Session.ID, out.Session.TokenHash)
		e.must(err)
		if s.UserID != out.User.ID || s.ID != out.Session.ID {
			e.t.Errorf("%s: stored session %+v", name, s)
		}
	}

	uid := signed(verify.UID, "ada")
	uid.Metadata = map[string]string{"plan": "gold"}
	first := e.login(e.newLogin(a, k, uid, claimed(verify.Email, "ada@example.com")))

	uid.Metadata = map[string]string{"plan": "platinum"}
	l := e.newLogin(a, k, uid, claimed(verify.Email, "ada@example.com"))
	l.Name = "Ada L."
	l.Holder = holder("ada")
	out := e.login(l)
	same("a returning user", out)
	if out.User.ID != first.User.ID || out.User.Name != "Ada L." || len(out.Changed) != 1 || out.Changed[0].Type != verify.UID {
		e.t.Errorf("a returning user: %+v, Changed %+v", out.User, out.Changed)
	}
	keys, err := e.s.AppKeys(e.ctx, a.ID)
	e.must(err)
	if !sameTime(keys[0].LastUsedAt, l.Session.CreatedAt) {
		e.t.Errorf("key last used = %v, want %v", keys[0].LastUsedAt, l.Session.CreatedAt)
	}
	attempts, err := e.s.Attempts(e.ctx, w.ID, model.AttemptFilter{Limit: 1})
	e.must(err)
	if attempts[0].ID != l.Attempt.ID || attempts[0].UserID != first.User.ID {
		e.t.Errorf("the log entry = %+v", attempts[0])
	}

	// A newly signed email: the holder does not hold it; resolved in full.
	l = e.newLogin(a, k, uid, signed(verify.Email, "ada@example.com"))
	l.Holder = holder("ada")
	out = e.login(l)
	same("a returning user's new verified email", out)
	if id, _ := identity(&out.User, verify.Email, "ada@example.com"); !id.Verified || len(out.Changed) != 1 {
		e.t.Errorf("the email = %+v, Changed %+v", id, out.Changed)
	}
	// A holder of another workspace is not believed.
	other := e.workspace()
	oa := e.app(other)
	out = e.login(func() *store.Login {
		l := e.newLogin(oa, e.key(oa), signed(verify.UID, "ada"))
		l.Holder = holder("ada")
		return l
	}())
	if out.User.ID == first.User.ID || out.User.WorkspaceID != other.ID {
		e.t.Errorf("a holder from another workspace was used: %+v", out.User)
	}

	// A holder whose identity is no longer verified in the database, unlike
	// what the caller read: the batch refreshes a returning user's identity
	// without touching `verified`, and must notice the row it skipped and
	// verify it again, as the login's signature says.
	e.login(e.newLogin(a, k, signed(verify.UID, "eve")))
	eve := holder("eve")
	raw, ok := e.s.(interface{ DB() *sql.DB })
	if !ok {
		e.t.Fatalf("%T has no DB() *sql.DB", e.s)
	}
	if _, err := raw.DB().ExecContext(e.ctx, `UPDATE identities SET verified = FALSE WHERE user_id = $1 AND type = $2`,
		eve.ID, string(verify.UID)); err != nil {
		e.t.Fatal(err)
	}
	l = e.newLogin(a, k, signed(verify.UID, "eve"))
	l.Holder = eve
	out = e.login(l)
	if stored, err := e.s.VerifiedUser(e.ctx, w.ID, verify.UID, "eve"); err != nil || stored.ID != eve.ID {
		e.t.Errorf("a returning login of an identity unverified meanwhile left it unverified: %v, %+v", err, stored)
	}
	same("a returning user whose identity was unverified meanwhile", out)

	// Concurrent returning logins, and two that must fail alone.
	users := []string{"u1", "u2", "u3", "u4", "u5"}
	for _, u := range users {
		e.login(e.newLogin(a, k, signed(verify.UID, u)))
	}
	before := e.count(w)
	revoked := e.key(a)
	_, err = e.s.RevokeKey(e.ctx, revoked.ID, e.tick(), nil)
	e.must(err)
	var wg sync.WaitGroup
	errs := make([]error, 32)
	logins := make([]*store.Login, len(errs))
	for i := range logins {
		switch i {
		case 7:
			logins[i] = e.newLogin(a, revoked, signed(verify.UID, "u1")) // revoked in the meantime
		case 19:
			logins[i] = e.newLogin(a, k, signed(verify.UID, "u2"))
			logins[i].Session.KeyID = "key_doesnotexist000" // unknown key
		default:
			logins[i] = e.newLogin(a, k, signed(verify.UID, users[i%len(users)]))
		}
		logins[i].Holder = holder(users[i%len(users)])
	}
	for i, l := range logins {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = e.s.Login(e.ctx, l)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		switch {
		case i == 7 && model.ErrorCode(err) != model.CodeConflict:
			e.t.Errorf("a login through a revoked key: %v, want conflict", err)
		case i == 19 && model.ErrorCode(err) != model.CodeNotFound:
			e.t.Errorf("a login through an unknown key: %v, want not_found", err)
		case i != 7 && i != 19 && err != nil:
			e.t.Errorf("login %d of the batch failed: %v", i, err)
		}
	}
	after := e.count(w)
	if after.sessions != before.sessions+30 || after.attempts != before.attempts+30 || after.users != before.users {
		e.t.Errorf("after 30 good and 2 failing concurrent logins: %+v, before %+v", after, before)
	}
}
