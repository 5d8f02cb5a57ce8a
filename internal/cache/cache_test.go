package cache_test

import (
	"context"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/signet-id/signet/internal/cache"
	"github.com/signet-id/signet/internal/events"
	"github.com/signet-id/signet/internal/login/resolution"
	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/store"
	"github.com/signet-id/signet/internal/store/sqlite"
	"github.com/signet-id/signet/internal/store/sqlstore"
	"github.com/signet-id/signet/verify"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// bus is a Local bus whose listening can be switched off, as a PostgreSQL
// listener that lost its connection.
type bus struct {
	*events.Local
	down  atomic.Bool
	epoch atomic.Uint64
}

func (b *bus) Listening() (uint64, bool) { return b.epoch.Load(), !b.down.Load() }

// twoNodes opens one SQLite database and two caches over it on one bus:
// two nodes of one deployment.
func twoNodes(t *testing.T) (db *sqlstore.Store, b *bus, a, c *cache.Store, app *model.App) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "signet.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	b = &bus{Local: events.NewLocal()}
	// The caches share the database; only one may close it.
	a = cache.New(db, b, nil, nil)
	c = cache.New(noClose{db}, b, nil, nil)
	t.Cleanup(func() { c.Close() })
	ws := &model.Workspace{ID: model.NewID("ws"), Name: "Acme", CreatedAt: t0}
	if err := db.CreateWorkspace(ctx, ws, nil); err != nil {
		t.Fatal(err)
	}
	app = &model.App{ID: model.NewID("app"), WorkspaceID: ws.ID, Name: "web", Platform: model.PlatformWeb,
		Profile: verify.Intercom, Enforcement: model.EnforcementMonitor, OnFailure: model.OnFailureReject, CreatedAt: t0, UpdatedAt: t0}
	if err := db.CreateApp(ctx, app, nil); err != nil {
		t.Fatal(err)
	}
	return db, b, a, c, app
}

type noClose struct{ *sqlstore.Store }

func (noClose) Close() error { return nil }

// within polls ok until it holds or a second passed (the bus delivers in
// milliseconds).
func within(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Second); !ok(); {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 1 s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestAppChangeIsInForceOnEveryNode(t *testing.T) {
	ctx := context.Background()
	_, _, a, c, app := twoNodes(t)
	for _, n := range []*cache.Store{a, c} {
		for range 3 {
			if got, err := n.SharedApp(ctx, app.ID); err != nil || got.Enforcement != model.EnforcementMonitor {
				t.Fatalf("SharedApp: %+v, %v", got, err)
			}
		}
	}
	if hits, _ := c.Stats(); hits < 2 {
		t.Fatalf("reads of an unchanged app were not served from the cache (%d hits)", hits)
	}
	// A copy for those who edit: changing it does not change the cache.
	cp, _ := a.App(ctx, app.ID)
	cp.Enforcement = model.EnforcementEnforce
	if got, _ := a.SharedApp(ctx, app.ID); got.Enforcement != model.EnforcementMonitor {
		t.Fatal("editing the copy App returned changed the cached app")
	}
	// Saved on node a: in force there at once, on node c within the bus's delivery.
	if err := a.UpdateApp(ctx, cp, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := a.SharedApp(ctx, app.ID); got.Enforcement != model.EnforcementEnforce {
		t.Fatal("the node that changed the app still serves the old settings")
	}
	within(t, "the other node sees the new enforcement", func() bool {
		got, _ := c.SharedApp(ctx, app.ID)
		return got.Enforcement == model.EnforcementEnforce
	})
}

func TestKeysAndSessions(t *testing.T) {
	ctx := context.Background()
	db, _, a, c, app := twoNodes(t)
	k := &model.Key{ID: model.NewID("key"), AppID: app.ID, WorkspaceID: app.WorkspaceID, Sealed: []byte("sealed-secret-bytes"),
		Fingerprint: "fp", CreatedAt: t0}
	if keys, _ := c.SharedKeys(ctx, app.ID); len(keys) != 0 {
		t.Fatalf("keys before any: %v", keys)
	}
	if err := a.CreateKey(ctx, k, nil); err != nil {
		t.Fatal(err)
	}
	within(t, "a new key reaches the other node", func() bool {
		keys, _ := c.SharedKeys(ctx, app.ID)
		return len(keys) == 1
	})

	// A session cached on both nodes, revoked on one: ended on both.
	sess := loginOnce(t, db, app, k).Session
	for _, n := range []*cache.Store{a, c} {
		for range 2 {
			if s, err := n.SessionByToken(ctx, sess.ID, sess.TokenHash); err != nil || s.RevokedAt != nil {
				t.Fatalf("session: %+v, %v", s, err)
			}
		}
	}
	if _, err := a.RevokeKey(ctx, k.ID, t0.Add(time.Minute), nil); err != nil {
		t.Fatal(err)
	}
	for name, n := range map[string]*cache.Store{"a": a, "c": c} {
		within(t, "node "+name+" sees the key's session ended", func() bool {
			s, err := n.SessionByToken(ctx, sess.ID, sess.TokenHash)
			return err == nil && s.RevokedAt != nil
		})
		within(t, "node "+name+" sees the key revoked", func() bool {
			keys, _ := n.SharedKeys(ctx, app.ID)
			return len(keys) == 1 && keys[0].RevokedAt != nil
		})
	}
}

// While the bus is not listening, nothing is served from the cache: a
// change another node made (here, straight in the database) is seen.
func TestNotListeningMeansNotTrusted(t *testing.T) {
	ctx := context.Background()
	db, b, a, _, app := twoNodes(t)
	if _, err := a.SharedApp(ctx, app.ID); err != nil {
		t.Fatal(err)
	}
	b.down.Store(true)
	changed := *app
	changed.Enforcement = model.EnforcementOff
	if err := db.UpdateApp(ctx, &changed, nil); err != nil { // no event: the bus was down
		t.Fatal(err)
	}
	if got, _ := a.SharedApp(ctx, app.ID); got.Enforcement != model.EnforcementOff {
		t.Fatal("a node whose bus is not listening served a cached app")
	}
	// Back, in a new epoch (events may have been missed): what was cached
	// before (monitor) is not served.
	changed.Enforcement = model.EnforcementEnforce
	if err := db.UpdateApp(ctx, &changed, nil); err != nil {
		t.Fatal(err)
	}
	b.down.Store(false)
	b.epoch.Add(1)
	if got, _ := a.SharedApp(ctx, app.ID); got.Enforcement != model.EnforcementEnforce {
		t.Fatalf("after the bus came back the cache served %q, want enforce", got.Enforcement)
	}
}

// loginOnce logs a new user in through app with key k.
func loginOnce(t *testing.T, db *sqlstore.Store, app *model.App, k *model.Key) *store.LoginOutcome {
	t.Helper()
	l := &store.Login{WorkspaceID: app.WorkspaceID, AppID: app.ID, Resolve: resolution.Resolve,
		Identities: []model.Identity{{Type: verify.UID, Value: "user-42", Verified: true}}}
	l.Session = model.Session{ID: model.NewID("ses"), WorkspaceID: app.WorkspaceID, AppID: app.ID, TokenHash: []byte("0123456789abcdef0123456789abcdef"),
		KeyID: k.ID, Verified: true, SignedFields: []string{"uid"}, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
	l.Attempt = model.Attempt{ID: model.NewID("att"), WorkspaceID: app.WorkspaceID, AppID: app.ID, Platform: app.Platform,
		Profile: app.Profile, Result: model.ResultVerified, KeyID: k.ID, At: t0}
	out, err := db.Login(context.Background(), l)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// A user's issue list is cached; a change made through a node is in force
// there at once, and on the others when the conversation event arrives.
func TestIssueListFollowsConversationEvents(t *testing.T) {
	ctx := context.Background()
	db, b, a, c, app := twoNodes(t)
	k := &model.Key{ID: model.NewID("key"), AppID: app.ID, WorkspaceID: app.WorkspaceID, Sealed: []byte("sealed-secret-bytes"),
		Fingerprint: "fp", CreatedAt: t0}
	if err := db.CreateKey(ctx, k, nil); err != nil {
		t.Fatal(err)
	}
	out := loginOnce(t, db, app, k)
	i := &model.Issue{ID: model.NewID("iss"), WorkspaceID: app.WorkspaceID, AppID: app.ID, UserID: out.User.ID,
		SessionID: out.Session.ID, Status: model.IssueOpen, Preview: "help", CreatedAt: t0, UpdatedAt: t0}
	first := &model.Message{ID: model.NewID("msg"), IssueID: i.ID, WorkspaceID: app.WorkspaceID, Author: model.AuthorUser,
		Body: "help", UserID: out.User.ID, SessionID: out.Session.ID, CreatedAt: t0}
	if err := a.CreateIssue(ctx, i, first); err != nil {
		t.Fatal(err)
	}
	list := func(n *cache.Store) []model.Issue {
		t.Helper()
		l, err := n.Issues(ctx, app.WorkspaceID, model.IssueFilter{UserID: out.User.ID, Limit: 20})
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	for _, n := range []*cache.Store{a, c} {
		if l := list(n); len(l) != 1 || !l[0].LastMessageAt.Equal(t0) {
			t.Fatalf("the list: %+v", l)
		}
	}
	hits, _ := c.Stats()
	list(c)
	if h, _ := c.Stats(); h != hits+1 {
		t.Fatal("a user's issue list read twice was not served from the cache")
	}
	later := t0.Add(time.Minute)
	m := &model.Message{ID: model.NewID("msg"), IssueID: i.ID, Author: model.AuthorAgent, Body: "on it", AgentID: "tok_x", CreatedAt: later}
	if err := a.AddMessage(ctx, m); err != nil {
		t.Fatal(err)
	}
	if l := list(a); !l[0].LastMessageAt.Equal(later) {
		t.Fatal("the node that added the message still lists the issue as it was")
	}
	if l := list(c); !l[0].LastMessageAt.Equal(t0) {
		t.Fatal("the other node's list changed before any event: is it cached at all?")
	}
	// The conversation service publishes this after the change.
	if err := b.Publish(ctx, events.Event{Kind: events.MessageCreated, WorkspaceID: app.WorkspaceID, IssueID: i.ID,
		UserID: out.User.ID, MessageID: m.ID}); err != nil {
		t.Fatal(err)
	}
	within(t, "the other node lists the new activity", func() bool { return list(c)[0].LastMessageAt.Equal(later) })
}
