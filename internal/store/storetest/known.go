package storetest

import "time"

// testKnownAddresses: an address a user logged in from is known after it,
// to that user only, and only since the time asked; remembering again
// keeps the latest time.
func testKnownAddresses(e *env) {
	known := func(user, addr string, since time.Time) bool {
		e.t.Helper()
		ok, err := e.s.AddressKnown(e.ctx, user, addr, since)
		e.must(err)
		return ok
	}
	t0 := e.now
	if known("usr_a", "ip:1", t0.Add(-time.Hour)) {
		e.t.Fatal("an address nobody logged in from is known")
	}
	e.must(e.s.RememberAddress(e.ctx, "usr_a", "ip:1", t0))
	e.must(e.s.RememberAddress(e.ctx, "usr_a", "ip:1", t0.Add(-time.Minute))) // an older time does not win
	switch {
	case !known("usr_a", "ip:1", t0.Add(-time.Second)):
		e.t.Error("a remembered address is not known")
	case known("usr_a", "ip:1", t0):
		e.t.Error("an address is known since after it was last seen")
	case known("usr_b", "ip:1", t0.Add(-time.Hour)):
		e.t.Error("another user's address is known to this one")
	case known("usr_a", "ip:2", t0.Add(-time.Hour)):
		e.t.Error("another address is known")
	}
	e.must(e.s.RememberAddress(e.ctx, "usr_a", "ip:1", t0.Add(time.Hour)))
	if !known("usr_a", "ip:1", t0.Add(30*time.Minute)) {
		e.t.Error("remembering again did not move the time on")
	}
	e.must(e.s.RememberAddress(e.ctx, "usr_b", "ip:2", t0))
	n, err := e.s.ForgetAddresses(e.ctx, t0.Add(time.Minute))
	e.must(err)
	if n != 1 || known("usr_b", "ip:2", t0.Add(-time.Hour)) || !known("usr_a", "ip:1", t0) {
		e.t.Errorf("ForgetAddresses forgot %d: want usr_b's old address only", n)
	}
}
