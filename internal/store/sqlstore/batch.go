package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/store"
	"github.com/signet-id/signet/verify"
)

// Group commit. Concurrent logins (and rejected attempts) share one
// transaction: one goroutine, the committer, takes every write waiting in
// its queue, writes them all in one transaction, commits once, and only
// then answers each. While a batch commits, the next one gathers, so the
// cost of a commit — a WAL sync on SQLite under synchronous=FULL, a round
// trip and a WAL flush on PostgreSQL — is paid once per batch, not per
// login.
//
// A returning user's login (store.Login.Holder set, every verified identity
// already the holder's) writes only rows of its own and refreshes the
// holder's identities: those rows are written with one multi-row statement
// per table for the whole batch. Any other login — a new user, a link, a
// conflict, a hand-over — runs the full resolution (login.go) inside the
// batch's transaction under a savepoint, so that its failure undoes its own
// writes only. A batch whose shared statements fail is written again login
// by login, each in its own transaction: a failure in one login of a batch
// fails that login alone.

// maxBatch bounds the logins of one transaction, which bounds how long the
// writer holds its locks.
const maxBatch = 128

// job is one login (or one rejected attempt, or another write) waiting for
// its commit.
type job struct {
	login   *store.Login   // nil for a rejected attempt alone, or a write
	attempt *model.Attempt // the rejected attempt, when login is nil
	// write, when set, is another transaction's work (inBatch), run under
	// a savepoint of its own.
	write    func(ctx context.Context, tx *Tx) error
	verified []model.Identity
	claims   []model.Identity

	out  *store.LoginOutcome
	err  error
	done chan struct{}
}

// committer runs the batches: Dialect.Committers goroutines, each taking
// every write waiting when it is free.
type committer struct {
	s     *Store
	queue chan *job

	mu      sync.RWMutex // held for reading while submitting; closing takes it
	closed  bool
	running sync.WaitGroup

	marksMu sync.Mutex
	marks   map[string]int64 // key id → the last use this node recorded (ms)
}

func newCommitter(s *Store) *committer {
	c := &committer{s: s, queue: make(chan *job, 4*maxBatch)}
	for range max(1, s.d.Committers) {
		c.running.Add(1)
		go c.run()
	}
	return c
}

// errClosed answers a write submitted after Close.
var errClosed = &model.Error{Code: model.CodeUnavailable, Message: "the database is closing"}

// submit queues j and waits for its commit. It does not give up when ctx
// ends: a queued login is written, and its answer is the commit's.
func (c *committer) submit(ctx context.Context, j *job) error {
	c.mu.RLock()
	if c.closed {
		c.mu.RUnlock()
		return errClosed
	}
	select {
	case c.queue <- j:
	case <-ctx.Done():
		c.mu.RUnlock()
		return ctx.Err()
	}
	c.mu.RUnlock()
	<-j.done
	return j.err
}

// close stops taking writes and returns once every queued one is written.
func (c *committer) close() {
	c.mu.Lock()
	if !c.closed {
		c.closed = true
		close(c.queue)
	}
	c.mu.Unlock()
	c.running.Wait()
}

func (c *committer) run() {
	defer c.running.Done()
	for first := range c.queue {
		jobs := []*job{first}
	gather:
		for len(jobs) < maxBatch {
			select {
			case j, ok := <-c.queue:
				if !ok {
					break gather
				}
				jobs = append(jobs, j)
			default:
				break gather
			}
		}
		c.commit(jobs)
		c.markKeysUsed(keysUsed(jobs))
		for _, j := range jobs {
			close(j.done)
		}
	}
}

// batchTimeout bounds one batch's transaction.
const batchTimeout = 30 * time.Second

// commit writes jobs in one transaction, or, when that fails for another
// reason than an outage, each alone and table by table (writeShared), so
// that a failure is one login's and says which of its rows failed.
func (c *committer) commit(jobs []*job) {
	ctx, cancel := context.WithTimeout(context.Background(), batchTimeout)
	defer cancel()
	err := c.s.inTx(ctx, func(tx *Tx) error { return c.s.writeBatch(ctx, tx, jobs, false) })
	if err == nil {
		return
	}
	// A login alone was written table by table already, except in one
	// statement of arrays.
	if c.s.Unavailable(err) || (len(jobs) == 1 && !c.s.d.Arrays) {
		for _, j := range jobs {
			j.fail(err)
		}
		return
	}
	for _, j := range jobs {
		one := []*job{j}
		if err := c.s.inTx(ctx, func(tx *Tx) error { return c.s.writeBatch(ctx, tx, one, true) }); err != nil {
			j.fail(err)
		}
	}
}

// fail answers j with err; nothing of it was written.
func (j *job) fail(err error) {
	j.out = nil
	j.err = err
	if j.write == nil {
		j.err = wrap("login", err)
	}
	if j.login != nil {
		j.login.Session.UserID, j.login.Attempt.UserID = "", ""
	}
}

// writeBatch writes jobs inside tx. What fails one job alone is set as its
// error and nothing of it stays written; an error returned fails the
// transaction (inTx may run it again from the start). byTable writes the
// shared rows a statement per table (writeShared).
func (s *Store) writeBatch(ctx context.Context, tx *Tx, jobs []*job, byTable bool) error {
	for _, j := range jobs {
		j.out, j.err = nil, nil
		if j.login != nil {
			j.login.Session.UserID, j.login.Attempt.UserID = "", ""
		}
	}
	if err := s.guardKeys(ctx, tx, jobs); err != nil {
		return err
	}
	claimed, err := s.claimTokens(ctx, tx, jobs)
	if err != nil {
		return err
	}
	if err := s.readHolders(ctx, tx, jobs); err != nil {
		return err
	}
	var w batchWrites
	for i, j := range jobs {
		switch {
		case j.err != nil:
		case j.write != nil:
			failed, err := s.savepoint(ctx, tx, i, j.write)
			if err != nil {
				return err
			}
			j.err = failed
		case j.login == nil:
			w.attempts = append(w.attempts, j.attempt)
		case returning(j):
			if err := s.returningLogin(ctx, tx, j, &w); err != nil {
				return err
			}
		default:
			if err := s.fullLogin(ctx, tx, j, i); err != nil {
				return err
			}
		}
	}
	if err := s.unclaimFailed(ctx, tx, claimed); err != nil {
		return err
	}
	return s.writeShared(ctx, tx, &w, byTable)
}

// errReplayed answers a login whose one-time token was used before.
var errReplayed = &model.Error{Code: model.Code(verify.ReasonReplayed), Message: "this token was already used to log in"}

// claimTokens claims the one-time tokens (store.Login.OneTimeToken) of the
// batch's logins not failed yet, with one multi-row statement per chunk:
// what the database inserted is theirs; a login whose token was there
// already, or was claimed by an earlier login of the batch, fails with
// errReplayed. In the batch's transaction: a batch rolled back (and run
// again, or login by login) frees its claims; concurrent batches of other
// nodes wait on the row and then find it. It returns the logins that
// claimed a token.
func (s *Store) claimTokens(ctx context.Context, tx *Tx, jobs []*job) ([]*job, error) {
	type key struct{ app, jti string }
	first := map[key]*job{}
	for _, j := range jobs {
		if j.err != nil || j.login == nil || j.login.OneTimeToken == nil {
			continue
		}
		k := key{j.login.AppID, j.login.OneTimeToken.JTI}
		if _, ok := first[k]; ok {
			j.err = errReplayed
			continue
		}
		first[k] = j
	}
	if len(first) == 0 {
		return nil, nil
	}
	// One order for every batch: two batches never wait for each other's
	// rows in opposite orders.
	keys := slices.SortedFunc(maps.Keys(first), func(a, b key) int {
		return cmp.Or(cmp.Compare(a.app, b.app), cmp.Compare(a.jti, b.jti))
	})
	inserted := make(map[key]bool, len(keys))
	for chunk := range slices.Chunk(keys, s.batchRows()) {
		args := make([]any, 0, 3*len(chunk))
		for _, k := range chunk {
			args = append(args, k.app, k.jti, millis(first[k].login.OneTimeToken.ExpiresAt))
		}
		rows, err := tx.QueryContext(ctx, `
			INSERT INTO used_tokens (app_id, jti, expires_at) VALUES `+rowsOf(len(chunk), 3, "", 0)+`
			ON CONFLICT DO NOTHING RETURNING app_id, jti`, args...)
		if err != nil {
			return nil, fmt.Errorf("claim one-time tokens: %w", err)
		}
		for rows.Next() {
			var k key
			if err := rows.Scan(&k.app, &k.jti); err != nil {
				rows.Close()
				return nil, fmt.Errorf("claim one-time tokens: %w", err)
			}
			inserted[k] = true
		}
		if err := rows.Close(); err != nil {
			return nil, fmt.Errorf("claim one-time tokens: %w", err)
		}
	}
	var claimed []*job
	for _, k := range keys {
		if j := first[k]; inserted[k] {
			claimed = append(claimed, j)
		} else {
			j.err = errReplayed
		}
	}
	return claimed, nil
}

// unclaimFailed frees the one-time tokens of the logins that claimed one
// and then failed for another reason: nothing of a failed login stays
// written, its claim included.
func (s *Store) unclaimFailed(ctx context.Context, tx *Tx, claimed []*job) error {
	for _, j := range claimed {
		if j.err == nil {
			continue
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM used_tokens WHERE app_id = $1 AND jti = $2`,
			j.login.AppID, j.login.OneTimeToken.JTI); err != nil {
			return fmt.Errorf("free a one-time token: %w", err)
		}
	}
	return nil
}

// guardKeys locks the row of each key the batch's logins verified with, in
// share mode (Dialect.ShareRow: other batches may too, and the key's last
// use may still be recorded), until the commit, and fails the logins of a
// key revoked since they verified (or unknown). RevokeKey, which locks that
// row exclusively before it changes it, therefore waits for the batch, and
// then ends the sessions it wrote.
func (s *Store) guardKeys(ctx context.Context, tx *Tx, jobs []*job) error {
	keys := map[string]bool{}
	for _, j := range jobs {
		if j.login != nil && j.login.Session.KeyID != "" {
			keys[j.login.Session.KeyID] = true
		}
	}
	for _, keyID := range slices.Sorted(maps.Keys(keys)) { // one lock order for every batch
		var live bool
		err := tx.QueryRowContext(ctx, `SELECT revoked_at IS NULL FROM keys WHERE id = $1`+s.d.ShareRow, keyID).Scan(&live)
		var refusal error
		switch {
		case errors.Is(err, sql.ErrNoRows):
			refusal = model.Errorf(model.CodeNotFound, "key %s not found", keyID)
		case err != nil:
			return fmt.Errorf("lock key: %w", err)
		case !live:
			refusal = model.Errorf(model.CodeConflict, "key %s was revoked during the login", keyID)
		}
		if refusal == nil {
			continue
		}
		for _, j := range jobs {
			if j.login != nil && j.login.Session.KeyID == keyID {
				j.err = refusal
			}
		}
	}
	return nil
}

// keysUsed returns, per key, the last login of jobs that it verified and
// that was written.
func keysUsed(jobs []*job) map[string]time.Time {
	last := map[string]time.Time{}
	for _, j := range jobs {
		if j.login == nil || j.err != nil || j.login.Session.KeyID == "" {
			continue
		}
		if at, seen := last[j.login.Session.KeyID]; !seen || j.login.Session.CreatedAt.After(at) {
			last[j.login.Session.KeyID] = j.login.Session.CreatedAt
		}
	}
	return last
}

// markKeysUsed records the keys' last use, to the second, once their
// logins committed and before they are answered. Outside the batch's
// transaction: concurrent batches hold the key's row in share mode, and two
// of them updating it would wait for each other. A key this node marked
// within the last second is left as it is, so this costs a statement a
// second per key at most. A failure only leaves the last use older (the
// store never logs).
func (c *committer) markKeysUsed(last map[string]time.Time) {
	ctx, cancel := context.WithTimeout(context.Background(), batchTimeout)
	defer cancel()
	for _, keyID := range slices.Sorted(maps.Keys(last)) {
		at := millis(last[keyID])
		c.marksMu.Lock()
		marked, ok := c.marks[keyID]
		if !ok || marked <= at-1000 {
			if c.marks == nil || len(c.marks) > 10_000 {
				c.marks = map[string]int64{}
			}
			c.marks[keyID] = at
		}
		c.marksMu.Unlock()
		if ok && marked > at-1000 {
			continue
		}
		c.s.writer.ExecContext(ctx, `
			UPDATE keys SET last_used_at = $2
			WHERE id = $1 AND (last_used_at IS NULL OR last_used_at <= $3)`, keyID, at, at-1000)
	}
}

// needsHolder reports whether j is a verified login that came without its
// holder (store.Login.Holder): the batch reads it (readHolders).
func needsHolder(j *job) bool {
	l := j.login
	return j.err == nil && l != nil && l.Holder == nil && !l.Anonymous && l.HandOver == "" && len(j.verified) > 0
}

// readHolders reads, inside the batch's transaction, the holder of each
// verified login that came without one: the user holding the first of its
// verified identities that someone holds, with their identities, as
// login.Service would have read it. A few statements serve the whole batch
// (one per chunk of identities, one per chunk of holders), on the writer's
// connection, whose pages the batch keeps warm. A login whose identities
// nobody holds keeps no holder (a new user: the full resolution).
func (s *Store) readHolders(ctx context.Context, tx *Tx, jobs []*job) error {
	var wanted []heldIdentity
	index := map[heldIdentity]int{}
	for _, j := range jobs {
		if !needsHolder(j) {
			continue
		}
		for _, id := range j.verified {
			h := heldIdentity{j.login.WorkspaceID, identityKey{id.Type, id.Value}}
			if _, ok := index[h]; !ok {
				index[h] = len(wanted)
				wanted = append(wanted, h)
			}
		}
	}
	if len(wanted) == 0 {
		return nil
	}
	holdersOf := s.holdersByLists
	if s.d.Arrays {
		holdersOf = s.holdersByArrays
	}
	holderOf, users, err := holdersOf(ctx, tx, wanted)
	if err != nil {
		return err
	}
	for _, j := range jobs {
		if !needsHolder(j) {
			continue
		}
		for _, id := range j.verified {
			if u := users[holderOf[index[heldIdentity{j.login.WorkspaceID, identityKey{id.Type, id.Value}}]]]; u != nil {
				j.login.Holder = u
				break
			}
		}
	}
	return nil
}

// heldIdentity is an identity of a workspace whose holder a batch reads.
type heldIdentity struct {
	ws string
	k  identityKey
}

// holdersByLists reads the holder of each wanted identity, then the
// holders with all their identities, with a statement per chunk of each:
// holderOf[n] is the id of wanted[n]'s holder ("" when nobody holds it
// verified), users the holders. holdersByArrays does it in one statement.
func (s *Store) holdersByLists(ctx context.Context, tx *Tx, wanted []heldIdentity) ([]string, map[string]*model.User, error) {
	holderOf := make([]string, len(wanted))
	for start := 0; start < len(wanted); start += s.batchRows() {
		chunk := wanted[start:min(start+s.batchRows(), len(wanted))]
		var q strings.Builder
		args := make([]any, 0, 3*len(chunk))
		for n, h := range chunk {
			if n > 0 {
				q.WriteString(" UNION ALL ")
			}
			fmt.Fprintf(&q, "SELECT %d, user_id FROM identities WHERE workspace_id = $%d AND type = $%d AND value = $%d AND verified",
				n, 3*n+1, 3*n+2, 3*n+3)
			args = append(args, h.ws, h.k.typ, h.k.value)
		}
		rows, err := tx.QueryContext(ctx, q.String(), args...)
		if err != nil {
			return nil, nil, fmt.Errorf("identity holders: %w", err)
		}
		for rows.Next() {
			var n int
			var userID string
			if err := rows.Scan(&n, &userID); err != nil {
				rows.Close()
				return nil, nil, fmt.Errorf("identity holders: %w", err)
			}
			holderOf[start+n] = userID
		}
		if err := rows.Close(); err != nil {
			return nil, nil, fmt.Errorf("identity holders: %w", err)
		}
	}
	var ids []string
	for _, id := range holderOf {
		if id != "" && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	users := make(map[string]*model.User, len(ids))
	for chunk := range slices.Chunk(ids, s.batchRows()) {
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := tx.QueryContext(ctx, `
			SELECT `+userWithIdentities+` FROM users u JOIN identities i ON i.user_id = u.id
			WHERE u.id IN (`+list(len(chunk))+`) ORDER BY u.id, i.created_at, i.type, i.value`, args...)
		if err != nil {
			return nil, nil, fmt.Errorf("identity holders: %w", err)
		}
		found, err := scanUsers(rows)
		if err != nil {
			return nil, nil, fmt.Errorf("identity holders: %w", err)
		}
		for _, u := range found {
			users[u.ID] = u
		}
	}
	return holderOf, users, nil
}

// returning reports whether j is a returning user's login: the caller saw
// one user hold every identity it verified, and every claim it sends, and
// nothing moves to it. A verified identity never changes holder, so what
// the caller saw still holds inside the transaction.
func returning(j *job) bool {
	l := j.login
	if l.Holder == nil || l.Anonymous || l.HandOver != "" || len(j.verified) == 0 || l.Holder.WorkspaceID != l.WorkspaceID {
		return false
	}
	for _, id := range j.verified {
		if h, ok := findIdentity(l.Holder, identityKey{id.Type, id.Value}); !ok || !h.Verified {
			return false
		}
	}
	for _, id := range j.claims {
		if _, ok := findIdentity(l.Holder, identityKey{id.Type, id.Value}); !ok {
			return false
		}
	}
	return true
}

// batchWrites gathers the rows a batch's returning logins write.
type batchWrites struct {
	sessions   []*model.Session
	attempts   []*model.Attempt
	identities []identityRow // verified, refreshed (last one per key wins)
	claims     []identityRow
	names      map[string]userName // user id → name
}

// userName is a display name as a login sets it.
type userName struct {
	name   string
	signed bool
}

type identityRow struct {
	userID, workspaceID string
	id                  model.Identity
}

// returningLogin plans a returning user's login: its rows join the batch's
// shared statements, and its outcome is the holder as read, refreshed. Its
// resolution reads the holder as the caller read it, except for the
// helpshift-legacy check, which reads the holder's identities again inside
// the transaction.
func (s *Store) returningLogin(ctx context.Context, tx *Tx, j *job, w *batchWrites) error {
	l := j.login
	u := l.Holder
	f := &store.LoginFacts{Verified: j.verified, Claims: j.claims, Holders: make([]string, len(j.verified)),
		ExactSplit: l.ExactSplit}
	for i := range f.Holders {
		f.Holders[i] = u.ID
	}
	held := slices.DeleteFunc(slices.Clone(u.Identities), func(id model.Identity) bool { return !id.Verified })
	if l.ExactSplit {
		var err error
		if held, err = heldVerified(ctx, tx, u.ID); err != nil {
			return err
		}
	}
	f.Held = map[string][]model.Identity{u.ID: held}
	res, err := l.Resolve(f)
	switch {
	case err != nil:
		j.err = err
		return nil
	case res.UserID != u.ID || len(res.Conflicts) > 0:
		return fmt.Errorf("a returning login resolved to another user than its holder")
	}
	out := &store.LoginOutcome{User: *u}
	out.User.Identities = slices.Clone(u.Identities)
	if l.Name != "" {
		if l.Name != u.Name || l.NameSigned != u.NameSigned {
			if w.names == nil {
				w.names = map[string]userName{}
			}
			w.names[u.ID] = userName{l.Name, l.NameSigned}
		}
		out.User.Name, out.User.NameSigned = l.Name, l.NameSigned
	}
	for _, id := range res.Attach {
		id = asStored(id)
		i := slices.IndexFunc(out.User.Identities, func(h model.Identity) bool { return h.Type == id.Type && h.Value == id.Value })
		out.User.Identities[i] = id
		w.identities = append(w.identities, identityRow{u.ID, l.WorkspaceID, id})
	}
	for _, id := range res.Changed {
		out.Changed = append(out.Changed, asStored(id))
	}
	for _, id := range res.Claims {
		id = asStored(id)
		i := slices.IndexFunc(out.User.Identities, func(h model.Identity) bool { return h.Type == id.Type && h.Value == id.Value })
		h := &out.User.Identities[i]
		h.SeenAt = id.SeenAt
		if !h.Verified {
			h.Metadata, h.AppID = id.Metadata, id.AppID
		}
		w.claims = append(w.claims, identityRow{u.ID, l.WorkspaceID, id})
	}
	l.Session.UserID, l.Attempt.UserID = u.ID, u.ID
	w.sessions = append(w.sessions, &l.Session)
	w.attempts = append(w.attempts, &l.Attempt)
	out.Session = l.Session
	j.out = out
	return nil
}

// asStored is id with its times as the database keeps them (milliseconds),
// so that a returning user's outcome equals what a read would give.
func asStored(id model.Identity) model.Identity {
	id.SeenAt = fromMillis(millis(id.SeenAt))
	if id.VerifiedAt != nil {
		at := fromMillis(millis(*id.VerifiedAt))
		id.VerifiedAt = &at
	}
	return id
}

// fullLogin runs the whole resolution of a login under a savepoint: its
// failure undoes its own writes and is its answer alone. A login that lost
// a race for a new verified identity runs again (it finds the winner).
func (s *Store) fullLogin(ctx context.Context, tx *Tx, j *job, n int) error {
	for try := 1; ; try++ {
		var out *store.LoginOutcome
		failed, err := s.savepoint(ctx, tx, n, func(ctx context.Context, tx *Tx) error {
			var err error
			out, err = s.login(ctx, tx, j.login, j.verified, j.claims)
			return err
		})
		switch {
		case err != nil:
			return err
		case failed == nil:
			j.out = out
			return nil
		}
		j.login.Session.UserID, j.login.Attempt.UserID = "", ""
		switch {
		case errors.Is(failed, errIdentityRace) && try < loginTries:
			continue
		case errors.Is(failed, errIdentityRace):
			j.err = model.Errorf(model.CodeConflict, "concurrent logins kept racing for the same identity; try again")
		case errors.Is(failed, store.ErrSplitMismatch):
			j.err = failed
		default:
			j.err = wrap("login", failed)
		}
		return nil
	}
}

// inBatch runs fn in the transaction of the next batch (group commit) when
// the dialect batches such writes (Dialect.BatchOtherWrites), under a
// savepoint of its own, and in a transaction of its own otherwise: its
// error is its caller's alone, and undoes what it wrote. fn must use the ctx it is given (the batch's): the
// caller's may end while others share the transaction. It may run more
// than once (the batch is written again after a deadlock, or alone).
func (s *Store) inBatch(ctx context.Context, fn func(ctx context.Context, tx *Tx) error) error {
	if !s.d.BatchOtherWrites {
		return s.inTx(ctx, func(tx *Tx) error { return fn(ctx, tx) })
	}
	return s.commits.submit(ctx, &job{write: fn, done: make(chan struct{})})
}

// savepoint runs fn under a savepoint named after the job's place n in
// the batch. fn's error (failed) is that job's alone: what fn wrote is
// rolled back to the savepoint. err fails the whole transaction: a
// deadlock (inTx runs the batch again), an outage, or the savepoint itself.
func (s *Store) savepoint(ctx context.Context, tx *Tx, n int, fn func(ctx context.Context, tx *Tx) error) (failed, err error) {
	sp := "job_" + strconv.Itoa(n)
	if _, err := tx.Tx.ExecContext(ctx, "SAVEPOINT "+sp); err != nil {
		return nil, fmt.Errorf("savepoint: %w", err)
	}
	if failed = fn(ctx, tx); failed == nil {
		if _, err := tx.Tx.ExecContext(ctx, "RELEASE SAVEPOINT "+sp); err != nil {
			return nil, fmt.Errorf("release savepoint: %w", err)
		}
		return nil, nil
	}
	if s.d.IsRetryable(failed) || s.Unavailable(failed) {
		return nil, failed
	}
	if _, err := tx.Tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT "+sp); err != nil {
		return nil, fmt.Errorf("rollback to savepoint: %w", err)
	}
	return failed, nil
}

// maxRows bounds the rows of one multi-row statement, far under either
// database's limit on parameters.
const maxRows = 200

// batchRows is how many rows one statement writes (Dialect.BatchRows).
func (s *Store) batchRows() int {
	if s.d.BatchRows > 0 {
		return min(s.d.BatchRows, maxRows)
	}
	return maxRows
}

// writeShared writes the batch's shared rows, a multi-row statement per
// table (and per maxRows rows), or all in one statement of arrays where the
// database takes them and that saves a round trip, unless byTable. A login
// alone goes in one statement too: three round trips fewer, and at a few
// hundred logins a second most batches hold one or two; a rejected attempt
// alone is one statement either way. Should that statement fail, commit
// writes the login again table by table (byTable), where a session or a
// log entry that clashes gets its own error code (createSession,
// insertAttempt).
func (s *Store) writeShared(ctx context.Context, tx *Tx, w *batchWrites, byTable bool) error {
	if s.d.Arrays && !byTable && (len(w.sessions) > 0 || len(w.attempts) > 1) {
		if done, err := s.sharedByArrays(ctx, tx, w); done || err != nil {
			return err
		}
	}
	for _, id := range slices.Sorted(maps.Keys(w.names)) {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET name = $2, name_signed = $3 WHERE id = $1`,
			id, w.names[id].name, w.names[id].signed); err != nil {
			return fmt.Errorf("update user: %w", err)
		}
	}
	// One row per identity: PostgreSQL refuses a statement that updates a
	// row twice. The last login of the batch wins, as it would in turn.
	ids := lastPerIdentity(w.identities)
	for chunk := range slices.Chunk(ids, s.batchRows()) {
		args := make([]any, 0, len(chunk)*9)
		for _, r := range chunk {
			args = append(args, r.userID, r.workspaceID, r.id.Type, r.id.Value, encodeMetadata(r.id.Metadata),
				nullString(r.id.AppID), nullString(r.id.KeyID), millis(r.id.SeenAt), nullMillis(r.id.VerifiedAt))
		}
		// A returning login's identities are verified already: the
		// refresh leaves `verified` alone, since a statement that sets it,
		// even to the value it has, rewrites the row's entry in the partial
		// unique index over verified identities (on SQLite, one more page
		// of the batch's WAL per login). A row that is no longer verified
		// is skipped and counted out; the chunk is then written again,
		// verifying it as before.
		n, err := affected(tx.ExecContext(ctx, refreshIdentities(len(chunk), false), args...))
		if err == nil && n < len(chunk) {
			_, err = tx.ExecContext(ctx, refreshIdentities(len(chunk), true), args...)
		}
		if err != nil {
			return fmt.Errorf("refresh identities: %w", err)
		}
	}
	for chunk := range slices.Chunk(lastPerIdentity(w.claims), s.batchRows()) {
		args := make([]any, 0, len(chunk)*7)
		for _, r := range chunk {
			args = append(args, r.userID, r.workspaceID, r.id.Type, r.id.Value, encodeMetadata(r.id.Metadata),
				nullString(r.id.AppID), millis(r.id.SeenAt))
		}
		// As attachClaim: a claim never changes what a signature verified.
		_, err := tx.ExecContext(ctx, `
			INSERT INTO identities (user_id, workspace_id, type, value, metadata, app_id, seen_at, verified, key_id,
				created_at)
			VALUES `+rowsOf(len(chunk), 7, "FALSE, NULL", 7)+`
			ON CONFLICT (user_id, type, value) DO UPDATE SET seen_at = excluded.seen_at,
				metadata = CASE WHEN identities.verified THEN identities.metadata ELSE excluded.metadata END,
				app_id = CASE WHEN identities.verified THEN identities.app_id ELSE excluded.app_id END`, args...)
		if err != nil {
			return fmt.Errorf("refresh claims: %w", err)
		}
	}
	for chunk := range slices.Chunk(w.sessions, s.batchRows()) {
		if len(chunk) == 1 { // its errors say what failed
			if err := s.createSession(ctx, tx, chunk[0]); err != nil {
				return err
			}
			continue
		}
		args := make([]any, 0, len(chunk)*15)
		for _, ss := range chunk {
			args = append(args, ss.ID, ss.WorkspaceID, ss.AppID, ss.UserID, ss.TokenHash, nullString(ss.KeyID), ss.Verified,
				ss.Anonymous, encodeStrings(ss.SignedFields), ss.DeviceID, ss.AppVersion, millis(ss.CreatedAt),
				millis(ss.ExpiresAt), nullMillis(ss.RevokedAt), ss.RevokeReason)
		}
		_, err := tx.ExecContext(ctx, `
			INSERT INTO sessions (id, workspace_id, app_id, user_id, token_hash, key_id, verified, anonymous,
				signed_fields, device_id, app_version, created_at, expires_at, revoked_at, revoke_reason)
			VALUES `+rowsOf(len(chunk), 15, "", 0), args...)
		if err != nil {
			return fmt.Errorf("create sessions: %w", err)
		}
	}
	for chunk := range slices.Chunk(w.attempts, s.batchRows()) {
		if len(chunk) == 1 {
			if err := s.insertAttempt(ctx, tx, chunk[0]); err != nil {
				return err
			}
			continue
		}
		args := make([]any, 0, len(chunk)*15)
		for _, a := range chunk {
			args = append(args, a.ID, a.WorkspaceID, a.AppID, a.Platform, a.Profile, a.AppVersion, a.Result,
				a.Reason, a.Cause, a.Diagnosis, a.KeyID, nullString(a.UserID), millis(a.At), a.ClaimedUserID, a.ClaimedEmail)
		}
		_, err := tx.ExecContext(ctx, `
			INSERT INTO attempts (id, workspace_id, app_id, platform, profile, app_version, result,
				reason, cause, diagnosis, key_id, user_id, at, claimed_user_id, claimed_email)
			VALUES `+rowsOf(len(chunk), 15, "", 0), args...)
		if err != nil {
			return fmt.Errorf("insert attempts: %w", err)
		}
	}
	return nil
}

// refreshIdentities writes n verified identities (9 parameters each): a
// row that exists is refreshed, and set verified when setVerified;
// otherwise only a row already verified is (the others are skipped, and
// not counted).
func refreshIdentities(n int, setVerified bool) string {
	set, where := "", " WHERE identities.verified"
	if setVerified {
		set, where = "verified = TRUE, ", ""
	}
	return `
		INSERT INTO identities (user_id, workspace_id, type, value, metadata, app_id, key_id, seen_at, verified_at,
			verified, created_at)
		VALUES ` + rowsOf(n, 9, "TRUE", 8) + `
		ON CONFLICT (user_id, type, value) DO UPDATE SET ` + set + `metadata = excluded.metadata,
			app_id = excluded.app_id, key_id = excluded.key_id, seen_at = excluded.seen_at,
			verified_at = excluded.verified_at` + where
}

// lastPerIdentity keeps the last row of each (user, type, value), sorted:
// concurrent batches then lock the rows they share in one order, and do
// not deadlock on them.
func lastPerIdentity(rows []identityRow) []identityRow {
	type key struct {
		user string
		id   identityKey
	}
	at := map[key]int{}
	var out []identityRow
	for _, r := range rows {
		k := key{r.userID, identityKey{r.id.Type, r.id.Value}}
		if i, ok := at[k]; ok {
			out[i] = r
			continue
		}
		at[k] = len(out)
		out = append(out, r)
	}
	slices.SortFunc(out, compareIdentityRows)
	return out
}

// compareIdentityRows orders identity rows by user, type and value.
func compareIdentityRows(a, b identityRow) int {
	return cmp.Or(cmp.Compare(a.userID, b.userID), cmp.Compare(a.id.Type, b.id.Type), cmp.Compare(a.id.Value, b.id.Value))
}

// list writes n placeholders: "$1, $2, $3".
func list(n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		if i > 1 {
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(i))
	}
	return b.String()
}

// rowsOf writes n rows of `per` placeholders each: "($1, $2), ($3, $4)".
// When extra is set, each row ends with it and then with a copy of its
// placeholder number `repeat` (1-based), as in "($1, …, $9, TRUE, $8)".
func rowsOf(n, per int, extra string, repeat int) string {
	var b strings.Builder
	for r := range n {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for c := 1; c <= per; c++ {
			if c > 1 {
				b.WriteString(", ")
			}
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(r*per + c))
		}
		if extra != "" {
			b.WriteString(", " + extra + ", $" + strconv.Itoa(r*per+repeat))
		}
		b.WriteByte(')')
	}
	return b.String()
}
