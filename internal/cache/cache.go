// Package cache keeps on each node what logins and authenticated requests
// read again and again but what rarely changes — apps, their keys, sessions —
// and keeps it true on every node through the events bus.
//
// Store wraps the database's store.Store: reads of apps, keys and sessions
// are served from memory; every method that changes them (a setting, a key
// created, retired or revoked, sessions ended) drops what it changed on this
// node before it returns, then publishes an event that drops it on the
// others (within the bus's delivery time: milliseconds on PostgreSQL's
// LISTEN/NOTIFY). Whatever the bus cannot vouch for is not trusted: while
// the bus is not listening every read goes to the database, and when it
// listens again (a new epoch, in which events may have been missed) the
// cache starts empty.
//
// What is returned from the cache is a copy: callers may change it (the
// admin API edits an app it read, then saves it) without touching what
// other requests see. SharedApp and SharedKeys are the exception, for the
// login path: they return the shared values, which no one may change (and
// whose keys' last use is not kept up to date).
package cache

import (
	"cmp"
	"context"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/signet-id/signet/internal/events"
	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/store"
)

// Bounds on what one node keeps. Past them the oldest-looking half is
// dropped: a miss costs one read, never a wrong answer.
const (
	maxApps     = 20_000
	maxSessions = 200_000
	// sessionTTL bounds how long a session stays cached even when nothing
	// says it changed: a safety net under the bus, not what keeps the
	// promise (revocation is in force on every node within the bus's
	// delivery time).
	sessionTTL = time.Minute
	// appTTL likewise for an app and its keys.
	appTTL = 5 * time.Minute
	// listTTL likewise for a user's issue list, shorter: its events are
	// published after the change, best effort (a failed publish is logged).
	listTTL  = 10 * time.Second
	maxLists = 100_000
)

// Store is a store.Store whose apps, keys and sessions are cached on this
// node and invalidated on every node through the bus.
type Store struct {
	store.Store
	bus events.Bus
	log *slog.Logger
	now func() time.Time

	mu       sync.RWMutex
	apps     map[string]*appEntry
	sessions map[string]*sessionEntry         // by string(token hash)
	lists    map[string]map[string]*listEntry // a user's first pages of issues: by user, then workspace and limit
	epoch    uint64                           // the bus epoch the entries belong to

	// gen changes on every invalidation: a read from the database that
	// started before an invalidation does not fill the cache with what it
	// read (it may be the old value).
	gen atomic.Uint64
	// sub is the current subscription; trusted is false while it is being
	// replaced (it was lost: events may have been missed).
	sub     *events.Subscription
	trusted atomic.Bool
	stop    chan struct{} // closed by Close
	closed  atomic.Bool

	hits, misses atomic.Uint64
}

type appEntry struct {
	app    *model.App
	keys   []model.Key // nil until read
	filled time.Time
}

type sessionEntry struct {
	s      model.Session
	filled time.Time
}

type listEntry struct {
	issues []model.Issue
	filled time.Time
}

// New wraps st with a cache kept true through bus. now is the clock for
// the safety-net ages (nil: time.Now); log receives lost subscriptions.
func New(st store.Store, bus events.Bus, now func() time.Time, log *slog.Logger) *Store {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := &Store{Store: st, bus: bus, log: log, now: now,
		apps: map[string]*appEntry{}, sessions: map[string]*sessionEntry{}, lists: map[string]map[string]*listEntry{},
		stop: make(chan struct{})}
	c.subscribe()
	go c.listen()
	return c
}

func invalidation(e events.Event) bool {
	return e.Kind == events.AppChanged || e.Kind == events.SessionsEnded || e.Kind == events.IssuesMoved || e.Kind.Conversation()
}

// subscribe takes a new subscription and starts over with an empty cache:
// what was cached before may have missed an event.
func (c *Store) subscribe() {
	c.trusted.Store(false)
	sub := c.bus.Subscribe(invalidation)
	c.mu.Lock()
	c.sub = sub
	c.flushLocked()
	c.mu.Unlock()
	c.trusted.Store(!sub.Lost())
}

// listen applies the invalidations the bus delivers, until the bus closes.
func (c *Store) listen() {
	for {
		c.mu.RLock()
		sub := c.sub
		c.mu.RUnlock()
		for e := range sub.C {
			c.apply(e)
		}
		// The subscription ended: lost (events may have been missed), or
		// the bus closed.
		c.trusted.Store(false)
		if c.closed.Load() {
			return
		}
		if _, ok := c.bus.Listening(); !ok {
			// Closed or reconnecting: wait a little rather than spin.
			select {
			case <-time.After(50 * time.Millisecond):
			case <-c.stop:
				return
			}
		}
		c.log.Debug("cache: the invalidation subscription was lost; starting over empty")
		c.subscribe()
	}
}

// Close stops listening to the bus (the bus itself is the caller's).
func (c *Store) Close() error {
	if c.closed.Swap(true) {
		return nil
	}
	close(c.stop)
	c.mu.Lock()
	sub := c.sub
	c.mu.Unlock()
	sub.Close()
	return c.Store.Close()
}

// apply drops what an event says changed.
func (c *Store) apply(e events.Event) {
	c.gen.Add(1)
	c.mu.Lock()
	defer c.mu.Unlock()
	switch e.Kind {
	case events.AppChanged:
		delete(c.apps, e.AppID)
		if e.AppID == "*" {
			clear(c.apps)
		}
	case events.IssueCreated, events.IssueStatus, events.MessageCreated, events.IssuesMoved:
		delete(c.lists, e.UserID)
	case events.SessionsEnded:
		for h, s := range c.sessions {
			if s.s.ID == e.SessionID || e.UserID != "" && s.s.UserID == e.UserID ||
				e.AppID != "" && s.s.AppID == e.AppID || e.KeyID != "" && s.s.KeyID == e.KeyID {
				delete(c.sessions, h)
			}
		}
	}
}

func (c *Store) flushLocked() {
	clear(c.apps)
	clear(c.sessions)
	clear(c.lists)
}

// usable reports whether the cache may answer now; when the bus's epoch
// moved on since the entries were made, it starts over empty.
func (c *Store) usable() bool {
	epoch, ok := c.bus.Listening()
	if !ok || !c.trusted.Load() {
		return false
	}
	c.mu.RLock()
	same := c.epoch == epoch
	c.mu.RUnlock()
	if same {
		return true
	}
	c.gen.Add(1)
	c.mu.Lock()
	if c.epoch != epoch {
		c.flushLocked()
		c.epoch = epoch
	}
	c.mu.Unlock()
	return true
}

// Stats reports the cache's hits and misses since start (for metrics).
func (c *Store) Stats() (hits, misses uint64) { return c.hits.Load(), c.misses.Load() }

// SharedApp returns the app, shared: the caller must not change it. Errors
// as store.Store.App.
func (c *Store) SharedApp(ctx context.Context, id string) (*model.App, error) {
	if c.usable() {
		c.mu.RLock()
		e := c.apps[id]
		c.mu.RUnlock()
		if e != nil && c.now().Sub(e.filled) < appTTL {
			c.hits.Add(1)
			return e.app, nil
		}
	}
	c.misses.Add(1)
	gen := c.gen.Load()
	a, err := c.Store.App(ctx, id)
	if err != nil {
		return nil, err
	}
	c.fill(gen, func() {
		if len(c.apps) >= maxApps {
			halve(c.apps)
		}
		c.apps[id] = &appEntry{app: a, filled: c.now()}
	})
	return a, nil
}

// SharedKeys returns the app's keys in every state, shared: the caller must
// not change them. Errors as store.Store.AppKeys.
func (c *Store) SharedKeys(ctx context.Context, appID string) ([]model.Key, error) {
	if c.usable() {
		c.mu.RLock()
		e := c.apps[appID]
		var keys []model.Key
		if e != nil && e.keys != nil && c.now().Sub(e.filled) < appTTL {
			keys = e.keys
		}
		c.mu.RUnlock()
		if keys != nil {
			c.hits.Add(1)
			return keys, nil
		}
	}
	c.misses.Add(1)
	gen := c.gen.Load()
	keys, err := c.Store.AppKeys(ctx, appID)
	if err != nil {
		return nil, err
	}
	if keys == nil {
		keys = []model.Key{}
	}
	c.fill(gen, func() {
		if e := c.apps[appID]; e != nil {
			e.keys = keys
		}
	})
	return keys, nil
}

// fill runs add under the lock unless an invalidation happened since gen
// was read (what was read may be stale) or the cache may not answer now.
func (c *Store) fill(gen uint64, add func()) {
	epoch, ok := c.bus.Listening()
	if !ok || !c.trusted.Load() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen.Load() != gen || c.epoch != epoch {
		return
	}
	add()
}

// halve drops about half of m's entries (map order is random enough).
func halve[V any](m map[string]V) {
	n := len(m) / 2
	for k := range m {
		if n == 0 {
			return
		}
		delete(m, k)
		n--
	}
}

// App returns a copy of the cached app; see store.Store.
func (c *Store) App(ctx context.Context, id string) (*model.App, error) {
	a, err := c.SharedApp(ctx, id)
	if err != nil {
		return nil, err
	}
	cp := *a
	return &cp, nil
}

// AppKeys is not cached: what staff read of keys includes their last
// use, which every login moves. SharedKeys (the login path) is.

// SessionByToken returns the session, from the cache when it holds it;
// see store.Store. Entries are keyed by the token's hash: the store
// compared it when it filled the entry, and a token that names a session
// hashes to its entry only if it names that session.
func (c *Store) SessionByToken(ctx context.Context, sessionID string, hash []byte) (*model.Session, error) {
	if c.usable() {
		c.mu.RLock()
		e := c.sessions[string(hash)]
		var s model.Session
		if e != nil {
			s = e.s
		}
		c.mu.RUnlock()
		if e != nil && (sessionID == "" || s.ID == sessionID) && c.now().Sub(e.filled) < sessionTTL {
			c.hits.Add(1)
			return &s, nil
		}
	}
	c.misses.Add(1)
	gen := c.gen.Load()
	s, err := c.Store.SessionByToken(ctx, sessionID, hash)
	if err != nil {
		return nil, err
	}
	if s.RevokedAt == nil { // an ended session is not asked for often
		cp := *s
		c.fill(gen, func() {
			if len(c.sessions) >= maxSessions {
				halve(c.sessions)
			}
			c.sessions[string(hash)] = &sessionEntry{s: cp, filled: c.now()}
		})
	}
	return s, nil
}

// Issues lists a workspace's issues; see store.Store. The SDK's list — a
// user's first page, no other filter — is cached until a conversation
// event names the user (an issue opened, resolved or reopened, a message
// added: published on every node after the change) or their issues move.
func (c *Store) Issues(ctx context.Context, workspaceID string, f model.IssueFilter) ([]model.Issue, error) {
	if f.UserID == "" || f.AppID != "" || f.Status != "" || f.Before != "" {
		return c.Store.Issues(ctx, workspaceID, f)
	}
	key := workspaceID + "\x00" + strconv.Itoa(f.Limit)
	if c.usable() {
		c.mu.RLock()
		e := c.lists[f.UserID][key]
		var out []model.Issue
		if e != nil && c.now().Sub(e.filled) < listTTL {
			out = slices.Clone(e.issues)
		}
		c.mu.RUnlock()
		if e != nil && out != nil {
			c.hits.Add(1)
			return out, nil
		}
	}
	c.misses.Add(1)
	gen := c.gen.Load()
	l, err := c.Store.Issues(ctx, workspaceID, f)
	if err != nil {
		return nil, err
	}
	if l == nil {
		l = []model.Issue{}
	}
	kept := slices.Clone(l)
	c.fill(gen, func() {
		if len(c.lists) >= maxLists {
			halve(c.lists)
		}
		if c.lists[f.UserID] == nil {
			c.lists[f.UserID] = map[string]*listEntry{}
		}
		c.lists[f.UserID][key] = &listEntry{issues: kept, filled: c.now()}
	})
	return l, nil
}

// dropLists drops the user's cached issue lists on this node (the
// conversation service tells the other nodes, with its own events).
func (c *Store) dropLists(userID string) {
	if userID != "" {
		c.apply(events.Event{Kind: events.IssuesMoved, UserID: userID})
	}
}

// issueUser returns the user of an issue, or "" when it cannot be read.
func (c *Store) issueUser(ctx context.Context, issueID string) string {
	if i, err := c.Store.Issue(ctx, issueID); err == nil {
		return i.UserID
	}
	return ""
}

// CreateIssue stores an issue; see store.Store.
func (c *Store) CreateIssue(ctx context.Context, i *model.Issue, first *model.Message) error {
	err := c.Store.CreateIssue(ctx, i, first)
	c.dropLists(i.UserID)
	return err
}

// AddMessage appends a message; see store.Store.
func (c *Store) AddMessage(ctx context.Context, m *model.Message) error {
	err := c.Store.AddMessage(ctx, m)
	if m.Author == model.AuthorUser && m.UserID != "" {
		c.dropLists(m.UserID) // a user writes to their own issues only
	} else {
		c.dropLists(c.issueUser(ctx, m.IssueID))
	}
	return err
}

// Reply appends a user's reply, reopening a resolved issue; see store.Store.
func (c *Store) Reply(ctx context.Context, m *model.Message) (bool, error) {
	reopened, err := c.Store.Reply(ctx, m)
	c.dropLists(cmp.Or(m.UserID, c.issueUser(ctx, m.IssueID)))
	return reopened, err
}

// SetIssueStatus resolves or reopens an issue; see store.Store.
func (c *Store) SetIssueStatus(ctx context.Context, id string, status model.IssueStatus, at time.Time) error {
	err := c.Store.SetIssueStatus(ctx, id, status, at)
	c.dropLists(c.issueUser(ctx, id))
	return err
}

// changed drops what e names on this node at once, then tells the others.
func (c *Store) changed(ctx context.Context, e events.Event) {
	c.apply(e)
	if err := c.bus.Publish(context.WithoutCancel(ctx), e); err != nil {
		// The other nodes may keep a stale entry until their safety-net
		// age runs out; say so loudly.
		c.log.WarnContext(ctx, "cache: an invalidation was not published to the other nodes", "kind", string(e.Kind), "err", err)
	}
}

func (c *Store) appChanged(ctx context.Context, appID string) {
	c.changed(ctx, events.Event{Kind: events.AppChanged, AppID: appID})
}

// CreateApp stores a; see store.Store.
func (c *Store) CreateApp(ctx context.Context, a *model.App, audit *model.AuditEntry) error {
	if err := c.Store.CreateApp(ctx, a, audit); err != nil {
		return err
	}
	c.appChanged(ctx, a.ID) // a cached not_found is never kept, but be plain
	return nil
}

// UpdateApp saves a's settings; see store.Store.
func (c *Store) UpdateApp(ctx context.Context, a *model.App, audit *model.AuditEntry) error {
	err := c.Store.UpdateApp(ctx, a, audit)
	c.appChanged(ctx, a.ID) // also on error: the change may have committed
	return err
}

// CreateKey stores k; see store.Store.
func (c *Store) CreateKey(ctx context.Context, k *model.Key, audit *model.AuditEntry) error {
	err := c.Store.CreateKey(ctx, k, audit)
	c.appChanged(ctx, k.AppID)
	return err
}

// RetireKey sets the end of a key's grace period; see store.Store.
func (c *Store) RetireKey(ctx context.Context, id string, until time.Time, audit *model.AuditEntry) error {
	err := c.Store.RetireKey(ctx, id, until, audit)
	c.keyChanged(ctx, id, false)
	return err
}

// RevokeKey revokes a key and ends its sessions; see store.Store.
func (c *Store) RevokeKey(ctx context.Context, id string, at time.Time, audit *model.AuditEntry) (int, error) {
	n, err := c.Store.RevokeKey(ctx, id, at, audit)
	c.keyChanged(ctx, id, true)
	return n, err
}

// SyncJWKS makes the app's JWKS keys those of a fetched set; see
// store.Store. When a key changed, the app's keys are dropped on every
// node, whose verifiers are then built again with the new set.
func (c *Store) SyncJWKS(ctx context.Context, appID string, keys []model.Key, fetch *model.JWKSFetch) (bool, error) {
	changed, err := c.Store.SyncJWKS(ctx, appID, keys, fetch)
	if changed || err != nil {
		c.appChanged(ctx, appID) // also on error: the change may have committed
	}
	return changed, err
}

// keyChanged drops the key's app and, when its sessions ended, them.
func (c *Store) keyChanged(ctx context.Context, keyID string, sessionsEnded bool) {
	if k, err := c.Store.Key(ctx, keyID); err == nil {
		c.appChanged(ctx, k.AppID)
	} else {
		c.appChanged(ctx, "*")
	}
	if sessionsEnded {
		c.changed(ctx, events.Event{Kind: events.SessionsEnded, KeyID: keyID})
	}
}

// ResealKeys rewrites every key's sealed secret; see store.Store.
func (c *Store) ResealKeys(ctx context.Context, reseal func(k *model.Key) ([]byte, error)) (int, error) {
	n, err := c.Store.ResealKeys(ctx, reseal)
	c.appChanged(ctx, "*")
	return n, err
}

// RevokeSession ends one session; see store.Store.
func (c *Store) RevokeSession(ctx context.Context, id, reason string, at time.Time, audit *model.AuditEntry) error {
	err := c.Store.RevokeSession(ctx, id, reason, at, audit)
	c.changed(ctx, events.Event{Kind: events.SessionsEnded, SessionID: id})
	return err
}

// RevokeUserSessions ends a user's sessions; see store.Store.
func (c *Store) RevokeUserSessions(ctx context.Context, userID, reason string, at time.Time, audit *model.AuditEntry) (int, error) {
	n, err := c.Store.RevokeUserSessions(ctx, userID, reason, at, audit)
	c.changed(ctx, events.Event{Kind: events.SessionsEnded, UserID: userID})
	return n, err
}

// RevokeAppSessions ends an app's sessions; see store.Store.
func (c *Store) RevokeAppSessions(ctx context.Context, appID, reason string, at time.Time, audit *model.AuditEntry) (int, error) {
	n, err := c.Store.RevokeAppSessions(ctx, appID, reason, at, audit)
	c.changed(ctx, events.Event{Kind: events.SessionsEnded, AppID: appID})
	return n, err
}

// RevokeAPIToken revokes an API token; see store.Store. Tokens are not
// cached, but the streams a token opened, on every node, close on the event.
func (c *Store) RevokeAPIToken(ctx context.Context, id string, at time.Time, audit *model.AuditEntry) error {
	err := c.Store.RevokeAPIToken(ctx, id, at, audit)
	c.changed(ctx, events.Event{Kind: events.TokenRevoked, TokenID: id})
	return err
}

// UpdateAccount changes an account; the tokens it revoked close their
// streams on every node. See store.Store.
func (c *Store) UpdateAccount(ctx context.Context, ch *store.AccountChange) ([]string, error) {
	ended, err := c.Store.UpdateAccount(ctx, ch)
	c.tokensRevoked(ctx, ended)
	return ended, err
}

// DeleteAccount deletes an account; see UpdateAccount and store.Store.
func (c *Store) DeleteAccount(ctx context.Context, id string, at time.Time, audit *model.AuditEntry) ([]string, error) {
	ended, err := c.Store.DeleteAccount(ctx, id, at, audit)
	c.tokensRevoked(ctx, ended)
	return ended, err
}

// RedeemReset sets a password with a reset token; see UpdateAccount and
// store.Store.
func (c *Store) RedeemReset(ctx context.Context, hash []byte, passwordHash string, at time.Time, audit *model.AuditEntry) (*model.Account, []string, error) {
	acc, ended, err := c.Store.RedeemReset(ctx, hash, passwordHash, at, audit)
	c.tokensRevoked(ctx, ended)
	return acc, ended, err
}

// tokensRevoked tells every node that these tokens were revoked.
func (c *Store) tokensRevoked(ctx context.Context, ids []string) {
	for _, id := range ids {
		c.changed(ctx, events.Event{Kind: events.TokenRevoked, TokenID: id})
	}
}

// Login writes a login; when it handed an anonymous session over, that
// session ended. See store.Store.
func (c *Store) Login(ctx context.Context, l *store.Login) (*store.LoginOutcome, error) {
	out, err := c.Store.Login(ctx, l)
	if l.HandOver != "" {
		c.changed(ctx, events.Event{Kind: events.SessionsEnded, SessionID: l.HandOver})
		if err == nil && out.HandedOver > 0 {
			c.changed(ctx, events.Event{Kind: events.IssuesMoved, WorkspaceID: out.User.WorkspaceID, UserID: out.User.ID})
		}
	}
	return out, err
}

// DeleteApp deletes an app; see store.Store. Every node drops the app and
// its sessions at once, and the live streams of those sessions end.
func (c *Store) DeleteApp(ctx context.Context, id string, at time.Time, audit *model.AuditEntry) (int, error) {
	n, err := c.Store.DeleteApp(ctx, id, at, audit)
	c.appChanged(ctx, id) // also on error: the change may have committed
	c.changed(ctx, events.Event{Kind: events.SessionsEnded, AppID: id})
	return n, err
}

// DeleteWorkspace deletes a workspace; see store.Store. Every node drops
// its apps and their sessions, and the streams its API tokens and
// dashboard sessions opened end, at once.
func (c *Store) DeleteWorkspace(ctx context.Context, id string, at time.Time, audit *model.AuditEntry) (int, error) {
	// What to announce is read first: afterwards it is gone.
	apps, err := c.Store.Apps(ctx, id)
	if err != nil {
		return 0, err
	}
	tokens, err := c.Store.APITokens(ctx, id)
	if err != nil {
		return 0, err
	}
	n, err := c.Store.DeleteWorkspace(ctx, id, at, audit)
	for _, a := range apps {
		c.appChanged(ctx, a.ID)
		c.changed(ctx, events.Event{Kind: events.SessionsEnded, AppID: a.ID})
	}
	for _, t := range tokens {
		c.changed(ctx, events.Event{Kind: events.TokenRevoked, TokenID: t.ID})
	}
	return n, err
}
