package throttle

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/signet-id/signet/internal/events"
	"github.com/signet-id/signet/internal/model"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// memCounter is a Counter in memory that counts its calls: it stands for
// the database in the tests that are about the limiter's own logic (the
// database's Hit and LiveThrottles run in storetest on both databases).
type memCounter struct {
	mu    sync.Mutex
	m     map[string]model.Throttle
	reads atomic.Int64
	hits  atomic.Int64
}

func (c *memCounter) Hit(_ context.Context, key string, window time.Duration, at time.Time) (model.Throttle, error) {
	c.hits.Add(1)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]model.Throttle{}
	}
	t := c.m[key]
	if !at.Before(t.ResetAt) {
		t = model.Throttle{ResetAt: at.Add(window)}
	}
	t.Count++
	c.m[key] = t
	return t, nil
}

func (c *memCounter) Throttled(_ context.Context, key string, at time.Time) (model.Throttle, error) {
	c.reads.Add(1)
	c.mu.Lock()
	defer c.mu.Unlock()
	if t := c.m[key]; at.Before(t.ResetAt) {
		return t, nil
	}
	return model.Throttle{}, nil
}

func (c *memCounter) LiveThrottles(_ context.Context, at time.Time) (map[string]model.Throttle, error) {
	c.reads.Add(1)
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]model.Throttle{}
	for k, t := range c.m {
		if at.Before(t.ResetAt) {
			out[k] = t
		}
	}
	return out, nil
}

// A burst of concurrent checks, each failing, is admitted at most Max
// times, however the goroutines interleave; the rest are refused at once.
func TestBurstIsAdmittedAtMostMax(t *testing.T) {
	ctx := context.Background()
	l := New(&memCounter{}, nil, nil)
	lim := Limit{Max: 10, Window: 15 * time.Minute}
	var admitted, refused atomic.Int64
	start := make(chan struct{})
	var wg sync.WaitGroup
	for range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			tk, err := l.Try(ctx, t0, Check{"id:victim", lim}, Check{"ip:a", Limit{Max: -1, Window: lim.Window}})
			if err != nil {
				if model.ErrorCode(err) != model.CodeRateLimited {
					t.Errorf("Try: %v", err)
				}
				refused.Add(1)
				return
			}
			admitted.Add(1)
			time.Sleep(time.Millisecond) // the verification, during which others arrive
			if err := tk.Done(ctx, t0, true); err != nil {
				t.Error(err)
			}
		}()
	}
	close(start)
	wg.Wait()
	if admitted.Load() != 10 || refused.Load() != 190 {
		t.Fatalf("admitted %d, refused %d; want 10 and 190", admitted.Load(), refused.Load())
	}
	// The address's limit is off: counted all the same, never refusing.
	if f, _ := l.Failures(ctx, "ip:a", t0); f.Count != 10 {
		t.Errorf("failures under a limit that is off = %d, want 10", f.Count)
	}
}

// Successes are not counted; failures are, until their window ends; the
// refusal says how long to wait.
func TestWindow(t *testing.T) {
	ctx := context.Background()
	c := &memCounter{}
	l := New(c, nil, nil)
	lim := Limit{Max: 2, Window: 10 * time.Minute}
	try := func(at time.Time) (*Ticket, error) { return l.Try(ctx, at, Check{"k", lim}) }
	for range 5 {
		tk, err := try(t0)
		if err != nil {
			t.Fatal(err)
		}
		tk.Done(ctx, t0, false)
	}
	for i := range 2 {
		tk, err := try(t0.Add(time.Duration(i) * time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		tk.Done(ctx, t0.Add(time.Duration(i)*time.Minute), true)
	}
	_, err := try(t0.Add(5 * time.Minute))
	var e *model.Error
	if model.ErrorCode(err) != model.CodeRateLimited || !errorAs(err, &e) || e.RetryAfter != 5*time.Minute {
		t.Fatalf("third failure's check: %v, want rate_limited with Retry-After 5m", err)
	}
	if c.hits.Load() != 2 {
		t.Errorf("the database counted %d failures, want 2 (successes are not counted)", c.hits.Load())
	}
	if _, err := try(t0.Add(10 * time.Minute)); err != nil {
		t.Errorf("when the window ended: %v", err)
	}
}

func errorAs(err error, e **model.Error) bool {
	me, ok := err.(*model.Error)
	*e = me
	return ok
}

// A check with no recent failure reads nothing from the database once the
// live windows are loaded: the common login pays no read for the limiter.
func TestNoReadInTheCommonCase(t *testing.T) {
	ctx := context.Background()
	c := &memCounter{}
	bus := events.NewLocal()
	l := New(c, bus, nil)
	defer l.Close()
	lim := Limit{Max: 5, Window: time.Minute}
	for i := range 100 {
		tk, err := l.Try(ctx, t0, Check{"id:" + string(rune('a'+i%26)), lim})
		if err != nil {
			t.Fatal(err)
		}
		tk.Done(ctx, t0, false)
		if _, err := l.Failures(ctx, "id:z", t0); err != nil {
			t.Fatal(err)
		}
	}
	if n := c.reads.Load(); n != 1 {
		t.Errorf("%d database reads for 200 checks, want 1 (the first load)", n)
	}
}

// Two limiters on one bus (two nodes) learn each other's failures: what
// one counts, the other refuses, without reading the database.
func TestNodesShareCountsThroughTheBus(t *testing.T) {
	ctx := context.Background()
	c := &memCounter{}
	bus := events.NewLocal()
	a, b := New(c, bus, nil), New(c, bus, nil)
	defer a.Close()
	defer b.Close()
	lim := Limit{Max: 3, Window: time.Minute}
	if tk, err := b.Try(ctx, t0, Check{"k", Limit{Max: 100, Window: time.Minute}}); err != nil { // b loads, subscribes
		t.Fatal(err)
	} else {
		tk.Done(ctx, t0, false)
	}
	for range 3 {
		tk, err := a.Try(ctx, t0, Check{"k", lim})
		if err != nil {
			t.Fatal(err)
		}
		tk.Done(ctx, t0, true)
	}
	reads := c.reads.Load()
	// The bus delivers asynchronously (milliseconds): wait for it.
	for deadline := time.Now().Add(time.Second); ; {
		tk, err := b.Try(ctx, t0, Check{"k", lim})
		if model.ErrorCode(err) == model.CodeRateLimited {
			break
		}
		tk.Done(ctx, t0, false)
		if time.Now().After(deadline) {
			t.Fatalf("the other node still admits checks past the limit after 1 s: %v", err)
		}
		time.Sleep(time.Millisecond)
	}
	if c.reads.Load() != reads {
		t.Errorf("the other node read the database to learn the count")
	}
}

// A node whose bus may have missed events reloads from the database.
func TestLostBusReloads(t *testing.T) {
	ctx := context.Background()
	c := &memCounter{}
	for range 4 {
		c.Hit(ctx, "k", time.Minute, t0) // counted by a node this one never heard
	}
	bus := &fakeBus{Local: events.NewLocal()}
	l := New(c, bus, nil)
	defer l.Close()
	lim := Limit{Max: 4, Window: time.Minute}
	if _, err := l.Try(ctx, t0, Check{"k", lim}); model.ErrorCode(err) != model.CodeRateLimited {
		t.Fatalf("the failures counted before this node started were not loaded: %v", err)
	}
	// Not listening: every check asks the database.
	bus.down.Store(true)
	reads := c.reads.Load()
	if _, err := l.Try(ctx, t0, Check{"other", lim}); err != nil {
		t.Fatal(err)
	}
	if c.reads.Load() == reads {
		t.Error("a check while the bus is not listening read nothing from the database")
	}
	// Listening again in a new epoch: the windows are loaded again.
	c.Hit(ctx, "missed", time.Minute, t0)
	c.Hit(ctx, "missed", time.Minute, t0)
	bus.down.Store(false)
	bus.epoch.Add(1)
	if _, err := l.Try(ctx, t0, Check{"missed", Limit{Max: 2, Window: time.Minute}}); model.ErrorCode(err) != model.CodeRateLimited {
		t.Errorf("failures counted while the bus was down were not loaded: %v", err)
	}
}

type fakeBus struct {
	*events.Local
	down  atomic.Bool
	epoch atomic.Uint64
}

func (b *fakeBus) Listening() (uint64, bool) { return b.epoch.Load(), !b.down.Load() }

func TestRate(t *testing.T) {
	r := &Rate{Max: 3, Window: time.Minute}
	for i := range 3 {
		if ok, _ := r.Allow("a", t0.Add(time.Duration(i)*time.Second)); !ok {
			t.Fatalf("event %d refused", i)
		}
	}
	if ok, wait := r.Allow("a", t0.Add(10*time.Second)); ok || wait != 50*time.Second {
		t.Errorf("fourth event: %v, wait %v; want refused for 50s", ok, wait)
	}
	if ok, _ := r.Allow("b", t0); !ok {
		t.Error("another key was refused")
	}
	if ok, _ := r.Allow("a", t0.Add(time.Minute)); !ok {
		t.Error("refused after the window")
	}
	if ok, _ := (&Rate{Max: -1, Window: time.Minute}).Allow("a", t0); !ok {
		t.Error("a rate that is off refused")
	}
}

func TestKeyLock(t *testing.T) {
	var k KeyLock
	var inside, most atomic.Int64
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer k.Lock("s")()
			n := inside.Add(1)
			if n > most.Load() {
				most.Store(n)
			}
			time.Sleep(100 * time.Microsecond)
			inside.Add(-1)
		}()
	}
	wg.Wait()
	if most.Load() != 1 {
		t.Errorf("%d holders at once under one key, want 1", most.Load())
	}
	if len(k.locks) != 0 {
		t.Errorf("%d locks left behind", len(k.locks))
	}
}

func TestSlots(t *testing.T) {
	s := &Slots{Total: 3}
	a := SlotCheck{Key: "ses:a", Max: 2}
	r1, ok1 := s.Acquire(a)
	r2, ok2 := s.Acquire(a)
	if !ok1 || !ok2 {
		t.Fatal("the first two slots of a key were refused")
	}
	if _, ok := s.Acquire(a); ok {
		t.Fatal("a third slot of a key with Max 2 was given")
	}
	r3, ok := s.Acquire(SlotCheck{Key: "ses:b", Max: 2})
	if !ok {
		t.Fatal("another key was refused below the total")
	}
	if _, ok := s.Acquire(SlotCheck{Key: "ses:c", Max: 2}); ok {
		t.Fatal("a slot past the total was given")
	}
	r1()
	r1() // idempotent: must not free a second slot
	if total, n := s.Open("ses:a"); total != 2 || n != 1 {
		t.Fatalf("after one release: total %d, key %d; want 2, 1", total, n)
	}
	if _, ok := s.Acquire(a); !ok {
		t.Fatal("a released slot was not given again")
	}
	r2()
	r3()
}

func TestAddressGroup(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"203.0.113.7", "203.0.113.7"},
		{"::ffff:203.0.113.7", "203.0.113.7"},
		{"2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"},
		{"2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"},
		{"2001:db8:1:3::1", "2001:db8:1:3::/64"},
		{"", ""},
	} {
		if got := AddressGroup(c.in); got != c.want {
			t.Errorf("AddressGroup(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestSlowDown(t *testing.T) {
	l := Limit{Max: 10, Window: time.Minute, SlowAfter: 5, Delay: 100 * time.Millisecond}
	for _, c := range []struct {
		count int
		want  time.Duration
	}{{1, 0}, {5, 0}, {6, 100 * time.Millisecond}, {7, 200 * time.Millisecond}, {9, 800 * time.Millisecond}, {40, MaxDelay}} {
		if got := l.delay(c.count); got != c.want {
			t.Errorf("delay after %d failures: %v, want %v", c.count, got, c.want)
		}
	}
	lim := New(nil, nil, nil)
	now := time.Unix(1000, 0)
	fast := Limit{Max: 10, Window: time.Minute, SlowAfter: 1, Delay: 150 * time.Millisecond}
	var took []time.Duration
	for range 3 {
		tk, err := lim.Try(context.Background(), now, Check{Key: "k", Limit: fast})
		if err != nil {
			t.Fatal(err)
		}
		began := time.Now()
		tk.Done(context.Background(), now, true)
		took = append(took, time.Since(began))
	}
	if took[0] > 100*time.Millisecond || took[1] < 150*time.Millisecond || took[2] < 300*time.Millisecond {
		t.Errorf("failed checks answered after %v; want none, then 150 ms, then 300 ms", took)
	}
}
