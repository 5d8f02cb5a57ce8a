package verify

import (
	"sync"
	"time"
)

// ReplayGuard remembers tokens that have been used. Verify asks it about a
// token only after every other check passed. Digests are never checked: a
// vendor digest is the same at every login by design.
type ReplayGuard interface {
	// Seen records id (a digest of the token) until expiry, and reports
	// whether it had been recorded before.
	Seen(id [32]byte, expiry time.Time) bool
}

// MemoryReplayGuard is a ReplayGuard for one process; the server uses one
// backed by its database so that every node agrees.
type MemoryReplayGuard struct {
	mu   sync.Mutex
	seen map[[32]byte]time.Time
	// Now is the clock used to forget expired ids; nil means time.Now.
	Now func() time.Time
}

// Seen implements ReplayGuard.
func (g *MemoryReplayGuard) Seen(id [32]byte, expiry time.Time) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := time.Now
	if g.Now != nil {
		now = g.Now
	}
	if g.seen == nil {
		g.seen = make(map[[32]byte]time.Time)
	}
	if len(g.seen) > 1024 {
		t := now()
		for k, exp := range g.seen {
			if t.After(exp) {
				delete(g.seen, k)
			}
		}
	}
	if _, ok := g.seen[id]; ok {
		return true
	}
	g.seen[id] = expiry
	return false
}
