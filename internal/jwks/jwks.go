// Package jwks fetches the JWK Sets that brands publish their public keys
// in, through the outbound policy (public HTTPS only, addresses checked
// after resolution, size and time caps), and makes their keys the app's
// keys: the store keeps them as rows of keys (with the set's kid), so the
// login path's per-node verifier cache and its invalidation through the
// events bus serve them like any other key.
//
// A set is fetched again when its cache age runs out (the server's
// Cache-Control max-age, bounded by a floor and a ceiling), and at once
// when a token names a kid it does not list, at most once a minute per
// app on each node. When a fetch fails the last good set stays in force;
// the failure is recorded for the app's page and counted for metrics.
package jwks

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/signet-id/signet/internal/keyring"
	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/outbound"
	"github.com/signet-id/signet/internal/secretbox"
	"github.com/signet-id/signet/internal/store"
	"github.com/signet-id/signet/verify"
)

// Defaults of a Fetcher.
const (
	DefaultTimeout  = 5 * time.Second
	DefaultMaxBytes = 64 << 10
	DefaultMaxKeys  = 20
	// MinAge and MaxAge bound the server's max-age; DefaultAge is the age
	// of a set served without one.
	DefaultMinAge = time.Minute
	DefaultMaxAge = 24 * time.Hour
	DefaultAge    = 15 * time.Minute
	// DefaultRefetchEvery is the rate limit of fetches on an unknown kid,
	// and the wait before trying again after a failure.
	DefaultRefetchEvery = time.Minute
)

// Fetcher fetches apps' JWKS. The zero value is not usable: set Store,
// Box and Policy (New does, with the defaults).
type Fetcher struct {
	Store  store.Store
	Box    *secretbox.Box
	Policy *outbound.Policy
	Now    func() time.Time
	Log    *slog.Logger
	// Observe, when set, is told of every fetch: "ok" or "failed".
	Observe func(result string)

	Timeout             time.Duration
	MaxBytes            int64
	MaxKeys             int
	MinAge, MaxAge, Age time.Duration
	RefetchEvery        time.Duration
	client              *http.Client
	mu                  sync.Mutex
	apps                map[string]*appState
	background          sync.WaitGroup
	closed              bool
	stopBackground      context.CancelFunc
	backgroundCtx       context.Context
	onceInit            sync.Once
}

// appState is what this node knows of one app's set.
type appState struct {
	url      string
	next     time.Time     // when the cache age runs out
	forced   time.Time     // the last fetch on an unknown kid
	inflight chan struct{} // closed when the running fetch ends
	changed  bool          // what the running fetch found
}

// New returns a Fetcher with the defaults.
func New(st store.Store, box *secretbox.Box, policy *outbound.Policy, log *slog.Logger) *Fetcher {
	return &Fetcher{Store: st, Box: box, Policy: policy, Log: log}
}

func (f *Fetcher) init() {
	f.onceInit.Do(func() {
		if f.Timeout == 0 {
			f.Timeout = DefaultTimeout
		}
		if f.MaxBytes == 0 {
			f.MaxBytes = DefaultMaxBytes
		}
		if f.MaxKeys == 0 {
			f.MaxKeys = DefaultMaxKeys
		}
		if f.MinAge == 0 {
			f.MinAge = DefaultMinAge
		}
		if f.MaxAge == 0 {
			f.MaxAge = DefaultMaxAge
		}
		if f.Age == 0 {
			f.Age = DefaultAge
		}
		if f.RefetchEvery == 0 {
			f.RefetchEvery = DefaultRefetchEvery
		}
		if f.Now == nil {
			f.Now = time.Now
		}
		if f.Log == nil {
			f.Log = slog.New(slog.DiscardHandler)
		}
		if f.Policy == nil {
			f.Policy, _ = outbound.ParsePolicy("")
		}
		f.client = f.Policy.Client(f.Timeout)
		f.apps = map[string]*appState{}
		f.backgroundCtx, f.stopBackground = context.WithCancel(context.Background())
	})
}

// Close stops background fetches and waits for them.
func (f *Fetcher) Close() {
	f.init()
	f.mu.Lock()
	f.closed = true
	f.mu.Unlock()
	f.stopBackground()
	f.background.Wait()
}

// CheckURL is the check of a JWKS URL when an admin sets it: the outbound
// policy's, with its reason.
func (f *Fetcher) CheckURL(raw string) error {
	f.init()
	return f.Policy.CheckURL(raw)
}

// state returns the app's state, reset when its URL changed.
func (f *Fetcher) state(app *model.App) *appState {
	st := f.apps[app.ID]
	if st == nil || st.url != app.JWKSURL {
		st = &appState{url: app.JWKSURL}
		f.apps[app.ID] = st
	}
	return st
}

// Maintain fetches the app's set in the background when its cache age
// has run out on this node (at once on the first login a node serves:
// the stored keys verify meanwhile).
func (f *Fetcher) Maintain(app *model.App) {
	f.init()
	f.mu.Lock()
	defer f.mu.Unlock()
	st := f.state(app)
	if f.closed || st.inflight != nil || f.Now().Before(st.next) {
		return
	}
	a := *app
	f.startLocked(st, &a)
}

// Refetch fetches the app's set now, on a kid it does not list, unless
// this node did so within RefetchEvery; it waits for a fetch already
// running. It reports whether the app's keys changed.
func (f *Fetcher) Refetch(ctx context.Context, app *model.App) bool {
	f.init()
	f.mu.Lock()
	st := f.state(app)
	if st.inflight == nil {
		now := f.Now()
		if f.closed || now.Sub(st.forced) < f.RefetchEvery && !st.forced.IsZero() {
			f.mu.Unlock()
			return false
		}
		st.forced = now
		a := *app
		f.startLocked(st, &a)
	}
	done := st.inflight
	f.mu.Unlock()
	select {
	case <-done:
	case <-ctx.Done():
		return false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return st.changed
}

// startLocked runs a fetch of app's set in the background; f.mu is held.
func (f *Fetcher) startLocked(st *appState, app *model.App) {
	done := make(chan struct{})
	st.inflight = done
	f.background.Add(1)
	go func() {
		defer f.background.Done()
		ctx, cancel := context.WithTimeout(f.backgroundCtx, 2*f.Timeout)
		defer cancel()
		changed, age, _ := f.fetch(ctx, app)
		f.mu.Lock()
		st.changed, st.inflight = changed, nil
		st.next = f.Now().Add(age)
		f.mu.Unlock()
		close(done)
	}()
}

// Fetch fetches the app's set now and records the outcome (the admin API
// does, when a JWKS URL is set). A failure leaves the keys as they were.
func (f *Fetcher) Fetch(ctx context.Context, app *model.App) (*model.JWKSFetch, error) {
	f.init()
	_, age, err := f.fetch(ctx, app)
	f.mu.Lock()
	f.state(app).next = f.Now().Add(age)
	f.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return f.Store.JWKSFetch(ctx, app.ID)
}

// fetch gets, checks and stores the app's set: whether keys changed, how
// long until it is due again, and the failure recorded (nil on success).
// Only a store error is returned without being recorded.
func (f *Fetcher) fetch(ctx context.Context, app *model.App) (changed bool, age time.Duration, err error) {
	now := f.Now()
	keys, age, ferr := f.get(ctx, app)
	prev, perr := f.Store.JWKSFetch(ctx, app.ID)
	if perr != nil && model.ErrorCode(perr) != model.CodeNotFound {
		return false, f.RefetchEvery, perr
	}
	rec := &model.JWKSFetch{AppID: app.ID, URL: app.JWKSURL, CheckedAt: now}
	if ferr != nil {
		if f.Observe != nil {
			f.Observe("failed")
		}
		rec.Error = ferr.Error()
		rec.Failures = 1
		if prev != nil {
			rec.FetchedAt, rec.KeyCount, rec.Failures = prev.FetchedAt, prev.KeyCount, prev.Failures+1
		}
		f.Log.WarnContext(ctx, "jwks: fetch failed; the last good set stays in force", "app", app.ID, "failures", rec.Failures, "err", ferr)
		if err := f.Store.RecordJWKSFetch(ctx, rec); err != nil {
			return false, f.RefetchEvery, err
		}
		return false, f.RefetchEvery, ferr
	}
	if f.Observe != nil {
		f.Observe("ok")
	}
	rec.FetchedAt, rec.KeyCount = &now, len(keys)
	changed, err = f.Store.SyncJWKS(ctx, app.ID, keys, rec)
	if err != nil {
		return false, f.RefetchEvery, err
	}
	if changed {
		f.Log.InfoContext(ctx, "jwks: the app's keys changed", "app", app.ID, "keys", len(keys))
	}
	return changed, age, nil
}

// FetchError is a fetch that failed, with a reason fit for the app's page.
type FetchError struct{ Reason string }

func (e *FetchError) Error() string { return e.Reason }

func failed(format string, args ...any) error {
	return &FetchError{Reason: fmt.Sprintf(format, args...)}
}

// get fetches and parses the set into keys for the app, sealed.
func (f *Fetcher) get(ctx context.Context, app *model.App) ([]model.Key, time.Duration, error) {
	if app.JWKSURL == "" {
		return nil, f.Age, failed("the app has no JWKS URL")
	}
	if err := f.Policy.CheckURL(app.JWKSURL); err != nil {
		return nil, f.RefetchEvery, failed("%v", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, app.JWKSURL, nil)
	if err != nil {
		return nil, f.RefetchEvery, failed("the JWKS URL is not valid")
	}
	req.Header.Set("Accept", "application/jwk-set+json, application/json")
	req.Header.Set("User-Agent", "Signet-JWKS")
	resp, err := f.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL may hold what the brand would rather not see repeated
		}
		if ctx.Err() != nil || isTimeout(err) {
			return nil, f.RefetchEvery, failed("the JWKS did not answer within %v", f.Timeout)
		}
		return nil, f.RefetchEvery, failed("the JWKS could not be fetched: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, f.RefetchEvery, failed("the JWKS answered HTTP %d, not 200", resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "" {
		mt, _, _ := mime.ParseMediaType(ct)
		if mt != "application/json" && mt != "application/jwk-set+json" && !strings.HasSuffix(mt, "+json") {
			return nil, f.RefetchEvery, failed("the JWKS is served as %s, not JSON", quoteShort(mt))
		}
	}
	body, err := outbound.LimitBody(resp.Body, f.MaxBytes)
	switch {
	case errors.Is(err, outbound.ErrTooLarge):
		return nil, f.RefetchEvery, failed("the JWKS is larger than %d KiB", f.MaxBytes>>10)
	case err != nil && (ctx.Err() != nil || isTimeout(err)):
		return nil, f.RefetchEvery, failed("the JWKS did not answer within %v", f.Timeout)
	case err != nil:
		return nil, f.RefetchEvery, failed("the JWKS could not be read: %v", err)
	}
	set, err := verify.ParseJWKS(body, f.MaxKeys)
	if err != nil {
		return nil, f.RefetchEvery, failed("%v", err)
	}
	now := f.Now()
	keys := make([]model.Key, 0, len(set))
	for _, j := range set {
		k, err := keyring.NewPublicKey(f.Box, app, j.Alg, j.Public, now)
		if err != nil {
			return nil, f.RefetchEvery, failed("key %s: %v", quoteShort(j.Kid), err)
		}
		k.Kid, k.Imported = j.Kid, false
		keys = append(keys, *k)
	}
	return keys, f.cacheAge(resp.Header), nil
}

// cacheAge is how long the set may be kept: Cache-Control's max-age (none
// with no-store or no-cache: the floor) between the floor and the ceiling.
func (f *Fetcher) cacheAge(h http.Header) time.Duration {
	age := f.Age
	for _, d := range strings.Split(h.Get("Cache-Control"), ",") {
		d = strings.ToLower(strings.TrimSpace(d))
		switch {
		case d == "no-store" || d == "no-cache":
			return f.MinAge
		case strings.HasPrefix(d, "max-age="):
			if n, err := strconv.ParseInt(strings.TrimPrefix(d, "max-age="), 10, 64); err == nil && n >= 0 {
				age = time.Duration(min(n, int64(f.MaxAge/time.Second)+1)) * time.Second
			}
		}
	}
	return max(f.MinAge, min(f.MaxAge, age))
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout() || errors.Is(err, context.DeadlineExceeded)
}

func quoteShort(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return strconv.Quote(s)
}

// Busy reports whether a fetch of the app's set is running in the
// background on this node.
func (f *Fetcher) Busy(app *model.App) bool {
	f.init()
	f.mu.Lock()
	defer f.mu.Unlock()
	st := f.apps[app.ID]
	return st != nil && st.inflight != nil
}
