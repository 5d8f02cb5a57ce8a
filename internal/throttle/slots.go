package throttle

import (
	"crypto/sha256"
	"encoding/hex"
	"net/netip"
	"strings"
	"sync"
	"time"
)

// Slots bounds what is held open at once (live event streams) per key and
// in total on this node. Unlike a Limiter it counts what is open now, not
// what happened in a window: a slot is taken when a stream opens and given
// back when it ends.
type Slots struct {
	// Total is the most slots open at once on this node; < 0: no limit.
	Total int

	mu    sync.Mutex
	open  int
	byKey map[string]int
}

// SlotCheck is one key and the most slots it may hold at once (< 0: no
// limit; an empty key is not counted).
type SlotCheck struct {
	Key string
	Max int
}

// Acquire takes one slot under every key of checks and one of the total,
// all or none, and returns the release (idempotent). It reports false
// (and nil) when a key or the total is full.
func (s *Slots) Acquire(checks ...SlotCheck) (release func(), ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Total >= 0 && s.open >= s.Total {
		return nil, false
	}
	for _, c := range checks {
		if c.Key != "" && c.Max >= 0 && s.byKey[c.Key] >= c.Max {
			return nil, false
		}
	}
	if s.byKey == nil {
		s.byKey = map[string]int{}
	}
	s.open++
	for _, c := range checks {
		if c.Key != "" {
			s.byKey[c.Key]++
		}
	}
	var once sync.Once
	return func() { once.Do(func() { s.release(checks) }) }, true
}

func (s *Slots) release(checks []SlotCheck) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.open--
	for _, c := range checks {
		if c.Key == "" {
			continue
		}
		if s.byKey[c.Key]--; s.byKey[c.Key] <= 0 {
			delete(s.byKey, c.Key)
		}
	}
}

// Open is how many slots are held now, in total and under key.
func (s *Slots) Open(key string) (total, underKey int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.open, s.byKey[key]
}

// AddressGroup is the part of a client address that limits count under: the
// address itself for IPv4, its /64 prefix for IPv6 (one subscriber usually
// holds a whole /64, so counting each IPv6 address alone would give an
// attacker 2^64 fresh counters). Text that is not an address is returned
// as is.
func AddressGroup(addr string) string {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return addr
	}
	a = a.Unmap()
	if a.Is4() {
		return a.String()
	}
	p, err := a.WithZone("").Prefix(64)
	if err != nil {
		return addr
	}
	return p.String()
}

// SignInDelay is the dashboard's slow-down before its password lock: past
// half the limit, each failed sign-in is answered this much later,
// doubling per failure (argon2id already makes each check slow).
const SignInDelay = 100 * time.Millisecond

// SignInKeys name the dashboard's password-failure counters: one account
// from one address (IPv6 per /64), and one address whatever the account.
// A flood of wrong passwords from elsewhere never locks an owner out of
// the address they sign in from. Hashed: no email or address is stored.
func SignInKeys(email, addr string) []string {
	hash := func(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:16]) }
	group := AddressGroup(addr)
	return []string{"dash-pair:" + hash(strings.ToLower(email)+"\x00"+group), "dash-addr:" + hash(group)}
}
