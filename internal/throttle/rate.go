package throttle

import (
	"sync"
	"time"
)

// Rate admits at most Max events per key in each fixed window of length
// Window, counted in memory on this node: for what is cheap to count and
// needs no database, such as logins that present no proof, per address.
// Over N nodes a key gets at most N × Max per window.
type Rate struct {
	Max    int // < 0: no limit
	Window time.Duration

	mu   sync.Mutex
	keys map[string]*window
	ops  int
}

// Allow counts one event under key at now and reports whether it is within
// the rate; when not, it returns how long until the window ends. An empty
// key is always allowed.
func (r *Rate) Allow(key string, now time.Time) (bool, time.Duration) {
	if r.Max < 0 || key == "" || r.Window <= 0 {
		return true, 0
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.keys == nil {
		r.keys = map[string]*window{}
	}
	if r.ops++; r.ops >= 4096 {
		r.ops = 0
		for k, w := range r.keys {
			if !now.Before(w.resetAt) {
				delete(r.keys, k)
			}
		}
	}
	w := r.keys[key]
	if w == nil {
		w = &window{}
		r.keys[key] = w
	}
	if !now.Before(w.resetAt) {
		w.count, w.resetAt = 0, now.Add(r.Window)
	}
	if w.count >= r.Max {
		return false, w.resetAt.Sub(now)
	}
	w.count++
	return true, 0
}

// KeyLock serialises what runs under one key on this node: a check that
// counts rows in the database and the write that adds one (a session's new
// issues and messages) then form one atomic step, so concurrent requests of
// one session cannot all pass the same count.
type KeyLock struct {
	mu    sync.Mutex
	locks map[string]*keyLock
}

type keyLock struct {
	mu      sync.Mutex
	holders int // guarded by KeyLock.mu
}

// Lock takes key's lock and returns its release.
func (k *KeyLock) Lock(key string) (unlock func()) {
	k.mu.Lock()
	if k.locks == nil {
		k.locks = map[string]*keyLock{}
	}
	l := k.locks[key]
	if l == nil {
		l = &keyLock{}
		k.locks[key] = l
	}
	l.holders++
	k.mu.Unlock()
	l.mu.Lock()
	return func() {
		l.mu.Unlock()
		k.mu.Lock()
		if l.holders--; l.holders == 0 {
			delete(k.locks, key)
		}
		k.mu.Unlock()
	}
}
