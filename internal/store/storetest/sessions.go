package storetest

import (
	"slices"
	"time"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/verify"
)

func testSessions(e *env) {
	w, other := e.workspace(), e.workspace()
	a, b := e.app(w), e.app(w)
	ka1, ka2, kb := e.key(a), e.key(a), e.key(b)

	ada := e.login(e.newLogin(a, ka1, signed(verify.UID, "ada")))
	adaAgain := e.login(e.newLogin(b, kb, signed(verify.UID, "ada")))
	bob := e.login(e.newLogin(a, ka2, signed(verify.UID, "bob")))
	anon := e.login(e.newLogin(a, nil))
	short := e.newLogin(b, kb, signed(verify.UID, "cy"))
	short.Session.ExpiresAt = short.Session.CreatedAt.Add(time.Minute)
	expiring := e.login(short)
	ended := e.login(e.newLogin(a, ka1, signed(verify.UID, "dee")))
	e.must(e.s.RevokeSession(e.ctx, ended.Session.ID, model.RevokedByLogout, e.tick(), nil))
	oa := e.app(other)
	e.login(e.newLogin(oa, e.key(oa), signed(verify.UID, "ada")))

	got, err := e.s.Session(e.ctx, bob.Session.ID)
	e.must(err)
	if got.ID != bob.Session.ID || got.UserID != bob.User.ID || got.KeyID != ka2.ID {
		e.t.Errorf("Session = %+v", got)
	}
	// An ended session is still found by its token, in its state.
	got, err = e.s.SessionByToken(e.ctx, ended.Session.ID, ended.Session.TokenHash)
	e.must(err)
	if got.ID != ended.Session.ID || got.RevokedAt == nil || got.RevokeReason != model.RevokedByLogout {
		e.t.Errorf("SessionByToken of an ended session = %+v", got)
	}
	if got.Check(e.now) == nil {
		e.t.Error("an ended session checks as live")
	}
	got, err = e.s.SessionByToken(e.ctx, anon.Session.ID, anon.Session.TokenHash)
	e.must(err)
	if got.KeyID != "" || got.Verified || !got.Anonymous || len(got.SignedFields) != 1 {
		e.t.Errorf("anonymous session = %+v", got)
	}

	later := expiring.Session.CreatedAt.Add(2 * time.Minute)
	for _, tc := range []struct {
		name   string
		filter model.SessionFilter
		want   []string
	}{
		{"all, newest first", model.SessionFilter{},
			[]string{ended.Session.ID, expiring.Session.ID, anon.Session.ID, bob.Session.ID, adaAgain.Session.ID, ada.Session.ID}},
		{"limit", model.SessionFilter{Limit: 2}, []string{ended.Session.ID, expiring.Session.ID}},
		{"user", model.SessionFilter{UserID: ada.User.ID}, []string{adaAgain.Session.ID, ada.Session.ID}},
		{"app", model.SessionFilter{AppID: b.ID}, []string{expiring.Session.ID, adaAgain.Session.ID}},
		{"key", model.SessionFilter{KeyID: ka1.ID}, []string{ended.Session.ID, ada.Session.ID}},
		{"user and app", model.SessionFilter{UserID: ada.User.ID, AppID: a.ID}, []string{ada.Session.ID}},
		{"live now", model.SessionFilter{Live: true, Now: e.now},
			[]string{expiring.Session.ID, anon.Session.ID, bob.Session.ID, adaAgain.Session.ID, ada.Session.ID}},
		{"live after one expired", model.SessionFilter{Live: true, Now: later},
			[]string{anon.Session.ID, bob.Session.ID, adaAgain.Session.ID, ada.Session.ID}},
		{"live, exactly at expiry", model.SessionFilter{Live: true, Now: expiring.Session.ExpiresAt, AppID: b.ID},
			[]string{adaAgain.Session.ID}},
		{"live of a key", model.SessionFilter{Live: true, Now: e.now, KeyID: ka1.ID}, []string{ada.Session.ID}},
		{"unknown user", model.SessionFilter{UserID: model.NewID("usr")}, nil},
	} {
		l, err := e.s.Sessions(e.ctx, w.ID, tc.filter)
		e.must(err)
		if got := sessionIDs(l); !slices.Equal(got, tc.want) {
			e.t.Errorf("Sessions(%s) = %v, want %v", tc.name, got, tc.want)
		}
	}

	_, err = e.s.Sessions(e.ctx, w.ID, model.SessionFilter{Live: true})
	e.wantCode(err, model.CodeInvalid)
	_, err = e.s.Session(e.ctx, model.NewID("ses"))
	e.wantCode(err, model.CodeNotFound)
	// A token that names a session but not its secret, one that names no
	// session, and a legacy token nobody was given: not_found alike.
	for name, by := range map[string]struct {
		id   string
		hash []byte
	}{
		"the id of a session, another secret": {bob.Session.ID, hash("no such token")},
		"the secret of a session, another id": {model.NewOrderedID("ses", e.now), bob.Session.TokenHash},
		"an unknown id":                       {model.NewOrderedID("ses", e.now), hash("no such token")},
		"another session's id and secret":     {ada.Session.ID, bob.Session.TokenHash},
		"a legacy token":                      {"", hash("no such token")},
		"a new session's hash as legacy":      {"", bob.Session.TokenHash},
	} {
		got, err := e.s.SessionByToken(e.ctx, by.id, by.hash)
		if model.ErrorCode(err) != model.CodeNotFound || got != nil {
			e.t.Errorf("SessionByToken of %s = %+v, %v; want not_found", name, got, err)
		} else if msg, want := err.Error(), model.Errorf(model.CodeNotFound, "no session has this token").Error(); msg != want {
			e.t.Errorf("SessionByToken of %s says %q, not what every other refusal says", name, msg)
		}
	}
}

func testRevokeSessions(e *env) {
	w := e.workspace()
	a := e.app(w)
	k := e.key(a)
	s1 := e.login(e.newLogin(a, k, signed(verify.UID, "ada")))
	s2 := e.login(e.newLogin(a, k, signed(verify.UID, "ada")))
	s3 := e.login(e.newLogin(a, k, signed(verify.UID, "ada")))
	short := e.newLogin(a, k, signed(verify.UID, "ada"))
	short.Session.ExpiresAt = short.Session.CreatedAt.Add(time.Second)
	expired := e.login(short)
	bob := e.login(e.newLogin(a, k, signed(verify.UID, "bob")))

	// RevokeSession keeps the first reason and time.
	first := e.tick()
	e.must(e.s.RevokeSession(e.ctx, s1.Session.ID, model.RevokedByLogout, first, nil))
	e.must(e.s.RevokeSession(e.ctx, s1.Session.ID, model.RevokedByAdmin, e.tick(), nil))
	got, err := e.s.Session(e.ctx, s1.Session.ID)
	e.must(err)
	if got.RevokeReason != model.RevokedByLogout || !sameTime(got.RevokedAt, first) {
		e.t.Errorf("after two RevokeSession: %q at %v, want %q at %v", got.RevokeReason, got.RevokedAt, model.RevokedByLogout, ms(first))
	}
	e.wantCode(e.s.RevokeSession(e.ctx, model.NewID("ses"), model.RevokedByAdmin, e.now, nil), model.CodeNotFound)

	// RevokeUserSessions ends the user's live sessions only.
	at := e.tick()
	n, err := e.s.RevokeUserSessions(e.ctx, s1.User.ID, model.RevokedByUser, at, nil)
	e.must(err)
	if n != 2 {
		e.t.Errorf("RevokeUserSessions ended %d, want 2 (s2, s3)", n)
	}
	for _, tc := range []struct {
		name, id, reason string
	}{
		{"ended before", s1.Session.ID, model.RevokedByLogout},
		{"live", s2.Session.ID, model.RevokedByUser},
		{"live too", s3.Session.ID, model.RevokedByUser},
		{"expired", expired.Session.ID, ""},
		{"another user's", bob.Session.ID, ""},
	} {
		s, err := e.s.Session(e.ctx, tc.id)
		e.must(err)
		if s.RevokeReason != tc.reason || (tc.reason == "") != (s.RevokedAt == nil) {
			e.t.Errorf("%s session: %q at %v, want %q", tc.name, s.RevokeReason, s.RevokedAt, tc.reason)
		}
	}
	n, err = e.s.RevokeUserSessions(e.ctx, s1.User.ID, model.RevokedByUser, e.tick(), nil)
	e.must(err)
	if n != 0 {
		e.t.Errorf("second RevokeUserSessions ended %d, want 0", n)
	}
	n, err = e.s.RevokeUserSessions(e.ctx, model.NewID("usr"), model.RevokedByUser, e.tick(), nil)
	if err != nil || n != 0 {
		e.t.Errorf("RevokeUserSessions of an unknown user: %d, %v", n, err)
	}
}

func sessionIDs(l []model.Session) []string {
	var ids []string
	for _, s := range l {
		ids = append(ids, s.ID)
	}
	return ids
}

// testRevokeAppSessions: RevokeAppSessions ends exactly the app's live
// sessions, whatever their key or user.
func testRevokeAppSessions(e *env) {
	w := e.workspace()
	a, b := e.app(w), e.app(w)
	k1, k2, kb := e.key(a), e.key(a), e.key(b)

	live1 := e.login(e.newLogin(a, k1, signed(verify.UID, "ada"))).Session
	live2 := e.login(e.newLogin(a, k2, signed(verify.UID, "bob"))).Session
	anon := e.login(e.newLogin(a, nil)).Session
	byAdmin := e.login(e.newLogin(a, k1, signed(verify.UID, "cy"))).Session
	e.must(e.s.RevokeSession(e.ctx, byAdmin.ID, model.RevokedByAdmin, e.tick(), nil))
	short := e.newLogin(a, k1, signed(verify.UID, "dee"))
	short.Session.ExpiresAt = short.Session.CreatedAt.Add(time.Second)
	expired := e.login(short).Session
	otherApp := e.login(e.newLogin(b, kb, signed(verify.UID, "ada"))).Session

	at := e.tick()
	n, err := e.s.RevokeAppSessions(e.ctx, a.ID, model.RevokedByApp, at, nil)
	e.must(err)
	if n != 3 {
		e.t.Errorf("RevokeAppSessions ended %d sessions, want 3", n)
	}
	for _, tc := range []struct {
		name, id, reason string
	}{
		{"live", live1.ID, model.RevokedByApp},
		{"live, of another key", live2.ID, model.RevokedByApp},
		{"anonymous", anon.ID, model.RevokedByApp},
		{"ended before", byAdmin.ID, model.RevokedByAdmin},
		{"expired", expired.ID, ""},
		{"of another app", otherApp.ID, ""},
	} {
		s, err := e.s.Session(e.ctx, tc.id)
		e.must(err)
		switch {
		case s.RevokeReason != tc.reason || (tc.reason == "") != (s.RevokedAt == nil):
			e.t.Errorf("%s session: %q at %v, want %q", tc.name, s.RevokeReason, s.RevokedAt, tc.reason)
		case tc.reason == model.RevokedByApp && !sameTime(s.RevokedAt, at):
			e.t.Errorf("%s session: ended at %v, want %v", tc.name, s.RevokedAt, ms(at))
		}
	}
	n, err = e.s.RevokeAppSessions(e.ctx, a.ID, model.RevokedByApp, e.tick(), nil)
	if err != nil || n != 0 {
		e.t.Errorf("second RevokeAppSessions: %d, %v; want 0", n, err)
	}
	n, err = e.s.RevokeAppSessions(e.ctx, model.NewID("app"), model.RevokedByApp, e.tick(), nil)
	if err != nil || n != 0 {
		e.t.Errorf("RevokeAppSessions of an unknown app: %d, %v", n, err)
	}
}

// testCountUserDevices: distinct device ids of the user's sessions created
// after since, the current device included once; no device id tells nothing.
func testCountUserDevices(e *env) {
	w := e.workspace()
	a := e.app(w)
	k := e.key(a)
	login := func(device string) *model.Session {
		l := e.newLogin(a, k, signed(verify.UID, "ada"))
		l.Session.DeviceID = device
		return &e.login(l).Session
	}
	first := login("phone")
	since := first.CreatedAt
	for _, d := range []string{"phone", "tablet", "", "", "laptop"} {
		login(d)
	}
	user := first.UserID
	for _, tc := range []struct {
		name    string
		since   time.Time
		current string
		want    int
	}{
		{"after the first session, no current device", since, "", 3},  // phone (again), tablet, laptop
		{"the current device is already counted", since, "tablet", 3}, // no new device
		{"a new current device", since, "watch", 4},
		{"before everything", since.Add(-time.Hour), "", 3},
		{"after everything", e.tick().Add(time.Hour), "", 0},
		{"after everything, with a current device", e.tick().Add(time.Hour), "watch", 1},
	} {
		n, err := e.s.CountUserDevices(e.ctx, user, tc.since, tc.current)
		if err != nil || n != tc.want {
			e.t.Errorf("%s: %d, %v; want %d", tc.name, n, err, tc.want)
		}
	}
	if n, err := e.s.CountUserDevices(e.ctx, model.NewID("usr"), since, ""); err != nil || n != 0 {
		e.t.Errorf("an unknown user: %d, %v", n, err)
	}
	for _, tc := range []struct {
		device string
		since  time.Time
		want   bool
	}{{"tablet", since, true}, {"phone", since.Add(-time.Hour), true}, {"watch", since, false}, {"laptop", e.tick().Add(time.Hour), false}} {
		if seen, err := e.s.DeviceSeen(e.ctx, user, tc.device, tc.since); err != nil || seen != tc.want {
			e.t.Errorf("DeviceSeen(%s): %v, %v; want %v", tc.device, seen, err, tc.want)
		}
	}
}
