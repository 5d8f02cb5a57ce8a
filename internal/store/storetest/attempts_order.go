package storetest

import (
	"slices"
	"time"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/verify"
)

// testAttemptsSameMillisecond: attempts written in one millisecond list in
// the order they were written (newest first: last written first), whatever
// their random ids, through RecordAttempt and Login alike, and paging with
// Before walks them in that order.
func testAttemptsSameMillisecond(e *env) {
	w := e.workspace()
	a := e.app(w)
	k := e.key(a)
	same := e.tick()

	// Ids chosen so that neither their order nor its reverse is the order of
	// writing: sorted, then written 2, 0, 4, 1, 3, with a login's attempt
	// (its own transaction) in the middle.
	ids := make([]string, 5)
	for i := range ids {
		ids[i] = model.NewID("att")
	}
	slices.Sort(ids)
	var written []string
	record := func(id string) {
		at := &model.Attempt{ID: id, WorkspaceID: w.ID, AppID: a.ID, Platform: a.Platform, Profile: a.Profile,
			Result: model.ResultRejected, Reason: verify.ReasonSignatureMismatch, At: same}
		e.must(e.s.RecordAttempt(e.ctx, at))
		written = append(written, id)
	}
	record(ids[2])
	record(ids[0])
	l := e.newLogin(a, k, signed(verify.UID, "ada"))
	lifetime := l.Session.ExpiresAt.Sub(l.Session.CreatedAt)
	l.Attempt.At, l.Session.CreatedAt, l.Session.ExpiresAt = same, same, same.Add(lifetime)
	e.login(l)
	written = append(written, l.Attempt.ID)
	record(ids[4])
	record(ids[1])
	record(ids[3])

	want := slices.Clone(written)
	slices.Reverse(want)
	got, err := e.s.Attempts(e.ctx, w.ID, model.AttemptFilter{})
	e.must(err)
	if !slices.Equal(attemptIDs(got), want) {
		e.t.Errorf("Attempts of one millisecond = %v, want last written first %v", attemptIDs(got), want)
	}
	for _, at := range got {
		if !at.At.Equal(ms(same)) {
			e.t.Errorf("attempt %s at %v, want %v", at.ID, at.At, ms(same))
		}
	}

	// Pages of two, each starting after the previous page's last attempt.
	var walked []string
	f := model.AttemptFilter{Limit: 2}
	for range len(want) + 1 {
		page, err := e.s.Attempts(e.ctx, w.ID, f)
		e.must(err)
		if len(page) == 0 {
			break
		}
		walked = append(walked, attemptIDs(page)...)
		f.Before = page[len(page)-1].ID
	}
	if !slices.Equal(walked, want) {
		e.t.Errorf("paging walked %v, want %v", walked, want)
	}

	// Time still comes first: an attempt of a later millisecond with the
	// smallest id lists first, one written last but a second earlier with
	// the largest id lists last.
	later := &model.Attempt{ID: "att_2222222222222222", WorkspaceID: w.ID, AppID: a.ID, Result: model.ResultRejected, At: e.tick()}
	e.must(e.s.RecordAttempt(e.ctx, later))
	earlier := &model.Attempt{ID: "att_zzzzzzzzzzzzzzzz", WorkspaceID: w.ID, AppID: a.ID, Result: model.ResultRejected, At: same.Add(-time.Second)}
	e.must(e.s.RecordAttempt(e.ctx, earlier))
	got, err = e.s.Attempts(e.ctx, w.ID, model.AttemptFilter{})
	e.must(err)
	want = append(append([]string{later.ID}, want...), earlier.ID)
	if !slices.Equal(attemptIDs(got), want) {
		e.t.Errorf("Attempts = %v, want %v", attemptIDs(got), want)
	}
}
