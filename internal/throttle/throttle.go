// Package throttle holds Signet's limits: the brute-force limits on failed
// verifications (per identity, per client address), the dashboard's
// password limit, the per-session limits on new issues and messages, and the
// rate of logins that present no proof.
//
// In every limit here, checking and counting are one atomic step on a node:
// a check is admitted only while the failures counted plus the checks still
// in flight stay under the limit, so a burst of concurrent guesses gets no
// more checks than the limit allows, however they interleave.
//
// Failures are counted in memory, which answers every check without a
// database read, and durably in the database (a Counter), which every node
// shares: each node learns of the others' failures through the events bus,
// and reloads the live windows from the database whenever the bus may have
// missed something (at start, and when its listener reconnects). While the
// bus is not listening, checks read the database. Over N nodes a burst that
// starts everywhere at once can get at most N × the limit checks before the
// nodes hear of each other's failures (milliseconds); after that, the limit.
package throttle

import (
	"context"
	"math"
	"sync"
	"time"

	"github.com/signet-id/signet/internal/events"
	"github.com/signet-id/signet/internal/model"
)

// Counter is where failures are counted durably and shared between nodes:
// the database (store.Store implements it).
type Counter interface {
	// Hit counts one failure under key in a fixed window of length window
	// from the first failure, and returns the state after counting.
	Hit(ctx context.Context, key string, window time.Duration, at time.Time) (model.Throttle, error)
	// Throttled returns key's live window at `at` (Count 0 when none).
	Throttled(ctx context.Context, key string, at time.Time) (model.Throttle, error)
	// LiveThrottles returns every window still live at `at`.
	LiveThrottles(ctx context.Context, at time.Time) (map[string]model.Throttle, error)
}

// Limit is one rule: at most Max failures under a key within Window, a
// fixed window that starts at the first failure. Max < 0 turns the refusal
// off: failures are still counted (for Failures), never refused.
type Limit struct {
	Max    int
	Window time.Duration
	// SlowAfter and Delay slow guessing down before the lock: past
	// SlowAfter failures in a window, the answer to each further failure
	// is held back Delay, doubling with each failure up to MaxDelay: a
	// guesser waiting for each answer guesses slower and slower. Delay 0:
	// no slow-down.
	SlowAfter int
	Delay     time.Duration
}

// MaxDelay bounds the slow-down of one failed check.
const MaxDelay = 4 * time.Second

// delay is how long the answer to the count-th failure is held back.
func (l Limit) delay(count int) time.Duration {
	if l.Delay <= 0 || count <= l.SlowAfter {
		return 0
	}
	d := l.Delay
	for i := l.SlowAfter + 1; i < count && d < MaxDelay; i++ {
		d *= 2
	}
	return min(d, MaxDelay)
}

// On reports whether the limit refuses checks.
func (l Limit) On() bool { return l.Max >= 0 && l.Window > 0 }

// Check is one key to check against its limit.
type Check struct {
	Key   string
	Limit Limit
}

// Limiter counts failures per key and admits checks under their limits.
type Limiter struct {
	counter Counter    // nil: memory only (tests, a single process without persistence)
	bus     events.Bus // nil: this node alone
	log     func(msg string, err error)

	mu     sync.Mutex
	keys   map[string]*window
	epoch  uint64 // the bus epoch whose failures memory holds
	loaded bool   // memory holds every live window of epoch
	sub    *events.Subscription
	closed bool
	ops    int // checks since the last sweep
}

type window struct {
	count    int
	resetAt  time.Time
	inflight int
}

// New returns a Limiter over counter (the database; nil keeps counts in
// memory only) that hears other nodes through bus (nil: a single node).
// onError, when set, receives failures to publish a count (a count still
// lands in the database; other nodes then learn it at their next reload).
func New(counter Counter, bus events.Bus, onError func(msg string, err error)) *Limiter {
	if onError == nil {
		onError = func(string, error) {}
	}
	return &Limiter{counter: counter, bus: bus, log: onError, keys: map[string]*window{}}
}

// listen applies the counts other nodes publish until sub ends; a lost
// subscription makes the next check subscribe again and reload.
func (l *Limiter) listen(sub *events.Subscription) {
	for e := range sub.C {
		l.mu.Lock()
		l.merge(e.ThrottleKey, model.Throttle{Count: e.Count, ResetAt: time.UnixMilli(e.ResetAt).UTC()})
		l.mu.Unlock()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.sub == sub {
		l.loaded = false
	}
}

// Close stops listening to the bus.
func (l *Limiter) Close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	if l.sub != nil {
		l.sub.Close()
	}
}

// merge keeps the newer of what memory knows and t; the caller holds mu.
func (l *Limiter) merge(key string, t model.Throttle) {
	if t.Count <= 0 {
		return
	}
	w := l.keys[key]
	if w == nil {
		w = &window{}
		l.keys[key] = w
	}
	switch {
	case t.ResetAt.After(w.resetAt):
		w.count, w.resetAt = t.Count, t.ResetAt
	case t.ResetAt.Equal(w.resetAt) && t.Count > w.count:
		w.count = t.Count
	}
}

// trusted reports whether memory holds every live failure, reloading the
// live windows when the bus moved to a new epoch; the caller holds mu.
func (l *Limiter) trusted(ctx context.Context, now time.Time) (bool, error) {
	if l.counter == nil {
		return true, nil
	}
	var epoch uint64
	if l.bus != nil {
		var ok bool
		if epoch, ok = l.bus.Listening(); !ok {
			return false, nil
		}
	}
	if l.loaded && epoch == l.epoch {
		return true, nil
	}
	if l.bus != nil && !l.closed {
		// Subscribe before reading, so that no count falls between the two.
		if l.sub != nil {
			l.sub.Close()
		}
		l.sub = l.bus.Subscribe(func(e events.Event) bool { return e.Kind == events.FailureCounted })
		go l.listen(l.sub)
	}
	live, err := l.counter.LiveThrottles(ctx, now)
	if err != nil {
		return false, err
	}
	for k, t := range live {
		l.merge(k, t)
	}
	l.epoch, l.loaded = epoch, true
	return true, nil
}

// fresh returns the database's windows of checks' keys when memory cannot
// be trusted to hold every failure (the bus is not listening), read
// without holding the lock; nil otherwise.
func (l *Limiter) fresh(ctx context.Context, now time.Time, checks []Check) ([]model.Throttle, error) {
	l.mu.Lock()
	ok, err := l.trusted(ctx, now)
	l.mu.Unlock()
	if err != nil || ok {
		return nil, err
	}
	// The bus may have missed other nodes' failures: ask the database.
	out := make([]model.Throttle, len(checks))
	for i, c := range checks {
		if out[i], err = l.counter.Throttled(ctx, c.Key, now); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Ticket is an admitted check; Done ends it.
type Ticket struct {
	l      *Limiter
	checks []Check
	done   bool
}

// Try admits one check of every key against its limit, atomically: when a
// key's failures in its window plus the checks in flight reach its Max, it
// answers rate_limited with Retry-After (the window's end) and admits
// nothing. Keys that are "" are skipped; a key whose limit is off is
// counted, never refused. Errors:
// rate_limited, or the Counter's (database unavailable).
func (l *Limiter) Try(ctx context.Context, now time.Time, checks ...Check) (*Ticket, error) {
	on := checks[:0:0]
	for _, c := range checks {
		if c.Key != "" && c.Limit.Window > 0 {
			on = append(on, c)
		}
	}
	fresh, err := l.fresh(ctx, now, on)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, t := range fresh {
		l.merge(on[i].Key, t)
	}
	l.sweep(now)
	for _, c := range on {
		w := l.keys[c.Key]
		if w == nil || !c.Limit.On() {
			continue
		}
		count := w.inflight
		if now.Before(w.resetAt) {
			count += w.count
		}
		if count >= c.Limit.Max {
			wait := w.resetAt.Sub(now)
			if !now.Before(w.resetAt) {
				wait = c.Limit.Window // only checks in flight: their window has not begun
			}
			return nil, RateLimited(wait, "too many failed attempts; try again later")
		}
	}
	for _, c := range on {
		w := l.keys[c.Key]
		if w == nil {
			w = &window{}
			l.keys[c.Key] = w
		}
		w.inflight++
	}
	return &Ticket{l: l, checks: on}, nil
}

// Done ends the check. When it failed, the failure is counted under every
// key: in memory at once, in the database, and on the other nodes; when a
// key is past its SlowAfter, Done then waits its delay (or until ctx ends)
// before it returns, so the answer to the guess comes late. Calling Done
// again does nothing. Errors: the Counter's.
func (t *Ticket) Done(ctx context.Context, now time.Time, failed bool) error {
	if t == nil || t.done {
		return nil
	}
	t.done = true
	l := t.l
	var err error
	var wait time.Duration
	for _, c := range t.checks {
		var counted model.Throttle
		if failed && l.counter != nil {
			var herr error
			if counted, herr = l.counter.Hit(ctx, c.Key, c.Limit.Window, now); herr != nil {
				err = herr
			}
		}
		l.mu.Lock()
		w := l.keys[c.Key]
		if w != nil {
			w.inflight--
		}
		if failed {
			if counted.Count == 0 { // memory only, or the database failed: count here
				counted = l.countLocked(c.Key, c.Limit.Window, now)
			} else {
				l.merge(c.Key, counted)
			}
		}
		if w != nil && w.inflight == 0 && (w.count == 0 || !now.Before(w.resetAt)) {
			delete(l.keys, c.Key)
		}
		l.mu.Unlock()
		if failed {
			wait = max(wait, c.Limit.delay(counted.Count))
		}
		if failed && l.bus != nil && counted.Count > 0 {
			e := events.Event{Kind: events.FailureCounted, ThrottleKey: c.Key, Count: counted.Count, ResetAt: counted.ResetAt.UnixMilli()}
			if perr := l.bus.Publish(context.WithoutCancel(ctx), e); perr != nil {
				l.log("throttle: a failure count was not published to the other nodes", perr)
			}
		}
	}
	if wait > 0 {
		// The failure is counted already: waiting holds back only this
		// answer, never another check's admission.
		timer := time.NewTimer(wait)
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
		}
	}
	return err
}

// countLocked counts one failure in memory; the caller holds mu.
func (l *Limiter) countLocked(key string, length time.Duration, now time.Time) model.Throttle {
	w := l.keys[key]
	if w == nil {
		w = &window{}
		l.keys[key] = w
	}
	if !now.Before(w.resetAt) {
		w.count, w.resetAt = 0, now.Add(length)
	}
	w.count++
	return model.Throttle{Count: w.count, ResetAt: w.resetAt}
}

// Failures returns the failures counted under key in its live window at
// now, without counting (the failures-then-success signal). In the common
// case, no recent failure, it reads nothing from the database.
func (l *Limiter) Failures(ctx context.Context, key string, now time.Time) (model.Throttle, error) {
	fresh, err := l.fresh(ctx, now, []Check{{Key: key}})
	if err != nil {
		return model.Throttle{}, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if fresh != nil {
		l.merge(key, fresh[0])
	}
	w := l.keys[key]
	if w == nil || !now.Before(w.resetAt) {
		return model.Throttle{}, nil
	}
	return model.Throttle{Count: w.count, ResetAt: w.resetAt}, nil
}

// sweep drops ended windows now and then, so memory holds only keys with
// live failures or checks in flight; the caller holds mu.
func (l *Limiter) sweep(now time.Time) {
	if l.ops++; l.ops < 1024 {
		return
	}
	l.ops = 0
	for k, w := range l.keys {
		if w.inflight == 0 && !now.Before(w.resetAt) {
			delete(l.keys, k)
		}
	}
}

// RateLimited is the error of a refused check: rate_limited, with
// Retry-After rounded up to whole seconds (at least one).
func RateLimited(wait time.Duration, message string) error {
	secs := math.Ceil(wait.Seconds())
	if secs < 1 {
		secs = 1
	}
	return &model.Error{Code: model.CodeRateLimited, Message: message, RetryAfter: time.Duration(secs) * time.Second}
}
