package storetest

import (
	"slices"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/verify"
)

func testAttempts(e *env) {
	w, other := e.workspace(), e.workspace()
	a, b := e.app(w), e.app(w)
	k := e.key(a)

	reject := func(app *model.App, reason verify.Reason) *model.Attempt {
		at := &model.Attempt{ID: model.NewID("att"), WorkspaceID: app.WorkspaceID, AppID: app.ID, Platform: app.Platform,
			Profile: app.Profile, AppVersion: "2.0", Result: model.ResultRejected, Reason: reason,
			Cause: verify.CauseWrongEncoding, Diagnosis: "the digest is hex; the profile wants base64",
			KeyID: "kid-the-proof-named", At: e.tick()}
		e.must(e.s.RecordAttempt(e.ctx, at))
		return at
	}
	r1 := reject(a, verify.ReasonSignatureMismatch)
	okLogin := e.newLogin(a, k, signed(verify.UID, "ada"))
	ok := e.login(okLogin).User
	r2 := reject(b, verify.ReasonExpired)
	anonLogin := e.newLogin(b, nil)
	e.login(anonLogin)
	r3 := reject(a, verify.ReasonSignatureMismatch)
	oa := e.app(other)
	reject(oa, verify.ReasonSignatureMismatch)

	l, err := e.s.Attempts(e.ctx, w.ID, model.AttemptFilter{Reason: verify.ReasonExpired})
	e.must(err)
	want := *r2
	want.At = ms(r2.At)
	if len(l) != 1 || l[0] != want {
		e.t.Errorf("Attempts =\n %+v, want\n %+v", l, want)
	}

	okID, anonID := okLogin.Attempt.ID, anonLogin.Attempt.ID
	byUser, err := e.s.Attempts(e.ctx, w.ID, model.AttemptFilter{UserID: ok.ID})
	e.must(err)
	if len(byUser) != 1 || byUser[0].ID != okID || byUser[0].Result != model.ResultVerified || byUser[0].KeyID != k.ID {
		e.t.Errorf("attempts of the login's user = %+v", byUser)
	}

	for _, tc := range []struct {
		name   string
		filter model.AttemptFilter
		want   []string
	}{
		{"all, newest first", model.AttemptFilter{}, []string{r3.ID, anonID, r2.ID, okID, r1.ID}},
		{"app", model.AttemptFilter{AppID: a.ID}, []string{r3.ID, okID, r1.ID}},
		{"result", model.AttemptFilter{Result: model.ResultRejected}, []string{r3.ID, r2.ID, r1.ID}},
		{"reason", model.AttemptFilter{Reason: verify.ReasonSignatureMismatch}, []string{r3.ID, r1.ID}},
		{"app and result", model.AttemptFilter{AppID: b.ID, Result: model.ResultAnonymous}, []string{anonID}},
		{"since is inclusive", model.AttemptFilter{Since: r2.At}, []string{r3.ID, anonID, r2.ID}},
		{"until is exclusive", model.AttemptFilter{Until: r2.At}, []string{okID, r1.ID}},
		{"since and until", model.AttemptFilter{Since: r1.At, Until: r3.At}, []string{anonID, r2.ID, okID, r1.ID}},
		{"limit", model.AttemptFilter{Limit: 2}, []string{r3.ID, anonID}},
		{"before", model.AttemptFilter{Before: anonID}, []string{r2.ID, okID, r1.ID}},
		{"before and limit", model.AttemptFilter{Before: r3.ID, Limit: 2}, []string{anonID, r2.ID}},
		{"before the oldest", model.AttemptFilter{Before: r1.ID}, nil},
		{"unknown user", model.AttemptFilter{UserID: model.NewID("usr")}, nil},
	} {
		l, err := e.s.Attempts(e.ctx, w.ID, tc.filter)
		e.must(err)
		if got := attemptIDs(l); !slices.Equal(got, tc.want) {
			e.t.Errorf("Attempts(%s) = %v, want %v", tc.name, got, tc.want)
		}
	}

	// Paging with Before walks the whole log, also through attempts made
	// in the same millisecond.
	same := e.tick()
	for range 3 {
		at := &model.Attempt{ID: model.NewID("att"), WorkspaceID: w.ID, AppID: a.ID, Result: model.ResultRejected, At: same}
		e.must(e.s.RecordAttempt(e.ctx, at))
	}
	var walked []string
	f := model.AttemptFilter{Limit: 2}
	for {
		page, err := e.s.Attempts(e.ctx, w.ID, f)
		e.must(err)
		if len(page) == 0 {
			break
		}
		walked = append(walked, attemptIDs(page)...)
		f.Before = page[len(page)-1].ID
	}
	whole, err := e.s.Attempts(e.ctx, w.ID, model.AttemptFilter{})
	e.must(err)
	if !slices.Equal(walked, attemptIDs(whole)) || len(walked) != 8 {
		e.t.Errorf("paging walked %v, want %v", walked, attemptIDs(whole))
	}

	for _, tc := range []struct {
		name string
		a    model.Attempt
		code model.Code
	}{
		{"unknown app", model.Attempt{ID: model.NewID("att"), WorkspaceID: w.ID, AppID: model.NewID("app"), At: t0}, model.CodeNotFound},
		{"app of another workspace", model.Attempt{ID: model.NewID("att"), WorkspaceID: w.ID, AppID: oa.ID, At: t0}, model.CodeNotFound},
		{"taken id", model.Attempt{ID: r1.ID, WorkspaceID: w.ID, AppID: a.ID, At: t0}, model.CodeConflict},
	} {
		if got := model.ErrorCode(e.s.RecordAttempt(e.ctx, &tc.a)); got != tc.code {
			e.t.Errorf("RecordAttempt with %s: code %q, want %q", tc.name, got, tc.code)
		}
	}
}

func attemptIDs(l []model.Attempt) []string {
	var ids []string
	for _, a := range l {
		ids = append(ids, a.ID)
	}
	return ids
}
