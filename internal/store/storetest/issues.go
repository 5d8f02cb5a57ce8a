package storetest

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/store"
	"github.com/signet-id/signet/verify"
)

// newIssue builds, at the next tick, an issue opened by the session of a
// login, with its first message; the store fills the preview.
func (e *env) newIssue(by *store.LoginOutcome, body string) (*model.Issue, *model.Message) {
	at := e.tick()
	ss := by.Session
	i := &model.Issue{ID: model.NewID("iss"), WorkspaceID: ss.WorkspaceID, AppID: ss.AppID, UserID: ss.UserID,
		Status: model.IssueOpen, CreatedAt: at, UpdatedAt: at, LastMessageAt: at, SessionID: ss.ID}
	return i, e.userMessage(by, i, body, at)
}

// userMessage is a message of the login's session on issue i.
func (e *env) userMessage(by *store.LoginOutcome, i *model.Issue, body string, at time.Time) *model.Message {
	return &model.Message{ID: model.NewID("msg"), IssueID: i.ID, WorkspaceID: i.WorkspaceID, Author: model.AuthorUser,
		Body: body, CreatedAt: at, UserID: by.Session.UserID, SessionID: by.Session.ID, Verified: by.Session.Verified}
}

// issue opens an issue that must be stored.
func (e *env) issue(by *store.LoginOutcome, body string) *model.Issue {
	e.t.Helper()
	i, first := e.newIssue(by, body)
	e.must(e.s.CreateIssue(e.ctx, i, first))
	return i
}

// reply adds, at the next tick, a message of the login's session to i.
func (e *env) reply(by *store.LoginOutcome, i *model.Issue, body string) *model.Message {
	e.t.Helper()
	m := e.userMessage(by, i, body, e.tick())
	e.must(e.s.AddMessage(e.ctx, m))
	return m
}

// agentReply adds, at the next tick, an agent's message to i.
func (e *env) agentReply(i *model.Issue, agentID, body string) *model.Message {
	e.t.Helper()
	m := &model.Message{ID: model.NewID("msg"), IssueID: i.ID, WorkspaceID: i.WorkspaceID, Author: model.AuthorAgent,
		Body: body, CreatedAt: e.tick(), AgentID: agentID}
	e.must(e.s.AddMessage(e.ctx, m))
	return m
}

// getIssue reads an issue that must exist.
func (e *env) getIssue(id string) *model.Issue {
	e.t.Helper()
	i, err := e.s.Issue(e.ctx, id)
	e.must(err)
	return i
}

// issues lists a workspace's issue ids.
func (e *env) issues(w *model.Workspace, f model.IssueFilter) []string {
	e.t.Helper()
	l, err := e.s.Issues(e.ctx, w.ID, f)
	e.must(err)
	return issueIDs(l)
}

// messages lists an issue's message ids.
func (e *env) messages(issueID string, f model.MessageFilter) []string {
	e.t.Helper()
	l, err := e.s.Messages(e.ctx, issueID, f)
	e.must(err)
	return messageIDs(l)
}

// stored is an issue as the store gives it back.
func stored(i model.Issue) model.Issue {
	i.CreatedAt, i.UpdatedAt, i.LastMessageAt = ms(i.CreatedAt), ms(i.UpdatedAt), ms(i.LastMessageAt)
	return i
}

func storedMessage(m model.Message) model.Message {
	m.CreatedAt = ms(m.CreatedAt)
	return m
}

// testIssues: what CreateIssue writes, reading it back, and every refusal.
func testIssues(e *env) {
	w := e.workspace()
	a := e.app(w)
	k := e.key(a)
	ada := e.login(e.newLogin(a, k, signed(verify.UID, "ada")))

	// The store fills what the caller left empty.
	at := e.tick()
	i := &model.Issue{ID: model.NewID("iss"), WorkspaceID: w.ID, AppID: a.ID, UserID: ada.User.ID,
		SessionID: ada.Session.ID, CreatedAt: at}
	first := &model.Message{ID: model.NewID("msg"), Author: model.AuthorUser, Body: "My order never came",
		CreatedAt: at, UserID: ada.User.ID, SessionID: ada.Session.ID, Verified: true}
	e.must(e.s.CreateIssue(e.ctx, i, first))
	if i.Status != model.IssueOpen || i.Preview != "My order never came" || !i.UpdatedAt.Equal(at) ||
		!i.LastMessageAt.Equal(at) || first.IssueID != i.ID || first.WorkspaceID != w.ID {
		e.t.Errorf("after CreateIssue: issue %+v, first message %+v", i, first)
	}
	if got := e.getIssue(i.ID); *got != stored(*i) {
		e.t.Errorf("Issue =\n %+v, want\n %+v", got, stored(*i))
	}
	m, err := e.s.Message(e.ctx, first.ID)
	e.must(err)
	if *m != storedMessage(*first) {
		e.t.Errorf("Message =\n %+v, want\n %+v", m, storedMessage(*first))
	}
	// An agent's message has no user or session, and is not verified.
	agent := e.agentReply(i, "tok_agent", "Sorry! Looking into it.")
	m, err = e.s.Message(e.ctx, agent.ID)
	e.must(err)
	if *m != storedMessage(*agent) || m.UserID != "" || m.SessionID != "" || m.Verified {
		e.t.Errorf("agent Message = %+v", m)
	}

	// SetIssueStatus changes the status and the update time only.
	before := e.getIssue(i.ID)
	resolved := e.tick()
	e.must(e.s.SetIssueStatus(e.ctx, i.ID, model.IssueResolved, resolved))
	want := *before
	want.Status, want.UpdatedAt = model.IssueResolved, ms(resolved)
	if got := e.getIssue(i.ID); *got != want {
		e.t.Errorf("after SetIssueStatus:\n %+v, want\n %+v", got, want)
	}
	reopened := e.tick()
	e.must(e.s.SetIssueStatus(e.ctx, i.ID, model.IssueOpen, reopened))
	if got := e.getIssue(i.ID); got.Status != model.IssueOpen || !got.UpdatedAt.Equal(ms(reopened)) {
		e.t.Errorf("reopened: %+v", got)
	}
	e.wantCode(e.s.SetIssueStatus(e.ctx, i.ID, "closed", e.tick()), model.CodeInvalid)
	e.wantCode(e.s.SetIssueStatus(e.ctx, model.NewID("iss"), model.IssueResolved, e.tick()), model.CodeNotFound)

	_, err = e.s.Issue(e.ctx, model.NewID("iss"))
	e.wantCode(err, model.CodeNotFound)
	_, err = e.s.Message(e.ctx, model.NewID("msg"))
	e.wantCode(err, model.CodeNotFound)
	unknown := &model.Issue{ID: model.NewID("iss"), WorkspaceID: w.ID}
	e.wantCode(e.s.AddMessage(e.ctx, e.userMessage(ada, unknown, "hello?", e.tick())), model.CodeNotFound)
	if l, err := e.s.Messages(e.ctx, unknown.ID, model.MessageFilter{}); err != nil || l != nil {
		e.t.Errorf("Messages of an unknown issue = %v, %v; want none", l, err)
	}
}

// testCreateIssueAtomic: a CreateIssue that fails writes nothing, neither
// the issue nor its message.
func testCreateIssueAtomic(e *env) {
	w, other := e.workspace(), e.workspace()
	a := e.app(w)
	k := e.key(a)
	oa := e.app(other)
	ada := e.login(e.newLogin(a, k, signed(verify.UID, "ada")))
	stranger := e.login(e.newLogin(oa, e.key(oa), signed(verify.UID, "ada")))
	kept := e.issue(ada, "kept")
	keptFirst := e.messages(kept.ID, model.MessageFilter{})

	for _, tc := range []struct {
		name  string
		spoil func(i *model.Issue, m *model.Message) *model.Message
		code  model.Code
	}{
		{"unknown user", func(i *model.Issue, m *model.Message) *model.Message {
			i.UserID = model.NewID("usr")
			return m
		}, model.CodeNotFound},
		{"user of another workspace", func(i *model.Issue, m *model.Message) *model.Message {
			i.UserID = stranger.User.ID
			return m
		}, model.CodeNotFound},
		{"unknown app", func(i *model.Issue, m *model.Message) *model.Message {
			i.AppID = model.NewID("app")
			return m
		}, model.CodeNotFound},
		{"app of another workspace", func(i *model.Issue, m *model.Message) *model.Message {
			i.AppID = oa.ID
			return m
		}, model.CodeNotFound},
		{"session of another workspace", func(i *model.Issue, m *model.Message) *model.Message {
			i.SessionID = stranger.Session.ID
			return m
		}, model.CodeNotFound},
		{"unknown session of the message", func(i *model.Issue, m *model.Message) *model.Message {
			m.SessionID = model.NewID("ses")
			return m
		}, model.CodeNotFound},
		{"message's user of another workspace", func(i *model.Issue, m *model.Message) *model.Message {
			m.UserID = stranger.User.ID
			return m
		}, model.CodeNotFound},
		{"taken issue id", func(i *model.Issue, m *model.Message) *model.Message {
			i.ID, m.IssueID = kept.ID, kept.ID
			return m
		}, model.CodeConflict},
		// The issue's row is written before the message fails.
		{"taken message id", func(i *model.Issue, m *model.Message) *model.Message {
			m.ID = keptFirst[0]
			return m
		}, model.CodeConflict},
		{"no first message", func(i *model.Issue, m *model.Message) *model.Message { return nil }, model.CodeInvalid},
		{"message of another issue", func(i *model.Issue, m *model.Message) *model.Message {
			m.IssueID = kept.ID
			return m
		}, model.CodeInvalid},
		{"message of another workspace", func(i *model.Issue, m *model.Message) *model.Message {
			m.WorkspaceID = other.ID
			return m
		}, model.CodeInvalid},
		{"unknown status", func(i *model.Issue, m *model.Message) *model.Message {
			i.Status = "pending"
			return m
		}, model.CodeInvalid},
		{"unknown author", func(i *model.Issue, m *model.Message) *model.Message {
			m.Author = "bot"
			return m
		}, model.CodeInvalid},
		// PostgreSQL cannot store these; SQLite refuses them too.
		{"NUL in the body", func(i *model.Issue, m *model.Message) *model.Message {
			m.Body = "a\x00b"
			return m
		}, model.CodeInvalid},
		{"invalid UTF-8 in the body", func(i *model.Issue, m *model.Message) *model.Message {
			m.Body = "caf\xe9"
			return m
		}, model.CodeInvalid},
	} {
		i, first := e.newIssue(ada, "never stored")
		first = tc.spoil(i, first)
		err := e.s.CreateIssue(e.ctx, i, first)
		if got := model.ErrorCode(err); got != tc.code {
			e.t.Errorf("%s: %v (code %q), want %q", tc.name, err, got, tc.code)
		}
		if got := e.issues(w, model.IssueFilter{}); !slices.Equal(got, []string{kept.ID}) {
			e.t.Errorf("%s: issues %v, want only %s", tc.name, got, kept.ID)
		}
		if i.ID != kept.ID {
			if _, err := e.s.Issue(e.ctx, i.ID); model.ErrorCode(err) != model.CodeNotFound {
				e.t.Errorf("%s: the issue was written: %v", tc.name, err)
			}
			if got := e.messages(i.ID, model.MessageFilter{}); got != nil {
				e.t.Errorf("%s: messages %v were written", tc.name, got)
			}
		}
		if first != nil && first.ID != keptFirst[0] {
			if _, err := e.s.Message(e.ctx, first.ID); model.ErrorCode(err) != model.CodeNotFound {
				e.t.Errorf("%s: the message was written: %v", tc.name, err)
			}
		}
	}
	if got := e.messages(kept.ID, model.MessageFilter{}); !slices.Equal(got, keptFirst) {
		e.t.Errorf("the kept issue's messages became %v", got)
	}
	if n, err := e.s.CountSessionMessages(e.ctx, ada.Session.ID, t0); err != nil || n != 1 {
		e.t.Errorf("CountSessionMessages = %d, %v; want 1", n, err)
	}
}

// testIssueListing: newest activity first, filters, cursors.
func testIssueListing(e *env) {
	w, other := e.workspace(), e.workspace()
	a, b := e.app(w), e.app(w)
	ka, kb := e.key(a), e.key(b)
	ada := e.login(e.newLogin(a, ka, signed(verify.UID, "ada")))
	adaB := e.login(e.newLogin(b, kb, signed(verify.UID, "ada")))
	bob := e.login(e.newLogin(a, ka, signed(verify.UID, "bob")))
	anon := e.login(e.newLogin(b, nil))

	i1 := e.issue(ada, "one")
	i2 := e.issue(bob, "two")
	i3 := e.issue(adaB, "three")
	i4 := e.issue(anon, "four")
	e.must(e.s.SetIssueStatus(e.ctx, i2.ID, model.IssueResolved, e.tick()))
	// A status change is no activity; a message is.
	e.reply(ada, i1, "still waiting")
	oa := e.app(other)
	elsewhere := e.issue(e.login(e.newLogin(oa, e.key(oa), signed(verify.UID, "ada"))), "other workspace")

	for _, tc := range []struct {
		name   string
		filter model.IssueFilter
		want   []string
	}{
		{"all, by last activity", model.IssueFilter{}, []string{i1.ID, i4.ID, i3.ID, i2.ID}},
		{"limit", model.IssueFilter{Limit: 2}, []string{i1.ID, i4.ID}},
		{"user, across apps", model.IssueFilter{UserID: ada.User.ID}, []string{i1.ID, i3.ID}},
		{"app", model.IssueFilter{AppID: b.ID}, []string{i4.ID, i3.ID}},
		{"open", model.IssueFilter{Status: model.IssueOpen}, []string{i1.ID, i4.ID, i3.ID}},
		{"resolved", model.IssueFilter{Status: model.IssueResolved}, []string{i2.ID}},
		{"user and app", model.IssueFilter{UserID: ada.User.ID, AppID: a.ID}, []string{i1.ID}},
		{"user and status", model.IssueFilter{UserID: bob.User.ID, Status: model.IssueOpen}, nil},
		{"before", model.IssueFilter{Before: i4.ID}, []string{i3.ID, i2.ID}},
		{"before and limit", model.IssueFilter{Before: i1.ID, Limit: 2}, []string{i4.ID, i3.ID}},
		{"before, of a user", model.IssueFilter{UserID: ada.User.ID, Before: i1.ID}, []string{i3.ID}},
		{"before the oldest", model.IssueFilter{Before: i2.ID}, nil},
		{"unknown cursor", model.IssueFilter{Before: model.NewID("iss")}, nil},
		{"cursor of another workspace", model.IssueFilter{Before: elsewhere.ID}, nil},
		{"unknown user", model.IssueFilter{UserID: model.NewID("usr")}, nil},
	} {
		if got := e.issues(w, tc.filter); !slices.Equal(got, tc.want) {
			e.t.Errorf("Issues(%s) = %v, want %v", tc.name, got, tc.want)
		}
	}

	// Paging with Before walks every issue once, also through issues
	// whose last activity falls in the same millisecond.
	same := e.tick()
	for range 3 {
		i, first := e.newIssue(bob, "same time")
		i.CreatedAt, i.UpdatedAt, i.LastMessageAt, first.CreatedAt = same, same, same, same
		e.must(e.s.CreateIssue(e.ctx, i, first))
	}
	var walked []string
	f := model.IssueFilter{Limit: 2}
	for {
		page := e.issues(w, f)
		if len(page) == 0 {
			break
		}
		walked = append(walked, page...)
		f.Before = page[len(page)-1]
	}
	if whole := e.issues(w, model.IssueFilter{}); !slices.Equal(walked, whole) || len(walked) != 7 {
		e.t.Errorf("paging walked %v, want %v", walked, whole)
	}
}

// testIssuePreview: the first 140 characters of the first message, cut
// between characters, unless the caller wrote one.
func testIssuePreview(e *env) {
	w := e.workspace()
	a := e.app(w)
	ada := e.login(e.newLogin(a, e.key(a), signed(verify.UID, "ada")))

	// 2-, 3- and 4-byte characters, so that a cut by bytes would split one.
	long := strings.Repeat("é日🙂", 60) // 180 characters
	for _, tc := range []struct {
		name, body, preview, want string
	}{
		{"long, multibyte", long, "", string([]rune(long)[:140])},
		{"exactly 140", strings.Repeat("日", 140), "", strings.Repeat("日", 140)},
		{"141", strings.Repeat("🙂", 141), "", strings.Repeat("🙂", 140)},
		{"short", "Où est ma commande ?", "", "Où est ma commande ?"},
		{"written by the caller", long, "My order…", "My order…"},
	} {
		i, first := e.newIssue(ada, tc.body)
		i.Preview = tc.preview
		e.must(e.s.CreateIssue(e.ctx, i, first))
		got := e.getIssue(i.ID).Preview
		if got != tc.want || !utf8.ValidString(got) {
			e.t.Errorf("%s: preview %q (%d characters), want %q", tc.name, got, utf8.RuneCountInString(got), tc.want)
		}
		if i.Preview != tc.want {
			e.t.Errorf("%s: CreateIssue set the preview to %q, want %q", tc.name, i.Preview, tc.want)
		}
		// Later messages never change it.
		e.reply(ada, i, "something else entirely")
		if got := e.getIssue(i.ID).Preview; got != tc.want {
			e.t.Errorf("%s: after a reply the preview is %q", tc.name, got)
		}
	}
}

// testMessages: oldest first, the After cursor, and what AddMessage changes
// on the issue: its last activity, never its status.
func testMessages(e *env) {
	w := e.workspace()
	a := e.app(w)
	ada := e.login(e.newLogin(a, e.key(a), signed(verify.UID, "ada")))
	i, first := e.newIssue(ada, "hello")
	e.must(e.s.CreateIssue(e.ctx, i, first))
	other := e.issue(ada, "another issue")
	m2 := e.agentReply(i, "tok_agent", "hi, how can we help?")
	m3 := e.reply(ada, i, "my order")

	for _, tc := range []struct {
		name   string
		filter model.MessageFilter
		want   []string
	}{
		{"all, oldest first", model.MessageFilter{}, []string{first.ID, m2.ID, m3.ID}},
		{"limit", model.MessageFilter{Limit: 2}, []string{first.ID, m2.ID}},
		{"after", model.MessageFilter{After: first.ID}, []string{m2.ID, m3.ID}},
		{"after and limit", model.MessageFilter{After: first.ID, Limit: 1}, []string{m2.ID}},
		{"after the newest", model.MessageFilter{After: m3.ID}, nil},
		{"unknown cursor", model.MessageFilter{After: model.NewID("msg")}, nil},
		{"cursor of another issue", model.MessageFilter{After: e.messages(other.ID, model.MessageFilter{})[0]}, nil},
	} {
		if got := e.messages(i.ID, tc.filter); !slices.Equal(got, tc.want) {
			e.t.Errorf("Messages(%s) = %v, want %v", tc.name, got, tc.want)
		}
	}
	l, err := e.s.Messages(e.ctx, i.ID, model.MessageFilter{})
	e.must(err)
	if len(l) != 3 || l[0] != storedMessage(*first) || l[1] != storedMessage(*m2) || l[2] != storedMessage(*m3) {
		e.t.Errorf("Messages =\n %+v, want what was written", l)
	}

	// AddMessage moves the last activity to the message's time.
	got := e.getIssue(i.ID)
	if !got.LastMessageAt.Equal(ms(m3.CreatedAt)) || !got.UpdatedAt.Equal(ms(m3.CreatedAt)) ||
		!got.CreatedAt.Equal(ms(i.CreatedAt)) {
		e.t.Errorf("after replies: %+v, want last activity %v", got, ms(m3.CreatedAt))
	}
	// It never touches the status: a reply to a resolved issue leaves it
	// resolved (the caller reopens it).
	e.must(e.s.SetIssueStatus(e.ctx, i.ID, model.IssueResolved, e.tick()))
	m4 := e.reply(ada, i, "thanks!")
	got = e.getIssue(i.ID)
	if got.Status != model.IssueResolved || !got.LastMessageAt.Equal(ms(m4.CreatedAt)) || !got.UpdatedAt.Equal(ms(m4.CreatedAt)) {
		e.t.Errorf("after a reply to a resolved issue: %+v", got)
	}
	e.must(e.s.SetIssueStatus(e.ctx, i.ID, model.IssueOpen, e.tick()))
	e.agentReply(i, "tok_agent", "reopened")
	if got := e.getIssue(i.ID); got.Status != model.IssueOpen {
		e.t.Errorf("an agent's reply changed the status to %q", got.Status)
	}
	// A message stamped before the last activity does not move it back.
	latest := e.getIssue(i.ID)
	late := e.userMessage(ada, i, "sent offline", m3.CreatedAt.Add(time.Millisecond))
	e.must(e.s.AddMessage(e.ctx, late))
	if got := e.getIssue(i.ID); *got != *latest {
		e.t.Errorf("a late message moved the issue back:\n %+v, was\n %+v", got, latest)
	}
	if ids := e.messages(i.ID, model.MessageFilter{}); len(ids) != 6 || ids[3] != late.ID {
		e.t.Errorf("messages %v: want the late one fourth, in its time's place", ids)
	}
	// The other issue is untouched.
	if got := e.getIssue(other.ID); *got != stored(*other) {
		e.t.Errorf("another issue changed: %+v", got)
	}

	// The message's workspace, when empty, is the issue's; another one is
	// refused as if the issue did not exist. Refusals change nothing.
	m := e.userMessage(ada, i, "no workspace", e.tick())
	m.WorkspaceID = ""
	e.must(e.s.AddMessage(e.ctx, m))
	if m.WorkspaceID != w.ID {
		e.t.Errorf("message workspace = %q, want %q", m.WorkspaceID, w.ID)
	}
	before := e.getIssue(i.ID)
	for _, tc := range []struct {
		name  string
		spoil func(m *model.Message)
		code  model.Code
	}{
		{"another workspace", func(m *model.Message) { m.WorkspaceID = e.workspace().ID }, model.CodeNotFound},
		{"taken id", func(m *model.Message) { m.ID = m2.ID }, model.CodeConflict},
		{"unknown session", func(m *model.Message) { m.SessionID = model.NewID("ses") }, model.CodeNotFound},
		{"unknown author", func(m *model.Message) { m.Author = "" }, model.CodeInvalid},
		{"NUL in the body", func(m *model.Message) { m.Body = "\x00" }, model.CodeInvalid},
	} {
		m := e.userMessage(ada, i, "refused", e.tick())
		tc.spoil(m)
		e.wantCode(e.s.AddMessage(e.ctx, m), tc.code)
		if got := e.getIssue(i.ID); *got != *before {
			e.t.Errorf("%s: a refused message changed the issue: %+v", tc.name, got)
		}
	}
	if n := len(e.messages(i.ID, model.MessageFilter{})); n != 7 {
		e.t.Errorf("%d messages, want 7", n)
	}

	// Messages of one millisecond (a user's and an agent's) come in the
	// order they were written, whatever their ids; paging with After walks
	// through them, every message once.
	same := e.tick()
	var written []string
	for n := range 6 {
		m := e.userMessage(ada, i, "same time", same)
		if n%2 == 1 {
			m.Author, m.UserID, m.SessionID, m.Verified, m.AgentID = model.AuthorAgent, "", "", false, "tok_agent"
		}
		e.must(e.s.AddMessage(e.ctx, m))
		written = append(written, m.ID)
	}
	if got := e.messages(i.ID, model.MessageFilter{After: m4.ID}); len(got) < 6 || !slices.Equal(got[len(got)-6:], written) {
		e.t.Errorf("messages of one millisecond = %v, want the order written %v", got, written)
	}
	var walked []string
	f := model.MessageFilter{Limit: 3}
	for {
		page := e.messages(i.ID, f)
		if len(page) == 0 {
			break
		}
		walked = append(walked, page...)
		f.After = page[len(page)-1]
	}
	if whole := e.messages(i.ID, model.MessageFilter{}); !slices.Equal(walked, whole) || len(walked) != 13 {
		e.t.Errorf("paging walked %v, want %v", walked, whole)
	}
}

// testIssueCounts: what a session opened and wrote after a time (a rate
// window: what happened exactly at its start no longer counts).
func testIssueCounts(e *env) {
	w := e.workspace()
	a := e.app(w)
	k := e.key(a)
	s1 := e.login(e.newLogin(a, k, signed(verify.UID, "ada")))
	s2 := e.login(e.newLogin(a, k, signed(verify.UID, "ada"))) // the same user, another session

	i1 := e.issue(s1, "one")
	e.reply(s1, i1, "more")
	i2 := e.issue(s1, "two")
	e.agentReply(i2, "tok_agent", "not the session's")
	e.reply(s2, i1, "from my other phone")
	e.issue(s2, "three")

	for _, tc := range []struct {
		name            string
		session         string
		since           time.Time
		issues, written int
	}{
		{"s1 since the start", s1.Session.ID, t0, 2, 3},
		{"s1 since its first issue (exclusive)", s1.Session.ID, i1.CreatedAt, 1, 2},
		{"s1 since just before its second issue", s1.Session.ID, i2.CreatedAt.Add(-time.Millisecond), 1, 1},
		{"s1 since its second issue", s1.Session.ID, i2.CreatedAt, 0, 0},
		{"s2", s2.Session.ID, t0, 1, 2},
		{"unknown session", model.NewID("ses"), t0, 0, 0},
	} {
		issues, err := e.s.CountSessionIssues(e.ctx, tc.session, tc.since)
		e.must(err)
		written, err := e.s.CountSessionMessages(e.ctx, tc.session, tc.since)
		e.must(err)
		if issues != tc.issues || written != tc.written {
			e.t.Errorf("%s: %d issues, %d messages; want %d, %d", tc.name, issues, written, tc.issues, tc.written)
		}
	}
}

func issueIDs(l []model.Issue) []string {
	var ids []string
	for _, i := range l {
		ids = append(ids, i.ID)
	}
	return ids
}

func messageIDs(l []model.Message) []string {
	var ids []string
	for _, m := range l {
		ids = append(ids, m.ID)
	}
	return ids
}

// testReplyReopens: Reply writes the message and reopens a resolved issue
// in one transaction; on an open issue it only writes; a reply that fails
// writes nothing and reopens nothing.
func testReplyReopens(e *env) {
	w := e.workspace()
	a := e.app(w)
	k := e.key(a)
	ada := e.login(e.newLogin(a, k, signed(verify.UID, "ada")))
	i := e.issue(ada, "my order is late")

	m := e.userMessage(ada, i, "still late", e.tick())
	reopened, err := e.s.Reply(e.ctx, m)
	e.must(err)
	if reopened || e.getIssue(i.ID).Status != model.IssueOpen {
		e.t.Errorf("a reply to an open issue: reopened = %v, status %q", reopened, e.getIssue(i.ID).Status)
	}

	e.must(e.s.SetIssueStatus(e.ctx, i.ID, model.IssueResolved, e.tick()))
	m = e.userMessage(ada, i, "it came back", e.tick())
	reopened, err = e.s.Reply(e.ctx, m)
	e.must(err)
	got := e.getIssue(i.ID)
	if !reopened || got.Status != model.IssueOpen || !got.UpdatedAt.Equal(ms(m.CreatedAt)) ||
		!got.LastMessageAt.Equal(ms(m.CreatedAt)) {
		e.t.Errorf("a reply to a resolved issue: reopened = %v, issue %+v", reopened, got)
	}

	// A reply that cannot be written (its id is taken) leaves the resolved
	// issue resolved.
	e.must(e.s.SetIssueStatus(e.ctx, i.ID, model.IssueResolved, e.tick()))
	before := e.getIssue(i.ID)
	dup := e.userMessage(ada, i, "again", e.tick())
	dup.ID = m.ID
	if reopened, err := e.s.Reply(e.ctx, dup); model.ErrorCode(err) != model.CodeConflict || reopened {
		e.t.Errorf("a reply with a taken id: reopened = %v, err = %v, want conflict", reopened, err)
	}
	if got := e.getIssue(i.ID); *got != *before {
		e.t.Errorf("a failed reply changed the issue:\n %+v, was\n %+v", got, before)
	}
}
