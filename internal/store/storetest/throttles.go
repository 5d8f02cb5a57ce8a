package storetest

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/store"
)

// testThrottles: Hit counts in a fixed window from the first failure, which
// ends exactly at ResetAt; Throttled reads without counting; keys are
// independent; PurgeThrottles drops the windows that ended.
func testThrottles(e *env) {
	const window = 15 * time.Minute
	hit := func(key string, at time.Time) model.Throttle {
		e.t.Helper()
		t, err := e.s.Hit(e.ctx, key, window, at)
		e.must(err)
		return t
	}
	state := func(key string, at time.Time) model.Throttle {
		e.t.Helper()
		t, err := e.s.Throttled(e.ctx, key, at)
		e.must(err)
		return t
	}
	want := func(what string, got model.Throttle, count int, reset time.Time) {
		e.t.Helper()
		if got.Count != count || !got.ResetAt.Equal(reset) {
			e.t.Errorf("%s: %d until %v, want %d until %v", what, got.Count, got.ResetAt, count, reset)
		}
	}

	key := "id:" + model.NewID("t")
	if got := state(key, e.now); got != (model.Throttle{}) {
		e.t.Errorf("Throttled of a key never hit = %+v, want the zero Throttle", got)
	}
	start := e.tick()
	reset := ms(start.Add(window))
	want("first hit", hit(key, start), 1, reset)
	want("second hit", hit(key, e.tick()), 2, reset)

	// Throttled reads, however often, and does not count.
	for range 3 {
		want("Throttled", state(key, e.tick()), 2, reset)
	}
	want("hit after reading", hit(key, e.tick()), 3, reset)
	// The window does not slide: a hit just before its end counts in it.
	want("hit a millisecond before the end", hit(key, reset.Add(-time.Millisecond)), 4, reset)
	want("Throttled a millisecond before the end", state(key, reset.Add(-time.Millisecond)), 4, reset)

	// LiveThrottles lists the live window with its count, and not once it ended.
	live, err := e.s.LiveThrottles(e.ctx, reset.Add(-time.Millisecond))
	e.must(err)
	want("LiveThrottles a millisecond before the end", live[key], 4, reset)
	if live, err = e.s.LiveThrottles(e.ctx, reset); err != nil || live[key] != (model.Throttle{}) {
		e.t.Errorf("LiveThrottles at the end = %+v, %v; want the key gone", live[key], err)
	}

	// At ResetAt the window is over: nothing live, and the next hit starts
	// a new window at 1.
	if got := state(key, reset); got.Count != 0 {
		e.t.Errorf("Throttled exactly at the end = %+v, want Count 0", got)
	}
	next := ms(reset.Add(window))
	want("hit exactly at the end", hit(key, reset), 1, next)
	want("then", hit(key, reset.Add(time.Second)), 2, next)
	// Long after: a new window too.
	late := next.Add(time.Hour)
	want("hit long after", hit(key, late), 1, ms(late.Add(window)))

	// Keys are independent.
	other := "ip:" + model.NewID("t")
	want("another key", hit(other, late), 1, ms(late.Add(window)))
	want("the first key, unchanged", state(key, late), 1, ms(late.Add(window)))
	want("the other key", state(other, late.Add(time.Second)), 1, ms(late.Add(window)))

	// A window is its own length from its first failure.
	short := "id:" + model.NewID("t")
	if t, err := e.s.Hit(e.ctx, short, time.Second, late); err != nil || t.Count != 1 || !t.ResetAt.Equal(ms(late.Add(time.Second))) {
		e.t.Errorf("Hit with a one-second window = %+v, %v", t, err)
	}

	for _, tc := range []struct {
		name string
		err  error
	}{
		{"Hit with an empty key", func() error { _, err := e.s.Hit(e.ctx, "", window, late); return err }()},
		{"Hit with a zero window", func() error { _, err := e.s.Hit(e.ctx, key, 0, late); return err }()},
		{"Hit with a negative window", func() error { _, err := e.s.Hit(e.ctx, key, -window, late); return err }()},
		{"Hit with a key that is not UTF-8", func() error { _, err := e.s.Hit(e.ctx, "ip:\xff", window, late); return err }()},
		{"Throttled with an empty key", func() error { _, err := e.s.Throttled(e.ctx, "", late); return err }()},
	} {
		if got := model.ErrorCode(tc.err); got != model.CodeInvalid {
			e.t.Errorf("%s: %v (code %q), want %q", tc.name, tc.err, got, model.CodeInvalid)
		}
	}
	want("after the refused hits", state(key, late), 1, ms(late.Add(window)))
}

func testPurgeThrottles(e *env) {
	const window = time.Minute
	at := e.tick()
	ended, endsAtPurge, live := "k:"+model.NewID("t"), "k:"+model.NewID("t"), "k:"+model.NewID("t")
	for key, start := range map[string]time.Time{ended: at, endsAtPurge: at.Add(time.Second), live: at.Add(time.Hour)} {
		if _, err := e.s.Hit(e.ctx, key, window, start); err != nil {
			e.t.Fatal(err)
		}
		if _, err := e.s.Hit(e.ctx, key, window, start); err != nil {
			e.t.Fatal(err)
		}
	}
	purge := ms(at.Add(time.Second).Add(window)) // endsAtPurge's end
	n, err := e.s.PurgeThrottles(e.ctx, purge)
	e.must(err)
	if n != 1 {
		e.t.Errorf("PurgeThrottles deleted %d windows, want 1 (the one that ended before)", n)
	}
	// The purged key starts from nothing, even within its old window; the
	// window that ends exactly at the purge, and the live one, stay.
	for _, tc := range []struct {
		key   string
		at    time.Time
		count int
	}{
		{ended, at.Add(time.Second), 1},
		{endsAtPurge, at.Add(2 * time.Second), 3},
		{live, at.Add(time.Hour + time.Second), 3},
	} {
		got, err := e.s.Hit(e.ctx, tc.key, window, tc.at)
		e.must(err)
		if got.Count != tc.count {
			e.t.Errorf("hit after the purge: count %d, want %d", got.Count, tc.count)
		}
	}
	n, err = e.s.PurgeThrottles(e.ctx, at)
	if err != nil || n != 0 {
		e.t.Errorf("PurgeThrottles with nothing ended: %d, %v", n, err)
	}
}

// testThrottlesConcurrent: concurrent hits on one key never lose a count,
// nor share one, in a window and when it starts again.
func testThrottlesConcurrent(e *env) {
	const hits, window = 50, time.Minute
	key := "id:" + model.NewID("t")
	burst := func(at time.Time) ([]int, []time.Time) {
		counts, resets := make([]int, hits), make([]time.Time, hits)
		errs := make([]error, hits)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range hits {
			wg.Go(func() {
				<-start
				t, err := e.s.Hit(e.ctx, key, window, at)
				counts[i], resets[i], errs[i] = t.Count, t.ResetAt, err
			})
		}
		close(start)
		wg.Wait()
		for _, err := range errs {
			e.must(err)
		}
		slices.Sort(counts)
		return counts, resets
	}
	every := make([]int, hits)
	for i := range every {
		every[i] = i + 1
	}

	first := e.tick()
	for round, at := range []time.Time{first, first.Add(window)} { // the second starts as the first window ends
		counts, resets := burst(at)
		if !slices.Equal(counts, every) {
			e.t.Errorf("round %d: %d concurrent hits returned the counts %v, want each of 1…%d once", round, hits, counts, hits)
		}
		for _, r := range resets {
			if !r.Equal(ms(at.Add(window))) {
				e.t.Errorf("round %d: a hit returned ResetAt %v, want %v", round, r, ms(at.Add(window)))
				break
			}
		}
		got, err := e.s.Throttled(e.ctx, key, at)
		e.must(err)
		if got.Count != hits {
			e.t.Errorf("round %d: Throttled after %d concurrent hits = %d", round, hits, got.Count)
		}
	}
}

// HammerThrottle hits one key from many goroutines spread over nodes (stores
// on one database) and fails unless every hit got its own count, 1…n, and
// every node then reads n.
func HammerThrottle(t *testing.T, nodes ...store.Store) {
	t.Helper()
	const perNode, window = 20, time.Minute
	key := "ip:" + model.NewID("t")
	at := t0
	n := perNode * len(nodes)
	counts, errs := make([]int, n), make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			th, err := nodes[i%len(nodes)].Hit(t.Context(), key, window, at)
			counts[i], errs[i] = th.Count, err
		})
	}
	close(start)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	slices.Sort(counts)
	for i, c := range counts {
		if c != i+1 {
			t.Fatalf("%d hits over %d nodes returned the counts %v, want each of 1…%d once", n, len(nodes), counts, n)
		}
	}
	for i, s := range nodes {
		th, err := s.Throttled(t.Context(), key, at)
		if err != nil {
			t.Fatal(err)
		}
		if th.Count != n {
			t.Errorf("node %d reads %d, want %d", i, th.Count, n)
		}
	}
}
